//! The demo data set: Zibo's reference data (`demo/zibo-reference.json`, from the domain
//! research) and one account per role. Loaded once; a marker in `meta` makes a second start
//! add nothing.

use crate::Service;
use crate::error::{Result, ServiceError};
use dongneng_domain::reference::{DepartmentInput, IndustryGroupInput, IndustryInput, RegionInput};
use dongneng_domain::role::{Grant, Role, ScopeKind};
use dongneng_domain::user::NewUser;
use dongneng_store::{AuditBy, Lookup};
use serde::Deserialize;
use std::collections::HashMap;

/// The password of every demo account. Exists only when the server runs with `--demo`.
pub const DEMO_PASSWORD: &str = "dongneng-demo";

const REFERENCE_JSON: &str = include_str!("../demo/zibo-reference.json");
const DEMO_MARKER: &str = "demo_loaded";

/// One demo account: username, what it stands for (for the start-up banner).
pub struct DemoAccount {
    pub username: &'static str,
    pub role: Role,
    pub description: &'static str,
}

pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        username: "admin",
        role: Role::Admin,
        description: "系统管理员 / system administrator",
    },
    DemoAccount {
        username: "office",
        role: Role::Office,
        description: "领导小组办公室（市发改委）/ programme office, whole city",
    },
    DemoAccount {
        username: "leader",
        role: Role::Leader,
        description: "市领导（新材料）/ city leader for new materials",
    },
    DemoAccount {
        username: "supervisor",
        role: Role::Supervisor,
        description: "督导（市政府办公室）/ supervisor",
    },
    DemoAccount {
        username: "taskforce",
        role: Role::Taskforce,
        description: "新材料工作专班 / new-materials task force",
    },
    DemoAccount {
        username: "dept",
        role: Role::Dept,
        description: "市财政局 / finance bureau",
    },
    DemoAccount {
        username: "district",
        role: Role::District,
        description: "张店区 / Zhangdian district",
    },
    DemoAccount {
        username: "stats",
        role: Role::Stats,
        description: "市统计局 / statistics bureau",
    },
    DemoAccount {
        username: "expert",
        role: Role::Expert,
        description: "新材料智库专家 / new-materials expert",
    },
];

#[derive(Deserialize)]
struct Reference {
    meta: Meta,
    industries: Vec<RefIndustry>,
    districts: Vec<RefRegion>,
    departments: Vec<RefDepartment>,
    monthly_report_topics: Vec<RefTopic>,
    project_lifecycle_stages: Vec<RefTopic>,
    support_systems: Vec<RefTopic>,
}

#[derive(Deserialize)]
struct Meta {
    city: RefCity,
}

#[derive(Deserialize)]
struct RefCity {
    code: String,
}

#[derive(Deserialize)]
struct RefIndustry {
    id: String,
    zh: String,
    en: String,
    group: String,
    confidence: String,
    #[serde(default)]
    gbt4754_indicative: Vec<String>,
}

#[derive(Deserialize)]
struct RefRegion {
    code: Option<String>,
    zone_id: Option<String>,
    zh: String,
    zh_short: Option<String>,
    en: String,
    kind: String,
}

#[derive(Deserialize)]
struct RefDepartment {
    id: String,
    zh: String,
    en: String,
    kind: String,
}

#[derive(Deserialize)]
struct RefTopic {
    id: String,
    zh: String,
    en: String,
    order: i32,
}

/// Industry groups in display order: key, Chinese, English.
const GROUPS: &[(&str, &str, &str)] = &[
    ("four_strong", "“四强”产业", "Four strong industries"),
    (
        "traditional",
        "六大优势传统产业",
        "Six traditional advantage industries",
    ),
    (
        "backward_capacity",
        "落后产能淘汰",
        "Elimination of backward capacity",
    ),
    (
        "other",
        "省“十强”产业（对标）",
        "Provincial ten strong industries (benchmark)",
    ),
];

impl Service {
    /// Whether the demo data is already in.
    pub async fn demo_loaded(&self) -> Result<bool> {
        Ok(self.store.get_meta(DEMO_MARKER).await?.is_some())
    }

