//! `dongneng-bench generate`: builds the province-scale data set in a database.
//!
//! The reference data and accounts come from the product itself (`Service::load_demo`
//! without the demo projects); the 15 other Shandong cities and their districts are added
//! through the store; the projects and their history are written with bulk SQL on the
//! generator's own connection (multi-row INSERTs on SQLite, COPY on PostgreSQL), in
//! transactions of a few thousand projects. A `meta` row records the parameters, so a second
//! run with the same parameters does nothing.

use crate::db::{self, Backend};
use crate::model::{self, District, Generated, Industry, World};
use crate::words;
use anyhow::{Context, bail};
use chrono::{Datelike, Utc};
use dongneng_domain::reference::RegionInput;
use dongneng_service::{Service, ServiceConfig};
use dongneng_store::{AuditBy, Store};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;
use sqlx::{Connection, QueryBuilder, Sqlite};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

/// Bump when the model changes, so that cached data sets are rebuilt.
const MODEL_VERSION: u32 = 2;
/// Meta key of a finished data set (JSON: parameters, counts, time).
pub const GENERATED_KEY: &str = "bench_generated";
/// Meta key written before the first project: marks a database the generator may reset.
const GENERATING_KEY: &str = "bench_generating";
/// Projects per transaction.
const CHUNK: usize = 2_000;
/// SQLite's limit of bound values per statement (SQLITE_MAX_VARIABLE_NUMBER, 3.32+).
const SQLITE_VARS: usize = 32_000;

pub struct Params {
    pub database_url: String,
    pub projects: u64,
    pub years: u32,
    pub seed: u64,
    pub reset: bool,
}

impl Params {
    fn key(&self) -> String {
        format!(
            "model={MODEL_VERSION} projects={} years={} seed={}",
            self.projects, self.years, self.seed
        )
    }
}

/// What a finished generation recorded.
#[derive(Debug, Clone, serde::Serialize, Deserialize, Default)]
pub struct Summary {
    pub params: String,
    pub projects: u64,
    pub versions: u64,
    pub batches: u64,
    pub progress: u64,
    pub events: u64,
    pub factors: u64,
    pub regions: u64,
    pub seconds: f64,
    pub bulk_seconds: f64,
    pub generated_on: String,
    pub stages: [u64; 4],
    pub warnings: [u64; 3],
    /// Projects per warning reason (code and level).
    #[serde(default)]
    pub reasons: std::collections::BTreeMap<String, u64>,
}

impl Summary {
    /// Counts one generated project with its rows, stage and warning colour.
    fn add(&mut self, g: &Generated) {
        self.projects += 1;
        self.versions += g.versions.len() as u64;
        self.batches += g.batches.len() as u64;
        self.progress += g.progress.len() as u64;
        self.events += g.events.len() as u64;
        self.factors += g.factors.len() as u64;
        let st = ["planning", "reserve", "started", "completed"]
            .iter()
            .position(|x| *x == g.project.stage)
            .unwrap_or(0);
        self.stages[st] += 1;
        let w = ["red", "yellow", "green"]
            .iter()
            .position(|x| *x == g.project.warning_level)
            .unwrap_or(2);
        self.warnings[w] += 1;
    }
}

#[derive(Deserialize)]
struct Reference {
    shandong_cities: Vec<City>,
}

#[derive(Deserialize)]
struct City {
    code: String,
    zh: String,
    en: String,
}

/// The reference data the demo loads, which also lists Shandong's 16 cities.
const REFERENCE_JSON: &str = include_str!("../../service/demo/zibo-reference.json");

fn area_code(city_code: &str) -> &'static str {
    match city_code {
        "370100" => "0531",
        "370200" => "0532",
        "370300" => "0533",
        "370400" => "0632",
        "370500" => "0546",
        "370600" => "0535",
        "370700" => "0536",
        "370800" => "0537",
        "370900" => "0538",
        "371000" => "0631",
        "371100" => "0633",
        "371300" => "0539",
        "371400" => "0534",
        "371500" => "0635",
        "371600" => "0543",
        _ => "0530",
    }
}

