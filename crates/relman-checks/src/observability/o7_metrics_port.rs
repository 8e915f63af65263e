use relman_core::evidence::{MetricsPortFacts, PortDeclaration, RepoEvidence};
use relman_core::{EvidenceRef, Severity};

use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// O-7: metrics are served on port 8067 at /metrics.
pub struct MetricsPort;

pub const PORT: u16 = 8067;

static META: CheckMeta = CheckMeta {
    rule: "O-7",
    id: "metrics-port",
    severity: Severity::High,
    title: "Metrics are served on port 8067 at /metrics",
    what: "With `metrics.url`, its port is 8067 and its path /metrics. With a repo, the Kubernetes manifests expose container port 8067 for metrics, or annotate `prometheus.io/port: \"8067\"`, or a ServiceMonitor or PodMonitor scrapes port 8067 (by number, or by the name of a container port that is 8067). A capture with no repo is unverified: a file does not say which port served it.",
    why: "One port and one path fleet-wide means one scrape configuration and one network policy for every service.",
    fix: "Listen on :8067 and serve /metrics there; declare `containerPort: 8067` (named `metrics`) in the Deployment and point annotations or the ServiceMonitor at it.",
};

fn is_metrics_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("metric") || n.contains("prom") || n == "monitoring"
}

fn at(d: &PortDeclaration) -> EvidenceRef {
    EvidenceRef::new("repo", d.file.clone()).at(d.line, d.column)
}

fn show(d: &PortDeclaration) -> String {
    match &d.name {
        Some(n) => format!("{} {} ({n}) at {}:{}", d.how, d.port, d.file, d.line),
        None => format!("{} {} at {}:{}", d.how, d.port, d.file, d.line),
    }
}

/// The verdict from the manifests.
fn judge_manifests(facts: &MetricsPortFacts, location: &str, out: &mut Findings) {
    let decls = &facts.declarations;
    let want = PORT.to_string();
    // A monitor naming a port resolves through the container ports' names.
    let resolves = |port: &str| -> Option<String> {
        if port.parse::<u16>().is_ok() {
            return Some(port.to_string());
        }
        decls
            .iter()
            .find(|c| c.how == "containerPort" && c.name.as_deref() == Some(port))
            .map(|c| c.port.clone())
    };
    // What the manifests say metrics are served on.
    let metrics_decls: Vec<(&PortDeclaration, Option<String>)> = decls
        .iter()
        .filter(|d| d.how != "containerPort" || d.name.as_deref().is_some_and(is_metrics_name))
        .map(|d| (d, resolves(&d.port)))
        .collect();
    if let Some((d, _)) = metrics_decls
        .iter()
        .find(|(_, p)| p.as_deref() == Some(want.as_str()))
    {
        out.pass(format!(
            "the manifests serve metrics on port {PORT}: {}",
            show(d)
        ))
        .at(at(d));
        return;
    }
    if let Some((d, p)) = metrics_decls.iter().find(|(_, p)| p.is_some()) {
        out.fail(format!(
            "the manifests serve metrics on port {}, not {PORT}: {}",
            p.as_deref().unwrap_or_default(),
            show(d)
        ))
        .at(at(d));
        return;
    }
    if let Some(d) = decls
        .iter()
        .find(|d| d.how == "containerPort" && d.port == want)
    {
        out.pass(format!("the manifests expose port {PORT}: {}", show(d)))
            .at(at(d));
        return;
    }
    if facts.files_read == 0 {
        let f = out.unverified(format!(
            "no Kubernetes manifests were found in {location}, so the metrics port is not known"
        ));
        for (file, why) in &facts.unreadable {
            f.message.push_str(&format!("; {file}: {why}"));
        }
        f.at(EvidenceRef::new("repo", location.to_string()));
        return;
    }
    let ports: Vec<String> = decls
        .iter()
        .filter(|d| d.how == "containerPort")
        .map(|d| d.port.clone())
        .collect();
    let seen = if ports.is_empty() {
        "they declare no container port".to_string()
    } else {
        format!("container ports: {}", ports.join(", "))
    };
    out.fail(format!(
        "none of the {} manifests in {location} exposes port {PORT} for metrics ({seen})",
        facts.files_read
    ))
    .at(EvidenceRef::new("repo", location.to_string()));
}

