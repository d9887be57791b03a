//! The coordination loop's measurements (issue #8), on the data `coordination::generate`
//! added: (f) everyone's to-do and the overdue lists under load, each as the user who opens
//! it; (g) the per-department table of a year, alone; (h) a meeting's pack as DOCX and PDF,
//! made anew (a meeting whose pack was never made).

use crate::run::{Client, LoadResult, RunArgs, SingleOp, Target, load, ms, percentile};
use crate::sys;
use anyhow::{Context, bail};
use chrono::Datelike;
use std::sync::Arc;
use std::time::Instant;

pub(crate) struct Measured {
    pub loads: Vec<LoadResult>,
    pub singles: Vec<SingleOp>,
    pub memory: Vec<(String, (u64, u64))>,
}

async fn login(client: &Client, username: &str) -> anyhow::Result<String> {
    let v: serde_json::Value = client
        .http
        .post(format!("{}/api/v1/auth/login", client.base))
        .json(&serde_json::json!({"username": username, "password": dongneng::DEMO_PASSWORD}))
        .send()
        .await?
        .error_for_status()
        .with_context(|| format!("logging in as {username}"))?
        .json()
        .await?;
    Ok(v["token"]
        .as_str()
        .context("no token in the login answer")?
        .to_string())
}

/// GET as a user; the answer's status must be 2xx. Returns the body and the seconds.
async fn get_as(client: &Client, token: &str, path: &str) -> anyhow::Result<(Vec<u8>, f64)> {
    let t = Instant::now();
    let resp = client
        .http
        .get(format!("{}{path}", client.base))
        .bearer_auth(token)
        .send()
        .await?;
    let status = resp.status();
    // A page that sends the caller to the login form is not the page asked for.
    let landed = resp.url().path().to_string();
    let body = resp.bytes().await?;
    let secs = t.elapsed().as_secs_f64();
    if landed != path.split('?').next().unwrap_or(path) {
        bail!("GET {path} ended at {landed}");
    }
    if !status.is_success() {
        bail!(
            "GET {path}: {status}: {}",
            String::from_utf8_lossy(&body)
                .chars()
                .take(300)
                .collect::<String>()
        );
    }
    Ok((body.to_vec(), secs))
}

