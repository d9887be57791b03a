//! The records of monthly dispatch the requests act on: a period of its own for each call
//! that uses one up (the office opens past months, one after another from 2001), and a
//! report of 新材料 in it, taken to the state a step needs.

use super::world::World;
use serde_json::{Value, json};

/// The six sections written.
pub(super) fn sections(tag: &str) -> Value {
    json!({"planning": format!("规划{tag}"), "projects": format!("项目{tag}"),
           "policies": format!("政策{tag}"), "funds": format!("基金{tag}"),
           "talent": format!("人才{tag}"), "investment": format!("招商{tag}"),
           "talent_figures": {"top": 1, "leading": 2, "young": 3, "other": 4, "platforms": 1},
           "investment_figures": {"leads": 5, "signed": 2, "signed_amount": 300_000_000i64,
                                  "landed": 1, "landed_amount": 100_000_000i64}})
}

impl World<'_> {
    /// A new period for a past month, opened by the office.
    pub(super) async fn period(&self) -> Value {
        let n = self.next();
        let (year, month) = (2001 + n / 12, n % 12 + 1);
        self.post(
            "/api/v1/dispatch/periods",
            json!({"year": year, "month": month}),
        )
        .await
    }

    /// A new report of 新材料 in a period of its own, moved by the task force and the
    /// office to `state` (draft, submitted, returned with 规划编制 reopened).
    pub(super) async fn report(&self, state: &str) -> Value {
        let p = self.period().await;
        let r = self
            .post_as(
                "taskforce",
                "/api/v1/dispatch/reports",
                json!({"period_id": p["id"], "industry_id": self.ids.new_materials}),
            )
            .await;
        if state == "draft" {
            return r;
        }
        let path = format!("/api/v1/dispatch/reports/{}", r["id"]);
        let mut body = sections("矩阵");
        body["version"] = r["version"].clone();
        let r = self.put_as("taskforce", &path, body).await;
        let r = self
            .post_as(
                "taskforce",
                &format!("{path}/submit"),
                json!({"version": r["version"]}),
            )
            .await;
        if state == "submitted" {
            return r;
        }
        self.post(
            &format!("{path}/return"),
            json!({"version": r["version"], "reason": "规划编制写得不具体",
                   "sections": ["planning"]}),
        )
        .await
    }

    async fn put_as(&self, role: &str, path: &str, body: Value) -> Value {
        let (status, made) = self
            .app
            .call(
                reqwest::Method::PUT,
                path,
                Some(self.token(role)),
                Some(body),
            )
            .await;
        assert!(
            status.is_success(),
            "setting up: PUT {path}: {status} {made}"
        );
        made
    }
}
