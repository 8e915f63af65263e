use relman_core::Severity;
use relman_core::cost::{self, MonthCost};
use relman_core::fleet::CostConfig;

use super::{AtAll, above, judged, partial_months, problems};
use crate::{CheckMeta, Findings, FleetCheck, FleetCx};

/// P-4: non-production environments cost at most 30% of the total.
pub struct NonProductionCost;

static META: CheckMeta = CheckMeta {
    rule: "P-4",
    id: "non-production-cost",
    severity: Severity::Medium,
    title: "Non-production is at most 30% of the cost",
    what: "For each complete month of the last 12 (`cost.window_months`), the cost of non-production environments over the month's total cost, at most 30% (`cost.non_production_max_percent`). Production is what `cost.production_environments` names (`production`, `prod`); cost with no environment tag is `untagged`, and when more than 10% of a month's cost is untagged (`cost.untagged_max_percent`) that month is `unverified`, with the untagged share. Each month is a finding, so the series shows when the share crossed the line.",
    why: "Staging, test and development environments exist to protect production; when they cost a third of the bill, environments are left running, oversized or duplicated, and that money does not serve customers.",
    fix: "Shut down or scale to zero what non-production does not use (nights, weekends, finished load tests), size it from its real load, and share environments between teams.",
};

impl FleetCheck for NonProductionCost {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &FleetCx<'_>, out: &mut Findings) {
        if let Some(j) = judged(cx, out) {
            let cfg = &cx.fleet.config.cost;
            for m in &j.months {
                month(m, cfg, out);
            }
            partial_months(&j, cx, out, "its non-production share");
        }
        problems(cx, out);
    }
}

/// `$37,000.00 of $176,000.00 (staging $25,000.00, dev $12,000.00)`.
fn breakdown(m: &MonthCost, cfg: &CostConfig) -> String {
    let envs: Vec<String> = m
        .non_production_environments(cfg)
        .iter()
        .map(|(e, c)| format!("{e} {}", cost::usd(*c)))
        .collect();
    let mut s = format!("{} of {}", cost::usd(m.non_production), cost::usd(m.total));
    if !envs.is_empty() {
        s.push_str(&format!(" ({})", envs.join(", ")));
    }
    s
}

