//! The error report workbook.

mod common;

use calamine::{Data, Reader, Xlsx};
use common::*;
use dongneng_office::*;
use std::io::{Cursor, Read};

fn bad_upload() -> Vec<u8> {
    let mut all = vec![project_header_cells()];
    all.push(project_cells(&[]));
    all.push(project_cells(&[
        ("总投资（万元）", s("1.2亿")),
        ("项目名称", C::Blank),
        ("计划开工时间", C::D(1905, 1, 1)),
    ]));
    all.push(project_cells(&[(
        "统一社会信用代码",
        s("91110000802100433C"),
    )]));
    workbook("Sheet1", &all, &[])
}

fn zip_text(bytes: &[u8], suffix: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let names: Vec<String> = z.file_names().map(|n| n.unwrap().to_string()).collect();
    let name = names
        .iter()
        .find(|n| n.ends_with(suffix))
        .unwrap_or_else(|| panic!("{suffix} in {names:?}"));
    let mut s = String::new();
    z.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn report_copies_the_sheet_marks_bad_cells_and_lists_errors() {
    let upload = bad_upload();
    let read = read_projects(&upload).unwrap();
    assert_eq!(read.rows.len(), 1);
    assert_eq!(read.errors.len(), 4);
    let report = error_report(&read.cells, &read.errors, &read.sheet_name).unwrap();

    let mut x: Xlsx<_> = Xlsx::new(Cursor::new(report.clone())).unwrap();
    assert_eq!(x.sheet_names(), ["Sheet1", "错误清单"]);
    let copy = x.worksheet_range("Sheet1").unwrap();
    let orig = Xlsx::new(Cursor::new(upload.clone()))
        .unwrap()
        .worksheet_range("Sheet1")
        .unwrap();
    // Same values where they were (dates compared as their serial numbers).
    for (r, c, v) in orig.cells() {
        let (r, c) = (
            r as u32 + orig.start().unwrap().0,
            c as u32 + orig.start().unwrap().1,
        );
        let w = copy.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        let as_f = |d: &Data| match d {
            Data::DateTime(x) => Some(x.as_f64()),
            Data::Float(f) => Some(*f),
            _ => None,
        };
        match (v, &w) {
            (Data::DateTime(_), _) | (Data::Float(_), _) => {
                assert_eq!(as_f(v), as_f(&w), "{r},{c}")
            }
            _ => assert_eq!(*v, w, "{r},{c}"),
        }
    }

    // Bad cells are filled; good ones are not.
    let styles = x.worksheet_style("Sheet1").unwrap();
    let filled = |r: u32, c: u32| {
        styles
            .get((r, c))
            .and_then(|s| s.fill.as_ref())
            .and_then(|f| f.foreground_color)
            .is_some_and(|c| (c.red, c.green, c.blue) == (0xFF, 0xC7, 0xCE))
    };
    for e in &read.errors {
        let col = PROJECT_HEADERS.iter().position(|h| *h == e.column).unwrap() as u32;
        assert!(filled(e.row as u32 - 1, col), "{e:?}");
    }
    assert!(!filled(1, 2));
    assert!(!filled(2, 3));

    // Notes carry the messages.
    let comments = zip_text(&report, "comments1.xml");
    for e in &read.errors {
        assert!(comments.contains(&e.message_zh()), "{}", e.message_zh());
    }
    assert!(comments.contains("“总投资（万元）”须为以万元计的数字，不要带单位。"));

    // The list.
    let list = x.worksheet_range("错误清单").unwrap();
    assert_eq!(list.height(), read.errors.len() + 1);
    assert_eq!(
        list.get_value((0, 4)),
        Some(&Data::String("错误说明".into()))
    );
    assert_eq!(list.get_value((1, 0)), Some(&Data::Float(3.0)));
    assert_eq!(list.get_value((1, 1)), Some(&Data::String("C".into())));
    assert_eq!(
        list.get_value((1, 4)),
        Some(&Data::String("请填写“项目名称”。".into()))
    );
}

#[test]
fn the_report_can_be_corrected_and_uploaded_again() {
    let read = read_projects(&bad_upload()).unwrap();
    let report = error_report(&read.cells, &read.errors, &read.sheet_name).unwrap();
    let again = read_projects(&report).unwrap();
    let key = |r: &SheetRead<ProjectSheetRow>| {
        r.errors
            .iter()
            .map(|e| {
                (
                    e.row,
                    e.column_letter.clone(),
                    e.code.clone(),
                    e.value.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(key(&again), key(&read));
    assert_eq!(again.rows, read.rows);
}

#[test]
fn sheet_names_are_made_valid_and_reports_without_errors_work() {
    let read = read_projects(&bad_upload()).unwrap();
    for (given, expected) in [
        ("a/b:c", "a_b_c"),
        ("错误清单", "数据"),
        ("", "数据"),
        ("'引号'", "引号"),
        (
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
        ),
    ] {
        let report = error_report(&read.cells, &[], given).unwrap();
        let x: Xlsx<_> = Xlsx::new(Cursor::new(report)).unwrap();
        assert_eq!(x.sheet_names()[0], expected);
    }
}

#[test]
fn errors_added_later_and_odd_errors_are_reported() {
    let mut read = read_projects(&bad_upload()).unwrap();
    let later = read.error_at(2, "所属区县", "unknown_reference");
    let nowhere = read.error_at(2, "项目代码", "required");
    assert_eq!(nowhere.column_letter, "B");
    read.add_errors([later, nowhere]);
    // An error with no usable column still goes into the list.
    let mut odd = read.errors[0].clone();
    odd.column_letter = "??".into();
    odd.row = 0;
    read.errors.push(odd);
    let report = error_report(&read.cells, &read.errors, &read.sheet_name).unwrap();
    let mut x: Xlsx<_> = Xlsx::new(Cursor::new(report.clone())).unwrap();
    let list = x.worksheet_range("错误清单").unwrap();
    assert_eq!(list.height(), read.errors.len() + 1);
    let comments = zip_text(&report, "comments1.xml");
    assert!(comments.contains("“所属区县”在系统中不存在。"));
    assert!(comments.contains("请填写“项目代码”。"));
}

#[test]
fn hand_made_grids_with_every_kind_of_value() {
    let cells = SheetCells::from_values(
        [
            (0, 0, CellValue::Text("名称")),
            (1, 0, CellValue::Number(f64::NAN)),
            (1, 1, CellValue::Number(1e308)),
            (1, 2, CellValue::Date(46082.0)),
            (1, 3, CellValue::Date(-1.0)),
            (1, 4, CellValue::Bool(true)),
            (1, 5, CellValue::Error("#N/A")),
            (2, 0, CellValue::Text(&"长".repeat(40_000))),
            (5_000_000, 0, CellValue::Text("beyond Excel")),
        ],
        Some(0),
    );
    let errors = vec![CellError {
        row: 2,
        column: "名称".into(),
        column_letter: "A".into(),
        value: "NaN".into(),
        code: "money_not_number".into(),
        params: [("field".to_string(), "名称".to_string())].into(),
    }];
    let report = error_report(&cells, &errors, "表").unwrap();
    let mut x: Xlsx<_> = Xlsx::new(Cursor::new(report)).unwrap();
    let r = x.worksheet_range("表").unwrap();
    assert_eq!(
        r.get_value((2, 0)).map(|v| v.to_string().chars().count()),
        Some(32_767)
    );
}
