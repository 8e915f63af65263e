//! Plain-text log lines: the common layouts recognised, and from them the
//! level, the message and a prefix that may name the service.

use serde::Serialize;

use crate::flags::{is_frame, is_go_function_frame, is_trace_start};
use crate::level::{is_level_word, syslog_priority_spelling};

/// The layout of a plain-text line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlainLayout {
    /// An ISO 8601 timestamp first, then (often) a level:
    /// `2026-10-03T10:12:00Z INFO message`,
    /// `2026-10-03 10:12:00,123 [INFO] message`, `[2026-10-03 10:12:00] …`.
    Timestamp,
    /// Syslog: `Oct  3 10:12:00 host app[123]: message`, with or without
    /// `<PRI>`, RFC 5424 `<34>1 2026-10-03T10:12:00Z host app 123 - - msg`,
    /// and `2026-10-03T10:12:00+00:00 host app[123]: message`.
    Syslog,
    /// Go's standard logger: `2026/10/03 10:12:00 message`.
    GoLog,
    /// Python's `basicConfig` default: `INFO:root:message`.
    Python,
    /// klog: `I1003 10:12:00.000000   1 file.go:12] message`.
    Klog,
    /// A level first: `INFO message`, `[warn] message`, `error: message`.
    LevelFirst,
    /// No layout, but a `level=…` token in the text:
    /// `starting worker pool level=debug`.
    LevelKv,
    /// A prefix naming the service and nothing else recognised:
    /// `[playbooks] message`, `playbooks: message`, `app[12]: message`.
    ServicePrefix,
    /// A line of a multi-line stack trace.
    StackTrace,
    /// An indented line continuing the one before it.
    Continuation,
    /// None of the above.
    Other,
}

impl PlainLayout {
    /// Every layout, in a fixed order.
    pub const ALL: [PlainLayout; 11] = [
        PlainLayout::Timestamp,
        PlainLayout::Syslog,
        PlainLayout::GoLog,
        PlainLayout::Python,
        PlainLayout::Klog,
        PlainLayout::LevelFirst,
        PlainLayout::LevelKv,
        PlainLayout::ServicePrefix,
        PlainLayout::StackTrace,
        PlainLayout::Continuation,
        PlainLayout::Other,
    ];

    /// The layout's kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            PlainLayout::Timestamp => "timestamp",
            PlainLayout::Syslog => "syslog",
            PlainLayout::GoLog => "go-log",
            PlainLayout::Python => "python",
            PlainLayout::Klog => "klog",
            PlainLayout::LevelFirst => "level-first",
            PlainLayout::LevelKv => "level-kv",
            PlainLayout::ServicePrefix => "service-prefix",
            PlainLayout::StackTrace => "stack-trace",
            PlainLayout::Continuation => "continuation",
            PlainLayout::Other => "other",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// What a plain line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plain<'a> {
    pub layout: PlainLayout,
    /// The level as the line spells it.
    pub level: Option<&'a str>,
    /// The level came from a `level=…` token.
    pub level_kv: bool,
    pub message: &'a str,
    /// A prefix that may name the service.
    pub prefix: Option<&'a str>,
    pub timestamp: bool,
    /// The line is part of a multi-line stack trace.
    pub trace: bool,
}

impl<'a> Plain<'a> {
    fn new(layout: PlainLayout, message: &'a str) -> Self {
        Plain {
            layout,
            level: None,
            level_kv: false,
            message,
            prefix: None,
            timestamp: false,
            trace: false,
        }
    }
}

