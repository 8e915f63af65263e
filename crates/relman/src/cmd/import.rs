//! `relman import playbooks`: Mattermost Playbooks runs → incident records.
//!
//! The conversion is `relman_fleet::import::playbooks`; this command reads
//! the export, decides where each record goes (a run imported before keeps
//! its file), writes or prints the records and reports what it did.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use relman_core::fleet::IncidentSeverity;
use relman_fleet::import::playbooks::{self, ImportError, Options};

use crate::cli::{ImportPlaybooksArgs, SeverityArg};
use crate::output;

/// Exports of many runs with long timelines are bigger than fleet files.
const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

fn read_input(file: &Path) -> Result<String> {
    let mut bytes = Vec::new();
    let shown = file.display();
    if file == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .context("cannot read stdin")?;
    } else {
        std::fs::File::open(file)
            .and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
            .with_context(|| format!("{shown}: cannot read"))?;
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        bail!(
            "{shown}: larger than {} MiB; export fewer runs at a time (per_page, page)",
            MAX_INPUT_BYTES / (1024 * 1024)
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        anyhow::anyhow!(
            "{shown}: not UTF-8 text (at byte {}), expected JSON",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The services of the fleet the records go into, when OUT is a fleet's
/// `records/incidents`; `None` otherwise.
fn fleet_services(out: &Path) -> Option<BTreeSet<String>> {
    if !out.ends_with("records/incidents") {
        return None;
    }
    let root = out.parent()?.parent()?;
    let root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let loaded = relman_fleet::load(root).ok()?;
    let f = loaded.fleet;
    Some(
        f.services
            .iter()
            .map(|s| s.name.clone())
            .chain(f.broken_services.iter().map(|b| b.name.clone()))
            .collect(),
    )
}

pub fn playbooks(args: &ImportPlaybooksArgs) -> Result<u8> {
    let file = args.file.display().to_string();
    let text = read_input(&args.file)?;
    let opts = Options {
        server_url: args.server_url.clone(),
        severity_property: args.severity_from.clone(),
        services_property: args.services_from.clone(),
        services: args.services.clone(),
        default_severity: args.default_severity.map(|s| match s {
            SeverityArg::Minor => IncidentSeverity::Minor,
            SeverityArg::Major => IncidentSeverity::Major,
            SeverityArg::Critical => IncidentSeverity::Critical,
        }),
    };
    let conversion = match playbooks::convert(&text, &opts) {
        Ok(c) => c,
        Err(e @ ImportError::ServerUrl(_)) => bail!("--server-url {e}"),
        Err(e @ ImportError::Json { .. }) => bail!("{file}:{e}"),
        Err(e) => bail!("{file}: {e}"),
    };
    for r in &conversion.refused {
        output::error(&format!("{file}: {r}"));
    }
    if conversion.incidents.is_empty() && conversion.refused.is_empty() {
        output::note(&format!("{file}: no runs"));
        return Ok(0);
    }

    let existing = relman_fleet::import::ids_in(&args.out);
    let known = fleet_services(&args.out);
    let mut planned: BTreeSet<PathBuf> = BTreeSet::new();
    let (mut written, mut skipped) = (0usize, 0usize);
    let mut conflicts = 0usize;
    for incident in &conversion.incidents {
        let before = existing
            .iter()
            .find(|(id, _)| *id == incident.run_id)
            .map(|(_, p)| p.clone());
        let target = match before {
            Some(path) if !args.force => {
                output::stdout(&format!(
                    "skipped {}: run {} was imported before (--force rewrites it)\n",
                    path.display(),
                    incident.run_id
                ));
                skipped += 1;
                continue;
            }
            Some(path) => path,
            None => {
                // A file of that name holding another record keeps it; this
                // one takes the run id into its name.
                let first = args.out.join(&incident.file_name);
                let stem = incident.file_name.trim_end_matches(".md");
                let second = args.out.join(format!("{stem}-{}.md", incident.run_id));
                match [first, second]
                    .into_iter()
                    .find(|p| !p.exists() && !planned.contains(p))
                {
                    Some(p) => p,
                    None => {
                        output::error(&format!(
                            "{file}: run {}: {} and the same name with the run id are taken by other records; nothing written for it",
                            incident.run_id,
                            args.out.join(&incident.file_name).display()
                        ));
                        conflicts += 1;
                        continue;
                    }
                }
            }
        };
        planned.insert(target.clone());
        let shown = target.display();
        let what = format!(
            "{}, {}",
            incident.severity.as_str(),
            incident.services.join(", ")
        );
        if args.dry_run {
            let state = if target.exists() { "rewrite" } else { "new" };
            output::stdout(&format!(
                "==> {shown} ({state}: {what}) <==\n{}\n",
                incident.text
            ));
        } else {
            std::fs::create_dir_all(&args.out)
                .with_context(|| format!("cannot create {}", args.out.display()))?;
            std::fs::write(&target, &incident.text)
                .with_context(|| format!("cannot write {shown}"))?;
            output::stdout(&format!("wrote {shown} ({what})\n"));
        }
        written += 1;
        for n in &incident.notes {
            output::note(&format!("note: {shown}: {n}"));
        }
        if let Some(known) = &known {
            for s in incident.services.iter().filter(|s| !known.contains(*s)) {
                output::note(&format!(
                    "note: {shown}: service \"{s}\" is not one of the fleet's services (services/*.yaml)"
                ));
            }
        }
    }

    let refused = conversion.refused.len() + conflicts;
    output::note(&format!(
        "{file}: {written} {} {}, {skipped} already imported, {refused} refused",
        if written == 1 { "record" } else { "records" },
        if args.dry_run {
            "would be written"
        } else {
            "written"
        },
    ));
    Ok(if refused > 0 { 2 } else { 0 })
}
