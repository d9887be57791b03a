//! An industry's coordination structure — leader and departments, task-force members,
//! think-tank experts, alliances and their members, special plans with departments and files,
//! annual work plans (whose measures are key tasks: `tasks.rs`).
//!
//! Every record belongs to one industry (children carry `industry_id` too) and is read within
//! it, and a child within its parent, so a record of another industry is not found. Each kind
//! says here only its statements and how its input binds; the versioned writes
//! (`versioned.rs`) read the record, refuse a missing (404) or stale (409) one, write, and
//! append the audit row in the same transaction.

use super::common::{Conn, Tx, begin_write, map_err, now, replace_links, write_audit};
use super::versioned::{
    Child, Editable, Expected, NoChildren, QueryOf, Record, Removable, create, create_child,
    delete, exists, insert, read, remove, rewrite, update, versioned_rows,
};
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::NaiveDate;
use dongneng_domain::policy::DataScope;
use dongneng_domain::profile::{
    AllianceInput, AllianceMemberInput, ExpertInput, PlanStatus, PlanStatusMove, SpecialPlanInput,
    StructureInput, TaskforceMemberInput, WorkPlanInput,
};
use dongneng_store::{
    Alliance, AllianceMember, AuditBy, Expert, IndustryStructure, NewFile, PlanFile, ProfileStore,
    ProfileSummary, SpecialPlan, StoreError, TaskforceMember, WorkPlan,
};

type R<T> = Result<T, StoreError>;

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
         left_on, note, version, created_at, updated_at"
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
versioned_rows!(
    IndustryStructure,
    TaskforceMember,
    Expert,
    Alliance,
    AllianceMember,
    SpecialPlan,
    PlanFile,
    WorkPlan,
);

// ---------------------------------------------------------------- leader and departments

/// One per industry, so it is found by the industry (`$1`), and saved rather than created.
impl Record for IndustryStructure {
    const RECORD_TYPE: &'static str = "industry_structure";
    const SELECT: &'static str = concat!(
        "select ",
        structure_cols!(),
        " from industry_structures where industry_id = $1"
    );

    async fn read_beside(&mut self, conn: &mut Conn) -> R<()> {
        self.responsible_department_ids =
            linked_ids(conn, RESPONSIBLE_IDS, self.industry_id).await?;
        Ok(())
    }
}

impl Editable for IndustryStructure {
    type Input = StructureInput;
    const INSERT: &'static str = concat!(
        "insert into industry_structures (industry_id, leader_name, leader_title, \
         lead_department_id, provincial_counterpart, version, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, 1, $6, $6) returning ",
        structure_cols!()
    );
    const UPDATE: &'static str = concat!(
        "update industry_structures set leader_name = $3, leader_title = $4, \
         lead_department_id = $5, provincial_counterpart = $6, version = version + 1, \
         updated_at = $7 where id = $1 and version = $2 returning ",
        structure_cols!()
    );

    fn bind<'q>(q: QueryOf<'q, Self>, i: &'q StructureInput) -> QueryOf<'q, Self> {
        q.bind(&i.leader_name)
            .bind(&i.leader_title)
            .bind(i.lead_department_id)
            .bind(&i.provincial_counterpart)
    }

    async fn write_beside(&self, tx: &mut Tx, i: &StructureInput) -> R<()> {
        replace_links(
            tx,
            "delete from industry_responsible_departments where industry_id = $1",
            "insert into industry_responsible_departments (industry_id, department_id) \
             values ($1, $2)",
            self.industry_id,
            &i.responsible_department_ids,
        )
        .await
    }
}

const RESPONSIBLE_IDS: &str = "select department_id from industry_responsible_departments \
                               where industry_id = $1 order by department_id";

// ---------------------------------------------------------------- task-force members

impl Record for TaskforceMember {
    const RECORD_TYPE: &'static str = "taskforce_member";
    const SELECT: &'static str = concat!(
        "select ",
        member_cols!(),
        " from taskforce_members where id = $1 and industry_id = $2"
    );
}

