use std::path::Path;

use anyhow::{Result, bail};

use crate::output;

fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + word.len() + 1 > 76 {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

pub fn run(id: &str, fleet: Option<&Path>) -> Result<u8> {
    let manifesto = super::manifesto(fleet)?;
    // A check id names its rule.
    let rule_id = match relman_checks::registry::all().find(|m| m.id == id) {
        Some(m) => m.rule.to_string(),
        None => id.to_ascii_uppercase(),
    };
    let Some(rule) = manifesto.get(&rule_id) else {
        bail!("{id}: no such rule or check (see `relman rules`)");
    };
    let mut out = format!(
        "{}  {}\n{} rule, judged {}\n\n",
        rule.id,
        rule.title,
        rule.category.title(),
        match rule.scope {
            relman_core::Scope::Fleet => "once for the fleet",
            relman_core::Scope::Service => "for every service",
        }
    );
    out.push_str(&wrap(&rule.summary, ""));
    if let Some(reason) = &rule.retired {
        out.push_str(&format!("\nRetired by the fleet's manifesto: {reason}\n"));
    }
    let checks: Vec<_> = relman_checks::registry::for_rule(&rule.id).collect();
    if checks.is_empty() {
        out.push_str("\nNo check is implemented for this rule yet: it is reported `unverified`, never `pass`.\n");
    }
    for c in checks {
        out.push_str(&format!(
            "\ncheck {} (severity {})\n  {}\n",
            c.id,
            c.severity.as_str(),
            c.title
        ));
        out.push_str("\n  What it checks\n");
        out.push_str(&wrap(c.what, "    "));
        out.push_str("\n  Why it matters\n");
        out.push_str(&wrap(c.why, "    "));
        out.push_str("\n  How to fix\n");
        out.push_str(&wrap(c.fix, "    "));
    }
    output::stdout(&out);
    Ok(0)
}
