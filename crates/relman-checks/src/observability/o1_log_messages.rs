use relman_core::Severity;
use relman_logscan::FlagKind;

use super::logs::{example_ref, pct, quote, samples, scan};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// O-1: log messages mean something on their own.
pub struct LogMessages;

static META: CheckMeta = CheckMeta {
    rule: "O-1",
    id: "log-messages",
    severity: Severity::Medium,
    title: "Log messages are meaningful",
    what: "In the service's log samples, lines whose message is empty, only an exception or class name, only a stack trace, `<nil>`/`null`, or a bare number or id, and error-level lines that say nothing about the error, are at most 1% (warn up to 5%, fail above). Error-level lines that say nothing about the error fail above 5% of the error lines. The worst examples are quoted with file and line.",
    why: "At 3 a.m. the log line is the first thing read. A message that needs the stack trace, or that says only \"error\", sends the reader to the code instead of to the fix.",
    fix: "Log what happened and to what, in words (`payment capture failed for order 123: card declined`); put the exception in its own field, not in place of the message.",
};

impl ServiceCheck for LogMessages {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let Some((scan, _)) = scan(cx, out) else {
            return;
        };
        let kinds = [
            FlagKind::EmptyMessage,
            FlagKind::OnlyException,
            FlagKind::OnlyStackTrace,
            FlagKind::NullMessage,
            FlagKind::BareValue,
            FlagKind::VagueError,
        ];
        let flagged: u64 = kinds.iter().map(|k| scan.flags.get(*k).count).sum();
        let total = scan.analysed_lines();
        let ratio = flagged as f64 / total as f64;
        let breakdown: Vec<String> = kinds
            .iter()
            .filter(|k| scan.flags.get(**k).count > 0)
            .map(|k| format!("{} {}", scan.flags.get(*k).count, k.as_str()))
            .collect();
        let examples: Vec<_> = kinds
            .iter()
            .flat_map(|k| scan.flags.get(*k).examples.iter())
            .take(3)
            .collect();
        let quoted: Vec<String> = examples.iter().map(|e| quote(e)).collect();
        let status = if ratio <= 0.01 {
            relman_core::Status::Pass
        } else if ratio <= 0.05 {
            relman_core::Status::Warn
        } else {
            relman_core::Status::Fail
        };
        let message = if flagged == 0 {
            format!("{}: every message says what happened", samples(scan))
        } else {
            format!(
                "{}: {} of lines have a message that says nothing on its own ({}), e.g. {}",
                samples(scan),
                pct(ratio),
                breakdown.join(", "),
                quoted.join("; ")
            )
        };
        let f = out.emit(status, message);
        for e in &examples {
            f.at(example_ref(e));
        }
        if let Some(r) = scan.vague_error_ratio() {
            let vague = scan.flags.get(FlagKind::VagueError);
            if r > 0.05 {
                let f = out.fail(format!(
                    "{} of {} error-level lines do not say what failed, e.g. {}",
                    pct(r),
                    scan.error_lines(),
                    vague
                        .examples
                        .iter()
                        .take(2)
                        .map(quote)
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
                for e in vague.examples.iter().take(2) {
                    f.at(example_ref(e));
                }
                f.fix(
                    "Say what failed and why in every error: the operation, the object, the cause.",
                );
            }
        }
    }
}
