//! The user flows. Each is what a person would do and check in the browser.

use crate::Test;
use crate::harness::Page;
use anyhow::{Context, Result, ensure};
use dongneng_domain::area;
use dongneng_service::ServiceConfig;
use fantoccini::Locator;
use serde_json::Value;

/// Every browser test, in the order they run.
pub fn all() -> Vec<Test> {
    let mut all = vec![
        Test::new("each_role_sees_its_navigation", |p| {
            Box::pin(each_role_sees_its_navigation(p))
        }),
        Test::new("language_switch", |p| Box::pin(language_switch(p))),
        Test::new("out_of_scope_page_is_refused", |p| {
            Box::pin(out_of_scope_page_is_refused(p))
        }),
        Test::new("form_without_csrf_token_is_refused", |p| {
            Box::pin(form_without_csrf_token_is_refused(p))
        }),
        Test {
            name: "expired_session_returns_to_login",
            config: short_sessions,
            flow: |p| Box::pin(expired_session_returns_to_login(p)),
        },
        Test {
            name: "expired_session_signs_in_again",
            config: short_sessions,
            flow: |p| Box::pin(expired_session_signs_in_again(p)),
        },
        Test::new("department_create_edit_and_conflict", |p| {
            Box::pin(department_create_edit_and_conflict(p))
        }),
    ];
    // Issue #3: the project library, then the industry profiles.
    all.extend(crate::library::all());
    all.extend(crate::industry::all());
    // Issue 8: the coordination loop through everyone's to-do.
    all.extend(crate::coordination::all());
    // Issue 8 §3: meetings.
    all.extend(crate::meetings::all());
    // Issue 9 §3: policies and funds.
    all.extend(crate::policies::all());
    all.extend(crate::security::all());
    all
}

/// Sessions that end after two idle seconds.
fn short_sessions() -> ServiceConfig {
    ServiceConfig {
        session_idle: chrono::Duration::seconds(2),
        ..ServiceConfig::default()
    }
}

/// A link as the tests compare it: its id and the path it points to.
type Link = (String, String);

/// 1. Every demo account signs in through the form, sees exactly the navigation of its role
///    (`dongneng_domain::area::visible_to`), can open its first area, and signs out.
async fn each_role_sees_its_navigation(p: Page) -> Result<()> {
    for account in dongneng::DEMO_ACCOUNTS {
        let user = account.username;
        p.login(user).await?;
        p.expect_path("/").await?;

        let mut want_nav: Vec<Link> = vec![("nav-home".into(), "/".into())];
        let mut want_admin: Vec<Link> = Vec::new();
        for a in area::visible_to(&[account.role]) {
            let link = (
                format!("nav-{}", a.key.replace('/', "-")),
                format!("/{}", a.key),
            );
            if a.admin {
                want_admin.push(link);
            } else {
                want_nav.push(link);
            }
        }
        let nav = p.links("#nav a").await?;
        ensure!(
            nav == want_nav,
            "{user}: #nav shows {nav:?}\nexpected {want_nav:?}"
        );
        let admin = p.links("#nav-admin a").await?;
        ensure!(
            admin == want_admin,
            "{user}: #nav-admin shows {admin:?}\nexpected {want_admin:?}"
        );
        let shows_admin = p.exists("nav-admin").await?;
        ensure!(
            shows_admin != want_admin.is_empty(),
            "{user}: the administration group is shown when it should not be, or missing"
        );

        // The first area of the role opens from the navigation, without an error.
        let (first_id, first_path) = want_admin
            .first()
            .or(want_nav.get(1))
            .cloned()
            .with_context(|| format!("{user} sees no area at all"))?;
        // With the mouse: the menu is a <details> shown open on wide screens by the style
        // sheet only, which WebDriver's element click does not count as shown.
        p.mouse_click_to_next_page(&first_id).await?;
        p.expect_path(&first_path).await?;
        ensure!(
            p.status().await? == 200,
            "{user}: {first_path} answered {}",
            p.status().await?
        );
        ensure!(
            !p.exists("error-message").await?,
            "{user}: {first_path} shows an error: {}",
            p.text("error-message").await?
        );
        ensure!(
            p.attr(&first_id, "aria-current").await?.as_deref() == Some("page"),
            "{user}: #{first_id} is not marked as the current page"
        );

        p.logout().await?;
        p.expect_text("login-notice", "您已退出登录。").await?;
        ensure!(
            !p.exists("nav").await?,
            "{user}: navigation shown after signing out"
        );
    }
    // The ended session no longer opens anything.
    p.goto("/admin/regions").await?;
    p.expect_path("/login").await?;
    Ok(())
}

