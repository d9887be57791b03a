//! The demo's policies and funds over the demo year: eight policies of the strong industries
//! and the chemical industry, issued by 市财政局 (the `dept` account), 市工业和信息化局 (the task
//! force's lead department), 市科学技术局 and 市发改委, each with enterprise beneficiaries (and
//! the demo library's projects when it is loaded) and payments month by month — one of them
//! an adjustment above its commitment; three funds (a guidance fund, an industry fund and its
//! sub-fund) with their sources, provincial support and investments.

use crate::Service;
use crate::error::{Result, ServiceError};
use crate::profiles::demo::day;
use dongneng_domain::codes::credit_code_check_char;
use dongneng_domain::money::{FEN_PER_WAN, Money};
use dongneng_domain::policies::{
    BeneficiaryInput, FundInput, FundKind, FundSource, InvestmentInput, PaymentInput, PolicyInput,
    SourceInput, TargetKind,
};
use dongneng_domain::policy::DataScope;
use dongneng_store::{AuditBy, ProjectFilter, ResolvedTarget};
use std::collections::HashMap;

struct PolicyPlan {
    title: &'static str,
    doc_number: &'static str,
    issued_on: &'static str,
    valid_to: Option<&'static str>,
    departments: &'static [&'static str],
    industries: &'static [&'static str],
    measures: &'static [&'static str],
    /// Enterprises: name, district code, committed (万元), payments (day, 万元).
    #[allow(clippy::type_complexity)]
    enterprises: &'static [(
        &'static str,
        &'static str,
        i64,
        &'static [(&'static str, i64)],
    )],
    /// Projects of the first industry from the demo library: committed (万元) and payments.
    projects: &'static [(i64, &'static [(&'static str, i64)])],
}

const POLICIES: &[PolicyPlan] = &[
    PolicyPlan {
        title: "关于支持新材料产业高质量发展的若干政策",
        doc_number: "淄政发〔2026〕2号",
        issued_on: "2026-01-18",
        valid_to: Some("2028-12-31"),
        departments: &["finance", "miit"],
        industries: &["new_materials"],
        measures: &[
            "设立新材料产业发展专项资金，每年安排不少于2亿元",
            "对新建省级以上新材料创新平台给予最高500万元奖励",
            "对首批次新材料应用给予保费补贴",
        ],
        enterprises: &[
            (
                "山东东岳高分子材料有限公司",
                "370303",
                800,
                &[
                    ("2026-03-20", 300),
                    ("2026-07-15", 300),
                    ("2026-10-28", 150),
                ],
            ),
            (
                "淄博齐鲁新材料科技有限公司",
                "370305",
                500,
                &[("2026-05-10", 250), ("2026-11-05", 250)],
            ),
        ],
        projects: &[(600, &[("2026-04-22", 200), ("2026-09-18", 200)])],
    },
    PolicyPlan {
        title: "淄博市智能装备首台（套）推广应用奖励办法",
        doc_number: "淄工信发〔2026〕5号",
        issued_on: "2026-02-26",
        valid_to: Some("2027-12-31"),
        departments: &["miit"],
        industries: &["intelligent_equipment"],
        measures: &[
            "对认定为首台（套）的装备按售价的15%给予奖励",
            "首台（套）保险补偿按保费的80%补贴",
        ],
        enterprises: &[
            (
                "淄博智能装备制造股份有限公司",
                "370303",
                300,
                &[("2026-06-12", 300)],
            ),
            (
                "山东淄博数控机床有限公司",
                "370302",
                200,
                &[("2026-08-20", 120)],
            ),
        ],
        projects: &[(400, &[("2026-09-30", 150)])],
    },
    PolicyPlan {
        title: "关于加快生物医药产业集聚发展的实施意见",
        doc_number: "淄政办发〔2026〕7号",
        issued_on: "2026-03-15",
        valid_to: Some("2028-03-14"),
        departments: &["sci_tech", "finance"],
        industries: &["new_medicine"],
        measures: &[
            "对取得一类新药证书的企业给予最高1000万元奖励",
            "支持建设医药中试平台，按设备投资的20%补助",
        ],
        enterprises: &[
            (
                "新华制药（淄博）股份有限公司",
                "370303",
                1000,
                &[("2026-05-28", 400), ("2026-09-09", 400)],
            ),
            (
                "淄博瑞康生物医药有限公司",
                "370304",
                300,
                &[("2026-10-16", 100)],
            ),
        ],
        projects: &[],
    },
    PolicyPlan {
        title: "淄博市电子信息产业倍增计划扶持政策",
        doc_number: "淄政字〔2026〕19号",
        issued_on: "2026-04-08",
        valid_to: None,
        departments: &["miit"],
        industries: &["electronic_information"],
        measures: &[
            "对年主营业务收入首次突破10亿元的企业给予200万元奖励",
            "对新引进的集成电路设计企业三年内给予房租补贴",
        ],
        enterprises: &[
            (
                "淄博芯材集成电路有限公司",
                "370303",
                400,
                &[("2026-07-02", 200), ("2026-11-12", 100)],
            ),
            (
                "山东淄博显示科技有限公司",
                "370306",
                250,
                &[("2026-08-26", 250)],
            ),
        ],
        projects: &[(300, &[("2026-10-09", 100)])],
    },
    PolicyPlan {
        title: "关于支持化工产业安全绿色转型的若干措施",
        doc_number: "淄政发〔2026〕11号",
        issued_on: "2026-05-06",
        valid_to: Some("2027-12-31"),
        departments: &["finance"],
        industries: &["chemical"],
        measures: &[
            "对化工园区外企业搬迁入园给予固定资产投资10%补助",
            "对安全环保提升改造项目给予贷款贴息",
        ],
        enterprises: &[
            (
                "齐鲁石化配套化工有限公司",
                "370305",
                600,
                &[("2026-07-24", 300), ("2026-10-30", 200)],
            ),
            (
                "淄博临淄精细化工有限公司",
                "370305",
                150,
                &[("2026-09-15", 150)],
            ),
        ],
        projects: &[],
    },
    PolicyPlan {
        title: "淄博市新旧动能转换重大项目市级配套资金管理办法",
        doc_number: "淄财建〔2026〕8号",
        issued_on: "2026-06-01",
        valid_to: Some("2028-12-31"),
        departments: &["finance", "ndrc"],
        industries: &[
            "new_materials",
            "intelligent_equipment",
            "new_medicine",
            "electronic_information",
        ],
        measures: &[
            "对列入省市重大项目库的项目按实际投资的3%给予配套",
            "配套资金实行“先建后补、分期兑现”",
        ],
        enterprises: &[(
            "淄博新动能重大项目建设有限公司",
            "370303",
            1200,
            // The last payment is an adjustment above the commitment.
            &[
                ("2026-07-30", 600),
                ("2026-10-20", 600),
                ("2026-11-25", 100),
            ],
        )],
        projects: &[(500, &[("2026-08-14", 250)])],
    },
    PolicyPlan {
        title: "关于支持企业研发投入的奖补政策",
        doc_number: "淄科发〔2026〕3号",
        issued_on: "2026-08-10",
        valid_to: Some("2027-08-09"),
        departments: &["sci_tech"],
        industries: &["new_materials", "new_medicine"],
        measures: &["对研发投入增长超过20%的企业按增量的10%给予奖补"],
        enterprises: &[
            (
                "淄博高新新材料研究院有限公司",
                "370391",
                200,
                &[("2026-10-12", 100)],
            ),
            ("山东淄博药物研究所有限公司", "370391", 150, &[]),
        ],
        projects: &[],
    },
    PolicyPlan {
        title: "淄博市智能化技术改造专项资金实施细则",
        doc_number: "淄工信发〔2026〕21号",
        issued_on: "2026-10-15",
        valid_to: Some("2028-10-14"),
        departments: &["miit", "finance"],
        industries: &["intelligent_equipment", "electronic_information"],
        measures: &[
            "对智能化技术改造项目按设备投资的10%给予补助",
            "对获评省级智能工厂的企业奖励100万元",
        ],
        enterprises: &[(
            "淄博博山智能制造有限公司",
            "370304",
            350,
            &[("2026-11-20", 100)],
        )],
        projects: &[],
    },
];

struct FundPlan {
    name: &'static str,
    kind: FundKind,
    /// A sub-fund's parent: the plan's index.
    parent: Option<usize>,
    size_wan: i64,
    manager: &'static str,
    established_on: &'static str,
    provincial: (i64, i64),
    industries: &'static [&'static str],
    sources: &'static [(FundSource, Option<&'static str>, i64)],
    /// Enterprises: name, district, industry, day, 万元, stake in hundredths of a percent.
    investments: &'static [(
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        i64,
        i64,
    )],
    /// Projects of the fund's first industry: day, 万元, stake.
    project_investments: &'static [(&'static str, i64, i64)],
}

