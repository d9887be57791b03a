//! The project list layout (重点项目库): one sheet, row 1 the headers, one project per row,
//! a bold 合计 row at the end.

use crate::read::{
    self, CellValue, Layout, Problem, RowReader, conv_credit_code, conv_date, conv_enum, conv_int,
    conv_money, conv_project_code, conv_quantity, conv_text,
};
use crate::{OfficeError, SheetRead, sort_errors};
use chrono::{Datelike, NaiveDate};
use dongneng_domain::Money;
use dongneng_domain::project::{FactorKind, LibraryClass, Nature, Quantity, Stage};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use std::collections::HashMap;

/// The sheet name of the project list.
pub const PROJECT_SHEET: &str = "重点项目库";

/// The headers of the project list, in column order (exact text written; reading also
/// accepts half-width parentheses and stray white space).
pub const PROJECT_HEADERS: [&str; 38] = [
    "序号",
    "项目代码",
    "项目名称",
    "建设单位",
    "统一社会信用代码",
    "所属区县",
    "所属产业",
    "行业门类",
    "行业大类",
    "项目库类别",
    "建设性质",
    "项目阶段",
    "批次年度",
    "建设内容及规模",
    "总投资（万元）",
    "年度计划投资（万元）",
    "累计完成投资（万元）",
    "本年完成投资（万元）",
    "年度投资完成率（%）",
    "计划开工时间",
    "实际开工时间",
    "计划竣工时间",
    "实际竣工时间",
    "责任单位",
    "包保市领导",
    "联系人",
    "联系电话",
    "用地需求（亩）",
    "用地已保障（亩）",
    "能耗需求（吨标准煤）",
    "能耗已保障（吨标准煤）",
    "环境容量需求（吨）",
    "环境容量已保障（吨）",
    "用水需求（万立方米）",
    "用水已保障（万立方米）",
    "资金需求（万元）",
    "资金已保障（万元）",
    "预警",
];

// Column positions in PROJECT_HEADERS.
const SEQ: usize = 0;
const CODE: usize = 1;
const NAME: usize = 2;
const OWNER: usize = 3;
const CREDIT: usize = 4;
const REGION: usize = 5;
const INDUSTRY: usize = 6;
const GBT_SECTION: usize = 7;
const GBT_DIVISION: usize = 8;
const CLASS: usize = 9;
const NATURE: usize = 10;
const STAGE: usize = 11;
const BATCH: usize = 12;
const CONTENT: usize = 13;
const TOTAL: usize = 14;
const YEAR_PLAN: usize = 15;
const COMPLETED: usize = 16;
const YEAR_COMPLETED: usize = 17;
const RATE: usize = 18;
const PLANNED_START: usize = 19;
const ACTUAL_START: usize = 20;
const PLANNED_FINISH: usize = 21;
const ACTUAL_FINISH: usize = 22;
const RESPONSIBLE: usize = 23;
const LEADER: usize = 24;
const CONTACT: usize = 25;
const PHONE: usize = 26;
/// First factor column; each kind takes two (需求, 已保障) in `FactorKind::ALL` order.
const FACTORS: usize = 27;
const WARNING: usize = 37;

const REQUIRED: [usize; 8] = [NAME, OWNER, REGION, INDUSTRY, CLASS, NATURE, STAGE, TOTAL];

const WIDTHS: [f64; 38] = [
    6.0, 26.0, 36.0, 30.0, 22.0, 12.0, 14.0, 9.0, 9.0, 12.0, 10.0, 9.0, 9.0, 40.0, 15.0, 15.0,
    15.0, 15.0, 12.0, 12.0, 12.0, 12.0, 12.0, 20.0, 12.0, 10.0, 16.0, 11.0, 11.0, 13.0, 13.0, 12.0,
    12.0, 12.0, 12.0, 12.0, 12.0, 24.0,
];

/// One factor-guarantee need as the sheet holds it: amounts in hundredths of the kind's unit
/// (亩, 吨标准煤, 吨, 万立方米, 万元).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FactorCells {
    /// 需求.
    pub required: Quantity,
    /// 已保障 (0 when the cell is blank).
    pub fulfilled: Quantity,
}

