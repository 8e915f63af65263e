//! services/NAME.yaml: one service descriptor.

use std::path::Path;

use relman_core::fleet::{
    Database, Docs, Lifecycle, MetricsSource, OpenSource, Service, Sli, Slo, SloTarget, Tier,
};
use relman_core::yaml::Node;

use crate::diag::Diagnostic;
use crate::fields::{Ctx, join, shown};
use crate::files;
use crate::fleet_file::header;

const FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "name",
    "team",
    "tier",
    "lifecycle",
    "public",
    "repo",
    "metrics",
    "logs",
    "log_retention_days",
    "slo",
    "database",
    "docs",
    "open_source",
    "security_reports",
    "secrets_baseline",
];

/// Load one descriptor; on any problem, all of its problems.
pub(crate) fn load(root: &Path, path: &Path) -> Result<Service, Vec<Diagnostic>> {
    let file = files::display(root, path);
    let doc = match files::read_yaml(root, path) {
        Ok(Some(doc)) => doc,
        Ok(None) => {
            return Err(vec![Diagnostic {
                file,
                pos: None,
                field: String::new(),
                message: "empty service descriptor".into(),
            }]);
        }
        Err(d) => return Err(vec![d]),
    };
    let mut cx = Ctx::new(file);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match parse(root, &mut cx, &doc, &stem) {
        Some(s) if cx.diags.is_empty() => Ok(s),
        _ => Err(cx.diags),
    }
}

fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        && !s.starts_with('-')
}

fn parse(root: &Path, cx: &mut Ctx, doc: &Node, stem: &str) -> Option<Service> {
    cx.object(doc, "", FIELDS)?;
    header(cx, doc, "Service");
    let name = cx.req(doc, "", "name").and_then(|n| {
        let s = cx.text(n, "name")?;
        if !is_dns_label(&s) {
            cx.error(
                Some(n.pos),
                "name",
                format!(
                    "invalid name {}, expected lowercase letters, digits and dashes",
                    shown(n)
                ),
            );
        } else if s != stem {
            cx.error(
                Some(n.pos),
                "name",
                format!("name {} differs from the file name \"{stem}\"", shown(n)),
            );
        }
        Some(s)
    });
    let team = cx.req(doc, "", "team").and_then(|n| cx.text(n, "team"));
    let tier = cx
        .req(doc, "", "tier")
        .and_then(|n| cx.choice(n, "tier", &["critical", "non-critical"]))
        .map(|i| [Tier::Critical, Tier::NonCritical][i]);
    let lifecycle = match cx.get(doc, "lifecycle") {
        Some(n) => cx
            .choice(n, "lifecycle", &["poc", "production", "deprecated"])
            .map(|i| [Lifecycle::Poc, Lifecycle::Production, Lifecycle::Deprecated][i]),
        None => Some(Lifecycle::Production),
    };
    let public = cx.get(doc, "public").and_then(|n| cx.boolean(n, "public"));
    let file = cx.file.clone();
    let repo = cx
        .get(doc, "repo")
        .and_then(|n| cx.text(n, "repo"))
        .map(|r| files::resolve(root, &file, &r));
    let metrics = cx
        .get(doc, "metrics")
        .and_then(|m| parse_metrics(root, cx, m));
    let logs = cx
        .get(doc, "logs")
        .map(|n| cx.strings(n, "logs"))
        .unwrap_or_default()
        .into_iter()
        .map(|l| files::resolve(root, &file, &l))
        .collect();
    let log_retention_days = cx
        .get(doc, "log_retention_days")
        .and_then(|n| cx.count(n, "log_retention_days"))
        .map(|d| d.min(u64::from(u32::MAX)) as u32);
    let slo = cx.get(doc, "slo").and_then(|n| parse_slo(cx, n));
    let database = cx.get(doc, "database").and_then(|d| {
        cx.object(d, "database", &["max_connections", "pool_size"])?;
        Some(Database {
            max_connections: cx
                .get(d, "max_connections")
                .and_then(|n| cx.count(n, "database.max_connections")),
            pool_size: cx
                .get(d, "pool_size")
                .and_then(|n| cx.count(n, "database.pool_size")),
        })
    });
    let docs = cx
        .get(doc, "docs")
        .and_then(|d| {
            cx.object(d, "docs", &["architecture", "runbooks"])?;
            Some(Docs {
                architecture: cx
                    .get(d, "architecture")
                    .and_then(|n| cx.text(n, "docs.architecture")),
                runbooks: cx
                    .get(d, "runbooks")
                    .and_then(|n| cx.text(n, "docs.runbooks")),
            })
        })
        .unwrap_or_default();
    let open_source = cx.get(doc, "open_source").and_then(|n| match n.as_bool() {
        Some(true) => Some(OpenSource::Yes),
        Some(false) => Some(OpenSource::No),
        None => cx.text(n, "open_source").map(OpenSource::Reason),
    });
    let security_reports = cx
        .get(doc, "security_reports")
        .map(|n| cx.strings(n, "security_reports"))
        .unwrap_or_default()
        .into_iter()
        .map(|r| files::resolve(root, &file, &r))
        .collect();
    let secrets_baseline = cx
        .get(doc, "secrets_baseline")
        .and_then(|n| cx.text(n, "secrets_baseline"));

    Some(Service {
        name: name?,
        team: team?,
        tier: tier?,
        lifecycle: lifecycle?,
        public,
        repo,
        metrics,
        logs,
        log_retention_days,
        slo,
        database,
        docs,
        open_source,
        security_reports,
        secrets_baseline,
        origin: cx.origin.clone(),
    })
}

