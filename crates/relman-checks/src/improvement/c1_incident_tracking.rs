use relman_core::Severity;
use relman_core::fleet::{Incident, IncidentSeverity};

use super::{count, incidents_of, is_serious, no_incident, rejected_incidents_of, report_rejected};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// C-1: every incident is tracked in a playbook run; major and critical
/// ones are also posted on the status page.
pub struct IncidentTracking;

static META: CheckMeta = CheckMeta {
    rule: "C-1",
    id: "incident-tracking",
    severity: Severity::Medium,
    title: "Incidents are tracked in a playbook run, major ones on the status page",
    what: "Every incident record naming the service (records/incidents/) links the incident-response playbook run it was handled in (`playbook_run`), and every major or critical one also links its status page entry (`statuspage`). One failure per incident lacking them; one pass summing up the others. A service no incident names is not applicable when the fleet keeps incident records (a record exists only when an incident happened), and unverified when the fleet keeps none at all (relman cannot tell no incident from none recorded). An incident record that could not be loaded is an error.",
    why: "A playbook run gives every incident the same steps, roles and timeline, which the postmortem then reads; the status page tells customers what is going on before they have to ask.",
    fix: "Handle every incident in an incident-response playbook run and link it as `playbook_run`; post major and critical incidents on the status page and link the entry as `statuspage`.",
};

fn started(inc: &Incident) -> String {
    inc.started
        .map(|t| format!(", started {}", t.date_naive()))
        .unwrap_or_default()
}

/// `the 1 major and 2 critical`.
fn serious_counts(incidents: &[&Incident]) -> (String, usize) {
    let major = incidents
        .iter()
        .filter(|i| i.severity == IncidentSeverity::Major)
        .count();
    let critical = incidents
        .iter()
        .filter(|i| i.severity == IncidentSeverity::Critical)
        .count();
    let text = match (major, critical) {
        (0, c) => format!("the {c} critical"),
        (m, 0) => format!("the {m} major"),
        (m, c) => format!("the {m} major and {c} critical"),
    };
    (text, major + critical)
}

impl ServiceCheck for IncidentTracking {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let records = &cx.fleet.records;
        let rejected: Vec<_> = rejected_incidents_of(records, &cx.service.name).collect();
        for r in &rejected {
            report_rejected(r, "how it was tracked is not judged", out);
        }
        let incidents = incidents_of(cx, out);
        if incidents.is_empty() {
            if out.list.is_empty() {
                no_incident(cx, "no incident to track", out);
            }
            return;
        }

        let mut tracked = Vec::new();
        for inc in &incidents {
            let no_run = inc.playbook_run.is_none();
            let no_page = is_serious(inc.severity) && inc.statuspage.is_none();
            let what = match (no_run, no_page) {
                (false, false) => {
                    tracked.push(*inc);
                    continue;
                }
                (true, false) => "links no playbook run (`playbook_run`)".to_string(),
                (false, true) => "links no status page entry (`statuspage`), which major and critical incidents need".to_string(),
                (true, true) => "links no playbook run (`playbook_run`) and no status page entry (`statuspage`), which major and critical incidents need".to_string(),
            };
            let mut fix = Vec::new();
            if no_run {
                fix.push("handle the incident in an incident-response playbook run and link it as `playbook_run`");
            }
            if no_page {
                fix.push("post the incident on the status page and link the entry as `statuspage`");
            }
            let mut fix = fix.join("; ");
            if let Some(first) = fix.get(..1) {
                fix = format!(
                    "{}{} ({})",
                    first.to_uppercase(),
                    &fix[1..],
                    inc.origin.file
                );
            }
            out.fail(format!(
                "{} ({}{}) {what} ({})",
                inc.id,
                inc.severity.as_str(),
                started(inc),
                inc.origin.file
            ))
            .at(inc.origin.at("records", "id"))
            .fix(fix);
        }

