use relman_core::Severity;
use relman_core::k8s::{NetworkPolicy, Scalar, Selects, Workload, same_namespace};

use crate::security::s2_k8s_exposure::read_manifests;
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// S-4: every workload is selected by a NetworkPolicy that limits its
/// inbound traffic.
pub struct NetworkPolicyCoverage;

static META: CheckMeta = CheckMeta {
    rule: "S-4",
    id: "network-policy",
    severity: Severity::High,
    title: "Every workload sits behind a NetworkPolicy",
    what: "Reads the Kubernetes manifests and Helm charts of the repo. Every workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod; Helm test hooks aside) must be selected by at least one NetworkPolicy of its namespace that governs Ingress traffic: its `podSelector` (`matchLabels` and `matchExpressions` with In, NotIn, Exists, DoesNotExist) matches the pod template's labels, and an empty `podSelector: {}` (a namespace default-deny) selects every pod. A policy with only `policyTypes: [Egress]` does not limit who connects. Labels or selectors a Helm template leaves to expressions the chart's defaults do not decide are unverified, naming the expression; the same `include` in the selector and in the pod labels matches.",
    why: "Without a NetworkPolicy any pod in the cluster can open any port of the workload: one compromised pod reaches every database and admin port. Policies written as code are the security groups of Kubernetes, reviewed like the rest.",
    fix: "Add a NetworkPolicy beside the workload whose `podSelector` matches its pod labels and whose ingress rules allow only the ports and sources it needs (or a namespace default-deny `podSelector: {}` plus allow rules).",
};

/// How a workload's own namespace is shown.
fn namespace(w: &Workload) -> String {
    match &w.namespace {
        Some(ns) => format!("namespace {ns}"),
        None => "no namespace set".to_string(),
    }
}

/// `labels app=api`, or `no labels`.
fn labels(w: &Workload) -> String {
    if w.labels.is_empty() {
        "no labels".to_string()
    } else {
        format!("labels {}", w.labels)
    }
}

fn name_policy(p: &NetworkPolicy) -> String {
    let how = if p.pod_selector.is_empty() {
        " (podSelector: {}, every pod of its namespace)".to_string()
    } else {
        String::new()
    };
    format!("NetworkPolicy {}{how} at {}", p.meta.name, p.meta.at)
}

/// Whether `p` selects `w`: `Unknown` with the reason when undecided.
fn selects(p: &NetworkPolicy, w: &Workload) -> Selects {
    let ns = same_namespace(p.meta.namespace.as_ref(), w.namespace.as_ref());
    if ns == Some(false) {
        return Selects::No;
    }
    match p.pod_selector.selects(&w.labels) {
        Selects::No => Selects::No,
        Selects::Unknown(e) => Selects::Unknown(e),
        Selects::Yes if ns == Some(true) => Selects::Yes,
        Selects::Yes => {
            let shown = |s: Option<&Scalar>| s.map_or("unset".to_string(), Scalar::to_string);
            Selects::Unknown(format!(
                "the namespaces (the workload's is {}, the policy's {})",
                shown(w.namespace.as_ref()),
                shown(p.meta.namespace.as_ref())
            ))
        }
    }
}

