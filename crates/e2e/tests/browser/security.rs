//! Issue 13: the Content-Security-Policy holds on every page each role reaches — the browser
//! reports no violation in its console.

use crate::Test;
use crate::harness::Page;
use anyhow::{Result, ensure};
use serde_json::Value;

pub fn all() -> Vec<Test> {
    vec![Test::new("no_page_of_any_role_breaks_the_csp", |p| {
        Box::pin(no_page_of_any_role_breaks_the_csp(p))
    })]
}

/// The console lines that report a CSP violation.
fn violations(lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.contains("Content Security Policy") || l.contains("Content-Security-Policy"))
        .cloned()
        .collect()
}

/// Every demo account signs in and opens its home page and each page of its navigation (and
/// the first record of each list): no violation. First, a deliberate inline script shows that
/// a violation would be seen.
async fn no_page_of_any_role_breaks_the_csp(p: Page) -> Result<()> {
    p.goto("/login").await?;
    p.console().await?;
    p.c.execute(
        "const s = document.createElement('script'); s.textContent = 'window.x = 1'; \
         document.body.appendChild(s); \
         document.body.insertAdjacentHTML('beforeend', '<div style=\"color:red\"></div>');",
        vec![],
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let seen = violations(&p.console().await?);
    ensure!(
        !seen.is_empty(),
        "a deliberate inline script was not reported; the check would see nothing"
    );
    let ran = p.c.execute("return window.x === 1;", vec![]).await?;
    ensure!(ran == Value::Bool(false), "the inline script ran");

    let mut found = Vec::new();
    let mut pages = 0;
    for account in dongneng::DEMO_ACCOUNTS {
        p.login(account.username).await?;
        let mut paths: Vec<String> = vec!["/".into()];
        for (_, href) in p.links("#nav a, #nav-admin a").await? {
            if !paths.contains(&href) {
                paths.push(href);
            }
        }
        let mut details = Vec::new();
        for path in paths.clone() {
            p.goto(&path).await?;
            pages += 1;
            // The first record a list links to (a project, a task, a problem …).
            if let Some((_, href)) = p
                .links("#list tbody a")
                .await?
                .into_iter()
                .find(|(_, h)| h.starts_with('/') && !paths.contains(h))
            {
                details.push(href);
            }
        }
        for path in details.iter().take(6) {
            p.goto(path).await?;
            pages += 1;
        }
        for line in violations(&p.console().await?) {
            found.push(format!("{}: {line}", account.username));
        }
        p.logout().await?;
    }
    ensure!(pages > 30, "only {pages} pages walked");
    ensure!(found.is_empty(), "CSP violations:\n{}", found.join("\n"));
    Ok(())
}
