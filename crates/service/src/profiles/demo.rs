//! Demo coordination structures for the four strong industries (新材料, 智能装备, 新医药,
//! 电子信息): plausible Zibo content, with people named generically (张某某). Every input goes
//! through the same tidy-and-validate rules as a user's would.

use crate::Service;
use crate::error::{Result, ServiceError};
use chrono::NaiveDate;
use dongneng_domain::FieldErrors;
use dongneng_domain::profile::{
    AllianceInput, AllianceKind, AllianceMemberInput, AlliancePlanKind, AlliancePlanStatus,
    AllianceRole, ExpertInput, MemberRole, PlanStatus, PlanStatusMove, SpecialPlanInput,
    StructureInput, TaskforceMemberInput, WorkPlanInput,
};
use dongneng_domain::task::{Issuer, TaskInput, TaskSource, TaskStatus};
use dongneng_store::{AuditBy, NewFile, NewTask};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// name, specialty, affiliation, title, joined, left
type DemoExpert = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

/// title, departments, drafted, moves (status, date)
type DemoPlan = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static [(PlanStatus, &'static str)],
);

/// One industry's demo structure. Departments are keys of the demo reference data.
struct Demo {
    industry: &'static str,
    leader: &'static str,
    lead: &'static str,
    responsible: &'static [&'static str],
    counterpart: &'static str,
    /// name, department, post, role, contact
    members: &'static [(&'static str, &'static str, &'static str, MemberRole, bool)],
    experts: &'static [DemoExpert],
    alliance: &'static str,
    alliance_kind: AllianceKind,
    plan_kind: AlliancePlanKind,
    alliance_plan: &'static str,
    alliance_status: AlliancePlanStatus,
    /// enterprise, credit code, role
    enterprises: &'static [(&'static str, Option<&'static str>, AllianceRole)],
    plans: &'static [DemoPlan],
    goals: &'static str,
    /// The work plan's measures (key tasks): content, lead department, responsible person,
    /// deadline, status reached.
    measures: &'static [(
        &'static str,
        &'static str,
        Option<&'static str>,
        &'static str,
        TaskStatus,
    )],
}

use AllianceRole as AR;
use MemberRole as MR;
use PlanStatus as PS;
use TaskStatus as MS;

