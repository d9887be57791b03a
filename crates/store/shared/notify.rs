//! Notifications written inside the transaction of the step they tell of (`notify`), to the
//! users a step concerns: a department's users, or whoever holds a permission over the record
//! (decided by the one permission table, `dongneng_domain::policy`). The actor is not told of
//! their own step.

use super::common::{Tx, map_err};
use super::users::grants_of;
use crate::Db;
use chrono::{DateTime, Utc};
use dongneng_domain::policy::{self, Permission};
use dongneng_domain::todo::NotificationKind;
use dongneng_store::{AuditBy, Recipient, StoreError};

type R<T> = Result<T, StoreError>;

/// Who a notification goes to.
#[derive(Debug, Clone)]
pub(crate) enum Audience {
    /// The users of a department.
    Department(i64),
    /// The users whose grant of the permission reaches a record of this district and industry
    /// (the office, the supervisor, the leaders in charge).
    Holders {
        permission: Permission,
        region_id: Option<i64>,
        industry_id: Option<i64>,
    },
    /// One user.
    User(i64),
    /// One user, by name (who raised a problem).
    Username(String),
}

/// What a notification says.
#[derive(Debug, Clone)]
pub(crate) struct Notice<'a> {
    pub kind: NotificationKind,
    pub record_type: &'a str,
    pub record_id: i64,
    /// The record's number and title.
    pub title: String,
    pub body: &'a str,
    pub link: String,
}

macro_rules! recipients_where {
    ($cond:literal) => {
        concat!(
            "select u.id as user_id, u.username, u.email from users u where ",
            $cond
        )
    };
}

/// The region and all regions above it.
async fn region_path(tx: &mut Tx, region: i64) -> R<Vec<i64>> {
    sqlx::query_scalar::<Db, i64>(
        "with recursive up(id, parent_id) as (select id, parent_id from regions where id = $1 \
         union all select r.id, r.parent_id from regions r join up on r.id = up.parent_id) \
         select id from up",
    )
    .bind(region)
    .fetch_all(&mut **tx)
    .await
    .map_err(map_err)
}

/// The active users an audience names.
async fn recipients(tx: &mut Tx, audience: &Audience) -> R<Vec<Recipient>> {
    match audience {
        Audience::Department(d) => sqlx::query_as::<Db, Recipient>(recipients_where!(
            "u.department_id = $1 and u.disabled = $2 order by u.id"
        ))
        .bind(d)
        .bind(false)
        .fetch_all(&mut **tx)
        .await
        .map_err(map_err),
        Audience::User(id) => {
            sqlx::query_as::<Db, Recipient>(recipients_where!("u.id = $1 and u.disabled = $2"))
                .bind(id)
                .bind(false)
                .fetch_all(&mut **tx)
                .await
                .map_err(map_err)
        }
        Audience::Username(name) => sqlx::query_as::<Db, Recipient>(recipients_where!(
            "u.username = $1 and u.disabled = $2"
        ))
        .bind(name)
        .bind(false)
        .fetch_all(&mut **tx)
        .await
        .map_err(map_err),
        Audience::Holders {
            permission,
            region_id,
            industry_id,
        } => {
            let roles = policy::roles_with(*permission);
            let mut qb = sqlx::QueryBuilder::<Db>::new(
                "select u.id as user_id, u.username, u.email from users u where u.disabled = ",
            );
            qb.push_bind(false).push(
                " and exists (select 1 from user_grants g where g.user_id = u.id and g.role in (",
            );
            let mut sep = qb.separated(", ");
            for r in roles {
                sep.push_bind(r.as_str());
            }
            qb.push(")) order by u.id");
            let users: Vec<Recipient> = qb
                .build_query_as()
                .fetch_all(&mut **tx)
                .await
                .map_err(map_err)?;
            let ids: Vec<i64> = users.iter().map(|u| u.user_id).collect();
            let grants = grants_of(&mut **tx, &ids).await?;
            let departments: Vec<(i64, Option<i64>)> = if ids.is_empty() {
                vec![]
            } else {
                let mut qb = sqlx::QueryBuilder::<Db>::new(
                    "select id, department_id from users where id in (",
                );
                let mut sep = qb.separated(", ");
                for id in &ids {
                    sep.push_bind(*id);
                }
                qb.push(")");
                qb.build_query_as()
                    .fetch_all(&mut **tx)
                    .await
                    .map_err(map_err)?
            };
            let path = match region_id {
                Some(r) => region_path(tx, *r).await?,
                None => vec![],
            };
            let mut grants_by_user: Vec<(i64, dongneng_domain::Grant)> = grants
                .into_iter()
                .filter_map(|g| {
                    let user = g.user_id;
                    g.into_grant().map(|g| (user, g))
                })
                .collect();
            grants_by_user.sort_by_key(|(u, _)| *u);
            Ok(users
                .into_iter()
                .filter(|u| {
                    let mine: Vec<dongneng_domain::Grant> = grants_by_user
                        .iter()
                        .filter(|(id, _)| *id == u.user_id)
                        .map(|(_, g)| g.clone())
                        .collect();
                    let department = departments
                        .iter()
                        .find(|(id, _)| *id == u.user_id)
                        .and_then(|(_, d)| *d);
                    policy::scope_for(&mine, department, *permission)
                        .is_some_and(|s| s.covers(&path, *industry_id))
                })
                .collect())
        }
    }
}

/// Writes the notice for every user the audiences name (once each, not the actor) in the
/// step's transaction; returns who was told.
pub(crate) async fn notify(
    tx: &mut Tx,
    notice: &Notice<'_>,
    audiences: &[Audience],
    by: &AuditBy,
    at: DateTime<Utc>,
) -> R<Vec<Recipient>> {
    let mut told: Vec<Recipient> = Vec::new();
    for a in audiences {
        for r in recipients(tx, a).await? {
            if Some(r.user_id) == by.user_id || told.iter().any(|t| t.user_id == r.user_id) {
                continue;
            }
            told.push(r);
        }
    }
    for r in &told {
        sqlx::query(
            "insert into notifications (user_id, kind, record_type, record_id, title, body, \
             link, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(r.user_id)
        .bind(notice.kind.code())
        .bind(notice.record_type)
        .bind(notice.record_id)
        .bind(&notice.title)
        .bind(notice.body)
        .bind(&notice.link)
        .bind(at)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    }
    Ok(told)
}
