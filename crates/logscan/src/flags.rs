//! Message quality: the ways a log message fails to say what happened
//! (manifesto O-1) and error lines that report no error (O-3).

use serde::Serialize;

/// A message-quality problem of one log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FlagKind {
    /// The message is empty or only whitespace.
    EmptyMessage,
    /// The message is only an exception or class name
    /// (`NullPointerException`, `java.lang.IllegalStateException`,
    /// `ValueError`, `context.DeadlineExceeded`), possibly followed by `:`
    /// and nothing, or by `null`.
    OnlyException,
    /// The message is a stack trace, or the line is one frame of a
    /// multi-line trace (`Traceback (most recent call last):`,
    /// `at com.x.Y(Y.java:12)`, `goroutine 1 [running]:`, `panic:`).
    OnlyStackTrace,
    /// The message is `<nil>`, `null`, `None`, `undefined`, `nil`…
    NullMessage,
    /// The message is a bare number, UUID or hex id.
    BareValue,
    /// An error-level line whose message says nothing about the error
    /// (`error`, `failed`, `an error occurred`, `something went wrong`).
    VagueError,
    /// An error-level line whose message reports success or a routine
    /// event (`completed`, `started`, `connected`, `200 OK`, `ready`).
    FalseError,
}

impl FlagKind {
    /// Every kind, in a fixed order.
    pub const ALL: [FlagKind; 7] = [
        FlagKind::EmptyMessage,
        FlagKind::OnlyException,
        FlagKind::OnlyStackTrace,
        FlagKind::NullMessage,
        FlagKind::BareValue,
        FlagKind::VagueError,
        FlagKind::FalseError,
    ];

    /// The kind's stable kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::EmptyMessage => "empty-message",
            FlagKind::OnlyException => "only-exception",
            FlagKind::OnlyStackTrace => "only-stack-trace",
            FlagKind::NullMessage => "null-message",
            FlagKind::BareValue => "bare-value",
            FlagKind::VagueError => "vague-error",
            FlagKind::FalseError => "false-error",
        }
    }

    /// What the flag means, for a reader.
    pub fn describe(self) -> &'static str {
        match self {
            FlagKind::EmptyMessage => "the message is empty",
            FlagKind::OnlyException => "the message is only an exception or class name",
            FlagKind::OnlyStackTrace => "the message is only a stack trace",
            FlagKind::NullMessage => "the message is a null value",
            FlagKind::BareValue => "the message is a bare number, UUID or id",
            FlagKind::VagueError => "an error line that says nothing about the error",
            FlagKind::FalseError => "an error line that reports success or a routine event",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// The flags of one message, as a bit set of [`FlagKind::bit`]s.
/// `severity` is the line's severity number; `trace_line` says the layout
/// already recognised the line as a frame of a multi-line trace.
pub(crate) fn classify(message: &str, severity: Option<u8>, trace_line: bool) -> u8 {
    if trace_line {
        return FlagKind::OnlyStackTrace.bit();
    }
    let m = message.trim();
    if m.is_empty() {
        return FlagKind::EmptyMessage.bit();
    }
    let (first, multiline) = match memchr::memchr(b'\n', m.as_bytes()) {
        Some(at) => (m[..at].trim(), true),
        None => (m, false),
    };
    if !multiline && is_null_word(first) {
        return FlagKind::NullMessage.bit();
    }
    if is_trace_start(first) {
        return FlagKind::OnlyStackTrace.bit();
    }
    if is_exception_only(first) {
        return FlagKind::OnlyException.bit();
    }
    if is_bare_value(first) {
        return FlagKind::BareValue.bit();
    }
    if severity.is_some_and(|n| n >= 17) {
        if is_vague(first) {
            return FlagKind::VagueError.bit();
        }
        if reports_success(first) {
            return FlagKind::FalseError.bit();
        }
    }
    0
}

fn is_null_word(s: &str) -> bool {
    if s.len() > 17 {
        return false;
    }
    let s = s.trim_matches(|c| c == '"' || c == '\'');
    s.len() <= 15
        && [
            "<nil>",
            "nil",
            "null",
            "(null)",
            "none",
            "undefined",
            "[object object]",
            "%!s(<nil>)",
            "%!v(<nil>)",
        ]
        .iter()
        .any(|w| s.eq_ignore_ascii_case(w))
}

/// The first line of a stack trace, or one of its frames.
pub(crate) fn is_trace_start(s: &str) -> bool {
    if !matches!(
        s.as_bytes().first(),
        Some(b'T' | b'p' | b'C' | b'c' | b'g' | b'.' | b'a' | b'F' | b'/')
    ) {
        return false;
    }
    s.starts_with("Traceback (most recent call last)")
        || s == "panic:"
        || s.starts_with("Caused by: ")
        || s.starts_with("created by ")
        || (s.starts_with("goroutine ") && s.ends_with("]:"))
        || (s.starts_with("... ") && s.ends_with(" more"))
        || is_frame(s)
}

/// A Go stack frame's function line: `main.main()`,
/// `net/http.(*conn).serve(0xc000128000, {0x7f4a, 0xc00012})`.
pub(crate) fn is_go_function_frame(s: &str) -> bool {
    let Some(open) = s.find('(') else {
        return false;
    };
    let func = &s[..open];
    s.ends_with(')')
        && func.contains('.')
        && !func.contains(' ')
        && func.bytes().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'/' | b'-' | b'*' | b'[')
        })
        && !s[open..].contains(": ")
}

