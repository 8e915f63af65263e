//! The audit report: the JSON contract `relman.report/v1` (DESIGN.md).
//!
//! Field names and types here are fixed by the contract: fields may be added,
//! none removed or renamed without a new schema version. Every collection is
//! ordered (services by name, rules in manifesto order, findings in check
//! order, status counts by name) so the same inputs give the same bytes.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::finding::{Finding, Status};
use crate::rules::Category;

pub const SCHEMA: &str = "relman.report/v1";

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub fleet: String,
    pub now: String,
    pub summary: Summary,
    pub fleet_rules: Vec<RuleResult>,
    pub services: Vec<ServiceReport>,
    pub teams: Vec<TeamReport>,
    /// The monthly cost series behind P-1..P-4; absent without cost data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<CostTrend>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    #[serde(serialize_with = "score")]
    pub score: f64,
    pub services: usize,
    /// Rule statuses across the fleet rules and every service's rules.
    pub statuses: BTreeMap<&'static str, usize>,
    /// The fleet's incident figures over the reporting window; absent when
    /// the fleet keeps no incident records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidents: Option<IncidentSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleResult {
    pub rule: String,
    pub status: Status,
    pub findings: Vec<Finding>,
    pub title: String,
    pub category: Category,
    /// The waiver that turned the rule `waived`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WaiverRef {
    pub reason: String,
    pub discussion: String,
    pub approved_by: String,
    pub expires: String,
    pub location: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceReport {
    pub name: String,
    pub team: String,
    pub tier: String,
    #[serde(serialize_with = "score")]
    pub score: f64,
    pub rules: Vec<RuleResult>,
    /// The descriptor, relative to the fleet directory.
    pub descriptor: String,
    /// The incidents that name this service, over the reporting window;
    /// absent when the fleet keeps no incident records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidents: Option<IncidentFigures>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamReport {
    pub name: String,
    #[serde(serialize_with = "score")]
    pub score: f64,
    pub services: Vec<String>,
    pub okrs: Vec<OkrProgress>,
    /// The incidents that name one of the team's services (each counted
    /// once), over the reporting window; absent when the fleet keeps no
    /// incident records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incidents: Option<IncidentFigures>,
}

/// The fleet's incident figures and the window they cover.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentSummary {
    /// The first day of the window (`now` less 12 months), included.
    pub since: String,
    /// The last day of the window (the report's `now`), included.
    pub until: String,
    #[serde(flatten)]
    pub figures: IncidentFigures,
}

/// Incident figures for a service, a team or the fleet: the incidents that
/// started within the reporting window, by severity, how long they took to
/// resolve and how many of the major and critical ones have a postmortem.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IncidentFigures {
    pub minor: usize,
    pub major: usize,
    pub critical: usize,
    /// Incidents with no `resolved` time yet.
    pub open: usize,
    /// Incidents with a `resolved` time: the ones the mean time to resolve counts.
    pub resolved: usize,
    /// Mean time to resolve, in hours (started → resolved, over the
    /// resolved incidents); `null` when none is resolved.
    #[serde(serialize_with = "opt_hours")]
    pub mttr_hours: Option<f64>,
    /// Major and critical incidents: the ones that need a postmortem.
    pub postmortems_due: usize,
    /// Major and critical incidents that have one.
    pub postmortems: usize,
    /// `postmortems / postmortems_due`; `null` when none is due.
    #[serde(serialize_with = "opt_score")]
    pub postmortem_coverage: Option<f64>,
    /// The incidents counted, by id.
    pub ids: Vec<String>,
    /// The major and critical incidents without a postmortem, by id.
    pub without_postmortem: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OkrProgress {
    pub quarter: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_score")]
    pub min_score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_score")]
    pub min_pass_ratio: Option<f64>,
    /// `null` when nothing counted toward it (no applicable rule).
    #[serde(serialize_with = "opt_score")]
    pub actual: Option<f64>,
    pub met: bool,
}

/// The cost trend: one entry per month of cost data (cost/*.csv).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostTrend {
    /// What the spot share is measured in: `capacity_hours` (spot
    /// instance-hours over all instance-hours) or `cost`.
    pub spot_basis: &'static str,
    pub months: Vec<CostMonth>,
}

/// One month of cost. Amounts are US dollars rounded to cents; shares are
/// fractions rounded to four decimals; `null` when not known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostMonth {
    /// `2026-10`.
    pub month: String,
    #[serde(serialize_with = "money")]
    pub total: f64,
    #[serde(serialize_with = "money")]
    pub production: f64,
    #[serde(serialize_with = "money")]
    pub non_production: f64,
    /// Cost with no environment tag.
    #[serde(serialize_with = "money")]
    pub untagged: f64,
    #[serde(serialize_with = "opt_share")]
    pub non_production_share: Option<f64>,
    #[serde(serialize_with = "opt_share")]
    pub untagged_share: Option<f64>,
    #[serde(serialize_with = "opt_share")]
    pub spot_share: Option<f64>,
    pub customers: Option<u64>,
    #[serde(serialize_with = "opt_money")]
    pub cost_per_customer: Option<f64>,
    /// The month of the audit's date or later: not over, so not judged.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

fn money<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((v * 100.0).round() / 100.0)
}

fn opt_money<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => money(v, s),
        None => s.serialize_none(),
    }
}

fn opt_share<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_f64((v * 10_000.0).round() / 10_000.0),
        None => s.serialize_none(),
    }
}

/// Scores are shown to three decimals, so reports stay stable and readable.
pub fn round_score(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

fn score<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_score(*v))
}

/// Hours are shown to two decimals (36 seconds).
pub fn round_hours(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn opt_hours<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_f64(round_hours(*v)),
        None => s.serialize_none(),
    }
}

fn opt_score<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_f64(round_score(*v)),
        None => s.serialize_none(),
    }
}

/// The mean score of a set of rule statuses; `None` when none counts.
pub fn mean_score(statuses: impl IntoIterator<Item = Status>) -> Option<f64> {
    let (sum, n) = statuses
        .into_iter()
        .filter_map(Status::score)
        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

impl Report {
    /// Every rule result of the report, fleet rules first.
    pub fn all_rules(&self) -> impl Iterator<Item = &RuleResult> {
        self.fleet_rules
            .iter()
            .chain(self.services.iter().flat_map(|s| s.rules.iter()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_follow_the_contract() {
        assert_eq!(mean_score([Status::Pass, Status::Waived]), Some(1.0));
        assert_eq!(mean_score([Status::Warn, Status::Fail]), Some(0.25));
        assert_eq!(
            mean_score([Status::Unverified, Status::Error, Status::NotApplicable]),
            Some(0.0)
        );
        assert_eq!(mean_score([Status::NotApplicable]), None);
    }

    #[test]
    fn worst_status_order() {
        use Status::*;
        assert_eq!(Status::worst([Pass, Warn, Unverified]), Unverified);
        assert_eq!(Status::worst([Error, Fail]), Fail);
        assert_eq!(Status::worst([Error, Unverified]), Error);
        assert_eq!(Status::worst([Pass, NotApplicable]), Pass);
        assert_eq!(Status::worst([]), NotApplicable);
    }
}
