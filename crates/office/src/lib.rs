//! Spreadsheets in and out, pure: no database, no async, no HTTP.
//!
//! The layouts, all `.xlsx`:
//!
//! * the project list (重点项目库), the usual government layout: one header row, one
//!   project per row, a bold 合计 row at the end — [`write_projects`] / [`read_projects`];
//! * the monthly progress dispatch (月度进展) — [`write_progress`] / [`read_progress`];
//! * written only: the supervision ledger (督办台账) — [`LedgerWriter`].
//!
//! And official documents (公文) as Word files in the GB/T 9704 layout — [`write_docx`].
//!
//! Reading converts and checks every cell syntactically (money, dates, codes, enums,
//! required text, duplicate codes within the file) and answers a [`SheetRead`]: the good rows,
//! one [`CellError`] per bad cell, and the raw cells. Rules that need more than one field or a
//! database (dates in order, completed above total, known region names …) are left to the
//! domain and the service. Problems with the file as a whole (not a workbook, wrong headers,
//! merged cells …) are an [`OfficeError`]. The reader never panics, whatever the bytes.
//!
//! [`error_report`] turns the raw cells and the errors back into a workbook: a copy of the
//! sheet with every bad cell filled and carrying a note, plus a list of the errors. Because the
//! copy keeps the layout, the user can correct it and upload it again.
//!
//! # What reading accepts
//!
//! * The sheet named for the layout (重点项目库 / 月度进展), else the first visible worksheet.
//! * The header row is the row among the first ten that holds the most known headers (so a
//!   title row above it is fine, merged or not). Headers match ignoring white space anywhere,
//!   half- or full-width parentheses and `*` marks; columns may come in any order; unknown
//!   columns are ignored; columns from [`MAX_COLUMNS`] on are not read.
//! * Rows end at a 合计/总计 row (in 项目名称); blank rows are skipped.
//! * Money in 万元: a number cell, or text like "1,234.5" (up to six decimals); units, minus
//!   signs and formulas that failed are errors. Quantities: two decimals.
//! * Dates: date cells, plain numbers (Excel serial days or 20260301), or text "2026-03-01",
//!   "2026/3/1", "2026.3.1", "2026年3月1日"; years 1980–2100. "2026年3月" is refused, not
//!   guessed.
//! * Enums by Chinese label or code; project codes and credit codes normalised (full-width
//!   digits and hyphens, spaces, lower case).
//!
//! # Limits
//!
//! [`MAX_ROWS`] data rows ([`OfficeError::TooManyRows`]); [`MAX_ERRORS`] errors kept
//! ([`SheetRead::errors_omitted`] counts the rest); 256 MiB of shared-string XML and of cell
//! text ([`OfficeError::TooLarge`]). Upload size is the caller's business.

mod docx;
mod messages;
mod progress;
mod projects;
mod read;
mod report;
mod supervision;
mod tables;

pub use docx::{
    BODY_FONT, HEADING_FONT, Picture, SUBHEADING_FONT, TITLE_FONT, write_docx,
    write_docx_with_pictures,
};
pub use messages::{ERROR_CODES, FILE_ERROR_CODES, message_zh};
pub use progress::{
    PROGRESS_HEADERS, PROGRESS_SHEET, ProgressSheetRow, read_progress, write_progress,
};
pub use projects::{
    FactorCells, PROJECT_HEADERS, PROJECT_SHEET, ProjectSheetRow, ProjectTotals, ProjectsWriter,
    project_header_for_field, read_projects, write_projects,
};
pub use read::{CellValue, MAX_COLUMNS, MAX_ERRORS, MAX_ROWS, SheetCells, column_letter};
pub use report::error_report;
pub use supervision::{LEDGER_HEADERS, LEDGER_SHEET, LedgerRow, LedgerWriter};
pub use tables::write_tables_xlsx;

use std::collections::BTreeMap;

/// Deflate level of written workbooks: 4 writes 100,000 projects about 1.5× faster than the
/// default 6 for a file about 4% larger.
pub(crate) const ZIP_LEVEL: u8 = 4;

/// One bad cell of an uploaded sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// The 1-based Excel row number, as the user sees it.
    pub row: usize,
    /// The header text of the column (the canonical text, e.g. "总投资（万元）").
    pub column: String,
    /// The column letter in the uploaded sheet ("C").
    pub column_letter: String,
    /// The cell as seen, as text ("" for an empty cell).
    pub value: String,
    /// The message key under `validation.` (see [`ERROR_CODES`]).
    pub code: String,
    /// Placeholders of the message. Always holds `field` (the header text).
    pub params: BTreeMap<String, String>,
}

impl CellError {
    /// Adds a message parameter.
    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_string(), value.to_string());
        self
    }

    /// The message in Chinese, as written into the error report.
    pub fn message_zh(&self) -> String {
        message_zh(&self.code, &self.params)
    }
}

/// What reading a sheet found: the rows that converted cleanly, the bad cells, and the raw
/// cells for the error report.
#[derive(Debug, Clone)]
pub struct SheetRead<T> {
    /// Rows without any error, with their 1-based Excel row number, in sheet order.
    pub rows: Vec<(usize, T)>,
    /// The bad cells, in row order then column order: every one, up to [`MAX_ERRORS`].
    pub errors: Vec<CellError>,
    /// Errors found beyond [`MAX_ERRORS`], counted but not kept (their rows are still left
    /// out of `rows`).
    pub errors_omitted: usize,
    /// The sheet as read, for [`error_report`].
    pub cells: SheetCells,
    /// The name of the sheet that was read.
    pub sheet_name: String,
    /// The 1-based Excel row number of the header row.
    pub header_row: usize,
    /// The recognised headers (canonical text) and their 0-based column in the sheet.
    pub columns: Vec<(&'static str, usize)>,
}

impl<T> SheetRead<T> {
    /// The 0-based sheet column of a recognised header, if the sheet has it.
    pub fn column_of(&self, header: &str) -> Option<usize> {
        self.columns
            .iter()
            .find(|(h, _)| *h == header)
            .map(|(_, c)| *c)
    }

