//! Everything relman prints goes through here.

use std::io::{IsTerminal, Write};

use crate::cli::ColorChoice;

/// Print to stdout; a closed pipe (`relman … | head`) is not an error.
pub fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

fn stderr_line(prefix: &str, color: &str, text: &str) {
    let mut err = std::io::stderr().lock();
    let styled = if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        format!("\x1b[1;{color}m{prefix}\x1b[0m")
    } else {
        prefix.to_string()
    };
    let _ = writeln!(err, "{styled}: {text}");
}

pub fn error(text: &str) {
    stderr_line("error", "31", text);
}

pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Whether to colour stdout.
pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    }
}
