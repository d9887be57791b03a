//! The readers never panic: random bytes, damaged workbooks, and workbooks full of random
//! cells all come back as a `Result`. Also: random valid rows survive a write/read round trip.
//! Case counts are kept small so the file runs in a few seconds in debug builds.

mod common;

use common::*;
use dongneng_domain::Money;
use dongneng_domain::project::{LibraryClass, Nature, Quantity, Stage};
use dongneng_office::*;
use proptest::prelude::*;
use rust_xlsxwriter::{Format, Workbook};
use std::sync::OnceLock;

/// `OFFICE_FUZZ_CASES=5000 cargo test --release -p dongneng-office --test fuzz` for a soak.
fn cases(default: u32) -> u32 {
    std::env::var("OFFICE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn valid_workbook() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let rows = vec![full_project(), minimal_project()];
        write_projects(&rows, &totals(&rows)).unwrap()
    })
}

fn valid_progress() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| write_progress(&[progress_row()]).unwrap())
}

/// Reads with both layouts; whatever comes back must be consistent, and a report of it must
/// be writable.
fn read_all(bytes: &[u8]) {
    if let Ok(read) = read_projects(bytes) {
        check(&read);
    }
    if let Ok(read) = read_progress(bytes) {
        check(&read);
    }
}

fn check<T>(read: &SheetRead<T>) {
    for e in &read.errors {
        assert!(ERROR_CODES.contains(&e.code.as_str()), "{e:?}");
        assert!(e.row > read.header_row, "{e:?}");
        assert!(!e.column_letter.is_empty(), "{e:?}");
        assert!(!e.message_zh().contains("%{"), "{e:?}");
        assert!(read.rows.iter().all(|(r, _)| *r != e.row), "{e:?}");
    }
    error_report(&read.cells, &read.errors, &read.sheet_name).expect("report");
}

#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    Number(f64),
    Bool(bool),
    Date(u16, u8, u8),
    Blank,
}

fn cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        // Any text, control characters included.
        "\\PC{0,12}".prop_map(Cell::Text),
        "[\\x00-\\x1f -~]{0,8}".prop_map(Cell::Text),
        prop::sample::select(vec![
            "NaN",
            "inf",
            "-inf",
            "1e309",
            "-0",
            "1.2亿",
            "300万",
            "-5",
            "２０２６－０３－０１",
            "2026年2月30日",
            "20260230",
            "合计",
            "  ",
            "0x10",
            "1,2,3",
            "９１１１００００８０２１００４３３Ｂ",
            "2019-370303-26-03-012345",
            "省重大",
            "新建",
            "建成",
            "#N/A",
            "=1+1",
            "\u{3000}",
        ])
        .prop_map(|s| Cell::Text(s.to_string())),
        any::<f64>().prop_map(Cell::Number),
        prop::sample::select(vec![
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            -1.0,
            0.0,
            -0.0,
            1e15,
            1e16,
            46082.0,
            20260301.0,
            2026.0,
            13.0,
            0.005,
            1e-300,
            2_958_466.0,
            60.0,
            61.0,
        ])
        .prop_map(Cell::Number),
        any::<bool>().prop_map(Cell::Bool),
        (1900u16..=9999, 1u8..=12, 1u8..=28).prop_map(|(y, m, d)| Cell::Date(y, m, d)),
        Just(Cell::Blank),
    ]
}

fn sheet_of(headers: &[&str], rows: &[Vec<Cell>], name: &str) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            // Values Excel cannot hold are skipped rather than failing the test's own writer.
            let _ = match v {
                Cell::Text(t) => ws.write_string(r, c, t).map(|_| ()),
                Cell::Number(n) => ws.write_number(r, c, *n).map(|_| ()),
                Cell::Bool(b) => ws.write_boolean(r, c, *b).map(|_| ()),
                Cell::Date(y, m, d) => rust_xlsxwriter::ExcelDateTime::from_ymd(*y, *m, *d)
                    .and_then(|x| ws.write_datetime_with_format(r, c, x, &date).map(|_| ())),
                Cell::Blank => Ok(()),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(usize, u8),
    Truncate(usize),
    Remove(usize, usize),
    Insert(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Remove(i, n)),
        1 => (any::<usize>(), prop::collection::vec(any::<u8>(), 1..32))
            .prop_map(|(i, v)| Mutation::Insert(i, v)),
    ]
}

fn mutate(bytes: &[u8], ms: &[Mutation]) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for m in ms {
        if b.is_empty() {
            break;
        }
        match m {
            Mutation::Set(i, v) => {
                let i = i % b.len();
                b[i] = *v;
            }
            Mutation::Truncate(i) => b.truncate(i % b.len()),
            Mutation::Remove(i, n) => {
                let i = i % b.len();
                let end = (i + n).min(b.len());
                b.drain(i..end);
            }
            Mutation::Insert(i, v) => {
                let i = i % b.len();
                b.splice(i..i, v.iter().copied());
            }
        }
    }
    b
}

