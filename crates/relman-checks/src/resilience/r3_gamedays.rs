use chrono::{Datelike, Duration, NaiveDate};
use relman_core::fleet::{Gameday, Tier};
use relman_core::{EvidenceRef, Severity};

use crate::{CheckMeta, Findings, FleetCheck, FleetCx};

/// a gameday every month, each with a hypothesis, a measured impact
/// and actions; every critical service exercised each quarter.
pub struct MonthlyGamedays;

static META: CheckMeta = CheckMeta {
    rule: "R-3",
    id: "monthly-gamedays",
    severity: Severity::Medium,
    title: "A gameday every month, measured and followed up",
    what: "From the `Gameday` records in records/gamedays/: each of the last 2 complete calendar months before today (`gamedays.months` in relman.yaml) holds a gameday; the current month is not judged, since it is not over (on 2026-11-24, September and October must each have one). The months without one fail, listed. Each gameday of those months has a `hypothesis`, a measured `impact` and `actions`, or fails naming the file and what is missing; actions with no owner or no due date warn. Each critical service took part in a gameday (its `services`) in the last 92 days (`gamedays.coverage_days`), or warns. Open action items of any earlier gameday past their due date warn, naming item, owner and due date. Gamedays dated after today are not counted, and warn.",
    why: "Injecting faults on purpose, every month, is how a team learns how its systems fail before customers do; a gameday that measures nothing or ends without actions teaches nothing, and one whose actions are never done is repeated in production.",
    fix: "Run a gameday every month: write down the hypothesis, inject the fault, measure the impact on the SLOs, and record owned, dated actions in records/gamedays/DATE-NAME.md (`kind: Gameday`, `date`, `services`, `hypothesis`, `impact`, `actions`).",
};

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Month {
    year: i32,
    /// 1..=12.
    month: u32,
}

impl Month {
    fn of(d: NaiveDate) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// `k` months before this one.
    fn back(self, k: u32) -> Month {
        let idx = i64::from(self.year) * 12 + i64::from(self.month) - 1 - i64::from(k);
        Month {
            year: i32::try_from(idx.div_euclid(12)).unwrap_or(self.year),
            month: u32::try_from(idx.rem_euclid(12) + 1).unwrap_or(1),
        }
    }