/// Reads a plain line (not blank, without its newline).
pub(crate) fn parse(line: &str) -> Plain<'_> {
    let b = line.as_bytes();
    if b.first().is_some_and(|&c| c == b' ' || c == b'\t') {
        let t = line.trim();
        let trace = is_trace_start(t) || is_frame(t);
        let mut p = Plain::new(
            if trace {
                PlainLayout::StackTrace
            } else {
                PlainLayout::Continuation
            },
            t,
        );
        p.trace = trace;
        return p;
    }
    let line = line.trim_end();
    let frame = is_trace_start(line) || is_go_function_frame(line);
    if frame || line.starts_with("panic: ") {
        let mut p = Plain::new(PlainLayout::StackTrace, line);
        p.trace = frame;
        return p;
    }
    let mut p = klog(line)
        .or_else(|| syslog(line))
        .or_else(|| go_log(line))
        .or_else(|| timestamped(line))
        .or_else(|| python(line))
        .or_else(|| level_first(line))
        .unwrap_or_else(|| Plain::new(PlainLayout::Other, line));
    if p.level.is_none() {
        if let Some(level) = level_kv(p.message) {
            p.level = Some(level);
            p.level_kv = true;
        }
    }
    if p.prefix.is_none() && p.layout != PlainLayout::Klog {
        if let Some((name, rest)) = service_prefix(p.message.trim_start()) {
            p.prefix = Some(name);
            p.message = rest;
            if p.layout == PlainLayout::Other {
                p.layout = PlainLayout::ServicePrefix;
            }
        }
    }
    if p.layout == PlainLayout::Other && p.level_kv {
        p.layout = PlainLayout::LevelKv;
    }
    if matches!(p.layout, PlainLayout::Timestamp | PlainLayout::LevelFirst) {
        p.message = strip_logger_header(p.message);
    }
    p.message = trim_separators(p.message);
    p
}

fn digits(b: &[u8], at: usize, n: usize) -> bool {
    b.len() >= at + n && b[at..at + n].iter().all(u8::is_ascii_digit)
}

fn trim_separators(s: &str) -> &str {
    s.trim_start_matches([' ', '\t', '-', ':', '|']).trim_end()
}

/// Splits off the first whitespace-separated token.
fn next_token(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start_matches([' ', '\t']);
    if s.is_empty() {
        return None;
    }
    match s.find([' ', '\t']) {
        Some(at) => Some((&s[..at], &s[at..])),
        None => Some((s, "")),
    }
}

/// What log4j, logback and Spring Boot print between the level and the
/// message: a pid, `---`, a thread in brackets, a logger name and ` - ` or
/// ` : `. `1234 --- [main] c.e.App : Started App` gives `Started App`.
fn strip_logger_header(msg: &str) -> &str {
    let mut rest = msg;
    // A pid and `---`.
    for _ in 0..2 {
        if let Some((tok, after)) = next_token(rest) {
            if tok == "---" || tok.bytes().all(|c| c.is_ascii_digit()) {
                rest = after;
            }
        }
    }
    let t = rest.trim_start();
    if let Some(inner) = t.strip_prefix('[') {
        if let Some(close) = inner.find(']') {
            let name = &inner[..close];
            if is_thread_name(name) || name.bytes().all(|c| c.is_ascii_digit()) {
                rest = &inner[close + 1..];
            }
        }
    }
    // `com.example.Api - message`, `c.e.App : message`
    if let Some((tok, after)) = next_token(rest) {
        let logger = tok.len() <= 96
            && tok.contains('.')
            && tok
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'$' | b'-'));
        if logger {
            if let Some(msg) = after
                .strip_prefix(" - ")
                .or_else(|| after.strip_prefix(" : "))
                .or_else(|| after.trim_start().strip_prefix(": "))
            {
                return msg;
            }
        }
    }
    if rest.len() == msg.len() { msg } else { rest }
}

/// `I1003 10:12:00.000000   1 file.go:12] message`
fn klog(line: &str) -> Option<Plain<'_>> {
    let b = line.as_bytes();
    if b.len() < 22
        || !matches!(b[0], b'I' | b'W' | b'E' | b'F')
        || !digits(b, 1, 4)
        || b[5] != b' '
    {
        return None;
    }
    if !(digits(b, 6, 2) && b[8] == b':' && digits(b, 9, 2) && b[11] == b':' && digits(b, 12, 2)) {
        return None;
    }
    let close = line
        .find("] ")
        .or_else(|| line.ends_with(']').then(|| line.len() - 1))?;
    if close > 120 {
        return None;
    }
    let mut p = Plain::new(PlainLayout::Klog, line.get(close + 1..).unwrap_or(""));
    p.level = Some(&line[..1]);
    p.timestamp = true;
    Some(p)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `<PRI>`: the syslog priority and the rest of the line.
fn syslog_pri(line: &str) -> Option<(u32, &str)> {
    let rest = line.strip_prefix('<')?;
    let close = rest.find('>')?;
    if close == 0 || close > 3 {
        return None;
    }
    let pri: u32 = rest[..close].parse().ok()?;
    (pri <= 191).then(|| (pri, &rest[close + 1..]))
}