/// 2. The interface is Chinese by default; the header's switch turns it to English and back,
///    before and after signing in, and the choice is remembered.
async fn language_switch(p: Page) -> Result<()> {
    p.goto("/login").await?;
    p.expect_text("page-title", "登录").await?;
    p.expect_lang("zh-CN").await?;
    p.expect_text("lang-switch", "English").await?;

    p.click_to_next_page("lang-switch").await?;
    p.expect_path("/login").await?;
    p.expect_text("page-title", "Sign in").await?;
    p.expect_lang("en").await?;
    p.expect_text("lang-switch", "中文").await?;
    p.expect_text("login-submit", "Sign in").await?;

    // Remembered on the next visit.
    p.goto("/login").await?;
    p.expect_text("page-title", "Sign in").await?;

    // Signed in, the pages follow the choice, and switching back keeps the user on the page.
    p.login_here("stats").await?;
    p.expect_text("page-title", "Home").await?;
    p.expect_text("logout", "Sign out").await?;
    p.click_to_next_page("lang-switch").await?;
    p.expect_path("/").await?;
    p.expect_text("page-title", "工作台").await?;
    p.expect_lang("zh-CN").await?;
    p.expect_text("logout", "退出登录").await?;
    p.logout().await?;
    p.expect_text("page-title", "登录").await?;
    Ok(())
}

/// 3. A district user who opens the user administration is refused, in words.
async fn out_of_scope_page_is_refused(p: Page) -> Result<()> {
    p.login("district").await?;
    ensure!(
        !p.exists("nav-admin-users").await?,
        "district is offered user administration"
    );
    for path in ["/admin/users", "/admin/departments/new"] {
        p.goto(path).await?;
        p.expect_path(path).await?;
        ensure!(
            p.status().await? == 403,
            "{path} answered {}",
            p.status().await?
        );
        p.expect_text("error-message", "您没有权限访问此内容。")
            .await?;
        let status = p.attr("error-message", "data-status").await?;
        ensure!(
            status.as_deref() == Some("403"),
            "{path}: data-status {status:?}"
        );
        // Still signed in: the refusal is not a sign-out.
        ensure!(
            p.exists("user-name").await?,
            "{path}: the user seems signed out"
        );
    }
    Ok(())
}

/// 4. A form sent without its CSRF token is refused and changes nothing.
async fn form_without_csrf_token_is_refused(p: Page) -> Result<()> {
    const NAME: &str = "无令牌测试局";
    p.login("office").await?;
    p.goto("/admin/departments/new").await?;
    ensure!(p.exists("record-form").await?, "no form to fill");
    let removed =
        p.c.execute(
            "const f = document.querySelectorAll('#record-form input[name=_csrf]'); \
             f.forEach(e => e.remove()); return f.length;",
            vec![],
        )
        .await?;
    ensure!(removed == 1, "removed {removed} _csrf inputs");
    p.fill("f-name_zh", NAME).await?;
    p.fill("f-name_en", "No token bureau").await?;
    p.click_to_next_page("save").await?;
    ensure!(p.status().await? == 403, "answered {}", p.status().await?);
    p.expect_text(
        "error-message",
        "页面已过期或请求来源不明，请刷新页面后重试。",
    )
    .await?;

    // Nothing was created: not in the list, not in the store.
    p.goto("/admin/departments").await?;
    ensure!(p.exists("list").await?, "no department list");
    let links = p.c.find_all(Locator::LinkText(NAME)).await?;
    ensure!(links.is_empty(), "the department is listed");
    let token = p.api_token("office").await?;
    let all = p.api_list(&token, "/api/v1/departments").await?;
    ensure!(
        !all.iter().any(|d| d["name_zh"] == NAME),
        "the department was stored"
    );
    Ok(())
}

/// 5. A session left idle past its limit sends the user back to the login page, told why.
async fn expired_session_returns_to_login(p: Page) -> Result<()> {
    p.login("office").await?;
    p.goto("/admin/regions").await?;
    p.expect_path("/admin/regions").await?;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    p.goto("/admin/regions").await?;
    let at = p.location().await?;
    ensure!(
        at.starts_with("/login?")
            && at.contains("next=%2Fadmin%2Fregions")
            && at.contains("expired=1"),
        "after expiry the browser is at {at}"
    );
    p.expect_text("login-notice", "会话已过期，请重新登录。")
        .await?;
    ensure!(
        !p.exists("nav").await?,
        "navigation shown to an expired session"
    );
    Ok(())
}

