use chrono::{Duration, NaiveDate};
use relman_core::fleet::DrPlaybook;
use relman_core::{EvidenceRef, Severity};

use crate::{CheckMeta, Findings, FleetCheck, FleetCx};

/// every key component has a disaster-recovery playbook, tested
/// recently.
pub struct DisasterRecovery;

static META: CheckMeta = CheckMeta {
    rule: "R-4",
    id: "disaster-recovery",
    severity: Severity::High,
    title: "Every key component has a tested DR playbook",
    what: "Every entry of `key_components` in relman.yaml has a `DrPlaybook` record in records/dr/ naming it as `component`. A missing playbook fails; so does one never tested (no `last_tested`) or last tested more than 365 days ago (`dr.fail_days`); one last tested more than 183 days ago (`dr.warn_days`) warns. When several playbooks name a component, the most recently tested one counts. A playbook naming a component that is not declared warns, and so does a `last_tested` date after today (it is not counted). A fleet that declares no key components fails: relman.yaml is meant to name them.",
    why: "A recovery procedure that has never been rehearsed fails when it is needed: commands change, credentials expire, backups turn out to be incomplete. Clusters, databases and DNS take everything else down with them.",
    fix: "Write a DR playbook for the component in records/dr/COMPONENT.md (`kind: DrPlaybook`, `component`, `last_tested`), rehearse it, and set `last_tested` to the date of the rehearsal.",
};

/// `records/dr/x.md:5`, the line of a field.
fn loc(p: &DrPlaybook, field: &str) -> String {
    match p.origin.fields.get(field) {
        Some(pos) => format!("{}:{}", p.origin.file, pos.line),
        None => p.origin.file.clone(),
    }
}

impl FleetCheck for DisasterRecovery {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &FleetCx<'_>, out: &mut Findings) {
        let config = &cx.fleet.config;
        let records = &cx.fleet.records;
        let (warn_days, fail_days) = (
            i64::from(config.dr.warn_days),
            i64::from(config.dr.fail_days),
        );
        let problems: Vec<String> = records
            .problems_in("records/dr/")
            .map(|p| p.location())
            .collect();
        if !problems.is_empty() {
            let f = out.warn(format!(
                "{} DR playbook record{} could not be read and {} not counted ({})",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                if problems.len() == 1 { "was" } else { "were" },
                problems.join(", ")
            ));
            f.fix("Fix the records `relman validate` reports.");
            for p in records.problems_in("records/dr/") {
                f.at(EvidenceRef::new("records", p.file.clone()));
            }
        }

        // Dates after today are not counted.
        let mut tested: Vec<(&DrPlaybook, Option<NaiveDate>)> = Vec::new();
        for p in &records.dr_playbooks {
            let last = match p.last_tested {
                Some(d) if d > cx.now => {
                    out.warn(format!(
                        "the DR playbook for {} at {} says it was last tested on {d}, {} days after today ({}): that date is not counted",
                        p.component,
                        loc(p, "last_tested"),
                        (d - cx.now).num_days(),
                        cx.now
                    ))
                    .at(p.origin.at("records", "last_tested"))
                    .fix("Record the date the playbook was actually rehearsed.");
                    None
                }
                other => other,
            };
            tested.push((p, last));
        }

        if config.key_components.is_empty() {
            let mut msg = "no key components are declared in relman.yaml (key_components), so none can be checked for a DR playbook".to_string();
            let mut named: Vec<&str> = records
                .dr_playbooks
                .iter()
                .map(|p| p.component.as_str())
                .collect();
            named.sort_unstable();
            named.dedup();
            if !named.is_empty() {
                msg.push_str(&format!(
                    "; records/dr/ has playbooks for {}",
                    named.join(", ")
                ));
            }
            out.fail(msg)
                .at(config.origin.at("fleet", "key_components"))
                .fix("List the fleet's key components (clusters, databases, DNS…) in relman.yaml under `key_components`, each `{ name, kind }`.");
            return;
        }

        for (i, c) in config.key_components.iter().enumerate() {
            let at = config.origin.at("fleet", &format!("key_components[{i}]"));
            let best = tested
                .iter()
                .filter(|(p, _)| p.component == c.name)
                .max_by_key(|(_, last)| *last);
            let Some((p, last)) = best else {
                out.fail(format!(
                    "key component {} ({}) has no DR playbook in records/dr/",
                    c.name, c.kind
                ))
                .at(at);
                continue;
            };
            let what = format!("the DR playbook for {} ({})", c.name, p.origin.file);
            let Some(last) = *last else {
                out.fail(format!(
                    "{what} has never been tested: it has no last_tested date in the past"
                ))
                .at(p.origin.at("records", "component"))
                .at(at);
                continue;
            };
            let age = (cx.now - last).num_days();
            let tested_on = format!(
                "was last tested on {last} ({}), {age} days ago",
                loc(p, "last_tested")
            );
            let f = if age > fail_days {
                out.fail(format!("{what} {tested_on}: more than {fail_days} days"))
            } else if age > warn_days {
                let fails_on = last + Duration::days(fail_days + 1);
                out.warn(format!(
                    "{what} {tested_on}: more than {warn_days} days; it fails from {fails_on}"
                ))
                .fix(format!(
                    "Rehearse the {} playbook and update `last_tested`.",
                    c.name
                ))
            } else {
                let due = last + Duration::days(warn_days);
                out.pass(format!("{what} {tested_on}; next test due by {due}"))
            };
            f.at(p.origin.at("records", "last_tested")).at(at);
        }

