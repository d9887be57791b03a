//! Everyone's to-do (one indexed query per source, with its total), the user's
//! notifications, the reminder calendar and the reminders sent.

use super::common::{begin_write, map_err, now, write_audit};
use super::dispatch::push_industry_scope;
use super::notify::{Audience, Notice, notify};
use super::problems::{push_ids, push_scope};
use super::tasks::push_filter as push_task_filter;
use super::versioned::Expected;
use crate::{BackendStore, Db};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use dongneng_domain::paging::Page;
use dongneng_domain::policy::Permission;
use dongneng_domain::task::TaskStatus;
use dongneng_domain::todo::ReminderSettings;
use dongneng_store::{
    AuditBy, Notification, NotificationStore, Recipient, Reminder, ReminderCandidate,
    ReminderStore, StoreError, StoredReminderSettings, TaskFilter, TodoQuery, TodoRow, TodoStore,
};

type R<T> = Result<T, StoreError>;

/// One source of the to-do: what its rows are made of (the record's id, number, deadline and
/// department columns) and where they are read from (`from … where …`, which the caller
/// finishes with its conditions).
struct Source {
    kind: &'static str,
    id: &'static str,
    /// The alias whose `year` and `seq` make the number.
    number: Option<&'static str>,
    deadline: &'static str,
    department: &'static str,
    from: &'static str,
}

const NONE: &str = "cast(null as bigint)";

impl Source {
    /// `select` the row's columns, with the source's total, `from` … (to be finished).
    fn query(&self) -> sqlx::QueryBuilder<Db> {
        let (year, seq) = match self.number {
            Some(a) => (format!("{a}.year"), format!("{a}.seq")),
            None => ("cast(null as integer)".into(), NONE.into()),
        };
        let mut qb = sqlx::QueryBuilder::<Db>::new(format!(
            "select '{}' as kind, {} as record_id, title, {year} as year, {seq} as seq, \
             {} as deadline, {} as department_id, count(*) over () as total ",
            self.kind, self.id, self.deadline, self.department
        ));
        qb.push(self.from);
        qb
    }
}

const LED: Source = Source {
    kind: "task",
    id: "t.id",
    number: None,
    deadline: "t.deadline",
    department: "t.lead_department_id",
    from: "from tasks t where t.status in ('not_started', 'in_progress') \
           and t.lead_department_id = ",
};
const TO_CHECK: Source = Source {
    kind: "task_check",
    from: "from tasks t where 1 = 1",
    ..LED
};
const ASSIGNED: Source = Source {
    kind: "assignment",
    id: "p.id",
    number: Some("p"),
    deadline: "a.deadline",
    department: "a.department_id",
    from: "from problem_assignments a join problems p on p.id = a.problem_id \
           where a.state in ('assigned', 'signed', 'returned') and a.department_id = ",
};
const TO_REVIEW: Source = Source {
    kind: "answer_to_review",
    from: "from problem_assignments a join problems p on p.id = a.problem_id \
           where a.state = 'answered' and p.state in ('assigned', 'answered')",
    ..ASSIGNED
};
const TO_ASSIGN: Source = Source {
    kind: "problem_to_assign",
    deadline: "p.next_deadline",
    department: NONE,
    from: "from problems p where p.state = 'raised'",
    ..ASSIGNED
};
const TO_INSTRUCT: Source = Source {
    kind: "instruction",
    from: "from problems p where p.state = 'escalated'",
    ..TO_ASSIGN
};
const TO_REPLY: Source = Source {
    kind: "supervision_reply",
    id: "s.id",
    number: Some("s"),
    deadline: "s.deadline",
    department: "u.department_id",
    from: "from supervision_units u join supervision_items s on s.id = u.item_id \
           where u.replied_at is null and s.state <> 'closed' and u.department_id = ",
};
const TO_CLOSE: Source = Source {
    kind: "supervision_close",
    department: NONE,
    from: "from supervision_items s where (s.state = 'replied' or (s.state = 'issued' \
           and s.deadline < ",
    ..TO_REPLY
};

