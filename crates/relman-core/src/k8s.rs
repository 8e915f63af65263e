//! What a repository's Kubernetes manifests and Helm charts declare, as the
//! security and design checks read it (S-2, S-4, D-5).
//!
//! Plain manifests give known values. Helm templates are rendered with their
//! chart's `values.yaml` defaults, and whatever that cannot decide (an
//! `include`, `.Release.Name`, a value the chart does not default) stays a
//! [`Scalar::Unknown`] holding the template expression as written, so a check
//! can say which expression left it `unverified` instead of guessing.

use std::fmt;

/// Facts from the repo's Kubernetes manifests and Helm templates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct K8sFacts {
    /// YAML files parsed: plain manifests and rendered Helm templates.
    pub files_read: usize,
    /// Files that held at least one Kubernetes object.
    pub manifest_files: usize,
    /// Kubernetes objects (documents with `apiVersion` and `kind`), items of
    /// a `List` included.
    pub objects: usize,
    /// Helm charts found (folders with a `Chart.yaml`).
    pub charts: Vec<HelmChart>,
    pub workloads: Vec<Workload>,
    pub services: Vec<K8sService>,
    /// Ingresses, Gateways, HTTPRoutes and OpenShift Routes.
    pub routes: Vec<Route>,
    pub network_policies: Vec<NetworkPolicy>,
    /// HorizontalPodAutoscalers and KEDA ScaledObjects.
    pub autoscalers: Vec<Autoscaler>,
    /// Template output that may hold whole objects relman cannot see: an
    /// `{{ include … }}` at the top level of a template.
    pub unknown_objects: Vec<Spanned<String>>,
    /// Files that could not be read or parsed, each with where and why.
    pub problems: Vec<ManifestProblem>,
}

impl K8sFacts {
    /// The autoscalers whose `scaleTargetRef` names `w`, by kind and name
    /// (an unknown name matches only the same expression).
    pub fn autoscalers_of<'a>(&'a self, w: &'a Workload) -> impl Iterator<Item = &'a Autoscaler> {
        self.autoscalers.iter().filter(move |a| {
            a.target_kind.as_known() == Some(w.kind.as_str())
                && a.target_name == w.name
                && same_namespace(a.namespace.as_ref(), w.namespace.as_ref()) == Some(true)
        })
    }
}

/// A value as read from a manifest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scalar {
    /// Written in the manifest, or resolved from the chart's values.
    Known(String),
    /// A Helm template's value that rendering could not decide; the text is
    /// the template as written, e.g. `{{ include "api.fullname" . }}`.
    Unknown(String),
}

impl Scalar {
    pub fn as_known(&self) -> Option<&str> {
        match self {
            Scalar::Known(s) => Some(s),
            Scalar::Unknown(_) => None,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Scalar::Unknown(_))
    }

    /// The text, known or as written in the template.
    pub fn text(&self) -> &str {
        match self {
            Scalar::Known(s) | Scalar::Unknown(s) => s,
        }
    }

    /// The known value as a whole number.
    pub fn as_u64(&self) -> Option<u64> {
        self.as_known()?.trim().parse().ok()
    }
}

impl fmt::Display for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

/// A place in a manifest: the file as shown in messages (relative to the
/// fleet directory), 1-based line and column. For a rendered Helm template
/// the line is the template file's own; a column after a substituted action
/// is the rendered text's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Loc {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl Loc {
    /// Evidence pointing at this place in the repo.
    pub fn evidence(&self) -> crate::EvidenceRef {
        crate::EvidenceRef::new("repo", self.file.clone()).at(self.line, self.column)
    }
}

/// `file:line`, as messages show it.
impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub at: Loc,
}

/// A file that could not be read, or is not valid YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestProblem {
    pub file: String,
    /// Where the parser stopped, when it is known.
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
    /// True for a Helm template that is not valid YAML once rendered: the
    /// rendering is an approximation, so this may be relman's limit rather
    /// than the chart's fault.
    pub template: bool,
}