const FUNDS: &[FundPlan] = &[
    FundPlan {
        name: "淄博市新旧动能转换引导基金",
        kind: FundKind::Guidance,
        parent: None,
        size_wan: 500_000,
        manager: "淄博市财金控股集团有限公司",
        established_on: "2025-06-30",
        provincial: (100_000, 60_000),
        industries: &[
            "new_materials",
            "intelligent_equipment",
            "new_medicine",
            "electronic_information",
        ],
        sources: &[
            (FundSource::City, None, 200_000),
            (FundSource::Provincial, None, 60_000),
            (FundSource::District, Some("370303"), 40_000),
            (FundSource::Social, None, 200_000),
        ],
        investments: &[
            (
                "淄博芯材集成电路有限公司",
                "370303",
                "electronic_information",
                "2026-03-18",
                8_000,
                1500,
            ),
            (
                "淄博瑞康生物医药有限公司",
                "370304",
                "new_medicine",
                "2026-06-25",
                5_000,
                1200,
            ),
        ],
        project_investments: &[("2026-09-10", 20_000, 800)],
    },
    FundPlan {
        name: "淄博市新材料产业基金",
        kind: FundKind::Industry,
        parent: None,
        size_wan: 200_000,
        manager: "淄博新材料产业投资管理有限公司",
        established_on: "2025-11-20",
        provincial: (50_000, 30_000),
        industries: &["new_materials"],
        sources: &[
            (FundSource::City, None, 60_000),
            (FundSource::Provincial, None, 30_000),
            (FundSource::Social, None, 110_000),
        ],
        investments: &[
            (
                "山东东岳高分子材料有限公司",
                "370303",
                "new_materials",
                "2026-04-16",
                15_000,
                500,
            ),
            (
                "淄博齐鲁新材料科技有限公司",
                "370305",
                "new_materials",
                "2026-08-06",
                6_000,
                1800,
            ),
            (
                "淄博高新新材料研究院有限公司",
                "370391",
                "new_materials",
                "2026-11-18",
                3_000,
                2000,
            ),
        ],
        project_investments: &[("2026-07-08", 12_000, 600)],
    },
    FundPlan {
        name: "淄博市智能装备子基金",
        kind: FundKind::SubFund,
        parent: Some(0),
        size_wan: 50_000,
        manager: "淄博智能装备创业投资有限公司",
        established_on: "2026-01-10",
        provincial: (0, 0),
        industries: &["intelligent_equipment"],
        sources: &[
            (FundSource::City, None, 10_000),
            (FundSource::District, Some("370302"), 5_000),
            (FundSource::Social, None, 35_000),
        ],
        investments: &[
            (
                "淄博智能装备制造股份有限公司",
                "370303",
                "intelligent_equipment",
                "2026-05-21",
                4_000,
                1000,
            ),
            (
                "山东淄博数控机床有限公司",
                "370302",
                "intelligent_equipment",
                "2026-10-27",
                3_500,
                900,
            ),
        ],
        project_investments: &[],
    },
];

