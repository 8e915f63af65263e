use relman_core::Severity;
use relman_core::fleet::OpenSource;

use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// D-3: open-sourced, or the reason why not is written down.
pub struct OpenSourceDecision;

static META: CheckMeta = CheckMeta {
    rule: "D-3",
    id: "open-source-decision",
    severity: Severity::Low,
    title: "The service is open source, or says why not",
    what: "`open_source` in the descriptor is `true`, or a sentence giving the reason the service stays closed.",
    why: "Services are open by default for the community's benefit; keeping one closed is a decision that should be visible and revisited, not an accident.",
    fix: "Set `open_source: true`, or replace `false` with the reason, e.g. `open_source: \"holds customer billing logic\"`.",
};

impl ServiceCheck for OpenSourceDecision {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let origin = &cx.service.origin;
        let at = origin.at("descriptor", "open_source");
        match &cx.service.open_source {
            Some(OpenSource::Yes) => {
                out.pass("the service is open source").at(at);
            }
            Some(OpenSource::Reason(why)) => {
                out.pass(format!("the service stays closed, because: {why}"))
                    .at(at);
            }
            Some(OpenSource::No) => {
                out.fail(format!(
                    "the service is closed source with no reason given ({}: false)",
                    origin.field("open_source")
                ))
                .at(at);
            }
            None => {
                out.fail(format!(
                    "no open-source decision is recorded ({})",
                    origin.field("open_source")
                ))
                .at(at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::evidence::ServiceEvidence;

    use super::*;
    use crate::testing::*;

    fn judge(v: Option<OpenSource>) -> Vec<Status> {
        let mut s = service("a");
        s.open_source = v;
        statuses(&run_service(
            &OpenSourceDecision,
            &s,
            &ServiceEvidence::default(),
        ))
    }

    #[test]
    fn verdicts() {
        assert_eq!(judge(Some(OpenSource::Yes)), [Status::Pass]);
        assert_eq!(
            judge(Some(OpenSource::Reason("billing".into()))),
            [Status::Pass]
        );
        assert_eq!(judge(Some(OpenSource::No)), [Status::Fail]);
        assert_eq!(judge(None), [Status::Fail]);
    }
}
