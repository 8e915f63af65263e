//! O-6..O-9 against real endpoints: Prometheus's and node_exporter's own
//! /metrics, a closed port, and an endpoint that never answers.

mod support;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn audit(fleet: &Path) -> (i32, Value, String) {
    let out = Command::cargo_bin("relman")
        .expect("binary")
        .arg("audit")
        .arg(fleet)
        .args(["--format", "json", "--scrape-timeout", "2"])
        .output()
        .expect("runs");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let report: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("JSON report ({e}): {stdout}"));
    (
        out.status.code().expect("code"),
        report,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn rule<'a>(report: &'a Value, service: &str, rule: &str) -> &'a Value {
    report["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["name"] == service)
        .unwrap_or_else(|| panic!("service {service}"))["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["rule"] == rule)
        .unwrap_or_else(|| panic!("{service} {rule}"))
}

fn status(report: &Value, service: &str, r: &str) -> String {
    rule(report, service, r)["status"]
        .as_str()
        .expect("status")
        .to_string()
}

fn messages(report: &Value, service: &str, r: &str) -> Vec<String> {
    rule(report, service, r)["findings"]
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
        .collect()
}

fn descriptor(name: &str, metrics: &str) -> String {
    format!("name: {name}\nteam: sre\ntier: critical\nmetrics:\n{metrics}")
}

#[test]
fn metrics_rules_on_live_endpoints() {
    let node = support::node_exporter_on_8067();
    let prom = support::prometheus(&[node.addr], "7d");
    // An endpoint that accepts connections and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_addr = silent.local_addr().expect("addr");
    let closed = support::free_port("127.0.0.1").expect("port");

    let dir = tempfile::tempdir().expect("tempdir");
    let prom_url = format!("  url: http://{}/metrics\n", prom.addr);
    let node_url = format!("  url: http://{}/metrics\n", node.addr);
    support::write(
        dir.path(),
        &[
            (
                "relman.yaml",
                &format!(
                    "name: live\nnow: 2026-11-24\nprometheus:\n  url: http://{}\n",
                    prom.addr
                ),
            ),
            ("services/prom.yaml", &descriptor("prom", &prom_url)),
            (
                "services/prom-labelled.yaml",
                &descriptor(
                    "prom-labelled",
                    &format!("{prom_url}  target_labels: {{ service: prom-labelled }}\n"),
                ),
            ),
            ("services/node.yaml", &descriptor("node", &node_url)),
            (
                "services/down.yaml",
                &descriptor(
                    "down",
                    &format!("  url: http://127.0.0.1:{closed}/metrics\n"),
                ),
            ),
            (
                "services/silent.yaml",
                &descriptor("silent", &format!("  url: http://{silent_addr}/metrics\n")),
            ),
        ],
    );
    let (code, report, stderr) = audit(dir.path());
    assert_eq!(code, 1, "{stderr}");

    // Prometheus: valid, versioned, instrumented, but no service label and not on 8067.
    assert_eq!(
        status(&report, "prom", "O-6"),
        "fail",
        "{:?}",
        messages(&report, "prom", "O-6")
    );
    assert!(messages(&report, "prom", "O-6")[0].contains("carries the label service"));
    assert_eq!(status(&report, "prom", "O-7"), "fail");
    assert_eq!(
        messages(&report, "prom", "O-7")[0],
        format!(
            "fail: metrics are served on port {}, not 8067 (services/prom.yaml: metrics.url)",
            prom.addr.port()
        )
    );
    assert_eq!(status(&report, "prom", "O-8"), "pass");
    assert!(
        messages(&report, "prom", "O-8")[0].contains("prometheus_build_info{"),
        "{:?}",
        messages(&report, "prom", "O-8")
    );
    assert_eq!(
        status(&report, "prom", "O-9"),
        "pass",
        "{:?}",
        messages(&report, "prom", "O-9")
    );
    assert_eq!(status(&report, "prom-labelled", "O-6"), "pass");

    // node_exporter on 8067: port right, version right, no request metrics.
    assert_eq!(status(&report, "node", "O-7"), "pass");
    assert_eq!(status(&report, "node", "O-8"), "pass");
    assert!(messages(&report, "node", "O-8")[0].contains("node_exporter_build_info"));
    assert_eq!(status(&report, "node", "O-9"), "fail");

    // A closed port and a silent endpoint: O-6 fails with the reason; the
    // rules that need the metrics cannot be judged.
    assert_eq!(status(&report, "down", "O-6"), "fail");
    assert!(
        messages(&report, "down", "O-6")[0].contains("does not answer: cannot connect"),
        "{:?}",
        messages(&report, "down", "O-6")
    );
    assert_eq!(status(&report, "down", "O-8"), "error");
    assert_eq!(status(&report, "silent", "O-6"), "fail");
    assert!(
        messages(&report, "silent", "O-6")[0].contains("timed out"),
        "{:?}",
        messages(&report, "silent", "O-6")
    );

    // O-10 from the live flags API: 7d is printed as 1w; no downsampling.
    let o10 = report["fleet_rules"]
        .as_array()
        .expect("fleet rules")
        .iter()
        .find(|r| r["rule"] == "O-10")
        .expect("O-10");
    assert_eq!(o10["status"], "fail");
    let found: Vec<&str> = o10["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["message"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        found,
        [
            "raw metrics are kept at least 7 days: Prometheus keeps raw data 1w (storage.tsdb.retention.time)",
            "no downsampling is configured: 5m and 1h resolution metrics are not kept at all (Prometheus alone keeps raw samples only)",
        ]
    );
    drop(silent);
}
