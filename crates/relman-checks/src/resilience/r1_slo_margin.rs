use relman_core::Severity;

use super::pct;
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// the internal target leaves a margin below the customer promise.
pub struct SloMargin;

static META: CheckMeta = CheckMeta {
    rule: "R-1",
    id: "slo-margin",
    severity: Severity::Medium,
    title: "The internal SLO leaves a margin below the promise",
    what: "The internal error budget (100% minus the internal objective) is at most half (by default) of the external error budget. Below that margin the check warns; an internal target at or under the external one fails.",
    why: "An internal target a hair above the promise gives no time to react: by the time the internal budget is spent, the customer's is almost spent too.",
    fix: "Raise `slo.internal.objective` until its error budget is at most half the external one (99.95 against 99.9), and invest in what stops the service from meeting it.",
};

impl ServiceCheck for SloMargin {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let origin = &cx.service.origin;
        let slo = cx.service.slo.as_ref();
        let (Some(internal), Some(external)) = (
            slo.and_then(|s| s.internal.as_ref()),
            slo.and_then(|s| s.external.as_ref()),
        ) else {
            let missing = match slo {
                None => "no SLO is declared",
                Some(s) if s.internal.is_none() && s.external.is_none() => "no SLO is declared",
                Some(s) if s.internal.is_none() => "no internal SLO is declared",
                Some(_) => "no external SLO is declared",
            };
            out.fail(format!("{missing}, so there is no margin to measure ({})", origin.field("slo")))
                .at(origin.at("descriptor", "slo"))
                .fix("Declare both `slo.external` (the promise) and `slo.internal` (the service's own, higher target).");
            return;
        };
        let at = origin.at("descriptor", "slo.internal.objective");
        let max_ratio = cx.fleet.tuning.slo_max_budget_ratio;
        let ratio = internal.error_budget() / external.error_budget();
        let wanted = 100.0 - external.error_budget() * max_ratio * 100.0;
        if internal.objective <= external.objective {
            out.fail(format!(
                "internal SLO {} leaves no margin below the external {}",
                pct(internal.objective),
                pct(external.objective)
            ))
            .at(at)
            .fix(format!("Aim for {} or higher internally.", pct(wanted)));
        } else if ratio > max_ratio + 1e-9 {
            out.warn(format!(
                "internal error budget {} is {:.0}% of the external {}, above the {:.0}% margin",
                pct(internal.error_budget() * 100.0),
                ratio * 100.0,
                pct(external.error_budget() * 100.0),
                max_ratio * 100.0
            ))
            .at(at)
            .fix(format!(
                "Raise the internal objective to {} or higher.",
                pct(wanted)
            ));
        } else {
            out.pass(format!(
                "internal error budget {} is {:.0}% of the external {} (at most {:.0}%)",
                pct(internal.error_budget() * 100.0),
                ratio * 100.0,
                pct(external.error_budget() * 100.0),
                max_ratio * 100.0
            ))
            .at(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::evidence::ServiceEvidence;
    use relman_core::fleet::Slo;

    use super::*;
    use crate::testing::*;

    fn judge(internal: Option<f64>, external: Option<f64>) -> Vec<relman_core::Finding> {
        let mut s = service("a");
        s.slo = Some(Slo {
            internal: internal.map(|o| target(o, "30d")),
            external: external.map(|o| target(o, "30d")),
            sli: None,
        });
        run_service(&SloMargin, &s, &ServiceEvidence::default())
    }

    #[test]
    fn verdicts() {
        assert_eq!(statuses(&judge(Some(99.95), Some(99.9))), [Status::Pass]);
        assert_eq!(statuses(&judge(Some(99.99), Some(99.9))), [Status::Pass]);
        assert_eq!(statuses(&judge(Some(99.92), Some(99.9))), [Status::Warn]);
        assert_eq!(statuses(&judge(Some(99.9), Some(99.9))), [Status::Fail]);
        assert_eq!(statuses(&judge(None, Some(99.9))), [Status::Fail]);
        assert_eq!(statuses(&judge(Some(99.9), None)), [Status::Fail]);
    }

    #[test]
    fn warning_says_how_far() {
        let out = judge(Some(99.92), Some(99.9));
        assert_eq!(
            out[0].message,
            "internal error budget 0.08% is 80% of the external 0.1%, above the 50% margin"
        );
        assert_eq!(
            out[0].remediation.as_deref(),
            Some("Raise the internal objective to 99.95% or higher.")
        );
    }
}
