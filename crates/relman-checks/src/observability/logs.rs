//! What the log checks (O-1..O-4) share: reading the scan of a service's
//! log samples, and quoting examples.

use relman_core::EvidenceRef;
use relman_core::evidence::LogsEvidence;
use relman_logscan::{Example, Scan};

use crate::{Findings, ServiceCx};

/// The scan of the service's logs, or `None` after emitting why there is
/// none: `unverified` when no samples are given or they hold no lines,
/// `error` when none could be read.
pub fn scan<'a>(cx: &ServiceCx<'a>, out: &mut Findings) -> Option<(&'a Scan, &'a [String])> {
    let origin = &cx.service.origin;
    match &cx.evidence.logs {
        LogsEvidence::NotGiven => {
            out.unverified(format!(
                "no log samples to look at: {} is not set",
                origin.field("logs")
            ))
            .at(origin.at("descriptor", ""))
            .fix("List samples of the service's logs under `logs` in the descriptor (globs and .gz files are fine).");
            None
        }
        LogsEvidence::Unreadable { problems } => {
            out.error(format!(
                "no log sample could be read: {}",
                problems.join("; ")
            ))
            .at(origin.at("descriptor", "logs"))
            .fix("Point `logs` at files that exist (paths are relative to the descriptor).");
            None
        }
        LogsEvidence::Read { scan, problems, .. } => {
            if !scan.complete {
                let first = scan
                    .issues
                    .iter()
                    .find(|i| i.kind != relman_logscan::IssueKind::InvalidUtf8)
                    .or(scan.issues.first());
                let why = first.map_or(
                    "the samples could not be read to their end".to_string(),
                    |i| format!("{}:{}: {}", i.source, i.line, i.message),
                );
                let f = out.error(format!("the log samples could not all be read: {why}"));
                if let Some(i) = first {
                    f.at(EvidenceRef::new("logs", i.source.clone())
                        .at(i.line.min(u64::from(u32::MAX)) as u32, 1));
                }
                f.fix("Give readable text log samples (plain or gzip).");
                return None;
            }
            if scan.analysed_lines() == 0 {
                out.unverified(format!(
                    "the log samples ({}) hold no log lines",
                    scan.source
                ))
                .at(origin.at("descriptor", "logs"));
                return None;
            }
            Some((scan.as_ref(), problems.as_slice()))
        }
    }
}

pub fn example_ref(e: &Example) -> EvidenceRef {
    EvidenceRef::new("logs", e.source.clone()).at(e.line.min(u64::from(u32::MAX)) as u32, 1)
}

/// `logs/a.log:12: "error"` for a message.
pub fn quote(e: &Example) -> String {
    format!("{}:{}: {:?}", e.source, e.line, e.excerpt)
}

pub fn pct(r: f64) -> String {
    let p = r * 100.0;
    if p > 0.0 && p < 0.1 {
        "<0.1%".to_string()
    } else if (p - p.round()).abs() < 0.05 {
        format!("{:.0}%", p)
    } else {
        format!("{p:.1}%")
    }
}

/// The scan's source for messages: a file, or `N files`.
pub fn samples(scan: &Scan) -> String {
    format!("{} ({} lines)", scan.source, scan.analysed_lines())
}
