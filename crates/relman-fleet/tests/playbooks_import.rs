//! `import::playbooks` on a real-shaped export of Mattermost Playbooks runs
//! (`fixtures/playbooks-runs.json`, as `GET /plugins/playbooks/api/v0/runs`
//! returns it): what each run becomes, and that the records load as a
//! fleet's records.

// Tests read the fixture and the files they wrote.
#![allow(clippy::disallowed_methods)]

use std::path::Path;

use relman_core::fleet::IncidentSeverity;
use relman_fleet::import::playbooks::{Options, convert};

fn fixture() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/playbooks-runs.json"),
    )
    .expect("the fixture is readable")
}

fn opts() -> Options {
    Options::new("https://mattermost.example.com")
}

#[test]
fn each_run_becomes_an_incident_or_is_refused_with_its_reason() {
    let c = convert(&fixture(), &opts()).expect("the fixture converts");
    let got: Vec<(&str, IncidentSeverity, Vec<&str>, bool)> = c
        .incidents
        .iter()
        .map(|i| {
            (
                i.file_name.as_str(),
                i.severity,
                i.services.iter().map(String::as_str).collect(),
                i.resolved.is_some(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "2026-10-20-checkout-api-5xx-after-payments-api-v4-12-rollout.md",
                IncidentSeverity::Major,
                vec!["payments-api"],
                true
            ),
            (
                "2026-11-21-ldap-binds-timing-out-in-eu-west-1.md",
                IncidentSeverity::Critical,
                vec!["ldap", "playbooks"],
                false
            ),
            (
                "2026-11-17-help-centre-search-stale-results-after-cluster-resize.md",
                IncidentSeverity::Minor,
                vec!["search-indexer"],
                true
            ),
        ]
    );
    assert_eq!(
        c.incidents[1].notes,
        ["still in progress: written without `resolved`"]
    );
    assert_eq!(c.refused.len(), 1);
    assert_eq!(
        c.refused[0].to_string(),
        "items[2] (run j6tqp1ym8rk3wz5hx9bfn2ce7d \"Duplicate invoice e-mails\"): no severity: \
         the run property \"Severity\" is not set; set it in the run, or pass \
         --default-severity minor|major|critical"
    );
}

#[test]
fn the_records_read_like_the_runs() {
    let mut o = opts();
    o.default_severity = Some(IncidentSeverity::Major);
    let c = convert(&fixture(), &o).expect("the fixture converts");
    assert!(c.refused.is_empty(), "{:?}", c.refused);
    // Finished, with a published retrospective, a status page and a
    // timeline with a pipe in a summary.
    insta::assert_snapshot!("finished_with_retrospective", c.incidents[0].text);
    // In progress: no `resolved`, a deleted timeline event left out, the
    // unfilled retrospective template left out.
    insta::assert_snapshot!("in_progress", c.incidents[1].text);
    // No severity (defaulted here), a canceled retrospective, its only
    // status update deleted.
    let canceled = &c.incidents[2].text;
    assert!(canceled.contains("\nseverity: major\n"), "{canceled}");
    assert!(canceled.contains("Canceled in the run: no retrospective was written."));
    assert!(canceled.contains("- Status updates: none\n"));
    assert!(canceled.contains("No summary was written in the run."));
    // A draft retrospective is marked as one.
    let draft = &c.incidents[3].text;
    assert!(
        draft.contains(
            "## Retrospective (draft, not published)\n\n### Summary\nThe indexer treated 429 as success.\n"
        ),
        "{draft}"
    );
}

#[test]
fn the_records_load_as_fleet_records() {
    let mut o = opts();
    o.default_severity = Some(IncidentSeverity::Minor);
    let c = convert(&fixture(), &o).expect("the fixture converts");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("relman.yaml"), "name: t\n").expect("write");
    // Incidents name services of the fleet.
    std::fs::create_dir_all(dir.path().join("services")).expect("mkdir");
    for s in [
        "notifier",
        "payments-api",
        "search-indexer",
        "ldap",
        "playbooks",
    ] {
        std::fs::write(
            dir.path().join(format!("services/{s}.yaml")),
            format!("name: {s}\nteam: core\ntier: critical\n"),
        )
        .expect("write");
    }
    let incidents = dir.path().join("records/incidents");
    std::fs::create_dir_all(&incidents).expect("mkdir");
    for i in &c.incidents {
        std::fs::write(incidents.join(&i.file_name), &i.text).expect("write");
    }
    let loaded = relman_fleet::load(dir.path()).expect("the fleet loads");
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let mut records = loaded.fleet.records.incidents;
    records.sort_by_key(|r| r.started);
    assert_eq!(records.len(), 4);
    let first = &records[1];
    assert_eq!(first.id, "q8ykx3bfs7rwdmxj1e5gk9tn4a");
    assert_eq!(first.severity, IncidentSeverity::Major);
    assert_eq!(first.services, ["payments-api"]);
    assert_eq!(
        first.started.map(|t| t.to_rfc3339()),
        Some("2026-10-20T14:02:11+00:00".to_string())
    );
    assert_eq!(
        first.resolved.map(|t| t.to_rfc3339()),
        Some("2026-10-20T15:49:40+00:00".to_string())
    );
    assert_eq!(
        first.playbook_run.as_deref(),
        Some("https://mattermost.example.com/playbooks/runs/q8ykx3bfs7rwdmxj1e5gk9tn4a")
    );
    assert_eq!(
        first.statuspage.as_deref(),
        Some("https://status.acme-cloud.example/incidents/z4k2d8w1qv6m")
    );
    assert!(records[3].resolved.is_none());
    for i in &c.incidents {
        assert_eq!(
            relman_fleet::import::record_id(&i.text).as_deref(),
            Some(i.run_id.as_str())
        );
    }
}
