use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::output;

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

pub fn service(name: &str, team: &str, fleet: &Path, to_stdout: bool, force: bool) -> Result<u8> {
    if !valid_name(name) {
        bail!("{name}: invalid service name, expected lowercase letters, digits and dashes");
    }
    if team.trim().is_empty() || team.contains(['\n', ':', '#']) {
        bail!("--team {team}: invalid team name");
    }
    let text = relman_fleet::SERVICE_TEMPLATE
        .replace("{name}", name)
        .replace("{team}", team);
    if to_stdout {
        output::stdout(&text);
        return Ok(0);
    }
    let dir = fleet.join("services");
    let path = dir.join(format!("{name}.yaml"));
    if path.exists() && !force {
        bail!(
            "{}: already exists (use --force to overwrite)",
            path.display()
        );
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    output::note(&format!(
        "wrote {}: fill it in, then run `relman validate {}`",
        path.display(),
        fleet.display()
    ));
    Ok(0)
}
