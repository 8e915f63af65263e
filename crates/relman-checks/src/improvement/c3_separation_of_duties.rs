use relman_core::fleet::Deployment;
use relman_core::{EvidenceRef, Severity};

use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// C-3: no single engineer makes all of a new service's first deployments.
pub struct SeparationOfDuties;

static META: CheckMeta = CheckMeta {
    rule: "C-3",
    id: "separation-of-duties",
    severity: Severity::Medium,
    title: "A new service's first deployments are shared between people",
    what: "From records/deployments.csv and records/deployments.jsonl (merged), the service's first recorded deployment to each environment (environments compared case-insensitively, deployments dated after today not counted). When one person made all of them across two environments or more, it fails, naming the person and the environments with dates. With deployments to one environment only, who deployed it everywhere cannot be told: `unverified`. Deployment lines that could not be read warn, since the first deployments may then be incomplete.",
    why: "When one engineer takes a service all the way from dev to production alone, only they know how it is deployed and what it needs: the team's bus factor for that service is one. Sharing the first deployments spreads that knowledge while it is fresh.",
    fix: "Have another engineer make the service's next first deployment to an environment (pair on it, or hand it over), so that at least two people have deployed it; record deployments in records/deployments.csv (`service,environment,deployer,at`) or records/deployments.jsonl.",
};

fn dated(d: &Deployment) -> String {
    format!(
        "{} on {} ({})",
        d.environment,
        d.at.date_naive(),
        d.location()
    )
}

impl ServiceCheck for SeparationOfDuties {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let name = &cx.service.name;
        let records = &cx.fleet.records;
        let problems: Vec<String> = records
            .problems_in("records/deployments.")
            .map(|p| p.location())
            .collect();
        if !problems.is_empty() {
            let f = out.warn(format!(
                "{} deployment line{} could not be read and {} skipped ({}): the first deployments of {name} may be incomplete",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                if problems.len() == 1 { "was" } else { "were" },
                problems.join(", ")
            ));
            f.fix("Fix the lines `relman validate` reports.");
            for p in records.problems_in("records/deployments.") {
                let r = EvidenceRef::new("records", p.file.clone());
                f.at(match p.line {
                    Some(l) => r.at(l, 1),
                    None => r,
                });
            }
        }
        let later: Vec<String> = records
            .deployments
            .iter()
            .filter(|d| d.service == *name && d.at.date_naive() > cx.now)
            .map(Deployment::location)
            .collect();
        let later_note = if later.is_empty() {
            String::new()
        } else {
            format!(
                "; {} deployment{} dated after today ({}) not counted: {}",
                later.len(),
                if later.len() == 1 { "" } else { "s" },
                cx.now,
                later.join(", ")
            )
        };