        for p in &records.dr_playbooks {
            if !config.key_components.iter().any(|c| c.name == p.component) {
                let names: Vec<&str> = config
                    .key_components
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect();
                out.warn(format!(
                    "{} is a DR playbook for {}, which is not a key component in relman.yaml (key components: {})",
                    loc(p, "component"),
                    p.component,
                    names.join(", ")
                ))
                .at(p.origin.at("records", "component"))
                .fix("Fix the playbook's `component`, or add the component to `key_components` in relman.yaml.");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::fleet::{Fleet, KeyComponent, Origin, RecordProblem};
    use relman_core::yaml::Pos;
    use relman_core::{Finding, Status};

    use super::*;
    use crate::testing::*;

    fn playbook(component: &str, last_tested: Option<&str>) -> DrPlaybook {
        let mut origin = Origin::new(format!("records/dr/{component}.md"));
        origin
            .fields
            .insert("component".into(), Pos { line: 3, col: 12 });
        origin
            .fields
            .insert("last_tested".into(), Pos { line: 6, col: 14 });
        DrPlaybook {
            component: component.into(),
            last_tested: last_tested.map(date),
            origin,
        }
    }

    fn fleet_with(components: &[&str], playbooks: Vec<DrPlaybook>) -> Fleet {
        let mut f = fleet();
        for (i, c) in components.iter().enumerate() {
            f.config.key_components.push(KeyComponent {
                name: c.to_string(),
                kind: "database-cluster".into(),
            });
            f.config.origin.fields.insert(
                format!("key_components[{i}]"),
                Pos {
                    line: 30 + i as u32,
                    col: 5,
                },
            );
        }
        f.records.dr_playbooks = playbooks;
        f
    }

    fn judge(f: &Fleet) -> Vec<Finding> {
        run_fleet(&DisasterRecovery, f)
    }

    #[test]
    fn the_demo_verdicts() {
        let f = fleet_with(
            &["k8s-prod", "db-main", "dns"],
            vec![
                playbook("db-main", Some("2025-09-30")),
                playbook("k8s-prod", Some("2026-08-12")),
            ],
        );
        assert_eq!(
            render(&judge(&f)),
            [
                "pass: the DR playbook for k8s-prod (records/dr/k8s-prod.md) was last tested on 2026-08-12 (records/dr/k8s-prod.md:6), 104 days ago; next test due by 2027-02-11 [records/dr/k8s-prod.md:6:14, relman.yaml:30:5]",
                "fail: the DR playbook for db-main (records/dr/db-main.md) was last tested on 2025-09-30 (records/dr/db-main.md:6), 420 days ago: more than 365 days [records/dr/db-main.md:6:14, relman.yaml:31:5]",
                "fail: key component dns (database-cluster) has no DR playbook in records/dr/ [relman.yaml:32:5]",
            ]
            .join("\n")
        );
    }

    #[test]
    fn thresholds() {
        let status = |last: Option<&str>| {
            let f = fleet_with(&["db"], vec![playbook("db", last)]);
            statuses(&judge(&f))
        };
        // 2026-11-24 minus 183 days is 2026-05-25; minus 365 is 2025-11-24.
        assert_eq!(status(Some("2026-05-25")), [Status::Pass]);
        assert_eq!(status(Some("2026-05-24")), [Status::Warn]);
        assert_eq!(status(Some("2025-11-24")), [Status::Warn]);
        assert_eq!(status(Some("2025-11-23")), [Status::Fail]);
        assert_eq!(status(None), [Status::Fail]);
        assert_eq!(status(Some("2026-12-01")), [Status::Warn, Status::Fail]);
    }

    #[test]
    fn thresholds_follow_the_fleet_file() {
        let mut f = fleet_with(&["db"], vec![playbook("db", Some("2026-09-01"))]);
        f.config.dr.warn_days = 60;
        f.config.dr.fail_days = 90;
        let out = judge(&f);
        assert_eq!(
            out[0].message,
            "the DR playbook for db (records/dr/db.md) was last tested on 2026-09-01 (records/dr/db.md:6), 84 days ago: more than 60 days; it fails from 2026-12-01"
        );
    }

    #[test]
    fn the_most_recent_test_counts() {
        let f = fleet_with(
            &["db"],
            vec![
                playbook("db", Some("2024-01-01")),
                playbook("db", None),
                playbook("db", Some("2026-10-01")),
            ],
        );
        assert_eq!(statuses(&judge(&f)), [Status::Pass]);
    }

    #[test]
    fn unknown_components_and_unreadable_playbooks_warn() {
        let mut f = fleet_with(
            &["db"],
            vec![
                playbook("db", Some("2026-10-01")),
                playbook("k8s-staging", Some("2026-10-01")),
            ],
        );
        f.records.problems.push(RecordProblem {
            file: "records/dr/dns.md".into(),
            line: Some(1),
            message: "records/dr/dns.md:1:1: no YAML front matter".into(),
        });
        let out = judge(&f);
        assert_eq!(
            render(&out),
            [
                "warn: 1 DR playbook record could not be read and was not counted (records/dr/dns.md:1) [records/dr/dns.md]",
                "pass: the DR playbook for db (records/dr/db.md) was last tested on 2026-10-01 (records/dr/db.md:6), 54 days ago; next test due by 2027-04-02 [records/dr/db.md:6:14, relman.yaml:30:5]",
                "warn: records/dr/k8s-staging.md:3 is a DR playbook for k8s-staging, which is not a key component in relman.yaml (key components: db) [records/dr/k8s-staging.md:3:12]",
            ]
            .join("\n")
        );
    }

    #[test]
    fn no_key_components_fails() {
        let f = fleet_with(&[], vec![playbook("db-main", Some("2026-10-01"))]);
        assert_eq!(
            render(&judge(&f)),
            "fail: no key components are declared in relman.yaml (key_components), so none can be checked for a DR playbook; records/dr/ has playbooks for db-main [relman.yaml]"
        );
    }
}
