//! Kubernetes manifests and Helm charts in a repo: the objects they declare
//! (workloads, Services, routes, NetworkPolicies, autoscalers), the ports
//! they name for metrics, and Loki retention settings.
//!
//! The walk uses the `ignore` crate, so it skips what Git ignores, hidden
//! folders and binary files like the user expects; each file is size-capped
//! and the walk stops after [`MAX_FILES`] YAML files. Files under a chart's
//! `templates/` are rendered first ([`crate::helm`]); other files holding
//! `{{` are some other tool's templates and are skipped.

use std::path::{Path, PathBuf};

use relman_core::evidence::{
    MetricsPortFacts, PortDeclaration, RetentionDays, RetentionKind, RetentionSource,
};
use relman_core::k8s::{
    Autoscaler, Container, ContainerPort, EnvSource, EnvSourceKind, EnvValue, EnvVar, K8sFacts,
    K8sService, Labels, Loc, ManifestProblem, NetworkPolicy, ObjectMeta, Requirement, Route,
    RouteKind, Scalar, Selector, ServicePort, Spanned, Workload,
};
use relman_core::yaml::{Node, Value, parse_documents};

use crate::helm;

/// Manifests are small; a YAML file above this is not one.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;
/// A repo walk stops after this many YAML files.
const MAX_FILES: usize = 5_000;

/// What the YAML files of a repo declare.
#[derive(Debug, Default)]
pub(crate) struct YamlFacts {
    pub metrics_ports: MetricsPortFacts,
    /// Loki retention (`limits_config`), for the service named in the scan.
    pub loki: Vec<RetentionSource>,
    /// Kubernetes objects, from plain manifests and rendered Helm templates.
    pub k8s: K8sFacts,
}

/// Scan `root` (shown as `location`) for Kubernetes objects, metrics port
/// declarations and Loki retention settings that apply to `service`.
pub(crate) fn scan(root: &Path, location: &str, service: &str) -> YamlFacts {
    let mut out = YamlFacts::default();
    let mut files: Vec<(PathBuf, String)> =
        crate::repo_files(root, location, &["yaml", "yml"], MAX_MANIFEST_BYTES)
            .take(MAX_FILES)
            .collect();
    files.sort_by(|a, b| a.1.cmp(&b.1));
    let mut charts: Vec<helm::Chart> = Vec::new();
    for (path, shown) in &files {
        if path.file_name().and_then(|n| n.to_str()) == Some("Chart.yaml") {
            if let (Some(dir), Some(shown_dir)) = (path.parent(), shown.strip_suffix("/Chart.yaml"))
            {
                let (chart, problems) = helm::load(dir, shown_dir, MAX_MANIFEST_BYTES);
                out.k8s.problems.extend(problems);
                charts.push(chart);
            }
        }
    }
    for (path, shown) in &files {
        let text = match crate::read_text(path, MAX_MANIFEST_BYTES) {
            Ok(t) => t,
            Err(e) => {
                out.k8s.problems.push(ManifestProblem {
                    file: shown.clone(),
                    line: None,
                    column: None,
                    message: e.clone(),
                    template: false,
                });
                out.metrics_ports.unreadable.push((shown.clone(), e));
                continue;
            }
        };
        // The deepest chart whose templates/ holds the file.
        let chart = charts
            .iter_mut()
            .filter(|c| path.starts_with(c.dir.join("templates")))
            .max_by_key(|c| c.dir.components().count());
        let rendered = match chart {
            Some(chart) => {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name.starts_with('_') {
                    continue;
                }
                chart.info.templates += 1;
                Some(helm::render(&text, chart))
            }
            None if text.contains("{{") => continue,
            None => None,
        };
        out.metrics_ports.files_read += 1;
        out.k8s.files_read += 1;
        let parsed = parse_documents(rendered.as_ref().map_or(text.as_str(), |r| &r.text));
        match parsed {
            Ok(mut docs) => {
                if let Some(r) = &rendered {
                    out.k8s.unknown_objects.extend(r.finish(&mut docs, shown));
                }
                let before = out.k8s.objects;
                for doc in &docs {
                    declarations_in(doc, shown, &mut out.metrics_ports.declarations);
                    loki_retention(doc, shown, service, &mut out.loki);
                    objects_in(doc, shown, &mut out.k8s);
                }
                if out.k8s.objects > before {
                    out.k8s.manifest_files += 1;
                }
            }
            Err(e) => {
                let what = if rendered.is_some() {
                    "invalid YAML after rendering the template with its chart's defaults"
                } else {
                    "invalid YAML"
                };
                out.metrics_ports.unreadable.push((
                    shown.clone(),
                    format!("{what} at {}:{}: {}", e.pos.line, e.pos.col, e.message),
                ));
                out.k8s.problems.push(ManifestProblem {
                    file: shown.clone(),
                    line: Some(e.pos.line),
                    column: Some(e.pos.col),
                    message: format!("{what}: {}", e.message),
                    template: rendered.is_some(),
                });
            }
        }
    }
    out.k8s.charts = charts.into_iter().map(|c| c.info).collect();
    out
}

fn days_of(text: &str) -> RetentionDays {
    match relman_core::time::parse_duration(text) {
        Some(0) => RetentionDays::Forever,
        Some(secs) => RetentionDays::Days((secs / 86_400).min(u64::from(u32::MAX)) as u32),
        None => RetentionDays::Unresolved(text.to_string()),
    }
}

