//! A small report built by hand, shared by every format's tests: a fleet
//! with one waiver, two services, every status, file evidence with and
//! without a position, URL evidence, and a message that needs escaping.

use std::collections::BTreeMap;

use relman_core::report::{
    CostMonth, CostTrend, IncidentFigures, IncidentSummary, OkrProgress, Report, RuleResult,
    SCHEMA, ServiceReport, Summary, TeamReport, WaiverRef, mean_score,
};
use relman_core::{Category, EvidenceRef, Finding, Manifesto, Severity, Status};

/// A finding; `fix` is set for statuses that ask for action.
pub fn finding(check: &str, status: Status, message: &str, evidence: Vec<EvidenceRef>) -> Finding {
    let severity = match status {
        Status::Pass | Status::NotApplicable | Status::Waived => Severity::Info,
        _ => Severity::High,
    };
    let mut f = Finding::new(check, status, severity, message.to_string());
    f.evidence = evidence;
    f
}

fn fixed(mut f: Finding, fix: &str) -> Finding {
    f.remediation = Some(fix.to_string());
    f
}

/// A rule result whose status is its worst finding, titled from the manifesto.
pub fn rule(id: &str, findings: Vec<Finding>) -> RuleResult {
    let def = Manifesto::builtin()
        .get(id)
        .cloned()
        .expect("fixture rules are manifesto rules");
    RuleResult {
        rule: def.id,
        status: Status::worst(findings.iter().map(|f| f.status)),
        findings,
        title: def.title,
        category: def.category,
        waiver: None,
    }
}

fn file(path: &str) -> EvidenceRef {
    EvidenceRef::new("descriptor", path)
}

