//! The real `relman` binary, run as a user runs it: stdout, stderr and exit
//! status for each command.

// Tests read the files the binary wrote; they are small and made here.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn relman() -> Command {
    let mut c = Command::cargo_bin("relman").expect("binary builds");
    c.env_remove("RELMAN_LOG").env("NO_COLOR", "1");
    c
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn demo() -> PathBuf {
    repo_root().join("examples/fleet")
}

fn exit_codes() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fleets/exit-codes")
}

fn mixed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fleets/mixed")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("runs");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("valid JSON")
}

#[test]
fn rules_lists_all_37_and_filters_by_category() {
    let r = run(relman().args(["rules", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rules = json(&r.stdout);
    assert_eq!(rules.as_array().map(Vec::len), Some(37));
    let fleet: Vec<&str> = rules
        .as_array()
        .expect("array")
        .iter()
        .filter(|r| r["scope"] == "fleet")
        .map(|r| r["rule"].as_str().expect("id"))
        .collect();
    assert_eq!(
        fleet,
        [
            "F-1", "F-2", "F-3", "O-10", "P-1", "P-2", "P-3", "P-4", "R-3", "R-4"
        ]
    );

    let r = run(relman().args(["rules", "--category", "security"]));
    assert_eq!(r.code, 0);
    insta::assert_snapshot!(r.stdout, @"
    Security
      S-1   service  Security approves new deployments                          1 check
      S-2   service  Only what must be public is exposed                        2 checks
      S-3   service  No secrets in repositories                                 1 check
      S-4   service  Security groups limit ports and sources                    2 checks
      S-5   service  IAM roles and least privilege                              2 checks
      S-6   service  High-severity security findings are eliminated             1 check
    ");
    let r = run(relman().args(["rules", "--category", "reliability"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown category"), "{}", r.stderr);
}

#[test]
fn explain_prints_the_checks_documentation() {
    let r = run(relman().args(["explain", "R-1"]));
    assert_eq!(r.code, 0);
    insta::assert_snapshot!(r.stdout);
    // A check id explains its rule; an unimplemented rule says so.
    let by_check = run(relman().args(["explain", "slo-margin"]));
    assert_eq!(by_check.stdout, r.stdout);
    let custom = run(relman()
        .args(["explain", "x-1", "--fleet"])
        .arg(exit_codes()));
    assert_eq!(custom.code, 0, "{}", custom.stderr);
    assert!(
        custom
            .stdout
            .contains("No check is implemented for this rule yet"),
        "{}",
        custom.stdout
    );
    assert!(
        custom
            .stdout
            .starts_with("X-1  Container images are signed\n"),
        "{}",
        custom.stdout
    );
    let bad = run(relman().args(["explain", "Z-1"]));
    assert_eq!(bad.code, 2);
    assert_eq!(
        bad.stderr,
        "error: Z-1: no such rule or check (see `relman rules`)\n"
    );
}

#[test]
fn validate_reports_every_problem_and_exits_2() {
    let r = run(relman().arg("validate").arg(mixed()));
    assert_eq!(r.code, 2);
    assert_eq!(r.stdout, "");
    let stderr = r.stderr.replace(&mixed().display().to_string(), "FLEET");
    insta::assert_snapshot!(stderr, @r"
    error: services/broken.yaml:8:1: invalid YAML: while parsing a flow mapping, did not find expected ',' or '}'
    FLEET: 1 problem found
    ");
}

#[test]
fn validate_accepts_the_demo_fleet() {
    let r = run(relman().arg("validate").arg(demo()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains(": ok: fleet acme-cloud"), "{}", r.stdout);
}

#[test]
fn a_missing_fleet_is_a_usage_error() {
    let r = run(relman().args(["audit", "/nonexistent/fleet"]));
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        "error: /nonexistent/fleet: not a fleet directory (no relman.yaml)\n"
    );
}

#[test]
fn the_demo_audit_fails_and_its_json_keeps_the_contract() {
    let r = run(relman().arg("audit").arg(demo()));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("relman:"), "a summary line: {}", r.stdout);

    let r = run(relman().arg("audit").arg(demo()).args(["--format", "json"]));
    assert_eq!(r.code, 1);
    let report = json(&r.stdout);
    assert_eq!(report["schema"], "relman.report/v1");
    assert_eq!(report["now"], "2026-11-24");
    assert_eq!(report["fleet_rules"].as_array().map(Vec::len), Some(10));
    let services = report["services"].as_array().expect("services");
    assert!(services.len() >= 5);
    for s in services {
        assert_eq!(
            s["rules"].as_array().map(Vec::len),
            Some(27),
            "{}",
            s["name"]
        );
    }
    // Byte-identical on a second run.
    let again = run(relman().arg("audit").arg(demo()).args(["--format", "json"]));
    assert_eq!(again.stdout, r.stdout);
    insta::assert_snapshot!("demo_fleet_report", r.stdout);
}

#[test]
fn a_mixed_fleet_reports_the_good_services_fully() {
    let r = run(relman()
        .arg("audit")
        .arg(mixed())
        .args(["--format", "json"]));
    assert_eq!(r.code, 2, "input problems exit 2");
    assert!(
        r.stderr.contains("services/broken.yaml:8:1: invalid YAML"),
        "{}",
        r.stderr
    );
    let report = json(&r.stdout);
    let services = report["services"].as_array().expect("services");
    let names: Vec<&str> = services
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["broken", "good", "unreadable-repo"]);
    let status = |s: usize, rule: &str| {
        services[s]["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .find(|r| r["rule"] == rule)
            .map(|r| r["status"].as_str().expect("status").to_string())
            .expect("rule present")
    };
    assert!(
        services[0]["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .all(|r| r["status"] == "error")
    );
    for rule in ["D-3", "D-4", "O-5", "R-1", "R-2"] {
        assert_eq!(status(1, rule), "pass", "good {rule}");
    }
    assert_eq!(status(2, "D-4"), "error");
    assert_eq!(status(2, "O-5"), "fail");
    assert_eq!(status(2, "D-3"), "pass");
}

#[test]
fn fail_on_and_filters_decide_the_exit_status() {
    let codes = |args: &[&str]| run(relman().arg("audit").arg(exit_codes()).args(args)).code;
    // R-2 passes, R-1 warns, O-6 is unverified (no metrics given), D-3 fails.
    assert_eq!(codes(&["--rule", "R-2"]), 0);
    assert_eq!(codes(&["--rule", "R-1"]), 0);
    assert_eq!(codes(&["--rule", "R-1", "--fail-on", "warn"]), 1);
    assert_eq!(codes(&["--rule", "O-6"]), 0);
    assert_eq!(codes(&["--rule", "O-6", "--fail-on", "unverified"]), 1);
    assert_eq!(codes(&["--rule", "O-6", "--fail-on", "warn"]), 1);
    assert_eq!(codes(&["--rule", "D-3"]), 1);
    assert_eq!(codes(&["--rule", "D-3", "--fail-on", "never"]), 0);
    // A retired rule is not applicable; a fleet rule added by the manifesto is judged.
    let r = run(relman()
        .arg("audit")
        .arg(exit_codes())
        .args(["--format", "json", "--rule", "D-6", "--rule", "X-1"]));
    let report = json(&r.stdout);
    let rules = report["services"][0]["rules"].as_array().expect("rules");
    assert_eq!(rules[0]["status"], "not_applicable");
    assert_eq!(rules[1]["rule"], "X-1");
    assert_eq!(rules[1]["status"], "unverified");
    // The mixed fleet has a broken descriptor: 2, whatever the filters.
    let r = run(relman()
        .arg("audit")
        .arg(mixed())
        .args(["--service", "good", "--rule", "R-1"]));
    assert_eq!(
        r.code, 2,
        "the broken descriptor still makes the input unusable"
    );
    let r = run(relman()
        .arg("audit")
        .arg(demo())
        .args(["--fail-on", "never"]));
    assert_eq!(r.code, 0);
    let r = run(relman().arg("audit").arg(demo()).args(["--rule", "Q-1"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--rule Q-1: unknown rule"),
        "{}",
        r.stderr
    );
    let r = run(relman()
        .arg("audit")
        .arg(demo())
        .args(["--service", "nope"]));
    assert_eq!(r.code, 2);
    let r = run(relman()
        .arg("audit")
        .arg(demo())
        .args(["--now", "24/11/2026"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("expected YYYY-MM-DD"), "{}", r.stderr);
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif = dir.path().join("r.sarif");
    let junit = dir.path().join("r.xml");
    let md = dir.path().join("r.md");
    let r = run(relman()
        .arg("audit")
        .arg(demo())
        .args(["--format", "json", "--output"])
        .arg(format!("sarif={}", sarif.display()))
        .arg("--output")
        .arg(format!("junit={}", junit.display()))
        .arg("--output")
        .arg(format!("markdown={}", md.display())));
    assert_eq!(r.code, 1, "{}", r.stderr);
    let sarif = json(&std::fs::read_to_string(sarif).expect("sarif written"));
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        !sarif["runs"][0]["results"]
            .as_array()
            .expect("results")
            .is_empty()
    );
    let junit = std::fs::read_to_string(junit).expect("junit written");
    assert!(junit.contains("<testsuite name=\"fleet\""), "{junit}");
    assert!(
        std::fs::read_to_string(md)
            .expect("markdown written")
            .starts_with('#')
    );
    let bad = run(relman()
        .arg("audit")
        .arg(demo())
        .args(["--output", "pdf=x.pdf"]));
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("unknown format \"pdf\""),
        "{}",
        bad.stderr
    );
}

#[test]
fn init_writes_a_descriptor_that_validates() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("relman.yaml"),
        "name: t\nteams: [{ name: search }]\n",
    )
    .expect("write");
    let r = run(relman()
        .args(["init", "service", "indexer", "--team", "search", "--fleet"])
        .arg(dir.path()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(dir.path().join("services/indexer.yaml")).expect("written");
    assert!(text.contains("name: indexer"));
    assert!(
        text.lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .count()
            > 10,
        "commented"
    );
    let v = run(relman().arg("validate").arg(dir.path()));
    assert_eq!(v.code, 0, "{}", v.stderr);
    // Never overwrite by accident.
    let again = run(relman()
        .args(["init", "service", "indexer", "--fleet"])
        .arg(dir.path()));
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    let bad = run(relman().args(["init", "service", "Bad Name", "--stdout"]));
    assert_eq!(bad.code, 2);
}

#[test]
fn metrics_lint_reads_files_and_stdin_and_exits_like_promtool() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/metrics");
    let clean = run(relman()
        .args(["metrics", "lint"])
        .arg(fixtures.join("clean.prom")));
    assert_eq!(clean.code, 0, "{}{}", clean.stdout, clean.stderr);
    assert!(
        clean.stdout.contains("0 errors, 0 warnings"),
        "{}",
        clean.stdout
    );

    let naming = run(relman()
        .args(["metrics", "lint", "-"])
        .write_stdin(std::fs::read(fixtures.join("naming.prom")).expect("fixture")));
    assert_eq!(naming.code, 3);
    assert!(
        naming.stdout.contains(
            "<stdin>:1: httpRequests counter metrics should have \"_total\" suffix [counter-total-suffix]"
        ),
        "{}",
        naming.stdout
    );

    let broken = run(relman()
        .args(["metrics", "lint", "--format", "json"])
        .arg(fixtures.join("bad_value.prom")));
    assert_eq!(broken.code, 1);
    let report = json(&broken.stdout);
    assert_eq!(report["schema"], "relman.metrics-lint/v1");
    assert_eq!(report["inputs"][0]["parse_error"]["line"], 3);

    let missing = run(relman().args(["metrics", "lint", "/nonexistent.prom"]));
    assert_eq!(missing.code, 1);
    assert_eq!(
        missing.stderr,
        "error: /nonexistent.prom: No such file or directory\n"
    );

    // Random bytes and non-UTF-8 label values: an error with the position, no panic.
    let mut bytes = b"# TYPE a gauge\na{x=\"caf".to_vec();
    bytes.extend_from_slice(&[0xe9, b'"', b'}', b' ', b'1', b'\n']);
    let latin1 = run(relman().args(["metrics", "lint", "-"]).write_stdin(bytes));
    assert_eq!(latin1.code, 1);
    assert!(
        latin1
            .stderr
            .starts_with("error: <stdin>:2:9: invalid UTF-8"),
        "{}",
        latin1.stderr
    );

    let with_service = run(relman()
        .args([
            "metrics",
            "lint",
            "--service",
            "checkout",
            "--format",
            "json",
        ])
        .arg(fixtures.join("clean.prom")));
    let report = json(&with_service.stdout);
    let checks: Vec<String> = report["inputs"][0]["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["check"].as_str().unwrap_or_default(),
                c["status"].as_str().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        checks,
        [
            "O-6 metrics-exported pass",
            "O-7 metrics-port unverified",
            "O-8 build-info pass",
            "O-9 availability-latency pass",
            "O-9 availability-latency pass",
        ]
    );
}

#[test]
fn logs_lint_reports_bad_input_by_file_and_line() {
    use std::io::Write;
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good.log");
    std::fs::write(
        &good,
        (0..50)
            .map(|i| format!("{{\"timestamp\":\"2026-11-24T10:00:{:02}Z\",\"level\":\"info\",\"msg\":\"order {i} shipped\",\"service\":\"shop\"}}\n", i % 60))
            .collect::<String>(),
    )
    .expect("write");
    let ok = run(relman()
        .args(["logs", "lint", "--service", "shop"])
        .arg(&good));
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    assert!(ok.stdout.contains("O-4 log-format pass"), "{}", ok.stdout);

    // A truncated gzip: the lines before the cut are read, and the file is named.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(std::fs::read(&good).expect("read").as_slice())
        .expect("gzip");
    let bytes = gz.finish().expect("gzip");
    let cut = dir.path().join("cut.log.gz");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    let r = run(relman().args(["logs", "lint"]).arg(&cut));
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.contains("cut.log.gz:"), "{}", r.stdout);

    // A binary file, and a path that does not exist.
    let bin = dir.path().join("core.bin");
    std::fs::write(&bin, (0..=255u8).collect::<Vec<u8>>().repeat(40)).expect("write");
    let r = run(relman().args(["logs", "lint"]).arg(&bin));
    assert_eq!(r.code, 2);
    assert!(r.stdout.to_lowercase().contains("binary"), "{}", r.stdout);
    let r = run(relman().args(["logs", "lint", "/nonexistent/x.log"]));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("/nonexistent/x.log"), "{}", r.stderr);

    // A line of several megabytes is skipped and reported with its number.
    let long = dir.path().join("long.log");
    let mut text = String::from("{\"level\":\"info\",\"msg\":\"a\",\"service\":\"shop\"}\n");
    text.push_str(&"x".repeat(3 * 1024 * 1024));
    text.push('\n');
    std::fs::write(&long, text).expect("write");
    let r = run(relman()
        .args(["logs", "lint", "--format", "json"])
        .arg(&long));
    let doc = json(&r.stdout);
    assert_eq!(doc["files"][0]["scan"]["too_long_lines"], 1);
    assert_eq!(doc["files"][0]["scan"]["issues"][0]["line"], 2);
}
