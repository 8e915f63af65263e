//! Names, escaping and unescaping.

use std::borrow::Cow;

const fn table(extra_colon: bool, digits: bool) -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphabetic()
            || b == b'_'
            || (digits && b.is_ascii_digit())
            || (extra_colon && b == b':');
        c += 1;
    }
    t
}

/// Bytes of a metric name: `[a-zA-Z0-9_:]`.
pub(crate) static METRIC_CHAR: [bool; 256] = table(true, true);
/// Bytes of a label name: `[a-zA-Z0-9_]`.
pub(crate) static LABEL_CHAR: [bool; 256] = table(false, true);

/// `[a-zA-Z_:][a-zA-Z0-9_:]*`
pub fn is_metric_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && !b[0].is_ascii_digit() && b.iter().all(|&c| METRIC_CHAR[c as usize])
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`
pub fn is_label_name(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && !b[0].is_ascii_digit() && b.iter().all(|&c| LABEL_CHAR[c as usize])
}

/// Whether two byte strings are equal. Names and label values are mostly
/// short, where two overlapping word loads beat a call to `memcmp`.
#[inline(always)]
pub(crate) fn eq_bytes(a: &[u8], b: &[u8]) -> bool {
    fn w4(s: &[u8], i: usize) -> u32 {
        let mut w = [0u8; 4];
        w.copy_from_slice(&s[i..i + 4]);
        u32::from_le_bytes(w)
    }
    fn w8(s: &[u8], i: usize) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[i..i + 8]);
        u64::from_le_bytes(w)
    }
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => w4(a, 0) == w4(b, 0) && w4(a, n - 4) == w4(b, n - 4),
        8..=16 => w8(a, 0) == w8(b, 0) && w8(a, n - 8) == w8(b, n - 8),
        17..=32 => {
            w8(a, 0) == w8(b, 0)
                && w8(a, 8) == w8(b, 8)
                && w8(a, n - 16) == w8(b, n - 16)
                && w8(a, n - 8) == w8(b, n - 8)
        }
        _ => a == b,
    }
}

/// [`eq_bytes`] for strings.
#[inline(always)]
pub(crate) fn eq_str(a: &str, b: &str) -> bool {
    eq_bytes(a.as_bytes(), b.as_bytes())
}

/// `s.strip_prefix(prefix)`, with [`eq_bytes`].
#[inline(always)]
pub(crate) fn strip_prefix<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let n = prefix.len();
    if s.len() >= n && eq_bytes(&s.as_bytes()[..n], prefix.as_bytes()) {
        s.get(n..)
    } else {
        None
    }
}

/// Unescapes `\\`, `\n` and, when `quote` is set, `\"`. Any other backslash
/// is kept as written, as Prometheus and the OpenMetrics reference parser do.
pub(crate) fn unescape(raw: &str, quote: bool) -> Cow<'_, str> {
    if !raw.as_bytes().contains(&b'\\') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('n') => out.push('\n'),
            Some('"') if quote => out.push('"'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Cow::Owned(out)
}

/// Escapes a label value: `\`, `"` and newline.
pub(crate) fn escape_label_value(out: &mut String, v: &str) {
    escape(out, v, true);
}

/// Escapes HELP text: `\` and newline, and `"` in OpenMetrics.
pub(crate) fn escape_help(out: &mut String, v: &str, quote: bool) {
    escape(out, v, quote);
}

fn escape(out: &mut String, v: &str, quote: bool) {
    let mut rest = v;
    while let Some(i) = rest
        .bytes()
        .position(|b| b == b'\\' || b == b'\n' || (quote && b == b'"'))
    {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'\\' => "\\\\",
            b'\n' => "\\n",
            _ => "\\\"",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["a", "_a", ":a", "a:b_c9", "http_requests_total"] {
            assert!(is_metric_name(ok), "{ok}");
        }
        for bad in ["", "0a", "a.b", "a-b", "a b", "é"] {
            assert!(!is_metric_name(bad), "{bad}");
        }
        assert!(is_label_name("le"));
        assert!(!is_label_name("a:b"));
        assert!(!is_label_name("1"));
    }
    #[test]
    fn byte_equality() {
        let words: Vec<String> = (0..80)
            .map(|n| (0..n).map(|i| char::from(b'a' + (i % 26) as u8)).collect())
            .collect();
        for a in &words {
            for b in &words {
                assert_eq!(eq_str(a, b), a == b, "{a} {b}");
            }
            for i in 0..a.len() {
                let mut c = a.clone().into_bytes();
                c[i] = b'#';
                assert!(!eq_bytes(a.as_bytes(), &c), "{a} at {i}");
            }
        }
        assert_eq!(strip_prefix("a_bucket", "a"), Some("_bucket"));
        assert_eq!(strip_prefix("a", "a_bucket"), None);
        assert_eq!(strip_prefix("é", "\u{c3}"), None);
    }

    #[test]
    fn unescaping() {
        assert!(matches!(unescape("plain", true), Cow::Borrowed("plain")));
        assert_eq!(unescape(r#"b\"a\nr"#, true), "b\"a\nr");
        assert_eq!(unescape(r"b\\a\z", true), r"b\a\z");
        assert_eq!(unescape(r#"\""#, false), r#"\""#);
        assert_eq!(unescape(r"foo\", false), r"foo\");
        assert_eq!(unescape(r"\\\n", false), "\\\n");
    }

    #[test]
    fn escaping_round_trips() {
        for v in [
            "",
            "a",
            "\\",
            "\"",
            "\n",
            "a\\nb",
            "\\\"",
            "x\\",
            "é\"\n\\z",
        ] {
            let mut out = String::new();
            escape_label_value(&mut out, v);
            assert_eq!(unescape(&out, true), v);
            let mut out = String::new();
            escape_help(&mut out, v, false);
            assert_eq!(unescape(&out, false), v);
        }
    }
}
