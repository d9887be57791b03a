//! The meeting form: a new meeting (`/meetings/new`, posted to `/meetings` — also by the
//! proposal's "accept" form), the change of one (`/meetings/{id}/edit`, its kind fixed), and
//! the rules of the quarterly proposal (`/meetings/rules`, versioned).

use super::{ManageMeeting, MeetingNames, PlanMeetings};
use crate::error::AppResult;
use crate::pages::form::{Create, Ctx, Edit, Form, FormData, FormField, Place, Screen, choices};
use dongneng_domain::FieldErrors;
use dongneng_domain::clock;
use dongneng_domain::meeting::{MeetingInput, MeetingKind, MeetingMode, ProposalRules};
use dongneng_service::ServiceError;

/// A new meeting.
pub struct NewMeeting;

impl Screen for NewMeeting {
    type Gate = PlanMeetings;
    const AREA: &'static str = "meetings";
    const HOME: &'static str = "/meetings";
}

/// The change of meeting `{id}`.
pub struct MeetingForm;

impl Screen for MeetingForm {
    type Gate = ManageMeeting;
    const AREA: &'static str = "meetings";
    const HOME: &'static str = "/meetings/{id}";
}

/// The meeting as typed; the kind only where the form shows it.
fn read_meeting(f: &FormData, with_kind: bool) -> (MeetingInput, FieldErrors) {
    let mut errs = FieldErrors::new();
    let kind = if with_kind {
        f.choice("kind", MeetingKind::parse, &mut errs)
    } else {
        None
    };
    let mode = f.choice("mode", MeetingMode::parse, &mut errs);
    let input = MeetingInput {
        title: f.get("title"),
        kind: kind.unwrap_or(MeetingKind::Joint),
        mode: mode.unwrap_or(MeetingMode::OnSite),
        held_on: f.required_date("held_on", &mut errs),
        place: f.opt("place"),
        video_link: f.opt("video_link"),
        chair_user_id: f.required_id("chair_user_id", &mut errs),
        organiser_department_id: f.required_id("organiser_department_id", &mut errs),
        industry_ids: f.ids("industry_ids", &mut errs),
        region_id: f.opt_id("region_id", &mut errs),
        extra: f.flag("extra"),
    };
    (input, errs)
}

/// A field labelled from the meetings' own section of the catalogue.
fn own(c_lang: crate::i18n::Lang, mut f: FormField) -> FormField {
    f.label = c_lang.field_label(&f.name);
    if f.name == "kind" {
        f.label = c_lang.t("meetings.field.kind");
    }
    f
}

async fn meeting_fields<K: Screen>(
    c: &Ctx<K>,
    d: &MeetingInput,
    with_kind: bool,
    kept_organiser: Option<i64>,
) -> AppResult<Vec<FormField>> {
    let lang = c.lang();
    let names = MeetingNames::load(&c.app, &c.s).await?;
    let not_set = || Some(lang.t("common.not_set"));
    let leaders = names
        .leaders
        .iter()
        .map(|(id, n)| (id.to_string(), n.clone()))
        .collect();
    let chair = (d.chair_user_id > 0).then_some(d.chair_user_id);
    let organiser = (d.organiser_department_id > 0).then_some(d.organiser_department_id);
    let held_on = (d.held_on != chrono::NaiveDate::default()).then_some(d.held_on);
    let mut fields = vec![FormField::text(lang, "title", &d.title).required()];
    if with_kind {
        fields.push(FormField::one_of(
            lang,
            "kind",
            &d.kind.code(),
            choices(lang, "meetings.kind", MeetingKind::ALL, MeetingKind::code),
        ));
    }
    fields.extend([
        FormField::one_of(
            lang,
            "mode",
            &d.mode.code(),
            choices(lang, "meetings.mode", MeetingMode::ALL, MeetingMode::code),
        ),
        FormField::date(lang, "held_on", held_on).required(),
        FormField::text(lang, "place", &d.place),
        FormField::text(lang, "video_link", &d.video_link),
        FormField::select(lang, "chair_user_id", &chair, leaders, not_set()).required(),
        FormField::select(
            lang,
            "organiser_department_id",
            &organiser,
            names
                .depts
                .in_use(lang, &kept_organiser.into_iter().collect::<Vec<_>>()),
            not_set(),
        )
        .required(),
        FormField::multi(
            lang,
            "industry_ids",
            names.places.industry_options(),
            &d.industry_ids,
        ),
        FormField::select(
            lang,
            "region_id",
            &d.region_id,
            names.places.region_options(),
            not_set(),
        ),
        FormField::checkbox(lang, "extra", d.extra),
    ]);
    Ok(fields.into_iter().map(|f| own(lang, f)).collect())
}

/// A meeting with nothing typed yet: today, on site.
pub(super) fn blank(kind: MeetingKind) -> MeetingInput {
    MeetingInput {
        title: String::new(),
        kind,
        mode: MeetingMode::OnSite,
        held_on: clock::today(),
        place: None,
        video_link: None,
        chair_user_id: 0,
        organiser_department_id: 0,
        industry_ids: vec![],
        region_id: None,
        extra: false,
    }
}

