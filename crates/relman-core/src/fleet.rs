//! The fleet as relman understands it, after loading and validation.
//!
//! These are the contract's shapes (DESIGN.md, "The fleet directory") turned
//! into types. Values are validated; positions are kept in [`Origin`] so that
//! checks can point at the line that decided.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};

use crate::finding::EvidenceRef;
use crate::rules::{Category, Manifesto};
use crate::yaml::Pos;

/// Where a loaded value came from: the file (relative to the fleet
/// directory) and the position of each field, keyed by its dotted path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Origin {
    pub file: String,
    pub fields: HashMap<String, Pos>,
}

impl Origin {
    pub fn new(file: impl Into<String>) -> Origin {
        Origin {
            file: file.into(),
            fields: HashMap::new(),
        }
    }

    /// Evidence pointing at a field, or at the file when the field is absent.
    pub fn at(&self, source: &str, field: &str) -> EvidenceRef {
        let r = EvidenceRef::new(source, self.file.clone());
        match self.fields.get(field) {
            Some(pos) => r.at(pos.line, pos.col),
            None => r,
        }
    }

    /// `file: field`, for messages.
    pub fn field(&self, field: &str) -> String {
        format!("{}: {field}", self.file)
    }
}

/// The loaded fleet directory.
#[derive(Debug, Clone)]
pub struct Fleet {
    /// The fleet directory.
    pub root: PathBuf,
    pub config: FleetConfig,
    pub manifesto: Manifesto,
    pub tuning: Tuning,
    pub services: Vec<Service>,
    /// Descriptors that could not be loaded; they are reported with `error`
    /// findings while the rest of the fleet is audited.
    pub broken_services: Vec<BrokenService>,
    pub waivers: Vec<Waiver>,
    pub records: Records,
    /// cost/*.csv: the rows, the customer counts, the files read and the
    /// problems found in them.
    pub cost: CostData,
}

#[derive(Debug, Clone)]
pub struct BrokenService {
    pub name: String,
    pub file: String,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct FleetConfig {
    pub name: String,
    pub now: Option<NaiveDate>,
    pub manifesto: ManifestoConfig,
    pub teams: Vec<Team>,
    pub key_components: Vec<KeyComponent>,
    pub prometheus: Option<PrometheusConfig>,
    /// how gamedays are judged (`gamedays:` in relman.yaml).
    pub gamedays: GamedayConfig,
    /// how old a disaster-recovery test may be (`dr:` in relman.yaml).
    pub dr: DrConfig,
    /// C-2 and C-4: the `postmortems:` section.
    pub postmortems: PostmortemConfig,
    /// The `cost:` section: thresholds of P-1..P-4 and how cost files are read.
    pub cost: CostConfig,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default)]
pub struct ManifestoConfig {
    /// F-3: when the rule set was last reviewed.
    pub last_reviewed: Option<NaiveDate>,
    /// A manifesto file that retunes, retires or adds rules.
    pub file: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub name: String,
    pub okrs: Vec<OkrTarget>,
    /// Its field path in relman.yaml (`teams[2]`), for positions.
    pub path: String,
}

