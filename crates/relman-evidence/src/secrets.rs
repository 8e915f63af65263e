//! Secrets committed to a repo (S-3): the scan by `relman-secrets`, and the
//! repo's baseline of secrets that are known and accepted for a while.
//!
//! A baseline entry is keyed by detection rule, path and the secret's hash,
//! never by line number, so it survives edits around the secret; each entry
//! says why it is accepted and until when.
//!
//! ```yaml
//! apiVersion: relman/v1
//! kind: SecretsBaseline
//! secrets:
//!   - rule: aws-access-key-id
//!     path: tests/fixtures/creds.env
//!     hash: sha256:3f5a0c9d1e2b4a67
//!     reason: a revoked key the parser tests need
//!     expires: 2027-03-01
//! ```

use std::path::Path;

use chrono::NaiveDate;
use relman_core::secrets::{BaselineCover, SecretFacts, SecretFound};
use relman_core::yaml::{Node, parse_document};

/// Where a repo keeps its baseline unless the descriptor says otherwise.
pub const DEFAULT_BASELINE: &str = ".relman-baseline.yaml";

const MAX_BASELINE_BYTES: u64 = 4 * 1024 * 1024;

/// One accepted secret.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineEntry {
    pub rule: String,
    pub path: String,
    pub hash: String,
    pub reason: String,
    pub expires: NaiveDate,
    /// `file:line` of the entry, for messages.
    pub at: String,
}

/// A parsed baseline, with every problem found in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Baseline {
    pub entries: Vec<BaselineEntry>,
    pub problems: Vec<String>,
}

/// Parse a baseline file's text; `shown` names it in messages.
pub fn parse_baseline(text: &str, shown: &str) -> Baseline {
    let mut out = Baseline::default();
    let doc = match parse_document(text) {
        Ok(Some(doc)) => doc,
        Ok(None) => return out,
        Err(e) => {
            out.problems.push(format!(
                "{shown}:{}:{}: invalid YAML: {}",
                e.pos.line, e.pos.col, e.message
            ));
            return out;
        }
    };
    let problem = |out: &mut Baseline, n: &Node, msg: String| {
        out.problems
            .push(format!("{shown}:{}:{}: {msg}", n.pos.line, n.pos.col));
    };
    if let Some(kind) = doc.get("kind") {
        if kind.as_scalar() != Some("SecretsBaseline") {
            problem(&mut out, kind, "kind: expected `SecretsBaseline`".into());
        }
    }
    let Some(list) = doc.get("secrets") else {
        problem(
            &mut out,
            &doc,
            "secrets: missing (a list of entries)".into(),
        );
        return out;
    };
    let Some(items) = list.as_seq() else {
        if !list.is_null() {
            problem(&mut out, list, "secrets: expected a list".into());
        }
        return out;
    };
    for (i, item) in items.iter().enumerate() {
        if item.as_map().is_none() {
            problem(&mut out, item, format!("secrets[{i}]: expected a mapping"));
            continue;
        }
        let mut field = |key: &str| -> Option<String> {
            match item.get(key) {
                Some(v) => match v.as_scalar().map(str::trim) {
                    Some(s) if !s.is_empty() => Some(s.to_string()),
                    _ => {
                        problem(
                            &mut out,
                            v,
                            format!("secrets[{i}].{key}: expected a non-empty string"),
                        );
                        None
                    }
                },
                None => {
                    problem(&mut out, item, format!("secrets[{i}].{key}: missing"));
                    None
                }
            }
        };
        let (rule, path, hash, reason, expires) = (
            field("rule"),
            field("path"),
            field("hash"),
            field("reason"),
            field("expires"),
        );
        for (k, _) in item.as_map().unwrap_or_default() {
            let key = k.as_scalar().unwrap_or_default();
            if !["rule", "path", "hash", "reason", "expires"].contains(&key) {
                problem(&mut out, k, format!("secrets[{i}].{key}: unknown field"));
            }
        }
        let expires = match expires {
            Some(e) => match relman_core::time::parse_date(&e) {
                Some(d) => Some(d),
                None => {
                    let n = item.get("expires").unwrap_or(item);
                    problem(
                        &mut out,
                        n,
                        format!("secrets[{i}].expires: `{e}` is not a date (YYYY-MM-DD)"),
                    );
                    None
                }
            },
            None => None,
        };
        if let Some(h) = &hash {
            if !h.starts_with("sha256:") {
                let n = item.get("hash").unwrap_or(item);
                problem(
                    &mut out,
                    n,
                    format!(
                        "secrets[{i}].hash: expected `sha256:` and hex digits, as `relman scan` prints"
                    ),
                );
                continue;
            }
        }
        if let (Some(rule), Some(path), Some(hash), Some(reason), Some(expires)) =
            (rule, path, hash, reason, expires)
        {
            out.entries.push(BaselineEntry {
                rule,
                path: path.trim_start_matches("./").to_string(),
                hash,
                reason,
                expires,
                at: format!("{shown}:{}", item.pos.line),
            });
        }
    }
    out
}

