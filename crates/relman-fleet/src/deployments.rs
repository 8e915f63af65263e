//! Deployments: records/deployments.csv and records/deployments.jsonl.
//!
//! Both hold the same events, one per line: a service deployed to an
//! environment by a person at a time (C-3, and the first production
//! deployment that D-1, D-2 and S-1 reviews must precede). The CSV has the
//! columns `service,environment,deployer,at`; the JSON-lines form has one
//! object per line with the same four keys (other keys, such as a commit or
//! a pipeline URL that a deployment tool adds, are ignored). The two are
//! merged, CSV first.
//!
//! A deployment dated after the fleet's `now` (relman.yaml) is a problem
//! and is skipped. Without `now` in relman.yaml the date is left to the
//! checks, which count only deployments up to the audit's date.

use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use relman_core::fleet::Deployment;
use relman_core::time;
use relman_core::yaml::Pos;
use serde_json::Value;

use crate::diag::{Diagnostic, did_you_mean};
use crate::{files, tables};

const JSONL: &str = "records/deployments.jsonl";

const KEYS: [&str; 4] = ["service", "environment", "deployer", "at"];

/// Every deployment of the fleet directory, CSV then JSON lines.
pub(crate) fn load(
    root: &Path,
    now: Option<NaiveDate>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Deployment> {
    let mut out = tables::deployments(root, now, diags);
    let path = root.join(JSONL);
    if path.is_file() {
        match files::read(root, &path) {
            Ok(text) => out.extend(parse_jsonl(&files::display(root, &path), &text, now, diags)),
            Err(d) => diags.push(d),
        }
    }
    out
}

/// The problem with a deployment dated after `now`, if it is.
pub(crate) fn future(
    file: &str,
    line: u32,
    col: u32,
    at: DateTime<Utc>,
    now: Option<NaiveDate>,
) -> Option<Diagnostic> {
    let now = now?;
    let day = at.date_naive();
    if day <= now {
        return None;
    }
    Some(Diagnostic {
        file: file.to_string(),
        pos: Some(Pos { line, col }),
        field: "at".into(),
        message: format!(
            "{} is in the future: {} days after the fleet's date {now} (relman.yaml: now)",
            at.format("%Y-%m-%dT%H:%M:%SZ"),
            (day - now).num_days()
        ),
    })
}

fn problem(file: &str, line: u32, col: u32, field: &str, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        file: file.to_string(),
        pos: Some(Pos { line, col }),
        field: field.to_string(),
        message: message.into(),
    }
}

