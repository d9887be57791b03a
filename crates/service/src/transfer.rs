//! Spreadsheet import and export of the project library: the same layout both ways, the whole
//! file checked before anything is written, a marked copy of the workbook when it is refused,
//! and re-imports that change nothing.

use crate::Service;
use crate::error::{Result, ServiceError};
use crate::jobs::{JobKind, JobSlot};
use crate::projects::{LibraryEditor, ProgrammeReader, ProjectQuery, region_path};
use chrono::Datelike;
use dongneng_domain::clock;
use dongneng_domain::money::Money;
use dongneng_domain::policy::DataScope;
use dongneng_domain::project::{FactorInput, FactorKind, ProgressInput, ProjectInput, Stage, ym};
use dongneng_office::{
    CellError, FactorCells, OfficeError, ProgressSheetRow, ProjectSheetRow, ProjectTotals,
    ProjectsWriter, SheetRead,
};
use dongneng_store::{AuditBy, Batch, Factor, ImportOp, NewProject, ProgressOp, Project, Region};
use std::collections::{BTreeMap, HashMap};

/// What an import did, or why it did nothing.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// One refused cell, as the report lists it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportProblem {
    /// 1-based row number in the sheet.
    pub row: usize,
    /// The column's header text.
    pub column: String,
    /// The column letter ("C").
    pub column_letter: String,
    /// The cell's content as read.
    pub value: String,
    /// Message key under `validation.`.
    pub code: String,
    pub params: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub enum ImportResult {
    Imported(ImportSummary),
    /// Row by row problems; nothing was written. `report` is the marked workbook.
    Refused {
        problems: Vec<ImportProblem>,
        report: Vec<u8>,
    },
    /// The file as a whole cannot be read (not a workbook, wrong headers …).
    FileRefused {
        code: &'static str,
        params: BTreeMap<String, String>,
    },
}

fn problem(e: &CellError) -> ImportProblem {
    ImportProblem {
        row: e.row,
        column: e.column.clone(),
        column_letter: e.column_letter.clone(),
        value: e.value.clone(),
        code: e.code.clone(),
        params: e.params.clone(),
    }
}

fn file_refused(e: OfficeError) -> ImportResult {
    ImportResult::FileRefused {
        code: e.code(),
        params: e.params(),
    }
}

/// Names ↔ ids for regions and industries, both ways, as sheets write them.
struct NameMaps {
    region_name: HashMap<i64, String>,
    region_id: HashMap<String, Option<i64>>,
    industry_name: HashMap<i64, String>,
    industry_id: HashMap<String, Option<i64>>,
    regions: Vec<Region>,
}

impl NameMaps {
    async fn load(svc: &Service) -> Result<NameMaps> {
        let regions = svc.store().list_regions().await?;
        let industries = svc.store().list_industries().await?;
        let groups = svc.store().list_industry_groups().await?;
        let mut region_id: HashMap<String, Option<i64>> = HashMap::new();
        let put = |map: &mut HashMap<String, Option<i64>>, k: &str, id: i64| {
            let k = k.trim().to_string();
            if k.is_empty() {
                return;
            }
            map.entry(k)
                .and_modify(|v| {
                    if *v != Some(id) {
                        *v = None
                    }
                })
                .or_insert(Some(id));
        };
        for r in &regions {
            put(&mut region_id, &r.name_zh, r.id);
            put(&mut region_id, &r.name_en, r.id);
            if let Some(s) = &r.short_name {
                put(&mut region_id, s, r.id);
            }
            if let Some(c) = &r.code {
                put(&mut region_id, c, r.id);
            }
        }
        let region_name = regions
            .iter()
            .map(|r| (r.id, r.short_name.clone().unwrap_or(r.name_zh.clone())))
            .collect();
        // An industry's name is unique within its group; where two groups share a name the
        // sheet says "建材（落后产能淘汰）".
        let mut count: HashMap<&str, usize> = HashMap::new();
        for i in &industries {
            *count.entry(i.name_zh.as_str()).or_default() += 1;
        }
        let mut industry_id: HashMap<String, Option<i64>> = HashMap::new();
        let mut industry_name = HashMap::new();
        for i in &industries {
            let group = groups
                .iter()
                .find(|g| g.id == i.group_id)
                .map(|g| g.name_zh.clone())
                .unwrap_or_default();
            let qualified = format!("{}（{}）", i.name_zh, group);
            let shown = if count.get(i.name_zh.as_str()).copied().unwrap_or(0) > 1 {
                qualified.clone()
            } else {
                i.name_zh.clone()
            };
            put(&mut industry_id, &qualified, i.id);
            put(&mut industry_id, &i.name_zh, i.id);
            put(&mut industry_id, &i.name_en, i.id);
            put(&mut industry_id, &i.key, i.id);
            industry_name.insert(i.id, shown);
        }
        Ok(NameMaps {
            region_name,
            region_id,
            industry_name,
            industry_id,
            regions,
        })
    }
}

