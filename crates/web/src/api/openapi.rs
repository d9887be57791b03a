//! Finishing touches that make the generated OpenAPI document one a client generator can use
//! and that name every route: [`flatten_all_of`] and [`describe_itself`].
//!
//! utoipa describes a `#[serde(flatten)]` field as `allOf: [the outer object, the flattened
//! type]`. When the flattened type refuses unknown fields (`additionalProperties: false`), the
//! parts contradict each other — each refuses the other's properties — and no body satisfies
//! the whole. The handlers read such bodies as one flat object (`CreateProject`: the
//! project's fields plus where it enters; `Versioned<T>`: `T`'s fields plus `version`), so
//! that is how the document describes them.

use std::collections::BTreeMap;
use utoipa::openapi::path::{HttpMethod, OperationBuilder};
use utoipa::openapi::schema::{AdditionalProperties, Object, Schema, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, RefOr, ResponseBuilder};

/// Where the document is served (by `crate::app`, which holds it).
pub const PATH: &str = "/api/v1/openapi.json";

/// Adds the document's own route, open to anyone, so that the document names every route
/// of the API (the scope matrix checks each one).
pub fn describe_itself(doc: &mut OpenApi) {
    let json = ContentBuilder::new()
        .schema(Some(Object::with_type(SchemaType::Type(Type::Object))))
        .build();
    let operation = OperationBuilder::new()
        .tag("operations")
        .summary(Some("This document: the API described in OpenAPI 3.1."))
        .operation_id(Some("openapi"))
        .securities(Some(Vec::new()))
        .response(
            "200",
            ResponseBuilder::new()
                .description("The OpenAPI document")
                .content("application/json", json),
        );
    doc.paths
        .add_path_operation(PATH, vec![HttpMethod::Get], operation);
}

/// Rewrites, in place, every component schema that is an `allOf` of objects into the one
/// object a body must be: all their properties, all their required fields, closed to other
/// properties when any part was.
/// A flattened type that flattens another (`TaskDetail` of `TaskEntry` of `Task`) is merged
/// once the one inside it is.
pub fn flatten_all_of(doc: &mut OpenApi) {
    let Some(components) = doc.components.as_mut() else {
        return;
    };
    loop {
        let flattened: Vec<(String, Object)> = components
            .schemas
            .iter()
            .filter_map(|(name, schema)| match schema {
                RefOr::T(Schema::AllOf(all)) => {
                    let mut merged = merge(&all.items, &components.schemas)?;
                    merged.description = all.description.clone();
                    Some((name.clone(), merged))
                }
                _ => None,
            })
            .collect();
        if flattened.is_empty() {
            return;
        }
        for (name, object) in flattened {
            components
                .schemas
                .insert(name, RefOr::T(Schema::Object(object)));
        }
    }
}

/// One object with every part's properties; `None` when a part is not an object (then the
/// `allOf` stays as it is).
fn merge(parts: &[RefOr<Schema>], schemas: &BTreeMap<String, RefOr<Schema>>) -> Option<Object> {
    let mut merged = Object::with_type(SchemaType::Type(Type::Object));
    for part in parts {
        let object = match part {
            RefOr::T(Schema::Object(o)) => o,
            RefOr::Ref(r) => {
                let name = r.ref_location.strip_prefix("#/components/schemas/")?;
                match schemas.get(name)? {
                    RefOr::T(Schema::Object(o)) => o,
                    _ => return None,
                }
            }
            _ => return None,
        };
        merged.properties.extend(object.properties.clone());
        for field in &object.required {
            if !merged.required.contains(field) {
                merged.required.push(field.clone());
            }
        }
        if matches!(
            object.additional_properties.as_deref(),
            Some(AdditionalProperties::FreeForm(false))
        ) {
            merged.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
        }
    }
    Some(merged)
}
