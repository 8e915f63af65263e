//! Mattermost Playbooks runs → `Incident` records.
//!
//! The input is what the Playbooks REST API returns: the paginated list of
//! `GET /plugins/playbooks/api/v0/runs` (`{"items": [...], "total_count",
//! "page_count", "has_more"}`), a bare array of runs, or one run object
//! (`GET /plugins/playbooks/api/v0/runs/{id}`). Only the fields read here
//! must have the API's types; every other field is ignored.
//!
//! What each record holds, and the decisions behind it:
//! - `id` is the run id: stable across re-imports and renames of the run,
//!   and what a postmortem's `incident:` names. The file is
//!   `<date started>-<slug of the run name>.md`.
//! - `started` is `create_at`; `resolved` is `end_at` when the run is
//!   finished (`end_at` 0 or `current_status: InProgress` → no `resolved`).
//! - `severity` comes from the run property named `Severity` (any case,
//!   spaces and punctuation ignored; another name with
//!   [`Options::severity_property`]). Its value maps case-insensitively:
//!   sev0/sev1/critical → critical, sev2/major/high → major,
//!   sev3/minor/low → minor. A run whose severity is set to anything else
//!   is refused: guessing could hide a major incident from C-2. A run with
//!   no severity is refused too, unless [`Options::default_severity`] is
//!   given (then the record says it was defaulted).
//! - `services` comes from the run property named `Services` (or
//!   [`Options::services_property`]): the names of a multiselect, or a text
//!   value separated by commas. A run without it takes
//!   [`Options::services`]; with neither, it is refused.
//! - `statuspage` comes from a `Status page` property holding a URL.
//! - `playbook_run` is `<server>/playbooks/runs/<id>`.
//! - The body holds the run's facts (owner, playbook, channel, status
//!   updates), its summary, its timeline as a table (deleted events left
//!   out), and its retrospective with the time it was published, or says
//!   it was canceled or is a draft (an unfilled template is left out).
//!
//! Property values come from `property_fields`/`property_values` (select
//! and multiselect values are option ids, turned into option names), or
//! from a `properties` object of name → value, whichever the run has.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use chrono::{DateTime, SecondsFormat, Utc};
use relman_core::fleet::IncidentSeverity;
use serde::{Deserialize, Deserializer};

/// How runs become records.
#[derive(Debug, Clone)]
pub struct Options {
    /// The Mattermost server the runs come from (`https://mattermost.example.com`).
    pub server_url: String,
    /// The run property that holds the severity.
    pub severity_property: String,
    /// The run property that holds the affected services.
    pub services_property: String,
    /// Services for the runs that do not name any.
    pub services: Vec<String>,
    /// The severity of runs that have none; `None` refuses them.
    pub default_severity: Option<IncidentSeverity>,
}

impl Options {
    /// The defaults: properties `Severity` and `Services`, no fallbacks.
    pub fn new(server_url: impl Into<String>) -> Options {
        Options {
            server_url: server_url.into(),
            severity_property: "Severity".to_string(),
            services_property: "Services".to_string(),
            services: Vec::new(),
            default_severity: None,
        }
    }
}

/// One run, as an incident record ready to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedIncident {
    /// The run id, which is also the record's `id`.
    pub run_id: String,
    pub name: String,
    /// `2026-10-20-checkout-api-5xx-after-payments-api-v4-12-rollout.md`.
    pub file_name: String,
    pub severity: IncidentSeverity,
    pub services: Vec<String>,
    pub started: DateTime<Utc>,
    pub resolved: Option<DateTime<Utc>>,
    pub playbook_run: String,
    /// The whole record: front matter and body.
    pub text: String,
    /// What a person should know about this record (a defaulted severity,
    /// a run still in progress…).
    pub notes: Vec<String>,
}

/// A run that was not turned into a record, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    /// Where it is in the input and what it is:
    /// `items[2] (run j6tqp1ym8rk3wz5hx9bfn2ce7d "Duplicate invoice e-mails")`.
    pub run: String,
    pub reason: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.run, self.reason)
    }
}