/// One project row of the list. Names (region, industry) are as displayed; the caller maps
/// them to ids.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectSheetRow {
    /// 项目代码, normalised; optional before construction starts.
    pub code: Option<String>,
    /// 项目名称.
    pub name: String,
    /// 建设单位.
    pub owner_name: String,
    /// 统一社会信用代码, checked and upper-cased.
    pub owner_credit_code: Option<String>,
    /// 所属区县, the region's name as displayed.
    pub region: String,
    /// 所属产业, the industry's name.
    pub industry: String,
    /// 行业门类 (GB/T 4754 section letter), as written.
    pub gbt_section: Option<String>,
    /// 行业大类 (two digits; a number cell 6 reads as "06").
    pub gbt_division: Option<String>,
    /// 项目库类别.
    pub library_class: LibraryClass,
    /// 建设性质.
    pub nature: Nature,
    /// 项目阶段.
    pub stage: Stage,
    /// 批次年度 (2000–2100).
    pub batch_year: Option<i32>,
    /// 建设内容及规模 ("" when blank).
    pub content: String,
    /// 总投资.
    pub total_investment: Money,
    /// 年度计划投资.
    pub year_plan: Option<Money>,
    /// 累计完成投资 (0 when blank).
    pub completed: Money,
    /// 本年完成投资.
    pub year_completed: Option<Money>,
    /// 计划开工时间.
    pub planned_start: Option<NaiveDate>,
    /// 实际开工时间.
    pub actual_start: Option<NaiveDate>,
    /// 计划竣工时间.
    pub planned_finish: Option<NaiveDate>,
    /// 实际竣工时间.
    pub actual_finish: Option<NaiveDate>,
    /// 责任单位.
    pub responsible_unit: Option<String>,
    /// 包保市领导.
    pub leader_in_charge: Option<String>,
    /// 联系人.
    pub contact_name: Option<String>,
    /// 联系电话.
    pub contact_phone: Option<String>,
    /// 用地（亩）.
    pub land: Option<FactorCells>,
    /// 能耗（吨标准煤）.
    pub energy: Option<FactorCells>,
    /// 环境容量（吨）.
    pub environment: Option<FactorCells>,
    /// 用水（万立方米）.
    pub water: Option<FactorCells>,
    /// 资金（万元）.
    pub funds: Option<FactorCells>,
    /// 预警: written on export, left empty on import.
    pub warning: String,
}

impl ProjectSheetRow {
    /// The five factor needs with their kinds, in column order.
    pub fn factors(&self) -> [(FactorKind, Option<FactorCells>); 5] {
        [
            (FactorKind::Land, self.land),
            (FactorKind::Energy, self.energy),
            (FactorKind::Environment, self.environment),
            (FactorKind::Water, self.water),
            (FactorKind::Funds, self.funds),
        ]
    }

    fn factor_mut(&mut self, kind: FactorKind) -> &mut Option<FactorCells> {
        match kind {
            FactorKind::Land => &mut self.land,
            FactorKind::Energy => &mut self.energy,
            FactorKind::Environment => &mut self.environment,
            FactorKind::Water => &mut self.water,
            FactorKind::Funds => &mut self.funds,
        }
    }
}

/// The totals written in the 合计 row, computed by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProjectTotals {
    /// Number of projects.
    pub count: usize,
    /// Sum of 总投资.
    pub total_investment: Money,
    /// Sum of 年度计划投资.
    pub year_plan: Money,
    /// Sum of 累计完成投资.
    pub completed: Money,
    /// Sum of 本年完成投资.
    pub year_completed: Money,
}

/// The header of the column holding a field named as in `domain::project::ProjectInput`
/// (and `stage`, `batch_year`, `year_plan`, `year_completed`, `region`, `industry`, and
/// `<kind>.required` / `<kind>.fulfilled` for factors, kinds as in `FactorKind::code`), so
/// that errors found by the domain can be placed on the sheet.
pub fn project_header_for_field(field: &str) -> Option<&'static str> {
    let i = match field {
        "code" => CODE,
        "name" => NAME,
        "owner_name" => OWNER,
        "owner_credit_code" => CREDIT,
        "region" | "region_id" => REGION,
        "industry" | "industry_id" => INDUSTRY,
        "gbt_section" => GBT_SECTION,
        "gbt_division" => GBT_DIVISION,
        "library_class" => CLASS,
        "nature" => NATURE,
        "stage" => STAGE,
        "batch_year" => BATCH,
        "content" => CONTENT,
        "total_investment" => TOTAL,
        "year_plan" => YEAR_PLAN,
        "completed" | "initial_completed" => COMPLETED,
        "year_completed" => YEAR_COMPLETED,
        "planned_start" => PLANNED_START,
        "actual_start" => ACTUAL_START,
        "planned_finish" => PLANNED_FINISH,
        "actual_finish" => ACTUAL_FINISH,
        "responsible_unit" => RESPONSIBLE,
        "leader_in_charge" => LEADER,
        "contact_name" => CONTACT,
        "contact_phone" => PHONE,
        other => {
            let (kind, part) = other.rsplit_once('.')?;
            let kind = kind.rsplit('.').next()?;
            let k = FactorKind::ALL.iter().position(|k| k.code() == kind)?;
            match part {
                "required" => FACTORS + 2 * k,
                "fulfilled" => FACTORS + 2 * k + 1,
                _ => return None,
            }
        }
    };
    Some(PROJECT_HEADERS[i])
}

