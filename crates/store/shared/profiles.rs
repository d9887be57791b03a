//! An industry's coordination structure — leader and departments, task-force members,
//! think-tank experts, alliances and their members, special plans with departments and files,
//! work plans with measures.
//!
//! Every query names the industry (children carry `industry_id` too), so a record of another
//! industry is not found. A change reads the record first, refuses a stale version (409),
//! writes, and appends its audit row in the same transaction.

use super::common::{begin_write, map_err, now, write_audit};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::NaiveDate;
use dongneng_domain::policy::DataScope;
use dongneng_domain::profile::{
    AllianceInput, AllianceMemberInput, ExpertInput, MeasureInput, PlanStatus, PlanStatusMove,
    SpecialPlanInput, StructureInput, TaskforceMemberInput, WorkPlanInput,
};
use dongneng_store::{
    Alliance, AllianceMember, AuditBy, Expert, IndustryStructure, Measure, NewPlanFile, PlanFile,
    ProfileStore, ProfileSummary, SpecialPlan, StoreError, TaskforceMember, WorkPlan,
};
use serde::Serialize;

type R<T> = Result<T, StoreError>;
type Tx = sqlx::Transaction<'static, Db>;

macro_rules! structure_cols {
    () => {
        "id, industry_id, leader_name, leader_title, lead_department_id, provincial_counterpart, \
         version, created_at, updated_at"
    };
}
macro_rules! member_cols {
    () => {
        "id, industry_id, person_name, department_id, post, member_role, is_contact, sort_order, \
         version, created_at, updated_at"
    };
}
macro_rules! expert_cols {
    () => {
        "id, industry_id, person_name, specialty, affiliation, professional_title, joined_on, \
         left_on, \
         note, version, created_at, updated_at"
    };
}
macro_rules! alliance_cols {
    () => {
        "id, industry_id, alliance_name, kind, plan_kind, plan, plan_status, note, version, \
         created_at, updated_at"
    };
}
macro_rules! alliance_member_cols {
    () => {
        "id, industry_id, alliance_id, enterprise_name, credit_code, alliance_role, version, \
         created_at, updated_at"
    };
}
macro_rules! plan_cols {
    () => {
        "id, industry_id, plan_title, summary, status, drafted_on, under_review_on, approved_on, \
         published_on, version, created_at, updated_at"
    };
}
macro_rules! file_cols {
    () => {
        "id, industry_id, plan_id, file_name, content_type, size_bytes, sha256, uploaded_by, \
         version, created_at, updated_at"
    };
}
macro_rules! work_plan_cols {
    () => {
        "id, industry_id, year, plan_title, goals, version, created_at, updated_at"
    };
}
macro_rules! measure_cols {
    () => {
        "id, industry_id, work_plan_id, measure, owner_department_id, owner_person, deadline, \
         status, note, sort_order, version, created_at, updated_at"
    };
}

