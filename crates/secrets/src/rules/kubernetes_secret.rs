use std::ops::Range;

use crate::base64;
use crate::filter;
use crate::rule::{Class, Rule, ex_at};

/// The values under `data:` and `stringData:` of a Kubernetes `kind:
/// Secret` manifest (YAML): base64 is an encoding, not encryption. Each
/// non-empty value is a finding; Helm expressions and placeholders are
/// not, and neither are `data:` values whose decoded text is one.
pub static RULE: Rule = Rule {
    id: "kubernetes-secret",
    description: "Kubernetes Secret value",
    keywords: &["Secret"],
    case_sensitive: true,
    regex: r#"^kind:[ \t]*["']?Secret["']?[ \t]*(?:#.*)?\r?$"#,
    secret_group: &[0],
    class: Class::Format,
    expand: Some(values),
    examples: &[
        ex_at(
            "k8s/db-secret.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: SW9BTHRMaW54TjFFa2lhN1pwVGo=\n",
        ),
        ex_at(
            "k8s/api.yaml",
            "---\napiVersion: v1\nkind: ConfigMap\ndata:\n  mode: fast\n---\napiVersion: v1\nstringData:\n  token: |\n    8d2f0a1b9c3e77aa\nkind: Secret\n",
        ),
    ],
    counter_examples: &[
        ex_at(
            "k8s/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  LOG_LEVEL: info\n  cert: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n",
        ),
        ex_at(
            "chart/templates/secret.yaml",
            "kind: Secret\ndata:\n  password: {{ .Values.db.password | b64enc | quote }}\nstringData:\n  url: \"\"\n",
        ),
        ex_at(
            "k8s/s.yaml",
            "kind: Secret\ndata:\n  password: cGFzc3dvcmQ=\n  user: Y2hhbmdlbWU=\n",
        ),
    ],
    ..Rule::BASE
};

/// The values of the `data:` and `stringData:` maps in the YAML document
/// around `at` (documents split on `---`).
fn values(buf: &[u8], at: Range<usize>, out: &mut Vec<Range<usize>>) -> usize {
    let doc = document(buf, at.start);
    let end = doc.end;
    let mut section: Option<bool> = None; // Some(is_base64)
    let mut child_indent: Option<usize> = None;
    let mut lines = Lines {
        buf,
        pos: doc.start,
        end: doc.end,
    }
    .peekable();
    while let Some(line) = lines.next() {
        let text = &buf[line.clone()];
        let indent = text.iter().take_while(|&&b| b == b' ').count();
        let body = text[indent..].trim_ascii_end();
        if body.is_empty() || body.starts_with(b"#") {
            continue;
        }
        if indent == 0 {
            section = if body == b"data:" {
                Some(true)
            } else if body == b"stringData:" {
                Some(false)
            } else {
                None
            };
            child_indent = None;
            continue;
        }
        let Some(is_base64) = section else { continue };
        if *child_indent.get_or_insert(indent) != indent {
            continue;
        }
        let Some(colon) = memchr::memchr(b':', body) else {
            continue;
        };
        let value = body[colon + 1..].trim_ascii();
        let value_start = line.start
            + indent
            + colon
            + 1
            + (body[colon + 1..].len() - body[colon + 1..].trim_ascii_start().len());
        if value.starts_with(b"|") || value.starts_with(b">") {
            // A block scalar: the more-indented lines below.
            let mut block: Option<Range<usize>> = None;
            while let Some(next) = lines.peek() {
                let t = &buf[next.clone()];
                let ind = t.iter().take_while(|&&b| b == b' ').count();
                if !t.trim_ascii().is_empty() && ind <= indent {
                    break;
                }
                if !t.trim_ascii().is_empty() {
                    let r = next.start + ind..next.start + t.trim_ascii_end().len();
                    block = Some(block.map_or(r.clone(), |b| b.start..r.end));
                }
                lines.next();
            }
            if let Some(b) = block {
                out.push(b);
            }
            continue;
        }
        let unquoted = value
            .strip_prefix(b"\"")
            .and_then(|v| v.strip_suffix(b"\""))
            .or_else(|| value.strip_prefix(b"'").and_then(|v| v.strip_suffix(b"'")))
            .unwrap_or(value);
        if unquoted.is_empty() || unquoted == b"{}" {
            continue;
        }
        if is_base64
            && let Some(decoded) = base64::decode(unquoted)
            && (filter::not_a_secret(decoded.trim_ascii())
                || filter::common_word(decoded.trim_ascii()))
        {
            continue;
        }
        if filter::common_word(unquoted) {
            continue;
        }
        out.push(value_start..value_start + value.len());
    }
    end
}

/// The YAML document holding offset `at`: from the `---` line before it
/// (or the start) to the next `---` or `...` line (or the end).
fn document(buf: &[u8], at: usize) -> Range<usize> {
    let separator = |line: &[u8]| {
        let t = line.trim_ascii_end();
        t.starts_with(b"---") || t == b"..."
    };
    // Backwards, line by line, to the separator above.
    let mut start = 0;
    let mut end_of_prev = memchr::memrchr(b'\n', &buf[..at]);
    while let Some(nl) = end_of_prev {
        let line_start = memchr::memrchr(b'\n', &buf[..nl]).map_or(0, |i| i + 1);
        if separator(&buf[line_start..nl]) {
            start = nl + 1;
            break;
        }
        end_of_prev = line_start.checked_sub(1);
    }
    let end = (Lines {
        buf,
        pos: at,
        end: buf.len(),
    })
    .find(|l| l.start > at && separator(&buf[l.clone()]))
    .map_or(buf.len(), |l| l.start);
    start..end
}

/// The lines of `buf[pos..end]`, without their `\n`.
struct Lines<'a> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
}

impl Iterator for Lines<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.pos >= self.end {
            return None;
        }
        let start = self.pos;
        let stop =
            memchr::memchr(b'\n', &self.buf[start..self.end]).map_or(self.end, |i| start + i);
        self.pos = stop + 1;
        Some(start..stop)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn every_value_is_reported_at_its_line() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  user: YXBw\n  password: SW9BTHRMaW54TjFFa2lhN1pwVGo=\nstringData:\n  api-token: \"Zq9xT4mW2pL7\"\n---\nkind: ConfigMap\ndata:\n  other: SW9BTHRMaW54TjFFa2lhN1pwVGo=\n";
        let found = crate::test_scanner().scan("secret.yaml", text.as_bytes());
        let at: Vec<_> = found.iter().map(|m| (m.rule, m.line, m.column)).collect();
        assert_eq!(
            at,
            [
                ("kubernetes-secret", 6, 9),
                ("kubernetes-secret", 7, 13),
                ("kubernetes-secret", 9, 15),
            ]
        );
    }
}
