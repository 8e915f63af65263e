//! Reading validated values out of a spanned YAML tree.
//!
//! Every accessor reports its problem (with file, line, column, field path,
//! the bad value and what was expected) and returns `None`, so a file's
//! problems are all collected in one pass instead of stopping at the first.

use chrono::{DateTime, NaiveDate, Utc};
use relman_core::fleet::Origin;
use relman_core::time;
use relman_core::yaml::{Node, Pos};

use crate::diag::{Diagnostic, did_you_mean};

/// The reading state of one file.
pub(crate) struct Ctx {
    pub file: String,
    pub diags: Vec<Diagnostic>,
    pub origin: Origin,
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Shorten a value for a message.
pub(crate) fn shown(node: &Node) -> String {
    match node.as_scalar() {
        Some(s) if s.chars().count() > 60 => {
            format!("\"{}…\"", s.chars().take(57).collect::<String>())
        }
        Some(s) => format!("\"{s}\""),
        None => node.kind().to_string(),
    }
}

impl Ctx {
    pub fn new(file: impl Into<String>) -> Ctx {
        let file = file.into();
        Ctx {
            origin: Origin::new(file.clone()),
            file,
            diags: Vec::new(),
        }
    }

    pub fn error(&mut self, pos: Option<Pos>, field: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: self.file.clone(),
            pos,
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// Check that `node` is a mapping with only `allowed` keys; remember
    /// where each field is.
    pub fn object<'n>(&mut self, node: &'n Node, path: &str, allowed: &[&str]) -> Option<&'n Node> {
        let Some(entries) = node.as_map() else {
            self.error(
                Some(node.pos),
                path,
                format!("expected a mapping, found {}", node.kind()),
            );
            return None;
        };
        for (k, v) in entries {
            let Some(key) = k.as_scalar() else {
                self.error(Some(k.pos), path, "keys must be plain strings");
                continue;
            };
            let field = join(path, key);
            if !allowed.contains(&key) {
                let hint = match did_you_mean(key, allowed) {
                    Some(s) => format!(", did you mean \"{s}\"?"),
                    None => format!(", expected one of: {}", allowed.join(", ")),
                };
                self.error(Some(k.pos), &field, format!("unknown field{hint}"));
            }
            self.origin.fields.insert(field, v.pos);
        }
        Some(node)
    }

    /// A field's value; `None` when absent or null.
    pub fn get<'n>(&mut self, map: &'n Node, key: &str) -> Option<&'n Node> {
        map.get(key).filter(|v| !v.is_null())
    }

    /// A required field's value; reports it missing.
    pub fn req<'n>(&mut self, map: &'n Node, path: &str, key: &str) -> Option<&'n Node> {
        let v = self.get(map, key);
        if v.is_none() {
            self.error(Some(map.pos), &join(path, key), "missing required field");
        }
        v
    }

    pub fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        match node.as_scalar() {
            Some(s) => Some(s.to_string()),
            None => {
                self.error(
                    Some(node.pos),
                    path,
                    format!("expected a string, found {}", node.kind()),
                );
                None
            }
        }
    }

    /// A non-empty string.
    pub fn text(&mut self, node: &Node, path: &str) -> Option<String> {
        let s = self.string(node, path)?;
        if s.trim().is_empty() {
            self.error(Some(node.pos), path, "must not be empty");
            return None;
        }
        Some(s)
    }

    /// One of a fixed set of values; returns its index.
    pub fn choice(&mut self, node: &Node, path: &str, values: &[&str]) -> Option<usize> {
        let s = node.as_scalar();
        if let Some(i) = s.and_then(|s| values.iter().position(|v| *v == s)) {
            return Some(i);
        }
        let expected = match values {
            [a, b] => format!("{a} or {b}"),
            _ => format!("one of {}", values.join(", ")),
        };
        self.error(
            Some(node.pos),
            path,
            format!("unknown value {}, expected {expected}", shown(node)),
        );
        None
    }

    pub fn date(&mut self, node: &Node, path: &str) -> Option<NaiveDate> {
        let d = node.as_scalar().and_then(time::parse_date);
        if d.is_none() {
            self.error(
                Some(node.pos),
                path,
                format!("invalid date {}, expected YYYY-MM-DD", shown(node)),
            );
        }
        d
    }

    pub fn timestamp(&mut self, node: &Node, path: &str) -> Option<DateTime<Utc>> {
        let t = node.as_scalar().and_then(time::parse_timestamp);
        if t.is_none() {
            self.error(
                Some(node.pos),
                path,
                format!(
                    "invalid timestamp {}, expected ISO 8601 such as 2026-10-03T10:12:00Z",
                    shown(node)
                ),
            );
        }
        t
    }

    pub fn number(&mut self, node: &Node, path: &str, lo: f64, hi: f64) -> Option<f64> {
        match node.as_f64() {
            Some(v) if (lo..=hi).contains(&v) => Some(v),
            Some(_) => {
                self.error(
                    Some(node.pos),
                    path,
                    format!("{} is out of range, expected {lo} to {hi}", shown(node)),
                );
                None
            }
            None => {
                self.error(
                    Some(node.pos),
                    path,
                    format!("expected a number, found {}", shown(node)),
                );
                None
            }
        }
    }

    pub fn count(&mut self, node: &Node, path: &str) -> Option<u64> {
        let v = node.as_u64();
        if v.is_none() {
            self.error(
                Some(node.pos),
                path,
                format!("expected a whole number, found {}", shown(node)),
            );
        }
        v
    }

    pub fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        let v = node.as_bool();
        if v.is_none() {
            self.error(
                Some(node.pos),
                path,
                format!("expected true or false, found {}", shown(node)),
            );
        }
        v
    }

    pub fn duration(&mut self, node: &Node, path: &str) -> Option<(String, u64)> {
        let s = node.as_scalar()?;
        match time::parse_duration(s) {
            Some(secs) if secs > 0 => Some((s.to_string(), secs)),
            _ => {
                self.error(
                    Some(node.pos),
                    path,
                    format!(
                        "invalid duration {}, expected a Prometheus duration such as 30d or 4w",
                        shown(node)
                    ),
                );
                None
            }
        }
    }

    /// A list; a single scalar is taken as a list of one.
    pub fn list<'n>(&mut self, node: &'n Node, path: &str) -> Vec<&'n Node> {
        match node.as_seq() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.origin.fields.insert(format!("{path}[{i}]"), item.pos);
                }
                items.iter().collect()
            }
            None if node.as_scalar().is_some() => vec![node],
            None => {
                self.error(
                    Some(node.pos),
                    path,
                    format!("expected a list, found {}", node.kind()),
                );
                Vec::new()
            }
        }
    }

    /// A list of strings.
    pub fn strings(&mut self, node: &Node, path: &str) -> Vec<String> {
        self.list(node, path)
            .into_iter()
            .enumerate()
            .filter_map(|(i, n)| self.text(n, &format!("{path}[{i}]")))
            .collect()
    }
}
