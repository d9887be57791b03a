//! The project list: round trip, every class of bad input, file-level errors.

mod common;

use common::*;
use dongneng_domain::Money;
use dongneng_domain::project::{Nature, Quantity};
use dongneng_office::*;

fn codes_at(read: &SheetRead<ProjectSheetRow>) -> Vec<(usize, String, String)> {
    read.errors
        .iter()
        .map(|e| (e.row, e.column_letter.clone(), e.code.clone()))
        .collect()
}

#[test]
fn round_trip_keeps_every_field() {
    let mut second = full_project();
    second.code = Some("2019-370303-26-03-012345".into());
    second.name = "第二个项目（含\"引号\"与 <符号> & 空格）".into();
    second.total_investment = Money(999_999_999_999_999); // 9.99亿万元, six decimals
    second.completed = Money(1);
    let rows = vec![full_project(), minimal_project(), second];
    let bytes = write_projects(&rows, &totals(&rows)).unwrap();
    let read = read_projects(&bytes).unwrap();
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(read.sheet_name, PROJECT_SHEET);
    assert_eq!(read.header_row, 1);
    assert_eq!(read.columns.len(), PROJECT_HEADERS.len());
    let expected: Vec<(usize, ProjectSheetRow)> = rows
        .iter()
        .cloned()
        .enumerate()
        .map(|(i, mut r)| {
            r.warning.clear();
            (i + 2, r)
        })
        .collect();
    assert_eq!(read.rows, expected);
    // The totals row was written and skipped.
    assert_eq!(read.cells.get(4, 2), CellValue::Text("合计"));
    assert_eq!(read.cells.get(4, 0), CellValue::Text("共3个"));
    assert_eq!(read.cells.get(1, 0), CellValue::Number(1.0));
    // Money is a number, the rate computed, dates real dates.
    assert_eq!(read.cells.get(1, 14), CellValue::Number(123456.789012));
    assert_eq!(read.cells.get(1, 18), CellValue::Number(6.2));
    assert!(matches!(read.cells.get(1, 19), CellValue::Date(_)));
    assert_eq!(read.cells.get(1, 19).to_text(), "2026-03-01");
}

#[test]
fn empty_export_is_a_template_with_totals() {
    let bytes = write_projects(&[], &ProjectTotals::default()).unwrap();
    // Headers and a 合计 row, no data: nothing to import.
    assert_eq!(read_projects(&bytes).unwrap_err(), OfficeError::NoRows);
}

#[test]
fn rows_after_the_totals_row_and_blank_rows_are_skipped() {
    let bytes = project_sheet(&[
        project_cells(&[("项目名称", s("甲"))]),
        vec![C::Blank, C::Blank, s("   ")],
        project_cells(&[("项目名称", s("乙"))]),
        project_cells(&[("项目名称", s("合 计")), ("总投资（万元）", C::N(2000.0))]),
        project_cells(&[("项目名称", s("丙"))]),
    ]);
    let read = read_projects(&bytes).unwrap();
    assert!(read.errors.is_empty());
    let names: Vec<_> = read
        .rows
        .iter()
        .map(|(r, p)| (*r, p.name.as_str()))
        .collect();
    assert_eq!(names, [(2, "甲"), (4, "乙")]);
}

#[test]
fn headers_in_any_order_with_loose_parentheses_and_extra_columns() {
    let headers = [
        " 项目名称 ",
        "备注",
        "总投资(万元)",
        "建设单位",
        "所属区县",
        "所属产业",
        "项目库类别",
        "建设性质",
        "项目阶段\n",
        "计划开工时间",
        "年度投资完成率(%)",
    ];
    let row = vec![
        s("某项目"),
        s("随便写"),
        s("1,234.5"),
        s("某公司"),
        s("淄川区"),
        s("新能源"),
        s("prov_major"),
        s("扩建"),
        s("开工"),
        s("2026年3月1日"),
        C::N(12.5),
    ];
    let bytes = workbook(
        "Sheet1",
        &[headers.iter().map(|h| s(h)).collect(), row],
        &[],
    );
    let read = read_projects(&bytes).unwrap();
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let (row, p) = &read.rows[0];
    assert_eq!(*row, 2);
    assert_eq!(p.total_investment, wan("1234.5"));
    assert_eq!(p.nature, Nature::Expansion);
    assert_eq!(p.planned_start, Some(date(2026, 3, 1)));
    assert_eq!(read.sheet_name, "Sheet1");
    assert_eq!(read.column_of("总投资（万元）"), Some(2));
    assert_eq!(read.column_of("项目代码"), None);
}

