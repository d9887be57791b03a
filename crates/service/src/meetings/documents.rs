//! A meeting's official documents (公文): the notice (会议通知), the minutes (会议纪要) with its
//! decisions table, and the pack (会议材料) — each laid out from what the meeting says
//! ([`MeetingPapers`], [`MeetingPack`]) and kept with the meeting's other documents, made once
//! per version of the meeting.

use super::{MeetingPack, MeetingReader};
use crate::documents::{DocumentSource, IssuedDocument};
use crate::error::{Result, ServiceError};
use chrono::NaiveDate;
use dongneng_domain::clock;
use dongneng_domain::document::{
    Block, DocumentFormat, DocumentKind, HeadingLevel, OfficialDocument, SourceKind, Table,
    chinese_date,
};
use dongneng_domain::meeting::{MeetingKind, MeetingMode};
use dongneng_domain::task::TaskStatus;
use dongneng_store::{Meeting, StoredDocument};

/// The issuing organ of the programme's meeting documents.
const ORGAN: &str = "淄博市新旧动能转换重大工程建设领导小组办公室";

/// What a meeting's notice and minutes say, with every id resolved to its name.
#[derive(Debug, Clone)]
pub struct MeetingPapers {
    pub meeting: Meeting,
    pub kind: String,
    pub chair: String,
    pub organiser: String,
    pub industries: Vec<String>,
    pub attendees: Vec<String>,
    /// Topic and outcome.
    pub agenda: Vec<(String, String)>,
    /// Title, owner, deadline, the task's status.
    pub decisions: Vec<(String, String, NaiveDate, String)>,
}

/// A task's status as a Chinese document writes it.
fn status_zh(s: TaskStatus) -> &'static str {
    match s {
        TaskStatus::NotStarted => "未开始",
        TaskStatus::InProgress => "推进中",
        TaskStatus::PendingCheck => "待验收",
        TaskStatus::Closed => "已办结",
        TaskStatus::Cancelled => "已取消",
    }
}

/// A meeting's kind as a Chinese document writes it.
fn kind_zh(k: MeetingKind) -> &'static str {
    match k {
        MeetingKind::Joint => "联席会议",
        MeetingKind::SiteVisit => "现场调研",
        MeetingKind::Thematic => "专题协调",
        MeetingKind::Quarterly => "现场推进会",
    }
}

fn heading(text: &str) -> Block {
    Block::Heading {
        level: HeadingLevel::One,
        text: text.into(),
    }
}

/// Text as paragraphs: one a line, without control characters.
fn paragraphs(text: &str) -> Vec<Block> {
    text.lines()
        .map(|l| l.replace(|c: char| c.is_control(), " ").trim().to_string())
        .filter(|l| !l.is_empty())
        .map(Block::Paragraph)
        .collect()
}

fn place(m: &Meeting) -> String {
    match (m.mode, &m.place, &m.video_link) {
        (MeetingMode::Video, _, Some(link)) => format!("视频会议（{link}）"),
        (_, Some(p), _) => p.clone(),
        _ => "另行通知".into(),
    }
}

/// The notice: when, where, who chairs, who attends, the agenda.
pub fn notice_document(p: &MeetingPapers) -> OfficialDocument {
    let m = &p.meeting;
    let mut body = vec![
        Block::Paragraph(format!(
            "经研究，定于{}召开{}。现将有关事项通知如下：",
            chinese_date(m.held_on),
            m.title
        )),
        heading("会议时间"),
        Block::Paragraph(chinese_date(m.held_on)),
        heading("会议地点"),
        Block::Paragraph(place(m)),
        heading("主持领导"),
        Block::Paragraph(if p.chair.is_empty() {
            "市领导".into()
        } else {
            p.chair.clone()
        }),
    ];
    if !p.industries.is_empty() {
        body.push(heading("涉及产业"));
        body.push(Block::Paragraph(p.industries.join("、")));
    }
    body.push(heading("参会人员"));
    body.push(Block::Paragraph(if p.attendees.is_empty() {
        "各有关单位主要负责同志。".into()
    } else {
        format!("{}。", p.attendees.join("、"))
    }));
    if !p.agenda.is_empty() {
        body.push(heading("会议议程"));
        body.extend(
            p.agenda
                .iter()
                .enumerate()
                .map(|(i, (topic, _))| Block::Paragraph(format!("{}. {topic}", i + 1))),
        );
    }
    body.push(Block::Paragraph("请参会人员准时参加，不得缺席。".into()));
    OfficialDocument {
        kind: DocumentKind::MeetingNotice,
        organ: ORGAN.into(),
        number: None,
        title: format!("关于召开{}的通知", m.title),
        addressees: vec!["各有关单位".into()],
        body,
        attachments: vec![],
        signature: p.organiser.clone(),
        date: clock::day_of(m.created_at),
        copy_to: vec![],
    }
}