    /// Loads the demo data unless it is already there. Returns whether it loaded anything.
    pub async fn load_demo(&self) -> Result<bool> {
        if self.demo_loaded().await? {
            return Ok(false);
        }
        let by = AuditBy::system("demo");
        let r: Reference = serde_json::from_str(REFERENCE_JSON)
            .map_err(|e| ServiceError::Internal(format!("demo reference data: {e}")))?;

        // Regions: the city at the top, its districts, counties and functional zones below.
        let mut region_ids: HashMap<String, i64> = HashMap::new();
        let mut order = 0;
        for d in &r.districts {
            order += 10;
            let is_city = d.code.as_deref() == Some(r.meta.city.code.as_str());
            let parent_id = if is_city {
                None
            } else {
                region_ids.get(&r.meta.city.code).copied()
            };
            let input = RegionInput {
                code: d.code.clone(),
                name_zh: d.zh.clone(),
                name_en: d.en.clone(),
                short_name: d.zh_short.clone(),
                kind: d.kind.clone(),
                parent_id,
                sort_order: order,
            };
            let row = self.store.create_region(&input, &by).await?;
            let key = d.code.clone().or(d.zone_id.clone()).unwrap_or_default();
            region_ids.insert(key, row.id);
        }
        let city_id = region_ids.get(&r.meta.city.code).copied();

        // Departments: the bodies the seed names plus the likely lead departments.
        let mut dept_ids: HashMap<String, i64> = HashMap::new();
        for d in &r.departments {
            let kind = match d.kind.as_str() {
                "department" | "leading_group" | "media" => d.kind.clone(),
                _ => continue, // roles and generic roles are not departments
            };
            let input = DepartmentInput {
                name_zh: d.zh.clone(),
                name_en: d.en.clone(),
                short_name: None,
                kind,
                region_id: city_id,
                duties: None,
                active: true,
            };
            let row = self.store.create_department(&input, &by).await?;
            dept_ids.insert(d.id.clone(), row.id);
        }

        let mut group_ids: HashMap<&str, i64> = HashMap::new();
        for (i, (key, zh, en)) in GROUPS.iter().enumerate() {
            let g = self
                .store
                .create_industry_group(
                    &IndustryGroupInput {
                        key: key.to_string(),
                        name_zh: zh.to_string(),
                        name_en: en.to_string(),
                        sort_order: (i as i32 + 1) * 10,
                    },
                    &by,
                )
                .await?;
            group_ids.insert(key, g.id);
        }

        let mut industry_ids: HashMap<String, i64> = HashMap::new();
        for (i, ind) in r.industries.iter().enumerate() {
            let Some(group_id) = group_ids.get(ind.group.as_str()).copied() else {
                continue;
            };
            let input = IndustryInput {
                key: ind.id.clone(),
                name_zh: ind.zh.clone(),
                name_en: ind.en.clone(),
                group_id,
                tier_753: None, // "753" membership is unconfirmed: left for the client to set
                confirmed: matches!(ind.confidence.as_str(), "confirmed" | "seed"),
                gbt4754: (!ind.gbt4754_indicative.is_empty())
                    .then(|| ind.gbt4754_indicative.join(",")),
                sort_order: (i as i32 + 1) * 10,
                active: true,
            };
            let row = self.store.create_industry(&input, &by).await?;
            industry_ids.insert(ind.id.clone(), row.id);
        }

        for (kind, list) in [
            ("report_topic", &r.monthly_report_topics),
            ("project_stage", &r.project_lifecycle_stages),
            ("support_system", &r.support_systems),
        ] {
            for t in list {
                self.store
                    .create_lookup(
                        &Lookup {
                            kind: kind.to_string(),
                            key: t.id.clone(),
                            name_zh: t.zh.clone(),
                            name_en: t.en.clone(),
                            sort_order: t.order,
                        },
                        &by,
                    )
                    .await?;
            }
        }

        let new_materials = industry_ids.get("new_materials").copied();
        let zhangdian = region_ids.get("370303").copied();
        for a in DEMO_ACCOUNTS {
            let (scope, dept, name) = match a.role {
                Role::Admin => (ScopeKind::City, None, "系统管理员"),
                Role::Office => (ScopeKind::City, Some("ndrc"), "市发改委 领导小组办公室"),
                Role::Leader => (
                    ScopeKind::Industries(new_materials.into_iter().collect()),
                    None,
                    "市领导（新材料产业）",
                ),
                Role::Supervisor => (
                    ScopeKind::City,
                    Some("government_office"),
                    "市政府办公室 督导",
                ),
                Role::Taskforce => (
                    ScopeKind::Industries(new_materials.into_iter().collect()),
                    Some("miit"),
                    "新材料产业工作专班",
                ),
                Role::Dept => (ScopeKind::City, Some("finance"), "市财政局"),
                Role::District => (
                    ScopeKind::Regions(zhangdian.into_iter().collect()),
                    None,
                    "张店区",
                ),
                Role::Stats => (ScopeKind::City, Some("statistics"), "市统计局"),
                Role::Expert => (
                    ScopeKind::Industries(new_materials.into_iter().collect()),
                    None,
                    "新材料智库专家",
                ),
            };
            self.create_user_as(
                NewUser {
                    username: a.username.to_string(),
                    display_name: name.to_string(),
                    department_id: dept.and_then(|d| dept_ids.get(d).copied()),
                    password: DEMO_PASSWORD.to_string(),
                    grants: vec![Grant {
                        role: a.role,
                        scope,
                    }],
                    email: None,
                },
                &by,
            )
            .await?;
        }

        if self.config.demo_projects {
            self.load_demo_projects(&by).await?;
        }
        // Coordination structure of the four strong industries (profiles/demo.rs).
        self.load_demo_profiles(&industry_ids, &dept_ids, &by)
            .await?;
        // Key tasks of the office and the reform (tasks/demo.rs).
        self.load_demo_tasks(&industry_ids, &dept_ids, &region_ids, &by)
            .await?;
        // Problems raised from the demo's projects, and supervision items about them.
        if self.config.demo_projects {
            let problems = self.load_demo_problems(&industry_ids, &dept_ids).await?;
            let supervisor = dept_ids.get("government_office").copied();
            self.load_demo_supervision(&problems, &dept_ids, supervisor)
                .await?;
            // Meetings over the year, their decisions key tasks (meetings/demo.rs).
            self.load_demo_meetings(&industry_ids, &dept_ids, &region_ids, &by)
                .await?;
            // Policies with their payments and funds with their investments over the demo
            // year (policies/demo.rs).
            self.load_demo_policies(&industry_ids, &dept_ids, &region_ids, &by)
                .await?;
            // Twelve months of the task forces' monthly reports and the current month open
            // (dispatch/demo.rs); their figures read the projects and policies above.
            self.load_demo_dispatch(&industry_ids, &by).await?;
        }

        self.store.set_meta(DEMO_MARKER, "1").await?;
        Ok(true)
    }
}