    /// `September 2026`.
    fn name(self) -> String {
        const NAMES: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let i = usize::try_from(self.month.saturating_sub(1)).unwrap_or(0);
        format!("{} {}", NAMES.get(i).copied().unwrap_or("?"), self.year)
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `records/gamedays/x.md:4`, the line of a field.
fn loc(g: &Gameday, field: &str) -> String {
    match g.origin.fields.get(field) {
        Some(p) => format!("{}:{}", g.origin.file, p.line),
        None => g.origin.file.clone(),
    }
}

impl FleetCheck for MonthlyGamedays {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &FleetCx<'_>, out: &mut Findings) {
        let fleet = cx.fleet;
        let config = fleet.config.gamedays;
        let records = &fleet.records;

        let problems: Vec<String> = records
            .problems_in("records/gamedays/")
            .map(|p| p.location())
            .collect();
        if !problems.is_empty() {
            let f = out.warn(format!(
                "{} gameday record{} could not be read and {} not counted ({})",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                if problems.len() == 1 { "was" } else { "were" },
                problems.join(", ")
            ));
            f.fix("Fix the records `relman validate` reports.");
            for p in records.problems_in("records/gamedays/") {
                f.at(EvidenceRef::new("records", p.file.clone()));
            }
        }

        let mut past: Vec<&Gameday> = Vec::new();
        for g in &records.gamedays {
            if g.date > cx.now {
                out.warn(format!(
                    "the gameday {} is dated {}, {} days after today ({}): it is not counted",
                    loc(g, "date"),
                    g.date,
                    (g.date - cx.now).num_days(),
                    cx.now
                ))
                .at(g.origin.at("records", "date"))
                .fix("Record the date the gameday actually took place.");
            } else {
                past.push(g);
            }
        }
        past.sort_by_key(|g| g.date);

        self.months(cx, config.months, &past, out);
        self.coverage(cx, config.coverage_days, &past, out);
        overdue_actions(cx.now, &past, out);
    }
}

impl MonthlyGamedays {
    /// Each judged month holds a gameday, and each of its gamedays is complete.
    fn months(&self, cx: &FleetCx<'_>, n: u32, past: &[&Gameday], out: &mut Findings) {
        let current = Month::of(cx.now);
        let judged: Vec<Month> = (1..=n).rev().map(|k| current.back(k)).collect();
        let names: Vec<String> = judged.iter().map(|m| m.name()).collect();
        let window = format!(
            "the last {} before {} ({})",
            plural(judged.len(), "complete month", "complete months"),
            cx.now,
            and_list(&names)
        );
        let in_month = |m: Month| -> Vec<&Gameday> {
            past.iter()
                .copied()
                .filter(|g| Month::of(g.date) == m)
                .collect()
        };
        let so_far: Vec<String> = in_month(current)
            .iter()
            .map(|g| format!("{} ({})", g.date, g.origin.file))
            .collect();
        let current_note = if so_far.is_empty() {
            format!("{} is in progress, with no gameday yet", current.name())
        } else {
            format!(
                "{} is in progress, with {}",
                current.name(),
                and_list(&so_far)
            )
        };

        let missing: Vec<String> = judged
            .iter()
            .filter(|m| in_month(**m).is_empty())
            .map(|m| m.name())
            .collect();
        let settings = cx.fleet.config.origin.at("fleet", "gamedays.months");
        if missing.is_empty() {
            let held: Vec<String> = judged
                .iter()
                .map(|m| {
                    let files: Vec<String> = in_month(*m)
                        .iter()
                        .map(|g| format!("{} ({})", g.date, g.origin.file))
                        .collect();
                    format!("{}: {}", m.name(), and_list(&files))
                })
                .collect();
            let f = out.pass(format!(
                "a gameday was held in each of {window}: {}; {current_note}",
                held.join("; ")
            ));
            for m in &judged {
                for g in in_month(*m) {
                    f.at(g.origin.at("records", "date"));
                }
            }
        } else {
            let (none_msg, held) = if past.is_empty() {
                (
                    "records/gamedays/ holds no gameday".to_string(),
                    String::new(),
                )
            } else {
                let last = past[past.len() - 1];
                (
                    String::new(),
                    format!("; the last one was on {} ({})", last.date, last.origin.file),
                )
            };
            let lead = if none_msg.is_empty() {
                String::new()
            } else {
                format!("{none_msg}: ")
            };
            out.fail(format!(
                "{lead}no gameday in {}: {} of {window}{held}; {current_note}",
                and_list(&missing),
                missing.len(),
            ))
            .at(EvidenceRef::new("records", "records/gamedays"))
            .at(settings);
        }

        for m in &judged {
            for g in in_month(*m) {
                let mut lacks = Vec::new();
                if g.hypothesis.is_none() {
                    lacks.push("no hypothesis (hypothesis)".to_string());
                }
                if g.impact.is_none() {
                    lacks.push("no measured impact (impact)".to_string());
                }
                if g.actions.is_empty() {
                    lacks.push("no action items (actions)".to_string());
                }
                if !lacks.is_empty() {
                    out.fail(format!(
                        "the gameday of {} ({}) has {}",
                        g.date,
                        g.origin.file,
                        and_list(&lacks)
                    ))
                    .at(g.origin.at("records", "date"))
                    .fix("Write down what the gameday set out to show (`hypothesis`), what was measured (`impact`: error rates, latency, time to recover), and the follow-up actions with an owner and a due date (`actions`).");
                }
                let loose: Vec<String> = g
                    .actions
                    .iter()
                    .filter(|a| a.owner.is_none() || a.due.is_none())
                    .map(|a| {
                        let what = match (&a.owner, a.due) {
                            (None, None) => "no owner, no due date",
                            (None, Some(_)) => "no owner",
                            _ => "no due date",
                        };
                        format!("\"{}\" ({what})", a.title)
                    })
                    .collect();
                if !loose.is_empty() {
                    out.warn(format!(
                        "the gameday of {} ({}) has action items without an owner or a due date: {}",
                        g.date,
                        g.origin.file,
                        loose.join(", ")
                    ))
                    .at(g.origin.at("records", "actions"))
                    .fix("Give every action item an `owner` and a `due` date.");
                }
            }
        }
    }

