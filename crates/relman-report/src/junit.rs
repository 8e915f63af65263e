//! JUnit XML, for the test views of CI systems (GitLab, Jenkins, GitHub
//! test reporters).
//!
//! One `<testsuite>` for the fleet rules, named `fleet`, then one per
//! service; one `<testcase>` per rule. A rule fails the test case when it
//! fails and also when it is `unverified` (`type="unverified"`), so CI never
//! passes on missing evidence; `error` is an `<error>`; `warn` passes with
//! its findings in `<system-out>`; `waived` and `not_applicable` are
//! skipped, a waiver with its reason.
//!
//! Text from the fleet is escaped, and characters XML 1.0 cannot hold
//! (terminal escapes from a log line, say) are written out visibly, so the
//! document is always well-formed.

use std::fmt::Write as _;

use quick_xml::escape::escape;
use relman_core::Status;
use relman_core::finding::Finding;
use relman_core::report::{Report, RuleResult};

use crate::{count, needs_action};

pub(crate) fn render(report: &Report) -> String {
    let groups: Vec<(&str, &[RuleResult])> = std::iter::once(("fleet", &report.fleet_rules[..]))
        .chain(
            report
                .services
                .iter()
                .map(|s| (s.name.as_str(), &s.rules[..])),
        )
        .collect();

    let mut total = Counts::default();
    for (_, rules) in &groups {
        total.add(&Counts::of(rules));
    }

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"relman\" {}>", total.attrs());
    for (name, rules) in groups {
        suite(&mut out, name, rules);
    }
    out.push_str("</testsuites>\n");
    out
}

fn suite(out: &mut String, name: &str, rules: &[RuleResult]) {
    let counts = Counts::of(rules);
    let name = attr(name);
    if rules.is_empty() {
        let _ = writeln!(out, "  <testsuite name=\"{name}\" {}/>", counts.attrs());
        return;
    }
    let _ = writeln!(out, "  <testsuite name=\"{name}\" {}>", counts.attrs());
    for r in rules {
        let open = format!(
            "    <testcase classname=\"{name}\" name=\"{}\"",
            attr(&format!("{} {}", r.rule, r.title))
        );
        match r.status {
            Status::Pass => {
                let _ = writeln!(out, "{open}/>");
            }
            Status::Fail => {
                let _ = writeln!(out, "{open}>");
                outcome(out, "failure", "fail", r);
                let _ = writeln!(out, "    </testcase>");
            }
            Status::Unverified => {
                let _ = writeln!(out, "{open}>");
                outcome(out, "failure", "unverified", r);
                let _ = writeln!(out, "    </testcase>");
            }
            Status::Error => {
                let _ = writeln!(out, "{open}>");
                outcome(out, "error", "error", r);
                let _ = writeln!(out, "    </testcase>");
            }
            Status::Warn => {
                let _ = writeln!(out, "{open}>");
                system_out(out, r);
                let _ = writeln!(out, "    </testcase>");
            }
            Status::Waived => {
                let message = match &r.waiver {
                    Some(w) => format!(
                        "waived: {} (approved by {}, expires {}, {})",
                        w.reason, w.approved_by, w.expires, w.discussion
                    ),
                    None => "waived".to_string(),
                };
                let _ = writeln!(out, "{open}>");
                let _ = writeln!(out, "      <skipped message=\"{}\"/>", attr(&message));
                system_out(out, r);
                let _ = writeln!(out, "    </testcase>");
            }
            Status::NotApplicable => {
                let _ = writeln!(out, "{open}>");
                match r.findings.first() {
                    Some(f) => {
                        let message = format!("not applicable: {}", f.message);
                        let _ = writeln!(out, "      <skipped message=\"{}\"/>", attr(&message));
                    }
                    None => out.push_str("      <skipped/>\n"),
                }
                let _ = writeln!(out, "    </testcase>");
            }
        }
    }
    out.push_str("  </testsuite>\n");
}

/// `<failure>` or `<error>`, with every finding of the rule in its body.
fn outcome(out: &mut String, element: &str, kind: &str, r: &RuleResult) {
    let _ = writeln!(
        out,
        "      <{element} message=\"{}\" type=\"{kind}\">{}</{element}>",
        attr(&headline(r)),
        text(&findings(r))
    );
}

fn system_out(out: &mut String, r: &RuleResult) {
    if r.findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "      <system-out>{}</system-out>", text(&findings(r)));
}

/// The message of a failed test: the first finding that matches the rule's
/// status, and how many more there are.
fn headline(r: &RuleResult) -> String {
    let first = r
        .findings
        .iter()
        .find(|f| f.status == r.status)
        .or_else(|| r.findings.first());
    let Some(first) = first else {
        return format!("{} is {}", r.rule, r.status);
    };
    let others = r
        .findings
        .iter()
        .filter(|f| needs_action(f.status))
        .count()
        .saturating_sub(1);
    let mut s = format!(
        "{} {}: {}",
        r.rule,
        r.status,
        first.message.replace('\n', " ")
    );
    if others > 0 {
        let _ = write!(s, " (and {others} more)");
    }
    s
}

/// Every finding of a rule as plain text: status, check, message, where,
/// and the fix.
fn findings(r: &RuleResult) -> String {
    let mut s = String::new();
    for f in &r.findings {
        finding(&mut s, f);
    }
    s
}

fn finding(s: &mut String, f: &Finding) {
    let _ = writeln!(s, "{} {}: {}", f.status, f.check, f.message.trim_end());
    for e in &f.evidence {
        let _ = writeln!(s, "  at {}", e.display());
    }
    if let Some(fix) = f.remediation.as_deref().filter(|_| needs_action(f.status)) {
        let _ = writeln!(s, "  fix: {fix}");
    }
}