#[test]
fn a_title_row_above_the_headers_may_be_merged() {
    let mut rows = vec![vec![s("2026年淄博市重大项目库")]];
    rows.push(project_header_cells());
    rows.push(project_cells(&[]));
    let bytes = workbook("重点项目库", &rows, &[(0, 0, 0, 10)]);
    let read = read_projects(&bytes).unwrap();
    assert_eq!(read.header_row, 2);
    assert_eq!(read.rows.len(), 1);
    assert_eq!(read.rows[0].0, 3);
}

#[test]
fn bad_money() {
    let bytes = project_sheet(&[
        project_cells(&[("总投资（万元）", C::N(-5.0))]),
        project_cells(&[("总投资（万元）", s("-5"))]),
        project_cells(&[("总投资（万元）", s("abc"))]),
        project_cells(&[("总投资（万元）", s("1.2亿"))]),
        project_cells(&[("年度计划投资（万元）", s("300万"))]),
        project_cells(&[("累计完成投资（万元）", s("1.0000001"))]),
        project_cells(&[("本年完成投资（万元）", s("99999999999999999"))]),
        project_cells(&[("总投资（万元）", C::Blank)]),
        project_cells(&[("总投资（万元）", C::B(true))]),
        project_cells(&[("总投资（万元）", C::D(2026, 1, 1))]),
    ]);
    let read = read_projects(&bytes).unwrap();
    assert!(read.rows.is_empty());
    assert_eq!(
        codes_at(&read),
        [
            (2, "O".into(), "money_negative".into()),
            (3, "O".into(), "money_negative".into()),
            (4, "O".into(), "money_not_number".into()),
            (5, "O".into(), "money_not_number".into()),
            (6, "P".into(), "money_not_number".into()),
            (7, "Q".into(), "money_too_precise".into()),
            (8, "R".into(), "money_too_large".into()),
            (9, "O".into(), "required".into()),
            (10, "O".into(), "money_not_number".into()),
            (11, "O".into(), "money_not_number".into()),
        ]
    );
    let e = &read.errors[3];
    assert_eq!(e.value, "1.2亿");
    assert_eq!(e.column, "总投资（万元）");
    assert_eq!(e.params["field"], "总投资（万元）");
    assert_eq!(read.errors[0].value, "-5");
    assert_eq!(
        e.message_zh(),
        "“总投资（万元）”须为以万元计的数字，不要带单位。"
    );
}

#[test]
fn bad_project_codes_and_normalised_good_ones() {
    let bytes = project_sheet(&[
        project_cells(&[("项目代码", s(" ２０１９－370303－26－03－012345 "))]),
        project_cells(&[("项目代码", s("2019-370303-26-03-01234"))]),
        project_cells(&[("项目代码", s("2019-370303-26-03-01234X"))]),
        project_cells(&[("项目代码", C::N(2019370303.0))]),
        project_cells(&[("项目代码", s("无"))]),
    ]);
    let read = read_projects(&bytes).unwrap();
    assert_eq!(read.rows.len(), 1);
    assert_eq!(
        read.rows[0].1.code.as_deref(),
        Some("2019-370303-26-03-012345")
    );
    assert_eq!(
        codes_at(&read),
        [
            (3, "B".into(), "project_code".into()),
            (4, "B".into(), "project_code".into()),
            (5, "B".into(), "project_code".into()),
            (6, "B".into(), "project_code".into()),
        ]
    );
    assert_eq!(read.errors[2].value, "2019370303");
}