impl ManifestProblem {
    /// `file:line` (or the file), for messages.
    pub fn place(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.file),
            None => self.file.clone(),
        }
    }

    /// Evidence pointing at the problem.
    pub fn evidence(&self) -> crate::EvidenceRef {
        let r = crate::EvidenceRef::new("repo", self.file.clone());
        match (self.line, self.column) {
            (Some(l), Some(c)) => r.at(l, c),
            _ => r,
        }
    }
}

/// A Helm chart: a folder with `Chart.yaml`, `values.yaml` and `templates/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmChart {
    /// The chart folder, as shown in messages.
    pub location: String,
    /// `name` from `Chart.yaml`.
    pub name: Option<String>,
    /// The values file the templates were rendered with, when there is one.
    pub values: Option<String>,
    /// Templates rendered (YAML files under `templates/` not starting with `_`).
    pub templates: usize,
}

/// What an object is and where it is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectMeta {
    /// `Deployment`, `Service`, `NetworkPolicy`...
    pub kind: String,
    pub name: Scalar,
    /// `metadata.namespace`; `None` when unset (the namespace it is applied to).
    pub namespace: Option<Scalar>,
    /// Where the object's `kind` is written.
    pub at: Loc,
}

impl ObjectMeta {
    /// `Deployment api`, for messages.
    pub fn describe(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }
}

/// Labels, as a pod template or a Service selector declares them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    pub pairs: Vec<(String, Scalar)>,
    /// Template expressions that add labels relman cannot see, e.g.
    /// `{{ include "api.selectorLabels" . }}`.
    pub unknown: Vec<String>,
}

impl Labels {
    pub fn get(&self, key: &str) -> Option<&Scalar> {
        self.pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty() && self.unknown.is_empty()
    }
}

/// `app=api, tier=web, {{ include "x" . }}`, or `no labels`.
impl fmt::Display for Labels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("no labels");
        }
        let parts: Vec<String> = self
            .pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .chain(self.unknown.iter().cloned())
            .collect();
        f.write_str(&parts.join(", "))
    }
}

/// A Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob or Pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub kind: String,
    pub name: Scalar,
    pub namespace: Option<Scalar>,
    pub at: Loc,
    /// The pod template's labels (a Pod's own labels).
    pub labels: Labels,
    /// `spec.replicas` (Deployment, StatefulSet, ReplicaSet) or
    /// `parallelism` (Job, CronJob), when written.
    pub replicas: Option<Spanned<Scalar>>,
    /// `hostNetwork`, when it is `true` or a value rendering could not decide.
    pub host_network: Option<Spanned<Scalar>>,
    pub containers: Vec<Container>,
}

impl Workload {
    pub fn meta(&self) -> ObjectMeta {
        ObjectMeta {
            kind: self.kind.clone(),
            name: self.name.clone(),
            namespace: self.namespace.clone(),
            at: self.at.clone(),
        }
    }
}

/// One container (or init container) of a pod template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Container {
    pub name: Scalar,
    pub init: bool,
    pub at: Loc,
    pub ports: Vec<ContainerPort>,
    pub env: Vec<EnvVar>,
    /// `envFrom` sources: every key of a Secret or ConfigMap.
    pub env_from: Vec<EnvSource>,
    /// Template expressions that add env vars relman cannot see, e.g.
    /// `{{ toYaml .Values.env }}` with no default.
    pub unknown_env: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerPort {
    pub name: Option<String>,
    pub container_port: Spanned<Scalar>,
    /// Set when the port is also bound on the node.
    pub host_port: Option<Spanned<Scalar>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub value: EnvValue,
    /// Where the variable's name is written.
    pub at: Loc,
}

/// Where an env var's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvValue {
    /// `value:` (unset means the empty string).
    Literal(Scalar),
    /// `valueFrom.secretKeyRef` or `valueFrom.configMapKeyRef`.
    From(EnvSource),
    /// `valueFrom.fieldRef` or `resourceFieldRef`: the path read.
    Field(String),
}

/// A Secret or ConfigMap an env var (or `envFrom`) reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvSource {
    pub kind: EnvSourceKind,
    pub name: Scalar,
    /// The key read; `None` for `envFrom` (every key).
    pub key: Option<Scalar>,
    pub at: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvSourceKind {
    Secret,
    ConfigMap,
}