/// A task force's month: the industry's name and the month.
macro_rules! month_title {
    () => {
        "i.name_zh || ' ' || cast(p.year as varchar(4)) || '年' || cast(p.month as varchar(2)) \
         || '月'"
    };
}
const TO_FILE: Source = Source {
    kind: "dispatch_report",
    id: "x.period_id",
    number: None,
    deadline: "x.deadline",
    department: NONE,
    from: concat!(
        "from (select m.period_id, m.industry_id, m.deadline, ",
        month_title!(),
        " as title from dispatch_period_industries m join dispatch_periods p \
         on p.id = m.period_id join industries i on i.id = m.industry_id \
         left join dispatch_reports r on r.period_id = m.period_id \
         and r.industry_id = m.industry_id where p.state = 'open' \
         and (r.id is null or r.state in ('draft', 'returned'))) x where 1 = 1"
    ),
};
const TO_REVIEW_REPORT: Source = Source {
    kind: "dispatch_review",
    id: "x.id",
    deadline: "cast(null as date)",
    from: concat!(
        "from (select r.id, r.industry_id, ",
        month_title!(),
        " as title from dispatch_reports r join dispatch_periods p on p.id = r.period_id \
         join industries i on i.id = r.industry_id \
         where r.state in ('submitted', 'resubmitted')) x where 1 = 1"
    ),
    ..TO_FILE
};

#[async_trait]
impl TodoStore for BackendStore {
    async fn todo(&self, q: &TodoQuery) -> R<Vec<TodoRow>> {
        let mut queries: Vec<sqlx::QueryBuilder<Db>> = Vec::new();
        // A department's own: its tasks, its assignments, its supervision items.
        for (source, department, order) in [
            (&LED, q.lead_department, " order by t.deadline, t.id"),
            (&ASSIGNED, q.assignments_of, " order by a.deadline, a.id"),
            (&TO_REPLY, q.replies_of, " order by s.deadline, s.id"),
        ] {
            if let Some(d) = department {
                let mut qb = source.query();
                qb.push_bind(d).push(order);
                queries.push(qb);
            }
        }
        if let Some((issuers, scope)) = &q.check {
            let mut qb = TO_CHECK.query();
            let filter = TaskFilter {
                scope: scope.clone(),
                statuses: vec![TaskStatus::PendingCheck],
                issuers: issuers.clone(),
                ..TaskFilter::default()
            };
            push_task_filter(&mut qb, &filter, true);
            qb.push(" order by t.deadline, t.id");
            queries.push(qb);
        }
        // Problems within a scope: the office's and the leader's.
        let scoped = [
            (&TO_ASSIGN, &q.office, " order by p.id"),
            (&TO_REVIEW, &q.office, " order by a.deadline, a.id"),
            (&TO_INSTRUCT, &q.instruct, " order by p.id"),
        ];
        for (source, scope, order) in scoped {
            if let Some(scope) = scope {
                let mut qb = source.query();
                push_scope(&mut qb, scope);
                qb.push(order);
                queries.push(qb);
            }
        }
        for (source, scope, order) in [
            (
                &TO_FILE,
                &q.dispatch_file,
                " order by x.deadline, x.period_id",
            ),
            (&TO_REVIEW_REPORT, &q.dispatch_review, " order by x.id"),
        ] {
            if let Some(scope) = scope {
                let mut qb = source.query();
                push_industry_scope(&mut qb, "x", scope);
                qb.push(order);
                queries.push(qb);
            }
        }
        if q.supervisor {
            let mut qb = TO_CLOSE.query();
            qb.push_bind(q.today).push(")) order by s.deadline, s.id");
            queries.push(qb);
        }
        let mut out = Vec::new();
        for mut qb in queries {
            qb.push(" limit ").push_bind(q.limit);
            let rows: Vec<TodoRow> = qb
                .build_query_as()
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
            out.extend(rows);
        }
        Ok(out)
    }
}

/// The most notifications one call marks read.
const MAX_MARK: usize = 500;

macro_rules! notification_cols {
    () => {
        "id, kind, record_type, record_id, title, body, link, created_at, read_at"
    };
}

