//! The policy form (`/policies/new`, `/policies/{id}/edit`: title, 文号, issuing departments,
//! dates, industries, measures one per line) and the fund form (`/funds/new`,
//! `/funds/{id}/edit`: amounts in 万元).

use super::{ManageFund, ManagePolicy, RecordFunds, RecordPolicies};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::pages::form::{Create, Ctx, Edit, Form, FormData, FormField, Place, Screen, choices};
use crate::pages::profiles::Depts;
use crate::pages::projects::Names;
use dongneng_domain::FieldErrors;
use dongneng_domain::clock;
use dongneng_domain::money::Money;
use dongneng_domain::policies::{FundInput, FundKind, PolicyInput};
use dongneng_service::ServiceError;

/// A new policy.
pub struct NewPolicy;

impl Screen for NewPolicy {
    type Gate = RecordPolicies;
    const AREA: &'static str = "policies";
    const HOME: &'static str = "/policies";
}

/// The change of policy `{id}`.
pub struct PolicyForm;

impl Screen for PolicyForm {
    type Gate = ManagePolicy;
    const AREA: &'static str = "policies";
    const HOME: &'static str = "/policies/{id}";
}

/// A new fund.
pub struct NewFund;

impl Screen for NewFund {
    type Gate = RecordFunds;
    const AREA: &'static str = "policies";
    const HOME: &'static str = "/funds";
}

/// The change of fund `{id}`.
pub struct FundForm;

impl Screen for FundForm {
    type Gate = ManageFund;
    const AREA: &'static str = "policies";
    const HOME: &'static str = "/funds/{id}";
}

/// A field labelled from the policies' own section of the catalogue.
fn own(lang: Lang, mut f: FormField) -> FormField {
    f.label = lang.t(&format!("policies.field.{}", f.name));
    f
}

fn read_policy(f: &FormData) -> (PolicyInput, FieldErrors) {
    let mut errs = FieldErrors::new();
    let input = PolicyInput {
        title: f.get("title"),
        doc_number: f.get("doc_number"),
        issued_on: f.required_date("issued_on", &mut errs),
        valid_from: f.required_date("valid_from", &mut errs),
        valid_to: f.date("valid_to", &mut errs),
        department_ids: f.ids("department_ids", &mut errs),
        industry_ids: f.ids("industry_ids", &mut errs),
        measures: f.get("measures").lines().map(str::to_string).collect(),
        summary: f.get("summary"),
    };
    (input, errs)
}

async fn policy_fields<K: Screen>(c: &Ctx<K>, d: &PolicyInput) -> AppResult<Vec<FormField>> {
    let lang = c.lang();
    let names = Names::load(&c.app, &c.s).await?;
    let depts = Depts::load(&c.app, &c.s.actor).await?;
    let set = |d: chrono::NaiveDate| (d != chrono::NaiveDate::default()).then_some(d);
    let fields = vec![
        FormField::text(lang, "title", &d.title).required(),
        FormField::text(lang, "doc_number", &d.doc_number).required(),
        FormField::date(lang, "issued_on", set(d.issued_on)).required(),
        FormField::date(lang, "valid_from", set(d.valid_from)).required(),
        FormField::date(lang, "valid_to", d.valid_to),
        FormField::multi(
            lang,
            "department_ids",
            depts.in_use(lang, &d.department_ids),
            &d.department_ids,
        )
        .required(),
        FormField::multi(
            lang,
            "industry_ids",
            names.industry_options(),
            &d.industry_ids,
        )
        .required(),
        FormField::textarea(lang, "measures", &d.measures.join("\n"))
            .hint(lang.t("policies.measures_hint")),
        FormField::textarea(lang, "summary", &d.summary),
    ];
    Ok(fields.into_iter().map(|f| own(lang, f)).collect())
}

impl Form for NewPolicy {
    type Draft = PolicyInput;

    fn read(f: &FormData) -> (PolicyInput, FieldErrors) {
        read_policy(f)
    }

    fn rules(d: &PolicyInput) -> FieldErrors {
        let mut d = d.clone();
        d.tidy();
        d.validate().err().unwrap_or_default()
    }

    async fn fields(c: &Ctx<Self>, d: &PolicyInput) -> AppResult<Vec<FormField>> {
        policy_fields(c, d).await
    }
}

impl Create for NewPolicy {
    const COLLECTION: &'static str = "/policies";
    const NEW_TITLE: &'static str = "policies.new_policy";

    async fn blank(c: &Ctx<Self>) -> AppResult<PolicyInput> {
        let today = clock::today();
        // A department records the policies it issues: its own department to start with.
        let (industries, departments) = c.access.covered();
        Ok(PolicyInput {
            title: String::new(),
            doc_number: String::new(),
            issued_on: today,
            valid_from: today,
            valid_to: None,
            department_ids: departments,
            industry_ids: if industries.len() == 1 {
                industries
            } else {
                vec![]
            },
            measures: vec![],
            summary: String::new(),
        })
    }

    async fn create(c: &Ctx<Self>, d: PolicyInput) -> Result<Place, ServiceError> {
        let p = c.access.create_policy(d).await?;
        Ok(Place::new(format!("/policies/{}", p.id)))
    }
}

impl Form for PolicyForm {
    type Draft = PolicyInput;

    fn read(f: &FormData) -> (PolicyInput, FieldErrors) {
        read_policy(f)
    }

    fn rules(d: &PolicyInput) -> FieldErrors {
        let mut d = d.clone();
        d.tidy();
        d.validate().err().unwrap_or_default()
    }