#[test]
fn bad_credit_codes() {
    let bytes = project_sheet(&[
        project_cells(&[("统一社会信用代码", s("91110000802100433b"))]),
        project_cells(&[("统一社会信用代码", s("91110000802100433C"))]),
        project_cells(&[("统一社会信用代码", s("9111000080210043"))]),
        project_cells(&[("统一社会信用代码", C::N(911100008021004330.0))]),
    ]);
    let read = read_projects(&bytes).unwrap();
    assert_eq!(read.rows.len(), 1);
    assert_eq!(
        read.rows[0].1.owner_credit_code.as_deref(),
        Some("91110000802100433B")
    );
    assert_eq!(
        codes_at(&read),
        [
            (3, "E".into(), "credit_code".into()),
            (4, "E".into(), "credit_code".into()),
            (5, "E".into(), "credit_code".into()),
        ]
    );
}

#[test]
fn duplicate_codes_in_one_file_flag_the_second_row() {
    let code = "2019-370303-26-03-012345";
    let bytes = project_sheet(&[
        project_cells(&[("项目代码", s(code))]),
        project_cells(&[("项目代码", s("2509-320193-89-01-544060"))]),
        project_cells(&[("项目代码", s("２０１９－370303－26－03－012345"))]),
        project_cells(&[("项目代码", s(code))]),
    ]);
    let read = read_projects(&bytes).unwrap();
    assert_eq!(
        read.rows.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
        [2, 3]
    );
    assert_eq!(
        codes_at(&read),
        [
            (4, "B".into(), "duplicate_in_file".into()),
            (5, "B".into(), "duplicate_in_file".into()),
        ]
    );
    assert_eq!(read.errors[0].params["first_row"], "2");
    assert_eq!(read.errors[0].message_zh(), "“项目代码”与本表第 2 行重复。");
}

#[test]
fn enums_dates_years_factors_and_required_text() {
    let bytes = project_sheet(&[
        // 2: fine, with the other date forms.
        project_cells(&[
            ("计划开工时间", C::N(46082.0)),
            ("实际开工时间", C::N(20260301.0)),
            ("计划竣工时间", s("2026/3/1")),
            ("实际竣工时间", C::D(2026, 3, 1)),
            ("批次年度", s("2026年")),
            ("行业大类", C::N(6.0)),
            ("联系电话", C::N(13800000000.0)),
            ("用地已保障（亩）", s("")),
            ("用地需求（亩）", s("12.5")),
        ]),
        // 3
        project_cells(&[("建设性质", s("新建项目")), ("项目阶段", s("在建"))]),
        // 4
        project_cells(&[
            ("计划开工时间", s("2026年3月")),
            ("计划竣工时间", C::D(1905, 1, 1)),
        ]),
        // 5
        project_cells(&[
            ("批次年度", C::N(1999.0)),
            ("项目名称", s("  ")),
            ("所属区县", C::Blank),
        ]),
        // 6
        project_cells(&[
            ("用地已保障（亩）", C::N(3.0)),
            ("能耗需求（吨标准煤）", s("1.234")),
        ]),
        // 7
        project_cells(&[
            ("能耗需求（吨标准煤）", C::N(-1.0)),
            ("用水需求（万立方米）", s("5吨")),
        ]),
    ]);
    let read = read_projects(&bytes).unwrap();
    assert_eq!(read.rows.len(), 1, "{:?}", read.errors);
    let p = &read.rows[0].1;
    let d = date(2026, 3, 1);
    assert_eq!(
        (
            p.planned_start,
            p.actual_start,
            p.planned_finish,
            p.actual_finish
        ),
        (Some(d), Some(d), Some(d), Some(d))
    );
    assert_eq!(p.batch_year, Some(2026));
    assert_eq!(p.gbt_division.as_deref(), Some("06"));
    assert_eq!(p.contact_phone.as_deref(), Some("13800000000"));
    assert_eq!(
        p.land,
        Some(FactorCells {
            required: Quantity(1250),
            fulfilled: Quantity(0)
        })
    );
    assert_eq!(
        codes_at(&read),
        [
            (3, "K".into(), "one_of".into()),
            (3, "L".into(), "one_of".into()),
            (4, "T".into(), "date".into()),
            (4, "V".into(), "date_range".into()),
            (5, "C".into(), "required".into()),
            (5, "F".into(), "required".into()),
            (5, "M".into(), "range".into()),
            (6, "AB".into(), "required".into()),
            (6, "AD".into(), "quantity_too_precise".into()),
            (7, "AD".into(), "quantity_negative".into()),
            (7, "AH".into(), "quantity_not_number".into()),
        ]
    );
    assert_eq!(
        read.errors[0].params["allowed"],
        "新建、扩建、改建、技术改造、迁建、其他"
    );
    assert_eq!(read.errors[6].params["min"], "2000");
}

