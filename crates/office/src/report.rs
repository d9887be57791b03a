//! The error report: the uploaded sheet copied cell by cell, every bad cell filled pink with a
//! note saying what is wrong, and a second sheet listing all errors. The copy keeps rows and
//! columns where they were, so the user can correct it and upload it again.

use crate::read::{CellValue, SheetCells, column_index, format_number};
use crate::{CellError, OfficeError};
use rust_xlsxwriter::{Format, FormatBorder, Note, Workbook, Worksheet};
use std::collections::BTreeMap;

/// The name of the error list sheet.
const LIST_SHEET: &str = "错误清单";
/// Notes beyond this many are left out (the fill and the list still show every error): each
/// note is a drawing object and tens of thousands make Excel slow to open.
const MAX_NOTES: usize = 20_000;
const EXCEL_MAX_ROW: usize = 1_048_575;
const EXCEL_MAX_COL: usize = 16_383;
const EXCEL_MAX_TEXT: usize = 32_767;

struct Formats {
    header: Format,
    date: Format,
    bad: Format,
    bad_date: Format,
    bad_header: Format,
    list_header: Format,
}

impl Formats {
    fn new() -> Formats {
        let bad = Format::new()
            .set_background_color(0xFFC7CE)
            .set_font_color(0x9C0006);
        let header = Format::new().set_bold().set_background_color(0xD9E1F2);
        Formats {
            bad_header: header
                .clone()
                .set_background_color(0xFFC7CE)
                .set_font_color(0x9C0006),
            list_header: header
                .clone()
                .set_border(FormatBorder::Thin)
                .set_text_wrap(),
            header,
            date: Format::new().set_num_format("yyyy-mm-dd"),
            bad_date: bad.clone().set_num_format("yyyy-mm-dd"),
            bad,
        }
    }
}

/// A text cut to what one Excel cell holds (32,767 UTF-16 units).
fn excel_text(s: &str) -> &str {
    let mut units = 0usize;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > EXCEL_MAX_TEXT {
            return &s[..i];
        }
    }
    s
}

/// A valid sheet name: at most 31 characters, none of `[]:*?/\`, not starting or ending
/// with an apostrophe, not the list sheet's name.
fn sheet_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim().to_string();
    if cleaned.is_empty() || cleaned == LIST_SHEET || cleaned.eq_ignore_ascii_case("history") {
        "数据".to_string()
    } else {
        cleaned
    }
}

/// Builds the error report of an uploaded sheet: sheet 1 (named `sheet_name`, made valid)
/// is a copy of `cells` with every cell named by `errors` filled pink and given a note with
/// the Chinese messages; sheet 2, 错误清单, lists row, column, header, value and message for
/// every error in row order.
pub fn error_report(
    cells: &SheetCells,
    errors: &[CellError],
    sheet_name_in: &str,
) -> Result<Vec<u8>, OfficeError> {
    let f = Formats::new();
    let mut sorted: Vec<&CellError> = errors.iter().collect();
    sorted.sort_by_key(|e| (e.row, column_index(&e.column_letter)));
    // (0-based row, col) → messages.
    let mut bad: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    for e in &sorted {
        let col = column_index(&e.column_letter);
        if e.row == 0 || e.row - 1 > EXCEL_MAX_ROW || col > EXCEL_MAX_COL {
            continue;
        }
        bad.entry((e.row - 1, col))
            .or_default()
            .push(e.message_zh());
    }

    let mut wb = Workbook::new();
    wb.set_zip_compression_level(crate::ZIP_LEVEL);
    // Both sheets are written in row order, so they stream through a temporary file instead
    // of holding every cell (a refused 100,000-row file would otherwise take about a gigabyte).
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(sheet_name(sheet_name_in))?;
    let header_row = cells.header_row();
    // Column widths go first: in constant-memory mode they cannot follow the cells.
    let mut widths: Vec<usize> = Vec::new();
    if let Some(h) = header_row {
        for (r, c, v) in cells.iter() {
            if r == h && c <= EXCEL_MAX_COL {
                if widths.len() <= c {
                    widths.resize(c + 1, 0);
                }
                widths[c] = v.to_text().chars().count();
            }
        }
    }
    let columns = cells.column_count().max(widths.len());
    for c in 0..columns.min(EXCEL_MAX_COL + 1) {
        // Chinese characters are about two columns wide.
        let w = widths.get(c).copied().unwrap_or(0) * 2 + 2;
        ws.set_column_width(c as u16, w.clamp(10, 40) as f64)?;
    }
    if let Some(h) = header_row
        && h < EXCEL_MAX_ROW
    {
        ws.set_freeze_panes(h as u32 + 1, 0)?;
    }
    // The cells and the bad places (some of them empty cells) merged in (row, column) order.
    let mut notes = 0usize;
    let mut bad_places = bad.iter().peekable();
    for (r, c, v) in cells.iter() {
        if r > EXCEL_MAX_ROW || c > EXCEL_MAX_COL {
            continue;
        }
        while let Some((&(br, bc), msgs)) = bad_places.next_if(|(k, _)| **k < (r, c)) {
            ws.write_blank(br as u32, bc as u16, &f.bad)?;
            add_note(ws, br, bc, msgs, &mut notes)?;
        }
        let msgs = bad_places.next_if(|(k, _)| **k == (r, c)).map(|(_, m)| m);
        write_cell(ws, r, c, v, msgs.is_some(), header_row == Some(r), &f)?;
        if let Some(msgs) = msgs {
            add_note(ws, r, c, msgs, &mut notes)?;
        }
    }
    for (&(br, bc), msgs) in bad_places {
        ws.write_blank(br as u32, bc as u16, &f.bad)?;
        add_note(ws, br, bc, msgs, &mut notes)?;
    }

    let list = wb.add_worksheet_with_constant_memory()?;
    list.set_name(LIST_SHEET)?;
    let heads = ["行号", "列", "列名", "单元格内容", "错误说明"];
    for (c, h) in heads.iter().enumerate() {
        list.write_string_with_format(0, c as u16, *h, &f.list_header)?;
    }
    for (c, w) in [8.0, 6.0, 24.0, 30.0, 60.0].iter().enumerate() {
        list.set_column_width(c as u16, *w)?;
    }
    list.set_freeze_panes(1, 0)?;
    for (i, e) in sorted.iter().enumerate() {
        let r = i + 1;
        if r > EXCEL_MAX_ROW {
            break;
        }
        let r = r as u32;
        list.write_number(r, 0, e.row as f64)?;
        list.write_string(r, 1, excel_text(&e.column_letter))?;
        list.write_string(r, 2, excel_text(&e.column))?;
        list.write_string(r, 3, excel_text(&e.value))?;
        list.write_string(r, 4, excel_text(&e.message_zh()))?;
    }
    Ok(wb.save_to_buffer()?)
}

