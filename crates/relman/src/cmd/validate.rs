use std::path::Path;

use anyhow::Result;

use crate::output;

pub fn run(path: &Path) -> Result<u8> {
    let loaded = super::load(path)?;
    let f = &loaded.fleet;
    if !loaded.diagnostics.is_empty() {
        for d in &loaded.diagnostics {
            output::error(&d.to_string());
        }
        output::note(&format!(
            "{}: {} problem{} found",
            path.display(),
            loaded.diagnostics.len(),
            if loaded.diagnostics.len() == 1 {
                ""
            } else {
                "s"
            }
        ));
        return Ok(2);
    }
    let r = &f.records;
    let records = r.incidents.len()
        + r.postmortems.len()
        + r.gamedays.len()
        + r.dr_playbooks.len()
        + r.reviews.len();
    output::stdout(&format!(
        "{}: ok: fleet {}, {} services, {} teams, {} waivers, {} records, {} deployments, {} cost rows\n",
        path.display(),
        f.config.name,
        f.services.len(),
        f.config.teams.len(),
        f.waivers.len(),
        records,
        r.deployments.len(),
        f.cost.rows.len()
    ));
    Ok(0)
}
