//! Continuous improvement (C-1..C-4): incidents, postmortems, the
//! blameless lint and the separation of duties, from the records of the
//! fleet directory.
//!
//! An incident concerns every service in its `services` list. A record the
//! loader set aside (`Records::rejected`) is never judged silently: the
//! checks that would have read it report an `error` naming its problems.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use relman_core::fleet::{Incident, IncidentSeverity, Postmortem, Records, RejectedRecord};

use crate::{Findings, ServiceCx};

pub mod blame;
pub mod c1_incident_tracking;
pub mod c2_postmortems;
pub mod c3_separation_of_duties;
pub mod c4_blameless;

/// Major and critical incidents need a status page entry and a postmortem.
pub(crate) fn is_serious(severity: IncidentSeverity) -> bool {
    severity >= IncidentSeverity::Major
}

/// `2026-10-03T10:12:00Z`.
pub(crate) fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The incidents that concern the service, dated no later than today;
/// those dated later are reported as `error` (the loader reports them when
/// relman.yaml sets `now`; with `--now` or no `now`, the check does).
pub(crate) fn incidents_of<'a>(cx: &ServiceCx<'a>, out: &mut Findings) -> Vec<&'a Incident> {
    let records = &cx.fleet.records;
    let mut list = Vec::new();
    for inc in records.incidents_for(&cx.service.name) {
        let future = [("started", inc.started), ("resolved", inc.resolved)]
            .into_iter()
            .find_map(|(f, t)| t.filter(|t| t.date_naive() > cx.now).map(|t| (f, t)));
        if let Some((field, t)) = future {
            out.error(format!(
                "{} {field} {}, after today ({}): the record's date is wrong, or the audit's date is earlier than the record ({})",
                inc.id,
                iso(t),
                cx.now,
                inc.origin.field(field)
            ))
            .at(inc.origin.at("records", field))
            .fix("Correct the record's dates, or audit with a later --now.");
            continue;
        }
        list.push(inc);
    }
    list
}

/// Incident records naming the service that were set aside.
pub(crate) fn rejected_incidents_of<'a>(
    records: &'a Records,
    service: &str,
) -> impl Iterator<Item = &'a RejectedRecord> {
    records
        .rejected
        .iter()
        .filter(move |r| r.kind == "Incident" && r.services.iter().any(|s| s == service))
}

/// An `error` for a record that was set aside, naming its problems.
pub(crate) fn report_rejected(r: &RejectedRecord, what: &str, out: &mut Findings) {
    let id =
        r.id.as_deref()
            .map(|id| format!(" ({id})"))
            .unwrap_or_default();
    out.error(format!(
        "{}{id} could not be loaded, so {what}: {}",
        r.file,
        r.problems.join("; ")
    ))
    .at(relman_core::EvidenceRef::new("records", r.file.clone()))
    .fix("Fix the record (`relman validate` lists every problem with its line).");
}

/// The postmortem of an incident: the record its `postmortem` path names,
/// else the first record naming its id.
pub(crate) fn postmortem_of<'a>(records: &'a Records, inc: &Incident) -> Option<&'a Postmortem> {
    if let Some(path) = &inc.postmortem {
        if let Some(pm) = records
            .postmortems
            .iter()
            .find(|p| p.origin.file == path.display)
        {
            return Some(pm);
        }
    }
    records.postmortems.iter().find(|p| p.incident == inc.id)
}

/// A set-aside postmortem of an incident, by path or by id.
pub(crate) fn rejected_postmortem_of<'a>(
    records: &'a Records,
    inc: &Incident,
) -> Option<&'a RejectedRecord> {
    records.rejected.iter().find(|r| {
        r.kind == "Postmortem"
            && (r.id.as_deref() == Some(inc.id.as_str())
                || inc.postmortem.as_ref().is_some_and(|p| p.display == r.file))
    })
}