impl ServiceCheck for MetricsPort {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let descriptor = &cx.service.origin;
        let url = cx.service.metrics.as_ref().and_then(|m| m.url.as_deref());
        if let Some(url) = url {
            let at = descriptor.at("descriptor", "metrics.url");
            match url::Url::parse(url) {
                Ok(u) => {
                    let port = u.port_or_known_default();
                    let path = u.path();
                    match (port == Some(PORT), path == "/metrics") {
                        (true, true) => {
                            out.pass(format!("metrics are served at {url}"));
                        }
                        (false, true) => {
                            out.fail(format!(
                                "metrics are served on port {}, not {PORT} ({})",
                                port.map_or("?".to_string(), |p| p.to_string()),
                                descriptor.field("metrics.url")
                            ));
                        }
                        (true, false) => {
                            out.fail(format!(
                                "metrics are served at path {path}, not /metrics ({})",
                                descriptor.field("metrics.url")
                            ));
                        }
                        (false, false) => {
                            out.fail(format!(
                                "metrics are served on port {} at path {path}, not on {PORT} at /metrics ({})",
                                port.map_or("?".to_string(), |p| p.to_string()),
                                descriptor.field("metrics.url")
                            ));
                        }
                    }
                    out.list.last_mut().expect("just emitted").at(at);
                }
                Err(e) => {
                    out.error(format!("metrics.url {url} is not a valid URL: {e}"))
                        .at(at);
                }
            }
        }
        match &cx.evidence.repo {
            RepoEvidence::Present(repo) => {
                judge_manifests(&repo.metrics_ports, &repo.location, out)
            }
            RepoEvidence::Unreadable { location, error } => {
                if url.is_none() {
                    out.error(format!("cannot read the repo {location}: {error}"))
                        .at(descriptor.at("descriptor", "repo"));
                }
            }
            RepoEvidence::NotGiven => {
                if url.is_none() {
                    let why = if cx
                        .service
                        .metrics
                        .as_ref()
                        .is_some_and(|m| m.file.is_some())
                    {
                        "metrics come from a capture file, which does not say which port served them, and no repo is given"
                    } else {
                        "neither metrics.url nor a repo with manifests is given"
                    };
                    out.unverified(format!("the metrics port is not known: {why}"))
                        .at(descriptor.at("descriptor", "metrics"))
                        .fix("Give `metrics.url` (the live endpoint) or `repo` (with the Kubernetes manifests).");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::evidence::{RepoFacts, ServiceEvidence};
    use relman_core::fleet::{FleetPath, MetricsSource};

    use super::*;
    use crate::testing::*;

    fn decl(how: &str, port: &str, name: Option<&str>) -> PortDeclaration {
        PortDeclaration {
            how: how.into(),
            port: port.into(),
            name: name.map(str::to_string),
            file: "repos/a/deploy.yaml".into(),
            line: 12,
            column: 9,
        }
    }

    fn with_repo(decls: Vec<PortDeclaration>) -> ServiceEvidence {
        ServiceEvidence {
            repo: RepoEvidence::Present(RepoFacts {
                location: "repos/a".into(),
                metrics_ports: MetricsPortFacts {
                    files_read: 1,
                    declarations: decls,
                    unreadable: Vec::new(),
                },
                ..RepoFacts::default()
            }),
            ..ServiceEvidence::default()
        }
    }

    fn with_url(url: &str) -> relman_core::fleet::Service {
        let mut s = service("a");
        s.metrics = Some(MetricsSource {
            url: Some(url.into()),
            service_label: "service".into(),
            ..MetricsSource::default()
        });
        s
    }

    #[test]
    fn url_verdicts() {
        let ev = ServiceEvidence::default();
        assert_eq!(
            statuses(&run_service(
                &MetricsPort,
                &with_url("http://10.0.0.1:8067/metrics"),
                &ev
            )),
            [Status::Pass]
        );
        let out = run_service(&MetricsPort, &with_url("http://10.0.0.1:9090/metrics"), &ev);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert_eq!(
            out[0].message,
            "metrics are served on port 9090, not 8067 (services/a.yaml: metrics.url)"
        );
        let out = run_service(&MetricsPort, &with_url("http://10.0.0.1:8067/stats"), &ev);
        assert_eq!(
            out[0].message,
            "metrics are served at path /stats, not /metrics (services/a.yaml: metrics.url)"
        );
        let out = run_service(&MetricsPort, &with_url("http://10.0.0.1/metrics"), &ev);
        assert!(
            out[0].message.contains("port 80, not 8067"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn manifest_verdicts() {
        let s = service("a");
        let pass = with_repo(vec![
            decl("containerPort", "8080", Some("http")),
            decl("containerPort", "8067", Some("metrics")),
        ]);
        assert_eq!(
            statuses(&run_service(&MetricsPort, &s, &pass)),
            [Status::Pass]
        );
        let annotation = with_repo(vec![
            decl("prometheus.io/port", "9090", None),
            decl("containerPort", "9090", Some("metrics")),
        ]);
        let out = run_service(&MetricsPort, &s, &annotation);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert_eq!(
            out[0].message,
            "the manifests serve metrics on port 9090, not 8067: prometheus.io/port 9090 at repos/a/deploy.yaml:12"
        );
        // A ServiceMonitor names the port; the container port of that name is 8067.
        let monitor = with_repo(vec![
            decl("ServiceMonitor port", "metrics", None),
            decl("containerPort", "8067", Some("metrics")),
        ]);
        assert_eq!(
            statuses(&run_service(&MetricsPort, &s, &monitor)),
            [Status::Pass]
        );
        let unnamed = with_repo(vec![decl("containerPort", "8067", None)]);
        assert_eq!(
            statuses(&run_service(&MetricsPort, &s, &unnamed)),
            [Status::Pass]
        );
        let other = with_repo(vec![decl("containerPort", "8080", Some("http"))]);
        let out = run_service(&MetricsPort, &s, &other);
        assert_eq!(
            out[0].message,
            "none of the 1 manifests in repos/a exposes port 8067 for metrics (container ports: 8080)"
        );
    }

    #[test]
    fn a_capture_without_repo_is_unverified() {
        let mut s = service("a");
        s.metrics = Some(MetricsSource {
            file: Some(FleetPath {
                written: "../c.prom".into(),
                resolved: "c.prom".into(),
                display: "c.prom".into(),
            }),
            service_label: "service".into(),
            ..MetricsSource::default()
        });
        let out = run_service(&MetricsPort, &s, &ServiceEvidence::default());
        assert_eq!(statuses(&out), [Status::Unverified]);
        assert!(
            out[0].message.contains("capture file"),
            "{}",
            out[0].message
        );
    }
}
