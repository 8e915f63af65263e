//! logfmt: `key=value key2="quoted value"`. A line is logfmt when it is
//! made only of such pairs, at least two of them, every key an identifier
//! (a letter, `_` or `@`, then letters, digits, `_`, `.`, `-`).

/// A pair's value, as byte offsets into the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LogfmtValue {
    pub start: usize,
    pub end: usize,
    /// A quoted value holding a backslash escape.
    pub escaped: bool,
}

/// Calls `visit(key_start, key_end, value)` for every pair of a logfmt
/// line and returns the number of pairs; `None` when the line is not
/// logfmt (then some pairs may already have been visited).
pub(crate) fn walk_pairs(
    b: &[u8],
    mut visit: impl FnMut(usize, usize, LogfmtValue),
) -> Option<usize> {
    let mut i = 0;
    let mut pairs = 0;
    loop {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let ks = i;
        if !(b[i].is_ascii_alphabetic() || b[i] == b'_' || b[i] == b'@') {
            return None;
        }
        i += 1;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'.' | b'-')) {
            i += 1;
        }
        let ke = i;
        if b.get(i) != Some(&b'=') {
            return None;
        }
        i += 1;
        let value = if b.get(i) == Some(&b'"') {
            let start = i + 1;
            let mut j = start;
            let mut escaped = false;
            loop {
                match b.get(j) {
                    None => return None,
                    Some(b'\\') => {
                        escaped = true;
                        j += 2;
                    }
                    Some(b'"') => break,
                    Some(_) => j += 1,
                }
            }
            i = j + 1;
            LogfmtValue {
                start,
                end: j,
                escaped,
            }
        } else {
            let start = i;
            while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
                if b[i] == b'"' {
                    return None;
                }
                i += 1;
            }
            LogfmtValue {
                start,
                end: i,
                escaped: false,
            }
        };
        if i < b.len() && b[i] != b' ' && b[i] != b'\t' {
            return None;
        }
        visit(ks, ke, value);
        pairs += 1;
    }
    (pairs >= 2).then_some(pairs)
}

/// Decodes a quoted logfmt value's escapes (`\"`, `\\`, `\n`, `\t`, `\r`)
/// into `out`; other escapes are kept as written.
pub(crate) fn unescape_into(s: &str, out: &mut String) {
    out.clear();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('"') => out.push('"'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &str) -> Option<Vec<(&str, &str)>> {
        let mut out = Vec::new();
        walk_pairs(s.as_bytes(), |ks, ke, v| {
            out.push((&s[ks..ke], &s[v.start..v.end]))
        })?;
        Some(out)
    }

    #[test]
    fn prometheus_line() {
        let line = r#"ts=2026-11-24T10:00:00.000Z caller=main.go:585 level=info msg="Starting Prometheus Server" mode=server version="(version=2.42.0, branch=, revision=)""#;
        let got = pairs(line).expect("logfmt");
        assert_eq!(
            got,
            vec![
                ("ts", "2026-11-24T10:00:00.000Z"),
                ("caller", "main.go:585"),
                ("level", "info"),
                ("msg", "Starting Prometheus Server"),
                ("mode", "server"),
                ("version", "(version=2.42.0, branch=, revision=)"),
            ]
        );
    }

    #[test]
    fn empty_and_escaped_values() {
        let got = pairs(r#"a= b="x \"y\" z" c="""#).expect("logfmt");
        assert_eq!(got, vec![("a", ""), ("b", r#"x \"y\" z"#), ("c", "")]);
    }

    #[test]
    fn not_logfmt() {
        for line in [
            "",
            "level=info",
            "Starting server port=80 host=x",
            "2026-10-03T10:12:00Z level=info msg=hi",
            "a=1 b",
            r#"a=1 b="unterminated"#,
            r#"a="x"y b=1"#,
            "a=1 =2",
            "a=1 9b=2",
            r#"a=x"y b=2"#,
        ] {
            assert_eq!(pairs(line), None, "{line}");
        }
    }

    #[test]
    fn unescape() {
        let mut out = String::new();
        unescape_into(r#"say \"hi\"\n\\ \q"#, &mut out);
        assert_eq!(out, "say \"hi\"\n\\ \\q");
    }
}
