//! waivers.yaml: recorded exceptions to rules (F-1).
//!
//! A waiver missing its discussion, approver or expiry still loads: F-1
//! judges it (it does not apply, and F-1 fails naming it). What cannot load
//! is a waiver that names no rule, or a rule or service that does not exist.

use std::path::Path;

use relman_core::fleet::Waiver;
use relman_core::rules::{Manifesto, Scope};

use crate::diag::{Diagnostic, did_you_mean};
use crate::fields::{Ctx, shown};
use crate::files;

const FIELDS: &[&str] = &[
    "rule",
    "service",
    "reason",
    "discussion",
    "approved_by",
    "expires",
];

pub(crate) fn load(
    root: &Path,
    manifesto: &Manifesto,
    services: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Waiver> {
    let path = root.join("waivers.yaml");
    if !path.is_file() {
        return Vec::new();
    }
    let doc = match files::read_yaml(root, &path) {
        Ok(Some(doc)) => doc,
        Ok(None) => return Vec::new(),
        Err(d) => {
            diags.push(d);
            return Vec::new();
        }
    };
    let mut cx = Ctx::new("waivers.yaml");
    let mut out = Vec::new();
    let items = match doc.as_seq() {
        Some(items) => items,
        None => {
            cx.error(
                Some(doc.pos),
                "",
                format!("expected a list of waivers, found {}", doc.kind()),
            );
            diags.append(&mut cx.diags);
            return out;
        }
    };
    for (i, w) in items.iter().enumerate() {
        let p = format!("[{i}]");
        cx.origin = relman_core::fleet::Origin::new("waivers.yaml");
        if cx.object(w, &p, FIELDS).is_none() {
            continue;
        }
        let rule = cx.req(w, &p, "rule").and_then(|n| {
            let id = cx.text(n, &format!("{p}.rule"))?;
            let Some(def) = manifesto.get(&id) else {
                let ids: Vec<&str> = manifesto.rules.iter().map(|r| r.id.as_str()).collect();
                let hint = did_you_mean(&id, &ids)
                    .map(|s| format!(", did you mean {s}?"))
                    .unwrap_or_default();
                cx.error(
                    Some(n.pos),
                    &format!("{p}.rule"),
                    format!("unknown rule {}{hint}", shown(n)),
                );
                return None;
            };
            Some((def.id.clone(), def.scope))
        });
        let service = cx.get(w, "service").and_then(|n| {
            let s = cx.text(n, &format!("{p}.service"))?;
            if !services.contains(&s.as_str()) {
                let hint = did_you_mean(&s, services)
                    .map(|c| format!(", did you mean \"{c}\"?"))
                    .unwrap_or_default();
                cx.error(
                    Some(n.pos),
                    &format!("{p}.service"),
                    format!("unknown service {}{hint}", shown(n)),
                );
                return None;
            }
            Some(s)
        });
        let Some((rule, scope)) = rule else { continue };
        match (scope, &service) {
            (Scope::Fleet, Some(_)) => {
                cx.error(
                    Some(w.pos),
                    &format!("{p}.service"),
                    format!("{rule} is judged for the fleet, not per service: omit service"),
                );
                continue;
            }
            (Scope::Service, None) if w.get("service").is_none() => {
                cx.error(
                    Some(w.pos),
                    &format!("{p}.service"),
                    format!("{rule} is judged per service: name the service it waives"),
                );
                continue;
            }
            (Scope::Service, None) => continue,
            _ => {}
        }
        let reason = cx
            .get(w, "reason")
            .and_then(|n| cx.text(n, &format!("{p}.reason")));
        let discussion = cx
            .get(w, "discussion")
            .and_then(|n| cx.text(n, &format!("{p}.discussion")));
        let approved_by = cx
            .get(w, "approved_by")
            .and_then(|n| cx.text(n, &format!("{p}.approved_by")));
        let expires = cx
            .get(w, "expires")
            .and_then(|n| cx.date(n, &format!("{p}.expires")));
        out.push(Waiver {
            rule,
            service,
            reason,
            discussion,
            approved_by,
            expires,
            origin: cx.origin.clone(),
            index: i,
        });
    }
    // Waiver positions are stored without the `[i].` prefix, so checks can
    // ask any waiver for `expires` or `discussion`.
    for w in &mut out {
        let prefix = format!("[{}].", w.index);
        let fields = std::mem::take(&mut w.origin.fields);
        w.origin.fields = fields
            .into_iter()
            .filter_map(|(k, v)| k.strip_prefix(&prefix).map(|k| (k.to_string(), v)))
            .collect();
        if let Some(pos) = items.get(w.index).map(|n| n.pos) {
            w.origin.fields.insert(String::new(), pos);
        }
    }
    diags.append(&mut cx.diags);
    out
}