/// The records of the runs that could be converted, and the runs that
/// could not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conversion {
    pub incidents: Vec<ImportedIncident>,
    pub refused: Vec<Refused>,
}

/// Why the input could not be read at all.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    /// Not JSON, or a field read here with the wrong type or missing.
    #[error("{line}:{column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    /// JSON, but not runs.
    #[error("{0}")]
    Shape(String),
    #[error(
        "{0}: not a server URL, expected http(s)://host such as https://mattermost.example.com"
    )]
    ServerUrl(String),
}

fn json_error(e: serde_json::Error) -> ImportError {
    let (line, column) = (e.line(), e.column());
    let text = e.to_string();
    let suffix = format!(" at line {line} column {column}");
    let message = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
    // serde_json says column 0 at the start of a line (an input cut short
    // after a newline); editors count from 1.
    ImportError::Json {
        line,
        column: column.max(1),
        message,
    }
}

/// Name the run a typed error is in (`items[3]: missing field `id``):
/// the first run that does not read on its own.
fn in_run(e: ImportError, items: &[serde_json::Value], list: &str) -> ImportError {
    let ImportError::Json {
        line,
        column,
        message,
    } = e
    else {
        return e;
    };
    let failing = items
        .iter()
        .position(|v| serde_json::from_value::<Run>(v.clone()).is_err());
    let message = match failing {
        Some(i) => format!("{list}[{i}]: {message}"),
        None => message,
    };
    ImportError::Json {
        line,
        column,
        message,
    }
}

/// `null` where the API sometimes sends one: the type's default.
fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Deserialize)]
struct RunList {
    #[serde(default, deserialize_with = "nullable")]
    items: Vec<Run>,
}

