//! A fleet's own manifesto file (`manifesto.file` in relman.yaml).
//!
//! ```yaml
//! apiVersion: relman/v1
//! kind: Manifesto
//! tuning:
//!   manifesto_review_max_days: 120
//!   slo_max_budget_ratio: 0.25
//! rules:
//!   - id: D-6                 # retire a rule: reported not_applicable, with the reason
//!     retire: "stateful singletons by design; reassessed 2026-09"
//!   - id: O-7                 # retune a rule's words
//!     title: Metrics on 8067, or the mesh's port
//!   - id: X-1                 # add a rule: judged `unverified` until a check exists
//!     category: security
//!     scope: service
//!     title: Images are signed
//!     summary: Every image deployed to production is signed.
//! ```

use std::path::Path;

use relman_core::fleet::Tuning;
use relman_core::rules::{Category, Manifesto, RuleDef, Scope};

use crate::diag::Diagnostic;
use crate::fields::{Ctx, shown};
use crate::files;
use crate::fleet_file::header;

pub(crate) fn load(
    root: &Path,
    written: &str,
    manifesto: &mut Manifesto,
    tuning: &mut Tuning,
    diags: &mut Vec<Diagnostic>,
) {
    let path = files::resolve(root, "relman.yaml", written);
    let doc = match files::read_yaml(root, &path.resolved) {
        Ok(Some(doc)) => doc,
        Ok(None) => return,
        Err(mut d) => {
            if !path.resolved.exists() {
                d.message = format!(
                    "manifesto file not found (relman.yaml: manifesto.file names \"{written}\")"
                );
            }
            diags.push(d);
            return;
        }
    };
    let mut cx = Ctx::new(path.display.clone());
    parse(&mut cx, &doc, manifesto, tuning);
    diags.append(&mut cx.diags);
}

fn parse(
    cx: &mut Ctx,
    doc: &relman_core::yaml::Node,
    manifesto: &mut Manifesto,
    tuning: &mut Tuning,
) -> Option<()> {
    cx.object(doc, "", &["apiVersion", "kind", "tuning", "rules"])?;
    header(cx, doc, "Manifesto");
    if let Some(t) = cx.get(doc, "tuning") {
        cx.object(
            t,
            "tuning",
            &[
                "manifesto_review_max_days",
                "waiver_max_days",
                "slo_max_budget_ratio",
                "log_retention_critical_days",
                "log_retention_non_critical_days",
            ],
        );
        let days = |cx: &mut Ctx, key: &str| {
            t.get(key)
                .and_then(|n| cx.count(n, &format!("tuning.{key}")))
        };
        if let Some(v) = days(cx, "manifesto_review_max_days") {
            tuning.manifesto_review_max_days = v as i64;
        }
        if let Some(v) = days(cx, "waiver_max_days") {
            tuning.waiver_max_days = v as i64;
        }
        if let Some(v) = days(cx, "log_retention_critical_days") {
            tuning.log_retention_critical_days = v as u32;
        }
        if let Some(v) = days(cx, "log_retention_non_critical_days") {
            tuning.log_retention_non_critical_days = v as u32;
        }
        if let Some(v) = t
            .get("slo_max_budget_ratio")
            .and_then(|n| cx.number(n, "tuning.slo_max_budget_ratio", 0.0, 1.0))
        {
            tuning.slo_max_budget_ratio = v;
        }
    }
    let Some(rules) = cx.get(doc, "rules") else {
        return Some(());
    };
    for (i, r) in cx.list(rules, "rules").into_iter().enumerate() {
        let p = format!("rules[{i}]");
        if cx
            .object(
                r,
                &p,
                &["id", "title", "summary", "category", "scope", "retire"],
            )
            .is_none()
        {
            continue;
        }
        let Some(id) = cx
            .req(r, &p, "id")
            .and_then(|n| cx.text(n, &format!("{p}.id")))
        else {
            continue;
        };
        let title = r
            .get("title")
            .and_then(|n| cx.text(n, &format!("{p}.title")));
        let summary = r
            .get("summary")
            .and_then(|n| cx.text(n, &format!("{p}.summary")));
        let retire = r
            .get("retire")
            .and_then(|n| cx.text(n, &format!("{p}.retire")));
        if let Some(existing) = manifesto.get_mut(&id) {
            for key in ["category", "scope"] {
                if let Some(n) = r.get(key) {
                    cx.error(
                        Some(n.pos),
                        &format!("{p}.{key}"),
                        format!(
                            "{id} is a built-in rule: its {key} is fixed (the report's contract depends on it)"
                        ),
                    );
                }
            }
            if let Some(t) = title {
                existing.title = t;
            }
            if let Some(s) = summary {
                existing.summary = s;
            }
            existing.retired = retire;
            continue;
        }
        let category = cx.req(r, &p, "category").and_then(|n| {
            let c = Category::parse(n.as_scalar().unwrap_or_default());
            if c.is_none() {
                cx.error(
                    Some(n.pos),
                    &format!("{p}.category"),
                    format!(
                        "unknown value {}, expected one of {}",
                        shown(n),
                        Category::slugs()
                    ),
                );
            }
            c
        });
        let scope = cx
            .req(r, &p, "scope")
            .and_then(|n| cx.choice(n, &format!("{p}.scope"), &["fleet", "service"]))
            .map(|i| [Scope::Fleet, Scope::Service][i]);
        let (Some(category), Some(scope)) = (category, scope) else {
            continue;
        };
        if title.is_none() {
            cx.error(
                Some(r.pos),
                &format!("{p}.title"),
                "missing required field (a new rule needs a title)",
            );
            continue;
        }
        manifesto.rules.push(RuleDef {
            id,
            category,
            scope,
            title: title.unwrap_or_default(),
            summary: summary.unwrap_or_default(),
            retired: retire,
        });
    }
    Some(())
}