/// A Loki configuration: `limits_config.retention_period`, and the
/// `retention_stream` entries whose selector names the service, enforced
/// only when `compactor.retention_enabled` is true.
fn loki_retention(doc: &Node, file: &str, service: &str, out: &mut Vec<RetentionSource>) {
    let Some(limits) = doc.get("limits_config") else {
        return;
    };
    let enabled = doc
        .get("compactor")
        .and_then(|c| c.get("retention_enabled"))
        .and_then(Node::as_bool)
        .unwrap_or(false);
    let mut push = |kind, node: &Node, days, detail: String| {
        out.push(RetentionSource {
            kind,
            days,
            detail,
            file: file.to_string(),
            line: node.pos.line,
            column: node.pos.col,
        });
    };
    if !enabled {
        push(
            RetentionKind::Loki,
            limits,
            RetentionDays::Forever,
            "compactor.retention_enabled is not true, so Loki deletes nothing".to_string(),
        );
        return;
    }
    for s in limits
        .get("retention_stream")
        .and_then(Node::as_seq)
        .unwrap_or_default()
    {
        let selector = s
            .get("selector")
            .and_then(Node::as_scalar)
            .unwrap_or_default();
        let names_service = selector.contains(&format!("\"{service}\""));
        if let (true, Some(period)) = (names_service, s.get("period")) {
            let text = period.as_scalar().unwrap_or_default();
            push(
                RetentionKind::LokiStream,
                period,
                days_of(text),
                format!("retention_stream {selector} period: {text}"),
            );
        }
    }
    if let Some(period) = limits.get("retention_period") {
        let text = period.as_scalar().unwrap_or_default();
        push(
            RetentionKind::Loki,
            period,
            days_of(text),
            format!("limits_config.retention_period: {text}"),
        );
    }
}

fn scalar(node: &Node, key: &str) -> Option<(String, u32, u32)> {
    let v = node.get(key)?;
    v.as_scalar()
        .map(|s| (shown_text(s), v.pos.line, v.pos.col))
}

/// A scalar as shown in messages: a template's unknown parts as written.
fn shown_text(s: &str) -> String {
    helm::unknown_text(s).unwrap_or_else(|| s.to_string())
}

fn declarations_in(doc: &Node, file: &str, out: &mut Vec<PortDeclaration>) {
    let kind = doc
        .get("kind")
        .and_then(Node::as_scalar)
        .unwrap_or_default();
    if kind == "ServiceMonitor" || kind == "PodMonitor" {
        let list_key = if kind == "ServiceMonitor" {
            "endpoints"
        } else {
            "podMetricsEndpoints"
        };
        let endpoints = doc
            .get("spec")
            .and_then(|s| s.get(list_key))
            .and_then(Node::as_seq)
            .unwrap_or_default();
        for ep in endpoints {
            for key in ["targetPort", "port"] {
                if let Some((port, line, column)) = scalar(ep, key) {
                    out.push(PortDeclaration {
                        how: format!("{kind} {key}"),
                        port,
                        name: None,
                        file: file.to_string(),
                        line,
                        column,
                    });
                }
            }
        }
    }
    walk(doc, file, out);
}

/// Find `containers` lists and `prometheus.io/port` annotations anywhere.
fn walk(node: &Node, file: &str, out: &mut Vec<PortDeclaration>) {
    match &node.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                match k.as_scalar() {
                    Some("containers" | "initContainers") => {
                        for c in v.as_seq().unwrap_or_default() {
                            for p in c.get("ports").and_then(Node::as_seq).unwrap_or_default() {
                                if let Some((port, line, column)) = scalar(p, "containerPort") {
                                    out.push(PortDeclaration {
                                        how: "containerPort".into(),
                                        port,
                                        name: p
                                            .get("name")
                                            .and_then(Node::as_scalar)
                                            .map(shown_text),
                                        file: file.to_string(),
                                        line,
                                        column,
                                    });
                                }
                            }
                        }
                    }
                    Some("annotations") => {
                        if let Some((port, line, column)) = scalar(v, "prometheus.io/port") {
                            out.push(PortDeclaration {
                                how: "prometheus.io/port".into(),
                                port,
                                name: None,
                                file: file.to_string(),
                                line,
                                column,
                            });
                        }
                    }
                    _ => {}
                }
                walk(v, file, out);
            }
        }
        Value::Seq(items) => {
            for i in items {
                walk(i, file, out);
            }
        }
        Value::Scalar { .. } => {}
    }
}

// ---------------------------------------------------------------------------
// Kubernetes objects

/// A scalar node as a fact: known, or unknown with the template expression.
fn sc(node: &Node) -> Option<Scalar> {
    let text = node.as_scalar()?;
    Some(match helm::unknown_text(text) {
        Some(shown) => Scalar::Unknown(shown),
        None => Scalar::Known(text.to_string()),
    })
}

fn sc_at(node: &Node, key: &str) -> Option<Scalar> {
    node.get(key).and_then(sc)
}

fn spanned(node: &Node, key: &str, file: &str) -> Option<Spanned<Scalar>> {
    let v = node.get(key)?;
    Some(Spanned {
        value: sc(v)?,
        at: loc(file, v),
    })
}

fn loc(file: &str, node: &Node) -> Loc {
    Loc {
        file: file.to_string(),
        line: node.pos.line,
        column: node.pos.col,
    }
}

fn path<'a>(node: &'a Node, keys: &[&str]) -> Option<&'a Node> {
    keys.iter().try_fold(node, |n, k| n.get(k))
}

fn seq(node: Option<&Node>) -> &[Node] {
    node.and_then(Node::as_seq).unwrap_or_default()
}

/// The unknown template expression a node stands for, when it is a marker
/// left by an action that output YAML relman cannot see.
fn unknown_of(node: &Node) -> Option<String> {
    node.as_scalar().and_then(helm::unknown_text)
}