#[test]
fn merged_cells_in_the_data_area_are_refused() {
    let mut rows = vec![project_header_cells()];
    rows.push(project_cells(&[]));
    rows.push(project_cells(&[]));
    let bytes = workbook("重点项目库", &rows, &[(1, 2, 2, 2)]);
    let e = read_projects(&bytes).unwrap_err();
    assert_eq!(
        e,
        OfficeError::MergedCells {
            range: "C2:C3".into()
        }
    );
    assert_eq!(e.code(), "merged_cells");
    assert_eq!(
        e.message_zh(),
        "表头或数据区有合并单元格（C2:C3），请取消合并后再上传。"
    );
    // Merged headers too.
    let bytes = workbook("重点项目库", &rows, &[(0, 0, 0, 1)]);
    assert!(matches!(
        read_projects(&bytes),
        Err(OfficeError::MergedCells { .. })
    ));
}

#[test]
fn empty_sheets_and_header_only_sheets() {
    let bytes = workbook("重点项目库", &[], &[]);
    assert_eq!(read_projects(&bytes).unwrap_err(), OfficeError::EmptySheet);
    let bytes = workbook("重点项目库", &[vec![s(" "), C::Blank]], &[]);
    // A cell of spaces is content, but no header: wrong headers.
    assert!(matches!(
        read_projects(&bytes),
        Err(OfficeError::WrongHeaders { .. })
    ));
    let bytes = project_sheet(&[]);
    assert_eq!(read_projects(&bytes).unwrap_err(), OfficeError::NoRows);
    let bytes = project_sheet(&[vec![C::Blank, s("  ")]]);
    assert_eq!(read_projects(&bytes).unwrap_err(), OfficeError::NoRows);
}

#[test]
fn wrong_headers_name_what_is_missing() {
    let mut headers = project_header_cells();
    headers[14] = s("总投资（亿元）");
    headers[9] = C::Blank;
    let bytes = workbook("重点项目库", &[headers, project_cells(&[])], &[]);
    let e = read_projects(&bytes).unwrap_err();
    assert_eq!(
        e,
        OfficeError::WrongHeaders {
            missing: vec!["项目库类别".into(), "总投资（万元）".into()]
        }
    );
    assert_eq!(e.params()["columns"], "项目库类别、总投资（万元）");

    let bytes = workbook(
        "Sheet1",
        &[vec![s("姓名"), s("年龄")], vec![s("张三"), C::N(3.0)]],
        &[],
    );
    match read_projects(&bytes).unwrap_err() {
        OfficeError::WrongHeaders { missing } => assert_eq!(missing.len(), 8),
        e => panic!("{e:?}"),
    }

    let mut headers = project_header_cells();
    headers.push(s("项目名称"));
    let bytes = workbook("重点项目库", &[headers, project_cells(&[])], &[]);
    assert_eq!(
        read_projects(&bytes).unwrap_err(),
        OfficeError::DuplicateHeaders {
            headers: vec!["项目名称".into()]
        }
    );
}

