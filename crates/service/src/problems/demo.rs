//! The demo's problems: eight for each of the four strong industries, raised from the demo's
//! projects over the past months and taken through every state — raised, assigned, answered,
//! escalated, instructed, resolved; signed for late, answered late, returned, urged — with
//! their timelines back-dated. 市财政局 (the `dept` account) has assignments waiting to be
//! signed for and answered, the leader of 新材料 an escalated problem to instruct.

use super::steps::{answer_step, instruct_step, resolve_step, sign_step};
use crate::Service;
use crate::error::{Result, ServiceError};
use chrono::{DateTime, Duration, Utc};
use dongneng_domain::clock;
use dongneng_domain::paging::Page;
use dongneng_domain::policy::DataScope;
use dongneng_domain::problem::{AssignmentInput, InstructionInput, ProblemKind, ProblemOrigin};
use dongneng_store::{
    AuditBy, NewProblem, Problem, ProblemChange, ProblemFields, ProblemStep, ProjectFilter,
    ProjectSort,
};
use std::collections::HashMap;

/// One step of a demo problem, `days` after it was raised, by a department (its key).
enum Step {
    Assign(&'static [&'static str], i64),
    Sign(&'static str),
    Answer(&'static str, &'static str),
    Return(&'static str, &'static str),
    Urge(&'static str),
    Escalate(&'static str),
    Instruct(&'static str, &'static str, i64),
    Resolve(&'static str),
}

/// A problem's story: what it is, how long ago it was raised, and its steps with the day each
/// happened on (days after raising).
struct Story {
    kind: ProblemKind,
    title: &'static str,
    description: &'static str,
    raised_days_ago: i64,
    steps: &'static [(i64, Step)],
}

use Step::*;

const STORIES: [Story; 8] = [
    Story {
        kind: ProblemKind::Approvals,
        title: "项目环评批复办理进度滞后",
        description: "项目环境影响评价报告已报送，批复尚未取得，影响计划开工。",
        raised_days_ago: 2,
        steps: &[],
    },
    Story {
        kind: ProblemKind::Funds,
        title: "省级新旧动能转换基金配套资金未到位",
        description: "项目申报的省级基金需市级按比例配套，配套资金尚未落实。",
        raised_days_ago: 6,
        steps: &[(1, Assign(&["finance"], 14))],
    },
    Story {
        kind: ProblemKind::Financing,
        title: "企业技改项目融资担保不足",
        description: "企业申请技改贷款，银行要求追加担保，需协调政府性融资担保机构。",
        raised_days_ago: 20,
        steps: &[
            (1, Assign(&["finance", "local_finance_regulation"], 20)),
            (1, Sign("local_finance_regulation")),
            (2, Sign("finance")),
            (
                8,
                Answer(
                    "local_finance_regulation",
                    "已协调市融资担保公司出具担保意向函。",
                ),
            ),
            (9, Answer("finance", "将按政策给予担保费补贴。")),
        ],
    },
    Story {
        kind: ProblemKind::Land,
        title: "二期项目新增用地指标缺口",
        description: "二期扩建需新增建设用地约 120 亩，年度计划指标不足。",
        raised_days_ago: 60,
        steps: &[
            (1, Assign(&["natural_resources"], 20)),
            (3, Sign("natural_resources")),
            (
                30,
                Answer(
                    "natural_resources",
                    "已纳入下批次用地报批，预计下季度获批。",
                ),
            ),
            (
                33,
                Resolve("自然资源局已将项目用地纳入下批次报批，问题解决。"),
            ),
        ],
    },
    Story {
        kind: ProblemKind::Funds,
        title: "研发平台奖补资金拨付滞后",
        description: "省级研发平台认定后的市级奖补资金尚未拨付。",
        raised_days_ago: 45,
        steps: &[
            (1, Assign(&["finance"], 15)),
            (1, Sign("finance")),
            (10, Answer("finance", "奖补资金已列入预算，待下月拨付。")),
            (12, Return("finance", "请明确拨付时间和金额。")),
            (14, Urge("finance")),
        ],
    },
    Story {
        kind: ProblemKind::EnergyQuota,
        title: "新上项目能耗指标需统筹解决",
        description: "项目年综合能耗约 3 万吨标准煤，区县能耗指标不足，需市级统筹。",
        raised_days_ago: 90,
        steps: &[
            (2, Assign(&["ndrc", "ecology_env"], 20)),
            (2, Sign("ndrc")),
            (4, Sign("ecology_env")),
            (
                25,
                Answer("ndrc", "全市能耗指标已无余量，建议提请市领导协调。"),
            ),
            (26, Answer("ecology_env", "项目环境容量可以保障。")),
            (28, Escalate("能耗指标需市级统筹，提请分管市领导批示。")),
            (
                31,
                Instruct("请市发改委牵头，一个月内拿出能耗指标统筹方案。", "ndrc", 30),
            ),
        ],
    },
    Story {
        kind: ProblemKind::Utilities,
        title: "园区双回路供电工程进度慢",
        description: "项目投产需双回路供电，配套电网工程进度滞后。",
        raised_days_ago: 40,
        steps: &[
            (1, Assign(&["miit"], 10)),
            (3, Sign("miit")),
            (25, Answer("miit", "已协调供电公司加快施工，预计月底完工。")),
            (27, Escalate("电网工程涉及多部门，提请分管市领导协调。")),
        ],
    },
    Story {
        kind: ProblemKind::LandAcquisition,
        title: "项目红线内征收拆迁未完成",
        description: "项目用地红线内尚有 6 户未完成征收，影响施工。",
        raised_days_ago: 30,
        steps: &[
            (1, Assign(&["finance", "natural_resources"], 12)),
            (3, Sign("natural_resources")),
            (20, Urge("finance")),
            (20, Urge("natural_resources")),
        ],
    },
];

/// The four strong industries.
const INDUSTRIES: [&str; 4] = [
    "new_materials",
    "intelligent_equipment",
    "new_medicine",
    "electronic_information",
];

/// Who did a step: the demo account for the office, the finance bureau and the leader, the
/// department's name for the others (they have no demo account).
fn by(name: &str) -> AuditBy {
    AuditBy {
        user_id: None,
        username: name.to_string(),
        request_id: None,
    }
}

impl Service {
    /// Loads the demo's problems (see the module's note). Returns the problems made (as they
    /// stand), for the demo's supervision items.
    pub(crate) async fn load_demo_problems(
        &self,
        industries: &HashMap<String, i64>,
        departments: &HashMap<String, i64>,
    ) -> Result<Vec<Problem>> {
        let dept = |key: &str| {
            departments
                .get(key)
                .copied()
                .ok_or_else(|| ServiceError::Internal(format!("demo department {key}")))
        };
        let store = self.store();
        let names: HashMap<i64, String> = store
            .list_departments()
            .await?
            .into_iter()
            .map(|d| (d.id, d.name_zh))
            .collect();
        let who = |key: &str| -> Result<AuditBy> {
            Ok(match key {
                "finance" => by("dept"),
                other => by(names
                    .get(&dept(other)?)
                    .map(String::as_str)
                    .unwrap_or(other)),
            })
        };
        let now = clock::now();
        let mut made = Vec::new();
        for (n, key) in INDUSTRIES.iter().enumerate() {
            let Some(&industry) = industries.get(*key) else {
                continue;
            };
            let filter = ProjectFilter {
                scope: DataScope {
                    all: true,
                    ..Default::default()
                },
                industry_ids: vec![industry],
                in_library: Some(true),
                ..Default::default()
            };
            let projects = store
                .project_page(
                    &filter,
                    ProjectSort::Name,
                    false,
                    Page::new(Some(1), Some(8)),
                    8,
                )
                .await?;
            for (i, story) in STORIES.iter().enumerate() {
                let project = projects.get(i % projects.len().max(1));
                let raised =
                    now - Duration::days(story.raised_days_ago) - Duration::hours(n as i64);
                let fields = ProblemFields {
                    title: story.title.to_string(),
                    kind: story.kind,
                    description: story.description.to_string(),
                    origin: if project.is_some() {
                        ProblemOrigin::Project
                    } else {
                        ProblemOrigin::Own
                    },
                    origin_id: project.map(|p| p.id),
                    project_id: project.map(|p| p.id),
                    industry_id: industry,
                    region_id: match project {
                        Some(p) => p.region_id,
                        None => continue,
                    },
                };
                let raiser = if i % 2 == 0 {
                    by("taskforce")
                } else {
                    by("office")
                };
                let new = NewProblem {
                    fields,
                    raised_department_id: None,
                    at: raised,
                };
                let mut p = store.create_problem(&new, &raiser).await?;
                for (day, step) in story.steps {
                    // A step a few hours into its day, never later than now.
                    let at = (raised + Duration::days(*day) + Duration::hours(2)).min(now);
                    p = self.demo_step(&p, step, at, &dept, &who).await?;
                }
                made.push(p);
            }
        }
        Ok(made)
    }

    /// Makes one demo step at `at`.
    async fn demo_step(
        &self,
        p: &Problem,
        step: &Step,
        at: DateTime<Utc>,
        dept: &impl Fn(&str) -> Result<i64>,
        who: &impl Fn(&str) -> Result<AuditBy>,
    ) -> Result<Problem> {
        let store = self.store();
        let assignment = |key: &str| {
            let key = key.to_string();
            async move {
                let d = dept(&key)?;
                store
                    .problem_detail(p.id)
                    .await?
                    .and_then(|x| x.assignments.into_iter().find(|a| a.department_id == d))
                    .ok_or_else(|| ServiceError::Internal(format!("demo assignment {key}")))
            }
        };
        let office = by("office");
        let (step, actor) = match step {
            Assign(keys, days) => {
                let deadline = clock::day_of(at) + Duration::days(*days);
                let list = keys
                    .iter()
                    .map(|k| {
                        Ok(AssignmentInput {
                            department_id: dept(k)?,
                            deadline,
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                (ProblemStep::Assign(list), office)
            }
            Sign(k) => (sign_step(&assignment(k).await?, at), who(k)?),
            Answer(k, text) => (
                answer_step(&assignment(k).await?, text.to_string(), at),
                who(k)?,
            ),
            Return(k, reason) => (
                ProblemStep::Return {
                    assignment_id: assignment(k).await?.id,
                    reason: reason.to_string(),
                },
                office,
            ),
            Urge(k) => (
                ProblemStep::Urge {
                    assignment_id: assignment(k).await?.id,
                    note: "请抓紧办理。".into(),
                },
                by("supervisor"),
            ),
            Escalate(note) => (
                ProblemStep::Escalate {
                    note: note.to_string(),
                },
                office,
            ),
            Instruct(text, lead, days) => {
                let input = InstructionInput {
                    instruction: text.to_string(),
                    lead_department_id: dept(lead)?,
                    co_department_ids: vec![],
                    deadline: clock::day_of(at) + Duration::days(*days),
                };
                (instruct_step(p, input, "分管副市长"), by("leader"))
            }
            Resolve(text) => (resolve_step(p, text.to_string(), at), office),
        };
        let change = ProblemChange { step, at };
        Ok(store
            .change_problem(p.id, p.version, &change, &actor)
            .await?)
    }
}
