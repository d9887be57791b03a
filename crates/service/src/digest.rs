//! The month's dispatch digest (月度调度通报): what the programme office reports on a month —
//! the city's project dispatch table per industry and per district with the completion chart,
//! the projects behind plan with their causes, the open problems and overdue key tasks of the
//! coordination loop — within the reader's scope (a district reads its district's rows).
//!
//! One [`Digest`] feeds the page, the official document (DOCX and PDF through
//! `Service::issue_document`) and the xlsx of its tables: its [`Digest::tables`] are the same
//! rows everywhere, so the figures on screen equal the document's.

use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::documents::{DocumentSource, IssuedDocument};
use crate::error::{Result, ServiceError};
use crate::projects::{DispatchFigures, FigureRow, ProgrammeReader, ProjectQuery, tenths_percent};
use dongneng_domain::chart::{Chart, RateBar, RateChart};
use dongneng_domain::clock;
use dongneng_domain::document::{
    Block, DocumentFormat, DocumentKind, HeadingLevel, OfficialDocument, SourceKind, Table,
    chinese_date,
};
use dongneng_domain::money::Money;
use dongneng_domain::paging::Page;
use dongneng_domain::policy::{DataScope, Permission};
use dongneng_domain::problem::ProblemState;
use dongneng_domain::task::TaskStatus;
use dongneng_store::{ProblemFilter, StoredDocument, TaskFilter};
use serde::Serialize;
use sha2::{Digest as _, Sha256};
use utoipa::ToSchema;

/// The issuing organ of the digest.
const ORGAN: &str = "淄博市新旧动能转换重大工程建设领导小组办公室";
/// How many open problems and overdue tasks the digest lists (the totals are always given).
pub const LIST_LIMIT: u32 = 50;

/// An open problem as the digest lists it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DigestProblem {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub industry: String,
    pub region: String,
    pub state: ProblemState,
    pub next_deadline: Option<chrono::NaiveDate>,
}

/// An overdue key task as the digest lists it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DigestTask {
    pub id: i64,
    pub title: String,
    pub lead_department: String,
    pub deadline: chrono::NaiveDate,
    pub days_overdue: i64,
}

/// The month's digest within one reader's scope.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Digest {
    pub year: i32,
    pub month: u32,
    /// "2026年5月重大项目月度调度通报" (with the district or industries of a narrower scope).
    pub title: String,
    /// Whose rows these are when the reader does not see the whole city ("张店区").
    pub scope_name: Option<String>,
    pub figures: DispatchFigures,
    /// Investment completion by industry against the time progress, as SVG.
    pub chart: Chart,
    pub open_problems: Vec<DigestProblem>,
    pub open_problems_total: i64,
    pub overdue_tasks: Vec<DigestTask>,
    pub overdue_tasks_total: i64,
    /// The day the open problems and overdue tasks are counted on (today, or the month's
    /// last day for a month long past).
    pub as_of: chrono::NaiveDate,
}

/// A titled table of the digest (one sheet of the xlsx).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DigestTable {
    pub key: String,
    pub title: String,
    pub table: Table,
}

fn wan(m: Money) -> String {
    m.wan_display()
}

fn figure_table(first: &str, rows: &[FigureRow], total: &FigureRow) -> Table {
    let row = |r: &FigureRow| {
        vec![
            r.name.clone(),
            r.projects.to_string(),
            wan(r.total_investment),
            wan(r.year_plan),
            wan(r.month_completed),
            wan(r.year_completed),
            r.rate_text(),
        ]
    };
    let mut out: Vec<Vec<String>> = rows.iter().map(row).collect();
    out.push(row(total));
    Table {
        header: vec![
            first.into(),
            "项目数".into(),
            "总投资（万元）".into(),
            "年度计划投资（万元）".into(),
            "本月完成（万元）".into(),
            "本年累计完成（万元）".into(),
            "完成率".into(),
        ],
        rows: out,
    }
}