#[async_trait]
impl NotificationStore for BackendStore {
    async fn notifications(
        &self,
        user_id: i64,
        unread_only: bool,
        page: Page,
    ) -> R<(Vec<Notification>, i64)> {
        let mut count =
            sqlx::QueryBuilder::<Db>::new("select count(*) from notifications where user_id = ");
        count.push_bind(user_id);
        let mut list = sqlx::QueryBuilder::<Db>::new(concat!(
            "select ",
            notification_cols!(),
            " from notifications where user_id = "
        ));
        list.push_bind(user_id);
        if unread_only {
            count.push(" and read_at is null");
            list.push(" and read_at is null");
        }
        list.push(" order by id desc limit ")
            .push_bind(page.limit())
            .push(" offset ")
            .push_bind(page.offset());
        let total: i64 = count
            .build_query_scalar()
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        let items: Vec<Notification> = list
            .build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(map_err)?;
        Ok((items, total))
    }

    async fn unread_count(&self, user_id: i64) -> R<i64> {
        sqlx::query_scalar::<Db, i64>(
            "select count(*) from notifications where user_id = $1 and read_at is null",
        )
        .bind(user_id)
        .fetch_one(&self.pool)
        .await
        .map_err(map_err)
    }

    async fn mark_read(&self, user_id: i64, ids: &[i64], by: &AuditBy) -> R<Vec<Notification>> {
        let ids: Vec<i64> = ids.iter().copied().take(MAX_MARK).collect();
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let mut tx = begin_write(&self.pool).await?;
        let mut qb = sqlx::QueryBuilder::<Db>::new("update notifications set read_at = ");
        qb.push_bind(now())
            .push(" where read_at is null and user_id = ")
            .push_bind(user_id)
            .push(" and id in (");
        push_ids(&mut qb, &ids);
        qb.push(concat!(" returning ", notification_cols!()));
        let rows: Vec<Notification> = qb
            .build_query_as()
            .fetch_all(&mut *tx)
            .await
            .map_err(map_err)?;
        if !rows.is_empty() {
            let marked: Vec<i64> = rows.iter().map(|n| n.id).collect();
            write_audit(
                &mut tx,
                by,
                "read",
                "notification",
                None,
                None::<&()>,
                Some(&marked),
            )
            .await?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(rows)
    }

    async fn mark_all_read(&self, user_id: i64, by: &AuditBy) -> R<i64> {
        let mut tx = begin_write(&self.pool).await?;
        let n = sqlx::query(
            "update notifications set read_at = $2 where user_id = $1 and read_at is null",
        )
        .bind(user_id)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected() as i64;
        if n > 0 {
            write_audit(
                &mut tx,
                by,
                "read_all",
                "notification",
                None,
                None::<&()>,
                Some(&n),
            )
            .await?;
        }
        tx.commit().await.map_err(map_err)?;
        Ok(n)
    }
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    id: i64,
    days_before: i32,
    on_the_day: bool,
    days_after: i32,
    escalate_after: i32,
    version: i64,
    updated_at: DateTime<Utc>,
}

impl SettingsRow {
    fn stored(&self) -> StoredReminderSettings {
        StoredReminderSettings {
            settings: ReminderSettings {
                days_before: self.days_before.into(),
                on_the_day: self.on_the_day,
                days_after: self.days_after.into(),
                escalate_after: self.escalate_after.into(),
            },
            version: self.version,
            updated_at: self.updated_at,
        }
    }
}

super::versioned::versioned_rows!(SettingsRow);

const SETTINGS_SQL: &str = "select id, days_before, on_the_day, days_after, escalate_after, \
                            version, updated_at from reminder_settings where id = 1";

#[async_trait]
impl ReminderStore for BackendStore {
    async fn reminder_settings(&self) -> R<StoredReminderSettings> {
        let row = sqlx::query_as::<Db, SettingsRow>(SETTINGS_SQL)
            .fetch_one(&self.pool)
            .await
            .map_err(map_err)?;
        Ok(row.stored())
    }

