//! Accounts, their grants, sessions and login attempts.

use super::common::{Conn, Tx, begin_write, map_err, now, write_audit};
use super::versioned::{Expected, versioned_rows};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use dongneng_domain::paging::Page;
use dongneng_domain::role::{Grant, Role, ScopeKind, ScopeKindTag};
use dongneng_domain::user::UserUpdate;
use dongneng_store::{
    AuditBy, LoginRecord, NewSession, NewUserRecord, SessionRecord, StoreError, User, UserStore,
};
use sqlx::Row;

type R<T> = Result<T, StoreError>;

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    department_id: Option<i64>,
    disabled: bool,
    email: Option<String>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl UserRow {
    fn with_grants(self, grants: Vec<Grant>) -> User {
        User {
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            department_id: self.department_id,
            disabled: self.disabled,
            email: self.email,
            grants,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct GrantRow {
    pub(crate) user_id: i64,
    role: String,
    scope_kind: String,
    scope_ids: String,
}

impl GrantRow {
    pub(crate) fn into_grant(self) -> Option<Grant> {
        let role = Role::parse(&self.role)?;
        let ids: Vec<i64> = serde_json::from_str(&self.scope_ids).unwrap_or_default();
        let scope = match ScopeKindTag::parse(&self.scope_kind)? {
            ScopeKindTag::City => ScopeKind::City,
            ScopeKindTag::Regions => ScopeKind::Regions(ids),
            ScopeKindTag::Industries => ScopeKind::Industries(ids),
        };
        Some(Grant { role, scope })
    }
}

pub(crate) async fn grants_of<'e, E>(exec: E, user_ids: &[i64]) -> R<Vec<GrantRow>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    if user_ids.is_empty() {
        return Ok(vec![]);
    }
    let mut qb = sqlx::QueryBuilder::<Db>::new(
        "select user_id, role, scope_kind, scope_ids from user_grants where user_id in (",
    );
    let mut sep = qb.separated(", ");
    for id in user_ids {
        sep.push_bind(*id);
    }
    qb.push(") order by id");
    qb.build_query_as::<GrantRow>()
        .fetch_all(exec)
        .await
        .map_err(map_err)
}

fn attach(rows: Vec<UserRow>, grants: Vec<GrantRow>) -> Vec<User> {
    rows.into_iter()
        .map(|u| {
            let id = u.id;
            let g = grants
                .iter()
                .filter(|g| g.user_id == id)
                .filter_map(|g| {
                    GrantRow {
                        user_id: g.user_id,
                        role: g.role.clone(),
                        scope_kind: g.scope_kind.clone(),
                        scope_ids: g.scope_ids.clone(),
                    }
                    .into_grant()
                })
                .collect();
            u.with_grants(g)
        })
        .collect()
}

versioned_rows!(User);

async fn load_user(conn: &mut Conn, id: i64) -> R<Option<User>> {
    let row = sqlx::query_as::<Db, UserRow>(
        "select id, username, display_name, department_id, disabled, email, version, created_at, \
         updated_at from users where id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .map_err(map_err)?;
    let Some(row) = row else { return Ok(None) };
    let grants = grants_of(&mut *conn, &[id]).await?;
    Ok(attach(vec![row], grants).pop())
}

async fn replace_grants(tx: &mut Tx, user_id: i64, grants: &[Grant]) -> R<()> {
    sqlx::query("delete from user_grants where user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    for g in grants {
        let ids = serde_json::to_string(g.scope.ids()).unwrap_or_else(|_| "[]".into());
        sqlx::query(
            "insert into user_grants (user_id, role, scope_kind, scope_ids) \
             values ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(g.role.as_str())
        .bind(g.scope.tag().as_str())
        .bind(ids)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    }
    Ok(())
}

/// Ends every session of the user (disabled, or a new password).
async fn end_sessions(tx: &mut Tx, user_id: i64) -> R<()> {
    sqlx::query("delete from sessions where user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    Ok(())
}

#[async_trait]
impl UserStore for BackendStore {
    async fn list_users(&self, page: Page) -> R<(Vec<User>, i64)> {
        let total: i64 = sqlx::query_scalar::<Db, i64>("select count(*) from users")
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        let rows = sqlx::query_as::<Db, UserRow>(
            "select id, username, display_name, department_id, disabled, email, version, created_at, \
             updated_at from users order by id limit $1 offset $2",
        )
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let grants = grants_of(&self.pool, &ids).await?;
        Ok((attach(rows, grants), total))
    }

    async fn get_user(&self, id: i64) -> R<Option<User>> {
        let mut conn = self.pool.acquire().await.map_err(map_err)?;
        load_user(&mut conn, id).await
    }

    async fn find_login(&self, username: &str) -> R<Option<LoginRecord>> {
        let row = sqlx::query("select id, password_hash, disabled from users where username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(row.map(|r| LoginRecord {
            id: r.get("id"),
            password_hash: r.get("password_hash"),
            disabled: r.get("disabled"),
        }))
    }

    async fn create_user(&self, user: &NewUserRecord, by: &AuditBy) -> R<User> {
        let mut tx = begin_write(&self.pool).await?;
        let t = now();
        let id: i64 = sqlx::query_scalar::<Db, i64>(
            "insert into users (username, display_name, department_id, password_hash, disabled, \
             email, version, created_at, updated_at) values ($1, $2, $3, $4, false, $6, 1, $5, \
             $5) returning id",
        )
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(user.department_id)
        .bind(&user.password_hash)
        .bind(t)
        .bind(&user.email)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        replace_grants(&mut tx, id, &user.grants).await?;
        let created = load_user(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "user",
            Some(id),
            None::<&()>,
            Some(&created),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(created)
    }

    async fn update_user(
        &self,
        id: i64,
        version: i64,
        update: &UserUpdate,
        by: &AuditBy,
    ) -> R<User> {
        let mut tx = begin_write(&self.pool).await?;
        let at = Expected { id, version };
        let before = at.check(load_user(&mut tx, id).await?)?;
        at.write(
            &mut tx,
            "update users set display_name = $3, department_id = $4, disabled = $5, \
             version = version + 1, updated_at = $6, email = $7 where id = $1 and version = $2",
            |q| {
                q.bind(&update.display_name)
                    .bind(update.department_id)
                    .bind(update.disabled)
                    .bind(now())
                    .bind(&update.email)
            },
        )
        .await?;
        replace_grants(&mut tx, id, &update.grants).await?;
        if update.disabled {
            end_sessions(&mut tx, id).await?;
        }
        let after = load_user(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        write_audit(
            &mut tx,
            by,
            "update",
            "user",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn set_password(&self, id: i64, password_hash: &str, by: &AuditBy) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let n = sqlx::query(
            "update users set password_hash = $2, version = version + 1, updated_at = $3 \
             where id = $1",
        )
        .bind(id)
        .bind(password_hash)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        end_sessions(&mut tx, id).await?;
        // The hash itself never enters the audit trail.
        write_audit(
            &mut tx,
            by,
            "set_password",
            "user",
            Some(id),
            None::<&()>,
            None::<&()>,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }

    async fn count_users(&self) -> R<i64> {
        sqlx::query_scalar::<Db, i64>("select count(*) from users")
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)
    }

    async fn create_session(&self, s: &NewSession) -> R<()> {
        sqlx::query(
            "insert into sessions (token_hash, user_id, kind, csrf_token, created_at, \
             idle_expires_at, expires_at, ip, user_agent) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&s.token_hash)
        .bind(s.user_id)
        .bind(s.kind.as_str())
        .bind(&s.csrf_token)
        .bind(s.created_at)
        .bind(s.idle_expires_at)
        .bind(s.expires_at)
        .bind(&s.ip)
        .bind(&s.user_agent)
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn find_session(&self, token_hash: &str, at: DateTime<Utc>) -> R<Option<SessionRecord>> {
        let row = sqlx::query(
            "select s.id, s.kind, s.csrf_token, s.idle_expires_at, s.expires_at, s.user_id \
             from sessions s join users u on u.id = s.user_id \
             where s.token_hash = $1 and s.expires_at > $2 and s.idle_expires_at > $2 \
             and u.disabled = false",
        )
        .bind(token_hash)
        .bind(at)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        let Some(row) = row else { return Ok(None) };
        let user_id: i64 = row.get("user_id");
        let Some(user) = self.get_user(user_id).await? else {
            return Ok(None);
        };
        Ok(Some(SessionRecord {
            id: row.get("id"),
            kind: row.get("kind"),
            csrf_token: row.get("csrf_token"),
            idle_expires_at: row.get("idle_expires_at"),
            expires_at: row.get("expires_at"),
            user,
        }))
    }

    async fn touch_session(&self, id: i64, idle_expires_at: DateTime<Utc>) -> R<()> {
        sqlx::query("update sessions set idle_expires_at = $2 where id = $1")
            .bind(id)
            .bind(idle_expires_at)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn delete_session(&self, token_hash: &str) -> R<()> {
        sqlx::query("delete from sessions where token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn delete_expired_sessions(&self, at: DateTime<Utc>) -> R<u64> {
        let r = sqlx::query("delete from sessions where expires_at <= $1 or idle_expires_at <= $1")
            .bind(at)
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(r.rows_affected())
    }
}
