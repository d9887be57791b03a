//! The one way a versioned record changes. The caller names the record and the version it
//! read ([`Expected`]). Inside the write transaction the record is read again — none: 404; at
//! another version: 409 — and then written by a statement guarded by that version (`… where
//! id = $1 and version = $2`), which finds no row when another writer got there in between:
//! 409 again. The audit row is written in the same transaction.
//!
//! Every versioned update and delete goes through [`Expected`], also the ones with steps of
//! their own (a user's grants, a project's derived figures). A kind of record with plain
//! create, update and delete says only what is particular to it — its statements and how its
//! input binds ([`Record`], and [`Editable`], [`Removable`], [`Child`] as it has them) — and
//! [`create`], [`create_child`], [`update`] and [`delete`] do the rest.

use super::common::{Conn, Tx, begin_write, map_err, now, write_audit};
use crate::Db;
use dongneng_store::{AuditBy, StoreError};
use serde::Serialize;
use std::future::Future;

type R<T> = Result<T, StoreError>;
type Args = <Db as sqlx::Database>::Arguments;
/// A statement returning rows of `T`.
pub(crate) type QueryOf<'q, T> = sqlx::query::QueryAs<'q, Db, T, Args>;
/// A statement whose rows, if any, are not read (its bound values are owned, encoded as they
/// are bound).
pub(crate) type Statement = sqlx::query::Query<'static, Db, Args>;

/// A stored row with its id and the version its writers name.
pub(crate) trait Versioned {
    fn id(&self) -> i64;
    fn version(&self) -> i64;
}

/// Implements [`Versioned`] for row types with `id` and `version` fields.
macro_rules! versioned_rows {
    ($($row:ty),+ $(,)?) => {
        $(impl $crate::shared::versioned::Versioned for $row {
            fn id(&self) -> i64 {
                self.id
            }
            fn version(&self) -> i64 {
                self.version
            }
        })+
    };
}
pub(crate) use versioned_rows;

/// The record a change is about, as its caller read it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expected {
    pub id: i64,
    pub version: i64,
}

impl Expected {
    /// The record as it was just read in this transaction.
    pub(crate) fn of<T: Versioned>(record: &T) -> Self {
        Expected {
            id: record.id(),
            version: record.version(),
        }
    }

    /// The record as it stands, read inside the change's transaction: none → 404, at another
    /// version than the caller read → 409.
    pub(crate) fn check<T: Versioned>(self, found: Option<T>) -> R<T> {
        match found {
            None => Err(StoreError::NotFound),
            Some(r) if r.version() != self.version => Err(StoreError::Conflict),
            Some(r) => Ok(r),
        }
    }

    /// Runs a guarded statement that returns the changed row: `sql` names the id as `$1` and
    /// the version as `$2`, `bind` binds the rest. No row: another writer changed the record
    /// after it was checked (PostgreSQL re-checks the condition after waiting for its lock),
    /// which is a conflict.
    pub(crate) async fn write_returning<'q, T>(
        self,
        tx: &mut Tx,
        sql: &'static str,
        bind: impl FnOnce(QueryOf<'q, T>) -> QueryOf<'q, T>,
    ) -> R<T>
    where
        T: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
    {
        bind(
            sqlx::query_as::<Db, T>(sql)
                .bind(self.id)
                .bind(self.version),
        )
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::Conflict)
    }

    /// Runs a guarded statement (an update or a delete) the same way, without a row back.
    pub(crate) async fn write(
        self,
        tx: &mut Tx,
        sql: &'static str,
        bind: impl FnOnce(Statement) -> Statement,
    ) -> R<()> {
        let done = bind(sqlx::query(sql).bind(self.id).bind(self.version))
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        Ok(())
    }
}