fn find(map: &HashMap<String, i64>, key: &str) -> Result<i64> {
    map.get(key)
        .copied()
        .ok_or_else(|| ServiceError::Internal(format!("demo policies: no {key}")))
}

fn wan(n: i64) -> Money {
    Money(n * FEN_PER_WAN)
}

/// A valid 统一社会信用代码 made from a number.
fn credit_code(n: usize) -> String {
    let first = format!("91370300MA{:07}", 3_100_000 + n);
    let check = credit_code_check_char(&first).unwrap_or('0');
    format!("{first}{check}")
}

impl Service {
    /// Loads the demo's policies and funds (see the module's note).
    pub(crate) async fn load_demo_policies(
        &self,
        industries: &HashMap<String, i64>,
        departments: &HashMap<String, i64>,
        regions: &HashMap<String, i64>,
        by: &AuditBy,
    ) -> Result<()> {
        let store = self.store();
        // The demo library's projects, by industry (none without it).
        let all = ProjectFilter {
            scope: DataScope {
                all: true,
                ..DataScope::default()
            },
            ..ProjectFilter::default()
        };
        let projects = store.export_page(&all, 0, 2000).await?;
        let mut used: HashMap<i64, usize> = HashMap::new();
        let mut next_project = |industry: i64| {
            let taken = used.entry(industry).or_default();
            let p = projects
                .iter()
                .filter(|p| p.industry_id == industry)
                .nth(*taken);
            *taken += 1;
            p.map(|p| (p.id, p.region_id, p.industry_id))
        };
        let mut codes: HashMap<&str, String> = HashMap::new();
        let mut code_of = |name: &'static str| {
            let n = codes.len();
            codes.entry(name).or_insert_with(|| credit_code(n)).clone()
        };

