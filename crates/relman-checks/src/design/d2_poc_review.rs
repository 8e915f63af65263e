use relman_core::Severity;
use relman_core::fleet::ReviewType;

use crate::design::reviews;
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// D-2: the service went through a reviewed proof of concept before it
/// first reached production.
pub struct PocReview;

static META: CheckMeta = CheckMeta {
    rule: "D-2",
    id: "poc-review",
    severity: Severity::Low,
    title: "A POC review came before production",
    what: "records/reviews/ holds a `Review` with `type: poc` for the service whose outcome is not a rejection (an outcome starting with rejected, failed, denied, declined, not approved, no-go, blocked, do not proceed or stop), dated no later than the day of the service's first production deployment in records/deployments.csv or .jsonl (environments named production, prod, prd or live, alone or with a `-suffix`). A late review fails with the days between; without production deployments on record the timing is not judged. A review with no outcome warns. Every service needs it, whatever its lifecycle: a `poc` service is exactly one whose POC is under way, and a deprecated one still runs in production.",
    why: "Presenting a proof of concept's findings, design and rollout plan to the team before building for production catches wrong designs while they are still cheap to change, and spreads the knowledge of the new service.",
    fix: "Present the proof of concept (findings, proposed design, architecture, implementation steps) at a team meeting and record it as records/reviews/DATE-SERVICE-poc.md (`kind: Review`, `type: poc`, `service`, `date`, `outcome`, `link`).",
};

impl ServiceCheck for PocReview {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        reviews::judge(cx, out, ReviewType::Poc);
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
            review(
                ReviewType::Poc,
                "pilot",
                "2026-09-29",
                Some("proceed to a pilot"),
            ),
            review(
                ReviewType::Poc,
                "turned-down",
                "2026-09-29",
                Some("rejected: rework the data model"),
            ),
            review(ReviewType::Prr, "prr-only", "2026-09-01", Some("approved")),
            review(ReviewType::Poc, "late", "2026-11-09", Some("proceed")),
        ];
        f.records.deployments = vec![
            deployment("pilot", "production", "ann", "2026-10-12T09", 2),
            deployment("late", "dev", "ann", "2026-10-29T14", 3),
            deployment("late", "production", "bob", "2026-11-03T08", 4),
        ];
        let judge = |name: &str, lifecycle: Lifecycle| {
            let mut s = service(name);
            s.lifecycle = lifecycle;
            run_in(&PocReview, &f, &s)
        };
        assert_eq!(statuses(&judge("pilot", Lifecycle::Poc)), [Status::Pass]);
        assert_eq!(
            statuses(&judge("turned-down", Lifecycle::Poc)),
            [Status::Fail]
        );
        assert_eq!(
            statuses(&judge("prr-only", Lifecycle::Production)),
            [Status::Fail]
        );
        let late = judge("late", Lifecycle::Production);
        assert_eq!(statuses(&late), [Status::Fail]);
        assert!(
            late[0].message.contains("came 6 days after its first recorded production deployment, to production on 2026-11-03 by bob"),
            "{}",
            late[0].message
        );
    }
}
