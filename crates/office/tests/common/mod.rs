//! Helpers shared by the integration tests: sample rows and hand-made workbooks.
#![allow(dead_code)]

use chrono::NaiveDate;
use dongneng_domain::Money;
use dongneng_domain::project::{LibraryClass, Nature, Quantity, Stage};
use dongneng_office::{FactorCells, ProgressSheetRow, ProjectSheetRow, ProjectTotals};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn wan(s: &str) -> Money {
    Money::parse_wan(s).unwrap()
}

/// A project with every field filled.
pub fn full_project() -> ProjectSheetRow {
    ProjectSheetRow {
        code: Some("2509-320193-89-01-544060".into()),
        name: "年产5万吨高性能膜材料项目".into(),
        owner_name: "山东某新材料有限公司".into(),
        owner_credit_code: Some("91110000802100433B".into()),
        region: "张店区".into(),
        industry: "新材料".into(),
        gbt_section: Some("C".into()),
        gbt_division: Some("06".into()),
        library_class: LibraryClass::ProvAttraction,
        nature: Nature::TechUpgrade,
        stage: Stage::Started,
        batch_year: Some(2026),
        content: "建设生产线 3 条，\n配套仓储及研发中心".into(),
        total_investment: wan("123456.789012"),
        year_plan: Some(wan("20000.5")),
        completed: wan("3500.000001"),
        year_completed: Some(wan("1234.56")),
        planned_start: Some(date(2026, 3, 1)),
        actual_start: Some(date(2026, 3, 15)),
        planned_finish: Some(date(2027, 12, 31)),
        actual_finish: None,
        responsible_unit: Some("市工业和信息化局".into()),
        leader_in_charge: Some("张三".into()),
        contact_name: Some("李四".into()),
        contact_phone: Some("0533-1234567".into()),
        land: Some(FactorCells {
            required: Quantity(12_050),
            fulfilled: Quantity(10_000),
        }),
        energy: Some(FactorCells {
            required: Quantity(500_000),
            fulfilled: Quantity(0),
        }),
        environment: None,
        water: Some(FactorCells {
            required: Quantity(1),
            fulfilled: Quantity(1),
        }),
        funds: Some(FactorCells {
            required: Quantity(1_000_000),
            fulfilled: Quantity(250_075),
        }),
        warning: "滞后预警".into(),
    }
}

/// A project with only the required fields.
pub fn minimal_project() -> ProjectSheetRow {
    ProjectSheetRow {
        code: None,
        name: "城市更新片区项目".into(),
        owner_name: "淄博市城市资产运营集团".into(),
        owner_credit_code: None,
        region: "高新区".into(),
        industry: "城市建设".into(),
        gbt_section: None,
        gbt_division: None,
        library_class: LibraryClass::CityMajor,
        nature: Nature::New,
        stage: Stage::Planning,
        batch_year: None,
        content: String::new(),
        total_investment: Money::ZERO,
        year_plan: None,
        completed: Money::ZERO,
        year_completed: None,
        planned_start: None,
        actual_start: None,
        planned_finish: None,
        actual_finish: None,
        responsible_unit: None,
        leader_in_charge: None,
        contact_name: None,
        contact_phone: None,
        land: None,
        energy: None,
        environment: None,
        water: None,
        funds: None,
        warning: String::new(),
    }
}

pub fn totals(rows: &[ProjectSheetRow]) -> ProjectTotals {
    let sum = |f: fn(&ProjectSheetRow) -> Money| {
        rows.iter()
            .fold(Money::ZERO, |a, r| a.checked_add(f(r)).unwrap())
    };
    ProjectTotals {
        count: rows.len(),
        total_investment: sum(|r| r.total_investment),
        year_plan: sum(|r| r.year_plan.unwrap_or_default()),
        completed: sum(|r| r.completed),
        year_completed: sum(|r| r.year_completed.unwrap_or_default()),
    }
}

pub fn progress_row() -> ProgressSheetRow {
    ProgressSheetRow {
        code: Some("2019-370303-26-03-012345".into()),
        name: "年产5万吨高性能膜材料项目".into(),
        owner_name: "山东某新材料有限公司".into(),
        year: 2026,
        month: 3,
        month_investment: wan("1500.123456"),
        ytd_investment: Some(wan("4200")),
        image_progress: "主体结构完成 60%".into(),
        milestone: "主体施工".into(),
        problems: "用地指标待落实".into(),
        next_steps: "4月底前完成封顶".into(),
    }
}

/// A cell of a hand-made sheet.
#[derive(Clone, Debug)]
pub enum C {
    S(String),
    N(f64),
    D(u16, u8, u8),
    B(bool),
    Blank,
}

pub fn s(t: &str) -> C {
    C::S(t.to_string())
}

/// Builds a workbook with one sheet named `name` holding `rows` from row 1 on, merging the
/// given (first_row, first_col, last_row, last_col) ranges (0-based).
pub fn workbook(name: &str, rows: &[Vec<C>], merges: &[(u32, u16, u32, u16)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match v {
                C::S(t) => {
                    ws.write_string(r, c, t).unwrap();
                }
                C::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                C::D(y, m, d) => {
                    let x = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    ws.write_datetime_with_format(r, c, x, &date).unwrap();
                }
                C::B(b) => {
                    ws.write_boolean(r, c, *b).unwrap();
                }
                C::Blank => {}
            }
        }
    }
    for (r1, c1, r2, c2) in merges {
        ws.merge_range(*r1, *c1, *r2, *c2, "", &Format::new())
            .unwrap();
    }
    wb.save_to_buffer().unwrap()
}

/// The project headers as cells.
pub fn project_header_cells() -> Vec<C> {
    dongneng_office::PROJECT_HEADERS
        .iter()
        .map(|h| s(h))
        .collect()
}

/// A valid project row as cells, in PROJECT_HEADERS order, with `set` applied by header.
pub fn project_cells(set: &[(&str, C)]) -> Vec<C> {
    let mut row: Vec<C> = vec![C::Blank; dongneng_office::PROJECT_HEADERS.len()];
    let base = [
        ("项目名称", s("某项目")),
        ("建设单位", s("某公司")),
        ("所属区县", s("张店区")),
        ("所属产业", s("新材料")),
        ("项目库类别", s("市重大")),
        ("建设性质", s("新建")),
        ("项目阶段", s("储备")),
        ("总投资（万元）", C::N(1000.0)),
    ];
    for (h, v) in base.into_iter().chain(set.iter().cloned()) {
        let i = dongneng_office::PROJECT_HEADERS
            .iter()
            .position(|x| *x == h)
            .unwrap_or_else(|| panic!("no header {h}"));
        row[i] = v;
    }
    row
}

/// A project sheet with the standard headers and these rows.
pub fn project_sheet(rows: &[Vec<C>]) -> Vec<u8> {
    let mut all = vec![project_header_cells()];
    all.extend(rows.iter().cloned());
    workbook("重点项目库", &all, &[])
}
