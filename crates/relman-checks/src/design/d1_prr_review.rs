use relman_core::Severity;
use relman_core::fleet::ReviewType;

use crate::design::reviews;
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// D-1: a production readiness review with the infrastructure team, held
/// before the service first reached production.
pub struct PrrReview;

static META: CheckMeta = CheckMeta {
    rule: "D-1",
    id: "prr-review",
    severity: Severity::Medium,
    title: "A production readiness review came before production",
    what: "records/reviews/ holds a `Review` with `type: prr` for the service whose outcome is not a rejection (an outcome starting with rejected, failed, denied, declined, not approved, no-go, blocked, do not proceed or stop), dated no later than the day of the service's first production deployment in records/deployments.csv or .jsonl (environments named production, prod, prd or live, alone or with a `-suffix`). A late review fails with the days between; without production deployments on record the timing is not judged. A review with no outcome warns. `lifecycle: poc` services are not judged (they need only the POC review, D-2); deprecated services still run in production and are.",
    why: "Involving the infrastructure team before launch is when capacity, failure modes, on-call and observability are cheapest to get right; a review after the fact documents problems that are already in production.",
    fix: "Hold a production readiness review with the infrastructure team before the first production deployment and record it as records/reviews/DATE-SERVICE-prr.md (`kind: Review`, `type: prr`, `service`, `date`, `outcome`, `link`).",
};

impl ServiceCheck for PrrReview {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        reviews::judge(cx, out, ReviewType::Prr);
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::fleet::Lifecycle;

    use super::*;
    use crate::design::reviews::tests::{deployment, review, run_in};
    use crate::testing::*;

    #[test]
    fn verdicts() {
        let mut f = fleet();
        f.records.reviews = vec![
            review(ReviewType::Prr, "early", "2026-09-01", Some("approved")),
            review(ReviewType::Prr, "late", "2026-10-11", Some("approved")),
            review(ReviewType::Poc, "poc-only", "2026-09-01", Some("proceed")),
            review(ReviewType::Security, "late", "2026-09-01", Some("approved")),
        ];
        f.records.deployments = vec![
            deployment("early", "production", "ann", "2026-09-10T09", 2),
            deployment("late", "production", "ann", "2026-10-01T09", 3),
        ];
        let judge = |name: &str, lifecycle: Lifecycle| {
            let mut s = service(name);
            s.lifecycle = lifecycle;
            statuses(&run_in(&PrrReview, &f, &s))
        };
        assert_eq!(judge("early", Lifecycle::Production), [Status::Pass]);
        assert_eq!(judge("late", Lifecycle::Production), [Status::Fail]);
        assert_eq!(judge("poc-only", Lifecycle::Production), [Status::Fail]);
        assert_eq!(judge("poc-only", Lifecycle::Poc), [Status::NotApplicable]);
        assert_eq!(judge("none", Lifecycle::Deprecated), [Status::Fail]);
        let late = run_in(&PrrReview, &f, &service("late"));
        assert!(
            late[0].message.contains("came 10 days after"),
            "{}",
            late[0].message
        );
    }
}
