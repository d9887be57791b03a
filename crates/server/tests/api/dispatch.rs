//! Monthly dispatch: a report's whole life (draft → submitted → returned → resubmitted with a
//! diff → accepted, each step in its timeline), the completeness table and the not-filed
//! list, the periods (extend, lock, reopen), the opening job run by two instances, and every
//! bad-input rule of the issue — each refused write leaving nothing behind.

use crate::harness::{TestApp, each_backend, reference_data};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn sections(tag: &str) -> Value {
    json!({"planning": format!("规划{tag}"), "projects": format!("项目{tag}"),
           "policies": format!("政策{tag}"), "funds": format!("基金{tag}"),
           "talent": format!("人才{tag}"), "investment": format!("招商{tag}"),
           "talent_figures": {"top": 1, "leading": 2, "young": 3, "other": 4, "platforms": 1},
           "investment_figures": {"leads": 5, "signed": 2, "signed_amount": 300_000_000i64,
                                  "landed": 1, "landed_amount": 100_000_000i64}})
}

async fn post(app: &TestApp, role: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let token = app.token(role).await;
    app.call(Method::POST, path, Some(&token), Some(body)).await
}

async fn put(app: &TestApp, role: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let token = app.token(role).await;
    app.call(Method::PUT, path, Some(&token), Some(body)).await
}