pub(crate) async fn run(client: &Arc<Client>, a: &RunArgs, pid: u32) -> anyhow::Result<Measured> {
    let mut out = Measured {
        loads: Vec::new(),
        singles: Vec::new(),
        memory: Vec::new(),
    };
    let users = [
        "office",
        "dept",
        "supervisor",
        "taskforce",
        "leader",
        "district",
    ];
    let mut tokens = std::collections::HashMap::new();
    for u in users {
        tokens.insert(u, login(client, u).await?);
    }
    let target = |user: &str, path: &str| Target {
        label: format!("{path} as {user}"),
        path: path.to_string(),
        token: Some(tokens[user].clone()),
    };
    let mut targets: Vec<Target> = users.iter().map(|u| target(u, "/api/v1/todo")).collect();
    // The page itself (the same reads, rendered, with the navigation's counts).
    targets.push(target("office", "/todo"));
    targets.push(target("dept", "/todo"));
    for (user, path) in [
        ("office", "/api/v1/tasks?overdue=true"),
        ("office", "/api/v1/problems?overdue=true"),
        ("office", "/api/v1/supervision-items?overdue=true"),
        ("dept", "/api/v1/tasks?overdue=true"),
        ("dept", "/api/v1/problems?overdue=true"),
        ("taskforce", "/api/v1/tasks?overdue=true"),
        ("district", "/api/v1/problems?overdue=true"),
        ("supervisor", "/api/v1/supervision-items?overdue=true"),
    ] {
        targets.push(target(user, path));
    }
    // Each once, alone: it answers, and what it holds.
    let mut firsts = Vec::new();
    for t in &targets {
        let (body, secs) = get_as(client, t.token.as_deref().unwrap_or(""), &t.path).await?;
        let held = match serde_json::from_slice::<serde_json::Value>(&body) {
            Ok(v) => v["total"]
                .as_i64()
                .or_else(|| v["items"].as_array().map(|x| x.len() as i64))
                .map(|n| format!("{n} items"))
                .unwrap_or_default(),
            Err(_) => format!("{} KB page", body.len() / 1024),
        };
        firsts.push(format!("{}: {held}, {:.1} ms", t.label, secs * 1000.0));
    }
    println!("(f) first requests: {}", firsts.join("; "));
    let name = "(f) everyone's to-do and the overdue lists (each as its user)";
    println!(
        "{name}: {} workers, {} s (+{} s warm-up) …",
        a.concurrency, a.seconds, a.warmup
    );
    let mut r = load(
        client,
        name,
        &targets,
        a.concurrency,
        a.seconds,
        a.warmup,
        pid,
    )
    .await?;
    r.note = format!("what each answered first, alone: {}", firsts.join("; "));
    let n: usize = r.per_target.iter().map(|v| v.len()).sum();
    let mut all: Vec<u32> = r.per_target.iter().flatten().copied().collect();
    all.sort_unstable();
    println!(
        "  {n} requests, {} errors {:?}, {:.1} req/s, p99 {:.1} ms",
        r.errors,
        r.error_kinds,
        n as f64 / r.elapsed,
        ms(percentile(&all, 0.99))
    );
    out.loads.push(r);
    out.memory.push((name.into(), sys::process_memory(pid)));

    // (g) The per-department table, alone: last year and this year.
    let year = dongneng_domain::clock::today().year();
    for (label, from, to) in [
        (
            format!("{}", year - 1),
            format!("{}-01-01", year - 1),
            format!("{}-12-31", year - 1),
        ),
        (
            format!("{year} to date"),
            format!("{year}-01-01"),
            dongneng_domain::clock::today().to_string(),
        ),
    ] {
        let path = format!("/api/v1/problems/department-stats?from={from}&to={to}");
        let mut times = Vec::new();
        let mut rows = 0;
        for _ in 0..5 {
            let (body, secs) = get_as(client, &client.token, &path).await?;
            let v: serde_json::Value = serde_json::from_slice(&body)?;
            rows = v["items"].as_array().map(|x| x.len()).unwrap_or(0);
            times.push(secs);
        }
        let max = times.iter().cloned().fold(0.0, f64::max);
        println!(
            "(g) department table {label}: {rows} departments, slowest of 5 {:.1} ms",
            max * 1000.0
        );
        out.singles.push(SingleOp {
            name: format!("(g) per-department table for {label}, as office (slowest of 5)"),
            rows,
            seconds: max,
            bytes: 0,
            note: format!(
                "GET {path}; the 5 runs: {} ms",
                times
                    .iter()
                    .map(|s| format!("{:.1}", s * 1000.0))
                    .collect::<Vec<_>>()
                    .join(" / ")
            ),
        });
    }
    out.memory
        .push(("(g) department table".into(), sys::process_memory(pid)));

    // (h) A meeting's pack as DOCX and PDF. The first document after start-up also loads the
    // fonts: made first, with another meeting's notice, and reported on its own.
    let v = client
        .get_json("/api/v1/meetings?state=minutes_published&kind=quarterly&per_page=20")
        .await?;
    let ids: Vec<i64> = v["items"]
        .as_array()
        .context("no meetings list")?
        .iter()
        .filter_map(|m| m["id"].as_i64())
        .collect();
    if ids.len() < 4 {
        bail!("fewer than 4 quarterly meetings with published minutes in the data set");
    }
    let (body, secs) = get_as(
        client,
        &client.token,
        &format!("/api/v1/meetings/{}/documents/notice.pdf", ids[0]),
    )
    .await?;
    out.singles.push(SingleOp {
        name: "(h) the first document after start-up (a meeting notice, PDF; fonts loaded)".into(),
        rows: 1,
        seconds: secs,
        bytes: body.len(),
        note: format!("GET /api/v1/meetings/{}/documents/notice.pdf", ids[0]),
    });
    for id in &ids[1..4] {
        let t = Instant::now();
        let (docx, _) = get_as(
            client,
            &client.token,
            &format!("/api/v1/meetings/{id}/documents/pack.docx"),
        )
        .await?;
        let (pdf, _) = get_as(
            client,
            &client.token,
            &format!("/api/v1/meetings/{id}/documents/pack.pdf"),
        )
        .await?;
        let secs = t.elapsed().as_secs_f64();
        println!("(h) pack of meeting {id}: DOCX + PDF in {:.2} s", secs);
        out.singles.push(SingleOp {
            name: format!("(h) a quarterly meeting's pack, DOCX + PDF, made anew (meeting {id})"),
            rows: 1,
            seconds: secs,
            bytes: docx.len() + pdf.len(),
            note: format!(
                "GET …/documents/pack.docx then pack.pdf: {} + {} bytes",
                docx.len(),
                pdf.len()
            ),
        });
    }
    out.memory
        .push(("(h) meeting packs".into(), sys::process_memory(pid)));
    Ok(out)
}
