//! Judging: waivers, statuses, scores, team rollups and OKR progress.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use relman_core::fleet::{Fleet, OkrGoal, Waiver};
use relman_core::report::{
    OkrProgress, Report, RuleResult, SCHEMA, Summary, TeamReport, WaiverRef, mean_score,
};
use relman_core::time::quarter_of;
use relman_core::{Scope, Status};

use crate::evaluate::Evaluated;
use crate::incidents;

/// Turn a rule `waived` when a waiver that applies covers it. Rules that
/// pass or do not apply stay as they are; findings always stay visible.
fn apply_waiver(rule: &mut RuleResult, waiver: Option<&Waiver>) {
    let Some(w) = waiver else { return };
    if matches!(rule.status, Status::Pass | Status::NotApplicable) {
        return;
    }
    rule.status = Status::Waived;
    rule.waiver = Some(WaiverRef {
        reason: w.reason.clone().unwrap_or_default(),
        discussion: w.discussion.clone().unwrap_or_default(),
        approved_by: w.approved_by.clone().unwrap_or_default(),
        expires: w.expires.map(|d| d.to_string()).unwrap_or_default(),
        location: w.origin.at("waivers", "").display(),
    });
}

pub(crate) fn judge(fleet: &Fleet, mut ev: Evaluated, now: NaiveDate) -> Report {
    let max = fleet.tuning.waiver_max_days;
    let valid: Vec<&Waiver> = fleet
        .waivers
        .iter()
        .filter(|w| w.applies(now, max))
        .collect();
    // The first valid waiver of each rule and service, looked up by key:
    // a fleet has thousands of services and hundreds of waivers.
    let mut by_key: std::collections::HashMap<(&str, Option<&str>), &Waiver> =
        std::collections::HashMap::new();
    for w in &valid {
        by_key
            .entry((w.rule.as_str(), w.service.as_deref()))
            .or_insert(w);
    }
    let find = |rule: &str, service: Option<&str>| by_key.get(&(rule, service)).copied();
    for r in &mut ev.fleet_rules {
        apply_waiver(r, find(&r.rule, None));
    }
    for s in &mut ev.services {
        for r in &mut s.rules {
            apply_waiver(r, find(&r.rule, Some(&s.name)));
        }
    }

    let mut team_names: BTreeSet<&str> =
        fleet.config.teams.iter().map(|t| t.name.as_str()).collect();
    team_names.extend(fleet.services.iter().map(|s| s.team.as_str()));
    let quarter = quarter_of(now);
    let teams = team_names
        .into_iter()
        .map(|name| {
            let services: Vec<_> = ev.services.iter().filter(|s| s.team == name).collect();
            let okrs = fleet
                .config
                .teams
                .iter()
                .filter(|t| t.name == name)
                .flat_map(|t| t.okrs.iter())
                .filter(|o| o.quarter == quarter)
                .map(|o| match &o.goal {
                    OkrGoal::Category {
                        category,
                        min_score,
                    } => {
                        let actual = mean_score(
                            services
                                .iter()
                                .flat_map(|s| s.rules.iter())
                                .filter(|r| r.category == *category)
                                .map(|r| r.status),
                        );
                        OkrProgress {
                            quarter: o.quarter.clone(),
                            category: Some(*category),
                            rule: None,
                            min_score: Some(*min_score),
                            min_pass_ratio: None,
                            actual,
                            met: actual.is_some_and(|a| a + 1e-9 >= *min_score),
                        }
                    }
                    OkrGoal::Rule {
                        rule,
                        min_pass_ratio,
                    } => {
                        let fleet_scope = fleet
                            .manifesto
                            .get(rule)
                            .is_some_and(|r| r.scope == Scope::Fleet);
                        let statuses: Vec<Status> = if fleet_scope {
                            ev.fleet_rules
                                .iter()
                                .filter(|r| r.rule == *rule)
                                .map(|r| r.status)
                                .collect()
                        } else {
                            services
                                .iter()
                                .flat_map(|s| s.rules.iter())
                                .filter(|r| r.rule == *rule)
                                .map(|r| r.status)
                                .collect()
                        };
                        let counted: Vec<&Status> = statuses
                            .iter()
                            .filter(|s| **s != Status::NotApplicable)
                            .collect();
                        let actual = (!counted.is_empty()).then(|| {
                            counted
                                .iter()
                                .filter(|s| matches!(s, Status::Pass | Status::Waived))
                                .count() as f64
                                / counted.len() as f64
                        });
                        OkrProgress {
                            quarter: o.quarter.clone(),
                            category: None,
                            rule: Some(rule.clone()),
                            min_score: None,
                            min_pass_ratio: Some(*min_pass_ratio),
                            actual,
                            met: actual.is_some_and(|a| a + 1e-9 >= *min_pass_ratio),
                        }
                    }
                })
                .collect();
            TeamReport {
                name: name.to_string(),
                score: 0.0,
                services: services.iter().map(|s| s.name.clone()).collect(),
                okrs,
                incidents: None,
            }
        })
        .collect();

    let mut report = Report {
        schema: SCHEMA,
        fleet: fleet.config.name.clone(),
        now: now.to_string(),
        summary: Summary {
            score: 0.0,
            services: 0,
            statuses: BTreeMap::new(),
            incidents: None,
        },
        fleet_rules: ev.fleet_rules,
        services: ev.services,
        teams,
        cost: relman_core::cost::trend(&fleet.cost, &fleet.config.cost, now),
    };
    incidents::attach(fleet, now, &mut report);
    report
}

/// Scores and counts over what the report holds (after filtering).
pub(crate) fn summarise(report: &mut Report) {
    for s in &mut report.services {
        s.score = mean_score(s.rules.iter().map(|r| r.status)).unwrap_or(0.0);
    }
    for t in &mut report.teams {
        t.score = mean_score(
            report
                .services
                .iter()
                .filter(|s| s.team == t.name)
                .flat_map(|s| s.rules.iter())
                .map(|r| r.status),
        )
        .unwrap_or(0.0);
    }
    let mut statuses: BTreeMap<&'static str, usize> =
        Status::ALL.iter().map(|s| (s.as_str(), 0)).collect();
    for r in report.all_rules() {
        *statuses.entry(r.status.as_str()).or_default() += 1;
    }
    report.summary = Summary {
        score: mean_score(report.all_rules().map(|r| r.status)).unwrap_or(0.0),
        services: report.services.len(),
        statuses,
        incidents: report.summary.incidents.take(),
    };
}
