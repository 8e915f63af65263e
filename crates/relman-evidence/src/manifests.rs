//! Kubernetes manifests in a repo: where they declare metrics ports.
//!
//! The walk uses the `ignore` crate, so it skips what Git ignores, hidden
//! folders and binary files like the user expects; each file is size-capped.
//! Helm templates (files holding `{{`) are left for the template reader.

use std::path::Path;

use relman_core::evidence::{MetricsPortFacts, PortDeclaration};
use relman_core::yaml::{Node, Value, parse_documents};

/// Manifests are small; a YAML file above this is not one.
const MAX_MANIFEST_BYTES: u64 = 1024 * 1024;
/// A repo walk stops after this many YAML files.
const MAX_FILES: usize = 5_000;

/// Scan `root` (shown as `location`) for metrics port declarations.
pub(crate) fn scan(root: &Path, location: &str) -> MetricsPortFacts {
    let mut facts = MetricsPortFacts::default();
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .require_git(false)
        .max_filesize(Some(MAX_MANIFEST_BYTES))
        .build();
    for entry in walker {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let is_yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e == "yaml" || e == "yml");
        if !is_yaml || !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        if facts.files_read >= MAX_FILES {
            break;
        }
        let rel = path.strip_prefix(root).unwrap_or(path);
        let shown = format!("{location}/{}", rel.to_string_lossy().replace('\\', "/"));
        let bytes = match std::fs::File::open(path).and_then(|f| {
            use std::io::Read;
            let mut buf = Vec::new();
            f.take(MAX_MANIFEST_BYTES).read_to_end(&mut buf)?;
            Ok(buf)
        }) {
            Ok(b) => b,
            Err(e) => {
                facts
                    .unreadable
                    .push((shown, crate::metrics::io_message(&e)));
                continue;
            }
        };
        let Ok(text) = String::from_utf8(bytes) else {
            facts.unreadable.push((shown, "not UTF-8 text".into()));
            continue;
        };
        if text.contains("{{") {
            continue;
        }
        facts.files_read += 1;
        match parse_documents(&text) {
            Ok(docs) => {
                for doc in &docs {
                    declarations_in(doc, &shown, &mut facts.declarations);
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
    facts
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
        let facts = scan(dir.path(), "repos/app");
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
}
