//! Titled tables (a document's tables, such as the dispatch digest's) as an xlsx workbook for
//! offices that re-edit them: one sheet a table, its title in the first row, the header
//! frozen, amounts written as numbers.

use crate::OfficeError;
use dongneng_domain::document::Table;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

/// Characters a sheet name may not hold, and its longest length.
const SHEET_FORBIDDEN: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];
const SHEET_MAX: usize = 31;

fn sheet_name(title: &str, i: usize) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !SHEET_FORBIDDEN.contains(c) && !c.is_control())
        .take(SHEET_MAX - 3)
        .collect();
    if clean.trim().is_empty() {
        format!("表{}", i + 1)
    } else {
        clean
    }
}

/// A cell's text as a number when it is one ("1,234.50" → 1234.5); codes and rates stay text.
fn number(text: &str) -> Option<f64> {
    let plain: String = text.chars().filter(|c| *c != ',').collect();
    let digits = plain.strip_prefix('-').unwrap_or(&plain);
    let looks_numeric = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|c| *c == '.').count() <= 1
        && !(digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0."));
    looks_numeric.then(|| plain.parse().ok()).flatten()
}

/// The workbook: `sheets` in order, each as (title, table), under the workbook's `title`.
pub fn write_tables_xlsx(title: &str, sheets: &[(String, Table)]) -> Result<Vec<u8>, OfficeError> {
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(crate::ZIP_LEVEL);
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin)
        .set_background_color("#DDEBF7");
    let cell = Format::new().set_border(FormatBorder::Thin);
    let money = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0.00");
    let mut used: Vec<String> = vec![];
    for (i, (sheet_title, table)) in sheets.iter().enumerate() {
        let mut name = sheet_name(sheet_title, i);
        if used.contains(&name) {
            name = format!("{name}{}", i + 1);
        }
        used.push(name.clone());
        let ws = wb.add_worksheet();
        ws.set_name(&name)?;
        ws.write_string_with_format(0, 0, format!("{title} — {sheet_title}"), &bold)?;
        for (c, h) in table.header.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| OfficeError::Write {
                detail: "too many columns".into(),
            })?;
            ws.write_string_with_format(2, c, h, &head)?;
            ws.set_column_width(c, (h.chars().count() as f64 * 2.2).max(10.0))?;
        }
        ws.set_freeze_panes(3, 0)?;
        for (r, row) in table.rows.iter().enumerate() {
            let r = u32::try_from(r + 3).map_err(|_| OfficeError::TooManyRows {
                max: crate::read::MAX_ROWS,
            })?;
            for (c, v) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| OfficeError::Write {
                    detail: "too many columns".into(),
                })?;
                match number(v) {
                    Some(n) if v.contains('.') || v.contains(',') => {
                        ws.write_number_with_format(r, c, n, &money)?;
                    }
                    Some(n) => {
                        ws.write_number_with_format(r, c, n, &cell)?;
                    }
                    None => {
                        ws.write_string_with_format(r, c, v, &cell)?;
                    }
                }
            }
        }
    }
    if sheets.is_empty() {
        wb.add_worksheet().write_string(0, 0, title)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_numbers_and_codes_stay_text() {
        assert_eq!(number("1,234.50"), Some(1234.5));
        assert_eq!(number("12"), Some(12.0));
        assert_eq!(number("-3.2"), Some(-3.2));
        assert_eq!(number("0.5"), Some(0.5));
        assert_eq!(number("2026-0042"), None);
        assert_eq!(number("007"), None);
        assert_eq!(number("43.5%"), None);
        assert_eq!(number("—"), None);
    }

    #[test]
    fn a_workbook_reads_back() {
        let t = Table {
            header: vec!["产业".into(), "项目数".into(), "总投资（万元）".into()],
            rows: vec![vec!["新材料".into(), "12".into(), "1,234.50".into()]],
        };
        let bytes = write_tables_xlsx(
            "2026年5月重大项目月度调度通报",
            &[
                ("分产业项目推进情况".into(), t.clone()),
                ("分产业项目推进情况".into(), t),
            ],
        )
        .unwrap();
        use calamine::Reader;
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let names = wb.sheet_names().to_vec();
        assert_eq!(names.len(), 2);
        let range = wb.worksheet_range(&names[0]).unwrap();
        assert_eq!(range.get_value((3, 0)).unwrap().to_string(), "新材料");
        assert_eq!(
            range.get_value((3, 2)).unwrap(),
            &calamine::Data::Float(1234.5)
        );
    }
}
