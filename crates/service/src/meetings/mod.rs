//! Meetings (会议). Reading needs `ViewMeetings` over a scope that reaches the meeting (one of
//! its industries, its district, or — for a department — its organiser or a department of its
//! decisions): [`MeetingReader`], which also builds the meeting's pack ([`MeetingPack`], a
//! plain struct the documents are made from). Planning a meeting, the quarterly proposal and
//! its rules need `ManageMeetings` ([`MeetingPlanner`]); changing one meeting — its facts,
//! state, agenda, attendees, minutes and decisions, each decision a key task — the same over
//! the meeting ([`MeetingManager`], `write.rs`).

mod demo;
mod documents;
mod write;

pub use documents::{
    MeetingPaper, MeetingPapers, minutes_document, notice_document, pack_document,
};
pub use write::{MeetingManager, MeetingPlanner};

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use crate::projects::region_path;
use dongneng_domain::clock;
use dongneng_domain::meeting::{
    self, IndustryFigures, MeetingKind, MeetingState, MeetingStep, Proposed,
};
use dongneng_domain::paging::Page;
use dongneng_domain::policy::{DataScope, Permission};
use dongneng_domain::task::TaskSource;
use dongneng_store::{
    AgendaItem, Attendee, Decision, Meeting, MeetingFilter, PackProblem, PackProject, Region,
    StoredRules, TaskCounts, TaskEntry, TaskFilter,
};
use serde::Serialize;
use utoipa::ToSchema;

/// Filters a client may ask for.
#[derive(Debug, Clone, Default)]
pub struct MeetingQuery {
    pub kind: Option<MeetingKind>,
    pub state: Option<MeetingState>,
    pub industry_id: Option<i64>,
    pub year: Option<i32>,
    pub q: Option<String>,
}

/// A decision with the key task it became, as the task stands today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecisionEntry {
    #[serde(flatten)]
    pub decision: Decision,
    /// The task; none when the caller's scope does not reach it.
    pub task: Option<TaskEntry>,
}

/// What a caller may do with one meeting.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct MeetingAbilities {
    /// Change it, its agenda, attendees, minutes and decisions.
    pub manage: bool,
    /// The state moves the caller may make now.
    pub steps: Vec<MeetingStep>,
}

/// One meeting with everything its page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingDetail {
    #[serde(flatten)]
    pub meeting: Meeting,
    pub agenda: Vec<AgendaItem>,
    pub attendees: Vec<Attendee>,
    pub decisions: Vec<DecisionEntry>,
    pub can: MeetingAbilities,
}

/// One industry of the pack.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PackIndustry {
    pub industry_id: i64,
    pub name_zh: String,
    pub name_en: String,
    /// Its key tasks by status and overdue, today.
    pub tasks: TaskCounts,
    /// Its overdue key tasks (the first 20).
    pub overdue_tasks: Vec<TaskEntry>,
    /// Projects behind plan (a red or yellow warning; the first 50).
    pub behind_projects: Vec<PackProject>,
    /// Open problems (the first 50).
    pub open_problems: Vec<PackProblem>,
    /// The tasks this meeting decided for it.
    pub decided: Vec<TaskEntry>,
}

/// The meeting's pack (会议材料): per industry, its key-task progress, projects behind plan,
/// open problems and the new tasks decided. A plain struct: the page shows it and the
/// documents are made from it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingPack {
    pub meeting: Meeting,
    pub industries: Vec<PackIndustry>,
    /// Decisions without an industry of the meeting (its district's).
    pub other_decided: Vec<TaskEntry>,
    /// The day the pack was made (China's calendar).
    pub as_of: chrono::NaiveDate,
}

/// One industry the proposal offers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalEntry {
    #[serde(flatten)]
    pub proposed: Proposed,
    pub name_zh: String,
    pub name_en: String,
    /// Planned minus completed investment this year (分).
    pub gap_fen: i64,
}

/// The quarterly proposal for a quarter.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Proposal {
    pub year: i32,
    pub quarter: u32,
    pub rules: StoredRules,
    pub industries: Vec<ProposalEntry>,
    /// The quarter's own quarterly meeting, when there is one already.
    pub existing_meeting_id: Option<i64>,
}