/// Labels from a mapping; entries a template hides become `unknown`.
fn labels_of(node: Option<&Node>) -> Labels {
    let mut out = Labels::default();
    let Some(node) = node else {
        return out;
    };
    match node.as_map() {
        Some(entries) => {
            for (k, v) in entries {
                let Some(key) = k.as_scalar() else {
                    continue;
                };
                match helm::unknown_text(key) {
                    Some(expr) => {
                        if !out.unknown.contains(&expr) {
                            out.unknown.push(expr);
                        }
                    }
                    None => out.pairs.push((
                        key.to_string(),
                        sc(v).unwrap_or_else(|| Scalar::Known(String::new())),
                    )),
                }
            }
        }
        None => out.unknown.extend(unknown_of(node)),
    }
    out
}

/// The Kubernetes objects of one YAML document (the items of a `List`).
fn objects_in(doc: &Node, file: &str, out: &mut K8sFacts) {
    let (Some(api), Some(kind_node)) = (
        doc.get("apiVersion").and_then(Node::as_scalar),
        doc.get("kind"),
    ) else {
        return;
    };
    let Some(kind) = kind_node.as_scalar() else {
        return;
    };
    out.objects += 1;
    if kind == "List" || (kind.ends_with("List") && doc.get("items").is_some()) {
        out.objects -= 1;
        for item in seq(doc.get("items")) {
            objects_in(item, file, out);
        }
        return;
    }
    let meta = ObjectMeta {
        kind: kind.to_string(),
        name: path(doc, &["metadata", "name"])
            .and_then(sc)
            .unwrap_or_else(|| Scalar::Known(String::new())),
        namespace: path(doc, &["metadata", "namespace"]).and_then(sc),
        at: loc(file, kind_node),
    };
    let group = api.split('/').next().unwrap_or_default();
    match (group, kind) {
        (
            _,
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "Job" | "CronJob" | "Pod",
        ) if !is_helm_test(doc) => out.workloads.push(workload(doc, meta, file)),
        ("v1", "Service") => out.services.push(service(doc, meta, file)),
        ("networking.k8s.io" | "extensions", "Ingress") => {
            out.routes.push(ingress(doc, meta, file));
        }
        ("networking.istio.io", "Gateway") => {
            let hosts = seq(path(doc, &["spec", "servers"]))
                .iter()
                .flat_map(|s| seq(s.get("hosts")))
                .filter_map(sc)
                .collect();
            out.routes.push(Route {
                kind: RouteKind::IstioGateway,
                meta,
                hosts,
                class: None,
                parents: Vec::new(),
                internal: None,
            });
        }
        ("gateway.networking.k8s.io", "Gateway") => {
            let hosts = seq(path(doc, &["spec", "listeners"]))
                .iter()
                .filter_map(|l| sc_at(l, "hostname"))
                .collect();
            out.routes.push(Route {
                kind: RouteKind::Gateway,
                meta,
                hosts,
                class: path(doc, &["spec", "gatewayClassName"]).and_then(sc),
                parents: Vec::new(),
                internal: None,
            });
        }
        ("gateway.networking.k8s.io", "HTTPRoute") => {
            let refs = seq(path(doc, &["spec", "parentRefs"]));
            // A route attached only to Services is mesh traffic (GAMMA).
            let parents: Vec<Scalar> = refs
                .iter()
                .filter(|r| sc_at(r, "kind").is_none_or(|k| k.as_known() != Some("Service")))
                .filter_map(|r| sc_at(r, "name"))
                .collect();
            if refs.is_empty() || !parents.is_empty() {
                out.routes.push(Route {
                    kind: RouteKind::HttpRoute,
                    meta,
                    hosts: seq(path(doc, &["spec", "hostnames"]))
                        .iter()
                        .filter_map(sc)
                        .collect(),
                    class: None,
                    parents,
                    internal: None,
                });
            }
        }
        ("route.openshift.io", "Route") => out.routes.push(Route {
            kind: RouteKind::OpenShiftRoute,
            meta,
            hosts: path(doc, &["spec", "host"])
                .and_then(sc)
                .into_iter()
                .collect(),
            class: None,
            parents: Vec::new(),
            internal: None,
        }),
        ("networking.k8s.io", "NetworkPolicy") => {
            out.network_policies.push(network_policy(doc, meta, file));
        }
        ("autoscaling", "HorizontalPodAutoscaler") => {
            let target = path(doc, &["spec", "scaleTargetRef"]);
            out.autoscalers.push(Autoscaler {
                kind: meta.kind,
                name: meta.name,
                namespace: meta.namespace,
                at: meta.at,
                target_kind: target
                    .and_then(|t| sc_at(t, "kind"))
                    .unwrap_or_else(|| Scalar::Known(String::new())),
                target_name: target
                    .and_then(|t| sc_at(t, "name"))
                    .unwrap_or_else(|| Scalar::Known(String::new())),
                min_replicas: doc
                    .get("spec")
                    .and_then(|s| spanned(s, "minReplicas", file)),
                max_replicas: doc
                    .get("spec")
                    .and_then(|s| spanned(s, "maxReplicas", file)),
            });
        }
        ("keda.sh", "ScaledObject") => {
            let target = path(doc, &["spec", "scaleTargetRef"]);
            out.autoscalers.push(Autoscaler {
                kind: meta.kind,
                name: meta.name,
                namespace: meta.namespace,
                at: meta.at,
                target_kind: target
                    .and_then(|t| sc_at(t, "kind"))
                    .unwrap_or_else(|| Scalar::Known("Deployment".into())),
                target_name: target
                    .and_then(|t| sc_at(t, "name"))
                    .unwrap_or_else(|| Scalar::Known(String::new())),
                min_replicas: doc
                    .get("spec")
                    .and_then(|s| spanned(s, "minReplicaCount", file)),
                max_replicas: doc
                    .get("spec")
                    .and_then(|s| spanned(s, "maxReplicaCount", file)),
            });
        }
        _ => {}
    }
}

