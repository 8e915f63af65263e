use std::collections::BTreeMap;

use relman_core::Severity;
use relman_core::time::quarter_of;

use crate::{CheckMeta, Findings, FleetCheck, FleetCx};

/// F-2: every team carries measurable targets for the current quarter.
pub struct QuarterlyOkrs;

static META: CheckMeta = CheckMeta {
    rule: "F-2",
    id: "quarterly-okrs",
    severity: Severity::Medium,
    title: "Every team has reliability targets this quarter",
    what: "Every team that owns a service (or is declared in relman.yaml) has at least one OKR target for the current quarter: a minimum score for a category, or a minimum pass ratio for a rule. The report shows each target's actual value.",
    why: "Rules that are not in anyone's quarterly objectives drift. A measurable target makes progress visible and gives the manifesto weight in planning.",
    fix: "Add an entry under the team's `okrs` in relman.yaml, e.g. `{ quarter: 2026-Q4, category: observability, min_score: 0.9 }`.",
};

impl FleetCheck for QuarterlyOkrs {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &FleetCx<'_>, out: &mut Findings) {
        let quarter = quarter_of(cx.now);
        let config = &cx.fleet.config;
        // Teams by name: declared ones with their index, and the services of each.
        let mut teams: BTreeMap<&str, (Option<usize>, Vec<&str>)> = BTreeMap::new();
        for (i, t) in config.teams.iter().enumerate() {
            teams.entry(&t.name).or_default().0 = Some(i);
        }
        for s in &cx.fleet.services {
            teams.entry(&s.team).or_default().1.push(&s.name);
        }
        if teams.is_empty() {
            out.unverified("no teams are declared and no service names one");
            return;
        }
        for (name, (index, services)) in teams {
            let owns = match services.len() {
                0 => "owns no service".to_string(),
                1 => format!("owns {}", services[0]),
                n => format!("owns {n} services"),
            };
            let Some(i) = index else {
                out.fail(format!(
                    "team {name} ({owns}) is not declared in relman.yaml, so it has no OKR target for {quarter}"
                ))
                .at(config.origin.at("fleet", "teams"))
                .fix(format!(
                    "Declare the team under `teams` in relman.yaml with its {quarter} targets."
                ));
                continue;
            };
            let team = &config.teams[i];
            let current = team.okrs.iter().filter(|o| o.quarter == quarter).count();
            let at = config.origin.at("fleet", &team.path);
            if current == 0 {
                out.fail(format!(
                    "team {name} ({owns}) has no OKR target for {quarter}"
                ))
                .at(at);
            } else {
                out.pass(format!(
                    "team {name} has {current} OKR target{} for {quarter}",
                    if current == 1 { "" } else { "s" }
                ))
                .at(at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::fleet::{OkrGoal, OkrTarget, Team};

    use super::*;
    use crate::testing::*;

    fn team(name: &str, quarter: &str) -> Team {
        Team {
            path: "teams[0]".into(),
            name: name.into(),
            okrs: vec![OkrTarget {
                path: "teams[0].okrs[0]".into(),
                quarter: quarter.into(),
                goal: OkrGoal::Rule {
                    rule: "S-3".into(),
                    min_pass_ratio: 1.0,
                },
            }],
        }
    }

    #[test]
    fn team_with_current_target_passes() {
        let mut f = fleet();
        f.config.teams.push(team("core", "2026-Q4"));
        f.services.push(service("a"));
        assert_eq!(statuses(&run_fleet(&QuarterlyOkrs, &f)), [Status::Pass]);
    }

    #[test]
    fn stale_targets_fail() {
        let mut f = fleet();
        f.config.teams.push(team("core", "2026-Q3"));
        let out = run_fleet(&QuarterlyOkrs, &f);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert!(
            out[0].message.contains("no OKR target for 2026-Q4"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn undeclared_team_fails() {
        let mut f = fleet();
        f.services.push(service("a"));
        let out = run_fleet(&QuarterlyOkrs, &f);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert!(
            out[0].message.contains("not declared"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn nothing_to_judge_is_unverified() {
        assert_eq!(
            statuses(&run_fleet(&QuarterlyOkrs, &fleet())),
            [Status::Unverified]
        );
    }
}