impl Editable for TaskforceMember {
    type Input = TaskforceMemberInput;
    const INSERT: &'static str = concat!(
        "insert into taskforce_members (industry_id, person_name, department_id, post, \
         member_role, is_contact, sort_order, version, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) returning ",
        member_cols!()
    );
    const UPDATE: &'static str = concat!(
        "update taskforce_members set person_name = $3, department_id = $4, post = $5, \
         member_role = $6, is_contact = $7, sort_order = $8, version = version + 1, \
         updated_at = $9 where id = $1 and version = $2 returning ",
        member_cols!()
    );

    fn bind<'q>(q: QueryOf<'q, Self>, i: &'q TaskforceMemberInput) -> QueryOf<'q, Self> {
        q.bind(&i.person_name)
            .bind(i.department_id)
            .bind(&i.post)
            .bind(i.member_role.code())
            .bind(i.is_contact)
            .bind(i.sort_order)
    }
}

impl Removable for TaskforceMember {
    const DELETE: &'static str = "delete from taskforce_members where id = $1 and version = $2";
    type Children = NoChildren;
}

// ---------------------------------------------------------------- think tank

impl Record for Expert {
    const RECORD_TYPE: &'static str = "expert";
    const SELECT: &'static str = concat!(
        "select ",
        expert_cols!(),
        " from think_tank_experts where id = $1 and industry_id = $2"
    );
}

impl Editable for Expert {
    type Input = ExpertInput;
    const INSERT: &'static str = concat!(
        "insert into think_tank_experts (industry_id, person_name, specialty, affiliation, \
         professional_title, joined_on, left_on, note, version, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9) returning ",
        expert_cols!()
    );
    const UPDATE: &'static str = concat!(
        "update think_tank_experts set person_name = $3, specialty = $4, affiliation = $5, \
         professional_title = $6, joined_on = $7, left_on = $8, note = $9, \
         version = version + 1, updated_at = $10 where id = $1 and version = $2 returning ",
        expert_cols!()
    );

    fn bind<'q>(q: QueryOf<'q, Self>, i: &'q ExpertInput) -> QueryOf<'q, Self> {
        q.bind(&i.person_name)
            .bind(&i.specialty)
            .bind(&i.affiliation)
            .bind(&i.professional_title)
            .bind(i.joined_on)
            .bind(i.left_on)
            .bind(&i.note)
    }
}

impl Removable for Expert {
    const DELETE: &'static str = "delete from think_tank_experts where id = $1 and version = $2";
    type Children = NoChildren;
}

// ---------------------------------------------------------------- alliances

impl Record for Alliance {
    const RECORD_TYPE: &'static str = "alliance";
    const SELECT: &'static str = concat!(
        "select ",
        alliance_cols!(),
        " from alliances where id = $1 and industry_id = $2"
    );
}

impl Editable for Alliance {
    type Input = AllianceInput;
    const INSERT: &'static str = concat!(
        "insert into alliances (industry_id, alliance_name, kind, plan_kind, plan, plan_status, \
         note, version, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) \
         returning ",
        alliance_cols!()
    );
    const UPDATE: &'static str = concat!(
        "update alliances set alliance_name = $3, kind = $4, plan_kind = $5, plan = $6, \
         plan_status = $7, note = $8, version = version + 1, updated_at = $9 \
         where id = $1 and version = $2 returning ",
        alliance_cols!()
    );

    fn bind<'q>(q: QueryOf<'q, Self>, i: &'q AllianceInput) -> QueryOf<'q, Self> {
        q.bind(&i.alliance_name)
            .bind(i.kind.code())
            .bind(i.plan_kind.code())
            .bind(&i.plan)
            .bind(i.plan_status.code())
            .bind(&i.note)
    }
}

impl Removable for Alliance {
    const DELETE: &'static str = "delete from alliances where id = $1 and version = $2";
    type Children = AllianceMember;
}

impl Record for AllianceMember {
    const RECORD_TYPE: &'static str = "alliance_member";
    const SELECT: &'static str = concat!(
        "select ",
        alliance_member_cols!(),
        " from alliance_members where id = $1 and industry_id = $2 and alliance_id = $3"
    );
}

impl Child for AllianceMember {
    type Parent = Alliance;
    const OF_PARENT: &'static str = concat!(
        "select ",
        alliance_member_cols!(),
        " from alliance_members where alliance_id = $1 order by id"
    );
}

