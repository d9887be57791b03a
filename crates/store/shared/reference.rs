//! Regions, departments, industry groups, industries and report topics.

use super::common::{begin_write, map_err, now, write_audit};
use super::versioned::{Editable, Expected, QueryOf, Record, create, update, versioned_rows};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use dongneng_domain::reference::{DepartmentInput, IndustryGroupInput, IndustryInput, RegionInput};
use dongneng_store::{
    AuditBy, Department, Industry, IndustryGroup, Lookup, ReferenceStore, Region, StoreError,
};

type R<T> = Result<T, StoreError>;

macro_rules! region_cols {
    () => {
        "id, code, name_zh, name_en, short_name, kind, parent_id, sort_order, version, \
         created_at, updated_at"
    };
}
macro_rules! department_cols {
    () => {
        "id, name_zh, name_en, short_name, kind, region_id, duties, active, version, \
         created_at, updated_at"
    };
}
macro_rules! group_cols {
    () => {
        "id, key, name_zh, name_en, sort_order, version, created_at, updated_at"
    };
}
macro_rules! industry_cols {
    () => {
        "id, key, name_zh, name_en, group_id, tier_753, confirmed, gbt4754, sort_order, active, \
         version, created_at, updated_at"
    };
}

versioned_rows!(Region, Department, IndustryGroup, Industry);

impl Record for Region {
    const RECORD_TYPE: &'static str = "region";
    const SELECT: &'static str = concat!("select ", region_cols!(), " from regions where id = $1");
}

impl Editable for Region {
    type Input = RegionInput;
    const INSERT: &'static str = concat!(
        "insert into regions (code, name_zh, name_en, short_name, kind, parent_id, sort_order, \
         version, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) \
         returning ",
        region_cols!()
    );
    const UPDATE: &'static str = concat!(
        "update regions set code = $3, name_zh = $4, name_en = $5, short_name = $6, kind = $7, \
         parent_id = $8, sort_order = $9, version = version + 1, updated_at = $10 \
         where id = $1 and version = $2 returning ",
        region_cols!()
    );

    fn bind<'q>(q: QueryOf<'q, Self>, i: &'q RegionInput) -> QueryOf<'q, Self> {
        q.bind(&i.code)
            .bind(&i.name_zh)
            .bind(&i.name_en)
            .bind(&i.short_name)
            .bind(&i.kind)
            .bind(i.parent_id)
            .bind(i.sort_order)
    }
}

impl Record for Department {
    const RECORD_TYPE: &'static str = "department";
    const SELECT: &'static str = concat!(
        "select ",
        department_cols!(),
        " from departments where id = $1"
    );
}

impl Editable for Department {
    type Input = DepartmentInput;
    const INSERT: &'static str = concat!(
        "insert into departments (name_zh, name_en, short_name, kind, region_id, duties, \
         active, version, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) \
         returning ",
        department_cols!()
    );
    const UPDATE: &'static str = concat!(
        "update departments set name_zh = $3, name_en = $4, short_name = $5, kind = $6, \
         region_id = $7, duties = $8, active = $9, version = version + 1, updated_at = $10 \
         where id = $1 and version = $2 returning ",
        department_cols!()
    );

    fn bind<'q>(q: QueryOf<'q, Self>, i: &'q DepartmentInput) -> QueryOf<'q, Self> {
        q.bind(&i.name_zh)
            .bind(&i.name_en)
            .bind(&i.short_name)
            .bind(&i.kind)
            .bind(i.region_id)
            .bind(&i.duties)
            .bind(i.active)
    }
}

impl Record for IndustryGroup {
    const RECORD_TYPE: &'static str = "industry_group";
    const SELECT: &'static str = concat!(
        "select ",
        group_cols!(),
        " from industry_groups where id = $1"
    );
}

impl Editable for IndustryGroup {
    type Input = IndustryGroupInput;
    const INSERT: &'static str = concat!(
        "insert into industry_groups (key, name_zh, name_en, sort_order, version, created_at, \
         updated_at) values ($1, $2, $3, $4, 1, $5, $5) returning ",
        group_cols!()
    );
    const UPDATE: &'static str = concat!(
        "update industry_groups set key = $3, name_zh = $4, name_en = $5, sort_order = $6, \
         version = version + 1, updated_at = $7 where id = $1 and version = $2 returning ",
        group_cols!()
    );

    fn bind<'q>(q: QueryOf<'q, Self>, i: &'q IndustryGroupInput) -> QueryOf<'q, Self> {
        q.bind(&i.key)
            .bind(&i.name_zh)
            .bind(&i.name_en)
            .bind(i.sort_order)
    }
}

impl Record for Industry {
    const RECORD_TYPE: &'static str = "industry";
    const SELECT: &'static str = concat!(
        "select ",
        industry_cols!(),
        " from industries where id = $1"
    );
}

