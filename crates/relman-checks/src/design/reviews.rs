//! What D-1 (PRR), D-2 (POC) and S-1 (security) share: a review of the
//! service is on record in records/reviews/, it was not turned down, and it
//! came before the service's first production deployment.
//!
//! - The review that counts is the earliest one whose outcome is not a
//!   rejection ([`is_rejection`]); one with no outcome recorded counts, but
//!   warns: an approval should say so.
//! - "Before" is by day: a review dated on the day of the first production
//!   deployment is in time (a review's date has no time of day). When no
//!   production deployment is recorded (records/deployments.csv or .jsonl),
//!   the timing is not judged and the finding says so.
//! - A review dated after today is not counted, and warns.
//! - `lifecycle: poc` services need only the POC review: the PRR and the
//!   security review are `not_applicable` for them. `deprecated` services
//!   still run in production, so they need all three.

use chrono::NaiveDate;
use relman_core::EvidenceRef;
use relman_core::fleet::{Lifecycle, Origin, Review, ReviewType};

use crate::{Findings, ServiceCx};

/// Outcomes, lowercased, that turn a review down.
const REJECTIONS: &[&str] = &[
    "reject",
    "fail",
    "denied",
    "deny",
    "decline",
    "not approved",
    "unapproved",
    "no-go",
    "no go",
    "blocked",
    "do not proceed",
    "don't proceed",
    "stop",
];

/// True when a review's outcome turns it down: it starts with "rejected",
/// "failed", "denied", "declined", "not approved", "no-go", "blocked",
/// "do not proceed" or "stop" (in any case).
pub(crate) fn is_rejection(outcome: &str) -> bool {
    let o = outcome.trim().to_lowercase();
    REJECTIONS.iter().any(|r| o.starts_with(r))
}

/// `records/reviews/x.md:4`, the line of a field.
fn loc(origin: &Origin, field: &str) -> String {
    match origin.fields.get(field) {
        Some(p) => format!("{}:{}", origin.file, p.line),
        None => origin.file.clone(),
    }
}

fn at(r: &Review) -> EvidenceRef {
    r.origin.at("records", "date")
}

/// `POC`, `PRR`, `security`.
fn label(kind: ReviewType) -> &'static str {
    match kind {
        ReviewType::Prr => "PRR",
        ReviewType::Poc => "POC",
        ReviewType::Security => "security",
    }
}

fn outcome(r: &Review) -> String {
    match &r.outcome {
        Some(o) => format!("outcome \"{o}\""),
        None => "no outcome recorded".to_string(),
    }
}

