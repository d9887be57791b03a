//! `dongneng-bench run`: starts the release server on a generated database and measures it
//! over HTTP with its own load loop (tokio + reqwest): a fixed number of workers, each sending
//! its next request as soon as the last one is answered, for a fixed time; every latency is
//! kept. Then single timed operations (export, imports) and the server's peak memory.

use crate::db::{self, Backend};
use crate::generate::{GENERATED_KEY, Summary};
use crate::sys;
use anyhow::{Context, bail};
use chrono::{Datelike, NaiveDate};
use dongneng_domain::Money;
use dongneng_domain::money::FEN_PER_WAN;
use dongneng_domain::project::{LibraryClass, Nature, Quantity, Stage};
use dongneng_office::{FactorCells, ProjectSheetRow, ProjectTotals};
use dongneng_store::{Industry, Region};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::AsyncBufReadExt;

pub struct RunArgs {
    pub database_url: String,
    pub concurrency: usize,
    pub seconds: f64,
    pub warmup: f64,
    pub server_bin: Option<PathBuf>,
    pub work_dir: PathBuf,
    pub imports: Vec<usize>,
    pub export_rows: usize,
    /// Seconds between the changes of the (a′) phase; 0 leaves the phase out.
    pub write_interval: f64,
    pub out: Option<PathBuf>,
    /// Which measurements: `all`, `projects` (the library's) or `coordination` (the to-do,
    /// overdue lists, the department table and a meeting's pack).
    pub only: String,
}

/// The server's limit for an uploaded workbook (crates/web/src/api/transfer.rs UPLOAD_LIMIT).
const UPLOAD_LIMIT: usize = 20 * 1024 * 1024;
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub(crate) struct Target {
    pub label: String,
    pub path: String,
    /// Sent as this user (a bearer token) instead of the run's `office`.
    pub token: Option<String>,
}

pub(crate) struct LoadResult {
    pub name: String,
    /// Per target: latencies in microseconds of successful requests.
    pub per_target: Vec<Vec<u32>>,
    pub labels: Vec<String>,
    pub errors: usize,
    /// Failed requests by HTTP status ("0" when no answer came).
    pub error_kinds: std::collections::BTreeMap<u16, usize>,
    pub elapsed: f64,
    pub server_cpu: f64,
    /// What else happened during the run.
    pub note: String,
}

pub(crate) struct SingleOp {
    pub name: String,
    pub rows: usize,
    pub seconds: f64,
    pub bytes: usize,
    pub note: String,
}

struct Server {
    child: tokio::process::Child,
    pid: u32,
    base: String,
}

impl Server {
    async fn start(bin: &PathBuf, url: &str, log: &PathBuf) -> anyhow::Result<Server> {
        let log_file =
            std::fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
        let mut child = tokio::process::Command::new(bin)
            .args(["--database-url", url, "serve", "--bind", "127.0.0.1:0"])
            .stdout(std::process::Stdio::piped())
            .stderr(log_file)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let pid = child.id().context("server pid")?;
        let stdout = child.stdout.take().context("server stdout")?;
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        // The server logs to standard output too: keep that beside what it wrote to standard
        // error, and look for the line with the address.
        let mut log_out = std::fs::OpenOptions::new().append(true).open(log)?;
        let deadline = Instant::now() + Duration::from_secs(300);
        let addr = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = tokio::time::timeout(left, lines.next_line())
                .await
                .context("no 'listening on http://' line from the server within 300 s")??
                .with_context(|| {
                    format!("the server exited during start-up (log: {})", log.display())
                })?;
            {
                use std::io::Write;
                let _ = writeln!(log_out, "{line}");
            }
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.split_whitespace().next().unwrap_or("").to_string();
            }
        };
        if addr.is_empty() {
            bail!("no address on the 'listening' line");
        }
        tokio::spawn(async move {
            use std::io::Write;
            while let Ok(Some(line)) = lines.next_line().await {
                let _ = writeln!(log_out, "{line}");
            }
        });
        Ok(Server {
            child,
            pid,
            base: format!("http://{addr}"),
        })
    }

    /// SIGTERM, then up to 30 s for a clean exit.
    async fn stop(mut self) -> anyhow::Result<Option<i32>> {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status();
        match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(status) => Ok(status?.code()),
            Err(_) => {
                self.child.kill().await?;
                Ok(None)
            }
        }
    }
}

