use relman_core::Severity;
use relman_logscan::FlagKind;

use super::logs::{example_ref, pct, quote, samples, scan};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// O-3: log levels are consistent, and errors are errors.
pub struct LogLevels;

static META: CheckMeta = CheckMeta {
    rule: "O-3",
    id: "log-levels",
    severity: Severity::Medium,
    title: "Log levels are known, consistent and honest",
    what: "Every line has a level (fails below 90%, warns below 99%); every level is a known one (mapped to OpenTelemetry severities); one spelling per level (no `INFO` beside `info`, no `warn` beside `warning`: warns). No false errors: error-level lines reporting success or a routine event warn above 1% of errors and fail above 5%, and error lines outnumbering warnings ten to one warn.",
    why: "Alerts, dashboards and log-based metrics count levels. A routine event logged as an error trains people to ignore errors; two spellings of one level split every count in two.",
    fix: "Use one logger configuration across services (trace, debug, info, warn, error, fatal, lower case); log routine events at info and reserve error for what someone must act on.",
};

impl ServiceCheck for LogLevels {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let Some((scan, _)) = scan(cx, out) else {
            return;
        };
        let levels = &scan.levels;
        let total = scan.analysed_lines();
        let with = levels.with_level();
        let ratio = with as f64 / total as f64;
        let spellings: Vec<String> = levels
            .spellings
            .iter()
            .take(6)
            .map(|s| format!("{} {}", s.spelling, s.count))
            .collect();
        let mut problems = 0;
        if ratio < 0.90 {
            out.fail(format!(
                "{}: only {} of lines have a level",
                samples(scan),
                pct(ratio)
            ));
            problems += 1;
        } else if ratio < 0.99 {
            out.warn(format!(
                "{}: {} of lines have no level",
                samples(scan),
                pct(1.0 - ratio)
            ));
            problems += 1;
        }
        let unknown = levels.unknown_spellings();
        if !unknown.is_empty() {
            let list: Vec<String> = unknown
                .iter()
                .map(|s| format!("{:?} ({} lines)", s.spelling, s.count))
                .collect();
            out.fail(format!("unknown levels: {}", list.join(", ")))
                .fix("Use the standard levels: trace, debug, info, warn, error, fatal.");
            problems += 1;
        }
        for group in levels.casing_variants() {
            out.warn(format!(
                "one level in several casings: {}",
                group.join(", ")
            ))
            .fix("Pick one casing for levels (lower case is the common choice).");
            problems += 1;
        }
        for (sev, words) in levels.synonyms() {
            if words.len() > 1 {
                out.warn(format!(
                    "{} is spelled {}",
                    sev.as_str(),
                    words.join(" and ")
                ))
                .fix("Use one spelling per level.");
                problems += 1;
            }
        }
        let false_errors = scan.flags.get(FlagKind::FalseError);
        if let Some(r) = scan.false_error_ratio().filter(|_| false_errors.count > 0) {
            let msg = format!(
                "{} of {} error-level lines report success or a routine event, e.g. {}",
                false_errors.count,
                scan.error_lines(),
                false_errors
                    .examples
                    .iter()
                    .take(2)
                    .map(quote)
                    .collect::<Vec<_>>()
                    .join("; ")
            );
            let f = if r > 0.05 {
                out.fail(msg)
            } else if r > 0.01 {
                out.warn(msg)
            } else {
                out.pass(msg)
            };
            for e in false_errors.examples.iter().take(2) {
                f.at(example_ref(e));
            }
            problems += usize::from(r > 0.01);
        }
        let errors = scan.error_lines();
        let warns = levels.by_severity.warn;
        if errors >= 10 && errors > 10 * warns.max(1) && errors * 5 > with {
            out.warn(format!(
                "error-level lines outnumber warnings {errors} to {warns} ({} of lines are errors): are they all errors?",
                pct(errors as f64 / with.max(1) as f64)
            ));
            problems += 1;
        }
        if problems == 0 {
            out.pass(format!(
                "{}: every line has a known level, one spelling each ({})",
                samples(scan),
                spellings.join(", ")
            ));
        }
    }
}
