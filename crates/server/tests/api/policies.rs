//! Policies and funds through the API, on both databases: a policy with beneficiaries and
//! payments, its totals per industry, district and month and the month's figures; a fund with
//! sources and investments; the bad input of the issue (a payment above the commitment unless
//! an adjustment with a reason, an investment above the fund's size, negative and non-numeric
//! amounts, a bad credit code, an unknown or retired department, a validity that ends before
//! it starts, a stale version), each refused with nothing written; the scopes.

use crate::harness::{TestApp, each_backend, reference_data};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct Refs {
    office: String,
    finance: i64,
    ndrc: i64,
    new_materials: i64,
    chemical: i64,
    zhangdian: i64,
}

async fn refs(app: &TestApp) -> Refs {
    let office = app.token("office").await;
    let find =
        async |list: &str, field: &str, value: &str| app.find_id(&office, list, field, value).await;
    Refs {
        finance: find("/api/v1/departments", "name_zh", "市财政局").await,
        ndrc: find("/api/v1/departments", "name_zh", "市发展和改革委员会").await,
        new_materials: find("/api/v1/industries", "key", "new_materials").await,
        chemical: find("/api/v1/industries", "key", "chemical").await,
        zhangdian: find("/api/v1/regions", "code", "370303").await,
        office,
    }
}

fn has_field(body: &Value, field: &str, code: &str) -> bool {
    body["error"]["details"]
        .as_array()
        .is_some_and(|d| d.iter().any(|f| f["field"] == field && f["code"] == code))
}

fn policy(_r: &Refs, doc: &str, industries: &[i64], departments: &[i64]) -> Value {
    json!({"title": "关于加快新材料产业发展的若干政策措施", "doc_number": doc,
           "issued_on": "2020-03-10", "valid_from": "2020-03-10", "valid_to": "2022-12-31",
           "department_ids": departments, "industry_ids": industries,
           "measures": ["设立新材料产业发展专项资金", "对新认定的省级以上创新平台给予奖励"],
           "summary": ""})
}

/// 万元 in 分.
fn wan(n: i64) -> i64 {
    n * 1_000_000
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, path, Some(token), Some(body)).await
}

