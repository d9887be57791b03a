//! The `dongneng` command: serve, migrate, user, backup.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use dongneng::{
    DEMO_ACCOUNTS, DEMO_PASSWORD, default_database_url, open_store, shutdown_signal, start,
};
use dongneng_domain::paging::Page;
use dongneng_domain::role::{Grant, Role, ScopeKind};
use dongneng_domain::user::NewUser;
use dongneng_service::{Actor, Service, ServiceConfig};
use dongneng_store::AuditBy;
use dongneng_web::WebConfig;
use std::io::BufRead;
use std::path::PathBuf;
use tracing_subscriber::EnvFilter;

mod transfer_cli;

// mimalloc hands large freed blocks back to the system. With glibc's allocator every argon2
// hash (19 MiB) left its block in a per-thread arena, and a server that had served a few
// logins sat at ~200 MB for good (docs/PERFORMANCE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "dongneng",
    version,
    about = "动能 · major-programme coordination platform"
)]
struct Cli {
    /// Folder for the SQLite database and other files.
    #[arg(
        long,
        global = true,
        env = "DONGNENG_DATA_DIR",
        default_value = "./data"
    )]
    data_dir: PathBuf,
    /// Database: sqlite://path/file.db (default: a file in the data folder) or postgres://…
    #[arg(long, global = true, env = "DONGNENG_DATABASE_URL")]
    database_url: Option<String>,
    /// Log as JSON lines (for log collectors) instead of text.
    #[arg(long, global = true, env = "DONGNENG_LOG_JSON")]
    log_json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve {
        #[arg(long, env = "DONGNENG_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load the Zibo demo data and demo accounts (once) and print them.
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (the server is reached over TLS).
        #[arg(long, env = "DONGNENG_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Trust X-Forwarded-For / X-Forwarded-Proto from a reverse proxy.
        #[arg(long, env = "DONGNENG_TRUST_PROXY")]
        trust_proxy: bool,
        /// Largest request body in bytes.
        #[arg(long, env = "DONGNENG_BODY_LIMIT", default_value_t = 2 * 1024 * 1024)]
        body_limit: usize,
        /// Minutes without a request before a session ends.
        #[arg(long, env = "DONGNENG_SESSION_IDLE_MINUTES", default_value_t = 120)]
        session_idle_minutes: i64,
        /// Hours after login when a session ends regardless.
        #[arg(long, env = "DONGNENG_SESSION_HOURS", default_value_t = 12)]
        session_hours: i64,
        /// A folder of fonts for the PDFs of official documents, searched before the
        /// system's (e.g. one holding 方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312). Repeatable.
        #[arg(long = "font-dir", env = "DONGNENG_FONT_DIR")]
        font_dirs: Vec<PathBuf>,
        /// Do not use the system's fonts for PDFs: only --font-dir and the Noto CJK subsets
        /// carried in the binary.
        #[arg(long, env = "DONGNENG_NO_SYSTEM_FONTS")]
        no_system_fonts: bool,
        /// SMTP relay for reminder e-mail (plain SMTP, no login). Without it no mail is sent
        /// and no outbound connection is made.
        #[arg(long, env = "DONGNENG_SMTP_HOST")]
        smtp_host: Option<String>,
        #[arg(long, env = "DONGNENG_SMTP_PORT", default_value_t = 25)]
        smtp_port: u16,
        /// The sender of reminder e-mail, e.g. `动能平台 <dongneng@zibo.gov.cn>`.
        #[arg(long, env = "DONGNENG_SMTP_FROM", default_value = "dongneng@localhost")]
        smtp_from: String,
        /// The address users reach the server at, for links in e-mail.
        #[arg(
            long,
            env = "DONGNENG_PUBLIC_URL",
            default_value = "http://127.0.0.1:8080"
        )]
        public_url: String,
        /// Imports (and, separately, exports of more than one page) running at once in this
        /// server; each account runs one at a time. Others are refused with 429.
        #[arg(long, env = "DONGNENG_MAX_JOBS", default_value_t = 2)]
        max_jobs: usize,
    },
    /// The audit trail's tamper-evident chain.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Apply database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Export data to a spreadsheet.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Import data from a spreadsheet: the whole file is checked first; if any row is wrong
    /// nothing is written, a report is saved beside the file and the exit status is 1.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Write an online backup of the SQLite database (PostgreSQL: use pg_dump).
    Backup {
        /// Target file; must not exist.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// The project library as .xlsx, in the layout `import projects` reads.
    Projects {
        #[arg(long)]
        out: PathBuf,
        /// Industry key or name (新材料, new_materials).
        #[arg(long)]
        industry: Option<String>,
        /// Region code or name (370303, 张店区); includes everything below it.
        #[arg(long)]
        region: Option<String>,
        /// planning, reserve, started, completed (or 策划 …).
        #[arg(long)]
        stage: Option<String>,
        /// Library class code or label (city_major, 市重大 …).
        #[arg(long)]
        class: Option<String>,
        /// red, yellow or green.
        #[arg(long)]
        warning: Option<String>,
        /// Only projects in this year's batch.
        #[arg(long)]
        batch_year: Option<i32>,
        /// Chinese substring of name, owner or content.
        #[arg(long)]
        q: Option<String>,
        /// Include projects that left the library.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Link the rows written since the last link, walk the whole chain and name the first
    /// row that does not match (exit status 1). The outcome shows on the audit page.
    Verify,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// A project list in the export layout.
    Projects { file: PathBuf },
    /// A monthly-progress sheet.
    Progress { file: PathBuf },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account. The password is read from standard input (one line).
    Create {
        username: String,
        #[arg(long)]
        display_name: Option<String>,
        /// Role: admin, office, leader, supervisor, taskforce, dept, district, stats, expert.
        #[arg(long, default_value = "admin")]
        role: String,
    },
    /// Set a new password, read from standard input (one line).
    SetPassword { username: String },
    /// List accounts.
    List,
    /// Disable an account and end its sessions.
    Disable { username: String },
}

fn cmd_kind(cmd: &ImportCommand) -> transfer_cli::Kind {
    match cmd {
        ImportCommand::Projects { .. } => transfer_cli::Kind::Projects,
        ImportCommand::Progress { .. } => transfer_cli::Kind::Progress,
    }
}

fn cmd_file(cmd: &ImportCommand) -> &std::path::Path {
    match cmd {
        ImportCommand::Projects { file } | ImportCommand::Progress { file } => file,
    }
}

fn read_password() -> anyhow::Result<String> {
    eprintln!("Password (one line on standard input):");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let filter = EnvFilter::try_from_env("DONGNENG_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    if cli.log_json {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let url = match &cli.database_url {
        Some(u) => u.clone(),
        None => {
            std::fs::create_dir_all(&cli.data_dir)
                .with_context(|| format!("creating {}", cli.data_dir.display()))?;
            default_database_url(&cli.data_dir)
        }
    };
    let store = open_store(&url).await?;
    match cli.command {
        Command::Serve {
            bind,
            demo,
            secure_cookies,
            trust_proxy,
            body_limit,
            session_idle_minutes,
            session_hours,
            font_dirs,
            no_system_fonts,
            smtp_host,
            smtp_port,
            smtp_from,
            public_url,
            max_jobs,
        } => {
            let mail = smtp_host.map(|smtp_host| dongneng_service::mail::MailConfig {
                smtp_host,
                smtp_port,
                from: smtp_from,
                public_url,
            });
            if let Some(m) = &mail {
                dongneng_service::mail::Mailer::new(m).map_err(anyhow::Error::msg)?;
            }
            let web = WebConfig {
                secure_cookies,
                trust_proxy,
                body_limit,
                demo,
            };
            let service_config = ServiceConfig {
                session_idle: chrono::Duration::minutes(session_idle_minutes.max(1)),
                session_absolute: chrono::Duration::hours(session_hours.max(1)),
                font_dirs,
                system_fonts: !no_system_fonts,
                mail,
                jobs: dongneng_service::jobs::JobLimits {
                    per_server: max_jobs.max(1),
                    ..Default::default()
                },
                ..ServiceConfig::default()
            };
            let running =
                start(store.clone(), &bind, web, service_config, shutdown_signal()).await?;
            println!("动能 Dongneng is listening on http://{}", running.addr);
            if demo {
                println!("Demo accounts (password: {DEMO_PASSWORD}):");
                for a in DEMO_ACCOUNTS {
                    println!("  {:<11} {}", a.username, a.description);
                }
            } else if store.count_users().await? == 0 {
                println!("No accounts yet. Create the first administrator with:");
                println!("  dongneng user create <username> --role admin");
            }
            running.task.await??;
            store.close().await;
        }
        Command::Migrate => {
            store.migrate().await?;
            println!(
                "Migrations applied: {:?}",
                store.migration_versions().await?
            );
        }
        Command::User(cmd) => {
            store.migrate().await?;
            let service = Service::new(store.clone(), ServiceConfig::default());
            let by = AuditBy::system("cli");
            match cmd {
                UserCommand::Create {
                    username,
                    display_name,
                    role,
                } => {
                    let Some(role) = Role::parse(&role) else {
                        bail!("unknown role: {role}")
                    };
                    if role.allowed_scopes().first()
                        != Some(&dongneng_domain::role::ScopeKindTag::City)
                    {
                        bail!(
                            "from the command line only whole-city roles can be created; give scoped roles in the web interface"
                        );
                    }
                    let password = read_password()?;
                    let user = service
                        .create_user_as(
                            NewUser {
                                display_name: display_name.unwrap_or_else(|| username.clone()),
                                username,
                                department_id: None,
                                password,
                                grants: vec![Grant {
                                    role,
                                    scope: ScopeKind::City,
                                }],
                                email: None,
                            },
                            &by,
                        )
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}: {e:?}"))?;
                    println!("Created user {} (id {})", user.username, user.id);
                }
                UserCommand::SetPassword { username } => {
                    let Some(login) = store.find_login(&username).await? else {
                        bail!("no such user: {username}")
                    };
                    let password = read_password()?;
                    service
                        .set_password_as(login.id, &password, &by)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}: {e:?}"))?;
                    println!("Password set for {username}; their sessions have ended.");
                }
                UserCommand::List => {
                    let (users, _) = store.list_users(Page::new(Some(1), Some(500))).await?;
                    for u in users {
                        let roles: Vec<&str> = u.grants.iter().map(|g| g.role.as_str()).collect();
                        println!(
                            "{:>5}  {:<20} {:<24} {}{}",
                            u.id,
                            u.username,
                            u.display_name,
                            roles.join(","),
                            if u.disabled { "  (disabled)" } else { "" }
                        );
                    }
                }
                UserCommand::Disable { username } => {
                    let Some(login) = store.find_login(&username).await? else {
                        bail!("no such user: {username}")
                    };
                    let Some(u) = store.get_user(login.id).await? else {
                        bail!("no such user: {username}")
                    };
                    let update = dongneng_domain::user::UserUpdate {
                        display_name: u.display_name,
                        department_id: u.department_id,
                        grants: u.grants,
                        disabled: true,
                        email: u.email,
                    };
                    store.update_user(u.id, u.version, &update, &by).await?;
                    println!("Disabled {username}.");
                }
            }
        }
        Command::Export(ExportCommand::Projects {
            out,
            industry,
            region,
            stage,
            class,
            warning,
            batch_year,
            q,
            all,
        }) => {
            store.migrate().await?;
            let service = Service::new(store.clone(), ServiceConfig::default());
            let query = transfer_cli::query(
                &service, industry, region, stage, class, warning, batch_year, q, all,
            )
            .await?;
            let bytes = async {
                service
                    .programme(&Actor::system("cli"))?
                    .export_xlsx(&query)
                    .await
            }
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            std::fs::write(&out, &bytes).with_context(|| format!("writing {}", out.display()))?;
            println!("Exported to {} ({} bytes)", out.display(), bytes.len());
        }
        Command::Import(cmd) => {
            store.migrate().await?;
            let service = Service::new(store.clone(), ServiceConfig::default());
            let code = transfer_cli::import(&service, cmd_kind(&cmd), cmd_file(&cmd)).await?;
            store.close().await;
            std::process::exit(code);
        }
        Command::Audit(AuditCommand::Verify) => {
            store.migrate().await?;
            let service = Service::new(store.clone(), ServiceConfig::default());
            let report = service
                .verify_audit_chain()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            store.close().await;
            if report.ok {
                println!(
                    "Audit chain verified: {} rows, all match.",
                    report.rows_checked
                );
            } else {
                println!(
                    "Audit chain BROKEN at row {}: {} ({} rows matched before it).",
                    report.first_bad_id.unwrap_or_default(),
                    report.detail.unwrap_or_default(),
                    report.rows_checked
                );
                std::process::exit(1);
            }
        }
        Command::Backup { out } => {
            store.backup_to(&out.display().to_string()).await?;
            println!("Backup written to {}", out.display());
        }
    }
    Ok(())
}
