//! `relman metrics lint` against the real `promtool check metrics`, on the
//! same inputs: fixtures and the live /metrics of Prometheus and
//! node_exporter. Every problem promtool reports, relman reports too, and
//! both agree on whether the input parses.

#![allow(clippy::disallowed_methods)]

mod support;

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

struct Promtool {
    code: i32,
    /// `metric text` lines.
    problems: BTreeSet<String>,
    output: String,
}

fn promtool(body: &[u8]) -> Promtool {
    let bin = support::require("promtool", "prometheus");
    let mut child = Command::new(bin)
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(body)
        .expect("write stdin");
    let out = child.wait_with_output().expect("promtool output");
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let problems = output
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("error while linting"))
        .map(str::to_string)
        .collect();
    Promtool {
        code: out.status.code().expect("code"),
        problems,
        output,
    }
}

fn relman_lint(path: &Path) -> (i32, Value) {
    let out = assert_cmd::Command::cargo_bin("relman")
        .expect("binary")
        .args([
            "metrics",
            "lint",
            "--input-format",
            "text",
            "--format",
            "json",
        ])
        .arg(path)
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "relman metrics lint printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().expect("code"), json)
}

fn compare(name: &str, path: &Path) {
    let body = std::fs::read(path).expect("read input");
    let p = promtool(&body);
    let (code, json) = relman_lint(path);
    let input = &json["inputs"][0];
    match p.code {
        1 => {
            assert_eq!(
                code, 1,
                "{name}: promtool rejects it ({}), relman must too: {input}",
                p.output
            );
            assert!(
                input["parse_error"].is_object(),
                "{name}: no parse error in {input}"
            );
        }
        0 | 3 => {
            assert!(
                input["parse_error"].is_null(),
                "{name}: promtool parses it, relman does not: {input}"
            );
            let ours: BTreeSet<String> = input["problems"]
                .as_array()
                .expect("problems")
                .iter()
                .map(|p| {
                    format!(
                        "{} {}",
                        p["metric"].as_str().unwrap_or_default(),
                        p["message"].as_str().unwrap_or_default()
                    )
                })
                .collect();
            let missing: Vec<&String> = p.problems.difference(&ours).collect();
            assert!(
                missing.is_empty(),
                "{name}: promtool reports problems relman does not: {missing:#?}\nrelman: {ours:#?}"
            );
            if p.code == 3 {
                assert_eq!(
                    code, 3,
                    "{name}: promtool found problems, relman must exit 3"
                );
            } else {
                assert!(code == 0 || code == 3, "{name}: exit {code}");
            }
        }
        other => panic!("{name}: promtool exited {other}: {}", p.output),
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metrics")
}

#[test]
fn every_promtool_problem_on_the_fixtures() {
    let mut n = 0;
    for entry in std::fs::read_dir(fixtures()).expect("fixtures") {
        let path = entry.expect("entry").path();
        compare(&path.file_name().expect("name").to_string_lossy(), &path);
        n += 1;
    }
    assert!(n >= 8, "fixtures found: {n}");
}

#[test]
fn every_promtool_problem_on_live_exporters() {
    let node = support::node_exporter("127.0.0.1", support::free_port("127.0.0.1").expect("port"))
        .expect("node_exporter starts");
    let prom = support::prometheus(&[node.addr], "1d");
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, addr) in [("node_exporter", node.addr), ("prometheus", prom.addr)] {
        let body = http_get(addr, "/metrics");
        let path = dir.path().join(format!("{name}.prom"));
        std::fs::write(&path, &body).expect("write capture");
        compare(name, &path);
    }
}

/// A plain HTTP/1.0 GET with a bounded read, asking for the text format.
fn http_get(addr: std::net::SocketAddr, path: &str) -> Vec<u8> {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .expect("timeout");
    write!(
        s,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nAccept: text/plain;version=0.0.4\r\n\r\n"
    )
    .expect("request");
    let mut buf = Vec::new();
    s.take(64 * 1024 * 1024)
        .read_to_end(&mut buf)
        .expect("response");
    let split = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header");
    buf.split_off(split + 4)
}