impl ServiceCheck for NetworkPolicyCoverage {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let Some(repo) = read_manifests(cx, out, "which NetworkPolicies cover the workloads")
        else {
            return;
        };
        let k = &repo.k8s;
        if k.workloads.is_empty() {
            if out.list.is_empty() {
                let why = if k.objects == 0 {
                    format!(
                        "{} holds no Kubernetes manifests ({} YAML files read)",
                        repo.location, k.files_read
                    )
                } else {
                    format!(
                        "{} declare no workload",
                        crate::security::s2_k8s_exposure::counted(k, &repo.location)
                    )
                };
                out.not_applicable(format!("{why}: no pod for a NetworkPolicy to cover"))
                    .at(relman_core::EvidenceRef::new("repo", repo.location.clone()));
            }
            return;
        }
        for w in &k.workloads {
            let who = format!("{} {} at {}", w.kind, w.name, w.at);
            let mut selected: Vec<&NetworkPolicy> = Vec::new();
            let mut undecided: Vec<(&NetworkPolicy, String)> = Vec::new();
            for p in &k.network_policies {
                match selects(p, w) {
                    Selects::Yes => selected.push(p),
                    Selects::Unknown(e) => undecided.push((p, e)),
                    Selects::No => {}
                }
            }
            let inbound: Vec<&&NetworkPolicy> =
                selected.iter().filter(|p| p.limits_ingress()).collect();
            if let Some(first) = inbound.first() {
                let more = match inbound.len() {
                    1 => String::new(),
                    n => format!(" and {} more", n - 1),
                };
                out.pass(format!(
                    "{who} ({}) is selected by {}{more}",
                    labels(w),
                    name_policy(first)
                ))
                .at(first.meta.at.evidence());
                continue;
            }
            if let Some((p, why)) = undecided.first() {
                out.unverified(format!(
                    "{who} ({}): whether {} selects it depends on {why}",
                    labels(w),
                    name_policy(p)
                ))
                .at(w.at.evidence())
                .at(p.pod_selector.at.evidence())
                .fix("Give the pods and the policy's podSelector labels relman can read (plain labels, or the same `include` in both), or check with `helm template`.");
                continue;
            }
            let f = if let Some(p) = selected.first() {
                out.fail(format!(
                    "{who} is selected only by {}, whose policyTypes ({}) do not limit inbound traffic",
                    name_policy(p),
                    p.policy_types.join(", ")
                ))
            } else {
                let same_ns = k
                    .network_policies
                    .iter()
                    .filter(|p| {
                        same_namespace(p.meta.namespace.as_ref(), w.namespace.as_ref())
                            == Some(true)
                    })
                    .count();
                let policies = match (k.network_policies.len(), same_ns) {
                    (0, _) => format!("{} has no NetworkPolicy", repo.location),
                    (_, 0) => format!(
                        "none of the {} NetworkPolicies of {} is in its namespace",
                        k.network_policies.len(),
                        repo.location
                    ),
                    (_, n) => format!(
                        "none of the {n} NetworkPolicies in its namespace matches its labels"
                    ),
                };
                out.fail(format!(
                    "{who} ({}, {}) is selected by no NetworkPolicy: {policies}",
                    namespace(w),
                    labels(w)
                ))
            };
            f.at(w.at.evidence());
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::evidence::{RepoEvidence, RepoFacts, ServiceEvidence};
    use relman_core::k8s::{K8sFacts, Labels, Loc, ObjectMeta, Requirement, Selector};

    use super::*;
    use crate::testing::*;

    fn loc(file: &str, line: u32) -> Loc {
        Loc {
            file: format!("repos/a/{file}"),
            line,
            column: 1,
        }
    }

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

    fn workload(name: &str, ns: Option<&str>, l: Labels) -> Workload {
        Workload {
            kind: "Deployment".into(),
            name: known(name),
            namespace: ns.map(known),
            at: loc("deploy/app.yaml", 2),
            labels: l,
            replicas: None,
            host_network: None,
            containers: Vec::new(),
        }
    }

    fn policy(name: &str, ns: Option<&str>, sel: Selector, types: &[&str]) -> NetworkPolicy {
        NetworkPolicy {
            meta: ObjectMeta {
                kind: "NetworkPolicy".into(),
                name: known(name),
                namespace: ns.map(known),
                at: loc("deploy/policy.yaml", 2),
            },
            pod_selector: Selector {
                at: loc("deploy/policy.yaml", 6),
                ..sel
            },
            policy_types: types.iter().map(|t| t.to_string()).collect(),
        }
    }

    fn match_labels(l: Labels) -> Selector {
        Selector {
            match_labels: l,
            ..Selector::default()
        }
    }

    fn ev(workloads: Vec<Workload>, policies: Vec<NetworkPolicy>) -> ServiceEvidence {
        ServiceEvidence {
            repo: RepoEvidence::Present(RepoFacts {
                location: "repos/a".into(),
                k8s: K8sFacts {
                    files_read: 2,
                    manifest_files: 2,
                    objects: workloads.len() + policies.len(),
                    workloads,
                    network_policies: policies,
                    ..K8sFacts::default()
                },
                ..RepoFacts::default()
            }),
            ..ServiceEvidence::default()
        }
    }

    #[test]
    fn selected_workloads_pass_naming_the_policy() {
        let api = workload(
            "api",
            Some("shop"),
            labels(&[("app", "api"), ("tier", "web")]),
        );
        let by_labels = policy(
            "api-in",
            Some("shop"),
            Selector {
                match_labels: labels(&[("app", "api")]),
                match_expressions: vec![Requirement {
                    key: "tier".into(),
                    operator: known("In"),
                    values: vec![known("web")],
                }],
                ..Selector::default()
            },
            &["Ingress"],
        );
        let out = run_service(
            &NetworkPolicyCoverage,
            &service("a"),
            &ev(vec![api.clone()], vec![by_labels]),
        );
        assert_eq!(
            render(&out),
            "pass: Deployment api at repos/a/deploy/app.yaml:2 (labels app=api, tier=web) is selected by NetworkPolicy api-in at repos/a/deploy/policy.yaml:2 [repos/a/deploy/policy.yaml:2:1]"
        );
        let deny_all = policy(
            "default-deny",
            Some("shop"),
            Selector::default(),
            &["Ingress", "Egress"],
        );
        let out = run_service(
            &NetworkPolicyCoverage,
            &service("a"),
            &ev(vec![api], vec![deny_all]),
        );
        assert_eq!(statuses(&out), [Status::Pass]);
        assert!(
            out[0]
                .message
                .contains("default-deny (podSelector: {}, every pod of its namespace)"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn unselected_workloads_fail_with_their_labels() {
        let api = workload("api", Some("shop"), labels(&[("app", "api")]));
        let out = run_service(
            &NetworkPolicyCoverage,
            &service("a"),
            &ev(vec![api.clone()], Vec::new()),
        );
        assert_eq!(
            render(&out),
            "fail: Deployment api at repos/a/deploy/app.yaml:2 (namespace shop, labels app=api) is selected by no NetworkPolicy: repos/a has no NetworkPolicy [repos/a/deploy/app.yaml:2:1]"
        );
        let other = policy(
            "web",
            Some("shop"),
            match_labels(labels(&[("app", "web")])),
            &["Ingress"],
        );
        let elsewhere = policy("all", Some("admin"), Selector::default(), &["Ingress"]);
        let out = run_service(
            &NetworkPolicyCoverage,
            &service("a"),
            &ev(vec![api.clone()], vec![other, elsewhere.clone()]),
        );
        assert_eq!(statuses(&out), [Status::Fail]);
        assert!(
            out[0]
                .message
                .ends_with("none of the 1 NetworkPolicies in its namespace matches its labels"),
            "{}",
            out[0].message
        );
        let out = run_service(
            &NetworkPolicyCoverage,
            &service("a"),
            &ev(vec![api.clone()], vec![elsewhere]),
        );
        assert!(
            out[0]
                .message
                .ends_with("none of the 1 NetworkPolicies of repos/a is in its namespace"),
            "{}",
            out[0].message
        );
        let egress = policy("out", Some("shop"), Selector::default(), &["Egress"]);
        let out = run_service(
            &NetworkPolicyCoverage,
            &service("a"),
            &ev(vec![api], vec![egress]),
        );
        assert_eq!(statuses(&out), [Status::Fail]);
        assert!(
            out[0]
                .message
                .contains("selected only by NetworkPolicy out"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn template_labels_are_unverified_naming_the_expression() {
        let include = "{{ include \"api.labels\" . }}";
        let pod = Labels {
            pairs: Vec::new(),
            unknown: vec![include.to_string()],
        };
        let api = workload("api", None, pod.clone());
        let by_app = policy(
            "api",
            None,
            match_labels(labels(&[("app", "api")])),
            &["Ingress"],
        );
        let out = run_service(
            &NetworkPolicyCoverage,
            &service("a"),
            &ev(vec![api.clone()], vec![by_app]),
        );
        assert_eq!(statuses(&out), [Status::Unverified]);
        assert_eq!(
            out[0].message,
            format!(
                "Deployment api at repos/a/deploy/app.yaml:2 (labels {include}): whether NetworkPolicy api at repos/a/deploy/policy.yaml:2 selects it depends on {include}"
            )
        );
        // The same include on both sides matches.
        let same = policy("api", None, match_labels(pod), &["Ingress"]);
        let out = run_service(
            &NetworkPolicyCoverage,
            &service("a"),
            &ev(vec![api.clone()], vec![same]),
        );
        assert_eq!(statuses(&out), [Status::Pass]);
        // A workload with no namespace and a policy with one: undecided.
        let all = policy("all", Some("shop"), Selector::default(), &["Ingress"]);
        let out = run_service(
            &NetworkPolicyCoverage,
            &service("a"),
            &ev(vec![api], vec![all]),
        );
        assert_eq!(statuses(&out), [Status::Unverified]);
        assert!(
            out[0].message.ends_with(
                "depends on the namespaces (the workload's is unset, the policy's shop)"
            ),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn a_pod_without_labels_is_said_so() {
        let bare = workload("job", None, Labels::default());
        let out = run_service(
            &NetworkPolicyCoverage,
            &service("a"),
            &ev(vec![bare], Vec::new()),
        );
        assert_eq!(
            out[0].message,
            "Deployment job at repos/a/deploy/app.yaml:2 (no namespace set, no labels) is selected by no NetworkPolicy: repos/a has no NetworkPolicy"
        );
    }

    #[test]
    fn nothing_to_cover_is_not_applicable() {
        let out = run_service(
            &NetworkPolicyCoverage,
            &service("a"),
            &ev(Vec::new(), Vec::new()),
        );
        assert_eq!(statuses(&out), [Status::NotApplicable]);
        assert!(
            out[0]
                .message
                .starts_with("repos/a holds no Kubernetes manifests"),
            "{}",
            out[0].message
        );
        let out = run_service(
            &NetworkPolicyCoverage,
            &service("a"),
            &ServiceEvidence::default(),
        );
        assert_eq!(statuses(&out), [Status::Unverified]);
    }
}