async fn get(app: &TestApp, role: &str, path: &str) -> Value {
    let token = app.token(role).await;
    let (status, body) = app.get(path, &token).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

fn field_error(body: &Value, field: &str, code: &str) -> bool {
    body["error"]["details"]
        .as_array()
        .is_some_and(|d| d.iter().any(|e| e["field"] == field && e["code"] == code))
}

async fn new_materials(app: &TestApp) -> i64 {
    let token = app.token("office").await;
    app.find_id(&token, "/api/v1/industries", "key", "new_materials")
        .await
}

#[tokio::test]
async fn a_report_from_draft_to_accepted() {
    each_backend(reference_data(), async |app| {
        let industry = new_materials(app).await;
        let (s, p) = post(
            app,
            "office",
            "/api/v1/dispatch/periods",
            json!({"year": 2024, "month": 3}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        assert_eq!(p["deadline"], "2024-04-05");
        // A second period for the month is refused.
        let (s, e) = post(
            app,
            "office",
            "/api/v1/dispatch/periods",
            json!({"year": 2024, "month": 3}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&e, "month", "duplicate"), "{e}");

        let (s, r) = post(
            app,
            "taskforce",
            "/api/v1/dispatch/reports",
            json!({"period_id": p["id"], "industry_id": industry}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{r}");
        let path = format!("/api/v1/dispatch/reports/{}", r["id"]);
        // A second report for the month.
        let (s, e) = post(
            app,
            "taskforce",
            "/api/v1/dispatch/reports",
            json!({"period_id": p["id"], "industry_id": industry}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(field_error(&e, "industry_id", "duplicate"), "{e}");

        // Submitting with empty sections.
        let (s, e) = post(
            app,
            "taskforce",
            &format!("{path}/submit"),
            json!({"version": r["version"]}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&e, "planning", "section_required"), "{e}");

        // Negative and non-numeric figures; nothing is written.
        let mut bad = sections("x");
        bad["version"] = r["version"].clone();
        bad["talent_figures"]["top"] = json!(-1);
        let (s, e) = put(app, "taskforce", &path, bad.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&e, "talent_figures.top", "negative"), "{e}");
        bad["talent_figures"]["top"] = json!("三");
        let (s, _) = put(app, "taskforce", &path, bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let now = get(app, "office", &path).await;
        assert_eq!(now["version"], r["version"]);
        assert_eq!(now["content"]["planning"], "");

        let mut body = sections("一");
        body["version"] = r["version"].clone();
        let (s, r) = put(app, "taskforce", &path, body.clone()).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        // A stale version.
        let (s, _) = put(app, "taskforce", &path, body).await;
        assert_eq!(s, StatusCode::CONFLICT);

        let (s, r) = post(
            app,
            "taskforce",
            &format!("{path}/submit"),
            json!({"version": r["version"]}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["state"], "submitted");
        // The task force cannot review; the office cannot file.
        let (s, _) = post(
            app,
            "taskforce",
            &format!("{path}/accept"),
            json!({"version": r["version"]}),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN);

        // Returning without a reason, or without naming a section.
        let (s, e) = post(
            app,
            "office",
            &format!("{path}/return"),
            json!({"version": r["version"], "reason": " ", "sections": []}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&e, "reason", "required"), "{e}");
        assert!(field_error(&e, "sections", "section_required"), "{e}");
        let (s, r) = post(
            app,
            "office",
            &format!("{path}/return"),
            json!({"version": r["version"], "reason": "基金运作数字不全",
                   "sections": ["funds"]}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["state"], "returned");

        // Only the returned section reopens.
        let (s, e) = put(
            app,
            "taskforce",
            &path,
            json!({"version": r["version"], "planning": "改规划"}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&e, "planning", "section_locked"), "{e}");
        let (s, r) = put(
            app,
            "taskforce",
            &path,
            json!({"version": r["version"], "funds": "基金已投资两个项目"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let (s, r) = post(
            app,
            "taskforce",
            &format!("{path}/resubmit"),
            json!({"version": r["version"]}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["state"], "resubmitted");

        let diff = get(app, "office", &format!("{path}/diff")).await;
        assert_eq!(diff["total"], 1, "{diff}");
        assert_eq!(diff["items"][0]["field"], "funds");
        assert_eq!(diff["items"][0]["before"], "基金一");
        assert_eq!(diff["items"][0]["after"], "基金已投资两个项目");

        let (s, r) = post(
            app,
            "office",
            &format!("{path}/accept"),
            json!({"version": r["version"]}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let detail = get(app, "leader", &path).await;
        assert_eq!(detail["state"], "accepted");
        let steps: Vec<&str> = detail["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["step"].as_str().unwrap())
            .collect();
        assert_eq!(
            steps,
            [
                "created",
                "edited",
                "submitted",
                "returned",
                "edited",
                "resubmitted",
                "accepted"
            ]
        );
        // The system figures are the digest's and §3's for the industry and month.
        let f = &detail["figures"];
        let d = get(
            app,
            "office",
            &format!("/api/v1/projects/dispatch?year=2024&month=3&industry={industry}"),
        )
        .await;
        for (mine, theirs) in [
            ("count", "projects"),
            ("total_investment", "total_investment"),
            ("year_plan", "year_plan"),
            ("month_completed", "month_completed"),
            ("year_completed", "year_completed"),
            ("started_month", "started_month"),
            ("finished_ytd", "finished_ytd"),
        ] {
            assert_eq!(f["projects"][mine], d["total"][theirs], "{mine}: {f} {d}");
        }
        assert_eq!(f["projects"]["behind_total"], d["lagging_total"]);
        let m = get(
            app,
            "office",
            &format!("/api/v1/policies/month?year=2024&month=3&industry={industry}"),
        )
        .await;
        let row = m["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["industry_id"] == industry)
            .unwrap();
        assert_eq!(&f["policies"]["month"], row, "{f} {m}");
        // Filed late (the deadline of March 2024 passed long ago).
        assert_eq!(detail["filing"], "late");

        // The task force was told of the return and the acceptance.
        let n = get(app, "taskforce", "/api/v1/notifications").await;
        let kinds: Vec<&str> = n["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|x| x["kind"].as_str())
            .collect();
        assert!(
            kinds.contains(&"dispatch_returned") && kinds.contains(&"dispatch_accepted"),
            "{kinds:?}"
        );

        // Completeness of 2024: 新材料's March late, the others missing.
        let table = get(app, "office", "/api/v1/dispatch/completeness?year=2024").await;
        let row = table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["industry_id"] == industry)
            .expect("row");
        assert_eq!(row["months"][2]["filing"], "late");
        assert_eq!(row["late"], 1);
        let missing = get(
            app,
            "office",
            &format!("/api/v1/dispatch/not-filed?period={}", p["id"]),
        )
        .await;
        assert!(missing["total"].as_i64().unwrap() >= 1, "{missing}");
        assert!(
            missing["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|e| e["industry_id"] != industry
                    && e["filing"] == "missing"
                    && e["warning"] == "red")
        );
        // The statistics bureau reads the list; a department does not.
        let list = get(app, "stats", "/api/v1/dispatch/reports").await;
        assert_eq!(list["total"], 1);
        let token = app.token("dept").await;
        let (s, _) = app.get("/api/v1/dispatch/reports", &token).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn periods_lock_extend_and_open_once() {
    each_backend(reference_data(), async |app| {
        let industry = new_materials(app).await;
        let (_, p) = post(
            app,
            "office",
            "/api/v1/dispatch/periods",
            json!({"year": 2023, "month": 11}),
        )
        .await;
        let path = format!("/api/v1/dispatch/periods/{}", p["id"]);
        // A future month cannot be opened.
        let (s, e) = post(
            app,
            "office",
            "/api/v1/dispatch/periods",
            json!({"year": 2099, "month": 1}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&e, "month", "future"), "{e}");

        // Extending needs a reason and a later deadline.
        let (s, e) = post(
            app,
            "office",
            &format!("{path}/extend"),
            json!({"version": p["version"], "industry_id": industry,
                   "deadline": "2023-12-01", "reason": ""}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&e, "reason", "required") && field_error(&e, "deadline", "not_later"));
        let (s, p) = post(
            app,
            "office",
            &format!("{path}/extend"),
            json!({"version": p["version"], "industry_id": industry,
                   "deadline": "2023-12-20", "reason": "专班调整"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let detail = get(app, "taskforce", &path).await;
        let mine = detail["filings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["industry_id"] == industry)
            .expect("filing");
        assert_eq!(mine["deadline"], "2023-12-20");
        assert_eq!(mine["extension_reason"], "专班调整");
        // The task force sees only its own industry.
        assert_eq!(detail["filings"].as_array().unwrap().len(), 1);

        // Locked: filing is refused, nothing is written.
        let (s, p) = post(
            app,
            "office",
            &format!("{path}/lock"),
            json!({"version": p["version"], "reason": "本期结束"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let (s, e) = post(
            app,
            "taskforce",
            "/api/v1/dispatch/reports",
            json!({"period_id": p["id"], "industry_id": industry}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&e, "period_id", "period_locked"), "{e}");
        let list = get(app, "office", "/api/v1/dispatch/reports").await;
        assert_eq!(list["total"], 0);
        // A period that does not exist.
        let (s, e) = post(
            app,
            "taskforce",
            "/api/v1/dispatch/reports",
            json!({"period_id": 999_999, "industry_id": industry}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(field_error(&e, "period_id", "unknown_reference"), "{e}");
        let (s, p) = post(
            app,
            "office",
            &format!("{path}/reopen"),
            json!({"version": p["version"]}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{p}");
        let (s, _) = post(
            app,
            "taskforce",
            "/api/v1/dispatch/reports",
            json!({"period_id": p["id"], "industry_id": industry}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);

        // The deadline setting: validated, versioned.
        let st = get(app, "office", "/api/v1/settings/dispatch").await;
        let (s, e) = put(
            app,
            "office",
            "/api/v1/settings/dispatch",
            json!({"version": st["version"], "deadline_day": 31}),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let (s, _) = put(
            app,
            "office",
            "/api/v1/settings/dispatch",
            json!({"version": st["version"], "deadline_day": 10}),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
        let (s, _) = put(
            app,
            "office",
            "/api/v1/settings/dispatch",
            json!({"version": st["version"], "deadline_day": 8}),
        )
        .await;
        assert_eq!(s, StatusCode::CONFLICT);

        // The month's period opens by itself exactly once, however many instances run.
        let one = dongneng_service::Service::new(app.second_store().await, reference_data());
        let two = dongneng_service::Service::new(app.second_store().await, reference_data());
        let (a, b) = tokio::join!(
            one.open_dispatch_period("one"),
            two.open_dispatch_period("two")
        );
        let opened = [a.unwrap(), b.unwrap()];
        // The server itself may have opened it at start; never twice.
        assert!(
            opened.iter().filter(|o| **o == Some(true)).count() <= 1,
            "{opened:?}"
        );
        let today = chrono::Utc::now() + chrono::Duration::hours(8);
        let list = get(app, "office", "/api/v1/dispatch/periods?per_page=100").await;
        use chrono::Datelike;
        let this_month = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["year"] == today.year() && p["month"] == today.month())
            .count();
        assert_eq!(this_month, 1, "{list}");
        // A second run of either opens nothing (the one without the lease does not run).
        for (svc, holder) in [(&one, "one"), (&two, "two")] {
            let again = svc.open_dispatch_period(holder).await.unwrap();
            assert_ne!(again, Some(true));
        }
    })
    .await;
}

/// The demo: twelve months of the four task forces' reports (most on time, some late, one
/// returned and resubmitted with a diff, one oral) and the current month open with 电子信息
/// not yet filed.
#[tokio::test]
async fn the_demo_has_a_year_of_reports() {
    each_backend(crate::harness::full_demo(), async |app| {
        let periods = get(app, "office", "/api/v1/dispatch/periods?per_page=50").await;
        assert_eq!(periods["total"], 13, "{periods}");
        let reports = get(app, "office", "/api/v1/dispatch/reports?per_page=100").await;
        assert_eq!(reports["total"], 51);
        let items = reports["items"].as_array().unwrap();
        assert_eq!(
            items.iter().filter(|r| r["state"] == "accepted").count(),
            48
        );
        assert!(items.iter().any(|r| r["form"] == "oral"));
        // The returned one shows its diff: 项目推进 changed.
        let mut diffs = 0;
        for r in items {
            let d = get(
                app,
                "office",
                &format!("/api/v1/dispatch/reports/{}/diff", r["id"]),
            )
            .await;
            if d.to_string().contains("projects") {
                diffs += 1;
            }
        }
        assert_eq!(diffs, 1);
        // Late ones in the completeness tables; the task force reads its own.
        let mut late = 0;
        let this_year: i64 = periods["items"][0]["year"].as_i64().unwrap();
        for year in [this_year - 1, this_year] {
            let t = get(
                app,
                "office",
                &format!("/api/v1/dispatch/completeness?year={year}"),
            )
            .await;
            late += t["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["late"].as_i64().unwrap())
                .sum::<i64>();
        }
        assert_eq!(late, 4);
        let mine = get(app, "taskforce", "/api/v1/dispatch/reports?per_page=100").await;
        assert_eq!(mine["total"], 13);
        let nf = get(app, "office", "/api/v1/dispatch/not-filed").await;
        assert_eq!(nf["total"], 1, "{nf}");
        assert_eq!(nf["items"][0]["industry_zh"], "电子信息");
        // A submitted report keeps the figures it was filed with.
        let id = items[0]["id"].as_i64().unwrap();
        let d = get(app, "office", &format!("/api/v1/dispatch/reports/{id}")).await;
        assert!(d["figures"]["projects"]["count"].is_i64(), "{d}");
    })
    .await;
}

/// Every body endpoint of dispatch, each field spoilt in turn (and bodies that are no
/// object at all): never a 5xx, and a refused body writes nothing; an accepted one writes
/// once, audited.
#[tokio::test]
async fn hostile_bodies_never_5xx_and_never_write() {
    each_backend(reference_data(), async |app| {
        let industry = new_materials(app).await;
        let (_, p) = post(
            app,
            "office",
            "/api/v1/dispatch/periods",
            json!({"year": 2024, "month": 3}),
        )
        .await;
        let period = format!("/api/v1/dispatch/periods/{}", p["id"]);
        let (_, r) = post(
            app,
            "taskforce",
            "/api/v1/dispatch/reports",
            json!({"period_id": p["id"], "industry_id": industry}),
        )
        .await;
        let report = format!("/api/v1/dispatch/reports/{}", r["id"]);
        let settings = "/api/v1/settings/dispatch".to_string();
        // (role, method, path, where its version is read, a valid body)
        let targets = [
            (
                "office",
                Method::POST,
                "/api/v1/dispatch/periods".to_string(),
                None,
                json!({"year": 2024, "month": 4}),
            ),
            (
                "office",
                Method::POST,
                format!("{period}/extend"),
                Some(period.clone()),
                json!({"version": 0, "industry_id": industry, "deadline": "2024-04-20", "reason": "专班调整"}),
            ),
            (
                "office",
                Method::POST,
                format!("{period}/lock"),
                Some(period.clone()),
                json!({"version": 0, "reason": "本期结束"}),
            ),
            (
                "office",
                Method::POST,
                format!("{period}/reopen"),
                Some(period.clone()),
                json!({"version": 0}),
            ),
            (
                "office",
                Method::PUT,
                settings.clone(),
                Some(settings.clone()),
                json!({"version": 0, "deadline_day": 6}),
            ),
            (
                "taskforce",
                Method::POST,
                "/api/v1/dispatch/reports".to_string(),
                None,
                json!({"period_id": p["id"], "industry_id": industry, "form": "written"}),
            ),
            (
                "taskforce",
                Method::PUT,
                report.clone(),
                Some(report.clone()),
                {
                    let mut b = sections("甲");
                    b["version"] = json!(0);
                    b
                },
            ),
            (
                "taskforce",
                Method::POST,
                format!("{report}/submit"),
                Some(report.clone()),
                json!({"version": 0}),
            ),
            (
                "taskforce",
                Method::POST,
                format!("{report}/resubmit"),
                Some(report.clone()),
                json!({"version": 0}),
            ),
            (
                "office",
                Method::POST,
                format!("{report}/return"),
                Some(report.clone()),
                json!({"version": 0, "reason": "请补充", "sections": ["projects"]}),
            ),
            (
                "office",
                Method::POST,
                format!("{report}/accept"),
                Some(report.clone()),
                json!({"version": 0}),
            ),
        ];
        for (role, method, path, versioned, valid) in &targets {
            let token = app.token(role).await;
            for (spoilt, mut body) in crate::hostile::hostile_bodies(valid) {
                if let Some(read) = versioned
                    && spoilt.as_ref().is_some_and(|k| k != "version")
                {
                    body["version"] = get(app, "office", read).await["version"].clone();
                }
                let before = app.audit_count().await;
                let (status, resp) = app
                    .call(method.clone(), path, Some(&token), Some(body.clone()))
                    .await;
                assert!(
                    !status.is_server_error(),
                    "{method} {path} {body}: {status} {resp}"
                );
                let after = app.audit_count().await;
                if status.is_success() {
                    assert!(spoilt.is_some(), "{method} {path} {body}");
                    assert!(after > before, "{method} {path} {body}: audited");
                } else {
                    assert!(resp["error"]["code"].is_string(), "{resp}");
                    assert_eq!(after, before, "{method} {path} {body} wrote");
                }
            }
            for (ctype, raw) in [
                ("application/json", b"{not json".to_vec()),
                ("application/json", Vec::new()),
                ("text/plain", b"{}".to_vec()),
                ("application/json", vec![b' '; 300 * 1024]),
            ] {
                let before = app.audit_count().await;
                let (status, _) = app.raw(method.clone(), path, Some(&token), ctype, raw).await;
                assert!(status.is_client_error(), "{method} {path} {ctype}: {status}");
                assert_eq!(app.audit_count().await, before);
            }
        }
    })
    .await;
}