/// A Helm test hook: a pod `helm test` runs, not part of the release.
fn is_helm_test(doc: &Node) -> bool {
    path(doc, &["metadata", "annotations", "helm.sh/hook"])
        .and_then(Node::as_scalar)
        .is_some_and(|h| h.contains("test"))
}

fn annotation<'a>(doc: &'a Node, key: &str) -> Option<(String, &'a Node)> {
    let v = path(doc, &["metadata", "annotations", key])?;
    Some((v.as_scalar()?.to_string(), v))
}

fn workload(doc: &Node, meta: ObjectMeta, file: &str) -> Workload {
    let kind = meta.kind.as_str();
    let (template, replicas) = match kind {
        "Pod" => (Some(doc), None),
        "CronJob" => {
            let job = path(doc, &["spec", "jobTemplate", "spec"]);
            (
                job.and_then(|j| j.get("template")),
                job.and_then(|j| spanned(j, "parallelism", file)),
            )
        }
        "Job" => (
            path(doc, &["spec", "template"]),
            doc.get("spec")
                .and_then(|s| spanned(s, "parallelism", file)),
        ),
        "DaemonSet" => (path(doc, &["spec", "template"]), None),
        _ => (
            path(doc, &["spec", "template"]),
            doc.get("spec").and_then(|s| spanned(s, "replicas", file)),
        ),
    };
    let labels = labels_of(template.and_then(|t| path(t, &["metadata", "labels"])));
    let spec = template.and_then(|t| t.get("spec"));
    let host_network = spec
        .and_then(|s| spanned(s, "hostNetwork", file))
        .filter(|h| h.value.is_unknown() || h.value.as_known() == Some("true"));
    let mut containers = Vec::new();
    for (key, init) in [("initContainers", true), ("containers", false)] {
        for c in seq(spec.and_then(|s| s.get(key))) {
            if c.as_map().is_some() {
                containers.push(container(c, init, file));
            }
        }
    }
    Workload {
        kind: meta.kind,
        name: meta.name,
        namespace: meta.namespace,
        at: meta.at,
        labels,
        replicas,
        host_network,
        containers,
    }
}

fn env_source(node: &Node, kind: EnvSourceKind, keyed: bool, file: &str) -> EnvSource {
    EnvSource {
        kind,
        name: sc_at(node, "name").unwrap_or_else(|| Scalar::Known(String::new())),
        key: if keyed { sc_at(node, "key") } else { None },
        at: loc(file, node),
    }
}

fn container(c: &Node, init: bool, file: &str) -> Container {
    let mut out = Container {
        name: sc_at(c, "name").unwrap_or_else(|| Scalar::Known(String::new())),
        init,
        at: loc(file, c),
        ports: Vec::new(),
        env: Vec::new(),
        env_from: Vec::new(),
        unknown_env: Vec::new(),
    };
    for p in seq(c.get("ports")) {
        if let Some(container_port) = spanned(p, "containerPort", file) {
            out.ports.push(ContainerPort {
                name: p.get("name").and_then(Node::as_scalar).map(shown_text),
                container_port,
                host_port: spanned(p, "hostPort", file),
            });
        }
    }
    let hidden = |node: &Node, out: &mut Container| {
        if let Some(expr) = unknown_of(node) {
            out.unknown_env.push(Spanned {
                value: expr,
                at: loc(file, node),
            });
        }
    };
    if let Some(env) = c.get("env") {
        match &env.value {
            Value::Seq(items) => {
                for e in items {
                    let Some(name_node) = e.get("name") else {
                        hidden(e, &mut out);
                        continue;
                    };
                    // A name a template decides (`{{ $key }}` in a range).
                    if unknown_of(name_node).is_some() {
                        hidden(name_node, &mut out);
                        continue;
                    }
                    let name = name_node.as_scalar().map(shown_text).unwrap_or_default();
                    let from = e.get("valueFrom");
                    let value = if let Some(r) = from.and_then(|f| f.get("secretKeyRef")) {
                        EnvValue::From(env_source(r, EnvSourceKind::Secret, true, file))
                    } else if let Some(r) = from.and_then(|f| f.get("configMapKeyRef")) {
                        EnvValue::From(env_source(r, EnvSourceKind::ConfigMap, true, file))
                    } else if let Some(r) = from.and_then(|f| f.get("fieldRef")) {
                        EnvValue::Field(
                            sc_at(r, "fieldPath")
                                .map(|s| s.to_string())
                                .unwrap_or_default(),
                        )
                    } else if let Some(r) = from.and_then(|f| f.get("resourceFieldRef")) {
                        EnvValue::Field(
                            sc_at(r, "resource")
                                .map(|s| s.to_string())
                                .unwrap_or_default(),
                        )
                    } else {
                        EnvValue::Literal(
                            sc_at(e, "value").unwrap_or_else(|| Scalar::Known(String::new())),
                        )
                    };
                    out.env.push(EnvVar {
                        name,
                        value,
                        at: loc(file, name_node),
                    });
                }
            }
            Value::Map(entries) => {
                for (k, _) in entries {
                    hidden(k, &mut out);
                }
            }
            Value::Scalar { .. } => hidden(env, &mut out),
        }
    }
    if let Some(from) = c.get("envFrom") {
        match &from.value {
            Value::Seq(items) => {
                for e in items {
                    if let Some(r) = e.get("secretRef") {
                        out.env_from
                            .push(env_source(r, EnvSourceKind::Secret, false, file));
                    } else if let Some(r) = e.get("configMapRef") {
                        out.env_from
                            .push(env_source(r, EnvSourceKind::ConfigMap, false, file));
                    } else {
                        hidden(e, &mut out);
                    }
                }
            }
            Value::Map(entries) => {
                for (k, _) in entries {
                    hidden(k, &mut out);
                }
            }
            Value::Scalar { .. } => hidden(from, &mut out),
        }
    }
    out
}

