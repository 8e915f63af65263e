use chrono::{Days, NaiveDate};
use relman_core::fleet::{Incident, Postmortem, Runbook};
use relman_core::{EvidenceRef, Severity};

use super::{
    count, days, incidents_of, is_serious, no_incident, postmortem_of, rejected_incidents_of,
    rejected_postmortem_of, report_rejected,
};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// C-2: major and critical incidents get a timely postmortem with owned,
/// dated action items and runbooks.
pub struct Postmortems;

static META: CheckMeta = CheckMeta {
    rule: "C-2",
    id: "postmortems",
    severity: Severity::High,
    title: "Major and critical incidents get a timely postmortem with owned actions and runbooks",
    what: "Each major or critical incident naming the service has a postmortem record (the one its `postmortem` path names, or one whose `incident` is its id) dated at most `postmortems.due_days` (relman.yaml, default 7) days after the incident was resolved. Missing or late, it fails, saying by how many days; an incident not yet resolved, or resolved but still within the allowance, warns with the due date (nothing is broken yet, but nothing shows the postmortem will come). The postmortem lists action items, each with an owner and a due date, and links at least one runbook; a runbook given as a path must exist. Open action items past their due date warn, whatever the incident's severity. Only minor incidents: not applicable.",
    why: "A postmortem turns an outage into changes that stop it coming back; written weeks later, the details are gone. Action items without an owner or a date do not get done, and the runbook written during the incident is what helps the next on-call.",
    fix: "Write the postmortem in records/postmortems/ within the allowance after resolution, with `action_items` (title, owner, due) and `runbooks` (paths relative to the postmortem, or links), and close action items when done.",
};

fn add_days(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(n))).unwrap_or(d)
}

/// The verdict for one major or critical incident.
fn judge_incident(cx: &ServiceCx<'_>, inc: &Incident, out: &mut Findings) {
    let records = &cx.fleet.records;
    let due_days = cx.fleet.config.postmortems.due_days;
    let sev = inc.severity.as_str();
    let Some(pm) = postmortem_of(records, inc) else {
        if let Some(r) = rejected_postmortem_of(records, inc) {
            report_rejected(
                r,
                &format!("the postmortem of {} is not judged", inc.id),
                out,
            );
            return;
        }
        let new_record = format!(
            "Write the postmortem of {} in records/postmortems/ (`kind: Postmortem`, `incident: {}`) and link it from {} as `postmortem`.",
            inc.id, inc.id, inc.origin.file
        );
        let Some(resolved) = inc.resolved else {
            out.warn(format!(
                "{} ({sev}) is not resolved yet, and has no postmortem: it will be due {due_days} days after it is resolved ({})",
                inc.id, inc.origin.file
            ))
            .at(inc.origin.at("records", "id"))
            .fix(format!("Set `resolved` when the incident is over. {new_record}"));
            return;
        };
        let r = resolved.date_naive();
        let due = add_days(r, due_days);
        if cx.now <= due {
            out.warn(format!(
                "{} ({sev}) was resolved on {r} and has no postmortem yet: it is due by {due} ({r} + {due_days} days), in {} ({})",
                inc.id,
                count(usize::try_from(days(cx.now, due)).unwrap_or(0), "day"),
                inc.origin.file
            ))
            .at(inc.origin.at("records", "id"))
            .fix(new_record);
        } else {
            out.fail(format!(
                "{} ({sev}) was resolved on {r} and has no postmortem: it was due by {due} ({r} + {due_days} days), {} ago ({})",
                inc.id,
                count(usize::try_from(days(due, cx.now)).unwrap_or(0), "day"),
                inc.origin.file
            ))
            .at(inc.origin.at("records", "id"))
            .fix(new_record);
        }
        return;
    };

    let file = &pm.origin.file;
    let of = format!("the postmortem of {} ({file})", inc.id);
    let failures = out.list.len();
    if let Some(d) = pm.date.filter(|d| *d > cx.now) {
        out.error(format!(
            "{of} is dated {d}, after today ({}): the record's date is wrong, or the audit's date is earlier than the record",
            cx.now
        ))
        .at(pm.origin.at("records", "date"))
        .fix("Correct the postmortem's date, or audit with a later --now.");
        return;
    }

    // On time?
    let mut timing = String::new();
    match (pm.date, inc.resolved) {
        (None, _) => {
            out.fail(format!(
                "{of} has no `date`, so whether it came within {due_days} days of the resolution cannot be told"
            ))
            .at(pm.origin.at("records", "incident"))
            .fix(format!("Set `date` in {file} to the day the postmortem was written."));
        }
        (Some(d), Some(resolved)) => {
            let r = resolved.date_naive();
            let took = days(r, d);
            if took > i64::from(due_days) {
                out.fail(format!(
                    "{of} is dated {d}, {took} days after the incident was resolved on {r}: {} later than the {due_days} allowed (due by {})",
                    count(
                        usize::try_from(took - i64::from(due_days)).unwrap_or(0),
                        "day"
                    ),
                    add_days(r, due_days)
                ))
                .at(pm.origin.at("records", "date"))
                .fix(format!(
                    "Write postmortems within {due_days} days of resolution: schedule the postmortem meeting when the incident is resolved."
                ));
            } else {
                timing = format!("dated {d}, {took} days after resolution (at most {due_days})");
            }
        }
        (Some(d), None) => timing = format!("dated {d}, before the incident was resolved"),
    }

    action_items(pm, &of, out);
    runbooks(pm, &of, out);

    if out.list.len() == failures {
        let books: Vec<&str> = pm.runbooks.iter().map(Runbook::written).collect();
        out.pass(format!(
            "{} ({sev}) has its postmortem {file}, {timing}; {}, all with an owner and a due date; runbooks: {}",
            inc.id,
            count(pm.action_items.len(), "action item"),
            books.join(", ")
        ))
        .at(EvidenceRef::new("records", file.clone()));
    }
}

