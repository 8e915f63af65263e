//! The process settings of relman.yaml (`gamedays:`, `dr:`) and the
//! deployments in both forms, CSV and JSON lines, loaded from a temporary
//! fleet directory.

use std::path::Path;

use relman_core::fleet::{DrConfig, GamedayConfig};
use relman_fleet::{Loaded, load};

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
}

fn load_files(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), files);
    let loaded = load(dir.path()).expect("loads");
    (dir, loaded)
}

fn messages(l: &Loaded) -> String {
    l.diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

const FLEET: &str = "apiVersion: relman/v1\nkind: Fleet\nname: acme\nnow: 2026-11-24\n";

#[test]
fn process_settings_default_when_absent() {
    let (_d, l) = load_files(&[("relman.yaml", FLEET)]);
    assert_eq!(messages(&l), "");
    assert_eq!(
        l.fleet.config.gamedays,
        GamedayConfig {
            months: 2,
            coverage_days: 92
        }
    );
    assert_eq!(
        l.fleet.config.dr,
        DrConfig {
            warn_days: 183,
            fail_days: 365
        }
    );
}

#[test]
fn process_settings_are_read_with_positions() {
    let fleet = format!(
        "{FLEET}gamedays:\n  months: 3\n  coverage_days: 60\ndr:\n  warn_days: 90\n  fail_days: 180\n"
    );
    let (_d, l) = load_files(&[("relman.yaml", &fleet)]);
    assert_eq!(messages(&l), "");
    let c = &l.fleet.config;
    assert_eq!((c.gamedays.months, c.gamedays.coverage_days), (3, 60));
    assert_eq!((c.dr.warn_days, c.dr.fail_days), (90, 180));
    assert_eq!(
        c.origin.fields.get("gamedays.months").map(|p| p.line),
        Some(6)
    );
    assert_eq!(
        c.origin.fields.get("dr.fail_days").map(|p| p.line),
        Some(10)
    );
}

#[test]
fn bad_process_settings_are_reported_and_defaulted() {
    let fleet = format!(
        "{FLEET}gamedays:\n  months: 0\n  coverage_dayz: 30\ndr:\n  warn_days: 400\n  fail_days: 365\n"
    );
    let (_d, l) = load_files(&[("relman.yaml", &fleet)]);
    assert_eq!(
        messages(&l),
        [
            "relman.yaml:6:11: gamedays.months: \"0\" is out of range, expected 1 to 4294967295",
            "relman.yaml:7:3: gamedays.coverage_dayz: unknown field, did you mean \"coverage_days\"?",
            "relman.yaml:9:14: dr.warn_days: warn_days (400) is after fail_days (365): a playbook should warn before it fails",
        ]
        .join("\n")
    );
    assert_eq!(l.fleet.config.gamedays, GamedayConfig::default());
    assert_eq!(l.fleet.config.dr, DrConfig::default());
}

#[test]
fn deployments_merge_csv_and_json_lines() {
    let csv = "service,environment,deployer,at\norders,dev,alice,2026-10-01T10:00:00Z\norders,staging,bob,2026-12-01T10:00:00Z\n";
    let jsonl = "{\"service\":\"orders\",\"environment\":\"production\",\"deployer\":\"carol\",\"at\":\"2026-10-03T08:00:00Z\",\"pipeline\":\"https://ci.acme.io/p/9\"}\n{\"service\":\"orders\"}\n";
    let (_d, l) = load_files(&[
        ("relman.yaml", FLEET),
        ("records/deployments.csv", csv),
        ("records/deployments.jsonl", jsonl),
    ]);
    assert_eq!(
        messages(&l),
        [
            "records/deployments.csv:3:4: at: 2026-12-01T10:00:00Z is in the future: 7 days after the fleet's date 2026-11-24 (relman.yaml: now)",
            "records/deployments.jsonl:2:1: at: missing required field",
            "records/deployments.jsonl:2:1: deployer: missing required field",
            "records/deployments.jsonl:2:1: environment: missing required field",
        ]
        .join("\n")
    );
    let d = &l.fleet.records.deployments;
    let seen: Vec<String> = d
        .iter()
        .map(|d| format!("{} {} {}", d.environment, d.deployer, d.location()))
        .collect();
    assert_eq!(
        seen,
        [
            "dev alice records/deployments.csv:2",
            "production carol records/deployments.jsonl:1",
        ]
    );
    // The skipped lines are kept for the checks that read deployments.
    let problems: Vec<String> = l
        .fleet
        .records
        .problems_in("records/deployments.")
        .map(|p| p.location())
        .collect();
    assert_eq!(
        problems,
        [
            "records/deployments.csv:3",
            "records/deployments.jsonl:2",
            "records/deployments.jsonl:2",
            "records/deployments.jsonl:2",
        ]
    );
}

#[test]
fn skipped_records_are_kept_as_problems() {
    let gameday = "---\nkind: Gameday\ndate: 2026-10-40\nhypothesis: x\n---\n";
    let (_d, l) = load_files(&[
        ("relman.yaml", FLEET),
        ("records/gamedays/2026-10.md", gameday),
        ("records/dr/dns.md", "no front matter\n"),
    ]);
    let r = &l.fleet.records;
    assert!(r.gamedays.is_empty());
    assert!(r.dr_playbooks.is_empty());
    let gamedays: Vec<&str> = r
        .problems_in("records/gamedays/")
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(
        gamedays,
        ["records/gamedays/2026-10.md:3:7: date: invalid date \"2026-10-40\", expected YYYY-MM-DD"]
    );
    assert_eq!(r.problems_in("records/dr/").count(), 1);
}
