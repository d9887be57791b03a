//! Meetings' pages: the list (`list.rs`); the forms to plan a meeting, change one, and the
//! proposal's rules (`form.rs`); a meeting's page with its facts, agenda, attendees, minutes
//! and decisions and the forms of what the office does with it (`detail.rs`); the quarterly
//! proposal and the meeting's pack (`proposal.rs`). Each form's gate asks the service for the
//! capability it needs; the pages show only the links and forms those would let through.

mod detail;
mod form;
mod list;
mod proposal;

use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pages::form::{Gate, PathIds, act, create_routes, edit_routes};
use crate::pages::in_lang;
use crate::pages::profiles::Depts;
use crate::pages::projects::Names;
use axum::Router;
use axum::routing::{get, post};
use dongneng_service::ServiceError;
use dongneng_service::meetings::{MeetingManager, MeetingPlanner, MeetingReader};
use dongneng_store::Meeting;

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/meetings", get(list::list))
        .route("/meetings/proposal", get(proposal::proposal))
        .route("/meetings/{id}", get(detail::detail))
        .route("/meetings/{id}/pack", get(proposal::pack))
        .route(
            "/meetings/{id}/documents/{file}",
            get(crate::api::meetings::document),
        )
        .route("/meetings/{id}/hold", post(act::<detail::Hold>))
        .route("/meetings/{id}/publish", post(act::<detail::Publish>))
        .route("/meetings/{id}/cancel", post(act::<detail::Cancel>))
        .route("/meetings/{id}/minutes", post(act::<detail::Minutes>))
        .route("/meetings/{id}/agenda", post(act::<detail::Agenda>))
        .route("/meetings/{id}/agenda/{a}", post(act::<detail::Outcome>))
        .route("/meetings/{id}/attendees", post(act::<detail::Attend>))
        .route("/meetings/{id}/decisions", post(act::<detail::Decide>));
    let r = create_routes::<form::NewMeeting>(r);
    let r = edit_routes::<form::RulesForm>(r);
    edit_routes::<form::MeetingForm>(r)
}

/// Who reads the meetings (the list, a meeting's page, its pack).
pub struct ViewMeetings;

impl Gate for ViewMeetings {
    type Access = MeetingReader;

    async fn access(
        app: &AppState,
        s: &Signed,
        _: &PathIds,
    ) -> Result<MeetingReader, ServiceError> {
        app.service.meetings(&s.actor)
    }
}

/// Who plans meetings and keeps the proposal's rules.
pub struct PlanMeetings;

impl Gate for PlanMeetings {
    type Access = MeetingPlanner;

    async fn access(
        app: &AppState,
        s: &Signed,
        _: &PathIds,
    ) -> Result<MeetingPlanner, ServiceError> {
        app.service.meeting_planner(&s.actor)
    }
}

/// Who changes meeting `{id}`.
pub struct ManageMeeting;

impl Gate for ManageMeeting {
    type Access = MeetingManager;

    async fn access(
        app: &AppState,
        s: &Signed,
        path: &PathIds,
    ) -> Result<MeetingManager, ServiceError> {
        app.service.meeting_manager(&s.actor, path.id(0)?).await
    }
}

/// Names for the ids a meeting holds, in the user's language.
struct MeetingNames {
    places: Names,
    depts: Depts,
    leaders: Vec<(i64, String)>,
    lang: Lang,
}

impl MeetingNames {
    async fn load(app: &AppState, s: &Signed) -> AppResult<MeetingNames> {
        let leaders = match app.service.meetings(&s.actor) {
            Ok(r) => r.leaders().await?,
            Err(_) => vec![],
        };
        Ok(MeetingNames {
            places: Names::load(app, s).await?,
            depts: Depts::load(app, &s.actor).await?,
            leaders,
            lang: s.ctx.lang,
        })
    }

    fn leader(&self, id: i64) -> String {
        self.leaders
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    }

    fn industries(&self, ids: &[i64]) -> String {
        ids.iter()
            .map(|i| self.places.industry(*i))
            .collect::<Vec<_>>()
            .join("、")
    }

    fn department(&self, id: i64) -> String {
        self.depts.name(self.lang, Some(id))
    }

    /// Where: the place, or "video" with the link.
    fn place(&self, m: &Meeting) -> String {
        let lang = self.lang;
        match (&m.place, &m.video_link) {
            (Some(p), _) => p.clone(),
            (None, Some(link)) => format!("{} · {link}", lang.t(&m.mode.label_key())),
            (None, None) => String::new(),
        }
    }

    /// The meeting's kind in words, "extra" marked.
    fn kind(&self, m: &Meeting) -> String {
        let kind = self.lang.t(&m.kind.label_key());
        if m.extra {
            format!("{kind}（{}）", self.lang.t("meetings.extra_yes"))
        } else {
            kind
        }
    }
}

/// An industry's name in the user's language.
fn industry_name(lang: Lang, zh: &str, en: &str) -> String {
    in_lang(lang, zh, if en.is_empty() { zh } else { en })
}