/// `host tag: message` after a syslog timestamp, where the tag is
/// `app[123]` or (unless `require_pid`) `app`.
fn syslog_host_tag(rest: &str, require_pid: bool) -> Option<(&str, &str)> {
    let (host, rest) = next_token(rest)?;
    if host.contains([':', '[', ']', '=']) || is_level_word(host) {
        return None;
    }
    let (tag, rest) = next_token(rest)?;
    let tag = tag.strip_suffix(':')?;
    let name = match tag.find('[') {
        Some(open) => {
            let pid = tag[open + 1..].strip_suffix(']')?;
            if pid.is_empty() || !pid.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            &tag[..open]
        }
        None if require_pid => return None,
        None => tag,
    };
    if name.is_empty() || name.len() > 48 || name.contains([' ', ':']) {
        return None;
    }
    Some((name, rest))
}

fn syslog(line: &str) -> Option<Plain<'_>> {
    let (pri, rest) = match syslog_pri(line) {
        Some((pri, rest)) => (Some(pri), rest),
        None => (None, line),
    };
    // RFC 5424: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`
    if let (Some(pri), Some(r)) = (pri, rest.strip_prefix("1 ")) {
        let (_ts, r) = next_token(r)?;
        let (_host, r) = next_token(r)?;
        let (app, r) = next_token(r)?;
        let (_procid, r) = next_token(r)?;
        let (_msgid, r) = next_token(r)?;
        let r = r.trim_start();
        let msg = if let Some(sd) = r.strip_prefix('-') {
            sd
        } else if r.starts_with('[') {
            r.find("] ").map_or("", |at| &r[at + 1..])
        } else {
            r
        };
        let mut p = Plain::new(PlainLayout::Syslog, msg);
        p.level = Some(syslog_priority_spelling(pri));
        p.timestamp = true;
        p.prefix = (app != "-").then_some(app);
        return Some(p);
    }
    // RFC 3164: `Oct  3 10:12:00 host app[123]: message`
    let b = rest.as_bytes();
    if b.len() < 16 || !MONTHS.iter().any(|m| rest.starts_with(m)) || b[3] != b' ' {
        return None;
    }
    let day_at = if b[4] == b' ' { 5 } else { 4 };
    let mut i = day_at;
    while i < b.len() && b[i].is_ascii_digit() && i < day_at + 2 {
        i += 1;
    }
    if i == day_at || b.get(i) != Some(&b' ') {
        return None;
    }
    let t = i + 1;
    if !(digits(b, t, 2) && b.get(t + 2) == Some(&b':') && digits(b, t + 3, 2)) {
        return None;
    }
    let (_time, after) = next_token(&rest[t..])?;
    let mut p = match syslog_host_tag(after, false) {
        Some((name, msg)) => {
            let mut p = Plain::new(PlainLayout::Syslog, msg);
            p.prefix = Some(name);
            p
        }
        None => Plain::new(PlainLayout::Syslog, after),
    };
    p.level = pri.map(syslog_priority_spelling);
    p.timestamp = true;
    Some(p)
}

/// `2026/10/03 10:12:00 message` (also with microseconds).
fn go_log(line: &str) -> Option<Plain<'_>> {
    let b = line.as_bytes();
    if !(digits(b, 0, 4)
        && b.get(4) == Some(&b'/')
        && digits(b, 5, 2)
        && b.get(7) == Some(&b'/')
        && digits(b, 8, 2)
        && b.get(10) == Some(&b' ')
        && digits(b, 11, 2)
        && b.get(13) == Some(&b':'))
    {
        return None;
    }
    let (_time, rest) = next_token(&line[11..])?;
    let mut p = Plain::new(PlainLayout::GoLog, rest);
    p.timestamp = true;
    find_level(&mut p, rest, false);
    Some(p)
}

