//! The coordination loop at province scale (issue #8): key tasks, problems with their
//! assignments, supervision items and meetings with their decisions, over the data set's ten
//! years, written in bulk beside the generated project library.
//!
//! The rows are the ones the product writes (the same states, numbers, derived columns such as
//! `problems.next_deadline` and the assignment flags the department table counts), so the
//! to-do, the overdue lists, the per-department table and a meeting's pack read what they
//! would read in a real year. Every count is a parameter; the defaults are the issue's.

use crate::db::Backend;
use crate::model::Rng;
use anyhow::Context;
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, Postgres, QueryBuilder, Sqlite};
use std::time::Instant;

/// Marks the coordination data set as made (its parameters, as JSON).
pub const COORDINATION_KEY: &str = "bench_coordination_generated";

#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Sizes {
    pub tasks: u64,
    pub problems: u64,
    pub supervision: u64,
    pub meetings: u64,
}

impl Default for Sizes {
    fn default() -> Sizes {
        Sizes {
            tasks: 300_000,
            problems: 60_000,
            supervision: 5_000,
            meetings: 20_000,
        }
    }
}

/// One value of a generated row, typed so that PostgreSQL gets the column's type even for a
/// null.
#[derive(Clone)]
enum V {
    I(Option<i64>),
    T(Option<String>),
    D(Option<NaiveDate>),
    Ts(Option<DateTime<Utc>>),
    B(Option<bool>),
}

fn i(v: i64) -> V {
    V::I(Some(v))
}
fn oi(v: Option<i64>) -> V {
    V::I(v)
}
fn t(v: impl Into<String>) -> V {
    V::T(Some(v.into()))
}
fn ot(v: Option<String>) -> V {
    V::T(v)
}
fn d(v: NaiveDate) -> V {
    V::D(Some(v))
}
fn od(v: Option<NaiveDate>) -> V {
    V::D(v)
}
fn ts(v: DateTime<Utc>) -> V {
    V::Ts(Some(v))
}
fn ots(v: Option<DateTime<Utc>>) -> V {
    V::Ts(v)
}
fn ob(v: Option<bool>) -> V {
    V::B(v)
}

/// Rows of one table, written in multi-row inserts.
struct Table {
    head: String,
    cols: usize,
    rows: Vec<Vec<V>>,
}

impl Table {
    fn new(name: &str, cols: &[&str]) -> Table {
        Table {
            head: format!("insert into {name} ({}) ", cols.join(", ")),
            cols: cols.len(),
            rows: Vec::new(),
        }
    }
    fn push(&mut self, row: Vec<V>) {
        debug_assert_eq!(row.len(), self.cols);
        self.rows.push(row);
    }
}

/// Binds rows on either backend (the same body, two `Database` types).
macro_rules! write_rows {
    ($name:ident, $db:ty, $conn:ty, $values:expr) => {
        async fn $name(conn: &mut $conn, table: &Table) -> anyhow::Result<()> {
            // Under both backends' limits on bound parameters per statement.
            let per = (30_000 / table.cols).max(1);
            for part in table.rows.chunks(per) {
                let mut qb = QueryBuilder::<$db>::new(format!("{}{}", table.head, $values));
                qb.push_values(part, |mut b, row| {
                    for v in row {
                        match v {
                            V::I(x) => b.push_bind(*x),
                            V::T(x) => b.push_bind(x.clone()),
                            V::D(x) => b.push_bind(*x),
                            V::Ts(x) => b.push_bind(*x),
                            V::B(x) => b.push_bind(*x),
                        };
                    }
                });
                qb.build()
                    .execute(&mut *conn)
                    .await
                    .with_context(|| table.head.clone())?;
            }
            Ok(())
        }
    };
}
write_rows!(write_sqlite, Sqlite, SqliteConnection, "");
// The ids are the generator's: PostgreSQL's identity columns take them only when told.
write_rows!(write_pg, Postgres, PgConnection, "overriding system value ");

/// What the rows refer to, read from the generated database.
struct Refs {
    departments: Vec<i64>,
    industries: Vec<i64>,
    districts: Vec<i64>,
    /// (id, industry, region) of a sample of projects.
    projects: Vec<(i64, i64, i64)>,
    leader_user: i64,
    users: Vec<i64>,
    today: NaiveDate,
    now: DateTime<Utc>,
}

