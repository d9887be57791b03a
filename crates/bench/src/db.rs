//! The benchmark's own database access: the generator's bulk connection, resetting a
//! benchmark database, removing what a benchmark run imported, and sizes.

use anyhow::{Context, bail};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> anyhow::Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            bail!("unsupported database URL (sqlite://… or postgres://…): {url}")
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// Creates the PostgreSQL database of `url` if it does not exist yet (connecting to the
/// `postgres` database of the same server to do so).
pub async fn ensure_pg_database(url: &str) -> anyhow::Result<()> {
    let opts = PgConnectOptions::from_str(url)?;
    let Some(name) = opts.get_database().map(str::to_string) else {
        return Ok(());
    };
    let mut c = opts
        .clone()
        .database("postgres")
        .connect()
        .await
        .context("connecting to the postgres database")?;
    let exists: Option<i32> = sqlx::query_scalar("select 1 from pg_database where datname = $1")
        .bind(&name)
        .fetch_optional(&mut c)
        .await?;
    if exists.is_none() {
        println!("creating database {name}");
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "create database \"{}\"",
            name.replace('"', "\"\"")
        )))
        .execute(&mut c)
        .await?;
    }
    c.close().await?;
    Ok(())
}

/// The file of a `sqlite://path` URL.
pub fn sqlite_path(url: &str) -> anyhow::Result<std::path::PathBuf> {
    let opts = SqliteConnectOptions::from_str(url)?;
    Ok(opts.get_filename().to_path_buf())
}

/// The generator's connection: no fsync, no foreign-key checks (the rows are consistent by
/// construction), a rollback journal (cheaper than WAL for appending a few GB), a large page
/// cache. The server's connections set WAL and `synchronous=FULL` again when they open.
pub async fn sqlite_bulk_connection(url: &str) -> anyhow::Result<SqliteConnection> {
    let opts = SqliteConnectOptions::from_str(url)?
        .journal_mode(SqliteJournalMode::Delete)
        .synchronous(SqliteSynchronous::Off)
        .foreign_keys(false)
        .pragma("cache_size", "-1000000")
        .pragma("temp_store", "memory");
    Ok(opts.connect().await?)
}

/// A plain connection. Foreign keys are not checked: the benchmark only reads, and deletes
/// children before parents (with the checks on, each deleted project would scan all of
/// `project_batches`, whose only index starting with `project_id` is partial).
pub async fn sqlite_connection(url: &str) -> anyhow::Result<SqliteConnection> {
    let opts = SqliteConnectOptions::from_str(url)?
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(false)
        .busy_timeout(std::time::Duration::from_secs(30));
    Ok(opts.connect().await?)
}

/// Empties a benchmark database: deletes the SQLite file, or drops and recreates the
/// PostgreSQL schema `public`.
pub async fn reset(url: &str) -> anyhow::Result<()> {
    match Backend::of(url)? {
        Backend::Sqlite => {
            let path = sqlite_path(url)?;
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut p = path.clone().into_os_string();
                p.push(suffix);
                match std::fs::remove_file(&p) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        return Err(e).with_context(|| format!("removing {}", p.to_string_lossy()));
                    }
                }
            }
        }
        Backend::Postgres => {
            let mut c = PgConnection::connect(url).await?;
            sqlx::raw_sql("drop schema public cascade; create schema public;")
                .execute(&mut c)
                .await?;
            c.close().await?;
        }
    }
    Ok(())
}

/// Codes of the projects a benchmark run imports: type digits `99`, which the generator never
/// uses. (SQL LIKE pattern.)
pub const IMPORTED_CODE_LIKE: &str = "____-______-__-99-______";

/// Removes the projects an earlier run imported, with their rows (not their audit rows: the
/// audit trail is append-only). Returns how many projects went.
pub async fn remove_imported(url: &str) -> anyhow::Result<u64> {
    let tables = [
        "project_progress",
        "project_versions",
        "project_batches",
        "project_events",
        "project_factors",
    ];
    let sel = format!("select id from projects where code like '{IMPORTED_CODE_LIKE}'");
    let mut stmts: Vec<String> = tables
        .iter()
        .map(|t| format!("delete from {t} where project_id in ({sel})"))
        .collect();
    stmts.push(format!(
        "delete from projects where code like '{IMPORTED_CODE_LIKE}'"
    ));
    let n = match Backend::of(url)? {
        Backend::Sqlite => {
            let mut c = sqlite_connection(url).await?;
            let mut tx = c.begin().await?;
            let mut n = 0;
            for s in &stmts {
                n = sqlx::query(sqlx::AssertSqlSafe(s.clone()))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
            c.close().await?;
            n
        }
        Backend::Postgres => {
            let mut c = PgConnection::connect(url).await?;
            let mut tx = c.begin().await?;
            let mut n = 0;
            for s in &stmts {
                n = sqlx::query(sqlx::AssertSqlSafe(s.clone()))
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            tx.commit().await?;
            if n > 0 {
                // What autovacuum would do in its own time: the next run should meet the
                // tables as generated, not 110,000 dead rows in every index.
                for t in tables.iter().chain(["projects"].iter()) {
                    sqlx::query(sqlx::AssertSqlSafe(format!("vacuum analyze {t}")))
                        .execute(&mut c)
                        .await?;
                }
            }
            c.close().await?;
            n
        }
    };
    Ok(n)
}

/// Size of the database on disk, in bytes (SQLite: file and WAL; PostgreSQL: the database).
pub async fn size(url: &str) -> anyhow::Result<u64> {
    match Backend::of(url)? {
        Backend::Sqlite => {
            let path = sqlite_path(url)?;
            let mut total = std::fs::metadata(&path)?.len();
            let mut wal = path.into_os_string();
            wal.push("-wal");
            total += std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
            Ok(total)
        }
        Backend::Postgres => {
            let mut c = PgConnection::connect(url).await?;
            let n: i64 = sqlx::query_scalar("select pg_database_size(current_database())")
                .fetch_one(&mut c)
                .await?;
            c.close().await?;
            Ok(n as u64)
        }
    }
}

/// Counts rows of a table (for the report).
pub async fn count(url: &str, table: &str) -> anyhow::Result<i64> {
    let sql = format!("select count(*) from {table}");
    Ok(match Backend::of(url)? {
        Backend::Sqlite => {
            let mut c = sqlite_connection(url).await?;
            let n = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut c)
                .await?;
            c.close().await?;
            n
        }
        Backend::Postgres => {
            let mut c = PgConnection::connect(url).await?;
            let n = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut c)
                .await?;
            c.close().await?;
            n
        }
    })
}
