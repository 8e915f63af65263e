//! One line at a time: its format, its fields, its level and its message,
//! counted into a [`Scan`]. Buffers are reused from line to line; nothing
//! is allocated for a line unless it brings a value not seen before or
//! becomes an example.

use std::hash::Hasher;

use rustc_hash::FxHasher;

use crate::fields::{Field, canonical_bytes, canonical_packed, is_nested_parent, pack_key};
use crate::flags::{FlagKind, classify};
use crate::json::{self, Value};
use crate::logfmt;
use crate::plain::{self, PlainLayout, iso_timestamp_len};
use crate::scan::{
    EXCERPT_CHARS, Example, Format, MAX_KEYS_PER_SET, MAX_VALUE_CHARS, Scan, excerpt,
};

/// A field's value, as offsets into the text being analysed.
#[derive(Debug, Clone, Copy)]
enum Val {
    Str {
        start: usize,
        end: usize,
        escaped: bool,
    },
    Scalar {
        start: usize,
        end: usize,
    },
    Null,
    Other,
}

/// The key a field was found under: a top-level key, or a member of a
/// nested object (`service` . `name`).
#[derive(Debug, Clone, Copy)]
enum KeyName {
    Top(usize, usize),
    Nested(usize, usize, usize, usize),
}

#[derive(Debug, Clone, Copy)]
struct Found {
    rank: u8,
    key: KeyName,
    val: Val,
}

const NFIELDS: usize = Field::ALL.len();

/// The last short value counted into a tally, packed ([`pack_key`]), and
/// its entry: the next line with the same bytes is counted without a
/// string comparison.
#[derive(Debug, Clone, Copy, Default)]
struct Recent {
    packed: Option<u128>,
    index: usize,
}

impl Recent {
    fn hit(&self, packed: Option<u128>) -> Option<usize> {
        (packed.is_some() && packed == self.packed).then_some(self.index)
    }

    fn remember(&mut self, packed: Option<u128>, index: Option<usize>) {
        if let (Some(p), Some(i)) = (packed, index) {
            *self = Recent {
                packed: Some(p),
                index: i,
            };
        }
    }
}

/// Reusable per-line state.
#[derive(Debug, Default)]
pub(crate) struct LineScanner {
    /// Per field, the raw key last counted.
    recent_key: [Recent; NFIELDS],
    recent_level: Recent,
    recent_service: Recent,
    keys: Vec<(usize, usize)>,
    nested: Vec<(usize, usize, usize, usize)>,
    found: [Option<Found>; NFIELDS],
    msg: String,
    tmp: String,
    inner: String,
}

