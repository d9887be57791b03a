//! The OpenAPI document is one a client generator can use: every `$ref` resolves, no schema
//! is a contradiction, and each request schema admits the bodies the server accepts — the
//! scope matrix checks every body it sends against the document with [`RequestSchemas`]
//! before sending it, and every operation that takes a body is sent one that succeeds.

use crate::scope_matrix::requests::{Body, XLSX};
use reqwest::Method;
use serde_json::{Value, json};
use std::cell::RefCell;
use std::collections::HashMap;

/// The document exactly as the server serves it.
pub fn document() -> Value {
    serde_json::to_value(dongneng_web::api::router().1).expect("document as JSON")
}

/// The request schemas of a document, compiled as they are first needed.
pub struct RequestSchemas<'a> {
    doc: &'a Value,
    compiled: RefCell<HashMap<String, jsonschema::Validator>>,
}

impl<'a> RequestSchemas<'a> {
    pub fn new(doc: &'a Value) -> Self {
        RequestSchemas {
            doc,
            compiled: RefCell::new(HashMap::new()),
        }
    }

    /// The operations that take a body, as `METHOD path`.
    pub fn operations_with_a_body(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (path, item) in self.doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if op.get("requestBody").is_some() {
                    out.push(format!("{} {path}", method.to_uppercase()));
                }
            }
        }
        out
    }

    /// Whether `body` is what the document says `method path` takes.
    pub fn check(&self, method: &Method, path: &str, body: &Body) -> Result<(), String> {
        let op = &self.doc["paths"][path][method.as_str().to_lowercase()];
        let content = &op["requestBody"]["content"];
        let schema_for = |media: &str| {
            content
                .get(media)
                .map(|c| &c["schema"])
                .ok_or_else(|| format!("the document takes no {media} body: {content}"))
        };
        match body {
            Body::Empty if content.is_null() => Ok(()),
            Body::Empty => Err(format!("the document asks for a body: {content}")),
            Body::Json(value) => {
                let key = format!("{method} {path}");
                let mut compiled = self.compiled.borrow_mut();
                if !compiled.contains_key(&key) {
                    let validator = self.validator(schema_for("application/json")?)?;
                    compiled.insert(key.clone(), validator);
                }
                let problems: Vec<String> = compiled[&key]
                    .iter_errors(value)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                if problems.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "the body does not match the document's schema: {}\n{value}",
                        problems.join("; ")
                    ))
                }
            }
            Body::Xlsx(_) => self.binary(schema_for(XLSX)?),
            Body::File { .. } => {
                let form = self.resolve(schema_for("multipart/form-data")?);
                let parts: Vec<&str> = form["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                if parts != ["file"] {
                    return Err(format!("the form asks for the parts {parts:?}, not `file`"));
                }
                self.binary(&form["properties"]["file"])
            }
        }
    }

    /// A schema with its `$ref` followed.
    fn resolve<'s>(&'s self, schema: &'s Value) -> &'s Value {
        match schema["$ref"].as_str() {
            Some(r) => self
                .doc
                .pointer(r.trim_start_matches('#'))
                .unwrap_or(&Value::Null),
            None => schema,
        }
    }

    /// Bytes as they are: a binary string.
    fn binary(&self, schema: &Value) -> Result<(), String> {
        let schema = self.resolve(schema);
        if schema["type"] == "string" && schema["format"] == "binary" {
            Ok(())
        } else {
            Err(format!("not described as a binary string: {schema}"))
        }
    }

    /// A validator for `schema`, resolving its references into the document's components.
    fn validator(&self, schema: &Value) -> Result<jsonschema::Validator, String> {
        let mut root = schema.clone();
        root["components"] = self.doc["components"].clone();
        jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("the schema does not compile: {e}"))
    }
}

