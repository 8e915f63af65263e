//! The loader on small fleets written to a temporary directory: what it
//! accepts, and the exact messages for what it does not.

use std::path::Path;

use relman_core::fleet::Runbook;
use relman_fleet::{LoadError, Loaded, load};

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
}

const FLEET: &str = "apiVersion: relman/v1\nkind: Fleet\nname: acme\nnow: 2026-11-24\nmanifesto:\n  last_reviewed: 2026-09-01\nteams:\n  - name: core\n    okrs:\n      - { quarter: 2026-Q4, category: observability, min_score: 0.9 }\n";

const GOOD: &str = "apiVersion: relman/v1
kind: Service
name: orders
team: core
tier: critical
repo: ../repos/orders
slo:
  external: { objective: 99.9, window: 30d }
  internal: { objective: 99.95, window: 30d }
docs:
  architecture: docs/architecture.md
open_source: true
";

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

#[test]
fn a_good_fleet_loads_without_problems() {
    let (_d, l) = load_files(&[("relman.yaml", FLEET), ("services/orders.yaml", GOOD)]);
    assert_eq!(messages(&l), "");
    let s = &l.fleet.services[0];
    assert_eq!(s.name, "orders");
    assert_eq!(
        s.repo.as_ref().map(|r| r.display.as_str()),
        Some("repos/orders")
    );
    assert_eq!(
        s.slo
            .as_ref()
            .and_then(|s| s.internal.as_ref())
            .map(|t| t.window_secs),
        Some(30 * 86400)
    );
    assert_eq!(
        s.origin
            .fields
            .get("slo.internal.objective")
            .map(|p| (p.line, p.col)),
        Some((9, 26))
    );
}

