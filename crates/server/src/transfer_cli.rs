//! `dongneng export` and `dongneng import`: the same checks as the web import, with a
//! progress display, a report file beside the input when it is refused, and exit status 1.

use anyhow::{Context, bail};
use dongneng_domain::project::{LibraryClass, Stage};
use dongneng_domain::warning::Level;
use dongneng_service::projects::ProjectQuery;
use dongneng_service::transfer::ImportResult;
use dongneng_service::{Actor, Service};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::time::Duration;

pub enum Kind {
    Projects,
    Progress,
}

/// Builds the export filters from command-line words (codes or names).
#[allow(clippy::too_many_arguments)]
pub async fn query(
    service: &Service,
    industry: Option<String>,
    region: Option<String>,
    stage: Option<String>,
    class: Option<String>,
    warning: Option<String>,
    batch_year: Option<i32>,
    q: Option<String>,
    all: bool,
) -> anyhow::Result<ProjectQuery> {
    let reference = service
        .reference(&Actor::system("cli"))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let industry_id = match industry {
        None => None,
        Some(name) => {
            let list = reference.list_industries().await?;
            let found = list
                .iter()
                .find(|i| i.key == name || i.name_zh == name || i.name_en == name);
            Some(found.with_context(|| format!("no industry {name}"))?.id)
        }
    };
    let region_id = match region {
        None => None,
        Some(name) => {
            let list = reference.list_regions().await?;
            let found = list.iter().find(|r| {
                r.code.as_deref() == Some(name.as_str())
                    || r.name_zh == name
                    || r.short_name.as_deref() == Some(name.as_str())
                    || r.name_en == name
            });
            Some(found.with_context(|| format!("no region {name}"))?.id)
        }
    };
    let parse =
        |v: Option<String>, f: fn(&str) -> bool, what: &str| -> anyhow::Result<Option<String>> {
            match v {
                Some(t) if !f(&t) => bail!("unknown {what}: {t}"),
                other => Ok(other),
            }
        };
    let stage =
        parse(stage, |t| Stage::parse(t).is_some(), "stage")?.and_then(|t| Stage::parse(&t));
    let class = parse(class, |t| LibraryClass::parse(t).is_some(), "class")?
        .and_then(|t| LibraryClass::parse(&t));
    let warning =
        parse(warning, |t| Level::parse(t).is_some(), "warning")?.and_then(|t| Level::parse(&t));
    Ok(ProjectQuery {
        industry_id,
        region_id,
        stage,
        library_class: class,
        batch_year,
        warning,
        in_library: None,
        include_left: all,
        q,
        ..Default::default()
    })
}

/// Imports a file; returns the exit status (0 imported, 1 refused).
pub async fn import(service: &Service, kind: Kind, file: &Path) -> anyhow::Result<i32> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar.set_message(format!("读取并校验 {} …", file.display()));
    let editor = service
        .library_editor(&Actor::system("cli"))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let slot = editor.begin_import().map_err(|e| anyhow::anyhow!("{e}"))?;
    let result = match kind {
        Kind::Projects => editor.import_projects_xlsx(&slot, &bytes).await,
        Kind::Progress => editor.import_progress_xlsx(&slot, &bytes).await,
    }
    .map_err(|e| anyhow::anyhow!("{e}: {e:?}"))?;
    bar.finish_and_clear();
    match result {
        ImportResult::Imported(s) => {
            println!(
                "Imported {}: {} rows, {} created, {} updated, {} unchanged.",
                file.display(),
                s.rows,
                s.created,
                s.updated,
                s.unchanged
            );
            Ok(0)
        }
        ImportResult::Refused { problems, report } => {
            let report_path = file.with_extension("errors.xlsx");
            std::fs::write(&report_path, &report)
                .with_context(|| format!("writing {}", report_path.display()))?;
            eprintln!("Refused: {} problems; nothing was written.", problems.len());
            for p in problems.iter().take(50) {
                let mut params = p.params.clone();
                params.entry("field".into()).or_insert(p.column.clone());
                eprintln!(
                    "  row {}, column {} ({}), value {:?}: {}",
                    p.row,
                    p.column_letter,
                    p.column,
                    p.value,
                    dongneng_office::message_zh(&p.code, &params)
                );
            }
            if problems.len() > 50 {
                eprintln!("  … and {} more", problems.len() - 50);
            }
            eprintln!(
                "Report with the bad cells marked: {}",
                report_path.display()
            );
            Ok(1)
        }
        ImportResult::FileRefused { code, params } => {
            eprintln!("Refused: {}", dongneng_office::message_zh(code, &params));
            Ok(1)
        }
    }
}