    async fn set_reminder_settings(
        &self,
        version: i64,
        s: &ReminderSettings,
        by: &AuditBy,
    ) -> R<StoredReminderSettings> {
        let mut tx = begin_write(&self.pool).await?;
        let at = Expected { id: 1, version };
        let before = at.check(
            sqlx::query_as::<Db, SettingsRow>(SETTINGS_SQL)
                .fetch_optional(&mut *tx)
                .await
                .map_err(map_err)?,
        )?;
        let to_i32 = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
        let after: SettingsRow = at
            .write_returning(
                &mut tx,
                "update reminder_settings set days_before = $3, on_the_day = $4, \
                 days_after = $5, escalate_after = $6, version = version + 1, updated_at = $7 \
                 where id = $1 and version = $2 returning id, days_before, on_the_day, \
                 days_after, escalate_after, version, updated_at",
                |q| {
                    q.bind(to_i32(s.days_before))
                        .bind(s.on_the_day)
                        .bind(to_i32(s.days_after))
                        .bind(to_i32(s.escalate_after))
                        .bind(now())
                },
            )
            .await?;
        let (b, a) = (before.stored(), after.stored());
        write_audit(
            &mut tx,
            by,
            "update",
            "reminder_settings",
            Some(1),
            Some(&b),
            Some(&a),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(a)
    }

    async fn reminder_candidates(
        &self,
        from: NaiveDate,
        to: NaiveDate,
        limit: i64,
    ) -> R<Vec<ReminderCandidate>> {
        let mut out = Vec::new();
        let sources: [&str; 3] = [
            "select 'task' as record_type, t.id as record_id, t.title, \
             cast(null as integer) as year, cast(null as bigint) as seq, t.deadline, \
             t.lead_department_id as department_id, t.region_id, t.industry_id, \
             t.leader_user_id from tasks t where t.status in ('not_started', 'in_progress') \
             and t.lead_department_id is not null and t.deadline >= $1 and t.deadline <= $2 \
             order by t.deadline, t.id limit $3",
            "select 'problem' as record_type, p.id as record_id, p.title, p.year, p.seq, \
             a.deadline, a.department_id, p.region_id, p.industry_id, \
             cast(null as bigint) as leader_user_id from problem_assignments a \
             join problems p on p.id = a.problem_id where a.state in ('assigned', 'signed', \
             'returned') and a.deadline >= $1 and a.deadline <= $2 \
             order by a.deadline, a.id limit $3",
            "select 'supervision_item' as record_type, s.id as record_id, s.title, s.year, \
             s.seq, s.deadline, u.department_id, s.region_id, s.industry_id, \
             cast(null as bigint) as leader_user_id from supervision_units u \
             join supervision_items s on s.id = u.item_id where u.replied_at is null \
             and s.state <> 'closed' and s.deadline >= $1 and s.deadline <= $2 \
             order by s.deadline, s.id limit $3",
        ];
        for sql in sources {
            let rows: Vec<ReminderCandidate> = sqlx::query_as::<Db, ReminderCandidate>(sql)
                .bind(from)
                .bind(to)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
            out.extend(rows);
        }
        Ok(out)
    }

    async fn send_reminder(&self, r: &Reminder, by: &AuditBy) -> R<Option<Vec<Recipient>>> {
        let t = now();
        let mut tx = begin_write(&self.pool).await?;
        let taken = sqlx::query(
            "insert into reminders_sent (key, sent_at) values ($1, $2) \
             on conflict (key) do nothing",
        )
        .bind(&r.key)
        .bind(t)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
        if taken == 0 {
            return Ok(None);
        }
        let c = &r.candidate;
        let audience = if !r.to_leader {
            vec![Audience::Department(c.department_id)]
        } else if let Some(leader) = c.leader_user_id {
            vec![Audience::User(leader)]
        } else {
            vec![Audience::Holders {
                permission: Permission::InstructProblems,
                region_id: c.region_id,
                industry_id: c.industry_id,
            }]
        };
        let notice = Notice {
            kind: r.kind,
            record_type: &c.record_type,
            record_id: c.record_id,
            title: r.title.clone(),
            body: "",
            link: r.link.clone(),
        };
        let told = notify(&mut tx, &notice, &audience, by, t).await?;
        write_audit(
            &mut tx,
            by,
            "remind",
            &c.record_type,
            Some(c.record_id),
            None::<&()>,
            Some(&r.key),
        )
        .await?;
        tx.commit().await.map_err(map_err)?;
        Ok(Some(told))
    }
}
