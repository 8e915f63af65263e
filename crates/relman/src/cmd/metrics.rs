//! `relman metrics lint`: promtool's metric lints and more, on a file, a URL
//! or stdin.

use std::io::Read;

use anyhow::{Context, Result, bail};
use relman_core::evidence::{MetricsEvidence, MetricsOrigin, ServiceEvidence};
use relman_core::fleet::{MetricsSource, Origin};
use relman_core::{Finding, Status};
use relman_evidence::Limits;
use relman_evidence::metrics::{Scraper, detect_format, facts, read_capture};
use relman_exposition::Format;
use relman_exposition::lint::{Level, Lint, LintOptions, lint};
use serde_json::json;

use crate::cli::{InputFormat, LintArgs, ListFormat};
use crate::output;

/// promtool's exit codes: 0 clean, 1 the input could not be read or parsed,
/// 3 lint problems.
const LINT_PROBLEMS: u8 = 3;
const FAILURE: u8 = 1;

struct Input {
    name: String,
    body: Vec<u8>,
    content_type: Option<String>,
    origin: MetricsOrigin,
}

async fn read_input(arg: &str, limits: &Limits) -> Result<Input, String> {
    if arg == "-" {
        let mut body = Vec::new();
        std::io::stdin()
            .lock()
            .take(limits.max_body_bytes + 1)
            .read_to_end(&mut body)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        if body.len() as u64 > limits.max_body_bytes {
            return Err(format!(
                "stdin is larger than the size cap ({} bytes)",
                limits.max_body_bytes
            ));
        }
        return Ok(Input {
            name: "<stdin>".into(),
            body,
            content_type: None,
            origin: MetricsOrigin::File {
                location: "<stdin>".into(),
            },
        });
    }
    if arg.starts_with("http://") || arg.starts_with("https://") {
        let scraper = Scraper::new(limits)?;
        let fetched = scraper
            .fetch(arg)
            .await
            .map_err(|(_, e)| format!("{arg}: {e}"))?;
        let content_type = match &fetched.origin {
            MetricsOrigin::Url { content_type, .. } => content_type.clone(),
            MetricsOrigin::File { .. } => None,
        };
        return Ok(Input {
            name: arg.to_string(),
            body: fetched.body,
            content_type,
            origin: fetched.origin,
        });
    }
    let body = read_capture(std::path::Path::new(arg), limits)
        .await
        .map_err(|e| format!("{arg}: {e}"))?;
    Ok(Input {
        name: arg.to_string(),
        body,
        content_type: None,
        origin: MetricsOrigin::File {
            location: arg.to_string(),
        },
    })
}

/// The manifesto checks O-6..O-9 on this input, as `relman audit` runs them.
fn service_checks(args: &LintArgs, input: &Input, format: Format) -> Vec<Finding> {
    let Some(name) = &args.service else {
        return Vec::new();
    };
    let mut service = relman_core::fleet::Service::named(name, "-");
    service.metrics = Some(MetricsSource {
        url: match &input.origin {
            MetricsOrigin::Url { url, .. } => Some(url.clone()),
            MetricsOrigin::File { .. } => None,
        },
        file: None,
        service_label: args.service_label.clone(),
        target_labels: Vec::new(),
    });
    service.origin = Origin::new("--service");
    let evidence = ServiceEvidence {
        metrics: MetricsEvidence::Read(facts(input.origin.clone(), &input.body, format)),
        ..ServiceEvidence::default()
    };
    super::run_rules(&service, &evidence, &["O-6", "O-7", "O-8", "O-9"])
}

