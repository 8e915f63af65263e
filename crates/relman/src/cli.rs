//! The command line: every command, flag and its help, in one place.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// relman: the Reliability Manifesto, executable.
///
/// Checks every service of a fleet against every rule of the manifesto,
/// from real evidence, and says rule by rule what fails, where, and how to fix it.
#[derive(Debug, Parser)]
#[command(name = "relman", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Audit a fleet directory: every service against every rule.
    ///
    /// Exit status: 0 when nothing at or above --fail-on remains, 1 when
    /// something does, 2 when the fleet directory has problems (they are
    /// printed on stderr; the services that could be read are still audited).
    Audit(AuditArgs),
    /// Scan a repository checkout for the repository rules: secrets (S-3),
    /// public exposure (S-2), network policies and security groups (S-4),
    /// IAM (S-5), the database connection budget (D-5), the metrics port
    /// (O-7) and log retention (O-5), from its files, Kubernetes manifests,
    /// Helm charts, Terraform and IAM policy JSON.
    ///
    /// Exit status: 0 when nothing at or above --fail-on is found, 1 when
    /// something is, 2 when PATH cannot be read or the flags are wrong.
    Scan(ScanArgs),
    /// Check a fleet directory's files without auditing it.
    ///
    /// Prints every problem with file, line, column and field, and exits 2
    /// if there is any.
    Validate {
        /// The fleet directory (holding relman.yaml).
        fleet: PathBuf,
    },
    /// List the manifesto's rules.
    Rules {
        /// Only rules of this category (foundation, continuous-improvement,
        /// design, observability, performance, resilience, security).
        #[arg(long, short)]
        category: Option<String>,
        /// Read the fleet's own manifesto file (relman.yaml: manifesto.file).
        #[arg(long)]
        fleet: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Explain a rule (e.g. O-7) or a check (e.g. slo-margin): what is
    /// checked, why it matters and how to fix it.
    Explain {
        /// A rule id or a check id.
        id: String,
        /// Read the fleet's own manifesto file (relman.yaml: manifesto.file).
        #[arg(long)]
        fleet: Option<PathBuf>,
    },
    /// Write a new file to fill in.
    #[command(subcommand)]
    Init(InitCommand),
    /// Work with Prometheus metrics.
    #[command(subcommand)]
    Metrics(MetricsCommand),
    /// Work with log files.
    #[command(subcommand)]
    Logs(LogsCommand),
    /// Turn what other tools export into fleet records.
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Write one incident record per Mattermost Playbooks run.
    ///
    /// FILE holds the runs as the Playbooks REST API returns them: the list
    /// of GET /plugins/playbooks/api/v0/runs, a bare array of runs, or one
    /// run. Each run becomes OUT/<date>-<name>.md with the run id as the
    /// incident id, severity from the run's Severity property (sev1/critical,
    /// sev2/major/high, sev3/minor/low), services from its Services property,
    /// started and resolved from create_at and end_at, and the run's link;
    /// the body holds the summary, the timeline and the retrospective.
    ///
    /// A run imported before (same id in OUT) is left alone unless --force.
    /// Exit status: 0 when every run was written or already there, 2 when
    /// FILE cannot be read or parsed (nothing is written) or a run was
    /// refused (the others are written).
    Playbooks(ImportPlaybooksArgs),
}

/// An incident severity, as the fleet's records spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Minor,
    Major,
    Critical,
}