/// The formats of one export.
pub(crate) struct Formats {
    pub header: Format,
    pub money: Format,
    pub rate: Format,
    pub quantity: Format,
    pub date: Format,
    pub int: Format,
    pub total_text: Format,
    pub total_money: Format,
    pub total_rate: Format,
}

impl Formats {
    pub fn new() -> Formats {
        let header = Format::new()
            .set_bold()
            .set_background_color(0xD9E1F2)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_text_wrap();
        let money = Format::new().set_num_format("#,##0.00");
        let rate = Format::new().set_num_format("0.0");
        let bold = Format::new().set_bold().set_background_color(0xF2F2F2);
        Formats {
            header,
            quantity: money.clone(),
            total_money: bold.clone().set_num_format("#,##0.00"),
            total_rate: bold.clone().set_num_format("0.0"),
            total_text: bold,
            money,
            rate,
            date: Format::new().set_num_format("yyyy-mm-dd"),
            int: Format::new().set_num_format("0"),
        }
    }
}

pub(crate) fn write_headers(
    ws: &mut Worksheet,
    headers: &[&str],
    widths: &[f64],
    f: &Formats,
) -> Result<(), OfficeError> {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, widths.get(c).copied().unwrap_or(12.0))?;
    }
    ws.set_row_height(0, 32)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

// Data cells are written without a format of their own: they take their column's format
// (set once with `set_column_format`), which spares rust_xlsxwriter hashing a format for every
// cell — a third of the export time otherwise.

pub(crate) fn put_text(
    ws: &mut Worksheet,
    row: u32,
    col: usize,
    text: &str,
) -> Result<(), OfficeError> {
    if !text.is_empty() {
        ws.write_string(row, col as u16, text)?;
    }
    Ok(())
}

pub(crate) fn put_opt_text(
    ws: &mut Worksheet,
    row: u32,
    col: usize,
    text: &Option<String>,
) -> Result<(), OfficeError> {
    match text {
        Some(t) => put_text(ws, row, col, t),
        None => Ok(()),
    }
}

pub(crate) fn put_number(
    ws: &mut Worksheet,
    row: u32,
    col: usize,
    n: f64,
) -> Result<(), OfficeError> {
    ws.write_number(row, col as u16, n)?;
    Ok(())
}

pub(crate) fn put_money(
    ws: &mut Worksheet,
    row: u32,
    col: usize,
    m: Option<Money>,
) -> Result<(), OfficeError> {
    if let Some(m) = m {
        ws.write_number(row, col as u16, m.wan_f64())?;
    }
    Ok(())
}

pub(crate) fn put_date(
    ws: &mut Worksheet,
    row: u32,
    col: usize,
    d: Option<NaiveDate>,
) -> Result<(), OfficeError> {
    let Some(d) = d else { return Ok(()) };
    let excel = u16::try_from(d.year())
        .ok()
        .and_then(|y| ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok());
    match excel {
        Some(x) => ws.write_datetime(row, col as u16, x)?,
        // Outside Excel's calendar (before 1900): keep it readable as text.
        None => ws.write_string(row, col as u16, d.format("%Y-%m-%d").to_string())?,
    };
    Ok(())
}

/// Sets the number format of whole columns.
pub(crate) fn column_formats(
    ws: &mut Worksheet,
    cols: &[usize],
    f: &Format,
) -> Result<(), OfficeError> {
    for c in cols {
        ws.set_column_format(*c as u16, f)?;
    }
    Ok(())
}

/// Writes the project list: the header row (bold, filled, frozen), one row per project
/// (money in 万元 as numbers with two decimals shown, dates as Excel dates, enums as their
/// Chinese labels), then a bold 合计 row with `totals`.
pub fn write_projects(
    rows: &[ProjectSheetRow],
    totals: &ProjectTotals,
) -> Result<Vec<u8>, OfficeError> {
    let mut w = ProjectsWriter::new()?;
    for p in rows {
        w.push(p)?;
    }
    w.finish(totals)
}

