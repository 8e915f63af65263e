use relman_core::Severity;
use relman_core::evidence::{MetricsEvidence, MetricsOrigin};

use super::metrics::{at, series_text};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// O-6: metrics are exported, valid, and labelled with the service.
pub struct MetricsExported;

static META: CheckMeta = CheckMeta {
    rule: "O-6",
    id: "metrics-exported",
    severity: Severity::High,
    title: "Metrics are exported and carry the service label",
    what: "The metrics endpoint (`metrics.url`) answers with valid Prometheus text or OpenMetrics, or the capture (`metrics.file`) is valid; and the series carry the label that names the service (`metrics.service_label`, default `service`), or the descriptor declares `metrics.target_labels` that the scrape adds. No series with the label fails; some fails to warn, with counts.",
    why: "A metric that cannot be traced to its service cannot be alerted on or graphed per service; an endpoint that does not answer exports nothing.",
    fix: "Serve valid exposition text at /metrics and add the service label to every series (a constant label in the client library's registry), or declare `metrics.target_labels: { service: NAME }` when the scrape config adds it.",
};

impl ServiceCheck for MetricsExported {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let service = cx.service;
        let descriptor = &service.origin;
        let facts = match &cx.evidence.metrics {
            MetricsEvidence::NotGiven => {
                out.unverified(format!(
                    "no metrics source is given ({}: metrics.url or metrics.file)",
                    descriptor.file
                ))
                .at(descriptor.at("descriptor", "metrics"));
                return;
            }
            MetricsEvidence::Unreadable { origin, error } => {
                match origin {
                    MetricsOrigin::Url { .. } => out.fail(format!(
                        "the metrics endpoint {} does not answer: {error}",
                        origin.location()
                    )),
                    MetricsOrigin::File { .. } => out.error(format!(
                        "the metrics capture {} cannot be read: {error}",
                        origin.location()
                    )),
                }
                .at(at(origin, None));
                return;
            }
            MetricsEvidence::Read(facts) => facts,
        };
        let families = match &facts.parsed {
            Ok(f) => f,
            Err(e) => {
                out.fail(format!(
                    "{} is not valid {} exposition: line {}, column {}: {}",
                    facts.origin.location(),
                    facts.format,
                    e.line,
                    e.column,
                    e.message
                ))
                .at(at(&facts.origin, Some(e.line)))
                .fix("Fix the exposition text; `relman metrics lint` lists every problem.");
                return;
            }
        };
        let source = describe_source(&facts.origin, facts.format);
        let label = service
            .metrics
            .as_ref()
            .map_or("service", |m| m.service_label.as_str());
        let total: usize = families.iter().map(|f| f.series.len()).sum();
        if total == 0 {
            out.fail(format!("{source} holds no series at all"))
                .at(at(&facts.origin, None));
            return;
        }
        if let Some((_, v)) = service
            .metrics
            .as_ref()
            .and_then(|m| m.target_labels.iter().find(|(k, _)| k == label))
        {
            out.pass(format!(
                "{source}: {total} series; the scrape adds {label}=\"{v}\" (metrics.target_labels)"
            ))
            .at(at(&facts.origin, None));
            return;
        }
        let mut with = 0usize;
        let mut first_with = None;
        let mut first_without = None;
        for f in families {
            for s in &f.series {
                if s.label(label).is_some_and(|v| !v.is_empty()) {
                    with += 1;
                    first_with.get_or_insert(s);
                } else {
                    first_without.get_or_insert(s);
                }
            }
        }
        let fix = format!(
            "Add the label `{label}` to every series (a constant label on the registry), or declare `metrics.target_labels: {{ {label}: {} }}` if the scrape adds it.",
            service.name
        );
        match (with, first_without) {
            (0, Some(s)) => {
                out.fail(format!(
                    "{source}: none of the {total} series carries the label {label} (first: {} at line {})",
                    series_text(&s.name, &s.labels),
                    s.line
                ))
                .at(at(&facts.origin, Some(s.line)))
                .fix(fix);
            }
            (n, Some(s)) if n < total => {
                out.warn(format!(
                    "{source}: {n} of {total} series carry the label {label}; the first without it is {} at line {}",
                    series_text(&s.name, &s.labels),
                    s.line
                ))
                .at(at(&facts.origin, Some(s.line)))
                .fix(fix);
            }
            _ => {
                let example = first_with
                    .map(|s| series_text(&s.name, &s.labels))
                    .unwrap_or_default();
                out.pass(format!(
                    "{source}: all {total} series carry the label {label} (e.g. {example})"
                ))
                .at(at(&facts.origin, None));
            }
        }
    }
}

