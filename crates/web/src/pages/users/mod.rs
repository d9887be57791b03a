//! Account pages (list, new, edit with grants, password reset) and the audit trail page.

mod audit;
mod form;
mod list;

use crate::AppState;
use crate::pages::form::{act, create_routes, edit_routes};
use axum::Router;
use axum::routing::{get, post};
use form::{PasswordReset, UserForm};

pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route("/admin/users", get(list::users))
        .route("/admin/users/{id}/password", post(act::<PasswordReset>))
        .route("/admin/audit", get(audit::audit));
    create_routes::<UserForm>(edit_routes::<UserForm>(r))
}