impl fmt::Display for EnvSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            EnvSourceKind::Secret => "Secret",
            EnvSourceKind::ConfigMap => "ConfigMap",
        };
        match &self.key {
            Some(k) => write!(f, "{kind} {} key {k}", self.name),
            None => write!(f, "{kind} {}", self.name),
        }
    }
}

/// A Kubernetes Service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct K8sService {
    pub meta: ObjectMeta,
    /// `spec.type`; `None` when unset (ClusterIP).
    pub service_type: Option<Spanned<Scalar>>,
    pub selector: Labels,
    pub ports: Vec<ServicePort>,
    /// The annotation that makes a LoadBalancer internal to the network
    /// (`service.beta.kubernetes.io/aws-load-balancer-internal: "true"`...),
    /// as `key: value`.
    pub internal: Option<Spanned<String>>,
}

impl K8sService {
    /// The type, `ClusterIP` when unset.
    pub fn type_name(&self) -> Scalar {
        self.service_type
            .as_ref()
            .map_or_else(|| Scalar::Known("ClusterIP".into()), |t| t.value.clone())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePort {
    pub name: Option<String>,
    pub port: Scalar,
    pub node_port: Option<Scalar>,
    pub at: Loc,
}

/// Something that routes traffic from outside the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `Ingress`, `Gateway` (Istio), `Gateway` (Gateway API), `HTTPRoute`
    /// or `Route` (OpenShift): see [`RouteKind`].
    pub kind: RouteKind,
    pub meta: ObjectMeta,
    /// Host names served (`rules[].host`, `servers[].hosts`, `hostnames`...).
    pub hosts: Vec<Scalar>,
    /// The Ingress class or Gateway class, when given.
    pub class: Option<Scalar>,
    /// For an HTTPRoute: the Gateways it attaches to (`parentRefs` of kind
    /// Gateway). A route whose parents are all Services is mesh-internal and
    /// is not recorded.
    pub parents: Vec<Scalar>,
    /// The annotation or class that makes it internal
    /// (`alb.ingress.kubernetes.io/scheme: internal`...), as `key: value`.
    pub internal: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    Ingress,
    IstioGateway,
    Gateway,
    HttpRoute,
    OpenShiftRoute,
}

impl RouteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RouteKind::Ingress => "Ingress",
            RouteKind::IstioGateway => "Istio Gateway",
            RouteKind::Gateway => "Gateway",
            RouteKind::HttpRoute => "HTTPRoute",
            RouteKind::OpenShiftRoute => "Route",
        }
    }
}

/// A NetworkPolicy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkPolicy {
    pub meta: ObjectMeta,
    pub pod_selector: Selector,
    /// `policyTypes` as written, or as Kubernetes defaults it when absent:
    /// `Ingress`, plus `Egress` when the policy has `egress` rules.
    pub policy_types: Vec<String>,
}

impl NetworkPolicy {
    pub fn limits_ingress(&self) -> bool {
        self.policy_types.iter().any(|t| t == "Ingress")
    }
}

/// A label selector: `matchLabels` and `matchExpressions`, ANDed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    pub match_labels: Labels,
    pub match_expressions: Vec<Requirement>,
    pub at: Loc,
}

/// One `matchExpressions` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist` (anything else selects nothing).
    pub operator: Scalar,
    pub values: Vec<Scalar>,
}

/// Whether a selector selects a set of labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selects {
    Yes,
    No,
    /// Undecided, because of this template expression.
    Unknown(String),
}

