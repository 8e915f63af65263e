//! SARIF 2.1.0 reports from security tools (S-6): Trivy, Semgrep, CodeQL,
//! Grype, Checkov and StackRox all write it.
//!
//! Only what S-6 judges is kept: each result's rule, level and
//! `security-severity`, with its first location. A result's level falls
//! back to its rule's `defaultConfiguration.level`, then to SARIF's default
//! `warning`; results of another `kind` than `fail`, and suppressed results,
//! are not findings and are dropped.

use relman_core::evidence::{SarifFacts, SarifResult, SecurityReport};
use relman_core::fleet::Service;
use serde_json::Value;

use crate::Limits;

/// A SARIF file larger than this is refused rather than held in memory.
const MAX_SARIF_BYTES: u64 = 64 * 1024 * 1024;

pub(crate) async fn collect(service: &Service, limits: &Limits) -> Vec<SecurityReport> {
    let mut out = Vec::new();
    for report in &service.security_reports {
        let path = report.resolved.clone();
        let work = tokio::task::spawn_blocking(move || {
            crate::read_text(&path, MAX_SARIF_BYTES).and_then(|t| parse(&t))
        });
        let read = match tokio::time::timeout(limits.timeout, work).await {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => Err(format!("reading failed: {e}")),
            Err(_) => Err(format!("timed out after {:?}", limits.timeout)),
        };
        out.push(SecurityReport {
            location: report.display.clone(),
            read,
        });
    }
    out
}

/// A number that SARIF producers write as a string (`"7.5"`) or a number.
fn severity_of(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for key in path {
        cur = cur.get(key)?;
    }
    cur.as_str()
}

/// `invalid JSON at 3:14: expected `,` or `]``: serde_json's message
/// without its own ` at line 3 column 14` suffix.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let msg = msg.rfind(" at line ").map_or(msg.as_str(), |i| &msg[..i]);
    format!("invalid JSON at {}:{}: {msg}", e.line(), e.column())
}

/// Parse a SARIF log.
pub fn parse(input: &str) -> Result<SarifFacts, String> {
    let doc: Value = serde_json::from_str(input).map_err(|e| json_error(&e))?;
    let runs = doc
        .get("runs")
        .and_then(Value::as_array)
        .ok_or("not a SARIF log: no `runs` array")?;
    let mut facts = SarifFacts::default();
    for (i, run) in runs.iter().enumerate() {
        let tool = text(run, &["tool", "driver", "name"])
            .ok_or_else(|| format!("runs[{i}]: no tool.driver.name"))?
            .to_string();
        let rules: Vec<&Value> = run
            .pointer("/tool/driver/rules")
            .and_then(Value::as_array)
            .map(|r| r.iter().collect())
            .unwrap_or_default();
        let rule_by_id = |id: &str| rules.iter().copied().find(|r| text(r, &["id"]) == Some(id));
        if !facts.tools.contains(&tool) {
            facts.tools.push(tool.clone());
        }
        let results = match run.get("results") {
            None | Some(Value::Null) => continue,
            Some(Value::Array(a)) => a,
            Some(_) => return Err(format!("runs[{i}].results is not an array")),
        };
        for (j, r) in results.iter().enumerate() {
            if text(r, &["kind"]).is_some_and(|k| k != "fail") {
                continue;
            }
            if r.get("suppressions")
                .and_then(Value::as_array)
                .is_some_and(|s| {
                    s.iter()
                        .any(|s| matches!(text(s, &["status"]), None | Some("accepted")))
                })
            {
                continue;
            }
            // ruleIndex points into the rules array when ruleId is absent.
            let by_index = r
                .get("ruleIndex")
                .and_then(Value::as_u64)
                .and_then(|k| rules.get(k as usize).copied());
            let rule_id = text(r, &["ruleId"])
                .or_else(|| text(r, &["rule", "id"]))
                .or_else(|| by_index.and_then(|x| text(x, &["id"])))
                .ok_or_else(|| format!("runs[{i}].results[{j}]: no ruleId"))?
                .to_string();
            let rule = rule_by_id(&rule_id).or(by_index);
            let level = text(r, &["level"])
                .or_else(|| rule.and_then(|x| text(x, &["defaultConfiguration", "level"])))
                .unwrap_or("warning")
                .to_string();
            let security_severity = severity_of(r.pointer("/properties/security-severity"))
                .or_else(|| {
                    rule.and_then(|x| severity_of(x.pointer("/properties/security-severity")))
                });
            let message = text(r, &["message", "text"])
                .unwrap_or_default()
                .lines()
                .next()
                .unwrap_or_default()
                .to_string();
            let location = r.pointer("/locations/0/physicalLocation").and_then(|p| {
                let uri = text(p, &["artifactLocation", "uri"])?;
                Some(
                    match p.pointer("/region/startLine").and_then(Value::as_u64) {
                        Some(line) => format!("{uri}:{line}"),
                        None => uri.to_string(),
                    },
                )
            });
            facts.results.push(SarifResult {
                tool: tool.clone(),
                rule_id,
                level,
                security_severity,
                message,
                location,
            });
        }
    }
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_fall_back_to_the_rule_then_warning() {
        let facts = parse(
            r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Trivy","rules":[
                {"id":"CVE-1","defaultConfiguration":{"level":"error"},"properties":{"security-severity":"7.5"}},
                {"id":"CVE-2","properties":{"security-severity":3.1}}]}},
              "results":[
                {"ruleId":"CVE-1","message":{"text":"pkg a\nmore"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"go.mod"},"region":{"startLine":7}}}]},
                {"ruleIndex":1,"message":{"text":"pkg b"}},
                {"ruleId":"CVE-3","level":"note","properties":{"security-severity":"9.8"}},
                {"ruleId":"CVE-4","kind":"pass"},
                {"ruleId":"CVE-5","suppressions":[{"kind":"inSource"}]}
              ]}]}"#,
        )
        .expect("valid");
        assert_eq!(facts.tools, ["Trivy"]);
        let got: Vec<String> = facts
            .results
            .iter()
            .map(|r| {
                format!(
                    "{} {} {:?} {} {:?}",
                    r.rule_id, r.level, r.security_severity, r.message, r.location
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "CVE-1 error Some(7.5) pkg a Some(\"go.mod:7\")",
                "CVE-2 warning Some(3.1) pkg b None",
                "CVE-3 note Some(9.8)  None",
            ]
        );
    }

    #[test]
    fn bad_input_says_where() {
        assert_eq!(
            parse("{\"runs\": [").expect_err("truncated"),
            "invalid JSON at 1:10: EOF while parsing a list"
        );
        assert_eq!(
            parse("{}").expect_err("no runs"),
            "not a SARIF log: no `runs` array"
        );
        assert!(
            parse(r#"{"runs":[{"tool":{"driver":{"name":"x"}},"results":[{"level":"error"}]}]}"#)
                .expect_err("no rule")
                .contains("results[0]: no ruleId")
        );
    }
}