/// One client changing a project of its own at a fixed pace: a project created for the run
/// (its code is marked like the imported ones, so it is removed with them), whose planned
/// investment for the year alternates between two values.
struct Writer {
    stop: Arc<std::sync::atomic::AtomicBool>,
    task: tokio::task::JoinHandle<(usize, usize, Vec<u32>)>,
}

impl Writer {
    async fn start(
        client: &Arc<Client>,
        region_id: i64,
        industry_id: i64,
        year: i32,
        every: f64,
    ) -> anyhow::Result<Writer> {
        let body = serde_json::json!({
            "code": format!("{:02}11-370103-29-99-999999", year % 100),
            "name": "基准测试写入项目",
            "owner_name": "基准测试有限公司",
            "region_id": region_id,
            "industry_id": industry_id,
            "library_class": "district",
            "nature": "new",
            "content": "基准测试：每隔一段时间修改一次年度计划投资",
            "total_investment": 100_000 * FEN_PER_WAN,
            "stage": "planning",
            "batch_year": year,
            "year_plan": 1_000 * FEN_PER_WAN,
        });
        let resp = client
            .http
            .post(format!("{}/api/v1/projects", client.base))
            .bearer_auth(&client.token)
            .json(&body)
            .send()
            .await?;
        let status = resp.status();
        let text = resp.text().await?;
        if !status.is_success() {
            bail!("creating the writer's project: {status}: {text}");
        }
        let id = serde_json::from_str::<serde_json::Value>(&text)?["id"]
            .as_i64()
            .context("no id in the created project")?;
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let client = client.clone();
        let task = tokio::spawn(async move {
            let (mut n, mut failed, mut us) = (0usize, 0usize, Vec::new());
            let mut tick = tokio::time::interval(Duration::from_secs_f64(every));
            while !flag.load(Ordering::Relaxed) {
                tick.tick().await;
                let plan = (1_000 + (n as i64 % 2)) * FEN_PER_WAN;
                let t = Instant::now();
                let ok = client
                    .http
                    .put(format!(
                        "{}/api/v1/projects/{id}/batches/{year}",
                        client.base
                    ))
                    .bearer_auth(&client.token)
                    .json(&serde_json::json!({ "planned_investment": plan }))
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                us.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
                n += 1;
                if !ok {
                    failed += 1;
                }
            }
            (n, failed, us)
        });
        Ok(Writer { stop, task })
    }

    async fn stop(self) -> (usize, usize, Vec<u32>) {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await.unwrap_or_default()
    }
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

pub(crate) fn ms(us: u32) -> f64 {
    us as f64 / 1000.0
}

pub(crate) fn percentile(sorted: &[u32], p: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1_048_576.0)
}

pub(crate) fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub(crate) struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Client {
    pub async fn get_json(&self, path: &str) -> anyhow::Result<serde_json::Value> {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = resp.status();
        let body = resp.text().await?;
        if !status.is_success() {
            bail!("GET {path}: {status}: {body}");
        }
        Ok(serde_json::from_str(&body)?)
    }

    async fn total(&self, path: &str) -> anyhow::Result<i64> {
        let v = self.get_json(path).await?;
        v.get("total")
            .and_then(|t| t.as_i64())
            .with_context(|| format!("no total in {path}"))
    }
}

/// Runs the targets round-robin on `concurrency` workers for `seconds`.
pub(crate) async fn load(
    client: &Arc<Client>,
    name: &str,
    targets: &[Target],
    concurrency: usize,
    seconds: f64,
    warmup: f64,
    pid: u32,
) -> anyhow::Result<LoadResult> {
    let paths: Arc<Vec<(String, Option<String>)>> = Arc::new(
        targets
            .iter()
            .map(|t| (t.path.clone(), t.token.clone()))
            .collect(),
    );
    if warmup > 0.0 {
        run_workers(client, &paths, concurrency, warmup).await;
    }
    let cpu0 = sys::process_cpu_seconds(pid);
    let started = Instant::now();
    let results = run_workers(client, &paths, concurrency, seconds).await;
    let elapsed = started.elapsed().as_secs_f64();
    let server_cpu = sys::process_cpu_seconds(pid) - cpu0;
    let mut per_target = vec![Vec::new(); targets.len()];
    let mut errors = 0;
    let mut error_kinds = std::collections::BTreeMap::new();
    for (t, us, status) in results {
        if (200..300).contains(&status) {
            per_target[t].push(us);
        } else {
            errors += 1;
            *error_kinds.entry(status).or_insert(0) += 1;
        }
    }
    for v in &mut per_target {
        v.sort_unstable();
    }
    Ok(LoadResult {
        name: name.to_string(),
        per_target,
        labels: targets.iter().map(|t| t.label.clone()).collect(),
        errors,
        error_kinds,
        elapsed,
        server_cpu,
        note: String::new(),
    })
}

