//! Official documents (公文) through the API on both databases: the supervision notice as
//! DOCX and PDF (made with no system fonts, so the embedded ones alone are proven enough),
//! kept with its audit rows, served again from the store, made anew at a new version of the
//! item, listed per item; and refused — with nothing written — to whoever cannot read the item.

use crate::harness::{TestApp, each_backend, reference_data};
use crate::problems::{ids, raise};
use crate::supervision::issue;
use dongneng_service::ServiceConfig;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::io::Read;

pub(crate) const DOCX: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// Only the fonts carried in the binary.
pub(crate) fn no_system_fonts() -> ServiceConfig {
    ServiceConfig {
        system_fonts: false,
        ..reference_data()
    }
}

fn deadline() -> String {
    (dongneng_domain::clock::today() + chrono::Duration::days(10)).to_string()
}

/// GET `path` as `token`: status, content type, disposition and bytes.
pub(crate) async fn fetch(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
) -> (StatusCode, String, String, Vec<u8>) {
    let mut req = app.client.get(app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let header = |h: &str| {
        resp.headers()
            .get(h)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let (ctype, disposition) = (header("content-type"), header("content-disposition"));
    let bytes = resp.bytes().await.expect("body").to_vec();
    (status, ctype, disposition, bytes)
}

pub(crate) fn document_xml(docx: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a DOCX is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8");
    xml
}

pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(pdf)
        .expect("the PDF reads back")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

fn documents_of(item: &Value) -> String {
    format!(
        "/api/v1/documents?source_kind=supervision_item&source_id={}",
        item["id"]
    )
}

#[tokio::test]
async fn the_notice_is_made_kept_and_downloaded_again() {
    each_backend(no_system_fonts(), async |app| {
        let ids = ids(app).await;
        let office = app.token("office").await;
        let supervisor = app.token("supervisor").await;
        let dept = app.token("dept").await;
        let p = raise(
            app,
            &office,
            ids.new_materials,
            ids.zhangdian,
            "项目用地指标不足",
        )
        .await;
        let i = issue(
            app,
            json!({"title": "督促解决项目用地问题", "requirement": "请于期限内报送办理结果",
                   "subject": "problem", "subject_id": p["id"], "deadline": deadline(),
                   "unit_ids": [ids.miit, ids.finance]}),
        )
        .await;
        let number = i["number"].as_str().unwrap().to_string();
        let path = format!("/api/v1/supervision-items/{}", i["id"]);
        let audit = app.audit_count().await;

        // Word: opens as a zip whose document names the number, the title and the units.
        let (status, ctype, disposition, docx) =
            fetch(app, &format!("{path}/notice.docx"), Some(&supervisor)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ctype, DOCX);
        assert!(
            disposition.contains("filename*=UTF-8''%E7%9D%A3%E5%8A%9E"),
            "Chinese file name (督办…): {disposition}"
        );
        assert!(disposition.ends_with(".docx"), "{disposition}");
        let xml = document_xml(&docx);
        for want in [
            number.as_str(),
            "督促解决项目用地问题",
            "市财政局",
            "仿宋_GB2312",
        ] {
            assert!(xml.contains(want), "{want} missing from the DOCX");
        }
        // Both formats were made and kept, each with its audit row.
        assert_eq!(app.audit_count().await, audit + 2);
        let (status, list) = app.get(&documents_of(&i), &supervisor).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(list["total"], 2, "{list}");
        let docs = list["items"].as_array().unwrap().clone();
        assert_eq!(docs[0]["format"], "docx");
        assert_eq!(docs[1]["format"], "pdf");
        for d in &docs {
            assert_eq!(d["kind"], "supervision_notice");
            assert_eq!(d["source_version"], i["version"]);
            assert_eq!(d["number"], number.as_str());
            assert_eq!(d["created_by"], "supervisor");
            assert_eq!(d["sha256"].as_str().unwrap().len(), 64);
        }

        // PDF, read by a unit: its text holds the number and the title — with no system
        // font, every character came from the embedded subsets.
        let (status, ctype, _, pdf) = fetch(app, &format!("{path}/notice.pdf"), Some(&dept)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(ctype, "application/pdf");
        let text = pdf_text(&pdf);
        for want in [
            number.as_str(),
            "督促解决项目用地问题",
            "请于期限内报送办理结果",
            "市工业和信息化局",
        ] {
            assert!(
                text.contains(want),
                "{want} missing from the PDF text: {text}"
            );
        }
        // Served from the store: nothing new made, the same bytes.
        assert_eq!(app.audit_count().await, audit + 2);
        let (_, _, _, again) = fetch(app, &format!("{path}/notice.docx"), Some(&office)).await;
        assert_eq!(again, docx);
        let (_, _, _, stored) = fetch(
            app,
            &format!("/api/v1/documents/{}", docs[1]["id"]),
            Some(&office),
        )
        .await;
        assert_eq!(stored, pdf);
        assert_eq!(app.audit_count().await, audit + 2);

        // A new version of the item makes a new notice; the old one stays.
        let (status, edited) = app
            .call(
                Method::PUT,
                &path,
                Some(&supervisor),
                Some(
                    json!({"version": i["version"], "title": "督促解决项目用地和资金问题",
                            "requirement": "请于期限内报送办理结果", "subject": "problem",
                            "subject_id": p["id"], "deadline": deadline(),
                            "unit_ids": [ids.miit, ids.finance]}),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        let (_, _, _, newer) = fetch(app, &format!("{path}/notice.docx"), Some(&supervisor)).await;
        assert!(document_xml(&newer).contains("督促解决项目用地和资金问题"));
        let (_, list) = app.get(&documents_of(&i), &supervisor).await;
        assert_eq!(list["total"], 4, "{list}");
        assert_eq!(list["items"][3]["source_version"], edited["version"]);
    })
    .await;
}

#[tokio::test]
async fn who_cannot_read_the_item_gets_nothing_and_nothing_is_stored() {
    each_backend(no_system_fonts(), async |app| {
        let ids = ids(app).await;
        // Supervising 市工业和信息化局 only: 市财政局 (`dept`) is not a unit.
        let i = issue(
            app,
            json!({"title": "督促报送技改项目清单", "requirement": "按期报送",
                   "subject": "own", "deadline": deadline(), "unit_ids": [ids.miit]}),
        )
        .await;
        let path = format!("/api/v1/supervision-items/{}", i["id"]);
        let audit = app.audit_count().await;
        for role in ["dept", "stats", "expert"] {
            let t = app.token(role).await;
            for format in ["docx", "pdf"] {
                let (status, _, _, body) =
                    fetch(app, &format!("{path}/notice.{format}"), Some(&t)).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{role} notice.{format}");
                let body: Value = serde_json::from_slice(&body).unwrap();
                assert_eq!(body["error"]["code"], "forbidden");
            }
            let (status, _) = app.get(&documents_of(&i), &t).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role} list");
        }
        let (status, _, _, _) = fetch(app, &format!("{path}/notice.pdf"), None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let supervisor = app.token("supervisor").await;
        let (status, _, _, _) = fetch(
            app,
            "/api/v1/supervision-items/999999/notice.docx",
            Some(&supervisor),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // Nothing was made.
        assert_eq!(app.audit_count().await, audit);
        let kept = app
            .store
            .documents_of(
                dongneng_domain::document::SourceKind::SupervisionItem,
                i["id"].as_i64().unwrap(),
            )
            .await
            .unwrap();
        assert!(kept.is_empty(), "{kept:?}");

        // Once made, a stored document is refused like its item.
        let (status, _, _, _) = fetch(app, &format!("{path}/notice.docx"), Some(&supervisor)).await;
        assert_eq!(status, StatusCode::OK);
        let (_, list) = app.get(&documents_of(&i), &supervisor).await;
        let id = &list["items"][0]["id"];
        let dept = app.token("dept").await;
        let (status, _, _, _) = fetch(app, &format!("/api/v1/documents/{id}"), Some(&dept)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _, _) = fetch(app, "/api/v1/documents/999999", Some(&supervisor)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        // A list of an unknown kind of record is refused naming the field.
        let (status, body) = app
            .get(
                "/api/v1/documents?source_kind=nothing&source_id=1",
                &supervisor,
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    })
    .await;
}
