//! The project library's pages: the list with filters, totals and warning colours
//! (`list.rs`); create and edit (`form.rs`); the project page with its timeline and the forms
//! to move stages, report progress, set factor needs and batches, leave or re-enter the
//! library (`detail.rs`); the "as at" view (`as_at.rs`); the warning thresholds
//! (`warning_rules.rs`).

mod as_at;
mod detail;
mod form;
mod list;
mod warning_rules;

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pages::form::{act, create_routes, edit_routes};
use axum::Router;
use axum::routing::{get, post};
use chrono::{Datelike, NaiveDate};
use dongneng_domain::money::Money;
use dongneng_domain::warning::Reason;
use dongneng_store::{Industry, Region};

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/projects", get(list::list))
        .route("/projects/as-at", get(as_at::as_at))
        .route("/projects/{id}", get(detail::detail))
        .route("/projects/{id}/stage", post(act::<detail::StageMove>))
        .route("/projects/{id}/leave", post(act::<detail::Leave>))
        .route("/projects/{id}/enter", post(act::<detail::Enter>))
        .route("/projects/{id}/progress", post(act::<detail::Progress>))
        .route("/projects/{id}/factors", post(act::<detail::Factor>))
        .route("/projects/{id}/batch", post(act::<detail::Batch>))
        .route(
            "/projects/warning-rules",
            get(crate::pages::form::new::<warning_rules::WarningRules>)
                .post(crate::pages::form::create::<warning_rules::WarningRules>),
        )
        .route("/warnings", get(list::warnings));
    create_routes::<form::NewProject>(edit_routes::<form::EditProject>(r))
}

/// The library's creating and importing: who may, decided in one hook.
pub use form::NewProject;

/// Names for ids, in the user's language.
struct Names {
    regions: Vec<Region>,
    industries: Vec<Industry>,
    lang: Lang,
}

impl Names {
    async fn load(app: &AppState, s: &Signed) -> AppResult<Names> {
        Ok(Names {
            regions: app.service.list_regions(&s.actor).await?,
            industries: app.service.list_industries(&s.actor).await?,
            lang: s.ctx.lang,
        })
    }
    fn region(&self, id: i64) -> String {
        self.regions
            .iter()
            .find(|r| r.id == id)
            .map(|r| {
                if self.lang == Lang::En {
                    r.name_en.clone()
                } else {
                    r.short_name.clone().unwrap_or(r.name_zh.clone())
                }
            })
            .unwrap_or_default()
    }
    fn industry(&self, id: i64) -> String {
        self.industries
            .iter()
            .find(|i| i.id == id)
            .map(|i| {
                if self.lang == Lang::En {
                    i.name_en.clone()
                } else {
                    i.name_zh.clone()
                }
            })
            .unwrap_or_default()
    }
    fn region_options(&self) -> Vec<(String, String)> {
        self.regions
            .iter()
            .filter(|r| r.parent_id.is_some())
            .map(|r| (r.id.to_string(), self.region(r.id)))
            .collect()
    }
    fn industry_options(&self) -> Vec<(String, String)> {
        self.industries
            .iter()
            .filter(|i| i.active)
            .map(|i| (i.id.to_string(), self.industry(i.id)))
            .collect()
    }
}

/// One warning reason as a sentence.
fn reason_text(lang: Lang, r: &Reason) -> String {
    let mut params: Vec<(&str, String)> = r
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    for p in &mut params {
        if p.0 == "kind" {
            p.1 = lang.t(&format!("factor_kind.{}", p.1));
        }
    }
    let refs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
    lang.t_with(&format!("warning.{}", r.code), &refs)
}

/// The month before `today`'s: the one a monthly report is due for.
fn last_month(today: NaiveDate) -> (i32, u32) {
    if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    }
}

/// Money in 万元 for tables.
fn wan(m: Money) -> String {
    m.wan_display()
}

/// The annual completion rate as "74.0%", or "—".
fn rate(done: Money, plan: Money) -> String {
    done.percent_of(plan)
        .map(|p| format!("{p:.1}%"))
        .unwrap_or_else(|| "—".into())
}
