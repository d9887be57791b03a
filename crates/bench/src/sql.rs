//! `dongneng-bench sql`: runs statements from a file against a database with the SQLite the
//! product links (not the system's `sqlite3`) or PostgreSQL, printing each one's plan and
//! time: for looking into a slow query of the benchmark.

use crate::db::{self, Backend};
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Row};
use std::time::Instant;

pub async fn run(url: &str, file: &std::path::Path, repeat: usize) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file)?;
    // Statements without their comment lines.
    let statements: Vec<String> = text
        .split(";\n")
        .map(|s| {
            s.lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .trim_end_matches(';')
                .to_string()
        })
        .filter(|s| !s.is_empty())
        .collect();
    match Backend::of(url)? {
        Backend::Sqlite => {
            let mut c = db::sqlite_connection(url).await?;
            let version: String = sqlx::query_scalar("select sqlite_version()")
                .fetch_one(&mut c)
                .await?;
            println!("SQLite {version}");
            for s in &statements {
                println!("\n{s}");
                let lower = s.to_lowercase();
                if lower.starts_with("select") || lower.starts_with("with") {
                    let plan = sqlx::query(sqlx::AssertSqlSafe(format!("explain query plan {s}")))
                        .fetch_all(&mut c)
                        .await?;
                    for r in plan {
                        println!("  plan: {}", r.try_get::<String, _>(3).unwrap_or_default());
                    }
                }
                for _ in 0..repeat.max(1) {
                    let t = Instant::now();
                    let rows = sqlx::query(sqlx::AssertSqlSafe(s.clone()))
                        .fetch_all(&mut c)
                        .await?;
                    println!(
                        "  {} rows in {:.1} ms",
                        rows.len(),
                        t.elapsed().as_secs_f64() * 1000.0
                    );
                }
            }
            c.close().await?;
        }
        Backend::Postgres => {
            let mut c = PgConnection::connect(url).await?;
            for s in &statements {
                println!("\n{s}");
                let lower = s.to_lowercase();
                if lower.starts_with("select") || lower.starts_with("with") {
                    let plan = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "explain (analyze, buffers) {s}"
                    )))
                    .fetch_all(&mut c)
                    .await?;
                    for r in plan {
                        println!("  {}", r.try_get::<String, _>(0).unwrap_or_default());
                    }
                }
                for _ in 0..repeat.max(1) {
                    let t = Instant::now();
                    let rows = sqlx::query(sqlx::AssertSqlSafe(s.clone()))
                        .fetch_all(&mut c)
                        .await?;
                    println!(
                        "  {} rows in {:.1} ms",
                        rows.len(),
                        t.elapsed().as_secs_f64() * 1000.0
                    );
                }
            }
            c.close().await?;
        }
    }
    Ok(())
}