/// How a sheet's row names its project: its code, else its name and owner.
trait NamesProject {
    fn names(&self) -> (Option<&str>, &str, &str);
}

impl NamesProject for ProjectSheetRow {
    fn names(&self) -> (Option<&str>, &str, &str) {
        (self.code.as_deref(), &self.name, &self.owner_name)
    }
}

impl NamesProject for ProgressSheetRow {
    fn names(&self) -> (Option<&str>, &str, &str) {
        (self.code.as_deref(), &self.name, &self.owner_name)
    }
}

/// The stored projects a sheet's rows name, as a row finds its own: by its code when it has
/// one, else by name and owner.
struct Matches<'a> {
    by_code: HashMap<&'a str, &'a Project>,
    by_name: HashMap<(&'a str, &'a str), &'a Project>,
}

impl<'a> Matches<'a> {
    fn of(projects: &'a [Project]) -> Self {
        Matches {
            by_code: projects
                .iter()
                .filter_map(|p| p.code.as_deref().map(|c| (c, p)))
                .collect(),
            by_name: projects
                .iter()
                .map(|p| ((p.name.as_str(), p.owner_name.as_str()), p))
                .collect(),
        }
    }

    fn find(&self, row: &impl NamesProject) -> Option<&'a Project> {
        let (code, name, owner) = row.names();
        match code {
            Some(c) => self.by_code.get(c).copied(),
            None => self.by_name.get(&(name, owner)).copied(),
        }
    }
}

/// The text of the 预警 column: colour and reasons, in Chinese like the rest of the sheet.
fn warning_text(p: &Project) -> String {
    let level = match p.warning_level {
        dongneng_domain::warning::Level::Red => "红色",
        dongneng_domain::warning::Level::Yellow => "黄色",
        dongneng_domain::warning::Level::Green => "绿色",
    };
    if p.warning_reasons.is_empty() {
        return level.to_string();
    }
    let codes: Vec<&str> = p
        .warning_reasons
        .iter()
        .map(|r| match r.code.as_str() {
            "behind_schedule" => "落后序时进度",
            "report_overdue" => "月报逾期",
            "start_overdue" => "逾期未开工",
            "factor_unmet" => "要素未保障",
            other => other,
        })
        .collect();
    format!("{level}：{}", codes.join("、"))
}

fn factor_cells(factors: &[&Factor], kind: FactorKind) -> Option<FactorCells> {
    factors
        .iter()
        .find(|f| f.kind == kind)
        .map(|f| FactorCells {
            required: f.required,
            fulfilled: f.fulfilled,
        })
}

/// One project as a row of the exported sheet.
fn sheet_row(p: &Project, fs: &[&Factor], names: &NameMaps, year: i32) -> ProjectSheetRow {
    let in_batch = p.plan_year == year && p.year_plan.0 > 0;
    ProjectSheetRow {
        code: p.code.clone(),
        name: p.name.clone(),
        owner_name: p.owner_name.clone(),
        owner_credit_code: p.owner_credit_code.clone(),
        region: names
            .region_name
            .get(&p.region_id)
            .cloned()
            .unwrap_or_default(),
        industry: names
            .industry_name
            .get(&p.industry_id)
            .cloned()
            .unwrap_or_default(),
        gbt_section: p.gbt_section.clone(),
        gbt_division: p.gbt_division.clone(),
        library_class: p.library_class,
        nature: p.nature,
        stage: p.stage,
        batch_year: in_batch.then_some(p.plan_year),
        content: p.content.clone(),
        total_investment: p.total_investment,
        year_plan: in_batch.then_some(p.year_plan),
        completed: p.completed_investment,
        year_completed: in_batch.then_some(p.year_completed),
        planned_start: p.planned_start,
        actual_start: p.actual_start,
        planned_finish: p.planned_finish,
        actual_finish: p.actual_finish,
        responsible_unit: p.responsible_unit.clone(),
        leader_in_charge: p.leader_in_charge.clone(),
        contact_name: p.contact_name.clone(),
        contact_phone: p.contact_phone.clone(),
        land: factor_cells(fs, FactorKind::Land),
        energy: factor_cells(fs, FactorKind::Energy),
        environment: factor_cells(fs, FactorKind::Environment),
        water: factor_cells(fs, FactorKind::Water),
        funds: factor_cells(fs, FactorKind::Funds),
        warning: warning_text(p),
    }
}

