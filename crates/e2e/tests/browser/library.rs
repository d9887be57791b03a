//! The project library (issue #3): create a project and take it through its stages and a
//! month's progress, import a workbook with a bad row, export, the "as at" view, and the
//! district boundary. Each flow is what a person would do and check in the browser.

use crate::Test;
use crate::harness::Page;
use anyhow::{Context, Result, ensure};
use chrono::{Datelike, NaiveDate};
use dongneng_domain::clock::today as china_today;
use dongneng_office::{ProjectSheetRow, ProjectTotals, column_letter, read_projects};
use serde_json::Value;

/// The library's browser tests, in the order they run.
pub fn all() -> Vec<Test> {
    vec![
        Test::new("project_create_start_and_report_progress", |p| {
            Box::pin(project_create_start_and_report_progress(p))
        }),
        Test::new("import_with_a_bad_row_then_fixed", |p| {
            Box::pin(import_with_a_bad_row_then_fixed(p))
        }),
        Test::new("export_answers_a_workbook", |p| {
            Box::pin(export_answers_a_workbook(p))
        }),
        Test::new("as_at_last_month", |p| Box::pin(as_at_last_month(p))),
        Test::new("district_sees_only_its_projects", |p| {
            Box::pin(district_sees_only_its_projects(p))
        }),
    ]
}

const ZHANGDIAN: &str = "张店区";
const ZHANGDIAN_CODE: &str = "370303";
const ZICHUAN_CODE: &str = "370302";
const NEW_MATERIALS: &str = "新材料";

/// The month before `today`'s (December of last year in January).
fn last_month(today: NaiveDate) -> (i32, u32) {
    if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    }
}

/// Six digits that differ from run to run (project codes and names must be unique).
fn six_digits() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{:06}", (nanos ^ std::process::id() as u128) % 1_000_000)
}

/// Creates a 新材料 project in 张店区, stage 储备, in this year's batch with a yearly plan,
/// through the list's "new" button and the form, as the user signed in; checks that the
/// browser lands on the new project's page. Returns its id.
async fn create_reserve_project(p: &Page, name: &str) -> Result<i64> {
    let year = china_today().year().to_string();
    p.goto("/projects").await?;
    p.click_to_next_page("new-link").await?;
    p.expect_path("/projects/new").await?;
    p.fill("f-name", name).await?;
    p.fill("f-owner_name", "淄博浏览器测试新材料有限公司")
        .await?;
    p.select_label("f-region_id", ZHANGDIAN).await?;
    p.select_label("f-industry_id", NEW_MATERIALS).await?;
    p.select_value("f-stage", "reserve").await?;
    p.fill("f-total_investment", "50000").await?;
    // The form offers this year's batch; the user keeps it and enters the year's plan.
    p.expect_value("f-batch_year", &year).await?;
    p.fill("f-year_plan", "24000").await?;
    p.click_to_next_page("save").await?;

    let path = p.path().await?;
    let id = path
        .strip_prefix("/projects/")
        .and_then(|s| s.parse::<i64>().ok())
        .with_context(|| {
            format!(
                "after saving the new project the browser is at {path} (422 shows the form again)"
            )
        })?;
    p.expect_text("flash", "已保存。").await?;
    p.expect_text("page-title", name).await?;
    p.expect_text("stage", "储备").await?;
    let money = p.text("money").await?;
    ensure!(
        money.contains(&format!("({year})")),
        "the plan year {year} is not shown: {money:?}"
    );
    Ok(id)
}

