//! The request as every hook receives it, let in by the permission hook of its screen.

use super::{Gate, PathIds, Place, Screen};
use crate::AppState;
use crate::context::Signed;
use crate::error::AppError;
use crate::i18n::Lang;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use dongneng_service::{Actor, Service};

/// What the permission hook of `K` hands out.
pub type Access<K> = <<K as Screen>::Gate as Gate>::Access;

/// A request the permission hook of `K` let in: as a handler argument it runs the hook
/// while the request is extracted, so before the body is read. Every later hook receives it.
pub struct Ctx<K: Screen> {
    pub app: AppState,
    pub s: Signed,
    pub path: PathIds,
    pub access: Access<K>,
}

impl<K: Screen> FromRequestParts<AppState> for Ctx<K> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, AppError> {
        let s = Signed::from_request_parts(parts, app).await?;
        let path = PathIds::from_request_parts(parts, app).await?;
        let access = K::Gate::access(app, &s, &path).await?;
        Ok(Ctx {
            app: app.clone(),
            s,
            path,
            access,
        })
    }
}

impl<K: Screen> Ctx<K> {
    pub fn lang(&self) -> Lang {
        self.s.ctx.lang
    }

    pub fn service(&self) -> &Service {
        &self.app.service
    }

    /// Who is asking.
    pub fn actor(&self) -> &Actor {
        &self.s.actor
    }

    /// The page `K` returns to.
    pub fn home(&self) -> Place {
        Place::new(self.path.fill(K::HOME)).anchor(K::ANCHOR)
    }
}
