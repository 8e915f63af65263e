use relman_core::Severity;
use relman_core::evidence::{RepoEvidence, RepoFacts};
use relman_core::k8s::{K8sFacts, Loc, RouteKind, Scalar};

use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// S-2: nothing in the Kubernetes manifests is reachable from outside the
/// cluster unless the service is declared public.
pub struct K8sPublicExposure;

static META: CheckMeta = CheckMeta {
    rule: "S-2",
    id: "k8s-public-exposure",
    severity: Severity::High,
    title: "Kubernetes exposes only what must be public",
    what: "Reads the Kubernetes manifests and Helm charts of the repo (templates rendered with the chart's values.yaml defaults). Each Service of type LoadBalancer or NodePort, each Ingress, Gateway (Istio or Gateway API), HTTPRoute attached to a Gateway or OpenShift Route, each pod with `hostNetwork: true` and each container `hostPort` is an exposure: it fails unless the descriptor says `public: true` (an unset `public` counts as not public). A load balancer or Ingress annotated as internal (`service.beta.kubernetes.io/aws-load-balancer-internal`, `alb.ingress.kubernetes.io/scheme: internal`, `networking.gke.io/load-balancer-type: Internal`...) stays inside the network and passes. A repo read with no Kubernetes manifests is not applicable; a manifest that is not valid YAML is an error; a template value the chart's defaults do not decide is unverified, naming the expression.",
    why: "Whatever is reachable from the internet gets scanned and attacked within minutes. A LoadBalancer or Ingress added for a quick test, or a hostPort left from debugging, puts an internal service on the internet without anyone deciding it should be.",
    fix: "Use `type: ClusterIP` and reach the service through the cluster (or an internal load balancer annotation); remove Ingresses, Gateways, `hostNetwork` and `hostPort` from services that are not public. If the service is meant to be reached from the internet, say so with `public: true` in its descriptor.",
};

/// The repo's manifests, after reporting what keeps them from being judged:
/// no repo (unverified), an unreadable repo (error), files that are not
/// valid YAML (an error each; a Helm template that is not valid YAML once
/// rendered is unverified, since the rendering is an approximation) and
/// template output that may hold objects relman cannot see (unverified).
/// `None` when there is nothing to judge.
pub(crate) fn read_manifests<'a>(
    cx: &ServiceCx<'a>,
    out: &mut Findings,
    what: &str,
) -> Option<&'a RepoFacts> {
    let origin = &cx.service.origin;
    let repo = match &cx.evidence.repo {
        RepoEvidence::NotGiven => {
            out.unverified(format!(
                "{what} is not known: the descriptor names no repo with Kubernetes manifests"
            ))
            .at(origin.at("descriptor", "repo"))
            .fix("Set `repo` in the descriptor to a checkout of the service's repository.");
            return None;
        }
        RepoEvidence::Unreadable { location, error } => {
            out.error(format!("cannot read the repo {location}: {error}"))
                .at(origin.at("descriptor", "repo"))
                .fix("Point `repo` at an existing checkout of the service's repository.");
            return None;
        }
        RepoEvidence::Present(repo) => repo,
    };
    let k = &repo.k8s;
    for p in &k.problems {
        if p.template {
            out.unverified(format!(
                "{}: {}; the objects of this template are not judged",
                p.place(),
                p.message
            ))
            .at(p.evidence())
            .fix("Check that the template renders (`helm template`); relman renders templates with the chart's defaults and may not follow every construct.");
        } else {
            out.error(format!(
                "{}: {}; the objects of this file are not judged",
                p.place(),
                p.message
            ))
            .at(p.evidence())
            .fix("Fix the file so that it parses as YAML (`kubectl apply --dry-run=client -f FILE`).");
        }
    }
    for u in &k.unknown_objects {
        out.unverified(format!(
            "{} at {} outputs objects relman cannot see, so they are not judged",
            u.value, u.at
        ))
        .at(u.at.evidence())
        .fix("Write the objects in the chart's templates, or check them with `helm template` and relman on the output.");
    }
    Some(repo)
}

