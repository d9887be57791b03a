//! The coordination loop in the browser (issue 8): a problem raised by a task force from a
//! project, assigned by the office to 市财政局, signed for and answered by the department
//! from its to-do, returned with a reason, answered again and resolved; a supervision item
//! issued, replied to and closed (销号) with an uploaded file as evidence. At each step the
//! test checks what the user sees: the to-do's entries, the bell's count, the states.

use crate::Test;
use crate::harness::Page;
use anyhow::{Context, Result, ensure};
use chrono::Duration;
use dongneng_domain::clock::today;

pub fn all() -> Vec<Test> {
    vec![
        Test::new("problem_loop_through_the_todo", |p| {
            Box::pin(problem_loop_through_the_todo(p))
        }),
        Test::new("supervision_item_closed_with_evidence", |p| {
            Box::pin(supervision_item_closed_with_evidence(p))
        }),
    ]
}

/// Digits that differ from run to run.
fn stamp() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{:06}", (nanos ^ std::process::id() as u128) % 1_000_000)
}

/// The titles the to-do page lists.
async fn todo_titles(p: &Page) -> Result<Vec<String>> {
    p.goto("/todo").await?;
    p.texts("#todo .todo-item td:first-child a").await
}

async fn todo_has(p: &Page, title: &str) -> Result<bool> {
    Ok(todo_titles(p).await?.iter().any(|t| t.contains(title)))
}

/// The bell's count on the page shown (0 when it shows none).
async fn bell(p: &Page) -> Result<i64> {
    if !p.exists("bell-count").await? {
        return Ok(0);
    }
    let n = p.text("bell-count").await?;
    n.trim()
        .parse()
        .with_context(|| format!("bell count {n:?}"))
}

async fn state(p: &Page) -> Result<String> {
    Ok(p.attr("state", "data-state").await?.unwrap_or_default())
}

/// The id at the end of the path shown (`/problems/12` → 12).
async fn id_in_path(p: &Page, prefix: &str) -> Result<i64> {
    let path = p.path().await?;
    path.strip_prefix(prefix)
        .and_then(|s| s.parse().ok())
        .with_context(|| format!("expected {prefix}<id>, at {path}"))
}

async fn problem_loop_through_the_todo(p: Page) -> Result<()> {
    let title = format!("配套资金未到位{}", stamp());
    // A task force user raises a problem from a project of its industry.
    let token = p.api_token("taskforce").await?;
    let projects = p.api_list(&token, "/api/v1/projects?per_page=1").await?;
    let project = projects
        .first()
        .and_then(|x| x["id"].as_i64())
        .context("the task force sees a project")?;
    p.login("taskforce").await?;
    p.goto(&format!("/projects/{project}")).await?;
    p.click_to_next_page("raise-link").await?;
    p.fill("f-title", &title).await?;
    p.fill("f-description", "项目配套资金尚未拨付，影响设备采购。")
        .await?;
    p.click_to_next_page("save").await?;
    let id = id_in_path(&p, "/problems/").await?;
    ensure!(state(&p).await? == "raised", "raised: {}", state(&p).await?);
    p.logout().await?;

    // The office has it to assign, and assigns it to 市财政局 with a deadline.
    p.login("office").await?;
    ensure!(
        todo_has(&p, &title).await?,
        "the office's to-do lists the new problem"
    );
    let problem = format!("/problems/{id}");
    p.goto(&problem).await?;
    p.select_label("assign-departments", "市财政局").await?;
    p.set_value(
        "assign-deadline",
        &(today() + Duration::days(7)).to_string(),
    )
    .await?;
    p.click_to_next_page("assign-submit").await?;
    ensure!(
        state(&p).await? == "assigned",
        "assigned: {}",
        state(&p).await?
    );
    ensure!(
        !todo_has(&p, &title).await?,
        "assigned: off the office's to-do"
    );
    p.logout().await?;

    // 市财政局 sees it in its to-do and on the landing page, the bell rings; signs, answers.
    p.login("dept").await?;
    p.goto("/").await?;
    let rang = bell(&p).await?;
    ensure!(rang >= 1, "the department's bell shows {rang}");
    // The landing page's first block: the most pressing (the demo's overdue ones first).
    let home = p.texts("#home-todo .todo-item a").await?;
    ensure!(!home.is_empty(), "landing page: {home:?}");
    ensure!(
        p.exists("todo-count").await?,
        "the navigation counts the to-do"
    );
    ensure!(
        todo_has(&p, &title).await?,
        "the department's to-do lists it"
    );
    p.goto(&problem).await?;
    p.click_to_next_page("sign-submit").await?;
    ensure!(todo_has(&p, &title).await?, "signed, still to answer");
    p.goto(&problem).await?;
    p.fill("answer-text", "资金已列入预算。").await?;
    p.click_to_next_page("answer-submit").await?;
    ensure!(
        state(&p).await? == "answered",
        "answered: {}",
        state(&p).await?
    );
    ensure!(
        !todo_has(&p, &title).await?,
        "answered: off the department's to-do"
    );
    p.logout().await?;

    // The office returns the answer with a reason.
    p.login("office").await?;
    ensure!(todo_has(&p, &title).await?, "the office reviews the answer");
    p.goto(&problem).await?;
    p.select_label("return-department", "市财政局").await?;
    p.fill("return-reason", "请明确拨付时间和金额。").await?;
    p.click_to_next_page("return-submit").await?;
    ensure!(
        !todo_has(&p, &title).await?,
        "returned: off the office's to-do"
    );
    p.logout().await?;

    // The department is told, finds it in the to-do again and answers again.
    p.login("dept").await?;
    p.goto("/notifications?unread=true").await?;
    let rows = p.texts("#notifications tr.unread").await?;
    ensure!(
        rows.iter()
            .any(|r| r.contains(&title) && r.contains("答复被退回")),
        "the department is told of the return: {rows:?}"
    );
    ensure!(bell(&p).await? >= 1, "the bell shows the return");
    p.click_to_next_page("mark-all-read").await?;
    ensure!(bell(&p).await? == 0, "all read: the bell is quiet");
    ensure!(todo_has(&p, &title).await?, "returned: back in the to-do");
    p.goto(&problem).await?;
    p.fill("answer-text", "下月 10 日前拨付 300 万元。").await?;
    p.click_to_next_page("answer-submit").await?;
    ensure!(!todo_has(&p, &title).await?, "answered again");
    p.logout().await?;

    // The office resolves it: off every list, the department told.
    p.login("office").await?;
    p.goto(&problem).await?;
    p.fill("resolve-text", "资金已拨付，问题解决。").await?;
    p.click_to_next_page("resolve-submit").await?;
    ensure!(
        state(&p).await? == "resolved",
        "resolved: {}",
        state(&p).await?
    );
    ensure!(
        !todo_has(&p, &title).await?,
        "resolved: off the office's to-do"
    );
    p.logout().await?;
    p.login("dept").await?;
    ensure!(
        bell(&p).await? >= 1,
        "the department is told of the resolution"
    );
    ensure!(
        !todo_has(&p, &title).await?,
        "resolved: off the department's to-do"
    );
    Ok(())
}