/// Every `$ref` in `value`, with where it is.
fn references(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(o) => {
            for (k, v) in o {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push((at.to_string(), r.clone())),
                    _ => references(v, &format!("{at}/{k}"), out),
                }
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                references(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_reference_resolves() {
    let doc = document();
    let mut refs = Vec::new();
    references(&doc, "", &mut refs);
    assert!(refs.len() > 100, "{} references", refs.len());
    let dangling: Vec<String> = refs
        .iter()
        .filter(|(_, r)| !r.starts_with("#/components/schemas/") || doc.pointer(&r[1..]).is_none())
        .map(|(at, r)| format!("{at}: {r}"))
        .collect();
    assert!(
        dangling.is_empty(),
        "dangling references:\n{}",
        dangling.join("\n")
    );
}

/// `allOf` with a part closed to other properties admits no body at all (how utoipa
/// describes a flattened field): the document has none left.
#[test]
fn no_schema_contradicts_itself() {
    let doc = document();
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
    let contradictions: Vec<&String> = schemas
        .iter()
        .filter(|(_, s)| s.get("allOf").is_some())
        .map(|(name, _)| name)
        .collect();
    assert!(
        contradictions.is_empty(),
        "allOf left in {contradictions:?}"
    );
}

/// What a generated client sends to create a project: one flat object. The schema takes it,
/// and refuses what the handler refuses (a missing stage, a field it does not know).
#[test]
fn create_project_is_one_object() {
    let doc = document();
    let schemas = RequestSchemas::new(&doc);
    let post = |body: Value| schemas.check(&Method::POST, "/api/v1/projects", &Body::Json(body));
    let body = json!({
        "name": "年产5万吨高性能膜材料项目", "owner_name": "淄博测试新材料有限公司",
        "region_id": 5, "industry_id": 7, "library_class": "city_major", "nature": "new",
        "content": "建设高性能膜材料生产线", "total_investment": 100_000_000_000i64,
        "stage": "reserve", "batch_year": 2026, "year_plan": 12_000_000_000i64,
        "factors": [{"kind": "land", "required": 12_000}]
    });
    post(body.clone()).expect("a valid body");
    let mut without_stage = body.clone();
    without_stage.as_object_mut().unwrap().remove("stage");
    assert!(post(without_stage).is_err(), "stage is required");
    let mut unknown = body;
    unknown["colour"] = json!("red");
    assert!(post(unknown).is_err(), "unknown fields are refused");
    // An update names the version it read, beside the project's fields.
    let mut update = json!({
        "version": 3, "name": "x", "owner_name": "y", "region_id": 5, "industry_id": 7,
        "library_class": "city_major", "nature": "new", "content": "", "total_investment": 1
    });
    schemas
        .check(
            &Method::PUT,
            "/api/v1/projects/{id}",
            &Body::Json(update.clone()),
        )
        .expect("a valid update");
    update.as_object_mut().unwrap().remove("version");
    assert!(
        schemas
            .check(&Method::PUT, "/api/v1/projects/{id}", &Body::Json(update))
            .is_err(),
        "the version is required"
    );
}

/// The list's `sort`, the uploads and the deletes' `version` say what the server takes.
#[test]
fn parameters_and_uploads_are_described() {
    let doc = document();
    let list = &doc["paths"]["/api/v1/projects"]["get"]["parameters"];
    let sort = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "sort")
        .expect("sort");
    assert!(
        sort.to_string()
            .contains("#/components/schemas/ProjectSort")
    );
    assert!(
        doc["components"]["schemas"]["ProjectSort"]["enum"]
            .as_array()
            .is_some_and(|e| e.contains(&json!("total_investment")))
    );
    let schemas = RequestSchemas::new(&doc);
    for path in [
        "/api/v1/projects/import",
        "/api/v1/projects/progress/import",
    ] {
        schemas
            .check(&Method::POST, path, &Body::Xlsx(Vec::new()))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    schemas
        .check(
            &Method::POST,
            "/api/v1/industries/{id}/special-plans/{plan_id}/files",
            &Body::File {
                name: "a.pdf",
                bytes: Vec::new(),
            },
        )
        .expect("upload");
    let delete = &doc["paths"]["/api/v1/industries/{id}/experts/{expert_id}"]["delete"];
    let version = delete["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "version")
        .expect("version");
    assert_eq!(version["required"], true);
    assert_eq!(version["schema"]["type"], "integer");
}