/// `n` different values picked from `from` (all of them when it holds fewer).
fn distinct(r: &mut Rng, from: &[i64], n: usize) -> Vec<i64> {
    let mut out: Vec<i64> = Vec::new();
    while out.len() < n.min(from.len()) {
        let x = *r.pick(from);
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// Noon in China of a day, as UTC.
fn at(day: NaiveDate, hour_offset: i64) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(4, 0, 0).expect("valid time"))
        + Duration::hours(hour_offset)
}

const PROBLEM_KINDS: [&str; 9] = [
    "land",
    "funds",
    "approvals",
    "land_acquisition",
    "energy_quota",
    "environment",
    "financing",
    "utilities",
    "other",
];
const PROBLEM_KIND_ZH: [&str; 9] = [
    "用地",
    "资金",
    "审批手续",
    "征地拆迁",
    "能耗指标",
    "环境容量",
    "融资",
    "水电气暖",
    "其他",
];
const TASK_VERBS: [&str; 8] = [
    "推进",
    "落实",
    "协调解决",
    "加快",
    "完成",
    "组织开展",
    "督促",
    "研究制定",
];
const TASK_OBJECTS: [&str; 10] = [
    "重点项目开工建设",
    "产业链招商工作",
    "要素保障问题",
    "专项规划编制",
    "企业技术改造",
    "园区基础设施配套",
    "人才引进政策兑现",
    "产业基金设立",
    "审批手续办理",
    "新旧动能转换年度任务",
];

struct Tables {
    tasks: Table,
    task_departments: Table,
    task_events: Table,
    task_notes: Table,
    problems: Table,
    assignments: Table,
    problem_events: Table,
    sequences: Table,
    supervision: Table,
    units: Table,
    supervision_events: Table,
    meetings: Table,
    meeting_industries: Table,
    agenda: Table,
    attendees: Table,
    decisions: Table,
}

