//! The record ids of a page path.

use crate::error::AppError;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use dongneng_service::ServiceError;

/// The ids of a page path, in order: `/industries/{id}/alliances/{a}/members/{b}` gives
/// `[id, a, b]`, `/admin/regions/new` none. Anything that is not a positive integer names
/// no record: 404.
#[derive(Debug, Clone, Default)]
pub struct PathIds(Vec<i64>);

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

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let not_found = || AppError::Service(ServiceError::NotFound);
        let Path(raw): Path<Vec<(String, String)>> = Path::from_request_parts(parts, state)
            .await
            .map_err(|_| not_found())?;
        raw.into_iter()
            .map(|(_, v)| {
                v.parse::<i64>()
                    .ok()
                    .filter(|i| *i > 0)
                    .ok_or_else(not_found)
            })
            .collect::<Result<_, _>>()
            .map(PathIds)
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
