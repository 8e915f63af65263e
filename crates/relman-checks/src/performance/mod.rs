//! Performance & Cost: P-1..P-4, judged once for the fleet from cost/.
//!
//! The four checks read the same monthly series
//! (`relman_core::cost::monthly`) over the same window: the complete
//! months among the last `cost.window_months` (12) before today's month.
//! The month of today is not over, so it is shown (`not_applicable`) but
//! never judged. Without cost files every cost rule is `unverified`; lines
//! of a cost file that could not be read are an `error` finding of every
//! cost rule, since its figures leave them out.

pub mod p1_cost_growth;
pub mod p2_cost_per_customer;
pub mod p3_spot_share;
pub mod p4_non_production_cost;

use relman_core::EvidenceRef;
use relman_core::cost::{self, Month, MonthCost, QuarterCost, SpotBasis};

use crate::{Findings, FleetCx};

/// The months a cost rule judges.
pub(crate) struct Judged {
    /// Complete months in the window, in order.
    pub months: Vec<MonthCost>,
    /// Months of today or later, in the data but not judged.
    pub partial: Vec<MonthCost>,
}

/// True when `fraction` (0.3) is above `percent` (30), ignoring the float
/// noise of the division (300 of 1,000 is 30%, not above it).
pub(crate) fn above(fraction: f64, percent: f64) -> bool {
    fraction * 100.0 > percent + 1e-9
}

/// The size of a change as a percentage, without its sign: 111.02 →
/// 108.72 is `2.07%`.
pub(crate) fn change_size(from: f64, to: f64) -> String {
    format!("{:.2}%", ((to - from) / from * 100.0).abs())
}

/// Where the cost files are, for findings about the data as a whole.
fn cost_dir() -> EvidenceRef {
    EvidenceRef::new("cost", "cost/")
}

/// The months to judge, after saying what cannot be judged: no cost data
/// at all, or no complete month in the window (`unverified`). `None` when
/// nothing is left to judge.
pub(crate) fn judged(cx: &FleetCx<'_>, out: &mut Findings) -> Option<Judged> {
    let data = &cx.fleet.cost;
    if data.is_empty() {
        out.unverified("no cost data: the fleet directory has no cost/*.csv file")
            .at(cost_dir())
            .fix("Export the monthly cost into cost/: the generic form `month,environment,pricing,cost_usd,customers`, or the AWS Cost and Usage Report (legacy or CUR 2.0) as delivered.");
        return None;
    }
    let cfg = &cx.fleet.config.cost;
    let all = cost::monthly(data, cfg);
    let w = cost::window(&all, cx.now, cfg.window_months);
    if w.judged.is_empty() {
        let have = match (all.first(), all.last()) {
            (Some(a), Some(b)) if a.month == b.month => format!("the data holds {}", a.month),
            (Some(a), Some(b)) => format!("the data covers {} to {}", a.month, b.month),
            _ => "no cost line could be read".to_string(),
        };
        out.unverified(format!(
            "no complete month of cost data from {} to {} (the last {} months before {}): {have}",
            w.from, w.to, cfg.window_months, cx.now
        ))
        .at(cost_dir());
        return None;
    }
    Some(Judged {
        months: w.judged.to_vec(),
        partial: w.partial.to_vec(),
    })
}

/// How many problems of a file are quoted in its finding.
const QUOTED_PROBLEMS: usize = 3;

/// One `error` finding per cost file with problems: the figures leave its
/// unreadable lines out.
pub(crate) fn problems(cx: &FleetCx<'_>, out: &mut Findings) {
    let problems = &cx.fleet.cost.problems;
    let mut files: Vec<&str> = problems.iter().map(|p| p.file.as_str()).collect();
    files.dedup();
    for file in files {
        let of_file: Vec<_> = problems.iter().filter(|p| p.file == file).collect();
        let quoted: Vec<String> = of_file
            .iter()
            .take(QUOTED_PROBLEMS)
            .map(ToString::to_string)
            .collect();
        let more = of_file.len().saturating_sub(QUOTED_PROBLEMS);
        let n = of_file.len();
        out.error(format!(
            "{file} has {n} problem{}, so these figures leave out what it could not give: {}{}",
            if n == 1 { "" } else { "s" },
            quoted.join("; "),
            if more > 0 {
                format!("; and {more} more (`relman validate` lists them)")
            } else {
                String::new()
            }
        ))
        .at(of_file[0].at())
        .fix("Fix the file until `relman validate` reports nothing for it.");
    }
}

