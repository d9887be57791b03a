//! The supervision item page: its facts, units (and whether each has replied), replies, files
//! and record; a unit's reply form, the supervisor's close (销号) with evidence, attachments.

use super::form::ItemForm;
use super::list::days_text;
use super::{ManageSupervision, ReplySupervision};
use crate::AppState;
use crate::context::{Signed, urlencode};
use crate::error::{AppError, AppResult};
use crate::i18n::china_time;
use crate::pages::form::{Action, ActionPage, Ctx, FormData, Gate, Notice, PathIds, Place, Screen};
use crate::pages::profiles::Depts;
use crate::pages::projects::Names;
use crate::pages::{Layout, render};
use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dongneng_domain::FieldErrors;
use dongneng_domain::document::SourceKind;
use dongneng_domain::supervision::SupervisionState;
use dongneng_service::ServiceError;

pub struct UnitView {
    pub name: String,
    pub replied: String,
}

pub struct Entry {
    pub at: String,
    pub who: String,
    pub what: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "supervision_detail.html")]
struct ItemPage {
    layout: Layout,
    id: i64,
    version: i64,
    state: String,
    state_code: &'static str,
    days: String,
    overdue: bool,
    facts: Vec<(String, String)>,
    problem_href: Option<String>,
    units: Vec<UnitView>,
    replies: Vec<Entry>,
    files: Vec<(String, String, String)>,
    /// The official documents made of the item: link, file name, who and when.
    documents: Vec<(String, String, String)>,
    record: Vec<Entry>,
    can_edit: bool,
    can_close: bool,
    can_reply: bool,
    upload_action: Option<String>,
    errors: Vec<String>,
}

async fn render_item(
    app: &AppState,
    s: &Signed,
    path: &PathIds,
    errors: &FieldErrors,
    status: StatusCode,
    notice: Option<Notice>,
) -> AppResult<Response> {
    let lang = s.ctx.lang;
    let d = app
        .service
        .supervision(&s.actor)?
        .detail(path.id(0)?)
        .await?;
    let documents = app
        .service
        .documents_of(&s.actor, SourceKind::SupervisionItem, d.item.id)
        .await?;
    let names = Names::load(app, s).await?;
    let depts = Depts::load(app, &s.actor).await?;
    let item = &d.item;
    let dept = |id: Option<i64>| depts.name(lang, id);
    let open = item.state != SupervisionState::Closed;
    let manager = ManageSupervision::access(app, s, path).await.is_ok();
    let replier = ReplySupervision::access(app, s, path).await.is_ok();
    let mut facts = vec![
        (lang.field_label("number"), item.number.clone()),
        (
            lang.field_label("subject"),
            lang.t(&item.subject.label_key()),
        ),
        (lang.field_label("requirement"), item.requirement.clone()),
        (lang.field_label("deadline"), item.deadline.to_string()),
        (
            lang.field_label("issued_at"),
            format!("{} · {}", china_time(item.issued_at), item.issued_by),
        ),
    ];
    if let Some(i) = item.industry_id {
        facts.push((lang.field_label("industry"), names.industry(i)));
    }
    if let Some(r) = item.region_id {
        facts.push((lang.field_label("district"), names.region(r)));
    }
    if let Some(e) = &item.evidence {
        let when = item.closed_at.map(china_time).unwrap_or_default();
        facts.push((lang.field_label("evidence"), format!("{e}（{when}）")));
    }
    let page = ItemPage {
        layout: Layout::new(
            app,
            &s.ctx,
            "problems",
            format!("{} {}", item.number, item.title),
        )
        .with_notice(notice),
        id: item.id,
        version: item.version,
        state: lang.t(&item.state.label_key()),
        state_code: item.state.code(),
        days: days_text(lang, item),
        overdue: item.overdue,
        problem_href: item.problem_id.map(|p| format!("/problems/{p}")),
        units: d
            .units
            .iter()
            .map(|u| UnitView {
                name: dept(Some(u.department_id)),
                replied: u.replied_at.map(china_time).unwrap_or_default(),
            })
            .collect(),
        replies: d
            .replies
            .iter()
            .map(|r| Entry {
                at: china_time(r.at),
                who: r.username.clone(),
                what: dept(Some(r.department_id)),
                text: r.text.clone(),
            })
            .collect(),
        files: d
            .files
            .iter()
            .map(|f| {
                let href = format!("/supervision/{}/files/{}", item.id, f.id);
                let of = f
                    .department_id
                    .map(|x| dept(Some(x)))
                    .unwrap_or_else(|| lang.t("supervision.evidence_file"));
                (href, f.file_name.clone(), of)
            })
            .collect(),
        documents: documents
            .iter()
            .map(|doc| {
                let made = lang.t_with(
                    "document.made_by",
                    &[
                        ("who", &doc.created_by),
                        ("at", &china_time(doc.created_at)),
                    ],
                );
                (
                    format!("/documents/{}", doc.id),
                    doc.file_name.clone(),
                    made,
                )
            })
            .collect(),
        record: d
            .events
            .iter()
            .map(|e| Entry {
                at: china_time(e.at),
                who: e.username.clone(),
                what: lang.t(&e.kind.label_key()),
                text: e.text.clone(),
            })
            .collect(),
        can_edit: manager && open,
        can_close: manager && open,
        can_reply: replier && open,
        upload_action: (open && (manager || replier)).then(|| {
            format!(
                "/supervision/{}/files?_csrf={}",
                item.id,
                urlencode(&s.ctx.csrf_token())
            )
        }),
        errors: errors.0.iter().map(|e| lang.field_message(e)).collect(),
        facts,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn detail(
    State(app): State<AppState>,
    s: Signed,
    path: PathIds,
    notice: Option<Notice>,
) -> AppResult<Response> {
    render_item(&app, &s, &path, &FieldErrors::new(), StatusCode::OK, notice).await
}

/// The supervisor's close form posts here (the edit form's screen).
impl ActionPage for ItemForm {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        render_item(&c.app, &c.s, &c.path, errors, status, None).await
    }
}

/// A unit's reply form.
pub struct ReplyPage;

impl Screen for ReplyPage {
    type Gate = ReplySupervision;
    const AREA: &'static str = "problems";
    const HOME: &'static str = "/supervision/{id}";
}

impl ActionPage for ReplyPage {
    async fn reshow(
        c: &Ctx<Self>,
        errors: &FieldErrors,
        status: StatusCode,
    ) -> AppResult<Response> {
        render_item(&c.app, &c.s, &c.path, errors, status, None).await
    }
}

/// A unit's reply.
pub struct Reply;

impl Action for Reply {
    type Page = ReplyPage;
    type Input = (i64, String);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        Ok(((f.version()?, f.get("text")), FieldErrors::new()))
    }

    async fn run(c: &Ctx<ReplyPage>, (version, text): Self::Input) -> Result<(), ServiceError> {
        c.access.reply(version, &text).await.map(drop)
    }
}

