//! The log rules on logs written by real programs started here: Prometheus
//! (logfmt, no service field) and PostgreSQL with `log_destination =
//! 'jsonlog'` (JSON), audited and linted.

#![allow(clippy::disallowed_methods)]

mod support;

use assert_cmd::Command;
use serde_json::Value;

fn status_of(report: &Value, service: &str, rule: &str) -> (String, Vec<String>) {
    let r = report["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["name"] == service)
        .expect("service")["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["rule"] == rule)
        .expect("rule")
        .clone();
    let msgs = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}: {}",
                f["status"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect();
    (r["status"].as_str().unwrap_or_default().to_string(), msgs)
}

#[test]
fn log_rules_on_prometheus_and_postgresql_logs() {
    let pg = support::postgres_jsonlog();
    let prom = support::prometheus(&[], "7d");
    // Let Prometheus write its start-up lines.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let dir = tempfile::tempdir().expect("tempdir");
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(&logs).expect("mkdir");
    std::fs::copy(
        pg.log.as_ref().expect("pg log"),
        logs.join("postgresql.json"),
    )
    .expect("copy pg log");
    std::fs::copy(
        prom.log.as_ref().expect("prom log"),
        logs.join("prometheus.log"),
    )
    .expect("copy prom log");
    support::write(
        dir.path(),
        &[
            ("relman.yaml", "name: logs\nnow: 2026-11-24\n"),
            (
                "services/postgres.yaml",
                "name: postgres\nteam: data\ntier: critical\nlogs: [../logs/postgresql.json]\n",
            ),
            (
                "services/prometheus.yaml",
                "name: prometheus\nteam: sre\ntier: critical\nlogs: [../logs/prometheus.log]\n",
            ),
        ],
    );
    let out = Command::cargo_bin("relman")
        .expect("binary")
        .arg("audit")
        .arg(dir.path())
        .args(["--format", "json", "--category", "observability"])
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");

    // Prometheus: logfmt throughout, known levels, but no service field.
    let (s, m) = status_of(&report, "prometheus", "O-2");
    assert_eq!(s, "fail", "{m:?}");
    assert!(m[0].contains("no line names the service"), "{m:?}");
    assert!(
        m[0].contains("caller") && m[0].contains("level"),
        "the keys seen: {m:?}"
    );
    let (s, m) = status_of(&report, "prometheus", "O-4");
    assert_eq!(s, "pass", "{m:?}");
    assert!(m[0].contains("logfmt throughout"), "{m:?}");
    let (s, m) = status_of(&report, "prometheus", "O-3");
    assert_eq!(s, "pass", "{m:?}");

    // PostgreSQL jsonlog: JSON throughout, levels LOG and ERROR, no service field.
    let (s, m) = status_of(&report, "postgres", "O-4");
    assert_eq!(s, "pass", "{m:?}");
    assert!(m[0].contains("JSON throughout"), "{m:?}");
    let (s, m) = status_of(&report, "postgres", "O-2");
    assert_eq!(s, "fail", "{m:?}");
    let (s, m) = status_of(&report, "postgres", "O-3");
    assert_eq!(s, "pass", "{m:?}");
    assert!(m[0].contains("LOG") && m[0].contains("ERROR"), "{m:?}");
    let (s, m) = status_of(&report, "postgres", "O-1");
    assert_eq!(s, "pass", "{m:?}");

    // The same files through `relman logs lint`.
    let lint = Command::cargo_bin("relman")
        .expect("binary")
        .args(["logs", "lint", "--format", "json"])
        .arg(logs.join("prometheus.log"))
        .arg(logs.join("postgresql.json"))
        .output()
        .expect("runs");
    assert_eq!(lint.status.code(), Some(1), "O-2 fails for both");
    let doc: Value = serde_json::from_slice(&lint.stdout).expect("JSON");
    let files = doc["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    let by_name = |end: &str| {
        files
            .iter()
            .find(|f| {
                f["scan"]["source"]
                    .as_str()
                    .unwrap_or_default()
                    .ends_with(end)
            })
            .unwrap_or_else(|| panic!("{end} in the lint report"))
    };
    let prom_formats = &by_name("prometheus.log")["scan"]["formats"];
    assert!(
        prom_formats["logfmt"].as_u64().unwrap_or(0) > 3,
        "{prom_formats}"
    );
    let pg_formats = &by_name("postgresql.json")["scan"]["formats"];
    assert!(pg_formats["json"].as_u64().unwrap_or(0) > 3, "{pg_formats}");
}
