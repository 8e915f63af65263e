use relman_core::Severity;

use crate::{CheckMeta, Findings, FleetCheck, FleetCx};

/// F-3: the manifesto is reviewed at least every six months.
pub struct ManifestoReview;

static META: CheckMeta = CheckMeta {
    rule: "F-3",
    id: "manifesto-review",
    severity: Severity::Medium,
    title: "The manifesto was reviewed in the last six months",
    what: "`manifesto.last_reviewed` in relman.yaml is set and no more than 183 days (by default) before today.",
    why: "Rules that are never reassessed stop fitting the systems they govern, and teams start bypassing them instead of changing them.",
    fix: "Review the rules with the teams, then set `manifesto.last_reviewed` in relman.yaml to the date of the review.",
};

impl FleetCheck for ManifestoReview {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &FleetCx<'_>, out: &mut Findings) {
        let origin = &cx.fleet.config.origin;
        let at = origin.at("fleet", "manifesto.last_reviewed");
        let max = cx.fleet.tuning.manifesto_review_max_days;
        let Some(last) = cx.fleet.config.manifesto.last_reviewed else {
            out.fail("the manifesto's last review is not recorded (relman.yaml: manifesto.last_reviewed)")
                .at(at);
            return;
        };
        let age = (cx.now - last).num_days();
        if age < 0 {
            out.warn(format!(
                "the manifesto's last review is dated {last}, {} days in the future",
                -age
            ))
            .at(at)
            .fix("Record the date the review actually took place.");
        } else if age > max {
            out.fail(format!(
                "the manifesto was last reviewed on {last}, {age} days ago (more than {max})"
            ))
            .at(at);
        } else {
            let due = last + chrono::Duration::days(max);
            out.pass(format!(
                "the manifesto was reviewed on {last}, {age} days ago; next review due by {due}"
            ))
            .at(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;

    use super::*;
    use crate::testing::*;

    fn with_review(d: Option<&str>) -> Vec<Status> {
        let mut f = fleet();
        f.config.manifesto.last_reviewed = d.map(date);
        statuses(&run_fleet(&ManifestoReview, &f))
    }

    #[test]
    fn verdicts() {
        assert_eq!(with_review(Some("2026-09-01")), [Status::Pass]);
        assert_eq!(with_review(Some("2026-05-25")), [Status::Pass]); // 183 days
        assert_eq!(with_review(Some("2026-05-24")), [Status::Fail]); // 184 days
        assert_eq!(with_review(None), [Status::Fail]);
        assert_eq!(with_review(Some("2027-01-01")), [Status::Warn]);
    }
}