fn problem_state_zh(s: ProblemState) -> &'static str {
    match s {
        ProblemState::Raised => "待交办",
        ProblemState::Assigned => "已交办",
        ProblemState::Answered => "已答复",
        ProblemState::Escalated => "已提请领导批示",
        ProblemState::Instructed => "领导已批示",
        ProblemState::Resolved => "已办结",
    }
}

impl Digest {
    /// The digest's tables, in the order the document shows them.
    pub fn tables(&self) -> Vec<DigestTable> {
        let f = &self.figures;
        let lagging = Table {
            header: vec![
                "序号".into(),
                "项目名称".into(),
                "项目单位".into(),
                "年度计划（万元）".into(),
                "本年完成（万元）".into(),
                "完成率".into(),
                "预警及原因".into(),
                "本月报送的问题".into(),
            ],
            rows: f
                .lagging
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let rate = if p.year_plan.0 > 0 {
                        tenths_percent(
                            ((p.year_completed.0 as i128 * 1000) / p.year_plan.0 as i128) as i64,
                        )
                    } else {
                        "—".into()
                    };
                    let warning = match p.warning_level {
                        dongneng_domain::warning::Level::Red => "红色",
                        dongneng_domain::warning::Level::Yellow => "黄色",
                        dongneng_domain::warning::Level::Green => "无",
                    };
                    let reasons: Vec<String> = p
                        .warning_reasons
                        .iter()
                        .map(|r| warning_reason_zh(&r.code).to_string())
                        .collect();
                    let cause = if reasons.is_empty() {
                        warning.to_string()
                    } else {
                        format!("{warning}：{}", reasons.join("；"))
                    };
                    let reported = if !p.reported {
                        "本月未报送进度".to_string()
                    } else if p.reported_problems.trim().is_empty() {
                        "—".to_string()
                    } else {
                        p.reported_problems.trim().to_string()
                    };
                    vec![
                        (i + 1).to_string(),
                        p.name.clone(),
                        p.owner_name.clone(),
                        wan(p.year_plan),
                        wan(p.year_completed),
                        rate,
                        cause,
                        reported,
                    ]
                })
                .collect(),
        };
        let problems = Table {
            header: vec![
                "编号".into(),
                "问题".into(),
                "产业".into(),
                "区县".into(),
                "状态".into(),
                "最近时限".into(),
            ],
            rows: self
                .open_problems
                .iter()
                .map(|p| {
                    vec![
                        p.number.clone(),
                        p.title.clone(),
                        p.industry.clone(),
                        p.region.clone(),
                        problem_state_zh(p.state).into(),
                        p.next_deadline
                            .map(|d| d.to_string())
                            .unwrap_or_else(|| "—".into()),
                    ]
                })
                .collect(),
        };
        let tasks = Table {
            header: vec![
                "序号".into(),
                "任务".into(),
                "牵头单位".into(),
                "完成时限".into(),
                "逾期天数".into(),
            ],
            rows: self
                .overdue_tasks
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    vec![
                        (i + 1).to_string(),
                        t.title.clone(),
                        t.lead_department.clone(),
                        t.deadline.to_string(),
                        t.days_overdue.to_string(),
                    ]
                })
                .collect(),
        };
        vec![
            DigestTable {
                key: "by_industry".into(),
                title: "分产业项目推进情况".into(),
                table: figure_table("产业", &f.by_industry, &f.total),
            },
            DigestTable {
                key: "by_district".into(),
                title: "分区县项目推进情况".into(),
                table: figure_table("区县", &f.by_district, &f.total),
            },
            DigestTable {
                key: "lagging".into(),
                title: "进度滞后项目".into(),
                table: lagging,
            },
            DigestTable {
                key: "problems".into(),
                title: "未解决问题".into(),
                table: problems,
            },
            DigestTable {
                key: "tasks".into(),
                title: "逾期重点任务".into(),
                table: tasks,
            },
        ]
    }

    /// The opening paragraph: the month's totals in words.
    pub fn summary(&self) -> String {
        let t = &self.figures.total;
        format!(
            "截至{}年{}月底，{}纳入调度的重大项目{}个，总投资{}亿元，年度计划投资{}亿元；\
             {}月完成投资{}亿元，本年累计完成{}亿元，完成年度计划的{}，序时进度{}。\
             进度滞后项目{}个，未解决问题{}个，逾期重点任务{}项。",
            self.year,
            self.month,
            self.scope_name.as_deref().unwrap_or("全市"),
            t.projects,
            t.total_investment.yi_display(),
            t.year_plan.yi_display(),
            self.month,
            t.month_completed.yi_display(),
            t.year_completed.yi_display(),
            t.rate_text(),
            tenths_percent(self.figures.time_tenths),
            self.figures.lagging_total,
            self.open_problems_total,
            self.overdue_tasks_total,
        )
    }

    /// The digest as an official document (GB/T 9704): the summary, the chart, the tables.
    pub fn document(&self) -> OfficialDocument {
        let h1 = |text: &str| Block::Heading {
            level: HeadingLevel::One,
            text: text.into(),
        };
        let tables = self.tables();
        let table = |key: &str| {
            tables
                .iter()
                .find(|t| t.key == key)
                .map(|t| t.table.clone())
                .unwrap_or(Table {
                    header: vec!["—".into()],
                    rows: vec![],
                })
        };
        let f = &self.figures;
        let mut body = vec![Block::Paragraph(self.summary())];
        body.push(h1("项目推进总体情况"));
        body.push(Block::Chart(self.chart.clone()));
        body.push(Block::Heading {
            level: HeadingLevel::Two,
            text: "分产业情况".into(),
        });
        body.push(Block::Table(table("by_industry")));
        body.push(Block::Heading {
            level: HeadingLevel::Two,
            text: "分区县情况".into(),
        });
        body.push(Block::Table(table("by_district")));
        body.push(h1("进度滞后项目"));
        body.push(Block::Paragraph(if f.lagging_total == 0 {
            format!(
                "本月没有完成率落后序时进度{}个百分点以上的项目。",
                f.lagging_points
            )
        } else if (f.lagging.len() as i64) < f.lagging_total {
            format!(
                "完成率落后序时进度{}个百分点以上的项目共{}个，下表列出差距最大的{}个。",
                f.lagging_points,
                f.lagging_total,
                f.lagging.len()
            )
        } else {
            format!(
                "完成率落后序时进度{}个百分点以上的项目共{}个。",
                f.lagging_points, f.lagging_total
            )
        }));
        if !f.lagging.is_empty() {
            body.push(Block::Table(table("lagging")));
        }
        body.push(h1("问题协调与重点任务"));
        body.push(Block::Paragraph(format!(
            "截至{}，未解决问题{}个，逾期重点任务{}项{}。",
            chinese_date(self.as_of),
            self.open_problems_total,
            self.overdue_tasks_total,
            if self.open_problems_total > LIST_LIMIT as i64
                || self.overdue_tasks_total > LIST_LIMIT as i64
            {
                format!("（各列前{LIST_LIMIT}项）")
            } else {
                String::new()
            }
        )));
        if !self.open_problems.is_empty() {
            body.push(Block::Heading {
                level: HeadingLevel::Two,
                text: "未解决问题".into(),
            });
            body.push(Block::Table(table("problems")));
        }
        if !self.overdue_tasks.is_empty() {
            body.push(Block::Heading {
                level: HeadingLevel::Two,
                text: "逾期重点任务".into(),
            });
            body.push(Block::Table(table("tasks")));
        }
        OfficialDocument {
            kind: DocumentKind::DispatchDigest,
            organ: ORGAN.into(),
            number: None,
            title: self.title.clone(),
            addressees: vec![],
            body,
            attachments: vec![],
            signature: ORGAN.into(),
            date: clock::today(),
            copy_to: vec![],
        }
    }

    /// What the document says, as a number: the document is made again only when it moves.
    fn content_version(doc: &OfficialDocument) -> i64 {
        let mut h = Sha256::new();
        h.update(doc.title.as_bytes());
        h.update(serde_json::to_vec(&doc.body).unwrap_or_default());
        let d = h.finalize();
        let mut b = [0u8; 8];
        b.copy_from_slice(&d[..8]);
        (u64::from_be_bytes(b) >> 2) as i64
    }
}

