//! The scope matrix: every operation of the OpenAPI document × every demo role and
//! anonymous. The operations come from the document the server serves, the expected outcome
//! of each from [`expectations::TABLE`] (an operation without one fails the suite), a
//! request that succeeds when allowed from [`requests`], the records it acts on from
//! [`world`]. Allowed calls succeed; refused ones get 403 `forbidden` (404 for another
//! user's record, 401 for anonymous) and write nothing: the audit trail and the record are
//! as they were. Every body sent is first checked against the document's schema for the
//! operation.

mod dispatch;
pub mod expectations;
mod pages;
pub mod requests;
mod world;

use crate::harness::{each_backend, file_form, reference_data};
use crate::openapi::RequestSchemas;
use expectations::{CALLERS, Caller, Expectation, Outcome, TABLE, expectations_for};
use requests::{Body, Call, XLSX};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use world::World;

#[tokio::test]
async fn every_operation_for_every_caller() {
    each_backend(reference_data(), async |app| {
        let (status, doc) = app
            .call(Method::GET, "/api/v1/openapi.json", None, None)
            .await;
        assert_eq!(status, StatusCode::OK);
        let matrix = expectations_for(&doc, TABLE).unwrap_or_else(|problems| {
            panic!("the scope matrix is out of step:\n{}", problems.join("\n"))
        });
        let schemas = RequestSchemas::new(&doc);
        let world = World::build(app, CALLERS.iter().filter_map(|c| c.role())).await;
        let mut failures = Vec::new();
        let mut bodies_checked = Vec::new();
        for op in &matrix {
            // A refused call changes nothing, so the next caller is sent the same request;
            // one used up by an allowed call, or made for one caller, is made afresh.
            let mut unused: Option<(Call, Written)> = None;
            for (caller, outcome) in CALLERS.into_iter().zip(op.outcomes) {
                let (call, known) = match unused.take() {
                    Some((call, written)) => (call, Some(written)),
                    None => (world.prepare(op, caller).await, None),
                };
                if let Err(why) = schemas.check(&op.method, &op.path, &call.body) {
                    failures.push(format!("{caller} {op}: {why}"));
                    continue;
                }
                if !matches!(call.body, Body::Empty) && outcome == Outcome::Allowed {
                    bodies_checked.push(op.to_string());
                }
                match check(&world, op, caller, outcome, &call, known).await {
                    Ok(Some(unchanged)) if !call.personal => unused = Some((call, unchanged)),
                    Ok(_) => {}
                    Err(why) => failures.push(format!("{caller} {op} ({}): {why}", call.path)),
                }
            }
        }
        // Each operation that takes a body was sent one that its schema admits and that
        // succeeded: a generated client can call it.
        for op in schemas.operations_with_a_body() {
            if !bodies_checked.contains(&op) {
                failures.push(format!("{op}: no allowed call sent it a body"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} calls went wrong:\n{}",
            failures.len(),
            failures.join("\n")
        );
    })
    .await;
}

/// What a refused call must leave alone: the number of audit rows, and the call's witness
/// (the record or list it would change) as it reads.
type Written = (i64, Value);

/// Sends `call` as `caller` and compares the answer with `outcome`. A call that is not
/// allowed must leave [`Written`] as it was (`known`, when the previous caller's refused
/// call left it so); that state is returned for the next caller.
async fn check(
    world: &World<'_>,
    op: &Expectation,
    caller: Caller,
    outcome: Outcome,
    call: &Call,
    known: Option<Written>,
) -> Result<Option<Written>, String> {
    let before = match (outcome, known) {
        (Outcome::Allowed, _) => None,
        (_, Some(known)) => Some(known),
        (_, None) => Some(written(world, call).await),
    };
    let (status, body) = send(world, &op.method, caller, call).await;
    let want = match outcome {
        Outcome::Allowed if status.is_success() => return Ok(None),
        Outcome::Allowed => return Err(format!("allowed, but {status} {body}")),
        Outcome::Refused => StatusCode::FORBIDDEN,
        Outcome::SignIn => StatusCode::UNAUTHORIZED,
    };
    if status != want {
        return Err(format!("{status}, not {want}: {body}"));
    }
    if outcome == Outcome::Refused && body["error"]["code"] != "forbidden" {
        return Err(format!("refused without the code `forbidden`: {body}"));
    }
    let after = written(world, call).await;
    if before.as_ref() != Some(&after) {
        return Err("refused, but something was written".into());
    }
    Ok(Some(after))
}

async fn written(world: &World<'_>, call: &Call) -> Written {
    let witness = match &call.witness {
        Some(path) => {
            let (status, body) = world.app.get(path, world.reader(path)).await;
            json!({"status": status.as_u16(), "body": body})
        }
        None => Value::Null,
    };
    (world.app.audit_count().await, witness)
}

async fn send(
    world: &World<'_>,
    method: &Method,
    caller: Caller,
    call: &Call,
) -> (StatusCode, Value) {
    let app = world.app;
    let mut req = app.client.request(method.clone(), app.url(&call.path));
    if let Some(role) = caller.role() {
        req = req.bearer_auth(call.token.as_deref().unwrap_or(world.token(role)));
    }
    req = match &call.body {
        Body::Empty => req,
        Body::Json(value) => req.json(value),
        Body::Xlsx(bytes) => req.header(header::CONTENT_TYPE, XLSX).body(bytes.clone()),
        Body::File { name, bytes } => req.multipart(file_form(name, "text/plain", bytes.clone())),
    };
    let answer = app.send(req).await;
    if call.path == "/api/v1/me/password"
        && let Some(role) = caller.role()
    {
        world.renew_token(role).await;
    }
    answer
}

/// A district user trying to make an administrator: refused, nothing written, and the
/// account cannot sign in.
#[tokio::test]
async fn district_creating_a_user_is_refused_and_nothing_is_written() {
    each_backend(reference_data(), async |app| {
        let admin = app.token("admin").await;
        let district = app.token("district").await;
        let (_, before) = app.get("/api/v1/users", &admin).await;
        let audit = app.audit_count().await;
        let (status, body) = app
            .call(
                Method::POST,
                "/api/v1/users",
                Some(&district),
                Some(json!({
                    "username": "sneaky", "display_name": "x", "password": "a-long-password",
                    "grants": [{"role": "admin", "scope": {"kind": "city"}}]
                })),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"]["code"], "forbidden");
        let (_, after) = app.get("/api/v1/users", &admin).await;
        assert_eq!(before["total"], after["total"]);
        assert_eq!(app.audit_count().await, audit);
        let (s, _) = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "sneaky", "password": "a-long-password"})),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
    })
    .await;
}