/// Judge the `kind` review of the service in `cx`.
pub(crate) fn judge(cx: &ServiceCx<'_>, out: &mut Findings, kind: ReviewType) {
    let s = cx.service;
    let name = &s.name;
    let what = label(kind);
    if kind != ReviewType::Poc && s.lifecycle == Lifecycle::Poc {
        out.not_applicable(format!(
            "{name} is a proof of concept ({}: poc): it needs only its POC review (D-2) until it is declared `lifecycle: production`",
            s.origin.field("lifecycle")
        ))
        .at(s.origin.at("descriptor", "lifecycle"));
        return;
    }
    let mut reviews: Vec<&Review> = cx
        .fleet
        .records
        .reviews_of(name)
        .into_iter()
        .filter(|r| r.kind == kind)
        .collect();
    reviews.sort_by_key(|r| r.date);

    for r in reviews.iter().filter(|r| r.date > cx.now) {
        out.warn(format!(
            "the {what} review of {name} at {} is dated {}, {} days after today ({}): it is not counted",
            loc(&r.origin, "date"),
            r.date,
            (r.date - cx.now).num_days(),
            cx.now
        ))
        .at(at(r))
        .fix("Record the date the review actually took place.");
    }
    let past: Vec<&Review> = reviews.into_iter().filter(|r| r.date <= cx.now).collect();
    let rejected: Vec<&Review> = past
        .iter()
        .copied()
        .filter(|r| r.outcome.as_deref().is_some_and(is_rejection))
        .collect();
    let counted = past
        .iter()
        .copied()
        .find(|r| !r.outcome.as_deref().is_some_and(is_rejection));
    let first_prod = cx.fleet.records.first_production_deployment(name, cx.now);

    let Some(review) = counted else {
        let mut msg = format!("no {what} review of {name} is recorded in records/reviews/");
        if !rejected.is_empty() {
            let list: Vec<String> = rejected
                .iter()
                .map(|r| {
                    format!(
                        "{} at {}, {}",
                        r.date,
                        loc(&r.origin, "outcome"),
                        outcome(r)
                    )
                })
                .collect();
            msg = format!(
                "no approved {what} review of {name}: {} rejected ({})",
                if rejected.len() == 1 {
                    "the only one on record was"
                } else {
                    "every one on record was"
                },
                list.join("; ")
            );
        }
        let problems: Vec<String> = cx
            .fleet
            .records
            .problems_in("records/reviews/")
            .map(|p| p.location())
            .collect();
        if !problems.is_empty() {
            msg.push_str(&format!(
                "; {} review record{} could not be read and {} not counted ({})",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                if problems.len() == 1 { "was" } else { "were" },
                problems.join(", ")
            ));
        }
        if s.lifecycle == Lifecycle::Deprecated {
            msg.push_str(&format!(
                "; {name} is deprecated but still runs in production, so the review is still required"
            ));
        }
        let f = out.fail(msg);
        for r in &rejected {
            f.at(at(r));
        }
        if rejected.is_empty() {
            f.at(EvidenceRef::new("records", "records/reviews"));
        }
        return;
    };

    let reviewed = format!(
        "the {what} review of {name} on {} ({}, {})",
        review.date,
        loc(&review.origin, "date"),
        outcome(review)
    );
    let Some(d) = first_prod else {
        let f = if review.outcome.is_none() {
            out.warn(format!(
                "{reviewed}: the outcome should say whether it was approved; no production deployment of {name} is recorded, so its timing is not judged"
            ))
        } else {
            out.pass(format!(
                "{reviewed}; no production deployment of {name} is recorded, so its timing is not judged"
            ))
        };
        f.at(at(review));
        return;
    };
    let deployed: NaiveDate = d.at.date_naive();
    let deployment = format!(
        "its first recorded production deployment, to {} on {} by {} ({})",
        d.environment,
        deployed,
        d.deployer,
        d.location()
    );
    let late = (review.date - deployed).num_days();
    if late > 0 {
        out.fail(format!(
            "{reviewed} came {late} day{} after {deployment}: {} − {deployed} = {late}",
            if late == 1 { "" } else { "s" },
            review.date
        ))
        .at(at(review))
        .at(d.evidence())
        .fix(format!(
            "Hold the {what} review before a service first reaches production; for {name}, record why it was skipped and what the late review found."
        ));
        return;
    }
    let when = if late == 0 {
        format!("on the day of {deployment}")
    } else {
        format!("{} days before {deployment}", -late)
    };
    let f = if review.outcome.is_none() {
        out.warn(format!(
            "{reviewed}, {when}: the outcome should say whether it was approved"
        ))
    } else {
        out.pass(format!("{reviewed}, {when}"))
    };
    f.at(at(review)).at(d.evidence());
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::{TimeZone, Utc};
    use relman_core::evidence::ServiceEvidence;
    use relman_core::fleet::{Deployment, Fleet, RecordProblem, Service};
    use relman_core::yaml::Pos;
    use relman_core::{Finding, Status};

    use super::*;
    use crate::ServiceCheck;
    use crate::testing::*;

    pub fn review(kind: ReviewType, service: &str, d: &str, outcome: Option<&str>) -> Review {
        let mut origin = Origin::new(format!(
            "records/reviews/{d}-{service}-{}.md",
            kind.as_str()
        ));
        origin.fields.insert("date".into(), Pos { line: 5, col: 7 });
        origin
            .fields
            .insert("outcome".into(), Pos { line: 6, col: 10 });
        Review {
            kind,
            service: service.into(),
            date: date(d),
            outcome: outcome.map(str::to_string),
            link: None,
            origin,
        }
    }

    pub fn deployment(service: &str, env: &str, who: &str, at: &str, line: u32) -> Deployment {
        let day = date(&at[..10]);
        let hour: u32 = at[11..13].parse().expect("hour");
        Deployment {
            service: service.into(),
            environment: env.into(),
            deployer: who.into(),
            at: Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).expect("time")),
            file: "records/deployments.csv".into(),
            line,
        }
    }

    pub fn run_in(check: &dyn ServiceCheck, f: &Fleet, s: &Service) -> Vec<Finding> {
        crate::run_service(
            check,
            &ServiceCx {
                fleet: f,
                service: s,
                evidence: &ServiceEvidence::default(),
                now: now(),
            },
        )
    }

    struct Prr;
    static META: crate::CheckMeta = crate::CheckMeta {
        rule: "D-1",
        id: "test",
        severity: relman_core::Severity::Medium,
        title: "t",
        what: "w",
        why: "y",
        fix: "f",
    };
    impl ServiceCheck for Prr {
        fn meta(&self) -> &'static crate::CheckMeta {
            &META
        }
        fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
            judge(cx, out, ReviewType::Prr);
        }
    }

    fn judged(reviews: Vec<Review>, deployments: Vec<Deployment>, s: &Service) -> Vec<Finding> {
        let mut f = fleet();
        f.records.reviews = reviews;
        f.records.deployments = deployments;
        run_in(&Prr, &f, s)
    }

    #[test]
    fn production_environments() {
        let is_prod = |env: &str| deployment("a", env, "bob", "2026-10-01T10", 2).is_production();
        for env in [
            "production",
            "Prod",
            "PRD",
            "live",
            "prod-eu",
            "production_us",
        ] {
            assert!(is_prod(env), "{env}");
        }
        for env in [
            "staging",
            "dev",
            "preprod",
            "productive",
            "pre-production",
            "live2",
        ] {
            assert!(!is_prod(env), "{env}");
        }
    }

    #[test]
    fn rejections() {
        for o in [
            "rejected",
            "Rejected: no SLO",
            "failed",
            "Not approved yet",
            "no-go",
            "declined",
        ] {
            assert!(is_rejection(o), "{o}");
        }
        for o in [
            "approved",
            "approved with actions",
            "proceed: build on the template",
            "go",
            "accepted",
        ] {
            assert!(!is_rejection(o), "{o}");
        }
    }

    #[test]
    fn the_earliest_approved_review_before_production_passes() {
        let f = judged(
            vec![
                review(ReviewType::Prr, "a", "2026-09-01", Some("rejected")),
                review(ReviewType::Prr, "a", "2026-09-20", Some("approved")),
                review(ReviewType::Poc, "a", "2026-12-30", Some("approved")),
            ],
            vec![
                deployment("a", "staging", "bob", "2026-09-25T10", 2),
                deployment("a", "production", "bob", "2026-10-01T10", 3),
            ],
            &service("a"),
        );
        assert_eq!(
            render(&f),
            "pass: the PRR review of a on 2026-09-20 (records/reviews/2026-09-20-a-prr.md:5, outcome \"approved\"), 11 days before its first recorded production deployment, to production on 2026-10-01 by bob (records/deployments.csv:3) [records/reviews/2026-09-20-a-prr.md:5:7, records/deployments.csv:3:1]"
        );
    }

    #[test]
    fn a_late_review_fails_with_the_days() {
        let f = judged(
            vec![review(ReviewType::Prr, "a", "2026-10-04", Some("approved"))],
            vec![deployment("a", "prod-eu", "bob", "2026-10-01T23", 7)],
            &service("a"),
        );
        assert_eq!(
            render(&f),
            "fail: the PRR review of a on 2026-10-04 (records/reviews/2026-10-04-a-prr.md:5, outcome \"approved\") came 3 days after its first recorded production deployment, to prod-eu on 2026-10-01 by bob (records/deployments.csv:7): 2026-10-04 − 2026-10-01 = 3 [records/reviews/2026-10-04-a-prr.md:5:7, records/deployments.csv:7:1]"
        );
    }

    #[test]
    fn a_review_on_the_day_of_deployment_is_in_time() {
        let f = judged(
            vec![review(ReviewType::Prr, "a", "2026-10-01", None)],
            vec![deployment("a", "production", "bob", "2026-10-01T08", 2)],
            &service("a"),
        );
        assert_eq!(statuses(&f), [Status::Warn], "no outcome warns");
        assert!(
            f[0].message
                .contains("on the day of its first recorded production deployment")
        );
    }

    #[test]
    fn missing_or_rejected_reviews_fail() {
        let f = judged(Vec::new(), Vec::new(), &service("a"));
        assert_eq!(
            render(&f),
            "fail: no PRR review of a is recorded in records/reviews/ [records/reviews]"
        );
        let f = judged(
            vec![review(
                ReviewType::Prr,
                "a",
                "2026-09-01",
                Some("Rejected: no runbooks"),
            )],
            Vec::new(),
            &service("a"),
        );
        assert_eq!(
            render(&f),
            "fail: no approved PRR review of a: the only one on record was rejected (2026-09-01 at records/reviews/2026-09-01-a-prr.md:6, outcome \"Rejected: no runbooks\") [records/reviews/2026-09-01-a-prr.md:5:7]"
        );
    }

    #[test]
    fn unreadable_reviews_and_deprecation_are_named() {
        let mut f = fleet();
        f.records.problems.push(RecordProblem {
            file: "records/reviews/a-prr.md".into(),
            line: Some(3),
            message: "records/reviews/a-prr.md:3:7: date: invalid date".into(),
        });
        let mut s = service("a");
        s.lifecycle = Lifecycle::Deprecated;
        let out = run_in(&Prr, &f, &s);
        assert_eq!(
            render(&out),
            "fail: no PRR review of a is recorded in records/reviews/; 1 review record could not be read and was not counted (records/reviews/a-prr.md:3); a is deprecated but still runs in production, so the review is still required [records/reviews]"
        );
    }

    #[test]
    fn without_production_deployments_the_timing_is_not_judged() {
        let f = judged(
            vec![review(ReviewType::Prr, "a", "2026-09-01", Some("approved"))],
            vec![deployment("a", "staging", "bob", "2026-08-01T10", 2)],
            &service("a"),
        );
        assert_eq!(statuses(&f), [Status::Pass]);
        assert!(f[0].message.contains("so its timing is not judged"));
    }

    #[test]
    fn future_reviews_are_not_counted() {
        let f = judged(
            vec![review(ReviewType::Prr, "a", "2026-12-01", Some("approved"))],
            Vec::new(),
            &service("a"),
        );
        assert_eq!(statuses(&f), [Status::Warn, Status::Fail]);
        assert!(f[0].message.contains("7 days after today (2026-11-24)"));
    }

    #[test]
    fn poc_services_need_only_the_poc_review() {
        let mut s = service("a");
        s.lifecycle = Lifecycle::Poc;
        let f = judged(Vec::new(), Vec::new(), &s);
        assert_eq!(
            render(&f),
            "not_applicable: a is a proof of concept (services/a.yaml: lifecycle: poc): it needs only its POC review (D-2) until it is declared `lifecycle: production` [services/a.yaml]"
        );
    }

    #[test]
    fn other_services_reviews_do_not_count() {
        let f = judged(
            vec![review(ReviewType::Prr, "b", "2026-09-01", Some("approved"))],
            Vec::new(),
            &service("a"),
        );
        assert_eq!(statuses(&f), [Status::Fail]);
    }
}