/// One frame of a trace: Java/JavaScript `at x(…)`, Python
/// `File "…", line N`, a Go file line `/app/main.go:12 +0x1d`.
pub(crate) fn is_frame(s: &str) -> bool {
    if let Some(rest) = s.strip_prefix("at ") {
        return (rest.contains('(') && rest.ends_with(')'))
            || (rest.contains(':') && rest.ends_with(|c: char| c.is_ascii_digit()));
    }
    if s.starts_with("File \"") {
        return s.contains("\", line ");
    }
    if s.starts_with('/') && s.contains(".go:") {
        return s
            .split_once(' ')
            .is_some_and(|(path, rest)| !path.contains(' ') && rest.starts_with("+0x"))
            || (!s.contains(' ')
                && s.ends_with(|c: char| c.is_ascii_digit())
                && s.starts_with('/'));
    }
    false
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

/// `NullPointerException`, `java.lang.IllegalStateException`,
/// `ValueError`, `context.DeadlineExceeded`, `*errors.errorString`,
/// `com.example.Thing`; alone, or followed by `:` and nothing or a null.
fn is_exception_only(s: &str) -> bool {
    // A name has no space before its colon (if any).
    let b = s.as_bytes();
    if b.iter().find(|&&c| c == b' ' || c == b':') == Some(&b' ') {
        return false;
    }
    let mut name = s;
    if let Some((head, tail)) = s.split_once(':') {
        let tail = tail.trim();
        if !(tail.is_empty() || is_null_word(tail)) {
            return false;
        }
        name = head.trim_end();
    }
    let pointer = name.starts_with('*');
    let name = name.trim_start_matches('*');
    let b = name.as_bytes();
    if b.is_empty() || b.len() > 200 || !b.iter().all(|&c| is_ident_char(c) || c == b'.') {
        return false;
    }
    let segments: Vec<&str> = name.split('.').collect();
    if segments.iter().any(|seg| {
        seg.is_empty() || !seg.as_bytes()[0].is_ascii_alphabetic() && seg.as_bytes()[0] != b'_'
    }) {
        return false;
    }
    let last = segments[segments.len() - 1];
    for suffix in ["Exception", "Error", "Exceeded", "Throwable", "Fault"] {
        if last.len() > suffix.len() && last.ends_with(suffix) {
            return true;
        }
    }
    // A qualified type or error value: `context.Canceled`, `io.EOF`,
    // `com.example.Thing`, a Go pointer type `*errors.errorString`.
    segments.len() >= 2
        && (pointer
            || last.as_bytes()[0].is_ascii_uppercase()
                && segments[0].as_bytes()[0].is_ascii_lowercase())
}

fn is_bare_value(s: &str) -> bool {
    if s.len() > 130 || s.as_bytes().contains(&b' ') {
        return false;
    }
    let s = s.trim_matches(|c| c == '"' || c == '\'');
    if s.is_empty() {
        return false;
    }
    is_number(s) || is_uuid(s) || is_hex_id(s)
}

fn is_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    !int.is_empty()
        && int.bytes().all(|c| c.is_ascii_digit())
        && frac.bytes().all(|c| c.is_ascii_digit())
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn is_hex_id(s: &str) -> bool {
    let h = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    h.len() >= 8
        && h.len() <= 128
        && h.bytes().all(|c| c.is_ascii_hexdigit())
        && h.bytes().any(|c| c.is_ascii_digit())
}

/// Lower-cased ASCII words of a message (letters and digits), each at most
/// 24 bytes (longer words are cut), at most `limit` of them; the count of
/// all words is returned, so a caller can tell when there were more.
fn for_words(s: &str, limit: usize, mut f: impl FnMut(&str)) -> usize {
    let mut n = 0;
    for word in s
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
    {
        n += 1;
        if n > limit {
            continue;
        }
        let mut buf = [0u8; 24];
        let w = word.as_bytes();
        let len = w.len().min(24);
        buf[..len].copy_from_slice(&w[..len]);
        buf[..len].make_ascii_lowercase();
        f(std::str::from_utf8(&buf[..len]).unwrap_or(""));
    }
    n
}

fn is_generic(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "the"
            | "error"
            | "errors"
            | "err"
            | "erro"
            | "fail"
            | "failed"
            | "failure"
            | "failing"
            | "exception"
            | "exceptions"
            | "ex"
            | "exc"
            | "e"
            | "has"
            | "have"
            | "had"
            | "occurred"
            | "occured"
            | "happened"
            | "something"
            | "went"
            | "wrong"
            | "unexpected"
            | "unknown"
            | "internal"
            | "oops"
            | "problem"
            | "issue"
            | "there"
            | "was"
            | "is"
            | "with"
            | "caught"
            | "thrown"
            | "fatal"
            | "critical"
            | "unhandled"
            | "uncaught"
            | "got"
            | "encountered"
            | "bad"
            | "request"
            | "operation"
            | "process"
            | "processing"
            | "handling"
            | "unable"
            | "to"
            | "could"
            | "not"
            | "cannot"
            | "please"
            | "try"
            | "again"
            | "later"
            | "sorry"
            | "nil"
            | "null"
            | "none"
            | "undefined"
            | "while"
            | "in"
            | "on"
            | "of"
            | "during"
            | "some"
            | "general"
            | "generic"
            | "crash"
            | "crashed"
    )
}