const DEMOS: &[Demo] = &[
    Demo {
        industry: "new_materials",
        leader: "市领导（分管新材料产业）",
        lead: "miit",
        responsible: &["sci_tech", "ndrc", "commerce", "ecology_env"],
        counterpart: "省新材料产业专班（省工业和信息化厅牵头）。每月对接一次，重点争取省新旧动能转换基金、省重大项目和省级专家智库支持。",
        members: &[
            ("张某某", "miit", "局长", MR::Head, false),
            ("李某某", "miit", "副局长", MR::Deputy, false),
            ("王某", "sci_tech", "副局长", MR::Member, false),
            ("赵某某", "ndrc", "产业发展科科长", MR::Member, false),
            ("陈某", "miit", "原材料工业科科长", MR::Member, true),
        ],
        experts: &[
            (
                "周某某",
                "高分子材料",
                "山东理工大学",
                "教授",
                "2020-09-01",
                None,
            ),
            (
                "吴某",
                "先进陶瓷",
                "省属科研院所",
                "研究员",
                "2020-09-01",
                None,
            ),
            (
                "郑某某",
                "氟硅材料",
                "重点企业技术中心",
                "正高级工程师",
                "2021-03-15",
                None,
            ),
            (
                "孙某",
                "新型建材",
                "高校材料学院",
                "教授",
                "2020-09-01",
                Some("2024-12-31"),
            ),
        ],
        alliance: "淄博市新材料产业联盟",
        alliance_kind: AllianceKind::Alliance,
        plan_kind: AlliancePlanKind::Formation,
        alliance_plan: "由市工业和信息化局牵头，联合骨干企业、高校和科研院所组建产业联盟，设理事会和秘书处，推动产业链上下游协作配套、创新产品联合推广。",
        alliance_status: AlliancePlanStatus::Completed,
        enterprises: &[
            (
                "山东某某新材料股份有限公司",
                Some("91370300MA3C100A0T"),
                AR::Chair,
            ),
            (
                "淄博某某高分子材料有限公司",
                Some("91370303MA3D200B1L"),
                AR::ViceChair,
            ),
            (
                "山东某某先进陶瓷科技有限公司",
                Some("91370304MA3E300C2H"),
                AR::Member,
            ),
            ("淄博某某氟硅材料有限公司", None, AR::Member),
        ],
        plans: &[
            (
                "淄博市新材料产业发展专项规划（2021—2025年）",
                &["miit", "ndrc"],
                "2020-07-01",
                &[
                    (PS::UnderReview, "2020-11-16"),
                    (PS::Approved, "2021-01-20"),
                    (PS::Published, "2021-02-10"),
                ],
            ),
            (
                "淄博市新材料产业高质量发展行动方案（2026—2028年）",
                &["miit", "sci_tech"],
                "2025-11-03",
                &[(PS::UnderReview, "2026-05-18")],
            ),
        ],
        goals: "新材料产业营业收入保持两位数增长；新开工过10亿元项目5个以上；新培育省级以上创新平台3家。",
        measures: &[
            (
                "推动高性能膜材料等重点项目一季度集中开工",
                "miit",
                Some("李某某"),
                "2026-03-31",
                MS::InProgress,
            ),
            (
                "组织新材料首批次应用保险补偿申报",
                "miit",
                None,
                "2026-06-30",
                MS::Closed,
            ),
            (
                "建设新材料中试基地，年内完成主体工程",
                "sci_tech",
                Some("王某"),
                "2026-12-31",
                MS::InProgress,
            ),
            (
                "开展新材料产业链精准招商活动不少于4场",
                "commerce",
                None,
                "2026-12-31",
                MS::NotStarted,
            ),
        ],
    },
    Demo {
        industry: "intelligent_equipment",
        leader: "市领导（分管智能装备产业）",
        lead: "miit",
        responsible: &["sci_tech", "commerce", "hrss"],
        counterpart: "省高端装备产业专班。季度会商，衔接首台（套）技术装备认定和省级智能制造示范项目。",
        members: &[
            ("钱某某", "miit", "局长", MR::Head, false),
            ("冯某", "miit", "副局长", MR::Deputy, false),
            ("褚某某", "commerce", "副局长", MR::Member, false),
            ("卫某", "miit", "装备工业科科长", MR::Member, true),
        ],
        experts: &[
            (
                "蒋某某",
                "工业机器人",
                "山东理工大学",
                "教授",
                "2021-01-10",
                None,
            ),
            (
                "沈某",
                "数控机床",
                "省属科研院所",
                "研究员",
                "2021-01-10",
                None,
            ),
            (
                "韩某某",
                "智能制造系统",
                "重点企业研究院",
                "正高级工程师",
                "2022-05-20",
                None,
            ),
        ],
        alliance: "淄博市智能装备产业协会",
        alliance_kind: AllianceKind::Association,
        plan_kind: AlliancePlanKind::Merger,
        alliance_plan: "整合原机械工业协会装备分会和机器人应用推广中心，组建智能装备产业协会，统一承担行业自律、标准宣贯和市场对接。",
        alliance_status: AlliancePlanStatus::InProgress,
        enterprises: &[
            (
                "淄博某某智能装备有限公司",
                Some("91370305MA3F400D3E"),
                AR::Chair,
            ),
            (
                "山东某某机器人科技有限公司",
                Some("91370321MA3G500E42"),
                AR::SecretaryGeneral,
            ),
            ("淄博某某数控机床有限公司", None, AR::Member),
        ],
        plans: &[
            (
                "淄博市智能装备产业专项规划（2021—2025年）",
                &["miit"],
                "2020-08-01",
                &[
                    (PS::UnderReview, "2020-12-10"),
                    (PS::Approved, "2021-03-01"),
                ],
            ),
            (
                "淄博市工业机器人应用推广专项规划",
                &["miit", "sci_tech"],
                "2026-02-16",
                &[],
            ),
        ],
        goals: "智能装备产业营业收入增长12%；认定省首台（套）技术装备10项以上。",
        measures: &[
            (
                "完成首台（套）技术装备推荐申报",
                "miit",
                Some("卫某"),
                "2026-04-30",
                MS::Closed,
            ),
            (
                "推进智能制造示范工厂建设，新增市级示范10家",
                "miit",
                None,
                "2026-09-30",
                MS::InProgress,
            ),
            (
                "开展装备制造业技能人才专项培训",
                "hrss",
                None,
                "2026-12-31",
                MS::NotStarted,
            ),
        ],
    },
    Demo {
        industry: "new_medicine",
        leader: "市领导（分管新医药产业）",
        lead: "sci_tech",
        responsible: &["miit", "ndrc", "commerce"],
        counterpart: "省医养健康产业专班。重点衔接创新药、医疗器械审评审批绿色通道和省级医药产业基金。",
        members: &[
            ("杨某某", "sci_tech", "局长", MR::Head, false),
            ("朱某", "sci_tech", "副局长", MR::Deputy, false),
            ("秦某某", "miit", "消费品工业科科长", MR::Member, false),
            ("尤某", "sci_tech", "高新技术科科长", MR::Member, true),
        ],
        experts: &[
            (
                "许某某",
                "化学制药",
                "高校药学院",
                "教授",
                "2020-10-12",
                None,
            ),
            (
                "何某",
                "生物医药",
                "省属科研院所",
                "研究员",
                "2020-10-12",
                None,
            ),
            (
                "吕某某",
                "医疗器械",
                "三甲医院",
                "主任医师",
                "2021-06-01",
                Some("2025-06-30"),
            ),
        ],
        alliance: "淄博市生物医药产业创新联盟",
        alliance_kind: AllianceKind::Alliance,
        plan_kind: AlliancePlanKind::Formation,
        alliance_plan: "由市科学技术局提出组建方案，吸纳制药企业、医疗机构和高校组建创新联盟，共建临床试验与中试服务平台。",
        alliance_status: AlliancePlanStatus::Approved,
        enterprises: &[
            (
                "山东某某制药股份有限公司",
                Some("91370302MA3H600F50"),
                AR::Chair,
            ),
            (
                "淄博某某生物科技有限公司",
                Some("91370303MA3J700G6W"),
                AR::Member,
            ),
        ],
        plans: &[
            (
                "淄博市新医药产业发展专项规划（2021—2025年）",
                &["sci_tech", "ndrc"],
                "2020-07-15",
                &[
                    (PS::UnderReview, "2020-12-01"),
                    (PS::Approved, "2021-02-05"),
                    (PS::Published, "2021-03-01"),
                ],
            ),
            (
                "淄博市医药中间体绿色发展专项规划",
                &["sci_tech", "ecology_env"],
                "2026-03-02",
                &[],
            ),
        ],
        goals: "新增一类创新药临床批件2个；医药产业营业收入增长10%。",
        measures: &[
            (
                "推动原料药绿色化改造项目完成环评审批",
                "ecology_env",
                None,
                "2026-05-31",
                MS::InProgress,
            ),
            (
                "组建医药产业中试服务平台",
                "sci_tech",
                Some("尤某"),
                "2026-10-31",
                MS::InProgress,
            ),
            (
                "举办医药产业链对接会",
                "commerce",
                None,
                "2026-12-15",
                MS::NotStarted,
            ),
        ],
    },
    Demo {
        industry: "electronic_information",
        leader: "市领导（分管电子信息产业）",
        lead: "miit",
        responsible: &["sci_tech", "commerce", "ndrc"],
        counterpart: "省新一代信息技术产业专班。重点衔接集成电路、新型显示项目的省级支持政策。",
        members: &[
            ("施某某", "miit", "副局长（主持工作）", MR::Head, false),
            ("张某", "miit", "电子信息科科长", MR::Member, true),
            ("孔某某", "sci_tech", "副局长", MR::Deputy, false),
        ],
        experts: &[
            (
                "曹某某",
                "半导体材料",
                "高校物理学院",
                "教授",
                "2021-04-01",
                None,
            ),
            (
                "严某",
                "工业互联网",
                "通信运营商研究院",
                "高级工程师",
                "2022-08-01",
                None,
            ),
        ],
        alliance: "淄博市电子信息产业联盟",
        alliance_kind: AllianceKind::Alliance,
        plan_kind: AlliancePlanKind::Formation,
        alliance_plan: "整合集成电路、电子元器件和软件企业资源，提出联盟组建方案，待专班审定。",
        alliance_status: AlliancePlanStatus::Proposed,
        enterprises: &[
            (
                "淄博某某电子科技有限公司",
                Some("91370300MA3K800H70"),
                AR::Chair,
            ),
            (
                "山东某某微电子有限公司",
                Some("91370306MA3L900J85"),
                AR::Member,
            ),
        ],
        plans: &[
            (
                "淄博市电子信息产业专项规划（2021—2025年）",
                &["miit"],
                "2020-09-01",
                &[(PS::UnderReview, "2021-01-15")],
            ),
            (
                "淄博市数字经济发展专项规划",
                &["miit", "ndrc"],
                "2026-01-12",
                &[],
            ),
        ],
        goals: "电子信息产业营业收入增长15%；新增省级工业互联网平台2个。",
        measures: &[
            (
                "推进功率半导体器件项目设备安装",
                "miit",
                None,
                "2026-08-31",
                MS::InProgress,
            ),
            (
                "组织企业申报省级工业互联网平台",
                "miit",
                Some("张某"),
                "2026-06-30",
                MS::Closed,
            ),
        ],
    },
];