async fn supervision_item_closed_with_evidence(p: Page) -> Result<()> {
    let title = format!("督办配套资金拨付{}", stamp());
    // The supervisor issues an item to 市财政局.
    p.login("supervisor").await?;
    p.goto("/supervision/new").await?;
    p.fill("f-title", &title).await?;
    p.fill("f-requirement", "十日内拨付到位并书面报告。")
        .await?;
    p.set_value("f-deadline", &(today() + Duration::days(10)).to_string())
        .await?;
    p.select_label("f-unit_ids", "市财政局").await?;
    p.click_to_next_page("save").await?;
    let id = id_in_path(&p, "/supervision/").await?;
    let item = format!("/supervision/{id}");
    ensure!(state(&p).await? == "issued", "issued: {}", state(&p).await?);
    p.logout().await?;

    // 市财政局 has it to reply to, and replies.
    p.login("dept").await?;
    ensure!(bell(&p).await? >= 1, "the unit is told");
    ensure!(todo_has(&p, &title).await?, "the unit's to-do lists it");
    p.goto(&item).await?;
    p.fill("reply-text", "已拨付，附拨付凭证。").await?;
    p.click_to_next_page("reply-submit").await?;
    ensure!(
        state(&p).await? == "replied",
        "replied: {}",
        state(&p).await?
    );
    ensure!(
        !todo_has(&p, &title).await?,
        "replied: off the unit's to-do"
    );
    p.logout().await?;

    // The supervisor has it to close: uploads the evidence and closes it (销号).
    p.login("supervisor").await?;
    ensure!(bell(&p).await? >= 1, "the supervisor is told of the reply");
    ensure!(
        todo_has(&p, &title).await?,
        "the supervisor's to-do lists it"
    );
    p.goto(&item).await?;
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("拨付凭证.txt");
    std::fs::write(&file, "拨付凭证：300 万元，2026 年。")?;
    p.choose_file("upload-file", &file).await?;
    p.click_to_next_page("upload-submit").await?;
    p.goto(&item).await?;
    let files = p.texts("#files a").await?;
    ensure!(
        files.iter().any(|f| f.contains("拨付凭证.txt")),
        "files: {files:?}"
    );
    p.fill("close-evidence", "拨付凭证已上传，书面报告已存档。")
        .await?;
    p.click_to_next_page("close-submit").await?;
    ensure!(state(&p).await? == "closed", "closed: {}", state(&p).await?);
    ensure!(
        !todo_has(&p, &title).await?,
        "closed: off the supervisor's to-do"
    );
    p.logout().await?;
    p.login("dept").await?;
    p.goto("/notifications").await?;
    let rows = p.texts("#notifications tr").await?;
    ensure!(
        rows.iter()
            .any(|r| r.contains(&title) && r.contains("督办事项已销号")),
        "the unit is told of the close: {rows:?}"
    );
    Ok(())
}
