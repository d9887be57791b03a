//! One industry's page: its leader and departments, task force, experts (serving and
//! retired), alliances with their members, special plans with their files, and annual work
//! plans with their measures (key tasks, linked to their pages) — with edit, delete and add
//! links for those who may edit.

use super::{Depts, date_text, label, opt_text};
use crate::AppState;
use crate::context::Signed;
use crate::error::AppResult;
use crate::pages::form::{Notice, PathIds};
use crate::pages::list::labels;
use crate::pages::{Layout, in_lang, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dongneng_domain::profile::MemberRole;
use dongneng_store::{IndustryProfile, SpecialPlan};

/// A row of a section table with its actions.
struct Row {
    id: String,
    cells: Vec<String>,
    /// Where the first cell links to.
    href: Option<String>,
    class: &'static str,
    edit: Option<String>,
    /// The confirmation page that deletes it.
    delete: Option<String>,
}

/// A table of one section.
struct Section {
    headers: Vec<String>,
    rows: Vec<Row>,
}

/// An alliance or a work plan: a heading, facts, and a table of its children.
struct Group {
    id: String,
    title: String,
    facts: Vec<(String, String)>,
    edit: Option<String>,
    /// The confirmation page that deletes it.
    delete: Option<String>,
    add: Option<(String, String)>,
    table: Section,
}

/// A file link under a plan.
struct FileLink {
    name: String,
    href: String,
    size: String,
    /// The confirmation page that deletes it.
    delete: Option<String>,
}

/// A special plan with its status dates, files and actions.
struct PlanView {
    id: i64,
    title: String,
    status: String,
    departments: String,
    dates: Vec<(String, String)>,
    files: Vec<FileLink>,
    edit: Option<String>,
    /// The confirmation page that deletes it.
    delete: Option<String>,
    move_href: Option<String>,
    upload_action: Option<String>,
}

#[derive(Template)]
#[template(path = "industry_profile.html")]
struct ProfilePage {
    layout: Layout,
    industry_id: i64,
    can_edit: bool,
    upload_error: Option<String>,
    facts: Vec<(String, String)>,
    warnings: Vec<String>,
    members: Section,
    experts: Section,
    experts_history: Section,
    alliances: Vec<Group>,
    plans: Vec<PlanView>,
    work_plans: Vec<Group>,
}

fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1024.0 / 1024.0)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

