//! The demo's project library: about 240 projects of Zibo's industries across every district,
//! stage and library class, with a year's batch, monthly progress up to last month and factor
//! needs — loaded with back-dated history, so the "as at" view of past months shows how the
//! library grew, and with warnings of every colour today.

use crate::Service;
use crate::error::Result;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use dongneng_domain::clock;
use dongneng_domain::codes::credit_code_check_char;
use dongneng_domain::money::{FEN_PER_WAN, Money};
use dongneng_domain::project::{
    FactorInput, FactorKind, LibraryClass, Nature, ProgressInput, ProjectInput, Quantity, Stage,
};
use dongneng_store::{AuditBy, Batch, ImportOp, NewProject, ProgressOp, WarningContext};

/// A small deterministic generator: the demo is the same on every machine.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Products per industry key, and the GB/T 4754 division they fall in.
fn products(industry: &str) -> (&'static [&'static str], &'static str, &'static str) {
    match industry {
        "new_materials" => (
            &[
                "高性能分离膜材料",
                "碳纤维复合材料",
                "有机氟硅新材料",
                "先进陶瓷材料",
                "高端聚氨酯",
                "锂电池隔膜",
            ],
            "C",
            "29",
        ),
        "intelligent_equipment" => (
            &[
                "智能制造装备",
                "工业机器人",
                "新能源汽车零部件",
                "高档数控机床",
                "智能泵阀",
            ],
            "C",
            "34",
        ),
        "new_medicine" => (
            &[
                "创新药物制剂",
                "生物医药产业园",
                "高端医疗器械",
                "原料药绿色升级",
            ],
            "C",
            "27",
        ),
        "electronic_information" => (
            &[
                "半导体材料",
                "新型显示器件",
                "5G通信模组",
                "集成电路封装测试",
                "智能传感器",
            ],
            "C",
            "39",
        ),
        "chemical" => (
            &["化工装置技术改造", "精细化工产业链延伸", "安全环保提升"],
            "C",
            "26",
        ),
        "metallurgy" => (&["特钢产线智能化改造", "铝材精深加工"], "C", "32"),
        "building_materials" => (&["陶瓷窑炉节能改造", "新型建材生产线"], "C", "30"),
        "light_industry" => (&["日用陶瓷智能化改造", "包装新材料"], "C", "22"),
        "textile_apparel" => (&["功能性面料生产线", "智能纺纱改造"], "C", "17"),
        _ => (&["装备制造产线升级", "智能工厂建设"], "C", "35"),
    }
}

const OWNER_WORDS: &[&str] = &[
    "齐鲁", "鲁中", "淄川", "博山", "临淄", "周村", "桓台", "沂源", "高青", "金晶", "东岳", "华光",
    "鑫泰", "新华", "瑞阳", "汇丰", "海力", "宏达", "山铝", "万昌",
];
const OWNER_KINDS: &[&str] = &[
    "新材料有限公司",
    "科技股份有限公司",
    "化工有限公司",
    "装备制造有限公司",
    "医药有限公司",
    "电子有限公司",
];

fn credit_code(rng: &mut Lcg) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut s = String::from("91370300");
    for _ in 0..9 {
        s.push(ALPHABET[rng.below(ALPHABET.len() as u64) as usize] as char);
    }
    let c = credit_code_check_char(&s).unwrap_or('0');
    s.push(c);
    s
}

