//! The cost trend's table, shared by the Markdown and terminal outputs:
//! one row per month of `report.cost`, in the order of the series.

use relman_core::cost;
use relman_core::report::CostTrend;

/// The column headers; `untagged` only when some cost is untagged.
pub(crate) fn header(trend: &CostTrend) -> Vec<String> {
    let mut h = vec![
        "month".to_string(),
        "total".to_string(),
        "non-production".to_string(),
    ];
    if has_untagged(trend) {
        h.push("untagged".to_string());
    }
    h.push(match trend.spot_basis {
        "capacity_hours" => "spot (instance-hours)".to_string(),
        _ => "spot (cost)".to_string(),
    });
    h.push("customers".to_string());
    h.push("cost per customer".to_string());
    h
}

fn has_untagged(trend: &CostTrend) -> bool {
    trend.months.iter().any(|m| m.untagged != 0.0)
}

fn share(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), cost::percent)
}

/// One row of cells per month, as the header orders them.
pub(crate) fn rows(trend: &CostTrend) -> Vec<Vec<String>> {
    let untagged = has_untagged(trend);
    trend
        .months
        .iter()
        .map(|m| {
            let mut r = vec![
                if m.partial {
                    format!("{} (partial)", m.month)
                } else {
                    m.month.clone()
                },
                cost::usd(m.total),
                share(m.non_production_share),
            ];
            if untagged {
                r.push(share(m.untagged_share));
            }
            r.push(share(m.spot_share));
            r.push(m.customers.map_or_else(|| "—".to_string(), cost::count));
            r.push(
                m.cost_per_customer
                    .map_or_else(|| "—".to_string(), cost::usd),
            );
            r
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn cells() {
        let trend = testing::cost_trend();
        assert_eq!(
            header(&trend),
            [
                "month",
                "total",
                "non-production",
                "untagged",
                "spot (cost)",
                "customers",
                "cost per customer"
            ]
        );
        let rows = rows(&trend);
        assert_eq!(
            rows[0],
            [
                "2026-09",
                "$170,500.00",
                "35.95%",
                "0.00%",
                "15.78%",
                "1,502",
                "$113.52"
            ]
        );
        assert_eq!(rows[2][0], "2026-11 (partial)");
        assert_eq!(rows[2][5], "—");
    }
}
