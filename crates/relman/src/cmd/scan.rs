//! `relman scan PATH`: the repository rules on a checkout, without a fleet.
//!
//! The same collectors and checks as `relman audit` run on a service whose
//! repo is PATH: secrets (S-3), exposure (S-2), network policies and
//! security groups (S-4), IAM (S-5), the connection budget (D-5), the
//! metrics port (O-7) and log retention (O-5). What the descriptor would say
//! (`public`, the database's limits) comes from flags.

use std::path::Path;

use anyhow::{Context, Result, bail};
use relman_core::evidence::{RepoEvidence, ServiceEvidence};
use relman_core::fleet::{Database, FleetPath, Origin, Service, Tier};
use relman_core::secrets::SecretFound;
use relman_core::{Finding, Status};
use serde::Serialize;

use crate::cli::{ColorChoice, ScanArgs, ScanFormat};
use crate::output;

/// The rules a repository gives evidence for.
pub const SCAN_RULES: &[&str] = &["S-2", "S-3", "S-4", "S-5", "D-5", "O-5", "O-7"];

/// One finding of a scan, in the `relman.scan/v1` JSON.
#[derive(Debug, Serialize)]
struct ScanFinding {
    rule: String,
    check: String,
    status: Status,
    /// Relative to PATH; empty when the finding is about the whole repo.
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    severity: relman_core::Severity,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<SecretRef>,
}

#[derive(Debug, Serialize)]
struct SecretRef {
    kind: String,
    redacted: String,
    hash: String,
}

#[derive(Debug, Serialize)]
struct ScanReport {
    schema: &'static str,
    root: String,
    summary: ScanSummary,
    findings: Vec<ScanFinding>,
}

#[derive(Debug, Serialize)]
struct ScanSummary {
    files_scanned: u64,
    bytes_scanned: u64,
    statuses: std::collections::BTreeMap<&'static str, usize>,
}

/// `PATH/config/a.yaml` → `config/a.yaml`; PATH itself → ``.
fn relative(root: &str, location: &str) -> String {
    if location == root {
        return String::new();
    }
    location
        .strip_prefix(root)
        .and_then(|l| l.strip_prefix('/'))
        .unwrap_or(location)
        .to_string()
}

/// PATH as messages show it: as typed, without a trailing `/`.
fn shown_root(root: &Path) -> String {
    let s = root.display().to_string();
    let t = s.trim_end_matches('/');
    if t.is_empty() { s } else { t.to_string() }
}

fn service_for(args: &ScanArgs, root: &Path) -> Service {
    let name = match &args.service {
        Some(n) => n.clone(),
        None => std::fs::canonicalize(root)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "repo".into()),
    };
    let mut s = Service::named(&name, "-");
    s.origin = Origin::new("relman scan");
    s.public = Some(args.public);
    if args.non_critical {
        s.tier = Tier::NonCritical;
    }
    s.repo = Some(FleetPath {
        written: root.display().to_string(),
        resolved: root.to_path_buf(),
        display: shown_root(root),
    });
    if args.max_connections.is_some() || args.pool_size.is_some() {
        s.database = Some(Database {
            max_connections: args.max_connections,
            pool_size: args.pool_size,
        });
    }
    s.secrets_baseline = args.baseline.clone();
    s
}

fn to_scan(f: Finding, rule: &str, root: &str, secrets: &[SecretFound]) -> ScanFinding {
    let place = f
        .evidence
        .iter()
        .find(|e| e.line.is_some())
        .or_else(|| f.evidence.first());
    let (path, line, column) = match place {
        Some(e) if e.source == "repo" => (relative(root, &e.location), e.line, e.column),
        Some(e) => (e.location.clone(), e.line, e.column),
        None => (String::new(), None, None),
    };
    let secret = (rule == "S-3")
        .then(|| {
            secrets.iter().find(|s| {
                relative(root, &s.file) == path && Some(s.line) == line && Some(s.column) == column
            })
        })
        .flatten()
        .map(|s| SecretRef {
            kind: s.kind.clone(),
            redacted: s.redacted.clone(),
            hash: s.hash.clone(),
        });
    ScanFinding {
        rule: rule.to_string(),
        check: f.check,
        status: f.status,
        path,
        line,
        column,
        severity: f.severity,
        message: f.message,
        remediation: f.remediation,
        secret,
    }
}

fn counts(findings: &[ScanFinding]) -> std::collections::BTreeMap<&'static str, usize> {
    let mut m = std::collections::BTreeMap::new();
    for f in findings {
        *m.entry(f.status.as_str()).or_insert(0) += 1;
    }
    m
}