pub fn lint_cmd(args: &LintArgs) -> Result<u8> {
    if args.inputs.iter().filter(|i| *i == "-").count() > 1 {
        bail!("stdin (-) can be read only once");
    }
    let limits = Limits {
        timeout: std::time::Duration::from_secs(args.timeout),
        max_body_bytes: args.max_bytes,
        ..Limits::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let opts = LintOptions {
        series_budget: args.series_budget,
        top_labels: 3,
    };
    let mut code = 0u8;
    let mut text = String::new();
    let mut reports = Vec::new();
    for arg in &args.inputs {
        let input = match runtime.block_on(read_input(arg, &limits)) {
            Ok(i) => i,
            Err(e) => {
                output::error(&e);
                code = code.max(FAILURE);
                reports.push(json!({ "input": arg, "error": e }));
                continue;
            }
        };
        let format = match args.input_format {
            InputFormat::Auto => detect_format(input.content_type.as_deref(), &input.body),
            InputFormat::Text => Format::Text,
            InputFormat::Openmetrics => Format::OpenMetrics,
        };
        let checks = service_checks(args, &input, format);
        let failing_checks = checks
            .iter()
            .any(|f| matches!(f.status, Status::Fail | Status::Error));
        match relman_exposition::parse_bytes(&input.body, format) {
            Err(e) => {
                code = code.max(FAILURE);
                let msg = format!("{}:{}:{}: {}", input.name, e.line, e.column, e.message);
                if args.format == ListFormat::Table {
                    output::error(&msg);
                }
                reports.push(json!({
                    "input": input.name,
                    "format": format_name(format),
                    "parse_error": { "line": e.line, "column": e.column, "message": e.message },
                    "checks": checks,
                }));
                text.push_str(&render_checks(&checks));
            }
            Ok(exp) => {
                let result = lint(&exp, &opts);
                if !result.problems.is_empty() || failing_checks {
                    code = code.max(LINT_PROBLEMS);
                }
                text.push_str(&render_text(&input.name, format, &exp, &result));
                text.push_str(&render_checks(&checks));
                reports.push(json!({
                    "input": input.name,
                    "format": format_name(format),
                    "families": exp.families.len(),
                    "series": exp.families.iter().map(|f| f.samples.len()).sum::<usize>(),
                    "problems": result.problems.iter().map(|p| json!({
                        "metric": p.metric, "line": p.line, "code": p.code,
                        "level": p.level.as_str(), "message": p.message,
                    })).collect::<Vec<_>>(),
                    "cardinality": result.cardinality.iter().take(args.top).map(|c| json!({
                        "metric": c.metric, "line": c.line, "series": c.series,
                        "labels": c.labels.iter().map(|(k, n)| json!({ "label": k, "values": n })).collect::<Vec<_>>(),
                        "over_budget": c.series > args.series_budget,
                    })).collect::<Vec<_>>(),
                    "checks": checks,
                }));
            }
        }
    }
    match args.format {
        ListFormat::Table => output::stdout(&text),
        ListFormat::Json => {
            let doc = json!({ "schema": "relman.metrics-lint/v1", "inputs": reports });
            output::stdout(&format!("{}\n", serde_json::to_string_pretty(&doc)?));
        }
    }
    Ok(code)
}

fn format_name(f: Format) -> &'static str {
    match f {
        Format::Text => "text",
        Format::OpenMetrics => "openmetrics",
    }
}

fn render_text(
    name: &str,
    format: Format,
    exp: &relman_exposition::Exposition<'_>,
    l: &Lint,
) -> String {
    let mut out = String::new();
    for p in &l.problems {
        out.push_str(&format!(
            "{name}:{}: {} {} [{}]\n",
            p.line, p.metric, p.message, p.code
        ));
    }
    let series: usize = exp.families.iter().map(|f| f.samples.len()).sum();
    let errors = l
        .problems
        .iter()
        .filter(|p| p.level == Level::Error)
        .count();
    let warnings = l.problems.len() - errors;
    out.push_str(&format!(
        "{name}: {} format, {} metrics, {series} samples; {errors} errors, {warnings} warnings\n",
        format_name(format),
        exp.families.len()
    ));
    if let Some(c) = l.cardinality.first() {
        let top: Vec<String> = c.labels.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        out.push_str(&format!(
            "{name}: largest metric {} with {} series{}\n",
            c.metric,
            c.series,
            if top.is_empty() {
                String::new()
            } else {
                format!(" (distinct values: {})", top.join(", "))
            }
        ));
    }
    out
}

fn render_checks(checks: &[Finding]) -> String {
    checks
        .iter()
        .map(|f| format!("{} {}: {}\n", f.check, f.status, f.message))
        .collect()
}
