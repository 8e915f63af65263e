//! The engine end to end on small fleets: every rule reported, waivers,
//! scores, OKR progress, and broken services beside good ones.

use std::path::Path;

use relman_core::Status;
use relman_core::report::{Report, RuleResult};
use relman_engine::{AuditOptions, Filter, audit};

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
}

const FLEET: &str = "name: acme
now: 2026-11-24
manifesto: { last_reviewed: 2026-09-01 }
teams:
  - name: core
    okrs:
      - { quarter: 2026-Q4, category: resilience, min_score: 0.9 }
      - { quarter: 2026-Q4, rule: R-2, min_pass_ratio: 1.0 }
      - { quarter: 2026-Q4, rule: F-3, min_pass_ratio: 1.0 }
      - { quarter: 2026-Q3, rule: D-3, min_pass_ratio: 1.0 }
";

fn service(name: &str, internal: f64) -> String {
    format!(
        "name: {name}
team: core
tier: critical
repo: ../repos/{name}
log_retention_days: 30
slo:
  external: {{ objective: 99.9, window: 30d }}
  internal: {{ objective: {internal}, window: 30d }}
docs: {{ architecture: docs/architecture.md }}
open_source: true
"
    )
}

fn run(files: &[(&str, &str)], filter: Filter) -> Report {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), files);
    let loaded = relman_fleet::load(dir.path()).expect("fleet loads");
    let opts = AuditOptions {
        now: relman_core::time::parse_date("2026-11-24").expect("date"),
        filter,
        limits: relman_evidence::Limits::default(),
    };
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(audit(&loaded.fleet, &opts))
}

fn rule<'a>(rules: &'a [RuleResult], id: &str) -> &'a RuleResult {
    rules.iter().find(|r| r.rule == id).expect("rule present")
}

#[test]
fn every_rule_is_reported_and_unimplemented_ones_are_unverified() {
    let good = service("good", 99.95);
    let r = run(
        &[
            ("relman.yaml", FLEET),
            ("services/good.yaml", &good),
            ("repos/good/docs/architecture.md", "# Good\n"),
        ],
        Filter::default(),
    );
    assert_eq!(r.fleet_rules.len(), 10);
    assert_eq!(r.services.len(), 1);
    let s = &r.services[0];
    assert_eq!(s.rules.len(), 27);
    for id in ["D-3", "D-4", "O-5", "R-1", "R-2"] {
        assert_eq!(rule(&s.rules, id).status, Status::Pass, "{id}");
    }
    for r in &s.rules {
        if relman_checks::registry::for_rule(&r.rule).next().is_none() {
            assert_eq!(r.status, Status::Unverified, "{}", r.rule);
            assert_eq!(r.findings[0].message, "no check implemented yet");
        }
    }
    assert!(r.all_rules().all(|x| !x.findings.is_empty()));
    // pass 1, warn 0.5, not_applicable not counted (DESIGN.md).
    let counted = s.rules.iter().filter(|r| r.status != Status::NotApplicable);
    let (points, n) = counted.fold((0.0, 0.0), |(p, n), r| {
        let v = match r.status {
            Status::Pass | Status::Waived => 1.0,
            Status::Warn => 0.5,
            _ => 0.0,
        };
        (p + v, n + 1.0)
    });
    assert!((s.score - points / n).abs() < 1e-9, "{}", s.score);
}

#[test]
fn a_broken_service_is_reported_with_errors_and_the_rest_fully() {
    let good = service("good", 99.95);
    let r = run(
        &[
            ("relman.yaml", FLEET),
            ("services/good.yaml", &good),
            ("services/broken.yaml", "name: broken\ntier: gold\n"),
            ("services/norepo.yaml", &service("norepo", 99.92)),
            ("repos/good/docs/architecture.md", "# Good\n"),
        ],
        Filter::default(),
    );
    let names: Vec<&str> = r.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["broken", "good", "norepo"]);
    let broken = &r.services[0];
    assert_eq!(broken.rules.len(), 27);
    assert!(broken.rules.iter().all(|x| x.status == Status::Error));
    assert!(
        broken.rules[0].findings[0]
            .message
            .contains("services/broken.yaml:1:1: team: missing required field"),
        "{}",
        broken.rules[0].findings[0].message
    );
    assert_eq!(rule(&r.services[1].rules, "D-4").status, Status::Pass);
    // The repo of norepo does not exist: an error naming it, not a pass.
    let d4 = rule(&r.services[2].rules, "D-4");
    assert_eq!(d4.status, Status::Error);
    assert_eq!(
        d4.findings[0].message,
        "cannot read the repo repos/norepo: No such file or directory"
    );
    assert_eq!(rule(&r.services[2].rules, "R-1").status, Status::Warn);
}

