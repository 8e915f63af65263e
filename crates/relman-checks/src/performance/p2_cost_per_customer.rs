use relman_core::Severity;
use relman_core::cost::{self, MonthCost};

use super::{AtAll, change_size, judged, partial_months, problems};
use crate::{CheckMeta, Findings, FleetCheck, FleetCx};

/// P-2: the cost per customer falls as customers are added.
pub struct CostPerCustomer;

static META: CheckMeta = CheckMeta {
    rule: "P-2",
    id: "cost-per-customer",
    severity: Severity::Medium,
    title: "Cost per customer falls as customers grow",
    what: "Month by month over the last 12 complete months (`cost.window_months`), the total cost divided by the month's customer count (cost/customers.csv, or the generic form's `customers` column). Each month is a finding that shows the division and the change from the month before, so the findings are the series: a month whose cost per customer rose while customers grew fails; a month whose customers did not grow asks nothing (`not_applicable`); a month without a customer count is unverified.",
    why: "Shared infrastructure should get cheaper per customer as customers are added: the platform, the clusters and the on-call are paid once. A cost per customer that rises with growth means cost scales worse than linearly, which compounds.",
    fix: "Find what grew faster than the customers (cost by environment and pricing) and make it scale with the load: right-size, share, autoscale, and move steady load to reserved or spot capacity.",
};

impl FleetCheck for CostPerCustomer {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &FleetCx<'_>, out: &mut Findings) {
        if let Some(j) = judged(cx, out) {
            if j.months.iter().all(|m| m.customers.is_none()) {
                out.unverified(format!(
                    "no customer count for any month from {} to {}: the cost per customer is not known",
                    j.months[0].month,
                    j.months[j.months.len() - 1].month
                ))
                .at_all(&j.months[0].evidence)
                .fix("Give the customer count of every month: cost/customers.csv (`month,customers`) or a `customers` column in the generic cost file.");
            } else if j.months.len() == 1 {
                out.unverified(format!(
                    "{} is the only complete month of cost data: the cost per customer needs two months to have a trend",
                    j.months[0].month
                ))
                .at_all(&j.months[0].evidence);
            } else {
                for w in j.months.windows(2) {
                    step(&w[0], &w[1], out);
                }
            }
            partial_months(&j, cx, out, "its cost per customer");
        }
        problems(cx, out);
    }
}

/// `$109.40 ($157,100.00 / 1,436 customers)`.
fn division(m: &MonthCost, customers: u64) -> String {
    format!(
        "{} ({} / {} customers)",
        cost::usd(m.total / customers as f64),
        cost::usd(m.total),
        cost::count(customers)
    )
}