/// Writes the project list a row at a time, so that a caller reading from a database in
/// pages never holds the whole list: rows stream through a temporary file (rust_xlsxwriter's
/// constant-memory mode).
pub struct ProjectsWriter {
    wb: Workbook,
    f: Formats,
    rows: usize,
}

impl ProjectsWriter {
    pub fn new() -> Result<Self, OfficeError> {
        let mut wb = Workbook::new();
        wb.set_zip_compression_level(crate::ZIP_LEVEL);
        let f = Formats::new();
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(PROJECT_SHEET)?;
        write_headers(ws, &PROJECT_HEADERS, &WIDTHS, &f)?;
        column_formats(ws, &[TOTAL, YEAR_PLAN, COMPLETED, YEAR_COMPLETED], &f.money)?;
        column_formats(ws, &[RATE], &f.rate)?;
        column_formats(
            ws,
            &[PLANNED_START, ACTUAL_START, PLANNED_FINISH, ACTUAL_FINISH],
            &f.date,
        )?;
        column_formats(ws, &[SEQ, BATCH], &f.int)?;
        let factor_cols: Vec<usize> = (FACTORS..FACTORS + 10).collect();
        column_formats(ws, &factor_cols, &f.quantity)?;
        Ok(ProjectsWriter { wb, f, rows: 0 })
    }

    /// Appends one project.
    pub fn push(&mut self, p: &ProjectSheetRow) -> Result<(), OfficeError> {
        let r = u32::try_from(self.rows + 1).map_err(|_| OfficeError::TooManyRows {
            max: read::MAX_ROWS,
        })?;
        let ws = self.wb.worksheet_from_index(0)?;
        write_project(ws, r, self.rows + 1, p)?;
        self.rows += 1;
        Ok(())
    }

    /// Writes the 合计 row and returns the workbook.
    pub fn finish(mut self, totals: &ProjectTotals) -> Result<Vec<u8>, OfficeError> {
        let rows = self.rows;
        let f = &self.f;
        let ws = self.wb.worksheet_from_index(0)?;
        let r = u32::try_from(rows + 1).map_err(|_| OfficeError::TooManyRows {
            max: read::MAX_ROWS,
        })?;
        for c in 0..PROJECT_HEADERS.len() {
            ws.write_blank(r, c as u16, &f.total_text)?;
        }
        ws.write_string_with_format(
            r,
            SEQ as u16,
            format!("共{}个", totals.count),
            &f.total_text,
        )?;
        ws.write_string_with_format(r, NAME as u16, "合计", &f.total_text)?;
        for (col, m) in [
            (TOTAL, totals.total_investment),
            (YEAR_PLAN, totals.year_plan),
            (COMPLETED, totals.completed),
            (YEAR_COMPLETED, totals.year_completed),
        ] {
            ws.write_number_with_format(r, col as u16, m.wan_f64(), &f.total_money)?;
        }
        if let Some(rate) = totals.year_completed.percent_of(totals.year_plan) {
            ws.write_number_with_format(r, RATE as u16, rate, &f.total_rate)?;
        }
        if rows > 0 {
            ws.autofilter(0, 0, rows as u32, (PROJECT_HEADERS.len() - 1) as u16)?;
        }
        Ok(self.wb.save_to_buffer()?)
    }
}

