//! `dongneng-bench`: the province-scale benchmark of the project library (issue #3).
//!
//! ```text
//! dongneng-bench generate --database-url sqlite://bench-data/province.db [--projects 200000] [--years 10]
//! dongneng-bench run      --database-url sqlite://bench-data/province.db [--concurrency 32] [--seconds 20]
//! ```
//!
//! `bench/province.sh` runs both for SQLite and PostgreSQL; docs/PERFORMANCE.md has the
//! figures. The benchmark is never a test: nothing here runs in `cargo test`.

mod coordination;
mod coordination_run;
mod db;
mod generate;
mod model;
mod run;
mod sql;
mod sys;
mod words;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "dongneng-bench",
    about = "Province-scale benchmark of the Dongneng project library"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Builds the data set: reference data and accounts, 16 cities' districts, projects with
    /// their versions, batches, events, factor needs and monthly progress; then the
    /// coordination loop's key tasks, problems, supervision items and meetings. Does nothing when
    /// the database already holds the data set of the same parameters.
    Generate {
        #[arg(long, env = "DONGNENG_DATABASE_URL")]
        database_url: String,
        #[arg(long, default_value_t = 200_000)]
        projects: u64,
        /// Years of monthly history, ending with last month.
        #[arg(long, default_value_t = 10)]
        years: u32,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Replace a data set generated with other parameters (or left half-made).
        #[arg(long)]
        reset: bool,
        /// Key tasks of the coordination loop over the window (meeting decisions included).
        #[arg(long, default_value_t = 300_000)]
        tasks: u64,
        /// Problems with their assignments to departments.
        #[arg(long, default_value_t = 60_000)]
        problems: u64,
        /// Supervision items (督办) with their units.
        #[arg(long, default_value_t = 5_000)]
        supervision: u64,
        /// Meetings with agenda, attendees and decisions (which become key tasks).
        #[arg(long, default_value_t = 20_000)]
        meetings: u64,
    },
    /// Prints what `generate` would write (counts, stages, warnings) without writing it.
    Plan {
        #[arg(long, default_value_t = 200_000)]
        projects: u64,
        #[arg(long, default_value_t = 10)]
        years: u32,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Compares every project's derived figures and warning with what the store derives
    /// (rewrites those that differ: for small data sets).
    Verify {
        #[arg(long, env = "DONGNENG_DATABASE_URL")]
        database_url: String,
    },
    /// Runs the statements of a file (separated by `;` at a line's end) with the product's
    /// SQLite or with PostgreSQL, printing each one's plan and time.
    Sql {
        #[arg(long, env = "DONGNENG_DATABASE_URL")]
        database_url: String,
        file: PathBuf,
        /// Runs of each statement.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
    },
    /// Starts the release server on a generated database and measures it; prints a Markdown
    /// table.
    Run {
        #[arg(long, env = "DONGNENG_DATABASE_URL")]
        database_url: String,
        /// Concurrent clients of the load phases.
        #[arg(long, default_value_t = 32)]
        concurrency: usize,
        /// Measured seconds per load phase.
        #[arg(long, default_value_t = 20.0)]
        seconds: f64,
        /// Unmeasured seconds before each load phase.
        #[arg(long, default_value_t = 3.0)]
        warmup: f64,
        /// The `dongneng` binary (default: beside this one, i.e. target/release/dongneng).
        #[arg(long)]
        server_bin: Option<PathBuf>,
        /// Folder for the import files and the server log.
        #[arg(long, default_value = "bench-data")]
        work_dir: PathBuf,
        /// Sizes of the import files (new projects each).
        #[arg(long, value_delimiter = ',', default_values_t = vec![10_000, 100_000])]
        imports: Vec<usize>,
        /// About how many projects the export should hold.
        #[arg(long, default_value_t = 100_000)]
        export_rows: usize,
        /// Seconds between a writer's changes in the (a′) phase (the list while the library
        /// changes); 0 leaves the phase out.
        #[arg(long, default_value_t = 1.0)]
        write_interval: f64,
        /// Also write the Markdown report to this file.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Which measurements: all, projects (the library's) or coordination (to-do,
        /// overdue lists, the department table, a meeting's pack).
        #[arg(long, default_value = "all", value_parser = ["all", "projects", "coordination"])]
        only: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Generate {
            database_url,
            projects,
            years,
            seed,
            reset,
            tasks,
            problems,
            supervision,
            meetings,
        } => {
            generate::generate(generate::Params {
                database_url: database_url.clone(),
                projects,
                years,
                seed,
                reset,
            })
            .await?;
            let sizes = coordination::Sizes {
                tasks,
                problems,
                supervision,
                meetings,
            };
            if sizes
                == (coordination::Sizes {
                    tasks: 0,
                    problems: 0,
                    supervision: 0,
                    meetings: 0,
                })
            {
                return Ok(());
            }
            coordination::generate(&database_url, sizes, seed).await
        }
        Command::Plan {
            projects,
            years,
            seed,
        } => generate::plan(projects, years, seed).await,
        Command::Verify { database_url } => generate::verify(&database_url).await,
        Command::Sql {
            database_url,
            file,
            repeat,
        } => sql::run(&database_url, &file, repeat).await,
        Command::Run {
            database_url,
            concurrency,
            seconds,
            warmup,
            server_bin,
            work_dir,
            imports,
            export_rows,
            write_interval,
            out,
            only,
        } => {
            run::run(run::RunArgs {
                database_url,
                concurrency,
                seconds,
                warmup,
                server_bin,
                work_dir,
                imports,
                export_rows,
                write_interval,
                out,
                only,
            })
            .await
        }
    }
}