        let firsts = records.first_deployments(name, cx.now);
        let Some(first) = firsts.first() else {
            out.unverified(format!(
                "no deployment of {name} is recorded in records/deployments.csv or records/deployments.jsonl{later_note}"
            ))
            .at(EvidenceRef::new("records", "records/deployments.csv"));
            return;
        };
        if firsts.len() == 1 {
            out.unverified(format!(
                "only one environment of {name} is on record: {}, by {}; whether one person deployed it everywhere cannot be told from one environment{later_note}",
                dated(first),
                first.deployer
            ))
            .at(first.evidence())
            .fix("Record the service's deployments to its other environments in records/deployments.csv or .jsonl.");
            return;
        }
        let mut people: Vec<&str> = Vec::new();
        for d in &firsts {
            if !people.iter().any(|p| p.eq_ignore_ascii_case(&d.deployer)) {
                people.push(&d.deployer);
            }
        }
        let f = if let [only] = people[..] {
            let envs: Vec<String> = firsts.iter().map(|d| dated(d)).collect();
            out.fail(format!(
                "{only} made the first recorded deployment of {name} to all {} environments: {}{later_note}",
                firsts.len(),
                envs.join(", ")
            ))
        } else {
            let envs: Vec<String> = firsts
                .iter()
                .map(|d| {
                    format!(
                        "{} by {} on {} ({})",
                        d.environment,
                        d.deployer,
                        d.at.date_naive(),
                        d.location()
                    )
                })
                .collect();
            out.pass(format!(
                "the first recorded deployments of {name} were shared between {} people: {}{later_note}",
                people.len(),
                envs.join(", ")
            ))
        };
        for d in &firsts {
            f.at(d.evidence());
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use relman_core::evidence::ServiceEvidence;
    use relman_core::fleet::{Fleet, RecordProblem};
    use relman_core::{Finding, Status as S};

    use super::*;
    use crate::ServiceCx;
    use crate::testing::*;

    fn dep(service: &str, env: &str, who: &str, day: &str, line: u32) -> Deployment {
        Deployment {
            service: service.into(),
            environment: env.into(),
            deployer: who.into(),
            at: Utc.from_utc_datetime(&date(day).and_hms_opt(9, 30, 0).expect("time")),
            file: "records/deployments.csv".into(),
            line,
        }
    }

    fn judge(f: &Fleet, name: &str) -> Vec<Finding> {
        crate::run_service(
            &SeparationOfDuties,
            &ServiceCx {
                fleet: f,
                service: &service(name),
                evidence: &ServiceEvidence::default(),
                now: now(),
            },
        )
    }

    fn demo() -> Fleet {
        let mut f = fleet();
        f.records.deployments = vec![
            dep("search-indexer", "dev", "mkowalski", "2026-10-08", 8),
            dep("search-indexer", "staging", "mkowalski", "2026-10-09", 9),
            dep(
                "search-indexer",
                "production",
                "mkowalski",
                "2026-10-12",
                10,
            ),
            // Later deployments by others do not change who deployed first.
            dep("search-indexer", "production", "ana", "2026-11-13", 26),
            dep("playbooks", "staging", "james", "2026-10-01", 3),
            dep("playbooks", "dev", "james", "2026-09-30", 2),
            dep("playbooks", "Production", "ana", "2026-10-02", 4),
            dep("playbooks", "production", "james", "2026-10-03", 5),
            dep("legacy", "production", "dee", "2026-11-02", 23),
            dep("future", "dev", "zoe", "2026-11-01", 30),
            dep("future", "production", "zoe", "2026-11-02", 31),
            dep("future", "staging", "yan", "2026-12-01", 32),
        ];
        f
    }

    #[test]
    fn one_person_deploying_everywhere_fails_with_the_environments() {
        let out = judge(&demo(), "search-indexer");
        assert_eq!(
            render(&out),
            "fail: mkowalski made the first recorded deployment of search-indexer to all 3 environments: dev on 2026-10-08 (records/deployments.csv:8), staging on 2026-10-09 (records/deployments.csv:9), production on 2026-10-12 (records/deployments.csv:10) [records/deployments.csv:8:1, records/deployments.csv:9:1, records/deployments.csv:10:1]"
        );
    }

    #[test]
    fn shared_first_deployments_pass_naming_who_deployed_where() {
        let out = judge(&demo(), "playbooks");
        assert_eq!(
            render(&out),
            "pass: the first recorded deployments of playbooks were shared between 2 people: dev by james on 2026-09-30 (records/deployments.csv:2), staging by james on 2026-10-01 (records/deployments.csv:3), Production by ana on 2026-10-02 (records/deployments.csv:4) [records/deployments.csv:2:1, records/deployments.csv:3:1, records/deployments.csv:4:1]"
        );
    }

    #[test]
    fn deployments_after_today_are_not_counted() {
        let out = judge(&demo(), "future");
        assert_eq!(statuses(&out), [S::Fail]);
        assert!(
            out[0].message.ends_with(
                "; 1 deployment dated after today (2026-11-24) not counted: records/deployments.csv:32"
            ),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn too_little_evidence_is_unverified() {
        let f = demo();
        assert_eq!(statuses(&judge(&f, "legacy")), [S::Unverified]);
        let none = judge(&f, "nothing");
        assert_eq!(
            render(&none),
            "unverified: no deployment of nothing is recorded in records/deployments.csv or records/deployments.jsonl [records/deployments.csv]"
        );
    }

    #[test]
    fn unreadable_lines_warn_beside_the_verdict() {
        let mut f = demo();
        f.records.problems.push(RecordProblem {
            file: "records/deployments.jsonl".into(),
            line: Some(4),
            message: "records/deployments.jsonl:4:1: invalid JSON".into(),
        });
        f.records.problems.push(RecordProblem {
            file: "records/reviews/x.md".into(),
            line: Some(1),
            message: "unrelated".into(),
        });
        let out = judge(&f, "playbooks");
        assert_eq!(statuses(&out), [S::Warn, S::Pass]);
        assert_eq!(
            out[0].message,
            "1 deployment line could not be read and was skipped (records/deployments.jsonl:4): the first deployments of playbooks may be incomplete"
        );
    }
}
