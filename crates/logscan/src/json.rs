//! A small scanner over one JSON object: it walks the top-level members,
//! hands each key and the position of its value to a callback, and skips
//! nested objects and arrays by counting depth. It builds no tree and
//! allocates nothing; string values are decoded only on request, and only
//! when they hold escapes.
//!
//! It checks the structure (strings closed, `:` and `,` where they belong,
//! brackets balanced, nothing after the closing brace), not the finer
//! grammar of numbers or literals.

use memchr::memchr2;

/// A member's value, as byte offsets into the scanned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Value {
    /// A string; the range excludes the quotes. `escaped` when it holds a
    /// backslash.
    Str {
        start: usize,
        end: usize,
        escaped: bool,
    },
    /// A number, `true` or `false`.
    Scalar {
        start: usize,
        end: usize,
    },
    Null,
    Object {
        start: usize,
        end: usize,
    },
    Array,
}

/// A member's key: the range excludes the quotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    pub start: usize,
    pub end: usize,
    pub escaped: bool,
}

/// The text is not a well-formed JSON object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Malformed;

#[inline]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// Bytes of `v` that are zero get their high bit set; above the first
/// zero byte there may be false positives, so only the lowest set bit is
/// to be trusted.
#[inline]
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(0x0101_0101_0101_0101) & !v & 0x8080_8080_8080_8080
}