/// The length of an ISO 8601 date-time at the start of `b`:
/// `2026-10-03T10:12:00Z`, `2026-10-03 10:12:00,123`,
/// `2026-10-03T10:12:00.123456+02:00`, `2026-11-24 10:00:00.123 UTC`.
pub(crate) fn iso_timestamp_len(b: &[u8]) -> Option<usize> {
    if !(digits(b, 0, 4)
        && b.get(4) == Some(&b'-')
        && digits(b, 5, 2)
        && b.get(7) == Some(&b'-')
        && digits(b, 8, 2)
        && matches!(b.get(10), Some(b'T' | b' ' | b't'))
        && digits(b, 11, 2)
        && b.get(13) == Some(&b':')
        && digits(b, 14, 2))
    {
        return None;
    }
    let mut i = 16;
    if b.get(i) == Some(&b':') && digits(b, i + 1, 2) {
        i += 3;
    }
    if matches!(b.get(i), Some(b'.' | b',')) && digits(b, i + 1, 1) {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i += 1,
        Some(b'+' | b'-') if digits(b, i + 1, 2) => {
            i += 3;
            if b.get(i) == Some(&b':') && digits(b, i + 1, 2) {
                i += 3;
            } else if digits(b, i, 2) {
                i += 2;
            }
        }
        Some(b' ')
            if (b[i + 1..].starts_with(b"UTC") || b[i + 1..].starts_with(b"GMT"))
                && !b.get(i + 4).is_some_and(u8::is_ascii_alphanumeric) =>
        {
            i += 4;
        }
        // `10:12:00 +0000` (Apache, gunicorn)
        Some(b' ')
            if matches!(b.get(i + 1), Some(b'+' | b'-'))
                && digits(b, i + 2, 4)
                && !b.get(i + 6).is_some_and(u8::is_ascii_digit) =>
        {
            i += 6;
        }
        _ => {}
    }
    Some(i)
}

fn timestamped(line: &str) -> Option<Plain<'_>> {
    let b = line.as_bytes();
    let (len, rest) = if b.first() == Some(&b'[') {
        let len = iso_timestamp_len(&b[1..])?;
        if b.get(len + 1) != Some(&b']') {
            return None;
        }
        (len + 2, &line[len + 2..])
    } else {
        let len = iso_timestamp_len(b)?;
        (len, &line[len..])
    };
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let _ = len;
    // `2026-10-03T10:12:00+00:00 host app[123]: message` (rsyslog).
    if let Some((name, msg)) = syslog_host_tag(rest, true) {
        if name.len() > 1 && !is_level_word(name) {
            let mut p = Plain::new(PlainLayout::Syslog, msg);
            p.prefix = Some(name);
            p.timestamp = true;
            return Some(p);
        }
    }
    let mut p = Plain::new(PlainLayout::Timestamp, rest);
    p.timestamp = true;
    find_level(&mut p, rest, true);
    Some(p)
}

/// Looks for a level among the first few tokens of `rest` and, when found,
/// makes the message what follows it. A level is a known level word that
/// is bracketed (`[INFO]`), followed by a colon (`error:`), upper case
/// (`WARN`), or — when `lenient` — simply the first token (`info`).
fn find_level<'a>(p: &mut Plain<'a>, rest: &'a str, lenient: bool) {
    let mut r = rest;
    for n in 0..5 {
        let Some((tok, after)) = next_token(r) else {
            return;
        };
        let (word, strict) = level_token(tok);
        if let Some(word) = word {
            if strict || (lenient && n == 0) {
                p.level = Some(word);
                p.message = after;
                return;
            }
        }
        // Separators and pids may stand before the level; anything else
        // ends the search.
        let skippable = matches!(tok, "-" | "|" | "---" | "::")
            || tok
                .trim_matches(['[', ']', '(', ')', ':'])
                .bytes()
                .all(|c| c.is_ascii_digit())
            || (n < 2 && tok.starts_with('[') && tok.ends_with(']'));
        if !(skippable || lenient && n < 2 && !tok.starts_with('[')) {
            return;
        }
        r = after;
    }
}

/// A level word inside a token, and whether its form marks it as a level
/// (bracketed, colon-suffixed, or upper case).
fn level_token(tok: &str) -> (Option<&str>, bool) {
    let (word, marked) = if let Some(inner) = tok
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix("]:").or_else(|| t.strip_suffix(']')))
    {
        (inner, true)
    } else if let Some(inner) = tok.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
        (inner, true)
    } else if let Some(inner) = tok.strip_suffix(':') {
        (inner, true)
    } else {
        (tok, false)
    };
    if !is_level_word(word) {
        return (None, false);
    }
    let upper = word.len() >= 3
        && word
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    (Some(word), marked || upper)
}

/// `INFO:root:message`, `WARNING:urllib3.connectionpool:Retrying`.
fn python(line: &str) -> Option<Plain<'_>> {
    let (level, rest) = line.split_once(':')?;
    if !matches!(level, "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL") {
        return None;
    }
    let (logger, msg) = rest.split_once(':')?;
    if logger.is_empty() || logger.contains([' ', '\t']) {
        return None;
    }
    let mut p = Plain::new(PlainLayout::Python, msg);
    p.level = Some(level);
    Some(p)
}

