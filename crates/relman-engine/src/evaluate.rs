//! Running the registry's checks over the evidence.

use std::collections::HashMap;

use chrono::NaiveDate;
use rayon::prelude::*;
use relman_checks::registry::{FLEET_CHECKS, SERVICE_CHECKS};
use relman_checks::{FleetCheck, FleetCx, ServiceCheck, ServiceCx};
use relman_core::evidence::{FleetEvidence, ServiceEvidence};
use relman_core::fleet::{BrokenService, Fleet, Service};
use relman_core::report::{RuleResult, ServiceReport};
use relman_core::rules::{RuleDef, Scope};
use relman_core::{Finding, Severity, Status};

/// Findings per rule, before waivers.
pub(crate) struct Evaluated {
    pub fleet_rules: Vec<RuleResult>,
    pub services: Vec<ServiceReport>,
}

fn result(rule: &RuleDef, findings: Vec<Finding>) -> RuleResult {
    RuleResult {
        rule: rule.id.clone(),
        status: Status::worst(findings.iter().map(|f| f.status)),
        findings,
        title: rule.title.clone(),
        category: rule.category,
        waiver: None,
    }
}

fn placeholder(rule: &RuleDef) -> Vec<Finding> {
    if let Some(reason) = &rule.retired {
        return vec![Finding::new(
            "retired",
            Status::NotApplicable,
            Severity::Info,
            format!("retired by the fleet's manifesto: {reason}"),
        )];
    }
    vec![Finding::new(
        "not-implemented",
        Status::Unverified,
        Severity::Info,
        "no check implemented yet".to_string(),
    )]
}

pub(crate) fn evaluate(
    fleet: &Fleet,
    fleet_evidence: &FleetEvidence,
    services: &[&Service],
    evidence: &[ServiceEvidence],
    broken: &[&BrokenService],
    now: NaiveDate,
) -> Evaluated {
    let mut fleet_checks: HashMap<&str, Vec<&dyn FleetCheck>> = HashMap::new();
    for c in FLEET_CHECKS {
        fleet_checks.entry(c.meta().rule).or_default().push(*c);
    }
    let mut service_checks: HashMap<&str, Vec<&dyn ServiceCheck>> = HashMap::new();
    for c in SERVICE_CHECKS {
        service_checks.entry(c.meta().rule).or_default().push(*c);
    }
    let fleet_rules: Vec<&RuleDef> = fleet.manifesto.of_scope(Scope::Fleet).collect();
    let service_rules: Vec<&RuleDef> = fleet.manifesto.of_scope(Scope::Service).collect();

    let fcx = FleetCx {
        fleet,
        evidence: fleet_evidence,
        now,
    };
    let fleet_results = fleet_rules
        .iter()
        .map(|rule| {
            let findings = match fleet_checks.get(rule.id.as_str()) {
                Some(checks) if rule.retired.is_none() => checks
                    .iter()
                    .flat_map(|c| relman_checks::run_fleet(*c, &fcx))
                    .collect(),
                _ => placeholder(rule),
            };
            result(rule, findings)
        })
        .collect();

    let mut reports: Vec<ServiceReport> = services
        .par_iter()
        .zip(evidence.par_iter())
        .map(|(service, ev)| {
            let cx = ServiceCx {
                fleet,
                service,
                evidence: ev,
                now,
            };
            let rules = service_rules
                .iter()
                .map(|rule| {
                    let findings = match service_checks.get(rule.id.as_str()) {
                        Some(checks) if rule.retired.is_none() => checks
                            .iter()
                            .flat_map(|c| relman_checks::run_service(*c, &cx))
                            .collect(),
                        _ => placeholder(rule),
                    };
                    result(rule, findings)
                })
                .collect();
            ServiceReport {
                name: service.name.clone(),
                team: service.team.clone(),
                tier: service.tier.as_str().to_string(),
                score: 0.0,
                rules,
                descriptor: service.origin.file.clone(),
                incidents: None,
            }
        })
        .collect();

    // A descriptor that could not be loaded: every rule is an error naming
    // the problems, and the rest of the fleet is audited as usual.
    for b in broken {
        let message = match b.problems.as_slice() {
            [] => format!("the descriptor {} could not be loaded", b.file),
            [one] => format!("the descriptor could not be loaded: {one}"),
            [first, rest @ ..] => format!(
                "the descriptor could not be loaded: {first} (and {} more problem{})",
                rest.len(),
                if rest.len() == 1 { "" } else { "s" }
            ),
        };
        let rules = service_rules
            .iter()
            .map(|rule| {
                let mut f =
                    Finding::new("descriptor", Status::Error, Severity::High, message.clone());
                f.at(relman_core::EvidenceRef::new("descriptor", b.file.clone()));
                f.fix(format!(
                    "Fix {} (run `relman validate` for every problem).",
                    b.file
                ));
                result(rule, vec![f])
            })
            .collect();
        reports.push(ServiceReport {
            name: b.name.clone(),
            team: "unknown".into(),
            tier: "unknown".into(),
            score: 0.0,
            rules,
            descriptor: b.file.clone(),
            incidents: None,
        });
    }
    reports.sort_by(|a, b| a.name.cmp(&b.name));
    Evaluated {
        fleet_rules: fleet_results,
        services: reports,
    }
}