/// The supervisor's close (销号), with the evidence.
pub struct Close;

impl Action for Close {
    type Page = ItemForm;
    type Input = (i64, String);

    fn read(f: &FormData) -> AppResult<(Self::Input, FieldErrors)> {
        Ok(((f.version()?, f.get("evidence")), FieldErrors::new()))
    }

    async fn run(c: &Ctx<ItemForm>, (version, evidence): Self::Input) -> Result<(), ServiceError> {
        c.access.close(version, &evidence).await.map(drop)
    }
}

/// `POST` a file: back to the page, or the page saying what was wrong.
pub async fn upload(
    State(app): State<AppState>,
    s: Signed,
    path: PathIds,
    multipart: Result<Multipart, MultipartRejection>,
) -> AppResult<Response> {
    let id = path.id(0)?;
    // Refused before the body is read when the caller may not attach here.
    let attacher = app.service.supervision_attacher(&s.actor, id).await?;
    let result = match crate::api::files::read_upload(multipart).await {
        Ok(up) => attacher
            .upload(up.name.as_deref(), up.content_type.as_deref(), up.bytes)
            .await
            .map(drop),
        Err(AppError::Service(e)) => Err(e),
        Err(other) => return Err(other),
    };
    match result {
        Ok(()) => Ok(Notice::Saved.redirect(&Place::new(format!("/supervision/{id}")))),
        Err(ServiceError::Invalid(e)) => {
            render_item(&app, &s, &path, &e, StatusCode::UNPROCESSABLE_ENTITY, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET` a file, for anyone who may read the item.
pub async fn download(
    State(app): State<AppState>,
    s: Signed,
    path: PathIds,
) -> AppResult<Response> {
    let (id, file) = (path.id(0)?, path.id(1)?);
    let (meta, bytes) = app.service.supervision(&s.actor)?.file(id, file).await?;
    Ok(crate::api::files::file_response(
        &meta.file_name,
        &meta.content_type,
        bytes,
    ))
}