fn parse_metrics(root: &Path, cx: &mut Ctx, m: &Node) -> Option<MetricsSource> {
    cx.object(
        m,
        "metrics",
        &["url", "file", "service_label", "target_labels"],
    )?;
    let url = cx.get(m, "url").and_then(|n| {
        let u = cx.text(n, "metrics.url")?;
        if !(u.starts_with("http://") || u.starts_with("https://")) {
            cx.error(
                Some(n.pos),
                "metrics.url",
                format!("invalid URL {}, expected http:// or https://", shown(n)),
            );
            return None;
        }
        Some(u)
    });
    let file_name = cx.file.clone();
    let file = cx
        .get(m, "file")
        .and_then(|n| cx.text(n, "metrics.file"))
        .map(|f| files::resolve(root, &file_name, &f));
    if url.is_some() && file.is_some() {
        cx.error(
            Some(m.pos),
            "metrics",
            "give one of url (a live endpoint) or file (a capture), not both",
        );
    }
    let service_label = cx
        .get(m, "service_label")
        .and_then(|n| cx.text(n, "metrics.service_label"))
        .unwrap_or_else(|| "service".to_string());
    let mut target_labels = Vec::new();
    if let Some(t) = cx.get(m, "target_labels") {
        match t.as_map() {
            Some(entries) => {
                for (k, v) in entries {
                    let key = k.as_scalar().unwrap_or_default().to_string();
                    if let Some(v) = cx.string(v, &format!("metrics.target_labels.{key}")) {
                        target_labels.push((key, v));
                    }
                }
            }
            None => cx.error(
                Some(t.pos),
                "metrics.target_labels",
                format!(
                    "expected a mapping of label names to values, found {}",
                    t.kind()
                ),
            ),
        }
    }
    Some(MetricsSource {
        url,
        file,
        service_label,
        target_labels,
    })
}

fn parse_target(cx: &mut Ctx, n: &Node, path: &str) -> Option<SloTarget> {
    cx.object(n, path, &["objective", "window"])?;
    let objective = cx
        .req(n, path, "objective")
        .and_then(|o| cx.number(o, &join(path, "objective"), 0.0, 100.0));
    if let (Some(o), Some(node)) = (objective, n.get("objective")) {
        if o <= 0.0 || o >= 100.0 {
            cx.error(
                Some(node.pos),
                &join(path, "objective"),
                format!("{o} is not a usable objective, expected a percentage strictly between 0 and 100 such as 99.9"),
            );
            return None;
        }
    }
    let window = cx
        .req(n, path, "window")
        .and_then(|w| cx.duration(w, &join(path, "window")));
    let (window, window_secs) = window?;
    Some(SloTarget {
        objective: objective?,
        window,
        window_secs,
    })
}

fn parse_slo(cx: &mut Ctx, n: &Node) -> Option<Slo> {
    cx.object(n, "slo", &["external", "internal", "sli"])?;
    let external = cx
        .get(n, "external")
        .and_then(|t| parse_target(cx, t, "slo.external"));
    let internal = cx
        .get(n, "internal")
        .and_then(|t| parse_target(cx, t, "slo.internal"));
    let sli = cx.get(n, "sli").and_then(|s| {
        cx.object(s, "slo.sli", &["errors", "total"])?;
        let errors = cx
            .req(s, "slo.sli", "errors")
            .and_then(|e| cx.text(e, "slo.sli.errors"));
        let total = cx
            .req(s, "slo.sli", "total")
            .and_then(|e| cx.text(e, "slo.sli.total"));
        Some(Sli {
            errors: errors?,
            total: total?,
        })
    });
    Some(Slo {
        external,
        internal,
        sli,
    })
}

/// What `relman init service NAME` writes: every field, commented.
pub const TEMPLATE: &str = r#"# Service descriptor for relman: one file per service, in the fleet's
# services/ folder, named after the service. Paths are relative to this file.
# Check it with `relman validate FLEET`; audit it with
# `relman audit FLEET --service {name}`.
apiVersion: relman/v1
kind: Service
name: {name}
team: {team}                 # a team declared in relman.yaml (F-2 looks for its OKRs)
tier: critical               # critical | non-critical  (O-5: logs kept 30 / 7 days)
lifecycle: production        # poc | production | deprecated
public: false                # S-2: true only if the internet is meant to reach it

# A local checkout of the service's repository: relman reads its docs,
# manifests, Terraform and IAM policies, and scans it for secrets.
repo: ../repos/{name}

# O-6..O-9: where the service's metrics can be read. Give one of:
#   url:  a live endpoint, normally http://HOST:8067/metrics
#   file: a captured scrape in Prometheus text or OpenMetrics format
metrics:
  url: http://127.0.0.1:8067/metrics
  service_label: service     # the label that names the service on its series

# O-1..O-4: samples of the service's logs (globs and .gz files allowed).
logs:
  - ../logs/{name}/*.log
log_retention_days: 30       # O-5, unless Terraform or Loki config in the repo says it

# R-1, R-2: the internal target must be higher than what customers are
# promised, over the same window; by default its error budget is at most
# half of the external one.
slo:
  external: { objective: 99.9, window: 30d }
  internal: { objective: 99.95, window: 30d }

# D-5: the connections the database allows this service, and the pool per replica.
# database:
#   max_connections: 200
#   pool_size: 20

docs:                        # D-4, C-2: relative to the repo
  architecture: docs/architecture.md
  runbooks: docs/runbooks

open_source: true            # D-3: true, or a sentence saying why not

# S-6: SARIF reports from security tools (trivy, grype, stackrox...).
security_reports: []

# S-3: secrets accepted for a while, relative to the repo (the default).
# secrets_baseline: .relman-baseline.yaml
"#;
