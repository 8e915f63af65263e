//! Log levels: every common spelling mapped to an OpenTelemetry severity
//! number, and the six severity ranges those numbers fall into.

use serde::Serialize;

/// An OpenTelemetry severity range. Each covers four severity numbers:
/// TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16, ERROR 17-20, FATAL 21-24.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

impl Severity {
    /// Every range, from the least to the most severe.
    pub const ALL: [Severity; 6] = [
        Severity::Trace,
        Severity::Debug,
        Severity::Info,
        Severity::Warn,
        Severity::Error,
        Severity::Fatal,
    ];

    /// The range a severity number (1-24) falls into; `None` outside 1-24.
    pub fn from_number(number: u8) -> Option<Severity> {
        match number {
            1..=4 => Some(Severity::Trace),
            5..=8 => Some(Severity::Debug),
            9..=12 => Some(Severity::Info),
            13..=16 => Some(Severity::Warn),
            17..=20 => Some(Severity::Error),
            21..=24 => Some(Severity::Fatal),
            _ => None,
        }
    }

    /// The lowest severity number of the range (TRACE 1, DEBUG 5, …, FATAL 21).
    pub fn number(self) -> u8 {
        1 + 4 * self.index() as u8
    }

    /// The range's name in lower case: `trace`, `debug`, `info`, `warn`,
    /// `error`, `fatal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Trace => "trace",
            Severity::Debug => "debug",
            Severity::Info => "info",
            Severity::Warn => "warn",
            Severity::Error => "error",
            Severity::Fatal => "fatal",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// The OpenTelemetry severity number of a level as a log line spells it,
/// whatever its case; `None` for a spelling that is not a known level.
///
/// Known spellings: trace, debug, info (information, informational, notice,
/// and PostgreSQL's `LOG`), warn/warning, error/err, and
/// critical/crit/fatal/panic/emerg/alert; PostgreSQL's `DEBUG1`-`DEBUG5`;
/// Python's `CRITICAL`; klog's `I`, `W`, `E`, `F`; logrus's four-letter
/// forms (`INFO`, `WARN`, `ERRO`, `FATA`, `PANI`, `DEBU`, `TRAC`); Serilog's
/// three-letter forms and `Verbose`; java.util.logging's `SEVERE`,
/// `FINE`, `FINER`, `FINEST`. Numbers are read as syslog severities (0
/// emergency to 7 debug) or bunyan/pino levels (10 trace to 60 fatal).
pub fn severity_number(spelling: &str) -> Option<u8> {
    let s = spelling.trim().as_bytes();
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    if s.iter().all(u8::is_ascii_digit) {
        return numeric_level(s);
    }
    let mut buf = [0u8; 16];
    let lower = &mut buf[..s.len()];
    lower.copy_from_slice(s);
    lower.make_ascii_lowercase();
    Some(match &*lower {
        b"trace" | b"trac" | b"trc" | b"verbose" | b"vrb" | b"finest" | b"t" => 1,
        b"finer" => 4,
        b"debug" | b"debu" | b"dbg" | b"fine" | b"d" | b"debug4" | b"debug5" => 5,
        b"debug3" => 6,
        b"debug2" => 7,
        b"debug1" => 8,
        b"info" | b"information" | b"informational" | b"inf" | b"log" | b"i" => 9,
        b"notice" => 10,
        b"warn" | b"warning" | b"wrn" | b"w" => 13,
        b"error" | b"err" | b"erro" | b"eror" | b"severe" | b"e" => 17,
        b"dpanic" => 18,
        b"fatal" | b"fata" | b"ftl" | b"critical" | b"crit" | b"f" => 21,
        b"alert" => 22,
        b"emerg" | b"emergency" => 23,
        b"panic" | b"pani" => 24,
        _ => return None,
    })
}

/// Syslog severities 0-7 and bunyan/pino levels 10-60.
fn numeric_level(digits: &[u8]) -> Option<u8> {
    if digits.len() > 3 {
        return None;
    }
    let n = digits
        .iter()
        .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    Some(match n {
        0 => 23, // emerg
        1 => 22, // alert
        2 => 21, // crit
        3 => 17, // err
        4 => 13, // warning
        5 => 10, // notice
        6 => 9,  // info
        7 => 5,  // debug
        10 => 1,
        20 => 5,
        30 => 9,
        40 => 13,
        50 => 17,
        60 => 21,
        _ => return None,
    })
}

/// The syslog severity digit for a syslog `<PRI>` value (PRI mod 8).
pub(crate) fn syslog_priority_spelling(pri: u32) -> &'static str {
    ["0", "1", "2", "3", "4", "5", "6", "7"][(pri % 8) as usize]
}

