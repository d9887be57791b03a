//! A write outside the caller's reach is refused (403) before its body is read or validated:
//! a refused caller never learns from validation errors that a record exists or what it needs,
//! and nothing is written.

use crate::harness::{each_backend, reference_data};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn out_of_scope_writes_are_refused_before_validation() {
    each_backend(reference_data(), async |app| {
        let office = app.token("office").await;
        let district = app.token("district").await; // 张店区
        let taskforce = app.token("taskforce").await; // 新材料
        let zichuan = app
            .find_id(&office, "/api/v1/regions", "code", "370302")
            .await;
        let chemical = app
            .find_id(&office, "/api/v1/industries", "key", "chemical")
            .await;
        let (s, p) = app.call(Method::POST, "/api/v1/projects", Some(&office), Some(json!({
            "name": "淄川区化工项目", "owner_name": "淄川测试化工有限公司", "region_id": zichuan,
            "industry_id": chemical, "library_class": "city_major", "nature": "new", "content": "",
            "total_investment": 1_000_000_000i64, "stage": "planning"
        }))).await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let path = format!("/api/v1/projects/{}", p["id"]);
        let before = app.audit_count().await;

        // Another district's project, with bodies that would fail validation (or parsing).
        for body in [json!({"version": 1}), json!({}), json!("not an object")] {
            let (s, e) = app
                .call(Method::PUT, &path, Some(&district), Some(body.clone()))
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "PUT {body}: {e}");
            assert_eq!(e["error"]["code"], "forbidden");
            assert!(
                e["error"]["details"]
                    .as_array()
                    .is_none_or(|d| d.is_empty()),
                "{e}"
            );
        }
        for (op, body) in [
            ("stage", json!({"to": "nowhere"})),
            ("leave", json!({})),
            ("progress", json!({"month": 13})),
        ] {
            let (s, e) = app
                .call(
                    Method::POST,
                    &format!("{path}/{op}"),
                    Some(&district),
                    Some(body),
                )
                .await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{op}: {e}");
        }
        let (s, _) = app
            .call(
                Method::PUT,
                &format!("{path}/factors/land"),
                Some(&district),
                Some(json!({"kind": 7})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // Not JSON at all: still the scope first.
        let (s, _) = app
            .raw(
                Method::PUT,
                &path,
                Some(&district),
                "text/plain",
                b"{".to_vec(),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // Another industry's profile, likewise.
        let profile = format!("/api/v1/industries/{chemical}/profile");
        let (s, e) = app
            .call(
                Method::PUT,
                &profile,
                Some(&taskforce),
                Some(json!({"version": 0, "leader_name": 5})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{e}");
        let (s, _) = app
            .call(
                Method::POST,
                &format!("/api/v1/industries/{chemical}/experts"),
                Some(&taskforce),
                Some(json!({})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        // A role without the permission at all, on reference data.
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/regions",
                Some(&district),
                Some(json!({})),
            )
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        assert_eq!(app.audit_count().await, before, "a refused write wrote");
        // The owner of the scope gets the validation errors.
        let (s, e) = app
            .call(
                Method::PUT,
                &path,
                Some(&office),
                Some(json!({"version": 1})),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    })
    .await;
}
