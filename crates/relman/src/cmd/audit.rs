use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use relman_core::Category;
use relman_core::report::Report;
use relman_engine::{AuditOptions, Filter};
use relman_evidence::Limits;
use relman_report::RenderOptions;

use crate::cli::{AuditArgs, ColorChoice, Format};
use crate::output;

fn render(
    report: &Report,
    manifesto: &relman_core::Manifesto,
    format: Format,
    opts: &RenderOptions,
) -> String {
    match format {
        Format::Table => relman_report::table(report, opts),
        Format::Json => relman_report::json(report),
        Format::Markdown => relman_report::markdown(report),
        Format::Sarif => relman_report::sarif(report, manifesto),
        Format::Junit => relman_report::junit(report),
    }
}

pub fn run(args: &AuditArgs, color: ColorChoice) -> Result<u8> {
    // Usage problems first, before any work.
    let mut outputs = Vec::new();
    for o in &args.output {
        let Some((fmt, path)) = o.split_once('=') else {
            bail!("--output {o}: expected FORMAT=PATH, e.g. sarif=relman.sarif");
        };
        let Some(format) = Format::parse(fmt) else {
            bail!(
                "--output {o}: unknown format \"{fmt}\", expected table, json, markdown, sarif or junit"
            );
        };
        if path.is_empty() {
            bail!("--output {o}: no path after '='");
        }
        outputs.push((format, PathBuf::from(path)));
    }
    let now_flag = match &args.now {
        Some(s) => Some(
            relman_core::time::parse_date(s)
                .with_context(|| format!("--now {s}: invalid date, expected YYYY-MM-DD"))?,
        ),
        None => None,
    };
    let mut categories = Vec::new();
    for c in &args.categories {
        match Category::parse(c) {
            Some(c) => categories.push(c),
            None => bail!(
                "--category {c}: unknown category, expected one of {}",
                Category::slugs()
            ),
        }
    }

    let loaded = super::load(&args.fleet)?;
    let fleet = &loaded.fleet;
    for d in &loaded.diagnostics {
        output::error(&d.to_string());
    }
    for r in &args.rules {
        if fleet.manifesto.get(r).is_none() {
            bail!("--rule {r}: unknown rule, see `relman rules`");
        }
    }
    let known: Vec<&str> = fleet
        .services
        .iter()
        .map(|s| s.name.as_str())
        .chain(fleet.broken_services.iter().map(|b| b.name.as_str()))
        .collect();
    for s in &args.services {
        if !known.contains(&s.as_str()) {
            bail!("--service {s}: no such service in {}", args.fleet.display());
        }
    }

    let now = now_flag
        .or(fleet.config.now)
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let opts = AuditOptions {
        now,
        filter: Filter {
            services: args.services.clone(),
            teams: args.teams.clone(),
            categories,
            rules: args.rules.iter().map(|r| r.to_ascii_uppercase()).collect(),
        },
        limits: Limits {
            concurrency: args.concurrency.max(1),
            timeout: std::time::Duration::from_secs(args.scrape_timeout.max(1)),
            max_body_bytes: args.max_scrape_bytes,
            ..Limits::default()
        },
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let report = runtime.block_on(relman_engine::audit(fleet, &opts));

    let render_opts = RenderOptions {
        color: output::use_color(color),
        show_all: args.all,
    };
    output::stdout(&render(
        &report,
        &fleet.manifesto,
        args.format,
        &render_opts,
    ));
    let file_opts = RenderOptions {
        color: false,
        show_all: args.all,
    };
    for (format, path) in outputs {
        std::fs::write(&path, render(&report, &fleet.manifesto, format, &file_opts))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }

    if !loaded.diagnostics.is_empty() {
        output::note(&format!(
            "{}: {} problem{} in the fleet directory (see above); the services that could be read were audited",
            args.fleet.display(),
            loaded.diagnostics.len(),
            if loaded.diagnostics.len() == 1 {
                ""
            } else {
                "s"
            }
        ));
        return Ok(2);
    }
    Ok(u8::from(
        report.all_rules().any(|r| args.fail_on.counts(r.status)),
    ))
}
