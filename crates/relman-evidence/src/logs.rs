//! Log samples: the files a descriptor's `logs` patterns name, scanned in
//! constant memory by `relman-logscan` and folded into one scan per service.

use std::path::Path;

use relman_core::evidence::LogsEvidence;
use relman_core::fleet::{Fleet, Service};
use relman_logscan::{Options, Scan};

pub(crate) async fn collect(fleet: &Fleet, service: &Service) -> LogsEvidence {
    if service.logs.is_empty() {
        return LogsEvidence::NotGiven;
    }
    let root = fleet.root.clone();
    let patterns: Vec<String> = service
        .logs
        .iter()
        .map(|p| p.resolved.to_string_lossy().into_owned())
        .collect();
    let work = tokio::task::spawn_blocking(move || scan(&root, &patterns));
    match work.await {
        Ok(ev) => ev,
        Err(e) => LogsEvidence::Unreadable {
            problems: vec![format!("the log scan failed: {e}")],
        },
    }
}

fn shown(root: &Path, p: &Path) -> String {
    let root = crate::normalize_display(root);
    let s = p.to_string_lossy().replace('\\', "/");
    match s.strip_prefix(&format!("{root}/")) {
        Some(rel) => rel.to_string(),
        None => s,
    }
}

fn scan(root: &Path, patterns: &[String]) -> LogsEvidence {
    // Patterns are already resolved against the descriptor's folder.
    let (files, mut problems) = relman_logscan::expand_globs(Path::new(""), patterns);
    let root_s = crate::normalize_display(root);
    problems = problems
        .into_iter()
        .map(|p| p.replace(&format!("{root_s}/"), ""))
        .collect();
    if files.is_empty() {
        return LogsEvidence::Unreadable { problems };
    }
    let opts = Options::default();
    let scans = relman_logscan::scan_paths(&files, &opts);
    let mut merged: Option<Scan> = None;
    for s in scans {
        match &mut merged {
            None => merged = Some(s),
            Some(m) => m.merge(s),
        }
    }
    let mut scan = merged.expect("at least one file");
    scan.rename_sources(|s| shown(root, Path::new(s)));
    if files.len() > 1 {
        scan.source = format!("{} files", files.len());
    }
    LogsEvidence::Read {
        files: files.iter().map(|f| shown(root, f)).collect(),
        scan: Box::new(scan),
        problems,
    }
}