#[test]
fn waivers_turn_rules_waived_and_f1_judges_them() {
    let waivers = "- rule: R-1
  service: weak
  reason: capacity work in Q1
  discussion: https://example.com/issues/7
  approved_by: sre
  expires: 2027-01-31
- rule: D-4
  service: weak
  reason: docs later
  approved_by: sre
  expires: 2027-01-31
- rule: R-2
  service: weak
  reason: old
  discussion: https://example.com/issues/1
  approved_by: sre
  expires: 2026-10-31
";
    let r = run(
        &[
            ("relman.yaml", FLEET),
            ("services/weak.yaml", &service("weak", 99.92)),
            ("waivers.yaml", waivers),
        ],
        Filter::default(),
    );
    let s = &r.services[0];
    let r1 = rule(&s.rules, "R-1");
    assert_eq!(r1.status, Status::Waived);
    assert_eq!(r1.findings[0].status, Status::Warn, "findings stay visible");
    assert_eq!(
        r1.waiver.as_ref().map(|w| w.expires.as_str()),
        Some("2027-01-31")
    );
    // The waiver without a discussion does not apply.
    assert_eq!(rule(&s.rules, "D-4").status, Status::Error);
    let f1 = rule(&r.fleet_rules, "F-1");
    assert_eq!(f1.status, Status::Fail);
    let statuses: Vec<Status> = f1.findings.iter().map(|f| f.status).collect();
    assert_eq!(statuses, [Status::Pass, Status::Fail, Status::Warn]);
    assert!(f1.findings[1].message.contains("D-4 on weak"));
    assert!(f1.findings[1].message.contains("no discussion link"));
    assert!(f1.findings[2].message.contains("expired on 2026-10-31"));
}

#[test]
fn okr_progress_is_measured_for_the_current_quarter() {
    let r = run(
        &[
            ("relman.yaml", FLEET),
            ("services/a.yaml", &service("a", 99.95)),
            ("services/b.yaml", &service("b", 99.8)),
        ],
        Filter::default(),
    );
    let team = &r.teams[0];
    assert_eq!(team.name, "core");
    assert_eq!(team.services, ["a", "b"]);
    assert_eq!(
        team.okrs.len(),
        3,
        "the 2026-Q3 target is not this quarter's"
    );
    // resilience: R-1 pass+fail, R-2 pass+fail, R-3/R-4 are fleet rules.
    assert_eq!(team.okrs[0].actual, Some(0.5));
    assert!(!team.okrs[0].met);
    assert_eq!(team.okrs[1].actual, Some(0.5));
    assert_eq!(team.okrs[2].rule.as_deref(), Some("F-3"));
    assert_eq!(team.okrs[2].actual, Some(1.0));
    assert!(team.okrs[2].met);
}

#[test]
fn filters_narrow_the_report() {
    let files = [
        ("relman.yaml", FLEET),
        ("services/a.yaml", &service("a", 99.95) as &str),
        ("services/b.yaml", &service("b", 99.8)),
    ];
    let r = run(
        &files,
        Filter {
            services: vec!["b".into()],
            categories: vec![relman_core::Category::Resilience],
            ..Filter::default()
        },
    );
    assert!(r.fleet_rules.is_empty());
    assert_eq!(r.services.len(), 1);
    let ids: Vec<&str> = r.services[0]
        .rules
        .iter()
        .map(|x| x.rule.as_str())
        .collect();
    assert_eq!(ids, ["R-1", "R-2"]);
    assert_eq!(r.summary.services, 1);
    assert_eq!(r.summary.statuses["fail"], 2);

    let r = run(
        &files,
        Filter {
            rules: vec!["F-3".into()],
            ..Filter::default()
        },
    );
    assert_eq!(r.fleet_rules.len(), 1);
    assert!(r.services.iter().all(|s| s.rules.is_empty()));
}

#[test]
fn a_fleet_manifesto_retires_and_adds_rules() {
    let fleet = FLEET.replace(
        "manifesto: { last_reviewed: 2026-09-01 }",
        "manifesto: { last_reviewed: 2026-09-01, file: manifesto.yaml }",
    );
    let manifesto = "kind: Manifesto
rules:
  - { id: D-3, retire: every service here is internal tooling }
  - { id: X-1, category: security, scope: service, title: Images are signed }
  - { id: X-2, category: foundation, scope: fleet, title: A steering group exists }
";
    let r = run(
        &[
            ("relman.yaml", &fleet),
            ("manifesto.yaml", manifesto),
            ("services/a.yaml", &service("a", 99.95)),
        ],
        Filter::default(),
    );
    assert_eq!(r.fleet_rules.len(), 11);
    let s = &r.services[0];
    assert_eq!(s.rules.len(), 28);
    let d3 = rule(&s.rules, "D-3");
    assert_eq!(d3.status, Status::NotApplicable);
    assert_eq!(
        d3.findings[0].message,
        "retired by the fleet's manifesto: every service here is internal tooling"
    );
    let x1 = rule(&s.rules, "X-1");
    assert_eq!(x1.status, Status::Unverified);
    assert_eq!(x1.title, "Images are signed");
    assert_eq!(rule(&r.fleet_rules, "X-2").status, Status::Unverified);
}