#[derive(Deserialize)]
struct Run {
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    summary: String,
    #[serde(default, deserialize_with = "nullable")]
    owner_user_id: String,
    #[serde(default, deserialize_with = "nullable")]
    team_id: String,
    #[serde(default, deserialize_with = "nullable")]
    channel_id: String,
    #[serde(default, deserialize_with = "nullable")]
    playbook_id: String,
    create_at: i64,
    #[serde(default, deserialize_with = "nullable")]
    end_at: i64,
    #[serde(default, deserialize_with = "nullable")]
    current_status: String,
    #[serde(default, deserialize_with = "nullable")]
    retrospective: String,
    #[serde(default, deserialize_with = "nullable")]
    retrospective_published_at: i64,
    #[serde(default, deserialize_with = "nullable")]
    retrospective_was_canceled: bool,
    #[serde(default, deserialize_with = "nullable")]
    status_posts: Vec<StatusPost>,
    #[serde(default, deserialize_with = "nullable")]
    timeline_events: Vec<TimelineEvent>,
    #[serde(default, deserialize_with = "nullable")]
    property_fields: Vec<PropertyField>,
    #[serde(default, deserialize_with = "nullable")]
    property_values: Vec<PropertyValue>,
    #[serde(default, deserialize_with = "nullable")]
    properties: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct StatusPost {
    #[serde(default, deserialize_with = "nullable")]
    create_at: i64,
    #[serde(default, deserialize_with = "nullable")]
    delete_at: i64,
}

#[derive(Deserialize)]
struct TimelineEvent {
    #[serde(default, deserialize_with = "nullable")]
    event_at: i64,
    #[serde(default, deserialize_with = "nullable")]
    create_at: i64,
    #[serde(default, deserialize_with = "nullable")]
    delete_at: i64,
    #[serde(default, deserialize_with = "nullable")]
    event_type: String,
    #[serde(default, deserialize_with = "nullable")]
    summary: String,
    #[serde(default, deserialize_with = "nullable")]
    details: String,
}

#[derive(Deserialize)]
struct PropertyField {
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
    #[serde(default, deserialize_with = "nullable")]
    delete_at: i64,
    #[serde(default, deserialize_with = "nullable")]
    attrs: FieldAttrs,
}

#[derive(Deserialize, Default)]
struct FieldAttrs {
    #[serde(default, deserialize_with = "nullable")]
    options: Vec<FieldOption>,
}

#[derive(Deserialize)]
struct FieldOption {
    id: String,
    #[serde(default, deserialize_with = "nullable")]
    name: String,
}

#[derive(Deserialize)]
struct PropertyValue {
    field_id: String,
    #[serde(default)]
    value: serde_json::Value,
    #[serde(default, deserialize_with = "nullable")]
    delete_at: i64,
}

/// Convert the runs in `json` into incident records.
pub fn convert(json: &str, opts: &Options) -> Result<Conversion, ImportError> {
    let server = server_url(&opts.server_url)?;
    // Syntax first, for its position; then the shape decides which typed
    // form to read (whose errors carry positions too).
    let value: serde_json::Value = serde_json::from_str(json).map_err(json_error)?;
    let runs: Vec<(String, Run)> = match &value {
        serde_json::Value::Array(items) => serde_json::from_str::<Vec<Run>>(json)
            .map_err(|e| in_run(json_error(e), items, ""))?
            .into_iter()
            .enumerate()
            .map(|(i, r)| (format!("[{i}]"), r))
            .collect(),
        serde_json::Value::Object(m) if m.contains_key("items") => {
            let items = m
                .get("items")
                .and_then(serde_json::Value::as_array)
                .map_or(&[][..], Vec::as_slice);
            serde_json::from_str::<RunList>(json)
                .map_err(|e| in_run(json_error(e), items, "items"))?
                .items
                .into_iter()
                .enumerate()
                .map(|(i, r)| (format!("items[{i}]"), r))
                .collect()
        }
        serde_json::Value::Object(m) if m.contains_key("id") || m.contains_key("create_at") => {
            vec![(
                String::new(),
                serde_json::from_str::<Run>(json).map_err(json_error)?,
            )]
        }
        other => {
            return Err(ImportError::Shape(format!(
                "expected Playbooks runs: the list GET /plugins/playbooks/api/v0/runs returns \
                 ({{\"items\": [...]}}), an array of runs or one run object; found {}",
                kind(other)
            )));
        }
    };

    let mut out = Conversion::default();
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut file_names: BTreeSet<String> = BTreeSet::new();
    for (path, run) in &runs {
        let what = if run.name.trim().is_empty() {
            format!("run {}", run.id)
        } else {
            format!("run {} \"{}\"", run.id, one_line(&run.name))
        };
        let label = if path.is_empty() {
            what
        } else {
            format!("{path} ({what})")
        };
        if let Some((first, _)) = seen.iter().find(|(_, id)| *id == run.id) {
            out.refused.push(Refused {
                run: label,
                reason: format!("the same run id as {first}; the first is imported"),
            });
            continue;
        }
        seen.push((path.clone(), run.id.clone()));
        match incident(run, opts, &server, &mut file_names) {
            Ok(i) => out.incidents.push(i),
            Err(reason) => out.refused.push(Refused { run: label, reason }),
        }
    }
    Ok(out)
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object with neither \"items\" nor \"id\"",
    }
}

fn server_url(url: &str) -> Result<String, ImportError> {
    let trimmed = url.trim().trim_end_matches('/');
    let host = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match host {
        Some(h) if !h.is_empty() && !h.contains(char::is_whitespace) => Ok(trimmed.to_string()),
        _ => Err(ImportError::ServerUrl(url.to_string())),
    }
}

fn time(ms: i64) -> Option<DateTime<Utc>> {
    (ms > 0)
        .then(|| DateTime::from_timestamp_millis(ms))
        .flatten()
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Text on one line, for messages.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Lowercase letters and digits only: `Status page` → `statuspage`,
/// `SEV-2` → `sev2`.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Map a severity as teams write it; `None` when it is none of the known forms.
pub fn severity_of(value: &str) -> Option<IncidentSeverity> {
    match normalize(value).as_str() {
        "sev0" | "sev1" | "critical" => Some(IncidentSeverity::Critical),
        "sev2" | "major" | "high" => Some(IncidentSeverity::Major),
        "sev3" | "minor" | "low" => Some(IncidentSeverity::Minor),
        _ => None,
    }
}

fn strings(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Null => Vec::new(),
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(items) => items.iter().flat_map(strings).collect(),
        other => vec![other.to_string()],
    }
}

