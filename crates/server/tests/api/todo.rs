//! Everyone's to-do, notifications and reminders through the API on both databases: what
//! waits on each role at each step of a problem and a supervision item, the notifications the
//! steps write, a user's own notifications only, the reminder calendar (the office's,
//! validated, versioned), the reminder job run by two instances at once (each reminder sent
//! once), and reminder e-mail through a local SMTP listener.

use crate::harness::{TestApp, each_backend, reference_data};
use crate::hostile::{Stored, Target, spoil_every_field};
use crate::problems::{ids, raise, step};
use chrono::Duration;
use dongneng_domain::task::{Issuer, TaskInput, TaskSource};
use dongneng_store::NewTask;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::Arc;

fn day(offset: i64) -> String {
    (dongneng_domain::clock::today() + Duration::days(offset)).to_string()
}

/// The caller's to-do.
async fn todo(app: &TestApp, token: &str) -> Value {
    let (status, list) = app.get("/api/v1/todo", token).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list
}

/// The entries of `kind` about record `id`.
fn entries(list: &Value, kind: &str, id: &Value) -> usize {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == kind && &e["record_id"] == id)
        .count()
}

/// The caller's notifications of `kind` about record `id`.
async fn told(app: &TestApp, token: &str, kind: &str, id: &Value) -> usize {
    let (status, list) = app.get("/api/v1/notifications?per_page=200", token).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == kind && &n["record_id"] == id)
        .count()
}

async fn ok(app: &TestApp, token: &str, p: &Value, name: &str, body: Value) -> Value {
    let (status, after) = step(app, token, p, name, body).await;
    assert_eq!(status, StatusCode::OK, "{name}: {after}");
    after
}

