//! `relman scan` on repositories made in a temp dir: what it reports, how
//! it shows secrets, its baseline and its exit codes.
//!
//! Secret-shaped values are assembled at run time, so this file holds none.

#![allow(clippy::disallowed_methods)]

mod support;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn relman() -> Command {
    let mut c = Command::cargo_bin("relman").expect("binary builds");
    c.env_remove("RELMAN_LOG").env("NO_COLOR", "1");
    c
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn scan(root: &Path, extra: &[&str]) -> Run {
    let out = relman()
        .arg("scan")
        .arg(root)
        .args(extra)
        .output()
        .expect("runs");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

fn json(root: &Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let r = scan(root, &args);
    let v: Value = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr));
    (r.code, v, r.stdout)
}

/// A fake GitHub token, assembled so no source file holds it.
fn github_token() -> String {
    format!("ghp_{}", "Zx8Kq2Lm9Np4Rt7Vw1Yb3Cd6Fg0Hj5Ks8Qa")
}

/// A fake AWS access key id.
fn aws_key_id() -> String {
    format!("AKIA{}", "Q3ZT7XK2NW5RB4HM")
}

fn findings<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn secrets_are_found_redacted_and_hashed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = github_token();
    let key = aws_key_id();
    support::write(
        dir.path(),
        &[
            ("README.md", "# app\n\nNothing to see.\n"),
            (
                "config/app.env",
                &format!("LOG_LEVEL=info\nGITHUB_TOKEN={token}\n"),
            ),
            (
                "src/client.py",
                &format!("import os\n\nKEY_ID = \"{key}\"  # relman:allow used by the docs\n"),
            ),
            (".env", &format!("DEPLOY_TOKEN={token}\n")),
            (
                ".git/config",
                &format!("url = https://x:{token}@github.com/a/b\n"),
            ),
        ],
    );
    let (code, v, raw) = json(dir.path(), &["--rule", "S-3"]);
    assert_eq!(code, 1, "{raw}");
    assert_eq!(v["schema"], "relman.scan/v1");
    let found = findings(&v, "S-3");
    let places: Vec<String> = found
        .iter()
        .map(|f| {
            format!(
                "{}:{} {}",
                f["path"].as_str().unwrap_or("?"),
                f["line"],
                f["status"]
            )
        })
        .collect();
    // The dotfile is scanned, .git is not, the allowed line is skipped.
    assert_eq!(places, [".env:1 \"fail\"", "config/app.env:2 \"fail\""]);
    let secret = &found[0]["secret"];
    assert!(
        secret["hash"]
            .as_str()
            .is_some_and(|h| h.starts_with("sha256:")),
        "{raw}"
    );
    // The same token in two files has one hash.
    assert_eq!(found[0]["secret"]["hash"], found[1]["secret"]["hash"]);
    assert!(!raw.contains(&token), "a full secret was printed: {raw}");
    let table = scan(dir.path(), &["--rule", "S-3"]);
    assert_eq!(table.code, 1);
    assert!(!table.stdout.contains(&token), "{}", table.stdout);
    assert!(
        table.stdout.contains("config/app.env:2:"),
        "{}",
        table.stdout
    );
}

#[test]
fn a_baseline_accepts_known_secrets_until_it_expires() {
    let dir = tempfile::tempdir().expect("tempdir");
    let token = github_token();
    support::write(
        dir.path(),
        &[("tests/fixtures/creds.env", &format!("TOKEN={token}\n"))],
    );
    let (code, _, _) = json(dir.path(), &["--rule", "S-3"]);
    assert_eq!(code, 1);
    let w = scan(
        dir.path(),
        &[
            "--rule",
            "S-3",
            "--write-baseline",
            ".relman-baseline.yaml",
            "--reason",
            "revoked token the parser tests need",
            "--expires",
            "2099-01-01",
        ],
    );
    assert!(w.stderr.contains("1 secrets added"), "{}", w.stderr);
    let baseline =
        std::fs::read_to_string(dir.path().join(".relman-baseline.yaml")).expect("written");
    assert!(
        baseline.contains("path: \"tests/fixtures/creds.env\""),
        "{baseline}"
    );
    assert!(!baseline.contains(&token), "{baseline}");
    let (code, v, raw) = json(dir.path(), &["--rule", "S-3"]);
    assert_eq!(code, 0, "{raw}");
    assert!(findings(&v, "S-3").is_empty(), "{raw}");
    // Moving the line does not matter; an expired entry fails again.
    support::write(
        dir.path(),
        &[(
            "tests/fixtures/creds.env",
            &format!("# moved\n\nTOKEN={token}\n"),
        )],
    );
    assert_eq!(json(dir.path(), &["--rule", "S-3"]).0, 0);
    std::fs::write(
        dir.path().join(".relman-baseline.yaml"),
        baseline.replace("2099-01-01", "2020-01-01"),
    )
    .expect("write");
    let (code, v, raw) = json(dir.path(), &["--rule", "S-3"]);
    assert_eq!(code, 1, "{raw}");
    assert!(
        findings(&v, "S-3")[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("expired on 2020-01-01")),
        "{raw}"
    );
    // A broken baseline is an error naming the file and line.
    std::fs::write(
        dir.path().join(".relman-baseline.yaml"),
        "secrets:\n  - rule: github-token\n    path: a\n",
    )
    .expect("write");
    let (code, v, raw) = json(dir.path(), &["--rule", "S-3"]);
    assert_eq!(code, 1, "{raw}");
    assert!(
        findings(&v, "S-3").iter().any(|f| f["status"] == "error"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.contains(".relman-baseline.yaml:2:"))),
        "{raw}"
    );
}

#[test]
fn a_clean_repo_exits_0_and_bad_paths_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    support::write(
        dir.path(),
        &[
            ("README.md", "# clean\n"),
            ("src/main.go", "package main\n\nfunc main() {}\n"),
        ],
    );
    let (code, v, raw) = json(dir.path(), &["--rule", "S-3"]);
    assert_eq!(code, 0, "{raw}");
    assert_eq!(v["summary"]["files_scanned"], 2, "{raw}");
    let missing = scan(&dir.path().join("nope"), &[]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("nope"), "{}", missing.stderr);
    let bad_rule = scan(dir.path(), &["--rule", "O-1"]);
    assert_eq!(bad_rule.code, 2);
    assert!(
        bad_rule.stderr.contains("not a repository rule"),
        "{}",
        bad_rule.stderr
    );
}

#[test]
fn sarif_output_names_rules_and_places() {
    let dir = tempfile::tempdir().expect("tempdir");
    support::write(
        dir.path(),
        &[(
            "config/app.env",
            &format!("GITHUB_TOKEN={}\n", github_token()),
        )],
    );
    let r = scan(dir.path(), &["--rule", "S-3", "--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("SARIF is JSON");
    assert_eq!(v["version"], "2.1.0");
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "secrets-in-repo");
    let loc = &result["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "config/app.env");
    assert_eq!(loc["region"]["startLine"], 1);
    assert!(!r.stdout.contains(&github_token()));
}