    /// Builds an error for a cell found wrong later (by the domain or against the database),
    /// so that it can join [`SheetRead::errors`] and the report. `row` is the 1-based Excel row;
    /// `header` the canonical header text. When the sheet has no such column the letter is
    /// empty and the value "".
    pub fn error_at(&self, row: usize, header: &str, code: &str) -> CellError {
        let col = self.column_of(header);
        let value = match col {
            Some(c) if row >= 1 => self.cells.get(row - 1, c).to_text(),
            _ => String::new(),
        };
        CellError {
            row,
            column: header.to_string(),
            column_letter: col.map(column_letter).unwrap_or_default(),
            value,
            code: code.to_string(),
            params: BTreeMap::from([("field".to_string(), header.to_string())]),
        }
    }

    /// Adds errors found later and keeps the list in row then column order, and drops the
    /// rows that now have an error from [`SheetRead::rows`].
    pub fn add_errors(&mut self, more: impl IntoIterator<Item = CellError>) {
        self.errors.extend(more);
        sort_errors(&mut self.errors);
        let bad: std::collections::HashSet<usize> = self.errors.iter().map(|e| e.row).collect();
        self.rows.retain(|(r, _)| !bad.contains(r));
    }
}

pub(crate) fn sort_errors(errors: &mut [CellError]) {
    errors.sort_by(|a, b| {
        (a.row, read::column_index(&a.column_letter))
            .cmp(&(b.row, read::column_index(&b.column_letter)))
    });
}

/// A problem with the file as a whole: nothing row by row can be said. [`OfficeError::code`]
/// is stable (a key for the message catalogue, see [`FILE_ERROR_CODES`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficeError {
    /// Not an `.xlsx` workbook, or a damaged one. `detail` is for logs, not for users.
    #[error("not an xlsx workbook: {detail}")]
    NotAWorkbook { detail: String },
    /// An old binary `.xls` (or other OLE) file: to be saved as `.xlsx` first.
    #[error("a legacy .xls file")]
    LegacyXls,
    /// The workbook is protected with a password.
    #[error("password protected")]
    PasswordProtected,
    /// The workbook has no worksheet.
    #[error("no worksheet")]
    NoSheet,
    /// The sheet has no content at all.
    #[error("the sheet is empty")]
    EmptySheet,
    /// The header row is there but no data row follows.
    #[error("no data rows")]
    NoRows,
    /// Required columns are missing (header texts, canonical).
    #[error("missing columns: {}", missing.join(", "))]
    WrongHeaders { missing: Vec<String> },
    /// A column header appears twice.
    #[error("duplicate columns: {}", headers.join(", "))]
    DuplicateHeaders { headers: Vec<String> },
    /// Merged cells in the header or data area make the rows ambiguous.
    #[error("merged cells at {range}")]
    MergedCells { range: String },
    /// More data rows than one import takes.
    #[error("more than {max} rows")]
    TooManyRows { max: usize },
    /// The sheet holds more text than one import takes (a damaged or hostile file).
    #[error("too much content")]
    TooLarge,
    /// Writing a workbook failed (should not happen with valid rows).
    #[error("writing the workbook failed: {detail}")]
    Write { detail: String },
}

impl OfficeError {
    /// The stable code: `not_a_workbook`, `legacy_xls`, `password_protected`, `no_sheet`,
    /// `empty_sheet`, `no_rows`, `wrong_headers`, `duplicate_headers`, `merged_cells`,
    /// `too_many_rows`, `too_large`, `write_failed`.
    pub fn code(&self) -> &'static str {
        match self {
            OfficeError::NotAWorkbook { .. } => "not_a_workbook",
            OfficeError::LegacyXls => "legacy_xls",
            OfficeError::PasswordProtected => "password_protected",
            OfficeError::NoSheet => "no_sheet",
            OfficeError::EmptySheet => "empty_sheet",
            OfficeError::NoRows => "no_rows",
            OfficeError::WrongHeaders { .. } => "wrong_headers",
            OfficeError::DuplicateHeaders { .. } => "duplicate_headers",
            OfficeError::MergedCells { .. } => "merged_cells",
            OfficeError::TooManyRows { .. } => "too_many_rows",
            OfficeError::TooLarge => "too_large",
            OfficeError::Write { .. } => "write_failed",
        }
    }

    /// The message placeholders: `columns` for wrong/duplicate headers (joined with "、"),
    /// `range` for merged cells, `max` for too many rows.
    pub fn params(&self) -> BTreeMap<String, String> {
        let mut p = BTreeMap::new();
        match self {
            OfficeError::WrongHeaders { missing } => {
                p.insert("columns".into(), missing.join("、"));
            }
            OfficeError::DuplicateHeaders { headers } => {
                p.insert("columns".into(), headers.join("、"));
            }
            OfficeError::MergedCells { range } => {
                p.insert("range".into(), range.clone());
            }
            OfficeError::TooManyRows { max } => {
                p.insert("max".into(), max.to_string());
            }
            _ => {}
        }
        p
    }

    /// The message in Chinese.
    pub fn message_zh(&self) -> String {
        message_zh(self.code(), &self.params())
    }
}

impl From<rust_xlsxwriter::XlsxError> for OfficeError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        OfficeError::Write {
            detail: e.to_string(),
        }
    }
}
