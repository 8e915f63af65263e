use relman_core::Severity;

use super::metrics::{at, families, is_runtime, series_text};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// O-8: the running version is exported.
pub struct BuildInfo;

static META: CheckMeta = CheckMeta {
    rule: "O-8",
    id: "build-info",
    severity: Severity::Medium,
    title: "A build-info metric carries the version",
    what: "The service exports a `*_build_info` gauge with a non-empty `version` label, or an OpenMetrics info metric with one. Language runtime metrics (`go_info`, `go_build_info`...) do not count: they carry the runtime's version, not the service's.",
    why: "Knowing which version runs where turns \"did the deploy cause this?\" into a query, and lets dashboards mark rollouts.",
    fix: "Export `<service>_build_info{version=\"1.4.2\", revision=\"…\"} 1` (most client libraries have a helper for it).",
};

impl ServiceCheck for BuildInfo {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let Some((facts, families)) = families(cx, out) else {
            return;
        };
        let candidates: Vec<_> = families
            .iter()
            .filter(|f| !is_runtime(&f.name))
            .filter(|f| f.name.ends_with("_build_info") || f.kind == "info")
            .collect();
        for f in &candidates {
            if let Some(s) = f
                .series
                .iter()
                .find(|s| s.label("version").is_some_and(|v| !v.is_empty()))
            {
                out.pass(format!(
                    "the version is exported: {}",
                    series_text(&s.name, &s.labels)
                ))
                .at(at(&facts.origin, Some(s.line)));
                return;
            }
        }
        if let Some(f) = candidates.first() {
            out.fail(format!("{} ({}) has no version label", f.name, f.kind))
                .at(at(&facts.origin, Some(f.line)))
                .fix(format!(
                    "Add a `version` label to {} with the running release.",
                    f.name
                ));
            return;
        }
        let own = families.iter().filter(|f| !is_runtime(&f.name)).count();
        out.fail(format!(
            "no *_build_info metric with a version label among the {} families of {} ({own} of them the service's own)",
            families.len(),
            facts.origin.location()
        ))
        .at(at(&facts.origin, None));
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use relman_core::Status;
    use relman_core::evidence::{
        FamilyFacts, MetricsEvidence, MetricsFacts, MetricsOrigin, SeriesFacts, ServiceEvidence,
    };

    use super::*;
    use crate::testing::*;

    pub(crate) fn fam(name: &str, kind: &'static str, labels: &[(&str, &str)]) -> FamilyFacts {
        FamilyFacts {
            name: name.into(),
            kind,
            help: None,
            unit: None,
            line: 2,
            series: vec![SeriesFacts {
                name: if kind == "counter" {
                    format!("{name}_total")
                } else {
                    name.to_string()
                },
                labels: labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                value: 1.0,
                line: 3,
            }],
        }
    }

    pub(crate) fn ev(families: Vec<FamilyFacts>) -> ServiceEvidence {
        ServiceEvidence {
            metrics: MetricsEvidence::Read(MetricsFacts {
                origin: MetricsOrigin::File {
                    location: "c.prom".into(),
                },
                format: "text",
                parsed: Ok(families),
            }),
            ..ServiceEvidence::default()
        }
    }

    fn judge(families: Vec<FamilyFacts>) -> Vec<relman_core::Finding> {
        run_service(&BuildInfo, &service("a"), &ev(families))
    }

    #[test]
    fn verdicts() {
        let out = judge(vec![fam("a_build_info", "gauge", &[("version", "1.2.3")])]);
        assert_eq!(statuses(&out), [Status::Pass]);
        assert_eq!(
            out[0].message,
            "the version is exported: a_build_info{version=\"1.2.3\"}"
        );
        assert_eq!(
            statuses(&judge(vec![fam("a", "info", &[("version", "1.2.3")])])),
            [Status::Pass]
        );
        let out = judge(vec![fam("a_build_info", "gauge", &[("revision", "abc")])]);
        assert_eq!(out[0].message, "a_build_info (gauge) has no version label");
        let out = judge(vec![fam(
            "go_build_info",
            "gauge",
            &[("version", "go1.21")],
        )]);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert!(
            out[0].message.contains("(0 of them the service's own)"),
            "{}",
            out[0].message
        );
    }
}