fn level_first(line: &str) -> Option<Plain<'_>> {
    let (tok, rest) = next_token(line)?;
    let (Some(word), true) = level_token(tok) else {
        return None;
    };
    let mut p = Plain::new(PlainLayout::LevelFirst, rest);
    p.level = Some(word);
    Some(p)
}

/// The value of a `level=`, `lvl=` or `severity=` token in plain text.
fn level_kv(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    for key in ["level=", "lvl=", "severity="] {
        let mut from = 0;
        while let Some(at) = memchr::memmem::find(&b[from..], key.as_bytes()) {
            let at = from + at;
            from = at + key.len();
            if at > 0 && !matches!(b[at - 1], b' ' | b'\t' | b'[' | b'(') {
                continue;
            }
            let v = &s[at + key.len()..];
            let v = v.strip_prefix('"').map_or_else(
                || v.split([' ', '\t', ']', ')', ',']).next().unwrap_or(""),
                |q| q.split('"').next().unwrap_or(""),
            );
            if !v.is_empty() {
                return Some(v);
            }
        }
    }
    None
}

/// A prefix that may name the service: `[name] rest`, `name: rest` (the
/// name in lower case, DNS-label style) or `name[123]: rest`. Levels,
/// numbers and thread names (`[main]`, `[pool-1-thread-2]`) are not.
pub(crate) fn service_prefix(s: &str) -> Option<(&str, &str)> {
    if let Some(inner) = s.strip_prefix('[') {
        let close = inner.find(']')?;
        let name = &inner[..close];
        let rest = &inner[close + 1..];
        if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
            return None;
        }
        return (is_service_name(name, false) && !is_thread_name(name)).then_some((name, rest));
    }
    let colon = s.as_bytes().iter().take(64).position(|&c| c == b':')?;
    let rest = &s[colon + 1..];
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let head = &s[..colon];
    let (name, pid_ok) = match head.find('[') {
        Some(open) => {
            let pid = head[open + 1..].strip_suffix(']')?;
            (
                &head[..open],
                !pid.is_empty() && pid.bytes().all(|c| c.is_ascii_digit()),
            )
        }
        None => (head, true),
    };
    (pid_ok && is_service_name(name, true)).then_some((name, rest))
}

fn is_service_name(name: &str, lower_only: bool) -> bool {
    let b = name.as_bytes();
    (2..=48).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b.iter().all(|&c| {
            (if lower_only {
                c.is_ascii_lowercase() || c.is_ascii_digit()
            } else {
                c.is_ascii_alphanumeric()
            }) || matches!(c, b'-' | b'_' | b'.')
        })
        && !is_level_word(name)
}