/// The values of the run property `name`, option ids turned into option
/// names; `None` when the run does not set it.
fn property(run: &Run, name: &str) -> Option<Vec<String>> {
    let wanted = normalize(name);
    let from_fields = run
        .property_fields
        .iter()
        .filter(|f| f.delete_at == 0 && normalize(&f.name) == wanted)
        .find_map(|field| {
            let value = run
                .property_values
                .iter()
                .find(|v| v.delete_at == 0 && v.field_id == field.id)?;
            let names: Vec<String> = strings(&value.value)
                .into_iter()
                .map(|s| {
                    field
                        .attrs
                        .options
                        .iter()
                        .find(|o| o.id == s)
                        .map_or(s, |o| o.name.clone())
                })
                .collect();
            Some(names)
        });
    let values = from_fields.or_else(|| {
        run.properties
            .iter()
            .find(|(k, _)| normalize(k) == wanted)
            .map(|(_, v)| strings(v))
    })?;
    let values: Vec<String> = values
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (!values.is_empty()).then_some(values)
}

fn valid_run_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `Checkout API 5xx after v4.12` → `checkout-api-5xx-after-v4-12`, at
/// most 60 characters, cut at a dash.
fn slug(name: &str) -> String {
    let mut s = String::new();
    let mut dash = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if dash && !s.is_empty() {
                s.push('-');
            }
            dash = false;
            s.push(c.to_ascii_lowercase());
        } else if !c.is_alphanumeric() {
            dash = true;
        }
    }
    if s.len() > 60 {
        let cut = s[..60].rfind('-').unwrap_or(60);
        s.truncate(cut);
    }
    s
}

