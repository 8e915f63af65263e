use relman_core::Severity;

use super::logs::{pct, samples, scan};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// O-4: one structured log format, with the same keys throughout.
pub struct LogFormat;

static META: CheckMeta = CheckMeta {
    rule: "O-4",
    id: "log-format",
    severity: Severity::Medium,
    title: "Logs use one structured format",
    what: "At least 99% of the service's log lines are in one structured format (JSON or logfmt; from 90% the check warns, below it fails), and each field is written under one key name throughout (`level`, not sometimes `lvl`). The mix of formats is reported.",
    why: "A consistent structured format is what lets every service's logs be parsed, indexed and queried the same way, without a parser per service.",
    fix: "Log JSON (or logfmt) from one logger configuration, with the fleet's agreed key names (timestamp, level, msg, service).",
};

impl ServiceCheck for LogFormat {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let Some((scan, _)) = scan(cx, out) else {
            return;
        };
        let f = &scan.formats;
        let total = scan.analysed_lines();
        let mix: Vec<String> = [
            ("JSON", f.json),
            ("logfmt", f.logfmt),
            ("plain text", f.plain),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(name, n)| format!("{name} {}", pct(*n as f64 / total as f64)))
        .collect();
        let structured = scan.structured_ratio().unwrap_or(0.0);
        let (dominant, share) = scan.dominant_format().expect("lines were analysed");
        let mut problems = 0;
        if structured < 0.90 {
            out.fail(format!(
                "{}: only {} of lines are structured (JSON or logfmt); the mix is {}",
                samples(scan),
                pct(structured),
                mix.join(", ")
            ));
            problems += 1;
        } else if structured < 0.99 || share < 0.99 {
            out.warn(format!(
                "{}: the lines mix formats: {}",
                samples(scan),
                mix.join(", ")
            ));
            problems += 1;
        }
        for (field, keys) in scan.fields.spelling_conflicts() {
            out.warn(format!(
                "the {} field is written under several keys: {}",
                field.as_str(),
                keys.join(", ")
            ))
            .fix("Write each field under one key name in every line.");
            problems += 1;
        }
        let skipped = scan.too_long_lines + scan.invalid_utf8_lines + scan.nul_lines;
        if skipped > 0 {
            let first = scan
                .issues
                .first()
                .map(|i| format!(", e.g. {}:{}: {}", i.source, i.line, i.message))
                .unwrap_or_default();
            out.warn(format!(
                "{skipped} lines are not well-formed text ({} too long, {} invalid UTF-8, {} with NUL bytes){first}",
                scan.too_long_lines, scan.invalid_utf8_lines, scan.nul_lines
            ))
            .fix("Write logs as UTF-8 text lines of reasonable length.");
            problems += 1;
        }
        if problems == 0 {
            let keys = scan
                .key_sets
                .top()
                .map(|k| format!("; keys {}", k.keys.join(", ")))
                .unwrap_or_default();
            out.pass(format!(
                "{}: {} throughout{keys}",
                samples(scan),
                match dominant.as_str() {
                    "json" => "JSON",
                    other => other,
                }
            ));
        }
    }
}
