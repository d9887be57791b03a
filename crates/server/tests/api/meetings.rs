//! Meetings through the API, on both databases: a meeting from plan to published minutes,
//! its decisions becoming key tasks of their owners (seen by the owner department); the bad
//! input of the issue (a decision without an owner or a deadline, a second quarterly meeting
//! in a quarter, an unknown or retired department, a stale version) each refused with nothing
//! written; the scopes; the quarterly proposal and its rules; the pack.

use crate::harness::{TestApp, each_backend, reference_data};
use chrono::{Duration, NaiveDate};
use dongneng_domain::policy::DataScope;
use dongneng_domain::task::{Issuer, TaskInput, TaskSource};
use dongneng_store::{AuditBy, NewTask, TaskFilter};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct Refs {
    office: String,
    leader: i64,
    ndrc: i64,
    finance: i64,
    commerce: i64,
    new_materials: i64,
    chemical: i64,
    zhangdian: i64,
}

async fn refs(app: &TestApp) -> Refs {
    let office = app.token("office").await;
    let admin = app.token("admin").await;
    let find =
        async |list: &str, field: &str, value: &str| app.find_id(&office, list, field, value).await;
    Refs {
        leader: app
            .find_id(&admin, "/api/v1/users?per_page=500", "username", "leader")
            .await,
        ndrc: find("/api/v1/departments", "name_zh", "市发展和改革委员会").await,
        finance: find("/api/v1/departments", "name_zh", "市财政局").await,
        commerce: find("/api/v1/departments", "name_zh", "市商务局").await,
        new_materials: find("/api/v1/industries", "key", "new_materials").await,
        chemical: find("/api/v1/industries", "key", "chemical").await,
        zhangdian: find("/api/v1/regions", "code", "370303").await,
        office,
    }
}

fn today() -> NaiveDate {
    (chrono::Utc::now() + Duration::hours(8)).date_naive()
}

fn has_field(body: &Value, field: &str, code: &str) -> bool {
    body["error"]["details"]
        .as_array()
        .is_some_and(|d| d.iter().any(|f| f["field"] == field && f["code"] == code))
}

/// A joint meeting about `industry`, today.
fn joint(r: &Refs, title: &str, industry: i64) -> Value {
    json!({"title": title, "kind": "joint", "mode": "on_site", "held_on": today(),
           "place": "市政府第一会议室", "chair_user_id": r.leader,
           "organiser_department_id": r.ndrc, "industry_ids": [industry]})
}

/// A quarterly meeting on `day` about `industries`.
fn quarterly(r: &Refs, title: &str, day: &str, industries: &[i64]) -> Value {
    json!({"title": title, "kind": "quarterly", "mode": "video", "held_on": day,
           "video_link": "https://meeting.zibo.gov.cn/room/1", "chair_user_id": r.leader,
           "organiser_department_id": r.ndrc, "industry_ids": industries})
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, path, Some(token), Some(body)).await
}

async fn created(app: &TestApp, r: &Refs, body: Value) -> Value {
    let (status, m) = post(app, &r.office, "/api/v1/meetings", body).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    m
}

async fn read(app: &TestApp, token: &str, id: &Value) -> Value {
    let (status, m) = app.get(&format!("/api/v1/meetings/{id}"), token).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    m
}

/// `POST /api/v1/meetings/{id}/{what}` at the meeting's current version.
async fn act(app: &TestApp, r: &Refs, m: &Value, what: &str, extra: Value) -> (StatusCode, Value) {
    let now = read(app, &r.office, &m["id"]).await;
    let mut body = json!({"version": now["version"]});
    for (k, v) in extra.as_object().into_iter().flatten() {
        body[k] = v.clone();
    }
    post(
        app,
        &r.office,
        &format!("/api/v1/meetings/{}/{what}", m["id"]),
        body,
    )
    .await
}

