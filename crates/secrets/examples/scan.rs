//! Scans a tree and prints what it finds, one secret a line
//! (`path:line:col rule redacted hash`), or a JSON array with `--json`.
//!
//! ```text
//! cargo run --release -p relman-secrets --example scan -- [--json] [--threads N]
//!     [--expect secrets.csv] [--stats] PATH
//! ```
//!
//! `--expect CSV` reads a benchmark's list of `file,risk_lines,…` (lines
//! starting with `#` are comments) and prints the recall: per file,
//! min(lines with a finding, expected risk lines), summed, over the sum
//! of expected risk lines. `--stats` prints files, bytes, time and MB/s
//! to stderr.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use relman_secrets::{Scanner, TreeOptions, scan_tree};

fn main() -> ExitCode {
    let mut json = false;
    let mut stats = false;
    let mut expect: Option<PathBuf> = None;
    let mut opts = TreeOptions::default();
    let mut root: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--stats" => stats = true,
            "--expect" => expect = args.next().map(PathBuf::from),
            "--threads" => opts.threads = args.next().and_then(|n| n.parse().ok()).unwrap_or(0),
            _ if root.is_none() => root = Some(PathBuf::from(arg)),
            _ => {
                eprintln!("unexpected argument {arg}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(root) = root else {
        eprintln!("usage: scan [--json] [--stats] [--threads N] [--expect secrets.csv] PATH");
        return ExitCode::from(2);
    };

    let scanner = Scanner::builtin();
    let started = Instant::now();
    let scan = scan_tree(&root, &scanner, &opts);
    let elapsed = started.elapsed();

    if json {
        let items: Vec<_> = scan
            .found
            .iter()
            .map(|f| {
                serde_json::json!({
                    "path": f.path,
                    "line": f.found.line,
                    "column": f.found.column,
                    "rule": f.found.rule,
                    "description": f.found.description,
                    "redacted": f.found.redacted,
                    "hash": f.found.hash,
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(items));
    } else if expect.is_none() {
        for f in &scan.found {
            let m = &f.found;
            println!(
                "{}:{}:{} {} {} {}",
                f.path, m.line, m.column, m.rule, m.redacted, m.hash
            );
        }
    }
    for (path, why) in &scan.skipped {
        eprintln!("skipped {path}: {why}");
    }
    if stats {
        let secs = elapsed.as_secs_f64();
        eprintln!(
            "{} files, {} bytes ({} binary skipped), {} findings in {:.3}s: {:.1} MB/s",
            scan.files_scanned,
            scan.bytes_scanned,
            scan.binary_skipped,
            scan.found.len(),
            secs,
            scan.bytes_scanned as f64 / 1e6 / secs.max(1e-9),
        );
    }
    if let Some(csv) = expect {
        return recall(&csv, &scan.found);
    }
    ExitCode::SUCCESS
}

/// Prints recall against a `file,risk,informative` list.
fn recall(csv: &std::path::Path, found: &[relman_secrets::FileMatch]) -> ExitCode {
    #[allow(clippy::disallowed_methods)] // a small benchmark list, read once
    let text = match std::fs::read_to_string(csv) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}", csv.display());
            return ExitCode::from(2);
        }
    };
    let mut lines: BTreeMap<&str, BTreeSet<u32>> = BTreeMap::new();
    for f in found {
        lines
            .entry(f.path.as_str())
            .or_default()
            .insert(f.found.line);
    }
    let (mut hit, mut total) = (0u64, 0u64);
    for row in text.lines() {
        let row = row.trim();
        if row.is_empty() || row.starts_with('#') {
            continue;
        }
        let mut cols = row.split(',');
        let (Some(file), Some(risk)) = (cols.next(), cols.next()) else {
            continue;
        };
        let Ok(risk) = risk.trim().parse::<u64>() else {
            continue;
        };
        let got = lines.get(file.trim()).map_or(0, |l| l.len() as u64);
        let counted = got.min(risk);
        println!("{file}: {counted}/{risk} (lines with findings: {got})");
        hit += counted;
        total += risk;
    }
    println!(
        "recall: {hit}/{total} = {:.1}%",
        100.0 * hit as f64 / total.max(1) as f64
    );
    ExitCode::SUCCESS
}
