use relman_core::Severity;
use relman_core::evidence::FamilyFacts;

use super::metrics::{at, families, is_runtime};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// O-9: availability and latency are exported.
pub struct AvailabilityLatency;

static META: CheckMeta = CheckMeta {
    rule: "O-9",
    id: "availability-latency",
    severity: Severity::High,
    title: "Availability and latency metrics are exported",
    what: "Availability: a request counter split by status or code (a `code`, `status`, `status_code`, `outcome` or `result` label), or an up/health gauge of the service's own. Latency: a histogram or summary, in seconds, of request or operation duration (`*_duration_seconds`, `*_latency_seconds`). Language runtime and scrape-handler metrics (`go_*`, `process_*`, `promhttp_*`...) do not count.",
    why: "Availability and latency are what customers feel and what SLOs are computed from; without them an SLO cannot be measured.",
    fix: "Instrument the request path: a counter `<svc>_requests_total{code=…}` and a histogram `<svc>_request_duration_seconds` (the HTTP middleware of most client libraries exports both).",
};

const OUTCOME_LABELS: &[&str] = &[
    "code",
    "status",
    "status_code",
    "http_status",
    "outcome",
    "result",
    "grpc_code",
];

fn outcome_label(f: &FamilyFacts) -> Option<&str> {
    f.series.iter().find_map(|s| {
        s.labels
            .iter()
            .map(|(k, _)| k.as_str())
            .find(|k| OUTCOME_LABELS.contains(k))
    })
}

fn is_request_counter(f: &FamilyFacts) -> bool {
    let n = &f.name;
    (f.kind == "counter" || (f.kind == "unknown" && n.ends_with("_total")))
        && [
            "request",
            "rpc",
            "call",
            "operation",
            "response",
            "handled",
            "message",
        ]
        .iter()
        .any(|w| n.contains(w))
}

fn is_health_gauge(f: &FamilyFacts) -> bool {
    let n = &f.name;
    (f.kind == "gauge" || f.kind == "unknown")
        && (n == "up" || n.ends_with("_up") || n.contains("health") || n.ends_with("_available"))
}

fn is_duration(name: &str) -> bool {
    ["duration", "latency", "response_time", "request_time"]
        .iter()
        .any(|w| name.contains(w))
}

impl ServiceCheck for AvailabilityLatency {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let Some((facts, families)) = families(cx, out) else {
            return;
        };
        let own: Vec<&FamilyFacts> = families.iter().filter(|f| !is_runtime(&f.name)).collect();
        let origin = &facts.origin;

        // Availability.
        let counters: Vec<&&FamilyFacts> = own.iter().filter(|f| is_request_counter(f)).collect();
        if let Some((f, label)) = counters
            .iter()
            .find_map(|f| outcome_label(f).map(|l| (f, l)))
        {
            out.pass(format!(
                "availability: {} ({}) is split by {label}",
                f.name, f.kind
            ))
            .at(at(origin, Some(f.line)));
        } else if let Some(f) = own.iter().find(|f| is_health_gauge(f)) {
            out.pass(format!(
                "availability: the {} gauge {} reports health",
                f.kind, f.name
            ))
            .at(at(origin, Some(f.line)));
        } else if let Some(f) = counters.first() {
            out.fail(format!(
                "availability: {} counts requests but has no code or status label, so errors cannot be told from successes",
                f.name
            ))
            .at(at(origin, Some(f.line)))
            .fix(format!("Add a `code` (or `status`) label to {}.", f.name));
        } else {
            out.fail(format!(
                "availability: no request counter split by code or status and no up/health gauge among the {} families of the service's own in {}",
                own.len(),
                origin.location()
            ))
            .at(at(origin, None));
        }

        // Latency.
        let timed: Vec<&&FamilyFacts> = own
            .iter()
            .filter(|f| matches!(f.kind, "histogram" | "summary" | "gaugehistogram"))
            .collect();
        let in_seconds =
            |f: &FamilyFacts| f.name.ends_with("_seconds") || f.unit.as_deref() == Some("seconds");
        if let Some(f) = timed.iter().find(|f| is_duration(&f.name) && in_seconds(f)) {
            out.pass(format!(
                "latency: {} ({}) measures duration in seconds",
                f.name, f.kind
            ))
            .at(at(origin, Some(f.line)));
        } else if let Some(f) = timed.iter().find(|f| is_duration(&f.name)) {
            out.fail(format!(
                "latency: {} ({}) measures duration, but not in seconds",
                f.name, f.kind
            ))
            .at(at(origin, Some(f.line)))
            .fix("Measure durations in seconds, the base unit (`*_duration_seconds`).");
        } else if let Some(f) = own.iter().find(|f| is_duration(&f.name)) {
            out.fail(format!(
                "latency: {} is a {}, not a histogram or summary, so percentiles cannot be computed",
                f.name, f.kind
            ))
            .at(at(origin, Some(f.line)))
            .fix("Export request duration as a histogram (`*_request_duration_seconds`).");
        } else {
            out.fail(format!(
                "latency: no histogram or summary of request or operation duration among the {} families of the service's own in {}",
                own.len(),
                origin.location()
            ))
            .at(at(origin, None));
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;

    use super::*;
    use crate::observability::o8_build_info::tests::{ev, fam};
    use crate::testing::*;

    fn judge(families: Vec<FamilyFacts>) -> Vec<relman_core::Finding> {
        run_service(&AvailabilityLatency, &service("a"), &ev(families))
    }

    #[test]
    fn both_present_pass() {
        let out = judge(vec![
            fam("http_requests", "counter", &[("code", "200")]),
            fam(
                "http_request_duration_seconds",
                "histogram",
                &[("le", "0.1")],
            ),
        ]);
        assert_eq!(statuses(&out), [Status::Pass, Status::Pass]);
        assert_eq!(
            out[0].message,
            "availability: http_requests (counter) is split by code"
        );
    }

    #[test]
    fn runtime_metrics_alone_fail() {
        let out = judge(vec![
            fam("go_gc_duration_seconds", "summary", &[("quantile", "0.5")]),
            fam(
                "promhttp_metric_handler_requests",
                "counter",
                &[("code", "200")],
            ),
        ]);
        assert_eq!(statuses(&out), [Status::Fail, Status::Fail]);
        assert!(
            out[0].message.contains("among the 0 families"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn health_gauge_and_wrong_units() {
        let out = judge(vec![
            fam("ldap_up", "gauge", &[]),
            fam("ldap_request_duration_milliseconds", "histogram", &[]),
        ]);
        assert_eq!(statuses(&out), [Status::Pass, Status::Fail]);
        assert_eq!(
            out[1].message,
            "latency: ldap_request_duration_milliseconds (histogram) measures duration, but not in seconds"
        );
        let out = judge(vec![fam("http_requests", "counter", &[("method", "GET")])]);
        assert!(
            out[0].message.contains("has no code or status label"),
            "{}",
            out[0].message
        );
    }
}