/// What to say when no incident concerns the service: nothing to judge
/// when the fleet keeps incident records (an incident record exists only
/// when an incident happened), `unverified` when it keeps none at all
/// (relman cannot tell "no incident" from "none recorded").
pub(crate) fn no_incident(cx: &ServiceCx<'_>, what: &str, out: &mut Findings) {
    let records = &cx.fleet.records;
    let kept =
        !records.incidents.is_empty() || records.rejected.iter().any(|r| r.kind == "Incident");
    if kept {
        out.not_applicable(format!(
            "no incident recorded for {} in records/incidents/: {what}",
            cx.service.name
        ));
    } else {
        out.unverified(format!(
            "the fleet keeps no incident records (records/incidents/ holds none), so relman cannot tell whether {} had no incident or none was recorded",
            cx.service.name
        ))
        .fix("Record every production incident in records/incidents/ (`relman import playbooks` turns playbook runs into records).");
    }
}

/// `1 incident`, `3 incidents`.
pub(crate) fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Days from `a` to `b`.
pub(crate) fn days(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// Records for the checks' tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use chrono::{DateTime, Utc};
    use relman_core::Finding;
    use relman_core::evidence::ServiceEvidence;
    use relman_core::fleet::{
        ActionItem, Fleet, FleetPath, Incident, IncidentSeverity, Origin, Postmortem, Runbook,
    };
    use relman_core::yaml::Pos;

    use crate::testing::{date, now, service};
    use crate::{ServiceCheck, ServiceCx};

    pub fn ts(s: &str) -> Option<DateTime<Utc>> {
        relman_core::time::parse_timestamp(s)
    }

    /// Resolved 2026-10-01, with a playbook run and a status page entry.
    pub fn incident(id: &str, severity: IncidentSeverity, services: &[&str]) -> Incident {
        let mut origin = Origin::new(format!("records/incidents/{id}.md"));
        origin.fields.insert("id".into(), Pos { line: 3, col: 5 });
        Incident {
            id: id.into(),
            severity,
            services: services.iter().map(|s| (*s).to_string()).collect(),
            started: ts("2026-10-01T10:00:00Z"),
            resolved: ts("2026-10-01T12:00:00Z"),
            statuspage: Some("https://status.example/1".into()),
            playbook_run: Some("https://chat.example/playbooks/runs/1".into()),
            postmortem: None,
            origin,
        }
    }

    pub fn item(title: &str, owner: Option<&str>, due: Option<&str>, done: bool) -> ActionItem {
        ActionItem {
            title: title.into(),
            owner: owner.map(str::to_string),
            due: due.map(date),
            done,
        }
    }

    pub fn runbook(written: &str, exists: bool) -> Runbook {
        if written.contains("://") {
            return Runbook::Url(written.into());
        }
        Runbook::Path {
            path: FleetPath {
                written: written.into(),
                resolved: written.into(),
                display: written.trim_start_matches("../").into(),
            },
            exists,
        }
    }

    /// Dated 2026-10-05, one owned and dated action item, one runbook.
    pub fn postmortem(incident: &str, body: &str) -> Postmortem {
        let mut origin = Origin::new(format!("records/postmortems/{incident}.md"));
        for (field, line) in [
            ("incident", 2),
            ("date", 3),
            ("action_items", 4),
            ("action_items[0]", 5),
            ("action_items[1]", 6),
            ("action_items[2]", 7),
            ("runbooks", 8),
            ("runbooks[0]", 9),
            ("runbooks[1]", 10),
        ] {
            origin.fields.insert(field.into(), Pos { line, col: 5 });
        }
        Postmortem {
            incident: incident.into(),
            date: Some(date("2026-10-05")),
            action_items: vec![item(
                "Automate it",
                Some("alice"),
                Some("2026-12-01"),
                false,
            )],
            runbooks: vec![runbook("../../docs/runbooks/a.md", true)],
            body: body.into(),
            body_line: 12,
            origin,
        }
    }

    pub fn judge(check: &dyn ServiceCheck, f: &Fleet, name: &str) -> Vec<Finding> {
        let s = service(name);
        crate::run_service(
            check,
            &ServiceCx {
                fleet: f,
                service: &s,
                evidence: &ServiceEvidence::default(),
                now: now(),
            },
        )
    }
}