/// Every word is generic and there are at most six of them.
fn is_vague(s: &str) -> bool {
    let mut all_generic = true;
    let n = for_words(s, 6, |w| {
        if !is_generic(w) {
            all_generic = false;
        }
    });
    n <= 6 && all_generic
}

fn is_success(word: &str) -> bool {
    matches!(
        word,
        "success"
            | "successful"
            | "successfully"
            | "succeeded"
            | "completed"
            | "complete"
            | "ok"
            | "started"
            | "starting"
            | "connected"
            | "ready"
            | "listening"
            | "healthy"
            | "done"
            | "finished"
            | "passed"
            | "established"
            | "initialized"
            | "initialised"
            | "loaded"
            | "running"
            | "up"
    )
}

fn is_negative(word: &str) -> bool {
    matches!(
        word,
        "fail"
            | "failed"
            | "failure"
            | "failing"
            | "fails"
            | "error"
            | "errors"
            | "err"
            | "not"
            | "no"
            | "unable"
            | "cannot"
            | "can't"
            | "couldn't"
            | "won't"
            | "didn't"
            | "isn't"
            | "wasn't"
            | "timeout"
            | "timed"
            | "refused"
            | "denied"
            | "invalid"
            | "unsuccessful"
            | "lost"
            | "exception"
            | "panic"
            | "fatal"
            | "abort"
            | "aborted"
            | "unhealthy"
            | "retry"
            | "retrying"
            | "missing"
            | "rejected"
            | "unavailable"
            | "without"
            | "crash"
            | "crashed"
            | "killed"
            | "expired"
            | "exceeded"
            | "partially"
            | "but"
            | "however"
            | "except"
            | "warning"
            | "degraded"
            | "broken"
            | "corrupt"
            | "skipped"
    )
}

