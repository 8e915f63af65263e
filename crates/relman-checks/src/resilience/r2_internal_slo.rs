use relman_core::Severity;

use super::pct;
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// a dedicated internal SLO strictly above the external one.
pub struct InternalSlo;

static META: CheckMeta = CheckMeta {
    rule: "R-2",
    id: "internal-slo",
    severity: Severity::High,
    title: "The service has its own SLO, above the external one",
    what: "The descriptor declares `slo.internal` with an objective strictly higher than `slo.external`'s, over the same window.",
    why: "A service that aims exactly at what customers are promised breaks the promise the first time it misses. Its own, higher target is the early warning.",
    fix: "Declare `slo.internal: { objective: …, window: … }` above `slo.external`, over the same window (e.g. 99.95 against 99.9, both over 30d).",
};

impl ServiceCheck for InternalSlo {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let origin = &cx.service.origin;
        let slo = cx.service.slo.as_ref();
        let Some(internal) = slo.and_then(|s| s.internal.as_ref()) else {
            out.fail(format!(
                "no internal SLO target is declared ({})",
                origin.field("slo.internal")
            ))
            .at(origin.at("descriptor", "slo"));
            return;
        };
        let at = origin.at("descriptor", "slo.internal.objective");
        let Some(external) = slo.and_then(|s| s.external.as_ref()) else {
            out.warn(format!(
                "internal SLO {} over {} has no external SLO to compare with ({})",
                pct(internal.objective),
                internal.window,
                origin.field("slo.external")
            ))
            .at(at)
            .fix("Declare `slo.external` with what customers are promised; if nothing is promised, say so in the descriptor's comments and waive R-2.");
            return;
        };
        if internal.window_secs != external.window_secs {
            out.fail(format!(
                "internal SLO window {} differs from the external window {}: the targets cannot be compared",
                internal.window, external.window
            ))
            .at(origin.at("descriptor", "slo.internal.window"))
            .fix(format!("Measure the internal SLO over {} as well.", external.window));
            return;
        }
        if internal.objective <= external.objective {
            out.fail(format!(
                "internal SLO {} is not above the external SLO {} over {}",
                pct(internal.objective),
                pct(external.objective),
                external.window
            ))
            .at(at);
            return;
        }
        out.pass(format!(
            "internal SLO {} is above the external SLO {} over {}",
            pct(internal.objective),
            pct(external.objective),
            external.window
        ))
        .at(at);
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::evidence::ServiceEvidence;
    use relman_core::fleet::Slo;

    use super::*;
    use crate::testing::*;

    fn judge(
        internal: Option<(f64, &str)>,
        external: Option<(f64, &str)>,
    ) -> Vec<relman_core::Finding> {
        let mut s = service("a");
        s.slo = Some(Slo {
            internal: internal.map(|(o, w)| target(o, w)),
            external: external.map(|(o, w)| target(o, w)),
            sli: None,
        });
        run_service(&InternalSlo, &s, &ServiceEvidence::default())
    }

    #[test]
    fn verdicts() {
        assert_eq!(
            statuses(&judge(Some((99.95, "30d")), Some((99.9, "30d")))),
            [Status::Pass]
        );
        assert_eq!(
            statuses(&judge(Some((99.9, "30d")), Some((99.9, "30d")))),
            [Status::Fail]
        );
        assert_eq!(
            statuses(&judge(Some((99.5, "30d")), Some((99.9, "30d")))),
            [Status::Fail]
        );
        assert_eq!(
            statuses(&judge(Some((99.95, "28d")), Some((99.9, "30d")))),
            [Status::Fail]
        );
        assert_eq!(
            statuses(&judge(Some((99.95, "4w")), Some((99.9, "28d")))),
            [Status::Pass]
        );
        assert_eq!(statuses(&judge(None, Some((99.9, "30d")))), [Status::Fail]);
        assert_eq!(statuses(&judge(Some((99.95, "30d")), None)), [Status::Warn]);
    }

    #[test]
    fn no_slo_at_all_fails() {
        let out = run_service(&InternalSlo, &service("a"), &ServiceEvidence::default());
        assert_eq!(statuses(&out), [Status::Fail]);
        assert_eq!(
            render(&out),
            "fail: no internal SLO target is declared (services/a.yaml: slo.internal) [services/a.yaml]"
        );
    }

    #[test]
    fn messages_carry_values() {
        let out = judge(Some((99.5, "30d")), Some((99.9, "30d")));
        assert_eq!(
            out[0].message,
            "internal SLO 99.5% is not above the external SLO 99.9% over 30d"
        );
    }
}
