//! The command line's export and import, as an operator runs them: an export imported
//! again changes nothing; a workbook with one bad row exits non-zero, names the row and the
//! column, writes a report beside the file and leaves the library as it was.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn dongneng(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dongneng"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("DONGNENG_LOG", "warn")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("run dongneng")
}

/// Loads the demo into a data folder by starting the server once.
fn demo_data(data: &std::path::Path) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dongneng"))
        .arg("--data-dir")
        .arg(data)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .env("DONGNENG_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start");
    let out = child.stdout.take().expect("stdout");
    // Log lines (on the same stream) may come first under load.
    let listening = BufReader::new(out)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.contains(" is listening on "));
    assert!(listening, "the server started");
    child.kill().ok();
    child.wait().ok();
}

fn project_count(data: &std::path::Path) -> usize {
    let out = dongneng(
        data,
        &[
            "export",
            "projects",
            "--all",
            "--out",
            data.join("count.xlsx").to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    let bytes = std::fs::read(data.join("count.xlsx")).unwrap();
    dongneng_office::read_projects(&bytes).unwrap().rows.len()
}

#[test]
fn export_then_import_changes_nothing_and_a_bad_row_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    demo_data(data);
    let file = data.join("projects.xlsx");
    let out = dongneng(
        data,
        &["export", "projects", "--out", file.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = project_count(data);
    assert!(before >= 200);

    let out = dongneng(data, &["import", "projects", file.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("0 created, 0 updated"), "{stdout}");

    // One bad row.
    let sheet = dongneng_office::read_projects(&std::fs::read(&file).unwrap()).unwrap();
    let mut rows: Vec<_> = sheet.rows.into_iter().map(|(_, r)| r).collect();
    rows[4].region = "火星区".into();
    rows[0].name = "改过名字的项目".into();
    let bad = data.join("bad.xlsx");
    std::fs::write(
        &bad,
        dongneng_office::write_projects(&rows, &Default::default()).unwrap(),
    )
    .unwrap();
    let out = dongneng(data, &["import", "projects", bad.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("row 6"), "{stderr}");
    assert!(stderr.contains("所属区县"), "{stderr}");
    let report = data.join("bad.errors.xlsx");
    assert!(stderr.contains(report.to_str().unwrap()), "{stderr}");
    assert!(std::fs::read(&report).unwrap().starts_with(b"PK"));
    assert_eq!(project_count(data), before, "nothing written");

    // Not a workbook at all.
    let junk = data.join("junk.xlsx");
    std::fs::write(&junk, b"hello").unwrap();
    let out = dongneng(data, &["import", "projects", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
}
