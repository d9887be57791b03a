//! The industry profiles (issue #3 part 1): an industry's coordination structure as a city
//! leader reads it, and as its task force keeps it — within its own industry only.

use crate::Test;
use crate::harness::Page;
use anyhow::{Context, Result, ensure};
use dongneng_domain::clock::today as china_today;

/// The industry profiles' browser tests, in the order they run.
pub fn all() -> Vec<Test> {
    vec![
        Test::new("industry_profile_read_by_the_leader", |p| {
            Box::pin(industry_profile_read_by_the_leader(p))
        }),
        Test::new("taskforce_adds_an_expert_in_its_own_industry_only", |p| {
            Box::pin(taskforce_adds_an_expert_in_its_own_industry_only(p))
        }),
    ]
}

/// The parts of a profile page that only someone who may edit it is offered.
const EDIT_CONTROLS: &str = "#structure-edit, #member-new, #expert-new, #alliance-new, \
    #plan-new, #work-plan-new, #structure form, #taskforce form, #experts form, \
    #alliances form, #plans form, #work-plans form, .row-actions";

/// Opens /industries, checks that it lists exactly the 新材料 industry (the demo leader,
/// task force and expert hold grants over it alone), and opens its page.
async fn open_new_materials(p: &Page) -> Result<String> {
    p.goto("/industries").await?;
    let rows = p.texts("#list tbody tr td:first-child").await?;
    ensure!(rows == ["新材料"], "/industries lists {rows:?}");
    let ids = p.links("#list tbody tr a").await?;
    ensure!(
        p.exists("industry-new_materials").await?,
        "no #industry-new_materials row"
    );
    let href = ids.first().map(|(_, h)| h.clone()).context("no link")?;
    p.click_css_to_next_page("#industry-new_materials a")
        .await?;
    p.expect_path(&href).await?;
    p.expect_text("page-title", "新材料产业协调推进体系")
        .await?;
    ensure!(
        p.status().await? == 200,
        "{href} answered {}",
        p.status().await?
    );
    Ok(href)
}

/// 12. Issue #3 part 1: the city leader for 新材料 opens the industry list, then the
///     industry's page, and finds every part of its coordination structure filled in — and
///     nothing to edit.
async fn industry_profile_read_by_the_leader(p: Page) -> Result<()> {
    p.login("leader").await?;
    open_new_materials(&p).await?;

    // The table of contents names the six sections, each of which has content.
    let toc = p.texts("nav.toc a").await?;
    ensure!(
        toc == [
            "牵头市领导与专班部门",
            "工作专班",
            "智库团队",
            "联盟（协会）",
            "专项规划",
            "年度工作计划"
        ],
        "the contents list {toc:?}"
    );
    let facts = p.texts("#structure dl.facts dd").await?;
    ensure!(
        facts.len() >= 3 && facts.iter().all(|f| !f.is_empty()),
        "the leader and departments: {facts:?}"
    );
    let members = p.texts("#taskforce-table tbody tr").await?;
    ensure!(members.len() >= 2, "task force members: {members:?}");
    let experts = p.texts("#experts-table tbody tr").await?;
    ensure!(!experts.is_empty(), "think tank: {experts:?}");
    let alliances = p.texts("#alliances article.group h3").await?;
    ensure!(
        !alliances.is_empty() && alliances.iter().all(|a| !a.is_empty()),
        "alliances: {alliances:?}"
    );
    let enterprises = p.texts("#alliances article.group tbody tr").await?;
    ensure!(!enterprises.is_empty(), "no alliance members listed");
    let plans = p.texts("#plans article.group h3").await?;
    ensure!(!plans.is_empty(), "special plans: {plans:?}");
    let work_plans = p.texts("#work-plans article.group h3").await?;
    ensure!(!work_plans.is_empty(), "work plans: {work_plans:?}");
    let measures = p.texts("#work-plans article.group tbody tr").await?;
    ensure!(!measures.is_empty(), "no measures in the work plans");

    // A leader reads; the page says so and offers nothing to change.
    p.expect_text(
        "read-only",
        "您可以查看本产业的协调推进体系，但没有修改权限。",
    )
    .await?;
    let controls = p.texts(EDIT_CONTROLS).await?;
    ensure!(
        controls.is_empty(),
        "the leader is offered edits: {controls:?}"
    );
    Ok(())
}

