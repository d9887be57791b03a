//! Changing supervision items: the supervisor issues ([`SupervisionIssuer`]), edits and closes
//! (销号, with evidence: [`SupervisionManager`]) — only the supervisor; a unit replies
//! ([`SupervisionReplier`], narrowed to its own department); files are attached by the
//! supervisor (evidence) or a unit ([`SupervisionAttacher`]).

use super::flag;
use crate::Service;
use crate::access::Access;
use crate::actor::Actor;
use crate::error::{Result, ServiceError};
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::clock;
use dongneng_domain::policy::Permission;
use dongneng_domain::problem;
use dongneng_domain::supervision::{SupervisionInput, SupervisionSubject};
use dongneng_domain::{FieldError, FieldErrors};
use dongneng_store::{
    SupervisionChange, SupervisionFields, SupervisionFile, SupervisionItem, SupervisionStep,
};

impl Service {
    /// Issues supervision items: the supervisor.
    pub fn supervision_issuer(&self, actor: &Actor) -> Result<SupervisionIssuer> {
        Ok(SupervisionIssuer(
            self.grant(actor, Permission::ManageSupervision)?,
        ))
    }

    /// Edits and closes item `id`: the supervisor.
    pub async fn supervision_manager(&self, actor: &Actor, id: i64) -> Result<SupervisionManager> {
        let (access, item) = self
            .supervision_grant(actor, Permission::ManageSupervision, id)
            .await?;
        Ok(SupervisionManager(Held { access, item }))
    }