/// Test, failure, error and skip counts, for a suite or all of them.
#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn of(rules: &[RuleResult]) -> Counts {
        Counts {
            tests: rules.len(),
            failures: count(rules, Status::Fail) + count(rules, Status::Unverified),
            errors: count(rules, Status::Error),
            skipped: count(rules, Status::Waived) + count(rules, Status::NotApplicable),
        }
    }

    fn add(&mut self, other: &Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }

    fn attrs(&self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

/// An attribute value: one line, escaped.
fn attr(s: &str) -> String {
    let line: String = s
        .trim_end()
        .chars()
        .map(|c| {
            if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    escape(xml_chars(&line)).into_owned()
}

/// Element text, escaped.
fn text(s: &str) -> String {
    escape(xml_chars(s)).into_owned()
}

/// Characters XML 1.0 does not allow (control characters other than tab,
/// newline and carriage return; U+FFFE and U+FFFF) written out as `\u{..}`.
fn xml_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.extend(c.escape_default())
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use quick_xml::Reader;
    use quick_xml::events::{BytesStart, Event};

    use super::*;
    use crate::testing;

    fn attrs(e: &BytesStart<'_>) -> Vec<(String, String)> {
        e.attributes()
            .map(|a| {
                let a = a.expect("a well-formed attribute");
                (
                    String::from_utf8_lossy(a.key.as_ref()).into_owned(),
                    a.unescape_value().expect("an escaped value").into_owned(),
                )
            })
            .collect()
    }

    /// Parse the document, checking it is well-formed; returns every
    /// element's name and attributes in order.
    fn parse(xml: &str) -> Vec<(String, Vec<(String, String)>)> {
        let mut reader = Reader::from_str(xml);
        reader.config_mut().check_end_names = true;
        let mut elements = Vec::new();
        let mut depth = 0i32;
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(Event::Start(e)) => {
                    depth += 1;
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    elements.push((name, attrs(&e)));
                }
                Ok(Event::Empty(e)) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    elements.push((name, attrs(&e)));
                }
                Ok(Event::End(_)) => depth -= 1,
                Ok(Event::GeneralRef(r)) => {
                    let name = r.decode().expect("UTF-8");
                    assert!(
                        ["lt", "gt", "amp", "apos", "quot"].contains(&name.as_ref()),
                        "unknown entity &{name};"
                    );
                }
                Ok(_) => {}
                Err(e) => panic!("not well-formed at {}: {e}", reader.buffer_position()),
            }
        }
        assert_eq!(depth, 0, "every element is closed");
        elements
    }

    fn get<'a>(attrs: &'a [(String, String)], key: &str) -> &'a str {
        attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("attribute {key}"))
    }

    #[test]
    fn well_formed_with_the_right_counts() {
        let xml = render(&testing::report());
        let elements = parse(&xml);
        let (root, root_attrs) = &elements[0];
        assert_eq!(root, "testsuites");
        assert_eq!(get(root_attrs, "name"), "relman");
        assert_eq!(get(root_attrs, "tests"), "16");
        // fail ×4 and unverified ×2 fail the build; one error.
        assert_eq!(get(root_attrs, "failures"), "6");
        assert_eq!(get(root_attrs, "errors"), "1");
        assert_eq!(get(root_attrs, "skipped"), "3");

        let suites: Vec<&str> = elements
            .iter()
            .filter(|(n, _)| n == "testsuite")
            .map(|(_, a)| get(a, "name"))
            .collect();
        assert_eq!(suites, ["fleet", "ldap", "playbooks"]);
        let cases = elements.iter().filter(|(n, _)| n == "testcase").count();
        assert_eq!(cases, 16);
    }

    #[test]
    fn statuses_map_to_outcomes() {
        let xml = render(&testing::report());
        let elements = parse(&xml);
        let outcome_of = |case: &str| {
            let i = elements
                .iter()
                .position(|(n, a)| {
                    n == "testcase"
                        && get(a, "classname") == "playbooks"
                        && get(a, "name").starts_with(case)
                })
                .unwrap_or_else(|| panic!("test case {case}"));
            elements
                .get(i + 1)
                .filter(|(n, _)| n != "testcase" && n != "testsuite")
                .map(|(n, a)| (n.as_str(), a.clone()))
        };
        let (name, a) = outcome_of("O-5 ").expect("O-5 fails");
        assert_eq!((name, get(&a, "type")), ("failure", "fail"));
        let (name, a) = outcome_of("R-1 ").expect("R-1 is unverified");
        assert_eq!((name, get(&a, "type")), ("failure", "unverified"));
        assert_eq!(outcome_of("R-2 ").expect("R-2 errs").0, "error");
        assert_eq!(outcome_of("D-4 ").expect("D-4 warns").0, "system-out");
        let (name, a) = outcome_of("S-3 ").expect("S-3 is waived");
        assert_eq!(name, "skipped");
        assert!(get(&a, "message").starts_with("waived: the key is a revoked test key"));
        assert_eq!(outcome_of("O-1 ").expect("O-1 does not apply").0, "skipped");
        assert_eq!(outcome_of("D-3 "), None);
    }

    #[test]
    fn fleet_text_is_escaped() {
        let xml = render(&testing::report());
        assert!(xml.contains("`a|b &lt;x&gt;`"));
        assert!(xml.contains("\\u{1b}[31m"));
        assert!(!xml.contains('\u{1b}'));
        let elements = parse(&xml);
        let o2 = elements
            .iter()
            .find(|(n, a)| n == "failure" && get(a, "message").starts_with("O-2"))
            .expect("O-2 fails");
        assert_eq!(
            get(&o2.1, "message"),
            "O-2 fail: 3 of 10 lines have no `service` field, e.g. `a|b <x>` second line\\u{1b}[31m"
        );
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&testing::report()));
    }
}
