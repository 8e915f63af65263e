//! Small fleets and services for the checks' unit tests.

use chrono::NaiveDate;
use relman_core::evidence::{FleetEvidence, ServiceEvidence};
use relman_core::fleet::{Fleet, Service, SloTarget};
use relman_core::{Finding, Status};

use crate::{FleetCheck, FleetCx, ServiceCheck, ServiceCx};

pub fn date(s: &str) -> NaiveDate {
    relman_core::time::parse_date(s).expect("test date")
}

pub fn now() -> NaiveDate {
    date("2026-11-24")
}

pub fn fleet() -> Fleet {
    Fleet::standalone("test")
}

pub fn service(name: &str) -> Service {
    let mut s = Service::named(name, "core");
    s.public = Some(false);
    s
}

pub fn target(objective: f64, window: &str) -> SloTarget {
    SloTarget {
        objective,
        window: window.into(),
        window_secs: relman_core::time::parse_duration(window).expect("window"),
    }
}

pub fn run_service(check: &dyn ServiceCheck, s: &Service, ev: &ServiceEvidence) -> Vec<Finding> {
    let f = fleet();
    crate::run_service(
        check,
        &ServiceCx {
            fleet: &f,
            service: s,
            evidence: ev,
            now: now(),
        },
    )
}

pub fn run_fleet(check: &dyn FleetCheck, f: &Fleet) -> Vec<Finding> {
    crate::run_fleet(
        check,
        &FleetCx {
            fleet: f,
            evidence: &FleetEvidence::default(),
            now: now(),
        },
    )
}

pub fn statuses(findings: &[Finding]) -> Vec<Status> {
    findings.iter().map(|f| f.status).collect()
}

/// `status: message` lines, for snapshots.
pub fn render(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| {
            let at: Vec<String> = f.evidence.iter().map(|e| e.display()).collect();
            format!("{}: {} [{}]", f.status, f.message, at.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}
