use relman_core::Severity;

use super::logs::{pct, samples, scan};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// O-2: log lines name the service.
pub struct LogService;

static META: CheckMeta = CheckMeta {
    rule: "O-2",
    id: "log-service-field",
    severity: Severity::Medium,
    title: "Log lines name the service",
    what: "At least 99% of the service's log lines carry a field naming the service (`service`, `service.name`, `app`...) or a consistent prefix (`[name]`, `name:`, `name[pid]:`); from 90% the check warns. Lines that name another service are reported.",
    why: "Logs from many services end up in one place; a line that does not say where it came from cannot be filtered, counted or alerted on per service.",
    fix: "Add a `service` field to every line: a default field on the logger (a static label in the log shipper works too).",
};

impl ServiceCheck for LogService {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let Some((scan, _)) = scan(cx, out) else {
            return;
        };
        let name = &cx.service.name;
        let ratio = scan.service_ratio().unwrap_or(0.0);
        let with = scan.service.lines();
        let total = scan.analysed_lines();
        let how = match (scan.service.field_lines, scan.service.consistent_prefix()) {
            (0, Some(p)) => format!("the prefix {:?}", p.value),
            (_, _) => {
                let top: Vec<String> = scan
                    .service
                    .values
                    .entries
                    .iter()
                    .take(3)
                    .map(|t| format!("{}={}", "service", t.value))
                    .collect();
                if top.is_empty() {
                    "a service field".to_string()
                } else {
                    top.join(", ")
                }
            }
        };
        if with == 0 {
            let keys = scan
                .key_sets
                .top()
                .map(|k| format!(" (keys seen: {})", k.keys.join(", ")))
                .unwrap_or_default();
            out.fail(format!(
                "{}: no line names the service{keys}",
                samples(scan)
            ));
        } else if ratio >= 0.99 {
            out.pass(format!(
                "{}: {} of lines name the service ({how})",
                samples(scan),
                pct(ratio)
            ));
        } else if ratio >= 0.90 {
            out.warn(format!(
                "{}: {} of lines name the service ({how}); {} do not",
                samples(scan),
                pct(ratio),
                total - with
            ));
        } else {
            out.fail(format!(
                "{}: only {} of lines name the service ({how})",
                samples(scan),
                pct(ratio)
            ));
        }
        // Lines that name a service, but another one.
        let naming = scan.service.lines_naming(name);
        let named_values: u64 = scan.service.values.total();
        if named_values > 0 && naming < named_values {
            let others: Vec<String> = scan
                .service
                .values
                .entries
                .iter()
                .filter(|t| !t.value.eq_ignore_ascii_case(name))
                .take(3)
                .map(|t| format!("{} ({} lines)", t.value, t.count))
                .collect();
            out.warn(format!(
                "{} lines name another service than {name}: {}",
                named_values - naming.min(named_values),
                others.join(", ")
            ))
            .fix(format!(
                "Name the service `{name}`, as its descriptor does, in every line."
            ));
        }
    }
}