pub(crate) fn day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| ServiceError::Internal(format!("demo date {s}: {e}")))
}

fn valid(r: std::result::Result<(), FieldErrors>, what: &str) -> Result<()> {
    r.map_err(|e| ServiceError::Internal(format!("demo {what}: {e:?}")))
}

impl Service {
    /// Fills the coordination structure of the four strong industries. `industries` and
    /// `departments` map the demo reference keys to ids.
    pub(crate) async fn load_demo_profiles(
        &self,
        industries: &HashMap<String, i64>,
        departments: &HashMap<String, i64>,
        by: &AuditBy,
    ) -> Result<()> {
        let dept = |key: &str| {
            departments
                .get(key)
                .copied()
                .ok_or_else(|| ServiceError::Internal(format!("demo department {key}")))
        };
        let today = dongneng_domain::clock::today();
        for d in DEMOS {
            let Some(&industry) = industries.get(d.industry) else {
                continue;
            };
            let mut s = StructureInput {
                leader_name: Some(d.leader.into()),
                leader_title: Some("副市长".into()),
                lead_department_id: Some(dept(d.lead)?),
                responsible_department_ids: d
                    .responsible
                    .iter()
                    .map(|k| dept(k))
                    .collect::<Result<_>>()?,
                provincial_counterpart: Some(d.counterpart.into()),
            };
            s.tidy();
            valid(s.validate(), "structure")?;
            self.store.save_structure(industry, 0, &s, by).await?;

            for (i, (name, dk, post, role, contact)) in d.members.iter().enumerate() {
                let mut m = TaskforceMemberInput {
                    person_name: name.to_string(),
                    department_id: Some(dept(dk)?),
                    post: Some(post.to_string()),
                    member_role: *role,
                    is_contact: *contact,
                    sort_order: (i as i32 + 1) * 10,
                };
                m.tidy();
                valid(m.validate(), "member")?;
                self.store.create_taskforce_member(industry, &m, by).await?;
            }

            for (name, specialty, affiliation, title, joined, left) in d.experts {
                let mut e = ExpertInput {
                    person_name: name.to_string(),
                    specialty: specialty.to_string(),
                    affiliation: affiliation.to_string(),
                    professional_title: Some(title.to_string()),
                    joined_on: day(joined)?,
                    left_on: left.map(day).transpose()?,
                    note: left.map(|_| "任期届满，转为历史成员。".to_string()),
                };
                e.tidy();
                valid(e.validate(), "expert")?;
                self.store.create_expert(industry, &e, by).await?;
            }

            let mut a = AllianceInput {
                alliance_name: d.alliance.into(),
                kind: d.alliance_kind,
                plan_kind: d.plan_kind,
                plan: d.alliance_plan.into(),
                plan_status: d.alliance_status,
                note: None,
            };
            a.tidy();
            valid(a.validate(), "alliance")?;
            let alliance = self.store.create_alliance(industry, &a, by).await?;
            for (name, code, role) in d.enterprises {
                let mut m = AllianceMemberInput {
                    enterprise_name: name.to_string(),
                    credit_code: code.map(str::to_string),
                    alliance_role: *role,
                };
                m.tidy();
                valid(m.validate(), "alliance member")?;
                self.store
                    .create_alliance_member(industry, alliance.id, &m, by)
                    .await?;
            }

            for (title, depts, drafted, moves) in d.plans {
                let mut p = SpecialPlanInput {
                    plan_title: title.to_string(),
                    summary: None,
                    drafting_department_ids: depts
                        .iter()
                        .map(|k| dept(k))
                        .collect::<Result<_>>()?,
                    drafted_on: day(drafted)?,
                };
                p.tidy();
                valid(p.validate(today), "special plan")?;
                let mut plan = self.store.create_special_plan(industry, &p, by).await?;
                for (status, date) in *moves {
                    let change = PlanStatusMove {
                        status: *status,
                        date: day(date)?,
                    };
                    valid(
                        change.validate(plan.status, plan.status_date(), today),
                        "plan status",
                    )?;
                    plan = self
                        .store
                        .move_special_plan(industry, plan.id, plan.version, &change, by)
                        .await?;
                }
                if plan.status == PlanStatus::Published {
                    let text = format!(
                        "{title}\n\n（演示数据）本规划经市政府批复后印发实施。正文及附表以正式印发文件为准。\n"
                    );
                    let content = text.into_bytes();
                    let file = NewFile {
                        file_name: format!("{title}（摘要）.txt"),
                        content_type: "text/plain".into(),
                        sha256: hex::encode(Sha256::digest(&content)),
                        content,
                    };
                    self.store
                        .add_plan_file(industry, plan.id, &file, by)
                        .await?;
                }
            }

            let mut w = WorkPlanInput {
                year: 2026,
                plan_title: "2026年度工作计划".into(),
                goals: Some(d.goals.into()),
            };
            w.tidy();
            valid(w.validate(), "work plan")?;
            let work_plan = self.store.create_work_plan(industry, &w, by).await?;
            for (content, dk, person, deadline, status) in d.measures {
                let new = NewTask {
                    input: TaskInput {
                        title: content.to_string(),
                        details: String::new(),
                        source: TaskSource::WorkPlanMeasure,
                        work_plan_id: Some(work_plan.id),
                        industry_id: Some(industry),
                        region_id: None,
                        lead_department_id: dept(dk)?,
                        co_department_ids: vec![],
                        responsible_person: person.map(str::to_string),
                        leader_user_id: None,
                        deadline: day(deadline)?,
                    },
                    source_id: None,
                    issuer: Issuer::Office,
                    issued_on: day("2026-01-10")?,
                };
                self.demo_task(new, *status, by).await?;
            }
        }
        Ok(())
    }
}