fn write_project(
    ws: &mut Worksheet,
    r: u32,
    seq: usize,
    p: &ProjectSheetRow,
) -> Result<(), OfficeError> {
    put_number(ws, r, SEQ, seq as f64)?;
    put_opt_text(ws, r, CODE, &p.code)?;
    put_text(ws, r, NAME, &p.name)?;
    put_text(ws, r, OWNER, &p.owner_name)?;
    put_opt_text(ws, r, CREDIT, &p.owner_credit_code)?;
    put_text(ws, r, REGION, &p.region)?;
    put_text(ws, r, INDUSTRY, &p.industry)?;
    put_opt_text(ws, r, GBT_SECTION, &p.gbt_section)?;
    put_opt_text(ws, r, GBT_DIVISION, &p.gbt_division)?;
    put_text(ws, r, CLASS, p.library_class.zh())?;
    put_text(ws, r, NATURE, p.nature.zh())?;
    put_text(ws, r, STAGE, p.stage.zh())?;
    if let Some(y) = p.batch_year {
        put_number(ws, r, BATCH, y as f64)?;
    }
    put_text(ws, r, CONTENT, &p.content)?;
    put_money(ws, r, TOTAL, Some(p.total_investment))?;
    put_money(ws, r, YEAR_PLAN, p.year_plan)?;
    put_money(ws, r, COMPLETED, Some(p.completed))?;
    put_money(ws, r, YEAR_COMPLETED, p.year_completed)?;
    if let (Some(done), Some(plan)) = (p.year_completed, p.year_plan)
        && let Some(rate) = done.percent_of(plan)
    {
        put_number(ws, r, RATE, rate)?;
    }
    put_date(ws, r, PLANNED_START, p.planned_start)?;
    put_date(ws, r, ACTUAL_START, p.actual_start)?;
    put_date(ws, r, PLANNED_FINISH, p.planned_finish)?;
    put_date(ws, r, ACTUAL_FINISH, p.actual_finish)?;
    put_opt_text(ws, r, RESPONSIBLE, &p.responsible_unit)?;
    put_opt_text(ws, r, LEADER, &p.leader_in_charge)?;
    put_opt_text(ws, r, CONTACT, &p.contact_name)?;
    put_opt_text(ws, r, PHONE, &p.contact_phone)?;
    for (k, (_, cells)) in p.factors().iter().enumerate() {
        if let Some(c) = cells {
            let col = FACTORS + 2 * k;
            put_number(ws, r, col, quantity_f64(c.required))?;
            put_number(ws, r, col + 1, quantity_f64(c.fulfilled))?;
        }
    }
    put_text(ws, r, WARNING, &p.warning)?;
    Ok(())
}

fn quantity_f64(q: Quantity) -> f64 {
    q.display().parse().unwrap_or(0.0)
}

fn project_missing(cols: &[Option<usize>]) -> Vec<&'static str> {
    REQUIRED
        .iter()
        .filter(|i| cols.get(**i).copied().flatten().is_none())
        .map(|i| PROJECT_HEADERS[*i])
        .collect()
}

const LAYOUT: Layout = Layout {
    sheet: PROJECT_SHEET,
    headers: &PROJECT_HEADERS,
    missing: project_missing,
};

fn labels<E: Copy>(all: &[E], zh: fn(E) -> &'static str) -> String {
    all.iter().map(|e| zh(*e)).collect::<Vec<_>>().join("、")
}

/// The 合计/总计 row ends the data.
pub(crate) fn is_totals_label(v: CellValue<'_>) -> bool {
    match v {
        CellValue::Text(t) => {
            let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            t == "合计" || t == "总计"
        }
        _ => false,
    }
}

/// Reads a project list: the sheet named 重点项目库 or else the first one, headers found by
/// their text in any order, rows up to the 合计 row, blank rows skipped. Every cell is
/// converted and checked on its own; a project code used twice in the file is an error on
/// its second row.
pub fn read_projects(bytes: &[u8]) -> Result<SheetRead<ProjectSheetRow>, OfficeError> {
    let sheet = read::load(bytes, &LAYOUT)?;
    let mut rows = Vec::new();
    let mut errors = read::Errors::default();
    let mut seen_codes: HashMap<String, usize> = HashMap::new();
    let mut count = 0usize;
    sheet.for_each_row(|row, vals| {
        if is_totals_label(vals[NAME]) {
            return Ok(false);
        }
        count += 1;
        if count > read::MAX_ROWS {
            return Err(OfficeError::TooManyRows {
                max: read::MAX_ROWS,
            });
        }
        let mut rr = RowReader {
            row,
            vals,
            headers: &PROJECT_HEADERS,
            cols: &sheet.cols,
            errors: &mut errors,
            bad: false,
        };
        let p = read_project(&mut rr, &mut seen_codes);
        if !rr.bad {
            rows.push((row + 1, p));
        }
        Ok(true)
    })?;
    if count == 0 {
        return Err(OfficeError::NoRows);
    }
    sort_errors(&mut errors.list);
    Ok(SheetRead {
        rows,
        errors: errors.list,
        errors_omitted: errors.omitted,
        columns: sheet.columns(&LAYOUT),
        header_row: sheet.header_row + 1,
        sheet_name: sheet.sheet_name,
        cells: sheet.cells,
    })
}