impl Editable for AllianceMember {
    type Input = AllianceMemberInput;
    const INSERT: &'static str = concat!(
        "insert into alliance_members (industry_id, alliance_id, enterprise_name, credit_code, \
         alliance_role, version, created_at, updated_at) values ($1, $2, $3, $4, $5, 1, $6, $6) \
         returning ",
        alliance_member_cols!()
    );
    const UPDATE: &'static str = concat!(
        "update alliance_members set enterprise_name = $3, credit_code = $4, \
         alliance_role = $5, version = version + 1, updated_at = $6 \
         where id = $1 and version = $2 returning ",
        alliance_member_cols!()
    );

    fn bind<'q>(q: QueryOf<'q, Self>, i: &'q AllianceMemberInput) -> QueryOf<'q, Self> {
        q.bind(&i.enterprise_name)
            .bind(&i.credit_code)
            .bind(i.alliance_role.code())
    }
}

impl Removable for AllianceMember {
    const DELETE: &'static str = "delete from alliance_members where id = $1 and version = $2";
    type Children = NoChildren;
}

// ---------------------------------------------------------------- special plans

impl Record for SpecialPlan {
    const RECORD_TYPE: &'static str = "special_plan";
    const SELECT: &'static str = concat!(
        "select ",
        plan_cols!(),
        " from special_plans where id = $1 and industry_id = $2"
    );

    async fn read_beside(&mut self, conn: &mut Conn) -> R<()> {
        self.drafting_department_ids = linked_ids(conn, PLAN_DEPT_IDS, self.id).await?;
        Ok(())
    }
}

impl Editable for SpecialPlan {
    type Input = SpecialPlanInput;
    // A plan starts in drafting (`PlanStatus::Drafting`); its status then moves on its own.
    const INSERT: &'static str = concat!(
        "insert into special_plans (industry_id, plan_title, summary, drafted_on, status, \
         version, created_at, updated_at) values ($1, $2, $3, $4, 'drafting', 1, $5, $5) \
         returning ",
        plan_cols!()
    );
    const UPDATE: &'static str = concat!(
        "update special_plans set plan_title = $3, summary = $4, drafted_on = $5, \
         version = version + 1, updated_at = $6 where id = $1 and version = $2 returning ",
        plan_cols!()
    );

    fn bind<'q>(q: QueryOf<'q, Self>, i: &'q SpecialPlanInput) -> QueryOf<'q, Self> {
        q.bind(&i.plan_title).bind(&i.summary).bind(i.drafted_on)
    }

    async fn write_beside(&self, tx: &mut Tx, i: &SpecialPlanInput) -> R<()> {
        replace_links(
            tx,
            "delete from special_plan_departments where plan_id = $1",
            "insert into special_plan_departments (plan_id, department_id) values ($1, $2)",
            self.id,
            &i.drafting_department_ids,
        )
        .await
    }
}

impl Removable for SpecialPlan {
    const DELETE: &'static str = "delete from special_plans where id = $1 and version = $2";
    type Children = PlanFile;
}

const PLAN_DEPT_IDS: &str =
    "select department_id from special_plan_departments where plan_id = $1 order by department_id";

/// A status move: sets the status and the column that dates it (`$3`, `$4`, the time `$5`).
fn plan_move_sql(to: PlanStatus) -> Option<&'static str> {
    macro_rules! move_to {
        ($dated:literal) => {
            concat!(
                "update special_plans set status = $3, ",
                $dated,
                " = $4, version = version + 1, updated_at = $5 \
                 where id = $1 and version = $2 returning ",
                plan_cols!()
            )
        };
    }
    match to {
        PlanStatus::Drafting => None,
        PlanStatus::UnderReview => Some(move_to!("under_review_on")),
        PlanStatus::Approved => Some(move_to!("approved_on")),
        PlanStatus::Published => Some(move_to!("published_on")),
    }
}

impl Record for PlanFile {
    const RECORD_TYPE: &'static str = "special_plan_file";
    const SELECT: &'static str = concat!(
        "select ",
        file_cols!(),
        " from special_plan_files where id = $1 and industry_id = $2 and plan_id = $3"
    );
}