pub fn report() -> Report {
    let fleet_rules = vec![
        rule(
            "F-1",
            vec![finding(
                "waiver-hygiene",
                Status::Pass,
                "1 waiver, each with a discussion link, an approver and an expiry date",
                vec![EvidenceRef::new("waivers", "waivers.yaml")],
            )],
        ),
        rule(
            "F-2",
            vec![fixed(
                finding(
                    "quarterly-okrs",
                    Status::Warn,
                    "team identity has no OKR for an audited category",
                    vec![EvidenceRef::new("fleet", "relman.yaml").at(9, 5)],
                ),
                "Give every team at least one OKR per quarter.",
            )],
        ),
        rule(
            "F-3",
            vec![fixed(
                finding(
                    "manifesto-review",
                    Status::Fail,
                    "the manifesto was last reviewed 2026-01-02, 326 days ago (more than 183)",
                    vec![EvidenceRef::new("fleet", "relman.yaml").at(5, 18)],
                ),
                "Review the manifesto and record the date in manifesto.last_reviewed.",
            )],
        ),
        rule(
            "O-10",
            vec![fixed(
                finding(
                    "metrics-retention",
                    Status::Unverified,
                    "Prometheus reported no retention flags",
                    vec![EvidenceRef::new(
                        "prometheus",
                        "http://127.0.0.1:9090/api/v1/status/flags",
                    )],
                ),
                "Keep raw metrics 7 days and downsampled metrics 365 days.",
            )],
        ),
        rule(
            "R-4",
            vec![finding(
                "disaster-recovery",
                Status::NotApplicable,
                "the fleet declares no key component",
                vec![],
            )],
        ),
    ];

    let mut s3 = rule(
        "S-3",
        vec![fixed(
            finding(
                "secrets-in-repo",
                Status::Fail,
                "an AWS access key is committed in deploy/values.yaml",
                vec![EvidenceRef::new("repo", "../repos/playbooks/deploy/values.yaml").at(14, 9)],
            ),
            "Move the key to Vault and rotate it.",
        )],
    );
    s3.status = Status::Waived;
    s3.waiver = Some(WaiverRef {
        reason: "the key is a revoked test key, removed in the next release".to_string(),
        discussion: "https://github.com/acme/infra/issues/42".to_string(),
        approved_by: "sre".to_string(),
        expires: "2027-01-31".to_string(),
        location: "waivers.yaml:1:3".to_string(),
    });

    let playbooks = vec![
        rule(
            "D-3",
            vec![finding(
                "open-source-decision",
                Status::Pass,
                "the service is open source",
                vec![file("services/playbooks.yaml").at(17, 14)],
            )],
        ),
        rule(
            "D-4",
            vec![fixed(
                finding(
                    "architecture-doc",
                    Status::Warn,
                    "docs/architecture.md has no diagram",
                    vec![EvidenceRef::new(
                        "repo",
                        "../repos/playbooks/docs/architecture.md",
                    )],
                ),
                "Add a diagram to docs/architecture.md.",
            )],
        ),
        rule(
            "O-1",
            vec![finding(
                "log-messages",
                Status::NotApplicable,
                "the service writes no logs",
                vec![],
            )],
        ),
        rule(
            "O-5",
            vec![fixed(
                finding(
                    "log-retention",
                    Status::Fail,
                    "logs are kept 14 days, less than the 30 days a critical service needs",
                    vec![file("services/playbooks.yaml").at(12, 21)],
                ),
                "Keep logs at least 30 days.",
            )],
        ),
        rule(
            "O-7",
            vec![fixed(
                finding(
                    "port-probe",
                    Status::Fail,
                    "metrics are served on port 9090, not 8067",
                    vec![
                        EvidenceRef::new("metrics", "http://127.0.0.1:9090/metrics"),
                        file("services/playbooks.yaml").at(8, 8),
                    ],
                ),
                "Serve /metrics on port 8067.",
            )],
        ),
        rule(
            "R-1",
            vec![
                finding(
                    "slo-margin",
                    Status::Pass,
                    "the internal SLO 99.95 is above the external 99.9",
                    vec![file("services/playbooks.yaml").at(20, 3)],
                ),
                fixed(
                    finding(
                        "slo-margin",
                        Status::Unverified,
                        "the error budget is not known: slo.sli is not set",
                        vec![file("services/playbooks.yaml")],
                    ),
                    "Give slo.sli PromQL queries for errors and total requests.",
                ),
            ],
        ),
        rule(
            "R-2",
            vec![finding(
                "internal-slo",
                Status::Error,
                "cannot read the SLO: ../slo/playbooks.yaml: permission denied",
                vec![file("../slo/playbooks.yaml")],
            )],
        ),
        s3,
    ];

    let ldap = vec![
        rule(
            "D-4",
            vec![finding(
                "architecture-doc",
                Status::Pass,
                "docs/architecture.md documents the service",
                vec![EvidenceRef::new(
                    "repo",
                    "../repos/ldap/docs/architecture.md",
                )],
            )],
        ),
        rule(
            "O-2",
            vec![fixed(
                finding(
                    "log-service-field",
                    Status::Fail,
                    "3 of 10 lines have no `service` field, e.g. `a|b <x>`\nsecond line\u{1b}[31m",
                    vec![EvidenceRef::new("logs", "../logs/ldap/my logs.log").at(3, 1)],
                ),
                "Add a `service` field to every log line.",
            )],
        ),
        rule(
            "O-5",
            vec![finding(
                "log-retention",
                Status::Pass,
                "logs are kept 7 days (a non-critical service needs 7)",
                vec![file("services/ldap.yaml").at(9, 21)],
            )],
        ),
    ];

    let mut services = vec![
        service("ldap", "identity", "non-critical", ldap),
        service("playbooks", "cloud-platform", "critical", playbooks),
    ];
    // INC-7 (critical, with a postmortem) hit both services; playbooks
    // also had a minor incident still open.
    let inc7 = IncidentFigures {
        critical: 1,
        resolved: 1,
        mttr_hours: Some(1.8),
        postmortems_due: 1,
        postmortems: 1,
        postmortem_coverage: Some(1.0),
        ids: vec!["INC-7".to_string()],
        ..IncidentFigures::default()
    };
    let playbooks_incidents = IncidentFigures {
        minor: 1,
        open: 1,
        ids: vec!["INC-7".to_string(), "INC-9".to_string()],
        ..inc7.clone()
    };
    services[0].incidents = Some(inc7.clone());
    services[1].incidents = Some(playbooks_incidents.clone());

    let mut statuses = BTreeMap::new();
    let all = fleet_rules
        .iter()
        .chain(services.iter().flat_map(|s| &s.rules));
    for r in all.clone() {
        *statuses.entry(r.status.as_str()).or_insert(0) += 1;
    }
    let score = mean_score(all.map(|r| r.status)).unwrap_or(0.0);

    let teams = vec![
        TeamReport {
            name: "cloud-platform".to_string(),
            score: services[1].score,
            services: vec!["playbooks".to_string()],
            okrs: vec![
                OkrProgress {
                    quarter: "2026-Q4".to_string(),
                    category: Some(Category::Observability),
                    rule: None,
                    min_score: Some(0.9),
                    min_pass_ratio: None,
                    actual: Some(1.0 / 3.0),
                    met: false,
                },
                OkrProgress {
                    quarter: "2026-Q4".to_string(),
                    category: None,
                    rule: Some("S-3".to_string()),
                    min_score: None,
                    min_pass_ratio: Some(1.0),
                    actual: Some(1.0),
                    met: true,
                },
            ],
            incidents: Some(playbooks_incidents.clone()),
        },
        TeamReport {
            name: "identity".to_string(),
            score: services[0].score,
            services: vec!["ldap".to_string()],
            okrs: vec![OkrProgress {
                quarter: "2026-Q4".to_string(),
                category: Some(Category::Performance),
                rule: None,
                min_score: Some(0.8),
                min_pass_ratio: None,
                actual: None,
                met: false,
            }],
            incidents: Some(inc7),
        },
    ];

    Report {
        schema: SCHEMA,
        fleet: "acme-cloud".to_string(),
        now: "2026-11-24".to_string(),
        summary: Summary {
            score,
            services: services.len(),
            statuses,
            // INC-8, major, named a service the fleet no longer has.
            incidents: Some(IncidentSummary {
                since: "2025-11-24".to_string(),
                until: "2026-11-24".to_string(),
                figures: IncidentFigures {
                    major: 1,
                    resolved: 2,
                    mttr_hours: Some(3.65),
                    postmortems_due: 2,
                    without_postmortem: vec!["INC-8".to_string()],
                    postmortem_coverage: Some(0.5),
                    ids: vec![
                        "INC-7".to_string(),
                        "INC-8".to_string(),
                        "INC-9".to_string(),
                    ],
                    ..playbooks_incidents
                },
            }),
        },
        fleet_rules,
        services,
        teams,
        cost: Some(cost_trend()),
    }
}

