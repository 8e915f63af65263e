//! `relman logs lint`: what the log rules O-1..O-4 see in log files.

use anyhow::{Result, bail};
use relman_core::evidence::{LogsEvidence, ServiceEvidence};
use relman_core::fleet::Service;
use relman_core::{Finding, Status};
use relman_logscan::{FlagKind, Options, Scan};
use serde_json::json;

use crate::cli::{ListFormat, LogsLintArgs};
use crate::output;

/// The log checks on one scan, as `relman audit` runs them.
fn checks(scan: &Scan, service: &str) -> Vec<Finding> {
    let mut svc = Service::named(service, "-");
    svc.origin = relman_core::fleet::Origin::new("--service");
    let evidence = ServiceEvidence {
        logs: LogsEvidence::Read {
            files: vec![scan.source.clone()],
            scan: Box::new(scan.clone()),
            problems: Vec::new(),
        },
        ..ServiceEvidence::default()
    };
    super::run_rules(&svc, &evidence, &["O-1", "O-2", "O-3", "O-4"])
}

fn text_report(scan: &Scan, checks: &[Finding]) -> String {
    let total = scan.analysed_lines().max(1) as f64;
    let pct = |n: u64| format!("{:.0}%", n as f64 * 100.0 / total);
    let f = &scan.formats;
    let mut out = format!(
        "{}: {} lines, {} bytes: JSON {}, logfmt {}, plain {}\n",
        scan.source,
        scan.lines,
        scan.bytes,
        pct(f.json),
        pct(f.logfmt),
        pct(f.plain)
    );
    out.push_str(&format!(
        "  service: {} of lines{}\n",
        pct(scan.service.lines()),
        scan.service
            .values
            .top()
            .map(|t| format!(" (mostly {})", t.value))
            .unwrap_or_default()
    ));
    let levels: Vec<String> = scan
        .levels
        .spellings
        .iter()
        .map(|s| format!("{} {}", s.spelling, s.count))
        .chain(
            (scan.levels.without_level > 0)
                .then(|| format!("(none) {}", scan.levels.without_level)),
        )
        .collect();
    out.push_str(&format!("  levels: {}\n", levels.join(", ")));
    for k in FlagKind::ALL {
        let s = scan.flags.get(k);
        if s.count == 0 {
            continue;
        }
        out.push_str(&format!("  {}: {} lines\n", k.as_str(), s.count));
        for e in &s.examples {
            out.push_str(&format!("    {}:{}: {:?}\n", e.source, e.line, e.excerpt));
        }
    }
    for i in &scan.issues {
        out.push_str(&format!("  {}:{}: {}\n", i.source, i.line, i.message));
    }
    for c in checks {
        out.push_str(&format!("  {} {}: {}\n", c.check, c.status, c.message));
    }
    out
}

pub fn lint(args: &LogsLintArgs) -> Result<u8> {
    let opts = Options {
        max_line_bytes: args.max_line_bytes,
        ..Options::default()
    };
    let mut scans = Vec::new();
    let mut problems = Vec::new();
    let patterns: Vec<String> = args.inputs.iter().filter(|i| *i != "-").cloned().collect();
    if args.inputs.iter().filter(|i| *i == "-").count() > 1 {
        bail!("stdin (-) can be read only once");
    }
    if args.inputs.iter().any(|i| i == "-") {
        let stdin = std::io::stdin();
        scans.push(relman_logscan::scan_reader(stdin.lock(), "<stdin>", &opts));
    }
    if !patterns.is_empty() {
        let (files, p) = relman_logscan::expand_globs(std::path::Path::new(""), &patterns);
        problems.extend(p);
        // Several files are scanned in parallel, one per core.
        scans.extend(relman_logscan::scan_paths(&files, &opts));
    }
    for p in &problems {
        output::error(p);
    }
    let service = args.service.as_deref().unwrap_or("-");
    let mut code = u8::from(!problems.is_empty()) * 2;
    let mut text = String::new();
    let mut reports = Vec::new();
    for scan in &scans {
        if !scan.complete {
            code = 2;
        }
        let found = checks(scan, service);
        let failing = found.iter().any(|f| {
            matches!(f.status, Status::Fail | Status::Error)
                || (args.service.is_some() && f.status == Status::Warn && args.strict)
        });
        if failing && code == 0 {
            code = 1;
        }
        text.push_str(&text_report(scan, &found));
        reports.push(json!({ "scan": scan, "checks": found }));
    }
    match args.format {
        ListFormat::Table => output::stdout(&text),
        ListFormat::Json => {
            let doc = json!({ "schema": "relman.logs-lint/v1", "files": reports });
            output::stdout(&format!("{}\n", serde_json::to_string_pretty(&doc)?));
        }
    }
    Ok(code)
}