/// F-2: a measurable quarterly target.
#[derive(Debug, Clone, PartialEq)]
pub struct OkrTarget {
    /// `2026-Q4`.
    pub quarter: String,
    pub goal: OkrGoal,
    /// Its field path in relman.yaml (`teams[0].okrs[1]`), for positions.
    pub path: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OkrGoal {
    /// The team's score over the rules of a category.
    Category { category: Category, min_score: f64 },
    /// The share of the team's services that pass (or have waived) a rule.
    Rule { rule: String, min_pass_ratio: f64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyComponent {
    pub name: String,
    pub kind: String,
}

/// the `gamedays:` section of relman.yaml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GamedayConfig {
    /// How many complete calendar months before today must each hold a
    /// gameday (`gamedays.months`, default 2). The current month is never
    /// judged: it is not over yet.
    pub months: u32,
    /// A critical service must have taken part in a gameday within this many
    /// days before today (`gamedays.coverage_days`, default 92: a quarter).
    pub coverage_days: u32,
}

impl Default for GamedayConfig {
    fn default() -> GamedayConfig {
        GamedayConfig {
            months: 2,
            coverage_days: 92,
        }
    }
}

/// the `dr:` section of relman.yaml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrConfig {
    /// A DR playbook last tested more than this many days ago warns
    /// (`dr.warn_days`, default 183: six months).
    pub warn_days: u32,
    /// A DR playbook last tested more than this many days ago, or never,
    /// fails (`dr.fail_days`, default 365: a year).
    pub fail_days: u32,
}

impl Default for DrConfig {
    fn default() -> DrConfig {
        DrConfig {
            warn_days: 183,
            fail_days: 365,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PrometheusConfig {
    pub url: Option<String>,
    pub thanos_compactor_args: Vec<String>,
}

/// The `postmortems:` section of relman.yaml (C-2, C-4).
#[derive(Debug, Clone, PartialEq)]
pub struct PostmortemConfig {
    /// C-2: a major or critical incident's postmortem is due this many days
    /// after the incident was resolved.
    pub due_days: u32,
    /// C-4: phrases flagged as blaming language, added to relman's built-in
    /// list.
    pub blaming_phrases: Vec<BlamingPhrase>,
}

impl Default for PostmortemConfig {
    fn default() -> PostmortemConfig {
        PostmortemConfig {
            due_days: 7,
            blaming_phrases: Vec::new(),
        }
    }
}

/// C-4: a phrase that blames people, and how to say it instead.
#[derive(Debug, Clone, PartialEq)]
pub struct BlamingPhrase {
    /// Words matched case-insensitively on word boundaries, with any run of
    /// blanks between them; `{person}` stands for a name, an `@handle`, or
    /// "he"/"she".
    pub phrase: String,
    /// A blameless rewording; relman's generic one when absent.
    pub suggestion: Option<String>,
}

/// Tunable parameters of the built-in checks, set by a fleet's manifesto file.
#[derive(Debug, Clone, PartialEq)]
pub struct Tuning {
    /// F-3: the longest time between two reviews of the manifesto.
    pub manifesto_review_max_days: i64,
    /// F-1: the furthest a waiver may expire.
    pub waiver_max_days: i64,
    /// the internal error budget must be at most this share of the external one.
    pub slo_max_budget_ratio: f64,
    /// O-5: log retention for critical services.
    pub log_retention_critical_days: u32,
    /// O-5: log retention for non-critical services.
    pub log_retention_non_critical_days: u32,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            manifesto_review_max_days: 183,
            waiver_max_days: 365,
            slo_max_budget_ratio: 0.5,
            log_retention_critical_days: 30,
            log_retention_non_critical_days: 7,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    Critical,
    NonCritical,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Critical => "critical",
            Tier::NonCritical => "non-critical",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Poc,
    Production,
    Deprecated,
}

impl Lifecycle {
    pub fn as_str(self) -> &'static str {
        match self {
            Lifecycle::Poc => "poc",
            Lifecycle::Production => "production",
            Lifecycle::Deprecated => "deprecated",
        }
    }
}

/// A path named in a fleet file: as written, and resolved against that file.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetPath {
    pub written: String,
    /// Resolved against the naming file's folder.
    pub resolved: PathBuf,
    /// Relative to the fleet directory when inside it, for messages.
    pub display: String,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub team: String,
    pub tier: Tier,
    pub lifecycle: Lifecycle,
    pub public: Option<bool>,
    pub repo: Option<FleetPath>,
    pub metrics: Option<MetricsSource>,
    pub logs: Vec<FleetPath>,
    pub log_retention_days: Option<u32>,
    pub slo: Option<Slo>,
    pub database: Option<Database>,
    pub docs: Docs,
    pub open_source: Option<OpenSource>,
    pub security_reports: Vec<FleetPath>,
    /// S-3: the repo's baseline of accepted secrets, relative to the repo.
    pub secrets_baseline: Option<String>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Default)]
pub struct MetricsSource {
    pub url: Option<String>,
    pub file: Option<FleetPath>,
    pub service_label: String,
    pub target_labels: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Slo {
    pub external: Option<SloTarget>,
    pub internal: Option<SloTarget>,
    pub sli: Option<Sli>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SloTarget {
    /// Percent, e.g. 99.9.
    pub objective: f64,
    /// As written: `30d`.
    pub window: String,
    pub window_secs: u64,
}

impl SloTarget {
    /// The error budget as a fraction: 99.9 → 0.001.
    pub fn error_budget(&self) -> f64 {
        (100.0 - self.objective) / 100.0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sli {
    pub errors: String,
    pub total: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Database {
    pub max_connections: Option<u64>,
    pub pool_size: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Docs {
    /// Relative to the repo.
    pub architecture: Option<String>,
    pub runbooks: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OpenSource {
    Yes,
    /// `false` with no reason.
    No,
    /// Closed, with the reason given.
    Reason(String),
}

/// F-1: a recorded exception to a rule.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub rule: String,
    pub service: Option<String>,
    pub reason: Option<String>,
    pub discussion: Option<String>,
    pub approved_by: Option<String>,
    pub expires: Option<NaiveDate>,
    pub origin: Origin,
    /// The waiver's index in waivers.yaml, for messages (`waivers.yaml[2]`).
    pub index: usize,
}

impl Waiver {
    /// `O-7 on ldap` or `O-10 (fleet)`.
    pub fn describe(&self) -> String {
        match &self.service {
            Some(s) => format!("{} on {s}", self.rule),
            None => format!("{} for the fleet", self.rule),
        }
    }

    /// Why this waiver cannot apply, whatever the date; `None` when complete.
    pub fn defects(&self, now: NaiveDate, max_days: i64) -> Vec<String> {
        let mut out = Vec::new();
        if self.discussion.is_none() {
            out.push("no discussion link".to_string());
        }
        if self.approved_by.is_none() {
            out.push("no approver (approved_by)".to_string());
        }
        match self.expires {
            None => out.push("no expiry date".to_string()),
            Some(e) if (e - now).num_days() > max_days => {
                out.push(format!("expires {e}, more than {max_days} days ahead"))
            }
            Some(_) => {}
        }
        out
    }

    pub fn is_expired(&self, now: NaiveDate) -> bool {
        self.expires.is_some_and(|e| e < now)
    }

    /// A waiver that covers its rule on `now`.
    pub fn applies(&self, now: NaiveDate, max_days: i64) -> bool {
        self.defects(now, max_days).is_empty() && !self.is_expired(now)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Records {
    pub incidents: Vec<Incident>,
    pub postmortems: Vec<Postmortem>,
    pub gamedays: Vec<Gameday>,
    pub dr_playbooks: Vec<DrPlaybook>,
    pub reviews: Vec<Review>,
    /// records/deployments.csv and records/deployments.jsonl, in that order.
    pub deployments: Vec<Deployment>,
    /// The problems found while loading records/: the records they concern
    /// were skipped, so a check reading that kind of record says so.
    pub problems: Vec<RecordProblem>,
    /// Record files set aside because of problems (each problem is also a
    /// load diagnostic), so that the checks that would have read them can
    /// say so instead of judging without them.
    pub rejected: Vec<RejectedRecord>,
    /// Deployments and reviews by service, built on first use: checks ask
    /// for one service's records, and a fleet has thousands of services.
    /// Built after loading; the lists are not changed once it is.
    index: RecordIndex,
}

#[derive(Debug, Clone, Default)]
struct RecordIndex {
    incidents: std::sync::OnceLock<Index>,
    deployments: std::sync::OnceLock<Index>,
    reviews: std::sync::OnceLock<Index>,
}

/// Positions of the records of each service, and the length of the list
/// when it was built.
type Index = (usize, HashMap<String, Vec<usize>>);

fn index_by<'a, T>(items: &'a [T], keys: impl Fn(&'a T) -> Vec<&'a str>) -> Index {
    let mut m: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, it) in items.iter().enumerate() {
        for k in keys(it) {
            let list = m.entry(k.to_string()).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    (items.len(), m)
}

/// The records of `service`: from the index while the list is the one it
/// was built on, else (a list changed after use, as tests do) by a scan.
fn lookup<'a, T>(
    items: &'a [T],
    cell: &'a std::sync::OnceLock<Index>,
    service: &str,
    keys: impl Fn(&'a T) -> Vec<&'a str> + Copy + 'a,
) -> Vec<&'a T> {
    let (len, index) = cell.get_or_init(|| index_by(items, keys));
    if *len == items.len() {
        index
            .get(service)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|&i| items.get(i))
            .filter(|it| keys(it).contains(&service))
            .collect()
    } else {
        items
            .iter()
            .filter(|it| keys(it).contains(&service))
            .collect()
    }
}

/// A record (or a line of a deployments file) that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    /// Relative to the fleet directory: `records/gamedays/2026-10.md`.
    pub file: String,
    pub line: Option<u32>,
    /// The whole diagnostic, as `relman validate` prints it.
    pub message: String,
}

impl RecordProblem {
    /// `file:line`, or the file.
    pub fn location(&self) -> String {
        match self.line {
            Some(l) => format!("{}:{l}", self.file),
            None => self.file.clone(),
        }
    }
}

impl Records {
    /// The problems of the record files under `prefix` (`records/gamedays/`,
    /// `records/deployments.`).
    pub fn problems_in<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a RecordProblem> {
        self.problems
            .iter()
            .filter(move |p| p.file.starts_with(prefix))
    }

    /// A service's deployments up to the end of `until`, in time order
    /// (ties in file order).
    pub fn deployments_of(&self, service: &str, until: NaiveDate) -> Vec<&Deployment> {
        let mut out: Vec<&Deployment> =
            lookup(&self.deployments, &self.index.deployments, service, |d| {
                vec![d.service.as_str()]
            })
            .into_iter()
            .filter(|d| d.at.date_naive() <= until)
            .collect();
        out.sort_by_key(|d| d.at);
        out
    }

    /// The incidents naming a service, in file order.
    pub fn incidents_for(&self, service: &str) -> Vec<&Incident> {
        lookup(&self.incidents, &self.index.incidents, service, |i| {
            i.services.iter().map(String::as_str).collect()
        })
    }

    /// A service's reviews, in file order.
    pub fn reviews_of(&self, service: &str) -> Vec<&Review> {
        lookup(&self.reviews, &self.index.reviews, service, |r| {
            vec![r.service.as_str()]
        })
    }

    /// A service's first deployment to each environment up to `until`, in
    /// time order. Environments are told apart case-insensitively.
    pub fn first_deployments(&self, service: &str, until: NaiveDate) -> Vec<&Deployment> {
        let mut out: Vec<&Deployment> = Vec::new();
        for d in self.deployments_of(service, until) {
            if !out
                .iter()
                .any(|f| f.environment.eq_ignore_ascii_case(&d.environment))
            {
                out.push(d);
            }
        }
        out
    }

    /// A service's first production deployment up to `until`.
    pub fn first_production_deployment(
        &self,
        service: &str,
        until: NaiveDate,
    ) -> Option<&Deployment> {
        self.deployments_of(service, until)
            .into_iter()
            .find(|d| d.is_production())
    }
}

/// A record file that was set aside, with what could still be read of it.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedRecord {
    /// Relative to the fleet directory.
    pub file: String,
    /// `Incident`, `Postmortem`, …: from its `kind`, else from its folder.
    pub kind: String,
    /// An incident's `id`, or the incident a postmortem names, when readable.
    pub id: Option<String>,
    /// An incident's `services`, as far as they could be read.
    pub services: Vec<String>,
    /// An incident's severity, when it is a valid one.
    pub severity: Option<IncidentSeverity>,
    /// Every problem, as `file:line:col: field: message`.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IncidentSeverity {
    Minor,
    Major,
    Critical,
}

impl IncidentSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentSeverity::Minor => "minor",
            IncidentSeverity::Major => "major",
            IncidentSeverity::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Incident {
    pub id: String,
    pub severity: IncidentSeverity,
    pub services: Vec<String>,
    pub started: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
    pub statuspage: Option<String>,
    pub playbook_run: Option<String>,
    pub postmortem: Option<FleetPath>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct ActionItem {
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<NaiveDate>,
    pub done: bool,
}

/// A runbook a postmortem links (C-2).
#[derive(Debug, Clone, PartialEq)]
pub enum Runbook {
    /// A link (anything with `://`); not fetched.
    Url(String),
    /// A path, resolved against the postmortem's folder, and whether it
    /// existed (a file or a folder) when the fleet was loaded.
    Path { path: FleetPath, exists: bool },
}

impl Runbook {
    /// As written in the postmortem.
    pub fn written(&self) -> &str {
        match self {
            Runbook::Url(u) => u,
            Runbook::Path { path, .. } => &path.written,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Postmortem {
    pub incident: String,
    pub date: Option<NaiveDate>,
    pub action_items: Vec<ActionItem>,
    /// In the order written; positions are `runbooks[i]` in `origin`.
    pub runbooks: Vec<Runbook>,
    /// The Markdown body after the front matter, and the line it starts on.
    pub body: String,
    pub body_line: u32,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct Gameday {
    pub date: NaiveDate,
    pub services: Vec<String>,
    pub hypothesis: Option<String>,
    pub impact: Option<String>,
    pub actions: Vec<ActionItem>,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct DrPlaybook {
    pub component: String,
    pub last_tested: Option<NaiveDate>,
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewType {
    Prr,
    Poc,
    Security,
}

impl ReviewType {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewType::Prr => "prr",
            ReviewType::Poc => "poc",
            ReviewType::Security => "security",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Review {
    pub kind: ReviewType,
    pub service: String,
    pub date: NaiveDate,
    pub outcome: Option<String>,
    pub link: Option<String>,
    pub origin: Origin,
}

/// One line of records/deployments.csv or records/deployments.jsonl.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub service: String,
    pub environment: String,
    pub deployer: String,
    pub at: DateTime<Utc>,
    pub file: String,
    pub line: u32,
}

impl Deployment {
    /// True for a production environment: `production`, `prod`, `prd` or
    /// `live`, in any case, alone or before a `-`/`_` suffix (`prod-eu`).
    pub fn is_production(&self) -> bool {
        let env = self.environment.to_ascii_lowercase();
        ["production", "prod", "prd", "live"].iter().any(|p| {
            env == *p
                || env
                    .strip_prefix(p)
                    .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('_'))
        })
    }

    /// `records/deployments.csv:7`.
    pub fn location(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// Evidence pointing at this line.
    pub fn evidence(&self) -> EvidenceRef {
        EvidenceRef::new("records", self.file.clone()).at(self.line, 1)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pricing {
    Spot,
    OnDemand,
    Reserved,
    SavingsPlan,
    /// Only from AWS Cost and Usage Reports: taxes, fees, credits, refunds
    /// and discounts, which are part of the bill but of no pricing model.
    /// The generic form does not accept it.
    Other,
}

impl Pricing {
    /// The generic form's spelling: `spot`, `on_demand`, `reserved`,
    /// `savings_plan` (and `other`).
    pub fn as_str(self) -> &'static str {
        match self {
            Pricing::Spot => "spot",
            Pricing::OnDemand => "on_demand",
            Pricing::Reserved => "reserved",
            Pricing::SavingsPlan => "savings_plan",
            Pricing::Other => "other",
        }
    }
}

/// The shape of a cost file, told from its header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CostSource {
    /// `month,environment,pricing,cost_usd[,customers][,capacity_hours]`.
    Generic,
    /// A legacy AWS Cost and Usage Report (`lineItem/UnblendedCost`...).
    CurLegacy,
    /// An AWS Data Exports CUR 2.0 table (`line_item_unblended_cost`...).
    Cur2,
}

impl CostSource {
    pub fn as_str(self) -> &'static str {
        match self {
            CostSource::Generic => "generic",
            CostSource::CurLegacy => "AWS CUR",
            CostSource::Cur2 => "AWS CUR 2.0",
        }
    }
}

/// One row of a cost export. A generic file gives one per line; the lines
/// of a Cost and Usage Report are summed per month, environment and
/// pricing, and `line` is the first of them.
#[derive(Debug, Clone)]
pub struct CostRow {
    /// `2026-10`.
    pub month: String,
    /// As tagged; `untagged` when a CUR line carries no environment tag.
    pub environment: String,
    pub pricing: Pricing,
    pub cost_usd: f64,
    pub customers: Option<u64>,
    pub file: String,
    pub line: u32,
    /// Instance-hours (P-3): `None` when the file does not give them; 0 for
    /// rows that are not instance usage.
    pub capacity_hours: Option<f64>,
    pub source: CostSource,
    /// How many lines of the file this row sums (1 for the generic form).
    pub lines: u32,
}

/// The number of customers in a month, from cost/customers.csv or the
/// generic form's `customers` column.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerCount {
    /// `2026-10`.
    pub month: String,
    pub customers: u64,
    pub file: String,
    pub line: u32,
}

/// A cost file that was read.
#[derive(Debug, Clone, PartialEq)]
pub struct CostFile {
    /// Relative to the fleet directory.
    pub file: String,
    pub source: CostSource,
    /// Lines of data accepted.
    pub lines: u32,
    /// Lines skipped for a problem.
    pub skipped: u32,
    /// True when the file gives instance-hours (a `capacity_hours` column,
    /// or a CUR usage amount).
    pub capacity_hours: bool,
}

/// A problem found in a cost file, kept so that the cost checks can say
/// their input was incomplete (the same problem is a load diagnostic).
#[derive(Debug, Clone, PartialEq)]
pub struct CostProblem {
    pub file: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// `field: what is wrong`.
    pub message: String,
}

impl CostProblem {
    pub fn at(&self) -> EvidenceRef {
        let r = EvidenceRef::new("cost", self.file.clone());
        match (self.line, self.column) {
            (Some(l), Some(c)) => r.at(l, c),
            (Some(l), None) => r.at(l, 1),
            _ => r,
        }
    }
}

impl std::fmt::Display for CostProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at().display(), self.message)
    }
}

/// Everything read from cost/.
#[derive(Debug, Clone, Default)]
pub struct CostData {
    pub rows: Vec<CostRow>,
    /// From cost/customers.csv, else from the generic rows' `customers`;
    /// one per month, sorted by month.
    pub customers: Vec<CustomerCount>,
    pub files: Vec<CostFile>,
    pub problems: Vec<CostProblem>,
}

impl CostData {
    /// True when the fleet directory gave no cost file at all.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.files.is_empty() && self.problems.is_empty()
    }
}

/// The `cost:` section of relman.yaml. Percentages are in percent (30
/// means 30%), as the manifesto writes them.
#[derive(Debug, Clone, PartialEq)]
pub struct CostConfig {
    /// P-3: the least rise of the spot share from one quarter to the next,
    /// in percentage points, while it is under `spot_max_percent` (default 2).
    pub spot_min_rise_points: f64,
    /// P-3: the largest spot share, in percent (default 50).
    pub spot_max_percent: f64,
    /// P-4: the largest non-production share of the total cost, in percent
    /// (default 30).
    pub non_production_max_percent: f64,
    /// P-4: when more than this share of a month's cost (percent, default
    /// 10) carries no environment, its non-production share is unverified.
    pub untagged_max_percent: f64,
    /// Environments counted as production (compared without case; default
    /// `production`, `prod`). Every other environment but `untagged` is
    /// non-production.
    pub production_environments: Vec<String>,
    /// The cost allocation tag that names the environment in a CUR
    /// (`resourceTags/user:<tag>`, `resource_tags` key `user_<tag>`;
    /// default `environment`).
    pub environment_tag: String,
    /// How many complete months, ending with the last month before today,
    /// the cost rules judge (default 12).
    pub window_months: u32,
}

impl Default for CostConfig {
    fn default() -> CostConfig {
        CostConfig {
            spot_min_rise_points: 2.0,
            spot_max_percent: 50.0,
            non_production_max_percent: 30.0,
            untagged_max_percent: 10.0,
            production_environments: vec!["production".to_string(), "prod".to_string()],
            environment_tag: "environment".to_string(),
            window_months: 12,
        }
    }
}

impl CostConfig {
    /// True when `environment` counts as production.
    pub fn is_production(&self, environment: &str) -> bool {
        self.production_environments
            .iter()
            .any(|p| p.eq_ignore_ascii_case(environment))
    }
}

impl Service {
    /// A service with nothing but a name and a team: critical, in
    /// production, with no evidence sources. For one-off checks (`relman
    /// metrics lint --service`) and tests.
    pub fn named(name: &str, team: &str) -> Service {
        Service {
            name: name.to_string(),
            team: team.to_string(),
            tier: Tier::Critical,
            lifecycle: Lifecycle::Production,
            public: None,
            repo: None,
            metrics: None,
            logs: Vec::new(),
            log_retention_days: None,
            slo: None,
            database: None,
            docs: Docs::default(),
            open_source: None,
            security_reports: Vec::new(),
            secrets_baseline: None,
            origin: Origin::new(format!("services/{name}.yaml")),
        }
    }
}

impl Fleet {
    /// A fleet with no files behind it: the built-in manifesto and default
    /// tuning. For checks run outside an audit, and tests.
    pub fn standalone(name: &str) -> Fleet {
        Fleet {
            root: PathBuf::from("."),
            config: FleetConfig {
                name: name.to_string(),
                origin: Origin::new("relman.yaml"),
                ..FleetConfig::default()
            },
            manifesto: Manifesto::builtin(),
            tuning: Tuning::default(),
            services: Vec::new(),
            broken_services: Vec::new(),
            waivers: Vec::new(),
            records: Records::default(),
            cost: CostData::default(),
        }
    }
}