impl Child for PlanFile {
    type Parent = SpecialPlan;
    const OF_PARENT: &'static str = concat!(
        "select ",
        file_cols!(),
        " from special_plan_files where plan_id = $1 order by id"
    );
}

impl Removable for PlanFile {
    const DELETE: &'static str = "delete from special_plan_files where id = $1 and version = $2";
    type Children = NoChildren;
}

// ---------------------------------------------------------------- work plans

impl Record for WorkPlan {
    const RECORD_TYPE: &'static str = "work_plan";
    const SELECT: &'static str = concat!(
        "select ",
        work_plan_cols!(),
        " from work_plans where id = $1 and industry_id = $2"
    );
}

impl Editable for WorkPlan {
    type Input = WorkPlanInput;
    const INSERT: &'static str = concat!(
        "insert into work_plans (industry_id, year, plan_title, goals, version, created_at, \
         updated_at) values ($1, $2, $3, $4, 1, $5, $5) returning ",
        work_plan_cols!()
    );
    const UPDATE: &'static str = concat!(
        "update work_plans set year = $3, plan_title = $4, goals = $5, version = version + 1, \
         updated_at = $6 where id = $1 and version = $2 returning ",
        work_plan_cols!()
    );

    fn bind<'q>(q: QueryOf<'q, Self>, i: &'q WorkPlanInput) -> QueryOf<'q, Self> {
        q.bind(i.year).bind(&i.plan_title).bind(&i.goals)
    }
}

/// A plan with tasks stays: they are key tasks with a history of their own.
impl Removable for WorkPlan {
    const DELETE: &'static str = "delete from work_plans where id = $1 and version = $2";
    type Children = NoChildren;
}

// ---------------------------------------------------------------- helpers

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

/// The records of one industry, in `sql`'s order (`sql` binds the industry as `$1`).
async fn of_industry<T: Record>(
    pool: &sqlx::Pool<Db>,
    sql: &'static str,
    industry_id: i64,
) -> R<Vec<T>> {
    sqlx::query_as::<Db, T>(sql)
        .bind(industry_id)
        .fetch_all(pool)
        .await
        .map_err(map_err)
}