async fn created(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let (status, v) = post(app, token, path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {v}");
    v
}

async fn d_version(app: &TestApp, token: &str, id: i64) -> i64 {
    let (_, list) = app.get("/api/v1/departments", token).await;
    list["items"]
        .as_array()
        .and_then(|l| l.iter().find(|d| d["id"] == id))
        .and_then(|d| d["version"].as_i64())
        .expect("department")
}

async fn version(app: &TestApp, token: &str, path: &str) -> i64 {
    let (status, v) = app.get(path, token).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v["version"].as_i64().expect("version")
}

#[tokio::test]
async fn a_policy_from_record_to_totals() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let o = &r.office;
        let p = created(
            app,
            o,
            "/api/v1/policies",
            policy(&r, "淄政发〔2020〕3号", &[r.new_materials, r.chemical], &[r.finance]),
        )
        .await;
        let id = p["id"].as_i64().unwrap();
        let path = format!("/api/v1/policies/{id}");
        assert_eq!(p["measures"].as_array().unwrap().len(), 2);
        let b = created(
            app,
            o,
            &format!("{path}/beneficiaries"),
            json!({"version": p["version"], "kind": "enterprise",
                   "enterprise_name": "山东某新材料股份有限公司",
                   "credit_code": "91350100M000100Y43", "region_id": r.zhangdian,
                   "committed": wan(100)}),
        )
        .await;
        assert_eq!(b["name"], "山东某新材料股份有限公司");
        // A payment well within, then one that reaches 90 %: a warning.
        let v = version(app, o, &path).await;
        let pay = |v: i64, amount: i64, day: &str| {
            json!({"version": v, "beneficiary_id": b["id"], "paid_on": day, "amount": amount})
        };
        let first = created(app, o, &format!("{path}/payments"), pay(v, wan(40), "2020-05-20"))
            .await;
        assert_eq!(first["standing"], "within");
        let v = version(app, o, &path).await;
        let second = created(app, o, &format!("{path}/payments"), pay(v, wan(50), "2020-06-03"))
            .await;
        assert_eq!(second["standing"], "near");

        // Above the commitment: refused, nothing written…
        let v = version(app, o, &path).await;
        let audit = app.audit_count().await;
        let (status, body) = post(app, o, &format!("{path}/payments"), pay(v, wan(20), "2020-06-10"))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(has_field(&body, "amount", "payment_above_commitment"), "{body}");
        // …an adjustment without a reason too…
        let mut adj = pay(v, wan(20), "2020-06-10");
        adj["adjustment"] = json!(true);
        let (status, body) = post(app, o, &format!("{path}/payments"), adj.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&body, "reason", "adjustment_reason_required"), "{body}");
        assert_eq!(app.audit_count().await, audit);
        // …but taken as an adjustment with its reason.
        adj["reason"] = json!("经市政府常务会议研究追加补助");
        let third = created(app, o, &format!("{path}/payments"), adj).await;
        assert_eq!(third["standing"], "above");

        let (_, detail) = app.get(&path, o).await;
        assert_eq!(detail["committed"], wan(100));
        assert_eq!(detail["paid"], wan(110));
        assert_eq!(detail["payments"].as_array().unwrap().len(), 3);
        assert_eq!(detail["can"]["manage"], true);

        // Totals per industry (the policy counts in both), district and month.
        let (status, t) = app.get("/api/v1/policies/totals?year=2020", o).await;
        assert_eq!(status, StatusCode::OK, "{t}");
        assert_eq!(t["paid"], wan(110));
        assert_eq!(t["by_industry"].as_array().unwrap().len(), 2);
        let district = &t["by_district"][0];
        assert_eq!(district["key"], r.zhangdian);
        let months: Vec<i64> = t["by_month"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["key"].as_i64().unwrap())
            .collect();
        assert_eq!(months, [202_005, 202_006]);

        // The month's figures: per industry and the city row, the policy counted once.
        let (status, m) = app
            .get("/api/v1/policies/month?year=2020&month=6", o)
            .await;
        assert_eq!(status, StatusCode::OK, "{m}");
        let city = m["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["industry_id"].is_null())
            .cloned()
            .unwrap();
        assert_eq!(city["payments_month"], 2);
        assert_eq!(city["paid_month"], wan(70));
        assert_eq!(city["paid_ytd"], wan(110));
        assert_eq!(city["committed_in_force"], wan(100));
        let nm = m["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["industry_id"] == r.new_materials)
            .cloned()
            .unwrap();
        assert_eq!(nm["paid_ytd"], wan(110));
        assert_eq!(m["items"]["payments_total"], 2);
        assert_eq!(m["items"]["payments"][0]["doc_number"], "淄政发〔2020〕3号");
        let (_, march) = app
            .get("/api/v1/policies/month?year=2020&month=3", o)
            .await;
        let city = march["figures"].as_array().unwrap().last().cloned().unwrap();
        assert_eq!(city["policies_issued"], 1);

        // The list: filters by industry, district and year/month.
        let (_, list) = app
            .get(&format!("/api/v1/policies?industry={}", r.chemical), o)
            .await;
        assert_eq!(list["total"], 1);
        let (_, list) = app.get("/api/v1/policies?year=2021", o).await;
        assert_eq!(list["total"], 0);
        let (_, list) = app
            .get(&format!("/api/v1/policies?district={}", r.zhangdian), o)
            .await;
        assert_eq!(list["total"], 1);
    })
    .await;
}