fn build_page(
    app: &AppState,
    s: &Signed,
    p: &IndustryProfile,
    depts: &Depts,
    notice: Option<Notice>,
    upload_error: Option<String>,
) -> ProfilePage {
    let lang = s.ctx.lang;
    let id = p.industry.id;
    let can = p.can_edit;
    let base = format!("/industries/{id}");
    let name = in_lang(lang, &p.industry.name_zh, &p.industry.name_en);
    let title = lang.t_with("profile.title", &[("name", &name)]);
    let edit = |path: String| can.then_some(path);
    // Deleting goes through a confirmation page, which reads the version itself.
    let del = |path: String| can.then_some(path);

    let mut facts = Vec::new();
    let mut warnings = Vec::new();
    match &p.structure {
        Some(st) => {
            let leader = [st.leader_name.clone(), st.leader_title.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ");
            facts.push((lang.field_label("leader_name"), leader));
            facts.push((
                lang.field_label("lead_department_id"),
                depts.name(lang, st.lead_department_id),
            ));
            facts.push((
                lang.field_label("responsible_department_ids"),
                depts.names(lang, &st.responsible_department_ids),
            ));
            facts.push((
                lang.field_label("provincial_counterpart"),
                opt_text(&st.provincial_counterpart),
            ));
        }
        None => warnings.push(lang.t("profile.no_structure")),
    }
    if !p
        .taskforce_members
        .iter()
        .any(|m| m.member_role == MemberRole::Head)
    {
        warnings.push(lang.t("profile.no_head"));
    }
    if !p.taskforce_members.iter().any(|m| m.is_contact) {
        warnings.push(lang.t("profile.no_contact"));
    }

    let members = Section {
        headers: labels(
            lang,
            &[
                "person_name",
                "department_id",
                "post",
                "member_role",
                "is_contact",
            ],
        ),
        rows: p
            .taskforce_members
            .iter()
            .map(|m| Row {
                id: format!("member-{}", m.id),
                href: None,
                cells: vec![
                    m.person_name.clone(),
                    depts.name(lang, m.department_id),
                    opt_text(&m.post),
                    label(lang, m.member_role.label_key()),
                    if m.is_contact {
                        lang.t("profile.contact_mark")
                    } else {
                        String::new()
                    },
                ],
                class: if m.is_contact { "contact" } else { "" },
                edit: edit(format!("{base}/taskforce-members/{}", m.id)),
                delete: del(format!("{base}/taskforce-members/{}/delete", m.id)),
            })
            .collect(),
    };

    let expert_rows = |list: &[dongneng_store::Expert], history: bool| Section {
        headers: labels(
            lang,
            &[
                "person_name",
                "specialty",
                "affiliation",
                "professional_title",
                "joined_on",
                "left_on",
            ],
        ),
        rows: list
            .iter()
            .map(|e| Row {
                id: format!("expert-{}", e.id),
                href: None,
                cells: vec![
                    e.person_name.clone(),
                    e.specialty.clone(),
                    e.affiliation.clone(),
                    opt_text(&e.professional_title),
                    e.joined_on.to_string(),
                    date_text(e.left_on),
                ],
                class: if history { "history" } else { "" },
                edit: edit(format!("{base}/experts/{}", e.id)),
                delete: del(format!("{base}/experts/{}/delete", e.id)),
            })
            .collect(),
    };
    let experts = expert_rows(&p.experts_current, false);
    let experts_history = expert_rows(&p.experts_history, true);

    let alliances = p
        .alliances
        .iter()
        .map(|a| {
            let al = &a.alliance;
            let abase = format!("{base}/alliances/{}", al.id);
            Group {
                id: format!("alliance-{}", al.id),
                title: al.alliance_name.clone(),
                facts: vec![
                    (lang.field_label("kind"), label(lang, al.kind.label_key())),
                    (
                        lang.field_label("plan_kind"),
                        label(lang, al.plan_kind.label_key()),
                    ),
                    (
                        lang.field_label("plan_status"),
                        label(lang, al.plan_status.label_key()),
                    ),
                    (lang.field_label("plan"), al.plan.clone()),
                    (lang.field_label("note"), opt_text(&al.note)),
                ],
                edit: edit(abase.clone()),
                delete: del(format!("{abase}/delete")),
                add: can.then(|| {
                    (
                        format!("{abase}/members/new"),
                        lang.t("profile.alliance_member_new"),
                    )
                }),
                table: Section {
                    headers: labels(lang, &["enterprise_name", "credit_code", "alliance_role"]),
                    rows: a
                        .members
                        .iter()
                        .map(|m| Row {
                            id: format!("alliance-member-{}", m.id),
                            href: None,
                            cells: vec![
                                m.enterprise_name.clone(),
                                opt_text(&m.credit_code),
                                label(lang, m.alliance_role.label_key()),
                            ],
                            class: "",
                            edit: edit(format!("{abase}/members/{}", m.id)),
                            delete: del(format!("{abase}/members/{}/delete", m.id)),
                        })
                        .collect(),
                },
            }
        })
        .collect();

    let plans = p
        .special_plans
        .iter()
        .map(|e| {
            let pl: &SpecialPlan = &e.plan;
            let pbase = format!("{base}/special-plans/{}", pl.id);
            PlanView {
                id: pl.id,
                title: pl.plan_title.clone(),
                status: label(lang, pl.status.label_key()),
                departments: depts.names(lang, &pl.drafting_department_ids),
                dates: vec![
                    (
                        lang.t("profile.special_plan_status.drafting"),
                        pl.drafted_on.to_string(),
                    ),
                    (
                        lang.t("profile.special_plan_status.under_review"),
                        date_text(pl.under_review_on),
                    ),
                    (
                        lang.t("profile.special_plan_status.approved"),
                        date_text(pl.approved_on),
                    ),
                    (
                        lang.t("profile.special_plan_status.published"),
                        date_text(pl.published_on),
                    ),
                ],
                files: e
                    .files
                    .iter()
                    .map(|f| FileLink {
                        name: f.file_name.clone(),
                        href: format!("{pbase}/files/{}", f.id),
                        size: size_text(f.size_bytes),
                        delete: del(format!("{pbase}/files/{}/delete", f.id)),
                    })
                    .collect(),
                edit: edit(pbase.clone()),
                delete: del(format!("{pbase}/delete")),
                move_href: (can && pl.status.next().is_some()).then(|| format!("{pbase}/status")),
                upload_action: can.then(|| {
                    format!(
                        "{pbase}/files?_csrf={}",
                        crate::context::urlencode(&s.ctx.csrf_token())
                    )
                }),
            }
        })
        .collect();

    let work_plans = p
        .work_plans
        .iter()
        .map(|w| {
            let wbase = format!("{base}/work-plans/{}", w.plan.id);
            Group {
                id: format!("work-plan-{}", w.plan.year),
                title: if w.plan.plan_title.contains(&w.plan.year.to_string()) {
                    w.plan.plan_title.clone()
                } else {
                    format!("{} · {}", w.plan.year, w.plan.plan_title)
                },
                facts: vec![
                    (lang.field_label("goals"), opt_text(&w.plan.goals)),
                    (
                        lang.t("profile.overdue_measures"),
                        lang.t_with("profile.overdue_count", &[("n", &w.overdue.to_string())]),
                    ),
                ],
                edit: edit(wbase.clone()),
                delete: del(format!("{wbase}/delete")),
                // A measure is a key task, made through the task form.
                add: can.then(|| {
                    (
                        format!("/work-plans/{}/tasks/new", w.plan.id),
                        lang.t("profile.measure_new"),
                    )
                }),
                table: Section {
                    headers: labels(
                        lang,
                        &[
                            "measure",
                            "lead_department_id",
                            "responsible_person",
                            "deadline",
                            "status",
                        ],
                    ),
                    rows: w
                        .tasks
                        .iter()
                        .map(|e| {
                            let t = &e.task;
                            let mut status = label(lang, t.status.label_key());
                            if e.overdue {
                                status = format!(
                                    "{status} · {}",
                                    lang.t_with(
                                        "task.days_overdue",
                                        &[("n", &e.days_overdue.to_string())]
                                    )
                                );
                            }
                            Row {
                                id: format!("task-{}", t.id),
                                cells: vec![
                                    t.title.clone(),
                                    depts.name(lang, t.lead_department_id),
                                    opt_text(&t.responsible_person),
                                    t.deadline.to_string(),
                                    status,
                                ],
                                href: Some(format!("/tasks/{}", t.id)),
                                class: if e.overdue { "overdue" } else { "" },
                                edit: edit(format!("/tasks/{}/edit", t.id)),
                                delete: None,
                            }
                        })
                        .collect(),
                },
            }
        })
        .collect();

    let drop_empty = |mut groups: Vec<Group>| {
        for g in &mut groups {
            g.facts.retain(|(_, v)| !v.trim().is_empty());
        }
        groups
    };
    facts.retain(|(_, v)| !v.trim().is_empty());
    let alliances = drop_empty(alliances);
    let work_plans = drop_empty(work_plans);
    ProfilePage {
        layout: Layout::new(app, &s.ctx, "industries", title).with_notice(notice),
        industry_id: id,
        can_edit: can,
        upload_error,
        facts,
        warnings,
        members,
        experts,
        experts_history,
        alliances,
        plans,
        work_plans,
    }
}

/// The profile page of industry `id`; after a refused upload, with what was wrong.
pub(super) async fn render_profile(
    app: &AppState,
    s: &Signed,
    id: i64,
    notice: Option<Notice>,
    upload_error: Option<String>,
    status: StatusCode,
) -> AppResult<Response> {
    let p = app.service.profile_reader(&s.actor, id)?.profile().await?;
    let depts = Depts::load(app, &s.actor).await?;
    let page = build_page(app, s, &p, &depts, notice, upload_error);
    Ok((status, render(&page)?).into_response())
}

pub async fn profile_page(
    State(app): State<AppState>,
    s: Signed,
    path: PathIds,
    notice: Option<Notice>,
) -> AppResult<Response> {
    render_profile(&app, &s, path.id(0)?, notice, None, StatusCode::OK).await
}
