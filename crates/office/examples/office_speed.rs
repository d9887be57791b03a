//! Writes 100,000 project rows and reads them back, printing rows per second for each.
//!
//! Run: `cargo run --release -p dongneng-office --example office_speed [rows]`
//!
//! `office_speed save FILE [rows]` only writes the project list to FILE and `office_speed load
//! FILE` only reads it, so that peak memory (`/usr/bin/time -v`) can be told apart;
//! `office_speed report FILE` times the error report of FILE with 20,000 bad cells.

use chrono::NaiveDate;
use dongneng_domain::Money;
use dongneng_domain::project::{LibraryClass, Nature, Quantity, Stage};
use dongneng_office::{
    FactorCells, ProgressSheetRow, ProjectSheetRow, ProjectTotals, read_progress, read_projects,
    write_progress, write_projects,
};
use std::time::Instant;

fn project(i: usize) -> ProjectSheetRow {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    ProjectSheetRow {
        code: Some(format!("2509-370303-26-03-{:06}", i % 1_000_000)),
        name: format!("年产{}万吨高性能膜材料项目（第{}期）", i % 97 + 1, i),
        owner_name: format!("山东某新材料有限公司{}", i % 5000),
        owner_credit_code: Some("91110000802100433B".into()),
        region: ["张店区", "淄川区", "博山区", "临淄区", "周村区", "高新区"][i % 6].into(),
        industry: ["新材料", "智能装备", "医养健康", "新一代信息技术"][i % 4].into(),
        gbt_section: Some("C".into()),
        gbt_division: Some("29".into()),
        library_class: LibraryClass::ALL[i % LibraryClass::ALL.len()],
        nature: Nature::ALL[i % Nature::ALL.len()],
        stage: Stage::ALL[i % Stage::ALL.len()],
        batch_year: Some(2026),
        content: format!(
            "建设生产线{}条，配套仓储、研发中心及环保设施，形成年产{}万吨产能",
            i % 9 + 1,
            i % 50 + 1
        ),
        total_investment: Money((i as i64 * 7_919_123) % 1_000_000_000_000 + 1),
        year_plan: Some(Money((i as i64 * 3_331) % 100_000_000_000)),
        completed: Money((i as i64 * 1_777) % 100_000_000_000),
        year_completed: Some(Money((i as i64 * 999) % 10_000_000_000)),
        planned_start: d(2026, (i % 12) as u32 + 1, 1),
        actual_start: d(2026, 3, (i % 28) as u32 + 1),
        planned_finish: d(2028, 12, 31),
        actual_finish: None,
        responsible_unit: Some("市工业和信息化局".into()),
        leader_in_charge: Some("张三".into()),
        contact_name: Some(format!("联系人{}", i % 300)),
        contact_phone: Some(format!("0533-{:07}", i % 10_000_000)),
        land: Some(FactorCells {
            required: Quantity((i % 10_000) as i64),
            fulfilled: Quantity(0),
        }),
        energy: Some(FactorCells {
            required: Quantity(50_000),
            fulfilled: Quantity(25_000),
        }),
        environment: None,
        water: None,
        funds: Some(FactorCells {
            required: Quantity(1_000_000),
            fulfilled: Quantity(250_075),
        }),
        warning: String::new(),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("save") => {
            let n = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(100_000);
            let rows: Vec<ProjectSheetRow> = (0..n).map(project).collect();
            let bytes = write_projects(&rows, &ProjectTotals::default()).expect("write");
            std::fs::write(&args[2], bytes).expect("save");
            return;
        }
        Some("load") => {
            let bytes = std::fs::read(&args[2]).expect("load");
            let t = Instant::now();
            let read = read_projects(&bytes).expect("read");
            let r = t.elapsed().as_secs_f64();
            println!(
                "projects read: {} rows in {r:.2} s = {:.0} rows/s",
                read.rows.len(),
                read.rows.len() as f64 / r
            );
            return;
        }
        Some("report") => {
            // The report of a 100,000-row upload with MAX_ERRORS bad cells.
            let bytes = std::fs::read(&args[2]).expect("load");
            let mut read = read_projects(&bytes).expect("read");
            let errors: Vec<_> = (0..dongneng_office::MAX_ERRORS)
                .map(|i| read.error_at(2 + i * 5, "总投资（万元）", "money_not_number"))
                .collect();
            read.add_errors(errors);
            let t = Instant::now();
            let report = dongneng_office::error_report(&read.cells, &read.errors, &read.sheet_name)
                .expect("report");
            println!(
                "error report: {} cells, {} errors in {:.2} s ({} KiB)",
                read.cells.len(),
                read.errors.len(),
                t.elapsed().as_secs_f64(),
                report.len() / 1024
            );
            return;
        }
        _ => {}
    }
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let rows: Vec<ProjectSheetRow> = (0..n).map(project).collect();
    let totals = ProjectTotals {
        count: n,
        ..Default::default()
    };

    let t = Instant::now();
    let bytes = write_projects(&rows, &totals).expect("write");
    let w = t.elapsed().as_secs_f64();
    println!(
        "projects write: {n} rows in {w:.2} s = {:.0} rows/s ({} KiB)",
        n as f64 / w,
        bytes.len() / 1024
    );

    let t = Instant::now();
    let read = read_projects(&bytes).expect("read");
    let r = t.elapsed().as_secs_f64();
    println!(
        "projects read:  {} rows in {r:.2} s = {:.0} rows/s ({} errors: duplicate codes beyond 1,000,000 rows only)",
        read.rows.len(),
        n as f64 / r,
        read.errors.len()
    );
    assert_eq!(read.rows.len() + read.errors.len(), n);

    let progress: Vec<ProgressSheetRow> = (0..n)
        .map(|i| ProgressSheetRow {
            code: Some(format!("2509-370303-26-03-{:06}", i / 12)),
            name: format!("项目{}", i / 12),
            owner_name: "某公司".into(),
            year: 2026,
            month: (i % 12) as u32 + 1,
            month_investment: Money(i as i64 * 10_000),
            ytd_investment: None,
            image_progress: "主体结构施工中".into(),
            milestone: "主体施工".into(),
            problems: String::new(),
            next_steps: "按计划推进".into(),
        })
        .collect();
    let t = Instant::now();
    let bytes = write_progress(&progress).expect("write");
    let w = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let read = read_progress(&bytes).expect("read");
    let r = t.elapsed().as_secs_f64();
    println!(
        "progress write: {:.0} rows/s; read: {:.0} rows/s ({} rows, {} errors)",
        n as f64 / w,
        n as f64 / r,
        read.rows.len(),
        read.errors.len()
    );
}