/// 13. Issue #3 part 1: the 新材料 task force adds an expert to its think tank through the
///     page's form and sees them listed; the 智能装备 profile is refused to it (the service
///     allows `ViewIndustryProfile` and `EditIndustryProfile` only over the industries of
///     the grant), and so is a write aimed there. Deleting the expert asks first.
async fn taskforce_adds_an_expert_in_its_own_industry_only(p: Page) -> Result<()> {
    const EXPERT: &str = "浏览器测试专家";
    p.login("taskforce").await?;
    let profile = open_new_materials(&p).await?;
    ensure!(
        !p.exists("read-only").await?,
        "the task force is told its own profile is read-only"
    );
    let before = p.texts("#experts-table tbody tr").await?;

    p.click_to_next_page("expert-new").await?;
    p.expect_path(&format!("{profile}/experts/new")).await?;
    let joined = (china_today() - chrono::Duration::days(7)).to_string();
    p.fill("f-person_name", EXPERT).await?;
    p.fill("f-specialty", "高性能膜材料").await?;
    p.fill("f-affiliation", "山东理工大学材料科学与工程学院")
        .await?;
    p.fill("f-professional_title", "教授").await?;
    p.set_value("f-joined_on", &joined).await?;
    p.click_to_next_page("save").await?;
    p.expect_path(&profile).await?;
    p.expect_text("flash", "已保存。").await?;
    let after = p.texts("#experts-table tbody tr").await?;
    ensure!(
        after.len() == before.len() + 1,
        "{} experts before, {} after",
        before.len(),
        after.len()
    );
    let row = after
        .iter()
        .find(|r| r.contains(EXPERT))
        .with_context(|| format!("{EXPERT} is not listed: {after:?}"))?;
    ensure!(
        row.contains("高性能膜材料") && row.contains("教授") && row.contains(&joined),
        "the expert's row says {row:?}"
    );
    // The form the expert was added with, kept to aim it elsewhere below.
    p.click_to_next_page("expert-new").await?;

    // 智能装备 is another task force's: its page is refused …
    let token = p.api_token("taskforce").await?;
    let other = p
        .api_list(&token, "/api/v1/industries")
        .await?
        .iter()
        .find(|i| i["key"] == "intelligent_equipment")
        .and_then(|i| i["id"].as_i64())
        .context("no 智能装备 industry")?;
    let other_page = format!("/industries/{other}");
    let new_expert_form = p.location().await?;
    for path in [other_page.clone(), format!("{other_page}/experts/new")] {
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
            !p.exists("experts-table").await? && !p.exists("record-form").await?,
            "{path} shows the profile or a form"
        );
    }
    // … and so is an expert sent there with a form of its own page.
    p.goto(&new_expert_form).await?;
    p.c.execute(
        "document.getElementById('record-form').action = arguments[0];",
        vec![serde_json::Value::from(format!("{other_page}/experts"))],
    )
    .await?;
    p.fill("f-person_name", "越权专家").await?;
    p.fill("f-specialty", "工业机器人").await?;
    p.fill("f-affiliation", "某大学").await?;
    p.set_value("f-joined_on", &joined).await?;
    p.click_to_next_page("save").await?;
    ensure!(
        p.status().await? == 403,
        "the expert sent to 智能装备 answered {}",
        p.status().await?
    );
    p.expect_text("error-message", "您没有权限访问此内容。")
        .await?;

    // The office sees that 智能装备 did not get the expert and 新材料 did.
    p.logout().await?;
    p.login("office").await?;
    p.goto(&other_page).await?;
    let theirs = p.texts("#experts-table tbody tr").await?;
    ensure!(
        !theirs.is_empty() && !theirs.iter().any(|r| r.contains("越权专家")),
        "智能装备's experts: {theirs:?}"
    );
    p.goto(&profile).await?;
    let ours = p.texts("#experts-table tbody tr").await?;
    ensure!(
        ours.iter().any(|r| r.contains(EXPERT)),
        "新材料's experts: {ours:?}"
    );

    // Deleting asks first, showing what will go; cancelling keeps it, confirming removes it.
    let delete_href =
        p.c.execute(
            "const tr = [...document.querySelectorAll('#experts-table tbody tr')]
                .find(r => r.textContent.includes(arguments[0]));
             return tr ? tr.querySelector('a.danger').getAttribute('href') : null;",
            vec![serde_json::Value::from(EXPERT)],
        )
        .await?
        .as_str()
        .map(str::to_string)
        .context("no delete link in the expert's row")?;
    p.goto(&delete_href).await?;
    p.expect_path(&delete_href).await?;
    let record = p.text("confirm-record").await?;
    ensure!(
        record.contains(EXPERT) && record.contains("高性能膜材料"),
        "the confirmation shows {record:?}"
    );
    p.click_css_to_next_page("#confirm-form a").await?;
    p.expect_path(&profile).await?;
    ensure!(
        p.texts("#experts-table tbody tr")
            .await?
            .iter()
            .any(|r| r.contains(EXPERT)),
        "cancelling deleted the expert"
    );
    p.goto(&delete_href).await?;
    p.click_to_next_page("confirm-delete").await?;
    p.expect_path(&profile).await?;
    let left = p.texts("#experts-table tbody tr").await?;
    ensure!(
        !left.iter().any(|r| r.contains(EXPERT)),
        "the deleted expert is still listed: {left:?}"
    );
    Ok(())
}