    /// Replies to item `id` for the actor's department, when it is one of the item's units.
    pub async fn supervision_replier(&self, actor: &Actor, id: i64) -> Result<SupervisionReplier> {
        let access = self.grant(actor, Permission::ReplySupervision)?;
        let item = self
            .store()
            .get_supervision(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let unit = item
            .unit_ids
            .iter()
            .copied()
            .find(|u| access.scope().departments.contains(u))
            .ok_or(ServiceError::Forbidden)?;
        Ok(SupervisionReplier {
            held: Held { access, item },
            unit,
        })
    }

    /// Attaches files to item `id`: the supervisor (evidence), or a unit (for its reply).
    pub async fn supervision_attacher(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<SupervisionAttacher> {
        match self.supervision_manager(actor, id).await {
            Ok(m) => Ok(SupervisionAttacher {
                held: m.0,
                unit: None,
            }),
            Err(ServiceError::NotFound) => Err(ServiceError::NotFound),
            Err(_) => {
                let r = self.supervision_replier(actor, id).await?;
                Ok(SupervisionAttacher {
                    held: r.held,
                    unit: Some(r.unit),
                })
            }
        }
    }

    /// The item's fields with its references checked: the problem it supervises (its
    /// industry and district by default, and no others), the units (existing, not disabled),
    /// the industry and the district; a deadline not before `issued`.
    async fn supervision_fields(
        &self,
        mut input: SupervisionInput,
        issued: NaiveDate,
    ) -> Result<SupervisionFields> {
        input.tidy();
        input.validate(issued)?;
        let store = self.store();
        let mut errs = FieldErrors::new();
        let (mut industry, mut region, mut problem_id) = (input.industry_id, input.region_id, None);
        if input.subject == SupervisionSubject::Problem
            && let Some(pid) = input.subject_id
        {
            match store.get_problem(pid).await? {
                None => errs.add("subject_id", "unknown_reference"),
                Some(p) => {
                    if industry.is_some_and(|i| i != p.industry_id) {
                        errs.add("industry_id", "subject_mismatch");
                    }
                    if region.is_some_and(|r| r != p.region_id) {
                        errs.add("region_id", "subject_mismatch");
                    }
                    (industry, region, problem_id) =
                        (Some(p.industry_id), Some(p.region_id), Some(pid));
                }
            }
        }
        if let Some(i) = industry
            && store.get_industry(i).await?.is_none()
        {
            errs.push(FieldError::new("industry_id", "unknown_reference"));
        }
        if let Some(r) = region
            && store.get_region(r).await?.is_none()
        {
            errs.push(FieldError::new("region_id", "unknown_reference"));
        }
        errs.into_result()?;
        let units: Vec<(String, i64)> = input
            .unit_ids
            .iter()
            .map(|u| ("unit_ids".to_string(), *u))
            .collect();
        self.check_assignable(&units).await?;
        Ok(SupervisionFields {
            title: input.title,
            requirement: input.requirement,
            subject: input.subject,
            subject_id: input.subject_id,
            problem_id,
            industry_id: industry,
            region_id: region,
            deadline: input.deadline,
            unit_ids: input.unit_ids,
        })
    }
}

/// Issues supervision items.
pub struct SupervisionIssuer(Access);

impl SupervisionIssuer {
    /// Issues an item, numbered in its year (督办〔2026〕12号).
    pub async fn issue(&self, input: SupervisionInput) -> Result<SupervisionItem> {
        self.issue_at(input, clock::now()).await
    }

    /// Issues an item as of `at` (the demo's past).
    pub(crate) async fn issue_at(
        &self,
        input: SupervisionInput,
        at: DateTime<Utc>,
    ) -> Result<SupervisionItem> {
        let svc = self.0.svc();
        let fields = svc.supervision_fields(input, clock::day_of(at)).await?;
        let department = self.0.actor().user().department_id;
        let mut item = svc
            .store()
            .create_supervision(&fields, department, at, &self.0.by())
            .await?;
        flag(&mut item, clock::today());
        Ok(item)
    }
}

/// An item held at the version its capability read, with the grant over it.
struct Held {
    access: Access,
    item: SupervisionItem,
}

impl Held {
    /// The item, when the caller read this version (409) and it is not closed.
    fn open_at(&self, version: i64) -> Result<&SupervisionItem> {
        if self.item.version != version {
            return Err(ServiceError::Conflict);
        }
        self.item.state.refuse_if_closed()?;
        Ok(&self.item)
    }

    async fn change(
        &self,
        version: i64,
        step: SupervisionStep,
        at: DateTime<Utc>,
    ) -> Result<SupervisionItem> {
        let change = SupervisionChange { step, at };
        let (store, by) = (self.access.store(), self.access.by());
        let mut item = store
            .change_supervision(self.item.id, version, &change, &by)
            .await?;
        flag(&mut item, clock::today());
        Ok(item)
    }
}

/// The supervisor's hold on one item: edit it, close it (销号) with evidence.
pub struct SupervisionManager(Held);

impl SupervisionManager {
    pub fn item(&self) -> &SupervisionItem {
        &self.0.item
    }

    pub async fn edit(&self, version: i64, input: SupervisionInput) -> Result<SupervisionItem> {
        let item = self.0.open_at(version)?;
        let issued = clock::day_of(item.issued_at);
        let fields = self
            .0
            .access
            .svc()
            .supervision_fields(input, issued)
            .await?;
        self.0
            .change(version, SupervisionStep::Edit(fields), clock::now())
            .await
    }

    /// Closes the item (销号) with the evidence it was done.
    pub async fn close(&self, version: i64, evidence: &str) -> Result<SupervisionItem> {
        self.close_at(version, evidence, clock::now()).await
    }

    pub(crate) async fn close_at(
        &self,
        version: i64,
        evidence: &str,
        at: DateTime<Utc>,
    ) -> Result<SupervisionItem> {
        self.0.open_at(version)?;
        let evidence = evidence.trim().to_string();
        problem::required_text("evidence", &evidence, 4000)?;
        self.0
            .change(version, SupervisionStep::Close { evidence }, at)
            .await
    }
}

/// A unit's reply to one item.
pub struct SupervisionReplier {
    held: Held,
    unit: i64,
}

impl SupervisionReplier {
    pub async fn reply(&self, version: i64, text: &str) -> Result<SupervisionItem> {
        self.reply_at(version, text, clock::now()).await
    }

    pub(crate) async fn reply_at(
        &self,
        version: i64,
        text: &str,
        at: DateTime<Utc>,
    ) -> Result<SupervisionItem> {
        self.held.open_at(version)?;
        let text = text.trim().to_string();
        problem::required_text("text", &text, 4000)?;
        let step = SupervisionStep::Reply {
            department_id: self.unit,
            text,
        };
        self.held.change(version, step, at).await
    }
}

/// Attaches files to one item: the supervisor's evidence or a unit's.
pub struct SupervisionAttacher {
    held: Held,
    unit: Option<i64>,
}

impl SupervisionAttacher {
    pub async fn upload(
        &self,
        file_name: Option<&str>,
        content_type: Option<&str>,
        content: Vec<u8>,
    ) -> Result<SupervisionFile> {
        self.held.item.state.refuse_if_closed()?;
        let file = crate::files::checked_upload(file_name, content_type, content)?;
        let (store, by) = (self.held.access.store(), self.held.access.by());
        Ok(store
            .add_supervision_file(self.held.item.id, self.unit, &file, &by)
            .await?)
    }
}
