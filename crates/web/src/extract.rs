//! Small extractors shared by the API and the pages: the record ids of a path, query strings
//! whose errors name the parameter, and a body left unread until the handler holds its
//! capability.

use crate::error::AppError;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::response::IntoResponse;
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_service::ServiceError;
use serde::de::DeserializeOwned;
use std::convert::Infallible;

/// The record ids of a path, in order: `/industries/{id}/alliances/{a}/members/{b}` gives
/// `[id, a, b]`, a path without parameters none. Anything that is not a positive integer
/// names no record: 404. Pages whose paths vary (the form engine) take these.
#[derive(Debug, Clone, Default)]
pub struct PathIds(Vec<i64>);

/// The first `N` parameters of a path as record ids (all of them when `N` is `None`); the
/// one reader of ids behind [`PathIds`], [`Ids`] and [`Id`].
async fn read_ids(parts: &mut Parts, n: Option<usize>) -> Result<Vec<i64>, AppError> {
    let not_found = || AppError::Service(ServiceError::NotFound);
    let Path(raw): Path<Vec<(String, String)>> = Path::from_request_parts(parts, &())
        .await
        .map_err(|_| not_found())?;
    let n = n.unwrap_or(raw.len());
    if raw.len() < n {
        return Err(not_found());
    }
    raw.into_iter()
        .take(n)
        .map(|(_, v)| {
            v.parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(not_found)
        })
        .collect()
}

impl PathIds {
    pub fn get(&self, i: usize) -> Option<i64> {
        self.0.get(i).copied()
    }

    /// The id at position `i`, or 404.
    pub fn id(&self, i: usize) -> Result<i64, ServiceError> {
        self.get(i).ok_or(ServiceError::NotFound)
    }

    /// `pattern` (a route such as `/industries/{id}/experts/{a}`) with its placeholders
    /// replaced by the ids, in order.
    pub fn fill(&self, pattern: &str) -> String {
        let mut out = String::with_capacity(pattern.len());
        let mut ids = self.0.iter();
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            out.push_str(&rest[..open]);
            match ids.next() {
                Some(id) => out.push_str(&id.to_string()),
                None => out.push_str(&rest[open..=open + close]),
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PathIds(read_ids(parts, None).await?))
    }
}

/// The record ids of a path whose first `N` parameters are ids (`/industries/{id}/experts/
/// {expert_id}`); parameters after them (a year, a kind) are the handler's to read.
pub struct Ids<const N: usize>(pub [i64; N]);

impl<S: Send + Sync, const N: usize> FromRequestParts<S> for Ids<N> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ids = read_ids(parts, Some(N)).await?;
        let mut out = [0i64; N];
        out.copy_from_slice(&ids);
        Ok(Ids(out))
    }
}

/// The record id of a path with one: its first parameter, as [`Ids`] reads it.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Ids([id]) = Ids::<1>::from_request_parts(parts, state).await?;
        Ok(Id(id))
    }
}

/// A request body not yet read. A handler first obtains its capability from the service, so
/// a caller the service refuses is answered 403 before its body is read or validated; then
/// it reads the body with the extractor it needs: `body.read::<Versioned<T>>().await?`.
/// Must be the handler's last argument.
pub struct Unread(Request);

impl<S: Send + Sync> FromRequest<S> for Unread {
    type Rejection = Infallible;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Unread(req))
    }
}

impl Unread {
    /// Reads the body as `T` (size limits and content checks as `T` applies them).
    pub async fn read<T: FromRequest<()>>(self) -> Result<T, T::Rejection> {
        T::from_request(self.0, &()).await
    }
}

/// A route's body limit, enforced twice: a body whose declared length (`Content-Length`) is
/// over it is refused with 413 before a byte of it is read, and one sent without a length
/// (chunked) is cut off at the limit as it is read (`DefaultBodyLimit`). Every route that takes
/// more than the server-wide limit (imports, file uploads) uses this.
pub fn limited<S>(r: axum::routing::MethodRouter<S>, limit: usize) -> axum::routing::MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    r.layer(axum::extract::DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn(
            move |req: Request, next: axum::middleware::Next| async move {
                if declared_over(req.headers(), limit) {
                    return crate::error::AppError::PayloadTooLarge.into_response();
                }
                next.run(req).await
            },
        ))
}

/// Whether a request declares a body longer than `limit`.
pub fn declared_over(headers: &axum::http::HeaderMap, limit: usize) -> bool {
    headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > limit as u64)
}

/// Query parameters of type `T`; a bad value is a 422 naming the parameter.
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        // Empty values mean "not given", as browsers send them for untouched filter fields.
        let pairs: Vec<(String, String)> = form_urlencoded::parse(q.as_bytes())
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let cleaned = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(cleaned.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| {
                let path = e.path().to_string();
                let msg = e.inner().to_string();
                let field = if path.is_empty() || path == "." {
                    msg.split('`').nth(1).unwrap_or("query").to_string()
                } else {
                    path
                };
                AppError::from(FieldErrors(vec![
                    FieldError::new(field, "invalid_type").with("detail", msg),
                ]))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::PathIds;

    #[test]
    fn fills_placeholders_in_order() {
        let p = PathIds(vec![3, 7, 9]);
        assert_eq!(
            p.fill("/industries/{id}/alliances/{a}/members"),
            "/industries/3/alliances/7/members"
        );
        assert_eq!(
            p.fill("/industries/{id}/alliances/{a}/members/{b}/delete"),
            "/industries/3/alliances/7/members/9/delete"
        );
        assert_eq!(PathIds::default().fill("/admin/regions"), "/admin/regions");
    }
}