impl Selector {
    /// An empty selector selects every pod of its namespace.
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Kubernetes' semantics: every `matchLabels` pair and every requirement
    /// must hold. A Helm expression in the selector matches the very same
    /// expression among the labels (two `include "x.selectorLabels" .` give
    /// the same labels); anything else undecided makes the answer `Unknown`,
    /// unless another requirement already fails.
    pub fn selects(&self, labels: &Labels) -> Selects {
        let mut unknown: Option<String> = None;
        let mut note = |e: &str| {
            if unknown.is_none() {
                unknown = Some(e.to_string());
            }
        };
        for expr in &self.match_labels.unknown {
            if !labels.unknown.contains(expr) {
                note(expr);
            }
        }
        for (k, want) in &self.match_labels.pairs {
            match labels.get(k) {
                Some(have) => match equal(have, want) {
                    Some(true) => {}
                    Some(false) => return Selects::No,
                    None => note(if want.is_unknown() {
                        want.text()
                    } else {
                        have.text()
                    }),
                },
                None => match labels.unknown.first() {
                    Some(e) => note(e),
                    None => return Selects::No,
                },
            }
        }
        for r in &self.match_expressions {
            let op = match &r.operator {
                Scalar::Known(op) => op.as_str(),
                Scalar::Unknown(e) => {
                    note(e);
                    continue;
                }
            };
            let have = labels.get(&r.key);
            let hidden = labels.unknown.first();
            let verdict = match (op, have) {
                ("Exists", Some(_)) => Some(true),
                ("DoesNotExist", Some(_)) => Some(false),
                // An absent key may hide in an expression that adds labels.
                ("Exists" | "DoesNotExist", None) if hidden.is_some() => None,
                ("Exists", None) => Some(false),
                ("DoesNotExist", None) => Some(true),
                ("In" | "NotIn", Some(v)) => {
                    let mut found = Some(false);
                    for w in &r.values {
                        match equal(v, w) {
                            Some(true) => {
                                found = Some(true);
                                break;
                            }
                            Some(false) => {}
                            None => found = None,
                        }
                    }
                    if op == "In" { found } else { found.map(|f| !f) }
                }
                ("In", None) if hidden.is_none() => Some(false),
                ("NotIn", None) if hidden.is_none() => Some(true),
                ("In" | "NotIn", None) => None,
                _ => Some(false),
            };
            match verdict {
                Some(true) => {}
                Some(false) => return Selects::No,
                None => {
                    let why = have
                        .filter(|v| v.is_unknown())
                        .map(Scalar::text)
                        .or_else(|| r.values.iter().find(|v| v.is_unknown()).map(Scalar::text))
                        .or(hidden.map(String::as_str))
                        .unwrap_or(r.key.as_str())
                        .to_string();
                    note(&why);
                }
            }
        }
        match unknown {
            Some(e) => Selects::Unknown(e),
            None => Selects::Yes,
        }
    }
}

/// Whether two values are equal; `None` when a template decides it, unless
/// both are the very same expression.
fn equal(a: &Scalar, b: &Scalar) -> Option<bool> {
    match (a, b) {
        (Scalar::Known(x), Scalar::Known(y)) => Some(x == y),
        (Scalar::Unknown(x), Scalar::Unknown(y)) if x == y => Some(true),
        _ => None,
    }
}

/// Whether two objects are in the same namespace: unset and Helm's
/// `{{ .Release.Namespace }}` both mean "where the manifests are applied";
/// `None` when one is unset and the other names a namespace, or a template
/// decides it.
pub fn same_namespace(a: Option<&Scalar>, b: Option<&Scalar>) -> Option<bool> {
    fn norm(s: Option<&Scalar>) -> Option<&Scalar> {
        s.filter(|s| !matches!(s, Scalar::Unknown(t) if t.contains(".Release.Namespace")))
    }
    match (norm(a), norm(b)) {
        (None, None) => Some(true),
        (Some(x), Some(y)) => equal(x, y),
        _ => None,
    }
}

