//! The frame every page shares: header, navigation for the user's roles, language switch.

use crate::AppState;
use crate::context::{RequestCtx, urlencode};
use crate::i18n::Lang;
use crate::pages::form::Notice;
use dongneng_domain::area;

/// One link of the navigation.
pub struct NavItem {
    pub key: String,
    pub label: String,
    pub href: String,
    pub active: bool,
}

pub struct Layout {
    pub lang: Lang,
    pub title: String,
    pub user_name: Option<String>,
    pub nav: Vec<NavItem>,
    pub admin_nav: Vec<NavItem>,
    pub csrf: String,
    pub lang_href: String,
    pub lang_label: String,
    /// A one-line notice above the content ("Saved.").
    pub flash: Option<String>,
    pub demo: bool,
    /// The navigation's counts: the to-do's entries, the unread notifications (the bell).
    pub todo_count: i64,
    pub unread: i64,
}

impl Layout {
    pub fn new(app: &AppState, ctx: &RequestCtx, active: &str, title: String) -> Layout {
        let roles = ctx.actor().map(|a| a.roles()).unwrap_or_default();
        let mut nav = Vec::new();
        let mut admin_nav = Vec::new();
        if ctx.actor().is_some() {
            nav.push(NavItem {
                key: "home".into(),
                label: ctx.t("nav.home"),
                href: "/".into(),
                active: active == "home",
            });
        }
        for a in area::visible_to(&roles) {
            let item = NavItem {
                key: a.key.replace('/', "-"),
                label: ctx.t(&format!("nav.{}", a.key)),
                href: format!("/{}", a.key),
                active: active == a.key,
            };
            if a.admin {
                admin_nav.push(item);
            } else {
                nav.push(item);
            }
        }
        let other = ctx.lang.other();
        Layout {
            lang: ctx.lang,
            title,
            user_name: ctx.actor().map(|a| a.user().display_name.clone()),
            nav,
            admin_nav,
            csrf: ctx.csrf_token(),
            lang_href: format!("/lang/{}?next={}", other.code(), urlencode(&ctx.path)),
            lang_label: ctx.t("nav.lang_switch"),
            flash: None,
            demo: app.config.demo,
            todo_count: ctx.badges.todo,
            unread: ctx.badges.unread,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn html_lang(&self) -> &'static str {
        self.lang.code()
    }

    /// Shows the notice a redirect carried ("Saved.").
    pub fn with_notice(mut self, notice: Option<Notice>) -> Self {
        self.flash = notice.map(|n| n.text(self.lang));
        self
    }
}