/// Read a baseline file; a missing default baseline is not a problem.
pub fn read_baseline(path: &Path, shown: &str) -> Baseline {
    match crate::read_text(path, MAX_BASELINE_BYTES) {
        Ok(text) => parse_baseline(&text, shown),
        Err(e) => Baseline {
            entries: Vec::new(),
            problems: vec![format!("{shown}: {e}")],
        },
    }
}

/// Scan a repo for secrets and apply its baseline.
///
/// `location` prefixes paths in messages; `baseline` is the baseline file
/// relative to the repo (`None`: the default, when it exists).
pub fn scan_repo(root: &Path, location: &str, baseline: Option<&str>) -> SecretFacts {
    // Compiling the rules costs milliseconds: once per process, not per repo.
    static SCANNER: std::sync::OnceLock<relman_secrets::Scanner> = std::sync::OnceLock::new();
    let scanner = SCANNER.get_or_init(relman_secrets::Scanner::builtin);
    let tree = relman_secrets::scan_tree(root, scanner, &relman_secrets::TreeOptions::default());
    let join = |rel: &str| {
        if location.is_empty() || location == "." {
            rel.to_string()
        } else {
            format!("{location}/{rel}")
        }
    };
    let mut facts = SecretFacts {
        files_scanned: tree.files_scanned,
        bytes_scanned: tree.bytes_scanned,
        skipped: tree
            .skipped
            .iter()
            .map(|(p, why)| (join(p), why.clone()))
            .collect(),
        ..SecretFacts::default()
    };
    let (file, explicit) = match baseline {
        Some(b) => (b.to_string(), true),
        None => (DEFAULT_BASELINE.to_string(), false),
    };
    let path = root.join(&file);
    let base = if explicit || path.is_file() {
        facts.baseline = Some(join(&file));
        read_baseline(&path, &join(&file))
    } else {
        Baseline::default()
    };
    facts.baseline_problems = base.problems.clone();
    facts.found = tree
        .found
        .into_iter()
        .map(|f| {
            let m = f.found;
            let baselined = base
                .entries
                .iter()
                .find(|e| e.rule == m.rule && e.path == f.path && e.hash == m.hash)
                .map(|e| BaselineCover {
                    reason: e.reason.clone(),
                    expires: e.expires,
                    at: e.at.clone(),
                });
            SecretFound {
                kind: m.rule.to_string(),
                description: m.description.to_string(),
                file: join(&f.path),
                path: f.path,
                line: m.line,
                column: m.column,
                redacted: m.redacted,
                hash: m.hash,
                baselined,
            }
        })
        .collect();
    // Entries that match nothing are stale: say so, so they get removed.
    for e in &base.entries {
        let used = facts
            .found
            .iter()
            .any(|f| f.kind == e.rule && f.path == e.path && f.hash == e.hash);
        if !used {
            facts.stale_baseline.push(format!(
                "{}: {} in {} ({}) no longer matches a secret",
                e.at, e.rule, e.path, e.hash
            ));
        }
    }
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn baseline_entries_and_problems() {
        let b = parse_baseline(
            "apiVersion: relman/v1
kind: SecretsBaseline
secrets:
  - rule: aws-access-key-id
    path: ./tests/creds.env
    hash: sha256:00112233aabbccdd
    reason: revoked key for the parser tests
    expires: 2027-03-01
  - rule: github-token
    path: a.txt
    hash: 1234
    reason: ''
    expires: soon
    line: 4
",
            ".relman-baseline.yaml",
        );
        assert_eq!(b.entries.len(), 1);
        assert_eq!(b.entries[0].path, "tests/creds.env");
        assert_eq!(b.entries[0].at, ".relman-baseline.yaml:4");
        assert_eq!(
            b.problems,
            [
                ".relman-baseline.yaml:12:13: secrets[1].reason: expected a non-empty string",
                ".relman-baseline.yaml:14:5: secrets[1].line: unknown field",
                ".relman-baseline.yaml:13:14: secrets[1].expires: `soon` is not a date (YYYY-MM-DD)",
                ".relman-baseline.yaml:11:11: secrets[1].hash: expected `sha256:` and hex digits, as `relman scan` prints",
            ]
        );
        let broken = parse_baseline("secrets: [\n", "b.yaml");
        assert!(broken.problems[0].starts_with("b.yaml:"), "{broken:?}");
    }
}