/// A kind of versioned record, read by id within its owners: the industry it belongs to and,
/// for a child, its parent. Owner keys make a record of another industry (or parent) simply
/// not found.
pub(crate) trait Record:
    Versioned + Serialize + for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Sync + Unpin
{
    /// Its name in the audit trail.
    const RECORD_TYPE: &'static str;
    /// Selects the record: its id as `$1`, its owner keys as `$2`….
    const SELECT: &'static str;

    /// Reads what is kept beside the row (a link table) into it.
    fn read_beside(&mut self, _conn: &mut Conn) -> impl Future<Output = R<()>> + Send {
        async { Ok(()) }
    }
}

/// A record created and updated from an input.
pub(crate) trait Editable: Record {
    /// What a writer supplies.
    type Input: Sync;
    /// Inserts the record, `returning` its columns: binds the owner keys, the input, the time.
    const INSERT: &'static str;
    /// Updates the record `where id = $1 and version = $2`, `returning` its columns: binds
    /// the id, the version, the input, the time.
    const UPDATE: &'static str;

    /// Binds the input's fields in the order both statements name them.
    fn bind<'q>(q: QueryOf<'q, Self>, input: &'q Self::Input) -> QueryOf<'q, Self>;

    /// Writes what is kept beside the row (a link table) from the input.
    fn write_beside(
        &self,
        _tx: &mut Tx,
        _input: &Self::Input,
    ) -> impl Future<Output = R<()>> + Send {
        async { Ok(()) }
    }
}

/// A record that can be deleted.
pub(crate) trait Removable: Record {
    /// Deletes the record `where id = $1 and version = $2`.
    const DELETE: &'static str;
    /// The child records the database deletes with it, which its audit row keeps too
    /// ([`NoChildren`] when there are none).
    type Children: Kept;
}

/// A record under a parent record (an alliance's member, a plan's file): its owner keys are the parent's and then the parent's id.
pub(crate) trait Child: Record {
    type Parent: Record;
    /// Selects the children of one parent (its id as `$1`).
    const OF_PARENT: &'static str;
}

/// What a deleted record's audit row keeps besides the record.
pub(crate) trait Kept: Serialize + Send + Sync + Sized {
    /// The rows under `parent`; `None` for a kind without children.
    fn under(tx: &mut Tx, parent: i64) -> impl Future<Output = R<Option<Vec<Self>>>> + Send;
}

/// The children of a record that has none.
#[derive(Serialize)]
pub(crate) struct NoChildren;

impl Kept for NoChildren {
    async fn under(_tx: &mut Tx, _parent: i64) -> R<Option<Vec<Self>>> {
        Ok(None)
    }
}

impl<C: Child> Kept for C {
    async fn under(tx: &mut Tx, parent: i64) -> R<Option<Vec<Self>>> {
        let rows = sqlx::query_as::<Db, C>(C::OF_PARENT)
            .bind(parent)
            .fetch_all(&mut **tx)
            .await
            .map_err(map_err)?;
        Ok(Some(rows))
    }
}

/// The record with this id among its owner's, if there is one.
pub(crate) async fn read<T: Record>(conn: &mut Conn, id: i64, owner: &[i64]) -> R<Option<T>> {
    let mut q = sqlx::query_as::<Db, T>(T::SELECT).bind(id);
    for key in owner {
        q = q.bind(*key);
    }
    let Some(mut row) = q.fetch_optional(&mut *conn).await.map_err(map_err)? else {
        return Ok(None);
    };
    row.read_beside(conn).await?;
    Ok(Some(row))
}

/// Creates a record of `owner` (none for reference data, the industry for a profile part).
pub(crate) async fn create<T: Editable>(
    pool: &sqlx::Pool<Db>,
    owner: &[i64],
    input: &T::Input,
    by: &AuditBy,
) -> R<T> {
    let mut tx = begin_write(pool).await?;
    let row = insert::<T>(&mut tx, owner, input, by).await?;
    tx.commit().await.map_err(map_err)?;
    Ok(row)
}

