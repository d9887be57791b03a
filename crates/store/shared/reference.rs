//! Regions, departments, industry groups, industries and report topics.

use super::common::{begin_write, map_err, missing_or_conflict, now, write_audit};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use dongneng_domain::reference::{DepartmentInput, IndustryGroupInput, IndustryInput, RegionInput};
use dongneng_store::{
    AuditBy, Department, Industry, IndustryGroup, Lookup, ReferenceStore, Region, StoreError,
};

type R<T> = Result<T, StoreError>;

/// The version was checked when the row was read; if the guarded update then finds no row,
/// another transaction changed it in between (PostgreSQL re-checks the condition after
/// waiting for it): that is a conflict, not a missing record.
fn moved_on(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::Conflict,
        other => map_err(other),
    }
}

#[async_trait]
impl ReferenceStore for BackendStore {
    async fn list_regions(&self) -> R<Vec<Region>> {
        sqlx::query_as::<Db, Region>(
            "select id, code, name_zh, name_en, short_name, kind, parent_id, sort_order, \
             version, created_at, updated_at from regions order by sort_order, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn get_region(&self, id: i64) -> R<Option<Region>> {
        sqlx::query_as::<Db, Region>(
            "select id, code, name_zh, name_en, short_name, kind, parent_id, sort_order, \
             version, created_at, updated_at from regions where id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_region(&self, input: &RegionInput, by: &AuditBy) -> R<Region> {
        let mut tx = begin_write(&self.pool).await?;
        let t = now();
        let row = sqlx::query_as::<Db, Region>(
            "insert into regions (code, name_zh, name_en, short_name, kind, parent_id, \
             sort_order, version, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) \
             returning id, code, name_zh, name_en, short_name, kind, parent_id, sort_order, \
             version, created_at, updated_at",
        )
        .bind(&input.code)
        .bind(&input.name_zh)
        .bind(&input.name_en)
        .bind(&input.short_name)
        .bind(&input.kind)
        .bind(input.parent_id)
        .bind(input.sort_order)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "region",
            Some(row.id),
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn update_region(
        &self,
        id: i64,
        version: i64,
        input: &RegionInput,
        by: &AuditBy,
    ) -> R<Region> {
        let mut tx = begin_write(&self.pool).await?;
        let before = sqlx::query_as::<Db, Region>(
            "select id, code, name_zh, name_en, short_name, kind, parent_id, sort_order, \
             version, created_at, updated_at from regions where id = $1 and version = $2",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let Some(before) = before else {
            return Err(missing_or_conflict(
                &mut tx,
                "select count(*) from regions where id = $1",
                id,
            )
            .await);
        };
        let after = sqlx::query_as::<Db, Region>(
            "update regions set code = $3, name_zh = $4, name_en = $5, short_name = $6, \
             kind = $7, parent_id = $8, sort_order = $9, version = version + 1, updated_at = $10 \
             where id = $1 and version = $2 \
             returning id, code, name_zh, name_en, short_name, kind, parent_id, sort_order, \
             version, created_at, updated_at",
        )
        .bind(id)
        .bind(version)
        .bind(&input.code)
        .bind(&input.name_zh)
        .bind(&input.name_en)
        .bind(&input.short_name)
        .bind(&input.kind)
        .bind(input.parent_id)
        .bind(input.sort_order)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(moved_on)?;
        write_audit(
            &mut tx,
            by,
            "update",
            "region",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn list_departments(&self) -> R<Vec<Department>> {
        sqlx::query_as::<Db, Department>(
            "select id, name_zh, name_en, short_name, kind, region_id, duties, version, \
             created_at, updated_at from departments order by id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn get_department(&self, id: i64) -> R<Option<Department>> {
        sqlx::query_as::<Db, Department>(
            "select id, name_zh, name_en, short_name, kind, region_id, duties, version, \
             created_at, updated_at from departments where id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_department(&self, input: &DepartmentInput, by: &AuditBy) -> R<Department> {
        let mut tx = begin_write(&self.pool).await?;
        let t = now();
        let row = sqlx::query_as::<Db, Department>(
            "insert into departments (name_zh, name_en, short_name, kind, region_id, duties, \
             version, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, 1, $7, $7) \
             returning id, name_zh, name_en, short_name, kind, region_id, duties, version, \
             created_at, updated_at",
        )
        .bind(&input.name_zh)
        .bind(&input.name_en)
        .bind(&input.short_name)
        .bind(&input.kind)
        .bind(input.region_id)
        .bind(&input.duties)
        .bind(t)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "department",
            Some(row.id),
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn update_department(
        &self,
        id: i64,
        version: i64,
        input: &DepartmentInput,
        by: &AuditBy,
    ) -> R<Department> {
        let mut tx = begin_write(&self.pool).await?;
        let before = sqlx::query_as::<Db, Department>(
            "select id, name_zh, name_en, short_name, kind, region_id, duties, version, \
             created_at, updated_at from departments where id = $1 and version = $2",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let Some(before) = before else {
            return Err(missing_or_conflict(
                &mut tx,
                "select count(*) from departments where id = $1",
                id,
            )
            .await);
        };
        let after = sqlx::query_as::<Db, Department>(
            "update departments set name_zh = $3, name_en = $4, short_name = $5, kind = $6, \
             region_id = $7, duties = $8, version = version + 1, updated_at = $9 \
             where id = $1 and version = $2 \
             returning id, name_zh, name_en, short_name, kind, region_id, duties, version, \
             created_at, updated_at",
        )
        .bind(id)
        .bind(version)
        .bind(&input.name_zh)
        .bind(&input.name_en)
        .bind(&input.short_name)
        .bind(&input.kind)
        .bind(input.region_id)
        .bind(&input.duties)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(moved_on)?;
        write_audit(
            &mut tx,
            by,
            "update",
            "department",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn list_industry_groups(&self) -> R<Vec<IndustryGroup>> {
        sqlx::query_as::<Db, IndustryGroup>(
            "select id, key, name_zh, name_en, sort_order, version, created_at, updated_at \
             from industry_groups order by sort_order, id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_industry_group(
        &self,
        input: &IndustryGroupInput,
        by: &AuditBy,
    ) -> R<IndustryGroup> {
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query_as::<Db, IndustryGroup>(
            "insert into industry_groups (key, name_zh, name_en, sort_order, version, \
             created_at, updated_at) values ($1, $2, $3, $4, 1, $5, $5) \
             returning id, key, name_zh, name_en, sort_order, version, created_at, updated_at",
        )
        .bind(&input.key)
        .bind(&input.name_zh)
        .bind(&input.name_en)
        .bind(input.sort_order)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "industry_group",
            Some(row.id),
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn get_industry_group(&self, id: i64) -> R<Option<IndustryGroup>> {
        sqlx::query_as::<Db, IndustryGroup>(
            "select id, key, name_zh, name_en, sort_order, version, created_at, updated_at \
             from industry_groups where id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn update_industry_group(
        &self,
        id: i64,
        version: i64,
        input: &IndustryGroupInput,
        by: &AuditBy,
    ) -> R<IndustryGroup> {
        let mut tx = begin_write(&self.pool).await?;
        let before = sqlx::query_as::<Db, IndustryGroup>(
            "select id, key, name_zh, name_en, sort_order, version, created_at, updated_at \
             from industry_groups where id = $1 and version = $2",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let Some(before) = before else {
            return Err(missing_or_conflict(
                &mut tx,
                "select count(*) from industry_groups where id = $1",
                id,
            )
            .await);
        };
        let after = sqlx::query_as::<Db, IndustryGroup>(
            "update industry_groups set key = $3, name_zh = $4, name_en = $5, sort_order = $6, \
             version = version + 1, updated_at = $7 where id = $1 and version = $2 \
             returning id, key, name_zh, name_en, sort_order, version, created_at, updated_at",
        )
        .bind(id)
        .bind(version)
        .bind(&input.key)
        .bind(&input.name_zh)
        .bind(&input.name_en)
        .bind(input.sort_order)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(moved_on)?;
        write_audit(
            &mut tx,
            by,
            "update",
            "industry_group",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn list_industries(&self) -> R<Vec<Industry>> {
        sqlx::query_as::<Db, Industry>(
            "select i.id, i.key, i.name_zh, i.name_en, i.group_id, i.tier_753, i.confirmed, \
             i.gbt4754, i.sort_order, i.active, i.version, i.created_at, i.updated_at \
             from industries i join industry_groups g on g.id = i.group_id \
             order by g.sort_order, i.sort_order, i.id",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn get_industry(&self, id: i64) -> R<Option<Industry>> {
        sqlx::query_as::<Db, Industry>(
            "select id, key, name_zh, name_en, group_id, tier_753, confirmed, gbt4754, \
             sort_order, active, version, created_at, updated_at from industries where id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_industry(&self, input: &IndustryInput, by: &AuditBy) -> R<Industry> {
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query_as::<Db, Industry>(
            "insert into industries (key, name_zh, name_en, group_id, tier_753, confirmed, \
             gbt4754, sort_order, active, version, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) \
             returning id, key, name_zh, name_en, group_id, tier_753, confirmed, gbt4754, \
             sort_order, active, version, created_at, updated_at",
        )
        .bind(&input.key)
        .bind(&input.name_zh)
        .bind(&input.name_en)
        .bind(input.group_id)
        .bind(&input.tier_753)
        .bind(input.confirmed)
        .bind(&input.gbt4754)
        .bind(input.sort_order)
        .bind(input.active)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "industry",
            Some(row.id),
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn update_industry(
        &self,
        id: i64,
        version: i64,
        input: &IndustryInput,
        by: &AuditBy,
    ) -> R<Industry> {
        let mut tx = begin_write(&self.pool).await?;
        let before = sqlx::query_as::<Db, Industry>(
            "select id, key, name_zh, name_en, group_id, tier_753, confirmed, gbt4754, \
             sort_order, active, version, created_at, updated_at from industries \
             where id = $1 and version = $2",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let Some(before) = before else {
            return Err(missing_or_conflict(
                &mut tx,
                "select count(*) from industries where id = $1",
                id,
            )
            .await);
        };
        let after = sqlx::query_as::<Db, Industry>(
            "update industries set key = $3, name_zh = $4, name_en = $5, group_id = $6, \
             tier_753 = $7, confirmed = $8, gbt4754 = $9, sort_order = $10, active = $11, \
             version = version + 1, updated_at = $12 where id = $1 and version = $2 \
             returning id, key, name_zh, name_en, group_id, tier_753, confirmed, gbt4754, \
             sort_order, active, version, created_at, updated_at",
        )
        .bind(id)
        .bind(version)
        .bind(&input.key)
        .bind(&input.name_zh)
        .bind(&input.name_en)
        .bind(input.group_id)
        .bind(&input.tier_753)
        .bind(input.confirmed)
        .bind(&input.gbt4754)
        .bind(input.sort_order)
        .bind(input.active)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(moved_on)?;
        write_audit(
            &mut tx,
            by,
            "update",
            "industry",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn list_lookups(&self, kind: &str) -> R<Vec<Lookup>> {
        sqlx::query_as::<Db, Lookup>(
            "select kind, key, name_zh, name_en, sort_order from lookups where kind = $1 \
             order by sort_order, id",
        )
        .bind(kind)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_lookup(&self, entry: &Lookup, by: &AuditBy) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let id: i64 = sqlx::query_scalar::<Db, i64>(
            "insert into lookups (kind, key, name_zh, name_en, sort_order, created_at) \
             values ($1, $2, $3, $4, $5, $6) returning id",
        )
        .bind(&entry.kind)
        .bind(&entry.key)
        .bind(&entry.name_zh)
        .bind(&entry.name_en)
        .bind(entry.sort_order)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "lookup",
            Some(id),
            None::<&()>,
            Some(entry),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }
}