#[test]
fn files_that_are_not_workbooks() {
    for bytes in [
        &b""[..],
        b"hello",
        b"PK\x03\x04garbage",
        b"%PDF-1.4 ...",
        "项目名称,建设单位\n甲,乙\n".as_bytes(),
    ] {
        let e = read_projects(bytes).unwrap_err();
        assert_eq!(e.code(), "not_a_workbook", "{bytes:?}");
        assert_eq!(read_progress(bytes).unwrap_err().code(), "not_a_workbook");
    }
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(4096, 0);
    assert_eq!(read_projects(&ole).unwrap_err(), OfficeError::LegacyXls);
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    ole[1024..1024 + name.len()].copy_from_slice(&name);
    assert_eq!(
        read_projects(&ole).unwrap_err(),
        OfficeError::PasswordProtected
    );
    // A truncated real workbook.
    let bytes = write_projects(&[full_project()], &totals(&[full_project()])).unwrap();
    let e = read_projects(&bytes[..bytes.len() / 2]).unwrap_err();
    assert_eq!(e.code(), "not_a_workbook");
}

#[test]
fn prefers_the_named_sheet() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet()
        .set_name("说明")
        .unwrap()
        .write_string(0, 0, "填表说明")
        .unwrap();
    let ws = wb.add_worksheet();
    ws.set_name(PROJECT_SHEET).unwrap();
    for (c, h) in PROJECT_HEADERS.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in project_cells(&[]).iter().enumerate() {
        match v {
            C::S(t) => {
                ws.write_string(1, c as u16, t).unwrap();
            }
            C::N(n) => {
                ws.write_number(1, c as u16, *n).unwrap();
            }
            _ => {}
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let read = read_projects(&bytes).unwrap();
    assert_eq!(read.sheet_name, PROJECT_SHEET);
    assert_eq!(read.rows.len(), 1);
}

#[test]
fn later_errors_join_the_read() {
    let bytes = project_sheet(&[project_cells(&[]), project_cells(&[("项目名称", s("乙"))])]);
    let mut read = read_projects(&bytes).unwrap();
    assert_eq!(read.rows.len(), 2);
    let field = project_header_for_field("region_id").unwrap();
    let e = read.error_at(3, field, "unknown_reference");
    assert_eq!(
        (e.column_letter.as_str(), e.value.as_str()),
        ("F", "张店区")
    );
    read.add_errors([e]);
    assert_eq!(read.rows.len(), 1);
    assert_eq!(read.errors.len(), 1);
    assert_eq!(
        project_header_for_field("factors.land.fulfilled"),
        Some("用地已保障（亩）")
    );
    assert_eq!(
        project_header_for_field("funds.required"),
        Some("资金需求（万元）")
    );
    assert_eq!(project_header_for_field("nope"), None);
}

#[test]
fn fulfilled_without_a_need_column_is_placed_on_the_fulfilled_cell() {
    let headers: Vec<C> = [
        "项目名称",
        "建设单位",
        "所属区县",
        "所属产业",
        "项目库类别",
        "建设性质",
        "项目阶段",
        "总投资（万元）",
        "用地已保障（亩）",
    ]
    .iter()
    .map(|h| s(h))
    .collect();
    let row = vec![
        s("甲"),
        s("乙"),
        s("丙"),
        s("丁"),
        s("区县"),
        s("新建"),
        s("策划"),
        C::N(1.0),
        C::N(2.0),
    ];
    let read = read_projects(&workbook("x", &[headers, row], &[])).unwrap();
    assert_eq!(
        codes_at(&read),
        [(2, "I".into(), "factor_need_missing".into())]
    );
    assert_eq!(
        read.errors[0].message_zh(),
        "填写了“用地已保障（亩）”，但表中没有“用地需求（亩）”列。"
    );
}