/// Whether `scope` reaches a meeting: one of its industries, its district (with the regions
/// above it), its organiser or a department of its decisions.
pub(crate) fn reaches(
    scope: &DataScope,
    regions: &[Region],
    m: &Meeting,
    departments: &[i64],
) -> bool {
    let path = m
        .region_id
        .map(|r| region_path(regions, r))
        .unwrap_or_default();
    scope.all
        || m.industry_ids.iter().any(|i| scope.covers_industry(*i))
        || path.iter().any(|r| scope.regions.contains(r))
        || std::iter::once(&m.organiser_department_id)
            .chain(departments)
            .any(|d| scope.departments.contains(d))
}

impl Service {
    /// Reads the meetings the actor's scope reaches.
    pub fn meetings(&self, actor: &Actor) -> Result<MeetingReader> {
        Ok(MeetingReader(self.grant(actor, Permission::ViewMeetings)?))
    }

    /// Meeting `id` if `access` reaches it: 404 when there is none, 403 outside the scope.
    pub(crate) async fn meeting_within(&self, access: &Access, id: i64) -> Result<Meeting> {
        let store = self.store();
        let m = store.get_meeting(id).await?.ok_or(ServiceError::NotFound)?;
        let scope = access.scope();
        if !scope.all {
            let regions = store.list_regions().await?;
            let departments = store.meeting_departments(id).await?;
            if !reaches(scope, &regions, &m, &departments) {
                return Err(ServiceError::Forbidden);
            }
        }
        Ok(m)
    }

    /// The proposal for quarter (`year`, `quarter`) under the stored rules.
    pub(crate) async fn proposal(&self, year: i32, quarter: u32) -> Result<Proposal> {
        if !(2000..=2100).contains(&year) {
            return Err(ServiceError::field("year", "range"));
        }
        if !(1..=4).contains(&quarter) {
            return Err(ServiceError::field("quarter", "range"));
        }
        let store = self.store();
        let key = i64::from(year) * 10 + i64::from(quarter);
        let rules = store.proposal_rules().await?;
        let figures: Vec<IndustryFigures> = store.industry_figures(clock::today(), key).await?;
        let industries = store.list_industries().await?;
        let entries = meeting::propose(&rules.rules, key, &figures)
            .into_iter()
            .map(|p| {
                let i = industries.iter().find(|i| i.id == p.figures.industry_id);
                ProposalEntry {
                    name_zh: i.map(|i| i.name_zh.clone()).unwrap_or_default(),
                    name_en: i.map(|i| i.name_en.clone()).unwrap_or_default(),
                    gap_fen: p.figures.gap_fen(),
                    proposed: p,
                }
            })
            .collect();
        Ok(Proposal {
            year,
            quarter,
            rules,
            industries: entries,
            existing_meeting_id: store.quarterly_in(key, None).await?,
        })
    }
}

/// Reads the meetings within the actor's scope.
pub struct MeetingReader(Access);