impl Editable for Industry {
    type Input = IndustryInput;
    const INSERT: &'static str = concat!(
        "insert into industries (key, name_zh, name_en, group_id, tier_753, confirmed, gbt4754, \
         sort_order, active, version, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) returning ",
        industry_cols!()
    );
    const UPDATE: &'static str = concat!(
        "update industries set key = $3, name_zh = $4, name_en = $5, group_id = $6, \
         tier_753 = $7, confirmed = $8, gbt4754 = $9, sort_order = $10, active = $11, \
         version = version + 1, updated_at = $12 where id = $1 and version = $2 returning ",
        industry_cols!()
    );

    fn bind<'q>(q: QueryOf<'q, Self>, i: &'q IndustryInput) -> QueryOf<'q, Self> {
        q.bind(&i.key)
            .bind(&i.name_zh)
            .bind(&i.name_en)
            .bind(i.group_id)
            .bind(&i.tier_753)
            .bind(i.confirmed)
            .bind(&i.gbt4754)
            .bind(i.sort_order)
            .bind(i.active)
    }
}

/// One reference record by id.
async fn by_id<T: Record>(pool: &sqlx::Pool<Db>, id: i64) -> R<Option<T>> {
    sqlx::query_as::<Db, T>(T::SELECT)
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(map_err)
}

/// All records of one kind, in `sql`'s order.
async fn all<T: Record>(pool: &sqlx::Pool<Db>, sql: &'static str) -> R<Vec<T>> {
    sqlx::query_as::<Db, T>(sql)
        .fetch_all(pool)
        .await
        .map_err(map_err)
}

#[async_trait]
impl ReferenceStore for BackendStore {
    async fn list_regions(&self) -> R<Vec<Region>> {
        all(
            &self.pool,
            concat!(
                "select ",
                region_cols!(),
                " from regions order by sort_order, id"
            ),
        )
        .await
    }

    async fn get_region(&self, id: i64) -> R<Option<Region>> {
        by_id(&self.pool, id).await
    }

    async fn create_region(&self, input: &RegionInput, by: &AuditBy) -> R<Region> {
        create(&self.pool, &[], input, by).await
    }

    async fn update_region(
        &self,
        id: i64,
        version: i64,
        input: &RegionInput,
        by: &AuditBy,
    ) -> R<Region> {
        update(&self.pool, &[], Expected { id, version }, input, by).await
    }

    async fn list_departments(&self) -> R<Vec<Department>> {
        all(
            &self.pool,
            concat!(
                "select ",
                department_cols!(),
                " from departments order by id"
            ),
        )
        .await
    }

    async fn get_department(&self, id: i64) -> R<Option<Department>> {
        by_id(&self.pool, id).await
    }

    async fn create_department(&self, input: &DepartmentInput, by: &AuditBy) -> R<Department> {
        create(&self.pool, &[], input, by).await
    }

    async fn update_department(
        &self,
        id: i64,
        version: i64,
        input: &DepartmentInput,
        by: &AuditBy,
    ) -> R<Department> {
        update(&self.pool, &[], Expected { id, version }, input, by).await
    }

    async fn list_industry_groups(&self) -> R<Vec<IndustryGroup>> {
        all(
            &self.pool,
            concat!(
                "select ",
                group_cols!(),
                " from industry_groups order by sort_order, id"
            ),
        )
        .await
    }

    async fn create_industry_group(
        &self,
        input: &IndustryGroupInput,
        by: &AuditBy,
    ) -> R<IndustryGroup> {
        create(&self.pool, &[], input, by).await
    }

    async fn get_industry_group(&self, id: i64) -> R<Option<IndustryGroup>> {
        by_id(&self.pool, id).await
    }

    async fn update_industry_group(
        &self,
        id: i64,
        version: i64,
        input: &IndustryGroupInput,
        by: &AuditBy,
    ) -> R<IndustryGroup> {
        update(&self.pool, &[], Expected { id, version }, input, by).await
    }

    async fn list_industries(&self) -> R<Vec<Industry>> {
        all(
            &self.pool,
            "select i.id, i.key, i.name_zh, i.name_en, i.group_id, i.tier_753, i.confirmed, \
             i.gbt4754, i.sort_order, i.active, i.version, i.created_at, i.updated_at \
             from industries i join industry_groups g on g.id = i.group_id \
             order by g.sort_order, i.sort_order, i.id",
        )
        .await
    }

    async fn get_industry(&self, id: i64) -> R<Option<Industry>> {
        by_id(&self.pool, id).await
    }

    async fn create_industry(&self, input: &IndustryInput, by: &AuditBy) -> R<Industry> {
        create(&self.pool, &[], input, by).await
    }

    async fn update_industry(
        &self,
        id: i64,
        version: i64,
        input: &IndustryInput,
        by: &AuditBy,
    ) -> R<Industry> {
        update(&self.pool, &[], Expected { id, version }, input, by).await
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
