use relman_core::Severity;
use relman_core::fleet::Tier;

use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// O-5: logs are kept as long as the service's tier requires.
pub struct LogRetention;

static META: CheckMeta = CheckMeta {
    rule: "O-5",
    id: "log-retention",
    severity: Severity::Medium,
    title: "Logs are kept long enough for the tier",
    what: "The service's log retention is at least 30 days for a critical service and 7 days for a non-critical one (both tunable). The retention comes from `log_retention_days` in the descriptor.",
    why: "Incidents are often investigated days after they start; logs that are gone by then turn a postmortem into guesswork.",
    fix: "Keep logs at least 30 days (critical) or 7 days (non-critical), and record the retention as `log_retention_days` in the descriptor.",
};

impl ServiceCheck for LogRetention {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let s = cx.service;
        let tuning = &cx.fleet.tuning;
        let required = match s.tier {
            Tier::Critical => tuning.log_retention_critical_days,
            Tier::NonCritical => tuning.log_retention_non_critical_days,
        };
        let at = s.origin.at("descriptor", "log_retention_days");
        let Some(days) = s.log_retention_days else {
            out.unverified(format!(
                "the log retention is not known: {} is not set",
                s.origin.field("log_retention_days")
            ))
            .at(s.origin.at("descriptor", ""));
            return;
        };
        if days < required {
            out.fail(format!(
                "logs are kept {days} days, less than the {required} days a {} service needs",
                s.tier.as_str()
            ))
            .at(at)
            .fix(format!("Keep logs at least {required} days."));
        } else {
            out.pass(format!(
                "logs are kept {days} days (a {} service needs {required})",
                s.tier.as_str()
            ))
            .at(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::evidence::ServiceEvidence;

    use super::*;
    use crate::testing::*;

    fn judge(tier: Tier, days: Option<u32>) -> Vec<Status> {
        let mut s = service("a");
        s.tier = tier;
        s.log_retention_days = days;
        statuses(&run_service(&LogRetention, &s, &ServiceEvidence::default()))
    }

    #[test]
    fn verdicts() {
        assert_eq!(judge(Tier::Critical, Some(30)), [Status::Pass]);
        assert_eq!(judge(Tier::Critical, Some(14)), [Status::Fail]);
        assert_eq!(judge(Tier::NonCritical, Some(7)), [Status::Pass]);
        assert_eq!(judge(Tier::NonCritical, Some(3)), [Status::Fail]);
        assert_eq!(judge(Tier::Critical, None), [Status::Unverified]);
    }
}
