//! Every check relman runs, one file each, in a folder per manifesto
//! category; [`registry`] lists them all.
//!
//! A check is a pure function of the fleet and the collected evidence: it
//! never reads a file, a socket or the clock (today's date is given). That
//! keeps each check testable on small values, and lets the engine run them
//! in any order. A check always says something: a pass with what satisfied
//! it, a failure with where and how to fix it, or `unverified` when the
//! evidence it needs was not given.

use chrono::NaiveDate;
use relman_core::evidence::{FleetEvidence, ServiceEvidence};
use relman_core::fleet::{Fleet, Service};
use relman_core::{Finding, Severity, Status};

pub mod design;
pub mod foundation;
pub mod improvement;
pub mod observability;
pub mod performance;
pub mod registry;
pub mod resilience;
pub mod security;

#[cfg(test)]
mod testing;

/// What a check is, for the registry, `relman explain` and SARIF.
#[derive(Debug)]
pub struct CheckMeta {
    /// The manifesto rule this check gives evidence for.
    pub rule: &'static str,
    /// Stable kebab-case id; never renamed (a test snapshots the list).
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    /// What it checks.
    pub what: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// How to fix a failure.
    pub fix: &'static str,
}

/// What a service check sees.
#[derive(Debug, Clone, Copy)]
pub struct ServiceCx<'a> {
    pub fleet: &'a Fleet,
    pub service: &'a Service,
    pub evidence: &'a ServiceEvidence,
    pub now: NaiveDate,
}

/// What a fleet check sees.
#[derive(Debug, Clone, Copy)]
pub struct FleetCx<'a> {
    pub fleet: &'a Fleet,
    pub evidence: &'a FleetEvidence,
    pub now: NaiveDate,
}

/// A check judged for every service.
pub trait ServiceCheck: Sync {
    fn meta(&self) -> &'static CheckMeta;
    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings);
}

/// A check judged once for the fleet.
pub trait FleetCheck: Sync {
    fn meta(&self) -> &'static CheckMeta;
    fn evaluate(&self, cx: &FleetCx<'_>, out: &mut Findings);
}

/// The findings one check emits.
#[derive(Debug)]
pub struct Findings {
    meta: &'static CheckMeta,
    pub list: Vec<Finding>,
}

impl Findings {
    pub fn new(meta: &'static CheckMeta) -> Findings {
        Findings {
            meta,
            list: Vec::new(),
        }
    }

    /// Emit a finding. Failures and warnings get the check's fix as their
    /// remediation until the check sets a more precise one.
    pub fn emit(&mut self, status: Status, message: impl Into<String>) -> &mut Finding {
        let severity = match status {
            Status::Pass | Status::NotApplicable | Status::Waived => Severity::Info,
            _ => self.meta.severity,
        };
        let mut f = Finding::new(self.meta.id, status, severity, message.into());
        if matches!(status, Status::Fail | Status::Warn | Status::Unverified) {
            f.remediation = Some(self.meta.fix.to_string());
        }
        self.list.push(f);
        self.list.last_mut().expect("just pushed")
    }

    pub fn pass(&mut self, message: impl Into<String>) -> &mut Finding {
        self.emit(Status::Pass, message)
    }

    pub fn fail(&mut self, message: impl Into<String>) -> &mut Finding {
        self.emit(Status::Fail, message)
    }

    pub fn warn(&mut self, message: impl Into<String>) -> &mut Finding {
        self.emit(Status::Warn, message)
    }

    pub fn unverified(&mut self, message: impl Into<String>) -> &mut Finding {
        self.emit(Status::Unverified, message)
    }

    pub fn error(&mut self, message: impl Into<String>) -> &mut Finding {
        self.emit(Status::Error, message)
    }

    pub fn not_applicable(&mut self, message: impl Into<String>) -> &mut Finding {
        self.emit(Status::NotApplicable, message)
    }
}

/// Run one service check; a check that said nothing is reported as such,
/// never as a pass.
pub fn run_service(check: &dyn ServiceCheck, cx: &ServiceCx<'_>) -> Vec<Finding> {
    let mut out = Findings::new(check.meta());
    check.evaluate(cx, &mut out);
    if out.list.is_empty() {
        out.unverified("the check reached no verdict");
    }
    out.list
}

/// Run one fleet check, as [`run_service`].
pub fn run_fleet(check: &dyn FleetCheck, cx: &FleetCx<'_>) -> Vec<Finding> {
    let mut out = Findings::new(check.meta());
    check.evaluate(cx, &mut out);
    if out.list.is_empty() {
        out.unverified("the check reached no verdict");
    }
    out.list
}