impl Tables {
    fn new() -> Tables {
        Tables {
            tasks: Table::new(
                "tasks",
                &[
                    "id",
                    "title",
                    "details",
                    "source",
                    "source_id",
                    "industry_id",
                    "region_id",
                    "lead_department_id",
                    "responsible_person",
                    "leader_user_id",
                    "issued_on",
                    "deadline",
                    "status",
                    "issuer",
                    "cancel_reason",
                    "done_at",
                    "closed_at",
                    "created_by",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            ),
            task_departments: Table::new("task_departments", &["task_id", "department_id"]),
            task_events: Table::new(
                "task_events",
                &[
                    "task_id",
                    "kind",
                    "from_status",
                    "to_status",
                    "reason",
                    "username",
                    "at",
                ],
            ),
            task_notes: Table::new(
                "task_notes",
                &[
                    "task_id",
                    "noted_on",
                    "progress_note",
                    "username",
                    "created_at",
                ],
            ),
            problems: Table::new(
                "problems",
                &[
                    "id",
                    "year",
                    "seq",
                    "title",
                    "kind",
                    "description",
                    "origin",
                    "origin_id",
                    "project_id",
                    "industry_id",
                    "region_id",
                    "state",
                    "raised_by",
                    "raised_at",
                    "next_deadline",
                    "resolution",
                    "resolved_at",
                    "resolve_seconds",
                    "search_text",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            ),
            assignments: Table::new(
                "problem_assignments",
                &[
                    "problem_id",
                    "department_id",
                    "deadline",
                    "state",
                    "assigned_at",
                    "assigned_by",
                    "signed_at",
                    "signed_by",
                    "signed_on_time",
                    "answer",
                    "answered_at",
                    "answered_by",
                    "answered_late",
                    "answer_seconds",
                    "urge_count",
                    "closed_at",
                ],
            ),
            problem_events: Table::new(
                "problem_events",
                &[
                    "problem_id",
                    "kind",
                    "department_id",
                    "text",
                    "username",
                    "at",
                ],
            ),
            sequences: Table::new("number_sequences", &["kind", "year", "last_number"]),
            supervision: Table::new(
                "supervision_items",
                &[
                    "id",
                    "year",
                    "seq",
                    "title",
                    "requirement",
                    "subject",
                    "industry_id",
                    "region_id",
                    "deadline",
                    "state",
                    "issued_by",
                    "issued_at",
                    "evidence",
                    "closed_by",
                    "closed_at",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            ),
            units: Table::new(
                "supervision_units",
                &["item_id", "department_id", "replied_at"],
            ),
            supervision_events: Table::new(
                "supervision_events",
                &["item_id", "kind", "department_id", "text", "username", "at"],
            ),
            meetings: Table::new(
                "meetings",
                &[
                    "id",
                    "title",
                    "kind",
                    "mode",
                    "held_on",
                    "quarter_key",
                    "place",
                    "chair_user_id",
                    "organiser_department_id",
                    "region_id",
                    "extra",
                    "state",
                    "minutes",
                    "cancel_reason",
                    "published_at",
                    "created_by",
                    "version",
                    "created_at",
                    "updated_at",
                ],
            ),
            meeting_industries: Table::new("meeting_industries", &["meeting_id", "industry_id"]),
            agenda: Table::new(
                "meeting_agenda",
                &["meeting_id", "position", "topic", "outcome", "created_at"],
            ),
            attendees: Table::new(
                "meeting_attendees",
                &[
                    "meeting_id",
                    "user_id",
                    "guest_name",
                    "guest_org",
                    "created_at",
                ],
            ),
            decisions: Table::new(
                "meeting_decisions",
                &[
                    "meeting_id",
                    "position",
                    "title",
                    "details",
                    "lead_department_id",
                    "deadline",
                    "task_id",
                    "created_by",
                    "created_at",
                ],
            ),
        }
    }

    /// In the order the foreign keys need.
    fn all(&self) -> [&Table; 16] {
        [
            &self.tasks,
            &self.task_departments,
            &self.task_events,
            &self.task_notes,
            &self.problems,
            &self.assignments,
            &self.problem_events,
            &self.sequences,
            &self.supervision,
            &self.units,
            &self.supervision_events,
            &self.meetings,
            &self.meeting_industries,
            &self.agenda,
            &self.attendees,
            &self.decisions,
        ]
    }
}

/// Makes every row: tasks, problems, supervision items, meetings (whose decisions are tasks
/// too, counted in `sizes.tasks`).
struct Maker<'a> {
    r: Rng,
    refs: &'a Refs,
    out: Tables,
    next_task: i64,
    window_days: i64,
}

impl Maker<'_> {
    fn day(&mut self) -> NaiveDate {
        self.refs.today - Duration::days(self.r.below(self.window_days as u64) as i64)
    }

    fn dept(&mut self) -> i64 {
        *self.r.pick(&self.refs.departments)
    }

    /// One task; `source` and the day it was issued are the caller's.
    #[allow(clippy::too_many_arguments)]
    fn task(
        &mut self,
        source: &str,
        source_id: Option<i64>,
        title: String,
        issued: NaiveDate,
        deadline: NaiveDate,
        lead: i64,
        industry: Option<i64>,
        region: Option<i64>,
    ) -> i64 {
        let id = self.next_task;
        self.next_task += 1;
        let today = self.refs.today;
        let r = &mut self.r;
        let status = if deadline < today - Duration::days(60) {
            ["closed", "closed", "closed", "cancelled", "in_progress"]
                [r.weighted(&[30, 30, 33, 3, 4])]
        } else if deadline < today {
            ["closed", "in_progress", "pending_check", "not_started"][r.weighted(&[60, 25, 10, 5])]
        } else {
            ["not_started", "in_progress", "pending_check", "closed"][r.weighted(&[30, 55, 10, 5])]
        };
        let issuer = if source == "supervision" {
            "supervisor"
        } else {
            "office"
        };
        let created = at(issued, 1);
        let finished = at(deadline.min(today), -(r.below(20) as i64) * 24).max(created);
        let done_at = matches!(status, "pending_check" | "closed").then_some(finished);
        let closed_at = matches!(status, "closed" | "cancelled").then_some(finished);
        let leader = r.chance(0.6).then_some(self.refs.leader_user);
        self.out.tasks.push(vec![
            i(id),
            t(title),
            t("按照会议和工作方案要求，明确时间节点，压实责任，按期完成并报送进展情况。"),
            t(source),
            oi(source_id),
            oi(industry),
            oi(region),
            i(lead),
            t(format!("负责人{}", r.below(500))),
            oi(leader),
            d(issued),
            d(deadline),
            t(status),
            t(issuer),
            ot((status == "cancelled").then(|| "任务调整，不再实施".to_string())),
            ots(done_at),
            ots(closed_at),
            t("office"),
            i(1 + matches!(status, "closed" | "pending_check" | "cancelled") as i64),
            ts(created),
            ts(closed_at.or(done_at).unwrap_or(created)),
        ]);
        let mut co: Vec<i64> = Vec::new();
        for _ in 0..r.below(3) {
            let c = *r.pick(&self.refs.departments);
            if c != lead && !co.contains(&c) {
                co.push(c);
            }
        }
        for c in co {
            self.out.task_departments.push(vec![i(id), i(c)]);
        }
        self.out.task_events.push(vec![
            i(id),
            t("created"),
            ot(None),
            t("not_started"),
            ot(None),
            t("office"),
            ts(created),
        ]);
        if status != "not_started" {
            let (kind, from) = match status {
                "in_progress" => ("start", "not_started"),
                "pending_check" => ("submit", "in_progress"),
                "cancelled" => ("cancel", "in_progress"),
                _ => ("accept", "pending_check"),
            };
            self.out.task_events.push(vec![
                i(id),
                t(kind),
                t(from),
                t(status),
                ot(None),
                t("office"),
                ts(finished),
            ]);
        }
        if status == "in_progress" {
            self.out.task_notes.push(vec![
                i(id),
                d(issued + Duration::days(10)),
                t("已召开专题会议研究部署，正在按节点推进。"),
                t("office"),
                ts(created + Duration::days(10)),
            ]);
        }
        id
    }

    fn plain_task(&mut self) {
        let issued = self.day();
        let deadline = issued + Duration::days(self.r.range(30, 365));
        let r = &mut self.r;
        let source = ["office", "reform", "supervision", "problem_instruction"]
            [r.weighted(&[55, 15, 10, 20])];
        let title = format!(
            "{}{}（{}）",
            r.pick(&TASK_VERBS),
            r.pick(&TASK_OBJECTS),
            issued.year()
        );
        let industry = r.chance(0.8).then(|| *r.pick(&self.refs.industries));
        let region = r.chance(0.3).then(|| *r.pick(&self.refs.districts));
        let lead = self.dept();
        self.task(
            source, None, title, issued, deadline, lead, industry, region,
        );
    }

    fn problem(&mut self, id: i64, year_seq: &mut std::collections::BTreeMap<i32, i64>) {
        let raised = self.day();
        let today = self.refs.today;
        let year = raised.year();
        let seq = {
            let s = year_seq.entry(year).or_insert(0);
            *s += 1;
            *s
        };
        let r = &mut self.r;
        let k = r.below(PROBLEM_KINDS.len() as u64) as usize;
        let (project, industry, region) = if r.chance(0.7) {
            let (p, ind, reg) = *r.pick(&self.refs.projects);
            (Some(p), ind, reg)
        } else {
            (
                None,
                *r.pick(&self.refs.industries),
                *r.pick(&self.refs.districts),
            )
        };
        let age = (today - raised).num_days();
        let state = if age > 120 {
            ["resolved", "instructed", "answered"][r.weighted(&[95, 2, 3])]
        } else {
            [
                "raised",
                "assigned",
                "answered",
                "escalated",
                "instructed",
                "resolved",
            ][r.weighted(&[10, 40, 20, 5, 5, 20])]
        };
        let title = format!(
            "{}问题：项目推进受{}制约",
            PROBLEM_KIND_ZH[k], PROBLEM_KIND_ZH[k]
        );
        let description = format!(
            "{}方面存在困难，影响项目按期开工建设，请相关部门协调解决。（{}）",
            PROBLEM_KIND_ZH[k],
            r.below(10_000)
        );
        let raised_at = at(raised, 0);
        let number = format!("{year}-{seq:04}");
        // Assignments: none while raised; one or two departments otherwise.
        let mut open_deadlines = Vec::new();
        if state != "raised" {
            let n = 1 + r.below(2) as usize;
            for dpt in distinct(r, &self.refs.departments, n) {
                let assigned_at = raised_at + Duration::hours(r.range(2, 72));
                let deadline = assigned_at.date_naive() + Duration::days(r.range(10, 45));
                let a_state = match state {
                    "resolved" => "closed",
                    "assigned" => ["assigned", "signed", "answered", "returned"]
                        [r.weighted(&[30, 40, 20, 10])],
                    _ => "answered",
                };
                let signed = a_state != "assigned";
                let signed_at = signed.then(|| assigned_at + Duration::hours(r.range(1, 48)));
                let answered = matches!(a_state, "answered" | "closed");
                let answered_at = answered.then(|| {
                    let days = r.range(3, 60);
                    (assigned_at + Duration::days(days)).min(self.refs.now)
                });
                let late = answered_at.map(|a| a.date_naive() > deadline);
                if matches!(a_state, "assigned" | "signed" | "returned") && state != "resolved" {
                    open_deadlines.push(deadline);
                }
                let urges = if deadline < today && !answered {
                    r.range(1, 3)
                } else {
                    i64::from(r.chance(0.1))
                };
                self.out.assignments.push(vec![
                    i(id),
                    i(dpt),
                    d(deadline),
                    t(a_state),
                    ts(assigned_at),
                    t("office"),
                    ots(signed_at),
                    ot(signed.then(|| "dept".to_string())),
                    ob(signed_at.map(|s| s - assigned_at <= Duration::days(1))),
                    ot(answered
                        .then(|| "已会同相关单位研究，提出解决方案并推进落实。".to_string())),
                    ots(answered_at),
                    ot(answered.then(|| "dept".to_string())),
                    ob(late),
                    oi(answered_at.map(|a| (a - assigned_at).num_seconds())),
                    i(urges),
                    ots((a_state == "closed").then_some(answered_at.unwrap_or(assigned_at))),
                ]);
                self.out.problem_events.push(vec![
                    i(id),
                    t("assigned"),
                    i(dpt),
                    t(""),
                    t("office"),
                    ts(assigned_at),
                ]);
                if let Some(a) = answered_at {
                    self.out.problem_events.push(vec![
                        i(id),
                        t("answered"),
                        i(dpt),
                        t("已提出解决方案"),
                        t("dept"),
                        ts(a),
                    ]);
                }
            }
        }
        let resolved_at = (state == "resolved")
            .then(|| (raised_at + Duration::days(r.range(10, 110))).min(self.refs.now));
        self.out.problems.push(vec![
            i(id),
            i(year as i64),
            i(seq),
            t(title.clone()),
            t(PROBLEM_KINDS[k]),
            t(description.clone()),
            t(if project.is_some() { "project" } else { "own" }),
            oi(project),
            oi(project),
            i(industry),
            i(region),
            t(state),
            t("taskforce"),
            ts(raised_at),
            od(open_deadlines.iter().min().copied()),
            ot(resolved_at.map(|_| "经协调，问题已解决。".to_string())),
            ots(resolved_at),
            oi(resolved_at.map(|a| (a - raised_at).num_seconds())),
            t(format!("{number} {title} {description}")),
            i(1),
            ts(raised_at),
            ts(resolved_at.unwrap_or(raised_at)),
        ]);
        self.out.problem_events.push(vec![
            i(id),
            t("raised"),
            oi(None),
            t(""),
            t("taskforce"),
            ts(raised_at),
        ]);
        if let Some(a) = resolved_at {
            self.out.problem_events.push(vec![
                i(id),
                t("resolved"),
                oi(None),
                t("问题已解决"),
                t("office"),
                ts(a),
            ]);
        }
    }

    fn supervision_item(&mut self, id: i64, year_seq: &mut std::collections::BTreeMap<i32, i64>) {
        let issued = self.day();
        let today = self.refs.today;
        let year = issued.year();
        let seq = {
            let s = year_seq.entry(year).or_insert(0);
            *s += 1;
            *s
        };
        let r = &mut self.r;
        let deadline = issued + Duration::days(r.range(15, 90));
        let state = if deadline < today - Duration::days(30) {
            ["closed", "replied"][r.weighted(&[95, 5])]
        } else {
            ["issued", "replied", "closed"][r.weighted(&[40, 35, 25])]
        };
        let issued_at = at(issued, 0);
        let closed_at = (state == "closed").then(|| (at(deadline, 0)).min(self.refs.now));
        let industry = r.chance(0.7).then(|| *r.pick(&self.refs.industries));
        let region = r.chance(0.3).then(|| *r.pick(&self.refs.districts));
        self.out.supervision.push(vec![
            i(id),
            i(year as i64),
            i(seq),
            t(format!("关于加快{}的督办事项", r.pick(&TASK_OBJECTS))),
            t("请于期限内报送办理情况，逾期未办结的予以通报。"),
            t("own"),
            oi(industry),
            oi(region),
            d(deadline),
            t(state),
            t("supervisor"),
            ts(issued_at),
            ot(closed_at.map(|_| "办理材料齐全，予以销号。".to_string())),
            ot(closed_at.map(|_| "supervisor".to_string())),
            ots(closed_at),
            i(1),
            ts(issued_at),
            ts(closed_at.unwrap_or(issued_at)),
        ]);
        let n = 1 + r.below(3) as usize;
        for dpt in distinct(r, &self.refs.departments, n) {
            let replied = state != "issued" || r.chance(0.3);
            let replied_at =
                replied.then(|| (issued_at + Duration::days(r.range(3, 30))).min(self.refs.now));
            self.out.units.push(vec![i(id), i(dpt), ots(replied_at)]);
            if let Some(a) = replied_at {
                self.out.supervision_events.push(vec![
                    i(id),
                    t("replied"),
                    i(dpt),
                    t("已按要求办理"),
                    t("dept"),
                    ts(a),
                ]);
            }
        }
        self.out.supervision_events.push(vec![
            i(id),
            t("issued"),
            oi(None),
            t(""),
            t("supervisor"),
            ts(issued_at),
        ]);
    }

    fn meeting(&mut self, id: i64, quarters_taken: &mut std::collections::BTreeSet<i64>) {
        let held = self.day() + Duration::days(30);
        let today = self.refs.today;
        let r = &mut self.r;
        let kind = ["joint", "site_visit", "thematic", "quarterly"][r.weighted(&[30, 30, 35, 5])];
        let quarter_key = held.year() as i64 * 10 + (held.month0() / 3 + 1) as i64;
        let state = if held > today {
            "planned"
        } else {
            ["minutes_published", "held", "cancelled"][r.weighted(&[85, 10, 5])]
        };
        // One quarterly meeting per quarter, the others extra.
        let extra =
            kind == "quarterly" && (state == "cancelled" || !quarters_taken.insert(quarter_key));
        let kind_zh = match kind {
            "joint" => "联席会议",
            "site_visit" => "现场调研",
            "thematic" => "专题协调会",
            _ => "现场推进会",
        };
        let created = at(held, -24 * 14);
        let published = (state == "minutes_published").then(|| at(held, 24 * 3));
        let title = format!(
            "{}年第{}季度{}（{}）",
            held.year(),
            held.month0() / 3 + 1,
            kind_zh,
            id
        );
        let region = r.chance(0.2).then(|| *r.pick(&self.refs.districts));
        let organiser = *r.pick(&self.refs.departments);
        self.out.meetings.push(vec![
            i(id),
            t(title),
            t(kind),
            t(if r.chance(0.2) { "video" } else { "on_site" }),
            d(held),
            i(quarter_key),
            t("市政府第一会议室"),
            i(self.refs.leader_user),
            i(organiser),
            oi(region),
            ob(Some(extra)),
            t(state),
            t(if state == "minutes_published" {
                "会议听取了各专班工作进展汇报，研究了重点项目推进中的问题，明确了下一步工作任务。"
            } else {
                ""
            }),
            ot((state == "cancelled").then(|| "因工作安排调整取消".to_string())),
            ots(published),
            t("office"),
            i(1),
            ts(created),
            ts(published.unwrap_or(created)),
        ]);
        let n_ind = 1 + r.below(2) as usize;
        let inds = distinct(r, &self.refs.industries, n_ind);
        for x in &inds {
            self.out.meeting_industries.push(vec![i(id), i(*x)]);
        }
        for pos in 1..=(2 + r.below(2) as i64) {
            self.out.agenda.push(vec![
                i(id),
                i(pos),
                t(format!("研究{}", r.pick(&TASK_OBJECTS))),
                ot((state == "minutes_published").then(|| "已研究，明确责任单位".to_string())),
                ts(created),
            ]);
        }
        for k in 0..(3 + r.below(3)) {
            if k == 0 {
                self.out.attendees.push(vec![
                    i(id),
                    i(self.refs.leader_user),
                    ot(None),
                    ot(None),
                    ts(created),
                ]);
            } else if k % 2 == 0 {
                let u = *r.pick(&self.refs.users);
                self.out
                    .attendees
                    .push(vec![i(id), i(u), ot(None), ot(None), ts(created)]);
            } else {
                self.out.attendees.push(vec![
                    i(id),
                    oi(None),
                    t(format!("企业代表{}", r.below(100))),
                    t("有关企业"),
                    ts(created),
                ]);
            }
        }
        if state == "minutes_published" || state == "held" {
            let n = r.below(4) as i64;
            for pos in 1..=n {
                let lead = *self.r.pick(&self.refs.departments);
                let deadline = held + Duration::days(self.r.range(30, 180));
                let title = format!("落实会议议定事项：{}", self.r.pick(&TASK_OBJECTS));
                let industry = inds.first().copied();
                let task = self.task(
                    "meeting_decision",
                    Some(id),
                    title.clone(),
                    held,
                    deadline,
                    lead,
                    industry,
                    region,
                );
                self.out.decisions.push(vec![
                    i(id),
                    i(pos),
                    t(title),
                    t(""),
                    i(lead),
                    d(deadline),
                    i(task),
                    t("office"),
                    ts(at(held, 2)),
                ]);
            }
        }
    }
}

async fn read_refs(url: &str, backend: Backend) -> anyhow::Result<Refs> {
    let mut refs = Refs {
        departments: Vec::new(),
        industries: Vec::new(),
        districts: Vec::new(),
        projects: Vec::new(),
        leader_user: 0,
        users: Vec::new(),
        today: dongneng_domain::clock::today(),
        now: Utc::now(),
    };
    macro_rules! read {
        ($conn:expr) => {{
            let conn = $conn;
            refs.departments =
                sqlx::query_scalar("select id from departments where active order by id")
                    .fetch_all(&mut *conn)
                    .await?;
            refs.industries = sqlx::query_scalar("select id from industries order by id")
                .fetch_all(&mut *conn)
                .await?;
            refs.districts = sqlx::query_scalar(
                "select id from regions where parent_id is not null order by id",
            )
            .fetch_all(&mut *conn)
            .await?;
            // Every 20th project: 10,000 of 200,000.
            refs.projects = sqlx::query_as(
                "select id, industry_id, region_id from projects where id % 20 = 0 order by id",
            )
            .fetch_all(&mut *conn)
            .await?;
            refs.leader_user = sqlx::query_scalar("select id from users where username = 'leader'")
                .fetch_one(&mut *conn)
                .await
                .context("no user `leader`")?;
            refs.users = sqlx::query_scalar("select id from users order by id")
                .fetch_all(&mut *conn)
                .await?;
        }};
    }
    match backend {
        Backend::Sqlite => {
            let mut c = crate::db::sqlite_connection(url).await?;
            read!(&mut c);
            c.close().await?;
        }
        Backend::Postgres => {
            let mut c = PgConnection::connect(url).await?;
            read!(&mut c);
            c.close().await?;
        }
    }
    anyhow::ensure!(
        !refs.departments.is_empty() && !refs.industries.is_empty() && !refs.districts.is_empty(),
        "the data set has no departments, industries or districts"
    );
    anyhow::ensure!(
        !refs.projects.is_empty(),
        "the data set has no projects: run the project generator first"
    );
    Ok(refs)
}

/// Adds the coordination loop's records to a generated data set, once (the meta key holds
/// the sizes made; other sizes are refused rather than mixed).
pub async fn generate(url: &str, sizes: Sizes, seed: u64) -> anyhow::Result<()> {
    let backend = Backend::of(url)?;
    let store = dongneng::open_store(url).await?;
    let done = store.get_meta(COORDINATION_KEY).await?;
    store.close().await;
    if let Some(json) = done {
        if serde_json::from_str::<Sizes>(&json).ok() == Some(sizes) {
            println!("coordination data already generated ({json}); nothing to do");
            return Ok(());
        }
        anyhow::bail!(
            "the data set holds coordination data of other sizes ({json}); generate the data set again with --reset"
        );
    }
    let started = Instant::now();
    let refs = read_refs(url, backend).await?;
    let first_task: i64 = match backend {
        Backend::Sqlite => {
            let mut c = crate::db::sqlite_connection(url).await?;
            let v = sqlx::query_scalar("select coalesce(max(id), 0) + 1 from tasks")
                .fetch_one(&mut c)
                .await?;
            c.close().await?;
            v
        }
        Backend::Postgres => {
            let mut c = PgConnection::connect(url).await?;
            let v = sqlx::query_scalar("select (coalesce(max(id), 0) + 1)::bigint from tasks")
                .fetch_one(&mut c)
                .await?;
            c.close().await?;
            v
        }
    };
    let mut m = Maker {
        r: Rng::new(seed ^ 0xC00D),
        refs: &refs,
        out: Tables::new(),
        next_task: first_task,
        window_days: 3650,
    };
    // Ids past what the demo's reference load wrote (it writes none of these, but a second
    // generator must not collide).
    let base = 1_000_000;
    let mut quarters = std::collections::BTreeSet::new();
    for k in 0..sizes.meetings as i64 {
        m.meeting(base + k, &mut quarters);
    }
    let decided = m.next_task - first_task;
    for _ in decided.max(0) as u64..sizes.tasks {
        m.plain_task();
    }
    let mut seqs = std::collections::BTreeMap::new();
    for k in 0..sizes.problems as i64 {
        m.problem(base + k, &mut seqs);
    }
    for (year, last) in &seqs {
        m.out
            .sequences
            .push(vec![t("problem"), i(*year as i64), i(*last)]);
    }
    let mut seqs = std::collections::BTreeMap::new();
    for k in 0..sizes.supervision as i64 {
        m.supervision_item(base + k, &mut seqs);
    }
    for (year, last) in &seqs {
        m.out
            .sequences
            .push(vec![t("supervision"), i(*year as i64), i(*last)]);
    }
    let made = started.elapsed().as_secs_f64();
    let tables = m.out;
    let counts: Vec<String> = tables
        .all()
        .iter()
        .map(|t| {
            format!(
                "{} {}",
                t.head.split_whitespace().nth(2).unwrap_or("?"),
                t.rows.len()
            )
        })
        .collect();
    println!(
        "coordination rows made in {made:.1} s: {}",
        counts.join(", ")
    );
    match backend {
        Backend::Sqlite => {
            let mut c = crate::db::sqlite_bulk_connection(url).await?;
            let mut tx = c.begin().await?;
            // Numbers the product gave in earlier years would clash: the generator owns them.
            sqlx::query("delete from number_sequences where kind in ('problem', 'supervision')")
                .execute(&mut *tx)
                .await?;
            for table in tables.all() {
                write_sqlite(&mut tx, table).await?;
            }
            tx.commit().await?;
            sqlx::raw_sql("analyze; pragma journal_mode = wal")
                .execute(&mut c)
                .await?;
            c.close().await?;
        }
        Backend::Postgres => {
            let mut c = PgConnection::connect(url).await?;
            let mut tx = c.begin().await?;
            sqlx::query("delete from number_sequences where kind in ('problem', 'supervision')")
                .execute(&mut *tx)
                .await?;
            for table in tables.all() {
                write_pg(&mut tx, table).await?;
            }
            for (table, col) in [
                ("tasks", "id"),
                ("task_events", "id"),
                ("task_notes", "id"),
                ("problems", "id"),
                ("problem_assignments", "id"),
                ("problem_events", "id"),
                ("supervision_items", "id"),
                ("supervision_events", "id"),
                ("meetings", "id"),
                ("meeting_agenda", "id"),
                ("meeting_attendees", "id"),
                ("meeting_decisions", "id"),
            ] {
                let seq: Option<String> =
                    sqlx::query_scalar("select pg_get_serial_sequence($1, $2)")
                        .bind(table)
                        .bind(col)
                        .fetch_one(&mut *tx)
                        .await?;
                if let Some(seq) = seq {
                    // Names from the list above, not from input.
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "select setval('{seq}', (select coalesce(max({col}), 1) from {table}))"
                    )))
                    .execute(&mut *tx)
                    .await?;
                }
            }
            tx.commit().await?;
            sqlx::raw_sql("vacuum analyze").execute(&mut c).await?;
            c.close().await?;
        }
    }
    let store = dongneng::open_store(url).await?;
    store
        .set_meta(COORDINATION_KEY, &serde_json::to_string(&sizes)?)
        .await?;
    store.close().await;
    println!(
        "coordination data written in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
