//! Statuses, severities and findings: what a check says about a rule.

use serde::Serialize;

/// The verdict of one finding or one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    /// No evidence to decide: never counts as passing.
    Unverified,
    /// A valid waiver covers the rule; its findings stay visible.
    Waived,
    NotApplicable,
    /// The evidence could not be read; the message says why.
    Error,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Pass,
        Status::Fail,
        Status::Warn,
        Status::Unverified,
        Status::Waived,
        Status::NotApplicable,
        Status::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Unverified => "unverified",
            Status::Waived => "waived",
            Status::NotApplicable => "not_applicable",
            Status::Error => "error",
        }
    }

    /// How bad a status is when findings are folded into a rule status:
    /// fail > error > unverified > warn > pass > not_applicable.
    pub fn badness(self) -> u8 {
        match self {
            Status::Fail => 6,
            Status::Error => 5,
            Status::Unverified => 4,
            Status::Warn => 3,
            Status::Waived => 2,
            Status::Pass => 1,
            Status::NotApplicable => 0,
        }
    }

    /// The score a rule with this status earns; `None` when it does not count.
    pub fn score(self) -> Option<f64> {
        match self {
            Status::Pass | Status::Waived => Some(1.0),
            Status::Warn => Some(0.5),
            Status::NotApplicable => None,
            Status::Fail | Status::Unverified | Status::Error => Some(0.0),
        }
    }

    /// The worst of a set of statuses; `not_applicable` for none.
    pub fn worst(statuses: impl IntoIterator<Item = Status>) -> Status {
        statuses
            .into_iter()
            .max_by_key(|s| s.badness())
            .unwrap_or(Status::NotApplicable)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much a failing check matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Where a piece of evidence was seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvidenceRef {
    /// What kind of source: `descriptor`, `fleet`, `repo`, `metrics`, `logs`,
    /// `records`, `cost`, `waivers`, `prometheus`.
    pub source: String,
    /// A path (relative to the fleet directory) or a URL.
    pub location: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl EvidenceRef {
    pub fn new(source: &str, location: impl Into<String>) -> EvidenceRef {
        EvidenceRef {
            source: source.to_string(),
            location: location.into(),
            line: None,
            column: None,
        }
    }

    pub fn at(mut self, line: u32, column: u32) -> EvidenceRef {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// `path:line:col`, or just the location.
    pub fn display(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.location),
            (Some(l), None) => format!("{}:{l}", self.location),
            _ => self.location.clone(),
        }
    }

    /// True when the location is a file (not a URL): SARIF gives it a location.
    pub fn is_file(&self) -> bool {
        !self.location.contains("://")
    }
}

/// One verdict of one check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub check: String,
    pub status: Status,
    pub severity: Severity,
    pub message: String,
    pub evidence: Vec<EvidenceRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
}

impl Finding {
    pub fn new(check: &str, status: Status, severity: Severity, message: String) -> Finding {
        Finding {
            check: check.to_string(),
            status,
            severity,
            message,
            evidence: Vec::new(),
            remediation: None,
        }
    }

    /// Add a piece of evidence.
    pub fn at(&mut self, evidence: EvidenceRef) -> &mut Finding {
        self.evidence.push(evidence);
        self
    }

    /// Set how to fix it.
    pub fn fix(&mut self, remediation: impl Into<String>) -> &mut Finding {
        self.remediation = Some(remediation.into());
        self
    }
}
