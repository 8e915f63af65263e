//! SARIF 2.1.0, for code-scanning dashboards (GitHub, GitLab, Azure DevOps).
//!
//! One run. Its rules are one reporting descriptor per check in the
//! registry, then one per manifesto rule that no check covers, so that every
//! result's `ruleId` resolves: a finding is reported under its check, or
//! under its manifesto rule when the check is not in the registry.
//!
//! Only findings that ask for action become results (fail and error as
//! `error`, warn as `warning`, unverified as a `note` to review); findings
//! of a waived rule are kept, with an external suppression that carries the
//! waiver. A result points at every file its evidence names, and at the
//! service descriptor (or the fleet file) when its evidence names none,
//! since code-scanning services need a location; URLs go to the result's
//! properties.

use std::collections::{BTreeMap, HashMap};

use relman_core::finding::{EvidenceRef, Finding, Severity};
use relman_core::report::{Report, RuleResult, round_score};
use relman_core::{Manifesto, Status};
use serde::Serialize;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Where fleet findings point when their evidence names no file.
const FLEET_FILE: &str = "relman.yaml";

pub(crate) fn render(report: &Report, manifesto: &Manifesto) -> String {
    let mut rules = Rules::default();
    for meta in relman_checks::registry::all() {
        let def = manifesto.get(meta.rule);
        rules.push(Descriptor {
            id: meta.id.to_string(),
            name: pascal(meta.id),
            short_description: Text::new(meta.title),
            full_description: Text::new(meta.what),
            help: Help {
                text: format!(
                    "{}\n\nWhy it matters: {}\n\nHow to fix: {}",
                    meta.what, meta.why, meta.fix
                ),
                markdown: format!(
                    "{}\n\n**Why it matters.** {}\n\n**How to fix.** {}\n\nManifesto rule {}{}.",
                    meta.what,
                    meta.why,
                    meta.fix,
                    meta.rule,
                    def.map(|d| format!(": {}", d.title)).unwrap_or_default()
                ),
            },
            default_configuration: Configuration {
                level: severity_level(meta.severity),
            },
            properties: DescriptorProperties {
                rule: meta.rule.to_string(),
                category: def.map(|d| d.category.slug()),
                severity: Some(meta.severity.as_str()),
                tags: tags(def.map(|d| d.category.slug())),
            },
        });
    }
    for def in &manifesto.rules {
        if relman_checks::registry::for_rule(&def.id).next().is_none() {
            rules.push(rule_descriptor(
                &def.id,
                &def.title,
                &def.summary,
                Some(def.category.slug()),
            ));
        }
    }

    let mut results = Vec::new();
    let mut fingerprints = HashMap::new();
    let fleet_scope = format!("fleet {}", report.fleet);
    let groups = std::iter::once((None, fleet_scope.as_str(), FLEET_FILE, &report.fleet_rules))
        .chain(report.services.iter().map(|s| {
            (
                Some(s.name.as_str()),
                s.name.as_str(),
                s.descriptor.as_str(),
                &s.rules,
            )
        }));
    for (service, scope, home, group) in groups {
        for r in group {
            for f in r.findings.iter().filter(|f| reported(f.status)) {
                let cx = ResultCx {
                    service,
                    scope,
                    home,
                };
                let mut result = result(&cx, r, f, &mut rules);
                let key = result.partial_fingerprints["relman/v1"].clone();
                let n: &mut usize = fingerprints.entry(key).or_default();
                *n += 1;
                if *n > 1 {
                    if let Some(fp) = result.partial_fingerprints.get_mut("relman/v1") {
                        fp.push_str(&format!("#{n}"));
                    }
                }
                results.push(result);
            }
        }
    }

    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "relman",
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: rules.list,
                },
            },
            automation_details: AutomationDetails {
                id: format!("relman/{}/", report.fleet),
            },
            column_kind: "unicodeCodePoints",
            results,
            properties: RunProperties {
                fleet: report.fleet.clone(),
                now: report.now.clone(),
                score: round_score(report.summary.score),
            },
        }],
    };
    let mut out = serde_json::to_string_pretty(&log)
        .expect("a SARIF log has string keys and plain values, so it always serializes");
    out.push('\n');
    out
}

/// The statuses that become results.
fn reported(status: Status) -> bool {
    matches!(
        status,
        Status::Fail | Status::Error | Status::Warn | Status::Unverified | Status::Waived
    )
}