pub async fn generate(p: Params) -> anyhow::Result<()> {
    let backend = Backend::of(&p.database_url)?;
    if p.projects == 0 || p.projects > 999_999 {
        bail!("--projects must be between 1 and 999,999 (project codes have six serial digits)");
    }
    if p.years == 0 || p.years > 20 {
        bail!("--years must be between 1 and 20");
    }
    let started = Instant::now();
    let key = p.key();
    if backend == Backend::Postgres {
        db::ensure_pg_database(&p.database_url).await?;
    }
    let mut store = dongneng::open_store(&p.database_url).await?;
    let meta = |s: Arc<dyn Store>, k: &'static str| async move { s.get_meta(k).await };
    if let Err(e) = store.migrate().await {
        // A data set made by a build whose migrations have changed since (a migration edited
        // before it was committed): the server would refuse it, so make it again.
        let is_bench = matches!(meta(store.clone(), GENERATED_KEY).await, Ok(Some(_)))
            || matches!(meta(store.clone(), GENERATING_KEY).await, Ok(Some(_)));
        if !(is_bench && p.reset) {
            return Err(anyhow::anyhow!("migrating: {e}"));
        }
        println!("the data set's migrations differ from this build's ({e}); making it again");
        store.close().await;
        db::reset(&p.database_url).await?;
        store = dongneng::open_store(&p.database_url).await?;
        store.migrate().await.context("migrating")?;
    }
    if let Some(json) = meta(store.clone(), GENERATED_KEY).await?
        && let Ok(s) = serde_json::from_str::<Summary>(&json)
        && s.params == key
    {
        println!(
            "data set already generated ({key}): {} projects, {} progress rows; nothing to do",
            s.projects, s.progress
        );
        store.close().await;
        return Ok(());
    }
    let is_bench = meta(store.clone(), GENERATED_KEY).await?.is_some()
        || meta(store.clone(), GENERATING_KEY).await?.is_some();
    if store.count_users().await? > 0 {
        if !is_bench {
            bail!("the database is in use and was not made by this generator; give an empty one");
        }
        if !p.reset {
            bail!("the database holds another generated data set; pass --reset to replace it");
        }
        store.close().await;
        println!("resetting the database");
        db::reset(&p.database_url).await?;
        store = dongneng::open_store(&p.database_url).await?;
        store.migrate().await.context("migrating")?;
    }
    store.set_meta(GENERATING_KEY, &key).await?;

    // Reference data and accounts, as the product loads them.
    let service = Service::new(
        store.clone(),
        ServiceConfig {
            demo_projects: false,
            ..Default::default()
        },
    );
    service
        .load_demo()
        .await
        .map_err(|e| anyhow::anyhow!("loading the reference data: {e}"))?;
    let regions_added = add_cities(&store).await?;
    let world = world(&store, &p).await?;
    println!(
        "{} districts in 16 cities, {} industries; window {}-{:02} .. {} months; today (China) {}",
        world.districts.len(),
        world.industries.len(),
        world.first.0,
        world.first.1,
        world.months,
        world.today
    );
    store.close().await;
    drop(service);
    drop(store);

    // The bulk load on our own connection.
    let bulk = Instant::now();
    let mut summary = Summary {
        params: key.clone(),
        regions: regions_added,
        ..Default::default()
    };
    match backend {
        Backend::Sqlite => {
            let mut conn = db::sqlite_bulk_connection(&p.database_url).await?;
            load(&world, &p, &mut summary, Writer::Sqlite(&mut conn)).await?;
            sqlx::raw_sql("pragma journal_mode = wal")
                .execute(&mut conn)
                .await?;
            conn.close().await?;
        }
        Backend::Postgres => {
            let mut conn = PgConnection::connect(&p.database_url).await?;
            sqlx::raw_sql("set synchronous_commit = off")
                .execute(&mut conn)
                .await?;
            load(&world, &p, &mut summary, Writer::Pg(&mut conn)).await?;
            sqlx::raw_sql("select setval(pg_get_serial_sequence('projects', 'id'), (select max(id) from projects))")
                .execute(&mut conn)
                .await?;
            // What autovacuum would do after a bulk load, done now so that the plans are the
            // ones a settled database gets.
            println!("vacuum analyze …");
            sqlx::raw_sql("vacuum analyze").execute(&mut conn).await?;
            conn.close().await?;
        }
    }
    summary.bulk_seconds = bulk.elapsed().as_secs_f64();
    summary.seconds = started.elapsed().as_secs_f64();
    summary.generated_on = world.today.to_string();

    // The daily warning sweep would re-evaluate what was just evaluated: mark today done.
    let store = dongneng::open_store(&p.database_url).await?;
    store
        .set_meta("warnings_checked_on", &world.today.to_string())
        .await?;
    store
        .set_meta(GENERATED_KEY, &serde_json::to_string(&summary)?)
        .await?;
    store.close().await;
    println!(
        "generated {} projects, {} versions, {} batches, {} progress rows, {} events, {} factor needs in {:.0} s (bulk load {:.0} s)",
        summary.projects,
        summary.versions,
        summary.batches,
        summary.progress,
        summary.events,
        summary.factors,
        summary.seconds,
        summary.bulk_seconds
    );
    println!(
        "stages now: planning {}, reserve {}, started {}, completed {}; warnings: red {}, yellow {}, green {}",
        summary.stages[0],
        summary.stages[1],
        summary.stages[2],
        summary.stages[3],
        summary.warnings[0],
        summary.warnings[1],
        summary.warnings[2]
    );
    Ok(())
}