fn describe_source(origin: &MetricsOrigin, format: &str) -> String {
    match origin {
        MetricsOrigin::Url {
            url,
            status,
            latency_ms,
            bytes,
            ..
        } => format!(
            "{url} answered HTTP {} with {} bytes of {format} in {latency_ms} ms",
            status.unwrap_or(0),
            bytes
        ),
        MetricsOrigin::File { location } => format!("the capture {location} ({format})"),
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::evidence::{
        FamilyFacts, MetricsEvidence, MetricsFacts, MetricsOrigin, ParseFailure, SeriesFacts,
        ServiceEvidence,
    };
    use relman_core::fleet::MetricsSource;

    use super::*;
    use crate::testing::*;

    pub fn series(name: &str, labels: &[(&str, &str)], line: usize) -> SeriesFacts {
        SeriesFacts {
            name: name.into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            value: 1.0,
            line,
        }
    }

    fn evidence(series: Vec<SeriesFacts>) -> ServiceEvidence {
        ServiceEvidence {
            metrics: MetricsEvidence::Read(MetricsFacts {
                origin: MetricsOrigin::File {
                    location: "captures/a.prom".into(),
                },
                format: "text",
                parsed: Ok(vec![FamilyFacts {
                    name: "http_requests_total".into(),
                    kind: "counter",
                    help: None,
                    unit: None,
                    line: 1,
                    series,
                }]),
            }),
            ..ServiceEvidence::default()
        }
    }

    fn judge(ev: &ServiceEvidence) -> Vec<relman_core::Finding> {
        let mut s = service("a");
        s.metrics = Some(MetricsSource {
            service_label: "service".into(),
            ..MetricsSource::default()
        });
        run_service(&MetricsExported, &s, ev)
    }

    #[test]
    fn verdicts_on_labels() {
        let all = evidence(vec![
            series("x", &[("service", "a")], 3),
            series("x", &[("service", "a"), ("code", "500")], 4),
        ]);
        assert_eq!(statuses(&judge(&all)), [Status::Pass]);
        let some = evidence(vec![
            series("x", &[("service", "a")], 3),
            series("y", &[], 4),
        ]);
        let out = judge(&some);
        assert_eq!(statuses(&out), [Status::Warn]);
        assert_eq!(
            out[0].message,
            "the capture captures/a.prom (text): 1 of 2 series carry the label service; the first without it is y at line 4"
        );
        let none = evidence(vec![series("y", &[("code", "200")], 7)]);
        let out = judge(&none);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert_eq!(out[0].evidence[0].display(), "captures/a.prom:7:1");
    }

    #[test]
    fn target_labels_satisfy_it() {
        let mut s = service("a");
        s.metrics = Some(MetricsSource {
            service_label: "service".into(),
            target_labels: vec![("service".into(), "a".into())],
            ..MetricsSource::default()
        });
        let out = run_service(&MetricsExported, &s, &evidence(vec![series("y", &[], 1)]));
        assert_eq!(statuses(&out), [Status::Pass]);
    }

    #[test]
    fn unreachable_and_malformed_fail() {
        let unreachable = ServiceEvidence {
            metrics: MetricsEvidence::Unreadable {
                origin: MetricsOrigin::Url {
                    url: "http://127.0.0.1:1/metrics".into(),
                    final_url: None,
                    status: None,
                    content_type: None,
                    latency_ms: 0,
                    bytes: 0,
                },
                error: "cannot connect: Connection refused".into(),
            },
            ..ServiceEvidence::default()
        };
        let out = judge(&unreachable);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert_eq!(
            out[0].message,
            "the metrics endpoint http://127.0.0.1:1/metrics does not answer: cannot connect: Connection refused"
        );
        let malformed = ServiceEvidence {
            metrics: MetricsEvidence::Read(MetricsFacts {
                origin: MetricsOrigin::File {
                    location: "captures/a.prom".into(),
                },
                format: "text",
                parsed: Err(ParseFailure {
                    line: 3,
                    column: 9,
                    message: "expected a value".into(),
                }),
            }),
            ..ServiceEvidence::default()
        };
        assert_eq!(statuses(&judge(&malformed)), [Status::Fail]);
        assert_eq!(
            statuses(&run_service(
                &MetricsExported,
                &service("a"),
                &ServiceEvidence::default()
            )),
            [Status::Unverified]
        );
    }
}