#[derive(Debug, Args)]
pub struct ImportPlaybooksArgs {
    /// The runs as JSON, or - for stdin.
    #[arg(value_name = "FILE|-")]
    pub file: PathBuf,
    /// The Mattermost server the runs are on, for each record's
    /// playbook_run link (<URL>/playbooks/runs/<id>).
    #[arg(long, value_name = "URL")]
    pub server_url: String,
    /// The folder to write the records into: the fleet's records/incidents.
    #[arg(long, default_value = "records/incidents", value_name = "DIR")]
    pub out: PathBuf,
    /// Print the records instead of writing them.
    #[arg(long)]
    pub dry_run: bool,
    /// Rewrite the records of runs imported before.
    #[arg(long)]
    pub force: bool,
    /// The run property that lists the affected services (a multiselect,
    /// or text separated by commas).
    #[arg(long, default_value = "Services", value_name = "PROPERTY")]
    pub services_from: String,
    /// The services of runs that do not list any (repeatable).
    #[arg(long = "service", value_name = "NAME")]
    pub services: Vec<String>,
    /// The run property that holds the severity.
    #[arg(long, default_value = "Severity", value_name = "PROPERTY")]
    pub severity_from: String,
    /// The severity of runs that have none; without it they are refused.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub default_severity: Option<SeverityArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    Table,
    /// `{"schema": "relman.scan/v1", "findings": [...]}`.
    Json,
    /// SARIF 2.1.0, for code scanning dashboards.
    Sarif,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// The repository checkout to scan.
    pub path: PathBuf,
    /// Output format on stdout.
    #[arg(long, short, value_enum, default_value_t = ScanFormat::Table)]
    pub format: ScanFormat,
    /// Only these rules (repeatable), e.g. --rule S-3.
    #[arg(long = "rule", short = 'r', value_name = "RULE")]
    pub rules: Vec<String>,
    /// Exit 1 when a finding has this status or worse.
    #[arg(long, value_enum, default_value_t = FailOn::Fail)]
    pub fail_on: FailOn,
    /// List unverified findings in the table too.
    #[arg(long)]
    pub all: bool,
    /// The service's name, as its Kubernetes labels and log streams use it
    /// (default: the folder's name).
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// The service is meant to be reached from the internet (S-2, S-4).
    #[arg(long)]
    pub public: bool,
    /// The service is not critical (O-5 asks 7 days of logs instead of 30).
    #[arg(long)]
    pub non_critical: bool,
    /// The connections the database allows the service (D-5).
    #[arg(long, value_name = "N")]
    pub max_connections: Option<u64>,
    /// The connection pool per replica, when the manifests do not say (D-5).
    #[arg(long, value_name = "N")]
    pub pool_size: Option<u64>,
    /// The secrets baseline, relative to PATH (default: .relman-baseline.yaml when present).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<String>,
    /// Add every secret found and not yet accepted to this baseline file
    /// (relative to PATH), with --reason and --expires.
    #[arg(long, value_name = "FILE", requires_all = ["reason", "expires"])]
    pub write_baseline: Option<String>,
    /// Why the secrets written by --write-baseline may stay.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Until when the secrets written by --write-baseline may stay (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    /// Seconds the whole scan may take.
    #[arg(long, default_value_t = 600, value_name = "SECONDS")]
    pub timeout: u64,
}

#[derive(Debug, Subcommand)]
pub enum LogsCommand {
    /// Report, per file, what the log rules O-1..O-4 see: the format mix,
    /// service coverage, the level histogram and the flagged lines with
    /// their numbers. Plain and .gz files, globs, or - for stdin.
    ///
    /// Exit status: 0 clean, 1 a log rule fails, 2 a file could not be read
    /// (or is binary, or a gzip is truncated).
    Lint(LogsLintArgs),
}

#[derive(Debug, Args)]
pub struct LogsLintArgs {
    /// Files or glob patterns (`logs/*.log.gz`), or - for stdin.
    #[arg(required = true, value_name = "PATH|-")]
    pub inputs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// The service the logs belong to (O-2 checks that lines name it).
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// With --service, warnings also make the exit status 1.
    #[arg(long)]
    pub strict: bool,
    /// Longer lines are reported and skipped.
    #[arg(long, default_value_t = 1024 * 1024, value_name = "BYTES")]
    pub max_line_bytes: usize,
}

