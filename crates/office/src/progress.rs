//! The monthly progress layout (月度进展): one row per project and month.

use crate::projects::{
    Formats, column_formats, is_totals_label, put_money, put_number, put_opt_text, put_text,
    write_headers,
};
use crate::read::{
    self, Layout, Problem, RowReader, conv_int, conv_money, conv_project_code, conv_text,
};
use crate::{OfficeError, SheetRead, sort_errors};
use dongneng_domain::Money;
use rust_xlsxwriter::Workbook;
use std::collections::HashMap;

/// The sheet name of the monthly progress layout.
pub const PROGRESS_SHEET: &str = "月度进展";

/// The headers of the monthly progress layout, in column order.
pub const PROGRESS_HEADERS: [&str; 11] = [
    "项目代码",
    "项目名称",
    "建设单位",
    "年份",
    "月份",
    "本月完成投资（万元）",
    "本年累计完成投资（万元）",
    "形象进度",
    "当前节点",
    "存在问题",
    "下步计划",
];

const CODE: usize = 0;
const NAME: usize = 1;
const OWNER: usize = 2;
const YEAR: usize = 3;
const MONTH: usize = 4;
const MONTH_INV: usize = 5;
const YTD: usize = 6;
const IMAGE: usize = 7;
const MILESTONE: usize = 8;
const PROBLEMS: usize = 9;
const NEXT: usize = 10;

const WIDTHS: [f64; 11] = [
    26.0, 36.0, 30.0, 8.0, 8.0, 16.0, 18.0, 40.0, 20.0, 40.0, 40.0,
];

/// One project's progress in one month. The project is identified by its code, else by
/// name and owner together.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressSheetRow {
    /// 项目代码, normalised.
    pub code: Option<String>,
    /// 项目名称 ("" when the code identifies the project).
    pub name: String,
    /// 建设单位 ("" when the code identifies the project).
    pub owner_name: String,
    /// 年份 (2000–2100).
    pub year: i32,
    /// 月份 (1–12).
    pub month: u32,
    /// 本月完成投资.
    pub month_investment: Money,
    /// 本年累计完成投资, as reported (the caller may compare it with the sum of months).
    pub ytd_investment: Option<Money>,
    /// 形象进度.
    pub image_progress: String,
    /// 当前节点.
    pub milestone: String,
    /// 存在问题.
    pub problems: String,
    /// 下步计划.
    pub next_steps: String,
}

/// Writes the monthly progress layout: header row (bold, filled, frozen) and one row per
/// entry. With no rows it is the blank template.
pub fn write_progress(rows: &[ProgressSheetRow]) -> Result<Vec<u8>, OfficeError> {
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(crate::ZIP_LEVEL);
    let f = Formats::new();
    let ws = wb.add_worksheet();
    ws.set_name(PROGRESS_SHEET)?;
    write_headers(ws, &PROGRESS_HEADERS, &WIDTHS, &f)?;
    column_formats(ws, &[YEAR, MONTH], &f.int)?;
    column_formats(ws, &[MONTH_INV, YTD], &f.money)?;
    for (i, p) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).map_err(|_| OfficeError::TooManyRows {
            max: read::MAX_ROWS,
        })?;
        put_opt_text(ws, r, CODE, &p.code)?;
        put_text(ws, r, NAME, &p.name)?;
        put_text(ws, r, OWNER, &p.owner_name)?;
        put_number(ws, r, YEAR, p.year as f64)?;
        put_number(ws, r, MONTH, p.month as f64)?;
        put_money(ws, r, MONTH_INV, Some(p.month_investment))?;
        put_money(ws, r, YTD, p.ytd_investment)?;
        put_text(ws, r, IMAGE, &p.image_progress)?;
        put_text(ws, r, MILESTONE, &p.milestone)?;
        put_text(ws, r, PROBLEMS, &p.problems)?;
        put_text(ws, r, NEXT, &p.next_steps)?;
    }
    Ok(wb.save_to_buffer()?)
}