fn table(report: &ScanReport, all: bool, color: bool) -> String {
    let paint = |code: &str, s: &str| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let mut hidden = 0;
    for f in &report.findings {
        if !all && f.status == Status::Unverified {
            hidden += 1;
            continue;
        }
        let place = match (f.path.as_str(), f.line, f.column) {
            ("", _, _) => "(repo)".to_string(),
            (p, Some(l), Some(c)) => format!("{p}:{l}:{c}"),
            (p, Some(l), None) => format!("{p}:{l}"),
            (p, _, _) => p.to_string(),
        };
        let status = match f.status {
            Status::Fail => paint("1;31", "fail"),
            Status::Error => paint("1;35", "error"),
            Status::Warn => paint("1;33", "warn"),
            s => paint("2", s.as_str()),
        };
        out.push_str(&format!(
            "{}: {status} {} {} [{}] {}\n",
            paint("1", &place),
            f.rule,
            f.check,
            f.severity.as_str(),
            f.message
        ));
        if let Some(fix) = &f.remediation {
            if matches!(f.status, Status::Fail | Status::Warn) {
                out.push_str(&format!("  {} {fix}\n", paint("36", "fix:")));
            }
        }
    }
    let s = &report.summary;
    let listed: Vec<String> = s
        .statuses
        .iter()
        .filter(|(k, _)| all || **k != "unverified")
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    out.push_str(&format!(
        "{} findings{} in {} files ({} bytes) of {}",
        report.findings.len() - hidden,
        if listed.is_empty() {
            String::new()
        } else {
            format!(" ({})", listed.join(", "))
        },
        s.files_scanned,
        s.bytes_scanned,
        report.root
    ));
    if hidden > 0 {
        out.push_str(&format!(
            "; {hidden} unverified not shown (--all lists them)"
        ));
    }
    out.push('\n');
    out
}

fn sarif(report: &ScanReport, service: &Service) -> String {
    use relman_core::report::{Report, RuleResult, ServiceReport, Summary};
    let manifesto = relman_core::Manifesto::builtin();
    let mut rules: Vec<RuleResult> = Vec::new();
    for f in &report.findings {
        let finding = Finding {
            check: f.check.clone(),
            status: f.status,
            severity: f.severity,
            message: f.message.clone(),
            evidence: vec![{
                let e = relman_core::EvidenceRef::new("repo", f.path.clone());
                match (f.line, f.column) {
                    (Some(l), Some(c)) => e.at(l, c),
                    _ => e,
                }
            }],
            remediation: f.remediation.clone(),
        };
        match rules.iter_mut().find(|r| r.rule == f.rule) {
            Some(r) => {
                r.status = relman_core::Status::worst([r.status, f.status]);
                r.findings.push(finding);
            }
            None => {
                let def = manifesto.get(&f.rule);
                rules.push(RuleResult {
                    rule: f.rule.clone(),
                    status: f.status,
                    findings: vec![finding],
                    title: def.map(|d| d.title.to_string()).unwrap_or_default(),
                    category: def.map_or(relman_core::Category::Security, |d| d.category),
                    waiver: None,
                });
            }
        }
    }
    let r = Report {
        schema: relman_core::report::SCHEMA,
        fleet: "relman scan".into(),
        now: chrono::Utc::now().date_naive().to_string(),
        summary: Summary {
            score: 0.0,
            services: 1,
            statuses: report.summary.statuses.clone(),
            incidents: None,
        },
        fleet_rules: Vec::new(),
        services: vec![ServiceReport {
            name: service.name.clone(),
            team: service.team.clone(),
            tier: service.tier.as_str().to_string(),
            score: 0.0,
            rules,
            descriptor: String::new(),
            incidents: None,
        }],
        teams: Vec::new(),
        cost: None,
    };
    relman_report::sarif(&r, &manifesto)
}