fn rules(d: &MeetingInput) -> FieldErrors {
    d.validate().err().unwrap_or_default()
}

impl Form for NewMeeting {
    type Draft = MeetingInput;

    fn read(f: &FormData) -> (MeetingInput, FieldErrors) {
        read_meeting(f, true)
    }

    fn rules(d: &MeetingInput) -> FieldErrors {
        rules(d)
    }

    async fn fields(c: &Ctx<Self>, d: &MeetingInput) -> AppResult<Vec<FormField>> {
        meeting_fields(c, d, true, None).await
    }
}

impl Create for NewMeeting {
    const COLLECTION: &'static str = "/meetings";
    const NEW_TITLE: &'static str = "meetings.new_title";

    async fn blank(_: &Ctx<Self>) -> AppResult<MeetingInput> {
        Ok(blank(MeetingKind::Joint))
    }

    /// On to the new meeting's page.
    async fn create(c: &Ctx<Self>, d: MeetingInput) -> Result<Place, ServiceError> {
        let m = c.access.create(d).await?;
        Ok(Place::new(format!("/meetings/{}", m.id)))
    }
}

impl Form for MeetingForm {
    type Draft = MeetingInput;

    fn read(f: &FormData) -> (MeetingInput, FieldErrors) {
        read_meeting(f, false)
    }

    fn rules(d: &MeetingInput) -> FieldErrors {
        rules(d)
    }

    async fn fields(c: &Ctx<Self>, d: &MeetingInput) -> AppResult<Vec<FormField>> {
        let kept = c.access.meeting().organiser_department_id;
        meeting_fields(c, d, false, Some(kept)).await
    }
}

impl Edit for MeetingForm {
    const RECORD: &'static str = "/meetings/{id}/edit";
    const EDIT_TITLE: &'static str = "meetings.edit_title";

    async fn load(c: &Ctx<Self>) -> Result<(MeetingInput, i64), ServiceError> {
        let m = c.access.meeting();
        Ok((m.input(), m.version))
    }

    /// The kind stays as it is.
    async fn update(c: &Ctx<Self>, version: i64, mut d: MeetingInput) -> Result<(), ServiceError> {
        d.kind = c.access.meeting().kind;
        c.access.update(version, d).await?;
        Ok(())
    }
}

// ---------------------------------------------------------------- the proposal's rules

/// The rules of the quarterly proposal.
pub struct RulesForm;

impl Screen for RulesForm {
    type Gate = PlanMeetings;
    const AREA: &'static str = "meetings";
    const HOME: &'static str = "/meetings/proposal";
}

/// The rules as typed, and the numbers read.
#[derive(Clone)]
pub struct RulesDraft {
    typed: [String; 5],
    rules: ProposalRules,
}

const RULE_FIELDS: [&str; 5] = [
    "pick",
    "recent_quarters",
    "weight_red",
    "weight_overdue",
    "weight_gap",
];

impl Form for RulesForm {
    type Draft = RulesDraft;

    fn read(f: &FormData) -> (RulesDraft, FieldErrors) {
        let mut errs = FieldErrors::new();
        let [
            pick,
            recent_quarters,
            weight_red,
            weight_overdue,
            weight_gap,
        ] = RULE_FIELDS.map(|name| f.whole::<u32>(name, &mut errs));
        let draft = RulesDraft {
            typed: RULE_FIELDS.map(|name| f.get(name)),
            rules: ProposalRules {
                pick,
                recent_quarters,
                weight_red,
                weight_overdue,
                weight_gap,
            },
        };
        (draft, errs)
    }

    fn rules(d: &RulesDraft) -> FieldErrors {
        d.rules.validate().err().unwrap_or_default()
    }

    async fn fields(c: &Ctx<Self>, d: &RulesDraft) -> AppResult<Vec<FormField>> {
        Ok(RULE_FIELDS
            .iter()
            .zip(&d.typed)
            .map(|(name, v)| FormField::number(c.lang(), name, v).required())
            .collect())
    }
}

impl Edit for RulesForm {
    const RECORD: &'static str = "/meetings/rules";
    const EDIT_TITLE: &'static str = "meetings.rules_title";

    async fn load(c: &Ctx<Self>) -> Result<(RulesDraft, i64), ServiceError> {
        let stored = c.access.rules().await?;
        let r = &stored.rules;
        let values = [
            r.pick,
            r.recent_quarters,
            r.weight_red,
            r.weight_overdue,
            r.weight_gap,
        ];
        Ok((
            RulesDraft {
                typed: values.map(|v| v.to_string()),
                rules: stored.rules.clone(),
            },
            stored.version,
        ))
    }

    async fn update(c: &Ctx<Self>, version: i64, d: RulesDraft) -> Result<(), ServiceError> {
        c.access.set_rules(version, d.rules).await.map(drop)
    }
}