/// Adds the other 15 cities of Shandong as top-level regions (Zibo is the demo's) and 8–12
/// districts under each, with synthetic codes (city prefix + 01 …) and names ("济南市第3区").
async fn add_cities(store: &Arc<dyn Store>) -> anyhow::Result<u64> {
    let r: Reference = serde_json::from_str(REFERENCE_JSON)?;
    let existing = store.list_regions().await?;
    let by = AuditBy::system("bench");
    let mut added = 0;
    for (i, city) in r.shandong_cities.iter().enumerate() {
        if existing
            .iter()
            .any(|x| x.code.as_deref() == Some(city.code.as_str()))
        {
            continue;
        }
        let c = store
            .create_region(
                &RegionInput {
                    code: Some(city.code.clone()),
                    name_zh: city.zh.clone(),
                    name_en: city.en.clone(),
                    short_name: None,
                    kind: "prefecture_city".into(),
                    parent_id: None,
                    sort_order: 1000 + i as i32 * 100,
                },
                &by,
            )
            .await?;
        added += 1;
        let n = 8 + (i % 5);
        for d in 1..=n {
            store
                .create_region(
                    &RegionInput {
                        code: Some(format!("{}{:02}", &city.code[..4], d)),
                        name_zh: format!("{}第{}区", city.zh, d),
                        name_en: format!("{} District {}", city.en, d),
                        short_name: None,
                        kind: "district".into(),
                        parent_id: Some(c.id),
                        sort_order: 1000 + i as i32 * 100 + d as i32,
                    },
                    &by,
                )
                .await?;
            added += 1;
        }
    }
    Ok(added)
}

async fn world(store: &Arc<dyn Store>, p: &Params) -> anyhow::Result<World> {
    let regions = store.list_regions().await?;
    let mut districts = Vec::new();
    for r in &regions {
        let Some(parent) = r
            .parent_id
            .and_then(|pid| regions.iter().find(|x| x.id == pid))
        else {
            continue;
        };
        let city_code = parent.code.clone().unwrap_or_else(|| "370300".into());
        districts.push(District {
            id: r.id,
            code: r
                .code
                .clone()
                .unwrap_or_else(|| format!("{}91", &city_code[..4])),
            name: r.short_name.clone().unwrap_or_else(|| r.name_zh.clone()),
            city_short: parent.name_zh.trim_end_matches('市').to_string(),
            area_code: area_code(&city_code).to_string(),
        });
    }
    if districts.is_empty() {
        bail!("no districts in the database");
    }
    let groups = store.list_industry_groups().await?;
    let industries = store
        .list_industries()
        .await?
        .into_iter()
        .map(|i| {
            let group = groups
                .iter()
                .find(|g| g.id == i.group_id)
                .map(|g| g.key.as_str())
                .unwrap_or("");
            let weight = match group {
                "four_strong" => 60,
                "traditional" => 25,
                "other" => 15,
                _ => 4,
            };
            Industry {
                id: i.id,
                weight,
                words: words::industry_words(&i.key),
                name_zh: i.name_zh,
            }
        })
        .collect::<Vec<_>>();
    if industries.is_empty() {
        bail!("no industries in the database");
    }
    let rules = match store.get_meta("warning_rules").await? {
        Some(json) => serde_json::from_str(&json).unwrap_or_default(),
        None => Default::default(),
    };
    let now = Utc::now();
    let today = dongneng_domain::clock::today();
    // The window ends with last month, the month reports are due for.
    let months = p.years as i32 * 12;
    let end = today.year() * 12 + today.month0() as i32 - 1;
    let start = end - months + 1;
    Ok(World {
        seed: p.seed,
        now,
        today,
        months,
        first: (start.div_euclid(12), (start.rem_euclid(12) + 1) as u32),
        rules,
        districts,
        industries,
        late_share: 0.4,
    })
}