async fn run_workers(
    client: &Arc<Client>,
    paths: &Arc<Vec<(String, Option<String>)>>,
    concurrency: usize,
    seconds: f64,
) -> Vec<(usize, u32, u16)> {
    let next = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let client = client.clone();
        let paths = paths.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            while Instant::now() < deadline {
                let t = next.fetch_add(1, Ordering::Relaxed) % paths.len();
                let start = Instant::now();
                let (path, token) = &paths[t];
                let status = match client
                    .http
                    .get(format!("{}{path}", client.base))
                    .bearer_auth(token.as_deref().unwrap_or(&client.token))
                    .send()
                    .await
                {
                    Ok(resp) => {
                        let status = resp.status().as_u16();
                        if resp.bytes().await.is_ok() {
                            status
                        } else {
                            0
                        }
                    }
                    Err(_) => 0,
                };
                out.push((
                    t,
                    start.elapsed().as_micros().min(u32::MAX as u128) as u32,
                    status,
                ));
            }
            out
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        if let Ok(v) = t.await {
            all.extend(v);
        }
    }
    all
}

/// New projects for an import file: names, regions and industries that exist, codes marked
/// with type digits 99 (see `db::IMPORTED_CODE_LIKE`), serials from `offset`.
fn import_rows(
    n: usize,
    offset: usize,
    districts: &[(String, String)],
    industries: &[String],
    year: i32,
) -> Vec<ProjectSheetRow> {
    let mut r = crate::model::Rng::new(0x1A_2B3C ^ offset as u64);
    (0..n)
        .map(|i| {
            let serial = offset + i;
            let (region, region_code) = &districts[r.below(districts.len() as u64) as usize];
            let industry = &industries[r.below(industries.len() as u64) as usize];
            let stage = [
                Stage::Planning,
                Stage::Reserve,
                Stage::Started,
                Stage::Started,
            ][r.below(4) as usize];
            let total = Money(r.range(5_000, 500_000) * FEN_PER_WAN);
            let started = stage == Stage::Started;
            let completed = if started {
                Money(total.0 / 10)
            } else {
                Money::ZERO
            };
            let d = |y: i32, m: u32, day: u32| NaiveDate::from_ymd_opt(y, m, day);
            let m = 1 + r.below(10) as u32;
            ProjectSheetRow {
                code: Some(format!(
                    "{:02}{:02}-{region_code}-29-99-{:06}",
                    year % 100,
                    1 + r.below(10),
                    serial % 1_000_000
                )),
                name: format!(
                    "导入测试{}年产{}万吨高性能膜材料项目（第{}批）",
                    region,
                    1 + r.below(30),
                    serial
                ),
                owner_name: format!("山东导入测试新材料有限公司{}", serial % 997),
                owner_credit_code: None,
                region: region.clone(),
                industry: industry.clone(),
                gbt_section: Some("C".into()),
                gbt_division: Some("29".into()),
                library_class: LibraryClass::ALL[r.below(LibraryClass::ALL.len() as u64) as usize],
                nature: Nature::ALL[r.below(Nature::ALL.len() as u64) as usize],
                stage,
                batch_year: Some(year),
                content: format!(
                    "新建高性能膜材料生产线{}条及配套仓储、研发中心和环保设施，达产后年产{}万吨",
                    1 + r.below(9),
                    1 + r.below(50)
                ),
                total_investment: total,
                year_plan: Some(Money(total.0 / 5)),
                completed,
                year_completed: None,
                planned_start: d(year, m, 1),
                actual_start: if started { d(year, m, 15) } else { None },
                planned_finish: d(year + 2, m, 28),
                actual_finish: None,
                responsible_unit: Some("市发展和改革委员会".into()),
                leader_in_charge: Some("市领导（分管新材料）".into()),
                contact_name: Some("王经理".into()),
                contact_phone: Some(format!("0531-{}", 2_000_000 + r.below(7_000_000))),
                land: (i % 5 == 0).then_some(FactorCells {
                    required: Quantity(r.range(10, 500) * 100),
                    fulfilled: Quantity(0),
                }),
                energy: None,
                environment: None,
                water: None,
                funds: None,
                warning: String::new(),
            }
        })
        .collect()
}

