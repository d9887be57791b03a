//! How a part of an industry's profile becomes a form of the engine. Every part says what
//! [`Part`] asks — its paths, fields, where it is in the loaded profile — and [`PartForm`]
//! gives it new, edit and delete with confirmation, back to its section of the profile page.
//! The service's [`ProfilePart`] (on the same input type) checks and saves it.

use super::{Depts, EditProfile};
use crate::AppState;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pages::form::{
    self, Create, Ctx, Delete, Edit, Form, FormData, FormField, PathIds, Place, Screen,
};
use axum::Router;
use dongneng_domain::FieldErrors;
use dongneng_service::ServiceError;
use dongneng_service::profiles::{ProfilePart, Under};
use dongneng_store::IndustryProfile;
use std::marker::PhantomData;

/// Where a part sits in its industry: its alliance or work plan (nested parts), and its own
/// id (not on a "new" form).
pub(super) struct At {
    pub parent: Option<i64>,
    pub id: Option<i64>,
}

impl At {
    fn of<P: Part>(path: &PathIds) -> Result<At, ServiceError> {
        let (parent, id) = if P::Under::NESTED {
            (path.get(1), path.get(2))
        } else {
            (None, path.get(1))
        };
        path.id(0)?;
        Ok(At { parent, id })
    }

    /// The alliance or work plan a nested part is under.
    fn under<P: Part>(&self) -> Result<P::Under, ServiceError> {
        P::Under::named(self.parent)
    }

    fn id(&self) -> Result<i64, ServiceError> {
        self.id.ok_or(ServiceError::NotFound)
    }
}

/// The context the hooks of a part receive.
type PartCtx<P> = Ctx<PartForm<P>>;

/// One editable part of the profile: its form. Whether it sits under an alliance or a work
/// plan (its paths name the parent as `{a}`) the service's part says.
pub(super) trait Part: ProfilePart + Clone {
    /// Where the "new" form posts; nested parts name the parent as `{a}`.
    const COLLECTION: &'static str;
    /// A record's path.
    const RECORD: &'static str;
    const NEW_TITLE: &'static str;
    const EDIT_TITLE: &'static str;
    /// The section of the profile page to return to.
    const ANCHOR: &'static str;

    fn blank() -> Self;
    fn read(f: &FormData) -> (Self, FieldErrors);
    fn fields(&self, lang: Lang, depts: &Depts) -> Vec<FormField>;
    /// The record `at` names, as input, with its version.
    fn find(p: &IndustryProfile, at: &At) -> Option<(Self, i64)>;
    /// Whether the parent of a nested part exists in the profile.
    fn parent_exists(_p: &IndustryProfile, _parent: i64) -> bool {
        true
    }
}

/// A part as a form of the engine.
pub(super) struct PartForm<P>(PhantomData<P>);

/// The new, edit and delete routes of a part.
pub(super) fn part_routes<P: Part>(r: Router<AppState>) -> Router<AppState> {
    let r = form::create_routes::<PartForm<P>>(r);
    let r = form::edit_routes::<PartForm<P>>(r);
    form::delete_routes::<PartForm<P>>(r)
}

/// The profile the part is in.
async fn profile<P: Part>(c: &PartCtx<P>) -> Result<IndustryProfile, ServiceError> {
    c.access.profile().await
}

impl<P: Part> Screen for PartForm<P> {
    type Gate = EditProfile;
    const AREA: &'static str = "industries";
    const HOME: &'static str = "/industries/{id}";
    const ANCHOR: Option<&'static str> = Some(P::ANCHOR);
}

impl<P: Part> Form for PartForm<P> {
    type Draft = P;

    fn read(f: &FormData) -> (P, FieldErrors) {
        P::read(f)
    }

    async fn fields(c: &Ctx<Self>, d: &P) -> AppResult<Vec<FormField>> {
        let depts = Depts::load(&c.app, c.actor()).await?;
        Ok(d.fields(c.lang(), &depts))
    }

    /// The input's own rules, as the service runs them.
    fn rules(d: &P) -> FieldErrors {
        d.clone().clean().err().unwrap_or_default()
    }
}

impl<P: Part> Create for PartForm<P> {
    const COLLECTION: &'static str = P::COLLECTION;
    const NEW_TITLE: &'static str = P::NEW_TITLE;

    /// A nested part's form opens only under a parent that exists.
    async fn blank(c: &Ctx<Self>) -> AppResult<P> {
        let at = At::of::<P>(&c.path)?;
        let p = profile(c).await?;
        if let Some(parent) = at.parent
            && !P::parent_exists(&p, parent)
        {
            return Err(ServiceError::NotFound.into());
        }
        Ok(P::blank())
    }

    async fn create(c: &Ctx<Self>, d: P) -> Result<Place, ServiceError> {
        let at = At::of::<P>(&c.path)?;
        c.access.create(at.under::<P>()?, d).await?;
        Ok(c.home())
    }
}

impl<P: Part> Edit for PartForm<P> {
    const RECORD: &'static str = P::RECORD;
    const EDIT_TITLE: &'static str = P::EDIT_TITLE;

    async fn load(c: &Ctx<Self>) -> Result<(P, i64), ServiceError> {
        let at = At::of::<P>(&c.path)?;
        at.id()?;
        let p = profile(c).await?;
        P::find(&p, &at).ok_or(ServiceError::NotFound)
    }

    async fn update(c: &Ctx<Self>, version: i64, d: P) -> Result<(), ServiceError> {
        let at = At::of::<P>(&c.path)?;
        let under = at.under::<P>()?;
        c.access.update(under, at.id()?, version, d).await.map(drop)
    }
}

impl<P: Part> Delete for PartForm<P> {
    const RECORD: &'static str = P::RECORD;
    const CONFIRM_TEXT: &'static str = "profile.delete_confirm_text";

    async fn doomed(c: &Ctx<Self>) -> AppResult<(Vec<(String, String)>, i64)> {
        form::facts_of(c).await
    }

    async fn delete(c: &Ctx<Self>, version: i64) -> Result<(), ServiceError> {
        let at = At::of::<P>(&c.path)?;
        let under = at.under::<P>()?;
        c.access.delete::<P>(under, at.id()?, version).await
    }
}