/// 5b. After being sent to the login page by an expired session, signing in again works and
///     goes back to the page the user wanted.
async fn expired_session_signs_in_again(p: Page) -> Result<()> {
    p.login("office").await?;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    p.goto("/admin/regions").await?;
    ensure!(p.exists("login-form").await?, "not sent to the login page");
    p.login_here("office").await?;
    p.expect_path("/admin/regions").await?;
    ensure!(
        p.exists("nav-admin-regions").await?,
        "no navigation after signing in again"
    );
    Ok(())
}

/// 6. The programme office creates a department, renames it, and meets a concurrent edit.
async fn department_create_edit_and_conflict(p: Page) -> Result<()> {
    const NAME: &str = "浏览器测试局";
    const RENAMED: &str = "浏览器测试局（改）";
    p.login("office").await?;
    let token = p.api_token("office").await?;

    // Create.
    p.goto("/admin/departments").await?;
    p.click_to_next_page("new-link").await?;
    p.expect_path("/admin/departments/new").await?;
    p.fill("f-name_zh", NAME).await?;
    p.fill("f-name_en", "Browser Test Bureau").await?;
    p.click_to_next_page("save").await?;
    p.expect_path("/admin/departments").await?;
    p.expect_text("flash", "已保存。").await?;
    let id = department_id(&p, &token, NAME).await?;
    let row = format!("department-{id}");
    ensure!(
        p.text(&row).await?.contains(NAME),
        "row #{row}: {}",
        p.text(&row).await?
    );

    // Edit: open it from the list, rename, save.
    p.click_css_to_next_page(&format!("#{row} a")).await?;
    let edit = format!("/admin/departments/{id}");
    p.expect_path(&edit).await?;
    p.expect_value("f-name_zh", NAME).await?;
    p.fill("f-name_zh", RENAMED).await?;
    p.click_to_next_page("save").await?;
    p.expect_path("/admin/departments").await?;
    p.expect_text("flash", "已保存。").await?;
    ensure!(
        p.text(&row).await?.contains(RENAMED),
        "row #{row}: {}",
        p.text(&row).await?
    );
    let stored = department(&p, &token, id).await?;
    ensure!(
        stored["name_zh"] == RENAMED && stored["version"] == 2,
        "{stored}"
    );

    // Conflict: the same record open in two windows.
    let first = p.c.window().await?;
    p.goto(&edit).await?;
    let second = p.c.new_window(false).await?.handle;
    p.c.switch_to_window(second.clone()).await?;
    p.goto(&edit).await?;
    p.expect_value("f-name_en", "Browser Test Bureau").await?;

    p.c.switch_to_window(first.clone()).await?;
    p.fill("f-name_en", "Changed in the first window").await?;
    p.click_to_next_page("save").await?;
    p.expect_text("flash", "已保存。").await?;

    p.c.switch_to_window(second.clone()).await?;
    p.fill("f-name_en", "Changed in the second window").await?;
    p.click_to_next_page("save").await?;
    ensure!(
        p.status().await? == 409,
        "the stale save answered {}",
        p.status().await?
    );
    p.expect_path(&edit).await?;
    let conflict = p.text("conflict").await?;
    ensure!(
        conflict.starts_with("该记录已被他人修改") && conflict.contains("当前内容如下，已载入表单"),
        "#conflict says {conflict:?}"
    );
    // The form now shows what is stored, and the store holds the first change.
    p.expect_value("f-name_en", "Changed in the first window")
        .await?;
    let stored = department(&p, &token, id).await?;
    ensure!(
        stored["name_en"] == "Changed in the first window" && stored["version"] == 3,
        "{stored}"
    );

    // With the current values loaded, the second window's change can now be saved.
    p.fill("f-name_en", "Changed in the second window").await?;
    p.click_to_next_page("save").await?;
    p.expect_path("/admin/departments").await?;
    p.expect_text("flash", "已保存。").await?;
    let stored = department(&p, &token, id).await?;
    ensure!(
        stored["name_en"] == "Changed in the second window" && stored["version"] == 4,
        "{stored}"
    );
    p.c.close_window().await?;
    p.c.switch_to_window(first).await?;
    Ok(())
}

async fn department_id(p: &Page, token: &str, name_zh: &str) -> Result<i64> {
    p.api_list(token, "/api/v1/departments")
        .await?
        .iter()
        .find(|d| d["name_zh"] == name_zh)
        .and_then(|d| d["id"].as_i64())
        .with_context(|| format!("{name_zh} is not stored"))
}

async fn department(p: &Page, token: &str, id: i64) -> Result<Value> {
    p.api_list(token, "/api/v1/departments")
        .await?
        .into_iter()
        .find(|d| d["id"] == id)
        .with_context(|| format!("department {id} is not stored"))
}