#[tokio::test]
async fn bad_policy_input_is_refused_and_writes_nothing() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let o = &r.office;
        let audit = app.audit_count().await;
        let bad = |f: &dyn Fn(&mut Value)| {
            let mut p = policy(&r, "淄政办字〔2020〕9号", &[r.new_materials], &[r.finance]);
            f(&mut p);
            p
        };
        let cases: Vec<(Value, &str, &str)> = vec![
            (
                bad(&|p| p["valid_to"] = json!("2019-12-31")),
                "valid_to",
                "valid_to_before_from",
            ),
            (
                bad(&|p| p["department_ids"] = json!([999_999])),
                "department_ids",
                "unknown_reference",
            ),
            (
                bad(&|p| p["department_ids"] = json!([])),
                "department_ids",
                "required",
            ),
            (bad(&|p| p["title"] = json!("<script>")), "title", "markup"),
        ];
        for (body, field, code) in cases {
            let (status, v) = post(app, o, "/api/v1/policies", body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
            assert!(has_field(&v, field, code), "{field} {code}: {v}");
        }
        assert_eq!(app.audit_count().await, audit);

        // A retired department.
        let (status, v) = app
            .call(
                Method::PUT,
                &format!("/api/v1/departments/{}", r.ndrc),
                Some(o),
                Some(json!({"version": d_version(app, o, r.ndrc).await,
                    "name_zh": "市发展和改革委员会", "name_en": "NDRC", "kind": "department",
                    "active": false})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        let audit = app.audit_count().await;
        let (status, v) = post(
            app,
            o,
            "/api/v1/policies",
            bad(&|p| p["department_ids"] = json!([r.ndrc])),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(has_field(&v, "department_ids", "department_retired"), "{v}");
        assert_eq!(app.audit_count().await, audit);

        // A duplicate 文号.
        created(app, o, "/api/v1/policies", bad(&|_| {})).await;
        let (status, v) = post(app, o, "/api/v1/policies", bad(&|_| {})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&v, "doc_number", "duplicate"), "{v}");

        // Beneficiaries: a bad credit code, a negative and a non-numeric amount.
        let (_, list) = app.get("/api/v1/policies", o).await;
        let p = list["items"][0].clone();
        let path = format!("/api/v1/policies/{}", p["id"]);
        let audit = app.audit_count().await;
        let ent = |code: &str, committed: Value| {
            json!({"version": p["version"], "kind": "enterprise",
                   "enterprise_name": "淄博某化工有限公司", "credit_code": code,
                   "committed": committed})
        };
        let (status, v) = post(
            app,
            o,
            &format!("{path}/beneficiaries"),
            ent("91350100M000100Y44", json!(100)),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&v, "credit_code", "credit_code"), "{v}");
        let (status, v) = post(
            app,
            o,
            &format!("{path}/beneficiaries"),
            ent("91350100M000100Y43", json!(-5)),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&v, "committed", "money_negative"), "{v}");
        let (status, v) = post(
            app,
            o,
            &format!("{path}/beneficiaries"),
            ent("91350100M000100Y43", json!("一百万")),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert_eq!(v["error"]["details"][0]["field"], "committed", "{v}");
        let (status, v) = post(
            app,
            o,
            &format!("{path}/beneficiaries"),
            json!({"version": p["version"], "kind": "project", "project_id": 999_999,
                   "committed": 100}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&v, "project_id", "unknown_reference"), "{v}");
        assert_eq!(app.audit_count().await, audit);

        // A stale version: 409, nothing written.
        created(
            app,
            o,
            &format!("{path}/beneficiaries"),
            ent("91350100M000100Y43", json!(100)),
        )
        .await;
        let (status, _) = post(
            app,
            o,
            &format!("{path}/beneficiaries"),
            ent("91110000802100433B", json!(100)),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let mut update = p.clone();
        for k in [
            "id",
            "created_at",
            "updated_at",
            "created_by",
            "committed",
            "paid",
            "beneficiaries",
        ] {
            update.as_object_mut().unwrap().remove(k);
        }
        let (status, _) = app.call(Method::PUT, &path, Some(o), Some(update)).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (_, detail) = app.get(&path, o).await;
        assert_eq!(detail["beneficiaries"].as_array().unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn a_fund_with_sources_and_investments() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let o = &r.office;
        let f = created(
            app,
            o,
            "/api/v1/funds",
            json!({"name": "淄博市新材料产业基金", "kind": "industry", "size": wan(10_000),
                   "manager": "淄博市财金控股集团", "established_on": "2020-01-15",
                   "provincial_applied": wan(3_000), "provincial_won": wan(2_000),
                   "industry_ids": [r.new_materials]}),
        )
        .await;
        let path = format!("/api/v1/funds/{}", f["id"]);
        let s = created(
            app,
            o,
            &format!("{path}/sources"),
            json!({"version": f["version"], "source": "city", "amount": wan(4_000)}),
        )
        .await;
        assert_eq!(s["source"], "city");
        let v = version(app, o, &path).await;
        let (status, e) = post(
            app,
            o,
            &format!("{path}/sources"),
            json!({"version": v, "source": "district", "amount": wan(1_000)}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "region_id", "required"), "{e}");
        let inv = |v: i64, amount: i64| {
            json!({"version": v, "kind": "enterprise", "enterprise_name": "山东某新材料股份有限公司",
                   "credit_code": "91350100M000100Y43", "industry_id": r.new_materials,
                   "invested_on": "2020-06-18", "amount": amount, "stake_bp": 1250})
        };
        let i = created(app, o, &format!("{path}/investments"), inv(v, wan(6_000))).await;
        assert_eq!(i["stake_bp"], 1250);
        // Over the size: refused, nothing written.
        let v = version(app, o, &path).await;
        let audit = app.audit_count().await;
        let (status, e) = post(app, o, &format!("{path}/investments"), inv(v, wan(4_001))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "amount", "investment_above_size"), "{e}");
        let (status, e) = post(app, o, &format!("{path}/investments"), inv(v, -1)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "amount", "money_negative"), "{e}");
        assert_eq!(app.audit_count().await, audit);
        created(app, o, &format!("{path}/investments"), inv(v, wan(4_000))).await;

        let (_, d) = app.get(&path, o).await;
        assert_eq!(d["invested"], wan(10_000));
        assert_eq!(d["sourced"], wan(4_000));
        assert_eq!(d["investments"].as_array().unwrap().len(), 2);
        let (_, t) = app.get("/api/v1/funds/totals?year=2020", o).await;
        assert_eq!(t["invested"], wan(10_000));
        assert_eq!(t["by_month"][0]["key"], 202_006);
        assert_eq!(t["by_industry"][0]["key"], r.new_materials);
        let (_, m) = app.get("/api/v1/policies/month?year=2020&month=6", o).await;
        let city = m["figures"].as_array().unwrap().last().cloned().unwrap();
        assert_eq!(city["invested_month"], wan(10_000));
        assert_eq!(m["items"]["investments"][0]["fund_name"], "淄博市新材料产业基金");

        // The size cannot fall below what was invested.
        let mut update = d.clone();
        for k in [
            "id", "created_at", "updated_at", "created_by", "invested", "sourced", "investments",
            "sources", "can",
        ] {
            update.as_object_mut().unwrap().remove(k);
        }
        update["size"] = json!(wan(9_000));
        let (status, e) = app
            .call(Method::PUT, &path, Some(o), Some(update.clone()))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(has_field(&e, "size", "size_below_invested"), "{e}");
        update["size"] = json!(wan(12_000));
        let (status, e) = app.call(Method::PUT, &path, Some(o), Some(update)).await;
        assert_eq!(status, StatusCode::OK, "{e}");
    })
    .await;
}