#[test]
fn an_empty_fleet_reports_its_fleet_rules() {
    let r = run(&[("relman.yaml", "name: empty\n")], Filter::default());
    assert!(r.services.is_empty());
    assert_eq!(r.fleet_rules.len(), 10);
    assert_eq!(rule(&r.fleet_rules, "F-2").status, Status::Unverified);
    assert_eq!(rule(&r.fleet_rules, "F-3").status, Status::Fail);
    assert_eq!(r.summary.services, 0);
}

#[test]
fn the_report_carries_the_cost_trend_with_the_cost_rules() {
    let cost = "month,environment,pricing,cost_usd,customers
2026-10,production,on_demand,700,10
2026-10,staging,spot,300,10
2026-11,production,on_demand,200,11
";
    let good = service("good", 99.95);
    let files = [
        ("relman.yaml", FLEET),
        ("services/good.yaml", good.as_str()),
        ("cost/2026.csv", cost),
    ];
    let r = run(&files, Filter::default());
    let trend = r.cost.expect("a cost trend");
    assert_eq!(trend.spot_basis, "cost");
    let months: Vec<(&str, f64, Option<f64>, bool)> = trend
        .months
        .iter()
        .map(|m| (m.month.as_str(), m.total, m.cost_per_customer, m.partial))
        .collect();
    assert_eq!(
        months,
        [
            ("2026-10", 1000.0, Some(100.0), false),
            ("2026-11", 200.0, Some(200.0 / 11.0), true)
        ]
    );
    // The trend goes with the cost rules: kept for the performance
    // category, dropped when the report is narrowed to other rules or to
    // services.
    let performance = Filter {
        categories: vec![relman_core::Category::Performance],
        ..Filter::default()
    };
    assert!(run(&files, performance).cost.is_some());
    let o5 = Filter {
        rules: vec!["O-5".into()],
        ..Filter::default()
    };
    assert!(run(&files, o5).cost.is_none());
    let one_service = Filter {
        services: vec!["good".into()],
        ..Filter::default()
    };
    assert!(run(&files, one_service).cost.is_none());
    // No cost files, no trend.
    let r = run(&files[..2], Filter::default());
    assert!(r.cost.is_none());
}

#[test]
fn incident_figures_come_from_the_loaded_records() {
    let files = [
        ("relman.yaml", FLEET),
        ("services/a.yaml", &service("a", 99.95) as &str),
        ("services/b.yaml", &service("b", 99.95)),
        (
            "records/incidents/one.md",
            "---\nkind: Incident\nid: INC-1\nseverity: critical\nservices: [a, b]\n\
             started: 2026-10-06T06:00:00Z\nresolved: 2026-10-06T07:48:00Z\n\
             postmortem: ../postmortems/one.md\n---\n",
        ),
        (
            "records/incidents/two.md",
            "---\nkind: Incident\nid: INC-2\nseverity: major\nservices: [b]\n\
             started: 2026-11-03T08:15:00Z\nresolved: 2026-11-03T11:40:00Z\n---\n",
        ),
        (
            "records/postmortems/one.md",
            "---\nkind: Postmortem\nincident: INC-1\ndate: 2026-10-09\n---\n",
        ),
    ];
    let r = run(&files, Filter::default());
    let a = r.services[0].incidents.as_ref().expect("figures for a");
    // The incident's postmortem path resolves to the loaded record.
    assert_eq!((a.critical, a.postmortems, a.postmortems_due), (1, 1, 1));
    let b = r.services[1].incidents.as_ref().expect("figures for b");
    assert_eq!(b.ids, ["INC-1", "INC-2"]);
    assert_eq!(b.without_postmortem, ["INC-2"]);
    // (108 + 205) / 2 minutes.
    let mttr = b.mttr_hours.expect("mttr");
    assert!((mttr - 313.0 / 120.0).abs() < 1e-9, "{mttr}");
    let team = r.teams[0].incidents.as_ref().expect("team figures");
    assert_eq!(team.ids, ["INC-1", "INC-2"]);
    let fleet = r.summary.incidents.as_ref().expect("fleet figures");
    assert_eq!(
        (fleet.since.as_str(), fleet.until.as_str()),
        ("2025-11-24", "2026-11-24")
    );
    assert_eq!(fleet.figures.postmortem_coverage, Some(0.5));

    // Narrowed to service a: the fleet figures count only its incidents.
    let r = run(
        &files,
        Filter {
            services: vec!["a".into()],
            ..Filter::default()
        },
    );
    let fleet = r.summary.incidents.as_ref().expect("fleet figures");
    assert_eq!(fleet.figures.ids, ["INC-1"]);

    // A fleet without incident records reports no figures at all.
    let r = run(&files[..3], Filter::default());
    assert!(r.summary.incidents.is_none());
    assert!(r.services.iter().all(|s| s.incidents.is_none()));
}