struct ResultCx<'a> {
    service: Option<&'a str>,
    /// "playbooks", or "fleet acme-cloud".
    scope: &'a str,
    /// The file a finding with no file evidence points at.
    home: &'a str,
}

fn result(cx: &ResultCx<'_>, r: &RuleResult, f: &Finding, rules: &mut Rules) -> SarifResult {
    let rule_id = if crate::check_meta(&f.check).is_some() {
        f.check.clone()
    } else {
        if !rules.index.contains_key(&r.rule) {
            rules.push(rule_descriptor(
                &r.rule,
                &r.title,
                &r.title,
                Some(r.category.slug()),
            ));
        }
        r.rule.clone()
    };
    let rule_index = rules.index[&rule_id];

    let (level, kind) = match f.status {
        Status::Fail | Status::Error => ("error", None),
        Status::Warn => ("warning", None),
        Status::Unverified => ("note", Some("review")),
        _ => ("note", None),
    };

    let mut text = format!("{} ({}): {}", r.rule, cx.scope, f.message);
    if let Some(fix) = &f.remediation {
        text.push_str("\nFix: ");
        text.push_str(fix);
    }

    let files: Vec<&EvidenceRef> = f
        .evidence
        .iter()
        .filter(|e| e.is_file() && !e.location.is_empty())
        .collect();
    let mut locations: Vec<Location> = files.iter().map(|e| location(e)).collect();
    if locations.is_empty() {
        locations.push(location(&EvidenceRef::new("descriptor", cx.home)));
    }
    let urls: Vec<String> = f
        .evidence
        .iter()
        .filter(|e| !e.is_file())
        .map(|e| e.location.clone())
        .collect();

    let waived = r.status == Status::Waived || f.status == Status::Waived;
    let suppressions = waived.then(|| {
        let justification = match &r.waiver {
            Some(w) => format!(
                "{} (approved by {}, expires {}, {}; {})",
                w.reason, w.approved_by, w.expires, w.discussion, w.location
            ),
            None => "waived".to_string(),
        };
        vec![Suppression {
            kind: "external",
            status: "accepted",
            justification,
        }]
    });

    let anchor = files
        .first()
        .map(|e| e.location.as_str())
        .unwrap_or(cx.home);
    let fingerprint = format!("{}/{}/{}/{}", cx.scope, r.rule, f.check, anchor);

    SarifResult {
        rule_id,
        rule_index,
        level,
        kind,
        message: Text { text },
        locations,
        partial_fingerprints: BTreeMap::from([("relman/v1", fingerprint)]),
        suppressions,
        properties: ResultProperties {
            service: cx.service.map(str::to_string),
            rule: r.rule.clone(),
            check: f.check.clone(),
            status: f.status.as_str(),
            rule_status: r.status.as_str(),
            severity: f.severity.as_str(),
            evidence_urls: urls,
        },
    }
}

fn rule_descriptor(
    id: &str,
    title: &str,
    summary: &str,
    category: Option<&'static str>,
) -> Descriptor {
    Descriptor {
        id: id.to_string(),
        name: pascal(title),
        short_description: Text::new(title),
        full_description: Text::new(summary),
        help: Help {
            text: summary.to_string(),
            markdown: summary.to_string(),
        },
        default_configuration: Configuration { level: "warning" },
        properties: DescriptorProperties {
            rule: id.to_string(),
            category,
            severity: None,
            tags: tags(category),
        },
    }
}

fn tags(category: Option<&'static str>) -> Vec<&'static str> {
    std::iter::once("reliability").chain(category).collect()
}

fn severity_level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

fn location(e: &EvidenceRef) -> Location {
    let region = e.line.filter(|&l| l > 0).map(|start_line| Region {
        start_line,
        start_column: e.column.filter(|&c| c > 0),
    });
    Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(&e.location),
            },
            region,
        },
    }
}

/// A relative path as a URI reference: forward slashes, and every byte
/// outside the characters a path may hold percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => out.push(b as char),
            b'-' | b'.' | b'_' | b'~' | b'/' | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' => {
                out.push(b as char)
            }
            b'*' | b'+' | b',' | b';' | b'=' | b':' | b'@' => out.push(b as char),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `log-retention` → `LogRetention`; `Logs are retained` → `LogsAreRetained`.
