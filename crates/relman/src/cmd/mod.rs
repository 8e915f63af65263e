//! One module per command.

mod audit;
mod explain;
mod import;
mod init;
mod logs;
mod metrics;
mod rules;
mod scan;
mod validate;

use anyhow::Result;

use crate::cli::{Cli, Command, ImportCommand, InitCommand, LogsCommand, MetricsCommand};

/// Run a command; the exit status on success.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Audit(args) => audit::run(&args, cli.color),
        Command::Scan(args) => scan::run(&args, cli.color),
        Command::Validate { fleet } => validate::run(&fleet),
        Command::Rules {
            category,
            fleet,
            format,
        } => rules::run(category.as_deref(), fleet.as_deref(), format),
        Command::Explain { id, fleet } => explain::run(&id, fleet.as_deref()),
        Command::Init(InitCommand::Service {
            name,
            team,
            fleet,
            stdout,
            force,
        }) => init::service(&name, &team, &fleet, stdout, force),
        Command::Metrics(MetricsCommand::Lint(args)) => metrics::lint_cmd(&args),
        Command::Logs(LogsCommand::Lint(args)) => logs::lint(&args),
        Command::Import(ImportCommand::Playbooks(args)) => import::playbooks(&args),
    }
}

/// Load a fleet for a command; problems that make it unusable are errors.
pub(crate) fn load(path: &std::path::Path) -> Result<relman_fleet::Loaded> {
    match relman_fleet::load(path) {
        Ok(l) => Ok(l),
        Err(relman_fleet::LoadError::Unusable { diagnostics }) => {
            for d in &diagnostics {
                crate::output::error(&d.to_string());
            }
            anyhow::bail!(
                "{}: the fleet file has {} problem{}; nothing was audited",
                path.display(),
                diagnostics.len(),
                if diagnostics.len() == 1 { "" } else { "s" }
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// The manifesto: the fleet's, when a fleet is named.
pub(crate) fn manifesto(fleet: Option<&std::path::Path>) -> Result<relman_core::Manifesto> {
    match fleet {
        None => Ok(relman_core::Manifesto::builtin()),
        Some(p) => Ok(load(p)?.fleet.manifesto),
    }
}

/// Run the service checks of `rules` outside an audit (the lint commands),
/// on a standalone fleet; each finding's check is prefixed with its rule.
pub(crate) fn run_rules(
    service: &relman_core::fleet::Service,
    evidence: &relman_core::evidence::ServiceEvidence,
    rules: &[&str],
) -> Vec<relman_core::Finding> {
    let fleet = relman_core::fleet::Fleet::standalone("-");
    let cx = relman_checks::ServiceCx {
        fleet: &fleet,
        service,
        evidence,
        now: chrono::Utc::now().date_naive(),
    };
    relman_checks::registry::SERVICE_CHECKS
        .iter()
        .filter(|c| rules.contains(&c.meta().rule))
        .flat_map(|c| {
            relman_checks::run_service(*c, &cx)
                .into_iter()
                .map(|mut f| {
                    f.check = format!("{} {}", c.meta().rule, f.check);
                    f
                })
        })
        .collect()
}