/// 7. Issue #3: the task force creates a project, cannot start it without its national code,
///    adds the code and starts it, reports last month's progress far behind the plan, and
///    sees the warning.
async fn project_create_start_and_report_progress(p: Page) -> Result<()> {
    let today = china_today();
    let digits = six_digits();
    let name = format!("浏览器测试高性能膜材料项目{digits}");
    p.login("taskforce").await?;
    let id = create_reserve_project(&p, &name).await?;
    let page = format!("/projects/{id}");
    // In 储备 with no planned start nothing is late yet.
    ensure!(
        p.attr("warning-level", "data-level").await?.as_deref() == Some("green"),
        "a new reserve project is flagged {:?}",
        p.attr("warning-level", "data-level").await?
    );

    // 储备 → 开工 without a project code: refused, with the reason naming the code field.
    p.select_value("stage-to", "started").await?;
    p.click_to_next_page("stage-submit").await?;
    ensure!(
        p.status().await? == 422,
        "starting without a code answered {}",
        p.status().await?
    );
    let refusal = p.text("form-errors").await?;
    p.expect_text("stage", "储备").await?;

    // The task force edits the project and enters the code.
    p.click_to_next_page("edit-link").await?;
    p.expect_path(&format!("{page}/edit")).await?;
    let code_label = p
        .texts("label[for=f-code]")
        .await?
        .into_iter()
        .next()
        .context("no label for #f-code")?;
    ensure!(
        refusal.contains(&format!("“{code_label}”")) && refusal.contains("开工"),
        "the refusal {refusal:?} does not name the field {code_label:?}"
    );
    p.expect_value("f-code", "").await?;
    let code = format!("2601-{ZHANGDIAN_CODE}-29-01-{digits}");
    p.fill("f-code", &code).await?;
    p.click_to_next_page("save").await?;
    p.expect_path(&page).await?;
    p.expect_text("flash", "已保存。").await?;

    // Now it starts.
    p.select_value("stage-to", "started").await?;
    p.click_to_next_page("stage-submit").await?;
    p.expect_path(&page).await?;
    p.expect_text("flash", "已保存。").await?;
    p.expect_text("stage", "开工").await?;
    ensure!(
        !p.exists("form-errors").await?,
        "errors shown after starting: {}",
        p.text("form-errors").await?
    );
    let events = p.text("events").await?;
    ensure!(
        events.contains("储备 → 开工"),
        "the move is not among the events: {events:?}"
    );

    // Last month's progress: 1 万元 against a year plan of 24,000 万元.
    let (ly, lm) = last_month(today);
    p.expect_value("progress-year", &ly.to_string()).await?;
    p.expect_value("progress-month", &lm.to_string()).await?;
    p.fill("progress-amount", "1").await?;
    p.click_to_next_page("progress-submit").await?;
    p.expect_path(&page).await?;
    p.expect_text("flash", "已保存。").await?;
    let table = p.text("progress-table").await?;
    ensure!(
        table.contains(&format!("{ly} 年 {lm} 月")),
        "last month's report is not listed: {table:?}"
    );

    // In January the year's time progress has not started (warning::reporting_month is
    // None): a new year's plan cannot be behind yet, so there is nothing to turn yellow.
    if today.month() == 1 {
        return Ok(());
    }
    let level = p.attr("warning-level", "data-level").await?;
    let reasons = if p.exists("warning-reasons").await? {
        p.text("warning-reasons").await?
    } else {
        String::new()
    };
    ensure!(
        matches!(level.as_deref(), Some("yellow" | "red")),
        "far behind the plan the project is flagged {level:?} ({reasons:?})"
    );
    ensure!(
        reasons.contains("序时进度"),
        "the reasons do not mention the time progress: {reasons:?}"
    );
    // Last month is reported, so no report is missing any more.
    ensure!(
        !reasons.contains("未按时报送"),
        "a report is still flagged missing: {reasons:?}"
    );
    // The list shows the same colour.
    let level = level.unwrap_or_default();
    p.goto("/projects").await?;
    p.fill("filter-q", &name).await?;
    p.click_to_next_page("filter-submit").await?;
    let row = format!("project-{id}");
    let class = p.attr(&row, "class").await?.unwrap_or_default();
    ensure!(
        class
            .split_whitespace()
            .any(|c| c == format!("level-{level}")),
        "#{row} has class {class:?}, the page said {level}"
    );
    Ok(())
}

/// The `dn_session`-authenticated export of the whole library as read back by the importer.
async fn export_rows(p: &Page, href: &str) -> Result<Vec<(usize, ProjectSheetRow)>> {
    let file = p.download(href).await?;
    file.expect_xlsx(href)?;
    let sheet = read_projects(&file.bytes).map_err(|e| anyhow::anyhow!("reading {href}: {e}"))?;
    ensure!(
        sheet.errors.is_empty(),
        "the export does not read back cleanly: {:?}",
        sheet.errors
    );
    Ok(sheet.rows)
}