        for plan in POLICIES {
            let issued = day(plan.issued_on)?;
            let industry_ids = plan
                .industries
                .iter()
                .map(|k| find(industries, k))
                .collect::<Result<Vec<_>>>()?;
            let mut input = PolicyInput {
                title: plan.title.into(),
                doc_number: plan.doc_number.into(),
                issued_on: issued,
                valid_from: issued,
                valid_to: plan.valid_to.map(day).transpose()?,
                department_ids: plan
                    .departments
                    .iter()
                    .map(|k| find(departments, k))
                    .collect::<Result<Vec<_>>>()?,
                industry_ids: industry_ids.clone(),
                measures: plan.measures.iter().map(|m| m.to_string()).collect(),
                summary: String::new(),
            };
            input.tidy();
            input.validate()?;
            let policy = store.create_policy(&input, by).await?;
            let mut version = policy.version;
            let pay = async |beneficiary: i64,
                             committed: i64,
                             payments: &[(&str, i64)],
                             version: &mut i64|
                   -> Result<()> {
                let mut paid = 0;
                for (d, amount) in payments {
                    let above = paid + amount > committed;
                    let input = PaymentInput {
                        beneficiary_id: beneficiary,
                        paid_on: day(d)?,
                        amount: wan(*amount),
                        adjustment: above,
                        reason: above.then(|| "经市政府常务会议研究，追加配套资金".to_string()),
                    };
                    input.validate()?;
                    store.add_payment(policy.id, *version, &input, by).await?;
                    *version += 1;
                    paid += amount;
                }
                Ok(())
            };
            for (name, district, committed, payments) in plan.enterprises {
                let input = BeneficiaryInput {
                    kind: TargetKind::Enterprise,
                    project_id: None,
                    enterprise_name: Some(name.to_string()),
                    credit_code: Some(code_of(name)),
                    region_id: regions.get(*district).copied(),
                    committed: wan(*committed),
                    note: String::new(),
                };
                input.validate()?;
                let target = ResolvedTarget {
                    region_id: input.region_id,
                    industry_id: None,
                };
                let b = store
                    .add_beneficiary(policy.id, version, &input, &target, by)
                    .await?;
                version += 1;
                pay(b.id, *committed, payments, &mut version).await?;
            }
            for (committed, payments) in plan.projects {
                let Some((project, region, industry)) = next_project(industry_ids[0]) else {
                    continue;
                };
                let input = BeneficiaryInput {
                    kind: TargetKind::Project,
                    project_id: Some(project),
                    enterprise_name: None,
                    credit_code: None,
                    region_id: None,
                    committed: wan(*committed),
                    note: String::new(),
                };
                let target = ResolvedTarget {
                    region_id: Some(region),
                    industry_id: Some(industry),
                };
                let b = store
                    .add_beneficiary(policy.id, version, &input, &target, by)
                    .await?;
                version += 1;
                pay(b.id, *committed, payments, &mut version).await?;
            }
        }

        let mut fund_ids: Vec<i64> = Vec::new();
        for plan in FUNDS {
            let industry_ids = plan
                .industries
                .iter()
                .map(|k| find(industries, k))
                .collect::<Result<Vec<_>>>()?;
            let input = FundInput {
                name: plan.name.into(),
                kind: plan.kind,
                parent_fund_id: plan.parent.and_then(|i| fund_ids.get(i).copied()),
                size: wan(plan.size_wan),
                manager: plan.manager.into(),
                established_on: Some(day(plan.established_on)?),
                provincial_applied: wan(plan.provincial.0),
                provincial_won: wan(plan.provincial.1),
                industry_ids: industry_ids.clone(),
                note: String::new(),
            };
            input.validate()?;
            let fund = store.create_fund(&input, by).await?;
            fund_ids.push(fund.id);
            let mut version = fund.version;
            for (source, district, amount) in plan.sources {
                let input = SourceInput {
                    source: *source,
                    region_id: district.and_then(|d| regions.get(d).copied()),
                    amount: wan(*amount),
                    note: String::new(),
                };
                store.add_source(fund.id, version, &input, by).await?;
                version += 1;
            }
            for (name, district, industry, d, amount, stake) in plan.investments {
                let input = InvestmentInput {
                    kind: TargetKind::Enterprise,
                    project_id: None,
                    enterprise_name: Some(name.to_string()),
                    credit_code: Some(code_of(name)),
                    region_id: regions.get(*district).copied(),
                    industry_id: Some(find(industries, industry)?),
                    invested_on: day(d)?,
                    amount: wan(*amount),
                    stake_bp: *stake,
                    note: String::new(),
                };
                input.validate()?;
                let target = ResolvedTarget {
                    region_id: input.region_id,
                    industry_id: input.industry_id,
                };
                store
                    .add_investment(fund.id, version, &input, &target, by)
                    .await?;
                version += 1;
            }
            for (d, amount, stake) in plan.project_investments {
                let Some((project, region, industry)) = next_project(industry_ids[0]) else {
                    continue;
                };
                let input = InvestmentInput {
                    kind: TargetKind::Project,
                    project_id: Some(project),
                    enterprise_name: None,
                    credit_code: None,
                    region_id: None,
                    industry_id: None,
                    invested_on: day(d)?,
                    amount: wan(*amount),
                    stake_bp: *stake,
                    note: String::new(),
                };
                let target = ResolvedTarget {
                    region_id: Some(region),
                    industry_id: Some(industry),
                };
                store
                    .add_investment(fund.id, version, &input, &target, by)
                    .await?;
                version += 1;
            }
        }
        Ok(())
    }
}
