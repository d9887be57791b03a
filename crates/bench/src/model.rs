//! The data set's model: one project and its whole history, computed from the project's
//! number alone (so that chunks can be made in any order and the set is the same on every
//! run). Pure: no database.
//!
//! A project enters the library in some month of the window (most in the first year: the
//! library as it stood when monthly reporting began; the rest later), in 策划, 储备 or 开工.
//! It moves 策划 → 储备 → 开工 → 建成 after a few months each; a few leave the library. From
//! entry until it is completed (or leaves) it files a report every month: zero investment
//! with the preliminary work (前期手续) before the start, a share of the investment
//! afterwards. Every change is a row of `project_versions` (closed with `valid_to` by the
//! next), every year in the library a row of `project_batches`, every report a row of
//! `project_progress` filed on the 5th of the next month — so the "as at" view of any past
//! month shows the library as it then was. The current figures on `projects` are derived
//! from that history as the store derives them (`refresh`), and the warning is the domain's
//! own `warning::evaluate`.

use crate::words::{self, IndustryWords};
use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc};
use dongneng_domain::codes::credit_code_check_char;
use dongneng_domain::money::FEN_PER_WAN;
use dongneng_domain::project::{FactorKind, LibraryClass, Nature, Stage, ym};
use dongneng_domain::warning::{self, WarningRules};

/// A small, fast, deterministic generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut r = Rng(seed);
        r.next();
        r
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn between(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// An index chosen with the given weights.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as u64) as u32;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }
}

/// A district (or county, or zone) projects are placed in.
pub struct District {
    pub id: i64,
    /// Six digits; the code used in project and credit codes.
    pub code: String,
    pub name: String,
    /// The city's name without 市 ("济南"), the first part of owner names.
    pub city_short: String,
    /// Telephone area code ("0531").
    pub area_code: String,
}

pub struct Industry {
    pub id: i64,
    pub name_zh: String,
    /// Relative share of projects.
    pub weight: u32,
    pub words: IndustryWords,
}

/// Everything a project's generation depends on besides its number.
pub struct World {
    pub seed: u64,
    pub now: DateTime<Utc>,
    /// Today in China.
    pub today: NaiveDate,
    /// Months in the window; month `months - 1` is the last full month (the reporting month).
    pub months: i32,
    /// Year and month of month 0.
    pub first: (i32, u32),
    pub rules: WarningRules,
    pub districts: Vec<District>,
    pub industries: Vec<Industry>,
    /// Share of projects entering after the window's first year.
    pub late_share: f64,
}