fn read_project(
    rr: &mut RowReader<'_, '_>,
    seen_codes: &mut HashMap<String, usize>,
) -> ProjectSheetRow {
    let code = rr.get(CODE, conv_project_code);
    if let Some(c) = &code {
        match seen_codes.get(c) {
            Some(first) => {
                let first = *first;
                rr.fail(
                    CODE,
                    Problem::new("duplicate_in_file").with("first_row", first),
                );
            }
            None => {
                seen_codes.insert(c.clone(), rr.row + 1);
            }
        }
    }
    let name = rr.require(NAME, conv_text).unwrap_or_default();
    let owner_name = rr.require(OWNER, conv_text).unwrap_or_default();
    let owner_credit_code = rr.get(CREDIT, conv_credit_code);
    let region = rr.require(REGION, conv_text).unwrap_or_default();
    let industry = rr.require(INDUSTRY, conv_text).unwrap_or_default();
    let gbt_section = rr.get(GBT_SECTION, conv_text);
    let gbt_division = rr.get(GBT_DIVISION, |v| match v {
        // Excel drops the leading zero of "06" typed into a number cell.
        CellValue::Number(n) if n.fract() == 0.0 && (0.0..100.0).contains(&n) => {
            Ok(Some(format!("{n:02.0}")))
        }
        v => conv_text(v),
    });
    let library_class = rr.require(CLASS, |v| {
        conv_enum(v, LibraryClass::parse, || {
            labels(LibraryClass::ALL, LibraryClass::zh)
        })
    });
    let nature = rr.require(NATURE, |v| {
        conv_enum(v, Nature::parse, || labels(Nature::ALL, Nature::zh))
    });
    let stage = rr.require(STAGE, |v| {
        conv_enum(v, Stage::parse, || labels(Stage::ALL, Stage::zh))
    });
    let batch_year = rr
        .get(BATCH, |v| conv_int(v, 2000, 2100, '年'))
        .map(|y| y as i32);
    let content = rr.get(CONTENT, conv_text).unwrap_or_default();
    let total_investment = rr.require(TOTAL, conv_money).unwrap_or_default();
    let year_plan = rr.get(YEAR_PLAN, conv_money);
    let completed = rr.get(COMPLETED, conv_money).unwrap_or_default();
    let year_completed = rr.get(YEAR_COMPLETED, conv_money);
    let planned_start = rr.get(PLANNED_START, conv_date);
    let actual_start = rr.get(ACTUAL_START, conv_date);
    let planned_finish = rr.get(PLANNED_FINISH, conv_date);
    let actual_finish = rr.get(ACTUAL_FINISH, conv_date);
    let responsible_unit = rr.get(RESPONSIBLE, conv_text);
    let leader_in_charge = rr.get(LEADER, conv_text);
    let contact_name = rr.get(CONTACT, conv_text);
    let contact_phone = rr.get(PHONE, conv_text);
    let mut p = ProjectSheetRow {
        code,
        name,
        owner_name,
        owner_credit_code,
        region,
        industry,
        gbt_section,
        gbt_division,
        library_class: library_class.unwrap_or(LibraryClass::CityMajor),
        nature: nature.unwrap_or(Nature::New),
        stage: stage.unwrap_or(Stage::Planning),
        batch_year,
        content,
        total_investment,
        year_plan,
        completed,
        year_completed,
        planned_start,
        actual_start,
        planned_finish,
        actual_finish,
        responsible_unit,
        leader_in_charge,
        contact_name,
        contact_phone,
        land: None,
        energy: None,
        environment: None,
        water: None,
        funds: None,
        warning: String::new(),
    };
    for (k, kind) in FactorKind::ALL.iter().enumerate() {
        let (rc, fc) = (FACTORS + 2 * k, FACTORS + 2 * k + 1);
        let required = rr.get(rc, conv_quantity);
        let fulfilled = rr.get(fc, conv_quantity);
        *p.factor_mut(*kind) = match (required, fulfilled) {
            (Some(required), fulfilled) => Some(FactorCells {
                required,
                fulfilled: fulfilled.unwrap_or_default(),
            }),
            (None, Some(_)) => {
                if rr.has_column(rc) {
                    if rr.value(rc).is_blank() {
                        rr.fail(rc, Problem::new("required"));
                    }
                } else {
                    // No 需求 column at all: say so on the 已保障 cell.
                    rr.fail(
                        fc,
                        Problem::new("factor_need_missing").with("need", PROJECT_HEADERS[rc]),
                    );
                }
                None
            }
            (None, None) => None,
        };
    }
    p
}
