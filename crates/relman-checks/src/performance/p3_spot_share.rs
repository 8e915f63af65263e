use relman_core::Severity;
use relman_core::cost::{self, QuarterCost, SpotBasis};
use relman_core::fleet::CostConfig;

use super::{
    AtAll, above, incomplete_quarters, judged, partial_months, problems, quarter_steps, spot_detail,
};
use crate::{CheckMeta, Findings, FleetCheck, FleetCx};

/// P-3: the spot share grows 2 points a quarter up to a cap of 50%.
pub struct SpotShare;

static META: CheckMeta = CheckMeta {
    rule: "P-3",
    id: "spot-share",
    severity: Severity::Low,
    title: "Spot share rises 2 points a quarter, up to 50%",
    what: "The share of spot capacity per complete calendar quarter within the last 12 complete months (`cost.window_months`): it must rise at least 2 points (`cost.spot_min_rise_points`) from one quarter to the next until it reaches 50% (`cost.spot_max_percent`; near the cap, the rise needed is what reaches it), and no complete month may be above 50%. The share is measured in capacity-hours (spot instance-hours over all instance-hours) when every cost file gives them (a CUR's usage amount, or the generic form's `capacity_hours` column), else in cost (spot cost over the total); each finding says which. Each quarter-to-quarter step is a finding naming both shares; a quarter still running is shown, not judged.",
    why: "Spot capacity costs a fraction of on-demand, and running on it proves that services survive losing machines; above half of the fleet, a spot shortage in a region could take too much capacity at once.",
    fix: "Move stateless, interruption-tolerant workloads (batch jobs, CI runners, stateless replicas behind a load balancer) to spot node pools with diversified instance types, a little more each quarter; keep state and the control plane on on-demand or reserved capacity.",
};

impl FleetCheck for SpotShare {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &FleetCx<'_>, out: &mut Findings) {
        if let Some(j) = judged(cx, out) {
            let cfg = &cx.fleet.config.cost;
            let basis = cost::spot_basis(&j.months);
            let quarters = cost::quarterly(&j.months);
            // The cap holds every month, not only on a quarter's average.
            for m in &j.months {
                let Some(share) = m
                    .spot_share(basis)
                    .filter(|s| above(*s, cfg.spot_max_percent))
                else {
                    continue;
                };
                let detail = match basis {
                    SpotBasis::Cost => {
                        format!("spot {} of {}", cost::usd(m.spot), cost::usd(m.total))
                    }
                    SpotBasis::CapacityHours => format!(
                        "{} of {} instance-hours on spot",
                        cost::number(m.spot_capacity_hours.unwrap_or_default()),
                        cost::number(m.capacity_hours.unwrap_or_default())
                    ),
                };
                out.fail(format!(
                    "{}: the spot share by {} is {}, above the {}% cap ({detail})",
                    m.month,
                    basis.describe(),
                    cost::percent(share),
                    cfg.spot_max_percent,
                ))
                .at_all(&m.evidence)
                .fix(format!(
                    "Bring spot back under {}% of the capacity: move stateful or critical workloads to on-demand or reserved capacity.",
                    cfg.spot_max_percent
                ));
            }
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
                // A quarter above the cap has failed above; its rise is moot.
                if !b
                    .spot_share(basis)
                    .is_some_and(|s| above(s, cfg.spot_max_percent))
                {
                    step(a, b, basis, cfg, out);
                }
            }
            incomplete_quarters(&quarters, out, |q| {
                format!(
                    ", a spot share by {} of {} so far",
                    basis.describe(),
                    share(q, basis)
                )
            });
            partial_months(&j, cx, out, "its spot share");
        }
        problems(cx, out);
    }
}

fn share(q: &QuarterCost, basis: SpotBasis) -> String {
    q.spot_share(basis)
        .map_or_else(|| "unknown".to_string(), cost::percent)
}