/// The record a change is about, read inside the transaction: `sql` selects by `$1` = id and
/// `$2` = industry. Missing → 404; at another version than the caller read → 409.
async fn current<T>(tx: &mut Tx, sql: &'static str, id: i64, industry_id: i64) -> R<T>
where
    T: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
{
    sqlx::query_as::<Db, T>(sql)
        .bind(id)
        .bind(industry_id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_err)?
        .ok_or(StoreError::NotFound)
}

fn check_version(found: i64, expected: i64) -> R<()> {
    if found == expected {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

/// An update that matched no row changed under us between read and write: a conflict.
fn updated<T>(row: Option<T>) -> R<T> {
    row.ok_or(StoreError::Conflict)
}

/// Ids of a link table for one owner, sorted.
async fn linked_ids(
    exec: impl sqlx::Executor<'_, Database = Db>,
    sql: &'static str,
    owner: i64,
) -> R<Vec<i64>> {
    sqlx::query_scalar::<Db, i64>(sql)
        .bind(owner)
        .fetch_all(exec)
        .await
        .map_err(map_err)
}

/// Replaces the rows of a link table for one owner: `delete_sql` binds the owner,
/// `insert_sql` the owner and one id.
async fn replace_links(
    tx: &mut Tx,
    delete_sql: &'static str,
    insert_sql: &'static str,
    owner: i64,
    ids: &[i64],
) -> R<()> {
    sqlx::query(delete_sql)
        .bind(owner)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    for id in ids {
        sqlx::query(insert_sql)
            .bind(owner)
            .bind(id)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
    }
    Ok(())
}

const RESPONSIBLE_IDS: &str = "select department_id from industry_responsible_departments \
                               where industry_id = $1 order by department_id";
const PLAN_DEPT_IDS: &str =
    "select department_id from special_plan_departments where plan_id = $1 order by department_id";

/// What the audit trail keeps of a deleted parent: the record and its children.
#[derive(Serialize)]
struct WithChildren<'a, P: Serialize, C: Serialize> {
    #[serde(flatten)]
    record: &'a P,
    children: &'a [C],
}

async fn delete_row(tx: &mut Tx, sql: &'static str, id: i64, version: i64) -> R<()> {
    let done = sqlx::query(sql)
        .bind(id)
        .bind(version)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

#[async_trait]
impl ProfileStore for BackendStore {
    async fn profile_summaries(
        &self,
        scope: &DataScope,
        today: NaiveDate,
    ) -> R<Vec<ProfileSummary>> {
        if !scope.all && scope.industries.is_empty() {
            return Ok(vec![]);
        }
        let mut qb = sqlx::QueryBuilder::<Db>::new(
            "select i.id as industry_id, i.key, i.name_zh, i.name_en, i.group_id, \
             s.leader_name, s.lead_department_id, \
             (select count(*) from taskforce_members m where m.industry_id = i.id) as members, \
             (select count(*) from taskforce_members m where m.industry_id = i.id \
               and m.is_contact) as contacts, \
             (select count(*) from think_tank_experts e where e.industry_id = i.id \
               and (e.left_on is null or e.left_on > ",
        );
        qb.push_bind(today);
        qb.push(
            ")) as experts, \
             (select count(*) from alliances a where a.industry_id = i.id) as alliances, \
             (select count(*) from special_plans p where p.industry_id = i.id) as special_plans, \
             (select count(*) from special_plans p where p.industry_id = i.id \
               and p.status = 'published') as plans_published, \
             (select count(*) from work_plan_measures w where w.industry_id = i.id) as measures, \
             (select count(*) from work_plan_measures w where w.industry_id = i.id \
               and w.status <> 'done' and w.deadline < ",
        );
        qb.push_bind(today);
        qb.push(
            ") as measures_overdue \
             from industries i join industry_groups g on g.id = i.group_id \
             left join industry_structures s on s.industry_id = i.id \
             where i.active",
        );
        if !scope.all {
            qb.push(" and i.id in (");
            let mut ids = qb.separated(", ");
            for id in &scope.industries {
                ids.push_bind(*id);
            }
            qb.push(")");
        }
        qb.push(" order by g.sort_order, i.sort_order, i.id");
        qb.build_query_as::<ProfileSummary>()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)
    }

    // ------------------------------------------------------------ leader and departments

    async fn get_structure(&self, industry_id: i64) -> R<Option<IndustryStructure>> {
        let row = sqlx::query_as::<Db, IndustryStructure>(concat!(
            "select ",
            structure_cols!(),
            " from industry_structures where industry_id = $1"
        ))
        .bind(industry_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        let Some(mut row) = row else {
            return Ok(None);
        };
        row.responsible_department_ids =
            linked_ids(&self.pool, RESPONSIBLE_IDS, industry_id).await?;
        Ok(Some(row))
    }

    async fn save_structure(
        &self,
        industry_id: i64,
        version: i64,
        input: &StructureInput,
        by: &AuditBy,
    ) -> R<IndustryStructure> {
        let mut tx = begin_write(&self.pool).await?;
        let before = sqlx::query_as::<Db, IndustryStructure>(concat!(
            "select ",
            structure_cols!(),
            " from industry_structures where industry_id = $1"
        ))
        .bind(industry_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_err)?;
        let t = now();
        let mut after = match &before {
            None if version == 0 => sqlx::query_as::<Db, IndustryStructure>(concat!(
                "insert into industry_structures (industry_id, leader_name, leader_title, \
                 lead_department_id, provincial_counterpart, version, created_at, updated_at) \
                 values ($1, $2, $3, $4, $5, 1, $6, $6) returning ",
                structure_cols!()
            ))
            .bind(industry_id)
            .bind(&input.leader_name)
            .bind(&input.leader_title)
            .bind(input.lead_department_id)
            .bind(&input.provincial_counterpart)
            .bind(t)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match map_err(e) {
                // Another request created it first.
                StoreError::Duplicate { field } if field == "industry_id" => StoreError::Conflict,
                other => other,
            })?,
            Some(b) if b.version == version => updated(
                sqlx::query_as::<Db, IndustryStructure>(concat!(
                    "update industry_structures set leader_name = $3, leader_title = $4, \
                     lead_department_id = $5, provincial_counterpart = $6, \
                     version = version + 1, updated_at = $7 \
                     where industry_id = $1 and version = $2 returning ",
                    structure_cols!()
                ))
                .bind(industry_id)
                .bind(version)
                .bind(&input.leader_name)
                .bind(&input.leader_title)
                .bind(input.lead_department_id)
                .bind(&input.provincial_counterpart)
                .bind(t)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?,
            )?,
            _ => return Err(StoreError::Conflict),
        };
        let before = match before {
            Some(mut b) => {
                b.responsible_department_ids =
                    linked_ids(&mut *tx, RESPONSIBLE_IDS, industry_id).await?;
                Some(b)
            }
            None => None,
        };
        replace_links(
            &mut tx,
            "delete from industry_responsible_departments where industry_id = $1",
            "insert into industry_responsible_departments (industry_id, department_id) \
             values ($1, $2)",
            industry_id,
            &input.responsible_department_ids,
        )
        .await?;
        after.responsible_department_ids =
            linked_ids(&mut *tx, RESPONSIBLE_IDS, industry_id).await?;
        let action = if before.is_some() { "update" } else { "create" };
        write_audit(
            &mut tx,
            by,
            action,
            "industry_structure",
            Some(after.id),
            before.as_ref(),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    // ------------------------------------------------------------ task-force members

    async fn list_taskforce_members(&self, industry_id: i64) -> R<Vec<TaskforceMember>> {
        sqlx::query_as::<Db, TaskforceMember>(concat!(
            "select ",
            member_cols!(),
            " from taskforce_members where industry_id = $1 \
             order by case member_role when 'head' then 0 when 'deputy' then 1 else 2 end, \
             sort_order, id"
        ))
        .bind(industry_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_taskforce_member(
        &self,
        industry_id: i64,
        input: &TaskforceMemberInput,
        by: &AuditBy,
    ) -> R<TaskforceMember> {
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query_as::<Db, TaskforceMember>(concat!(
            "insert into taskforce_members (industry_id, person_name, department_id, post, member_role, \
             is_contact, sort_order, version, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) returning ",
            member_cols!()
        ))
        .bind(industry_id)
        .bind(&input.person_name)
        .bind(input.department_id)
        .bind(&input.post)
        .bind(input.member_role.code())
        .bind(input.is_contact)
        .bind(input.sort_order)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "taskforce_member",
            Some(row.id),
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn update_taskforce_member(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &TaskforceMemberInput,
        by: &AuditBy,
    ) -> R<TaskforceMember> {
        let mut tx = begin_write(&self.pool).await?;
        let before: TaskforceMember = current(
            &mut tx,
            concat!(
                "select ",
                member_cols!(),
                " from taskforce_members where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        check_version(before.version, version)?;
        let after = updated(
            sqlx::query_as::<Db, TaskforceMember>(concat!(
                "update taskforce_members set person_name = $3, department_id = $4, post = $5, \
                 member_role = $6, is_contact = $7, sort_order = $8, version = version + 1, \
                 updated_at = $9 where id = $1 and version = $2 returning ",
                member_cols!()
            ))
            .bind(id)
            .bind(version)
            .bind(&input.person_name)
            .bind(input.department_id)
            .bind(&input.post)
            .bind(input.member_role.code())
            .bind(input.is_contact)
            .bind(input.sort_order)
            .bind(now())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?,
        )?;
        write_audit(
            &mut tx,
            by,
            "update",
            "taskforce_member",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn delete_taskforce_member(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let before: TaskforceMember = current(
            &mut tx,
            concat!(
                "select ",
                member_cols!(),
                " from taskforce_members where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        check_version(before.version, version)?;
        delete_row(
            &mut tx,
            "delete from taskforce_members where id = $1 and version = $2",
            id,
            version,
        )
        .await?;
        write_audit(
            &mut tx,
            by,
            "delete",
            "taskforce_member",
            Some(id),
            Some(&before),
            None::<&()>,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }

    // ------------------------------------------------------------ think tank

    async fn list_experts(&self, industry_id: i64) -> R<Vec<Expert>> {
        sqlx::query_as::<Db, Expert>(concat!(
            "select ",
            expert_cols!(),
            " from think_tank_experts where industry_id = $1 order by joined_on, id"
        ))
        .bind(industry_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_expert(
        &self,
        industry_id: i64,
        input: &ExpertInput,
        by: &AuditBy,
    ) -> R<Expert> {
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query_as::<Db, Expert>(concat!(
            "insert into think_tank_experts (industry_id, person_name, specialty, affiliation, \
             professional_title, joined_on, left_on, note, version, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) returning ",
            expert_cols!()
        ))
        .bind(industry_id)
        .bind(&input.person_name)
        .bind(&input.specialty)
        .bind(&input.affiliation)
        .bind(&input.professional_title)
        .bind(input.joined_on)
        .bind(input.left_on)
        .bind(&input.note)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "expert",
            Some(row.id),
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn update_expert(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &ExpertInput,
        by: &AuditBy,
    ) -> R<Expert> {
        let mut tx = begin_write(&self.pool).await?;
        let before: Expert = current(
            &mut tx,
            concat!(
                "select ",
                expert_cols!(),
                " from think_tank_experts where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        check_version(before.version, version)?;
        let after = updated(
            sqlx::query_as::<Db, Expert>(concat!(
                "update think_tank_experts set person_name = $3, specialty = $4, affiliation = $5, \
                 professional_title = $6, joined_on = $7, left_on = $8, note = $9, \
                 version = version + 1, updated_at = $10 where id = $1 and version = $2 \
                 returning ",
                expert_cols!()
            ))
            .bind(id)
            .bind(version)
            .bind(&input.person_name)
            .bind(&input.specialty)
            .bind(&input.affiliation)
            .bind(&input.professional_title)
            .bind(input.joined_on)
            .bind(input.left_on)
            .bind(&input.note)
            .bind(now())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?,
        )?;
        write_audit(
            &mut tx,
            by,
            "update",
            "expert",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn delete_expert(&self, industry_id: i64, id: i64, version: i64, by: &AuditBy) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let before: Expert = current(
            &mut tx,
            concat!(
                "select ",
                expert_cols!(),
                " from think_tank_experts where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        check_version(before.version, version)?;
        delete_row(
            &mut tx,
            "delete from think_tank_experts where id = $1 and version = $2",
            id,
            version,
        )
        .await?;
        write_audit(
            &mut tx,
            by,
            "delete",
            "expert",
            Some(id),
            Some(&before),
            None::<&()>,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }

    // ------------------------------------------------------------ alliances

    async fn list_alliances(&self, industry_id: i64) -> R<Vec<Alliance>> {
        sqlx::query_as::<Db, Alliance>(concat!(
            "select ",
            alliance_cols!(),
            " from alliances where industry_id = $1 order by id"
        ))
        .bind(industry_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_alliance(
        &self,
        industry_id: i64,
        input: &AllianceInput,
        by: &AuditBy,
    ) -> R<Alliance> {
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query_as::<Db, Alliance>(concat!(
            "insert into alliances (industry_id, alliance_name, kind, plan_kind, plan, plan_status, note, \
             version, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) \
             returning ",
            alliance_cols!()
        ))
        .bind(industry_id)
        .bind(&input.alliance_name)
        .bind(input.kind.code())
        .bind(input.plan_kind.code())
        .bind(&input.plan)
        .bind(input.plan_status.code())
        .bind(&input.note)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "alliance",
            Some(row.id),
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn update_alliance(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &AllianceInput,
        by: &AuditBy,
    ) -> R<Alliance> {
        let mut tx = begin_write(&self.pool).await?;
        let before: Alliance = current(
            &mut tx,
            concat!(
                "select ",
                alliance_cols!(),
                " from alliances where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        check_version(before.version, version)?;
        let after = updated(
            sqlx::query_as::<Db, Alliance>(concat!(
                "update alliances set alliance_name = $3, kind = $4, plan_kind = $5, plan = $6, \
                 plan_status = $7, note = $8, version = version + 1, updated_at = $9 \
                 where id = $1 and version = $2 returning ",
                alliance_cols!()
            ))
            .bind(id)
            .bind(version)
            .bind(&input.alliance_name)
            .bind(input.kind.code())
            .bind(input.plan_kind.code())
            .bind(&input.plan)
            .bind(input.plan_status.code())
            .bind(&input.note)
            .bind(now())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?,
        )?;
        write_audit(
            &mut tx,
            by,
            "update",
            "alliance",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn delete_alliance(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let before: Alliance = current(
            &mut tx,
            concat!(
                "select ",
                alliance_cols!(),
                " from alliances where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        check_version(before.version, version)?;
        let members = sqlx::query_as::<Db, AllianceMember>(concat!(
            "select ",
            alliance_member_cols!(),
            " from alliance_members where alliance_id = $1 order by id"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)?;
        delete_row(
            &mut tx,
            "delete from alliances where id = $1 and version = $2",
            id,
            version,
        )
        .await?;
        let gone = WithChildren {
            record: &before,
            children: &members,
        };
        write_audit(
            &mut tx,
            by,
            "delete",
            "alliance",
            Some(id),
            Some(&gone),
            None::<&()>,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }

    async fn list_alliance_members(&self, industry_id: i64) -> R<Vec<AllianceMember>> {
        sqlx::query_as::<Db, AllianceMember>(concat!(
            "select ",
            alliance_member_cols!(),
            " from alliance_members where industry_id = $1 \
             order by alliance_id, case alliance_role when 'chair' then 0 \
             when 'vice_chair' then 1 when 'secretary_general' then 2 else 3 end, id"
        ))
        .bind(industry_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_alliance_member(
        &self,
        industry_id: i64,
        alliance_id: i64,
        input: &AllianceMemberInput,
        by: &AuditBy,
    ) -> R<AllianceMember> {
        let mut tx = begin_write(&self.pool).await?;
        let _: Alliance = current(
            &mut tx,
            concat!(
                "select ",
                alliance_cols!(),
                " from alliances where id = $1 and industry_id = $2"
            ),
            alliance_id,
            industry_id,
        )
        .await?;
        let row = sqlx::query_as::<Db, AllianceMember>(concat!(
            "insert into alliance_members (industry_id, alliance_id, enterprise_name, \
             credit_code, alliance_role, version, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, 1, $6, $6) returning ",
            alliance_member_cols!()
        ))
        .bind(industry_id)
        .bind(alliance_id)
        .bind(&input.enterprise_name)
        .bind(&input.credit_code)
        .bind(input.alliance_role.code())
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "alliance_member",
            Some(row.id),
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn update_alliance_member(
        &self,
        industry_id: i64,
        alliance_id: i64,
        id: i64,
        version: i64,
        input: &AllianceMemberInput,
        by: &AuditBy,
    ) -> R<AllianceMember> {
        let mut tx = begin_write(&self.pool).await?;
        let before: AllianceMember = current(
            &mut tx,
            concat!(
                "select ",
                alliance_member_cols!(),
                " from alliance_members where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        if before.alliance_id != alliance_id {
            return Err(StoreError::NotFound);
        }
        check_version(before.version, version)?;
        let after = updated(
            sqlx::query_as::<Db, AllianceMember>(concat!(
                "update alliance_members set enterprise_name = $3, credit_code = $4, \
                 alliance_role = $5, version = version + 1, updated_at = $6 \
                 where id = $1 and version = $2 returning ",
                alliance_member_cols!()
            ))
            .bind(id)
            .bind(version)
            .bind(&input.enterprise_name)
            .bind(&input.credit_code)
            .bind(input.alliance_role.code())
            .bind(now())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?,
        )?;
        write_audit(
            &mut tx,
            by,
            "update",
            "alliance_member",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn delete_alliance_member(
        &self,
        industry_id: i64,
        alliance_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let before: AllianceMember = current(
            &mut tx,
            concat!(
                "select ",
                alliance_member_cols!(),
                " from alliance_members where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        if before.alliance_id != alliance_id {
            return Err(StoreError::NotFound);
        }
        check_version(before.version, version)?;
        delete_row(
            &mut tx,
            "delete from alliance_members where id = $1 and version = $2",
            id,
            version,
        )
        .await?;
        write_audit(
            &mut tx,
            by,
            "delete",
            "alliance_member",
            Some(id),
            Some(&before),
            None::<&()>,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }

    // ------------------------------------------------------------ special plans

    async fn list_special_plans(&self, industry_id: i64) -> R<Vec<SpecialPlan>> {
        let mut plans = sqlx::query_as::<Db, SpecialPlan>(concat!(
            "select ",
            plan_cols!(),
            " from special_plans where industry_id = $1 order by drafted_on, id"
        ))
        .bind(industry_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        let links: Vec<(i64, i64)> = sqlx::query_as::<Db, (i64, i64)>(
            "select d.plan_id, d.department_id from special_plan_departments d \
             join special_plans p on p.id = d.plan_id where p.industry_id = $1 \
             order by d.plan_id, d.department_id",
        )
        .bind(industry_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)?;
        for p in &mut plans {
            p.drafting_department_ids = links
                .iter()
                .filter(|(plan, _)| *plan == p.id)
                .map(|(_, d)| *d)
                .collect();
        }
        Ok(plans)
    }

    async fn get_special_plan(&self, industry_id: i64, id: i64) -> R<Option<SpecialPlan>> {
        let row = sqlx::query_as::<Db, SpecialPlan>(concat!(
            "select ",
            plan_cols!(),
            " from special_plans where id = $1 and industry_id = $2"
        ))
        .bind(id)
        .bind(industry_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        let Some(mut row) = row else {
            return Ok(None);
        };
        row.drafting_department_ids = linked_ids(&self.pool, PLAN_DEPT_IDS, id).await?;
        Ok(Some(row))
    }

    async fn create_special_plan(
        &self,
        industry_id: i64,
        input: &SpecialPlanInput,
        by: &AuditBy,
    ) -> R<SpecialPlan> {
        let mut tx = begin_write(&self.pool).await?;
        let mut row = sqlx::query_as::<Db, SpecialPlan>(concat!(
            "insert into special_plans (industry_id, plan_title, summary, status, drafted_on, \
             version, created_at, updated_at) values ($1, $2, $3, $4, $5, 1, $6, $6) returning ",
            plan_cols!()
        ))
        .bind(industry_id)
        .bind(&input.plan_title)
        .bind(&input.summary)
        .bind(PlanStatus::Drafting.code())
        .bind(input.drafted_on)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        replace_links(
            &mut tx,
            "delete from special_plan_departments where plan_id = $1",
            "insert into special_plan_departments (plan_id, department_id) values ($1, $2)",
            row.id,
            &input.drafting_department_ids,
        )
        .await?;
        row.drafting_department_ids = linked_ids(&mut *tx, PLAN_DEPT_IDS, row.id).await?;
        write_audit(
            &mut tx,
            by,
            "create",
            "special_plan",
            Some(row.id),
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn update_special_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &SpecialPlanInput,
        by: &AuditBy,
    ) -> R<SpecialPlan> {
        let mut tx = begin_write(&self.pool).await?;
        let mut before: SpecialPlan = current(
            &mut tx,
            concat!(
                "select ",
                plan_cols!(),
                " from special_plans where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        check_version(before.version, version)?;
        before.drafting_department_ids = linked_ids(&mut *tx, PLAN_DEPT_IDS, id).await?;
        let mut after = updated(
            sqlx::query_as::<Db, SpecialPlan>(concat!(
                "update special_plans set plan_title = $3, summary = $4, drafted_on = $5, \
                 version = version + 1, updated_at = $6 where id = $1 and version = $2 \
                 returning ",
                plan_cols!()
            ))
            .bind(id)
            .bind(version)
            .bind(&input.plan_title)
            .bind(&input.summary)
            .bind(input.drafted_on)
            .bind(now())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?,
        )?;
        replace_links(
            &mut tx,
            "delete from special_plan_departments where plan_id = $1",
            "insert into special_plan_departments (plan_id, department_id) values ($1, $2)",
            id,
            &input.drafting_department_ids,
        )
        .await?;
        after.drafting_department_ids = linked_ids(&mut *tx, PLAN_DEPT_IDS, id).await?;
        write_audit(
            &mut tx,
            by,
            "update",
            "special_plan",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn move_special_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        change: &PlanStatusMove,
        by: &AuditBy,
    ) -> R<SpecialPlan> {
        let mut tx = begin_write(&self.pool).await?;
        let mut before: SpecialPlan = current(
            &mut tx,
            concat!(
                "select ",
                plan_cols!(),
                " from special_plans where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        // The service checked the move and dates against this version of the plan.
        check_version(before.version, version)?;
        before.drafting_department_ids = linked_ids(&mut *tx, PLAN_DEPT_IDS, id).await?;
        // The column that dates the new status; the service has checked the move.
        let sql = match change.status {
            PlanStatus::Drafting => return Err(StoreError::Conflict),
            PlanStatus::UnderReview => concat!(
                "update special_plans set status = $3, under_review_on = $4, \
                 version = version + 1, updated_at = $5 where id = $1 and version = $2 returning ",
                plan_cols!()
            ),
            PlanStatus::Approved => concat!(
                "update special_plans set status = $3, approved_on = $4, \
                 version = version + 1, updated_at = $5 where id = $1 and version = $2 returning ",
                plan_cols!()
            ),
            PlanStatus::Published => concat!(
                "update special_plans set status = $3, published_on = $4, \
                 version = version + 1, updated_at = $5 where id = $1 and version = $2 returning ",
                plan_cols!()
            ),
        };
        let mut after = updated(
            sqlx::query_as::<Db, SpecialPlan>(sql)
                .bind(id)
                .bind(version)
                .bind(change.status.code())
                .bind(change.date)
                .bind(now())
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?,
        )?;
        after.drafting_department_ids = before.drafting_department_ids.clone();
        write_audit(
            &mut tx,
            by,
            "status",
            "special_plan",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn delete_special_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let mut before: SpecialPlan = current(
            &mut tx,
            concat!(
                "select ",
                plan_cols!(),
                " from special_plans where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        check_version(before.version, version)?;
        before.drafting_department_ids = linked_ids(&mut *tx, PLAN_DEPT_IDS, id).await?;
        let files = sqlx::query_as::<Db, PlanFile>(concat!(
            "select ",
            file_cols!(),
            " from special_plan_files where plan_id = $1 order by id"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)?;
        delete_row(
            &mut tx,
            "delete from special_plans where id = $1 and version = $2",
            id,
            version,
        )
        .await?;
        let gone = WithChildren {
            record: &before,
            children: &files,
        };
        write_audit(
            &mut tx,
            by,
            "delete",
            "special_plan",
            Some(id),
            Some(&gone),
            None::<&()>,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }

    async fn list_plan_files(&self, industry_id: i64) -> R<Vec<PlanFile>> {
        sqlx::query_as::<Db, PlanFile>(concat!(
            "select ",
            file_cols!(),
            " from special_plan_files where industry_id = $1 order by plan_id, id"
        ))
        .bind(industry_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn add_plan_file(
        &self,
        industry_id: i64,
        plan_id: i64,
        file: &NewPlanFile,
        by: &AuditBy,
    ) -> R<PlanFile> {
        let mut tx = begin_write(&self.pool).await?;
        let _: SpecialPlan = current(
            &mut tx,
            concat!(
                "select ",
                plan_cols!(),
                " from special_plans where id = $1 and industry_id = $2"
            ),
            plan_id,
            industry_id,
        )
        .await?;
        let row = sqlx::query_as::<Db, PlanFile>(concat!(
            "insert into special_plan_files (industry_id, plan_id, file_name, content_type, \
             size_bytes, sha256, content, uploaded_by, version, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) returning ",
            file_cols!()
        ))
        .bind(industry_id)
        .bind(plan_id)
        .bind(&file.file_name)
        .bind(&file.content_type)
        .bind(file.content.len() as i64)
        .bind(&file.sha256)
        .bind(&file.content)
        .bind(&by.username)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "special_plan_file",
            Some(row.id),
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn get_plan_file(
        &self,
        industry_id: i64,
        plan_id: i64,
        id: i64,
    ) -> R<Option<(PlanFile, Vec<u8>)>> {
        let file = sqlx::query_as::<Db, PlanFile>(concat!(
            "select ",
            file_cols!(),
            " from special_plan_files where id = $1 and industry_id = $2 and plan_id = $3"
        ))
        .bind(id)
        .bind(industry_id)
        .bind(plan_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        let Some(file) = file else {
            return Ok(None);
        };
        let content = sqlx::query_scalar::<Db, Vec<u8>>(
            "select content from special_plan_files where id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(map_err)?;
        Ok(content.map(|c| (file, c)))
    }

    async fn delete_plan_file(
        &self,
        industry_id: i64,
        plan_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let before: PlanFile = current(
            &mut tx,
            concat!(
                "select ",
                file_cols!(),
                " from special_plan_files where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        if before.plan_id != plan_id {
            return Err(StoreError::NotFound);
        }
        check_version(before.version, version)?;
        delete_row(
            &mut tx,
            "delete from special_plan_files where id = $1 and version = $2",
            id,
            version,
        )
        .await?;
        write_audit(
            &mut tx,
            by,
            "delete",
            "special_plan_file",
            Some(id),
            Some(&before),
            None::<&()>,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }

    // ------------------------------------------------------------ work plans and measures

    async fn list_work_plans(&self, industry_id: i64) -> R<Vec<WorkPlan>> {
        sqlx::query_as::<Db, WorkPlan>(concat!(
            "select ",
            work_plan_cols!(),
            " from work_plans where industry_id = $1 order by year desc, id"
        ))
        .bind(industry_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_work_plan(
        &self,
        industry_id: i64,
        input: &WorkPlanInput,
        by: &AuditBy,
    ) -> R<WorkPlan> {
        let mut tx = begin_write(&self.pool).await?;
        let row = sqlx::query_as::<Db, WorkPlan>(concat!(
            "insert into work_plans (industry_id, year, plan_title, goals, version, created_at, \
             updated_at) values ($1, $2, $3, $4, 1, $5, $5) returning ",
            work_plan_cols!()
        ))
        .bind(industry_id)
        .bind(input.year)
        .bind(&input.plan_title)
        .bind(&input.goals)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "work_plan",
            Some(row.id),
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn update_work_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &WorkPlanInput,
        by: &AuditBy,
    ) -> R<WorkPlan> {
        let mut tx = begin_write(&self.pool).await?;
        let before: WorkPlan = current(
            &mut tx,
            concat!(
                "select ",
                work_plan_cols!(),
                " from work_plans where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        check_version(before.version, version)?;
        let after = updated(
            sqlx::query_as::<Db, WorkPlan>(concat!(
                "update work_plans set year = $3, plan_title = $4, goals = $5, \
                 version = version + 1, updated_at = $6 where id = $1 and version = $2 returning ",
                work_plan_cols!()
            ))
            .bind(id)
            .bind(version)
            .bind(input.year)
            .bind(&input.plan_title)
            .bind(&input.goals)
            .bind(now())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?,
        )?;
        write_audit(
            &mut tx,
            by,
            "update",
            "work_plan",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn delete_work_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let before: WorkPlan = current(
            &mut tx,
            concat!(
                "select ",
                work_plan_cols!(),
                " from work_plans where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        check_version(before.version, version)?;
        let measures = sqlx::query_as::<Db, Measure>(concat!(
            "select ",
            measure_cols!(),
            " from work_plan_measures where work_plan_id = $1 order by id"
        ))
        .bind(id)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_err)?;
        delete_row(
            &mut tx,
            "delete from work_plans where id = $1 and version = $2",
            id,
            version,
        )
        .await?;
        let gone = WithChildren {
            record: &before,
            children: &measures,
        };
        write_audit(
            &mut tx,
            by,
            "delete",
            "work_plan",
            Some(id),
            Some(&gone),
            None::<&()>,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }

    async fn list_measures(&self, industry_id: i64) -> R<Vec<Measure>> {
        sqlx::query_as::<Db, Measure>(concat!(
            "select ",
            measure_cols!(),
            " from work_plan_measures where industry_id = $1 \
             order by work_plan_id, sort_order, deadline, id"
        ))
        .bind(industry_id)
        .fetch_all(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn create_measure(
        &self,
        industry_id: i64,
        work_plan_id: i64,
        input: &MeasureInput,
        by: &AuditBy,
    ) -> R<Measure> {
        let mut tx = begin_write(&self.pool).await?;
        let _: WorkPlan = current(
            &mut tx,
            concat!(
                "select ",
                work_plan_cols!(),
                " from work_plans where id = $1 and industry_id = $2"
            ),
            work_plan_id,
            industry_id,
        )
        .await?;
        let row = sqlx::query_as::<Db, Measure>(concat!(
            "insert into work_plan_measures (industry_id, work_plan_id, measure, \
             owner_department_id, owner_person, deadline, status, note, sort_order, version, \
             created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) \
             returning ",
            measure_cols!()
        ))
        .bind(industry_id)
        .bind(work_plan_id)
        .bind(&input.measure)
        .bind(input.owner_department_id)
        .bind(&input.owner_person)
        .bind(input.deadline)
        .bind(input.status.code())
        .bind(&input.note)
        .bind(input.sort_order)
        .bind(now())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_err)?;
        write_audit(
            &mut tx,
            by,
            "create",
            "work_plan_measure",
            Some(row.id),
            None::<&()>,
            Some(&row),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn update_measure(
        &self,
        industry_id: i64,
        work_plan_id: i64,
        id: i64,
        version: i64,
        input: &MeasureInput,
        by: &AuditBy,
    ) -> R<Measure> {
        let mut tx = begin_write(&self.pool).await?;
        let before: Measure = current(
            &mut tx,
            concat!(
                "select ",
                measure_cols!(),
                " from work_plan_measures where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        if before.work_plan_id != work_plan_id {
            return Err(StoreError::NotFound);
        }
        check_version(before.version, version)?;
        let after = updated(
            sqlx::query_as::<Db, Measure>(concat!(
                "update work_plan_measures set measure = $3, owner_department_id = $4, \
                 owner_person = $5, deadline = $6, status = $7, note = $8, sort_order = $9, \
                 version = version + 1, updated_at = $10 where id = $1 and version = $2 \
                 returning ",
                measure_cols!()
            ))
            .bind(id)
            .bind(version)
            .bind(&input.measure)
            .bind(input.owner_department_id)
            .bind(&input.owner_person)
            .bind(input.deadline)
            .bind(input.status.code())
            .bind(&input.note)
            .bind(input.sort_order)
            .bind(now())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_err)?,
        )?;
        write_audit(
            &mut tx,
            by,
            "update",
            "work_plan_measure",
            Some(id),
            Some(&before),
            Some(&after),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(after)
    }

    async fn delete_measure(
        &self,
        industry_id: i64,
        work_plan_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let before: Measure = current(
            &mut tx,
            concat!(
                "select ",
                measure_cols!(),
                " from work_plan_measures where id = $1 and industry_id = $2"
            ),
            id,
            industry_id,
        )
        .await?;
        if before.work_plan_id != work_plan_id {
            return Err(StoreError::NotFound);
        }
        check_version(before.version, version)?;
        delete_row(
            &mut tx,
            "delete from work_plan_measures where id = $1 and version = $2",
            id,
            version,
        )
        .await?;
        write_audit(
            &mut tx,
            by,
            "delete",
            "work_plan_measure",
            Some(id),
            Some(&before),
            None::<&()>,
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(())
    }
}