/// `12 Kubernetes objects in 3 files of repos/api`.
pub(crate) fn counted(k: &K8sFacts, location: &str) -> String {
    format!(
        "{} Kubernetes object{} in {} file{} of {location}",
        k.objects,
        if k.objects == 1 { "" } else { "s" },
        k.manifest_files,
        if k.manifest_files == 1 { "" } else { "s" },
    )
}

/// `the chart's values do not decide it` for an unknown value, for messages.
pub(crate) fn undecided(s: &Scalar) -> String {
    format!("{s}, which the chart's default values do not decide")
}

/// One way the service can be reached from outside the cluster.
struct Exposure {
    what: String,
    at: Loc,
    fix: &'static str,
}

const FIX_SERVICE: &str = "Use `type: ClusterIP` (or an internal load balancer annotation) for a service that is not public, or declare `public: true` in the descriptor.";
const FIX_ROUTE: &str = "Remove the route (or mark it internal, e.g. `alb.ingress.kubernetes.io/scheme: internal`) for a service that is not public, or declare `public: true` in the descriptor.";
const FIX_HOST: &str = "Drop `hostNetwork` and `hostPort` and reach the pod through a ClusterIP Service, or declare `public: true` in the descriptor.";

fn list(items: &[Scalar]) -> String {
    items
        .iter()
        .map(Scalar::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl ServiceCheck for K8sPublicExposure {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let Some(repo) = read_manifests(cx, out, "what the Kubernetes manifests expose") else {
            return;
        };
        let k = &repo.k8s;
        if k.objects == 0 {
            if out.list.is_empty() {
                out.not_applicable(format!(
                    "{} holds no Kubernetes manifests ({} YAML files read): nothing is exposed through Kubernetes",
                    repo.location, k.files_read
                ))
                .at(relman_core::EvidenceRef::new("repo", repo.location.clone()));
            }
            return;
        }
        let origin = &cx.service.origin;
        let mut exposures: Vec<Exposure> = Vec::new();
        let mut judged_unknown = false;

        for s in &k.services {
            let at = s
                .service_type
                .as_ref()
                .map_or_else(|| s.meta.at.clone(), |t| t.at.clone());
            match s.type_name() {
                Scalar::Unknown(_) => {
                    judged_unknown = true;
                    out.unverified(format!(
                        "{} at {at}: its type is {}",
                        s.meta.describe(),
                        undecided(&s.type_name())
                    ))
                    .at(at.evidence())
                    .fix("Give the Service type a default in values.yaml (ClusterIP for a service that is not public).");
                }
                Scalar::Known(t) if t == "LoadBalancer" || t == "NodePort" => {
                    if let (Some(internal), "LoadBalancer") = (&s.internal, t.as_str()) {
                        out.pass(format!(
                            "{} at {at} is an internal load balancer ({} at {}): not reachable from the internet",
                            s.meta.describe(),
                            internal.value,
                            internal.at
                        ))
                        .at(internal.at.evidence());
                        continue;
                    }
                    let ports: Vec<String> = s
                        .ports
                        .iter()
                        .map(|p| match (&p.node_port, t.as_str()) {
                            (Some(n), "NodePort") => format!("{} (node port {n})", p.port),
                            _ => p.port.to_string(),
                        })
                        .collect();
                    let ports = if ports.is_empty() {
                        String::new()
                    } else {
                        format!(", ports {}", ports.join(", "))
                    };
                    exposures.push(Exposure {
                        what: format!("{} of type {t}{ports}", s.meta.describe()),
                        at,
                        fix: FIX_SERVICE,
                    });
                }
                Scalar::Known(_) => {}
            }
        }
        for r in &k.routes {
            let name = format!("{} {}", r.kind.as_str(), r.meta.name);
            if let Some(internal) = &r.internal {
                out.pass(format!(
                    "{name} at {} is internal ({} at {}): not reachable from the internet",
                    r.meta.at, internal.value, internal.at
                ))
                .at(internal.at.evidence());
                continue;
            }
            let mut details = Vec::new();
            if let Some(c) = &r.class {
                details.push(format!("class {c}"));
            }
            if r.kind == RouteKind::HttpRoute && !r.parents.is_empty() {
                details.push(format!("via Gateway {}", list(&r.parents)));
            }
            if !r.hosts.is_empty() {
                details.push(format!("hosts {}", list(&r.hosts)));
            }
            let details = if details.is_empty() {
                String::new()
            } else {
                format!(" ({})", details.join("; "))
            };
            exposures.push(Exposure {
                what: format!("{name}{details}"),
                at: r.meta.at.clone(),
                fix: FIX_ROUTE,
            });
        }
        for w in &k.workloads {
            let name = format!("{} {}", w.kind, w.name);
            if let Some(h) = &w.host_network {
                match &h.value {
                    Scalar::Unknown(_) => {
                        judged_unknown = true;
                        out.unverified(format!(
                            "{name}: hostNetwork at {} is {}",
                            h.at,
                            undecided(&h.value)
                        ))
                        .at(h.at.evidence())
                        .fix("Give hostNetwork a default of false in values.yaml.");
                    }
                    Scalar::Known(_) => exposures.push(Exposure {
                        what: format!("{name} with hostNetwork: true (its ports are the node's)"),
                        at: h.at.clone(),
                        fix: FIX_HOST,
                    }),
                }
            }
            for c in &w.containers {
                for p in &c.ports {
                    let Some(hp) = &p.host_port else {
                        continue;
                    };
                    match &hp.value {
                        Scalar::Unknown(_) => {
                            judged_unknown = true;
                            out.unverified(format!(
                                "{name} container {}: hostPort at {} is {}",
                                c.name,
                                hp.at,
                                undecided(&hp.value)
                            ))
                            .at(hp.at.evidence())
                            .fix("Remove the hostPort, or give it an explicit default in values.yaml.");
                        }
                        Scalar::Known(v) => exposures.push(Exposure {
                            what: format!(
                                "{name} container {} binding hostPort {v} (container port {})",
                                c.name, p.container_port.value
                            ),
                            at: hp.at.clone(),
                            fix: FIX_HOST,
                        }),
                    }
                }
            }
        }

        match cx.service.public {
            Some(true) => {
                for e in &exposures {
                    out.pass(format!(
                        "{} at {} exposes the service, which is declared public ({})",
                        e.what,
                        e.at,
                        origin.field("public")
                    ))
                    .at(e.at.evidence());
                }
            }
            declared => {
                let why = if declared.is_some() {
                    format!(
                        "the service is not public ({}: false)",
                        origin.field("public")
                    )
                } else {
                    format!(
                        "the service is not declared public ({} is unset, which counts as not public)",
                        origin.field("public")
                    )
                };
                for e in &exposures {
                    out.fail(format!(
                        "{} at {} is reachable from outside the cluster, but {why}",
                        e.what, e.at
                    ))
                    .at(e.at.evidence())
                    .at(origin.at("descriptor", "public"))
                    .fix(e.fix);
                }
            }
        }
        if exposures.is_empty()
            && !judged_unknown
            && !out
                .list
                .iter()
                .any(|f| f.status == relman_core::Status::Pass)
        {
            let clusterip = k.services.len();
            out.pass(format!(
                "{}, nothing exposed: {clusterip} Service{} inside the cluster, no Ingress or Gateway, no hostNetwork or hostPort",
                counted(k, &repo.location),
                if clusterip == 1 { "" } else { "s" }
            ))
            .at(relman_core::EvidenceRef::new("repo", repo.location.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::evidence::ServiceEvidence;
    use relman_core::k8s::{
        ContainerPort, K8sService, ManifestProblem, ObjectMeta, Route, Spanned, Workload,
    };

    use super::*;
    use crate::testing::*;

    fn loc(line: u32) -> Loc {
        Loc {
            file: "repos/a/deploy/app.yaml".into(),
            line,
            column: 3,
        }
    }

    fn known(s: &str) -> Scalar {
        Scalar::Known(s.into())
    }

    fn meta(kind: &str, name: &str, line: u32) -> ObjectMeta {
        ObjectMeta {
            kind: kind.into(),
            name: known(name),
            namespace: None,
            at: loc(line),
        }
    }

    fn svc(name: &str, ty: Option<Scalar>, line: u32) -> K8sService {
        K8sService {
            meta: meta("Service", name, line),
            service_type: ty.map(|value| Spanned {
                value,
                at: loc(line + 3),
            }),
            selector: Default::default(),
            ports: vec![relman_core::k8s::ServicePort {
                name: None,
                port: known("80"),
                node_port: Some(known("30080")),
                at: loc(line + 5),
            }],
            internal: None,
        }
    }

    fn deployment(name: &str, line: u32) -> Workload {
        Workload {
            kind: "Deployment".into(),
            name: known(name),
            namespace: None,
            at: loc(line),
            labels: Default::default(),
            replicas: None,
            host_network: None,
            containers: Vec::new(),
        }
    }

    fn ev(k: K8sFacts) -> ServiceEvidence {
        ServiceEvidence {
            repo: RepoEvidence::Present(RepoFacts {
                location: "repos/a".into(),
                k8s: k,
                ..RepoFacts::default()
            }),
            ..ServiceEvidence::default()
        }
    }

    fn facts() -> K8sFacts {
        K8sFacts {
            files_read: 2,
            manifest_files: 1,
            objects: 2,
            services: vec![svc("api", None, 20)],
            workloads: vec![deployment("api", 1)],
            ..K8sFacts::default()
        }
    }

    #[test]
    fn nothing_exposed_passes() {
        let out = run_service(&K8sPublicExposure, &service("a"), &ev(facts()));
        assert_eq!(
            render(&out),
            "pass: 2 Kubernetes objects in 1 file of repos/a, nothing exposed: 1 Service inside the cluster, no Ingress or Gateway, no hostNetwork or hostPort [repos/a]"
        );
    }

    #[test]
    fn each_exposure_fails_when_not_public() {
        let mut k = facts();
        k.services.push(svc("lb", Some(known("LoadBalancer")), 30));
        k.services.push(svc("np", Some(known("NodePort")), 40));
        k.routes.push(Route {
            kind: RouteKind::Ingress,
            meta: meta("Ingress", "web", 50),
            hosts: vec![known("shop.example.com")],
            class: Some(known("nginx")),
            parents: Vec::new(),
            internal: None,
        });
        let mut w = deployment("agent", 60);
        w.host_network = Some(Spanned {
            value: known("true"),
            at: loc(65),
        });
        w.containers.push(relman_core::k8s::Container {
            name: known("app"),
            init: false,
            at: loc(66),
            ports: vec![ContainerPort {
                name: None,
                container_port: Spanned {
                    value: known("8080"),
                    at: loc(67),
                },
                host_port: Some(Spanned {
                    value: known("80"),
                    at: loc(68),
                }),
            }],
            env: Vec::new(),
            env_from: Vec::new(),
            unknown_env: Vec::new(),
        });
        k.workloads.push(w);
        let mut s = service("a");
        s.public = None;
        let out = run_service(&K8sPublicExposure, &s, &ev(k.clone()));
        assert_eq!(statuses(&out), [Status::Fail; 5]);
        assert_eq!(
            out[0].message,
            "Service lb of type LoadBalancer, ports 80 at repos/a/deploy/app.yaml:33 is reachable from outside the cluster, but the service is not declared public (services/a.yaml: public is unset, which counts as not public)"
        );
        assert_eq!(out[0].evidence[0].display(), "repos/a/deploy/app.yaml:33:3");
        assert!(out[1].message.starts_with("Service np of type NodePort, ports 80 (node port 30080) at repos/a/deploy/app.yaml:43"), "{}", out[1].message);
        assert!(
            out[2].message.starts_with(
                "Ingress web (class nginx; hosts shop.example.com) at repos/a/deploy/app.yaml:50"
            ),
            "{}",
            out[2].message
        );
        assert!(
            out[3]
                .message
                .starts_with("Deployment agent with hostNetwork: true"),
            "{}",
            out[3].message
        );
        assert!(out[4].message.starts_with("Deployment agent container app binding hostPort 80 (container port 8080) at repos/a/deploy/app.yaml:68"), "{}", out[4].message);
        assert!(
            out[4]
                .remediation
                .as_deref()
                .is_some_and(|r| r.contains("hostPort"))
        );

        // A public service passes, naming what it exposes.
        s.public = Some(true);
        let out = run_service(&K8sPublicExposure, &s, &ev(k.clone()));
        assert_eq!(statuses(&out), [Status::Pass; 5]);
        assert!(
            out[2]
                .message
                .contains("declared public (services/a.yaml: public)"),
            "{}",
            out[2].message
        );

        s.public = Some(false);
        let out = run_service(&K8sPublicExposure, &s, &ev(k));
        assert!(
            out[0]
                .message
                .ends_with("but the service is not public (services/a.yaml: public: false)"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn internal_load_balancers_pass() {
        let mut k = facts();
        let mut lb = svc("lb", Some(known("LoadBalancer")), 30);
        lb.internal = Some(Spanned {
            value: "networking.gke.io/load-balancer-type: Internal".into(),
            at: loc(32),
        });
        k.services.push(lb);
        let out = run_service(&K8sPublicExposure, &service("a"), &ev(k));
        assert_eq!(statuses(&out), [Status::Pass]);
        assert!(out[0].message.contains("internal load balancer (networking.gke.io/load-balancer-type: Internal at repos/a/deploy/app.yaml:32)"), "{}", out[0].message);
    }

    #[test]
    fn template_values_left_open_are_unverified() {
        let mut k = facts();
        k.services.push(svc(
            "x",
            Some(Scalar::Unknown("{{ .Values.service.type }}".into())),
            30,
        ));
        let out = run_service(&K8sPublicExposure, &service("a"), &ev(k));
        assert_eq!(statuses(&out), [Status::Unverified]);
        assert_eq!(
            out[0].message,
            "Service x at repos/a/deploy/app.yaml:33: its type is {{ .Values.service.type }}, which the chart's default values do not decide"
        );
    }

    #[test]
    fn broken_files_are_errors_and_the_rest_is_judged() {
        let mut k = facts();
        k.problems.push(ManifestProblem {
            file: "repos/a/deploy/bad.yaml".into(),
            line: Some(4),
            column: Some(2),
            message: "invalid YAML: did not find expected key".into(),
            template: false,
        });
        k.problems.push(ManifestProblem {
            file: "repos/a/chart/templates/odd.yaml".into(),
            line: Some(9),
            column: Some(1),
            message: "invalid YAML after rendering".into(),
            template: true,
        });
        k.services.push(svc("lb", Some(known("LoadBalancer")), 30));
        let out = run_service(&K8sPublicExposure, &service("a"), &ev(k));
        assert_eq!(
            statuses(&out),
            [Status::Error, Status::Unverified, Status::Fail]
        );
        assert_eq!(
            out[0].message,
            "repos/a/deploy/bad.yaml:4: invalid YAML: did not find expected key; the objects of this file are not judged"
        );
        assert_eq!(out[0].evidence[0].display(), "repos/a/deploy/bad.yaml:4:2");
    }

    #[test]
    fn no_repo_no_manifests() {
        let out = run_service(
            &K8sPublicExposure,
            &service("a"),
            &ServiceEvidence::default(),
        );
        assert_eq!(statuses(&out), [Status::Unverified]);
        let unreadable = ServiceEvidence {
            repo: RepoEvidence::Unreadable {
                location: "repos/a".into(),
                error: "No such file or directory".into(),
            },
            ..ServiceEvidence::default()
        };
        let out = run_service(&K8sPublicExposure, &service("a"), &unreadable);
        assert_eq!(statuses(&out), [Status::Error]);
        let empty = K8sFacts {
            files_read: 3,
            ..K8sFacts::default()
        };
        let out = run_service(&K8sPublicExposure, &service("a"), &ev(empty));
        assert_eq!(
            render(&out),
            "not_applicable: repos/a holds no Kubernetes manifests (3 YAML files read): nothing is exposed through Kubernetes [repos/a]"
        );
        let hidden = K8sFacts {
            files_read: 1,
            unknown_objects: vec![Spanned {
                value: "{{ include \"common.all\" . }}".into(),
                at: loc(1),
            }],
            ..K8sFacts::default()
        };
        let out = run_service(&K8sPublicExposure, &service("a"), &ev(hidden));
        assert_eq!(statuses(&out), [Status::Unverified]);
        assert!(
            out[0].message.starts_with(
                "{{ include \"common.all\" . }} at repos/a/deploy/app.yaml:1 outputs objects"
            ),
            "{}",
            out[0].message
        );
    }
}
