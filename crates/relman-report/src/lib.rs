//! Renders an audit [`Report`] for the people and tools that read it: a
//! terminal table for a service team, JSON (the `relman.report/v1` contract),
//! a Markdown PR comment, SARIF for code-scanning dashboards and JUnit XML for
//! CI test views.
//!
//! Rendering is the last step of the pipeline and only that: every function
//! here takes a finished report and returns a `String`. This crate must not
//! do I/O (no files, sockets, clock or environment, not even to decide on
//! colour: the caller says), must not judge (statuses, scores and OKR
//! progress come from the report as they are) and must not drop a finding
//! that asks for action (fail, error, unverified, warn, or a waived rule's):
//! only passes and rules that do not apply may be folded away. The same
//! report always renders to the same bytes.

use relman_checks::CheckMeta;
use relman_core::report::{Report, RuleResult, round_score};
use relman_core::{Manifesto, Status};

mod cost_trend;
mod incidents;
mod json;
mod junit;
mod markdown;
mod sarif;
mod table;

#[cfg(test)]
mod testing;

/// How the terminal table is drawn.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Colour the output with ANSI escapes.
    pub color: bool,
    /// Show every rule, including those that pass or do not apply.
    pub show_all: bool,
}

/// The report as the JSON contract, pretty-printed, with a trailing newline.
pub fn json(report: &Report) -> String {
    json::render(report)
}

/// The report as a terminal table: rules grouped by service, worst first.
pub fn table(report: &Report, opts: &RenderOptions) -> String {
    table::render(report, opts)
}

/// The report as Markdown fit for a pull-request comment.
pub fn markdown(report: &Report) -> String {
    markdown::render(report)
}

/// The report as SARIF 2.1.0. The manifesto gives a rule descriptor to the
/// rules that have no check of their own.
pub fn sarif(report: &Report, manifesto: &Manifesto) -> String {
    sarif::render(report, manifesto)
}

/// The report as JUnit XML: one test suite per service and one for the
/// fleet rules, one test case per rule.
pub fn junit(report: &Report) -> String {
    junit::render(report)
}

/// Statuses from worst to best, the order the outputs list them in.
const WORST_FIRST: [Status; 7] = [
    Status::Fail,
    Status::Error,
    Status::Unverified,
    Status::Warn,
    Status::Waived,
    Status::Pass,
    Status::NotApplicable,
];

/// Rules sorted worst first; rules of the same status keep manifesto order.
fn worst_first(rules: &[RuleResult]) -> Vec<&RuleResult> {
    let mut sorted: Vec<&RuleResult> = rules.iter().collect();
    sorted.sort_by_key(|r| std::cmp::Reverse(r.status.badness()));
    sorted
}

/// How many of `rules` have `status`.
fn count(rules: &[RuleResult], status: Status) -> usize {
    rules.iter().filter(|r| r.status == status).count()
}

/// A score as people read it: rounded as in the JSON, at least two decimals.
/// Scores are shown with two decimals everywhere a person reads them (the
/// JSON report keeps three).
fn fmt_score(score: f64) -> String {
    format!("{:.2}", round_score(score))
}

/// The registry entry of a check, when the check is known.
fn check_meta(id: &str) -> Option<&'static CheckMeta> {
    relman_checks::registry::all().find(|m| m.id == id)
}

/// Whether a finding asks for something to be done.
fn needs_action(status: Status) -> bool {
    !matches!(status, Status::Pass | Status::NotApplicable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_show_two_decimals() {
        assert_eq!(fmt_score(0.71), "0.71");
        assert_eq!(fmt_score(0.9), "0.90");
        assert_eq!(fmt_score(1.0), "1.00");
        assert_eq!(fmt_score(0.8994), "0.90");
        assert_eq!(fmt_score(0.89999), "0.90");
        assert_eq!(fmt_score(0.0), "0.00");
    }

    #[test]
    fn worst_first_matches_badness() {
        let mut by_badness = Status::ALL;
        by_badness.sort_by_key(|s| std::cmp::Reverse(s.badness()));
        assert_eq!(by_badness, WORST_FIRST);
    }

    #[test]
    fn an_empty_report_renders_in_every_format() {
        let mut report = testing::report();
        report.fleet_rules.clear();
        report.services.clear();
        report.teams.clear();
        report.summary.services = 0;
        report.summary.statuses.clear();
        let opts = RenderOptions::default();
        assert!(table(&report, &opts).contains("relman: 0 services, score 0.43 — no rules judged"));
        assert!(markdown(&report).contains("Every rule passes or does not apply."));
        let sarif: serde_json::Value =
            serde_json::from_str(&sarif(&report, &Manifesto::builtin())).expect("JSON");
        assert_eq!(
            sarif["runs"][0]["results"].as_array().map(Vec::len),
            Some(0)
        );
        assert!(junit(&report).contains(
            "<testsuite name=\"fleet\" tests=\"0\" failures=\"0\" errors=\"0\" skipped=\"0\"/>"
        ));
        assert!(json(&report).ends_with("}\n"));
    }

    #[test]
    fn sorting_is_stable_within_a_status() {
        let report = testing::report();
        let rules = worst_first(&report.services[1].rules);
        let order: Vec<&str> = rules.iter().map(|r| r.rule.as_str()).collect();
        assert_eq!(
            order,
            ["O-5", "O-7", "R-2", "R-1", "D-4", "S-3", "D-3", "O-1"]
        );
    }
}
