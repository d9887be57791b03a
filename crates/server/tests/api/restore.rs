//! The restore drill (issue 13): a SQLite database is backed up with `dongneng backup` while
//! writes continue, the copy is restored into a fresh folder and `dongneng serve` started on
//! it; every table's row count is what the database held at the moment of the copy, the
//! library's totals are the same, and the audit chain still verifies. (PostgreSQL:
//! `ops/pg-restore-drill.sh`, docs/OPERATIONS.md.)

use crate::harness::{Db, TestApp, each_backend, full_demo};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sqlx::{Connection, Row};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Every table's row count in a SQLite file.
async fn table_counts(file: &std::path::Path) -> BTreeMap<String, i64> {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    let tables: Vec<String> = sqlx::query(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' \
         and name not like '%_fts%' order by name",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get::<String, _>("name"))
    .collect();
    let mut counts = BTreeMap::new();
    for t in tables {
        let n: i64 =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from \"{t}\"")))
                .fetch_one(&mut c)
                .await
                .unwrap();
        counts.insert(t, n);
    }
    c.close().await.unwrap();
    counts
}

/// The library's totals as the API gives them.
async fn library_totals(client: &reqwest::Client, base: &str) -> Value {
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "office", "password": "dongneng-demo"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().expect("token").to_string();
    let list: Value = client
        .get(format!("{base}/api/v1/projects?in_library=all&per_page=1"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["sums"].clone()
}

fn dongneng() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dongneng"));
    c.env("DONGNENG_LOG", "warn").env("RUST_BACKTRACE", "0");
    c
}

#[tokio::test]
async fn a_backup_taken_during_writes_restores_to_a_working_server() {
    each_backend(full_demo(), async |app: &TestApp| {
        if app.database.backend != Db::Sqlite {
            return; // PostgreSQL's drill is ops/pg-restore-drill.sh (pg_dump/pg_restore).
        }
        let live = app.database.dir.path().join("test.db");
        let admin = app.token("admin").await;
        let totals = library_totals(&app.client, &app.base).await;
        assert!(totals["count"].as_i64().unwrap() > 0, "{totals}");
        let before = table_counts(&live).await;

        // Writes go on, one department (and its audit row) after another.
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicUsize::new(0));
        let writer = {
            let (stop, written) = (stop.clone(), written.clone());
            let (client, url, admin) = (app.client.clone(), app.url("/api/v1/departments"), admin.clone());
            tokio::spawn(async move {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let resp = client
                        .request(Method::POST, &url)
                        .bearer_auth(&admin)
                        .json(&json!({"name_zh": format!("恢复演练局{i}"), "name_en": format!("Drill {i}"), "kind": "department"}))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(resp.status(), StatusCode::CREATED);
                    written.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        while written.load(Ordering::Relaxed) < 5 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let backups = tempfile::tempdir().unwrap();
        let copy = backups.path().join("dn-backup.db");
        let db_url = app.database.url();
        let copy_arg = copy.display().to_string();
        let out = tokio::task::spawn_blocking(move || {
            dongneng()
                .args(["--database-url", &db_url, "backup", "--out", &copy_arg])
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let during = written.load(Ordering::Relaxed);
        while written.load(Ordering::Relaxed) < during + 5 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        stop.store(true, Ordering::Relaxed);
        writer.await.unwrap();
        let total_written = written.load(Ordering::Relaxed) as i64;

        // Restore into a fresh folder, as docs/OPERATIONS.md says, and start on it.
        let fresh = tempfile::tempdir().unwrap();
        std::fs::copy(&copy, fresh.path().join("dongneng.db")).unwrap();
        let restored = table_counts(&fresh.path().join("dongneng.db")).await;
        // The copy holds n of the writes, whole: each department with its audit row, and
        // everything else exactly as before the writes began.
        let n = restored["departments"] - before["departments"];
        assert!(n >= 5 && n < total_written, "{n} of {total_written} writes in the copy");
        for (table, count) in &before {
            let want = match table.as_str() {
                "departments" | "audit_log" => count + n,
                _ => *count,
            };
            assert_eq!(restored.get(table), Some(&want), "table {table}");
        }
        assert_eq!(restored.len(), before.len(), "the same tables");

        let mut server = dongneng()
            .arg("--data-dir")
            .arg(fresh.path())
            .args(["serve", "--bind", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = server.stdout.take().unwrap();
        let base = tokio::task::spawn_blocking(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .find_map(|l| l.split(" is listening on ").nth(1).map(str::to_string))
        })
        .await
        .unwrap()
        .expect("the restored server starts");
        let restored_totals = library_totals(&app.client, &base).await;
        let _ = server.kill();
        let _ = server.wait();
        assert_eq!(restored_totals, totals, "the library's totals");

        // And its audit chain verifies.
        let out = dongneng()
            .arg("--data-dir")
            .arg(fresh.path())
            .args(["audit", "verify"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    })
    .await;
}
