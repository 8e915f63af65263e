//! Incident figures for the report: per service, per team and for the
//! fleet, over the 12 months up to `now`.
//!
//! Computed from `fleet.records` alone (no I/O). An incident counts when it
//! started within the window, both ends included; incidents without a valid
//! start time cannot be placed in the window and are left out (the loader
//! has reported them). The mean time to resolve is taken over the counted
//! incidents that have a `resolved` time. A major or critical incident has
//! a postmortem when its `postmortem` path names a loaded Postmortem record
//! or a Postmortem record names the incident's id.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Months, NaiveDate};
use relman_core::fleet::{Fleet, Incident, IncidentSeverity};
use relman_core::report::{IncidentFigures, IncidentSummary, Report};

/// How far back the figures look.
pub const WINDOW_MONTHS: u32 = 12;

/// The first and last day of the window ending on `now`.
pub fn window(now: NaiveDate) -> (NaiveDate, NaiveDate) {
    let since = now
        .checked_sub_months(Months::new(WINDOW_MONTHS))
        .unwrap_or(NaiveDate::MIN);
    (since, now)
}

/// The incidents of the window and whether each has a postmortem.
struct Counted<'f> {
    incidents: Vec<(&'f Incident, bool)>,
}

impl<'f> Counted<'f> {
    fn new(fleet: &'f Fleet, now: NaiveDate) -> Counted<'f> {
        let (since, until) = window(now);
        let records = &fleet.records;
        let postmortem_files: BTreeSet<&str> = records
            .postmortems
            .iter()
            .map(|p| p.origin.file.as_str())
            .collect();
        let postmortem_ids: BTreeSet<&str> = records
            .postmortems
            .iter()
            .map(|p| p.incident.as_str())
            .collect();
        let mut incidents: Vec<(&Incident, bool)> = records
            .incidents
            .iter()
            .filter(|i| {
                i.started
                    .is_some_and(|s| (since..=until).contains(&s.date_naive()))
            })
            .map(|i| {
                let by_path = i
                    .postmortem
                    .as_ref()
                    .is_some_and(|p| postmortem_files.contains(p.display.as_str()));
                (i, by_path || postmortem_ids.contains(i.id.as_str()))
            })
            .collect();
        incidents.sort_by(|(a, _), (b, _)| (a.started, &a.id).cmp(&(b.started, &b.id)));
        Counted { incidents }
    }

    /// The figures over the incidents `keep` selects.
    fn figures(&self, keep: impl Fn(&Incident) -> bool) -> IncidentFigures {
        let mut f = IncidentFigures::default();
        let mut hours = 0.0;
        for (i, has_postmortem) in self.incidents.iter().filter(|(i, _)| keep(i)) {
            match i.severity {
                IncidentSeverity::Minor => f.minor += 1,
                IncidentSeverity::Major => f.major += 1,
                IncidentSeverity::Critical => f.critical += 1,
            }
            match (i.started, i.resolved) {
                (Some(s), Some(r)) => {
                    f.resolved += 1;
                    hours += (r - s).num_seconds() as f64 / 3600.0;
                }
                _ => f.open += 1,
            }
            if i.severity >= IncidentSeverity::Major {
                f.postmortems_due += 1;
                if *has_postmortem {
                    f.postmortems += 1;
                } else {
                    f.without_postmortem.push(i.id.clone());
                }
            }
            f.ids.push(i.id.clone());
        }
        f.mttr_hours = (f.resolved > 0).then(|| hours / f.resolved as f64);
        f.postmortem_coverage =
            (f.postmortems_due > 0).then(|| f.postmortems as f64 / f.postmortems_due as f64);
        f
    }
}

fn summary(now: NaiveDate, figures: IncidentFigures) -> IncidentSummary {
    let (since, until) = window(now);
    IncidentSummary {
        since: since.to_string(),
        until: until.to_string(),
        figures,
    }
}

/// Give every service, every team and the fleet its incident figures.
/// Nothing is added when the fleet keeps no incident records.
pub(crate) fn attach(fleet: &Fleet, now: NaiveDate, report: &mut Report) {
    if fleet.records.incidents.is_empty() {
        return;
    }
    let counted = Counted::new(fleet, now);
    for s in &mut report.services {
        s.incidents = Some(counted.figures(|i| i.services.contains(&s.name)));
    }
    let team_services: BTreeMap<&str, Vec<&str>> = report
        .teams
        .iter()
        .map(|t| {
            (
                t.name.as_str(),
                t.services.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let mut by_team: HashMap<String, IncidentFigures> = HashMap::new();
    for (team, services) in &team_services {
        let f = counted.figures(|i| i.services.iter().any(|s| services.contains(&s.as_str())));
        by_team.insert((*team).to_string(), f);
    }
    for t in &mut report.teams {
        t.incidents = by_team.remove(&t.name);
    }
    report.summary.incidents = Some(summary(now, counted.figures(|_| true)));
}

/// After a filter kept only some services or teams: the fleet figures
/// count only the incidents that name a service still in the report.
pub(crate) fn narrow(fleet: &Fleet, now: NaiveDate, report: &mut Report) {
    if report.summary.incidents.is_none() {
        return;
    }
    let counted = Counted::new(fleet, now);
    let kept: BTreeSet<&str> = report.services.iter().map(|s| s.name.as_str()).collect();
    let figures = counted.figures(|i| i.services.iter().any(|s| kept.contains(s.as_str())));
    report.summary.incidents = Some(summary(now, figures));
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use relman_core::fleet::{FleetPath, Origin, Postmortem, Service};
    use relman_core::report::{SCHEMA, ServiceReport, Summary, TeamReport};

    use super::*;

    fn at(s: &str) -> Option<DateTime<Utc>> {
        relman_core::time::parse_timestamp(s)
    }

    fn incident(
        id: &str,
        severity: IncidentSeverity,
        services: &[&str],
        started: &str,
        resolved: Option<&str>,
    ) -> Incident {
        Incident {
            id: id.to_string(),
            severity,
            services: services.iter().map(|s| s.to_string()).collect(),
            started: at(started),
            resolved: resolved.and_then(at),
            statuspage: None,
            playbook_run: None,
            postmortem: None,
            origin: Origin::new(format!("records/incidents/{id}.md")),
        }
    }

    fn postmortem(file: &str, incident: &str) -> Postmortem {
        Postmortem {
            incident: incident.to_string(),
            date: None,
            action_items: Vec::new(),
            runbooks: Vec::new(),
            body: String::new(),
            body_line: 1,
            origin: Origin::new(file),
        }
    }

    fn service_report(name: &str, team: &str) -> ServiceReport {
        ServiceReport {
            name: name.to_string(),
            team: team.to_string(),
            tier: "critical".to_string(),
            score: 0.0,
            rules: Vec::new(),
            descriptor: format!("services/{name}.yaml"),
            incidents: None,
        }
    }

    fn fleet_and_report() -> (Fleet, Report) {
        use IncidentSeverity::*;
        let mut fleet = Fleet::standalone("t");
        fleet.services = vec![
            Service::named("api", "web"),
            Service::named("db", "data"),
            Service::named("ui", "web"),
        ];
        let mut with_path = incident(
            "INC-2",
            Critical,
            &["api", "ui"],
            "2026-10-06T06:00:00Z",
            Some("2026-10-06T07:48:00Z"),
        );
        with_path.postmortem = Some(FleetPath {
            written: "../postmortems/inc-2.md".to_string(),
            resolved: "fleet/records/postmortems/inc-2.md".into(),
            display: "records/postmortems/inc-2.md".to_string(),
        });
        let mut dangling = incident(
            "INC-4",
            Major,
            &["db"],
            "2026-11-03T08:15:00Z",
            Some("2026-11-03T11:40:00Z"),
        );
        // A path that names no postmortem record does not count.
        dangling.postmortem = Some(FleetPath {
            written: "../postmortems/missing.md".to_string(),
            resolved: "fleet/records/postmortems/missing.md".into(),
            display: "records/postmortems/missing.md".to_string(),
        });
        fleet.records.incidents = vec![
            incident(
                "INC-1",
                Minor,
                &["api"],
                "2026-08-19T09:42:00Z",
                Some("2026-08-19T10:31:00Z"),
            ),
            with_path,
            incident(
                "INC-3",
                Major,
                &["api"],
                "2026-09-14T13:05:00Z",
                Some("2026-09-14T14:22:00Z"),
            ),
            dangling,
            // Still open: counted, but not in the mean time to resolve.
            incident("INC-5", Minor, &["db"], "2026-11-20T10:00:00Z", None),
            // Before the window and after `now`: not counted.
            incident(
                "INC-0",
                Critical,
                &["api"],
                "2025-11-23T23:00:00Z",
                Some("2025-11-24T01:00:00Z"),
            ),
            incident("INC-9", Critical, &["api"], "2026-11-25T10:00:00Z", None),
            // A service the fleet does not have: only in the fleet figures.
            incident(
                "INC-6",
                Minor,
                &["gone"],
                "2025-11-24T00:00:00Z",
                Some("2025-11-24T02:00:00Z"),
            ),
        ];
        fleet.records.postmortems = vec![
            postmortem("records/postmortems/inc-2.md", "INC-2"),
            postmortem("records/postmortems/inc-3.md", "INC-3"),
        ];
        let report = Report {
            schema: SCHEMA,
            fleet: "t".to_string(),
            now: "2026-11-24".to_string(),
            summary: Summary {
                score: 0.0,
                services: 3,
                statuses: BTreeMap::new(),
                incidents: None,
            },
            fleet_rules: Vec::new(),
            services: vec![
                service_report("api", "web"),
                service_report("db", "data"),
                service_report("ui", "web"),
            ],
            teams: vec![
                TeamReport {
                    name: "data".to_string(),
                    score: 0.0,
                    services: vec!["db".to_string()],
                    okrs: Vec::new(),
                    incidents: None,
                },
                TeamReport {
                    name: "web".to_string(),
                    score: 0.0,
                    services: vec!["api".to_string(), "ui".to_string()],
                    okrs: Vec::new(),
                    incidents: None,
                },
            ],
            cost: None,
        };
        (fleet, report)
    }

    fn now() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).expect("date")
    }

    #[test]
    fn the_window_is_the_twelve_months_up_to_now() {
        assert_eq!(
            window(now()),
            (NaiveDate::from_ymd_opt(2025, 11, 24).expect("date"), now())
        );
    }

    #[test]
    fn figures_per_service_team_and_fleet() {
        let (fleet, mut report) = fleet_and_report();
        attach(&fleet, now(), &mut report);

        let api = report.services[0].incidents.clone().expect("api figures");
        assert_eq!((api.minor, api.major, api.critical), (1, 1, 1));
        assert_eq!(api.ids, ["INC-1", "INC-3", "INC-2"]);
        // 49 min, 77 min and 108 min: 234 min / 3 = 78 min = 1.3 h.
        assert_eq!((api.resolved, api.open), (3, 0));
        let mttr = api.mttr_hours.expect("mttr");
        assert!((mttr - 1.3).abs() < 1e-9, "{mttr}");
        // INC-2 by its postmortem path, INC-3 by the postmortem naming it.
        assert_eq!((api.postmortems, api.postmortems_due), (2, 2));
        assert_eq!(api.postmortem_coverage, Some(1.0));

        let db = report.services[1].incidents.clone().expect("db figures");
        assert_eq!((db.minor, db.major, db.critical, db.open), (1, 1, 0, 1));
        // Only INC-4 is resolved: 3 h 25 min.
        let mttr = db.mttr_hours.expect("mttr");
        assert!((mttr - 205.0 / 60.0).abs() < 1e-9, "{mttr}");
        assert_eq!(db.postmortem_coverage, Some(0.0));
        assert_eq!(db.without_postmortem, ["INC-4"]);

        let ui = report.services[2].incidents.clone().expect("ui figures");
        assert_eq!(ui.ids, ["INC-2"]);

        // INC-2 names two web services and is counted once for the team.
        let web = report.teams[1].incidents.clone().expect("web figures");
        assert_eq!(web.ids, ["INC-1", "INC-3", "INC-2"]);
        let data = report.teams[0].incidents.clone().expect("data figures");
        assert_eq!(data.ids, ["INC-4", "INC-5"]);

        let fleet_figures = report.summary.incidents.clone().expect("fleet figures");
        assert_eq!(fleet_figures.since, "2025-11-24");
        assert_eq!(fleet_figures.until, "2026-11-24");
        let f = fleet_figures.figures;
        assert_eq!(
            f.ids,
            ["INC-6", "INC-1", "INC-3", "INC-2", "INC-4", "INC-5"]
        );
        assert_eq!((f.minor, f.major, f.critical), (3, 2, 1));
        assert_eq!((f.postmortems, f.postmortems_due), (2, 3));
        // 120 + 49 + 77 + 108 + 205 = 559 min over 5 resolved.
        let mttr = f.mttr_hours.expect("mttr");
        assert!((mttr - 559.0 / 60.0 / 5.0).abs() < 1e-9, "{mttr}");
    }

    #[test]
    fn a_service_without_incidents_has_zeros_and_no_means() {
        let (mut fleet, mut report) = fleet_and_report();
        fleet.records.incidents.retain(|i| i.id == "INC-5");
        attach(&fleet, now(), &mut report);
        let api = report.services[0].incidents.clone().expect("api figures");
        assert_eq!(api, IncidentFigures::default());
        assert_eq!(api.mttr_hours, None);
        assert_eq!(api.postmortem_coverage, None);
    }

    #[test]
    fn no_incident_records_no_figures() {
        let (mut fleet, mut report) = fleet_and_report();
        fleet.records.incidents.clear();
        attach(&fleet, now(), &mut report);
        assert!(report.summary.incidents.is_none());
        assert!(report.services.iter().all(|s| s.incidents.is_none()));
        assert!(report.teams.iter().all(|t| t.incidents.is_none()));
    }

    #[test]
    fn narrowing_counts_only_the_reported_services() {
        let (fleet, mut report) = fleet_and_report();
        attach(&fleet, now(), &mut report);
        report.services.retain(|s| s.name == "db");
        narrow(&fleet, now(), &mut report);
        let f = report.summary.incidents.clone().expect("fleet figures");
        assert_eq!(f.figures.ids, ["INC-4", "INC-5"]);
    }

    #[test]
    fn json_shape() {
        let (fleet, mut report) = fleet_and_report();
        attach(&fleet, now(), &mut report);
        let v = serde_json::to_value(&report.services[1]).expect("json");
        assert_eq!(
            v["incidents"],
            serde_json::json!({
                "minor": 1, "major": 1, "critical": 0, "open": 1, "resolved": 1,
                "mttr_hours": 3.42, "postmortems_due": 1, "postmortems": 0,
                "postmortem_coverage": 0.0, "ids": ["INC-4", "INC-5"],
                "without_postmortem": ["INC-4"]
            })
        );
        let v = serde_json::to_value(&report.summary).expect("json");
        assert_eq!(v["incidents"]["since"], "2025-11-24");
        assert_eq!(v["incidents"]["critical"], 1);
    }
}