pub fn run(args: &ScanArgs, color: ColorChoice) -> Result<u8> {
    let root = args.path.as_path();
    let meta = std::fs::metadata(root).with_context(|| format!("{}", root.display()))?;
    if !meta.is_dir() {
        bail!("{}: not a directory", root.display());
    }
    let mut rules: Vec<&str> = SCAN_RULES.to_vec();
    if !args.rules.is_empty() {
        for r in &args.rules {
            if !SCAN_RULES.iter().any(|s| s.eq_ignore_ascii_case(r)) {
                bail!(
                    "--rule {r}: not a repository rule; `relman scan` judges {}",
                    SCAN_RULES.join(", ")
                );
            }
        }
        rules.retain(|s| args.rules.iter().any(|r| r.eq_ignore_ascii_case(s)));
    }
    let service = service_for(args, root);
    let limits = relman_evidence::Limits {
        repo_scan_timeout: std::time::Duration::from_secs(args.timeout),
        ..relman_evidence::Limits::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    // Only the readers the chosen rules need: `--rule S-3` reads no YAML or HCL.
    let needs = |any: &[&str]| rules.iter().any(|r| any.contains(r));
    let parts = relman_evidence::RepoParts {
        secrets: needs(&["S-3"]),
        manifests: needs(&["S-2", "S-4", "D-5", "O-5", "O-7"]),
        terraform: needs(&["S-2", "S-4", "S-5", "O-5"]),
    };
    let repo = runtime.block_on(relman_evidence::collect_repo(&service, &limits, parts));
    let evidence = ServiceEvidence {
        repo,
        ..ServiceEvidence::default()
    };
    let (secrets, files, bytes) = match &evidence.repo {
        RepoEvidence::Present(f) => (
            f.secrets.found.clone(),
            f.secrets.files_scanned,
            f.secrets.bytes_scanned,
        ),
        RepoEvidence::Unreadable { location, error } => bail!("{location}: {error}"),
        RepoEvidence::NotGiven => (Vec::new(), 0, 0),
    };
    let fleet = relman_core::fleet::Fleet::standalone("-");
    let cx = relman_checks::ServiceCx {
        fleet: &fleet,
        service: &service,
        evidence: &evidence,
        now: chrono::Utc::now().date_naive(),
    };
    let shown = shown_root(root);
    let mut findings = Vec::new();
    for check in relman_checks::registry::SERVICE_CHECKS {
        let rule = check.meta().rule;
        if !rules.contains(&rule) {
            continue;
        }
        for f in relman_checks::run_service(*check, &cx) {
            if matches!(f.status, Status::Pass | Status::NotApplicable) {
                continue;
            }
            findings.push(to_scan(f, rule, &shown, &secrets));
        }
    }
    // The same broken file seen by several checks is one problem.
    findings.dedup_by(|a, b| {
        a.status == Status::Error && b.status == Status::Error && a.message == b.message
    });
    findings.sort_by(|a, b| {
        (a.path.as_str(), a.line, a.column, a.rule.as_str()).cmp(&(
            b.path.as_str(),
            b.line,
            b.column,
            b.rule.as_str(),
        ))
    });
    let report = ScanReport {
        schema: "relman.scan/v1",
        root: shown.clone(),
        summary: ScanSummary {
            files_scanned: files,
            bytes_scanned: bytes,
            statuses: counts(&findings),
        },
        findings,
    };
    if let Some(path) = &args.write_baseline {
        write_baseline(root, path, &secrets, args)?;
    }
    let text = match args.format {
        ScanFormat::Table => table(&report, args.all, output::use_color(color)),
        ScanFormat::Json => {
            let mut s = serde_json::to_string_pretty(&report).context("rendering JSON")?;
            s.push('\n');
            s
        }
        ScanFormat::Sarif => sarif(&report, &service),
    };
    output::stdout(&text);
    let failed = report
        .findings
        .iter()
        .any(|f| args.fail_on.counts(f.status));
    Ok(u8::from(failed))
}

/// Add the secrets found and not yet accepted to a baseline file (created
/// when missing), each with the given reason and expiry.
fn write_baseline(root: &Path, file: &str, found: &[SecretFound], args: &ScanArgs) -> Result<()> {
    let Some(reason) = args.reason.as_deref().filter(|r| !r.trim().is_empty()) else {
        bail!("--write-baseline needs --reason: say why these secrets may stay");
    };
    let Some(expires) = &args.expires else {
        bail!("--write-baseline needs --expires YYYY-MM-DD");
    };
    let expires = relman_core::time::parse_date(expires)
        .with_context(|| format!("--expires {expires}: invalid date, expected YYYY-MM-DD"))?;
    let path = root.join(file);
    let mut text = match std::fs::metadata(&path) {
        Ok(_) => {
            #[allow(clippy::disallowed_methods)] // a baseline is small and the user's own file
            let t = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            t
        }
        Err(_) => "apiVersion: relman/v1\nkind: SecretsBaseline\nsecrets:\n".to_string(),
    };
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut added = 0;
    for s in found.iter().filter(|s| s.baselined.is_none()) {
        text.push_str(&format!(
            "  - rule: {}\n    path: {}\n    hash: {}\n    reason: {}\n    expires: {expires}\n",
            s.kind,
            quote(&s.path),
            s.hash,
            quote(reason)
        ));
        added += 1;
    }
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    output::note(&format!(
        "{}: {added} secrets added to the baseline",
        path.display()
    ));
    Ok(())
}