/// The hash of the key `b[start..end]`, mixed so that sums of hashes make
/// good set hashes; and the key's field.
#[inline]
fn key_info(b: &[u8], start: usize, end: usize) -> (u64, Option<(Field, u8)>) {
    match pack_key(b, start, end) {
        Some(packed) => {
            let x = (packed as u64) ^ ((packed >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            (mix(x), canonical_packed(packed))
        }
        None => {
            let key = &b[start..end];
            let mut h = FxHasher::default();
            h.write(key);
            (mix(h.finish()), canonical_bytes(key))
        }
    }
}

/// splitmix64's finaliser.
#[inline]
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// `2026-10-03T10:12:00.1Z stdout F rest`: the rest.
fn strip_cri(line: &str) -> Option<&str> {
    let n = iso_timestamp_len(line.as_bytes())?;
    let rest = line[n..].strip_prefix(' ')?;
    let rest = rest
        .strip_prefix("stdout ")
        .or_else(|| rest.strip_prefix("stderr "))?;
    rest.strip_prefix("F ")
        .or_else(|| rest.strip_prefix("P "))
        .or_else(|| (rest == "F" || rest == "P").then_some(""))
}

impl LineScanner {
    /// Analyses one line (valid UTF-8, without its line ending, not blank).
    pub(crate) fn line(&mut self, scan: &mut Scan, n: u64, text: &str) {
        self.analyse(scan, n, text, text, 0);
    }

    fn analyse(&mut self, scan: &mut Scan, n: u64, text: &str, original: &str, depth: u8) {
        let t = text.trim_start();
        if t.starts_with('{') {
            if self.json(scan, n, t, original, depth) {
                return;
            }
            scan.malformed_json += 1;
        } else if depth == 0 {
            if let Some(rest) = strip_cri(t) {
                scan.wrapped.cri += 1;
                if rest.trim().is_empty() {
                    scan.blank_lines += 1;
                    return;
                }
                self.analyse(scan, n, rest, original, depth + 1);
                return;
            }
        }
        if t.contains('=') && self.logfmt(scan, n, t, original) {
            return;
        }
        self.plain(scan, n, text, original);
    }

    fn reset(&mut self) {
        self.keys.clear();
        self.nested.clear();
        self.found = [None; NFIELDS];
    }

    fn consider(&mut self, canonical: Option<(Field, u8)>, name: KeyName, val: Val) {
        let Some((field, rank)) = canonical else {
            return;
        };
        let usable = match field {
            Field::Message => !matches!(val, Val::Other),
            Field::Level | Field::Timestamp => matches!(val, Val::Str { .. } | Val::Scalar { .. }),
            Field::Service => match val {
                Val::Str { start, end, .. } => end > start,
                _ => false,
            },
            Field::Error | Field::StackTrace | Field::Caller | Field::Logger => {
                !matches!(val, Val::Null)
            }
        };
        if !usable {
            return;
        }
        let slot = &mut self.found[field.index()];
        if slot.is_none_or(|f| rank < f.rank) {
            *slot = Some(Found {
                rank,
                key: name,
                val,
            });
        }
    }

    /// A JSON object line; false when it is not well-formed.
    fn json(&mut self, scan: &mut Scan, n: u64, t: &str, original: &str, depth: u8) -> bool {
        self.reset();
        let b = t.as_bytes();
        let mut hash = 0u64;
        let mut keys = std::mem::take(&mut self.keys);
        let mut nested = std::mem::take(&mut self.nested);
        let res = json::walk_object(b, |k, v| {
            let kb = &b[k.start..k.end];
            keys.push((k.start, k.end));
            let (h, canonical) = key_info(b, k.start, k.end);
            hash = hash.wrapping_add(h);
            let val = match v {
                Value::Str {
                    start,
                    end,
                    escaped,
                } => Val::Str {
                    start,
                    end,
                    escaped,
                },
                Value::Scalar { start, end } => Val::Scalar { start, end },
                Value::Null => Val::Null,
                Value::Object { start, end } => {
                    if is_nested_parent(kb) {
                        nested.push((k.start, k.end, start, end));
                    }
                    Val::Other
                }
                Value::Array => Val::Other,
            };
            self.consider(canonical, KeyName::Top(k.start, k.end), val);
        });
        if res.is_err() {
            self.keys = keys;
            self.nested = nested;
            return false;
        }
        for &(ps, pe, os, oe) in &nested {
            let obj = &b[os..oe];
            let mut dotted = [0u8; 48];
            let plen = pe - ps;
            if plen + 1 >= dotted.len() {
                continue;
            }
            dotted[..plen].copy_from_slice(&b[ps..pe]);
            dotted[plen] = b'.';
            let _ = json::walk_object(obj, |k, v| {
                let inner = &obj[k.start..k.end];
                let len = plen + 1 + inner.len();
                if len > dotted.len() {
                    return;
                }
                dotted[plen + 1..len].copy_from_slice(inner);
                let val = match v {
                    Value::Str {
                        start,
                        end,
                        escaped,
                    } => Val::Str {
                        start: os + start,
                        end: os + end,
                        escaped,
                    },
                    Value::Scalar { start, end } => Val::Scalar {
                        start: os + start,
                        end: os + end,
                    },
                    Value::Null => Val::Null,
                    _ => Val::Other,
                };
                let name = KeyName::Nested(ps, pe, os + k.start, os + k.end);
                self.consider(canonical_bytes(&dotted[..len]), name, val);
            });
        }
        self.keys = keys;
        self.nested = nested;

        if depth == 0 && self.is_docker(b) {
            if let Some(Found {
                val:
                    Val::Str {
                        start,
                        end,
                        escaped,
                    },
                ..
            }) = self.found[Field::Message.index()]
            {
                scan.wrapped.docker += 1;
                let mut inner = std::mem::take(&mut self.inner);
                if escaped {
                    json::unescape_into(&t[start..end], &mut inner);
                } else {
                    inner.clear();
                    inner.push_str(&t[start..end]);
                }
                if inner.trim().is_empty() {
                    scan.blank_lines += 1;
                } else {
                    self.analyse(
                        scan,
                        n,
                        inner.trim_end_matches(['\n', '\r']),
                        original,
                        depth + 1,
                    );
                }
                self.inner = inner;
                return true;
            }
        }

        scan.formats.json += 1;
        self.commit_keys(scan, t, hash, Format::Json);
        self.commit_fields(scan, n, t, original, Format::Json);
        true
    }

    /// `{"log":…,"stream":…,"time":…}`, perhaps with `attrs`.
    fn is_docker(&self, b: &[u8]) -> bool {
        (3..=4).contains(&self.keys.len())
            && self
                .keys
                .iter()
                .all(|&(s, e)| matches!(&b[s..e], b"log" | b"stream" | b"time" | b"attrs"))
            && self.keys.iter().any(|&(s, e)| &b[s..e] == b"stream")
    }

    /// A logfmt line; false when it is not logfmt.
    fn logfmt(&mut self, scan: &mut Scan, n: u64, t: &str, original: &str) -> bool {
        self.reset();
        let b = t.as_bytes();
        let mut hash = 0u64;
        let mut keys = std::mem::take(&mut self.keys);
        let res = logfmt::walk_pairs(b, |ks, ke, v| {
            keys.push((ks, ke));
            let (h, canonical) = key_info(b, ks, ke);
            hash = hash.wrapping_add(h);
            let val = Val::Str {
                start: v.start,
                end: v.end,
                escaped: v.escaped,
            };
            self.consider(canonical, KeyName::Top(ks, ke), val);
        });
        self.keys = keys;
        if res.is_none() {
            return false;
        }
        scan.formats.logfmt += 1;
        self.commit_keys(scan, t, hash ^ 0x6c6f_6766_6d74, Format::Logfmt);
        self.commit_fields(scan, n, t, original, Format::Logfmt);
        true
    }

    fn commit_keys(&mut self, scan: &mut Scan, t: &str, hash: u64, format: Format) {
        let hash = hash.wrapping_add(self.keys.len() as u64);
        let keys = &self.keys;
        scan.key_sets.add_hashed(hash, 1, || {
            let mut names: Vec<String> = keys
                .iter()
                .map(|&(s, e)| clip_str(t.get(s..e).unwrap_or("")).to_string())
                .collect();
            names.sort();
            names.dedup();
            let truncated = names.len() > MAX_KEYS_PER_SET;
            names.truncate(MAX_KEYS_PER_SET);
            (format, names, truncated)
        });
    }

    fn decode<'a>(t: &'a str, val: Val, format: Format, buf: &'a mut String) -> &'a str {
        match val {
            Val::Str {
                start,
                end,
                escaped,
            } => {
                let raw = t.get(start..end).unwrap_or("");
                if !escaped {
                    return raw;
                }
                match format {
                    Format::Logfmt => logfmt::unescape_into(raw, buf),
                    _ => json::unescape_into(raw, buf),
                }
                buf
            }
            Val::Scalar { start, end } => t.get(start..end).unwrap_or(""),
            Val::Null => "null",
            Val::Other => "",
        }
    }

    fn commit_fields(&mut self, scan: &mut Scan, n: u64, t: &str, original: &str, format: Format) {
        for field in Field::ALL {
            let Some(found) = self.found[field.index()] else {
                continue;
            };
            let stats = scan.fields.get_mut(field);
            stats.lines += 1;
            match found.key {
                KeyName::Top(s, e) => {
                    let packed = pack_key(t.as_bytes(), s, e);
                    let recent = &mut self.recent_key[field.index()];
                    if recent.hit(packed).is_some_and(|i| stats.keys.bump(i)) {
                        continue;
                    }
                    let index = stats.keys.add(t.get(s..e).unwrap_or(""), 1);
                    recent.remember(packed, index);
                }
                KeyName::Nested(ps, pe, s, e) => {
                    self.tmp.clear();
                    self.tmp.push_str(t.get(ps..pe).unwrap_or(""));
                    self.tmp.push('.');
                    self.tmp.push_str(t.get(s..e).unwrap_or(""));
                    stats.keys.add(&self.tmp, 1);
                }
            }
        }
        if self.found[Field::Timestamp.index()].is_some() {
            scan.timestamp_lines += 1;
        }
        let severity = match self.found[Field::Level.index()] {
            Some(f) => {
                let packed = plain_packed(t, f.val);
                match self
                    .recent_level
                    .hit(packed)
                    .and_then(|i| scan.levels.bump(i))
                {
                    Some(severity) => severity,
                    None => {
                        let level = Self::decode(t, f.val, format, &mut self.tmp);
                        let (severity, index) = scan.levels.add(level, 1);
                        self.recent_level.remember(packed, index);
                        severity
                    }
                }
            }
            None => {
                scan.levels.without_level += 1;
                None
            }
        };
        if let Some(f) = self.found[Field::Service.index()] {
            let packed = plain_packed(t, f.val);
            if self
                .recent_service
                .hit(packed)
                .is_some_and(|i| scan.service.values.bump(i))
            {
                scan.service.field_lines += 1;
            } else {
                let service = Self::decode(t, f.val, format, &mut self.tmp).trim();
                if !service.is_empty() {
                    scan.service.field_lines += 1;
                    let index = scan.service.values.add(service, 1);
                    // A value counted as trimmed is not remembered by its
                    // untrimmed bytes.
                    if service.len() == plain_len(f.val) {
                        self.recent_service.remember(packed, index);
                    }
                }
            }
        }
        if let Some(f) = self.found[Field::Message.index()] {
            scan.message_lines += 1;
            if !matches!(f.val, Val::Other) {
                let mut msg = std::mem::take(&mut self.msg);
                let m = Self::decode(t, f.val, format, &mut msg);
                let bits = classify(m, severity, false);
                record_flags(scan, n, original, m, bits);
                self.msg = msg;
            }
        }
    }

    fn plain(&mut self, scan: &mut Scan, n: u64, text: &str, original: &str) {
        let p = plain::parse(text);
        scan.formats.plain += 1;
        scan.layouts.add(p.layout, 1);
        if p.timestamp {
            scan.timestamp_lines += 1;
        }
        if !matches!(
            p.layout,
            PlainLayout::StackTrace | PlainLayout::Continuation
        ) {
            scan.service.plain_lines += 1;
        }
        if let Some(prefix) = p.prefix {
            scan.service.prefix_lines += 1;
            scan.service.prefixes.add(prefix, 1);
        }
        let severity = match p.level {
            Some(level) => scan.levels.add(level, 1).0,
            None => {
                scan.levels.without_level += 1;
                None
            }
        };
        let bits = classify(p.message, severity, p.trace);
        record_flags(scan, n, original, p.message, bits);
    }
}

/// A short value without escapes, packed ([`pack_key`]).
fn plain_packed(t: &str, val: Val) -> Option<u128> {
    match val {
        Val::Str {
            start,
            end,
            escaped: false,
        }
        | Val::Scalar { start, end } => pack_key(t.as_bytes(), start, end),
        _ => None,
    }
}

/// The length in the text of a value.
fn plain_len(val: Val) -> usize {
    match val {
        Val::Str { start, end, .. } | Val::Scalar { start, end } => end - start,
        _ => 0,
    }
}

fn clip_str(s: &str) -> &str {
    if s.len() <= MAX_VALUE_CHARS {
        return s;
    }
    match s.char_indices().nth(MAX_VALUE_CHARS) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

fn record_flags(scan: &mut Scan, n: u64, original: &str, message: &str, bits: u8) {
    if bits == 0 {
        return;
    }
    scan.flagged_lines += 1;
    for kind in FlagKind::ALL {
        if bits & kind.bit() == 0 {
            continue;
        }
        let max = scan.max_examples;
        let source = &scan.source;
        let stats = scan.flags.get_mut(kind);
        stats.count += 1;
        if stats.examples.len() < max {
            stats.examples.push(Example {
                source: source.clone(),
                line: n,
                excerpt: excerpt(original, EXCERPT_CHARS),
                message: excerpt(message.trim(), EXCERPT_CHARS),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Severity;

    fn scan(lines: &[&str]) -> Scan {
        let mut s = Scan::new("test", 5);
        let mut ls = LineScanner::default();
        for (i, l) in lines.iter().enumerate() {
            s.lines += 1;
            ls.line(&mut s, i as u64 + 1, l);
        }
        s.finish();
        s
    }

    #[test]
    fn postgres_jsonlog() {
        let s = scan(&[
            r#"{"timestamp":"2026-11-24 10:00:00.123 UTC","pid":12,"session_id":"6562a1b0.c","line_num":1,"session_start":"2026-11-24 10:00:00 UTC","txid":0,"error_severity":"LOG","message":"database system is ready to accept connections","backend_type":"postmaster","query_id":0}"#,
            r#"{"timestamp":"2026-11-24 10:00:01.000 UTC","user":"app","dbname":"app","pid":13,"error_severity":"ERROR","state_code":"42P01","message":"relation \"users\" does not exist","statement":"select * from users","backend_type":"client backend"}"#,
        ]);
        assert_eq!(s.formats.json, 2);
        assert_eq!(s.levels.by_severity.info, 1);
        assert_eq!(s.levels.by_severity.error, 1);
        assert_eq!(
            s.fields.get(Field::Level).keys.get("error_severity"),
            Some(2)
        );
        assert_eq!(s.fields.get(Field::Message).keys.get("message"), Some(2));
        assert_eq!(s.timestamp_lines, 2);
        assert_eq!(s.flagged_lines, 0);
        assert_eq!(s.service.field_lines, 0);
        assert_eq!(s.key_sets.distinct(), 2);
    }

    #[test]
    fn prometheus_logfmt() {
        let s = scan(&[
            r#"ts=2026-11-24T10:00:00.000Z caller=main.go:585 level=info msg="Starting Prometheus Server" mode=server version="(version=2.42.0, branch=, revision=)""#,
            r#"ts=2026-11-24T10:00:00.100Z caller=web.go:562 level=info component=web msg="Start listening for connections" address=0.0.0.0:9090"#,
            r#"ts=2026-11-24T10:00:05.000Z caller=scrape.go:1307 level=error component="scrape manager" msg="Scrape failed" err="context deadline exceeded""#,
        ]);
        assert_eq!(s.formats.logfmt, 3);
        assert_eq!(s.levels.by_severity.info, 2);
        assert_eq!(s.levels.by_severity.error, 1);
        assert_eq!(s.fields.get(Field::Caller).lines, 3);
        assert_eq!(s.fields.get(Field::Error).keys.get("err"), Some(1));
        assert_eq!(s.service.field_lines, 0, "component is not the service");
        assert_eq!(s.flagged_lines, 0);
        assert_eq!(s.key_sets.distinct(), 3);
    }

    #[test]
    fn mattermost_json() {
        let s = scan(&[
            r#"{"timestamp":"2026-10-03 10:12:00.000 Z","level":"info","msg":"Server is initializing...","caller":"app/server.go:265","go_version":"go1.21"}"#,
        ]);
        assert_eq!(
            s.fields.get(Field::Timestamp).keys.get("timestamp"),
            Some(1)
        );
        assert_eq!(s.fields.get(Field::Level).keys.get("level"), Some(1));
        assert_eq!(s.fields.get(Field::Message).keys.get("msg"), Some(1));
        assert_eq!(s.fields.get(Field::Caller).keys.get("caller"), Some(1));
    }

    #[test]
    fn nested_service_and_ecs() {
        let s = scan(&[
            r#"{"@timestamp":"2026-10-03T10:12:00Z","log":{"level":"warn","logger":"db"},"message":"slow query","service":{"name":"billing","version":"1.2"}}"#,
            r#"{"@timestamp":"2026-10-03T10:12:00Z","log.level":"error","message":"payment failed: card declined","service.name":"billing","error":{"message":"declined","stack_trace":"..."}}"#,
        ]);
        assert_eq!(s.service.field_lines, 2);
        assert_eq!(s.service.values.get("billing"), Some(2));
        let svc = &s.fields.get(Field::Service).keys;
        assert_eq!(svc.get("service.name"), Some(2));
        let lvl = &s.fields.get(Field::Level).keys;
        assert_eq!(lvl.get("log.level"), Some(2));
        assert_eq!(s.fields.get(Field::Logger).lines, 1);
        assert_eq!(s.fields.get(Field::Error).lines, 1);
        assert_eq!(
            s.fields
                .get(Field::StackTrace)
                .keys
                .get("error.stack_trace"),
            Some(1)
        );
        assert_eq!(s.levels.by_severity.warn, 1);
        assert_eq!(s.levels.by_severity.error, 1);
    }

    #[test]
    fn json_level_and_service_variants() {
        let s = scan(&[
            r#"{"level":30,"time":1,"msg":"hi","name":"api","app":"api"}"#,
            r#"{"severity":"WARNING","message":"disk","service":""}"#,
            r#"{"lvl":"loud","msg":"x y z"}"#,
            r#"{"msg":"no level here"}"#,
            r#"{"level":null,"msg":"null level"}"#,
        ]);
        assert_eq!(s.levels.by_severity.info, 1);
        assert_eq!(s.levels.by_severity.warn, 1);
        assert_eq!(s.levels.unknown, 1);
        assert_eq!(s.levels.without_level, 2);
        assert_eq!(s.service.field_lines, 1);
        assert_eq!(s.service.values.get("api"), Some(1));
        assert_eq!(s.fields.get(Field::Level).keys.distinct(), 3);
        assert_eq!(s.key_consistency(Field::Level), Some(1.0 / 3.0));
    }

    #[test]
    fn escaped_values_are_decoded() {
        let s = scan(&[r#"{"level":"error","msg":"\u0065rror","svc":"a\"b"}"#]);
        assert_eq!(s.flags.get(FlagKind::VagueError).count, 1);
        assert_eq!(s.service.values.get("a\"b"), Some(1));
    }

    #[test]
    fn message_flags_in_json() {
        let s = scan(&[
            r#"{"level":"error","msg":"NullPointerException"}"#,
            r#"{"level":"error","msg":"something went wrong"}"#,
            r#"{"level":"error","msg":"server started on :8080"}"#,
            r#"{"level":"info","msg":""}"#,
            r#"{"level":"info","msg":null}"#,
            r#"{"level":"info","msg":"<nil>"}"#,
            r#"{"level":"info","msg":12345}"#,
            r#"{"level":"info","msg":"user 7 logged in"}"#,
        ]);
        for kind in [
            FlagKind::OnlyException,
            FlagKind::VagueError,
            FlagKind::FalseError,
            FlagKind::EmptyMessage,
            FlagKind::BareValue,
        ] {
            assert_eq!(s.flags.get(kind).count, 1, "{kind:?}");
        }
        assert_eq!(s.flags.get(FlagKind::NullMessage).count, 2);
        assert_eq!(s.flagged_lines, 7);
        let ex = &s.flags.get(FlagKind::FalseError).examples[0];
        assert_eq!(ex.line, 3);
        assert_eq!(ex.message, "server started on :8080");
        assert!(ex.excerpt.starts_with("{\"level\":\"error\""));
        assert_eq!(s.false_error_ratio(), Some(1.0 / 3.0));
    }

    #[test]
    fn plain_lines() {
        let s = scan(&[
            "2026-10-03T10:12:00Z INFO [playbooks] run started",
            "2026-10-03T10:12:01Z ERROR [playbooks] error",
            "2026-10-03T10:12:02Z info [playbooks] run finished",
            "java.lang.IllegalStateException: pool closed",
            "\tat com.x.Y(Y.java:12)",
            "\tat com.x.Z(Z.java:40)",
        ]);
        assert_eq!(s.formats.plain, 6);
        assert_eq!(s.layouts.get(PlainLayout::Timestamp), 3);
        assert_eq!(s.layouts.get(PlainLayout::StackTrace), 2);
        assert_eq!(s.layouts.get(PlainLayout::Other), 1);
        assert_eq!(s.service.plain_lines, 4);
        assert_eq!(s.service.prefix_lines, 3);
        assert_eq!(
            s.service.consistent_prefix().map(|t| t.value.as_str()),
            Some("playbooks")
        );
        assert_eq!(s.service.lines(), 3);
        assert_eq!(s.service.lines_naming("Playbooks"), 3);
        assert_eq!(s.flags.get(FlagKind::OnlyStackTrace).count, 2);
        assert_eq!(s.flags.get(FlagKind::VagueError).count, 1);
        assert_eq!(s.levels.casing_variants(), vec![vec!["INFO", "info"]]);
        assert_eq!(s.levels.by_severity.get(Severity::Info), 2);
        assert_eq!(s.levels.without_level, 3);
    }

    #[test]
    fn inconsistent_prefixes_do_not_count() {
        let s = scan(&["[alpha] one", "[beta] two", "[gamma] three", "plain words"]);
        assert_eq!(s.service.prefix_lines, 3);
        assert!(s.service.consistent_prefix().is_none());
        assert_eq!(s.service.lines(), 0);
    }

    #[test]
    fn container_wrappers() {
        let s = scan(&[
            r#"2026-10-03T10:12:00.123456789Z stdout F {"level":"info","msg":"hello","service":"api"}"#,
            r#"{"log":"{\"level\":\"warn\",\"msg\":\"slow\",\"service\":\"api\"}\n","stream":"stdout","time":"2026-10-03T10:12:00Z"}"#,
            r#"{"log":"plain text from a container\n","stream":"stderr","time":"2026-10-03T10:12:00Z"}"#,
        ]);
        assert_eq!(s.wrapped.cri, 1);
        assert_eq!(s.wrapped.docker, 2);
        assert_eq!(s.formats.json, 2);
        assert_eq!(s.formats.plain, 1);
        assert_eq!(s.service.field_lines, 2);
        assert_eq!(s.levels.by_severity.warn, 1);
    }

    #[test]
    fn malformed_json_is_plain() {
        let s = scan(&[r#"{"level":"info","msg":"cut"#, "{not json at all}"]);
        assert_eq!(s.malformed_json, 2);
        assert_eq!(s.formats.plain, 2);
    }

    #[test]
    fn key_sets_ignore_order() {
        let s = scan(&[
            r#"{"a":1,"b":2,"c":3}"#,
            r#"{"c":1,"a":2,"b":3}"#,
            r#"{"a":1,"b":2}"#,
            "a=1 b=2",
        ]);
        assert_eq!(s.key_sets.distinct(), 3);
        let top = s.key_sets.top().expect("a set");
        assert_eq!(top.keys, ["a", "b", "c"]);
        assert_eq!(top.count, 2);
        assert_eq!(s.key_set_ratio(), Some(0.5));
    }
}