fn warning_reason_zh(code: &str) -> &str {
    match code {
        "behind_schedule" => "投资完成落后序时进度",
        "report_overdue" => "进度未按时报送",
        "start_overdue" | "not_started" => "逾期未开工",
        "factor_overdue" | "factor_unmet" => "要素保障未落实",
        other => other,
    }
}

/// The key of a reader's scope: who sees the same digest ("all", or the regions and
/// industries it is limited to).
pub fn scope_key(scope: &DataScope) -> String {
    if scope.all {
        return "all".into();
    }
    let mut regions = scope.regions.clone();
    regions.sort_unstable();
    regions.dedup();
    let mut industries = scope.industries.clone();
    industries.sort_unstable();
    industries.dedup();
    let join = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    format!("r:{};i:{}", join(&regions), join(&industries))
}

/// Parses "2026-05" into a year and a month; errors name the field `month`.
pub fn parse_month(text: &str) -> Result<(i32, u32)> {
    let bad = || ServiceError::field("month", "month_format");
    let (y, m) = text.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    crate::projects::check_month(year, month)?;
    Ok((year, month))
}

impl Service {
    /// Reads the month's dispatch digest within the actor's scope: the office, leaders (their
    /// industries), the supervisor, the statistics bureau, districts (their district).
    pub fn digest_reader(&self, actor: &Actor) -> Result<DigestReader> {
        Ok(DigestReader(self.grant(actor, Permission::ViewDigest)?))
    }
}