/// Annotations that keep a load balancer inside the network.
const INTERNAL_LB: &[(&str, &[&str])] = &[
    ("service.beta.kubernetes.io/aws-load-balancer-internal", &[]),
    (
        "service.beta.kubernetes.io/aws-load-balancer-scheme",
        &["internal"],
    ),
    (
        "service.beta.kubernetes.io/azure-load-balancer-internal",
        &["true"],
    ),
    (
        "service.beta.kubernetes.io/oci-load-balancer-internal",
        &["true"],
    ),
    ("networking.gke.io/load-balancer-type", &["Internal"]),
    ("cloud.google.com/load-balancer-type", &["Internal"]),
    ("alb.ingress.kubernetes.io/scheme", &["internal"]),
    ("kubernetes.io/ingress.class", &["gce-internal"]),
    ("appgw.ingress.kubernetes.io/use-private-ip", &["true"]),
];

fn internal(doc: &Node, file: &str) -> Option<Spanned<String>> {
    INTERNAL_LB.iter().find_map(|(key, values)| {
        let (v, node) = annotation(doc, key)?;
        // An empty list accepts any value but "false" (AWS takes a CIDR too).
        let ok = if values.is_empty() {
            !v.eq_ignore_ascii_case("false") && helm::unknown_text(&v).is_none()
        } else {
            values.iter().any(|want| want.eq_ignore_ascii_case(&v))
        };
        ok.then(|| Spanned {
            value: format!("{key}: {v}"),
            at: loc(file, node),
        })
    })
}

fn service(doc: &Node, meta: ObjectMeta, file: &str) -> K8sService {
    let spec = doc.get("spec");
    let ports = seq(spec.and_then(|s| s.get("ports")))
        .iter()
        .filter_map(|p| {
            Some(ServicePort {
                name: p.get("name").and_then(Node::as_scalar).map(shown_text),
                port: sc_at(p, "port")?,
                node_port: sc_at(p, "nodePort"),
                at: loc(file, p.get("port").unwrap_or(p)),
            })
        })
        .collect();
    K8sService {
        service_type: spec.and_then(|s| spanned(s, "type", file)),
        selector: labels_of(spec.and_then(|s| s.get("selector"))),
        ports,
        internal: internal(doc, file),
        meta,
    }
}

fn ingress(doc: &Node, meta: ObjectMeta, file: &str) -> Route {
    let spec = doc.get("spec");
    let mut hosts: Vec<Scalar> = Vec::new();
    let rule_hosts = seq(spec.and_then(|s| s.get("rules")))
        .iter()
        .filter_map(|r| sc_at(r, "host"));
    let tls_hosts = seq(spec.and_then(|s| s.get("tls")))
        .iter()
        .flat_map(|t| seq(t.get("hosts")))
        .filter_map(sc);
    for h in rule_hosts.chain(tls_hosts) {
        if !hosts.contains(&h) {
            hosts.push(h);
        }
    }
    let class = spec.and_then(|s| sc_at(s, "ingressClassName")).or_else(|| {
        path(
            doc,
            &["metadata", "annotations", "kubernetes.io/ingress.class"],
        )
        .and_then(sc)
    });
    Route {
        kind: RouteKind::Ingress,
        hosts,
        class,
        parents: Vec::new(),
        internal: internal(doc, file),
        meta,
    }
}