/// The partial months, one `not_applicable` finding each.
pub(crate) fn partial_months(j: &Judged, cx: &FleetCx<'_>, out: &mut Findings, what: &str) {
    for m in &j.partial {
        out.not_applicable(format!(
            "{} is not over on {}: {what} is judged once the month is complete",
            m.month, cx.now
        ))
        .at_all(&m.evidence);
    }
}

/// The quarters of the judged months that are not complete, one
/// `not_applicable` finding each; `detail` adds what is known so far.
pub(crate) fn incomplete_quarters(
    quarters: &[QuarterCost],
    out: &mut Findings,
    detail: impl Fn(&QuarterCost) -> String,
) {
    for q in quarters.iter().filter(|q| !q.complete()) {
        let months: Vec<String> = q.months.iter().map(Month::to_string).collect();
        out.not_applicable(format!(
            "{} is not complete in the window (cost for {} only){}: it is judged once all three months are",
            q.quarter,
            months.join(", "),
            detail(q)
        ))
        .at_all(&q.evidence);
    }
}

/// Consecutive complete quarters.
pub(crate) fn quarter_steps(quarters: &[QuarterCost]) -> Vec<(&QuarterCost, &QuarterCost)> {
    let complete: Vec<&QuarterCost> = quarters.iter().filter(|q| q.complete()).collect();
    complete
        .windows(2)
        .filter(|w| w[1].quarter == w[0].quarter.next())
        .map(|w| (w[0], w[1]))
        .collect()
}

/// "by cost (spot $60,100.00 of $423,100.00)" or by instance-hours.
pub(crate) fn spot_detail(q: &QuarterCost, basis: SpotBasis) -> String {
    match basis {
        SpotBasis::Cost => format!("spot {} of {}", cost::usd(q.spot), cost::usd(q.total)),
        SpotBasis::CapacityHours => format!(
            "{} of {} instance-hours on spot",
            cost::number(q.spot_capacity_hours.unwrap_or_default()),
            cost::number(q.capacity_hours.unwrap_or_default())
        ),
    }
}

/// Findings point at every place a figure was read.
trait AtAll {
    fn at_all(&mut self, evidence: &[EvidenceRef]) -> &mut Self;
}

impl AtAll for relman_core::Finding {
    fn at_all(&mut self, evidence: &[EvidenceRef]) -> &mut Self {
        for e in evidence {
            self.at(e.clone());
        }
        self
    }
}

#[cfg(test)]
pub(crate) mod testdata {
    //! Cost data for the cost checks' tests, and the demo fleet's.

    use relman_core::fleet::{CostData, CostRow, CostSource, CustomerCount, Fleet, Pricing};

    pub fn row(month: &str, env: &str, pricing: Pricing, cost: f64) -> CostRow {
        CostRow {
            month: month.into(),
            environment: env.into(),
            pricing,
            cost_usd: cost,
            customers: None,
            file: "cost/2026.csv".into(),
            line: 2,
            capacity_hours: None,
            source: CostSource::Generic,
            lines: 1,
        }
    }

    pub fn customers(counts: &[(&str, u64)]) -> Vec<CustomerCount> {
        counts
            .iter()
            .enumerate()
            .map(|(i, (m, c))| CustomerCount {
                month: m.to_string(),
                customers: *c,
                file: "cost/customers.csv".into(),
                line: i as u32 + 2,
            })
            .collect()
    }

    pub fn fleet_with(rows: Vec<CostRow>, counts: &[(&str, u64)]) -> Fleet {
        let mut f = crate::testing::fleet();
        f.cost = CostData {
            rows,
            customers: customers(counts),
            files: Vec::new(),
            problems: Vec::new(),
        };
        f
    }

