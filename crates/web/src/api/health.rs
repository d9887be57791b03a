use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the database answers, `unavailable` when not.
    pub status: &'static str,
}

/// Liveness with a database round trip: 200 when the database answers, 503 when not.
#[utoipa::path(get, path = "/healthz", tag = "operations", security(),
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn healthz(State(app): State<AppState>) -> (StatusCode, Json<Health>) {
    match app.service.ping().await {
        Ok(()) => (StatusCode::OK, Json(Health { status: "ok" })),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "unavailable",
                }),
            )
        }
    }
}
