//! What the metrics checks (O-6..O-9) share: reading the evidence, and
//! telling a service's own metrics from language runtime ones.

use relman_core::EvidenceRef;
use relman_core::evidence::{FamilyFacts, MetricsEvidence, MetricsFacts, MetricsOrigin};

use crate::{Findings, ServiceCx};

/// Families every client library exports on its own: they say nothing about
/// the service, so they never satisfy O-8 or O-9.
pub const RUNTIME_PREFIXES: &[&str] = &[
    "go_",
    "process_",
    "promhttp_",
    "python_",
    "jvm_",
    "nodejs_",
    "dotnet_",
    "ruby_",
    "erlang_vm_",
];

pub fn is_runtime(name: &str) -> bool {
    RUNTIME_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Evidence pointing at the metrics source, at a line when given.
pub fn at(origin: &MetricsOrigin, line: Option<usize>) -> EvidenceRef {
    let r = EvidenceRef::new(origin.source(), origin.location());
    match line {
        Some(l) if matches!(origin, MetricsOrigin::File { .. }) => r.at(l as u32, 1),
        Some(l) => {
            let mut r = r;
            r.line = Some(l as u32);
            r
        }
        None => r,
    }
}

/// `http_requests_total{code="200",service="a"}`.
pub fn series_text(name: &str, labels: &[(String, String)]) -> String {
    if labels.is_empty() {
        return name.to_string();
    }
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    format!("{name}{{{}}}", inner.join(","))
}

/// The parsed families of a service's metrics, or `None` after emitting the
/// finding that says why there are none: `unverified` when no source is
/// given, `error` when it could not be read or parsed (O-6 itself reports
/// those as failures).
pub fn families<'a>(
    cx: &ServiceCx<'a>,
    out: &mut Findings,
) -> Option<(&'a MetricsFacts, &'a [FamilyFacts])> {
    let origin = &cx.service.origin;
    match &cx.evidence.metrics {
        MetricsEvidence::NotGiven => {
            out.unverified(format!(
                "no metrics to look at: {} gives neither metrics.url nor metrics.file",
                origin.file
            ))
            .at(origin.at("descriptor", "metrics"))
            .fix("Set `metrics.url` to the service's live /metrics endpoint, or `metrics.file` to a captured scrape.");
            None
        }
        MetricsEvidence::Unreadable { origin: o, error } => {
            out.error(format!("the metrics at {} could not be read: {error}", o.location()))
                .at(at(o, None))
                .fix("Make the endpoint reachable from where relman runs (or fix metrics.file); O-6 reports the failure.");
            None
        }
        MetricsEvidence::Read(facts) => match &facts.parsed {
            Ok(families) => Some((facts, families.as_slice())),
            Err(e) => {
                out.error(format!(
                    "the metrics at {} are not valid {} exposition (line {}, column {}: {})",
                    facts.origin.location(),
                    facts.format,
                    e.line,
                    e.column,
                    e.message
                ))
                .at(at(&facts.origin, Some(e.line)))
                .fix("Fix the exposition; `relman metrics lint` shows every problem.");
                None
            }
        },
    }
}
