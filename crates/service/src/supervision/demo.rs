//! The demo's supervision items: five, issued by the supervisor about the demo's problems and
//! a matter of its own — one replied by every unit and waiting to be closed, one past its
//! deadline, one closed with its evidence, and two waiting on 市财政局 (the `dept` account).

use crate::Service;
use crate::error::{Result, ServiceError};
use chrono::{Duration, NaiveDate};
use dongneng_domain::clock;
use dongneng_domain::supervision::SupervisionSubject;
use dongneng_store::{AuditBy, Problem, SupervisionChange, SupervisionFields, SupervisionStep};
use std::collections::HashMap;

fn by(name: &str) -> AuditBy {
    AuditBy {
        user_id: None,
        username: name.to_string(),
        request_id: None,
    }
}

/// An item: about the problem of this title (or its own matter), issued so many days ago, due
/// so many days after issue, to these units; which units replied; whether it is closed.
struct Plan {
    about: Option<&'static str>,
    title: &'static str,
    requirement: &'static str,
    issued_days_ago: i64,
    due_after: i64,
    units: &'static [&'static str],
    replied: &'static [&'static str],
    closed: Option<&'static str>,
}

const PLANS: [Plan; 5] = [
    Plan {
        about: Some("园区双回路供电工程进度慢"),
        title: "督促加快园区双回路供电工程",
        requirement: "请于期限内完成电网配套工程并报送进展。",
        issued_days_ago: 12,
        due_after: 10,
        units: &["miit", "ndrc"],
        replied: &["miit", "ndrc"],
        closed: None,
    },
    Plan {
        about: None,
        title: "督促落实重大项目市级配套资金",
        requirement: "请梳理今年重大项目市级配套资金到位情况，报送资金拨付计划。",
        issued_days_ago: 5,
        due_after: 15,
        units: &["finance"],
        replied: &[],
        closed: None,
    },
    Plan {
        about: Some("项目红线内征收拆迁未完成"),
        title: "督办项目红线内征收拆迁",
        requirement: "请加快完成剩余 6 户征收，按期交地。",
        issued_days_ago: 25,
        due_after: 10,
        units: &["natural_resources", "finance"],
        replied: &["natural_resources"],
        closed: None,
    },
    Plan {
        about: Some("二期项目新增用地指标缺口"),
        title: "督办二期项目新增用地指标",
        requirement: "请落实用地报批并报送结果。",
        issued_days_ago: 50,
        due_after: 20,
        units: &["natural_resources"],
        replied: &["natural_resources"],
        closed: Some("用地已纳入报批批次，市自然资源局已出具书面答复，予以销号。"),
    },
    Plan {
        about: Some("企业技改项目融资担保不足"),
        title: "督促解决企业技改项目融资担保",
        requirement: "请协调担保机构出具担保并落实担保费补贴。",
        issued_days_ago: 8,
        due_after: 20,
        units: &["finance", "local_finance_regulation"],
        replied: &["local_finance_regulation"],
        closed: None,
    },
];

impl Service {
    /// Issues the demo's supervision items about `problems` (see the module's note).
    pub(crate) async fn load_demo_supervision(
        &self,
        problems: &[Problem],
        departments: &HashMap<String, i64>,
        supervisor_department: Option<i64>,
    ) -> Result<()> {
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
        let now = clock::now();
        for plan in &PLANS {
            let problem = plan
                .about
                .and_then(|t| problems.iter().find(|p| p.title == t));
            let issued = now - Duration::days(plan.issued_days_ago);
            let deadline: NaiveDate = clock::day_of(issued) + Duration::days(plan.due_after);
            let fields = SupervisionFields {
                title: plan.title.into(),
                requirement: plan.requirement.into(),
                subject: if problem.is_some() {
                    SupervisionSubject::Problem
                } else {
                    SupervisionSubject::Own
                },
                subject_id: problem.map(|p| p.id),
                problem_id: problem.map(|p| p.id),
                industry_id: problem.map(|p| p.industry_id),
                region_id: problem.map(|p| p.region_id),
                deadline,
                unit_ids: plan.units.iter().map(|u| dept(u)).collect::<Result<_>>()?,
            };
            let supervisor = by("supervisor");
            let mut item = store
                .create_supervision(&fields, supervisor_department, issued, &supervisor)
                .await?;
            for (n, unit) in plan.replied.iter().enumerate() {
                let d = dept(unit)?;
                let who = if *unit == "finance" {
                    by("dept")
                } else {
                    by(names.get(&d).map(String::as_str).unwrap_or(unit))
                };
                let change = SupervisionChange {
                    step: SupervisionStep::Reply {
                        department_id: d,
                        text: "已按要求办理，详见附件说明。".into(),
                    },
                    at: issued + Duration::days(2 + n as i64),
                };
                item = store
                    .change_supervision(item.id, item.version, &change, &who)
                    .await?;
            }
            if let Some(evidence) = plan.closed {
                let change = SupervisionChange {
                    step: SupervisionStep::Close {
                        evidence: evidence.into(),
                    },
                    at: issued + Duration::days(plan.due_after - 1),
                };
                store
                    .change_supervision(item.id, item.version, &change, &supervisor)
                    .await?;
            }
        }
        Ok(())
    }
}
