//! Where a form returns, and the one-line notice the page there shows: a save, a delete, or
//! a delete refused because someone changed the record first. The notice rides in the query
//! of the redirect (`?saved=1`), so reloading the page does not repeat the action.

use crate::i18n::Lang;
use axum::extract::OptionalFromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use std::convert::Infallible;

/// A page a form returns to: a path and, on a long page, the section to scroll to.
pub struct Place {
    path: String,
    anchor: Option<&'static str>,
}

impl Place {
    pub fn new(path: impl Into<String>) -> Place {
        Place {
            path: path.into(),
            anchor: None,
        }
    }

    pub fn anchor(mut self, anchor: Option<&'static str>) -> Place {
        self.anchor = anchor;
        self
    }

    /// The link to it (a form's "cancel").
    pub fn href(&self) -> String {
        format!("{}{}", self.path, self.fragment())
    }

    fn fragment(&self) -> String {
        self.anchor.map(|a| format!("#{a}")).unwrap_or_default()
    }
}

/// What the last form did, shown once on the page it returned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    Saved,
    Deleted,
    /// A delete refused: the record changed after the confirmation was shown.
    Conflict,
}

impl Notice {
    /// In the order a page looks for them.
    const ALL: [Notice; 3] = [Notice::Saved, Notice::Deleted, Notice::Conflict];

    fn param(self) -> &'static str {
        match self {
            Notice::Saved => "saved",
            Notice::Deleted => "deleted",
            Notice::Conflict => "conflict",
        }
    }

    pub fn text(self, lang: Lang) -> String {
        lang.t(match self {
            Notice::Saved => "common.saved",
            Notice::Deleted => "common.deleted",
            Notice::Conflict => "error.conflict",
        })
    }

    /// A redirect (303) to `place`, which will show this notice.
    pub fn redirect(self, place: &Place) -> Response {
        Redirect::to(&format!(
            "{}?{}=1{}",
            place.path,
            self.param(),
            place.fragment()
        ))
        .into_response()
    }
}

/// A handler argument `Option<Notice>`: the notice the query carries, if any.
impl<S: Send + Sync> OptionalFromRequestParts<S> for Notice {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Infallible> {
        let given: Vec<(String, String)> =
            form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
                .filter(|(_, v)| !v.trim().is_empty())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
        Ok(Notice::ALL
            .into_iter()
            .find(|n| given.iter().any(|(k, _)| k == n.param())))
    }
}
