//! Excel round trips: export, re-import changing nothing, a bad row refusing the whole file
//! with a report, fixing it, files that are not workbooks, size limits, scopes, progress.

use crate::harness::{TestApp, each_backend, full_demo, reference_data};
use chrono::Datelike;
use dongneng_office::ProgressSheetRow;
use dongneng_office::{ProjectTotals, read_projects, write_projects};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use serde_json::json;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn export(app: &TestApp, token: &str, query: &str) -> Vec<u8> {
    let resp = app
        .client
        .get(app.url(&format!("/api/v1/projects/export.xlsx?{query}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], XLSX);
    resp.bytes().await.unwrap().to_vec()
}

async fn import(app: &TestApp, token: &str, path: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    app.raw(Method::POST, path, Some(token), XLSX, bytes).await
}

async fn count(app: &TestApp, token: &str) -> i64 {
    app.get("/api/v1/projects?in_library=all&per_page=1", token)
        .await
        .1["total"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn export_import_round_trip_and_refusals() {
    each_backend(full_demo(), async |app| {
        let t = app.token("office").await;
        let bytes = export(app, &t, "").await;
        let total = count(app, &t).await;
        let audit = app.audit_count().await;

        // The same file again changes nothing.
        let (s, r) = import(app, &t, "/api/v1/projects/import", bytes.clone()).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["created"], 0);
        assert_eq!(r["updated"], 0);
        assert!(r["unchanged"].as_i64().unwrap() >= 200);
        assert_eq!(app.audit_count().await, audit, "a re-import writes nothing");

        // One bad row refuses the whole file, naming row and column.
        let sheet = read_projects(&bytes).unwrap();
        let mut rows: Vec<_> = sheet.rows.iter().map(|(_, r)| r.clone()).collect();
        rows[0].contact_name = Some("新联系人".into());
        rows[2].region = "火星区".into();
        let bad = write_projects(&rows, &ProjectTotals::default()).unwrap();
        let (s, e) = import(app, &t, "/api/v1/projects/import", bad).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["code"], "import_refused");
        let d = &e["error"]["details"][0];
        assert_eq!(d["row"], 4, "header is row 1, the third project row 4");
        assert_eq!(d["column"], "所属区县");
        assert_eq!(d["value"], "火星区");
        assert!(d["message"].as_str().unwrap().contains("火星区"));
        assert_eq!(count(app, &t).await, total);
        assert_eq!(app.audit_count().await, audit, "nothing written");
        // The marked workbook can be downloaded, and is a workbook.
        let url = e["error"]["report_url"].as_str().unwrap();
        let resp = app
            .client
            .get(app.url(url))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let report = resp.bytes().await.unwrap();
        assert_eq!(&report[..2], b"PK");
        // Someone else cannot fetch it.
        let other = app.token("taskforce").await;
        let (s, _) = app.get(url, &other).await;
        assert_eq!(s, StatusCode::NOT_FOUND);

        // Fixed: imported, only the changed row updated.
        rows[2].region = sheet.rows[2].1.region.clone();
        let good = write_projects(&rows, &ProjectTotals::default()).unwrap();
        let (s, r) = import(app, &t, "/api/v1/projects/import", good.clone()).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["updated"], 1);
        assert_eq!(r["created"], 0);
        let (s, r) = import(app, &t, "/api/v1/projects/import", good).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(r["updated"], 0, "and again: nothing");

        // New rows create projects.
        let mut new_rows = vec![rows[5].clone()];
        new_rows[0].code = None;
        new_rows[0].name = "导入新建的测试项目".into();
        new_rows[0].stage = dongneng_domain::project::Stage::Planning;
        let (s, r) = import(
            app,
            &t,
            "/api/v1/projects/import",
            write_projects(&new_rows, &ProjectTotals::default()).unwrap(),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["created"], 1);
        assert_eq!(count(app, &t).await, total + 1);

        // Files that are not what they should be.
        let audit = app.audit_count().await;
        let (s, e) = import(
            app,
            &t,
            "/api/v1/projects/import",
            b"just some text".to_vec(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "not_a_workbook");
        let (s, _) = import(app, &t, "/api/v1/projects/import", Vec::new()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        let (s, e) = import(
            app,
            &t,
            "/api/v1/projects/import",
            vec![0u8; 50 * 1024 * 1024],
        )
        .await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{e}");
        let mut wrong = rust_xlsxwriter::Workbook::new();
        let ws = wrong.add_worksheet();
        ws.write_string(0, 0, "名称").unwrap();
        ws.write_string(1, 0, "某项目").unwrap();
        let (s, e) = import(
            app,
            &t,
            "/api/v1/projects/import",
            wrong.save_to_buffer().unwrap(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["code"], "wrong_headers");
        assert!(e["error"]["message"].as_str().unwrap().contains("项目名称"));
        assert_eq!(app.audit_count().await, audit);

        // A district may only import its own projects.
        let d = app.token("district").await;
        let (s, e) = import(app, &d, "/api/v1/projects/import", bytes.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            e["error"]["details"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["code"] == "out_of_scope")
        );
        assert_eq!(app.audit_count().await, audit);
        // Readers may not import at all.
        let l = app.token("leader").await;
        let (s, _) = import(app, &l, "/api/v1/projects/import", bytes).await;
        assert_eq!(s, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn bad_cells_in_a_raw_sheet_are_each_named() {
    each_backend(full_demo(), async |app| {
        let t = app.token("office").await;
        let bytes = export(app, &t, "stage=planning").await;
        let sheet = read_projects(&bytes).unwrap();
        // Write the same sheet by hand, spoiling cells the way users do.
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("重点项目库").unwrap();
        for (c, h) in dongneng_office::PROJECT_HEADERS.iter().enumerate() {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        let col = |h: &str| {
            dongneng_office::PROJECT_HEADERS
                .iter()
                .position(|x| *x == h)
                .unwrap() as u16
        };
        let r = &sheet.rows[0].1;
        let row = 1;
        ws.write_string(row, col("项目名称"), &r.name).unwrap();
        ws.write_string(row, col("建设单位"), &r.owner_name)
            .unwrap();
        ws.write_string(row, col("所属区县"), &r.region).unwrap();
        ws.write_string(row, col("所属产业"), &r.industry).unwrap();
        ws.write_string(row, col("项目库类别"), "市重大").unwrap();
        ws.write_string(row, col("建设性质"), "新建").unwrap();
        ws.write_string(row, col("项目阶段"), "策划").unwrap();
        ws.write_string(row, col("总投资（万元）"), "1.2亿")
            .unwrap();
        ws.write_number(row, col("累计完成投资（万元）"), -5.0)
            .unwrap();
        ws.write_string(row, col("统一社会信用代码"), "91110000802100433C")
            .unwrap();
        let (s, e) = import(
            app,
            &t,
            "/api/v1/projects/import",
            wb.save_to_buffer().unwrap(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let cols: Vec<&str> = e["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|d| d["column"].as_str())
            .collect();
        for c in ["总投资（万元）", "累计完成投资（万元）", "统一社会信用代码"]
        {
            assert!(cols.contains(&c), "{c} not named: {cols:?}");
        }
        assert!(
            e["error"]["details"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["row"] == 2)
        );
    })
    .await;
}

#[tokio::test]
async fn monthly_progress_sheet_round_trip() {
    each_backend(full_demo(), async |app| {
        let t = app.token("office").await;
        let resp = app
            .client
            .get(app.url("/api/v1/projects/progress-template.xlsx"))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK);
        let template = resp.bytes().await.unwrap().to_vec();
        let mut sheet = dongneng_office::read_progress(&template).unwrap();
        assert!(sheet.rows.len() >= 100, "one row per started project");
        let mut rows: Vec<_> = sheet.rows.drain(..).map(|(_, r)| r).take(3).collect();
        for r in &mut rows {
            r.month_investment = dongneng_domain::money::Money::parse_wan("12.5").unwrap();
            r.image_progress = "主体封顶".into();
        }
        let file = dongneng_office::write_progress(&rows).unwrap();
        let (s, r) = import(app, &t, "/api/v1/projects/progress/import", file.clone()).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["rows"], 3);
        let audit = app.audit_count().await;
        let (s, _) = import(app, &t, "/api/v1/projects/progress/import", file).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            app.audit_count().await,
            audit,
            "the same reports again change nothing"
        );
        // An unknown project.
        rows[0].code = Some("2601-370303-29-01-999999".into());
        let (s, e) = import(
            app,
            &t,
            "/api/v1/projects/progress/import",
            dongneng_office::write_progress(&rows).unwrap(),
        )
        .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(e["error"]["details"][0]["code"], "unknown_project");
        assert_eq!(app.audit_count().await, audit);
    })
    .await;
}

/// An export walks the library a page at a time: a library larger than one page comes out
/// whole, in order, with totals that add up to the list's.
#[tokio::test]
async fn export_of_more_than_one_page_is_whole() {
    each_backend(full_demo(), async |app| {
        let t = app.token("office").await;
        let sheet = read_projects(&export(app, &t, "").await).unwrap();
        let model = sheet.rows[5].1.clone();
        let new_rows: Vec<_> = (0..2_100)
            .map(|i| {
                let mut r = model.clone();
                r.code = None;
                r.name = format!("分页导出测试项目{i:04}");
                r.stage = dongneng_domain::project::Stage::Planning;
                r.actual_start = None;
                r.actual_finish = None;
                r
            })
            .collect();
        let file = write_projects(&new_rows, &ProjectTotals::default()).unwrap();
        let (s, r) = import(app, &t, "/api/v1/projects/import", file.clone()).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(r["created"], 2_100);
        // Again: rows without a code are found by name and owner, so nothing is created.
        let (s, r) = import(app, &t, "/api/v1/projects/import", file).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        assert_eq!(
            (r["created"].as_i64(), r["unchanged"].as_i64()),
            (Some(0), Some(2_100)),
            "{r}"
        );

        // A search with this many matches finds its pages by walking the library newest
        // first: every match once, in order, page after page.
        let mut seen: Vec<(chrono::DateTime<chrono::FixedOffset>, i64)> = Vec::new();
        for page in 1..=5 {
            let (s, found) = app
                .get(
                    &format!(
                        "/api/v1/projects?q={}&per_page=500&page={page}",
                        crate::projects::urlencode("分页导出测试")
                    ),
                    &t,
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{found}");
            assert_eq!(found["total"], 2_100);
            for p in found["items"].as_array().unwrap() {
                assert!(p["name"].as_str().unwrap().starts_with("分页导出测试项目"));
                let at = chrono::DateTime::parse_from_rfc3339(p["updated_at"].as_str().unwrap());
                seen.push((at.unwrap(), p["id"].as_i64().unwrap()));
            }
        }
        assert_eq!(seen.len(), 2_100);
        assert!(
            seen.windows(2).all(|w| w[0] > w[1]),
            "newest first, no repeats"
        );

        let (_, list) = app.get("/api/v1/projects?per_page=1", &t).await;
        let total = list["total"].as_i64().unwrap();
        assert!(total > 2_300, "{total}");
        let all = read_projects(&export(app, &t, "").await).unwrap();
        assert!(all.errors.is_empty(), "{:?}", all.errors.first());
        assert_eq!(all.rows.len() as i64, total, "every project once");
        let names: std::collections::HashSet<&str> =
            all.rows.iter().map(|(_, r)| r.name.as_str()).collect();
        assert_eq!(names.len() as i64, total, "no project twice");
        let exported: i64 = all.rows.iter().map(|(_, r)| r.total_investment.0).sum();
        assert_eq!(
            list["sums"]["total_investment"].as_i64(),
            Some(exported),
            "the sheet's money is the list's"
        );
    })
    .await;
}

/// A progress sheet row for a month already reported corrects it: its old amount leaves the
/// completed total before the new one is added, so a correction close to the total is not
/// refused.
#[tokio::test]
async fn a_progress_row_for_a_reported_month_corrects_it() {
    each_backend(reference_data(), async |app| {
        let t = app.token("office").await;
        let zd = app.find_id(&t, "/api/v1/regions", "code", "370303").await;
        let nm = app
            .find_id(&t, "/api/v1/industries", "key", "new_materials")
            .await;
        let wan = |w: i64| w * 1_000_000;
        let (s, p) = app
            .call(
                Method::POST,
                "/api/v1/projects",
                Some(&t),
                Some(json!({
                    "code": "2601-370303-29-01-424242", "name": "进度更正测试项目",
                    "owner_name": "淄博更正测试有限公司", "region_id": zd, "industry_id": nm,
                    "library_class": "city_major", "nature": "new", "content": "",
                    "total_investment": wan(100), "stage": "planning"
                })),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{p}");
        let path = format!("/api/v1/projects/{}", p["id"]);
        let last = {
            let today = dongneng_domain::clock::today();
            let first = today.with_day(1).unwrap();
            first.pred_opt().unwrap()
        };
        let (year, month) = (last.year(), last.month());
        let (s, e) = app
            .call(
                Method::POST,
                &format!("{path}/progress"),
                Some(&t),
                Some(json!({"year": year, "month": month, "month_investment": wan(60)})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{e}");
        let row = |amount: i64| ProgressSheetRow {
            code: Some("2601-370303-29-01-424242".into()),
            name: "进度更正测试项目".into(),
            owner_name: "淄博更正测试有限公司".into(),
            year,
            month,
            month_investment: dongneng_domain::money::Money(wan(amount)),
            ytd_investment: None,
            image_progress: "更正".into(),
            milestone: String::new(),
            problems: String::new(),
            next_steps: String::new(),
        };
        // 60 reported; 70 replaces it (60 + 70 would pass the total of 100).
        let file = dongneng_office::write_progress(&[row(70)]).unwrap();
        let (s, r) = import(app, &t, "/api/v1/projects/progress/import", file).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let (_, d) = app.get(&path, &t).await;
        assert_eq!(d["project"]["completed_investment"], wan(70));
        // And again.
        let file = dongneng_office::write_progress(&[row(80)]).unwrap();
        let (s, r) = import(app, &t, "/api/v1/projects/progress/import", file).await;
        assert_eq!(s, StatusCode::OK, "{r}");
        let (_, d) = app.get(&path, &t).await;
        assert_eq!(d["project"]["completed_investment"], wan(80));
        // Past the total is still refused, and nothing is written.
        let audit = app.audit_count().await;
        let file = dongneng_office::write_progress(&[row(101)]).unwrap();
        let (s, e) = import(app, &t, "/api/v1/projects/progress/import", file).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["details"][0]["code"], "completed_above_total");
        assert_eq!(app.audit_count().await, audit);
    })
    .await;
}
