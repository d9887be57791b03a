//! Meetings (issue 8 §3): the office plans a meeting, holds it and records a decision owned
//! by 市财政局 with a deadline; the decision is a key task the `dept` account finds in its task
//! list and opens; the quarterly proposal shows two industries, each with its reasons.

use crate::Test;
use crate::harness::Page;
use anyhow::{Context, Result, ensure};
use dongneng_domain::clock::today as china_today;

/// The meetings' browser tests, in the order they run.
pub fn all() -> Vec<Test> {
    vec![
        Test::new("a_meeting_decision_becomes_the_departments_task", |p| {
            Box::pin(a_meeting_decision_becomes_the_departments_task(p))
        }),
        Test::new("the_quarterly_proposal_shows_two_industries", |p| {
            Box::pin(the_quarterly_proposal_shows_two_industries(p))
        }),
    ]
}

/// The id of the record named `value` in an API list, as the office reads it.
async fn id_of(p: &Page, token: &str, list: &str, field: &str, value: &str) -> Result<String> {
    let items = p.api_list(token, list).await?;
    items
        .iter()
        .find(|i| i[field] == value)
        .map(|i| i["id"].to_string())
        .with_context(|| format!("no {value} in {list}"))
}

async fn a_meeting_decision_becomes_the_departments_task(p: Page) -> Result<()> {
    let office = p.api_token("office").await?;
    let new_materials = id_of(&p, &office, "/api/v1/industries", "key", "new_materials").await?;
    let finance = id_of(&p, &office, "/api/v1/departments", "name_zh", "市财政局").await?;
    let title = "新材料产业园要素保障专题协调会";
    let decision = "拨付新材料产业园配套资金";

    // The office plans the meeting through the form.
    p.login("office").await?;
    p.goto("/meetings").await?;
    p.click_to_next_page("new-link").await?;
    p.expect_path("/meetings/new").await?;
    p.fill("f-title", title).await?;
    p.select_value("f-kind", "thematic").await?;
    p.select_value("f-mode", "on_site").await?;
    p.set_value("f-held_on", &china_today().to_string()).await?;
    p.fill("f-place", "市发改委第三会议室").await?;
    p.select_label("f-chair_user_id", "市领导（新材料产业）")
        .await?;
    p.select_label("f-organiser_department_id", "市发展和改革委员会")
        .await?;
    p.select_value("f-industry_ids", &new_materials).await?;
    p.click_to_next_page("save").await?;
    let at = p.path().await?;
    ensure!(
        at.starts_with("/meetings/"),
        "after saving the browser is at {at}"
    );
    p.expect_text("page-title", title).await?;
    ensure!(
        p.attr("meeting-state", "data-state").await?.as_deref() == Some("planned"),
        "a new meeting is planned"
    );

    // It is held; a decision without an owner is refused on the page, then recorded.
    p.click_to_next_page("hold-submit").await?;
    ensure!(
        p.attr("meeting-state", "data-state").await?.as_deref() == Some("held"),
        "the meeting is held"
    );
    p.fill("decision-title", decision).await?;
    p.set_value("decision-deadline", "2099-06-30").await?;
    p.click_to_next_page("decision-submit").await?;
    let errors = p.text("form-errors").await?;
    ensure!(
        errors.contains("牵头单位"),
        "a decision without an owner: {errors}"
    );
    p.fill("decision-title", decision).await?;
    p.select_value("decision-lead", &finance).await?;
    p.set_value("decision-deadline", "2099-06-30").await?;
    p.click_to_next_page("decision-submit").await?;
    let rows = p.texts("#decision-list tbody tr").await?;
    ensure!(
        rows.len() == 1 && rows[0].contains(decision) && rows[0].contains("市财政局"),
        "decisions: {rows:?}"
    );
    // The notice downloads as Word and as PDF.
    for (link, kind) in [
        (
            "notice-docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("notice-pdf", "application/pdf"),
    ] {
        let href = p.attr(link, "href").await?.context("no link")?;
        let f = p.download(&href).await?;
        ensure!(
            f.status == 200 && f.content_type == kind && f.len > 1000,
            "{href}: {} {} {} bytes",
            f.status,
            f.content_type,
            f.len
        );
    }
    p.logout().await?;

    // 市财政局 finds the task in its list, from the meeting, and opens it.
    p.login("dept").await?;
    p.goto("/tasks?source=meeting_decision").await?;
    let titles = p.texts("#list tbody tr td:first-child").await?;
    ensure!(
        titles.iter().any(|t| t == decision),
        "the department's tasks: {titles:?}"
    );
    let links = p.links("#list tbody tr td:first-child a").await?;
    let row = titles
        .iter()
        .position(|t| t == decision)
        .context("no row")?;
    let href = links.get(row).map(|(_, h)| h.clone()).context("no link")?;
    p.goto(&href).await?;
    p.expect_text("page-title", decision).await?;
    let facts = p.texts("#task-facts dd").await?;
    ensure!(
        facts.iter().any(|f| f == "会议议定事项") && facts.iter().any(|f| f == "市财政局"),
        "the task's facts: {facts:?}"
    );
    // The task links back to its meeting, which the department reads too.
    let back = p.attr("source-link", "href").await?.unwrap_or_default();
    ensure!(
        back.starts_with("/meetings/"),
        "the task's source link: {back}"
    );
    p.goto("/meetings").await?;
    let meetings = p.texts("#list tbody tr td:first-child").await?;
    ensure!(
        meetings.iter().any(|m| m == title),
        "the department's meetings: {meetings:?}"
    );
    Ok(())
}

async fn the_quarterly_proposal_shows_two_industries(p: Page) -> Result<()> {
    p.login("office").await?;
    p.goto("/meetings").await?;
    p.click_to_next_page("proposal-link").await?;
    let names = p.texts("#proposal-list li.proposed h2").await?;
    ensure!(names.len() == 2, "proposed: {names:?}");
    ensure!(
        names.iter().all(|n| !n.is_empty()),
        "proposed industries have names: {names:?}"
    );
    let reasons = p.texts("#proposal-list li.proposed ul.reasons").await?;
    ensure!(
        reasons.len() == 2
            && reasons
                .iter()
                .all(|r| r.contains("红色预警") && r.contains("逾期重点任务")),
        "reasons: {reasons:?}"
    );
    let rules = p.text("proposal-rules").await?;
    ensure!(rules.contains("3 个季度"), "the rules shown: {rules}");
    Ok(())
}