/// Reads the month's dispatch digest and makes its documents.
pub struct DigestReader(Access);

impl DigestReader {
    /// The digest of `year`-`month` (a past or the current month).
    pub async fn digest(&self, year: i32, month: u32) -> Result<Digest> {
        crate::projects::check_month(year, month)?;
        let programme = ProgrammeReader::within(self.0.clone());
        let figures = programme
            .dispatch_figures(year, month, &ProjectQuery::default())
            .await?;
        let store = self.0.store();
        let scope = self.0.scope().clone();
        let (regions, industries, departments) = tokio::try_join!(
            store.list_regions(),
            store.list_industries(),
            store.list_departments()
        )?;
        let today = clock::today();
        // The problems and tasks still open on the day the digest is read.
        let as_of = today;
        // Open problems: every state but resolved.
        let mut open_problems = vec![];
        let mut open_problems_total = 0;
        for state in [
            ProblemState::Escalated,
            ProblemState::Instructed,
            ProblemState::Raised,
            ProblemState::Assigned,
            ProblemState::Answered,
        ] {
            let (items, total) = store
                .problem_page(
                    &ProblemFilter {
                        scope: scope.clone(),
                        state: Some(state),
                        ..Default::default()
                    },
                    Page::new(Some(1), Some(LIST_LIMIT)),
                )
                .await?;
            open_problems_total += total;
            for p in items {
                if open_problems.len() >= LIST_LIMIT as usize {
                    break;
                }
                open_problems.push(DigestProblem {
                    id: p.id,
                    number: format!("{}-{:04}", p.year, p.seq),
                    title: p.title,
                    industry: industries
                        .iter()
                        .find(|i| i.id == p.industry_id)
                        .map(|i| i.name_zh.clone())
                        .unwrap_or_default(),
                    region: regions
                        .iter()
                        .find(|r| r.id == p.region_id)
                        .map(|r| r.name_zh.clone())
                        .unwrap_or_default(),
                    state: p.state,
                    next_deadline: p.next_deadline,
                });
            }
        }
        let task_filter = TaskFilter {
            scope: scope.clone(),
            statuses: vec![TaskStatus::NotStarted, TaskStatus::InProgress],
            overdue_on: Some(as_of),
            ..Default::default()
        };
        let tasks = store
            .task_page(&task_filter, Page::new(Some(1), Some(LIST_LIMIT)))
            .await?;
        let overdue_tasks_total = store.task_counts(&task_filter, as_of).await?.matching;
        let overdue_tasks = tasks
            .into_iter()
            .map(|t| DigestTask {
                id: t.id,
                lead_department: t
                    .lead_department_id
                    .and_then(|d| departments.iter().find(|x| x.id == d))
                    .map(|d| d.name_zh.clone())
                    .unwrap_or_default(),
                days_overdue: (as_of - t.deadline).num_days().max(0),
                deadline: t.deadline,
                title: t.title,
            })
            .collect();
        let scope_name = (!scope.all).then(|| {
            let mut names: Vec<String> = scope
                .regions
                .iter()
                .filter_map(|id| regions.iter().find(|r| r.id == *id))
                .map(|r| r.name_zh.clone())
                .collect();
            names.extend(
                scope
                    .industries
                    .iter()
                    .filter_map(|id| industries.iter().find(|i| i.id == *id))
                    .map(|i| format!("{}产业", i.name_zh)),
            );
            names.join("、")
        });
        let title = match &scope_name {
            Some(n) if !n.is_empty() => {
                format!("{year}年{month}月重大项目月度调度通报（{n}）")
            }
            _ => format!("{year}年{month}月重大项目月度调度通报"),
        };
        let chart = RateChart {
            caption: format!("{year}年{month}月各产业年度投资完成率"),
            bars: figures
                .by_industry
                .iter()
                .map(|r| RateBar {
                    label: r.name.clone(),
                    tenths: r.rate_tenths,
                    note: format!(
                        "{}/{}亿元",
                        r.year_completed.yi_display(),
                        r.year_plan.yi_display()
                    ),
                })
                .collect(),
            reference: Some(("序时进度".into(), figures.time_tenths)),
        }
        .render();
        Ok(Digest {
            year,
            month,
            title,
            scope_name: scope_name.filter(|n| !n.is_empty()),
            figures,
            chart,
            open_problems,
            open_problems_total,
            overdue_tasks,
            overdue_tasks_total,
            as_of,
        })
    }

