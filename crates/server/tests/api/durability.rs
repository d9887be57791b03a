//! An acknowledged write survives `kill -9`: 400 concurrent creates, the server killed while
//! they run, restarted; every create answered 2xx is there.

use crate::harness::each_database;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Server {
    child: Child,
    base: String,
}

fn start(data_dir: &std::path::Path, database_url: &str, port: u16) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dongneng"))
        .args([
            "--data-dir",
            &data_dir.display().to_string(),
            "--database-url",
            database_url,
        ])
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .env("DONGNENG_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start dongneng");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    // Log lines (on the same stream) may come first under load.
    let line = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains(" is listening on "))
        .expect("server prints its address");
    let base = line.rsplit(' ').next().expect("address").to_string();
    std::thread::spawn(move || for _ in lines {});
    Server { child, base }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

#[tokio::test]
async fn acknowledged_creates_survive_kill_9() {
    each_database(async |db| {
        let url = db.url();
        let dir = &db.dir;
        let port = free_port();
        let mut server = start(dir.path(), &url, port);
        let client = reqwest::Client::new();
        let login: serde_json::Value = client
            .post(format!("{}/api/v1/auth/login", server.base))
            .json(&serde_json::json!({"username": "office", "password": "dongneng-demo"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = login["token"].as_str().unwrap().to_string();

        let answered = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for i in 0..400 {
            let client = client.clone();
            let base = server.base.clone();
            let token = token.clone();
            let answered = answered.clone();
            tasks.push(tokio::spawn(async move {
                let name = format!("耐久测试局{i:03}");
                let resp = client
                    .post(format!("{base}/api/v1/departments"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({"name_zh": name, "name_en": "Durability", "kind": "department"}))
                    .send()
                    .await;
                match resp {
                    Ok(r) if r.status().is_success() => {
                        answered.fetch_add(1, Ordering::SeqCst);
                        let body: serde_json::Value = r.json().await.ok()?;
                        Some((body["id"].as_i64()?, name))
                    }
                    _ => None,
                }
            }));
        }
        // Kill once part of the creates have been answered.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while answered.load(Ordering::SeqCst) < 100 && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        server.child.kill().expect("kill -9");
        let _ = server.child.wait();
        let mut acknowledged = Vec::new();
        for t in tasks {
            if let Ok(Some(pair)) = t.await {
                acknowledged.push(pair);
            }
        }
        assert!(
            acknowledged.len() >= 100,
            "{} answered before the kill",
            acknowledged.len()
        );
        assert!(
            acknowledged.len() < 400,
            "the kill came too late to test anything"
        );

        let port = free_port();
        let mut server = start(dir.path(), &url, port);
        let login: serde_json::Value = client
            .post(format!("{}/api/v1/auth/login", server.base))
            .json(&serde_json::json!({"username": "office", "password": "dongneng-demo"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = login["token"].as_str().unwrap().to_string();
        let list: serde_json::Value = client
            .get(format!("{}/api/v1/departments", server.base))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let items = list["items"].as_array().unwrap();
        for (id, name) in &acknowledged {
            assert!(
                items
                    .iter()
                    .any(|d| d["id"] == *id && d["name_zh"] == name.as_str()),
                "acknowledged department {id} {name} lost on {:?}",
                db.backend
            );
        }
        server.child.kill().ok();
        let _ = server.child.wait();
    })
    .await;
}