fn action_items(pm: &Postmortem, of: &str, out: &mut Findings) {
    if pm.action_items.is_empty() {
        out.fail(format!("{of} lists no action items"))
            .at(pm.origin.at("records", "action_items"))
            .fix("List the postmortem's action items in `action_items`, each with a `title`, an `owner` and a `due` date.");
        return;
    }
    let lacking: Vec<(usize, String)> = pm
        .action_items
        .iter()
        .enumerate()
        .filter_map(|(i, a)| {
            let what = match (a.owner.is_none(), a.due.is_none()) {
                (false, false) => return None,
                (true, false) => "no owner",
                (false, true) => "no due date",
                (true, true) => "no owner, no due date",
            };
            Some((i, format!("\"{}\" ({what})", a.title)))
        })
        .collect();
    if let Some((first, _)) = lacking.first() {
        let list: Vec<&str> = lacking.iter().map(|(_, s)| s.as_str()).collect();
        out.fail(format!(
            "{of} has {} of {} without an owner or a due date: {}",
            lacking.len(),
            count(pm.action_items.len(), "action item"),
            list.join(", ")
        ))
        .at(pm.origin.at("records", &format!("action_items[{first}]")))
        .fix("Give every action item an `owner` (a person or a team) and a `due` date.");
    }
}

fn runbooks(pm: &Postmortem, of: &str, out: &mut Findings) {
    if pm.runbooks.is_empty() {
        out.fail(format!("{of} links no runbook (`runbooks`)"))
            .at(pm.origin.at("records", "incident"))
            .fix("Write or update the runbook the incident called for, keep it with the service's documentation, and link it in `runbooks`.");
        return;
    }
    for (i, rb) in pm.runbooks.iter().enumerate() {
        if let Runbook::Path {
            path,
            exists: false,
        } = rb
        {
            out.fail(format!(
                "{of} links the runbook {}, which does not exist ({})",
                path.written, path.display
            ))
            .at(pm.origin.at("records", &format!("runbooks[{i}]")))
            .fix("Add the runbook to the documentation, or correct the path (relative to the postmortem).");
        }
    }
}

/// Open action items past their due date.
fn overdue(cx: &ServiceCx<'_>, inc: &Incident, pm: &Postmortem, out: &mut Findings) {
    for (i, a) in pm.action_items.iter().enumerate() {
        let Some(due) = a.due.filter(|d| !a.done && *d < cx.now) else {
            continue;
        };
        let owner = a
            .owner
            .as_deref()
            .map_or("no owner".to_string(), |o| format!("owner {o}"));
        out.warn(format!(
            "action item \"{}\" of the postmortem of {} ({owner}) was due on {due} and is still open: {} overdue ({})",
            a.title,
            inc.id,
            count(usize::try_from(days(due, cx.now)).unwrap_or(0), "day"),
            pm.origin.file
        ))
        .at(pm.origin.at("records", &format!("action_items[{i}]")))
        .fix("Finish the action item and set `done: true`, or agree a new due date with its owner and record it.");
    }
}

