//! The annual work plans' measures become key tasks (migration 0007): the same ids, their
//! statuses mapped, their history kept — a task's page shows the audit rows written while it
//! was a measure — and new tasks never take an id a measure had.

use crate::harness::{Db, TestDb, each_backend_after, reference_data};
use serde_json::{Value, json};
use sqlx::Executor;
use std::str::FromStr;

const SEED: &str = include_str!("fixtures/measures_before_0007.sql");

/// The database at the schema before 0007, with the seed in it.
async fn before_tasks(db: &TestDb) {
    match db.backend {
        Db::Sqlite => {
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(&db.url())
                .expect("url")
                .create_if_missing(true);
            let pool = sqlx::SqlitePool::connect_with(options)
                .await
                .expect("sqlite");
            let migrator = sqlx::migrate!("../store-sqlite/migrations");
            migrator.run_to(6, &pool).await.expect("migrations up to 6");
            pool.execute(sqlx::raw_sql(SEED)).await.expect("seed");
            pool.close().await;
        }
        Db::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url()).await.expect("postgres");
            let migrator = sqlx::migrate!("../store-postgres/migrations");
            migrator.run_to(6, &pool).await.expect("migrations up to 6");
            pool.execute(sqlx::raw_sql(SEED)).await.expect("seed");
            pool.close().await;
        }
    }
}

#[tokio::test]
async fn measures_become_tasks_with_their_history() {
    each_backend_after(before_tasks, reference_data(), async |app| {
        let office = app.token("office").await;
        let (_, list) = app
            .get(
                "/api/v1/tasks?q=%E8%BF%81%E7%A7%BB%E6%B5%8B%E8%AF%95&per_page=10",
                &office,
            )
            .await;
        let items = list["items"].as_array().expect("items");
        assert_eq!(items.len(), 2, "{list}");
        let find = |prefix: &str| -> Value {
            items
                .iter()
                .find(|t| t["title"].as_str().unwrap_or("").starts_with(prefix))
                .cloned()
                .unwrap_or_else(|| panic!("no task {prefix}"))
        };
        let started = find("迁移测试：推动");
        let done = find("迁移测试：组织");
        assert_eq!(started["source"], "work_plan_measure");
        assert!(started["work_plan_id"].is_i64());
        assert_eq!(started["status"], "in_progress");
        assert_eq!(started["responsible_person"], "李某");
        assert_eq!(started["version"], 2);
        // Its deadline passed while it is still owed.
        assert_eq!(started["overdue"], true);
        // A done measure was never checked by anyone: it is closed as it stood.
        assert_eq!(done["status"], "closed");
        assert_eq!(done["overdue"], false);
        // A title is one line; the whole measure stays in the details.
        assert_eq!(done["title"], "迁移测试：组织申报 （分两批）");
        assert_eq!(done["details"], "迁移测试：组织申报\n（分两批）");
        // Without an owning department, the industry's lead department leads it.
        let (_, departments) = app.get("/api/v1/departments", &office).await;
        let dept = |name: &str| {
            departments["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["name_zh"] == name)
                .map(|d| d["id"].clone())
                .unwrap()
        };
        assert_eq!(started["lead_department_id"], dept("迁移测试甲局"));
        assert_eq!(done["lead_department_id"], dept("迁移测试乙局"));

        // The task's page shows its history as a measure, and its note.
        let (_, page) = app
            .get(&format!("/api/v1/tasks/{}", started["id"]), &office)
            .await;
        let history = page["history"].as_array().expect("history");
        let as_measure: Vec<&Value> = history
            .iter()
            .filter(|h| h["record_type"] == "work_plan_measure")
            .collect();
        assert_eq!(as_measure.len(), 2, "{page}");
        assert_eq!(as_measure[0]["action"], "update");
        assert_eq!(as_measure[0]["username"], "taskforce");
        assert_eq!(page["events"][0]["kind"], "created");
        let (_, page) = app
            .get(&format!("/api/v1/tasks/{}", done["id"]), &office)
            .await;
        assert_eq!(page["notes"][0]["progress_note"], "已全部完成");

        // A new task takes an id no measure ever had.
        let (status, fresh) = app
            .call(
                reqwest::Method::POST,
                "/api/v1/tasks",
                Some(&office),
                Some(json!({"title": "迁移后的新任务", "source": "office",
                            "industry_id": started["industry_id"],
                            "lead_department_id": started["lead_department_id"],
                            "deadline": "2099-12-31"})),
            )
            .await;
        assert!(status.is_success(), "{fresh}");
        // Not even the one of a measure deleted before the move (900).
        assert!(fresh["id"].as_i64().unwrap() > 900, "{fresh}");
        let (status, _) = app.get("/api/v1/tasks/900", &office).await;
        assert_eq!(status, reqwest::StatusCode::NOT_FOUND);
        let (_, page) = app
            .get(&format!("/api/v1/tasks/{}", fresh["id"]), &office)
            .await;
        assert!(
            page["history"]
                .as_array()
                .unwrap()
                .iter()
                .all(|h| h["record_type"] == "task"),
            "{page}"
        );
    })
    .await;
}