    /// examples/fleet/cost/2026.csv, read the way the loader reads the
    /// generic form (the file is plain: no quoting).
    pub fn demo() -> Fleet {
        let text = include_str!("../../../../examples/fleet/cost/2026.csv");
        let mut rows = Vec::new();
        let mut counts: Vec<(String, u64, u32)> = Vec::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let pricing = match f[2] {
                "spot" => Pricing::Spot,
                "on_demand" => Pricing::OnDemand,
                "reserved" => Pricing::Reserved,
                "savings_plan" => Pricing::SavingsPlan,
                other => panic!("demo pricing {other}"),
            };
            let mut r = row(f[0], f[1], pricing, f[3].parse().expect("demo cost"));
            r.line = i as u32 + 1;
            rows.push(r);
            let c: u64 = f[4].parse().expect("demo customers");
            if counts.last().is_none_or(|(m, _, _)| m != f[0]) {
                counts.push((f[0].to_string(), c, i as u32 + 1));
            }
        }
        let mut f = fleet_with(rows, &[]);
        f.cost.customers = counts
            .into_iter()
            .map(|(month, customers, line)| CustomerCount {
                month,
                customers,
                file: "cost/2026.csv".into(),
                line,
            })
            .collect();
        f
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::fleet::{CostFile, CostProblem, CostSource, Pricing};

    use super::testdata::*;
    use super::*;
    use crate::testing::*;

    /// The demo fleet's verdicts, as examples/fleet/README.md tells them.
    #[test]
    fn the_demo_fleet_verdicts() {
        let f = demo();
        let worst = |c: &dyn crate::FleetCheck| Status::worst(statuses(&run_fleet(c, &f)));
        assert_eq!(worst(&p1_cost_growth::CostVsLoad), Status::Warn);
        assert_eq!(worst(&p2_cost_per_customer::CostPerCustomer), Status::Fail);
        assert_eq!(worst(&p3_spot_share::SpotShare), Status::Fail);
        assert_eq!(
            worst(&p4_non_production_cost::NonProductionCost),
            Status::Fail
        );
        // Each rule also shows a passing case.
        for c in [
            &p1_cost_growth::CostVsLoad as &dyn crate::FleetCheck,
            &p2_cost_per_customer::CostPerCustomer,
            &p3_spot_share::SpotShare,
            &p4_non_production_cost::NonProductionCost,
        ] {
            assert!(
                statuses(&run_fleet(c, &f)).contains(&Status::Pass),
                "{}",
                c.meta().id
            );
        }
    }

    #[test]
    fn no_cost_data_is_unverified_for_every_cost_rule() {
        let f = fleet();
        for c in [
            &p1_cost_growth::CostVsLoad as &dyn crate::FleetCheck,
            &p2_cost_per_customer::CostPerCustomer,
            &p3_spot_share::SpotShare,
            &p4_non_production_cost::NonProductionCost,
        ] {
            assert_eq!(
                render(&run_fleet(c, &f)),
                "unverified: no cost data: the fleet directory has no cost/*.csv file [cost/]"
            );
        }
    }

    #[test]
    fn old_or_current_months_only_are_unverified() {
        let f = fleet_with(
            vec![
                row("2024-03", "production", Pricing::OnDemand, 10.0),
                row("2026-11", "production", Pricing::OnDemand, 10.0),
            ],
            &[],
        );
        let out = run_fleet(&p4_non_production_cost::NonProductionCost, &f);
        assert_eq!(
            render(&out),
            "unverified: no complete month of cost data from 2025-11 to 2026-10 (the last 12 months before 2026-11-24): the data covers 2024-03 to 2026-11 [cost/]"
        );
    }

    #[test]
    fn problems_in_a_cost_file_are_errors_naming_them() {
        let mut f = fleet_with(
            vec![row("2026-10", "production", Pricing::OnDemand, 10.0)],
            &[],
        );
        f.cost.files.push(CostFile {
            file: "cost/cur.csv".into(),
            source: CostSource::CurLegacy,
            lines: 1,
            skipped: 4,
            capacity_hours: true,
        });
        for i in 0..4 {
            f.cost.problems.push(CostProblem {
                file: "cost/cur.csv".into(),
                line: Some(3 + i),
                column: Some(22),
                message: format!("lineItem/UnblendedCost: expected a number, found \"x{i}\""),
            });
        }
        let out = run_fleet(&p4_non_production_cost::NonProductionCost, &f);
        assert_eq!(statuses(&out), [Status::Pass, Status::Error]);
        assert_eq!(
            out[1].message,
            "cost/cur.csv has 4 problems, so these figures leave out what it could not give: cost/cur.csv:3:22: lineItem/UnblendedCost: expected a number, found \"x0\"; cost/cur.csv:4:22: lineItem/UnblendedCost: expected a number, found \"x1\"; cost/cur.csv:5:22: lineItem/UnblendedCost: expected a number, found \"x2\"; and 1 more (`relman validate` lists them)"
        );
        assert_eq!(out[1].evidence[0].display(), "cost/cur.csv:3:22");
    }
}