        if tracked.is_empty() {
            return;
        }
        let ids: Vec<&str> = tracked.iter().map(|i| i.id.as_str()).collect();
        let head = if tracked.len() == incidents.len() {
            format!(
                "{}, all tracked in playbook runs ({})",
                count(incidents.len(), "incident"),
                ids.join(", ")
            )
        } else {
            format!(
                "{} of {} tracked in playbook runs ({})",
                tracked.len(),
                count(incidents.len(), "incident"),
                ids.join(", ")
            )
        };
        let serious: Vec<&Incident> = tracked
            .iter()
            .copied()
            .filter(|i| is_serious(i.severity))
            .collect();
        let tail = if serious.is_empty() {
            "none of them major or critical, so no status page entry was needed".to_string()
        } else {
            let (who, n) = serious_counts(&serious);
            if n == 1 {
                format!("{who} also has a status page entry")
            } else {
                format!("{who} also have status page entries")
            }
        };
        let f = out.pass(format!("{head}; {tail}"));
        for inc in tracked {
            f.at(inc.origin.at("records", "id"));
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::fleet::{Fleet, RejectedRecord};

    use super::*;
    use crate::improvement::fixtures::{incident, ts};
    use crate::testing::*;

    fn judge(f: &Fleet, service: &str) -> Vec<relman_core::Finding> {
        crate::improvement::fixtures::judge(&IncidentTracking, f, service)
    }

    #[test]
    fn tracked_incidents_pass_with_a_summary() {
        let mut f = fleet();
        f.records.incidents = vec![
            incident("INC-1", IncidentSeverity::Minor, &["a"]),
            incident("INC-2", IncidentSeverity::Critical, &["a", "b"]),
            incident("INC-3", IncidentSeverity::Major, &["a"]),
            incident("INC-4", IncidentSeverity::Major, &["b"]),
        ];
        assert_eq!(
            render(&judge(&f, "a")),
            "pass: 3 incidents, all tracked in playbook runs (INC-1, INC-2, INC-3); the 1 major and 1 critical also have status page entries [records/incidents/INC-1.md:3:5, records/incidents/INC-2.md:3:5, records/incidents/INC-3.md:3:5]"
        );
        f.records.incidents.retain(|i| i.id == "INC-1");
        assert_eq!(
            render(&judge(&f, "a")),
            "pass: 1 incident, all tracked in playbook runs (INC-1); none of them major or critical, so no status page entry was needed [records/incidents/INC-1.md:3:5]"
        );
    }

    #[test]
    fn each_untracked_incident_fails_naming_what_is_missing() {
        let mut f = fleet();
        let mut minor = incident("INC-1", IncidentSeverity::Minor, &["a"]);
        minor.playbook_run = None;
        minor.statuspage = None;
        let mut major = incident("INC-2", IncidentSeverity::Major, &["a"]);
        major.statuspage = None;
        let mut critical = incident("INC-3", IncidentSeverity::Critical, &["a"]);
        critical.statuspage = None;
        critical.playbook_run = None;
        f.records.incidents = vec![
            minor,
            major,
            critical,
            incident("INC-4", IncidentSeverity::Major, &["a"]),
        ];
        let found = judge(&f, "a");
        assert_eq!(
            statuses(&found),
            [Status::Fail, Status::Fail, Status::Fail, Status::Pass]
        );
        assert_eq!(
            render(&found),
            [
                r#"fail: INC-1 (minor, started 2026-10-01) links no playbook run (`playbook_run`) (records/incidents/INC-1.md) [records/incidents/INC-1.md:3:5]"#,
                r#"fail: INC-2 (major, started 2026-10-01) links no status page entry (`statuspage`), which major and critical incidents need (records/incidents/INC-2.md) [records/incidents/INC-2.md:3:5]"#,
                r#"fail: INC-3 (critical, started 2026-10-01) links no playbook run (`playbook_run`) and no status page entry (`statuspage`), which major and critical incidents need (records/incidents/INC-3.md) [records/incidents/INC-3.md:3:5]"#,
                r#"pass: 1 of 4 incidents tracked in playbook runs (INC-4); the 1 major also has a status page entry [records/incidents/INC-4.md:3:5]"#
            ]
            .join("\n")
        );
        assert_eq!(
            found[2].remediation.as_deref(),
            Some(
                "Handle the incident in an incident-response playbook run and link it as `playbook_run`; post the incident on the status page and link the entry as `statuspage` (records/incidents/INC-3.md)"
            )
        );
    }

    #[test]
    fn no_incident_is_not_applicable_or_unverified() {
        let mut f = fleet();
        let found = judge(&f, "a");
        assert_eq!(statuses(&found), [Status::Unverified]);
        assert_eq!(
            render(&found),
            "unverified: the fleet keeps no incident records (records/incidents/ holds none), so relman cannot tell whether a had no incident or none was recorded []"
        );
        f.records.incidents = vec![incident("INC-1", IncidentSeverity::Minor, &["b"])];
        assert_eq!(
            render(&judge(&f, "a")),
            "not_applicable: no incident recorded for a in records/incidents/: no incident to track []"
        );
    }

    #[test]
    fn records_set_aside_and_future_dates_are_errors() {
        let mut f = fleet();
        let mut future = incident("INC-9", IncidentSeverity::Minor, &["a"]);
        future.started = ts("2026-12-01T10:00:00Z");
        future.resolved = None;
        f.records.incidents = vec![future];
        f.records.rejected = vec![RejectedRecord {
            file: "records/incidents/inc-3.md".into(),
            kind: "Incident".into(),
            id: Some("INC-3".into()),
            services: vec!["a".into()],
            severity: None,
            problems: vec!["records/incidents/inc-3.md:4:11: severity: unknown value \"sev1\", expected one of minor, major, critical".into()],
        }];
        let found = judge(&f, "a");
        assert_eq!(
            render(&found),
            [
                r#"error: records/incidents/inc-3.md (INC-3) could not be loaded, so how it was tracked is not judged: records/incidents/inc-3.md:4:11: severity: unknown value "sev1", expected one of minor, major, critical [records/incidents/inc-3.md]"#,
                r#"error: INC-9 started 2026-12-01T10:00:00Z, after today (2026-11-24): the record's date is wrong, or the audit's date is earlier than the record (records/incidents/INC-9.md: started) [records/incidents/INC-9.md]"#
            ]
            .join("\n")
        );
        // Another service is not concerned.
        assert_eq!(statuses(&judge(&f, "b")), [Status::NotApplicable]);
    }
}
