//! The JSON report: the `relman.report/v1` contract, as the core types
//! serialize it. Nothing is added or reshaped here, so the contract lives in
//! one place (`relman_core::report`).

use relman_core::report::Report;

pub(crate) fn render(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(report)
        .expect("a report has string keys and plain values, so it always serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn same_report_same_bytes() {
        let a = render(&testing::report());
        let b = render(&testing::report());
        assert_eq!(a, b);
        assert!(a.ends_with("}\n"));
    }

    #[test]
    fn follows_the_contract() {
        let v: serde_json::Value =
            serde_json::from_str(&render(&testing::report())).expect("valid JSON");
        assert_eq!(v["schema"], "relman.report/v1");
        assert_eq!(v["fleet"], "acme-cloud");
        assert_eq!(v["services"][1]["name"], "playbooks");
        let o5 = &v["services"][1]["rules"][3];
        assert_eq!(o5["rule"], "O-5");
        assert_eq!(o5["status"], "fail");
        assert_eq!(o5["findings"][0]["evidence"][0]["line"], 12);
        assert_eq!(v["teams"][0]["okrs"][0]["actual"], 0.333);
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&testing::report()));
    }
}
