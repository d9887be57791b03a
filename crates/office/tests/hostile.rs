//! Workbooks built by hand to be hostile: absurd declared sizes, cells far away, huge rows.

mod common;

use common::*;
use dongneng_office::*;
use std::io::{Cursor, Read, Write};

/// Rewrites the zip entries of `bytes` with `edit(name, content)`.
pub fn rewrite(bytes: &[u8], edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        let content = edit(&name, content);
        out.start_file(name, opts).unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn base() -> Vec<u8> {
    let rows = vec![full_project(), minimal_project()];
    write_projects(&rows, &totals(&rows)).unwrap()
}

fn replace(content: Vec<u8>, from: &str, to: &str) -> Vec<u8> {
    String::from_utf8(content)
        .unwrap()
        .replace(from, to)
        .into_bytes()
}

#[test]
fn absurd_shared_string_count_is_harmless() {
    let bytes = rewrite(&base(), |name, c| {
        if name == "xl/sharedStrings.xml" {
            let s = String::from_utf8(c).unwrap();
            let start = s.find("uniqueCount=\"").unwrap() + 13;
            let end = start + s[start..].find('"').unwrap();
            format!("{}{}{}", &s[..start], "99999999999999999", &s[end..]).into_bytes()
        } else {
            c
        }
    });
    let _ = read_projects(&bytes);
}

#[test]
fn a_cell_at_the_far_corner_does_not_allocate_the_grid() {
    let bytes = rewrite(&base(), |name, c| {
        if name == "xl/worksheets/sheet1.xml" {
            replace(
                c,
                "</sheetData>",
                r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>"#,
            )
        } else {
            c
        }
    });
    // The far cell is beyond the columns read: ignored; the rows still read.
    let read = read_projects(&bytes).unwrap();
    assert_eq!(read.rows.len(), 2);

    let bytes = rewrite(&base(), |name, c| {
        if name == "xl/worksheets/sheet1.xml" {
            replace(
                c,
                "</sheetData>",
                r#"<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>"#,
            )
        } else {
            c
        }
    });
    let read = read_projects(&bytes).unwrap();
    // A stray number in 序号 far below the totals row is not read.
    assert_eq!(read.rows.len(), 2);

    let bytes = rewrite(&base(), |name, c| {
        if name == "xl/worksheets/sheet1.xml" {
            replace(
                c,
                "</sheetData>",
                r#"<row r="99999999"><c r="A99999999"><v>1</v></c></row></sheetData>"#,
            )
        } else {
            c
        }
    });
    assert!(read_projects(&bytes).is_err());
}

#[test]
fn cells_out_of_order_and_repeated() {
    let bytes = rewrite(&base(), |name, c| {
        if name == "xl/worksheets/sheet1.xml" {
            // Put a copy of row 1's first cell at the end, with a new value.
            replace(
                c,
                "</sheetData>",
                r#"<row r="2"><c r="C2" t="inlineStr"><is><t>改过的名称</t></is></c></row></sheetData>"#,
            )
        } else {
            c
        }
    });
    let read = read_projects(&bytes).unwrap();
    assert_eq!(read.rows[0].1.name, "改过的名称");
}

#[test]
fn too_many_rows() {
    let mut xml = String::from("<sheetData>");
    xml.push_str(r#"<row r="1">"#);
    for (c, h) in PROJECT_HEADERS.iter().enumerate() {
        xml.push_str(&format!(
            r#"<c r="{}1" t="inlineStr"><is><t>{h}</t></is></c>"#,
            column_letter(c)
        ));
    }
    xml.push_str("</row>");
    for r in 2..=(MAX_ROWS + 2) {
        xml.push_str(&format!(r#"<row r="{r}"><c r="O{r}"><v>1</v></c></row>"#));
    }
    xml.push_str("</sheetData>");
    let bytes = rewrite(&base(), |name, c| {
        if name == "xl/worksheets/sheet1.xml" {
            let s = String::from_utf8(c).unwrap();
            let a = s.find("<sheetData>").unwrap();
            let b = s.find("</sheetData>").unwrap() + "</sheetData>".len();
            format!("{}{}{}", &s[..a], xml, &s[b..]).into_bytes()
        } else {
            c
        }
    });
    assert_eq!(
        read_projects(&bytes).unwrap_err(),
        OfficeError::TooManyRows { max: MAX_ROWS }
    );
}

#[test]
fn missing_parts_and_broken_xml() {
    for (part, from, to) in [
        ("xl/workbook.xml", "<sheets>", "<sheets"),
        ("xl/worksheets/sheet1.xml", "<sheetData>", "<sheetData"),
        ("xl/sharedStrings.xml", "<si>", "<si"),
        ("xl/styles.xml", "<cellXfs", "<cellXfs x"),
        ("[Content_Types].xml", "<Types", "<Typos"),
        ("xl/_rels/workbook.xml.rels", "Target=", "Targ="),
    ] {
        let bytes = rewrite(&base(), |name, c| {
            if name == part {
                replace(c, from, to)
            } else {
                c
            }
        });
        // Any answer but a panic.
        let _ = read_projects(&bytes);
        let _ = read_progress(&bytes);
    }
}

#[test]
fn many_errors_are_counted_not_kept() {
    // 3,000 rows with only 总投资: seven required cells missing on each.
    let mut cells = vec![project_header_cells()];
    for _ in 0..3000 {
        let mut row = vec![C::Blank; PROJECT_HEADERS.len()];
        row[14] = C::N(1.0);
        cells.push(row);
    }
    let bytes = workbook("重点项目库", &cells, &[]);
    let read = read_projects(&bytes).unwrap();
    assert!(read.rows.is_empty());
    assert_eq!(read.errors.len(), MAX_ERRORS);
    assert_eq!(read.errors.len() + read.errors_omitted, 21_000);
}

/// A zip64 end record declaring 2^k entries in a central directory far beyond the file.
fn zip64_claiming(entries: u64) -> Vec<u8> {
    let mut b = b"PK\x03\x04".to_vec();
    b.extend([0u8; 60]);
    let z64_off = b.len() as u64;
    b.extend(0x0606_4b50u32.to_le_bytes());
    b.extend(44u64.to_le_bytes());
    b.extend(45u16.to_le_bytes());
    b.extend(45u16.to_le_bytes());
    b.extend(0u32.to_le_bytes());
    b.extend(0u32.to_le_bytes());
    b.extend(entries.to_le_bytes());
    b.extend(entries.to_le_bytes());
    b.extend((entries * 1024).to_le_bytes());
    b.extend(entries.to_le_bytes());
    b.extend(0x0706_4b50u32.to_le_bytes());
    b.extend(0u32.to_le_bytes());
    b.extend(z64_off.to_le_bytes());
    b.extend(1u32.to_le_bytes());
    b.extend(0x0605_4b50u32.to_le_bytes());
    b.extend([0xFF; 8]);
    b.extend([0xFF; 8]);
    b.extend(0u16.to_le_bytes());
    b
}

#[test]
fn zip64_records_claiming_billions_of_entries() {
    for k in [28, 33, 40] {
        let bytes = zip64_claiming(1u64 << k);
        assert_eq!(
            read_projects(&bytes).unwrap_err().code(),
            "not_a_workbook",
            "2^{k}"
        );
    }
}