fn pascal(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|first| first.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[derive(Default)]
struct Rules {
    list: Vec<Descriptor>,
    index: HashMap<String, usize>,
}

impl Rules {
    fn push(&mut self, d: Descriptor) {
        if !self.index.contains_key(&d.id) {
            self.index.insert(d.id.clone(), self.list.len());
            self.list.push(d);
        }
    }
}

// The SARIF object model, as much of it as relman fills. Structs rather
// than `json!` maps keep the key order fixed whatever serde_json features
// the build enables.

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    automation_details: AutomationDetails,
    column_kind: &'static str,
    results: Vec<SarifResult>,
    properties: RunProperties,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    information_uri: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
struct RunProperties {
    fleet: String,
    now: String,
    score: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(s: &str) -> Text {
        Text {
            text: s.to_string(),
        }
    }
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties {
    /// The manifesto rule.
    rule: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<Vec<Suppression>>,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    status: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    /// Absent for fleet rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<String>,
    rule: String,
    check: String,
    status: &'static str,
    rule_status: &'static str,
    severity: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    evidence_urls: Vec<String>,
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::testing;

    fn sarif() -> Value {
        let out = render(&testing::report(), &Manifesto::builtin());
        serde_json::from_str(&out).expect("SARIF is JSON")
    }

    fn results(v: &Value) -> &Vec<Value> {
        v["runs"][0]["results"].as_array().expect("results")
    }

    fn find<'a>(v: &'a Value, rule: &str, check: &str) -> &'a Value {
        results(v)
            .iter()
            .find(|r| r["properties"]["rule"] == rule && r["properties"]["check"] == check)
            .unwrap_or_else(|| panic!("a result for {rule} {check}"))
    }

    /// The parts of SARIF 2.1.0 that consumers require, and relman's promise
    /// that every result resolves to a rule.
    #[test]
    fn structurally_valid() {
        let v = sarif();
        assert_eq!(v["$schema"], SCHEMA);
        assert_eq!(v["version"], "2.1.0");
        let runs = v["runs"].as_array().expect("runs");
        assert_eq!(runs.len(), 1);
        let driver = &runs[0]["tool"]["driver"];
        assert_eq!(driver["name"], "relman");
        assert!(
            driver["informationUri"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://"))
        );

        let rules = driver["rules"].as_array().expect("rules");
        let mut ids = std::collections::HashSet::new();
        for r in rules {
            let id = r["id"].as_str().expect("rule id");
            assert!(ids.insert(id), "duplicate rule {id}");
            assert!(
                r["shortDescription"]["text"]
                    .as_str()
                    .is_some_and(|t| !t.is_empty())
            );
            assert!(
                r["fullDescription"]["text"]
                    .as_str()
                    .is_some_and(|t| !t.is_empty())
            );
            assert!(r["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(r["properties"]["rule"].is_string());
        }

        for res in results(&v) {
            let id = res["ruleId"].as_str().expect("ruleId");
            let index = res["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert_eq!(rules[index]["id"], id, "ruleIndex of {id}");
            assert!(["error", "warning", "note"].contains(&res["level"].as_str().expect("level")));
            assert!(
                res["message"]["text"]
                    .as_str()
                    .is_some_and(|t| !t.is_empty())
            );
            let locations = res["locations"].as_array().expect("locations");
            assert!(!locations.is_empty(), "{id} has a location");
            for l in locations {
                let uri = l["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .expect("uri");
                assert!(!uri.is_empty() && !uri.contains(' ') && !uri.contains("://"));
                if let Some(line) = l["physicalLocation"]["region"]["startLine"].as_u64() {
                    assert!(line >= 1);
                }
            }
        }
    }

    #[test]
    fn every_check_and_every_uncovered_rule_is_described() {
        let v = sarif();
        let ids: Vec<&str> = v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .filter_map(|r| r["id"].as_str())
            .collect();
        for m in relman_checks::registry::all() {
            assert!(ids.contains(&m.id), "{}", m.id);
        }
        // Rules a check covers are described by their checks; the others,
        // and the rule of a finding whose check is unknown (O-7's
        // `port-probe` in the fixture), by the rule itself.
        let covered: std::collections::HashSet<&str> =
            relman_checks::registry::all().map(|m| m.rule).collect();
        assert!(!ids.contains(&"O-5"));
        let manifesto = Manifesto::builtin();
        let uncovered: Vec<&str> = manifesto
            .rules
            .iter()
            .map(|r| r.id.as_str())
            .filter(|id| !covered.contains(id))
            .collect();
        for id in uncovered.iter().chain(["manifesto-review", "O-7"].iter()) {
            assert!(ids.contains(id), "{id}");
        }
        // Covered rules that still get their own descriptor: a fixture
        // finding names a check the registry does not know.
        let known: std::collections::HashSet<&str> =
            relman_checks::registry::all().map(|m| m.id).collect();
        let report = testing::report();
        let fallback: std::collections::HashSet<&str> = report
            .all_rules()
            .filter(|r| covered.contains(r.rule.as_str()))
            .filter(|r| r.findings.iter().any(|f| !known.contains(f.check.as_str())))
            .map(|r| r.rule.as_str())
            .collect();
        assert_eq!(
            ids.len(),
            relman_checks::registry::all().count() + uncovered.len() + fallback.len()
        );
    }

    #[test]
    fn only_findings_that_ask_for_action() {
        let v = sarif();
        let statuses: Vec<&str> = results(&v)
            .iter()
            .map(|r| r["properties"]["status"].as_str().expect("status"))
            .collect();
        assert_eq!(statuses.len(), 10);
        assert!(!statuses.contains(&"pass"));
        assert!(!statuses.contains(&"not_applicable"));

        let o5 = find(&v, "O-5", "log-retention");
        assert_eq!(o5["ruleId"], "log-retention");
        assert_eq!(o5["level"], "error");
        assert_eq!(
            o5["message"]["text"],
            "O-5 (playbooks): logs are kept 14 days, less than the 30 days a critical service needs\nFix: Keep logs at least 30 days."
        );
        let region = &o5["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startLine"].as_u64(), region["startColumn"].as_u64()),
            (Some(12), Some(21))
        );

        assert_eq!(find(&v, "R-2", "internal-slo")["level"], "error");
        assert_eq!(find(&v, "D-4", "architecture-doc")["level"], "warning");
        let r1 = find(&v, "R-1", "slo-margin");
        assert_eq!(
            (&r1["level"], &r1["kind"]),
            (&Value::from("note"), &Value::from("review"))
        );
        assert!(
            r1["locations"][0]["physicalLocation"]
                .get("region")
                .is_none()
        );
    }

    #[test]
    fn urls_go_to_properties_and_unknown_checks_to_their_rule() {
        let v = sarif();
        let o7 = find(&v, "O-7", "port-probe");
        assert_eq!(o7["ruleId"], "O-7");
        assert_eq!(
            o7["properties"]["evidenceUrls"][0],
            "http://127.0.0.1:9090/metrics"
        );
        let locations = o7["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1);
        assert_eq!(
            locations[0]["physicalLocation"]["artifactLocation"]["uri"],
            "services/playbooks.yaml"
        );

        // URL-only evidence: the result points at the fleet file.
        let o10 = find(&v, "O-10", "metrics-retention");
        assert_eq!(
            o10["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "relman.yaml"
        );
        assert!(o10["properties"].get("service").is_none());
        assert!(
            o10["message"]["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("O-10 (fleet acme-cloud): "))
        );

        let o2 = find(&v, "O-2", "log-service-field");
        assert_eq!(
            o2["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "../logs/ldap/my%20logs.log"
        );
    }

    #[test]
    fn waived_findings_are_suppressed() {
        let v = sarif();
        let s3 = find(&v, "S-3", "secrets-in-repo");
        assert_eq!(s3["suppressions"][0]["kind"], "external");
        assert!(
            s3["suppressions"][0]["justification"]
                .as_str()
                .is_some_and(|j| j.contains("revoked test key") && j.contains("issues/42"))
        );
        assert!(
            find(&v, "O-5", "log-retention")
                .get("suppressions")
                .is_none()
        );
    }

    #[test]
    fn same_report_same_bytes() {
        let m = Manifesto::builtin();
        assert_eq!(
            render(&testing::report(), &m),
            render(&testing::report(), &m)
        );
    }

    #[test]
    fn snapshot() {
        let out = render(&testing::report(), &Manifesto::builtin());
        insta::assert_snapshot!(out.replace(env!("CARGO_PKG_VERSION"), "[version]"));
    }
}
