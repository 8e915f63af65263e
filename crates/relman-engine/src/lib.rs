//! The audit pipeline after loading: collect → evaluate → judge.
//!
//! [`audit`] takes a loaded fleet and returns the report. Collecting
//! (`relman-evidence`) is the only step that does I/O; evaluating runs the
//! registry's pure checks; judging folds findings into rule statuses,
//! applies waivers, scores services and teams and measures OKR progress,
//! exactly as DESIGN.md defines them. Nothing here prints or exits.

mod evaluate;
mod filter;
mod incidents;
mod judge;

use chrono::NaiveDate;
use relman_core::fleet::Fleet;
use relman_core::report::Report;
use relman_evidence::Limits;

pub use filter::Filter;

/// How to run an audit.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    /// "Today": decides expiries, ages and the current quarter.
    pub now: NaiveDate,
    pub filter: Filter,
    pub limits: Limits,
}

/// Audit a loaded fleet.
pub async fn audit(fleet: &Fleet, opts: &AuditOptions) -> Report {
    let services: Vec<_> = fleet
        .services
        .iter()
        .filter(|s| opts.filter.keeps_service(&s.name, Some(&s.team)))
        .collect();
    let broken: Vec<_> = fleet
        .broken_services
        .iter()
        .filter(|b| opts.filter.keeps_service(&b.name, None))
        .collect();

    let fleet_evidence = relman_evidence::collect_fleet(fleet, &opts.limits).await;
    let evidence = relman_evidence::collect_services(fleet, &services, &opts.limits).await;

    let evaluated = evaluate::evaluate(
        fleet,
        &fleet_evidence,
        &services,
        &evidence,
        &broken,
        opts.now,
    );
    let mut report = judge::judge(fleet, evaluated, opts.now);
    opts.filter.apply(&mut report);
    if opts.filter.narrows_services() {
        incidents::narrow(fleet, opts.now, &mut report);
    }
    judge::summarise(&mut report);
    report
}