/// The workbook of these rows, as the export writes it (with its 合计 row).
fn workbook(rows: &[(usize, ProjectSheetRow)]) -> Result<Vec<u8>> {
    let mut totals = ProjectTotals::default();
    for (_, r) in rows {
        totals.count += 1;
        totals.total_investment.0 += r.total_investment.0;
        totals.year_plan.0 += r.year_plan.unwrap_or_default().0;
        totals.completed.0 += r.completed.0;
        totals.year_completed.0 += r.year_completed.unwrap_or_default().0;
    }
    let rows: Vec<ProjectSheetRow> = rows.iter().map(|(_, r)| r.clone()).collect();
    dongneng_office::write_projects(&rows, &totals).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Uploads a workbook through the import form and waits for the answer page.
async fn upload(p: &Page, file: &std::path::Path) -> Result<()> {
    p.goto("/projects").await?;
    p.click_to_next_page("import-link").await?;
    p.expect_path("/projects/import").await?;
    p.select_value("import-kind", "projects").await?;
    p.choose_file("import-file", file).await?;
    p.click_to_next_page("import-submit").await
}

/// 8. Issue #3: the programme office exports the library, spoils one cell, imports it and is
///    refused with a report naming the row and column; fixed, the import goes through and
///    changes nothing.
async fn import_with_a_bad_row_then_fixed(p: Page) -> Result<()> {
    p.login("office").await?;
    p.goto("/projects").await?;
    let before: usize = p.text("sum-count").await?.parse()?;
    let href = p
        .attr("export-link", "href")
        .await?
        .context("#export-link has no href")?;
    let rows = export_rows(&p, &href).await?;
    ensure!(
        rows.len() == before,
        "the export holds {} projects, the list says {before}",
        rows.len()
    );

    // The third project is said to be in 火星区.
    let (bad_row, original) = rows.get(2).cloned().context("the export has < 3 rows")?;
    let mut spoiled = rows.clone();
    spoiled[2].1.region = "火星区".into();
    let dir = tempfile::tempdir()?;
    let bad_file = dir.path().join("projects-bad.xlsx");
    std::fs::write(&bad_file, workbook(&spoiled)?)?;

    upload(&p, &bad_file).await?;
    ensure!(
        p.status().await? == 422,
        "the bad workbook answered {}",
        p.status().await?
    );
    p.expect_text(
        "import-refused",
        "文件未导入：发现 1 处错误，未写入任何数据。",
    )
    .await?;
    ensure!(
        !p.exists("import-ok").await?,
        "#import-ok shown on a refusal"
    );
    let region_col = dongneng_office::PROJECT_HEADERS
        .iter()
        .position(|h| *h == "所属区县")
        .context("no 所属区县 column")?;
    let want = vec![
        bad_row.to_string(),
        format!("{} 所属区县", column_letter(region_col)),
        "火星区".to_string(),
        "“所属区县”中的名称“火星区”不存在。".to_string(),
    ];
    let problems = p.texts("#import-problems tbody tr").await?;
    ensure!(problems.len() == 1, "problem rows: {problems:?}");
    let cells = p.texts("#import-problems tbody td").await?;
    ensure!(
        cells == want,
        "the problem row says {cells:?}, expected {want:?}"
    );

    // The report is a workbook: the sheet as uploaded (the bad cell kept where it was).
    let report_href = p
        .attr("report-link", "href")
        .await?
        .context("#report-link has no href")?;
    let report = p.download(&report_href).await?;
    report.expect_xlsx("the error report")?;
    let copy = read_projects(&report.bytes).map_err(|e| anyhow::anyhow!("the report: {e}"))?;
    ensure!(
        copy.rows
            .iter()
            .any(|(r, row)| *r == bad_row && row.region == "火星区" && row.name == original.name),
        "the report does not hold row {bad_row} as uploaded"
    );

    // Nothing was written.
    p.goto("/projects").await?;
    p.expect_text("sum-count", &before.to_string()).await?;

    // The user corrects the report (the region put back) and uploads it: it goes through
    // and changes nothing.
    let mut fixed = copy.rows.clone();
    ensure!(
        fixed.len() == rows.len(),
        "the report holds {} of {} rows",
        fixed.len(),
        rows.len()
    );
    for (r, row) in &mut fixed {
        if *r == bad_row {
            row.region = original.region.clone();
        }
    }
    ensure!(
        fixed == rows,
        "the corrected report differs from the export"
    );
    let fixed_file = dir.path().join("projects-fixed.xlsx");
    std::fs::write(&fixed_file, workbook(&fixed)?)?;
    upload(&p, &fixed_file).await?;
    ensure!(
        p.status().await? == 200,
        "the fixed workbook answered {}",
        p.status().await?
    );
    ensure!(
        !p.exists("import-refused").await?,
        "the fixed workbook is refused: {} {:?}",
        p.text("import-refused").await?,
        p.texts("#import-problems tbody tr").await?
    );
    p.expect_text(
        "import-ok",
        &format!("导入完成：新增 0 个，更新 0 个，未变 {before} 个。"),
    )
    .await?;
    p.goto("/projects").await?;
    p.expect_text("sum-count", &before.to_string()).await?;
    Ok(())
}

/// 9. Issue #3: the export link of a filtered list answers an `.xlsx` workbook holding the
///    filtered projects.
async fn export_answers_a_workbook(p: Page) -> Result<()> {
    p.login("office").await?;
    p.goto("/projects").await?;
    let all: usize = p.text("sum-count").await?.parse()?;
    p.select_label("filter-region", ZHANGDIAN).await?;
    p.click_to_next_page("filter-submit").await?;
    let n: usize = p.text("sum-count").await?.parse()?;
    ensure!(n > 0 && n < all, "张店区 has {n} of {all} projects");

    let href = p
        .attr("export-link", "href")
        .await?
        .context("#export-link has no href")?;
    let region = p.value("filter-region").await?;
    ensure!(
        href.starts_with("/projects/export.xlsx?") && href.contains(&format!("region={region}")),
        "#export-link does not carry the filter: {href}"
    );
    // What the browser gets from the link: a workbook to save.
    p.fetch_in_page(&href)
        .await?
        .expect_xlsx(&format!("{href} fetched by the page"))?;
    // And it holds the filtered projects.
    let rows = export_rows(&p, &href).await?;
    ensure!(
        rows.len() == n,
        "the export holds {} projects, the list {n}",
        rows.len()
    );
    ensure!(
        rows.iter().all(|(_, r)| r.region == ZHANGDIAN),
        "the export holds projects outside 张店区"
    );
    Ok(())
}

/// 10. Issue #3: the library as at the end of last month: the heading names the month, the
///     demo library is there, and a project created now is not.
async fn as_at_last_month(p: Page) -> Result<()> {
    let (ly, lm) = last_month(china_today());
    let name = format!("浏览器测试时点项目{}", six_digits());
    p.login("office").await?;
    create_reserve_project(&p, &name).await?;

    // The list finds it today.
    p.goto("/projects").await?;
    p.fill("filter-q", &name).await?;
    p.click_to_next_page("filter-submit").await?;
    p.expect_text("sum-count", "1").await?;

    p.goto("/projects").await?;
    p.click_to_next_page("as-at-link").await?;
    p.expect_path("/projects/as-at").await?;
    p.expect_text("as-at-heading", &format!("{ly} 年 {lm} 月末的项目库"))
        .await?;
    p.expect_value("as-at-year", &ly.to_string()).await?;
    p.expect_value("as-at-month", &lm.to_string()).await?;
    let then_count: usize = p.text("sum-count").await?.parse()?;
    ensure!(
        then_count >= 200,
        "the library at the end of last month held {then_count}"
    );

    // A project that was there then is found by the search of this view …
    let then = p
        .texts("#list tbody tr td:first-child a")
        .await?
        .into_iter()
        .next()
        .context("no project in the as-at view")?;
    p.fill("filter-q", &then).await?;
    p.click_to_next_page("filter-submit").await?;
    p.expect_path("/projects/as-at").await?;
    p.expect_text("as-at-heading", &format!("{ly} 年 {lm} 月末的项目库"))
        .await?;
    let found: usize = p.text("sum-count").await?.parse()?;
    ensure!(found >= 1, "{then:?} is not found in the as-at view");

    // … the one created now is not.
    p.fill("filter-q", &name).await?;
    p.click_to_next_page("filter-submit").await?;
    p.expect_path("/projects/as-at").await?;
    let at = p.location().await?;
    ensure!(
        at.contains(&format!("year={ly}")) && at.contains(&format!("month={lm}")),
        "the search left the month: {at}"
    );
    p.expect_text("sum-count", "0").await?;
    let rows = p.texts("#list tbody tr").await?;
    ensure!(rows.is_empty(), "as at last month the view shows {rows:?}");
    Ok(())
}

/// The id of the region with this national code, as the API lists it.
async fn region_id(p: &Page, token: &str, code: &str) -> Result<i64> {
    p.api_list(token, "/api/v1/regions")
        .await?
        .iter()
        .find(|r| r["code"] == code)
        .and_then(|r| r["id"].as_i64())
        .with_context(|| format!("no region {code}"))
}

/// `GET /api/v1/projects` as the holder of `token`: the body.
async fn api_projects(p: &Page, token: &str, query: &str) -> Result<Value> {
    let resp = reqwest::Client::new()
        .get(p.url(&format!("/api/v1/projects?{query}")))
        .bearer_auth(token)
        .send()
        .await?;
    ensure!(
        resp.status().is_success(),
        "GET /api/v1/projects?{query}: {}",
        resp.status()
    );
    Ok(resp.json().await?)
}

/// 11. Issue #3: a district user is refused another district's project and lists only its
///     own district's projects.
async fn district_sees_only_its_projects(p: Page) -> Result<()> {
    let token = p.api_token("office").await?;
    let zichuan = region_id(&p, &token, ZICHUAN_CODE).await?;
    let zhangdian = region_id(&p, &token, ZHANGDIAN_CODE).await?;
    let other = api_projects(&p, &token, &format!("region={zichuan}&per_page=1")).await?;
    let other_id = other["items"][0]["id"]
        .as_i64()
        .context("no project in 淄川区")?;
    let own = api_projects(&p, &token, &format!("region={zhangdian}&per_page=1")).await?;
    let own_total = own["total"].as_i64().context("no total")?;
    let city = api_projects(&p, &token, "per_page=1").await?["total"]
        .as_i64()
        .context("no total")?;
    ensure!(
        own_total > 0 && own_total < city,
        "张店区 has {own_total} of {city}"
    );

    p.login("district").await?;
    let path = format!("/projects/{other_id}");
    p.goto(&path).await?;
    p.expect_path(&path).await?;
    ensure!(
        p.status().await? == 403,
        "{path} answered {}",
        p.status().await?
    );
    p.expect_text("error-message", "您没有权限访问此内容。")
        .await?;
    ensure!(
        !p.exists("warning-box").await?,
        "the refused project is shown anyway"
    );

    // The list: 张店区's projects, all of them, and nothing else.
    p.goto("/projects").await?;
    p.expect_text("sum-count", &own_total.to_string()).await?;
    let regions = p.texts("#list tbody tr td:nth-child(4)").await?;
    ensure!(!regions.is_empty(), "the district's list is empty");
    ensure!(
        regions.iter().all(|r| r == ZHANGDIAN),
        "the district's list shows other regions: {regions:?}"
    );
    let rows = p.links("#list tbody tr td:nth-child(2) a").await?;
    ensure!(
        !rows.iter().any(|(_, href)| *href == path),
        "the refused project is listed"
    );
    // Its own projects open.
    let first = rows.first().map(|(_, h)| h.clone()).context("no link")?;
    p.click_css_to_next_page("#list tbody tr td:nth-child(2) a")
        .await?;
    p.expect_path(&first).await?;
    ensure!(
        p.status().await? == 200,
        "{first} answered {}",
        p.status().await?
    );
    ensure!(!p.exists("error-message").await?, "{first} shows an error");
    Ok(())
}
