//! The demo's meetings over the demo year: two joint meetings, a site visit in 张店区, a
//! thematic coordination, and the four quarterly on-site meetings (two industries each), held
//! with their agenda, attendees, outcomes, minutes and decisions — each decision a key task of
//! its owner, some of them 市财政局's (the `dept` account) and some past their deadline — and
//! one joint meeting still planned.

use crate::Service;
use crate::error::{Result, ServiceError};
use crate::profiles::demo::day;
use dongneng_domain::meeting::{
    AgendaInput, AttendeeInput, DecisionInput, MeetingInput, MeetingKind, MeetingMode, MeetingStep,
};
use dongneng_domain::task::{TaskInput, TaskSource};
use dongneng_store::{AuditBy, NewMeeting, NewTask};
use std::collections::HashMap;

/// A decision: title, owner, deadline.
type Dec = (&'static str, &'static str, &'static str);

struct Plan {
    title: &'static str,
    kind: MeetingKind,
    mode: MeetingMode,
    held_on: &'static str,
    place: &'static str,
    region: Option<&'static str>,
    industries: &'static [&'static str],
    agenda: &'static [(&'static str, &'static str)],
    decisions: &'static [Dec],
    /// Held and its minutes published (else held only; a future one stays planned).
    published: bool,
}

const PLANS: &[Plan] = &[
    Plan {
        title: "2026年第一次新旧动能转换联席会议",
        kind: MeetingKind::Joint,
        mode: MeetingMode::OnSite,
        held_on: "2026-02-12",
        place: "市政府第一会议室",
        region: None,
        industries: &[
            "new_materials",
            "intelligent_equipment",
            "new_medicine",
            "electronic_information",
        ],
        agenda: &[
            (
                "通报2025年重大项目建设情况",
                "会议听取了通报，要求各专班对照年度计划查漏补缺。",
            ),
            (
                "研究2026年重点任务分工",
                "原则同意分工方案，由市发改委印发。",
            ),
        ],
        decisions: &[
            ("印发2026年重点任务分工方案", "ndrc", "2026-03-10"),
            ("统筹安排年度重大项目市级配套资金", "finance", "2026-04-30"),
        ],
        published: true,
    },
    Plan {
        title: "2026年第一季度现场推进会（新材料、智能装备）",
        kind: MeetingKind::Quarterly,
        mode: MeetingMode::OnSite,
        held_on: "2026-03-26",
        place: "齐鲁化学工业区管委会",
        region: None,
        industries: &["new_materials", "intelligent_equipment"],
        agenda: &[
            (
                "观摩新材料重点项目现场",
                "现场观摩 3 个项目，进度总体符合计划。",
            ),
            ("通报两个产业重点任务推进情况", "要求逾期任务于月底前销号。"),
        ],
        decisions: &[
            (
                "协调新材料产业园扩区用地指标",
                "natural_resources",
                "2026-06-30",
            ),
            ("兑现首台（套）装备奖励资金", "finance", "2026-05-31"),
        ],
        published: true,
    },
    Plan {
        title: "张店区新材料项目现场调研",
        kind: MeetingKind::SiteVisit,
        mode: MeetingMode::OnSite,
        held_on: "2026-05-13",
        place: "张店区新材料产业园",
        region: Some("370303"),
        industries: &["new_materials"],
        agenda: &[(
            "调研园区基础设施配套",
            "园区道路、管网配套需加快，区政府牵头推进。",
        )],
        decisions: &[("加快园区双回路供电工程", "miit", "2026-08-31")],
        published: true,
    },
    Plan {
        title: "2026年第二季度现场推进会（新医药、电子信息）",
        kind: MeetingKind::Quarterly,
        mode: MeetingMode::Video,
        held_on: "2026-06-25",
        place: "",
        region: None,
        industries: &["new_medicine", "electronic_information"],
        agenda: &[
            (
                "通报新医药产业重点任务推进情况",
                "重点任务推进有序，两项逾期任务限期办结。",
            ),
            ("研究电子信息产业链招商", "同意组建产业链招商小分队。"),
        ],
        decisions: &[
            ("设立新医药产业引导基金子基金", "finance", "2026-09-30"),
            ("组建电子信息产业链招商小分队", "commerce", "2026-07-31"),
        ],
        published: true,
    },
    Plan {
        title: "重大项目融资专题协调会",
        kind: MeetingKind::Thematic,
        mode: MeetingMode::OnSite,
        held_on: "2026-07-09",
        place: "市发改委第三会议室",
        region: None,
        industries: &["new_materials", "new_medicine"],
        agenda: &[(
            "协调重大项目融资难题",
            "金融机构对接 6 个项目，形成融资清单。",
        )],
        decisions: &[
            (
                "建立重大项目融资对接清单",
                "local_finance_regulation",
                "2026-08-15",
            ),
            ("落实融资担保风险补偿资金", "finance", "2026-10-31"),
        ],
        published: true,
    },
    Plan {
        title: "2026年第二次新旧动能转换联席会议",
        kind: MeetingKind::Joint,
        mode: MeetingMode::OnSite,
        held_on: "2026-08-13",
        place: "市政府第一会议室",
        region: None,
        industries: &[
            "new_materials",
            "intelligent_equipment",
            "new_medicine",
            "electronic_information",
        ],
        agenda: &[(
            "通报上半年重点任务推进情况",
            "上半年任务完成率 78%，要求下半年加压推进。",
        )],
        decisions: &[(
            "开展重点任务逾期事项专项督办",
            "government_office",
            "2026-09-15",
        )],
        published: true,
    },
    Plan {
        title: "2026年第三季度现场推进会（智能装备、新材料）",
        kind: MeetingKind::Quarterly,
        mode: MeetingMode::OnSite,
        held_on: "2026-09-24",
        place: "淄博高新区智能装备产业园",
        region: None,
        industries: &["intelligent_equipment", "new_materials"],
        agenda: &[(
            "观摩智能装备重点项目",
            "项目投资完成率偏低，要求加快设备安装。",
        )],
        decisions: &[
            ("拨付智能装备技改专项资金", "finance", "2026-11-15"),
            ("协调重点项目能耗指标", "ndrc", "2026-12-31"),
        ],
        published: true,
    },
    Plan {
        title: "2026年第四季度现场推进会（电子信息、新医药）",
        kind: MeetingKind::Quarterly,
        mode: MeetingMode::OnSite,
        held_on: "2026-11-26",
        place: "淄博经济开发区",
        region: None,
        industries: &["electronic_information", "new_medicine"],
        agenda: &[
            (
                "通报全年重点任务完成情况",
                "全年任务总体完成，6 项需跨年推进。",
            ),
            (
                "研究2027年产业推进重点",
                "形成 2027 年工作思路，提交联席会议审议。",
            ),
        ],
        decisions: &[
            ("编制2027年产业推进工作要点", "ndrc", "2027-01-15"),
            ("安排2027年产业发展专项资金预算", "finance", "2027-01-31"),
        ],
        published: false,
    },
    Plan {
        title: "2026年第三次新旧动能转换联席会议",
        kind: MeetingKind::Joint,
        mode: MeetingMode::OnSite,
        held_on: "2026-12-29",
        place: "市政府第一会议室",
        region: None,
        industries: &[
            "new_materials",
            "intelligent_equipment",
            "new_medicine",
            "electronic_information",
        ],
        agenda: &[("审议2027年重点任务安排", "")],
        decisions: &[],
        published: false,
    },
];

