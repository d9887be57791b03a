//! The demo's monthly dispatch: the twelve months before the current one, each with the
//! reports of the four strong industries' task forces — most accepted on time, a few filed
//! late, one returned (项目推进) and resubmitted with the change the office asked for, one
//! reported orally — and the current month open with three reports in for review and one
//! task force (电子信息) not yet filed.

use crate::Service;
use crate::error::{Result, ServiceError};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use dongneng_domain::Money;
use dongneng_domain::clock;
use dongneng_domain::dispatch::{
    InvestmentFigures, OralRecord, ReportContent, ReportForm, ReportState, ReportStep, Section,
    TalentFigures,
};
use dongneng_domain::money::FEN_PER_WAN;
use dongneng_domain::policy::Permission;
use dongneng_domain::todo::NotificationKind;
use dongneng_store::{AuditBy, ReportMove};
use std::collections::HashMap;

use crate::actor::Actor;

/// The task forces, in the order their reports come in.
const FORCES: [(&str, &str); 4] = [
    ("new_materials", "新材料"),
    ("intelligent_equipment", "智能装备"),
    ("new_medicine", "新医药"),
    ("electronic_information", "电子信息"),
];

/// Months back (1 = last month) and task force index filed late, by how many days.
const LATE: [(u32, usize, i64); 4] = [(10, 2, 3), (7, 0, 1), (5, 3, 6), (2, 1, 2)];
/// The month back and task force whose report was returned and resubmitted.
const RETURNED: (u32, usize) = (3, 1);
/// The month back and task force that reported orally.
const ORAL: (u32, usize) = (6, 2);

fn content(name: &str, year: i32, month: u32, n: i64) -> ReportContent {
    ReportContent {
        planning: format!(
            "{name}产业专项规划按计划推进，{month}月完成重点园区规划衔接，组织专家论证1次。"
        ),
        projects: format!(
            "{year}年{month}月{name}专班调度重点项目，新开工项目按期推进，对进度滞后项目逐一现场督导，明确整改时限。"
        ),
        policies: format!("{name}产业扶持政策兑现工作有序开展，本月组织企业申报政策资金。"),
        funds: format!(
            "{name}产业基金加强项目对接，本月走访拟投企业{}家。",
            2 + n % 3
        ),
        talent: format!(
            "围绕{name}产业链引进急需紧缺人才，新建创新平台{}个。",
            n % 2
        ),
        investment: format!(
            "赴长三角、珠三角开展{name}产业链招商，新洽谈项目{}个。",
            3 + n % 4
        ),
        talent_figures: TalentFigures {
            top: (n % 5 == 0) as i64,
            leading: 1 + n % 2,
            young: 4 + n % 6,
            other: 10 + n % 7,
            platforms: n % 2,
        },
        investment_figures: InvestmentFigures {
            leads: 3 + n % 4,
            signed: 1 + n % 2,
            signed_amount: Money((50_000 + (n % 5) * 12_000) * FEN_PER_WAN),
            landed: n % 2,
            landed_amount: Money((n % 2) * 30_000 * FEN_PER_WAN),
        },
        oral: None,
    }
}

/// `day` at a China-time hour.
fn at(day: NaiveDate, hour: i64) -> DateTime<Utc> {
    clock::start_of_day(day) + Duration::hours(hour)
}

