//! The supervision ledger (督办台账): one sheet, row 1 the headers, one item per row — its
//! number, what is supervised, the units, the deadline, the state and the days left (negative
//! when overdue), the replies, the dates of issue and of closing.

use crate::OfficeError;
use crate::projects::{Formats, column_formats, put_date, put_number, put_text, write_headers};
use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

/// The sheet name of the ledger.
pub const LEDGER_SHEET: &str = "督办台账";

/// The headers of the ledger, in column order.
pub const LEDGER_HEADERS: [&str; 11] = [
    "序号",
    "督办编号",
    "督办事项",
    "督办单位",
    "办理时限",
    "状态",
    "剩余天数",
    "是否逾期",
    "回复情况",
    "下达日期",
    "销号日期",
];

const WIDTHS: [f64; 11] = [
    6.0, 18.0, 40.0, 30.0, 12.0, 9.0, 10.0, 9.0, 12.0, 12.0, 12.0,
];
const DEADLINE: usize = 4;
const DAYS: usize = 6;
const ISSUED: usize = 9;
const CLOSED: usize = 10;

/// One item of the ledger, in words and numbers as the sheet shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerRow {
    pub number: String,
    pub title: String,
    /// The units' names, joined.
    pub units: String,
    pub deadline: NaiveDate,
    /// The state's Chinese label.
    pub state: String,
    /// Days to the deadline; negative past it; none once closed.
    pub days_left: Option<i64>,
    pub overdue: bool,
    /// "2/3" — replies of units.
    pub replied: String,
    pub issued_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

/// Writes the ledger a row at a time (rows stream through a temporary file), so the whole
/// province's ledger is never held at once.
pub struct LedgerWriter {
    wb: Workbook,
    rows: u32,
}

impl LedgerWriter {
    pub fn new() -> Result<Self, OfficeError> {
        let mut wb = Workbook::new();
        wb.set_zip_compression_level(crate::ZIP_LEVEL);
        let f = Formats::new();
        let ws = wb.add_worksheet_with_constant_memory()?;
        ws.set_name(LEDGER_SHEET)?;
        write_headers(ws, &LEDGER_HEADERS, &WIDTHS, &f)?;
        column_formats(ws, &[DEADLINE, ISSUED, CLOSED], &f.date)?;
        column_formats(ws, &[0, DAYS], &f.int)?;
        Ok(LedgerWriter { wb, rows: 0 })
    }

    pub fn push(&mut self, row: &LedgerRow) -> Result<(), OfficeError> {
        self.rows += 1;
        let r = self.rows;
        let ws = self.wb.worksheet_from_index(0)?;
        put_number(ws, r, 0, f64::from(r))?;
        put_text(ws, r, 1, &row.number)?;
        put_text(ws, r, 2, &row.title)?;
        put_text(ws, r, 3, &row.units)?;
        put_date(ws, r, DEADLINE, Some(row.deadline))?;
        put_text(ws, r, 5, &row.state)?;
        if let Some(d) = row.days_left {
            put_number(ws, r, DAYS, d as f64)?;
        }
        put_text(ws, r, 7, if row.overdue { "是" } else { "否" })?;
        put_text(ws, r, 8, &row.replied)?;
        put_date(ws, r, ISSUED, Some(row.issued_on))?;
        put_date(ws, r, CLOSED, row.closed_on)?;
        Ok(())
    }

    pub fn finish(mut self) -> Result<Vec<u8>, OfficeError> {
        let rows = self.rows;
        let ws = self.wb.worksheet_from_index(0)?;
        if rows > 0 {
            ws.autofilter(0, 0, rows, (LEDGER_HEADERS.len() - 1) as u16)?;
        }
        Ok(self.wb.save_to_buffer()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    #[test]
    fn the_ledger_reads_back() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let mut w = LedgerWriter::new().unwrap();
        w.push(&LedgerRow {
            number: "督办〔2026〕3号".into(),
            title: "督促解决项目用地问题".into(),
            units: "市自然资源和规划局、市财政局".into(),
            deadline: d(6, 30),
            state: "已下达".into(),
            days_left: Some(-4),
            overdue: true,
            replied: "1/2".into(),
            issued_on: d(6, 1),
            closed_on: None,
        })
        .unwrap();
        let bytes = w.finish().unwrap();
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range(LEDGER_SHEET).unwrap();
        assert_eq!(range.get((0, 1)), Some(&Data::String("督办编号".into())));
        assert_eq!(
            range.get((1, 1)),
            Some(&Data::String("督办〔2026〕3号".into()))
        );
        assert_eq!(range.get((1, 6)), Some(&Data::Float(-4.0)));
        assert_eq!(range.get((1, 7)), Some(&Data::String("是".into())));
    }
}