/// Whether a token is a level word (any case), without its severity.
pub(crate) fn is_level_word(s: &str) -> bool {
    // Single letters and digits are levels only where a layout says so
    // (klog, syslog); as free words they are not.
    s.len() > 1 && !s.as_bytes()[0].is_ascii_digit() && severity_number(s).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sev(s: &str) -> Option<Severity> {
        severity_number(s).and_then(Severity::from_number)
    }

    #[test]
    fn ranges_follow_opentelemetry() {
        assert_eq!(Severity::from_number(0), None);
        assert_eq!(Severity::from_number(1), Some(Severity::Trace));
        assert_eq!(Severity::from_number(4), Some(Severity::Trace));
        assert_eq!(Severity::from_number(5), Some(Severity::Debug));
        assert_eq!(Severity::from_number(12), Some(Severity::Info));
        assert_eq!(Severity::from_number(13), Some(Severity::Warn));
        assert_eq!(Severity::from_number(20), Some(Severity::Error));
        assert_eq!(Severity::from_number(24), Some(Severity::Fatal));
        assert_eq!(Severity::from_number(25), None);
        for s in Severity::ALL {
            assert_eq!(Severity::from_number(s.number()), Some(s));
        }
        assert_eq!(Severity::Warn.as_str(), "warn");
    }

    #[test]
    fn common_spellings() {
        for (spelling, want) in [
            ("trace", Severity::Trace),
            ("DEBUG", Severity::Debug),
            ("info", Severity::Info),
            ("INFO", Severity::Info),
            ("Information", Severity::Info),
            ("notice", Severity::Info),
            ("LOG", Severity::Info),
            ("warn", Severity::Warn),
            ("WARNING", Severity::Warn),
            ("error", Severity::Error),
            ("ERR", Severity::Error),
            ("critical", Severity::Fatal),
            ("CRITICAL", Severity::Fatal),
            ("crit", Severity::Fatal),
            ("fatal", Severity::Fatal),
            ("PANIC", Severity::Fatal),
            ("emerg", Severity::Fatal),
            ("alert", Severity::Fatal),
            ("DEBUG1", Severity::Debug),
            ("DEBUG5", Severity::Debug),
            ("I", Severity::Info),
            ("W", Severity::Warn),
            ("E", Severity::Error),
            ("F", Severity::Fatal),
            ("ERRO", Severity::Error),
            ("Verbose", Severity::Trace),
            ("SEVERE", Severity::Error),
        ] {
            assert_eq!(sev(spelling), Some(want), "{spelling}");
        }
    }

    #[test]
    fn postgres_levels_order() {
        let n = |s| severity_number(s).expect("known level");
        assert!(n("DEBUG5") <= n("DEBUG4"));
        assert!(n("DEBUG2") < n("DEBUG1"));
        assert!(n("DEBUG1") < n("LOG"));
        assert!(n("INFO") < n("NOTICE"));
        assert!(n("NOTICE") < n("WARNING"));
        assert!(n("ERROR") < n("FATAL"));
        assert!(n("FATAL") < n("PANIC"));
    }

    #[test]
    fn numeric_levels() {
        // syslog
        assert_eq!(sev("0"), Some(Severity::Fatal));
        assert_eq!(sev("3"), Some(Severity::Error));
        assert_eq!(sev("4"), Some(Severity::Warn));
        assert_eq!(sev("5"), Some(Severity::Info));
        assert_eq!(sev("6"), Some(Severity::Info));
        assert_eq!(sev("7"), Some(Severity::Debug));
        // bunyan / pino
        assert_eq!(sev("10"), Some(Severity::Trace));
        assert_eq!(sev("30"), Some(Severity::Info));
        assert_eq!(sev("50"), Some(Severity::Error));
        assert_eq!(sev("60"), Some(Severity::Fatal));
        assert_eq!(sev("35"), None);
        assert_eq!(sev("8"), None);
        assert_eq!(sev("99999"), None);
    }

    #[test]
    fn unknown_spellings() {
        assert_eq!(severity_number("loud"), None);
        assert_eq!(severity_number(""), None);
        assert_eq!(severity_number("informationalxxxxxxxxx"), None);
        assert!(!is_level_word("I"));
        assert!(is_level_word("info"));
        assert!(!is_level_word("30"));
    }
}