impl Service {
    pub(crate) async fn load_demo_dispatch(
        &self,
        industries: &HashMap<String, i64>,
        by: &AuditBy,
    ) -> Result<()> {
        let store = self.store();
        let office = Actor::system("demo");
        let access = self.grant(&office, Permission::ViewDispatch)?;
        let settings = store.dispatch_settings().await?.settings;
        let today = clock::today();
        let mut n = 0i64;
        for back in (0..=12u32).rev() {
            let first = today.with_day(1).unwrap_or(today);
            let month_start = (0..back).fold(first, |d, _| {
                (d - Duration::days(1)).with_day(1).unwrap_or(d)
            });
            let (year, month) = (month_start.year(), month_start.month());
            let Some(deadline) = settings.deadline(year, month) else {
                continue;
            };
            let (period, _) = store.open_period(year, month, deadline, by).await?;
            for (i, (key, name)) in FORCES.iter().enumerate() {
                n += 1;
                let Some(&industry) = industries.get(*key) else {
                    continue;
                };
                // The current month: three in for review, 电子信息 not yet filed.
                if back == 0 && i == 3 {
                    continue;
                }
                let oral = (back, i) == ORAL;
                let form = if oral {
                    ReportForm::Oral
                } else {
                    ReportForm::Written
                };
                let r = store.create_report(period.id, industry, form, by).await?;
                let mut c = content(name, year, month, n);
                if oral {
                    c = ReportContent {
                        oral: Some(OralRecord {
                            reported_on: deadline - Duration::days(2),
                            reported_by: format!("{name}工作专班负责人"),
                            reported_to: "市新旧动能转换重大工程建设领导小组办公室".into(),
                            summary: format!(
                                "口头汇报{year}年{month}月{name}产业规划编制、项目推进、政策落地、基金运作、招才引智、招商引资情况，重点项目总体符合计划。"
                            ),
                        }),
                        ..ReportContent::default()
                    };
                }
                let changed: Vec<Section> = if oral { vec![] } else { Section::ALL.to_vec() };
                let r = store
                    .update_report(r.id, r.version, &c, &changed, by)
                    .await?;
                let late = LATE
                    .iter()
                    .find(|(b, f, _)| *b == back && *f == i)
                    .map(|l| l.2);
                let filed_on = match late {
                    Some(days) => deadline + Duration::days(days),
                    None if back == 0 => today,
                    None => deadline - Duration::days(1 + (n % 3)),
                };
                let figures = serde_json::to_value(
                    self.system_figures(&access, industry, year, month).await?,
                )
                .map_err(|e| ServiceError::Internal(e.to_string()))?;
                let title = format!("{name} {year}年{month}月 月度调度报告");
                let mv = |step, to, reason: Option<String>, sections: Vec<Section>| ReportMove {
                    step,
                    to,
                    reason,
                    sections,
                    system_figures: matches!(step, ReportStep::Submitted | ReportStep::Resubmitted)
                        .then(|| figures.clone()),
                    notice: (back == 0).then_some(NotificationKind::DispatchSubmitted),
                    title: title.clone(),
                };
                let mut r = store
                    .move_report(
                        r.id,
                        r.version,
                        &mv(ReportStep::Submitted, ReportState::Submitted, None, vec![]),
                        by,
                    )
                    .await?;
                let created = at(filed_on - Duration::days(2), 9);
                let mut times = vec![created, created, at(filed_on, 10)];
                if back == 0 {
                    continue;
                }
                let mut review_day = filed_on + Duration::days(1);
                if (back, i) == RETURNED {
                    r = store
                        .move_report(
                            r.id,
                            r.version,
                            &mv(
                                ReportStep::Returned,
                                ReportState::Returned,
                                Some("项目推进部分未说明滞后项目的原因和整改措施，请补充后重新报送。".into()),
                                vec![Section::Projects],
                            ),
                            by,
                        )
                        .await?;
                    let mut fixed = c.clone();
                    fixed.projects.push_str(
                        "对进度滞后的项目：受设备到货延迟影响，已协调供货企业加快交付，预计下月追回进度；专班每周调度一次，问题清单化、销号管理。",
                    );
                    r = store
                        .update_report(r.id, r.version, &fixed, &[Section::Projects], by)
                        .await?;
                    r = store
                        .move_report(
                            r.id,
                            r.version,
                            &mv(
                                ReportStep::Resubmitted,
                                ReportState::Resubmitted,
                                None,
                                vec![],
                            ),
                            by,
                        )
                        .await?;
                    times.extend([
                        at(review_day, 15),
                        at(review_day + Duration::days(1), 11),
                        at(review_day + Duration::days(1), 16),
                    ]);
                    review_day += Duration::days(2);
                }
                store
                    .move_report(
                        r.id,
                        r.version,
                        &mv(ReportStep::Accepted, ReportState::Accepted, None, vec![]),
                        by,
                    )
                    .await?;
                times.push(at(review_day, 14));
                store.date_report_steps(r.id, &times).await?;
            }
        }
        Ok(())
    }
}
