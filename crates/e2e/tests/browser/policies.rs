//! Policies and funds (issue 9 §3): the office records a payment (兑现) on a demo policy and
//! sees the policy's and the list's totals move; a payment above the commitment is refused on
//! the page unless it is an adjustment with its reason.

use crate::Test;
use crate::harness::Page;
use anyhow::{Context, Result, ensure};

/// The policies' browser tests, in the order they run.
pub fn all() -> Vec<Test> {
    vec![Test::new(
        "the_office_records_a_payment_and_sees_the_totals",
        |p| Box::pin(the_office_records_a_payment_and_sees_the_totals(p)),
    )]
}

/// 万元 as the pages print them ("1,234.50") as a number of 分.
fn fen(text: &str) -> Result<i64> {
    let t: String = text.chars().filter(|c| c.is_ascii_digit()).collect();
    Ok(t.parse::<i64>().context("an amount")? * 10_000)
}

async fn the_office_records_a_payment_and_sees_the_totals(p: Page) -> Result<()> {
    let office = p.api_token("office").await?;
    let list = p.api_list(&office, "/api/v1/policies?per_page=50").await?;
    let policy = list
        .iter()
        .find(|i| i["doc_number"] == "淄政发〔2026〕2号")
        .context("the demo policy")?;
    let id = policy["id"].to_string();

    p.login("office").await?;
    p.goto("/policies").await?;
    let total_before = fen(&p.text("total-paid").await?)?;
    p.click_css_to_next_page(&format!("#policy-{id} a")).await?;
    p.expect_path(&format!("/policies/{id}")).await?;
    let paid_before = fen(&p.text("policy-paid").await?)?;

    // Far above the commitment: refused, nothing recorded.
    p.set_value("payment-paid_on", "2026-11-30").await?;
    p.fill("payment-amount", "99999").await?;
    p.click_to_next_page("payment-submit").await?;
    let errors = p.text("form-errors").await?;
    ensure!(errors.contains("调整"), "above the commitment: {errors}");
    ensure!(
        fen(&p.text("policy-paid").await?)? == paid_before,
        "a refused payment changed the total"
    );

    // Within: recorded, the policy's total moves by it.
    p.set_value("payment-paid_on", "2026-11-30").await?;
    p.fill("payment-amount", "10").await?;
    p.click_to_next_page("payment-submit").await?;
    ensure!(
        !p.exists("form-errors").await?,
        "{}",
        p.text("form-errors").await.unwrap_or_default()
    );
    let paid_after = fen(&p.text("policy-paid").await?)?;
    ensure!(
        paid_after == paid_before + 10_000_000,
        "paid {paid_before} → {paid_after}"
    );
    let rows = p.texts("#payments tbody tr").await?;
    ensure!(
        rows.iter()
            .any(|r| r.contains("2026-11-30") && r.contains("10.00")),
        "payments: {rows:?}"
    );

    // The list's totals show it too.
    p.goto("/policies").await?;
    let total_after = fen(&p.text("total-paid").await?)?;
    ensure!(
        total_after == total_before + 10_000_000,
        "list total {total_before} → {total_after}"
    );
    Ok(())
}
