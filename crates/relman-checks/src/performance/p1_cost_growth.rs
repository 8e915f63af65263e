use relman_core::Severity;
use relman_core::cost::{self, QuarterCost};

use super::{AtAll, incomplete_quarters, judged, partial_months, problems, quarter_steps};
use crate::{CheckMeta, Findings, FleetCheck, FleetCx};

/// P-1: cost does not grow faster than the load it serves.
pub struct CostVsLoad;

static META: CheckMeta = CheckMeta {
    rule: "P-1",
    id: "cost-vs-load",
    severity: Severity::Medium,
    title: "Cost grows no faster than customers",
    what: "Quarter over quarter, the growth of the total cost against the growth of the customer count, the load measure (the monthly average over the quarter, from cost/customers.csv or the generic form's `customers` column). Complete calendar quarters within the last 12 complete months (`cost.window_months`) are compared, each with the one before: cost that grew faster than customers warns, naming both quarters and both growth rates. Quarters are compared rather than months so that one month's bill (a yearly fee, a load test) does not decide; a quarter still running is shown, not judged. Without two consecutive complete quarters, or without customer counts, P-1 is unverified.",
    why: "When the bill grows faster than the business, money is paying for a problem (a leak, an oversized cluster, a retry storm) instead of for customers; a fix in the system is cheaper than the spend that hides it.",
    fix: "Find what grew faster than the load (compare the quarters' cost by environment and pricing) and fix its cause rather than paying for it; P-2, P-3 and P-4 often point at it.",
};

impl FleetCheck for CostVsLoad {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &FleetCx<'_>, out: &mut Findings) {
        if let Some(j) = judged(cx, out) {
            let quarters = cost::quarterly(&j.months);
            let steps = quarter_steps(&quarters);
            if steps.is_empty() {
                let seen: Vec<String> = quarters
                    .iter()
                    .map(|q| format!("{} ({} of 3 months)", q.quarter, q.months.len()))
                    .collect();
                out.unverified(format!(
                    "no two consecutive complete quarters to compare in the cost data: {}",
                    seen.join(", ")
                ))
                .at_all(&j.months[0].evidence);
            }
            for (a, b) in steps {
                step(a, b, out);
            }
            incomplete_quarters(&quarters, out, |q| {
                format!(", {} so far", cost::usd(q.total))
            });
            partial_months(&j, cx, out, "its cost");
        }
        problems(cx, out);
    }
}

/// "grew 16.40%" or "fell 2.00%".
fn change(from: f64, to: f64) -> String {
    let g = (to - from) / from * 100.0;
    if g >= 0.0 {
        format!("grew {g:.2}%")
    } else {
        format!("fell {:.2}%", -g)
    }
}