    async fn fields(c: &Ctx<Self>, d: &PolicyInput) -> AppResult<Vec<FormField>> {
        policy_fields(c, d).await
    }
}

impl Edit for PolicyForm {
    const RECORD: &'static str = "/policies/{id}/edit";
    const EDIT_TITLE: &'static str = "policies.edit_policy";

    async fn load(c: &Ctx<Self>) -> Result<(PolicyInput, i64), ServiceError> {
        let p = c.access.current().await?;
        Ok((p.input(), p.version))
    }

    async fn update(c: &Ctx<Self>, version: i64, d: PolicyInput) -> Result<(), ServiceError> {
        c.access.update(version, d).await.map(drop)
    }
}

// ---------------------------------------------------------------- funds

fn read_fund(f: &FormData) -> (FundInput, FieldErrors) {
    let mut errs = FieldErrors::new();
    let kind = f.choice("kind", FundKind::parse, &mut errs);
    let input = FundInput {
        name: f.get("name"),
        kind: kind.unwrap_or(FundKind::Industry),
        parent_fund_id: f.opt_id("parent_fund_id", &mut errs),
        size: f.required_money("size", &mut errs),
        manager: f.get("manager"),
        established_on: f.date("established_on", &mut errs),
        provincial_applied: f.money("provincial_applied", &mut errs),
        provincial_won: f.money("provincial_won", &mut errs),
        industry_ids: f.ids("industry_ids", &mut errs),
        note: f.get("note"),
    };
    (input, errs)
}

fn money_text(m: Money) -> String {
    if m.0 == 0 {
        String::new()
    } else {
        m.wan_exact()
    }
}

async fn fund_fields<K: Screen>(c: &Ctx<K>, d: &FundInput) -> AppResult<Vec<FormField>> {
    let lang = c.lang();
    let names = Names::load(&c.app, &c.s).await?;
    let wan_hint = lang.t("policies.wan_hint");
    let fields = vec![
        FormField::text(lang, "name", &d.name).required(),
        FormField::one_of(
            lang,
            "kind",
            &d.kind.code(),
            choices(lang, "policies.fund_kind", FundKind::ALL, FundKind::code),
        ),
        FormField::number(
            lang,
            "parent_fund_id",
            &d.parent_fund_id.map(|i| i.to_string()),
        )
        .hint(lang.t("policies.parent_hint")),
        FormField::text(lang, "size", &money_text(d.size))
            .required()
            .hint(wan_hint.clone()),
        FormField::text(lang, "manager", &d.manager).required(),
        FormField::date(lang, "established_on", d.established_on),
        FormField::text(
            lang,
            "provincial_applied",
            &money_text(d.provincial_applied),
        )
        .hint(wan_hint.clone()),
        FormField::text(lang, "provincial_won", &money_text(d.provincial_won)).hint(wan_hint),
        FormField::multi(
            lang,
            "industry_ids",
            names.industry_options(),
            &d.industry_ids,
        )
        .required(),
        FormField::textarea(lang, "note", &d.note),
    ];
    Ok(fields.into_iter().map(|f| own(lang, f)).collect())
}

fn fund_rules(d: &FundInput) -> FieldErrors {
    let mut d = d.clone();
    d.tidy();
    d.validate().err().unwrap_or_default()
}

impl Form for NewFund {
    type Draft = FundInput;

    fn read(f: &FormData) -> (FundInput, FieldErrors) {
        read_fund(f)
    }

    fn rules(d: &FundInput) -> FieldErrors {
        fund_rules(d)
    }

    async fn fields(c: &Ctx<Self>, d: &FundInput) -> AppResult<Vec<FormField>> {
        fund_fields(c, d).await
    }
}

impl Create for NewFund {
    const COLLECTION: &'static str = "/funds";
    const NEW_TITLE: &'static str = "policies.new_fund";

    async fn blank(c: &Ctx<Self>) -> AppResult<FundInput> {
        let (industries, _) = c.access.covered();
        Ok(FundInput {
            name: String::new(),
            kind: FundKind::Industry,
            parent_fund_id: None,
            size: Money::ZERO,
            manager: String::new(),
            established_on: None,
            provincial_applied: Money::ZERO,
            provincial_won: Money::ZERO,
            industry_ids: if industries.len() == 1 {
                industries
            } else {
                vec![]
            },
            note: String::new(),
        })
    }

    async fn create(c: &Ctx<Self>, d: FundInput) -> Result<Place, ServiceError> {
        let f = c.access.create_fund(d).await?;
        Ok(Place::new(format!("/funds/{}", f.id)))
    }
}

impl Form for FundForm {
    type Draft = FundInput;

    fn read(f: &FormData) -> (FundInput, FieldErrors) {
        read_fund(f)
    }

    fn rules(d: &FundInput) -> FieldErrors {
        fund_rules(d)
    }

    async fn fields(c: &Ctx<Self>, d: &FundInput) -> AppResult<Vec<FormField>> {
        fund_fields(c, d).await
    }
}

impl Edit for FundForm {
    const RECORD: &'static str = "/funds/{id}/edit";
    const EDIT_TITLE: &'static str = "policies.edit_fund";

    async fn load(c: &Ctx<Self>) -> Result<(FundInput, i64), ServiceError> {
        let f = c.access.current().await?;
        Ok((f.input(), f.version))
    }

    async fn update(c: &Ctx<Self>, version: i64, d: FundInput) -> Result<(), ServiceError> {
        c.access.update(version, d).await.map(drop)
    }
}