fn incident(
    run: &Run,
    opts: &Options,
    server: &str,
    file_names: &mut BTreeSet<String>,
) -> Result<ImportedIncident, String> {
    if !valid_run_id(&run.id) {
        return Err(format!(
            "the run id {:?} is not a Playbooks run id (letters, digits, - and _)",
            run.id
        ));
    }
    let started = time(run.create_at).ok_or_else(|| {
        format!(
            "create_at {} is not a time (milliseconds since 1970)",
            run.create_at
        )
    })?;
    let mut notes = Vec::new();

    let (severity, severity_source) = match property(run, &opts.severity_property).as_deref() {
        Some([one]) => {
            let s = severity_of(one).ok_or_else(|| {
                format!(
                    "unknown severity \"{}\" in the run property \"{}\": expected sev1/critical, \
                     sev2/major/high or sev3/minor/low (any case); set a known value in the run",
                    one_line(one),
                    opts.severity_property
                )
            })?;
            (
                s,
                format!(
                    "the run property \"{}\" is \"{}\"",
                    opts.severity_property,
                    one_line(one)
                ),
            )
        }
        Some(many) => {
            return Err(format!(
                "the run property \"{}\" holds {} values ({}), expected one severity",
                opts.severity_property,
                many.len(),
                many.join(", ")
            ));
        }
        None => match opts.default_severity {
            Some(s) => {
                notes.push(format!(
                    "no \"{}\" property: severity {} from --default-severity",
                    opts.severity_property,
                    s.as_str()
                ));
                (
                    s,
                    format!(
                        "the run has no \"{}\" property; given at import",
                        opts.severity_property
                    ),
                )
            }
            None => {
                return Err(format!(
                    "no severity: the run property \"{}\" is not set; set it in the run, \
                     or pass --default-severity minor|major|critical",
                    opts.severity_property
                ));
            }
        },
    };

    let mut services: Vec<String> = Vec::new();
    for v in property(run, &opts.services_property).unwrap_or_default() {
        for s in v.split([',', '\n']) {
            let s = s.trim();
            if !s.is_empty() && !services.iter().any(|x| x == s) {
                services.push(s.to_string());
            }
        }
    }
    if services.is_empty() {
        if opts.services.is_empty() {
            return Err(format!(
                "no services: the run property \"{}\" is not set; set it in the run, \
                 or pass --service NAME",
                opts.services_property
            ));
        }
        services = opts.services.clone();
        notes.push(format!(
            "no \"{}\" property: services {} from --service",
            opts.services_property,
            services.join(", ")
        ));
    }

    let finished = match run.current_status.as_str() {
        "InProgress" => false,
        "Finished" => true,
        _ => run.end_at > 0,
    };
    let resolved = if finished {
        match time(run.end_at) {
            Some(end) if end < started => {
                return Err(format!(
                    "end_at {} is before create_at {}",
                    iso(end),
                    iso(started)
                ));
            }
            Some(end) => Some(end),
            None => {
                notes.push("finished but end_at is 0: written without `resolved`".to_string());
                None
            }
        }
    } else {
        notes.push("still in progress: written without `resolved`".to_string());
        None
    };

    let statuspage = match property(run, "Status page").as_deref() {
        Some([url]) if url.contains("://") => Some(url.clone()),
        Some(other) => {
            notes.push(format!(
                "the \"Status page\" property ({}) is not a URL: left out",
                other.join(", ")
            ));
            None
        }
        None => None,
    };

    let playbook_run = format!("{server}/playbooks/runs/{}", run.id);
    let name = if run.name.trim().is_empty() {
        run.id.clone()
    } else {
        one_line(&run.name)
    };
    let date = started.format("%Y-%m-%d");
    let stem = match slug(&name) {
        s if s.is_empty() => run.id.to_ascii_lowercase(),
        s => s,
    };
    let mut file_name = format!("{date}-{stem}.md");
    if file_names.contains(&file_name) {
        let short: String = run.id.chars().take(8).collect();
        file_name = format!("{date}-{stem}-{}.md", short.to_ascii_lowercase());
    }
    file_names.insert(file_name.clone());

    let text = render(
        run,
        &Rendered {
            name: &name,
            severity,
            severity_source: &severity_source,
            services: &services,
            started,
            resolved,
            statuspage: statuspage.as_deref(),
            playbook_run: &playbook_run,
        },
    );
    Ok(ImportedIncident {
        run_id: run.id.clone(),
        name,
        file_name,
        severity,
        services,
        started,
        resolved,
        playbook_run,
        text,
        notes,
    })
}

struct Rendered<'a> {
    name: &'a str,
    severity: IncidentSeverity,
    /// Where the severity came from, for the record's reader.
    severity_source: &'a str,
    services: &'a [String],
    started: DateTime<Utc>,
    resolved: Option<DateTime<Utc>>,
    statuspage: Option<&'a str>,
    playbook_run: &'a str,
}

/// A YAML double-quoted scalar.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a Markdown table cell: pipes escaped, lines joined with `<br>`.
fn cell(s: &str) -> String {
    s.trim()
        .lines()
        .map(|l| l.trim_end().replace('|', "\\|"))
        .collect::<Vec<_>>()
        .join("<br>")
}