/// The minutes: the meeting in one paragraph, its agenda with outcomes, the minutes as
/// written, and the table of its decisions (每项议定事项的牵头单位、完成时限).
pub fn minutes_document(p: &MeetingPapers) -> OfficialDocument {
    let m = &p.meeting;
    let mut body = vec![Block::Paragraph(format!(
        "{}，{}在{}主持召开{}（{}）。{}",
        chinese_date(m.held_on),
        if p.chair.is_empty() {
            "市领导"
        } else {
            &p.chair
        },
        place(m),
        m.title,
        p.kind,
        if p.attendees.is_empty() {
            String::new()
        } else {
            format!("{}参加会议。", p.attendees.join("、"))
        }
    ))];
    if !p.agenda.is_empty() {
        body.push(heading("会议议程及结果"));
        for (topic, outcome) in &p.agenda {
            body.push(Block::Heading {
                level: HeadingLevel::Two,
                text: topic.clone(),
            });
            if !outcome.is_empty() {
                body.extend(paragraphs(outcome));
            }
        }
    }
    if !m.minutes.trim().is_empty() {
        body.push(heading("会议纪要"));
        body.extend(paragraphs(&m.minutes));
    }
    body.push(heading("议定事项"));
    if p.decisions.is_empty() {
        body.push(Block::Paragraph("本次会议无议定事项。".into()));
    } else {
        body.push(Block::Paragraph(
            "会议议定以下事项，列入重点任务，由牵头单位按期办结：".into(),
        ));
        body.push(Block::Table(Table {
            header: vec![
                "序号".into(),
                "议定事项".into(),
                "牵头单位".into(),
                "完成时限".into(),
                "办理状态".into(),
            ],
            rows: p
                .decisions
                .iter()
                .enumerate()
                .map(|(i, (title, lead, deadline, status))| {
                    vec![
                        (i + 1).to_string(),
                        title.clone(),
                        lead.clone(),
                        chinese_date(*deadline),
                        status.clone(),
                    ]
                })
                .collect(),
        }));
    }
    OfficialDocument {
        kind: DocumentKind::MeetingMinutes,
        organ: ORGAN.into(),
        number: None,
        title: format!("{}纪要", m.title),
        addressees: vec![],
        body,
        attachments: vec![],
        signature: p.organiser.clone(),
        date: m.published_at.map(clock::day_of).unwrap_or(m.held_on),
        copy_to: vec![],
    }
}

/// The pack: per industry, its key tasks, projects behind plan, open problems and the new
/// tasks decided.
pub fn pack_document(pack: &MeetingPack, organiser: &str) -> OfficialDocument {
    let m = &pack.meeting;
    let status = |s: &TaskStatus| status_zh(*s).to_string();
    let mut body = vec![Block::Paragraph(format!(
        "现将{}涉及产业的重点任务推进情况、滞后项目、未解决问题和本次会议新部署任务汇总如下（截至{}）。",
        m.title,
        chinese_date(pack.as_of)
    ))];
    for i in &pack.industries {
        body.push(heading(&format!("{}产业", i.name_zh)));
        let n = &i.tasks;
        body.push(Block::Heading {
            level: HeadingLevel::Two,
            text: "重点任务推进情况".into(),
        });
        body.push(Block::Paragraph(format!(
            "共{}项：未开始{}项，推进中{}项，待验收{}项，已办结{}项；逾期{}项。",
            n.all, n.not_started, n.in_progress, n.pending_check, n.closed, n.overdue
        )));
        let task_rows = |list: &[dongneng_store::TaskEntry]| -> Vec<Vec<String>> {
            list.iter()
                .enumerate()
                .map(|(k, t)| {
                    vec![
                        (k + 1).to_string(),
                        t.task.title.clone(),
                        chinese_date(t.task.deadline),
                        status(&t.task.status),
                    ]
                })
                .collect()
        };
        let task_header = || {
            vec![
                "序号".into(),
                "任务".into(),
                "完成时限".into(),
                "状态".into(),
            ]
        };
        if !i.overdue_tasks.is_empty() {
            body.push(Block::Paragraph("逾期任务：".into()));
            body.push(Block::Table(Table {
                header: task_header(),
                rows: task_rows(&i.overdue_tasks),
            }));
        }
        body.push(Block::Heading {
            level: HeadingLevel::Two,
            text: "滞后项目".into(),
        });
        if i.behind_projects.is_empty() {
            body.push(Block::Paragraph("无。".into()));
        } else {
            body.push(Block::Table(Table {
                header: vec![
                    "序号".into(),
                    "项目".into(),
                    "预警".into(),
                    "年度计划投资（万元）".into(),
                    "年度完成投资（万元）".into(),
                ],
                rows: i
                    .behind_projects
                    .iter()
                    .enumerate()
                    .map(|(k, p)| {
                        vec![
                            (k + 1).to_string(),
                            p.name.clone(),
                            if p.warning_level == "red" {
                                "红色"
                            } else {
                                "黄色"
                            }
                            .into(),
                            dongneng_domain::Money(p.year_plan).wan_display(),
                            dongneng_domain::Money(p.year_completed).wan_display(),
                        ]
                    })
                    .collect(),
            }));
        }
        body.push(Block::Heading {
            level: HeadingLevel::Two,
            text: "未解决问题".into(),
        });
        if i.open_problems.is_empty() {
            body.push(Block::Paragraph("无。".into()));
        } else {
            body.extend(i.open_problems.iter().map(|p| {
                Block::Paragraph(format!(
                    "{} {}",
                    dongneng_domain::problem::number(p.year as i32, p.seq),
                    p.title
                ))
            }));
        }
        body.push(Block::Heading {
            level: HeadingLevel::Two,
            text: "本次会议新部署任务".into(),
        });
        if i.decided.is_empty() {
            body.push(Block::Paragraph("无。".into()));
        } else {
            body.push(Block::Table(Table {
                header: task_header(),
                rows: task_rows(&i.decided),
            }));
        }
    }
    OfficialDocument {
        kind: DocumentKind::MeetingPack,
        organ: ORGAN.into(),
        number: None,
        title: format!("{}会议材料", m.title),
        addressees: vec![],
        body,
        attachments: vec![],
        signature: organiser.into(),
        date: pack.as_of,
        copy_to: vec![],
    }
}

