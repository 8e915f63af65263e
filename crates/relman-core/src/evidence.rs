//! Evidence: what the collectors observed, handed to the checks.
//!
//! Collectors (crate `relman-evidence`) fill these values; checks read them
//! and never do I/O themselves. A source that was not given is distinct from
//! a source that could not be read: the first makes a check `unverified`, the
//! second `error`, with the message.

/// Everything observed about the fleet as a whole (Prometheus, cost...).
#[derive(Debug, Clone, Default)]
pub struct FleetEvidence {
    pub prometheus: PrometheusEvidence,
}

/// Everything observed about one service.
#[derive(Debug, Clone, Default)]
pub struct ServiceEvidence {
    pub repo: RepoEvidence,
    /// SARIF reports named by `security_reports` (S-6).
    pub security_reports: Vec<SecurityReport>,
    pub metrics: MetricsEvidence,
    pub logs: LogsEvidence,
}

/// What the service's log samples showed (O-1..O-4). The statistics are
/// the log scanner's own type: a plain, bounded value the checks read.
#[derive(Debug, Clone, Default)]
pub enum LogsEvidence {
    /// The descriptor names no log samples.
    #[default]
    NotGiven,
    /// The patterns matched no readable file; every problem, with its path.
    Unreadable { problems: Vec<String> },
    Read {
        /// The files read, as shown in messages.
        files: Vec<String>,
        /// All files of the service folded into one scan.
        scan: Box<relman_logscan::Scan>,
        /// Patterns that matched nothing, files that could not be read.
        problems: Vec<String>,
    },
}

/// The service's repository checkout.
// Built once per service and read by reference: the size of `Present` costs
// nothing, and boxing it would only add noise where it is matched.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Default)]
pub enum RepoEvidence {
    /// The descriptor names no repo.
    #[default]
    NotGiven,
    /// The descriptor names a repo that cannot be read.
    Unreadable {
        location: String,
        error: String,
    },
    Present(RepoFacts),
}

#[derive(Debug, Clone, Default)]
pub struct RepoFacts {
    /// The repo as shown in messages (relative to the fleet directory).
    pub location: String,
    /// `docs.architecture`, when the descriptor names it.
    pub architecture_doc: Option<FileFact>,
    /// `docs.runbooks`, when the descriptor names it.
    pub runbooks: Option<FileFact>,
    /// Ports declared for metrics in the repo's Kubernetes manifests.
    pub metrics_ports: MetricsPortFacts,
    /// Log retention configured in the repo (Terraform, Loki).
    pub log_retention: LogRetentionFacts,
    /// Secrets committed to the repo (S-3).
    pub secrets: crate::secrets::SecretFacts,
    /// Kubernetes manifests and Helm charts (S-2, S-4, D-5).
    pub k8s: crate::k8s::K8sFacts,
    /// Terraform and IAM policy files (S-2, S-4, S-5).
    pub cloud: crate::cloud::CloudFacts,
}

/// A file or folder named in a descriptor, and what was found there.
#[derive(Debug, Clone, PartialEq)]
pub struct FileFact {
    /// As shown in messages: the repo location joined with the path.
    pub location: String,
    pub state: FileState,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FileState {
    Missing,
    /// A regular file of this many bytes.
    File {
        bytes: u64,
    },
    /// A folder holding this many entries.
    Dir {
        entries: u64,
    },
    Unreadable(String),
}

/// What was read from a service's metrics: a live scrape or a capture file.
#[derive(Debug, Clone, Default)]
pub enum MetricsEvidence {
    /// The descriptor gives neither `metrics.url` nor `metrics.file`.
    #[default]
    NotGiven,
    /// The endpoint or file could not be read at all (connection refused,
    /// timeout, HTTP error, missing file, body too large...).
    Unreadable {
        origin: MetricsOrigin,
        error: String,
    },
    Read(MetricsFacts),
}

/// Where metrics came from.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricsOrigin {
    Url {
        url: String,
        /// Set when the response came from another URL after redirects.
        final_url: Option<String>,
        status: Option<u16>,
        content_type: Option<String>,
        latency_ms: u64,
        bytes: u64,
    },
    File {
        /// As shown in messages (relative to the fleet directory).
        location: String,
    },
}

impl MetricsOrigin {
    /// The URL or file, for messages and evidence.
    pub fn location(&self) -> &str {
        match self {
            MetricsOrigin::Url { url, .. } => url,
            MetricsOrigin::File { location } => location,
        }
    }