fn text() -> impl Strategy<Value = String> {
    // Trimmed, non-empty, no control characters: what survives reading unchanged.
    "[a-zA-Z0-9一-龥（）“”<>&'\"、，。·-]{1,20}"
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn money() -> impl Strategy<Value = Money> {
    // Up to 1 亿万元 (a trillion yuan) with all six decimals of 万元.
    (0i64..100_000_000_000_000).prop_map(Money)
}

fn date() -> impl Strategy<Value = Option<chrono::NaiveDate>> {
    prop::option::of(
        (1980i32..=2100, 1u32..=12, 1u32..=28)
            .prop_map(|(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()),
    )
}

fn factor() -> impl Strategy<Value = Option<FactorCells>> {
    prop::option::of(
        (0i64..1_000_000_000, 0i64..1_000_000_000).prop_map(|(r, f)| FactorCells {
            required: Quantity(r),
            fulfilled: Quantity(f),
        }),
    )
}

fn project() -> impl Strategy<Value = ProjectSheetRow> {
    let ids = (
        prop::option::of((
            0u32..10_000,
            0u32..1_000_000,
            0u32..100,
            0u32..100,
            0u32..1_000_000,
        )),
        text(),
        text(),
        prop::option::of(prop::sample::select(vec![
            "91350100M000100Y43",
            "91110000802100433B",
        ])),
        text(),
        text(),
        prop::option::of("[A-T]"),
        prop::option::of("[0-9]{2}"),
        prop::sample::select(LibraryClass::ALL.to_vec()),
        prop::sample::select(Nature::ALL.to_vec()),
        prop::sample::select(Stage::ALL.to_vec()),
        prop::option::of(2000i32..=2100),
    );
    let money_dates = (
        prop::option::of(text()),
        money(),
        prop::option::of(money()),
        money(),
        prop::option::of(money()),
        date(),
        date(),
        date(),
        date(),
    );
    let people = (
        opt_text(),
        opt_text(),
        opt_text(),
        prop::option::of("[0-9-]{1,15}"),
    );
    let factors = (factor(), factor(), factor(), factor(), factor());
    (ids, money_dates, people, factors).prop_map(
        |(
            (code, name, owner, credit, region, industry, sec, div, class, nature, stage, year),
            (content, total, plan, done, ydone, ps, as_, pf, af),
            (resp, leader, contact, phone),
            (land, energy, environment, water, funds),
        )| ProjectSheetRow {
            code: code.map(|(a, b, c, d, e)| format!("{a:04}-{b:06}-{c:02}-{d:02}-{e:06}")),
            name,
            owner_name: owner,
            owner_credit_code: credit.map(String::from),
            region,
            industry,
            gbt_section: sec,
            gbt_division: div,
            library_class: class,
            nature,
            stage,
            batch_year: year,
            content: content.unwrap_or_default(),
            total_investment: total,
            year_plan: plan,
            completed: done,
            year_completed: ydone,
            planned_start: ps,
            actual_start: as_,
            planned_finish: pf,
            actual_finish: af,
            responsible_unit: resp,
            leader_in_charge: leader,
            contact_name: contact,
            contact_phone: phone,
            land,
            energy,
            environment,
            water,
            funds,
            warning: String::new(),
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(96), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048), zip_magic in any::<bool>()) {
        let mut b = bytes;
        if zip_magic {
            b.splice(0..0, *b"PK\x03\x04");
        }
        read_all(&b);
    }

    #[test]
    fn damaged_workbooks(ms in prop::collection::vec(mutation(), 1..6), progress in any::<bool>()) {
        let base = if progress { valid_progress() } else { valid_workbook() };
        read_all(&mutate(base, &ms));
    }

    #[test]
    fn random_cells(
        rows in prop::collection::vec(prop::collection::vec(cell(), 0..40), 1..5),
        progress in any::<bool>(),
    ) {
        let bytes = if progress {
            sheet_of(&PROGRESS_HEADERS, &rows, PROGRESS_SHEET)
        } else {
            sheet_of(&PROJECT_HEADERS, &rows, PROJECT_SHEET)
        };
        read_all(&bytes);
    }
}

/// Rewrites one part of a workbook's zip (the XML inside, where calamine's parser works).
fn mutate_part(bytes: &[u8], part: &str, ms: &[Mutation]) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if name == part {
            content = mutate(&content, ms);
        }
        out.start_file(name, opts).unwrap();
        out.write_all(&content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(64), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn damaged_xml_inside_a_good_zip(
        ms in prop::collection::vec(mutation(), 1..6),
        part in prop::sample::select(vec![
            "xl/worksheets/sheet1.xml",
            "xl/sharedStrings.xml",
            "xl/workbook.xml",
            "xl/styles.xml",
            "xl/_rels/workbook.xml.rels",
            "[Content_Types].xml",
            "_rels/.rels",
        ]),
    ) {
        read_all(&mutate_part(valid_workbook(), part, &ms));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(32), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn round_trip(rows in prop::collection::vec(project(), 1..6)) {
        // Codes must be unique within one file.
        let mut rows = rows;
        let mut seen = std::collections::HashSet::new();
        for r in rows.iter_mut() {
            if let Some(c) = &r.code && !seen.insert(c.clone()) {
                r.code = None;
            }
        }
        let bytes = write_projects(&rows, &totals(&rows)).unwrap();
        let read = read_projects(&bytes).unwrap();
        prop_assert!(read.errors.is_empty(), "{:?}", read.errors);
        let got: Vec<ProjectSheetRow> = read.rows.into_iter().map(|(_, r)| r).collect();
        prop_assert_eq!(got, rows);
    }
}