/// Creates a child record under `parent`, which must exist among `owner`'s records (404).
pub(crate) async fn create_child<T: Child + Editable>(
    pool: &sqlx::Pool<Db>,
    owner: &[i64],
    parent: i64,
    input: &T::Input,
    by: &AuditBy,
) -> R<T> {
    let mut tx = begin_write(pool).await?;
    exists::<T::Parent>(&mut tx, parent, owner).await?;
    let row = insert::<T>(&mut tx, &[owner, &[parent]].concat(), input, by).await?;
    tx.commit().await.map_err(map_err)?;
    Ok(row)
}

/// Fails with 404 unless the record is there.
pub(crate) async fn exists<T: Record>(tx: &mut Tx, id: i64, owner: &[i64]) -> R<()> {
    read::<T>(tx, id, owner)
        .await?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

/// Inserts a record of `owner` in this transaction, with its audit row.
pub(crate) async fn insert<T: Editable>(
    tx: &mut Tx,
    owner: &[i64],
    input: &T::Input,
    by: &AuditBy,
) -> R<T> {
    let mut q = sqlx::query_as::<Db, T>(T::INSERT);
    for key in owner {
        q = q.bind(*key);
    }
    let mut row = T::bind(q, input)
        .bind(now())
        .fetch_one(&mut **tx)
        .await
        .map_err(map_err)?;
    row.write_beside(tx, input).await?;
    row.read_beside(tx).await?;
    let (kind, id) = (T::RECORD_TYPE, Some(row.id()));
    write_audit(tx, by, "create", kind, id, None::<&()>, Some(&row)).await?;
    Ok(row)
}

/// Updates a record from an input (see the module's note for 404 and 409).
pub(crate) async fn update<T: Editable>(
    pool: &sqlx::Pool<Db>,
    owner: &[i64],
    at: Expected,
    input: &T::Input,
    by: &AuditBy,
) -> R<T> {
    let mut tx = begin_write(pool).await?;
    let before = at.check(read::<T>(&mut tx, at.id, owner).await?)?;
    let after = rewrite(&mut tx, before, input, by).await?;
    tx.commit().await.map_err(map_err)?;
    Ok(after)
}

/// Updates a record that was read and checked in this transaction, with its audit row.
pub(crate) async fn rewrite<T: Editable>(
    tx: &mut Tx,
    before: T,
    input: &T::Input,
    by: &AuditBy,
) -> R<T> {
    let at = Expected::of(&before);
    let mut after = at
        .write_returning(tx, T::UPDATE, |q| T::bind(q, input).bind(now()))
        .await?;
    after.write_beside(tx, input).await?;
    after.read_beside(tx).await?;
    let (kind, id) = (T::RECORD_TYPE, Some(at.id));
    write_audit(tx, by, "update", kind, id, Some(&before), Some(&after)).await?;
    Ok(after)
}

/// Deletes a record, and its children with it (the database cascades); its audit row keeps
/// what went.
pub(crate) async fn delete<T: Removable>(
    pool: &sqlx::Pool<Db>,
    owner: &[i64],
    at: Expected,
    by: &AuditBy,
) -> R<()> {
    let mut tx = begin_write(pool).await?;
    remove::<T>(&mut tx, owner, at, by).await?;
    tx.commit().await.map_err(map_err)
}

/// Deletes a record in this transaction, as [`delete`] does.
pub(crate) async fn remove<T: Removable>(
    tx: &mut Tx,
    owner: &[i64],
    at: Expected,
    by: &AuditBy,
) -> R<()> {
    let record = at.check(read::<T>(tx, at.id, owner).await?)?;
    // Read before the delete takes them along.
    let children = T::Children::under(tx, at.id).await?;
    at.write(tx, T::DELETE, |q| q).await?;
    let gone = Gone {
        record: &record,
        children,
    };
    let (kind, id) = (T::RECORD_TYPE, Some(at.id));
    write_audit(tx, by, "delete", kind, id, Some(&gone), None::<&()>).await
}

/// What the audit trail keeps of a deleted record: the record, and its children if its kind
/// has any (written as the record's fields plus `children`).
#[derive(Serialize)]
struct Gone<'a, T: Serialize, C: Serialize> {
    #[serde(flatten)]
    record: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    children: Option<Vec<C>>,
}