    pub fn source(&self) -> &'static str {
        match self {
            MetricsOrigin::Url { .. } => "metrics",
            MetricsOrigin::File { .. } => "metrics-capture",
        }
    }
}

/// A parsed exposition, reduced to what the checks read.
#[derive(Debug, Clone)]
pub struct MetricsFacts {
    pub origin: MetricsOrigin,
    /// `text` (Prometheus 0.0.4) or `openmetrics`.
    pub format: &'static str,
    /// The families, or why the body is not valid exposition text.
    pub parsed: Result<Vec<FamilyFacts>, ParseFailure>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseFailure {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// One metric family.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyFacts {
    pub name: String,
    /// `counter`, `gauge`, `histogram`, `gaugehistogram`, `summary`, `info`,
    /// `stateset` or `unknown`.
    pub kind: &'static str,
    pub help: Option<String>,
    pub unit: Option<String>,
    pub line: usize,
    pub series: Vec<SeriesFacts>,
}

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesFacts {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
    pub line: usize,
}

impl SeriesFacts {
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the service's manifests say about the port its metrics are served on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricsPortFacts {
    /// Every place a manifest names a metrics port.
    pub declarations: Vec<PortDeclaration>,
    /// Manifests that could not be read or parsed, with the reason.
    pub unreadable: Vec<(String, String)>,
    /// How many YAML files were read.
    pub files_read: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PortDeclaration {
    /// `containerPort`, `prometheus.io/port`, `ServiceMonitor` or `PodMonitor`.
    pub how: String,
    /// The port as written: a number, or a port name for monitors.
    pub port: String,
    /// The port name, when the manifest gives one (`metrics`, `http-metrics`).
    pub name: Option<String>,
    /// Relative to the fleet directory.
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// Where the service's log retention is configured, as found in its repo.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogRetentionFacts {
    pub sources: Vec<RetentionSource>,
    /// Files that could not be read or parsed, with the reason.
    pub unreadable: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionKind {
    /// Terraform `aws_cloudwatch_log_group.retention_in_days`.
    CloudWatch,
    /// Loki `retention_stream` matching the service.
    LokiStream,
    /// Loki `limits_config.retention_period`.
    Loki,
    /// An S3 lifecycle rule moving logs to Glacier and expiring them.
    S3Archive,
    /// `log_retention_days` in the service descriptor.
    Descriptor,
}

impl RetentionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RetentionKind::CloudWatch => "Terraform CloudWatch log group",
            RetentionKind::LokiStream => "Loki retention_stream",
            RetentionKind::Loki => "Loki retention_period",
            RetentionKind::S3Archive => "S3 lifecycle rule",
            RetentionKind::Descriptor => "the descriptor",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetentionDays {
    Days(u32),
    /// Nothing is ever deleted (no retention set, or retention disabled).
    Forever,
    /// A variable or expression whose value is not known; its text.
    Unresolved(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RetentionSource {
    pub kind: RetentionKind,
    pub days: RetentionDays,
    /// What was read, for messages: `aws_cloudwatch_log_group.app retention_in_days = 14`.
    pub detail: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// What the fleet's Prometheus says about its retention (O-10).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum PrometheusEvidence {
    /// relman.yaml names no Prometheus URL.
    #[default]
    NotGiven,
    Unreadable {
        url: String,
        error: String,
    },
    Read(PrometheusFacts),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PrometheusFacts {
    /// The flags API called.
    pub url: String,
    /// `storage.tsdb.retention.time` as Prometheus prints it (`15d`, `1w`).
    pub retention_time: Option<String>,
    /// `storage.tsdb.retention.size`, when set.
    pub retention_size: Option<String>,
    /// The version from `/api/v1/status/buildinfo`, when it answers.
    pub version: Option<String>,
}

/// One SARIF report named by `security_reports` (S-6).
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityReport {
    /// As shown in messages (relative to the fleet directory).
    pub location: String,
    pub read: Result<SarifFacts, String>,
}

/// What a SARIF report holds, reduced to what S-6 judges.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SarifFacts {
    /// The tools that produced the runs (`Trivy`, `Semgrep`...).
    pub tools: Vec<String>,
    pub results: Vec<SarifResult>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SarifResult {
    pub tool: String,
    pub rule_id: String,
    /// `error`, `warning`, `note` or `none` (SARIF's default is `warning`).
    pub level: String,
    /// The rule's or result's `security-severity`, when given.
    pub security_severity: Option<f64>,
    pub message: String,
    /// The first location, as `uri:line` when known.
    pub location: Option<String>,
}