async fn held(app: &TestApp, r: &Refs, title: &str, industry: i64) -> Value {
    let m = created(app, r, joint(r, title, industry)).await;
    let (status, m) = act(app, r, &m, "hold", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{m}");
    m
}

#[tokio::test]
async fn a_meeting_from_plan_to_minutes_its_decisions_tasks() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let dept = app.token("dept").await; // 市财政局
        let m = created(
            app,
            &r,
            joint(&r, "新材料产业专题联席会议", r.new_materials),
        )
        .await;
        assert_eq!(m["state"], "planned");
        assert_eq!(m["industry_ids"], json!([r.new_materials]));
        // A problem put on the agenda takes its title; a topic of its own; attendees.
        let (status, p) = post(
            app,
            &r.office,
            "/api/v1/problems",
            json!({"title": "园区用地指标不足",
            "kind": "land", "description": "扩区用地指标缺口 300 亩", "origin": "own",
            "industry_id": r.new_materials, "region_id": r.zhangdian}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        let (status, item) = act(app, &r, &m, "agenda", json!({"problem_id": p["id"]})).await;
        assert_eq!(status, StatusCode::CREATED, "{item}");
        assert_eq!(item["topic"], "园区用地指标不足");
        let (status, _) = act(app, &r, &m, "agenda", json!({"topic": "研究园区扩区方案"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = act(app, &r, &m, "attendees", json!({"user_id": r.leader})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = act(
            app,
            &r,
            &m,
            "attendees",
            json!({"guest_name": "王教授", "guest_org": "山东理工大学"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        // Decisions wait for the meeting to be held.
        let decision = json!({"title": "落实园区扩区配套资金", "lead_department_id": r.finance,
                              "deadline": "2099-06-30"});
        let before = app.audit_count().await;
        let (status, e) = act(app, &r, &m, "decisions", decision.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "state", "meeting_not_held"), "{e}");
        assert_eq!(app.audit_count().await, before);

        let (status, m) = act(app, &r, &m, "hold", json!({})).await;
        assert_eq!(
            (status, m["state"].as_str()),
            (StatusCode::OK, Some("held")),
            "{m}"
        );
        let now = read(app, &r.office, &m["id"]).await;
        let item_path = format!("/api/v1/meetings/{}/agenda/{}", m["id"], item["id"]);
        let (status, item) = app
            .call(
                Method::PUT,
                &item_path,
                Some(&r.office),
                Some(json!({"version": now["version"], "outcome": "由市自然资源局统筹调剂指标"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{item}");
        assert_eq!(item["outcome"], "由市自然资源局统筹调剂指标");

        // The decision becomes a task of 市财政局, linked back to the meeting.
        let (status, made) = act(app, &r, &m, "decisions", decision).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
        let task = &made["task"];
        assert_eq!(task["source"], "meeting_decision");
        assert_eq!(task["source_id"], m["id"]);
        assert_eq!(task["lead_department_id"], r.finance);
        assert_eq!(task["leader_user_id"], r.leader);
        assert_eq!(task["industry_id"], r.new_materials);
        assert_eq!(task["deadline"], "2099-06-30");
        assert_eq!(task["issued_on"], today().to_string());
        assert_eq!(made["decision"]["task_id"], task["id"]);
        // The owner's department sees the task and the meeting.
        let (status, list) = app
            .get("/api/v1/tasks?source=meeting_decision", &dept)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            list["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["id"] == task["id"]),
            "{list}"
        );
        let seen = read(app, &dept, &m["id"]).await;
        assert_eq!(seen["decisions"][0]["task"]["id"], task["id"]);
        assert_eq!(seen["can"]["manage"], false);
        let (_, mine) = app.get("/api/v1/meetings", &dept).await;
        assert_eq!(mine["total"], 1, "{mine}");

        // Minutes, then published: nothing changes after.
        let (status, _) = act(app, &r, &m, "publish", json!({})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "no minutes yet");
        let now = read(app, &r.office, &m["id"]).await;
        let (status, saved) = app
            .call(
                Method::PUT,
                &format!("/api/v1/meetings/{}/minutes", m["id"]),
                Some(&r.office),
                Some(json!({"version": now["version"],
                "minutes": "会议研究了新材料产业园扩区问题，议定事项见附表。"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let (status, done) = act(app, &r, &m, "publish", json!({})).await;
        assert_eq!(
            (status, done["state"].as_str()),
            (StatusCode::OK, Some("minutes_published"))
        );
        let before = app.audit_count().await;
        let (status, e) = act(
            app,
            &r,
            &m,
            "decisions",
            json!({"title": "再议", "lead_department_id": r.finance,
            "deadline": "2099-06-30"}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "state", "meeting_not_held"), "{e}");
        let (status, e) = act(app, &r, &m, "agenda", json!({"topic": "补充议题"})).await;
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY
                && has_field(&e, "state", "meeting_finished"),
            "{e}"
        );
        assert_eq!(
            app.audit_count().await,
            before,
            "refused changes wrote nothing"
        );

        // The pack lists the new task under its industry.
        let (status, pack) = app
            .get(&format!("/api/v1/meetings/{}/pack", m["id"]), &r.office)
            .await;
        assert_eq!(status, StatusCode::OK, "{pack}");
        assert_eq!(pack["industries"][0]["industry_id"], r.new_materials);
        assert_eq!(pack["industries"][0]["decided"][0]["id"], task["id"]);
        assert!(
            pack["industries"][0]["open_problems"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["id"] == p["id"]),
            "{pack}"
        );
        assert!(pack["industries"][0]["tasks"]["all"].as_i64().unwrap() >= 1);
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_and_writes_nothing() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let admin = app.token("admin").await;
        let m = held(app, &r, "要素保障专题协调会", r.new_materials).await;
        let all = TaskFilter {
            scope: DataScope {
                all: true,
                ..DataScope::default()
            },
            ..TaskFilter::default()
        };
        let tasks_before = app.store.task_counts(&all, today()).await.unwrap().all;
        let before = app.audit_count().await;
        let refused = async |body: Value, field: &str, code: &str| {
            let (status, e) = act(app, &r, &m, "decisions", body).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
            assert!(has_field(&e, field, code), "{field} {code}: {e}");
        };
        // A decision without an owner, or without a deadline.
        refused(json!({"title": "落实资金", "deadline": "2099-06-30"}),
            "lead_department_id", "decision_owner_required").await;
        refused(json!({"title": "落实资金", "lead_department_id": r.finance}),
            "deadline", "decision_deadline_required").await;
        // A deadline before the meeting; an unknown department; an industry not the meeting's.
        refused(json!({"title": "落实资金", "lead_department_id": r.finance, "deadline": "2001-01-01"}),
            "deadline", "deadline_before_issue").await;
        refused(json!({"title": "落实资金", "lead_department_id": 999_999, "deadline": "2099-06-30"}),
            "lead_department_id", "unknown_reference").await;
        refused(json!({"title": "落实资金", "lead_department_id": r.finance, "deadline": "2099-06-30",
            "industry_id": r.chemical}), "industry_id", "not_on_meeting").await;
        assert_eq!(app.audit_count().await, before, "refused decisions wrote nothing");
        // A retired department gets no decision.
        let path = format!("/api/v1/departments/{}", r.commerce);
        let (_, d) = app.get(&path, &admin).await;
        let (status, d) = app.call(Method::PUT, &path, Some(&admin), Some(json!({"version": d["version"],
            "name_zh": "市商务局", "name_en": "Commerce", "kind": "department", "active": false}))).await;
        assert_eq!(status, StatusCode::OK, "{d}");
        let before = app.audit_count().await;
        refused(json!({"title": "落实资金", "lead_department_id": r.commerce, "deadline": "2099-06-30"}),
            "lead_department_id", "department_retired").await;
        let mut body = joint(&r, "停用部门组织", r.new_materials);
        body["organiser_department_id"] = json!(r.commerce);
        let (status, e) = post(app, &r.office, "/api/v1/meetings", body).await;
        assert!(status == StatusCode::UNPROCESSABLE_ENTITY
            && has_field(&e, "organiser_department_id", "department_retired"), "{e}");
        assert_eq!(app.audit_count().await, before);
        let tasks_after = app.store.task_counts(&all, today()).await.unwrap().all;
        assert_eq!(tasks_after, tasks_before, "no task from a refused decision");

        // The meeting's own rules: a chair who is no leader, a video meeting without a link.
        let mut body = joint(&r, "主持人不是领导", r.new_materials);
        body["chair_user_id"] = json!(app.find_id(&admin, "/api/v1/users?per_page=500", "username", "dept").await);
        let (status, e) = post(app, &r.office, "/api/v1/meetings", body).await;
        assert!(status == StatusCode::UNPROCESSABLE_ENTITY && has_field(&e, "chair_user_id", "not_a_leader"), "{e}");
        let mut body = joint(&r, "视频会议", r.new_materials);
        body["mode"] = json!("video");
        body["place"] = Value::Null;
        let (status, e) = post(app, &r.office, "/api/v1/meetings", body).await;
        assert!(status == StatusCode::UNPROCESSABLE_ENTITY && has_field(&e, "video_link", "required"), "{e}");

        // One quarterly meeting per quarter, unless it is an extra one.
        let q = created(app, &r, quarterly(&r, "2098年第二季度现场推进会", "2098-05-20", &[r.new_materials])).await;
        let before = app.audit_count().await;
        let (status, e) = post(app, &r.office, "/api/v1/meetings",
            quarterly(&r, "又一次推进会", "2098-06-10", &[r.chemical])).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(has_field(&e, "held_on", "quarterly_taken"), "{e}");
        assert_eq!(app.audit_count().await, before);
        let mut extra = quarterly(&r, "加开的推进会", "2098-06-10", &[r.chemical]);
        extra["extra"] = json!(true);
        created(app, &r, extra).await;
        created(app, &r, quarterly(&r, "下一季度推进会", "2098-07-10", &[r.chemical])).await;
        // Moving another quarter's meeting into the taken quarter is refused too.
        let mut other = created(app, &r, quarterly(&r, "第四季度推进会", "2098-10-10", &[r.chemical])).await;
        other["held_on"] = json!("2098-04-01");
        let mut body = quarterly(&r, "第四季度推进会", "2098-04-01", &[r.chemical]);
        body["version"] = other["version"].clone();
        let (status, e) = app.call(Method::PUT, &format!("/api/v1/meetings/{}", other["id"]),
            Some(&r.office), Some(body)).await;
        assert!(status == StatusCode::UNPROCESSABLE_ENTITY && has_field(&e, "held_on", "quarterly_taken"), "{e}");
        // Cancelled, the quarter is free again.
        let (status, _) = act(app, &r, &q, "cancel", json!({"cancel_reason": "改期"})).await;
        assert_eq!(status, StatusCode::OK);
        created(app, &r, quarterly(&r, "改期后的推进会", "2098-06-20", &[r.new_materials])).await;

        // A stale version: 409, nothing written.
        let stale = read(app, &r.office, &m["id"]).await["version"].as_i64().unwrap() - 1;
        let before = app.audit_count().await;
        let path = format!("/api/v1/meetings/{}", m["id"]);
        for (what, body) in [
            ("decisions", json!({"version": stale, "title": "落实资金", "lead_department_id": r.finance,
                                 "deadline": "2099-06-30"})),
            ("agenda", json!({"version": stale, "topic": "议题"})),
            ("attendees", json!({"version": stale, "guest_name": "嘉宾"})),
            ("cancel", json!({"version": stale, "cancel_reason": "改期"})),
        ] {
            let (status, e) = post(app, &r.office, &format!("{path}/{what}"), body).await;
            assert_eq!(status, StatusCode::CONFLICT, "{what}: {e}");
        }
        let mut body = joint(&r, "改名", r.new_materials);
        body["version"] = json!(stale);
        let (status, _) = app.call(Method::PUT, &path, Some(&r.office), Some(body)).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(app.audit_count().await, before, "stale writes wrote nothing");
    })
    .await;
}

#[tokio::test]
async fn each_role_reads_the_meetings_that_concern_it() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        // About 新材料 in 张店区, a decision of 市财政局; about 化工 elsewhere.
        let mut body = joint(&r, "张店区新材料现场调研", r.new_materials);
        body["kind"] = json!("site_visit");
        body["region_id"] = json!(r.zhangdian);
        let ours = created(app, &r, body).await;
        let (status, ours) = act(app, &r, &ours, "hold", json!({})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = act(
            app,
            &r,
            &ours,
            "decisions",
            json!({"title": "拨付园区资金",
            "lead_department_id": r.finance, "deadline": "2099-06-30"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let theirs = created(app, &r, joint(&r, "化工产业联席会议", r.chemical)).await;
        for (role, sees_ours, sees_theirs) in [
            ("office", true, true),
            ("supervisor", true, true),
            ("leader", true, false),
            ("taskforce", true, false),
            ("district", true, false),
            ("dept", true, false),
        ] {
            let token = app.token(role).await;
            let (status, list) = app.get("/api/v1/meetings", &token).await;
            assert_eq!(status, StatusCode::OK, "{role}");
            let ids: Vec<&Value> = list["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| &m["id"])
                .collect();
            assert_eq!(ids.contains(&&ours["id"]), sees_ours, "{role}: {list}");
            assert_eq!(ids.contains(&&theirs["id"]), sees_theirs, "{role}: {list}");
            let (status, _) = app
                .get(&format!("/api/v1/meetings/{}", theirs["id"]), &token)
                .await;
            let expected = if sees_theirs {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(status, expected, "{role}");
        }
        for role in ["stats", "expert", "admin"] {
            let token = app.token(role).await;
            let (status, _) = app.get("/api/v1/meetings", &token).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
        }
        let (status, _) = app.get("/api/v1/meetings/999999", &r.office).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn the_quarterly_proposal_and_its_rules() {
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        // Overdue tasks make 化工 stand out.
        let by = AuditBy::system("test");
        for n in 0..3 {
            let new = NewTask {
                input: TaskInput {
                    title: format!("化工逾期任务{n}"),
                    details: String::new(),
                    source: TaskSource::Office,
                    work_plan_id: None,
                    industry_id: Some(r.chemical),
                    region_id: None,
                    lead_department_id: r.finance,
                    co_department_ids: vec![],
                    responsible_person: None,
                    leader_user_id: None,
                    deadline: today() - Duration::days(10),
                },
                source_id: None,
                issuer: Issuer::Office,
                issued_on: today() - Duration::days(40),
            };
            app.store.create_task(&new, &by).await.unwrap();
        }
        let (status, p) = app
            .get("/api/v1/meetings/proposal?year=2098&quarter=1", &r.office)
            .await;
        assert_eq!(status, StatusCode::OK, "{p}");
        let industries = p["industries"].as_array().unwrap();
        assert_eq!(industries.len(), 2, "{p}");
        assert_eq!(industries[0]["industry_id"], r.chemical, "{p}");
        assert_eq!(industries[0]["overdue_tasks"], 3);
        assert_eq!(industries[0]["rested"], true);
        assert!(
            industries
                .iter()
                .all(|i| i["name_zh"].as_str().is_some_and(|n| !n.is_empty()))
        );
        let second = industries[1]["industry_id"].clone();

        // The office takes the proposal: recorded as followed.
        let m = created(
            app,
            &r,
            quarterly(
                &r,
                "2098年第一季度现场推进会",
                "2098-02-20",
                &[r.chemical, second.as_i64().unwrap()],
            ),
        )
        .await;
        assert_eq!(m["followed_proposal"], true, "{m}");
        // Chosen, 化工 rests for three quarters.
        let (_, p2) = app
            .get("/api/v1/meetings/proposal?year=2098&quarter=2", &r.office)
            .await;
        let ids: Vec<&Value> = p2["industries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| &i["industry_id"])
            .collect();
        assert!(
            !ids.contains(&&json!(r.chemical)) && !ids.contains(&&second),
            "{p2}"
        );
        assert_eq!(p2["existing_meeting_id"], Value::Null);
        let (_, p1) = app
            .get("/api/v1/meetings/proposal?year=2098&quarter=1", &r.office)
            .await;
        assert_eq!(p1["existing_meeting_id"], m["id"]);
        // Overriding it is recorded too.
        let o = created(
            app,
            &r,
            quarterly(
                &r,
                "2098年第二季度现场推进会",
                "2098-05-20",
                &[r.new_materials],
            ),
        )
        .await;
        assert_eq!(o["followed_proposal"], false);
        assert!(
            o["proposed_industry_ids"]
                .as_array()
                .is_some_and(|a| a.len() == 2),
            "{o}"
        );

        // The rules: seen and changed by the office, checked, versioned.
        let (status, rules) = app
            .get("/api/v1/settings/meeting-proposal", &r.office)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            (rules["pick"].as_i64(), rules["recent_quarters"].as_i64()),
            (Some(2), Some(3))
        );
        let put = async |body: Value| {
            app.call(
                Method::PUT,
                "/api/v1/settings/meeting-proposal",
                Some(&r.office),
                Some(body),
            )
            .await
        };
        let before = app.audit_count().await;
        let (status, e) = put(
            json!({"version": rules["version"], "pick": 0, "recent_quarters": 3,
            "weight_red": 0, "weight_overdue": 0, "weight_gap": 0}),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            has_field(&e, "pick", "range") && has_field(&e, "weight_red", "weights_all_zero"),
            "{e}"
        );
        assert_eq!(app.audit_count().await, before);
        let (status, changed) = put(
            json!({"version": rules["version"], "pick": 3, "recent_quarters": 0,
            "weight_red": 10, "weight_overdue": 90, "weight_gap": 0}),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        let (status, _) = put(
            json!({"version": rules["version"], "pick": 1, "recent_quarters": 0,
            "weight_red": 10, "weight_overdue": 90, "weight_gap": 0}),
        )
        .await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (_, p3) = app
            .get("/api/v1/meetings/proposal?year=2098&quarter=2", &r.office)
            .await;
        assert_eq!(p3["industries"].as_array().unwrap().len(), 3);
        assert_eq!(
            p3["industries"][0]["industry_id"], r.chemical,
            "no rest any more: {p3}"
        );
        let (status, e) = app
            .get("/api/v1/meetings/proposal?year=2098&quarter=5", &r.office)
            .await;
        assert!(
            status == StatusCode::UNPROCESSABLE_ENTITY && has_field(&e, "quarter", "range"),
            "{e}"
        );
    })
    .await;
}

#[tokio::test]
async fn hostile_bodies_never_5xx_and_never_write() {
    use crate::hostile::{Stored, Target, spoil_every_field};
    each_backend(reference_data(), async |app| {
        let r = refs(app).await;
        let m = held(app, &r, "抗干扰测试会议", r.new_materials).await;
        let planned = created(app, &r, joint(&r, "抗干扰取消会议", r.new_materials)).await;
        let path = format!("/api/v1/meetings/{}", m["id"]);
        let other = format!("/api/v1/meetings/{}", planned["id"]);
        let at = |p: &str| Stored::At(p.to_string());
        let versioned = |mut b: Value| {
            b["version"] = json!(0);
            b
        };
        let targets = vec![
            Target {
                method: Method::POST,
                path: "/api/v1/meetings".into(),
                valid: joint(&r, "抗干扰新会议", r.new_materials),
                stored: at("/api/v1/meetings/{id}"),
            },
            Target {
                method: Method::PUT,
                path: path.clone(),
                valid: versioned(joint(&r, "抗干扰测试会议（改）", r.new_materials)),
                stored: at(&path),
            },
            Target {
                method: Method::PUT,
                path: format!("{path}/minutes"),
                valid: versioned(json!({"minutes": "会议纪要"})),
                stored: at(&path),
            },
            Target {
                method: Method::PUT,
                path: "/api/v1/settings/meeting-proposal".into(),
                valid: versioned(json!({"pick": 2, "recent_quarters": 3, "weight_red": 40,
                                        "weight_overdue": 30, "weight_gap": 30})),
                stored: at("/api/v1/settings/meeting-proposal"),
            },
            Target {
                method: Method::POST,
                path: format!("{other}/hold"),
                valid: versioned(json!({})),
                stored: at(&other),
            },
            Target {
                method: Method::POST,
                path: format!("{other}/cancel"),
                valid: versioned(json!({"cancel_reason": "改期"})),
                stored: at(&other),
            },
        ];
        spoil_every_field(app, &r.office, &targets).await;
        // Decisions, agenda items and attendees: refused bodies write nothing, none is a 5xx.
        for (what, valid) in [
            (
                "decisions",
                json!({"title": "落实资金", "lead_department_id": r.finance,
                                 "deadline": "2099-06-30"}),
            ),
            ("agenda", json!({"topic": "议题"})),
            ("attendees", json!({"guest_name": "嘉宾"})),
        ] {
            for (spoilt, mut body) in crate::hostile::hostile_bodies(&valid) {
                if body.is_object() && spoilt.as_deref() != Some("version") {
                    body["version"] = read(app, &r.office, &m["id"]).await["version"].clone();
                }
                let before = app.audit_count().await;
                let (status, resp) =
                    post(app, &r.office, &format!("{path}/{what}"), body.clone()).await;
                assert!(!status.is_server_error(), "{what} {body}: {status} {resp}");
                if !status.is_success() {
                    assert_eq!(app.audit_count().await, before, "{what} {body} wrote");
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn notice_minutes_and_pack_download_as_docx_and_pdf() {
    use crate::documents::{DOCX, document_xml, fetch, no_system_fonts, pdf_text};
    each_backend(no_system_fonts(), async |app| {
        let r = refs(app).await;
        let title = "新材料产业链招商专题协调会";
        let decision = "组建新材料产业链招商小分队";
        let m = held(app, &r, title, r.new_materials).await;
        let (status, _) = act(app, &r, &m, "agenda", json!({"topic": "研究产业链招商"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let (status, _) = act(
            app,
            &r,
            &m,
            "decisions",
            json!({"title": decision,
            "lead_department_id": r.finance, "deadline": "2099-06-30"}),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED);
        let now = read(app, &r.office, &m["id"]).await;
        let (status, _) = app
            .call(
                Method::PUT,
                &format!("/api/v1/meetings/{}/minutes", m["id"]),
                Some(&r.office),
                Some(json!({"version": now["version"],
                "minutes": "会议研究了产业链招商工作。\n会议要求各单位密切配合。"})),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let base = format!("/api/v1/meetings/{}/documents", m["id"]);
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        for (file, wants) in [
            (
                "notice",
                vec![
                    format!("关于召开{title}的通知"),
                    "研究产业链招商".to_string(),
                ],
            ),
            (
                "minutes",
                vec![
                    format!("{title}纪要"),
                    decision.to_string(),
                    "议定事项".to_string(),
                    "市财政局".to_string(),
                ],
            ),
            (
                "pack",
                vec![
                    format!("{title}会议材料"),
                    decision.to_string(),
                    "新材料".to_string(),
                ],
            ),
        ] {
            let (status, ctype, disposition, docx) =
                fetch(app, &format!("{base}/{file}.docx"), Some(&r.office)).await;
            assert_eq!(status, StatusCode::OK, "{file}.docx");
            assert_eq!(ctype, DOCX);
            assert!(disposition.contains("attachment"), "{disposition}");
            let xml = document_xml(&docx);
            let (status, ctype, _, pdf) =
                fetch(app, &format!("{base}/{file}.pdf"), Some(&r.office)).await;
            assert_eq!(
                (status, ctype.as_str()),
                (StatusCode::OK, "application/pdf"),
                "{file}.pdf"
            );
            let text = pdf_text(&pdf);
            for want in &wants {
                assert!(xml.contains(want.as_str()), "{file}.docx lacks {want}");
                assert!(
                    text.contains(&squeeze(want)),
                    "{file}.pdf lacks {want}: {text}"
                );
            }
            // Kept: asked again at the same version, the same bytes and nothing written.
            let before = app.audit_count().await;
            let (_, _, _, again) = fetch(app, &format!("{base}/{file}.pdf"), Some(&r.office)).await;
            assert_eq!(again, pdf, "{file}.pdf served again");
            assert_eq!(app.audit_count().await, before);
        }
        // Listed with the meeting's documents; read by whoever reads the meeting.
        let (status, list) = app
            .get(
                &format!(
                    "/api/v1/documents?source_kind=meeting&source_id={}",
                    m["id"]
                ),
                &r.office,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(list["total"], 6, "{list}");
        let dept = app.token("dept").await;
        let (status, ..) = fetch(app, &format!("{base}/notice.docx"), Some(&dept)).await;
        assert_eq!(status, StatusCode::OK);
        let stats = app.token("stats").await;
        let before = app.audit_count().await;
        let (status, ..) = fetch(app, &format!("{base}/notice.pdf"), Some(&stats)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, ..) = fetch(app, &format!("{base}/agenda.pdf"), Some(&r.office)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.audit_count().await,
            before,
            "refused downloads wrote nothing"
        );
    })
    .await;
}