fn network_policy(doc: &Node, meta: ObjectMeta, file: &str) -> NetworkPolicy {
    let spec = doc.get("spec");
    let sel = spec.and_then(|s| s.get("podSelector"));
    let mut pod_selector = Selector {
        match_labels: labels_of(sel.and_then(|s| s.get("matchLabels"))),
        match_expressions: Vec::new(),
        at: sel.map_or_else(|| meta.at.clone(), |s| loc(file, s)),
    };
    if let Some(sel) = sel {
        // Output a template put straight under podSelector.
        for (k, _) in sel.as_map().unwrap_or_default() {
            if let Some(expr) = unknown_of(k) {
                pod_selector.match_labels.unknown.push(expr);
            }
        }
        if sel.as_map().is_none() {
            pod_selector.match_labels.unknown.extend(unknown_of(sel));
        }
        for e in seq(sel.get("matchExpressions")) {
            let Some(key) = e.get("key").and_then(Node::as_scalar) else {
                continue;
            };
            pod_selector.match_expressions.push(Requirement {
                key: shown_text(key),
                operator: sc_at(e, "operator").unwrap_or_else(|| Scalar::Known(String::new())),
                values: seq(e.get("values")).iter().filter_map(sc).collect(),
            });
        }
    }
    let written: Vec<String> = seq(spec.and_then(|s| s.get("policyTypes")))
        .iter()
        .filter_map(Node::as_scalar)
        .map(shown_text)
        .collect();
    let policy_types = if written.is_empty() {
        let mut t = vec!["Ingress".to_string()];
        if spec.and_then(|s| s.get("egress")).is_some() {
            t.push("Egress".into());
        }
        t
    } else {
        written
    };
    NetworkPolicy {
        meta,
        pod_selector,
        policy_types,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ports_annotations_and_monitors() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("deploy")).expect("mkdir");
        std::fs::write(
            dir.path().join("deploy/app.yaml"),
            "apiVersion: apps/v1
kind: Deployment
spec:
  template:
    metadata:
      annotations:
        prometheus.io/scrape: \"true\"
        prometheus.io/port: \"8067\"
    spec:
      containers:
        - name: app
          ports:
            - { name: http, containerPort: 8080 }
            - { name: metrics, containerPort: 8067 }
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
spec:
  endpoints:
    - port: metrics
",
        )
        .expect("write");
        std::fs::write(dir.path().join("deploy/chart.yaml"), "a: {{ .Values.x }}\n")
            .expect("write");
        std::fs::write(dir.path().join("deploy/broken.yaml"), "a: [\n").expect("write");
        let facts = scan(dir.path(), "repos/app", "app").metrics_ports;
        let got: Vec<String> = facts
            .declarations
            .iter()
            .map(|d| {
                format!(
                    "{} {} {:?} {}:{}:{}",
                    d.how, d.port, d.name, d.file, d.line, d.column
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "prometheus.io/port 8067 None repos/app/deploy/app.yaml:8:29",
                "containerPort 8080 Some(\"http\") repos/app/deploy/app.yaml:13:44",
                "containerPort 8067 Some(\"metrics\") repos/app/deploy/app.yaml:14:47",
                "ServiceMonitor port metrics None repos/app/deploy/app.yaml:20:13",
            ]
        );
        assert_eq!(facts.files_read, 2);
        assert_eq!(facts.unreadable.len(), 1);
        assert!(facts.unreadable[0].0.ends_with("broken.yaml"));
    }

    #[test]
    fn loki_retention_for_the_service() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("loki.yaml"),
            "compactor:
  retention_enabled: true
limits_config:
  retention_period: 744h
  retention_stream:
    - selector: '{service=\"app\"}'
      priority: 1
      period: 168h
    - selector: '{service=\"other\"}'
      period: 24h
",
        )
        .expect("write");
        let got: Vec<String> = scan(dir.path(), "repos/app", "app")
            .loki
            .iter()
            .map(|s| {
                format!(
                    "{:?} {:?} {} @{}:{}",
                    s.kind, s.days, s.detail, s.line, s.column
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "LokiStream Days(7) retention_stream {service=\"app\"} period: 168h @8:15",
                "Loki Days(31) limits_config.retention_period: 744h @4:21",
            ]
        );
        std::fs::write(
            dir.path().join("loki.yaml"),
            "limits_config:\n  retention_period: 24h\n",
        )
        .expect("write");
        let off = scan(dir.path(), "repos/app", "app").loki;
        assert_eq!(off[0].days, RetentionDays::Forever);
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(p, text).expect("write");
    }

    fn known(s: &str) -> Scalar {
        Scalar::Known(s.into())
    }

    const APP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 4
  template:
    metadata:
      labels: {app: api, tier: web}
    spec:
      hostNetwork: true
      containers:
        - name: app
          ports:
            - {name: http, containerPort: 8080, hostPort: 80}
          env:
            - name: DB_POOL_SIZE
              value: \"20\"
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: db, key: password}}
            - name: MODE
              valueFrom: {configMapKeyRef: {name: cfg, key: mode}}
            - name: NODE
              valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
          envFrom:
            - secretRef: {name: extra}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: api}
  ports:
    - {name: http, port: 80, nodePort: 30080}
---
apiVersion: v1
kind: Service
metadata:
  name: internal
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-internal: \"true\"
spec:
  type: LoadBalancer
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api}
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
  tls:
    - hosts: [shop.example.com, www.example.com]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector:
    matchLabels: {app: api}
    matchExpressions:
      - {key: tier, operator: In, values: [web]}
  egress: []
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 15
---
apiVersion: v1
kind: List
items:
  - apiVersion: batch/v1
    kind: CronJob
    metadata: {name: nightly}
    spec:
      jobTemplate:
        spec:
          parallelism: 2
          template:
            spec:
              containers: [{name: job}]