fn at(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(1, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_else(Utc::now)
}

impl Service {
    /// Loads the demo projects (called by `load_demo`).
    pub(crate) async fn load_demo_projects(&self, by: &AuditBy) -> Result<()> {
        let today = clock::today();
        let year = today.year();
        let rules = self.warning_rules().await?;
        // The reporting month: the last full month of this year (at least January).
        let last_month = (today.month() as i32 - 1).max(1) as u32;
        let regions: Vec<_> = self
            .store
            .list_regions()
            .await?
            .into_iter()
            .filter(|r| r.parent_id.is_some())
            .collect();
        let industries = self.store.list_industries().await?;
        let groups = self.store.list_industry_groups().await?;
        let strong_group = groups.iter().find(|g| g.key == "four_strong").map(|g| g.id);
        let trad_group = groups.iter().find(|g| g.key == "traditional").map(|g| g.id);
        let strong: Vec<_> = industries
            .iter()
            .filter(|i| Some(i.group_id) == strong_group)
            .collect();
        let trad: Vec<_> = industries
            .iter()
            .filter(|i| Some(i.group_id) == trad_group)
            .collect();
        if regions.is_empty() || strong.is_empty() {
            return Ok(());
        }
        let mut rng = Lcg(20200610);
        let mut ops = Vec::new();
        // What each project will report: None = no progress; Some(share) = the share of the
        // year's plan done by the reporting month, in tenths of a percent.
        let mut plans: Vec<(Stage, Option<i64>, bool)> = Vec::new();
        let stages = [
            (Stage::Planning, 40),
            (Stage::Reserve, 60),
            (Stage::Started, 115),
            (Stage::Completed, 30),
        ];
        let mut seq = 0;
        for (stage, count) in stages {
            for n in 0..count {
                seq += 1;
                let industry = if n % 4 == 3 && !trad.is_empty() {
                    *rng.pick(&trad)
                } else {
                    *rng.pick(&strong)
                };
                let region = rng.pick(&regions);
                let (names, section, division) = products(&industry.key);
                let product = rng.pick(names);
                let owner = format!(
                    "{}{}{}",
                    rng.pick(OWNER_WORDS),
                    rng.pick(OWNER_WORDS),
                    rng.pick(OWNER_KINDS)
                );
                let scale = 1 + rng.below(20);
                let name = format!("{owner}年产{scale}万吨{product}项目")
                    .replace("有限公司年产", "年产")
                    .replace("股份年产", "年产");
                let total_wan = (5_000 + rng.below(95) * 5_000) as i64;
                let total = Money(total_wan * FEN_PER_WAN);
                let code_needed = stage.code_required() || rng.below(3) == 0;
                let region_code = region.code.clone().unwrap_or_else(|| "370391".into());
                let code = code_needed.then(|| {
                    format!(
                        "{:02}{:02}-{}-{}-01-{:06}",
                        (year - 1) % 100,
                        1 + rng.below(12),
                        region_code,
                        division,
                        100000 + seq
                    )
                });
                let class = match seq % 10 {
                    0 => LibraryClass::ProvMajor,
                    1 => LibraryClass::ProvPreferred,
                    2 => LibraryClass::ProvAttraction,
                    3 => LibraryClass::ProvShortfall,
                    4..=7 => LibraryClass::CityMajor,
                    _ => LibraryClass::District,
                };
                let nature = match seq % 5 {
                    0 => Nature::Expansion,
                    1 => Nature::TechUpgrade,
                    _ => Nature::New,
                };
                let start_month = 1 + rng.below(12) as u32;
                let (planned_start, actual_start, planned_finish, actual_finish, initial) =
                    match stage {
                        Stage::Planning => (
                            NaiveDate::from_ymd_opt(year + 1, start_month, 1),
                            None,
                            NaiveDate::from_ymd_opt(year + 3, start_month, 1),
                            None,
                            Money::ZERO,
                        ),
                        Stage::Reserve => {
                            // Some reserve projects were due to start already: start warnings.
                            let y = if n % 5 == 0 {
                                year - 1
                            } else if n % 5 == 1 {
                                year
                            } else {
                                year + 1
                            };
                            let m = if y == year {
                                (today.month() as i32 - 1 - (n % 3)).max(1) as u32
                            } else {
                                start_month
                            };
                            (
                                NaiveDate::from_ymd_opt(y, m, 1),
                                None,
                                NaiveDate::from_ymd_opt(y + 2, m, 1),
                                None,
                                Money::ZERO,
                            )
                        }
                        Stage::Started => {
                            let s = NaiveDate::from_ymd_opt(year - 1, start_month, 1);
                            (
                                s,
                                s,
                                NaiveDate::from_ymd_opt(year + 2, start_month, 1),
                                None,
                                Money(total.0 / 5),
                            )
                        }
                        Stage::Completed => {
                            let s = NaiveDate::from_ymd_opt(year - 3, start_month, 1);
                            let f = NaiveDate::from_ymd_opt(year - 1, start_month, 1);
                            (s, s, f, f, total)
                        }
                    };
                let year_plan = match stage {
                    Stage::Started => Some(Money(total.0 / 4)),
                    Stage::Reserve if n % 3 == 0 => Some(Money(total.0 / 10)),
                    _ => None,
                };
                let mut factors = Vec::new();
                if matches!(stage, Stage::Reserve | Stage::Started) && n % 4 == 0 {
                    let required = Quantity((50 + rng.below(300) as i64) * 100);
                    let met = n % 8 == 0;
                    let due_offset = if n % 12 == 0 { 60 } else { 10 };
                    factors.push(FactorInput {
                        kind: FactorKind::Land,
                        required,
                        fulfilled: if met {
                            required
                        } else {
                            Quantity(required.0 / 2)
                        },
                        needed_by: today.checked_sub_days(chrono::Days::new(due_offset)),
                        note: Some("新增建设用地指标".into()),
                    });
                }
                if stage == Stage::Started && n % 6 == 1 {
                    factors.push(FactorInput {
                        kind: FactorKind::Energy,
                        required: Quantity((1_000 + rng.below(20_000) as i64) * 100),
                        fulfilled: Quantity(0),
                        needed_by: NaiveDate::from_ymd_opt(year + 1, 6, 30),
                        note: Some("能耗指标待省级统筹".into()),
                    });
                }
                let content = format!(
                    "新建{product}生产线及配套设施，总建筑面积约{}万平方米，购置主要生产设备{}台（套），达产后年产{}万吨。",
                    1 + rng.below(15),
                    50 + rng.below(400),
                    scale
                );
                let input = ProjectInput {
                    code,
                    name,
                    owner_name: owner.clone(),
                    owner_credit_code: Some(credit_code(&mut rng)),
                    region_id: region.id,
                    industry_id: industry.id,
                    gbt_section: Some(section.into()),
                    gbt_division: Some(division.into()),
                    library_class: class,
                    nature,
                    content,
                    total_investment: total,
                    initial_completed: initial,
                    planned_start,
                    actual_start,
                    planned_finish,
                    actual_finish,
                    responsible_unit: Some(format!("{}人民政府", region.name_zh)),
                    leader_in_charge: Some(format!("市领导（分管{}）", industry.name_zh)),
                    contact_name: Some(format!(
                        "{}经理",
                        rng.pick(&["王", "李", "张", "刘", "陈", "孙"])
                    )),
                    contact_phone: Some(format!("0533-{}", 2000000 + rng.below(7999999))),
                };
                // Started projects: most on schedule, some behind, some far behind, a few
                // silent this month.
                let share = match (stage, n % 10) {
                    (Stage::Started, 0 | 1) => Some(-(60 + rng.below(60) as i64)), // yellow: 6–12 points behind
                    (Stage::Started, 2) => Some(-(200 + rng.below(200) as i64)), // red: 20–40 behind
                    (Stage::Started, 3) => Some(0), // on time, but last month missing
                    (Stage::Started, _) => Some(rng.below(80) as i64), // ahead or on time
                    _ => None,
                };
                plans.push((stage, share, stage == Stage::Started && n % 10 == 3));
                ops.push(ImportOp::Create(NewProject {
                    input,
                    stage,
                    batch: year_plan.map(|p| Batch {
                        year,
                        planned_investment: p,
                    }),
                    factors,
                }));
            }
        }
        let start_of_year = NaiveDate::from_ymd_opt(year, 1, 5).unwrap_or(today);
        let ctx = |date: NaiveDate| WarningContext {
            rules: rules.clone(),
            today: date,
            at: Some(at(date)),
        };
        self.store
            .import_projects(&ops, &ctx(start_of_year.min(today)), by)
            .await?;

        // Monthly reports, each filed on the 5th of the following month.
        let ids: Vec<i64> = {
            let keys = self.store.project_keys().await?;
            let mut ids: Vec<i64> = keys.iter().map(|k| k.id).collect();
            ids.sort_unstable();
            ids.into_iter().rev().take(plans.len()).rev().collect()
        };
        if today.month() > 1 {
            for month in 1..=last_month {
                let mut reports = Vec::new();
                for (id, ((stage, share, silent), op)) in ids.iter().zip(plans.iter().zip(&ops)) {
                    let (Some(share), Stage::Started) = (share, stage) else {
                        continue;
                    };
                    if *silent && month == last_month {
                        continue;
                    }
                    let ImportOp::Create(new) = op else { continue };
                    let plan = new
                        .batch
                        .as_ref()
                        .map(|b| b.planned_investment.0)
                        .unwrap_or(0);
                    // Cumulative target by this month: time progress plus the project's lead
                    // or lag (tenths of a point), never below zero.
                    let target = |m: u32| -> i64 {
                        let tenths = (m as i64 * 1000 / 12 + share).clamp(0, 1000);
                        plan / 1000 * tenths
                    };
                    let month_amount = (target(month) - target(month - 1)).max(0);
                    reports.push(ProgressOp {
                        project_id: *id,
                        input: ProgressInput {
                            year,
                            month,
                            month_investment: Money(month_amount),
                            image_progress: format!(
                                "主体工程完成{}%，设备安装有序推进",
                                (month * 8).min(100)
                            ),
                            milestone: if month < 4 {
                                "土建施工".into()
                            } else if month < 8 {
                                "设备安装".into()
                            } else {
                                "调试试产".into()
                            },
                            problems: if *share < -100 {
                                "用地指标、环评手续办理滞后，资金到位不足".into()
                            } else {
                                String::new()
                            },
                            next_steps: "加快设备采购和安装进度，确保按期投产".into(),
                        },
                    });
                }
                let filed = NaiveDate::from_ymd_opt(
                    if month == 12 { year + 1 } else { year },
                    if month == 12 { 1 } else { month + 1 },
                    5,
                )
                .unwrap_or(today)
                .min(today);
                self.store
                    .import_progress(&reports, &ctx(filed), by)
                    .await?;
            }
        }
        // Two projects left the library this year, with their reasons.
        for (i, id) in ids.iter().enumerate().filter(|(i, _)| *i == 45 || *i == 47) {
            if let Some(p) = self.store.get_project(*id).await? {
                let reason = if i == 45 {
                    "企业投资计划调整，项目暂缓实施"
                } else {
                    "项目主体变更，转入区县项目库"
                };
                let left = NaiveDate::from_ymd_opt(year, (today.month().max(3) - 2).max(1), 15)
                    .unwrap_or(today)
                    .min(today);
                let event = dongneng_store::EventNote {
                    on_date: left,
                    note: reason,
                };
                self.store
                    .set_in_library(*id, p.version, false, event, &ctx(left), by)
                    .await?;
            }
        }
        // Today's warnings.
        self.store
            .refresh_all_warnings(&self.warning_context().await?)
            .await?;
        Ok(())
    }
}