/// Which of a meeting's documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeetingPaper {
    Notice,
    Minutes,
    Pack,
}

impl MeetingPaper {
    /// `notice.docx` → (notice, DOCX).
    pub fn parse_file(file: &str) -> Option<(MeetingPaper, DocumentFormat)> {
        let (name, ext) = file.rsplit_once('.')?;
        let paper = match name {
            "notice" => MeetingPaper::Notice,
            "minutes" => MeetingPaper::Minutes,
            "pack" => MeetingPaper::Pack,
            _ => return None,
        };
        let format = DocumentFormat::parse(ext)?;
        Some((paper, format))
    }
}

impl MeetingReader {
    /// The meeting's notice and minutes as they say, names resolved.
    pub async fn papers(&self, id: i64) -> Result<MeetingPapers> {
        let d = self.detail(id).await?;
        let store = self.0.store();
        let leaders = self.0.svc().leader_names().await?;
        let departments = store.list_departments().await?;
        let industries = store.list_industries().await?;
        let dept = |id: i64| {
            departments
                .iter()
                .find(|d| d.id == id)
                .map(|d| d.name_zh.clone())
                .unwrap_or_default()
        };
        let leader = |id: i64| {
            leaders
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        };
        let m = d.meeting;
        Ok(MeetingPapers {
            kind: kind_zh(m.kind).to_string(),
            chair: leader(m.chair_user_id),
            organiser: dept(m.organiser_department_id),
            industries: m
                .industry_ids
                .iter()
                .filter_map(|i| industries.iter().find(|x| x.id == *i))
                .map(|i| i.name_zh.clone())
                .collect(),
            attendees: d
                .attendees
                .iter()
                .filter_map(|a| match (&a.user_id, &a.guest_name) {
                    (Some(u), _) => Some(leader(*u)).filter(|n| !n.is_empty()),
                    (None, Some(g)) => Some(match &a.guest_org {
                        Some(o) => format!("{o}{g}"),
                        None => g.clone(),
                    }),
                    _ => None,
                })
                .collect(),
            agenda: d
                .agenda
                .iter()
                .map(|a| (a.topic.clone(), a.outcome.clone().unwrap_or_default()))
                .collect(),
            decisions: d
                .decisions
                .iter()
                .map(|e| {
                    (
                        e.decision.title.clone(),
                        dept(e.decision.lead_department_id),
                        e.decision.deadline,
                        e.task
                            .as_ref()
                            .map(|t| status_zh(t.task.status).to_string())
                            .unwrap_or_default(),
                    )
                })
                .collect(),
            meeting: m,
        })
    }

    /// One of the meeting's documents, made and stored the first time it is asked for at the
    /// meeting's present version, served from the store after that.
    pub async fn document(&self, id: i64, paper: MeetingPaper) -> Result<IssuedDocument> {
        let papers = self.papers(id).await?;
        let doc = match paper {
            MeetingPaper::Notice => notice_document(&papers),
            MeetingPaper::Minutes => minutes_document(&papers),
            MeetingPaper::Pack => pack_document(&self.pack(id).await?, &papers.organiser),
        };
        let source = DocumentSource {
            kind: SourceKind::Meeting,
            id,
            version: papers.meeting.version,
        };
        self.0.svc().issue_document(&self.0, source, doc).await
    }

    /// One file (`notice.docx`, `minutes.pdf`, `pack.docx` …) of the meeting's documents.
    pub async fn document_file(&self, id: i64, file: &str) -> Result<(StoredDocument, Vec<u8>)> {
        let (paper, format) = MeetingPaper::parse_file(file).ok_or(ServiceError::NotFound)?;
        let issued = self.document(id, paper).await?;
        self.0.svc().issued_bytes(&issued, format).await
    }
}