#[inline]
fn load8(b: &[u8], i: usize) -> Option<u64> {
    let bytes: [u8; 8] = b.get(i..i + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

/// The index of the next `"` or `\` at or after `i`.
#[inline]
fn next_quote_or_backslash(b: &[u8], mut i: usize) -> Option<usize> {
    // Eight bytes at a time for the first words: most strings are short.
    for _ in 0..4 {
        let Some(w) = load8(b, i) else {
            return b
                .get(i..)?
                .iter()
                .position(|&c| c == b'"' || c == b'\\')
                .map(|o| i + o);
        };
        let m = zero_bytes(w ^ 0x2222_2222_2222_2222) | zero_bytes(w ^ 0x5c5c_5c5c_5c5c_5c5c);
        if m != 0 {
            return Some(i + (m.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    memchr2(b'"', b'\\', b.get(i..)?).map(|o| i + o)
}

/// The end of the string whose opening quote is at `i - 1`: the index of
/// its closing quote, and whether it held an escape.
#[inline]
fn string_end(b: &[u8], mut i: usize) -> Result<(usize, bool), Malformed> {
    let mut escaped = false;
    loop {
        let at = next_quote_or_backslash(b, i).ok_or(Malformed)?;
        if b[at] == b'"' {
            return Ok((at, escaped));
        }
        escaped = true;
        i = at + 2;
        if i > b.len() {
            return Err(Malformed);
        }
    }
}

/// Bytes that matter when skipping a nested value.
static STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'}' as usize] = true;
    t[b'[' as usize] = true;
    t[b']' as usize] = true;
    t
};

/// Skips a nested object or array opening at `i`; returns the index after
/// its closing bracket.
fn skip_nested(b: &[u8], mut i: usize) -> Result<usize, Malformed> {
    // Brackets must match, so remember the kinds on a small stack; past its
    // size only the depth is counted.
    let mut stack = [0u8; 32];
    let mut depth = 0usize;
    while i < b.len() {
        while i < b.len() && !STRUCTURAL[b[i] as usize] {
            i += 1;
        }
        let Some(&c) = b.get(i) else {
            break;
        };
        match c {
            b'"' => {
                let (end, _) = string_end(b, i + 1)?;
                i = end + 1;
                continue;
            }
            b'{' | b'[' => {
                if depth < stack.len() {
                    stack[depth] = c;
                }
                depth += 1;
            }
            _ => {
                if depth == 0 {
                    return Err(Malformed);
                }
                depth -= 1;
                if depth < stack.len() {
                    let open = stack[depth];
                    if (open == b'{') != (c == b'}') {
                        return Err(Malformed);
                    }
                }
                if depth == 0 {
                    return Ok(i + 1);
                }
            }
        }
        i += 1;
    }
    Err(Malformed)
}

/// Walks the object that `text` holds (surrounding whitespace allowed),
/// calling `visit` for each top-level member in order. Returns the number
/// of members, or `Malformed`; members seen before the error have already
/// been visited.
pub(crate) fn walk_object(b: &[u8], mut visit: impl FnMut(Key, Value)) -> Result<usize, Malformed> {
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return Err(Malformed);
    }
    i = skip_ws(b, i + 1);
    let mut members = 0;
    if b.get(i) == Some(&b'}') {
        i += 1;
    } else {
        loop {
            if b.get(i) != Some(&b'"') {
                return Err(Malformed);
            }
            let (kend, kesc) = string_end(b, i + 1)?;
            let key = Key {
                start: i + 1,
                end: kend,
                escaped: kesc,
            };
            i = skip_ws(b, kend + 1);
            if b.get(i) != Some(&b':') {
                return Err(Malformed);
            }
            i = skip_ws(b, i + 1);
            let value = match b.get(i) {
                Some(b'"') => {
                    let (end, escaped) = string_end(b, i + 1)?;
                    let v = Value::Str {
                        start: i + 1,
                        end,
                        escaped,
                    };
                    i = end + 1;
                    v
                }
                Some(b'{') => {
                    let end = skip_nested(b, i)?;
                    let v = Value::Object { start: i, end };
                    i = end;
                    v
                }
                Some(b'[') => {
                    i = skip_nested(b, i)?;
                    Value::Array
                }
                Some(c) if c.is_ascii_alphanumeric() || *c == b'-' => {
                    let start = i;
                    while i < b.len()
                        && matches!(b[i], b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'+' | b'-' | b'.')
                    {
                        i += 1;
                    }
                    if &b[start..i] == b"null" {
                        Value::Null
                    } else {
                        Value::Scalar { start, end: i }
                    }
                }
                _ => return Err(Malformed),
            };
            visit(key, value);
            members += 1;
            i = skip_ws(b, i);
            match b.get(i) {
                Some(b',') => i = skip_ws(b, i + 1),
                Some(b'}') => {
                    i += 1;
                    break;
                }
                _ => return Err(Malformed),
            }
        }
    }
    if skip_ws(b, i) != b.len() {
        return Err(Malformed);
    }
    Ok(members)
}

/// Decodes the escapes of a JSON string body into `out` (cleared first).
/// Invalid escapes and lone surrogates become U+FFFD; nothing panics.
pub(crate) fn unescape_into(s: &str, out: &mut String) {
    out.clear();
    let b = s.as_bytes();
    let mut i = 0;
    let mut plain_from = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(&s[plain_from..i]);
        let Some(&c) = b.get(i + 1) else {
            out.push('\u{FFFD}');
            i += 1;
            plain_from = i;
            break;
        };
        i += 2;
        match c {
            b'n' => out.push('\n'),
            b't' => out.push('\t'),
            b'r' => out.push('\r'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'/' => out.push('/'),
            b'\\' => out.push('\\'),
            b'"' => out.push('"'),
            b'u' => {
                let (ch, used) = decode_u(&b[i..]);
                out.push(ch);
                i += used;
            }
            _ => {
                out.push('\u{FFFD}');
                // `c` may start a multi-byte character: resume at the next
                // character boundary.
                i -= 1;
                while i < b.len() && !s.is_char_boundary(i) {
                    i += 1;
                }
            }
        }
        plain_from = i;
    }
    if plain_from < b.len() {
        out.push_str(&s[plain_from..]);
    }
}

fn hex4(b: &[u8]) -> Option<u32> {
    if b.len() < 4 {
        return None;
    }
    let mut n = 0u32;
    for &c in &b[..4] {
        n = n * 16 + (c as char).to_digit(16)?;
    }
    Some(n)
}

/// Decodes the four hex digits after `\u` (and a low surrogate after them
/// when the first is a high one): the character and the bytes used.
fn decode_u(b: &[u8]) -> (char, usize) {
    let Some(hi) = hex4(b) else {
        return ('\u{FFFD}', 0);
    };
    if (0xD800..0xDC00).contains(&hi) {
        if b.len() >= 10 && b[4] == b'\\' && b[5] == b'u' {
            if let Some(lo) = hex4(&b[6..]) {
                if (0xDC00..0xE000).contains(&lo) {
                    let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                    return (char::from_u32(c).unwrap_or('\u{FFFD}'), 10);
                }
            }
        }
        return ('\u{FFFD}', 4);
    }
    (char::from_u32(hi).unwrap_or('\u{FFFD}'), 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(s: &str) -> Result<Vec<(String, String)>, Malformed> {
        let mut out = Vec::new();
        walk_object(s.as_bytes(), |k, v| {
            let val = match v {
                Value::Str { start, end, .. } => format!("s:{}", &s[start..end]),
                Value::Scalar { start, end } => format!("n:{}", &s[start..end]),
                Value::Null => "null".into(),
                Value::Object { start, end } => format!("o:{}", &s[start..end]),
                Value::Array => "array".into(),
            };
            out.push((s[k.start..k.end].to_string(), val));
        })?;
        Ok(out)
    }

    #[test]
    fn walks_top_level_members() {
        let got = members(
            r#" {"a":"x","b" : 12.5e3, "c":{"d":[1,{"e":"}"}]},"f":[],"g":null,"h":true,"i":"q\"\\"} "#,
        )
        .expect("valid");
        let keys: Vec<_> = got.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["a", "b", "c", "f", "g", "h", "i"]);
        assert_eq!(got[1].1, "n:12.5e3");
        assert_eq!(got[2].1, r#"o:{"d":[1,{"e":"}"}]}"#);
        assert_eq!(got[3].1, "array");
        assert_eq!(got[4].1, "null");
        assert_eq!(got[5].1, "n:true");
        assert_eq!(got[6].1, r#"s:q\"\\"#);
    }

    #[test]
    fn empty_object() {
        assert_eq!(members("{}").expect("valid"), vec![]);
        assert_eq!(members("{ }").expect("valid"), vec![]);
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "{",
            "[1]",
            r#"{"a"}"#,
            r#"{"a":}"#,
            r#"{"a":"x""#,
            r#"{"a":"x",}"#,
            r#"{"a":"x"} trailing"#,
            r#"{"a":{"b":1}"#,
            r#"{"a":[1,2}"#,
            r#"{"a":{"b":[}]}"#,
            r#"{"a":"x\"}"#,
            r#"{"a":"x\"#,
            r#"{a:1}"#,
            r#"{"a" 1}"#,
            r#"{"a":1 "b":2}"#,
        ] {
            assert_eq!(members(bad), Err(Malformed), "{bad}");
        }
    }

    #[test]
    fn strings_of_every_length() {
        for n in 0..80 {
            let plain = "x".repeat(n);
            let escaped = format!(r#"{}\"{}"#, "x".repeat(n / 2), "y".repeat(n - n / 2));
            for body in [plain, escaped] {
                let line = format!(r#"{{"k":"{body}","z":1}}"#);
                let got = members(&line).expect("valid");
                assert_eq!(got[0].1, format!("s:{body}"), "{line}");
                assert_eq!(got[1].1, "n:1");
            }
        }
    }

    #[test]
    fn deep_nesting_is_skipped_by_depth() {
        let deep = format!(r#"{{"a":{}{}}}"#, "[".repeat(100), "]".repeat(100));
        assert_eq!(members(&deep).expect("valid").len(), 1);
        let unbalanced = format!(r#"{{"a":{}{}}}"#, "[".repeat(100), "]".repeat(99));
        assert!(members(&unbalanced).is_err());
    }

    #[test]
    fn unescapes() {
        let mut out = String::new();
        for (raw, want) in [
            (r#"plain"#, "plain"),
            (r#"a\nb\tc\"d\\e\/f"#, "a\nb\tc\"d\\e/f"),
            (r#"\u00e9t\u00E9"#, "été"),
            (r#"\ud83d\ude00!"#, "😀!"),
            (r#"\ud83d alone"#, "\u{FFFD} alone"),
            (r#"\x"#, "\u{FFFD}x"),
            (r#"\u12"#, "\u{FFFD}12"),
            (r#"end\"#, "end\u{FFFD}"),
            ("\\é", "\u{FFFD}é"),
        ] {
            unescape_into(raw, &mut out);
            assert_eq!(out, want, "{raw}");
        }
    }
}
