//! The month's project dispatch figures and the dispatch digest (月度调度通报), on both
//! databases: the figures' city total equals the project library's totals for the same month
//! and filter, per role and per filter; the rows add up to the total; bad months are refused
//! naming the field.

use crate::harness::{TestApp, each_backend, full_demo};
use chrono::Datelike;
use reqwest::StatusCode;
use serde_json::Value;

fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

fn last_month() -> (i32, u32) {
    let t = today();
    if t.month() == 1 {
        (t.year() - 1, 12)
    } else {
        (t.year(), t.month() - 1)
    }
}

fn sum_of(rows: &Value, field: &str) -> i64 {
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| r[field].as_i64().unwrap())
        .sum()
}

fn field_error(body: &Value, field: &str) -> bool {
    body["error"]["details"]
        .as_array()
        .is_some_and(|d| d.iter().any(|f| f["field"] == field))
}

async fn check_against_sums(app: &TestApp, user: &str, year: i32, month: u32, filter: &str) {
    let t = app.token(user).await;
    let (s, f) = app
        .get(
            &format!("/api/v1/projects/dispatch?year={year}&month={month}{filter}"),
            &t,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{f}");
    let (s, a) = app
        .get(
            &format!("/api/v1/projects/as-at?year={year}&month={month}&per_page=1{filter}"),
            &t,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{a}");
    let (total, sums) = (&f["total"], &a["sums"]);
    assert_eq!(
        total["year_completed"], sums["year_completed"],
        "{user} {filter}"
    );
    assert_eq!(total["projects"], sums["count"], "{user} {filter}");
    assert_eq!(total["year_plan"], sums["year_plan"], "{user} {filter}");
    assert_eq!(total["total_investment"], sums["total_investment"]);
    for rows in ["by_industry", "by_district"] {
        for field in ["projects", "year_completed", "year_plan", "month_completed"] {
            assert_eq!(
                sum_of(&f[rows], field),
                total[field].as_i64().unwrap(),
                "{user} {filter}: {rows} {field}"
            );
        }
    }
    assert!(f["lagging"].as_array().unwrap().len() as i64 <= f["lagging_total"].as_i64().unwrap());
}

#[tokio::test]
async fn dispatch_figures_equal_the_library_sums() {
    each_backend(full_demo(), async |app| {
        let (y, m) = last_month();
        let office = app.token("office").await;
        let industry = app
            .find_id(&office, "/api/v1/industries", "key", "new_materials")
            .await;
        let zhangdian = app
            .find_id(&office, "/api/v1/regions", "code", "370303")
            .await;
        for user in ["office", "leader", "district", "stats", "supervisor"] {
            check_against_sums(app, user, y, m, "").await;
        }
        check_against_sums(app, "office", y, m, &format!("&industry={industry}")).await;
        check_against_sums(app, "office", y, m, &format!("&region={zhangdian}")).await;
        // Earlier months of the year too.
        if m > 2 {
            check_against_sums(app, "office", y, m - 2, "").await;
        }
        // The demo has completed investment and projects behind plan.
        let (_, f) = app
            .get(
                &format!("/api/v1/projects/dispatch?year={y}&month={m}"),
                &office,
            )
            .await;
        assert!(f["total"]["projects"].as_i64().unwrap() > 0, "{f}");
        assert!(!f["by_industry"].as_array().unwrap().is_empty());
        assert!(!f["by_district"].as_array().unwrap().is_empty());
        // A district's figures are its own.
        let dt = app.token("district").await;
        let (_, d) = app
            .get(
                &format!("/api/v1/projects/dispatch?year={y}&month={m}"),
                &dt,
            )
            .await;
        for row in d["by_district"].as_array().unwrap() {
            assert_eq!(row["id"], zhangdian, "{d}");
        }
        for p in d["lagging"].as_array().unwrap() {
            assert_eq!(p["region_id"], zhangdian);
        }
    })
    .await;
}

#[tokio::test]
async fn dispatch_figures_refuse_bad_months() {
    each_backend(full_demo(), async |app| {
        let t = app.token("office").await;
        let next = today().checked_add_months(chrono::Months::new(1)).unwrap();
        for (q, field) in [
            ("year=2026&month=13".to_string(), "month"),
            ("year=2026&month=0".to_string(), "month"),
            ("year=99999&month=1".to_string(), "year"),
            (
                format!("year={}&month={}", next.year(), next.month()),
                "month",
            ),
        ] {
            let (s, e) = app.get(&format!("/api/v1/projects/dispatch?{q}"), &t).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {e}");
            assert!(field_error(&e, field), "{q}: {e}");
        }
        let (s, e) = app
            .get("/api/v1/projects/dispatch?year=abc&month=1", &t)
            .await;
        assert!(
            s == StatusCode::BAD_REQUEST || s == StatusCode::UNPROCESSABLE_ENTITY,
            "{s} {e}"
        );
        // The current month is the library as it stands.
        let (s, f) = app
            .get(
                &format!(
                    "/api/v1/projects/dispatch?year={}&month={}",
                    today().year(),
                    today().month()
                ),
                &t,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{f}");
    })
    .await;
}

/// The whole demo, PDFs with only the fonts carried in the binary.
fn demo_embedded_fonts() -> dongneng_service::ServiceConfig {
    dongneng_service::ServiceConfig {
        system_fonts: false,
        ..full_demo()
    }
}

#[tokio::test]
async fn the_digest_downloads_as_docx_pdf_and_xlsx() {
    use crate::documents::{DOCX, document_xml, fetch, pdf_text};
    each_backend(demo_embedded_fonts(), async |app| {
        let (y, m) = last_month();
        let path = format!("/api/v1/dispatch/digest/{y}-{m:02}");
        let office = app.token("office").await;
        let title = format!("{y}年{m}月重大项目月度调度通报");

        // JSON: the figures, the chart, the problems and tasks; the total is the library's.
        let (s, d) = app.get(&path, &office).await;
        assert_eq!(s, StatusCode::OK, "{d}");
        assert_eq!(d["title"], title);
        assert!(d["chart"]["svg"].as_str().unwrap().starts_with("<svg"));
        let (_, asat) = app
            .get(
                &format!("/api/v1/projects/as-at?year={y}&month={m}&per_page=1"),
                &office,
            )
            .await;
        assert_eq!(
            d["figures"]["total"]["year_completed"],
            asat["sums"]["year_completed"]
        );
        let industry = d["figures"]["by_industry"][0]["name"]
            .as_str()
            .unwrap()
            .to_string();

        // Word: a zip whose document holds the title and a picture of the chart.
        let (s, ctype, _, docx) = fetch(app, &format!("{path}.docx"), Some(&office)).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(ctype, DOCX);
        let xml = document_xml(&docx);
        assert!(xml.contains(&title), "title missing from the DOCX");
        assert!(xml.contains(&industry), "{industry} missing from the DOCX");
        let zip = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
        assert!(
            zip.file_names()
                .any(|n| n.is_ok_and(|n| n.starts_with("word/media/"))),
            "no image part in the DOCX"
        );

        // PDF: its text holds the title, an industry and the chart's caption.
        let (s, ctype, _, pdf) = fetch(app, &format!("{path}.pdf"), Some(&office)).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(ctype, "application/pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        let text = pdf_text(&pdf);
        for want in [title.as_str(), industry.as_str(), "各产业年度投资完成率"] {
            assert!(text.contains(want), "{want} missing from the PDF text");
        }
        // Made once: asking again serves the stored document.
        let audit = app.audit_count().await;
        let (_, _, _, again) = fetch(app, &format!("{path}.pdf"), Some(&office)).await;
        assert_eq!(again, pdf);
        assert_eq!(app.audit_count().await, audit, "made a second time");

        // xlsx: its tables.
        let (s, _, _, xlsx) = fetch(app, &format!("{path}.xlsx"), Some(&office)).await;
        assert_eq!(s, StatusCode::OK);
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).unwrap();
        assert!(wb.sheet_names().len() >= 5);
        let sheet = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&sheet).unwrap();
        assert_eq!(range.get_value((3, 0)).unwrap().to_string(), industry);

        // A district reads its own rows, in its own edition.
        let district = app.token("district").await;
        let (s, dd) = app.get(&path, &district).await;
        assert_eq!(s, StatusCode::OK, "{dd}");
        assert_eq!(dd["scope_name"], "张店区");
        assert_eq!(dd["figures"]["by_district"].as_array().unwrap().len(), 1);
        let (s, _, _, ddocx) = fetch(app, &format!("{path}.docx"), Some(&district)).await;
        assert_eq!(s, StatusCode::OK);
        assert!(document_xml(&ddocx).contains("张店区"));

        // Refused: the task force and departments do not read the digest; nothing is made.
        let audit = app.audit_count().await;
        for user in ["taskforce", "dept", "expert", "admin"] {
            let t = app.token(user).await;
            let (s, _, _, _) = fetch(app, &format!("{path}.pdf"), Some(&t)).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{user}");
        }
        assert_eq!(app.audit_count().await, audit);
        let (s, _, _, _) = fetch(app, &format!("{path}.pdf"), None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);

        // Bad months name the field.
        let next = today().checked_add_months(chrono::Months::new(1)).unwrap();
        for bad in [
            "2026-13.pdf".to_string(),
            "2026-00.docx".to_string(),
            "2026-5".to_string(),
            "abc.xlsx".to_string(),
            format!("{}-{:02}.pdf", next.year(), next.month()),
        ] {
            let (s, e) = app
                .get(&format!("/api/v1/dispatch/digest/{bad}"), &office)
                .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {e}");
            assert!(field_error(&e, "month"), "{bad}: {e}");
        }
    })
    .await;
}