    /// Every critical service took part in a gameday in the last `days`.
    fn coverage(&self, cx: &FleetCx<'_>, days: u32, past: &[&Gameday], out: &mut Findings) {
        let since = cx.now - Duration::days(i64::from(days));
        let recent: Vec<&Gameday> = past.iter().copied().filter(|g| g.date >= since).collect();
        let fleet = cx.fleet;
        let known = |name: &str| {
            fleet.services.iter().any(|s| s.name == name)
                || fleet.broken_services.iter().any(|b| b.name == name)
        };
        for g in &recent {
            for (i, s) in g.services.iter().enumerate() {
                if !known(s) {
                    out.warn(format!(
                        "the gameday of {} ({}) names {s}, which is not a service of the fleet",
                        g.date,
                        loc(g, &format!("services[{i}]"))
                    ))
                    .at(g.origin.at("records", &format!("services[{i}]")))
                    .fix("Use the service's name as in its descriptor (services/NAME.yaml).");
                }
            }
        }

        let mut exercised = Vec::new();
        for s in fleet.services.iter().filter(|s| s.tier == Tier::Critical) {
            match last_with(&recent, &s.name) {
                Some(g) => exercised.push((s, g)),
                None => {
                    let before = match last_with(past, &s.name) {
                        Some(g) => {
                            format!("its last gameday was on {} ({})", g.date, g.origin.file)
                        }
                        None => "it has never taken part in one".to_string(),
                    };
                    out.warn(format!(
                        "the critical service {} took part in no gameday in the last {days} days (since {since}): {before}",
                        s.name
                    ))
                    .at(s.origin.at("descriptor", "tier"))
                    .fix(format!(
                        "Include {} in the next gameday's `services`: critical services are exercised at least once every {days} days.",
                        s.name
                    ));
                }
            }
        }
        if !exercised.is_empty() {
            let list: Vec<String> = exercised
                .iter()
                .map(|(s, g)| format!("{} on {} ({})", s.name, g.date, g.origin.file))
                .collect();
            let f = out.pass(format!(
                "{} exercised in the last {days} days (since {since}): {}",
                plural(exercised.len(), "critical service", "critical services"),
                list.join(", ")
            ));
            for (_, g) in &exercised {
                f.at(g.origin.at("records", "services"));
            }
        }
    }
}

/// The latest of `gamedays` (in date order) in which `service` took part.
fn last_with<'a>(gamedays: &[&'a Gameday], service: &str) -> Option<&'a Gameday> {
    gamedays
        .iter()
        .rev()
        .find(|g| g.services.iter().any(|x| x == service))
        .copied()
}