impl ServiceCheck for Postmortems {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let records = &cx.fleet.records;
        for r in rejected_incidents_of(records, &cx.service.name) {
            if r.severity.is_none_or(is_serious) {
                report_rejected(r, "whether it has a timely postmortem is not judged", out);
            }
        }
        let incidents = incidents_of(cx, out);
        for inc in incidents.iter().filter(|i| is_serious(i.severity)) {
            judge_incident(cx, inc, out);
        }
        let mut seen: Vec<&str> = Vec::new();
        for inc in &incidents {
            if let Some(pm) = postmortem_of(records, inc) {
                if !seen.contains(&pm.origin.file.as_str()) {
                    seen.push(&pm.origin.file);
                    overdue(cx, inc, pm, out);
                }
            }
        }
        if !out.list.is_empty() {
            return;
        }
        if incidents.is_empty() {
            no_incident(cx, "no postmortem is due", out);
            return;
        }
        let ids: Vec<&str> = incidents.iter().map(|i| i.id.as_str()).collect();
        out.not_applicable(format!(
            "{} ({}), none major or critical: postmortems are required after major and critical incidents",
            count(incidents.len(), "minor incident"),
            ids.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::fleet::{Fleet, FleetPath, IncidentSeverity, RejectedRecord};

    use super::*;
    use crate::improvement::fixtures::{incident, item, judge, postmortem, runbook, ts};
    use crate::testing::*;

    fn run(f: &Fleet, service: &str) -> Vec<relman_core::Finding> {
        judge(&Postmortems, f, service)
    }

    fn fleet_with(inc: Incident, pm: Option<Postmortem>) -> Fleet {
        let mut f = fleet();
        f.records.incidents = vec![inc];
        f.records.postmortems = pm.into_iter().collect();
        f
    }

    #[test]
    fn a_timely_complete_postmortem_passes() {
        let f = fleet_with(
            incident("INC-1", IncidentSeverity::Critical, &["a"]),
            Some(postmortem("INC-1", "")),
        );
        assert_eq!(
            render(&run(&f, "a")),
            "pass: INC-1 (critical) has its postmortem records/postmortems/INC-1.md, dated 2026-10-05, 4 days after resolution (at most 7); 1 action item, all with an owner and a due date; runbooks: ../../docs/runbooks/a.md [records/postmortems/INC-1.md]"
        );
    }

    #[test]
    fn the_incident_path_finds_a_postmortem_that_names_another_id() {
        let mut inc = incident("INC-1", IncidentSeverity::Major, &["a"]);
        inc.postmortem = Some(FleetPath {
            written: "../postmortems/inc-1.md".into(),
            resolved: "records/postmortems/inc-1.md".into(),
            display: "records/postmortems/inc-1.md".into(),
        });
        let f = fleet_with(inc, Some(postmortem("inc-1", "")));
        assert_eq!(statuses(&run(&f, "a")), [Status::Pass]);
    }

    #[test]
    fn a_missing_postmortem_fails_once_due_and_warns_before() {
        let mut f = fleet_with(incident("INC-1", IncidentSeverity::Major, &["a"]), None);
        assert_eq!(
            render(&run(&f, "a")),
            "fail: INC-1 (major) was resolved on 2026-10-01 and has no postmortem: it was due by 2026-10-08 (2026-10-01 + 7 days), 47 days ago (records/incidents/INC-1.md) [records/incidents/INC-1.md:3:5]"
        );
        f.records.incidents[0].resolved = ts("2026-11-20T09:00:00Z");
        f.config.postmortems.due_days = 5;
        assert_eq!(
            render(&run(&f, "a")),
            "warn: INC-1 (major) was resolved on 2026-11-20 and has no postmortem yet: it is due by 2026-11-25 (2026-11-20 + 5 days), in 1 day (records/incidents/INC-1.md) [records/incidents/INC-1.md:3:5]"
        );
        f.records.incidents[0].resolved = None;
        assert_eq!(
            render(&run(&f, "a")),
            "warn: INC-1 (major) is not resolved yet, and has no postmortem: it will be due 5 days after it is resolved (records/incidents/INC-1.md) [records/incidents/INC-1.md:3:5]"
        );
    }

    #[test]
    fn a_late_or_incomplete_postmortem_fails_naming_each_problem() {
        let mut pm = postmortem("INC-1", "");
        pm.date = Some(date("2026-10-20"));
        pm.action_items = vec![
            item("Automate renewal", Some("alice"), Some("2026-12-01"), false),
            item("Alert on expiry", None, Some("2026-12-01"), false),
            item("Write the runbook", None, None, true),
        ];
        pm.runbooks = vec![
            runbook("https://wiki.example/runbooks/a", true),
            runbook("../../docs/runbooks/missing.md", false),
        ];
        let f = fleet_with(
            incident("INC-1", IncidentSeverity::Critical, &["a"]),
            Some(pm),
        );
        let found = run(&f, "a");
        assert_eq!(
            render(&found),
            [
                "fail: the postmortem of INC-1 (records/postmortems/INC-1.md) is dated 2026-10-20, 19 days after the incident was resolved on 2026-10-01: 12 days later than the 7 allowed (due by 2026-10-08) [records/postmortems/INC-1.md:3:5]",
                "fail: the postmortem of INC-1 (records/postmortems/INC-1.md) has 2 of 3 action items without an owner or a due date: \"Alert on expiry\" (no owner), \"Write the runbook\" (no owner, no due date) [records/postmortems/INC-1.md:6:5]",
                "fail: the postmortem of INC-1 (records/postmortems/INC-1.md) links the runbook ../../docs/runbooks/missing.md, which does not exist (docs/runbooks/missing.md) [records/postmortems/INC-1.md:10:5]",
            ]
            .join("\n")
        );

        let mut bare = postmortem("INC-1", "");
        bare.date = None;
        bare.action_items.clear();
        bare.runbooks.clear();
        let f = fleet_with(
            incident("INC-1", IncidentSeverity::Major, &["a"]),
            Some(bare),
        );
        assert_eq!(
            render(&run(&f, "a")),
            [
                "fail: the postmortem of INC-1 (records/postmortems/INC-1.md) has no `date`, so whether it came within 7 days of the resolution cannot be told [records/postmortems/INC-1.md:2:5]",
                "fail: the postmortem of INC-1 (records/postmortems/INC-1.md) lists no action items [records/postmortems/INC-1.md:4:5]",
                "fail: the postmortem of INC-1 (records/postmortems/INC-1.md) links no runbook (`runbooks`) [records/postmortems/INC-1.md:2:5]",
            ]
            .join("\n")
        );
    }

    #[test]
    fn open_action_items_past_due_warn_even_for_minor_incidents() {
        let mut pm = postmortem("INC-1", "");
        pm.action_items = vec![
            item(
                "Automate renewal",
                Some("k.owusu"),
                Some("2026-10-31"),
                false,
            ),
            item("Alert on expiry", Some("oncall"), Some("2026-10-20"), true),
        ];
        let f = fleet_with(
            incident("INC-1", IncidentSeverity::Critical, &["a"]),
            Some(pm.clone()),
        );
        let found = run(&f, "a");
        assert_eq!(statuses(&found), [Status::Pass, Status::Warn]);
        assert_eq!(
            render(&found[1..]),
            "warn: action item \"Automate renewal\" of the postmortem of INC-1 (owner k.owusu) was due on 2026-10-31 and is still open: 24 days overdue (records/postmortems/INC-1.md) [records/postmortems/INC-1.md:5:5]"
        );
        let f = fleet_with(incident("INC-1", IncidentSeverity::Minor, &["a"]), Some(pm));
        assert_eq!(statuses(&run(&f, "a")), [Status::Warn]);
    }

    #[test]
    fn minor_incidents_only_are_not_applicable() {
        let f = fleet_with(incident("INC-1", IncidentSeverity::Minor, &["a"]), None);
        assert_eq!(
            render(&run(&f, "a")),
            "not_applicable: 1 minor incident (INC-1), none major or critical: postmortems are required after major and critical incidents []"
        );
        assert_eq!(
            render(&run(&f, "b")),
            "not_applicable: no incident recorded for b in records/incidents/: no postmortem is due []"
        );
    }

    #[test]
    fn records_set_aside_are_errors_not_missing_postmortems() {
        let mut f = fleet_with(incident("INC-1", IncidentSeverity::Major, &["a"]), None);
        f.records.rejected = vec![
            RejectedRecord {
                file: "records/postmortems/inc-1.md".into(),
                kind: "Postmortem".into(),
                id: Some("INC-1".into()),
                services: Vec::new(),
                severity: None,
                problems: vec!["records/postmortems/inc-1.md:1:1: no YAML front matter".into()],
            },
            RejectedRecord {
                file: "records/incidents/inc-2.md".into(),
                kind: "Incident".into(),
                id: Some("INC-2".into()),
                services: vec!["a".into()],
                severity: Some(IncidentSeverity::Minor),
                problems: vec!["records/incidents/inc-2.md:9:13: statuspage: invalid URL".into()],
            },
        ];
        assert_eq!(
            render(&run(&f, "a")),
            "error: records/postmortems/inc-1.md (INC-1) could not be loaded, so the postmortem of INC-1 is not judged: records/postmortems/inc-1.md:1:1: no YAML front matter [records/postmortems/inc-1.md]"
        );
        let mut pm = postmortem("INC-1", "");
        pm.date = Some(date("2026-12-01"));
        f.records.postmortems = vec![pm];
        assert_eq!(
            render(&run(&f, "a")),
            "error: the postmortem of INC-1 (records/postmortems/INC-1.md) is dated 2026-12-01, after today (2026-11-24): the record's date is wrong, or the audit's date is earlier than the record [records/postmortems/INC-1.md:3:5]"
        );
    }
}