enum Writer<'c> {
    Sqlite(&'c mut SqliteConnection),
    Pg(&'c mut PgConnection),
}

/// Makes the projects on a second thread while this one writes them.
async fn load(
    world: &World,
    p: &Params,
    summary: &mut Summary,
    mut writer: Writer<'_>,
) -> anyhow::Result<()> {
    let base_id: i64 = match &mut writer {
        Writer::Sqlite(c) => {
            sqlx::query_scalar("select coalesce(max(id), 0) from projects")
                .fetch_one(&mut **c)
                .await?
        }
        Writer::Pg(c) => {
            sqlx::query_scalar("select coalesce(max(id), 0)::bigint from projects")
                .fetch_one(&mut **c)
                .await?
        }
    };
    let n = p.projects;
    let bar = ProgressBar::new(n);
    bar.set_style(
        ProgressStyle::with_template(
            "{elapsed_precise} [{bar:40}] {pos}/{len} projects, {msg} (eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<Generated>>(2);
    std::thread::scope(|s| -> anyhow::Result<()> {
        s.spawn(move || {
            let mut i = 0u64;
            while i < n {
                let end = (i + CHUNK as u64).min(n);
                let chunk: Vec<Generated> = (i..end)
                    .map(|k| world.project(k, base_id + k as i64 + 1))
                    .collect();
                if tx.blocking_send(chunk).is_err() {
                    return;
                }
                i = end;
            }
        });
        let handle = tokio::runtime::Handle::current();
        // This thread is a runtime worker: let the runtime move other tasks off it while it
        // waits on the database.
        tokio::task::block_in_place(|| {
            handle.block_on(async {
                // Owned here, so that an error drops it and ends the making thread.
                let mut rx = rx;
                while let Some(chunk) = rx.recv().await {
                    match &mut writer {
                        Writer::Sqlite(c) => write_sqlite(c, &chunk).await?,
                        Writer::Pg(c) => write_pg(c, &chunk).await?,
                    }
                    for g in &chunk {
                        summary.add(g);
                    }
                    bar.inc(chunk.len() as u64);
                    bar.set_message(format!("{} progress rows", summary.progress));
                }
                anyhow::Ok(())
            })
        })
    })?;
    bar.finish();
    if summary.projects != n {
        bail!("generated {} of {n} projects", summary.projects);
    }
    Ok(())
}

/// Dry run: the model's counts on a scratch SQLite database that holds only the reference
/// data (to size a data set before writing it).
pub async fn plan(projects: u64, years: u32, seed: u64) -> anyhow::Result<()> {
    let path = std::env::temp_dir().join(format!("dongneng-bench-plan-{}.db", std::process::id()));
    let url = format!("sqlite://{}", path.display());
    let store = dongneng::open_store(&url).await?;
    store.migrate().await?;
    let service = Service::new(
        store.clone(),
        ServiceConfig {
            demo_projects: false,
            ..Default::default()
        },
    );
    service
        .load_demo()
        .await
        .map_err(|e| anyhow::anyhow!("loading the reference data: {e}"))?;
    add_cities(&store).await?;
    let p = Params {
        database_url: url.clone(),
        projects,
        years,
        seed,
        reset: false,
    };
    let world = world(&store, &p).await?;
    store.close().await;
    db::reset(&url).await?;
    let t = Instant::now();
    let s = count(&world, projects);
    println!(
        "{} projects: {} versions, {} batches, {} progress rows, {} events, {} factor needs (made in {:.1} s)",
        s.projects,
        s.versions,
        s.batches,
        s.progress,
        s.events,
        s.factors,
        t.elapsed().as_secs_f64()
    );
    println!(
        "stages now: planning {}, reserve {}, started {}, completed {}; warnings: red {}, yellow {}, green {}",
        s.stages[0],
        s.stages[1],
        s.stages[2],
        s.stages[3],
        s.warnings[0],
        s.warnings[1],
        s.warnings[2]
    );
    println!("warning reasons: {:?}", s.reasons);
    Ok(())
}

fn count(world: &World, n: u64) -> Summary {
    let mut s = Summary::default();
    for i in 0..n {
        let g = world.project(i, i as i64 + 1);
        s.add(&g);
        if let Ok(reasons) = serde_json::from_str::<Vec<dongneng_domain::warning::Reason>>(
            &g.project.warning_reasons,
        ) {
            for r in reasons {
                *s.reasons
                    .entry(format!("{} {}", r.code, r.level.code()))
                    .or_default() += 1;
            }
        }
    }
    s
}

// ------------------------------------------------------------------ SQLite

async fn insert_rows<T: Copy>(
    conn: &mut SqliteConnection,
    head: &'static str,
    cols: usize,
    rows: &[T],
    push: impl Fn(&mut sqlx::query_builder::Separated<'_, Sqlite, &'static str>, T),
) -> anyhow::Result<()> {
    for part in rows.chunks(SQLITE_VARS / cols) {
        let mut qb = QueryBuilder::<Sqlite>::new(head);
        qb.push_values(part.iter().copied(), |mut b, row| push(&mut b, row));
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

async fn write_sqlite(conn: &mut SqliteConnection, chunk: &[Generated]) -> anyhow::Result<()> {
    let mut tx = conn.begin().await?;
    let projects: Vec<&Generated> = chunk.iter().collect();
    insert_rows(
        &mut tx,
        "insert into projects (id, code, name, owner_name, owner_credit_code, region_id, industry_id, \
         gbt_section, gbt_division, library_class, nature, content, total_investment, \
         initial_completed, completed_investment, plan_year, year_plan, year_completed, \
         planned_start, actual_start, planned_finish, actual_finish, responsible_unit, \
         leader_in_charge, contact_name, contact_phone, stage, in_library, left_reason, left_on, \
         last_progress_ym, warning_level, warning_reasons, search_text, version, created_at, \
         updated_at) ",
        37,
        &projects,
        |b, g| {
            let p = &g.project;
            b.push_bind(p.id)
                .push_bind(p.code.as_deref())
                .push_bind(p.name.as_str())
                .push_bind(p.owner_name.as_str())
                .push_bind(p.owner_credit_code.as_deref())
                .push_bind(p.region_id)
                .push_bind(p.industry_id)
                .push_bind(p.gbt_section.as_deref())
                .push_bind(p.gbt_division.as_deref())
                .push_bind(p.library_class)
                .push_bind(p.nature)
                .push_bind(p.content.as_str())
                .push_bind(p.total_investment)
                .push_bind(p.initial_completed)
                .push_bind(p.completed_investment)
                .push_bind(p.plan_year)
                .push_bind(p.year_plan)
                .push_bind(p.year_completed)
                .push_bind(p.planned_start)
                .push_bind(p.actual_start)
                .push_bind(p.planned_finish)
                .push_bind(p.actual_finish)
                .push_bind(p.responsible_unit.as_deref())
                .push_bind(p.leader_in_charge.as_deref())
                .push_bind(p.contact_name.as_deref())
                .push_bind(p.contact_phone.as_deref())
                .push_bind(p.stage)
                .push_bind(p.in_library)
                .push_bind(p.left_reason.as_deref())
                .push_bind(p.left_on)
                .push_bind(p.last_progress_ym)
                .push_bind(p.warning_level)
                .push_bind(p.warning_reasons.as_str())
                .push_bind(p.search_text.as_str())
                .push_bind(p.version)
                .push_bind(p.created_at)
                .push_bind(p.updated_at);
        },
    )
    .await?;
    let versions: Vec<(&Generated, &model::VersionRow)> = chunk
        .iter()
        .flat_map(|g| g.versions.iter().map(move |v| (g, v)))
        .collect();
    insert_rows(
        &mut tx,
        "insert into project_versions (project_id, valid_from, valid_to, code, name, owner_name, \
         region_id, industry_id, library_class, nature, stage, in_library, total_investment, \
         initial_completed, username) ",
        15,
        &versions,
        |b, (g, v)| {
            let p = &g.project;
            b.push_bind(p.id)
                .push_bind(v.valid_from)
                .push_bind(v.valid_to)
                .push_bind(p.code.as_deref())
                .push_bind(p.name.as_str())
                .push_bind(p.owner_name.as_str())
                .push_bind(p.region_id)
                .push_bind(p.industry_id)
                .push_bind(p.library_class)
                .push_bind(p.nature)
                .push_bind(v.stage)
                .push_bind(v.in_library)
                .push_bind(p.total_investment)
                .push_bind(p.initial_completed)
                .push_bind(model::USERNAME);
        },
    )
    .await?;
    let batches: Vec<(i64, &model::BatchRow)> = chunk
        .iter()
        .flat_map(|g| g.batches.iter().map(move |b| (g.project.id, b)))
        .collect();
    insert_rows(
        &mut tx,
        "insert into project_batches (project_id, year, planned_investment, valid_from) ",
        4,
        &batches,
        |b, (id, x)| {
            b.push_bind(id)
                .push_bind(x.year)
                .push_bind(x.planned)
                .push_bind(x.valid_from);
        },
    )
    .await?;
    let progress: Vec<(i64, &model::ProgressRow)> = chunk
        .iter()
        .flat_map(|g| g.progress.iter().map(move |r| (g.project.id, r)))
        .collect();
    insert_rows(
        &mut tx,
        "insert into project_progress (project_id, ym, year, month, month_investment, \
         ytd_investment, cumulative_investment, image_progress, milestone, problems, next_steps, \
         username, valid_from) ",
        13,
        &progress,
        |b, (id, r)| {
            b.push_bind(id)
                .push_bind(r.ym)
                .push_bind(r.year)
                .push_bind(r.month)
                .push_bind(r.month_investment)
                .push_bind(r.ytd)
                .push_bind(r.cumulative)
                .push_bind(r.image_progress)
                .push_bind(r.milestone)
                .push_bind(r.problems)
                .push_bind(r.next_steps)
                .push_bind(model::USERNAME)
                .push_bind(r.valid_from);
        },
    )
    .await?;
    let events: Vec<(i64, &model::EventRow)> = chunk
        .iter()
        .flat_map(|g| g.events.iter().map(move |e| (g.project.id, e)))
        .collect();
    insert_rows(
        &mut tx,
        "insert into project_events (project_id, kind, from_stage, to_stage, on_date, note, username, at) ",
        8,
        &events,
        |b, (id, e)| {
            b.push_bind(id)
                .push_bind(e.kind)
                .push_bind(e.from_stage)
                .push_bind(e.to_stage)
                .push_bind(e.on_date)
                .push_bind(e.note)
                .push_bind(model::USERNAME)
                .push_bind(e.at);
        },
    )
    .await?;
    let factors: Vec<(i64, &model::FactorRow)> = chunk
        .iter()
        .flat_map(|g| g.factors.iter().map(move |f| (g.project.id, f)))
        .collect();
    if !factors.is_empty() {
        insert_rows(
            &mut tx,
            "insert into project_factors (project_id, kind, required, fulfilled, needed_by, note, \
             version, created_at, updated_at) ",
            9,
            &factors,
            |b, (id, f)| {
                b.push_bind(id)
                    .push_bind(f.kind)
                    .push_bind(f.required)
                    .push_bind(f.fulfilled)
                    .push_bind(f.needed_by)
                    .push_bind(f.note)
                    .push_bind(1i64)
                    .push_bind(f.created_at)
                    .push_bind(f.created_at);
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

// ------------------------------------------------------------------ PostgreSQL (COPY, CSV)

struct Csv(String);

impl Csv {
    fn new() -> Csv {
        Csv(String::with_capacity(1 << 20))
    }
    fn sep(&mut self) -> &mut Self {
        self.0.push(',');
        self
    }
    fn text(&mut self, s: &str) -> &mut Self {
        self.0.push('"');
        for c in s.chars() {
            if c == '"' {
                self.0.push('"');
            }
            self.0.push(c);
        }
        self.0.push('"');
        self
    }
    fn opt_text(&mut self, s: Option<&str>) -> &mut Self {
        if let Some(s) = s {
            self.text(s);
        }
        self
    }
    fn int(&mut self, v: i64) -> &mut Self {
        let _ = write!(self.0, "{v}");
        self
    }
    fn opt_int(&mut self, v: Option<i64>) -> &mut Self {
        if let Some(v) = v {
            self.int(v);
        }
        self
    }
    fn bool(&mut self, v: bool) -> &mut Self {
        self.0.push(if v { 't' } else { 'f' });
        self
    }
    fn date(&mut self, d: Option<chrono::NaiveDate>) -> &mut Self {
        if let Some(d) = d {
            let _ = write!(self.0, "{}", d.format("%Y-%m-%d"));
        }
        self
    }
    fn ts(&mut self, t: Option<chrono::DateTime<Utc>>) -> &mut Self {
        if let Some(t) = t {
            let _ = write!(self.0, "{}", t.format("%Y-%m-%d %H:%M:%S%.f+00"));
        }
        self
    }
    fn end(&mut self) {
        self.0.push('\n');
    }
}

async fn copy(conn: &mut PgConnection, statement: &str, csv: Csv) -> anyhow::Result<()> {
    if csv.0.is_empty() {
        return Ok(());
    }
    let mut c = conn.copy_in_raw(statement).await?;
    c.send(csv.0.into_bytes()).await?;
    c.finish().await?;
    Ok(())
}

async fn write_pg(conn: &mut PgConnection, chunk: &[Generated]) -> anyhow::Result<()> {
    let mut tx = conn.begin().await?;
    // `projects.id` is generated always: COPY into a copy of the table without the identity,
    // then insert with the ids the other rows refer to.
    sqlx::raw_sql(
        "create temp table if not exists bench_projects (like projects including defaults) on commit delete rows",
    )
    .execute(&mut *tx)
    .await?;
    let mut c = Csv::new();
    for g in chunk {
        let p = &g.project;
        c.int(p.id)
            .sep()
            .opt_text(p.code.as_deref())
            .sep()
            .text(&p.name)
            .sep()
            .text(&p.owner_name)
            .sep();
        c.opt_text(p.owner_credit_code.as_deref())
            .sep()
            .int(p.region_id)
            .sep()
            .int(p.industry_id)
            .sep();
        c.opt_text(p.gbt_section.as_deref())
            .sep()
            .opt_text(p.gbt_division.as_deref())
            .sep();
        c.text(p.library_class)
            .sep()
            .text(p.nature)
            .sep()
            .text(&p.content)
            .sep();
        c.int(p.total_investment)
            .sep()
            .int(p.initial_completed)
            .sep()
            .int(p.completed_investment)
            .sep();
        c.int(p.plan_year as i64)
            .sep()
            .int(p.year_plan)
            .sep()
            .int(p.year_completed)
            .sep();
        c.date(p.planned_start)
            .sep()
            .date(p.actual_start)
            .sep()
            .date(p.planned_finish)
            .sep()
            .date(p.actual_finish)
            .sep();
        c.opt_text(p.responsible_unit.as_deref())
            .sep()
            .opt_text(p.leader_in_charge.as_deref())
            .sep();
        c.opt_text(p.contact_name.as_deref())
            .sep()
            .opt_text(p.contact_phone.as_deref())
            .sep();
        c.text(p.stage)
            .sep()
            .bool(p.in_library)
            .sep()
            .opt_text(p.left_reason.as_deref())
            .sep()
            .date(p.left_on)
            .sep();
        c.opt_int(p.last_progress_ym.map(i64::from))
            .sep()
            .text(p.warning_level)
            .sep()
            .text(&p.warning_reasons)
            .sep();
        c.text(&p.search_text)
            .sep()
            .int(p.version)
            .sep()
            .ts(Some(p.created_at))
            .sep()
            .ts(Some(p.updated_at));
        c.end();
    }
    const PROJECT_COLS: &str = "id, code, name, owner_name, owner_credit_code, region_id, industry_id, \
         gbt_section, gbt_division, library_class, nature, content, total_investment, \
         initial_completed, completed_investment, plan_year, year_plan, year_completed, \
         planned_start, actual_start, planned_finish, actual_finish, responsible_unit, \
         leader_in_charge, contact_name, contact_phone, stage, in_library, left_reason, left_on, \
         last_progress_ym, warning_level, warning_reasons, search_text, version, created_at, \
         updated_at";
    copy(
        &mut tx,
        &format!("copy bench_projects ({PROJECT_COLS}) from stdin with (format csv)"),
        c,
    )
    .await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "insert into projects ({PROJECT_COLS}) overriding system value select {PROJECT_COLS} from bench_projects"
    )))
    .execute(&mut *tx)
    .await?;

    let mut c = Csv::new();
    for g in chunk {
        let p = &g.project;
        for v in &g.versions {
            c.int(p.id)
                .sep()
                .ts(Some(v.valid_from))
                .sep()
                .ts(v.valid_to)
                .sep()
                .opt_text(p.code.as_deref())
                .sep();
            c.text(&p.name)
                .sep()
                .text(&p.owner_name)
                .sep()
                .int(p.region_id)
                .sep()
                .int(p.industry_id)
                .sep();
            c.text(p.library_class)
                .sep()
                .text(p.nature)
                .sep()
                .text(v.stage)
                .sep()
                .bool(v.in_library)
                .sep();
            c.int(p.total_investment)
                .sep()
                .int(p.initial_completed)
                .sep()
                .text(model::USERNAME);
            c.end();
        }
    }
    copy(
        &mut tx,
        "copy project_versions (project_id, valid_from, valid_to, code, name, owner_name, region_id, \
         industry_id, library_class, nature, stage, in_library, total_investment, initial_completed, \
         username) from stdin with (format csv)",
        c,
    )
    .await?;

    let mut c = Csv::new();
    for g in chunk {
        for b in &g.batches {
            c.int(g.project.id)
                .sep()
                .int(b.year as i64)
                .sep()
                .int(b.planned)
                .sep()
                .ts(Some(b.valid_from));
            c.end();
        }
    }
    copy(&mut tx, "copy project_batches (project_id, year, planned_investment, valid_from) from stdin with (format csv)", c).await?;

    let mut c = Csv::new();
    for g in chunk {
        for r in &g.progress {
            c.int(g.project.id)
                .sep()
                .int(r.ym as i64)
                .sep()
                .int(r.year as i64)
                .sep()
                .int(r.month as i64)
                .sep();
            c.int(r.month_investment)
                .sep()
                .int(r.ytd)
                .sep()
                .int(r.cumulative)
                .sep();
            c.text(r.image_progress)
                .sep()
                .text(r.milestone)
                .sep()
                .text(r.problems)
                .sep()
                .text(r.next_steps)
                .sep();
            c.text(model::USERNAME).sep().ts(Some(r.valid_from));
            c.end();
        }
    }
    copy(
        &mut tx,
        "copy project_progress (project_id, ym, year, month, month_investment, ytd_investment, \
         cumulative_investment, image_progress, milestone, problems, next_steps, username, valid_from) \
         from stdin with (format csv)",
        c,
    )
    .await?;

    let mut c = Csv::new();
    for g in chunk {
        for e in &g.events {
            c.int(g.project.id)
                .sep()
                .text(e.kind)
                .sep()
                .opt_text(e.from_stage)
                .sep()
                .opt_text(e.to_stage)
                .sep();
            c.date(Some(e.on_date))
                .sep()
                .text(e.note)
                .sep()
                .text(model::USERNAME)
                .sep()
                .ts(Some(e.at));
            c.end();
        }
    }
    copy(
        &mut tx,
        "copy project_events (project_id, kind, from_stage, to_stage, on_date, note, username, at) from stdin with (format csv)",
        c,
    )
    .await?;

    let mut c = Csv::new();
    for g in chunk {
        for f in &g.factors {
            c.int(g.project.id)
                .sep()
                .text(f.kind)
                .sep()
                .int(f.required)
                .sep()
                .int(f.fulfilled)
                .sep();
            c.date(f.needed_by)
                .sep()
                .opt_text(f.note)
                .sep()
                .int(1)
                .sep()
                .ts(Some(f.created_at))
                .sep()
                .ts(Some(f.created_at));
            c.end();
        }
    }
    copy(
        &mut tx,
        "copy project_factors (project_id, kind, required, fulfilled, needed_by, note, version, created_at, updated_at) \
         from stdin with (format csv)",
        c,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ------------------------------------------------------------------ verification

/// Checks the generated figures against the product's own derivation: reads every project's
/// derived columns, lets the store re-derive them all (`refresh_all_warnings`, what the daily
/// sweep runs), and compares. Rewrites what differs, so use it on a small data set.
pub async fn verify(url: &str) -> anyhow::Result<()> {
    type Derived = (i64, i64, i32, i64, i64, Option<i32>, String, String);
    async fn read(url: &str) -> anyhow::Result<Vec<Derived>> {
        let sql = "select id, completed_investment, plan_year, year_plan, year_completed, \
                   last_progress_ym, warning_level, warning_reasons from projects order by id";
        Ok(match Backend::of(url)? {
            Backend::Sqlite => {
                let mut c = db::sqlite_connection(url).await?;
                sqlx::query_as(sql).fetch_all(&mut c).await?
            }
            Backend::Postgres => {
                let mut c = PgConnection::connect(url).await?;
                sqlx::query_as(sql).fetch_all(&mut c).await?
            }
        })
    }
    let before = read(url).await?;
    let store = dongneng::open_store(url).await?;
    let service = Service::new(store.clone(), ServiceConfig::default());
    let ctx = service
        .warning_context()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let t = Instant::now();
    let n = store.refresh_all_warnings(&ctx).await?;
    println!(
        "the store re-derived {n} projects in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    store.close().await;
    let after = read(url).await?;
    let mut differ = 0;
    for (b, a) in before.iter().zip(&after) {
        if b != a {
            differ += 1;
            if differ <= 5 {
                println!("differs:\n  generated {b:?}\n  derived   {a:?}");
            }
        }
    }
    println!(
        "{} projects, {differ} with figures other than the store derives",
        before.len()
    );
    if differ > 0 {
        bail!("{differ} projects differ");
    }
    Ok(())
}