pub struct ProjectRow {
    pub id: i64,
    pub code: Option<String>,
    pub name: String,
    pub owner_name: String,
    pub owner_credit_code: Option<String>,
    pub region_id: i64,
    pub industry_id: i64,
    pub gbt_section: Option<String>,
    pub gbt_division: Option<String>,
    pub library_class: &'static str,
    pub nature: &'static str,
    pub content: String,
    pub total_investment: i64,
    pub initial_completed: i64,
    pub completed_investment: i64,
    pub plan_year: i32,
    pub year_plan: i64,
    pub year_completed: i64,
    pub planned_start: Option<NaiveDate>,
    pub actual_start: Option<NaiveDate>,
    pub planned_finish: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    pub responsible_unit: Option<String>,
    pub leader_in_charge: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub stage: &'static str,
    pub in_library: bool,
    pub left_reason: Option<String>,
    pub left_on: Option<NaiveDate>,
    pub last_progress_ym: Option<i32>,
    pub warning_level: &'static str,
    pub warning_reasons: String,
    pub search_text: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A row of `project_versions`; the other columns are the project's.
pub struct VersionRow {
    pub valid_from: DateTime<Utc>,
    pub valid_to: Option<DateTime<Utc>>,
    pub stage: &'static str,
    pub in_library: bool,
}

pub struct BatchRow {
    pub year: i32,
    pub planned: i64,
    pub valid_from: DateTime<Utc>,
}

pub struct ProgressRow {
    pub ym: i32,
    pub year: i32,
    pub month: i32,
    pub month_investment: i64,
    pub ytd: i64,
    pub cumulative: i64,
    pub image_progress: &'static str,
    pub milestone: &'static str,
    pub problems: &'static str,
    pub next_steps: &'static str,
    pub valid_from: DateTime<Utc>,
}

pub struct EventRow {
    pub kind: &'static str,
    pub from_stage: Option<&'static str>,
    pub to_stage: Option<&'static str>,
    pub on_date: NaiveDate,
    pub note: &'static str,
    pub at: DateTime<Utc>,
}

pub struct FactorRow {
    pub kind: &'static str,
    pub required: i64,
    pub fulfilled: i64,
    pub needed_by: Option<NaiveDate>,
    pub note: Option<&'static str>,
    pub created_at: DateTime<Utc>,
}

/// One project with its history.
pub struct Generated {
    pub project: ProjectRow,
    pub versions: Vec<VersionRow>,
    pub batches: Vec<BatchRow>,
    pub progress: Vec<ProgressRow>,
    pub events: Vec<EventRow>,
    pub factors: Vec<FactorRow>,
}

/// Who the generated history is recorded as.
pub const USERNAME: &str = "bench";

const CLASS_WEIGHTS: [(LibraryClass, u32); 6] = [
    (LibraryClass::ProvMajor, 4),
    (LibraryClass::ProvPreferred, 6),
    (LibraryClass::ProvAttraction, 8),
    (LibraryClass::ProvShortfall, 7),
    (LibraryClass::CityMajor, 30),
    (LibraryClass::District, 45),
];

const NATURE_WEIGHTS: [(Nature, u32); 6] = [
    (Nature::New, 50),
    (Nature::Expansion, 15),
    (Nature::TechUpgrade, 20),
    (Nature::Reconstruction, 8),
    (Nature::Relocation, 4),
    (Nature::Other, 3),
];

enum Change {
    Stage(Stage, Stage),
    Leave,
}

impl World {
    /// Year and month of window month `k`.
    pub fn year_month(&self, k: i32) -> (i32, u32) {
        let idx = self.first.0 * 12 + self.first.1 as i32 - 1 + k;
        (idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32)
    }

    fn date(&self, k: i32, day: u32) -> NaiveDate {
        let (y, m) = self.year_month(k);
        NaiveDate::from_ymd_opt(y, m, day.clamp(1, 28)).unwrap_or(self.today)
    }

    /// A moment on day `day` of month `k` (office hours in China), never after now.
    fn moment(&self, k: i32, day: u32, minute: u32) -> DateTime<Utc> {
        let d = self.date(k, day);
        let t = Utc.from_utc_datetime(&d.and_hms_opt(1, 0, 0).unwrap_or_default())
            + chrono::Duration::minutes(minute as i64 % 480);
        t.min(self.now - chrono::Duration::hours(1))
    }

    fn last_month(&self) -> i32 {
        self.months - 1
    }