/// Three months of cost: two complete ones and the month of the audit,
/// with untagged cost and no customer count yet.
pub fn cost_trend() -> CostTrend {
    let month = |month: &str,
                 total: f64,
                 production: f64,
                 untagged: f64,
                 spot: f64,
                 customers: Option<u64>| {
        let non_production = total - production - untagged;
        CostMonth {
            month: month.to_string(),
            total,
            production,
            non_production,
            untagged,
            non_production_share: Some(non_production / total),
            untagged_share: Some(untagged / total),
            spot_share: Some(spot / total),
            customers,
            cost_per_customer: customers.map(|c| total / c as f64),
            partial: month == "2026-11",
        }
    };
    CostTrend {
        spot_basis: "cost",
        months: vec![
            month("2026-09", 170_500.0, 109_200.0, 0.0, 26_900.0, Some(1502)),
            month("2026-10", 176_000.0, 112_000.0, 0.0, 27_300.0, Some(1547)),
            month("2026-11", 52_000.0, 30_000.0, 6_000.0, 8_320.0, None),
        ],
    }
}

fn service(name: &str, team: &str, tier: &str, rules: Vec<RuleResult>) -> ServiceReport {
    ServiceReport {
        name: name.to_string(),
        team: team.to_string(),
        tier: tier.to_string(),
        score: mean_score(rules.iter().map(|r| r.status)).unwrap_or(0.0),
        descriptor: format!("services/{name}.yaml"),
        rules,
        incidents: None,
    }
}