fn step(a: &QuarterCost, b: &QuarterCost, basis: SpotBasis, cfg: &CostConfig, out: &mut Findings) {
    let period = format!("{} → {}", a.quarter, b.quarter);
    let (Some(sa), Some(sb)) = (a.spot_share(basis), b.spot_share(basis)) else {
        out.not_applicable(format!(
            "{period}: no {} to measure a spot share on",
            match basis {
                SpotBasis::Cost => "cost",
                SpotBasis::CapacityHours => "instance-hours",
            }
        ))
        .at_all(&b.evidence);
        return;
    };
    let rise = (sb - sa) * 100.0;
    let needed = cfg
        .spot_min_rise_points
        .min(cfg.spot_max_percent - sa * 100.0)
        .max(0.0);
    let moved = if rise >= 0.0 {
        format!("rose {rise:.2} points")
    } else {
        format!("fell {:.2} points", -rise)
    };
    let what = format!(
        "{period}: the spot share by {} {moved}, {} → {} ({})",
        basis.describe(),
        cost::percent(sa),
        cost::percent(sb),
        spot_detail(b, basis)
    );
    if rise + 1e-9 >= needed {
        let why = if needed < cfg.spot_min_rise_points {
            format!("; it is at the {}% cap", cfg.spot_max_percent)
        } else {
            String::new()
        };
        out.pass(format!("{what}{why}")).at_all(&b.evidence);
    } else if needed < cfg.spot_min_rise_points {
        out.fail(format!(
            "{what}: it must rise {needed:.2} points to reach the {}% cap",
            cfg.spot_max_percent
        ))
        .at_all(&b.evidence);
    } else {
        out.fail(format!(
            "{what}: it must rise at least {} points a quarter until {}%",
            cfg.spot_min_rise_points, cfg.spot_max_percent
        ))
        .at_all(&b.evidence);
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::fleet::{CostRow, Pricing};

    use super::*;
    use crate::performance::testdata::*;
    use crate::testing::*;

    /// Three months of each quarter with `spot` of every 100 on spot.
    fn quarters(first: &str, spots: &[f64], hours: bool) -> Vec<CostRow> {
        let start = cost::Month::parse(first).expect("month");
        let mut rows = Vec::new();
        for (qi, spot) in spots.iter().enumerate() {
            for m in 0..3 {
                let month = start.plus((qi * 3 + m) as i64).to_string();
                let mut s = row(&month, "production", Pricing::Spot, *spot);
                let mut o = row(&month, "production", Pricing::OnDemand, 100.0 - spot);
                if hours {
                    // Spot instance-hours cost a third of on-demand ones.
                    s.capacity_hours = Some(spot * 3.0);
                    o.capacity_hours = Some(100.0 - spot);
                }
                rows.push(s);
                rows.push(o);
            }
        }
        rows
    }

    #[test]
    fn the_share_must_rise_two_points_a_quarter() {
        let f = fleet_with(quarters("2026-01", &[10.0, 12.5, 13.0, 13.0], false), &[]);
        let out = run_fleet(&SpotShare, &f);
        assert_eq!(
            render(&out).lines().collect::<Vec<_>>(),
            [
                "pass: 2026-Q1 → 2026-Q2: the spot share by cost rose 2.50 points, 10.00% → 12.50% (spot $37.50 of $300.00) [cost/2026.csv:2:1]",
                "fail: 2026-Q2 → 2026-Q3: the spot share by cost rose 0.50 points, 12.50% → 13.00% (spot $39.00 of $300.00): it must rise at least 2 points a quarter until 50% [cost/2026.csv:2:1]",
                "not_applicable: 2026-Q4 is not complete in the window (cost for 2026-10 only), a spot share by cost of 13.00% so far: it is judged once all three months are [cost/2026.csv:2:1]",
                "not_applicable: 2026-11 is not over on 2026-11-24: its spot share is judged once the month is complete [cost/2026.csv:2:1]",
                "not_applicable: 2026-12 is not over on 2026-11-24: its spot share is judged once the month is complete [cost/2026.csv:2:1]",
            ]
        );
    }

    #[test]
    fn capacity_hours_are_used_when_given() {
        let f = fleet_with(quarters("2026-01", &[10.0, 12.5, 13.0], true), &[]);
        let out = run_fleet(&SpotShare, &f);
        assert_eq!(
            out[0].message,
            "2026-Q1 → 2026-Q2: the spot share by capacity-hours rose 5.00 points, 25.00% → 30.00% (112.50 of 375.00 instance-hours on spot)"
        );
        // 12.50% → 13.00% of the cost is 30.00% → 30.95% of the hours.
        assert_eq!(statuses(&out), [Status::Pass, Status::Fail]);
        assert!(
            out[1].message.contains("30.00% → 30.95%"),
            "{}",
            out[1].message
        );
    }

    #[test]
    fn the_cap_is_fifty_percent() {
        let f = fleet_with(quarters("2026-01", &[47.0, 49.5, 50.0, 50.0], false), &[]);
        let out = run_fleet(&SpotShare, &f);
        let lines: Vec<String> = out
            .iter()
            .map(|f| format!("{}: {}", f.status, f.message))
            .collect();
        assert_eq!(
            lines[..2],
            [
                "pass: 2026-Q1 → 2026-Q2: the spot share by cost rose 2.50 points, 47.00% → 49.50% (spot $148.50 of $300.00)",
                "pass: 2026-Q2 → 2026-Q3: the spot share by cost rose 0.50 points, 49.50% → 50.00% (spot $150.00 of $300.00); it is at the 50% cap",
            ]
        );
        let f = fleet_with(quarters("2026-01", &[48.0, 48.5, 55.0], false), &[]);
        let out = run_fleet(&SpotShare, &f);
        let lines: Vec<String> = out
            .iter()
            .map(|f| format!("{}: {}", f.status, f.message))
            .collect();
        assert_eq!(
            lines,
            [
                "fail: 2026-07: the spot share by cost is 55.00%, above the 50% cap (spot $55.00 of $100.00)",
                "fail: 2026-08: the spot share by cost is 55.00%, above the 50% cap (spot $55.00 of $100.00)",
                "fail: 2026-09: the spot share by cost is 55.00%, above the 50% cap (spot $55.00 of $100.00)",
                "fail: 2026-Q1 → 2026-Q2: the spot share by cost rose 0.50 points, 48.00% → 48.50% (spot $145.50 of $300.00): it must rise at least 2 points a quarter until 50%",
            ]
        );
    }

    #[test]
    fn one_complete_quarter_is_not_a_trend() {
        let f = fleet_with(quarters("2026-07", &[10.0], false), &[]);
        let out = run_fleet(&SpotShare, &f);
        assert_eq!(out[0].status, Status::Unverified);
        assert_eq!(
            out[0].message,
            "no two consecutive complete quarters to compare in the cost data: 2026-Q3 (3 of 3 months)"
        );
    }

    #[test]
    fn the_demo_fleet_falls_back_after_the_second_quarter() {
        let out = run_fleet(&SpotShare, &demo());
        let lines: Vec<String> = out
            .iter()
            .map(|f| format!("{}: {}", f.status, f.message))
            .collect();
        assert_eq!(
            lines,
            [
                "pass: 2026-Q1 → 2026-Q2: the spot share by cost rose 2.83 points, 14.25% → 17.07% (spot $72,200.00 of $422,900.00)",
                "fail: 2026-Q2 → 2026-Q3: the spot share by cost fell 0.87 points, 17.07% → 16.20% (spot $79,800.00 of $492,500.00): it must rise at least 2 points a quarter until 50%",
                "not_applicable: 2026-Q4 is not complete in the window (cost for 2026-10 only), a spot share by cost of 15.51% so far: it is judged once all three months are",
            ]
        );
    }
}