impl ProgrammeReader {
    /// The filtered list as a workbook in the import layout.
    pub async fn export_xlsx(&self, q: &ProjectQuery) -> Result<Vec<u8>> {
        let office = |e: OfficeError| ServiceError::Internal(e.to_string());
        let mut pages = self.export_pages(q)?;
        let svc = self.grant().svc();
        let names = NameMaps::load(svc).await?;
        let mut totals = ProjectTotals::default();
        let year = clock::today().year();
        let mut sheet = ProjectsWriter::new().map_err(office)?;
        // An export of more than one page is expensive work: one at a time per account and a
        // bounded number per server (`jobs`). A one-page export runs freely.
        let mut slot = None;
        while let Some(page) = pages.next().await? {
            if slot.is_none() && page.len() as i64 >= crate::projects::EXPORT_PAGE {
                let user = self.grant().actor().user().id;
                slot = Some(svc.start_job(JobKind::Export, user)?);
            }
            let ids: Vec<i64> = page.iter().map(|p| p.id).collect();
            let factors = svc.store().factors_for(&ids).await?;
            let mut by_project: HashMap<i64, Vec<&Factor>> = HashMap::new();
            for f in &factors {
                by_project.entry(f.project_id).or_default().push(f);
            }
            for p in &page {
                totals.count += 1;
                totals.total_investment.0 += p.total_investment.0;
                totals.year_plan.0 += p.year_plan.0;
                totals.completed.0 += p.completed_investment.0;
                totals.year_completed.0 += p.year_completed.0;
                let fs = by_project.get(&p.id).map(|v| v.as_slice()).unwrap_or(&[]);
                sheet
                    .push(&sheet_row(p, fs, &names, year))
                    .map_err(office)?;
            }
        }
        let bytes = sheet.finish(&totals).map_err(office);
        drop(slot);
        bytes
    }

    /// A blank monthly-progress sheet listing the started projects the actor may see.
    pub async fn progress_template_xlsx(&self) -> Result<Vec<u8>> {
        let q = ProjectQuery {
            stage: Some(Stage::Started),
            ..Default::default()
        };
        let projects = self.all_projects(&q).await?;
        progress_template(&projects)
    }
}

impl LibraryEditor {
    /// A place for one import: at most one running per account and `jobs.per_server` in the
    /// server, else `Throttled` (429). Take it before reading the upload, and hold it until
    /// the import is done.
    pub fn begin_import(&self) -> Result<JobSlot> {
        let g = self.grant();
        g.svc().start_job(JobKind::Import, g.actor().user().id)
    }

    /// Reads, checks and (when every row is right) imports a project list. All or nothing.
    pub async fn import_projects_xlsx(
        &self,
        _slot: &JobSlot,
        bytes: &[u8],
    ) -> Result<ImportResult> {
        let g = self.grant();
        g.svc().import_projects(g.scope(), &g.by(), bytes).await
    }

    /// Reads, checks and imports a monthly-progress sheet. All or nothing.
    pub async fn import_progress_xlsx(
        &self,
        _slot: &JobSlot,
        bytes: &[u8],
    ) -> Result<ImportResult> {
        let g = self.grant();
        g.svc().import_progress(g.scope(), &g.by(), bytes).await
    }

    /// Keeps a refused import's marked workbook for the actor (a day) and returns its token.
    pub async fn keep_import_report(&self, filename: &str, bytes: &[u8]) -> Result<String> {
        let token = crate::auth::random_token();
        self.grant()
            .store()
            .save_import_report(
                &token,
                Some(self.grant().actor().user().id),
                filename,
                bytes,
            )
            .await?;
        Ok(token)
    }

    /// A report this actor's import left (404 for anyone else's).
    pub async fn import_report(&self, token: &str) -> Result<(String, Vec<u8>)> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ServiceError::NotFound);
        }
        self.grant()
            .store()
            .get_import_report(token, Some(self.grant().actor().user().id))
            .await?
            .ok_or(ServiceError::NotFound)
    }
}