#[derive(Debug, Subcommand)]
pub enum MetricsCommand {
    /// Lint an exposition: every rule of `promtool check metrics`, plus
    /// histogram and summary consistency, duplicate series and cardinality;
    /// with --service, the manifesto's metrics rules O-6..O-9 too.
    ///
    /// Exit status as promtool's: 0 clean, 1 the input could not be read or
    /// parsed, 3 lint problems (or a failing O-6..O-9 check).
    Lint(LintArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// From the Content-Type of a scrape; for a file, OpenMetrics when it ends with `# EOF`.
    Auto,
    /// Prometheus text format 0.0.4.
    Text,
    /// OpenMetrics 1.0.
    Openmetrics,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files, http(s) URLs, or - for stdin.
    #[arg(required = true, value_name = "FILE|URL|-")]
    pub inputs: Vec<String>,
    /// The exposition format.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    /// Also judge the manifesto's metrics rules (O-6..O-9) for this service.
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// The label that names the service on its series.
    #[arg(long, default_value = "service", value_name = "LABEL")]
    pub service_label: String,
    /// Flag metrics with more series than this.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub series_budget: usize,
    /// How many metrics the JSON cardinality list holds, largest first.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub top: usize,
    /// Seconds a scrape may take.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub timeout: u64,
    /// The largest body read, in bytes.
    #[arg(long, default_value_t = 32 * 1024 * 1024, value_name = "BYTES")]
    pub max_bytes: u64,
}

#[derive(Debug, Subcommand)]
pub enum InitCommand {
    /// Write a commented service descriptor to FLEET/services/NAME.yaml.
    Service {
        /// The service's name (lowercase letters, digits and dashes).
        name: String,
        /// The owning team.
        #[arg(long, default_value = "my-team")]
        team: String,
        /// The fleet directory to write into.
        #[arg(long, default_value = ".")]
        fleet: PathBuf,
        /// Print the descriptor instead of writing it.
        #[arg(long)]
        stdout: bool,
        /// Overwrite an existing descriptor.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Sarif,
    Junit,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        <Format as ValueEnum>::from_str(s, true).ok()
    }
}

/// The lowest rule status that makes `relman audit` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// fail and error (evidence that could not be read is not a pass).
    Fail,
    /// fail, error and unverified.
    Unverified,
    /// fail, error, unverified and warn.
    Warn,
    /// Never exit 1 (still 2 for input problems).
    Never,
}

impl FailOn {
    /// Whether a status makes the exit status 1.
    pub fn counts(self, status: relman_core::Status) -> bool {
        use relman_core::Status;
        match self {
            FailOn::Never => false,
            FailOn::Fail => matches!(status, Status::Fail | Status::Error),
            FailOn::Unverified => {
                matches!(status, Status::Fail | Status::Error | Status::Unverified)
            }
            FailOn::Warn => matches!(
                status,
                Status::Fail | Status::Error | Status::Unverified | Status::Warn
            ),
        }
    }
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The fleet directory (holding relman.yaml).
    pub fleet: PathBuf,

    /// Output format on stdout.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Also write FORMAT to PATH (repeatable), e.g. --output sarif=relman.sarif.
    #[arg(long, short, value_name = "FORMAT=PATH")]
    pub output: Vec<String>,

    /// Today's date for the audit (YYYY-MM-DD); default: relman.yaml's `now`, else today.
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,

    /// Exit 1 when a rule has this status or worse.
    #[arg(long, value_enum, default_value_t = FailOn::Fail)]
    pub fail_on: FailOn,

    /// Only these services (repeatable).
    #[arg(long = "service", short = 's', value_name = "NAME")]
    pub services: Vec<String>,

    /// Only the services of these teams (repeatable).
    #[arg(long = "team", short = 't', value_name = "TEAM")]
    pub teams: Vec<String>,

    /// Only rules of these categories (repeatable).
    #[arg(long = "category", short = 'c', value_name = "CATEGORY")]
    pub categories: Vec<String>,

    /// Only these rules (repeatable), e.g. --rule O-7.
    #[arg(long = "rule", short = 'r', value_name = "RULE")]
    pub rules: Vec<String>,

    /// Show passing and not-applicable rules in the table too.
    #[arg(long)]
    pub all: bool,

    /// Services collected at once (and so scrapes in flight).
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub concurrency: usize,

    /// Seconds a scrape (or a file read) may take in all.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub scrape_timeout: u64,

    /// The largest metrics body or capture read, in bytes.
    #[arg(long, default_value_t = 32 * 1024 * 1024, value_name = "BYTES")]
    pub max_scrape_bytes: u64,
}
