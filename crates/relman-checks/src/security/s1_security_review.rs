use relman_core::Severity;
use relman_core::fleet::ReviewType;

use crate::design::reviews;
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// S-1: the security team approved the service before it first reached
/// production.
pub struct SecurityReview;

static META: CheckMeta = CheckMeta {
    rule: "S-1",
    id: "security-review",
    severity: Severity::High,
    title: "Security approved the service before production",
    what: "records/reviews/ holds a `Review` with `type: security` for the service whose outcome is not a rejection (an outcome starting with rejected, failed, denied, declined, not approved, no-go, blocked, do not proceed or stop), dated no later than the day of the service's first production deployment in records/deployments.csv or .jsonl (environments named production, prod, prd or live, alone or with a `-suffix`). A late review fails with the days between; without production deployments on record the timing is not judged. A review with no outcome warns: an approval should say so. `lifecycle: poc` services are not judged (they need only the POC review, D-2); deprecated services still run in production and are.",
    why: "A security review is an approval: once a system is in production with customer data, the flaws it would have caught are already exposed.",
    fix: "Have the security team review the service before its first production deployment and record the approval as records/reviews/DATE-SERVICE-security.md (`kind: Review`, `type: security`, `service`, `date`, `outcome`, `link`).",
};

impl ServiceCheck for SecurityReview {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        reviews::judge(cx, out, ReviewType::Security);
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
                ReviewType::Security,
                "approved",
                "2025-11-18",
                Some("approved with conditions"),
            ),
            review(
                ReviewType::Security,
                "refused",
                "2026-10-01",
                Some("Denied: public bucket"),
            ),
            review(ReviewType::Security, "silent", "2026-10-01", None),
            review(ReviewType::Prr, "prr-only", "2026-09-01", Some("approved")),
        ];
        f.records.deployments = vec![deployment(
            "approved",
            "production",
            "ann",
            "2026-11-06T07",
            2,
        )];
        let judge = |name: &str, lifecycle: Lifecycle| {
            let mut s = service(name);
            s.lifecycle = lifecycle;
            statuses(&run_in(&SecurityReview, &f, &s))
        };
        assert_eq!(judge("approved", Lifecycle::Production), [Status::Pass]);
        assert_eq!(judge("refused", Lifecycle::Production), [Status::Fail]);
        assert_eq!(judge("silent", Lifecycle::Production), [Status::Warn]);
        assert_eq!(judge("prr-only", Lifecycle::Deprecated), [Status::Fail]);
        assert_eq!(judge("prr-only", Lifecycle::Poc), [Status::NotApplicable]);
    }
}
