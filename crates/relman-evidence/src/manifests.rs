//! Kubernetes manifests in a repo: where they declare metrics ports.
//!
//! The walk uses the `ignore` crate, so it skips what Git ignores, hidden
//! folders and binary files like the user expects; each file is size-capped.
//! Helm templates (files holding `{{`) are left for the template reader.

use std::path::Path;

use relman_core::evidence::{
    MetricsPortFacts, PortDeclaration, RetentionDays, RetentionKind, RetentionSource,
};
use relman_core::yaml::{Node, Value, parse_documents};

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
}

/// Scan `root` (shown as `location`) for metrics port declarations and Loki
/// retention settings that apply to `service`.
pub(crate) fn scan(root: &Path, location: &str, service: &str) -> YamlFacts {
    let mut out = YamlFacts::default();
    let facts = &mut out.metrics_ports;
    for (path, shown) in crate::repo_files(root, location, &["yaml", "yml"], MAX_MANIFEST_BYTES) {
        if facts.files_read >= MAX_FILES {
            break;
        }
        let text = match crate::read_text(&path, MAX_MANIFEST_BYTES) {
            Ok(t) => t,
            Err(e) => {
                facts.unreadable.push((shown, e));
                continue;
            }
        };
        if text.contains("{{") {
            continue;
        }
        facts.files_read += 1;
        match parse_documents(&text) {
            Ok(docs) => {
                for doc in &docs {
                    declarations_in(doc, &shown, &mut facts.declarations);
                    loki_retention(doc, &shown, service, &mut out.loki);
                }
            }
            Err(e) => facts.unreadable.push((
                shown,
                format!(
                    "invalid YAML at {}:{}: {}",
                    e.pos.line, e.pos.col, e.message
                ),
            )),
        }
    }
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
        .map(|s| (s.to_string(), v.pos.line, v.pos.col))
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
                                            .map(str::to_string),
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
}