#[tokio::test]
async fn who_reads_and_records_policies() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let o = &r.office;
        let chem = created(
            app,
            o,
            "/api/v1/policies",
            policy(&r, "淄政发〔2020〕21号", &[r.chemical], &[r.ndrc]),
        )
        .await;
        let tf = app.token("taskforce").await;
        let dept = app.token("dept").await;
        let district = app.token("district").await;
        let expert = app.token("expert").await;
        // The task force neither reads nor changes a chemical-industry policy of the NDRC.
        let path = format!("/api/v1/policies/{}", chem["id"]);
        assert_eq!(app.get(&path, &tf).await.0, StatusCode::FORBIDDEN);
        let (_, list) = app.get("/api/v1/policies", &tf).await;
        assert_eq!(list["total"], 0);
        // It records one of its own industry, not one of another.
        let audit = app.audit_count().await;
        let (status, _) = post(
            app,
            &tf,
            "/api/v1/policies",
            policy(&r, "淄新材专班〔2020〕1号", &[r.chemical], &[r.finance]),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count().await, audit);
        created(
            app,
            &tf,
            "/api/v1/policies",
            policy(&r, "淄新材专班〔2020〕1号", &[r.new_materials], &[r.ndrc]),
        )
        .await;
        // The finance bureau reads all, changes only what it issued.
        assert_eq!(app.get(&path, &dept).await.0, StatusCode::OK);
        let (status, _) = post(
            app,
            &dept,
            &format!("{path}/beneficiaries"),
            json!({"version": chem["version"], "kind": "enterprise", "enterprise_name": "某公司",
                   "credit_code": "91350100M000100Y43", "committed": 100}),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        created(
            app,
            &dept,
            "/api/v1/policies",
            policy(&r, "淄财〔2020〕5号", &[r.chemical], &[r.finance]),
        )
        .await;
        // Districts and experts have no policies area.
        assert_eq!(
            app.get("/api/v1/policies", &district).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.get("/api/v1/funds", &expert).await.0,
            StatusCode::FORBIDDEN
        );
        // The statistics bureau and the supervisor read all.
        for who in ["stats", "supervisor"] {
            let t = app.token(who).await;
            let (status, list) = app.get("/api/v1/policies", &t).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(list["total"], 3, "{who}");
        }
    })
    .await;
}