pub async fn run(a: RunArgs) -> anyhow::Result<()> {
    let backend = Backend::of(&a.database_url)?;
    std::fs::create_dir_all(&a.work_dir)?;
    let bin = match &a.server_bin {
        Some(b) => b.clone(),
        None => std::env::current_exe()?.with_file_name("dongneng"),
    };
    if !bin.exists() {
        bail!(
            "no server binary at {} (cargo build --release -p dongneng)",
            bin.display()
        );
    }

    // The data set, as generated.
    let store = dongneng::open_store(&a.database_url).await?;
    let Some(json) = store.get_meta(GENERATED_KEY).await? else {
        bail!("no generated data set in this database: run `dongneng-bench generate` first");
    };
    let summary: Summary = serde_json::from_str(&json)?;
    if a.only != "projects"
        && store
            .get_meta(crate::coordination::COORDINATION_KEY)
            .await?
            .is_none()
    {
        bail!(
            "no coordination data in this database: run `dongneng-bench generate` again (it adds them), or pass --only projects"
        );
    }
    let regions: Vec<Region> = store.list_regions().await?;
    let industries: Vec<Industry> = store.list_industries().await?;
    store.close().await;
    drop(store);
    let leftover = db::remove_imported(&a.database_url).await?;
    if leftover > 0 {
        println!("removed {leftover} projects an interrupted run had imported");
    }
    let today = dongneng_domain::clock::today();
    {
        // The daily warning sweep (a rewrite of every project) is not what is measured here.
        let store = dongneng::open_store(&a.database_url).await?;
        store
            .set_meta("warnings_checked_on", &today.to_string())
            .await?;
        store.close().await;
    }
    let projects_now = db::count(&a.database_url, "projects").await?;
    let progress_now = db::count(&a.database_url, "project_progress").await?;
    let db_size = db::size(&a.database_url).await?;
    let load_before = sys::loadavg();

    let log = a
        .work_dir
        .join(format!("server-{}.log", backend.name().to_lowercase()));
    println!(
        "starting {} on {} (log {})",
        bin.display(),
        backend.name(),
        log.display()
    );
    let server = Server::start(&bin, &a.database_url, &log).await?;
    let pid = server.pid;
    let rss_start = sys::process_memory(pid);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(a.concurrency * 2)
        .timeout(Duration::from_secs(1800))
        .build()?;
    let mut ok = false;
    for _ in 0..300 {
        if let Ok(r) = http.get(format!("{}/healthz", server.base)).send().await
            && r.status().is_success()
        {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !ok {
        bail!("GET /healthz did not answer 200");
    }
    let login: serde_json::Value = http
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&serde_json::json!({"username": "office", "password": dongneng::DEMO_PASSWORD}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = login["token"]
        .as_str()
        .context("no token in the login answer")?
        .to_string();
    let client = Arc::new(Client {
        http,
        base: server.base.clone(),
        token,
    });

    // What the filters point at.
    let industry = industries
        .iter()
        .find(|i| i.key == "new_materials")
        .context("no 新材料 industry")?;
    let jinan = regions
        .iter()
        .find(|r| r.code.as_deref() == Some("370100"))
        .context("no 济南市")?;
    let district = regions
        .iter()
        .filter(|r| r.parent_id == Some(jinan.id))
        .nth(2)
        .context("no district of 济南市")?;
    let city_districts = regions
        .iter()
        .filter(|r| r.parent_id == Some(jinan.id))
        .count();
    let list_targets = vec![
        Target {
            label: format!("industry={}", industry.name_zh),
            path: format!("/api/v1/projects?industry={}", industry.id),
            token: None,
        },
        Target {
            label: format!("region={} (a district)", district.name_zh),
            path: format!("/api/v1/projects?region={}", district.id),
            token: None,
        },
        Target {
            label: format!(
                "region={} (a city, {city_districts} districts)",
                jinan.name_zh
            ),
            path: format!("/api/v1/projects?region={}", jinan.id),
            token: None,
        },
        Target {
            label: "stage=started".into(),
            path: "/api/v1/projects?stage=started".into(),
            token: None,
        },
        Target {
            label: "warning=red".into(),
            path: "/api/v1/projects?warning=red".into(),
            token: None,
        },
        Target {
            label: format!("industry={}&stage=started", industry.name_zh),
            path: format!("/api/v1/projects?industry={}&stage=started", industry.id),
            token: None,
        },
        Target {
            label: "no filter, page=1&per_page=50".into(),
            path: "/api/v1/projects?page=1&per_page=50".into(),
            token: None,
        },
    ];
    let words = [
        "芯片",
        "锂电",
        "光伏",
        "氢能",
        "新材料",
        "半导体",
        "膜材料",
        "碳纤维",
        "智能装备",
        "集成电路",
        "生物医药",
        "高端化工",
    ];
    let search_targets: Vec<Target> = words
        .iter()
        .map(|w| Target {
            label: format!("q={w} ({} chars)", w.chars().count()),
            path: format!("/api/v1/projects?q={}", enc(w)),
            token: None,
        })
        .collect();
    let y = today.year();
    let last = if today.month() == 1 {
        (y - 1, 12)
    } else {
        (y, today.month() - 1)
    };
    let months = [
        (y - 9, 6),
        (y - 7, 12),
        (y - 5, 6),
        (y - 3, 12),
        (y - 1, 6),
        if last.1 > 1 {
            (last.0, last.1 - 1)
        } else {
            (last.0 - 1, 12)
        },
    ];
    let as_at_targets: Vec<Target> = months
        .iter()
        .map(|(yy, mm)| Target {
            label: format!("as at {yy}-{mm:02}"),
            path: format!("/api/v1/projects/as-at?year={yy}&month={mm}"),
            token: None,
        })
        .collect();

    // Each target once: it answers, and how many projects it covers.
    let projects = matches!(a.only.as_str(), "all" | "projects");
    let coordination = matches!(a.only.as_str(), "all" | "coordination");
    let mut totals = Vec::new();
    for t in list_targets
        .iter()
        .chain(&search_targets)
        .chain(&as_at_targets)
        .filter(|_| projects)
    {
        let t0 = Instant::now();
        let n = client
            .total(&t.path)
            .await
            .with_context(|| t.label.clone())?;
        totals.push((t.label.clone(), n, t0.elapsed().as_secs_f64() * 1000.0));
    }
    let total_of = |label: &str| {
        totals
            .iter()
            .find(|(l, _, _)| l == label)
            .map(|(_, n, _)| *n)
            .unwrap_or(0)
    };
    // The first request of each target, alone on the idle server: its totals are not cached
    // yet (the service keeps them until the library changes).
    let first_of = |label: &str| {
        totals
            .iter()
            .find(|(l, _, _)| l == label)
            .map(|(_, _, ms)| *ms)
            .unwrap_or(0.0)
    };

    let mut loads = Vec::new();
    let mut memory = Vec::new();
    let project_loads = [
        ("(a) filtered project list with totals", &list_targets),
        ("(b) Chinese substring search", &search_targets),
        ("(c) as-at view of past months", &as_at_targets),
    ];
    for (name, targets) in project_loads.into_iter().filter(|_| projects) {
        println!(
            "{name}: {} workers, {} s (+{} s warm-up) …",
            a.concurrency, a.seconds, a.warmup
        );
        let r = load(
            &client,
            name,
            targets,
            a.concurrency,
            a.seconds,
            a.warmup,
            pid,
        )
        .await?;
        let n: usize = r.per_target.iter().map(|v| v.len()).sum();
        println!(
            "  {n} requests, {} errors {:?}, {:.1} req/s",
            r.errors,
            r.error_kinds,
            n as f64 / r.elapsed
        );
        loads.push(r);
        memory.push((name.to_string(), sys::process_memory(pid)));
        if name.starts_with("(a)") && a.write_interval > 0.0 {
            let name = format!(
                "(a′) the same list while another client changes a project every {} s",
                a.write_interval
            );
            println!("{name} …");
            let w = Writer::start(&client, district.id, industry.id, y, a.write_interval).await?;
            let mut r = load(
                &client,
                &name,
                &list_targets,
                a.concurrency,
                a.seconds,
                a.warmup,
                pid,
            )
            .await?;
            let (writes, write_errors, mut write_us) = w.stop().await;
            write_us.sort_unstable();
            r.note = format!(
                "{writes} changes (PUT /api/v1/projects/{{id}}/batches/{y}: each moves the library version, so every filter's totals are computed anew), {write_errors} failed, p50 {:.1} ms, max {:.1} ms",
                ms(percentile(&write_us, 0.5)),
                ms(write_us.last().copied().unwrap_or(0))
            );
            let n: usize = r.per_target.iter().map(|v| v.len()).sum();
            println!(
                "  {n} requests, {} errors {:?}, {:.1} req/s; {}",
                r.errors,
                r.error_kinds,
                n as f64 / r.elapsed,
                r.note
            );
            loads.push(r);
            memory.push((name, sys::process_memory(pid)));
        }
    }

    let mut singles = Vec::new();
    // The coordination loop (issue #8): the to-do, the overdue lists, the department table
    // and a meeting's pack.
    if coordination {
        let c = crate::coordination_run::run(&client, &a, pid).await?;
        loads.extend(c.loads);
        singles.extend(c.singles);
        memory.extend(c.memory);
    }
    if projects {
        // (e) Export of about `export_rows` projects: the filter closest to it.
        let candidates = [
            "stage=started",
            "stage=completed",
            "warning=green",
            "class=district",
            "class=city_major",
            "in_library=all",
        ];
        let mut best = ("", i64::MAX, 0i64);
        for c in candidates {
            let n = client
                .total(&format!("/api/v1/projects?{c}&per_page=1"))
                .await?;
            let d = (n - a.export_rows as i64).abs();
            if d < best.1 {
                best = (c, d, n);
            }
        }
        println!("(e) export.xlsx?{} ({} projects) …", best.0, best.2);
        let t = Instant::now();
        let resp = client
            .http
            .get(format!(
                "{}/api/v1/projects/export.xlsx?{}",
                client.base, best.0
            ))
            .bearer_auth(&client.token)
            .send()
            .await?
            .error_for_status()?;
        let bytes = resp.bytes().await?;
        let secs = t.elapsed().as_secs_f64();
        singles.push(SingleOp {
            name: format!("(e) export GET /api/v1/projects/export.xlsx?{}", best.0),
            rows: best.2 as usize,
            seconds: secs,
            bytes: bytes.len(),
            note: String::new(),
        });
        drop(bytes);
        memory.push(("(e) export".into(), sys::process_memory(pid)));

        // (d) Imports of new projects.
        let district_names: Vec<(String, String)> = regions
            .iter()
            .filter(|r| r.parent_id.is_some())
            .map(|r| {
                let parent_code = regions
                    .iter()
                    .find(|p| Some(p.id) == r.parent_id)
                    .and_then(|p| p.code.clone())
                    .unwrap_or_else(|| "370300".into());
                (
                    r.name_zh.clone(),
                    r.code
                        .clone()
                        .unwrap_or_else(|| format!("{}91", &parent_code[..4])),
                )
            })
            .collect();
        let mut name_count = std::collections::HashMap::new();
        for i in &industries {
            *name_count.entry(i.name_zh.clone()).or_insert(0) += 1;
        }
        let industry_names: Vec<String> = industries
            .iter()
            .filter(|i| name_count[&i.name_zh] == 1)
            .map(|i| i.name_zh.clone())
            .collect();
        // The whole check of the largest file against the database, without the writing: the same
        // rows with one bad cell in the last row, so the server reads and checks everything and
        // then refuses the file (answering with the problems and a marked copy of the workbook).
        if let Some(&n) = a.imports.iter().max() {
            let mut rows = import_rows(n, 500_000, &district_names, &industry_names, y);
            if let Some(last) = rows.last_mut() {
                last.region = "不存在的区".into();
            }
            let bytes = dongneng_office::write_projects(
                &rows,
                &ProjectTotals {
                    count: rows.len(),
                    ..Default::default()
                },
            )
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            drop(rows);
            if bytes.len() <= UPLOAD_LIMIT {
                println!(
                    "(d) check of {n} rows, refused for one bad cell: POST /api/v1/projects/import …"
                );
                let t = Instant::now();
                let resp = client
                    .http
                    .post(format!("{}/api/v1/projects/import", client.base))
                    .bearer_auth(&client.token)
                    .header("content-type", XLSX)
                    .body(bytes.clone())
                    .send()
                    .await?;
                let status = resp.status();
                let body = resp.text().await?;
                let secs = t.elapsed().as_secs_f64();
                if status.as_u16() != 422 || !body.contains("import_refused") {
                    bail!(
                        "the file with one bad row answered {status}: {}",
                        body.chars().take(500).collect::<String>()
                    );
                }
                singles.push(SingleOp {
                name: format!(
                    "(d) check {} rows against the database, refused for one bad cell",
                    thousands(n as u64)
                ),
                rows: n,
                seconds: secs,
                bytes: bytes.len(),
                note: "HTTP POST, 422 with the problem list and a marked workbook; nothing written"
                    .into(),
            });
                memory.push((format!("(d) refused import {n}"), sys::process_memory(pid)));
            }
        }
        let mut offset = 0;
        for &n in &a.imports {
            let rows = import_rows(n, offset, &district_names, &industry_names, y);
            offset += n;
            let totals = ProjectTotals {
                count: rows.len(),
                ..Default::default()
            };
            let bytes = dongneng_office::write_projects(&rows, &totals)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            drop(rows);
            let file = a.work_dir.join(format!("import-{n}.xlsx"));
            std::fs::write(&file, &bytes)?;
            // The reading and checking stage alone, in this process.
            let t = Instant::now();
            let read =
                dongneng_office::read_projects(&bytes).map_err(|e| anyhow::anyhow!("{e}"))?;
            let read_secs = t.elapsed().as_secs_f64();
            if !read.errors.is_empty() || read.rows.len() != n {
                bail!(
                    "the import file has {} good rows and {} errors: {:?}",
                    read.rows.len(),
                    read.errors.len(),
                    read.errors.first()
                );
            }
            drop(read);
            singles.push(SingleOp {
                name: format!(
                    "(d) read and check {} rows (dongneng_office::read_projects, in-process)",
                    thousands(n as u64)
                ),
                rows: n,
                seconds: read_secs,
                bytes: bytes.len(),
                note: String::new(),
            });
            let before = client.total("/api/v1/projects?per_page=1").await?;
            let t = Instant::now();
            let (via, created) = if bytes.len() <= UPLOAD_LIMIT {
                println!(
                    "(d) import of {n} new projects: POST /api/v1/projects/import ({}) …",
                    mib(bytes.len() as u64)
                );
                let resp = client
                    .http
                    .post(format!("{}/api/v1/projects/import", client.base))
                    .bearer_auth(&client.token)
                    .header("content-type", XLSX)
                    .body(bytes.clone())
                    .send()
                    .await?;
                let status = resp.status();
                let body = resp.text().await?;
                if !status.is_success() {
                    bail!(
                        "import answered {status}: {}",
                        body.chars().take(2000).collect::<String>()
                    );
                }
                let v: serde_json::Value = serde_json::from_str(&body)?;
                (
                    "HTTP POST /api/v1/projects/import".to_string(),
                    v["created"].as_i64().unwrap_or(-1),
                )
            } else {
                println!(
                    "(d) import of {n} new projects: {} is above the upload limit, using `dongneng import projects` …",
                    mib(bytes.len() as u64)
                );
                let status = tokio::process::Command::new(&bin)
                    .args(["--database-url", &a.database_url, "import", "projects"])
                    .arg(&file)
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status()
                    .await?;
                if !status.success() {
                    bail!(
                        "`dongneng import projects {}` failed: {status}",
                        file.display()
                    );
                }
                (
                    "CLI `dongneng import projects` (file above the 20 MiB upload limit)"
                        .to_string(),
                    -1,
                )
            };
            let secs = t.elapsed().as_secs_f64();
            let after = client.total("/api/v1/projects?per_page=1").await?;
            if after - before != n as i64 {
                bail!("the import of {n} rows added {} projects", after - before);
            }
            let _ = created;
            singles.push(SingleOp {
                name: format!(
                    "(d) import {} new projects, end to end",
                    thousands(n as u64)
                ),
                rows: n,
                seconds: secs,
                bytes: bytes.len(),
                note: via,
            });
            memory.push((format!("(d) import {n}"), sys::process_memory(pid)));
        }
    }
    let (hwm, rss_end) = sys::process_memory(pid);
    let load_after = sys::loadavg();
    let exit = server.stop().await?;
    let imported: usize = if projects { a.imports.iter().sum() } else { 0 };

    // ------------------------------------------------------------------ report
    let mut o = String::new();
    let m = sys::machine();
    let _ = writeln!(o, "## Project library benchmark on {}\n", backend.name());
    let _ = writeln!(o, "- machine: {}", m);
    let _ = writeln!(
        o,
        "- load average before / after: {load_before} / {load_after}"
    );
    let _ = writeln!(
        o,
        "- data set: {} projects ({} regions added: 15 cities and their districts), {} progress rows, {} versions, {} batch rows, {} events; database {} on disk; generated in {:.0} s (bulk load {:.0} s) on {}",
        thousands(projects_now as u64),
        summary.regions,
        thousands(progress_now as u64),
        thousands(summary.versions),
        thousands(summary.batches),
        thousands(summary.events),
        mib(db_size),
        summary.seconds,
        summary.bulk_seconds,
        summary.generated_on
    );
    let _ = writeln!(
        o,
        "- stages: planning {}, reserve {}, started {}, completed {}; warnings: red {}, yellow {}, green {}",
        summary.stages[0],
        summary.stages[1],
        summary.stages[2],
        summary.stages[3],
        summary.warnings[0],
        summary.warnings[1],
        summary.warnings[2]
    );
    let _ = writeln!(
        o,
        "- load: {} workers, {} s per scenario after {} s of warm-up; requests rotate over the rows listed under each scenario\n",
        a.concurrency, a.seconds, a.warmup
    );
    let _ = writeln!(
        o,
        "| measurement | matches | first ms | requests | req/s | p50 ms | p99 ms | max ms | errors |"
    );
    let _ = writeln!(o, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in &loads {
        let mut all: Vec<u32> = r.per_target.iter().flatten().copied().collect();
        all.sort_unstable();
        let _ = writeln!(
            o,
            "| **{}** | | | **{}** | **{:.1}** | **{:.1}** | **{:.1}** | **{:.1}** | {} |",
            r.name,
            all.len(),
            all.len() as f64 / r.elapsed,
            ms(percentile(&all, 0.5)),
            ms(percentile(&all, 0.99)),
            ms(all.last().copied().unwrap_or(0)),
            if r.errors == 0 {
                "0".to_string()
            } else {
                let kinds: Vec<String> = r
                    .error_kinds
                    .iter()
                    .map(|(k, n)| {
                        if *k == 0 {
                            format!("{n}× no answer")
                        } else {
                            format!("{n}× {k}")
                        }
                    })
                    .collect();
                kinds.join(", ")
            }
        );
        for (label, v) in r.labels.iter().zip(&r.per_target) {
            let _ = writeln!(
                o,
                "| &nbsp;&nbsp;{} | {} | {:.1} | {} | | {:.1} | {:.1} | {:.1} | |",
                label,
                thousands(total_of(label).max(0) as u64),
                first_of(label),
                v.len(),
                ms(percentile(v, 0.5)),
                ms(percentile(v, 0.99)),
                ms(v.last().copied().unwrap_or(0))
            );
        }
        let _ = writeln!(
            o,
            "| &nbsp;&nbsp;*server CPU during the run* | | | | | | | | {:.0} % of one core |",
            100.0 * r.server_cpu / r.elapsed
        );
        if !r.note.is_empty() {
            let _ = writeln!(o, "| &nbsp;&nbsp;*meanwhile: {}* | | | | | | | | |", r.note);
        }
    }
    let _ = writeln!(o, "\n| operation | rows | seconds | rows/s | file | how |");
    let _ = writeln!(o, "|---|---:|---:|---:|---:|---|");
    for s in &singles {
        let _ = writeln!(
            o,
            "| {} | {} | {:.2} | {} | {} | {} |",
            s.name,
            thousands(s.rows as u64),
            s.seconds,
            thousands((s.rows as f64 / s.seconds) as u64),
            mib(s.bytes as u64),
            s.note
        );
    }
    let _ = writeln!(o, "\n| server memory | peak (VmHWM) | resident (VmRSS) |");
    let _ = writeln!(o, "|---|---:|---:|");
    let _ = writeln!(
        o,
        "| after start-up | {} | {} |",
        mib(rss_start.0),
        mib(rss_start.1)
    );
    for (name, (h, r)) in &memory {
        let _ = writeln!(o, "| after {name} | {} | {} |", mib(*h), mib(*r));
    }
    let _ = writeln!(
        o,
        "| **at the end (f)** | **{}** | {} |",
        mib(hwm),
        mib(rss_end)
    );
    let _ = writeln!(
        o,
        "\nServer stopped with SIGTERM: exit status {}. The {} imported projects are removed again after the run (their audit rows stay: the trail is append-only).",
        exit.map(|c| c.to_string())
            .unwrap_or_else(|| "none (killed)".into()),
        thousands(imported as u64)
    );
    println!("\n{o}");
    if let Some(out) = &a.out {
        std::fs::write(out, &o)?;
    }
    let t = Instant::now();
    let removed = db::remove_imported(&a.database_url).await?;
    println!(
        "removed the {removed} imported projects in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