/// Thread names that log4j, logback and Spring print in brackets.
fn is_thread_name(name: &str) -> bool {
    let starts = |p: &str| {
        name.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    };
    name.eq_ignore_ascii_case("main")
        || [
            "pool-",
            "thread",
            "http-",
            "https-",
            "worker",
            "qtp",
            "executor",
            "forkjoinpool",
            "scheduling-",
            "grpc-",
            "reactor-",
            "nio-",
            "task-",
            "async",
        ]
        .iter()
        .any(|p| starts(p))
        || name
            .rsplit_once('-')
            .is_some_and(|(_, tail)| !tail.is_empty() && tail.bytes().all(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Plain<'_> {
        parse(line)
    }

    #[test]
    fn iso_timestamp_then_level() {
        let got = p("2026-10-03T10:12:00Z INFO user 42 signed in");
        assert_eq!(got.layout, PlainLayout::Timestamp);
        assert_eq!(got.level, Some("INFO"));
        assert_eq!(got.message, "user 42 signed in");
        assert!(got.timestamp);

        let got = p("2026-10-03 10:12:00,123 [INFO] cache warmed");
        assert_eq!(got.layout, PlainLayout::Timestamp);
        assert_eq!(got.level, Some("INFO"));
        assert_eq!(got.message, "cache warmed");

        let got = p("2026-10-03T10:12:00.123456+02:00 error connecting to db");
        assert_eq!(got.level, Some("error"));
        assert_eq!(got.message, "connecting to db");

        let got = p("2026-10-03 10:12:00,123 - billing - WARNING - retrying charge");
        assert_eq!(got.level, Some("WARNING"));
        assert_eq!(got.message, "retrying charge");

        // Spring Boot
        let got = p("2026-10-03 10:12:00.123  INFO 1234 --- [main] c.e.App : Started App");
        assert_eq!(got.level, Some("INFO"));
        assert_eq!(got.message, "Started App");

        // log4j / logback
        let got = p(
            "2026-10-03 10:12:01,001 ERROR [http-nio-8080-exec-1] com.example.Api - request failed",
        );
        assert_eq!(got.level, Some("ERROR"));
        assert_eq!(got.message, "request failed");
        assert_eq!(got.prefix, None);

        // gunicorn
        let got = p("[2026-10-03 10:12:00 +0000] [1] [INFO] Starting gunicorn 21.2.0");
        assert_eq!(got.layout, PlainLayout::Timestamp);
        assert_eq!(got.level, Some("INFO"));
        assert_eq!(got.message, "Starting gunicorn 21.2.0");

        // PostgreSQL's stderr log
        let got = p(
            "2026-11-24 10:00:00.123 UTC [12] LOG:  database system is ready to accept connections",
        );
        assert_eq!(got.level, Some("LOG"));
        assert_eq!(
            got.message,
            "database system is ready to accept connections"
        );

        // zap's console encoder
        let got = p("2026-10-03T10:12:00.000Z\tinfo\tapp/server.go:88\tserver started");
        assert_eq!(got.level, Some("info"));
    }

    #[test]
    fn timestamp_without_level() {
        let got = p("2026-10-03T10:12:00Z the cache was warmed");
        assert_eq!(got.layout, PlainLayout::Timestamp);
        assert_eq!(got.level, None);
        assert_eq!(got.message, "the cache was warmed");
    }

    #[test]
    fn level_kv_inside_plain() {
        let got = p("2026-10-03T10:12:00Z level=warn msg=\"disk at 91%\"");
        assert_eq!(got.level, Some("warn"));
        assert!(got.level_kv);
        let got = p("starting worker pool level=debug");
        assert_eq!(got.level, Some("debug"));
        assert_eq!(got.layout, PlainLayout::LevelKv);
        assert_eq!(p("sealevel=3 rising").level, None);
    }

    #[test]
    fn syslog_layouts() {
        let got = p("Oct  3 10:12:00 web-1 playbooks[123]: run 7 finished");
        assert_eq!(got.layout, PlainLayout::Syslog);
        assert_eq!(got.prefix, Some("playbooks"));
        assert_eq!(got.message, "run 7 finished");
        assert_eq!(got.level, None);

        let got = p("<11>Oct 13 10:12:00 web-1 sshd: session closed");
        assert_eq!(got.layout, PlainLayout::Syslog);
        assert_eq!(got.prefix, Some("sshd"));
        assert_eq!(got.level, Some("3"));

        let got = p(
            "<165>1 2026-10-03T10:12:00.003Z mymachine evntslog 123 ID47 [exampleSDID@32473 iut=\"3\"] An application event",
        );
        assert_eq!(got.layout, PlainLayout::Syslog);
        assert_eq!(got.prefix, Some("evntslog"));
        assert_eq!(got.level, Some("5"));
        assert_eq!(got.message, "An application event");

        let got = p("2026-10-03T10:12:00.123456+00:00 web-1 ldap[77]: bind ok");
        assert_eq!(got.layout, PlainLayout::Syslog);
        assert_eq!(got.prefix, Some("ldap"));
    }

    #[test]
    fn go_log() {
        let got = p("2026/10/03 10:12:00 listening on :8080");
        assert_eq!(got.layout, PlainLayout::GoLog);
        assert_eq!(got.level, None);
        assert_eq!(got.message, "listening on :8080");
        // nginx's error log
        let got =
            p("2026/10/03 10:12:00 [error] 12#12: *1 connect() failed (111: Connection refused)");
        assert_eq!(got.layout, PlainLayout::GoLog);
        assert_eq!(got.level, Some("error"));
        let got = p("2026/10/03 10:12:00.123456 [playbooks] run started");
        assert_eq!(got.prefix, Some("playbooks"));
        assert_eq!(got.message, "run started");
    }

    #[test]
    fn python_basic() {
        let got = p("INFO:root:message here");
        assert_eq!(got.layout, PlainLayout::Python);
        assert_eq!(got.level, Some("INFO"));
        assert_eq!(got.message, "message here");
        let got = p("CRITICAL:urllib3.connectionpool:pool is full");
        assert_eq!(got.level, Some("CRITICAL"));
        assert_eq!(got.prefix, None);
    }

    #[test]
    fn klog() {
        let got = p("I1003 10:12:00.000000   1 file.go:12] message");
        assert_eq!(got.layout, PlainLayout::Klog);
        assert_eq!(got.level, Some("I"));
        assert_eq!(got.message, "message");
        let got =
            p("E1003 10:12:00.000000   77 reflector.go:138] failed to list *v1.Pod: forbidden");
        assert_eq!(got.level, Some("E"));
    }

    #[test]
    fn level_first() {
        for (line, level, msg) in [
            ("INFO starting", "INFO", "starting"),
            ("[warn] disk at 91%", "warn", "disk at 91%"),
            ("error: config missing", "error", "config missing"),
            ("WARNING: low memory", "WARNING", "low memory"),
        ] {
            let got = p(line);
            assert_eq!(got.layout, PlainLayout::LevelFirst, "{line}");
            assert_eq!(got.level, Some(level), "{line}");
            assert_eq!(got.message, msg, "{line}");
        }
        // A capitalised word at the start of a sentence is not a level.
        let got = p("Error connecting to the database");
        assert_eq!(got.layout, PlainLayout::Other);
        assert_eq!(got.level, None);
    }

    #[test]
    fn service_prefixes() {
        let got = p("[playbooks] run 7 started");
        assert_eq!(got.layout, PlainLayout::ServicePrefix);
        assert_eq!(got.prefix, Some("playbooks"));
        assert_eq!(got.message, "run 7 started");

        let got = p("playbooks: run 7 started");
        assert_eq!(got.prefix, Some("playbooks"));
        let got = p("playbooks[77]: run 7 started");
        assert_eq!(got.prefix, Some("playbooks"));
        let got = p("2026-10-03T10:12:00Z INFO [playbooks] run started");
        assert_eq!(got.layout, PlainLayout::Timestamp);
        assert_eq!(got.prefix, Some("playbooks"));
        assert_eq!(got.message, "run started");

        for line in [
            "[main] starting",
            "[pool-1-thread-3] working",
            "[INFO] starting",
            "Note: this is text",
            "[12] pid",
            "http://example.com is up",
            "[a] too short",
        ] {
            assert_eq!(p(line).prefix, None, "{line}");
        }
    }

    #[test]
    fn stack_traces() {
        for line in [
            "Traceback (most recent call last):",
            "  File \"/app/main.py\", line 12, in handler",
            "\tat com.x.Y(Y.java:12)",
            "    at Object.<anonymous> (/app/index.js:3:9)",
            "goroutine 1 [running]:",
            "\t/app/main.go:12 +0x1d",
            "Caused by: java.io.IOException: closed",
            "\t... 12 more",
            "main.main()",
            "net/http.(*conn).serve(0xc000128000, {0x7f4a, 0xc00012})",
        ] {
            let got = p(line);
            assert_eq!(got.layout, PlainLayout::StackTrace, "{line}");
            assert!(got.trace, "{line}");
        }
        let got = p("    some wrapped text");
        assert_eq!(got.layout, PlainLayout::Continuation);
        assert!(!got.trace);
        let got = p("panic: runtime error: index out of range [3] with length 2");
        assert_eq!(got.layout, PlainLayout::StackTrace);
        assert!(!got.trace);
    }

    #[test]
    fn iso_lengths() {
        for (s, n) in [
            ("2026-10-03T10:12:00Z", 20),
            ("2026-10-03 10:12:00,123", 23),
            ("2026-10-03T10:12:00.123456+02:00", 32),
            ("2026-10-03T10:12:00+0200", 24),
            ("2026-10-03 10:12", 16),
            ("2026-11-24 10:00:00.123 UTC", 27),
            ("2026-11-24 10:00:00.123 UTCX", 23),
        ] {
            assert_eq!(iso_timestamp_len(s.as_bytes()), Some(n), "{s}");
        }
        assert_eq!(iso_timestamp_len(b"2026-10-03"), None);
        assert_eq!(iso_timestamp_len(b"2026/10/03 10:12:00"), None);
    }
}