/// One record read outside a write (404 is the caller's to give).
async fn find<T: Record>(pool: &sqlx::Pool<Db>, id: i64, owner: &[i64]) -> R<Option<T>> {
    let mut conn = pool.acquire().await.map_err(map_err)?;
    read::<T>(&mut conn, id, owner).await
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
             (select count(*) from tasks w where w.industry_id = i.id \
               and w.work_plan_id is not null) as measures, \
             (select count(*) from tasks w where w.industry_id = i.id \
               and w.work_plan_id is not null \
               and w.status in ('not_started', 'in_progress') and w.deadline < ",
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
        find(&self.pool, industry_id, &[]).await
    }

    async fn save_structure(
        &self,
        industry_id: i64,
        version: i64,
        input: &StructureInput,
        by: &AuditBy,
    ) -> R<IndustryStructure> {
        let mut tx = begin_write(&self.pool).await?;
        let saved = match read::<IndustryStructure>(&mut tx, industry_id, &[]).await? {
            // The first save creates it; a client sends version 0 for that.
            None if version == 0 => {
                insert(&mut tx, &[industry_id], input, by)
                    .await
                    .map_err(|e| match e {
                        // Another request created it first.
                        StoreError::Duplicate { field } if field == "industry_id" => {
                            StoreError::Conflict
                        }
                        other => other,
                    })?
            }
            // It is never deleted, so a version the caller read but absent now is stale.
            None => return Err(StoreError::Conflict),
            Some(found) => {
                let at = Expected {
                    id: found.id,
                    version,
                };
                rewrite(&mut tx, at.check(Some(found))?, input, by).await?
            }
        };
        tx.commit().await.map_err(map_err)?;
        Ok(saved)
    }

    // ------------------------------------------------------------ task-force members

    async fn list_taskforce_members(&self, industry_id: i64) -> R<Vec<TaskforceMember>> {
        let sql = concat!(
            "select ",
            member_cols!(),
            " from taskforce_members where industry_id = $1 \
             order by case member_role when 'head' then 0 when 'deputy' then 1 else 2 end, \
             sort_order, id"
        );
        of_industry(&self.pool, sql, industry_id).await
    }

    async fn create_taskforce_member(
        &self,
        industry_id: i64,
        input: &TaskforceMemberInput,
        by: &AuditBy,
    ) -> R<TaskforceMember> {
        create(&self.pool, &[industry_id], input, by).await
    }

    async fn update_taskforce_member(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &TaskforceMemberInput,
        by: &AuditBy,
    ) -> R<TaskforceMember> {
        update(
            &self.pool,
            &[industry_id],
            Expected { id, version },
            input,
            by,
        )
        .await
    }

    async fn delete_taskforce_member(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> R<()> {
        let at = Expected { id, version };
        delete::<TaskforceMember>(&self.pool, &[industry_id], at, by).await
    }

    // ------------------------------------------------------------ think tank

    async fn list_experts(&self, industry_id: i64) -> R<Vec<Expert>> {
        let sql = concat!(
            "select ",
            expert_cols!(),
            " from think_tank_experts where industry_id = $1 order by joined_on, id"
        );
        of_industry(&self.pool, sql, industry_id).await
    }

    async fn create_expert(
        &self,
        industry_id: i64,
        input: &ExpertInput,
        by: &AuditBy,
    ) -> R<Expert> {
        create(&self.pool, &[industry_id], input, by).await
    }

    async fn update_expert(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &ExpertInput,
        by: &AuditBy,
    ) -> R<Expert> {
        update(
            &self.pool,
            &[industry_id],
            Expected { id, version },
            input,
            by,
        )
        .await
    }

    async fn delete_expert(&self, industry_id: i64, id: i64, version: i64, by: &AuditBy) -> R<()> {
        let at = Expected { id, version };
        delete::<Expert>(&self.pool, &[industry_id], at, by).await
    }

    // ------------------------------------------------------------ alliances

    async fn list_alliances(&self, industry_id: i64) -> R<Vec<Alliance>> {
        let sql = concat!(
            "select ",
            alliance_cols!(),
            " from alliances where industry_id = $1 order by id"
        );
        of_industry(&self.pool, sql, industry_id).await
    }

    async fn create_alliance(
        &self,
        industry_id: i64,
        input: &AllianceInput,
        by: &AuditBy,
    ) -> R<Alliance> {
        create(&self.pool, &[industry_id], input, by).await
    }

    async fn update_alliance(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &AllianceInput,
        by: &AuditBy,
    ) -> R<Alliance> {
        update(
            &self.pool,
            &[industry_id],
            Expected { id, version },
            input,
            by,
        )
        .await
    }

    async fn delete_alliance(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> R<()> {
        let at = Expected { id, version };
        delete::<Alliance>(&self.pool, &[industry_id], at, by).await
    }

    async fn list_alliance_members(&self, industry_id: i64) -> R<Vec<AllianceMember>> {
        let sql = concat!(
            "select ",
            alliance_member_cols!(),
            " from alliance_members where industry_id = $1 \
             order by alliance_id, case alliance_role when 'chair' then 0 \
             when 'vice_chair' then 1 when 'secretary_general' then 2 else 3 end, id"
        );
        of_industry(&self.pool, sql, industry_id).await
    }

    async fn create_alliance_member(
        &self,
        industry_id: i64,
        alliance_id: i64,
        input: &AllianceMemberInput,
        by: &AuditBy,
    ) -> R<AllianceMember> {
        create_child(&self.pool, &[industry_id], alliance_id, input, by).await
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
        let owner = [industry_id, alliance_id];
        update(&self.pool, &owner, Expected { id, version }, input, by).await
    }

    async fn delete_alliance_member(
        &self,
        industry_id: i64,
        alliance_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> R<()> {
        let at = Expected { id, version };
        delete::<AllianceMember>(&self.pool, &[industry_id, alliance_id], at, by).await
    }

    // ------------------------------------------------------------ special plans

    async fn list_special_plans(&self, industry_id: i64) -> R<Vec<SpecialPlan>> {
        let sql = concat!(
            "select ",
            plan_cols!(),
            " from special_plans where industry_id = $1 order by drafted_on, id"
        );
        let mut plans: Vec<SpecialPlan> = of_industry(&self.pool, sql, industry_id).await?;
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
        find(&self.pool, id, &[industry_id]).await
    }

    async fn create_special_plan(
        &self,
        industry_id: i64,
        input: &SpecialPlanInput,
        by: &AuditBy,
    ) -> R<SpecialPlan> {
        create(&self.pool, &[industry_id], input, by).await
    }

    async fn update_special_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &SpecialPlanInput,
        by: &AuditBy,
    ) -> R<SpecialPlan> {
        update(
            &self.pool,
            &[industry_id],
            Expected { id, version },
            input,
            by,
        )
        .await
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
        let at = Expected { id, version };
        // The service checked the move and its date against this version of the plan.
        let before: SpecialPlan = at.check(read(&mut tx, id, &[industry_id]).await?)?;
        let Some(sql) = plan_move_sql(change.status) else {
            return Err(StoreError::Conflict);
        };
        let mut after: SpecialPlan = at
            .write_returning(&mut tx, sql, |q| {
                q.bind(change.status.code()).bind(change.date).bind(now())
            })
            .await?;
        after.drafting_department_ids = before.drafting_department_ids.clone();
        let (kind, id) = (SpecialPlan::RECORD_TYPE, Some(id));
        write_audit(&mut tx, by, "status", kind, id, Some(&before), Some(&after)).await?;
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
        let at = Expected { id, version };
        delete::<SpecialPlan>(&self.pool, &[industry_id], at, by).await
    }

    async fn list_plan_files(&self, industry_id: i64) -> R<Vec<PlanFile>> {
        let sql = concat!(
            "select ",
            file_cols!(),
            " from special_plan_files where industry_id = $1 order by plan_id, id"
        );
        of_industry(&self.pool, sql, industry_id).await
    }

    async fn add_plan_file(
        &self,
        industry_id: i64,
        plan_id: i64,
        file: &NewFile,
        by: &AuditBy,
    ) -> R<PlanFile> {
        let mut tx = begin_write(&self.pool).await?;
        exists::<SpecialPlan>(&mut tx, plan_id, &[industry_id]).await?;
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
        let (kind, id) = (PlanFile::RECORD_TYPE, Some(row.id));
        write_audit(&mut tx, by, "create", kind, id, None::<&()>, Some(&row)).await?;
        tx.commit().await.map_err(map_err)?;
        Ok(row)
    }

    async fn get_plan_file(
        &self,
        industry_id: i64,
        plan_id: i64,
        id: i64,
    ) -> R<Option<(PlanFile, Vec<u8>)>> {
        let Some(file) = find::<PlanFile>(&self.pool, id, &[industry_id, plan_id]).await? else {
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
        let at = Expected { id, version };
        delete::<PlanFile>(&self.pool, &[industry_id, plan_id], at, by).await
    }

    // ------------------------------------------------------------ work plans

    async fn list_work_plans(&self, industry_id: i64) -> R<Vec<WorkPlan>> {
        let sql = concat!(
            "select ",
            work_plan_cols!(),
            " from work_plans where industry_id = $1 order by year desc, id"
        );
        of_industry(&self.pool, sql, industry_id).await
    }

    async fn create_work_plan(
        &self,
        industry_id: i64,
        input: &WorkPlanInput,
        by: &AuditBy,
    ) -> R<WorkPlan> {
        create(&self.pool, &[industry_id], input, by).await
    }

    async fn update_work_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        input: &WorkPlanInput,
        by: &AuditBy,
    ) -> R<WorkPlan> {
        update(
            &self.pool,
            &[industry_id],
            Expected { id, version },
            input,
            by,
        )
        .await
    }

    async fn delete_work_plan(
        &self,
        industry_id: i64,
        id: i64,
        version: i64,
        by: &AuditBy,
    ) -> R<()> {
        let mut tx = begin_write(&self.pool).await?;
        let tasks: i64 =
            sqlx::query_scalar::<Db, i64>("select count(*) from tasks where work_plan_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
        if tasks > 0 {
            return Err(StoreError::InUse {
                field: "tasks".into(),
            });
        }
        remove::<WorkPlan>(&mut tx, &[industry_id], Expected { id, version }, by).await?;
        tx.commit().await.map_err(map_err)
    }
}