impl MeetingReader {
    /// A page of the filtered list (newest first) and how many match.
    pub async fn list(&self, q: &MeetingQuery, page: Page) -> Result<(Vec<Meeting>, i64)> {
        let search =
            q.q.as_ref()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty());
        if let Some(s) = &search
            && (s.chars().count() > 100 || s.chars().any(|c| c.is_control()))
        {
            return Err(ServiceError::field("q", "control_chars"));
        }
        if let Some(y) = q.year
            && !(2000..=2100).contains(&y)
        {
            return Err(ServiceError::field("year", "range"));
        }
        let filter = MeetingFilter {
            scope: self.0.scope().clone(),
            kind: q.kind,
            state: q.state,
            industry_id: q.industry_id,
            year: q.year,
            q: search,
        };
        let store = self.0.store();
        let total = store.meeting_count(&filter).await?;
        Ok((store.meeting_page(&filter, page).await?, total))
    }

    /// A meeting the actor may see.
    pub async fn get(&self, id: i64) -> Result<Meeting> {
        self.0.svc().meeting_within(&self.0, id).await
    }

    /// The tasks the actor reads, by id, as they stand today (the others left out).
    async fn tasks_seen(&self, ids: &[i64]) -> Result<Vec<TaskEntry>> {
        let svc = self.0.svc();
        let Ok(reader) = svc.tasks(self.0.actor()) else {
            return Ok(vec![]);
        };
        let today = clock::today();
        let mut out = Vec::new();
        for id in ids {
            if let Ok(t) = reader.get(*id).await {
                out.push(t.on(today));
            }
        }
        Ok(out)
    }

    /// Everything the meeting's page shows.
    pub async fn detail(&self, id: i64) -> Result<MeetingDetail> {
        let meeting = self.get(id).await?;
        let store = self.0.store();
        let svc = self.0.svc();
        let manage = svc.meeting_manager(self.0.actor(), id).await.is_ok();
        let decisions = store.meeting_decisions(id).await?;
        let ids: Vec<i64> = decisions.iter().map(|d| d.task_id).collect();
        let tasks = self.tasks_seen(&ids).await?;
        let decisions = decisions
            .into_iter()
            .map(|d| DecisionEntry {
                task: tasks.iter().find(|t| t.task.id == d.task_id).cloned(),
                decision: d,
            })
            .collect();
        Ok(MeetingDetail {
            can: MeetingAbilities {
                manage,
                steps: if manage {
                    meeting.state.allowed_steps()
                } else {
                    vec![]
                },
            },
            agenda: store.meeting_agenda(id).await?,
            attendees: store.meeting_attendees(id).await?,
            decisions,
            meeting,
        })
    }

    /// The meeting's pack: per industry of the meeting, its key tasks' progress and overdue
    /// ones, projects behind plan, open problems, and the tasks this meeting decided — each
    /// part within what the actor reads (tasks, the project library, problems).
    pub async fn pack(&self, id: i64) -> Result<MeetingPack> {
        let meeting = self.get(id).await?;
        let svc = self.0.svc();
        let actor = self.0.actor();
        let store = self.0.store();
        let today = clock::today();
        let tasks_scope = svc.grant(actor, Permission::ViewTasks).ok();
        let library = svc.grant(actor, Permission::ViewProgramme).ok();
        let problems = svc.grant(actor, Permission::ViewCoordination).ok();
        let regions = store.list_regions().await?;
        let industries = store.list_industries().await?;
        let decisions = store.meeting_decisions(id).await?;
        let decided = self
            .tasks_seen(&decisions.iter().map(|d| d.task_id).collect::<Vec<_>>())
            .await?;
        let covers = |a: &Option<Access>, region: i64, industry: i64| {
            a.as_ref().is_some_and(|a| {
                a.scope()
                    .covers(&region_path(&regions, region), Some(industry))
            })
        };
        let mut out = Vec::new();
        for &industry_id in &meeting.industry_ids {
            let (tasks, overdue_tasks) = match &tasks_scope {
                Some(a) => {
                    let filter = TaskFilter {
                        scope: a.scope().clone(),
                        industry_id: Some(industry_id),
                        ..TaskFilter::default()
                    };
                    let counts = store.task_counts(&filter, today).await?;
                    let late = TaskFilter {
                        overdue_on: Some(today),
                        ..filter
                    };
                    let page = store.task_page(&late, Page::new(Some(1), Some(20))).await?;
                    (counts, page.into_iter().map(|t| t.on(today)).collect())
                }
                None => (TaskCounts::default(), vec![]),
            };
            let behind_projects = store
                .pack_projects(industry_id, 50)
                .await?
                .into_iter()
                .filter(|p| covers(&library, p.region_id, industry_id))
                .collect();
            let open_problems = store
                .pack_problems(industry_id, 50)
                .await?
                .into_iter()
                .filter(|p| covers(&problems, p.region_id, industry_id))
                .collect();
            let i = industries.iter().find(|i| i.id == industry_id);
            out.push(PackIndustry {
                industry_id,
                name_zh: i.map(|i| i.name_zh.clone()).unwrap_or_default(),
                name_en: i.map(|i| i.name_en.clone()).unwrap_or_default(),
                tasks,
                overdue_tasks,
                behind_projects,
                open_problems,
                decided: decided
                    .iter()
                    .filter(|t| t.task.industry_id == Some(industry_id))
                    .cloned()
                    .collect(),
            });
        }
        let other_decided = decided
            .iter()
            .filter(|t| {
                t.task.source == TaskSource::MeetingDecision
                    && !t
                        .task
                        .industry_id
                        .is_some_and(|i| meeting.industry_ids.contains(&i))
            })
            .cloned()
            .collect();
        Ok(MeetingPack {
            meeting,
            industries: out,
            other_decided,
            as_of: today,
        })
    }

    /// The city leaders who may chair a meeting: id and name.
    pub async fn leaders(&self) -> Result<Vec<(i64, String)>> {
        self.0.svc().leader_names().await
    }
}
