//! `relman import playbooks`, run as a user runs it: a real-shaped export
//! of Mattermost Playbooks runs imported into a fleet, which then
//! validates; re-imports, dry runs and bad input.

// Tests write small fleets and read back what the binary wrote.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn relman() -> Command {
    let mut c = Command::cargo_bin("relman").expect("binary builds");
    c.env_remove("RELMAN_LOG").env("NO_COLOR", "1");
    c
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../relman-fleet/tests/fixtures/playbooks-runs.json")
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

/// A fleet with the services the fixture's runs name, but not notifier.
fn fleet() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("services")).expect("mkdir");
    std::fs::write(
        root.join("relman.yaml"),
        "name: t\nnow: 2026-11-24\nteams: [{ name: core }]\n",
    )
    .expect("write");
    for s in ["payments-api", "ldap", "playbooks", "search-indexer"] {
        std::fs::write(
            root.join(format!("services/{s}.yaml")),
            format!("name: {s}\nteam: core\ntier: critical\n"),
        )
        .expect("write");
    }
    dir
}

fn import(out: &Path) -> Command {
    let mut c = relman();
    c.args(["import", "playbooks"])
        .arg(fixture())
        .args(["--server-url", "https://mattermost.example.com", "--out"])
        .arg(out);
    c
}

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn imported_runs_are_records_the_fleet_validates() {
    let fleet = fleet();
    let out = fleet.path().join("records/incidents");

    // The run without a severity is refused; the three others are written.
    let r = run(&mut import(&out));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        files(&out),
        [
            "2026-10-20-checkout-api-5xx-after-payments-api-v4-12-rollout.md",
            "2026-11-17-help-centre-search-stale-results-after-cluster-resize.md",
            "2026-11-21-ldap-binds-timing-out-in-eu-west-1.md",
        ]
    );
    assert_eq!(r.stdout.matches("wrote ").count(), 3, "{}", r.stdout);
    assert!(
        r.stdout.contains(
            "2026-11-21-ldap-binds-timing-out-in-eu-west-1.md (critical, ldap, playbooks)\n"
        ),
        "{}",
        r.stdout
    );
    assert!(
        r.stderr.contains(
            "playbooks-runs.json: items[2] (run j6tqp1ym8rk3wz5hx9bfn2ce7d \"Duplicate invoice e-mails\"): no severity:"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("still in progress: written without `resolved`")
    );
    assert!(
        r.stderr
            .contains("3 records written, 0 already imported, 1 refused\n")
    );

    let v = run(relman().arg("validate").arg(fleet.path()));
    assert_eq!(v.code, 0, "{}", v.stderr);
    assert!(v.stdout.contains(", 3 records,"), "{}", v.stdout);

    // Again, with a severity for runs that have none: the runs imported
    // before are left alone, the fourth is written, and its service is not
    // one of the fleet's.
    let r = run(import(&out).args(["--default-severity", "major"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.matches("skipped ").count(), 3, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("was imported before (--force rewrites it)")
    );
    assert!(r.stderr.contains(
        "2026-07-08-duplicate-invoice-e-mails.md: service \"notifier\" is not one of the fleet's services"
    ), "{}", r.stderr);
    assert!(r.stderr.contains("severity major from --default-severity"));
    let text = std::fs::read_to_string(out.join("2026-07-08-duplicate-invoice-e-mails.md"))
        .expect("written");
    assert!(text.contains("\nseverity: major\n"));

    // A record renamed by hand is still found by its id; --force rewrites
    // it where it is.
    std::fs::rename(
        out.join("2026-07-08-duplicate-invoice-e-mails.md"),
        out.join("2026-07-08-invoice-emails.md"),
    )
    .expect("rename");
    std::fs::write(
        out.join("2026-07-08-invoice-emails.md"),
        text.replace("major", "minor"),
    )
    .expect("edit");
    let r = run(import(&out).args(["--default-severity", "critical", "--force"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.matches("wrote ").count(), 4, "{}", r.stdout);
    assert_eq!(files(&out).len(), 4);
    let text = std::fs::read_to_string(out.join("2026-07-08-invoice-emails.md")).expect("kept");
    assert!(text.contains("\nseverity: critical\n"), "{text}");

    // Incidents must name services of the fleet: notifier joins it.
    std::fs::write(
        fleet.path().join("services/notifier.yaml"),
        "name: notifier\nteam: core\ntier: critical\n",
    )
    .expect("write");
    // Incidents must name services of the fleet: notifier joins it.
    std::fs::write(
        fleet.path().join("services/notifier.yaml"),
        "name: notifier\nteam: core\ntier: critical\n",
    )
    .expect("write");
    let v = run(relman().arg("validate").arg(fleet.path()));
    assert_eq!(v.code, 0, "{}", v.stderr);
    assert!(v.stdout.contains(", 4 records,"), "{}", v.stdout);

    // The audit counts them.
    let a = run(relman()
        .args(["audit", "--format", "json", "--fail-on", "never"])
        .arg(fleet.path()));
    assert_eq!(a.code, 0, "{}", a.stderr);
    let report: serde_json::Value = serde_json::from_str(&a.stdout).expect("JSON");
    assert_eq!(report["summary"]["incidents"]["critical"], 2);
    assert_eq!(report["summary"]["incidents"]["open"], 1);
    let ldap = report["services"]
        .as_array()
        .expect("services")
        .iter()
        .find(|s| s["name"] == "ldap")
        .expect("ldap");
    assert_eq!(
        ldap["incidents"]["ids"],
        serde_json::json!(["w3nfh8zkq1c5xbt7m2pejr9ya6"])
    );
}

#[test]
fn a_dry_run_prints_the_records_and_writes_nothing() {
    let fleet = fleet();
    let out = fleet.path().join("records/incidents");
    let r = run(import(&out).args(["--dry-run", "--default-severity", "minor"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!out.exists());
    assert_eq!(r.stdout.matches("==> ").count(), 4, "{}", r.stdout);
    assert!(r.stdout.contains(
        "2026-10-20-checkout-api-5xx-after-payments-api-v4-12-rollout.md (new: major, payments-api) <==\n---\n"
    ), "{}", r.stdout);
    assert!(r.stdout.contains("\nid: \"q8ykx3bfs7rwdmxj1e5gk9tn4a\"\n"));
    assert!(
        r.stderr.contains("4 records would be written"),
        "{}",
        r.stderr
    );
}

#[test]
fn runs_come_from_stdin_and_services_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("incidents");
    let run_json = r#"{"id": "s1x", "name": "Queue backlog", "create_at": 1790000000000,
        "end_at": 1790000900000, "current_status": "Finished",
        "property_fields": [{"id": "f", "name": "Severity", "type": "text"}],
        "property_values": [{"field_id": "f", "value": "Sev 2"}]}"#;
    let r = run(relman()
        .args([
            "import",
            "playbooks",
            "-",
            "--server-url",
            "http://mm.local:8065/",
            "--out",
        ])
        .arg(&out)
        .args(["--service", "queue", "--service", "worker"])
        .write_stdin(run_json));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(out.join("2026-09-21-queue-backlog.md")).expect("written");
    assert!(
        text.contains("\nservices: [\"queue\", \"worker\"]\n"),
        "{text}"
    );
    assert!(text.contains("\nplaybook_run: \"http://mm.local:8065/playbooks/runs/s1x\"\n"));
    assert!(text.contains("\nseverity: major\n"));
}

#[test]
fn bad_input_is_refused_with_file_line_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("incidents");
    let cases = [
        (
            "not-json.json",
            "{\"items\": [\n  {\"id\": \"a\",\n",
            "not-json.json:3:1: EOF while parsing a value",
        ),
        (
            "no-id.json",
            "{\"items\": [\n  {\"name\": \"x\", \"create_at\": 1790000000000}\n]}",
            "no-id.json:2:43: items[0]: missing field `id`",
        ),
        (
            "wrong-type.json",
            "[\n  {\"id\": \"a\", \"create_at\": 1790000000000,\n   \"timeline_events\": {}}\n]",
            "wrong-type.json:3:22: [0]: invalid type: map, expected a sequence",
        ),
        (
            "no-runs.json",
            "{\"total_count\": 0}",
            "no-runs.json: expected Playbooks runs",
        ),
    ];
    for (name, text, expected) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, text).expect("write");
        let r = run(relman()
            .args(["import", "playbooks"])
            .arg(&file)
            .args(["--server-url", "https://mattermost.example.com", "--out"])
            .arg(&out));
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(r.stderr.starts_with("error: "), "{name}: {}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("{}", dir.path().join(expected).display())),
            "{name}: {}",
            r.stderr
        );
        assert!(!out.exists(), "{name}: nothing is written");
    }

    let r = run(relman()
        .args(["import", "playbooks"])
        .arg(fixture())
        .args(["--server-url", "mattermost.example.com", "--out"])
        .arg(&out));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--server-url mattermost.example.com: not a server URL"),
        "{}",
        r.stderr
    );

    // The server URL is required.
    let r = run(relman().args(["import", "playbooks"]).arg(fixture()));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--server-url <URL>"), "{}", r.stderr);

    let r = run(relman().args([
        "import",
        "playbooks",
        "absent.json",
        "--server-url",
        "https://m.example",
    ]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("absent.json: cannot read"),
        "{}",
        r.stderr
    );
}