fn write_cell(
    ws: &mut Worksheet,
    r: usize,
    c: usize,
    v: CellValue<'_>,
    is_bad: bool,
    is_header: bool,
    f: &Formats,
) -> Result<(), OfficeError> {
    let (r, c) = (r as u32, c as u16);
    // Plain cells go without a format: rust_xlsxwriter hashes the format of every cell written
    // with one, which is most of the time of a large report.
    let format = if is_header {
        Some(if is_bad { &f.bad_header } else { &f.header })
    } else if is_bad {
        Some(&f.bad)
    } else {
        None
    };
    let text = |ws: &mut Worksheet, s: &str| -> Result<(), OfficeError> {
        match format {
            Some(fm) => ws.write_string_with_format(r, c, excel_text(s), fm)?,
            None => ws.write_string(r, c, excel_text(s))?,
        };
        Ok(())
    };
    match v {
        CellValue::Empty => {
            if let Some(fm) = format {
                ws.write_blank(r, c, fm)?;
            }
        }
        CellValue::Text(s) => text(ws, s)?,
        CellValue::Number(n) if n.is_finite() => {
            match format {
                Some(fm) => ws.write_number_with_format(r, c, n, fm)?,
                None => ws.write_number(r, c, n)?,
            };
        }
        CellValue::Date(d) if d.is_finite() && d >= 0.0 => {
            let fmt = if is_bad { &f.bad_date } else { &f.date };
            ws.write_number_with_format(r, c, d, fmt)?;
        }
        CellValue::Number(n) | CellValue::Date(n) => text(ws, &format_number(n))?,
        CellValue::Bool(b) => {
            match format {
                Some(fm) => ws.write_boolean_with_format(r, c, b, fm)?,
                None => ws.write_boolean(r, c, b)?,
            };
        }
        CellValue::Error(e) => text(ws, e)?,
    }
    Ok(())
}

/// The note on a bad cell, while fewer than [`MAX_NOTES`] have been added.
fn add_note(
    ws: &mut Worksheet,
    r: usize,
    c: usize,
    msgs: &[String],
    notes: &mut usize,
) -> Result<(), OfficeError> {
    if *notes >= MAX_NOTES {
        return Ok(());
    }
    *notes += 1;
    let text = excel_text(&msgs.join("\n"))
        .chars()
        .take(EXCEL_MAX_TEXT - 100)
        .collect::<String>();
    let note = Note::new(text)
        .add_author_prefix(false)
        .set_width(260)
        .set_height(80);
    ws.insert_note(r as u32, c as u16, &note)?;
    Ok(())
}