#[test]
fn every_problem_of_a_descriptor_is_reported_at_once() {
    let bad = "apiVersion: relman/v1
kind: Service
name: orders
team: core
tier: platinum
lifecycle: live
public: maybe
teir: critical
slo:
  external: { objective: 99.9, window: 30 days }
  internal: { objective: 101, window: 30d }
log_retention_days: thirty
metrics: { url: 'ftp://x', file: ../x.prom }
";
    let (_d, l) = load_files(&[("relman.yaml", FLEET), ("services/orders.yaml", bad)]);
    insta::assert_snapshot!(messages(&l), @r#"
    services/orders.yaml:5:7: tier: unknown value "platinum", expected critical or non-critical
    services/orders.yaml:6:12: lifecycle: unknown value "live", expected one of poc, production, deprecated
    services/orders.yaml:7:9: public: expected true or false, found "maybe"
    services/orders.yaml:8:1: teir: unknown field, did you mean "tier"?
    services/orders.yaml:10:40: slo.external.window: invalid duration "30 days", expected a Prometheus duration such as 30d or 4w
    services/orders.yaml:11:26: slo.internal.objective: "101" is out of range, expected 0 to 100
    services/orders.yaml:12:21: log_retention_days: expected a whole number, found "thirty"
    services/orders.yaml:13:17: metrics.url: invalid URL "ftp://x", expected http:// or https://
    "#);
    assert!(l.fleet.services.is_empty());
    assert_eq!(l.fleet.broken_services.len(), 1);
    assert_eq!(l.fleet.broken_services[0].name, "orders");
}

#[test]
fn malformed_yaml_reports_the_parser_position() {
    let (_d, l) = load_files(&[
        ("relman.yaml", FLEET),
        (
            "services/orders.yaml",
            "name: orders\nteam: [core\ntier: critical\n",
        ),
        ("services/good.yaml", &GOOD.replace("orders", "good")),
    ]);
    let m = messages(&l);
    assert!(m.starts_with("services/orders.yaml:3:"), "{m}");
    assert!(m.contains("invalid YAML"), "{m}");
    // The broken descriptor does not stop the others.
    assert_eq!(l.fleet.services.len(), 1);
    assert_eq!(l.fleet.services[0].name, "good");
}

#[test]
fn duplicate_keys_and_wrong_names_are_reported() {
    let text = GOOD.replace("team: core\n", "team: core\nteam: edge\n");
    let (_d, l) = load_files(&[("relman.yaml", FLEET), ("services/other.yaml", &text)]);
    insta::assert_snapshot!(messages(&l), @r#"services/other.yaml:5:1: invalid YAML: duplicate key "team" (first at line 4)"#);
    let (_d, l) = load_files(&[("relman.yaml", FLEET), ("services/other.yaml", GOOD)]);
    insta::assert_snapshot!(messages(&l), @r#"services/other.yaml:3:7: name: name "orders" differs from the file name "other""#);
}

#[test]
fn binary_and_non_utf8_files_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), &[("relman.yaml", FLEET)]);
    std::fs::create_dir_all(dir.path().join("services")).expect("mkdir");
    std::fs::write(dir.path().join("services/bin.yaml"), b"name: a\0\x01\x02").expect("write");
    std::fs::write(dir.path().join("services/latin.yaml"), b"name: caf\xe9\n").expect("write");
    let l = load(dir.path()).expect("loads");
    insta::assert_snapshot!(messages(&l), @r"
    services/bin.yaml: binary file (it contains NUL bytes), expected text
    services/latin.yaml: not valid UTF-8 (at byte 9), expected text
    ");
}

#[test]
fn the_fleet_file_reports_all_its_problems() {
    let fleet = "apiVersion: relman/v2
name: acme
now: tomorrow
manifesto: { last_reviewed: 2026-13-01 }
teams:
  - name: core
    okrs:
      - { quarter: Q4, category: reliability, min_score: 2 }
      - { quarter: 2026-Q4, rule: Z-9, min_pass_ratio: 1 }
      - { quarter: 2026-Q4 }
key_components:
  - { name: dns }
prometheus: { url: localhost:9090 }
";
    let (_d, l) = load_files(&[("relman.yaml", fleet)]);
    insta::assert_snapshot!(messages(&l), @r#"
    relman.yaml:1:13: apiVersion: unknown value "relman/v2", expected relman/v1
    relman.yaml:3:6: now: invalid date "tomorrow", expected YYYY-MM-DD
    relman.yaml:4:29: manifesto.last_reviewed: invalid date "2026-13-01", expected YYYY-MM-DD
    relman.yaml:8:20: teams[0].okrs[0].quarter: invalid quarter "Q4", expected YYYY-QN such as 2026-Q4
    relman.yaml:8:34: teams[0].okrs[0].category: unknown value "reliability", expected one of foundation, continuous-improvement, design, observability, performance, resilience, security
    relman.yaml:8:58: teams[0].okrs[0].min_score: "2" is out of range, expected 0 to 1
    relman.yaml:9:35: teams[0].okrs[1].rule: unknown rule "Z-9", expected a manifesto rule id such as S-3
    relman.yaml:10:9: teams[0].okrs[2]: missing target: give category with min_score, or rule with min_pass_ratio
    relman.yaml:12:5: key_components[0].kind: missing required field
    relman.yaml:13:20: prometheus.url: invalid URL "localhost:9090", expected http:// or https://
    "#);
}

#[test]
fn a_directory_without_a_fleet_file_is_not_a_fleet() {
    let dir = tempfile::tempdir().expect("tempdir");
    match load(dir.path()) {
        Err(LoadError::NotAFleet { .. }) => {}
        other => panic!("expected NotAFleet, got {other:?}"),
    }
}

#[test]
fn waivers_are_checked_against_rules_and_services() {
    let waivers = "- rule: O-7
  service: orders
  reason: port migration
  discussion: https://example.com/issues/1
  approved_by: sre
  expires: 2027-01-31
- rule: O-77
  service: orders
- rule: O-7
  service: order
- rule: F-3
  service: orders
- rule: R-3
  expires: someday
";
    let (_d, l) = load_files(&[
        ("relman.yaml", FLEET),
        ("services/orders.yaml", GOOD),
        ("waivers.yaml", waivers),
    ]);
    insta::assert_snapshot!(messages(&l), @r#"
    waivers.yaml:7:9: [1].rule: unknown rule "O-77", did you mean O-7?
    waivers.yaml:10:12: [2].service: unknown service "order", did you mean "orders"?
    waivers.yaml:11:3: [3].service: F-3 is judged for the fleet, not per service: omit service
    waivers.yaml:14:12: [4].expires: invalid date "someday", expected YYYY-MM-DD
    "#);
    assert_eq!(l.fleet.waivers.len(), 2);
    assert_eq!(
        l.fleet.waivers[0]
            .origin
            .fields
            .get("expires")
            .map(|p| p.line),
        Some(6)
    );
}

#[test]
fn records_and_tables_load_with_positions() {
    let incident = "---
kind: Incident
id: INC-1
severity: major
services: [orders]
started: 2026-10-03T10:12:00Z
resolved: 2026-10-03T09:00:00Z
statuspage: status.acme.io/1
---
# Orders down
";
    let deployments = "service,environment,deployer,at\norders,prod,alice,2026-10-01T10:00:00Z\norders,staging,bob,not-a-date\n";
    let cost = "month,environment,pricing,cost_usd,customers\n2026-10,production,spot,100.5,10\n2026-13,production,spot,1,1\n2026-10,dev,free,1,1\n";
    let (_d, l) = load_files(&[
        ("relman.yaml", FLEET),
        ("services/orders.yaml", GOOD),
        ("records/incidents/inc-1.md", incident),
        ("records/postmortems/pm.md", "# no front matter\n"),
        ("records/deployments.csv", deployments),
        ("cost/2026.csv", cost),
    ]);
    insta::assert_snapshot!(messages(&l), @r#"
    cost/2026.csv:3:1: month: invalid month "2026-13", expected YYYY-MM
    cost/2026.csv:4:3: pricing: unknown value "free", expected one of spot, on_demand, reserved, savings_plan
    records/deployments.csv:3:4: at: invalid timestamp "not-a-date", expected ISO 8601 such as 2026-10-03T10:12:00Z
    records/incidents/inc-1.md:7:11: resolved: resolved 2026-10-03T09:00:00Z is before started 2026-10-03T10:12:00Z
    records/incidents/inc-1.md:8:13: statuspage: invalid URL "status.acme.io/1", expected an http(s) link
    records/postmortems/pm.md:1:1: no YAML front matter: a record starts with a line `---`, its fields, and a closing `---`
    "#);
    assert_eq!(l.fleet.records.deployments.len(), 1);
    assert_eq!(l.fleet.cost.rows.len(), 1);
    assert_eq!(l.fleet.cost.rows[0].line, 2);
    assert_eq!(l.fleet.cost.problems.len(), 2);
}

#[test]
fn a_fleet_manifesto_file_retunes_retires_and_adds_rules() {
    let fleet = format!("{FLEET}  file: manifesto.yaml\n").replace(
        "manifesto:\n  last_reviewed: 2026-09-01\n",
        "manifesto:\n  last_reviewed: 2026-09-01\n  file: manifesto.yaml\n",
    );
    let fleet = fleet
        .trim_end_matches("  file: manifesto.yaml\n")
        .to_string()
        + "\n";
    let manifesto = "apiVersion: relman/v1
kind: Manifesto
tuning:
  manifesto_review_max_days: 90
  slo_max_budget_ratio: 0.25
rules:
  - id: D-6
    retire: stateful singletons by design
  - id: O-7
    title: Metrics on the mesh port
  - id: X-1
    category: security
    scope: service
    title: Images are signed
  - id: F-1
    scope: service
";
    let (_d, l) = load_files(&[("relman.yaml", &fleet), ("manifesto.yaml", manifesto)]);
    insta::assert_snapshot!(messages(&l), @"manifesto.yaml:16:12: rules[3].scope: F-1 is a built-in rule: its scope is fixed (the report's contract depends on it)");
    let m = &l.fleet.manifesto;
    assert_eq!(m.rules.len(), 38);
    assert_eq!(
        m.get("D-6").and_then(|r| r.retired.as_deref()),
        Some("stateful singletons by design")
    );
    assert_eq!(
        m.get("O-7").map(|r| r.title.as_str()),
        Some("Metrics on the mesh port")
    );
    assert_eq!(l.fleet.tuning.manifesto_review_max_days, 90);
    assert!((l.fleet.tuning.slo_max_budget_ratio - 0.25).abs() < 1e-12);
}

#[test]
fn oversized_files_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), &[("relman.yaml", FLEET)]);
    let big = format!("name: big\n# {}\n", "x".repeat(9 * 1024 * 1024));
    write(dir.path(), &[("services/big.yaml", &big)]);
    let l = load(dir.path()).expect("loads");
    insta::assert_snapshot!(messages(&l), @"services/big.yaml: file is larger than 8 MiB; fleet files are small text files");
}

#[test]
fn deeply_nested_yaml_is_an_error_not_a_crash() {
    let deep = format!(
        "name: deep\nx: {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (_d, l) = load_files(&[("relman.yaml", FLEET), ("services/deep.yaml", &deep)]);
    let m = messages(&l);
    assert!(m.starts_with("services/deep.yaml:2:"), "{m}");
    assert!(m.contains("recursion limit"), "{m}");
}

const INCIDENT_OK: &str = "---
kind: Incident
id: INC-1
severity: major
services: [orders]
started: 2026-10-03T10:12:00Z
resolved: 2026-10-03T11:00:00Z
statuspage: https://status.acme.example/1
playbook_run: https://chat.acme.example/playbooks/runs/1
postmortem: ../postmortems/inc-1.md
---
# Orders down
";

const POSTMORTEM_OK: &str = "---
kind: Postmortem
incident: INC-1
date: 2026-10-06
action_items:
  - { title: Add a canary stage, owner: alice, due: 2026-11-01, done: false }
runbooks:
  - ../../docs/runbooks/orders.md
  - ../../docs/runbooks/missing.md
  - https://wiki.acme.example/runbooks/orders
---
# Postmortem
The canary stage was missing.
";

#[test]
fn incidents_and_postmortems_link_and_runbooks_are_looked_up() {
    let (_d, l) = load_files(&[
        ("relman.yaml", FLEET),
        ("services/orders.yaml", GOOD),
        ("records/incidents/inc-1.md", INCIDENT_OK),
        ("records/postmortems/inc-1.md", POSTMORTEM_OK),
        ("docs/runbooks/orders.md", "# Orders runbook\n"),
    ]);
    assert_eq!(messages(&l), "");
    let r = &l.fleet.records;
    assert_eq!(r.incidents.len(), 1);
    assert!(r.rejected.is_empty());
    let pm = &r.postmortems[0];
    assert_eq!(pm.body_line, 12);
    let states: Vec<String> = pm
        .runbooks
        .iter()
        .map(|rb| match rb {
            Runbook::Url(u) => format!("url {u}"),
            Runbook::Path { path, exists } => format!("{} {exists}", path.display),
        })
        .collect();
    assert_eq!(
        states,
        [
            "docs/runbooks/orders.md true",
            "docs/runbooks/missing.md false",
            "url https://wiki.acme.example/runbooks/orders",
        ]
    );
    assert_eq!(
        pm.origin.fields.get("runbooks[1]").map(|p| (p.line, p.col)),
        Some((9, 5))
    );
    assert_eq!(
        pm.origin
            .fields
            .get("action_items[0]")
            .map(|p| (p.line, p.col)),
        Some((6, 5))
    );
}

#[test]
fn bad_incidents_and_postmortems_are_set_aside_with_every_problem() {
    let not_yaml = "---\nkind: Incident\nid: INC-2\nservices: [orders\n---\n# broken\n";
    let bad_severity = INCIDENT_OK
        .replace("INC-1", "INC-3")
        .replace("severity: major", "severity: sev1")
        .replace("postmortem: ../postmortems/inc-1.md\n", "");
    let future = INCIDENT_OK
        .replace("INC-1", "INC-4")
        .replace(
            "resolved: 2026-10-03T11:00:00Z",
            "resolved: 2026-12-03T11:00:00Z",
        )
        .replace("[orders]", "[ordrs]")
        .replace("inc-1.md", "inc-4.md");
    let unknown = POSTMORTEM_OK
        .replace("incident: INC-1", "incident: INC-7")
        .replace("date: 2026-10-06", "date: 2026-12-01");
    let early = POSTMORTEM_OK.replace("date: 2026-10-06", "date: 2026-10-01");
    let duplicate = INCIDENT_OK.replace("postmortem: ../postmortems/inc-1.md\n", "");
    let (_d, l) = load_files(&[
        ("relman.yaml", FLEET),
        ("services/orders.yaml", GOOD),
        ("records/incidents/inc-1.md", INCIDENT_OK),
        ("records/incidents/inc-1b.md", &duplicate),
        ("records/incidents/inc-2.md", not_yaml),
        ("records/incidents/inc-3.md", &bad_severity),
        ("records/incidents/inc-4.md", &future),
        ("records/postmortems/inc-1.md", &early),
        ("records/postmortems/inc-7.md", &unknown),
    ]);
    insta::assert_snapshot!(messages(&l), @r#"
    records/incidents/inc-1b.md:3:5: id: incident id "INC-1" is also used by records/incidents/inc-1.md
    records/incidents/inc-2.md:5:1: invalid YAML: while parsing a flow sequence, expected ',' or ']'
    records/incidents/inc-3.md:4:11: severity: unknown value "sev1", expected one of minor, major, critical
    records/incidents/inc-4.md:5:12: services[0]: unknown service "ordrs", did you mean "orders"?
    records/incidents/inc-4.md:7:11: resolved: resolved 2026-12-03T11:00:00Z is after today (2026-11-24, relman.yaml: now): a record cannot be dated in the future
    records/incidents/inc-4.md:10:13: postmortem: records/postmortems/inc-4.md does not exist
    records/postmortems/inc-1.md:4:7: date: date 2026-10-01 is before INC-1 started (2026-10-03T10:12:00Z)
    records/postmortems/inc-7.md:3:11: incident: unknown incident "INC-7", did you mean "INC-3"?
    records/postmortems/inc-7.md:4:7: date: date 2026-12-01 is after today (2026-11-24, relman.yaml: now): a record cannot be dated in the future
    "#);
    let r = &l.fleet.records;
    // The first INC-1 is kept; everything else is set aside, with what
    // could be read of it.
    assert_eq!(
        r.incidents
            .iter()
            .map(|i| i.id.as_str())
            .collect::<Vec<_>>(),
        ["INC-1"]
    );
    assert!(r.postmortems.is_empty());
    let rejected: Vec<String> = r
        .rejected
        .iter()
        .map(|x| {
            format!(
                "{} {} {:?} {:?} {:?} {}",
                x.file,
                x.kind,
                x.id,
                x.services,
                x.severity.map(|s| s.as_str()),
                x.problems.len()
            )
        })
        .collect();
    insta::assert_snapshot!(rejected.join("\n"), @r#"
    records/incidents/inc-1b.md Incident Some("INC-1") ["orders"] Some("major") 1
    records/incidents/inc-2.md Incident None [] None 1
    records/incidents/inc-3.md Incident Some("INC-3") ["orders"] None 1
    records/incidents/inc-4.md Incident Some("INC-4") ["ordrs"] Some("major") 3
    records/postmortems/inc-1.md Postmortem Some("INC-1") [] None 1
    records/postmortems/inc-7.md Postmortem Some("INC-7") [] None 2
    "#);
}

#[test]
fn future_dates_are_left_to_the_checks_when_the_fleet_sets_no_today() {
    let fleet = FLEET.replace("now: 2026-11-24\n", "");
    let future = INCIDENT_OK
        .replace("2026-10-03", "2099-10-03")
        .replace("postmortem: ../postmortems/inc-1.md\n", "");
    let (_d, l) = load_files(&[
        ("relman.yaml", &fleet),
        ("services/orders.yaml", GOOD),
        ("records/incidents/inc-1.md", &future),
    ]);
    assert_eq!(messages(&l), "");
    assert_eq!(l.fleet.records.incidents.len(), 1);
}

#[test]
fn an_incident_may_only_link_a_postmortem_record_of_its_own() {
    let other = INCIDENT_OK.replace("INC-1", "INC-2");
    let not_a_record = INCIDENT_OK
        .replace("INC-1", "INC-3")
        .replace("../postmortems/inc-1.md", "../../docs/pm.md");
    let (_d, l) = load_files(&[
        ("relman.yaml", FLEET),
        ("services/orders.yaml", GOOD),
        ("records/incidents/inc-1.md", INCIDENT_OK),
        ("records/incidents/inc-2.md", &other),
        ("records/incidents/inc-3.md", &not_a_record),
        ("records/postmortems/inc-1.md", POSTMORTEM_OK),
        ("docs/pm.md", "# notes\n"),
    ]);
    insta::assert_snapshot!(messages(&l), @r"
    records/incidents/inc-2.md:10:13: postmortem: records/postmortems/inc-1.md is the postmortem of INC-1, not of INC-2
    records/incidents/inc-3.md:10:13: postmortem: docs/pm.md is not a postmortem record: keep postmortems in records/postmortems/ with `kind: Postmortem` front matter
    ");
    assert_eq!(l.fleet.records.incidents.len(), 1);
    assert_eq!(l.fleet.records.postmortems.len(), 1);
}

#[test]
fn the_postmortems_section_sets_the_due_days_and_adds_phrases() {
    let fleet = format!(
        "{FLEET}postmortems:\n  due_days: 5\n  blaming_phrases:\n    - dropped the ball\n    - {{ phrase: \"{{person}} broke prod\", suggestion: a change reached production untested }}\n    - {{ phrase: \"{{person}}\" }}\n"
    );
    let (_d, l) = load_files(&[("relman.yaml", &fleet)]);
    insta::assert_snapshot!(messages(&l), @r#"relman.yaml:16:17: postmortems.blaming_phrases[2]: "{person}" has no word to look for, expected words such as "dropped the ball""#);
    let p = &l.fleet.config.postmortems;
    assert_eq!(p.due_days, 5);
    let phrases: Vec<String> = p
        .blaming_phrases
        .iter()
        .map(|b| format!("{} => {:?}", b.phrase, b.suggestion))
        .collect();
    assert_eq!(
        phrases,
        [
            "dropped the ball => None",
            "{person} broke prod => Some(\"a change reached production untested\")"
        ]
    );

    let (_d, l) = load_files(&[("relman.yaml", FLEET)]);
    assert_eq!(l.fleet.config.postmortems.due_days, 7);
    let bad = format!("{FLEET}postmortems:\n  due_days: 400\n  blaming_phrases: 3\n");
    let (_d, l) = load_files(&[("relman.yaml", &bad)]);
    insta::assert_snapshot!(messages(&l), @r#"relman.yaml:12:13: postmortems.due_days: "400" is out of range, expected 0 to 365 days"#);
    assert_eq!(l.fleet.config.postmortems.due_days, 7);
}