#[tokio::test]
async fn the_demo_has_policies_and_funds() {
    each_backend(crate::harness::full_demo(), async |app| {
        let o = app.token("office").await;
        let (status, list) = app.get("/api/v1/policies?per_page=50", &o).await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(list["total"], 8);
        let (_, funds) = app.get("/api/v1/funds", &o).await;
        assert_eq!(funds["total"], 3);
        // The sub-fund names its parent; the adjustment is above its commitment.
        assert!(
            funds["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["kind"] == "sub_fund" && f["parent_fund_id"].is_i64())
        );
        let (_, t) = app.get("/api/v1/policies/totals?year=2026", &o).await;
        assert!(t["paid"].as_i64().unwrap() > 0, "{t}");
        assert!(t["by_month"].as_array().unwrap().len() >= 8, "{t}");
        // The task force (新材料) and the finance bureau see theirs; the month answers.
        let tf = app.token("taskforce").await;
        let (_, mine) = app.get("/api/v1/policies", &tf).await;
        assert_eq!(mine["total"], 3, "{mine}");
        let (status, m) = app
            .get("/api/v1/policies/month?year=2026&month=10", &tf)
            .await;
        assert_eq!(status, StatusCode::OK, "{m}");
        let city = m["figures"].as_array().unwrap().last().cloned().unwrap();
        assert!(city["industry_id"].is_null());
        assert!(city["paid_month"].as_i64().unwrap() > 0, "{m}");
    })
    .await;
}

/// Every body endpoint of policies and funds, each field spoilt in turn: never a 5xx, and a
/// refused body writes nothing.
#[tokio::test]
async fn hostile_bodies_never_5xx_and_never_write() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let o = &r.office;
        let p = created(
            app,
            o,
            "/api/v1/policies",
            policy(&r, "淄抗干扰〔2026〕1号", &[r.new_materials], &[r.finance]),
        )
        .await;
        let path = format!("/api/v1/policies/{}", p["id"]);
        let b = created(
            app,
            o,
            &format!("{path}/beneficiaries"),
            json!({"version": p["version"], "kind": "enterprise", "enterprise_name": "抗干扰企业",
                   "credit_code": "91350100M000100Y43", "committed": wan(100)}),
        )
        .await;
        let f = created(
            app,
            o,
            "/api/v1/funds",
            json!({"name": "抗干扰基金", "kind": "industry", "size": wan(1000),
                   "manager": "抗干扰管理人", "industry_ids": [r.new_materials]}),
        )
        .await;
        let fund = format!("/api/v1/funds/{}", f["id"]);
        let mut targets: Vec<(Method, String, Value, Option<String>)> = vec![
            (
                Method::POST,
                "/api/v1/policies".into(),
                policy(&r, "淄抗干扰〔2026〕2号", &[r.new_materials], &[r.finance]),
                None,
            ),
            (
                Method::PUT,
                path.clone(),
                policy(&r, "淄抗干扰〔2026〕1号", &[r.new_materials], &[r.finance]),
                Some(path.clone()),
            ),
            (
                Method::POST,
                format!("{path}/beneficiaries"),
                json!({"kind": "project", "project_id": 1, "committed": wan(5)}),
                Some(path.clone()),
            ),
            (
                Method::PUT,
                format!("{path}/beneficiaries/{}", b["id"]),
                json!({"committed": wan(200), "note": "调整"}),
                Some(path.clone()),
            ),
            (
                Method::POST,
                format!("{path}/payments"),
                json!({"beneficiary_id": b["id"], "paid_on": "2026-05-01", "amount": 100,
                       "adjustment": false, "reason": null}),
                Some(path.clone()),
            ),
            (
                Method::POST,
                "/api/v1/funds".into(),
                json!({"name": "抗干扰基金二", "kind": "sub_fund", "parent_fund_id": f["id"],
                       "size": wan(10), "manager": "某管理人", "industry_ids": [r.new_materials],
                       "provincial_applied": 0, "provincial_won": 0}),
                None,
            ),
            (
                Method::PUT,
                fund.clone(),
                json!({"name": "抗干扰基金", "kind": "industry", "size": wan(1000),
                       "manager": "抗干扰管理人", "industry_ids": [r.new_materials]}),
                Some(fund.clone()),
            ),
            (
                Method::POST,
                format!("{fund}/sources"),
                json!({"source": "city", "amount": 100, "note": ""}),
                Some(fund.clone()),
            ),
            (
                Method::POST,
                format!("{fund}/investments"),
                json!({"kind": "enterprise", "enterprise_name": "被投企业",
                       "credit_code": "91110000802100433B", "industry_id": r.new_materials,
                       "invested_on": "2026-05-01", "amount": 100, "stake_bp": 100}),
                Some(fund.clone()),
            ),
        ];
        for (method, target, valid, parent) in targets.drain(..) {
            for (spoilt, mut body) in crate::hostile::hostile_bodies(&valid) {
                if let Some(parent) = &parent
                    && body.is_object()
                    && spoilt.as_deref() != Some("version")
                {
                    body["version"] = json!(version(app, o, parent).await);
                }
                let before = app.audit_count().await;
                let (status, resp) = app
                    .call(method.clone(), &target, Some(o), Some(body.clone()))
                    .await;
                assert!(
                    !status.is_server_error(),
                    "{target} {body}: {status} {resp}"
                );
                if !status.is_success() {
                    assert_eq!(app.audit_count().await, before, "{target} {body} wrote");
                }
            }
        }
    })
    .await;
}