";

    #[test]
    fn objects_with_positions() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "deploy/app.yaml", APP);
        write(dir.path(), "deploy/zz-broken.yaml", "kind: [\n");
        write(dir.path(), "ci.yaml", "steps: [build]\n");
        let k = scan(dir.path(), "repos/app", "app").k8s;
        assert_eq!(k.files_read, 3);
        assert_eq!(k.manifest_files, 1);
        assert_eq!(k.objects, 7);
        assert_eq!(k.problems.len(), 1);
        let p = &k.problems[0];
        assert_eq!(p.file, "repos/app/deploy/zz-broken.yaml");
        assert_eq!(p.line, Some(2));
        assert!(!p.template);

        let w = &k.workloads[0];
        assert_eq!((w.kind.as_str(), w.name.text()), ("Deployment", "api"));
        assert_eq!(w.namespace, Some(known("shop")));
        assert_eq!(w.at.to_string(), "repos/app/deploy/app.yaml:2");
        assert_eq!(w.labels.to_string(), "app=api, tier=web");
        let replicas = w.replicas.as_ref().expect("replicas");
        assert_eq!((replicas.value.text(), replicas.at.line), ("4", 7));
        assert_eq!(w.host_network.as_ref().map(|h| h.at.line), Some(12));
        let c = &w.containers[0];
        let port = &c.ports[0];
        assert_eq!(port.container_port.value, known("8080"));
        assert_eq!(
            port.host_port.as_ref().map(|h| (h.value.text(), h.at.line)),
            Some(("80", 16))
        );
        let env: Vec<String> = c
            .env
            .iter()
            .map(|e| format!("{}={:?}@{}", e.name, e.value, e.at.line))
            .collect();
        assert_eq!(env.len(), 4);
        assert_eq!(env[0], "DB_POOL_SIZE=Literal(Known(\"20\"))@18");
        assert!(
            env[1].contains("Secret") && env[1].contains("\"password\""),
            "{}",
            env[1]
        );
        assert!(env[2].contains("ConfigMap"), "{}", env[2]);
        assert_eq!(env[3], "NODE=Field(\"spec.nodeName\")@24");
        assert_eq!(c.env_from[0].to_string(), "Secret extra");

        let cron = &k.workloads[1];
        assert_eq!(cron.kind, "CronJob");
        assert_eq!(cron.replicas.as_ref().map(|r| r.value.text()), Some("2"));

        let lb = &k.services[0];
        assert_eq!(lb.type_name(), known("LoadBalancer"));
        assert_eq!(lb.service_type.as_ref().map(|t| t.at.line), Some(33));
        assert_eq!(lb.selector.to_string(), "app=api");
        assert_eq!(lb.ports[0].node_port, Some(known("30080")));
        assert!(lb.internal.is_none());
        let internal = k.services[1].internal.as_ref().expect("internal");
        assert_eq!(
            internal.value,
            "service.beta.kubernetes.io/aws-load-balancer-internal: true"
        );

        let ing = &k.routes[0];
        assert_eq!(ing.kind, RouteKind::Ingress);
        assert_eq!(
            ing.hosts,
            [known("shop.example.com"), known("www.example.com")]
        );
        assert_eq!(ing.class, Some(known("nginx")));

        let np = &k.network_policies[0];
        assert_eq!(np.pod_selector.match_labels.to_string(), "app=api");
        assert_eq!(np.pod_selector.match_expressions[0].key, "tier");
        assert_eq!(np.policy_types, ["Ingress", "Egress"]);
        assert_eq!(
            np.pod_selector.selects(&w.labels),
            relman_core::k8s::Selects::Yes
        );

        let hpa = &k.autoscalers[0];
        assert_eq!(hpa.target_name, known("api"));
        assert_eq!(
            hpa.max_replicas
                .as_ref()
                .map(|m| (m.value.text(), m.at.line)),
            Some(("15", 73))
        );
        assert_eq!(k.autoscalers_of(w).count(), 1);
        assert_eq!(k.autoscalers_of(cron).count(), 0);
    }

    const DEPLOYMENT_TPL: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include \"api.fullname\" . }}
  labels:
    {{- include \"api.labels\" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include \"api.selectorLabels\" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include \"api.selectorLabels\" . | nindent 8 }}
    spec:
      containers:
        - name: {{ .Chart.Name }}
          ports:
            - name: metrics
              containerPort: {{ .Values.metricsPort }}
          env:
            - name: DB_POOL_SIZE
              value: {{ .Values.db.pool | quote }}
            {{- with .Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
";

    const HPA_TPL: &str = "{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include \"api.fullname\" . }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include \"api.fullname\" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
{{- end }}
";

    const POLICY_TPL: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include \"api.fullname\" . }}
spec:
  podSelector:
    matchLabels:
      {{- include \"api.selectorLabels\" . | nindent 6 }}
  policyTypes: [Ingress]
";

    fn chart(root: &Path, values: &str) {
        write(
            root,
            "charts/api/Chart.yaml",
            "apiVersion: v2\nname: api\nversion: 0.1.0\n",
        );
        write(root, "charts/api/values.yaml", values);
        write(root, "charts/api/templates/deployment.yaml", DEPLOYMENT_TPL);
        write(root, "charts/api/templates/hpa.yaml", HPA_TPL);
        write(root, "charts/api/templates/networkpolicy.yaml", POLICY_TPL);
        write(
            root,
            "charts/api/templates/_helpers.tpl",
            "{{- define \"api.fullname\" -}}x{{- end }}\n",
        );
        write(
            root,
            "charts/api/templates/_partial.yaml",
            "{{- define \"x\" }}a: [{{- end }}\n",
        );
        write(
            root,
            "charts/api/templates/NOTES.txt",
            "Visit {{ .Values.url }}\n",
        );
        write(
            root,
            "charts/api/templates/broken.yaml",
            "kind: {{ .Values.kind }}\nspec: [\n",
        );
    }

    #[test]
    fn helm_templates_render_with_the_chart_defaults() {
        let dir = tempfile::tempdir().expect("tempdir");
        chart(
            dir.path(),
            "replicaCount: 3\nmetricsPort: 8067\ndb: {pool: 25}\nautoscaling: {enabled: false, maxReplicas: 9}\nextraEnv: [{name: LOG, value: info}]\n",
        );
        let facts = scan(dir.path(), "repos/app", "app");
        let k = &facts.k8s;
        assert_eq!(
            k.charts,
            [relman_core::k8s::HelmChart {
                location: "repos/app/charts/api".into(),
                name: Some("api".into()),
                values: Some("repos/app/charts/api/values.yaml".into()),
                templates: 4,
            }]
        );
        // Chart.yaml, values.yaml and the four rendered templates.
        assert_eq!(k.files_read, 6);
        assert_eq!(k.autoscalers.len(), 0, "autoscaling is off by default");
        let w = &k.workloads[0];
        assert_eq!(
            w.name,
            Scalar::Unknown("{{ include \"api.fullname\" . }}".into())
        );
        assert_eq!(w.labels.unknown, ["{{ include \"api.selectorLabels\" . }}"]);
        let replicas = w.replicas.as_ref().expect("replicas");
        assert_eq!((replicas.value.text(), replicas.at.line), ("3", 9));
        assert_eq!(
            replicas.at.file,
            "repos/app/charts/api/templates/deployment.yaml"
        );
        let c = &w.containers[0];
        assert_eq!(c.name, known("api"));
        assert_eq!(c.ports[0].container_port.value, known("8067"));
        assert_eq!(c.env[0].value, EnvValue::Literal(known("25")));
        assert_eq!((c.env[1].name.as_str(), c.env[1].at.line), ("LOG", 28));
        // The policy selects the pods through the same include.
        let np = &k.network_policies[0];
        assert_eq!(
            np.pod_selector.selects(&w.labels),
            relman_core::k8s::Selects::Yes
        );
        // The metrics port of the template feeds O-7.
        assert!(
            facts
                .metrics_ports
                .declarations
                .iter()
                .any(|d| d.port == "8067"
                    && d.file.ends_with("templates/deployment.yaml")
                    && d.line == 23),
            "{:?}",
            facts.metrics_ports.declarations
        );
        // A template that is not YAML once rendered is reported, flagged as such.
        let p = &k.problems[0];
        assert_eq!(p.file, "repos/app/charts/api/templates/broken.yaml");
        assert!(p.template);
        assert_eq!(k.problems.len(), 1);

        // With autoscaling on, replicas go and the HPA targets the same name.
        chart(
            dir.path(),
            "metricsPort: 8067\nautoscaling: {enabled: true, maxReplicas: 9}\n",
        );
        let k = scan(dir.path(), "repos/app", "app").k8s;
        let w = &k.workloads[0];
        assert!(w.replicas.is_none());
        let c = &w.containers[0];
        assert_eq!(
            c.env[0].value,
            EnvValue::Literal(Scalar::Unknown("{{ .Values.db.pool | quote }}".into()))
        );
        let hpa = &k.autoscalers[0];
        assert_eq!(
            hpa.max_replicas
                .as_ref()
                .map(|m| (m.value.text(), m.at.line)),
            Some(("9", 12))
        );
        assert_eq!(
            hpa.min_replicas.as_ref().map(|m| m.value.clone()),
            Some(Scalar::Unknown(
                "{{ .Values.autoscaling.minReplicas }}".into()
            ))
        );
        assert_eq!(k.autoscalers_of(w).count(), 1);
    }

    #[test]
    fn a_chart_without_values_leaves_everything_unknown() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "chart/Chart.yaml", "name: x\n");
        write(
            dir.path(),
            "chart/templates/svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: x}\nspec:\n  type: {{ .Values.service.type }}\n",
        );
        write(
            dir.path(),
            "chart/templates/all.yaml",
            "{{ include \"common.all\" . }}\n",
        );
        let k = scan(dir.path(), "r", "x").k8s;
        assert_eq!(k.charts[0].values, None);
        assert_eq!(
            k.services[0].type_name(),
            Scalar::Unknown("{{ .Values.service.type }}".into())
        );
        assert_eq!(k.unknown_objects.len(), 1);
        assert_eq!(
            k.unknown_objects[0].at.to_string(),
            "r/chart/templates/all.yaml:1"
        );
    }

    #[test]
    fn helpers_tell_which_labels_an_include_carries() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "chart/Chart.yaml", "name: web\n");
        write(root, "chart/values.yaml", "{}\n");
        write(
            root,
            "chart/templates/deploy.yaml",
            "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    metadata:
      labels:
        {{- include \"web.labels\" . | nindent 8 }}
",
        );
        write(
            root,
            "chart/templates/policy.yaml",
            &POLICY_TPL.replace("api.", "web."),
        );
        let k = scan(root, "r", "web").k8s;
        let selects = k.network_policies[0]
            .pod_selector
            .selects(&k.workloads[0].labels);
        assert_eq!(
            selects,
            relman_core::k8s::Selects::Unknown("{{ include \"web.selectorLabels\" . }}".into())
        );
        write(
            root,
            "chart/templates/_helpers.tpl",
            "{{/* Common labels */}}
{{- define \"web.labels\" -}}
helm.sh/chart: {{ include \"web.chart\" . }}
{{ include \"web.selectorLabels\" . }}
{{- end }}

{{- define \"web.selectorLabels\" -}}
app.kubernetes.io/name: {{ include \"web.name\" . }}
{{- end }}
",
        );
        let k = scan(root, "r", "web").k8s;
        let w = &k.workloads[0];
        assert_eq!(
            w.labels.to_string(),
            "{{ include \"web.labels\" . }}, {{ include \"web.selectorLabels\" . }}"
        );
        assert_eq!(
            k.network_policies[0].pod_selector.selects(&w.labels),
            relman_core::k8s::Selects::Yes
        );
    }

    #[test]
    fn env_a_template_names_is_unknown_env() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "c/Chart.yaml", "name: c\n");
        write(dir.path(), "c/values.yaml", "env: {DB_POOL_SIZE: '10'}\n");
        write(
            dir.path(),
            "c/templates/d.yaml",
            "apiVersion: apps/v1
kind: Deployment
metadata: {name: c}
spec:
  template:
    spec:
      containers:
        - name: app
          env:
            {{- range $k, $v := .Values.env }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
",
        );
        let k = scan(dir.path(), "r", "c").k8s;
        let c = &k.workloads[0].containers[0];
        assert!(c.env.is_empty());
        assert_eq!(c.unknown_env[0].value, "{{ $k }}");
        assert_eq!(c.unknown_env[0].at.line, 11);
    }
}