/// The message reports success or a routine event and nothing negative.
fn reports_success(s: &str) -> bool {
    let mut positive = false;
    let mut negative = false;
    let n = for_words(s, 40, |w| {
        if is_negative(w) {
            negative = true;
        } else if is_success(w) {
            positive = true;
        }
    });
    n <= 40 && positive && !negative
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: Option<u8> = Some(9);
    const ERROR: Option<u8> = Some(17);
    const FATAL: Option<u8> = Some(21);

    fn flag(message: &str, severity: Option<u8>) -> Option<FlagKind> {
        let bits = classify(message, severity, false);
        FlagKind::ALL.into_iter().find(|k| bits & k.bit() != 0)
    }

    #[test]
    fn codes_are_stable() {
        let codes: Vec<_> = FlagKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            codes,
            [
                "empty-message",
                "only-exception",
                "only-stack-trace",
                "null-message",
                "bare-value",
                "vague-error",
                "false-error"
            ]
        );
        for k in FlagKind::ALL {
            assert_eq!(
                serde_json_like(k),
                k.as_str(),
                "serde and as_str agree for {k:?}"
            );
        }
    }

    fn serde_json_like(k: FlagKind) -> String {
        serde_json::to_string(&k)
            .expect("serialises")
            .trim_matches('"')
            .to_string()
    }

    #[test]
    fn empty_message() {
        assert_eq!(flag("", INFO), Some(FlagKind::EmptyMessage));
        assert_eq!(flag("   \t", ERROR), Some(FlagKind::EmptyMessage));
        assert_eq!(flag("user created", INFO), None);
    }

    #[test]
    fn only_exception() {
        for m in [
            "NullPointerException",
            "java.lang.IllegalStateException",
            "ValueError",
            "context.DeadlineExceeded",
            "context.Canceled",
            "*errors.errorString",
            "java.lang.NullPointerException: null",
            "KeyError:",
            "com.example.billing.InvoiceService",
        ] {
            assert_eq!(flag(m, ERROR), Some(FlagKind::OnlyException), "{m}");
        }
        for m in [
            "ValueError: invalid literal for int() with base 10: 'x'",
            "java.lang.IllegalStateException: pool closed",
            "Exception",
            "main.go",
            "v1.2.3",
            "user not found",
            "config.loaded",
        ] {
            assert_ne!(flag(m, INFO), Some(FlagKind::OnlyException), "{m}");
        }
    }

    #[test]
    fn only_stack_trace() {
        for m in [
            "Traceback (most recent call last):",
            "at com.x.Y(Y.java:12)",
            "at Object.<anonymous> (/app/index.js:3:9)",
            "goroutine 1 [running]:",
            "panic:",
            "File \"/app/main.py\", line 12, in handler",
            "Caused by: java.io.IOException: closed",
            "... 12 more",
            "/app/main.go:12 +0x1d",
            "NullPointerException\n\tat com.x.Y(Y.java:12)",
        ] {
            let want = if m.starts_with("Null") {
                FlagKind::OnlyException
            } else {
                FlagKind::OnlyStackTrace
            };
            assert_eq!(flag(m, ERROR), Some(want), "{m}");
        }
        assert_eq!(
            classify("anything", INFO, true),
            FlagKind::OnlyStackTrace.bit()
        );
        for m in [
            "panic: runtime error: index out of range",
            "at noon the job ran",
            "payment failed\n\tat com.x.Y(Y.java:12)",
        ] {
            assert_ne!(flag(m, ERROR), Some(FlagKind::OnlyStackTrace), "{m}");
        }
    }

    #[test]
    fn null_message() {
        for m in [
            "<nil>",
            "null",
            "None",
            "undefined",
            "nil",
            "NULL",
            "(null)",
            "[object Object]",
        ] {
            assert_eq!(flag(m, INFO), Some(FlagKind::NullMessage), "{m}");
        }
        for m in ["null pointer in handler", "none of the replicas answered"] {
            assert_eq!(flag(m, INFO), None, "{m}");
        }
    }

    #[test]
    fn bare_value() {
        for m in [
            "42",
            "-3.5",
            "6f1c2e1e-8a7b-4c7e-9d55-0c4b1f0e2a11",
            "deadbeef01",
            "0x7f3a9c00",
            "\"1234\"",
        ] {
            assert_eq!(flag(m, INFO), Some(FlagKind::BareValue), "{m}");
        }
        for m in ["42 requests served", "deadbeef", "v2", "1.2.3"] {
            assert_eq!(flag(m, INFO), None, "{m}");
        }
    }

    #[test]
    fn vague_error() {
        for m in [
            "error",
            "Error!",
            "failed",
            "an error occurred",
            "An unexpected error has occurred.",
            "something went wrong",
            "error: ",
            "exception",
            "Unable to process request",
            "request failed",
        ] {
            assert_eq!(flag(m, ERROR), Some(FlagKind::VagueError), "{m}");
        }
        assert_eq!(
            flag("something went wrong", FATAL),
            Some(FlagKind::VagueError)
        );
        // Only error-level lines are judged.
        assert_eq!(flag("failed", INFO), None);
        assert_eq!(flag("failed", None), None);
        for m in [
            "timeout",
            "failed to connect to postgres at db:5432: connection refused",
            "error reading config.yaml",
            "payment declined",
        ] {
            assert_eq!(flag(m, ERROR), None, "{m}");
        }
    }

    #[test]
    fn false_error() {
        for m in [
            "success",
            "Job completed",
            "ok",
            "server started on :8080",
            "connected to postgres",
            "GET /healthz 200 OK",
            "health check passed",
            "listening on 0.0.0.0:8065",
            "ready",
            "Upload completed successfully",
        ] {
            assert_eq!(flag(m, ERROR), Some(FlagKind::FalseError), "{m}");
        }
        for m in [
            "job completed with errors",
            "failed to start server",
            "connection lost, reconnecting",
            "not ready after 30s",
            "disconnected from broker",
        ] {
            assert_eq!(flag(m, ERROR), None, "{m}");
        }
        assert_eq!(flag("server started", INFO), None);
        assert_eq!(flag("server started", Some(13)), None);
    }
}