fn progress_missing(cols: &[Option<usize>]) -> Vec<&'static str> {
    let has = |i: usize| cols.get(i).copied().flatten().is_some();
    let mut missing = Vec::new();
    if !(has(CODE) || (has(NAME) && has(OWNER))) {
        missing.push(PROGRESS_HEADERS[CODE]);
    }
    for i in [YEAR, MONTH, MONTH_INV] {
        if !has(i) {
            missing.push(PROGRESS_HEADERS[i]);
        }
    }
    missing
}

const LAYOUT: Layout = Layout {
    sheet: PROGRESS_SHEET,
    headers: &PROGRESS_HEADERS,
    missing: progress_missing,
};

/// Reads the monthly progress layout (sheet 月度进展 or else the first one). Each row needs
/// a project code, or else both name and owner; year 2000–2100, month 1–12, 本月完成投资
/// required. The same project and month twice in the file is an error on the second row.
pub fn read_progress(bytes: &[u8]) -> Result<SheetRead<ProgressSheetRow>, OfficeError> {
    let sheet = read::load(bytes, &LAYOUT)?;
    let mut rows = Vec::new();
    let mut errors = read::Errors::default();
    let mut seen: HashMap<(String, i32, u32), usize> = HashMap::new();
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
            headers: &PROGRESS_HEADERS,
            cols: &sheet.cols,
            errors: &mut errors,
            bad: false,
        };
        let p = read_one(&mut rr, &mut seen);
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

fn read_one(
    rr: &mut RowReader<'_, '_>,
    seen: &mut HashMap<(String, i32, u32), usize>,
) -> ProgressSheetRow {
    let code_blank = rr.value(CODE).is_blank();
    let code = rr.get(CODE, conv_project_code);
    let name = rr.get(NAME, conv_text);
    let owner_name = rr.get(OWNER, conv_text);
    if code_blank {
        let mut missing = false;
        for (field, value) in [(NAME, &name), (OWNER, &owner_name)] {
            if value.is_none() && rr.value(field).is_blank() {
                if rr.has_column(field) {
                    rr.fail(field, Problem::new("identity_required"));
                } else {
                    missing = true;
                }
            }
        }
        if missing && !rr.bad {
            // Name or owner has no column: the blank code is the cell to fix.
            rr.fail(CODE, Problem::new("identity_required"));
        }
    }
    let year = rr
        .require(YEAR, |v| conv_int(v, 2000, 2100, '年'))
        .map(|y| y as i32);
    let month = rr
        .require(MONTH, |v| conv_int(v, 1, 12, '月'))
        .map(|m| m as u32);
    let month_investment = rr.require(MONTH_INV, conv_money).unwrap_or_default();
    let ytd_investment = rr.get(YTD, conv_money);
    let image_progress = rr.get(IMAGE, conv_text).unwrap_or_default();
    let milestone = rr.get(MILESTONE, conv_text).unwrap_or_default();
    let problems = rr.get(PROBLEMS, conv_text).unwrap_or_default();
    let next_steps = rr.get(NEXT, conv_text).unwrap_or_default();
    let name = name.unwrap_or_default();
    let owner_name = owner_name.unwrap_or_default();
    if let (Some(y), Some(m)) = (year, month) {
        let (identity, field) = match &code {
            Some(c) => (c.clone(), CODE),
            // A code that did not read is reported already; no second guess by name.
            None if code_blank && !name.is_empty() && !owner_name.is_empty() => {
                (format!("{name}\u{1}{owner_name}"), NAME)
            }
            None => (String::new(), NAME),
        };
        if !identity.is_empty() {
            match seen.get(&(identity.clone(), y, m)) {
                Some(first) => {
                    let first = *first;
                    rr.fail(
                        field,
                        Problem::new("duplicate_in_file").with("first_row", first),
                    );
                }
                None => {
                    seen.insert((identity, y, m), rr.row + 1);
                }
            }
        }
    }
    ProgressSheetRow {
        code,
        name,
        owner_name,
        year: year.unwrap_or_default(),
        month: month.unwrap_or_default(),
        month_investment,
        ytd_investment,
        image_progress,
        milestone,
        problems,
        next_steps,
    }
}
