//! Demo key tasks: besides the work plans' measures (`profiles/demo.rs`), tasks of the office
//! and of the 放管服 reform for the year, some of them waiting on 市财政局 (the `dept`
//! account's department) and on the office's check. Each is brought to its status the way
//! users would: started with a note, evidence, submitted, accepted.

use crate::Service;
use crate::error::{Result, ServiceError};
use crate::profiles::demo::day;
use dongneng_domain::task::{Issuer, NoteInput, TaskInput, TaskSource, TaskStatus, TaskStep};
use dongneng_store::{AuditBy, NewFile, NewTask, Task};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// title, source, industry key, region code, lead, co-departments, deadline, status
type DemoTask = (
    &'static str,
    TaskSource,
    Option<&'static str>,
    Option<&'static str>,
    &'static str,
    &'static [&'static str],
    &'static str,
    TaskStatus,
);

use TaskSource::{Office, Reform};
use TaskStatus as TS;

const TASKS: &[DemoTask] = &[
    (
        "拨付2026年度新材料产业发展专项资金",
        Office,
        Some("new_materials"),
        None,
        "finance",
        &["miit"],
        "2026-11-30",
        TS::InProgress,
    ),
    (
        "落实首台（套）技术装备保险补偿资金",
        Office,
        Some("intelligent_equipment"),
        None,
        "finance",
        &[],
        "2027-01-15",
        TS::NotStarted,
    ),
    (
        "设立市级新医药产业引导基金子基金",
        Office,
        Some("new_medicine"),
        None,
        "finance",
        &["local_finance_regulation"],
        "2026-10-31",
        TS::PendingCheck,
    ),
    (
        "编制2027年市级重大项目要素保障清单",
        Office,
        None,
        Some("370300"),
        "ndrc",
        &["finance", "natural_resources"],
        "2026-12-20",
        TS::InProgress,
    ),
    (
        "张店区新材料产业园基础设施配套项目资金申报",
        Office,
        Some("new_materials"),
        Some("370303"),
        "finance",
        &["ndrc"],
        "2026-09-30",
        TS::Closed,
    ),
    (
        "整理一季度现场推进会议定事项落实情况",
        Office,
        None,
        Some("370300"),
        "ndrc",
        &[],
        "2026-04-30",
        TS::Closed,
    ),
    (
        "建立重点项目用地“清单制”管理",
        Office,
        None,
        Some("370300"),
        "natural_resources",
        &["ndrc"],
        "2026-08-31",
        TS::InProgress,
    ),
    (
        "推行工业项目“标准地”出让",
        Reform,
        None,
        Some("370300"),
        "natural_resources",
        &["miit", "ecology_env"],
        "2026-12-31",
        TS::InProgress,
    ),
    (
        "企业开办全流程压缩至0.5个工作日",
        Reform,
        None,
        Some("370300"),
        "government_office",
        &["finance"],
        "2026-06-30",
        TS::Closed,
    ),
    (
        "取消已停办的区级配套审批事项",
        Reform,
        None,
        Some("370303"),
        "government_office",
        &[],
        "2026-05-31",
        TS::Cancelled,
    ),
];

impl Service {
    /// Loads the demo tasks of the office and the reform. `industries`, `departments` and
    /// `regions` map the demo reference keys (and region codes) to ids.
    pub(crate) async fn load_demo_tasks(
        &self,
        industries: &HashMap<String, i64>,
        departments: &HashMap<String, i64>,
        regions: &HashMap<String, i64>,
        by: &AuditBy,
    ) -> Result<()> {
        let find = |map: &HashMap<String, i64>, key: &str| {
            map.get(key)
                .copied()
                .ok_or_else(|| ServiceError::Internal(format!("demo task: no {key}")))
        };
        let leader = self.store().find_login("leader").await?.map(|l| l.id);
        for (title, source, industry, region, lead, co, deadline, status) in TASKS {
            let new = NewTask {
                input: TaskInput {
                    title: title.to_string(),
                    details: String::new(),
                    source: *source,
                    work_plan_id: None,
                    industry_id: industry.map(|k| find(industries, k)).transpose()?,
                    region_id: region.map(|k| find(regions, k)).transpose()?,
                    lead_department_id: find(departments, lead)?,
                    co_department_ids: co
                        .iter()
                        .map(|k| find(departments, k))
                        .collect::<Result<_>>()?,
                    responsible_person: Some("刘某某".into()),
                    leader_user_id: industry.is_some().then_some(leader).flatten(),
                    deadline: day(deadline)?,
                },
                source_id: None,
                issuer: Issuer::Office,
                issued_on: day("2026-02-20")?,
            };
            self.demo_task(new, *status, by).await?;
        }
        Ok(())
    }

    /// Gives a demo task and brings it to `status` the way users would.
    pub(crate) async fn demo_task(
        &self,
        mut new: NewTask,
        status: TaskStatus,
        by: &AuditBy,
    ) -> Result<Task> {
        self.check_new_task(&mut new)
            .await
            .map_err(|e| ServiceError::Internal(format!("demo task {}: {e:?}", new.input.title)))?;
        let store = self.store();
        let mut task = store.create_task(&new, by).await?;
        let steps: &[TaskStep] = match status {
            TS::NotStarted => &[],
            TS::InProgress => &[TaskStep::Start],
            TS::PendingCheck => &[TaskStep::Start, TaskStep::Submit],
            TS::Closed => &[TaskStep::Start, TaskStep::Submit, TaskStep::Accept],
            TS::Cancelled => &[TaskStep::Cancel],
        };
        for step in steps {
            let reason =
                (*step == TaskStep::Cancel).then_some("区级事项已并入市级统一办理，不再单列");
            if *step == TaskStep::Start {
                let note = NoteInput {
                    progress_note: "已召开专题会议部署，明确责任科室和时间节点，正在推进。".into(),
                    noted_on: Some(new.issued_on),
                };
                store
                    .add_task_note(task.id, new.issued_on, &note.progress_note, by)
                    .await?;
            }
            if *step == TaskStep::Submit {
                let content = format!("{}\n\n（演示数据）完成情况说明及佐证材料。\n", task.title)
                    .into_bytes();
                let file = NewFile {
                    file_name: "完成情况说明.txt".into(),
                    content_type: "text/plain".into(),
                    sha256: hex::encode(Sha256::digest(&content)),
                    content,
                };
                store.add_task_file(task.id, &file, by).await?;
                task = store
                    .get_task(task.id)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
            }
            task = store
                .move_task(task.id, task.version, *step, reason, by)
                .await?;
        }
        Ok(task)
    }
}