fn step(a: &MonthCost, b: &MonthCost, out: &mut Findings) {
    if b.month != a.month.plus(1) {
        out.unverified(format!(
            "no cost data between {} and {}: the month-by-month series has a gap",
            a.month, b.month
        ))
        .at_all(&b.evidence);
        return;
    }
    let (Some(na), Some(nb)) = (
        a.customers.filter(|n| *n > 0),
        b.customers.filter(|n| *n > 0),
    ) else {
        let missing = if b.customers.is_none_or(|n| n == 0) {
            b.month
        } else {
            a.month
        };
        out.unverified(format!(
            "{}: no customer count for {missing}, so the cost per customer cannot be compared with {}",
            b.month, a.month
        ))
        .at_all(&b.evidence)
        .fix("Give the customer count of every month: cost/customers.csv (`month,customers`) or a `customers` column in the generic cost file.");
        return;
    };
    let (ca, cb) = (a.total / na as f64, b.total / nb as f64);
    let cpc_change = change_size(ca, cb);
    let customers_change = change_size(na as f64, nb as f64);
    let now = division(b, nb);
    let before = cost::usd(ca);
    if nb <= na {
        out.not_applicable(format!(
            "{}: customers did not grow ({} → {}), so P-2 asks nothing of this month; cost per customer from {before} to {now}, {}",
            b.month,
            cost::count(na),
            cost::count(nb),
            cost::growth(ca, cb).unwrap_or_default()
        ))
        .at_all(&b.evidence);
    } else if cb > ca + 1e-9 {
        out.fail(format!(
            "{}: cost per customer rose {cpc_change}, from {before} to {now}, while customers grew {customers_change} ({} → {})",
            b.month,
            cost::count(na),
            cost::count(nb)
        ))
        .at_all(&b.evidence);
    } else {
        out.pass(format!(
            "{}: cost per customer fell {cpc_change}, from {before} to {now}, as customers grew {customers_change} ({} → {})",
            b.month,
            cost::count(na),
            cost::count(nb)
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

    #[test]
    fn the_series_month_by_month() {
        let f = fleet_with(
            vec![
                row("2026-06", "production", Pricing::OnDemand, 1000.0),
                row("2026-07", "production", Pricing::OnDemand, 1050.0),
                row("2026-08", "production", Pricing::OnDemand, 1200.0),
                row("2026-09", "production", Pricing::OnDemand, 1100.0),
                row("2026-10", "production", Pricing::OnDemand, 1100.0),
            ],
            &[
                ("2026-06", 100),
                ("2026-07", 110),
                ("2026-08", 115),
                ("2026-09", 100),
            ],
        );
        let out = run_fleet(&CostPerCustomer, &f);
        assert_eq!(
            render(&out).lines().collect::<Vec<_>>(),
            [
                "pass: 2026-07: cost per customer fell 4.55%, from $10.00 to $9.55 ($1,050.00 / 110 customers), as customers grew 10.00% (100 → 110) [cost/2026.csv:2:1, cost/customers.csv:3:1]",
                "fail: 2026-08: cost per customer rose 9.32%, from $9.55 to $10.43 ($1,200.00 / 115 customers), while customers grew 4.55% (110 → 115) [cost/2026.csv:2:1, cost/customers.csv:4:1]",
                "not_applicable: 2026-09: customers did not grow (115 → 100), so P-2 asks nothing of this month; cost per customer from $10.43 to $11.00 ($1,100.00 / 100 customers), +5.42% [cost/2026.csv:2:1, cost/customers.csv:5:1]",
                "unverified: 2026-10: no customer count for 2026-10, so the cost per customer cannot be compared with 2026-09 [cost/2026.csv:2:1]",
            ]
        );
        assert_eq!(Status::worst(statuses(&out)), Status::Fail);
    }

    #[test]
    fn without_customer_counts_it_is_unverified() {
        let f = fleet_with(
            vec![
                row("2026-09", "production", Pricing::OnDemand, 1000.0),
                row("2026-10", "production", Pricing::OnDemand, 1000.0),
            ],
            &[],
        );
        let out = run_fleet(&CostPerCustomer, &f);
        assert_eq!(
            render(&out),
            "unverified: no customer count for any month from 2026-09 to 2026-10: the cost per customer is not known [cost/2026.csv:2:1]"
        );
    }

    #[test]
    fn a_gap_in_the_months_is_said() {
        let f = fleet_with(
            vec![
                row("2026-07", "production", Pricing::OnDemand, 1000.0),
                row("2026-09", "production", Pricing::OnDemand, 900.0),
            ],
            &[("2026-07", 10), ("2026-09", 11)],
        );
        let out = run_fleet(&CostPerCustomer, &f);
        assert_eq!(
            out[0].message,
            "no cost data between 2026-07 and 2026-09: the month-by-month series has a gap"
        );
    }

    #[test]
    fn the_demo_fleet_rises_again_from_july() {
        let out = run_fleet(&CostPerCustomer, &demo());
        let verdicts: Vec<String> = out
            .iter()
            .map(|f| format!("{} {}", &f.message[..7], f.status))
            .collect();
        assert_eq!(
            verdicts,
            [
                "2026-02 pass",
                "2026-03 pass",
                "2026-04 pass",
                "2026-05 pass",
                "2026-06 pass",
                "2026-07 fail",
                "2026-08 fail",
                "2026-09 fail",
                "2026-10 fail"
            ]
        );
        assert_eq!(
            out[5].message,
            "2026-07: cost per customer rose 6.04%, from $103.17 to $109.40 ($157,100.00 / 1,436 customers), while customers grew 3.31% (1,390 → 1,436)"
        );
    }
}
