//! The `relman` binary: parses the command line, runs a command, maps the
//! outcome to an exit status (0 clean, 1 findings at or above --fail-on,
//! 2 usage or input error). All the work lives in the library crates; this
//! crate stays thin.

mod cli;
mod cmd;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_tracing();
    match cmd::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            output::error(&format!("{e:#}"));
            ExitCode::from(2)
        }
    }
}

/// Diagnostics of relman itself go to stderr, quiet unless RELMAN_LOG asks.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RELMAN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