#[tokio::test]
async fn the_todo_and_notifications_follow_a_problem_and_a_supervision_item() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let office = app.token("office").await;
        let dept = app.token("dept").await;
        let district = app.token("district").await;
        let leader = app.token("leader").await;
        let supervisor = app.token("supervisor").await;

        // Raised: the office must assign it.
        let p = raise(
            app,
            &office,
            ids.new_materials,
            ids.zhangdian,
            "配套资金未到位",
        )
        .await;
        let id = p["id"].clone();
        assert_eq!(
            entries(&todo(app, &office).await, "problem_to_assign", &id),
            1
        );
        // Assigned to 市财政局: waits on the department, which is told.
        let p = ok(
            app,
            &office,
            &p,
            "assign",
            json!({"assignments": [{"department_id": ids.finance, "deadline": day(5)}]}),
        )
        .await;
        let list = todo(app, &dept).await;
        assert_eq!(entries(&list, "assignment", &id), 1, "{list}");
        let entry = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["record_id"] == id)
            .unwrap();
        assert_eq!(entry["link"], format!("/problems/{id}"));
        assert_eq!(entry["deadline"], day(5));
        assert_eq!(entry["overdue"], false);
        assert_eq!(entry["waiting_on"], "department");
        assert_eq!(entry["department_id"], ids.finance);
        assert!(entry["number"].as_str().unwrap().contains('-'));
        assert_eq!(told(app, &dept, "assigned", &id).await, 1);
        assert_eq!(
            entries(&todo(app, &office).await, "problem_to_assign", &id),
            0
        );
        // Not the district's: nothing of it waits on 张店区.
        assert_eq!(entries(&todo(app, &district).await, "assignment", &id), 0);
        assert_eq!(told(app, &district, "assigned", &id).await, 0);
        // Signed and answered: the office reviews it, and is told.
        let p = ok(app, &dept, &p, "sign", json!({})).await;
        assert_eq!(
            entries(&todo(app, &dept).await, "assignment", &id),
            1,
            "signed, not answered"
        );
        let p = ok(
            app,
            &dept,
            &p,
            "answer",
            json!({"answer": "资金已列入预算"}),
        )
        .await;
        assert_eq!(entries(&todo(app, &dept).await, "assignment", &id), 0);
        assert_eq!(
            entries(&todo(app, &office).await, "answer_to_review", &id),
            1
        );
        assert_eq!(told(app, &office, "answered", &id).await, 1);
        // Returned with a reason: back with the department, which is told.
        let p = ok(
            app,
            &office,
            &p,
            "return",
            json!({"department_id": ids.finance, "return_reason": "请明确拨付时间"}),
        )
        .await;
        assert_eq!(entries(&todo(app, &dept).await, "assignment", &id), 1);
        assert_eq!(
            entries(&todo(app, &office).await, "answer_to_review", &id),
            0
        );
        assert_eq!(told(app, &dept, "returned", &id).await, 1);
        let p = ok(
            app,
            &dept,
            &p,
            "answer",
            json!({"answer": "下月 10 日前拨付"}),
        )
        .await;
        // Resolved: off every list; the department and whoever raised it are told.
        ok(
            app,
            &office,
            &p,
            "resolve",
            json!({"resolution": "资金已拨付"}),
        )
        .await;
        for t in [&office, &dept] {
            let list = todo(app, t).await;
            for kind in ["assignment", "answer_to_review", "problem_to_assign"] {
                assert_eq!(entries(&list, kind, &id), 0, "{kind}");
            }
        }
        assert_eq!(told(app, &dept, "resolved", &id).await, 1);
        assert_eq!(
            told(app, &office, "resolved", &id).await,
            0,
            "not of one's own step"
        );

        // Escalated: waits on the leader in charge, who is told.
        let q = raise(
            app,
            &office,
            ids.new_materials,
            ids.zhangdian,
            "用地指标不足",
        )
        .await;
        let qid = q["id"].clone();
        ok(
            app,
            &office,
            &q,
            "escalate",
            json!({"note": "需市领导协调"}),
        )
        .await;
        assert_eq!(entries(&todo(app, &leader).await, "instruction", &qid), 1);
        assert_eq!(told(app, &leader, "escalated", &qid).await, 1);
        assert_eq!(entries(&todo(app, &dept).await, "instruction", &qid), 0);

        // A supervision item: its unit replies, the supervisor closes.
        let (status, item) = app
            .call(
                Method::POST,
                "/api/v1/supervision-items",
                Some(&supervisor),
                Some(
                    json!({"title": "督办配套资金", "requirement": "按期办结", "subject": "own",
                        "deadline": day(7), "unit_ids": [ids.finance]}),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{item}");
        let iid = item["id"].clone();
        let list = todo(app, &dept).await;
        assert_eq!(entries(&list, "supervision_reply", &iid), 1);
        let e = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["record_id"] == iid && e["kind"] == "supervision_reply")
            .unwrap();
        assert!(e["number"].as_str().unwrap().starts_with("督办〔"), "{e}");
        assert_eq!(told(app, &dept, "supervision_issued", &iid).await, 1);
        let (status, item) = app
            .call(
                Method::POST,
                &format!("/api/v1/supervision-items/{iid}/replies"),
                Some(&dept),
                Some(json!({"version": item["version"], "text": "已办结"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{item}");
        assert_eq!(
            entries(&todo(app, &dept).await, "supervision_reply", &iid),
            0
        );
        assert_eq!(
            entries(&todo(app, &supervisor).await, "supervision_close", &iid),
            1
        );
        assert_eq!(told(app, &supervisor, "supervision_replied", &iid).await, 1);
        let (status, closed) = app
            .call(
                Method::POST,
                &format!("/api/v1/supervision-items/{iid}/close"),
                Some(&supervisor),
                Some(json!({"version": item["version"], "evidence": "书面答复已存档"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{closed}");
        assert_eq!(
            entries(&todo(app, &supervisor).await, "supervision_close", &iid),
            0
        );
        assert_eq!(told(app, &dept, "supervision_closed", &iid).await, 1);

        // A key task the department leads: in its to-do, and it was told.
        let (status, task) = app
            .call(
                Method::POST,
                "/api/v1/tasks",
                Some(&office),
                Some(
                    json!({"title": "拨付配套资金", "details": "按时完成", "source": "office",
                        "industry_id": ids.new_materials, "lead_department_id": ids.finance,
                        "deadline": day(20)}),
                ),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{task}");
        assert_eq!(entries(&todo(app, &dept).await, "task", &task["id"]), 1);
        assert_eq!(told(app, &dept, "task_issued", &task["id"]).await, 1);

        // Overdue first, then by deadline; the totals add up.
        let list = todo(app, &dept).await;
        let items = list["items"].as_array().unwrap();
        let keys: Vec<(bool, String)> = items
            .iter()
            .map(|e| {
                (
                    !e["overdue"].as_bool().unwrap(),
                    e["deadline"].as_str().unwrap_or("9999").to_string(),
                )
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        let sum: i64 = list["counts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["total"].as_i64().unwrap())
            .sum();
        assert_eq!(list["total"], sum);
        assert!(list["total"].as_i64().unwrap() >= items.len() as i64);

        // The administrator has no to-do.
        let (status, _) = app.get("/api/v1/todo", &app.token("admin").await).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn a_user_reads_and_marks_only_their_own_notifications() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let office = app.token("office").await;
        let dept = app.token("dept").await;
        let p = raise(
            app,
            &office,
            ids.new_materials,
            ids.zhangdian,
            "审批手续滞后",
        )
        .await;
        ok(
            app,
            &office,
            &p,
            "assign",
            json!({"assignments": [{"department_id": ids.finance, "deadline": day(5)}]}),
        )
        .await;
        let (_, mine) = app.get("/api/v1/notifications?unread=true", &dept).await;
        let unread = mine["unread"].as_i64().unwrap();
        assert!(unread >= 1, "{mine}");
        let theirs: Vec<Value> = mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].clone())
            .collect();
        // The office never sees the department's notifications…
        let (_, office_list) = app.get("/api/v1/notifications?per_page=200", &office).await;
        for n in office_list["items"].as_array().unwrap() {
            assert!(!theirs.contains(&n["id"]), "{n}");
        }
        // …and marking them read as the office changes and writes nothing.
        let audit = app.audit_count().await;
        let (status, marked) = app
            .call(
                Method::POST,
                "/api/v1/notifications/read",
                Some(&office),
                Some(json!({"ids": theirs})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{marked}");
        assert_eq!(marked, json!([]));
        let (status, all) = app
            .call(
                Method::POST,
                "/api/v1/notifications/read-all",
                Some(&office),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{all}");
        let (_, still) = app.get("/api/v1/notifications?unread=true", &dept).await;
        assert_eq!(still["unread"], unread, "the department's are untouched");
        let _ = audit;
        // Bad bodies name the field.
        let (status, e) = app
            .call(
                Method::POST,
                "/api/v1/notifications/read",
                Some(&dept),
                Some(json!({"ids": "all"})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        let many: Vec<i64> = (1..=501).collect();
        let (status, e) = app
            .call(
                Method::POST,
                "/api/v1/notifications/read",
                Some(&dept),
                Some(json!({"ids": many})),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["details"][0]["field"], "ids");
        // The department marks one, then all.
        let (status, marked) = app
            .call(
                Method::POST,
                "/api/v1/notifications/read",
                Some(&dept),
                Some(json!({"ids": [theirs[0]]})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{marked}");
        assert_eq!(marked.as_array().unwrap().len(), 1);
        assert!(marked[0]["read_at"].is_string());
        let (_, after) = app.get("/api/v1/notifications?unread=true", &dept).await;
        assert_eq!(after["unread"].as_i64().unwrap(), unread - 1);
        let (status, all) = app
            .call(
                Method::POST,
                "/api/v1/notifications/read-all",
                Some(&dept),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(all["marked"].as_i64().unwrap(), unread - 1);
        let (_, after) = app.get("/api/v1/notifications", &dept).await;
        assert_eq!(after["unread"], 0);
        assert!(after["total"].as_i64().unwrap() >= unread);
        // Without a session: sign in first.
        let (status, _) = app
            .call(Method::GET, "/api/v1/notifications", None, None)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn the_reminder_calendar_is_the_offices_validated_and_versioned() {
    each_backend(reference_data(), async |app| {
        let office = app.token("office").await;
        let path = "/api/v1/reminder-settings";
        let (status, s) = app.get(path, &office).await;
        assert_eq!(status, StatusCode::OK, "{s}");
        assert_eq!((s["days_before"].clone(), s["on_the_day"].clone(), s["days_after"].clone(), s["escalate_after"].clone()),
            (json!(3), json!(true), json!(1), json!(3)));
        let version = s["version"].clone();
        let body = json!({"version": version, "days_before": 5, "on_the_day": false, "days_after": 2, "escalate_after": 4});
        // Nobody else changes it, or reads it; nothing is written.
        let audit = app.audit_count().await;
        for role in ["dept", "supervisor", "leader", "admin"] {
            let t = app.token(role).await;
            let (status, _) = app.call(Method::PUT, path, Some(&t), Some(body.clone())).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
            let (status, _) = app.get(path, &t).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        }
        assert_eq!(app.audit_count().await, audit);
        assert_eq!(app.get(path, &office).await.1, s);
        // Bad values name their field.
        for (field, value) in [("days_before", json!(-1)), ("days_after", json!(61)), ("escalate_after", json!(1000))] {
            let mut bad = body.clone();
            bad[field] = value;
            let (status, e) = app.call(Method::PUT, path, Some(&office), Some(bad)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            assert_eq!(e["error"]["details"][0]["field"], field, "{e}");
        }
        let mut early = body.clone();
        early["escalate_after"] = json!(1);
        let (status, e) = app.call(Method::PUT, path, Some(&office), Some(early)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["details"][0]["field"], "escalate_after");
        let (status, _) = app.call(Method::PUT, path, Some(&office), Some(json!({"version": version}))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.audit_count().await, audit);
        // Saved once; the old version is stale.
        let (status, saved) = app.call(Method::PUT, path, Some(&office), Some(body.clone())).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(saved["days_before"], 5);
        assert_eq!(saved["on_the_day"], false);
        assert_eq!(saved["version"], version.as_i64().unwrap() + 1);
        let (status, _) = app.call(Method::PUT, path, Some(&office), Some(body.clone())).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(app.audit_count().await, audit + 1);
        // Every field spoilt in turn: a clear error or stored as sent, never a 500.
        spoil_every_field(app, &office, &[Target {
            method: Method::PUT,
            path: path.into(),
            valid: body,
            stored: Stored::At(path.into()),
        }])
        .await;
    })
    .await;
}

/// A task led by 市财政局 with a deadline `offset` days from today, written straight to the
/// store (the API refuses past deadlines), with `leader` in charge.
async fn task_due(
    app: &TestApp,
    finance: i64,
    industry: i64,
    offset: i64,
    leader: Option<i64>,
) -> i64 {
    let new = NewTask {
        input: TaskInput {
            title: format!("提醒测试任务{offset}"),
            details: String::new(),
            source: TaskSource::Office,
            work_plan_id: None,
            industry_id: Some(industry),
            region_id: None,
            lead_department_id: finance,
            co_department_ids: vec![],
            responsible_person: None,
            leader_user_id: leader,
            deadline: dongneng_domain::clock::today() + Duration::days(offset),
        },
        source_id: None,
        issuer: Issuer::Office,
        issued_on: dongneng_domain::clock::today() - Duration::days(30),
    };
    let by = dongneng_store::AuditBy::system("test");
    app.store.create_task(&new, &by).await.expect("task").id
}

#[tokio::test]
async fn two_instances_send_each_reminder_once() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        let dept = app.token("dept").await;
        let leader = app.token("leader").await;
        let (_, me) = app.get("/api/v1/me", &leader).await;
        let leader_id = me["id"]
            .as_i64()
            .or_else(|| me["user"]["id"].as_i64())
            .expect("leader id");
        let before = task_due(app, ids.finance, ids.new_materials, 3, None).await;
        let due = task_due(app, ids.finance, ids.new_materials, 0, None).await;
        let after = task_due(app, ids.finance, ids.new_materials, -1, None).await;
        let escalated = task_due(app, ids.finance, ids.new_materials, -3, Some(leader_id)).await;
        let quiet = task_due(app, ids.finance, ids.new_materials, 10, None).await;

        // Two instances on one database run the job at the same moment, twice over.
        let a = dongneng_service::Service::new(app.store.clone(), reference_data());
        let b = dongneng_service::Service::new(app.second_store().await, reference_data());
        let (ra, rb) = tokio::join!(
            a.send_due_reminders("instance-a"),
            b.send_due_reminders("instance-b")
        );
        let sent = ra.unwrap().unwrap_or(0) + rb.unwrap().unwrap_or(0);
        assert!(sent >= 4, "{sent}");
        let (ra, rb) = tokio::join!(
            a.send_due_reminders("instance-a"),
            b.send_due_reminders("instance-b")
        );
        assert_eq!(
            ra.unwrap().unwrap_or(0) + rb.unwrap().unwrap_or(0),
            0,
            "nothing twice"
        );

        let id = |v: i64| Value::from(v);
        assert_eq!(told(app, &dept, "reminder_before", &id(before)).await, 1);
        assert_eq!(told(app, &dept, "reminder_due", &id(due)).await, 1);
        assert_eq!(told(app, &dept, "reminder_after", &id(after)).await, 1);
        assert_eq!(
            told(app, &leader, "reminder_escalated", &id(escalated)).await,
            1
        );
        assert_eq!(
            told(app, &dept, "reminder_escalated", &id(escalated)).await,
            0
        );
        for kind in ["reminder_before", "reminder_due", "reminder_after"] {
            assert_eq!(told(app, &dept, kind, &id(quiet)).await, 0, "{kind}");
        }

        // Without the lease: the same reminder sent by two stores at once goes out once.
        let candidates = app
            .store
            .reminder_candidates(
                dongneng_domain::clock::today(),
                dongneng_domain::clock::today() + Duration::days(30),
                100,
            )
            .await
            .unwrap();
        let c = candidates
            .into_iter()
            .find(|c| c.record_id == quiet)
            .expect("candidate");
        let reminder = dongneng_store::Reminder {
            key: format!("test:{}", c.record_id),
            kind: dongneng_domain::todo::NotificationKind::ReminderBefore,
            title: c.title.clone(),
            link: format!("/tasks/{}", c.record_id),
            to_leader: false,
            candidate: c,
        };
        let by = dongneng_store::AuditBy::system("test");
        let other = app.second_store().await;
        let stores: [Arc<dyn dongneng_store::Store>; 2] = [app.store.clone(), other];
        let (x, y) = tokio::join!(
            stores[0].send_reminder(&reminder, &by),
            stores[1].send_reminder(&reminder, &by)
        );
        let sent: Vec<bool> = [x.unwrap(), y.unwrap()]
            .iter()
            .map(Option::is_some)
            .collect();
        assert_eq!(sent.iter().filter(|s| **s).count(), 1, "{sent:?}");
        assert_eq!(told(app, &dept, "reminder_before", &id(quiet)).await, 1);
    })
    .await;
}

/// A minimal SMTP server: what it was told (the envelopes and the data of every message),
/// once no new connection has come for two seconds.
async fn smtp_listener() -> (u16, tokio::task::JoinHandle<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let mut log = String::new();
        let wait = std::time::Duration::from_secs(2);
        let mut first = true;
        loop {
            let accepted = if first {
                listener.accept().await.ok()
            } else {
                tokio::time::timeout(wait, listener.accept())
                    .await
                    .ok()
                    .and_then(Result::ok)
            };
            first = false;
            let Some((socket, _)) = accepted else { break };
            let (read, mut write) = socket.into_split();
            let mut lines = BufReader::new(read).lines();
            write.write_all(b"220 test ESMTP\r\n").await.unwrap();
            let mut in_data = false;
            while let Ok(Some(line)) = lines.next_line().await {
                log.push_str(&line);
                log.push('\n');
                if in_data {
                    if line == "." {
                        in_data = false;
                        write.write_all(b"250 queued\r\n").await.unwrap();
                    }
                    continue;
                }
                let upper = line.to_ascii_uppercase();
                let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                    b"250 test\r\n"
                } else if upper.starts_with("DATA") {
                    in_data = true;
                    b"354 go ahead\r\n"
                } else if upper.starts_with("QUIT") {
                    let _ = write.write_all(b"221 bye\r\n").await;
                    break;
                } else {
                    b"250 ok\r\n"
                };
                write.write_all(reply).await.unwrap();
            }
        }
        log
    });
    (port, task)
}

/// The subject lines of the messages in an SMTP log, unfolded and decoded.
fn subjects(log: &str) -> Vec<String> {
    let lines: Vec<&str> = log.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if let Some(rest) = l.strip_prefix("Subject:") {
            let mut folded = rest.to_string();
            for more in lines[i + 1..]
                .iter()
                .take_while(|m| m.starts_with([' ', '\t']))
            {
                folded.push_str(more);
            }
            out.push(decode_words(&folded));
        }
    }
    out
}

/// The text of RFC 2047 encoded words (`=?utf-8?b?…?=`) in a header line.
fn decode_words(line: &str) -> String {
    let mut out = String::new();
    for part in line.split_whitespace() {
        let lower = part.to_ascii_lowercase();
        if let Some(b64) = lower
            .strip_prefix("=?utf-8?b?")
            .and_then(|_| part.get(10..part.len() - 2))
        {
            out.push_str(&String::from_utf8_lossy(&base64_decode(b64)));
        } else {
            out.push_str(part);
        }
    }
    out
}

fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.bytes().filter(|c| *c != b'=') {
        let Some(v) = ALPHABET.iter().position(|a| *a == c) else {
            continue;
        };
        bits = (bits << 6) | v as u32;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    out
}

#[tokio::test]
async fn a_reminder_is_mailed_when_smtp_is_configured() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        // The department's user gets an address (the administrator edits the account).
        let admin = app.token("admin").await;
        let dept_id = app
            .find_id(&admin, "/api/v1/users?per_page=500", "username", "dept")
            .await;
        let (_, u) = app.get(&format!("/api/v1/users/{dept_id}"), &admin).await;
        let mut update = json!({"version": u["version"], "display_name": u["display_name"],
            "department_id": u["department_id"], "grants": u["grants"], "disabled": false,
            "email": "not an address"});
        let (status, e) = app
            .call(
                Method::PUT,
                &format!("/api/v1/users/{dept_id}"),
                Some(&admin),
                Some(update.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert_eq!(e["error"]["details"][0]["field"], "email");
        update["email"] = json!("caizheng@zibo.example.cn");
        let (status, u) = app
            .call(
                Method::PUT,
                &format!("/api/v1/users/{dept_id}"),
                Some(&admin),
                Some(update),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{u}");
        assert_eq!(u["email"], "caizheng@zibo.example.cn");
        task_due(app, ids.finance, ids.new_materials, 0, None).await;

        let (port, got) = smtp_listener().await;
        let mut config = reference_data();
        config.mail = Some(dongneng_service::mail::MailConfig {
            smtp_host: "127.0.0.1".into(),
            smtp_port: port,
            from: "动能平台 <dongneng@zibo.example.cn>".into(),
            public_url: "https://dongneng.example.cn/".into(),
        });
        let service = dongneng_service::Service::new(app.store.clone(), config);
        assert!(service.send_due_reminders("mailer").await.unwrap().unwrap() >= 1);
        let log = tokio::time::timeout(std::time::Duration::from_secs(30), got)
            .await
            .expect("mail arrives")
            .unwrap();
        assert!(log.contains("RCPT TO:<caizheng@zibo.example.cn>"), "{log}");
        assert!(
            log.contains("MAIL FROM:<dongneng@zibo.example.cn>"),
            "{log}"
        );
        assert!(log.contains("To: caizheng@zibo.example.cn"), "{log}");
        let subjects = subjects(&log);
        assert!(
            subjects
                .iter()
                .any(|s| s.contains("今日到期") && s.contains("提醒测试任务0")),
            "{subjects:?}"
        );
    })
    .await;
}

/// Without SMTP the service has no mailer: the job runs and calls out to nothing.
#[tokio::test]
async fn no_mail_without_smtp() {
    each_backend(reference_data(), async |app| {
        let ids = ids(app).await;
        task_due(app, ids.finance, ids.new_materials, 0, None).await;
        let service = dongneng_service::Service::new(app.store.clone(), reference_data());
        assert!(reference_data().mail.is_none());
        assert!(service.send_due_reminders("plain").await.unwrap().unwrap() >= 1);
        let dept = app.token("dept").await;
        let (_, list) = app.get("/api/v1/notifications?unread=true", &dept).await;
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["kind"] == "reminder_due")
        );
    })
    .await;
}

/// The demo: 市财政局 (`dept`) and the supervisor have things waiting, and the bell rings.
#[tokio::test]
async fn the_demo_has_things_waiting_for_dept_and_the_supervisor() {
    each_backend(crate::harness::full_demo(), async |app| {
        let dept = app.token("dept").await;
        let list = todo(app, &dept).await;
        let kinds: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert!(kinds.contains(&"assignment"), "{list}");
        assert!(kinds.contains(&"supervision_reply"), "{list}");
        assert!(kinds.contains(&"task"), "{list}");
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["overdue"] == true),
            "{list}"
        );
        let supervisor = app.token("supervisor").await;
        let list = todo(app, &supervisor).await;
        let kinds: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap())
            .collect();
        assert!(kinds.contains(&"supervision_close"), "{list}");
        for role in ["dept", "supervisor", "office"] {
            let (_, n) = app
                .get("/api/v1/notifications", &app.token(role).await)
                .await;
            assert!(n["unread"].as_i64().unwrap() > 0, "{role}: {n}");
        }
        // The landing page shows the first block, the navigation the count, the bell the
        // unread.
        let (cookie, _) = crate::auth::browser_login(app, "dept").await;
        let home = app
            .client
            .get(app.url("/"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(home.contains("id=\"home-todo\""), "{home}");
        assert!(home.contains("id=\"todo-count\""), "{home}");
        assert!(home.contains("id=\"bell-count\""), "{home}");
    })
    .await;
}