impl Service {
    async fn import_projects(
        &self,
        scope: &DataScope,
        by: &AuditBy,
        bytes: &[u8],
    ) -> Result<ImportResult> {
        let mut sheet = match dongneng_office::read_projects(bytes) {
            Ok(s) => s,
            Err(e) => return Ok(file_refused(e)),
        };
        let names = NameMaps::load(self).await?;
        // Only the projects the sheet names are loaded whole; the rest are matched by key.
        let existing = self.matched_projects(&sheet.rows).await?;
        let matches = Matches::of(&existing);
        let reported: HashMap<i64, Money> = existing
            .iter()
            .map(|p| {
                (
                    p.id,
                    Money(p.completed_investment.0 - p.initial_completed.0),
                )
            })
            .collect();
        let ids: Vec<i64> = existing.iter().map(|p| p.id).collect();
        let factors = self.store().factors_for(&ids).await?;
        let mut factors_of: HashMap<i64, Vec<&Factor>> = HashMap::new();
        for f in &factors {
            factors_of.entry(f.project_id).or_default().push(f);
        }
        let mut batch_cache: HashMap<i32, HashMap<i64, Money>> = HashMap::new();

        let mut errors: Vec<CellError> = Vec::new();
        let mut ops: Vec<ImportOp> = Vec::new();
        let mut unchanged = 0;
        let mut seen_names: HashMap<(String, String), usize> = HashMap::new();
        let header = |f: &str| dongneng_office::project_header_for_field(f).unwrap_or("项目名称");
        // The rows are moved into the operations as they are checked (no second copy of a
        // 100,000-row file).
        let row_count = sheet.rows.len();
        let sheet_rows = std::mem::take(&mut sheet.rows);
        for (row, r) in sheet_rows {
            let mut row_errors: Vec<CellError> = Vec::new();
            let err = |field: &str, code: &str| sheet.error_at(row, header(field), code);
            let region_id = match names.region_id.get(r.region.trim()) {
                Some(Some(id)) => *id,
                _ => {
                    row_errors.push(err("region", "unknown_name").with("value", &r.region));
                    0
                }
            };
            let industry_id = match names.industry_id.get(r.industry.trim()) {
                Some(Some(id)) => *id,
                _ => {
                    row_errors.push(err("industry", "unknown_name").with("value", &r.industry));
                    0
                }
            };
            let matched = matches.find(&r);
            if r.code.is_none() {
                let key = (r.name.clone(), r.owner_name.clone());
                if let Some(first) = seen_names.insert(key, row) {
                    row_errors.push(err("name", "duplicate_in_file").with("first_row", first));
                }
            }
            // Completed to date = what was there before the system + every monthly report.
            let reported_sum = matched
                .and_then(|p| reported.get(&p.id))
                .copied()
                .unwrap_or_default();
            let initial = Money(r.completed.0 - reported_sum.0);
            if initial.0 < 0 {
                row_errors.push(
                    err("completed", "completed_below_reported")
                        .with("reported", reported_sum.wan_exact()),
                );
            }
            let factors: Vec<FactorInput> = r
                .factors()
                .into_iter()
                .filter_map(|(kind, cells)| {
                    cells.map(|c| FactorInput {
                        kind,
                        required: c.required,
                        fulfilled: c.fulfilled,
                        needed_by: None,
                        note: None,
                    })
                })
                .collect();
            let mut input = ProjectInput {
                code: r.code,
                name: r.name,
                owner_name: r.owner_name,
                owner_credit_code: r.owner_credit_code,
                region_id,
                industry_id,
                gbt_section: r.gbt_section,
                gbt_division: r.gbt_division,
                library_class: r.library_class,
                nature: r.nature,
                content: r.content,
                total_investment: r.total_investment,
                initial_completed: Money(initial.0.max(0)),
                planned_start: r.planned_start,
                actual_start: r.actual_start,
                planned_finish: r.planned_finish,
                actual_finish: r.actual_finish,
                responsible_unit: r.responsible_unit,
                leader_in_charge: r.leader_in_charge,
                contact_name: r.contact_name,
                contact_phone: r.contact_phone,
            };
            input.tidy();
            if let Err(fe) = input.validate(r.stage) {
                for e in fe.0 {
                    let field = if e.field == "initial_completed" {
                        "completed"
                    } else {
                        e.field.as_str()
                    };
                    let mut ce = err(field, &e.code);
                    for (k, v) in e.params {
                        ce = ce.with(&k, v);
                    }
                    row_errors.push(ce);
                }
            }
            if r.completed > r.total_investment {
                row_errors.push(err("completed", "completed_above_total"));
            }
            // Scope: where the project is and, for an update, where it was.
            if region_id > 0 && industry_id > 0 {
                let inside =
                    |reg: i64, ind: i64| scope.covers(&region_path(&names.regions, reg), Some(ind));
                if !inside(region_id, industry_id)
                    || matched.is_some_and(|p| !inside(p.region_id, p.industry_id))
                {
                    row_errors.push(err("region", "out_of_scope").with("value", &r.region));
                }
            }
            if let Some(p) = matched
                && p.stage != r.stage
                && !p.stage.can_move_to(r.stage)
            {
                row_errors.push(
                    err("stage", "illegal_move")
                        .with("from", p.stage.zh())
                        .with("to", r.stage.zh()),
                );
            }
            let batch = match (r.batch_year, r.year_plan) {
                (Some(y), plan) => Some(Batch {
                    year: y,
                    planned_investment: plan.unwrap_or_default(),
                }),
                (None, Some(_)) => {
                    row_errors.push(err("batch_year", "required"));
                    None
                }
                (None, None) => None,
            };
            if !row_errors.is_empty() {
                errors.extend(row_errors);
                // A refused file writes nothing: from here on only errors are collected.
                ops = Vec::new();
                continue;
            }
            if !errors.is_empty() || !sheet.errors.is_empty() {
                continue;
            }
            match matched {
                None => ops.push(ImportOp::Create(NewProject {
                    input,
                    stage: r.stage,
                    batch,
                    factors,
                })),
                Some(p) => {
                    // Keep what the sheet cannot carry (dates of needs, notes) as stored.
                    let stored: &[&Factor] =
                        factors_of.get(&p.id).map(|v| v.as_slice()).unwrap_or(&[]);
                    let factors: Vec<FactorInput> = factors
                        .into_iter()
                        .map(|mut f| {
                            if let Some(s) = stored.iter().find(|s| s.kind == f.kind) {
                                f.needed_by = s.needed_by;
                                f.note = s.note.clone();
                            }
                            f
                        })
                        .collect();
                    let factors_same = factors.iter().all(|f| {
                        stored.iter().any(|s| {
                            s.kind == f.kind
                                && s.required == f.required
                                && s.fulfilled == f.fulfilled
                        })
                    });
                    let batch_same = match &batch {
                        None => true,
                        Some(b) => {
                            let plans = match batch_cache.entry(b.year) {
                                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                                std::collections::hash_map::Entry::Vacant(e) => e.insert(
                                    self.store()
                                        .batches_for_year(b.year)
                                        .await?
                                        .into_iter()
                                        .collect(),
                                ),
                            };
                            plans.get(&p.id) == Some(&b.planned_investment)
                        }
                    };
                    if p.input() == input && p.stage == r.stage && factors_same && batch_same {
                        unchanged += 1;
                    } else {
                        ops.push(ImportOp::Update {
                            id: p.id,
                            version: p.version,
                            input,
                            stage: r.stage,
                            batch,
                            factors,
                        });
                    }
                }
            }
        }
        // The reader's own cell errors count as much as the ones found here.
        if !errors.is_empty() || !sheet.errors.is_empty() {
            sheet.add_errors(errors);
            return Ok(self.refused(sheet));
        }
        // The cells were kept only for a report; the writes do not need them.
        drop(sheet);
        let ctx = self.warning_context().await?;
        let (created, updated) = self.store().import_projects(&ops, &ctx, by).await?;
        tracing::info!(user = %by.username, rows = row_count, created, updated, unchanged, "projects imported");
        Ok(ImportResult::Imported(ImportSummary {
            rows: row_count,
            created,
            updated,
            unchanged,
        }))
    }