/// Open action items of earlier gamedays past their due date.
fn overdue_actions(now: NaiveDate, past: &[&Gameday], out: &mut Findings) {
    for g in past {
        for (i, a) in g.actions.iter().enumerate() {
            let Some(due) = a.due else { continue };
            if a.done || due >= now {
                continue;
            }
            let owner = a.owner.as_deref().unwrap_or("no owner");
            let late = (now - due).num_days();
            out.warn(format!(
                "the action item \"{}\" of the gameday of {} ({}, owner {owner}) was due on {due} and is still open, {} past due",
                a.title,
                g.date,
                loc(g, &format!("actions[{i}]")),
                plural(usize::try_from(late).unwrap_or(0), "day", "days")
            ))
            .at(g.origin.at("records", &format!("actions[{i}]")))
            .fix("Finish the action item and set `done: true`, or give it a new due date agreed with its owner.");
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::fleet::{ActionItem, Fleet, Origin, RecordProblem, Service};
    use relman_core::yaml::Pos;
    use relman_core::{Finding, Status};

    use super::*;
    use crate::testing::*;

    fn item(title: &str, owner: Option<&str>, due: Option<&str>, done: bool) -> ActionItem {
        ActionItem {
            title: title.into(),
            owner: owner.map(str::to_string),
            due: due.map(date),
            done,
        }
    }

    fn gameday(d: &str, services: &[&str], complete: bool, actions: Vec<ActionItem>) -> Gameday {
        let mut origin = Origin::new(format!("records/gamedays/{d}.md"));
        origin.fields.insert("date".into(), Pos { line: 3, col: 7 });
        origin
            .fields
            .insert("actions".into(), Pos { line: 9, col: 3 });
        for i in 0..actions.len() {
            origin.fields.insert(
                format!("actions[{i}]"),
                Pos {
                    line: 10 + 4 * i as u32,
                    col: 5,
                },
            );
        }
        for i in 0..services.len() {
            origin
                .fields
                .insert(format!("services[{i}]"), Pos { line: 4, col: 12 });
        }
        Gameday {
            date: date(d),
            services: services.iter().map(|s| s.to_string()).collect(),
            hypothesis: complete.then(|| "it holds".to_string()),
            impact: complete.then(|| "p99 1.4 s".to_string()),
            actions,
            origin,
        }
    }

    fn svc(name: &str, tier: Tier) -> Service {
        let mut s = service(name);
        s.tier = tier;
        s.origin
            .fields
            .insert("tier".into(), Pos { line: 5, col: 7 });
        s
    }

    fn fleet_with(gamedays: Vec<Gameday>) -> Fleet {
        let mut f = fleet();
        f.services = vec![
            svc("playbooks", Tier::Critical),
            svc("payments-api", Tier::Critical),
            svc("ldap", Tier::Critical),
            svc("notifier", Tier::NonCritical),
        ];
        f.records.gamedays = gamedays;
        f
    }

    fn done(title: &str) -> ActionItem {
        item(title, Some("ana"), Some("2026-10-01"), true)
    }

    fn judge(f: &Fleet) -> Vec<Finding> {
        run_fleet(&MonthlyGamedays, f)
    }

    #[test]
    fn months() {
        let now = date("2026-11-24");
        assert_eq!(Month::of(now).back(1).name(), "October 2026");
        assert_eq!(Month::of(now).back(11).name(), "December 2025");
        assert_eq!(
            Month::of(date("2026-01-05")).back(1).name(),
            "December 2025"
        );
        assert_eq!(
            Month::of(date("2026-01-05")).back(25).name(),
            "December 2023"
        );
    }

    /// The demo fleet's gamedays: September and October are held, October's
    /// is incomplete, two earlier actions are overdue.
    #[test]
    fn the_demo_verdicts() {
        let f = fleet_with(vec![
            gameday(
                "2026-07-22",
                &["playbooks", "payments-api"],
                true,
                vec![
                    done("pool health checks"),
                    item(
                        "Document the failover in the db-main DR playbook",
                        Some("cloud-platform"),
                        Some("2026-08-15"),
                        false,
                    ),
                ],
            ),
            gameday(
                "2026-09-16",
                &["playbooks", "ldap", "notifier"],
                true,
                vec![
                    item(
                        "Reuse connections in notifier's provider clients",
                        Some("ana.ribeiro"),
                        Some("2026-10-31"),
                        false,
                    ),
                    done("ndots"),
                ],
            ),
            gameday(
                "2026-10-21",
                &["playbooks", "payments-api", "ldap"],
                false,
                Vec::new(),
            ),
        ]);
        assert_eq!(
            render(&judge(&f)),
            [
                "pass: a gameday was held in each of the last 2 complete months before 2026-11-24 (September 2026 and October 2026): September 2026: 2026-09-16 (records/gamedays/2026-09-16.md); October 2026: 2026-10-21 (records/gamedays/2026-10-21.md); November 2026 is in progress, with no gameday yet [records/gamedays/2026-09-16.md:3:7, records/gamedays/2026-10-21.md:3:7]",
                "fail: the gameday of 2026-10-21 (records/gamedays/2026-10-21.md) has no hypothesis (hypothesis), no measured impact (impact) and no action items (actions) [records/gamedays/2026-10-21.md:3:7]",
                "pass: 3 critical services exercised in the last 92 days (since 2026-08-24): playbooks on 2026-10-21 (records/gamedays/2026-10-21.md), payments-api on 2026-10-21 (records/gamedays/2026-10-21.md), ldap on 2026-10-21 (records/gamedays/2026-10-21.md) [records/gamedays/2026-10-21.md, records/gamedays/2026-10-21.md, records/gamedays/2026-10-21.md]",
                "warn: the action item \"Document the failover in the db-main DR playbook\" of the gameday of 2026-07-22 (records/gamedays/2026-07-22.md:14, owner cloud-platform) was due on 2026-08-15 and is still open, 101 days past due [records/gamedays/2026-07-22.md:14:5]",
                "warn: the action item \"Reuse connections in notifier's provider clients\" of the gameday of 2026-09-16 (records/gamedays/2026-09-16.md:10, owner ana.ribeiro) was due on 2026-10-31 and is still open, 24 days past due [records/gamedays/2026-09-16.md:10:5]",
            ]
            .join("\n")
        );
    }

    #[test]
    fn months_without_a_gameday_are_listed() {
        let f = fleet_with(vec![
            gameday("2026-07-22", &["playbooks"], true, vec![done("a")]),
            gameday("2026-11-03", &["playbooks"], true, vec![done("b")]),
        ]);
        let out = judge(&f);
        assert_eq!(
            out[0].message,
            "no gameday in September 2026 and October 2026: 2 of the last 2 complete months before 2026-11-24 (September 2026 and October 2026); the last one was on 2026-11-03 (records/gamedays/2026-11-03.md); November 2026 is in progress, with 2026-11-03 (records/gamedays/2026-11-03.md)"
        );
        assert_eq!(out[0].status, Status::Fail);
    }

    #[test]
    fn the_number_of_months_follows_the_fleet_file() {
        let mut f = fleet_with(vec![
            gameday(
                "2026-09-16",
                &["playbooks", "payments-api", "ldap"],
                true,
                vec![done("a")],
            ),
            gameday(
                "2026-10-21",
                &["playbooks", "payments-api", "ldap"],
                true,
                vec![done("b")],
            ),
        ]);
        assert_eq!(statuses(&judge(&f)), [Status::Pass, Status::Pass]);
        f.config.gamedays.months = 3;
        let out = judge(&f);
        assert_eq!(statuses(&out), [Status::Fail, Status::Pass]);
        assert!(out[0].message.starts_with("no gameday in August 2026: 1 of the last 3 complete months before 2026-11-24 (August 2026, September 2026 and October 2026)"), "{}", out[0].message);
    }

    #[test]
    fn no_gameday_at_all_fails() {
        let out = judge(&fleet_with(Vec::new()));
        assert_eq!(
            render(&out),
            [
                "fail: records/gamedays/ holds no gameday: no gameday in September 2026 and October 2026: 2 of the last 2 complete months before 2026-11-24 (September 2026 and October 2026); November 2026 is in progress, with no gameday yet [records/gamedays, relman.yaml]",
                "warn: the critical service playbooks took part in no gameday in the last 92 days (since 2026-08-24): it has never taken part in one [services/playbooks.yaml:5:7]",
                "warn: the critical service payments-api took part in no gameday in the last 92 days (since 2026-08-24): it has never taken part in one [services/payments-api.yaml:5:7]",
                "warn: the critical service ldap took part in no gameday in the last 92 days (since 2026-08-24): it has never taken part in one [services/ldap.yaml:5:7]",
            ]
            .join("\n")
        );
    }

    #[test]
    fn critical_services_left_out_warn_with_their_last_gameday() {
        let mut f = fleet_with(vec![
            gameday("2026-06-17", &["ldap"], true, vec![done("a")]),
            gameday(
                "2026-09-16",
                &["playbooks", "payments-api", "reporting"],
                true,
                vec![done("b")],
            ),
            gameday(
                "2026-10-21",
                &["playbooks"],
                true,
                vec![item("bare", None, None, false)],
            ),
        ]);
        f.config.gamedays.coverage_days = 60;
        let out = judge(&f);
        assert_eq!(
            render(&out),
            [
                "pass: a gameday was held in each of the last 2 complete months before 2026-11-24 (September 2026 and October 2026): September 2026: 2026-09-16 (records/gamedays/2026-09-16.md); October 2026: 2026-10-21 (records/gamedays/2026-10-21.md); November 2026 is in progress, with no gameday yet [records/gamedays/2026-09-16.md:3:7, records/gamedays/2026-10-21.md:3:7]",
                "warn: the gameday of 2026-10-21 (records/gamedays/2026-10-21.md) has action items without an owner or a due date: \"bare\" (no owner, no due date) [records/gamedays/2026-10-21.md:9:3]",
                "warn: the critical service payments-api took part in no gameday in the last 60 days (since 2026-09-25): its last gameday was on 2026-09-16 (records/gamedays/2026-09-16.md) [services/payments-api.yaml:5:7]",
                "warn: the critical service ldap took part in no gameday in the last 60 days (since 2026-09-25): its last gameday was on 2026-06-17 (records/gamedays/2026-06-17.md) [services/ldap.yaml:5:7]",
                "pass: 1 critical service exercised in the last 60 days (since 2026-09-25): playbooks on 2026-10-21 (records/gamedays/2026-10-21.md) [records/gamedays/2026-10-21.md]",
            ]
            .join("\n")
        );
        // With the default quarter, the September gameday's unknown service is named.
        f.config.gamedays.coverage_days = 92;
        let out = judge(&f);
        assert!(out.iter().any(|x| x.message == "the gameday of 2026-09-16 (records/gamedays/2026-09-16.md:4) names reporting, which is not a service of the fleet"));
    }

    #[test]
    fn future_gamedays_and_unreadable_records_warn() {
        let mut f = fleet_with(vec![
            gameday(
                "2026-09-16",
                &["playbooks", "payments-api", "ldap"],
                true,
                vec![done("a")],
            ),
            gameday("2026-10-21", &["playbooks"], true, vec![done("b")]),
            gameday("2026-12-02", &["playbooks"], true, vec![done("c")]),
        ]);
        f.records.problems.push(RecordProblem {
            file: "records/gamedays/2026-11.md".into(),
            line: Some(2),
            message: "records/gamedays/2026-11.md:2:1: invalid YAML".into(),
        });
        let out = judge(&f);
        assert_eq!(
            out[0].message,
            "1 gameday record could not be read and was not counted (records/gamedays/2026-11.md:2)"
        );
        assert_eq!(
            out[1].message,
            "the gameday records/gamedays/2026-12-02.md:3 is dated 2026-12-02, 8 days after today (2026-11-24): it is not counted"
        );
        assert_eq!(out[2].status, Status::Pass);
        assert!(
            out[2]
                .message
                .contains("November 2026 is in progress, with no gameday yet")
        );
    }
}