fn step(a: &QuarterCost, b: &QuarterCost, out: &mut Findings) {
    let period = format!("{} → {}", a.quarter, b.quarter);
    if a.total <= 0.0 {
        out.not_applicable(format!(
            "{period}: {} cost {}, no growth rate to compare",
            a.quarter,
            cost::usd(a.total)
        ))
        .at_all(&b.evidence);
        return;
    }
    let cost_change = format!(
        "cost {} ({} → {})",
        change(a.total, b.total),
        cost::usd(a.total),
        cost::usd(b.total)
    );
    let (Some(na), Some(nb)) = (a.customers.filter(|n| *n > 0.0), b.customers) else {
        out.unverified(format!(
            "{period}: {cost_change}, but the customer count of every month of both quarters is needed to compare it with the load"
        ))
        .at_all(&b.evidence)
        .fix("Give the customer count of every month: cost/customers.csv (`month,customers`) or a `customers` column in the generic cost file.");
        return;
    };
    let customers_change = format!(
        "customers {} (monthly average {} → {})",
        change(na, nb),
        cost::number(na),
        cost::number(nb)
    );
    let cost_growth = (b.total - a.total) / a.total;
    let load_growth = (nb - na) / na;
    if cost_growth > load_growth + 1e-12 {
        out.warn(format!(
            "{period}: {cost_change}, faster than {customers_change}"
        ))
        .at_all(&b.evidence);
    } else {
        out.pass(format!(
            "{period}: {cost_change}, no faster than {customers_change}"
        ))
        .at_all(&b.evidence);
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::fleet::Pricing;

    use super::*;
    use crate::performance::testdata::*;
    use crate::testing::*;

    fn months(from: &str, costs: &[f64]) -> Vec<relman_core::fleet::CostRow> {
        let first = cost::Month::parse(from).expect("month");
        costs
            .iter()
            .enumerate()
            .map(|(i, c)| {
                row(
                    &first.plus(i as i64).to_string(),
                    "production",
                    Pricing::OnDemand,
                    *c,
                )
            })
            .collect()
    }

    #[test]
    fn cost_growing_faster_than_customers_warns() {
        let f = fleet_with(
            months(
                "2026-01",
                &[
                    100.0, 100.0, 100.0, 105.0, 105.0, 105.0, 130.0, 130.0, 130.0, 140.0,
                ],
            ),
            &[
                ("2026-01", 10),
                ("2026-02", 10),
                ("2026-03", 10),
                ("2026-04", 11),
                ("2026-05", 11),
                ("2026-06", 11),
                ("2026-07", 11),
                ("2026-08", 12),
                ("2026-09", 12),
                ("2026-10", 12),
            ],
        );
        let out = run_fleet(&CostVsLoad, &f);
        assert_eq!(
            render(&out).lines().collect::<Vec<_>>(),
            [
                "pass: 2026-Q1 → 2026-Q2: cost grew 5.00% ($300.00 → $315.00), no faster than customers grew 10.00% (monthly average 10.00 → 11.00) [cost/2026.csv:2:1, cost/customers.csv:5:1]",
                "warn: 2026-Q2 → 2026-Q3: cost grew 23.81% ($315.00 → $390.00), faster than customers grew 6.06% (monthly average 11.00 → 11.67) [cost/2026.csv:2:1, cost/customers.csv:8:1]",
                "not_applicable: 2026-Q4 is not complete in the window (cost for 2026-10 only), $140.00 so far: it is judged once all three months are [cost/2026.csv:2:1, cost/customers.csv:11:1]",
            ]
        );
        assert_eq!(Status::worst(statuses(&out)), Status::Warn);
    }

    #[test]
    fn falling_cost_passes_and_missing_counts_are_unverified() {
        let f = fleet_with(
            months("2026-04", &[100.0, 100.0, 100.0, 90.0, 90.0, 90.0]),
            &[
                ("2026-04", 10),
                ("2026-05", 10),
                ("2026-06", 10),
                ("2026-07", 9),
                ("2026-08", 9),
                ("2026-09", 9),
            ],
        );
        let out = run_fleet(&CostVsLoad, &f);
        assert_eq!(
            out[0].message,
            "2026-Q2 → 2026-Q3: cost fell 10.00% ($300.00 → $270.00), no faster than customers fell 10.00% (monthly average 10.00 → 9.00)"
        );
        assert_eq!(out[0].status, Status::Pass);
        let f = fleet_with(
            months("2026-04", &[100.0, 100.0, 100.0, 90.0, 90.0, 90.0]),
            &[
                ("2026-04", 10),
                ("2026-05", 10),
                ("2026-06", 10),
                ("2026-07", 9),
            ],
        );
        let out = run_fleet(&CostVsLoad, &f);
        assert_eq!(statuses(&out), [Status::Unverified]);
        assert!(
            out[0]
                .message
                .starts_with("2026-Q2 → 2026-Q3: cost fell 10.00%")
        );
    }

    #[test]
    fn fewer_than_two_complete_quarters_is_unverified() {
        let f = fleet_with(months("2026-06", &[100.0, 100.0, 100.0, 100.0, 100.0]), &[]);
        let out = run_fleet(&CostVsLoad, &f);
        assert_eq!(
            statuses(&out),
            [
                Status::Unverified,
                Status::NotApplicable,
                Status::NotApplicable
            ]
        );
        assert_eq!(
            out[0].message,
            "no two consecutive complete quarters to compare in the cost data: 2026-Q2 (1 of 3 months), 2026-Q3 (3 of 3 months), 2026-Q4 (1 of 3 months)"
        );
    }

    #[test]
    fn the_demo_fleet_warns_for_the_third_quarter() {
        let out = run_fleet(&CostVsLoad, &demo());
        let lines: Vec<String> = out
            .iter()
            .map(|f| format!("{}: {}", f.status, f.message))
            .collect();
        assert_eq!(
            lines,
            [
                "pass: 2026-Q1 → 2026-Q2: cost grew 6.63% ($396,600.00 → $422,900.00), no faster than customers grew 10.45% (monthly average 1,219.00 → 1,346.33)",
                "warn: 2026-Q2 → 2026-Q3: cost grew 16.46% ($422,900.00 → $492,500.00), faster than customers grew 9.16% (monthly average 1,346.33 → 1,469.67)",
                "not_applicable: 2026-Q4 is not complete in the window (cost for 2026-10 only), $176,000.00 so far: it is judged once all three months are",
            ]
        );
    }
}