    /// The digest as Word and PDF: made when what it says has changed since it was last made
    /// for this scope and month, the stored one otherwise.
    pub async fn document(&self, year: i32, month: u32) -> Result<IssuedDocument> {
        let digest = self.digest(year, month).await?;
        let doc = digest.document();
        let key = scope_key(self.0.scope());
        let edition = self
            .0
            .store()
            .digest_edition(dongneng_domain::project::ym(year, month), &key)
            .await?;
        let source = DocumentSource {
            kind: SourceKind::DigestEdition,
            id: edition,
            version: Digest::content_version(&doc),
        };
        self.0.svc().issue_document(&self.0, source, doc).await
    }

    /// One format of the digest, with its bytes.
    pub async fn document_file(
        &self,
        year: i32,
        month: u32,
        format: DocumentFormat,
    ) -> Result<(StoredDocument, Vec<u8>)> {
        let issued = self.document(year, month).await?;
        self.0.svc().issued_bytes(&issued, format).await
    }

    /// The digest's tables as an xlsx workbook (one sheet a table) and its file name.
    pub async fn xlsx(&self, year: i32, month: u32) -> Result<(String, Vec<u8>)> {
        let digest = self.digest(year, month).await?;
        let sheets: Vec<(String, Table)> = digest
            .tables()
            .into_iter()
            .map(|t| (t.title, t.table))
            .collect();
        let title = digest.title.clone();
        let bytes = tokio::task::spawn_blocking(move || {
            dongneng_office::write_tables_xlsx(&title, &sheets)
        })
        .await
        .map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))?
        .map_err(|e| ServiceError::Internal(format!("xlsx: {e}")))?;
        Ok((format!("{}.xlsx", digest.title), bytes))
    }
}

impl Service {
    /// Who may read a stored digest edition: a reader of the digest whose scope is the
    /// edition's (or the whole city).
    pub(crate) async fn digest_edition_access(&self, actor: &Actor, id: i64) -> Result<Access> {
        let access = self.grant(actor, Permission::ViewDigest)?;
        let (_, key) = self
            .store()
            .get_digest_edition(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if access.scope().all || scope_key(access.scope()) == key {
            Ok(access)
        } else {
            Err(ServiceError::Forbidden)
        }
    }
}