fn find(map: &HashMap<String, i64>, key: &str) -> Result<i64> {
    map.get(key)
        .copied()
        .ok_or_else(|| ServiceError::Internal(format!("demo meetings: no {key}")))
}

impl Service {
    /// Loads the demo's meetings (see the module's note).
    pub(crate) async fn load_demo_meetings(
        &self,
        industries: &HashMap<String, i64>,
        departments: &HashMap<String, i64>,
        regions: &HashMap<String, i64>,
        by: &AuditBy,
    ) -> Result<()> {
        let store = self.store();
        let leaders = self.leader_names().await?;
        let Some(&(chair, _)) = leaders.first() else {
            return Ok(());
        };
        let organiser = find(departments, "ndrc")?;
        let today = dongneng_domain::clock::today();
        for p in PLANS {
            let held_on = day(p.held_on)?;
            let industry_ids = p
                .industries
                .iter()
                .map(|k| find(industries, k))
                .collect::<Result<Vec<_>>>()?;
            let video = p.mode == MeetingMode::Video;
            let mut input = MeetingInput {
                title: p.title.into(),
                kind: p.kind,
                mode: p.mode,
                held_on,
                place: (!video).then(|| p.place.to_string()),
                video_link: video.then(|| "https://meeting.zibo.gov.cn/room/2026q2".to_string()),
                chair_user_id: chair,
                organiser_department_id: organiser,
                industry_ids: industry_ids.clone(),
                region_id: p.region.map(|r| find(regions, r)).transpose()?,
                extra: false,
            };
            input.tidy();
            let new = NewMeeting {
                input,
                proposed_industry_ids: if p.kind == MeetingKind::Quarterly {
                    let mut ids = industry_ids.clone();
                    ids.sort_unstable();
                    ids
                } else {
                    vec![]
                },
                followed_proposal: p.kind == MeetingKind::Quarterly,
            };
            let mut m = store.create_meeting(&new, by).await?;
            let attendee = AttendeeInput {
                user_id: Some(chair),
                guest_name: None,
                guest_org: None,
            };
            store.add_attendee(m.id, m.version, &attendee, by).await?;
            m.version += 1;
            let guest = AttendeeInput {
                user_id: None,
                guest_name: Some("王立新".into()),
                guest_org: Some("山东理工大学新材料研究院".into()),
            };
            store.add_attendee(m.id, m.version, &guest, by).await?;
            m.version += 1;
            let mut items = Vec::new();
            for (topic, _) in p.agenda {
                let item = AgendaInput {
                    topic: (*topic).into(),
                    problem_id: None,
                };
                items.push(store.add_agenda_item(m.id, m.version, &item, by).await?);
                m.version += 1;
            }
            if held_on > today {
                continue;
            }
            m = store
                .move_meeting(m.id, m.version, MeetingStep::Hold, None, by)
                .await?;
            for (item, (_, outcome)) in items.iter().zip(p.agenda) {
                store
                    .record_outcome(m.id, m.version, item.id, outcome, by)
                    .await?;
                m.version += 1;
            }
            for (title, owner, deadline) in p.decisions {
                let lead = find(departments, owner)?;
                let decision = DecisionInput {
                    title: (*title).into(),
                    details: format!("{}议定事项。", p.title),
                    lead_department_id: Some(lead),
                    co_department_ids: vec![],
                    deadline: Some(day(deadline)?),
                    industry_id: industry_ids.first().copied(),
                };
                let mut task = NewTask {
                    input: TaskInput {
                        title: decision.title.clone(),
                        details: decision.details.clone(),
                        source: TaskSource::MeetingDecision,
                        work_plan_id: None,
                        industry_id: decision.industry_id,
                        region_id: m.region_id,
                        lead_department_id: lead,
                        co_department_ids: vec![],
                        responsible_person: None,
                        leader_user_id: Some(chair),
                        deadline: day(deadline)?,
                    },
                    source_id: Some(m.id),
                    issuer: TaskSource::MeetingDecision.issuer(),
                    issued_on: held_on,
                };
                self.check_new_task(&mut task)
                    .await
                    .map_err(|e| ServiceError::Internal(format!("demo decision {title}: {e:?}")))?;
                store
                    .add_decision(m.id, m.version, &decision, &task, by)
                    .await?;
                m.version += 1;
            }
            let minutes = minutes_of(p);
            m = store.save_minutes(m.id, m.version, &minutes, by).await?;
            if p.published {
                store
                    .move_meeting(m.id, m.version, MeetingStep::Publish, None, by)
                    .await?;
            }
        }
        Ok(())
    }
}

/// The minutes of a demo meeting: its agenda's outcomes and its decisions.
fn minutes_of(p: &Plan) -> String {
    let mut text = format!("{}于{}召开。会议纪要如下：\n", p.title, p.held_on);
    for (i, (topic, outcome)) in p.agenda.iter().enumerate() {
        text.push_str(&format!("{}、{}。{}\n", i + 1, topic, outcome));
    }
    if !p.decisions.is_empty() {
        text.push_str("会议议定事项见附表，各责任单位按期办结。\n");
    }
    text
}
