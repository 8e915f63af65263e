use relman_core::Severity;

use crate::{CheckMeta, Findings, FleetCheck, FleetCx};

/// F-1: every exception to a rule is a complete, current waiver.
pub struct Waivers;

static META: CheckMeta = CheckMeta {
    rule: "F-1",
    id: "waiver-hygiene",
    severity: Severity::High,
    title: "Waivers are discussed, approved and expire",
    what: "Each waiver in waivers.yaml links the discussion that agreed it, names who approved it, and expires within a year (by default). Expired waivers are flagged.",
    why: "A rule that is skipped without a recorded discussion is silently bypassed. An approval with no end date turns an exception into a new, unwritten rule.",
    fix: "Give the waiver a `discussion` link, an `approved_by` and an `expires` date at most a year ahead, or remove it and fix the rule's findings.",
};

impl FleetCheck for Waivers {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &FleetCx<'_>, out: &mut Findings) {
        let waivers = &cx.fleet.waivers;
        if waivers.is_empty() {
            out.pass("no waivers recorded: no rule is bypassed");
            return;
        }
        let max = cx.fleet.tuning.waiver_max_days;
        for w in waivers {
            let at = w.origin.at("waivers", "");
            let defects = w.defects(cx.now, max);
            if !defects.is_empty() {
                out.fail(format!(
                    "waiver for {} (waivers.yaml[{}]) does not apply: {}",
                    w.describe(),
                    w.index,
                    defects.join(", ")
                ))
                .at(at);
                continue;
            }
            if let Some(link) = w.discussion.as_deref().filter(|d| !d.contains("://")) {
                out.fail(format!(
                    "waiver for {} links its discussion as \"{link}\", which is not a URL",
                    w.describe()
                ))
                .at(w.origin.at("waivers", "discussion"))
                .fix("Link the issue, thread or decision record where the exception was agreed.");
                continue;
            }
            let expires = w.expires.expect("a waiver without defects has an expiry");
            if w.is_expired(cx.now) {
                out.warn(format!(
                    "waiver for {} expired on {expires}: the rule is judged again",
                    w.describe()
                ))
                .at(w.origin.at("waivers", "expires"))
                .fix("Fix the rule's findings and remove the waiver, or renew it after a new discussion.");
                continue;
            }
            out.pass(format!(
                "waiver for {}: discussed at {}, approved by {}, expires {expires}",
                w.describe(),
                w.discussion.as_deref().unwrap_or_default(),
                w.approved_by.as_deref().unwrap_or_default(),
            ))
            .at(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::fleet::{Origin, Waiver};

    use super::*;
    use crate::testing::*;

    fn waiver(discussion: Option<&str>, approved: Option<&str>, expires: Option<&str>) -> Waiver {
        Waiver {
            rule: "O-7".into(),
            service: Some("ldap".into()),
            reason: Some("migration".into()),
            discussion: discussion.map(str::to_string),
            approved_by: approved.map(str::to_string),
            expires: expires.map(date),
            origin: Origin::new("waivers.yaml"),
            index: 0,
        }
    }

    #[test]
    fn complete_waiver_passes() {
        let mut f = fleet();
        f.waivers.push(waiver(
            Some("https://x/issues/1"),
            Some("sre"),
            Some("2027-01-31"),
        ));
        assert_eq!(statuses(&run_fleet(&Waivers, &f)), [Status::Pass]);
    }

    #[test]
    fn incomplete_waiver_fails_naming_what_is_missing() {
        let mut f = fleet();
        f.waivers.push(waiver(None, Some("sre"), None));
        let out = run_fleet(&Waivers, &f);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert!(
            out[0].message.contains("no discussion link"),
            "{}",
            out[0].message
        );
        assert!(
            out[0].message.contains("no expiry date"),
            "{}",
            out[0].message
        );
        assert!(out[0].message.contains("O-7 on ldap"), "{}", out[0].message);
    }

    #[test]
    fn waiver_too_far_ahead_fails() {
        let mut f = fleet();
        f.waivers
            .push(waiver(Some("https://x/1"), Some("sre"), Some("2028-06-01")));
        let out = run_fleet(&Waivers, &f);
        assert_eq!(statuses(&out), [Status::Fail]);
        assert!(
            out[0].message.contains("more than 365 days"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn expired_waiver_warns() {
        let mut f = fleet();
        f.waivers
            .push(waiver(Some("https://x/1"), Some("sre"), Some("2026-10-01")));
        assert_eq!(statuses(&run_fleet(&Waivers, &f)), [Status::Warn]);
    }

    #[test]
    fn discussion_must_be_a_link() {
        let mut f = fleet();
        f.waivers
            .push(waiver(Some("we talked"), Some("sre"), Some("2027-01-01")));
        assert_eq!(statuses(&run_fleet(&Waivers, &f)), [Status::Fail]);
    }

    #[test]
    fn no_waivers_pass() {
        assert_eq!(statuses(&run_fleet(&Waivers, &fleet())), [Status::Pass]);
    }
}