    /// Generates project number `i` (0-based) with id `id`.
    pub fn project(&self, i: u64, id: i64) -> Generated {
        let mut r = Rng::new(self.seed ^ i.wrapping_mul(0xA24B_AED4_963E_E407));
        let l = self.last_month();
        let this_year = self.today.year();

        // Who and what.
        let d = &self.districts[r.below(self.districts.len() as u64) as usize];
        let weights: Vec<u32> = self.industries.iter().map(|x| x.weight).collect();
        let ind = &self.industries[r.weighted(&weights)];
        let w = &ind.words;
        let product = *r.pick(w.products);
        let division = *r.pick(w.divisions);
        let owner_word = *r.pick(words::OWNER_WORDS);
        let owner = format!("{}{}{}", d.city_short, owner_word, r.pick(w.owner_kinds));
        let pattern = *r.pick(if w.section == "C" {
            words::NAME_PATTERNS
        } else {
            words::OTHER_NAME_PATTERNS
        });
        let name = format!(
            "{}{}{}{}",
            d.city_short,
            owner_word,
            pattern
                .replace("{n}", &(1 + r.below(30)).to_string())
                .replace("{p}", product),
            r.pick(words::PHASES)
        );
        let class = CLASS_WEIGHTS[r.weighted(&CLASS_WEIGHTS.map(|c| c.1))].0;
        let nature = NATURE_WEIGHTS[r.weighted(&NATURE_WEIGHTS.map(|c| c.1))].0;
        let (lo, hi) = match class {
            LibraryClass::ProvMajor => (100_000.0, 2_000_000.0),
            LibraryClass::ProvPreferred
            | LibraryClass::ProvAttraction
            | LibraryClass::ProvShortfall => (20_000.0, 500_000.0),
            LibraryClass::CityMajor => (10_000.0, 200_000.0),
            LibraryClass::District => (5_000.0, 50_000.0),
        };
        let total_wan = (f64::exp(r.between(f64::ln(lo), f64::ln(hi)))).round() as i64;
        let total = total_wan * FEN_PER_WAN;

        // When: entry, stage moves, leaving.
        let late = r.chance(self.late_share) && l >= 12;
        // Later entries grow towards the present (a library fills as programmes expand).
        let e = if late {
            l - ((l - 12) as f64 * r.unit().powi(2)) as i32
        } else {
            r.range(0, 11.min(l as i64)) as i32
        };
        let entry_stage = if late {
            [Stage::Planning, Stage::Reserve, Stage::Started][r.weighted(&[50, 35, 15])]
        } else {
            [Stage::Planning, Stage::Reserve, Stage::Started][r.weighted(&[20, 30, 50])]
        };
        let dp = r.range(3, 24) as i32;
        let dr = r.range(3, 30) as i32;
        let dc = r.range(36, 180) as i32;
        let (reserve_at, start) = match entry_stage {
            Stage::Planning => (Some(e + dp), e + dp + dr),
            Stage::Reserve => (None, e + dr),
            _ => (None, e),
        };
        let finish = start + dc - 1;
        let initial = if entry_stage == Stage::Started {
            round_wan(total as f64 * r.between(0.05, 0.3))
        } else {
            0
        };
        let mut changes: Vec<(i32, Change)> = Vec::new();
        if let Some(k) = reserve_at {
            changes.push((k, Change::Stage(Stage::Planning, Stage::Reserve)));
        }
        if entry_stage != Stage::Started {
            changes.push((start, Change::Stage(Stage::Reserve, Stage::Started)));
        }
        changes.push((finish, Change::Stage(Stage::Started, Stage::Completed)));
        let mut left_at = None;
        if r.chance(0.03) {
            let lv = e + r.range(2, 60) as i32;
            if lv <= l && lv < finish && !changes.iter().any(|(k, _)| *k == lv) {
                changes.retain(|(k, _)| *k < lv);
                changes.push((lv, Change::Leave));
                left_at = Some(lv);
            }
        }
        changes.retain(|(k, _)| *k <= l);

        // Versions and events, in time order.
        let entry_day = r.range(1, 28) as u32;
        let created_at = self.moment(e, entry_day, r.below(480) as u32);
        let mut stage = entry_stage;
        let mut in_library = true;
        let mut versions = vec![VersionRow {
            valid_from: created_at,
            valid_to: None,
            stage: stage.code(),
            in_library,
        }];
        let mut events = vec![EventRow {
            kind: "enter",
            from_stage: None,
            to_stage: Some(stage.code()),
            on_date: self.date(e, entry_day),
            note: "",
            at: created_at,
        }];
        let mut actual_start = (entry_stage == Stage::Started).then(|| self.date(e, entry_day));
        let mut actual_finish = None;
        let mut left_reason = None;
        let mut left_on = None;
        for (k, change) in &changes {
            let day = r.range(1, 28) as u32;
            let t = self.moment(*k, day, r.below(480) as u32);
            if let Some(last) = versions.last_mut() {
                last.valid_to = Some(t);
            }
            match change {
                Change::Stage(from, to) => {
                    stage = *to;
                    if *to == Stage::Started {
                        actual_start = Some(self.date(*k, day));
                    }
                    if *to == Stage::Completed {
                        actual_finish = Some(self.date(*k, day));
                    }
                    events.push(EventRow {
                        kind: "stage",
                        from_stage: Some(from.code()),
                        to_stage: Some(to.code()),
                        on_date: self.date(*k, day),
                        note: "",
                        at: t,
                    });
                }
                Change::Leave => {
                    in_library = false;
                    let reason = *r.pick(words::LEAVE_REASONS);
                    left_reason = Some(reason.to_string());
                    left_on = Some(self.date(*k, day));
                    events.push(EventRow {
                        kind: "leave",
                        from_stage: None,
                        to_stage: Some(stage.code()),
                        on_date: self.date(*k, day),
                        note: reason,
                        at: t,
                    });
                }
            }
            versions.push(VersionRow {
                valid_from: t,
                valid_to: None,
                stage: stage.code(),
                in_library,
            });
        }
        let started = matches!(stage, Stage::Started | Stage::Completed);

        // The investment schedule: a hump over the construction months, less in the Spring
        // Festival months, with noise; the whole remainder by the last month.
        let remaining = total - initial;
        let n = dc as usize;
        let mut weights = Vec::with_capacity(n);
        for j in 0..n {
            let (_, m) = self.year_month(start + j as i32);
            let season = match m {
                1 => 0.6,
                2 => 0.5,
                _ => 1.0,
            };
            let hump = 0.4 + (std::f64::consts::PI * (j as f64 + 0.5) / n as f64).sin();
            weights.push(hump * season * r.between(0.75, 1.25));
        }
        let sum: f64 = weights.iter().sum();
        let mut plan: Vec<i64> = weights
            .iter()
            .map(|x| round_down(remaining as f64 * x / sum))
            .collect();
        let planned_sum: i64 = plan.iter().sum();
        if let Some(last) = plan.last_mut() {
            *last += remaining - planned_sum;
        }
        // Some projects under construction fall behind this year.
        let lag = if stage == Stage::Started && in_library {
            match r.weighted(&[86, 8, 6]) {
                1 => r.between(0.8, 0.9),
                2 => r.between(0.45, 0.7),
                _ => 1.0,
            }
        } else {
            1.0
        };
        let amount = |k: i32| -> i64 {
            if k < start || k > finish {
                return 0;
            }
            let a = plan[(k - start) as usize];
            if self.year_month(k).0 == this_year && lag < 1.0 {
                round_down(a as f64 * lag)
            } else {
                a
            }
        };

        // Reports: from entry to completion, leaving, or the last month (some are late).
        let mut end = l;
        if stage == Stage::Completed {
            end = finish.min(l);
        }
        if let Some(lv) = left_at {
            end = lv - 1;
        }
        let silent = stage == Stage::Started && in_library && r.chance(0.06);
        if silent {
            end -= 1 + r.below(2) as i32;
        }
        let mut progress = Vec::with_capacity((end - e + 1).max(0) as usize);
        let (mut ytd, mut cum) = (0i64, 0i64);
        let struggling = lag < 0.75;
        for k in e..=end {
            let (y, m) = self.year_month(k);
            let a = amount(k);
            ytd = if m == 1 || progress.is_empty() {
                a
            } else {
                ytd + a
            };
            cum += a;
            let building = k >= start;
            let (image, milestone, next) = if building {
                let phase = ((k - start) as usize * words::BUILD_IMAGE.len()) / n.max(1);
                let ms = ((k - start) as usize * words::BUILD_MILESTONE.len()) / n.max(1);
                (
                    words::BUILD_IMAGE[phase.min(words::BUILD_IMAGE.len() - 1)],
                    words::BUILD_MILESTONE[ms.min(words::BUILD_MILESTONE.len() - 1)],
                    *r.pick(words::NEXT_STEPS),
                )
            } else {
                let phase = ((k - e) as usize).min(words::PRE_START_IMAGE.len() - 1);
                (
                    words::PRE_START_IMAGE[phase],
                    words::PRE_START_MILESTONE[phase.min(words::PRE_START_MILESTONE.len() - 1)],
                    "加快办理前期手续，力争早日开工",
                )
            };
            let problems = if (struggling && y == this_year) || r.chance(0.04) {
                *r.pick(words::PROBLEMS)
            } else {
                ""
            };
            let filed = self.moment(k + 1, 5, r.below(480) as u32);
            progress.push(ProgressRow {
                ym: ym(y, m),
                year: y,
                month: m as i32,
                month_investment: a,
                ytd,
                cumulative: cum,
                image_progress: image,
                milestone,
                problems,
                next_steps: next,
                valid_from: filed,
            });
        }

        // Batches: every year in the library, with the year's planned investment.
        let first_year = self.year_month(e).0;
        let last_year = match (stage, left_at) {
            (_, Some(lv)) => self.year_month(lv).0,
            (Stage::Completed, _) => self.year_month(finish).0,
            _ => this_year,
        };
        let mut batches = Vec::new();
        for y in first_year..=last_year {
            let scheduled: i64 = (0..n as i32)
                .filter(|j| self.year_month(start + j).0 == y)
                .map(|j| plan[j as usize])
                .sum();
            let noise = if y == this_year {
                r.between(0.97, 1.06)
            } else {
                r.between(0.9, 1.1)
            };
            let planned = if scheduled > 0 {
                round_wan(scheduled as f64 * noise)
            } else if y == this_year {
                round_wan(total as f64 * r.between(0.0, 0.05))
            } else {
                0
            };
            let jan = Utc
                .with_ymd_and_hms(y, 1, 5, 1, 0, 0)
                .single()
                .unwrap_or(created_at);
            batches.push(BatchRow {
                year: y,
                planned,
                valid_from: jan.max(created_at),
            });
        }
        let year_plan = batches
            .iter()
            .find(|b| b.year == this_year)
            .map(|b| b.planned)
            .unwrap_or(0);

        // Factor needs of some projects in preparation or construction.
        let mut factors = Vec::new();
        if in_library && matches!(stage, Stage::Reserve | Stage::Started) && r.chance(0.12) {
            for _ in 0..r.range(1, 2) {
                let kind = *r.pick(FactorKind::ALL);
                if factors.iter().any(|f: &FactorRow| f.kind == kind.code()) {
                    continue;
                }
                let required = r.range(50, 5_000) * 100;
                let fulfilled = if r.chance(0.5) {
                    required
                } else {
                    required * r.range(0, 90) / 100
                };
                let needed_by = self
                    .today
                    .checked_add_days(Days::new(200))
                    .and_then(|d| d.checked_sub_days(Days::new(r.range(0, 350) as u64)));
                factors.push(FactorRow {
                    kind: kind.code(),
                    required,
                    fulfilled,
                    needed_by,
                    note: Some("需协调落实"),
                    created_at: versions.last().map(|v| v.valid_from).unwrap_or(created_at),
                });
            }
        }

        // Dates as planned.
        let planned_start = if started {
            let delay = if r.chance(0.3) {
                r.range(1, 4) as i32
            } else {
                0
            };
            Some(self.date(start - delay, 1))
        } else if in_library && r.chance(0.12) {
            // Due to start already: a start warning.
            self.today
                .checked_sub_days(Days::new(r.range(15, 300) as u64))
        } else {
            Some(self.date(start.max(l + 1), 1))
        };
        let planned_finish =
            planned_start.and_then(|s| s.checked_add_months(chrono::Months::new(dc as u32)));

        let code_needed = started || r.chance(0.7);
        let code = code_needed.then(|| {
            let (y, m) = self.year_month(e);
            format!(
                "{:02}{:02}-{}-{}-{:02}-{:06}",
                y % 100,
                m,
                d.code,
                division,
                1 + r.below(3),
                i % 1_000_000
            )
        });
        let credit = credit_code(&mut r, &d.code);
        let content = format!(
            "新建{product}生产线{}条及配套设施，总建筑面积约{}万平方米，购置主要生产设备{}台（套），达产后可实现年销售收入{}亿元。",
            1 + r.below(6),
            1 + r.below(30),
            20 + r.below(480),
            1 + r.below(80)
        );
        let search_text = format!(
            "{} {} {} {}",
            name,
            owner,
            content,
            code.as_deref().unwrap_or("")
        );

        // Derived figures, as the store's `refresh` derives them.
        let last = progress.last();
        let completed_investment = initial + last.map(|p| p.cumulative).unwrap_or(0);
        let year_completed = progress
            .iter()
            .rev()
            .find(|p| p.year == this_year)
            .map(|p| p.ytd)
            .unwrap_or(0);
        let last_progress_ym = last.map(|p| p.ym);
        // In the order SQLite's index on (project_id, kind) reads them back.
        let mut unmet: Vec<(FactorKind, Option<NaiveDate>)> = factors
            .iter()
            .filter(|f| f.fulfilled < f.required)
            .filter_map(|f| FactorKind::parse(f.kind).map(|k| (k, f.needed_by)))
            .collect();
        unmet.sort_by_key(|(k, _)| k.code());
        let facts = warning::Facts {
            stage,
            in_library,
            planned_start,
            plan_year: this_year,
            year_plan: dongneng_domain::money::Money(year_plan),
            year_completed: dongneng_domain::money::Money(year_completed),
            last_progress_ym,
            unmet_factors: unmet,
        };
        let (level, reasons) = warning::evaluate(&facts, &self.rules, self.today);
        let updated_at = versions
            .last()
            .map(|v| v.valid_from)
            .into_iter()
            .chain(progress.last().map(|p| p.valid_from))
            .max()
            .unwrap_or(created_at);

        let project = ProjectRow {
            id,
            code,
            name,
            owner_name: owner,
            owner_credit_code: Some(credit),
            region_id: d.id,
            industry_id: ind.id,
            gbt_section: Some(w.section.to_string()),
            gbt_division: Some(division.to_string()),
            library_class: class.code(),
            nature: nature.code(),
            content,
            total_investment: total,
            initial_completed: initial,
            completed_investment,
            plan_year: this_year,
            year_plan,
            year_completed,
            planned_start,
            actual_start: if started { actual_start } else { None },
            planned_finish,
            actual_finish,
            responsible_unit: Some(format!("{}人民政府", d.name)),
            leader_in_charge: Some(format!("市领导（分管{}）", ind.name_zh)),
            contact_name: Some(format!("{}经理", r.pick(words::SURNAMES))),
            contact_phone: Some(format!(
                "{}-{}",
                d.area_code,
                2_000_000 + r.below(7_000_000)
            )),
            stage: stage.code(),
            in_library,
            left_reason,
            left_on,
            last_progress_ym,
            warning_level: level.code(),
            warning_reasons: serde_json::to_string(&reasons).unwrap_or_else(|_| "[]".into()),
            search_text,
            version: versions.len() as i64,
            created_at,
            updated_at,
        };
        Generated {
            project,
            versions,
            batches,
            progress,
            events,
            factors,
        }
    }
}

/// Fen rounded down to whole hundredths of 万元 (100 元).
fn round_down(fen: f64) -> i64 {
    ((fen.max(0.0) as i64) / 10_000) * 10_000
}

/// Fen rounded to whole 万元.
fn round_wan(fen: f64) -> i64 {
    (fen / FEN_PER_WAN as f64).round() as i64 * FEN_PER_WAN
}

/// A unified social credit code registered in the district, with a valid check character.
fn credit_code(r: &mut Rng, region_code: &str) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut s = format!("91{region_code}");
    for _ in 0..9 {
        s.push(ALPHABET[r.below(ALPHABET.len() as u64) as usize] as char);
    }
    let c = credit_code_check_char(&s).unwrap_or('0');
    s.push(c);
    s
}
