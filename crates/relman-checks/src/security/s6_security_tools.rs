use std::collections::BTreeMap;

use relman_core::evidence::{SarifResult, SecurityReport};
use relman_core::{EvidenceRef, Severity};

use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// S-6: no high-severity findings from security tools remain.
pub struct SecurityToolFindings;

/// CVSS "high" starts here; SARIF's `security-severity` uses the same scale.
pub const HIGH_SECURITY_SEVERITY: f64 = 7.0;

static META: CheckMeta = CheckMeta {
    rule: "S-6",
    id: "security-tool-findings",
    severity: Severity::High,
    title: "Security tools report no high-severity findings",
    what: "Reads the SARIF reports named by `security_reports` (Trivy, Grype, Semgrep, CodeQL, Checkov, StackRox... any tool that writes SARIF 2.1.0). A result at level `error`, or with a `security-severity` of 7.0 or more (on the result or its rule), fails and is listed by rule id. Suppressed results and results of another kind than `fail` do not count. No report named is unverified; a report that cannot be read or parsed is an error.",
    why: "High-severity findings are the ones attackers use first; a report nobody acts on is only paperwork.",
    fix: "Fix or upgrade what each listed rule points at (e.g. the package version the advisory names) and re-run the tool; a finding that does not apply is suppressed in the tool with a justification, not ignored.",
};

fn is_high(r: &SarifResult) -> bool {
    r.level == "error"
        || r.security_severity
            .is_some_and(|s| s >= HIGH_SECURITY_SEVERITY)
}

/// `CVE-2023-45288 (7.5, go.mod:7)`, or `+2 more` counts for repeated rules.
fn list(high: &[&SarifResult]) -> String {
    let mut by_rule: BTreeMap<&str, Vec<&SarifResult>> = BTreeMap::new();
    for r in high {
        by_rule.entry(&r.rule_id).or_default().push(r);
    }
    let mut parts: Vec<String> = by_rule
        .iter()
        .map(|(id, rs)| {
            let first = rs[0];
            let mut bits = Vec::new();
            match first.security_severity {
                Some(s) => bits.push(format!("{s:.1}")),
                None => bits.push(first.level.clone()),
            }
            if let Some(l) = &first.location {
                bits.push(l.clone());
            }
            if rs.len() > 1 {
                bits.push(format!("{} results", rs.len()));
            }
            format!("{id} ({})", bits.join(", "))
        })
        .collect();
    const SHOWN: usize = 10;
    if parts.len() > SHOWN {
        let rest = parts.len() - SHOWN;
        parts.truncate(SHOWN);
        parts.push(format!("and {rest} more rules"));
    }
    parts.join("; ")
}

fn judge(report: &SecurityReport, out: &mut Findings) {
    let at = EvidenceRef::new("security-report", report.location.clone());
    let facts = match &report.read {
        Err(e) => {
            out.error(format!("{}: {e}", report.location)).at(at);
            return;
        }
        Ok(f) => f,
    };
    let tools = if facts.tools.is_empty() {
        "no tool".to_string()
    } else {
        facts.tools.join(", ")
    };
    let high: Vec<&SarifResult> = facts.results.iter().filter(|r| is_high(r)).collect();
    if high.is_empty() {
        out.pass(format!(
            "{} ({tools}): {} results, none high (level error or security-severity ≥ {HIGH_SECURITY_SEVERITY:.1})",
            report.location,
            facts.results.len()
        ))
        .at(at);
        return;
    }
    let rules: std::collections::BTreeSet<&str> = high.iter().map(|r| r.rule_id.as_str()).collect();
    out.fail(format!(
        "{} ({tools}): {} high-severity results from {} rules: {}",
        report.location,
        high.len(),
        rules.len(),
        list(&high)
    ))
    .at(at);
}

impl ServiceCheck for SecurityToolFindings {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let reports = &cx.evidence.security_reports;
        if reports.is_empty() {
            out.unverified(format!(
                "no security tool report is named ({})",
                cx.service.origin.field("security_reports")
            ))
            .at(cx.service.origin.at("descriptor", "security_reports"))
            .fix("run a security scanner on the service (Trivy, Grype, Semgrep...) with SARIF output, and name the file in `security_reports`");
            return;
        }
        for r in reports {
            judge(r, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::evidence::{SarifFacts, ServiceEvidence};

    use super::*;
    use crate::testing::*;

    fn result(rule: &str, level: &str, sev: Option<f64>) -> SarifResult {
        SarifResult {
            tool: "Trivy".into(),
            rule_id: rule.into(),
            level: level.into(),
            security_severity: sev,
            message: String::new(),
            location: Some("go.mod:7".into()),
        }
    }

    fn with(reports: Vec<SecurityReport>) -> String {
        let ev = ServiceEvidence {
            security_reports: reports,
            ..ServiceEvidence::default()
        };
        render(&run_service(&SecurityToolFindings, &service("a"), &ev))
    }

    fn report(results: Vec<SarifResult>) -> SecurityReport {
        SecurityReport {
            location: "reports/a.sarif".into(),
            read: Ok(SarifFacts {
                tools: vec!["Trivy".into()],
                results,
            }),
        }
    }

    #[test]
    fn verdicts() {
        assert_eq!(
            with(vec![]),
            "unverified: no security tool report is named (services/a.yaml: security_reports) [services/a.yaml]"
        );
        assert_eq!(
            with(vec![report(vec![
                result("CVE-1", "warning", Some(6.9)),
                result("CVE-2", "note", None)
            ])]),
            "pass: reports/a.sarif (Trivy): 2 results, none high (level error or security-severity ≥ 7.0) [reports/a.sarif]"
        );
        assert_eq!(
            with(vec![report(vec![
                result("CVE-1", "warning", Some(7.0)),
                result("CVE-1", "warning", Some(7.0)),
                result("G101", "error", None),
                result("CVE-3", "warning", Some(5.0)),
            ])]),
            "fail: reports/a.sarif (Trivy): 3 high-severity results from 2 rules: CVE-1 (7.0, go.mod:7, 2 results); G101 (error, go.mod:7) [reports/a.sarif]"
        );
        assert_eq!(
            with(vec![SecurityReport {
                location: "reports/b.sarif".into(),
                read: Err("invalid JSON at 1:2: expected value".into())
            }]),
            "error: reports/b.sarif: invalid JSON at 1:2: expected value [reports/b.sarif]"
        );
    }
}
