use std::path::Path;

use anyhow::{Result, bail};
use relman_core::Category;

use crate::cli::ListFormat;
use crate::output;

pub fn run(category: Option<&str>, fleet: Option<&Path>, format: ListFormat) -> Result<u8> {
    let category = match category {
        None => None,
        Some(c) => match Category::parse(c) {
            Some(c) => Some(c),
            None => bail!(
                "--category {c}: unknown category, expected one of {}",
                Category::slugs()
            ),
        },
    };
    let manifesto = super::manifesto(fleet)?;
    let rules: Vec<_> = manifesto
        .rules
        .iter()
        .filter(|r| category.is_none_or(|c| r.category == c))
        .collect();
    match format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = rules
                .iter()
                .map(|r| {
                    let checks: Vec<&str> = relman_checks::registry::for_rule(&r.id)
                        .map(|m| m.id)
                        .collect();
                    serde_json::json!({
                        "rule": r.id, "category": r.category, "scope": r.scope,
                        "title": r.title, "summary": r.summary, "checks": checks,
                        "retired": r.retired,
                    })
                })
                .collect();
            let text = serde_json::to_string_pretty(&list)?;
            output::stdout(&format!("{text}\n"));
        }
        ListFormat::Table => {
            let mut out = String::new();
            let mut current = None;
            for r in &rules {
                if current != Some(r.category) {
                    if current.is_some() {
                        out.push('\n');
                    }
                    out.push_str(&format!("{}\n", r.category.title()));
                    current = Some(r.category);
                }
                let checks = relman_checks::registry::for_rule(&r.id).count();
                let state = match (&r.retired, checks) {
                    (Some(_), _) => "retired".to_string(),
                    (None, 0) => "no check yet".to_string(),
                    (None, 1) => "1 check".to_string(),
                    (None, n) => format!("{n} checks"),
                };
                out.push_str(&format!(
                    "  {:<5} {:<7}  {:<58} {state}\n",
                    r.id,
                    r.scope.as_str(),
                    r.title
                ));
            }
            output::stdout(&out);
        }
    }
    Ok(0)
}