fn month(m: &MonthCost, cfg: &CostConfig, out: &mut Findings) {
    let (Some(share), Some(untagged)) = (m.non_production_share(), m.untagged_share()) else {
        out.not_applicable(format!(
            "{}: the total cost is {}, there is no share to judge",
            m.month,
            cost::usd(m.total)
        ))
        .at_all(&m.evidence);
        return;
    };
    let max = cfg.non_production_max_percent;
    if above(untagged, cfg.untagged_max_percent) {
        out.unverified(format!(
            "{}: {} of the cost carries no environment ({} of {}), more than {}%: the non-production share cannot be judged ({} of the cost is tagged non-production)",
            m.month,
            cost::percent(untagged),
            cost::usd(m.untagged),
            cost::usd(m.total),
            cfg.untagged_max_percent,
            cost::percent(share),
        ))
        .at_all(&m.evidence)
        .fix(format!(
            "Tag every resource with the `{}` cost allocation tag (and activate it in the Billing console) so that each cost line names its environment.",
            cfg.environment_tag
        ));
        return;
    }
    let untagged_note = if m.untagged > 0.0 {
        format!("; {} untagged", cost::percent(untagged))
    } else {
        String::new()
    };
    if above(share, max) {
        out.fail(format!(
            "{}: non-production is {} of the cost, above {max}%: {}{untagged_note}",
            m.month,
            cost::percent(share),
            breakdown(m, cfg)
        ))
        .at_all(&m.evidence);
    } else {
        out.pass(format!(
            "{}: non-production is {} of the cost: {}{untagged_note}",
            m.month,
            cost::percent(share),
            breakdown(m, cfg)
        ))
        .at_all(&m.evidence);
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
    fn each_month_is_judged_against_the_limit() {
        let f = fleet_with(
            vec![
                row("2026-09", "production", Pricing::Reserved, 700.0),
                row("2026-09", "staging", Pricing::OnDemand, 200.0),
                row("2026-09", "dev", Pricing::Spot, 100.0),
                row("2026-10", "production", Pricing::Reserved, 600.0),
                row("2026-10", "staging", Pricing::OnDemand, 250.0),
                row("2026-10", "dev", Pricing::Spot, 120.0),
                row("2026-10", "untagged", Pricing::Other, 30.0),
                row("2026-11", "dev", Pricing::Spot, 500.0),
            ],
            &[],
        );
        let out = run_fleet(&NonProductionCost, &f);
        assert_eq!(
            render(&out).lines().collect::<Vec<_>>(),
            [
                "pass: 2026-09: non-production is 30.00% of the cost: $300.00 of $1,000.00 (staging $200.00, dev $100.00) [cost/2026.csv:2:1]",
                "fail: 2026-10: non-production is 37.00% of the cost, above 30%: $370.00 of $1,000.00 (staging $250.00, dev $120.00); 3.00% untagged [cost/2026.csv:2:1]",
                "not_applicable: 2026-11 is not over on 2026-11-24: its non-production share is judged once the month is complete [cost/2026.csv:2:1]",
            ]
        );
        assert_eq!(Status::worst(statuses(&out)), Status::Fail);
    }

    #[test]
    fn too_much_untagged_cost_is_unverified() {
        let f = fleet_with(
            vec![
                row("2026-10", "production", Pricing::Reserved, 880.0),
                row("2026-10", "untagged", Pricing::OnDemand, 120.0),
            ],
            &[],
        );
        let out = run_fleet(&NonProductionCost, &f);
        assert_eq!(
            render(&out),
            "unverified: 2026-10: 12.00% of the cost carries no environment ($120.00 of $1,000.00), more than 10%: the non-production share cannot be judged (0.00% of the cost is tagged non-production) [cost/2026.csv:2:1]"
        );
        assert!(
            out[0]
                .remediation
                .as_deref()
                .is_some_and(|r| r.contains("`environment` cost allocation tag"))
        );
        // 10% exactly is still conclusive.
        let f = fleet_with(
            vec![
                row("2026-10", "production", Pricing::Reserved, 900.0),
                row("2026-10", "untagged", Pricing::OnDemand, 100.0),
            ],
            &[],
        );
        assert_eq!(statuses(&run_fleet(&NonProductionCost, &f)), [Status::Pass]);
    }

    #[test]
    fn thresholds_and_production_names_come_from_the_config() {
        let mut f = fleet_with(
            vec![
                row("2026-10", "prd", Pricing::Reserved, 800.0),
                row("2026-10", "qa", Pricing::OnDemand, 200.0),
            ],
            &[],
        );
        assert_eq!(
            statuses(&run_fleet(&NonProductionCost, &f)),
            [Status::Fail],
            "prd is not a production name by default"
        );
        f.config.cost.production_environments = vec!["prd".into()];
        assert_eq!(statuses(&run_fleet(&NonProductionCost, &f)), [Status::Pass]);
        f.config.cost.non_production_max_percent = 15.0;
        assert_eq!(statuses(&run_fleet(&NonProductionCost, &f)), [Status::Fail]);
    }

    #[test]
    fn the_demo_fleet_fails_from_july() {
        let out = run_fleet(&NonProductionCost, &demo());
        let verdicts: Vec<String> = out
            .iter()
            .map(|f| format!("{} {}", &f.message[..7], f.status))
            .collect();
        assert_eq!(
            verdicts,
            [
                "2026-01 pass",
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
            out[9].message,
            "2026-10: non-production is 36.36% of the cost, above 30%: $64,000.00 of $176,000.00 (staging $37,000.00, dev $27,000.00)"
        );
    }
}
