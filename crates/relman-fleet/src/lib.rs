//! Loading a fleet directory: the first step of the pipeline.
//!
//! `load` reads relman.yaml, services/*.yaml, waivers.yaml, the records'
//! front matter, records/deployments.csv and .jsonl, cost/ (generic cost files, AWS
//! Cost and Usage Reports, customer counts), validates every
//! field against the contract (DESIGN.md) and returns the [`Fleet`] with all
//! problems found, each naming file, line, column and field. It never stops
//! at the first problem, and a broken service descriptor is set aside as a
//! [`BrokenService`] so that the rest of the fleet can still be audited.
//!
//! This crate reads files only; it does not look into repositories, scrape
//! endpoints or read logs: that is evidence collection.

mod cost;
mod deployments;
mod diag;
mod fields;
mod files;
mod fleet_file;
pub mod import;
mod manifesto_file;
mod records;
mod service;
mod tables;
mod waivers;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use relman_core::fleet::{BrokenService, Fleet, Records, Tuning};
use relman_core::rules::Manifesto;

pub use diag::Diagnostic;
pub use service::TEMPLATE as SERVICE_TEMPLATE;

/// The fleet and every problem found while loading it.
#[derive(Debug)]
pub struct Loaded {
    pub fleet: Fleet,
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a fleet could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: not a fleet directory (no relman.yaml)")]
    NotAFleet { path: PathBuf },
    #[error("the fleet file is unusable")]
    Unusable { diagnostics: Vec<Diagnostic> },
}

/// Load and validate the fleet directory at `root`.
pub fn load(root: &Path) -> Result<Loaded, LoadError> {
    let fleet_file = root.join("relman.yaml");
    if !fleet_file.is_file() {
        return Err(LoadError::NotAFleet {
            path: root.to_path_buf(),
        });
    }
    let mut diagnostics = Vec::new();
    let Some(config) = fleet_file::load(root, &mut diagnostics) else {
        return Err(LoadError::Unusable { diagnostics });
    };

    let mut manifesto = Manifesto::builtin();
    let mut tuning = Tuning::default();
    if let Some(file) = &config.manifesto.file {
        manifesto_file::load(root, file, &mut manifesto, &mut tuning, &mut diagnostics);
    }

    for team in &config.teams {
        for okr in &team.okrs {
            if let relman_core::fleet::OkrGoal::Rule { rule, .. } = &okr.goal {
                if manifesto.get(rule).is_none() {
                    let field = format!("{}.rule", okr.path);
                    diagnostics.push(Diagnostic {
                        file: "relman.yaml".into(),
                        pos: config.origin.fields.get(&field).copied(),
                        field,
                        message: format!(
                            "unknown rule \"{rule}\", expected a manifesto rule id such as S-3"
                        ),
                    });
                }
            }
        }
    }

    // Service descriptors, parsed in parallel: a fleet may have thousands.
    let descriptor_files = files::list(root, "services", &["yaml", "yml"], &mut diagnostics);
    let parsed: Vec<_> = descriptor_files
        .par_iter()
        .map(|path| service::load(root, path))
        .collect();
    let mut services = Vec::new();
    let mut broken_services = Vec::new();
    for (path, result) in descriptor_files.iter().zip(parsed) {
        match result {
            Ok(s) => services.push(s),
            Err(problems) => {
                broken_services.push(BrokenService {
                    name: path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    file: files::display(root, path),
                    problems: problems.iter().map(ToString::to_string).collect(),
                });
                diagnostics.extend(problems);
            }
        }
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    let mut seen = std::collections::HashMap::new();
    for s in &services {
        if let Some(first) = seen.insert(s.name.clone(), s.origin.file.clone()) {
            diagnostics.push(Diagnostic {
                file: s.origin.file.clone(),
                pos: s.origin.fields.get("name").copied(),
                field: "name".into(),
                message: format!("service \"{}\" is also declared in {first}", s.name),
            });
        }
    }
    let known_services: Vec<&str> = services
        .iter()
        .map(|s| s.name.as_str())
        .chain(broken_services.iter().map(|b| b.name.as_str()))
        .collect();

    let waivers = waivers::load(root, &manifesto, &known_services, &mut diagnostics);
    let mut records = Records::default();
    records::load(
        root,
        config.now,
        &known_services,
        &mut records,
        &mut diagnostics,
    );
    records.deployments = deployments::load(root, config.now, &mut diagnostics);
    let cost = cost::load(root, &config.cost, &mut diagnostics);

    diagnostics.sort();
    diagnostics.dedup();
    // The records skipped for a problem, so that the checks reading them
    // can say their input was incomplete.
    records.problems = diagnostics
        .iter()
        .filter(|d| d.file.starts_with("records/"))
        .map(|d| relman_core::fleet::RecordProblem {
            file: d.file.clone(),
            line: d.pos.map(|p| p.line),
            message: d.to_string(),
        })
        .collect();
    Ok(Loaded {
        fleet: Fleet {
            root: root.to_path_buf(),
            config,
            manifesto,
            tuning,
            services,
            broken_services,
            waivers,
            records,
            cost,
        },
        diagnostics,
    })
}
