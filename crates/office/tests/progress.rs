//! The monthly progress layout.

mod common;

use common::*;
use dongneng_office::*;

fn progress_sheet(rows: &[Vec<C>]) -> Vec<u8> {
    let mut all = vec![PROGRESS_HEADERS.iter().map(|h| s(h)).collect::<Vec<_>>()];
    all.extend(rows.iter().cloned());
    workbook(PROGRESS_SHEET, &all, &[])
}

fn codes(read: &SheetRead<ProgressSheetRow>) -> Vec<(usize, &str, &str)> {
    read.errors
        .iter()
        .map(|e| (e.row, e.column_letter.as_str(), e.code.as_str()))
        .collect()
}

#[test]
fn round_trip() {
    let mut by_name = progress_row();
    by_name.code = None;
    by_name.month = 4;
    by_name.ytd_investment = None;
    by_name.problems = String::new();
    let rows = vec![progress_row(), by_name];
    let bytes = write_progress(&rows).unwrap();
    let read = read_progress(&bytes).unwrap();
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(read.sheet_name, PROGRESS_SHEET);
    let got: Vec<ProgressSheetRow> = read.rows.into_iter().map(|(_, r)| r).collect();
    assert_eq!(got, rows);
}

#[test]
fn blank_template_has_only_headers() {
    let bytes = write_progress(&[]).unwrap();
    assert_eq!(read_progress(&bytes).unwrap_err(), OfficeError::NoRows);
}

#[test]
fn identity_year_month_money_and_duplicates() {
    let code = "2019-370303-26-03-012345";
    let ok = |set: &[(usize, C)]| {
        let mut r = vec![
            s(code),
            s("某项目"),
            s("某公司"),
            C::N(2026.0),
            C::N(3.0),
            C::N(100.0),
            C::Blank,
            s("进展"),
        ];
        for (i, v) in set {
            r[*i] = v.clone();
        }
        r
    };
    let bytes = progress_sheet(&[
        ok(&[]),                                              // 2 fine
        ok(&[(4, C::N(13.0))]),                               // 3 month out of range
        ok(&[(3, s("二〇二六")), (4, s("3月"))]),             // 4 year not a number; "3月" fine
        ok(&[(0, C::Blank), (1, C::Blank)]),                  // 5 no code, no name
        ok(&[(0, C::Blank)]),                                 // 6 name + owner: fine
        ok(&[(0, C::Blank), (4, s("4"))]), // 7 same name+owner, other month: fine
        ok(&[(0, C::Blank), (4, C::N(4.0))]), // 8 duplicate of 7
        ok(&[(4, s("３"))]),               // 9 duplicate of 2 (full-width 3)
        ok(&[(5, s("-1")), (6, s("1.2亿")), (4, C::N(5.0))]), // 10 money
        ok(&[(5, C::Blank), (0, s("bad"))]), // 11 required + bad code
        ok(&[(4, C::N(3.5))]),             // 12 not an integer
    ]);
    let read = read_progress(&bytes).unwrap();
    assert_eq!(
        read.rows.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
        [2, 6, 7]
    );
    assert_eq!(read.rows[1].1.code, None);
    assert_eq!(read.rows[2].1.month, 4);
    assert_eq!(
        codes(&read),
        [
            (3, "E", "range"),
            (4, "D", "not_integer"),
            (5, "B", "identity_required"),
            (8, "B", "duplicate_in_file"),
            (9, "A", "duplicate_in_file"),
            (10, "F", "money_negative"),
            (10, "G", "money_not_number"),
            (11, "A", "project_code"),
            (11, "F", "required"),
            (12, "E", "not_integer"),
        ]
    );
    assert_eq!(read.errors[0].params["max"], "12");
    assert_eq!(read.errors[3].params["first_row"], "7");
}

#[test]
fn headers_needed() {
    // Without code and without owner the rows cannot be identified.
    let bytes = workbook(
        "Sheet1",
        &[
            vec![s("项目名称"), s("年份"), s("月份")],
            vec![s("甲"), C::N(2026.0), C::N(1.0)],
        ],
        &[],
    );
    assert_eq!(
        read_progress(&bytes).unwrap_err(),
        OfficeError::WrongHeaders {
            missing: vec!["项目代码".into(), "本月完成投资（万元）".into()]
        }
    );
    // Name and owner without a code column is enough.
    let bytes = workbook(
        "Sheet1",
        &[
            vec![
                s("项目名称"),
                s("建设单位"),
                s("年份"),
                s("月份"),
                s("本月完成投资(万元)"),
            ],
            vec![s("甲"), s("乙"), C::N(2026.0), C::N(1.0), C::N(5.0)],
        ],
        &[],
    );
    let read = read_progress(&bytes).unwrap();
    assert_eq!(read.rows.len(), 1);
}

#[test]
fn a_project_list_is_not_a_progress_sheet() {
    let rows = vec![full_project()];
    let bytes = write_projects(&rows, &totals(&rows)).unwrap();
    match read_progress(&bytes).unwrap_err() {
        OfficeError::WrongHeaders { missing } => {
            assert_eq!(missing, ["年份", "月份", "本月完成投资（万元）"])
        }
        e => panic!("{e:?}"),
    }
}

#[test]
fn identity_error_lands_on_a_column_that_exists() {
    let bytes = workbook(
        "Sheet1",
        &[
            vec![
                s("项目代码"),
                s("年份"),
                s("月份"),
                s("本月完成投资（万元）"),
            ],
            vec![C::Blank, C::N(2026.0), C::N(1.0), C::N(5.0)],
        ],
        &[],
    );
    let read = read_progress(&bytes).unwrap();
    assert_eq!(codes(&read), [(2, "A", "identity_required")]);
}