fn render(run: &Run, r: &Rendered) -> String {
    let mut out = String::new();
    out.push_str("---\n");
    out.push_str("# Imported from Mattermost Playbooks by `relman import playbooks`.\n");
    out.push_str("kind: Incident\n");
    let _ = writeln!(out, "id: {}", quoted(&run.id));
    let _ = writeln!(out, "title: {}", quoted(r.name));
    let _ = writeln!(out, "severity: {}", r.severity.as_str());
    let services: Vec<String> = r.services.iter().map(|s| quoted(s)).collect();
    let _ = writeln!(out, "services: [{}]", services.join(", "));
    let _ = writeln!(out, "started: {}", iso(r.started));
    if let Some(t) = r.resolved {
        let _ = writeln!(out, "resolved: {}", iso(t));
    }
    if let Some(url) = r.statuspage {
        let _ = writeln!(out, "statuspage: {}", quoted(url));
    }
    let _ = writeln!(out, "playbook_run: {}", quoted(r.playbook_run));
    out.push_str("---\n");

    let _ = writeln!(out, "# {}\n", one_line(r.name));
    let _ = writeln!(out, "- Playbook run: <{}>", r.playbook_run);
    match r.resolved {
        Some(t) => {
            let _ = writeln!(out, "- Status: finished {}", iso(t));
        }
        None if run.current_status == "InProgress" || run.end_at == 0 => {
            out.push_str("- Status: in progress when imported\n");
        }
        None => out.push_str("- Status: finished, with no end time\n"),
    }
    let _ = writeln!(
        out,
        "- Severity: {} ({})",
        r.severity.as_str(),
        r.severity_source
    );
    if !run.owner_user_id.is_empty() {
        let _ = writeln!(out, "- Owner: Mattermost user `{}`", run.owner_user_id);
    }
    let mut source = Vec::new();
    for (what, id) in [
        ("playbook", &run.playbook_id),
        ("channel", &run.channel_id),
        ("team", &run.team_id),
    ] {
        if !id.is_empty() {
            source.push(format!("{what} `{id}`"));
        }
    }
    if !source.is_empty() {
        let _ = writeln!(out, "- From: {}", source.join(", "));
    }
    let posts: Vec<&StatusPost> = run
        .status_posts
        .iter()
        .filter(|p| p.delete_at == 0)
        .collect();
    match posts.iter().filter_map(|p| time(p.create_at)).max() {
        Some(last) => {
            let _ = writeln!(
                out,
                "- Status updates: {}, the last {}",
                posts.len(),
                iso(last)
            );
        }
        None => out.push_str("- Status updates: none\n"),
    }

    out.push_str("\n## Summary\n\n");
    match run.summary.trim() {
        "" => out.push_str("No summary was written in the run.\n"),
        s => {
            out.push_str(s);
            out.push('\n');
        }
    }

    let mut events: Vec<&TimelineEvent> = run
        .timeline_events
        .iter()
        .filter(|e| e.delete_at == 0)
        .collect();
    events.sort_by_key(|e| {
        if e.event_at > 0 {
            e.event_at
        } else {
            e.create_at
        }
    });
    out.push_str("\n## Timeline (UTC)\n\n");
    if events.is_empty() {
        out.push_str("The run has no timeline events.\n");
    } else {
        out.push_str("| time | event | summary | details |\n| --- | --- | --- | --- |\n");
        for e in events {
            let at = time(if e.event_at > 0 {
                e.event_at
            } else {
                e.create_at
            })
            .map_or_else(
                || "—".to_string(),
                |t| t.format("%Y-%m-%d %H:%M").to_string(),
            );
            // Structured details (task changes) repeat the summary.
            let details = match e.details.trim_start() {
                d if d.starts_with('{') || d.starts_with('[') => String::new(),
                d => cell(d),
            };
            let kind = if e.event_type.is_empty() {
                String::new()
            } else {
                format!("`{}`", e.event_type.replace('`', ""))
            };
            let _ = writeln!(out, "| {at} | {kind} | {} | {details} |", cell(&e.summary));
        }
    }

    let retro = run.retrospective.trim();
    if let Some(t) = time(run.retrospective_published_at) {
        let _ = writeln!(out, "\n## Retrospective\n\nPublished {}.\n", iso(t));
        match retro {
            "" => out.push_str("The published retrospective is empty.\n"),
            text => {
                out.push_str(text);
                out.push('\n');
            }
        }
    } else if run.retrospective_was_canceled {
        out.push_str("\n## Retrospective\n\nCanceled in the run: no retrospective was written.\n");
    } else if retro
        .lines()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    {
        // A draft with text of its own; the playbook's template (headings
        // only) is not one.
        out.push_str("\n## Retrospective (draft, not published)\n\n");
        out.push_str(retro);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Options {
        Options::new("https://mattermost.example.com/")
    }

    fn run_json(extra: &str) -> String {
        format!(
            r#"{{"id": "abc123", "name": "DB failover", "create_at": 1790000000000,
               "end_at": 1790003600000, "current_status": "Finished",
               "property_fields": [
                 {{"id": "f1", "name": "Severity", "type": "select",
                   "attrs": {{"options": [{{"id": "o1", "name": "SEV-1"}}, {{"id": "o2", "name": "P2"}}]}}}},
                 {{"id": "f2", "name": "Services", "type": "text", "attrs": {{"options": null}}}}
               ]{extra}}}"#
        )
    }

    fn with_values(severity: &str, services: &str) -> String {
        run_json(&format!(
            r#", "property_values": [
                 {{"field_id": "f1", "value": {severity}}},
                 {{"field_id": "f2", "value": {services}}}]"#
        ))
    }

    #[test]
    fn severities_map_case_insensitively() {
        use IncidentSeverity::*;
        for (v, s) in [
            ("SEV1", Critical),
            ("sev-1", Critical),
            ("Sev 0", Critical),
            ("critical", Critical),
            ("SEV-2", Major),
            ("Major", Major),
            ("HIGH", Major),
            ("sev3", Minor),
            ("minor", Minor),
            ("Low", Minor),
        ] {
            assert_eq!(severity_of(v), Some(s), "{v}");
        }
        for v in ["P2", "medium", "sev4", ""] {
            assert_eq!(severity_of(v), None, "{v}");
        }
    }

    #[test]
    fn a_select_value_is_an_option_id() {
        let c = convert(&with_values(r#""o1""#, r#""api, web""#), &opts()).expect("converts");
        assert!(c.refused.is_empty(), "{:?}", c.refused);
        let i = &c.incidents[0];
        assert_eq!(i.severity, IncidentSeverity::Critical);
        assert_eq!(i.services, ["api", "web"]);
        assert_eq!(
            i.playbook_run,
            "https://mattermost.example.com/playbooks/runs/abc123"
        );
        assert_eq!(i.file_name, "2026-09-21-db-failover.md");
        assert!(
            i.text.contains("\nresolved: 2026-09-21T15:13:20Z\n"),
            "{}",
            i.text
        );
    }

    #[test]
    fn an_unknown_severity_refuses_the_run() {
        let c = convert(&with_values(r#""o2""#, r#""api""#), &opts()).expect("converts");
        assert!(c.incidents.is_empty());
        assert_eq!(
            c.refused[0].to_string(),
            "run abc123 \"DB failover\": unknown severity \"P2\" in the run property \
             \"Severity\": expected sev1/critical, sev2/major/high or sev3/minor/low (any case); \
             set a known value in the run"
        );
    }

    #[test]
    fn no_severity_refuses_unless_a_default_is_given() {
        let json = run_json(r#", "property_values": [{"field_id": "f2", "value": "api"}]"#);
        let c = convert(&json, &opts()).expect("converts");
        assert!(
            c.refused[0].reason.starts_with("no severity:"),
            "{:?}",
            c.refused
        );
        let mut o = opts();
        o.default_severity = Some(IncidentSeverity::Minor);
        let c = convert(&json, &o).expect("converts");
        assert_eq!(c.incidents[0].severity, IncidentSeverity::Minor);
        assert_eq!(
            c.incidents[0].notes,
            ["no \"Severity\" property: severity minor from --default-severity"]
        );
    }

    #[test]
    fn services_fall_back_to_the_option() {
        let json = run_json(r#", "property_values": [{"field_id": "f1", "value": "o1"}]"#);
        let c = convert(&json, &opts()).expect("converts");
        assert!(c.refused[0].reason.starts_with("no services:"));
        let mut o = opts();
        o.services = vec!["api".to_string()];
        let c = convert(&json, &o).expect("converts");
        assert_eq!(c.incidents[0].services, ["api"]);
        // Another property name, and the `properties` object form.
        let mut o = opts();
        o.services_property = "Affected components".to_string();
        let json = r#"{"id": "r2", "name": "x", "create_at": 1790000000000,
            "properties": {"severity": "minor", "affected_components": ["a", "b"]}}"#;
        let c = convert(json, &o).expect("converts");
        assert_eq!(c.incidents[0].services, ["a", "b"]);
        assert_eq!(c.incidents[0].resolved, None);
    }

    #[test]
    fn bad_input_names_line_and_column() {
        let e = convert(
            "{\"items\": [\n  {\"id\": \"a\", \"create_at\": \"yesterday\"}\n]}",
            &opts(),
        )
        .expect_err("a string time");
        assert_eq!(
            e.to_string(),
            "2:38: items[0]: invalid type: string \"yesterday\", expected i64"
        );
        let e = convert("[{\"name\": \"x\",\n \"create_at\": 1}]", &opts()).expect_err("no id");
        assert_eq!(e.to_string(), "2:16: [0]: missing field `id`");
        let e = convert("{\"items\": [}", &opts()).expect_err("not JSON");
        assert!(
            matches!(
                e,
                ImportError::Json {
                    line: 1,
                    column: 12,
                    ..
                }
            ),
            "{e}"
        );
        let e = convert("\"runs\"", &opts()).expect_err("a string");
        assert!(e.to_string().ends_with("found a string"), "{e}");
        let e = convert("[]", &Options::new("mattermost.example.com")).expect_err("url");
        assert!(matches!(e, ImportError::ServerUrl(_)));
    }

    #[test]
    fn odd_runs_are_refused_and_the_others_kept() {
        let json = r#"[
            {"id": "ok1", "name": "A", "create_at": 1790000000000, "properties": {"severity": "low", "services": "a"}},
            {"id": "ok1", "name": "A again", "create_at": 1790000000000},
            {"id": "../etc", "create_at": 1790000000000},
            {"id": "z", "create_at": 0},
            {"id": "late", "create_at": 1790000000000, "end_at": 1780000000000,
             "properties": {"severity": "low", "services": "a"}}
        ]"#;
        let c = convert(json, &opts()).expect("converts");
        assert_eq!(c.incidents.len(), 1);
        let reasons: Vec<String> = c.refused.iter().map(ToString::to_string).collect();
        assert_eq!(
            reasons,
            [
                "[1] (run ok1 \"A again\"): the same run id as [0]; the first is imported",
                "[2] (run ../etc): the run id \"../etc\" is not a Playbooks run id (letters, digits, - and _)",
                "[3] (run z): create_at 0 is not a time (milliseconds since 1970)",
                "[4] (run late): end_at 2026-05-28T20:26:40Z is before create_at 2026-09-21T14:13:20Z",
            ]
        );
    }

    #[test]
    fn names_become_slugs() {
        assert_eq!(
            slug("Checkout API 5xx after payments-api v4.12 rollout"),
            "checkout-api-5xx-after-payments-api-v4-12-rollout"
        );
        assert_eq!(slug("  Café — down!  "), "caf-down");
        assert_eq!(slug("日本"), "");
        assert!(slug(&"word ".repeat(30)).len() <= 60);
        assert_eq!(quoted("a \"b\"\\\n"), "\"a \\\"b\\\"\\\\\\n\"");
        assert_eq!(cell("a | b\nc"), "a \\| b<br>c");
    }

    #[test]
    fn the_same_name_on_the_same_day_gets_the_run_id() {
        let json = r#"[
            {"id": "aaaaaaaaaaaa", "name": "Outage", "create_at": 1790000000000, "properties": {"severity": "low", "services": "a"}},
            {"id": "bbbbbbbbbbbb", "name": "Outage", "create_at": 1790000000001, "properties": {"severity": "low", "services": "a"}}
        ]"#;
        let c = convert(json, &opts()).expect("converts");
        let names: Vec<&str> = c.incidents.iter().map(|i| i.file_name.as_str()).collect();
        assert_eq!(
            names,
            ["2026-09-21-outage.md", "2026-09-21-outage-bbbbbbbb.md"]
        );
    }
}