    /// The stored projects that rows identify (by code, else by name and owner).
    async fn matched_projects<R: NamesProject>(&self, rows: &[(usize, R)]) -> Result<Vec<Project>> {
        let mut codes: Vec<&str> = Vec::new();
        let mut names: Vec<(&str, &str)> = Vec::new();
        for (_, row) in rows {
            let (code, name, owner) = row.names();
            match code {
                Some(c) => codes.push(c),
                None => names.push((name, owner)),
            }
        }
        codes.sort_unstable();
        codes.dedup();
        names.sort_unstable();
        names.dedup();
        let ids = self.store().find_project_ids(&codes, &names).await?;
        Ok(self.store().get_projects(&ids).await?)
    }

    fn refused<T>(&self, sheet: SheetRead<T>) -> ImportResult {
        let report = dongneng_office::error_report(&sheet.cells, &sheet.errors, &sheet.sheet_name)
            .unwrap_or_default();
        ImportResult::Refused {
            problems: sheet.errors.iter().map(problem).collect(),
            report,
        }
    }

    async fn import_progress(
        &self,
        scope: &DataScope,
        by: &AuditBy,
        bytes: &[u8],
    ) -> Result<ImportResult> {
        let mut sheet = match dongneng_office::read_progress(bytes) {
            Ok(s) => s,
            Err(e) => return Ok(file_refused(e)),
        };
        let regions = self.store().list_regions().await?;
        let existing = self.matched_projects(&sheet.rows).await?;
        let matches = Matches::of(&existing);
        let today = clock::today();
        let mut errors = Vec::new();
        let mut ops = Vec::new();
        // Completed totals as the file would leave them, to keep them under the total. A row
        // for a month already reported corrects it: the month's stored amount leaves the total
        // before the row's own is added. (A project appears once in a file: the reader refuses
        // a second row.)
        let mut completed: HashMap<i64, i64> = HashMap::new();
        for (row, r) in &sheet.rows {
            let row = *row;
            let err = |h: &str, code: &str| sheet.error_at(row, h, code);
            let p = matches.find(r);
            let Some(p) = p else {
                let h = if r.code.is_some() {
                    "项目代码"
                } else {
                    "项目名称"
                };
                errors.push(err(h, "unknown_project"));
                continue;
            };
            if !scope.covers(&region_path(&regions, p.region_id), Some(p.industry_id)) {
                errors.push(err("项目名称", "out_of_scope").with("value", &p.name));
                continue;
            }
            let input = ProgressInput {
                year: r.year,
                month: r.month,
                month_investment: r.month_investment,
                image_progress: r.image_progress.clone(),
                milestone: r.milestone.clone(),
                problems: r.problems.clone(),
                next_steps: r.next_steps.clone(),
            };
            if let Err(fe) = input.validate(today) {
                for e in fe.0 {
                    let h = match e.field.as_str() {
                        "year" => "年份",
                        "month" => "月份",
                        "month_investment" => "本月完成投资（万元）",
                        "image_progress" => "形象进度",
                        "milestone" => "当前节点",
                        "problems" => "存在问题",
                        _ => "下步计划",
                    };
                    errors.push(err(h, &e.code));
                }
                continue;
            }
            // Only a month up to the last reported one can be stored already.
            let stored = if p
                .last_progress_ym
                .is_some_and(|last| ym(r.year, r.month) <= last)
            {
                self.store()
                    .list_progress(p.id)
                    .await?
                    .iter()
                    .find(|g| g.year == r.year && g.month as u32 == r.month)
                    .map_or(0, |g| g.month_investment.0)
            } else {
                0
            };
            let entry = completed.entry(p.id).or_insert(p.completed_investment.0);
            *entry += r.month_investment.0 - stored;
            if *entry > p.total_investment.0 {
                errors.push(err("本月完成投资（万元）", "completed_above_total"));
                continue;
            }
            ops.push(ProgressOp {
                project_id: p.id,
                input,
            });
        }
        // The reader's own cell errors count as much as the ones found here.
        if !errors.is_empty() || !sheet.errors.is_empty() {
            sheet.add_errors(errors);
            return Ok(self.refused(sheet));
        }
        let rows = ops.len();
        let ctx = self.warning_context().await?;
        self.store().import_progress(&ops, &ctx, by).await?;
        Ok(ImportResult::Imported(ImportSummary {
            rows,
            created: rows,
            updated: 0,
            unchanged: 0,
        }))
    }
}

/// A blank monthly-progress sheet for these projects, for last month.
fn progress_template(projects: &[Project]) -> Result<Vec<u8>> {
    let today = clock::today();
    let (y, m) = if today.month() == 1 {
        (today.year() - 1, 12)
    } else {
        (today.year(), today.month() - 1)
    };
    let rows: Vec<ProgressSheetRow> = projects
        .iter()
        .map(|p| ProgressSheetRow {
            code: p.code.clone(),
            name: p.name.clone(),
            owner_name: p.owner_name.clone(),
            year: y,
            month: m,
            month_investment: Money::ZERO,
            ytd_investment: None,
            image_progress: String::new(),
            milestone: String::new(),
            problems: String::new(),
            next_steps: String::new(),
        })
        .collect();
    dongneng_office::write_progress(&rows).map_err(|e| ServiceError::Internal(e.to_string()))
}