/// The 1-based column where the value of `"key"` starts on `line`, or 1.
fn value_col(line: &str, key: &str) -> u32 {
    let quoted = format!("\"{key}\"");
    let mut from = 0;
    while let Some(i) = line[from..].find(&quoted) {
        let after = from + i + quoted.len();
        let rest = line[after..].trim_start();
        if let Some(value) = rest.strip_prefix(':') {
            let start = line.len() - value.trim_start().len();
            return line[..start].chars().count() as u32 + 1;
        }
        from = after;
    }
    1
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parse records/deployments.jsonl; blank lines are allowed.
pub(crate) fn parse_jsonl(
    file: &str,
    text: &str,
    now: Option<NaiveDate>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Deployment> {
    let mut out = Vec::new();
    for (n, raw) in (1u32..).zip(text.lines()) {
        let line = if n == 1 {
            raw.trim_start_matches('\u{feff}')
        } else {
            raw
        };
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                let text = e.to_string();
                let message = match text.rfind(" at line ") {
                    Some(i) => &text[..i],
                    None => &text,
                };
                diags.push(problem(
                    file,
                    n,
                    e.column().max(1) as u32,
                    "",
                    format!("invalid JSON: {message}"),
                ));
                continue;
            }
        };
        let Some(obj) = value.as_object() else {
            diags.push(problem(
                file,
                n,
                1,
                "",
                format!(
                    "expected a JSON object with {}, found {}",
                    KEYS.join(", "),
                    kind(&value)
                ),
            ));
            continue;
        };
        let others: Vec<&str> = obj
            .keys()
            .map(String::as_str)
            .filter(|k| !KEYS.contains(k))
            .collect();
        let fields = KEYS.map(|key| {
            let col = value_col(line, key);
            match obj.get(key) {
                None | Some(Value::Null) => {
                    let hint = match did_you_mean(key, &others) {
                        Some(k) => format!("; found \"{k}\", did you mean \"{key}\"?"),
                        None => String::new(),
                    };
                    diags.push(problem(
                        file,
                        n,
                        1,
                        key,
                        format!("missing required field{hint}"),
                    ));
                    None
                }
                Some(Value::String(s)) if s.trim().is_empty() => {
                    diags.push(problem(file, n, col, key, "must not be empty"));
                    None
                }
                Some(Value::String(s)) => Some(s.trim().to_string()),
                Some(v) => {
                    diags.push(problem(
                        file,
                        n,
                        col,
                        key,
                        format!("expected a string, found {}", kind(v)),
                    ));
                    None
                }
            }
        });
        let [
            Some(service),
            Some(environment),
            Some(deployer),
            Some(at_text),
        ] = fields
        else {
            continue;
        };
        let col = value_col(line, "at");
        let Some(at) = time::parse_timestamp(&at_text) else {
            diags.push(problem(
                file,
                n,
                col,
                "at",
                format!(
                    "invalid timestamp \"{at_text}\", expected ISO 8601 such as 2026-10-03T10:12:00Z"
                ),
            ));
            continue;
        };
        if let Some(d) = future(file, n, col, at, now) {
            diags.push(d);
            continue;
        }
        out.push(Deployment {
            service,
            environment,
            deployer,
            at,
            file: file.to_string(),
            line: n,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, now: Option<&str>) -> (Vec<Deployment>, String) {
        let mut diags = Vec::new();
        let now = now.and_then(time::parse_date);
        let out = parse_jsonl(JSONL, text, now, &mut diags);
        let msgs = diags
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
        (out, msgs)
    }

    #[test]
    fn good_lines_load_with_their_line_numbers() {
        let text = "{\"service\":\"orders\",\"environment\":\"dev\",\"deployer\":\"alice\",\"at\":\"2026-10-01T10:00:00Z\"}\n\n{\"service\": \"orders\", \"environment\": \"production\", \"deployer\": \"bob\", \"at\": \"2026-10-02T08:00:00+02:00\", \"commit\": \"4f2a9c1\"}\n";
        let (out, msgs) = parse(text, Some("2026-11-24"));
        assert_eq!(msgs, "");
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].deployer, "alice");
        assert_eq!(out[0].line, 1);
        assert_eq!(out[1].line, 3);
        assert_eq!(out[1].environment, "production");
        assert_eq!(
            out[1].at.to_rfc3339(),
            "2026-10-02T06:00:00+00:00",
            "offsets are converted to UTC"
        );
    }

    #[test]
    fn bad_lines_are_reported_and_skipped() {
        let text = [
            r#"{"service":"orders","environment":"dev","deployer":"alice","at":"2026-10-01T10:00:00Z"}"#,
            r#"{"service":"orders","environment":"dev","#,
            r#"["orders","dev","alice","2026-10-01"]"#,
            r#"{"service":"orders","environment":"staging","deployr":"bob","at":"2026-10-01T11:00:00Z"}"#,
            r#"{"service":"orders","environment":"","deployer":7,"at":"yesterday"}"#,
            r#"{"service":"orders","environment":"production","deployer":"carol","at":"2026-12-01T09:00:00Z"}"#,
        ]
        .join("\n");
        let (out, msgs) = parse(&text, Some("2026-11-24"));
        assert_eq!(out.len(), 1);
        assert_eq!(
            msgs,
            [
                "records/deployments.jsonl:2:40: invalid JSON: EOF while parsing a value",
                "records/deployments.jsonl:3:1: expected a JSON object with service, environment, deployer, at, found an array",
                "records/deployments.jsonl:4:1: deployer: missing required field; found \"deployr\", did you mean \"deployer\"?",
                "records/deployments.jsonl:5:35: environment: must not be empty",
                "records/deployments.jsonl:5:49: deployer: expected a string, found a number",
                "records/deployments.jsonl:6:72: at: 2026-12-01T09:00:00Z is in the future: 7 days after the fleet's date 2026-11-24 (relman.yaml: now)",
            ]
            .join("\n")
        );
    }

    #[test]
    fn an_invalid_timestamp_names_its_column() {
        let text =
            r#"{"service":"orders","environment":"dev","deployer":"alice","at":"yesterday"}"#;
        let (out, msgs) = parse(text, None);
        assert!(out.is_empty());
        assert_eq!(
            msgs,
            "records/deployments.jsonl:1:65: at: invalid timestamp \"yesterday\", expected ISO 8601 such as 2026-10-03T10:12:00Z"
        );
    }

    #[test]
    fn without_a_fleet_date_future_deployments_are_kept() {
        let text = r#"{"service":"orders","environment":"dev","deployer":"alice","at":"2099-01-01T00:00:00Z"}"#;
        let (out, msgs) = parse(text, None);
        assert_eq!((out.len(), msgs.as_str()), (1, ""));
    }

    #[test]
    fn value_columns() {
        assert_eq!(value_col(r#"{"at": "x"}"#, "at"), 8);
        assert_eq!(value_col(r#"{"x":"at","at":"y"}"#, "at"), 16);
        assert_eq!(value_col(r#"{"é":"à","at":"y"}"#, "at"), 15);
        assert_eq!(value_col("{}", "at"), 1);
    }
}