/// A HorizontalPodAutoscaler or a KEDA ScaledObject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Autoscaler {
    /// `HorizontalPodAutoscaler` or `ScaledObject`.
    pub kind: String,
    pub name: Scalar,
    pub namespace: Option<Scalar>,
    pub at: Loc,
    /// `scaleTargetRef.kind` (a ScaledObject defaults it to `Deployment`).
    pub target_kind: Scalar,
    pub target_name: Scalar,
    /// `minReplicas` (`minReplicaCount`), when written.
    pub min_replicas: Option<Spanned<Scalar>>,
    /// `maxReplicas` (`maxReplicaCount`), when written. An HPA must give
    /// it; a ScaledObject defaults it to 100.
    pub max_replicas: Option<Spanned<Scalar>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(s: &str) -> Scalar {
        Scalar::Known(s.into())
    }

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        Labels {
            pairs: pairs
                .iter()
                .map(|(k, v)| (k.to_string(), known(v)))
                .collect(),
            unknown: Vec::new(),
        }
    }

    fn req(key: &str, op: &str, values: &[&str]) -> Requirement {
        Requirement {
            key: key.into(),
            operator: known(op),
            values: values.iter().map(|v| known(v)).collect(),
        }
    }

    #[test]
    fn match_labels_and_expressions() {
        let pod = labels(&[("app", "api"), ("tier", "web")]);
        let empty = Selector::default();
        assert_eq!(empty.selects(&pod), Selects::Yes);
        let by_app = Selector {
            match_labels: labels(&[("app", "api")]),
            ..Selector::default()
        };
        assert_eq!(by_app.selects(&pod), Selects::Yes);
        assert_eq!(by_app.selects(&labels(&[("app", "web")])), Selects::No);
        assert_eq!(by_app.selects(&labels(&[])), Selects::No);
        let cases = [
            (req("tier", "In", &["web", "db"]), Selects::Yes),
            (req("tier", "In", &["db"]), Selects::No),
            (req("tier", "NotIn", &["db"]), Selects::Yes),
            (req("tier", "NotIn", &["web"]), Selects::No),
            (req("gone", "NotIn", &["web"]), Selects::Yes),
            (req("app", "Exists", &[]), Selects::Yes),
            (req("gone", "Exists", &[]), Selects::No),
            (req("gone", "DoesNotExist", &[]), Selects::Yes),
            (req("app", "DoesNotExist", &[]), Selects::No),
            (req("app", "Bogus", &[]), Selects::No),
        ];
        for (r, want) in cases {
            let s = Selector {
                match_expressions: vec![r.clone()],
                ..Selector::default()
            };
            assert_eq!(s.selects(&pod), want, "{r:?}");
        }
    }

    #[test]
    fn template_expressions_match_only_themselves() {
        let include = "{{ include \"api.selectorLabels\" . }}".to_string();
        let pod = Labels {
            pairs: vec![("tier".into(), known("web"))],
            unknown: vec![include.clone()],
        };
        let same = Selector {
            match_labels: Labels {
                pairs: Vec::new(),
                unknown: vec![include.clone()],
            },
            ..Selector::default()
        };
        assert_eq!(same.selects(&pod), Selects::Yes);
        // A key the pod does not show may hide in the include.
        let by_app = Selector {
            match_labels: labels(&[("app", "api")]),
            ..Selector::default()
        };
        assert_eq!(by_app.selects(&pod), Selects::Unknown(include.clone()));
        // ...but a visible mismatch still decides.
        let both = Selector {
            match_labels: labels(&[("app", "api"), ("tier", "db")]),
            ..Selector::default()
        };
        assert_eq!(both.selects(&pod), Selects::No);
        let release = Scalar::Unknown("{{ .Release.Name }}".into());
        let pod = Labels {
            pairs: vec![("release".into(), release.clone())],
            unknown: Vec::new(),
        };
        let s = Selector {
            match_labels: Labels {
                pairs: vec![("release".into(), release)],
                unknown: Vec::new(),
            },
            ..Selector::default()
        };
        assert_eq!(s.selects(&pod), Selects::Yes);
        let other = Selector {
            match_labels: labels(&[("release", "prod")]),
            ..Selector::default()
        };
        assert_eq!(
            other.selects(&pod),
            Selects::Unknown("{{ .Release.Name }}".into())
        );
    }

    #[test]
    fn namespaces() {
        let ns = |s: &str| Some(known(s));
        let release = Some(Scalar::Unknown("{{ .Release.Namespace }}".into()));
        assert_eq!(same_namespace(None, None), Some(true));
        assert_eq!(
            same_namespace(ns("a").as_ref(), ns("a").as_ref()),
            Some(true)
        );
        assert_eq!(
            same_namespace(ns("a").as_ref(), ns("b").as_ref()),
            Some(false)
        );
        assert_eq!(same_namespace(ns("a").as_ref(), None), None);
        assert_eq!(same_namespace(release.as_ref(), None), Some(true));
    }

    #[test]
    fn labels_display() {
        let mut l = labels(&[("app", "api")]);
        l.unknown.push("{{ include \"x\" . }}".into());
        assert_eq!(l.to_string(), "app=api, {{ include \"x\" . }}");
        assert_eq!(Labels::default().to_string(), "no labels");
    }
}
