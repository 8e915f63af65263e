//! relman.yaml: the fleet file.

use std::path::Path;

use relman_core::Category;
use relman_core::fleet::{
    BlamingPhrase, CostConfig, DrConfig, FleetConfig, GamedayConfig, KeyComponent, ManifestoConfig,
    OkrGoal, OkrTarget, PostmortemConfig, PrometheusConfig, Team,
};
use relman_core::time;
use relman_core::yaml::Node;

use crate::diag::Diagnostic;
use crate::fields::{Ctx, shown};
use crate::files;

const FIELDS: &[&str] = &[
    "apiVersion",
    "kind",
    "name",
    "now",
    "manifesto",
    "teams",
    "key_components",
    "prometheus",
    "gamedays",
    "dr",
    "postmortems",
    "cost",
];

const COST_FIELDS: &[&str] = &[
    "spot_min_rise_points",
    "spot_max_percent",
    "non_production_max_percent",
    "untagged_max_percent",
    "production_environments",
    "environment_tag",
    "window_months",
];

/// `None` when the file cannot be used at all (unreadable, not YAML, not a
/// mapping, no name); problems go to `diags` either way.
pub(crate) fn load(root: &Path, diags: &mut Vec<Diagnostic>) -> Option<FleetConfig> {
    let path = root.join("relman.yaml");
    let doc = match files::read_yaml(root, &path) {
        Ok(Some(doc)) => doc,
        Ok(None) => {
            diags.push(Diagnostic {
                file: "relman.yaml".into(),
                pos: None,
                field: String::new(),
                message: "empty fleet file, expected at least `name`".into(),
            });
            return None;
        }
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let mut cx = Ctx::new("relman.yaml");
    let config = parse(&mut cx, &doc);
    diags.append(&mut cx.diags);
    config
}

pub(crate) fn header(cx: &mut Ctx, doc: &Node, kind: &str) {
    if let Some(v) = cx.get(doc, "apiVersion") {
        if v.as_scalar() != Some("relman/v1") {
            cx.error(
                Some(v.pos),
                "apiVersion",
                format!("unknown value {}, expected relman/v1", shown(v)),
            );
        }
    }
    if let Some(v) = cx.get(doc, "kind") {
        if v.as_scalar() != Some(kind) {
            cx.error(
                Some(v.pos),
                "kind",
                format!("unknown value {}, expected {kind}", shown(v)),
            );
        }
    }
}

fn parse(cx: &mut Ctx, doc: &Node) -> Option<FleetConfig> {
    cx.object(doc, "", FIELDS)?;
    header(cx, doc, "Fleet");
    let name = cx.req(doc, "", "name").and_then(|n| cx.text(n, "name"));
    let now = cx.get(doc, "now").and_then(|n| cx.date(n, "now"));

    let mut manifesto = ManifestoConfig::default();
    if let Some(m) = cx.get(doc, "manifesto") {
        if cx
            .object(m, "manifesto", &["last_reviewed", "file"])
            .is_some()
        {
            manifesto.last_reviewed = cx
                .get(m, "last_reviewed")
                .and_then(|n| cx.date(n, "manifesto.last_reviewed"));
            manifesto.file = cx.get(m, "file").and_then(|n| cx.text(n, "manifesto.file"));
        }
    }

    let mut teams = Vec::new();
    if let Some(list) = cx.get(doc, "teams") {
        for (i, t) in cx.list(list, "teams").into_iter().enumerate() {
            let path = format!("teams[{i}]");
            if let Some(team) = parse_team(cx, t, &path) {
                if teams.iter().any(|x: &Team| x.name == team.name) {
                    cx.error(
                        Some(t.pos),
                        &format!("{path}.name"),
                        format!("team \"{}\" is declared twice", team.name),
                    );
                }
                teams.push(team);
            }
        }
    }

    let mut key_components = Vec::new();
    if let Some(list) = cx.get(doc, "key_components") {
        for (i, c) in cx.list(list, "key_components").into_iter().enumerate() {
            let path = format!("key_components[{i}]");
            if cx.object(c, &path, &["name", "kind"]).is_none() {
                continue;
            }
            let name = cx
                .req(c, &path, "name")
                .and_then(|n| cx.text(n, &format!("{path}.name")));
            let kind = cx
                .req(c, &path, "kind")
                .and_then(|n| cx.text(n, &format!("{path}.kind")));
            if let (Some(name), Some(kind)) = (name, kind) {
                key_components.push(KeyComponent { name, kind });
            }
        }
    }

    let prometheus = cx.get(doc, "prometheus").and_then(|p| {
        cx.object(p, "prometheus", &["url", "thanos_compactor_args"])?;
        let url = cx.get(p, "url").and_then(|n| cx.text(n, "prometheus.url"));
        if let Some(u) = &url {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                let pos = p.get("url").map(|n| n.pos);
                cx.error(
                    pos,
                    "prometheus.url",
                    format!("invalid URL \"{u}\", expected http:// or https://"),
                );
            }
        }
        let thanos_compactor_args = cx
            .get(p, "thanos_compactor_args")
            .map(|n| cx.strings(n, "prometheus.thanos_compactor_args"))
            .unwrap_or_default();
        Some(PrometheusConfig {
            url,
            thanos_compactor_args,
        })
    });

    let gamedays = parse_gamedays(cx, doc);
    let dr = parse_dr(cx, doc);
    let postmortems = cx
        .get(doc, "postmortems")
        .map(|p| parse_postmortems(cx, p))
        .unwrap_or_default();
    let cost = parse_cost(cx, doc);

    Some(FleetConfig {
        name: name?,
        now,
        manifesto,
        teams,
        key_components,
        prometheus,
        gamedays,
        dr,
        postmortems,
        cost,
        origin: cx.origin.clone(),
    })
}

/// A whole number of days (or months) of at least 1, for the `section.key`
/// setting; `None` when absent or invalid (the default then applies).
fn positive(cx: &mut Ctx, section: &Node, path: &str, key: &str) -> Option<u32> {
    let n = cx.get(section, key)?;
    let field = format!("{path}.{key}");
    let v = cx.count(n, &field)?;
    match u32::try_from(v) {
        Ok(v) if v >= 1 => Some(v),
        _ => {
            cx.error(
                Some(n.pos),
                &field,
                format!("{} is out of range, expected 1 to {}", shown(n), u32::MAX),
            );
            None
        }
    }
}

/// The longest blaming phrase accepted: a phrase is a few words.
const MAX_PHRASE_CHARS: usize = 200;

/// `postmortems:` (C-2, C-4); absent fields keep their defaults.
fn parse_postmortems(cx: &mut Ctx, p: &Node) -> PostmortemConfig {
    let mut config = PostmortemConfig::default();
    if cx
        .object(p, "postmortems", &["due_days", "blaming_phrases"])
        .is_none()
    {
        return config;
    }
    if let Some(n) = cx.get(p, "due_days") {
        match cx.count(n, "postmortems.due_days") {
            Some(d) if d <= 365 => config.due_days = u32::try_from(d).unwrap_or(365),
            Some(_) => cx.error(
                Some(n.pos),
                "postmortems.due_days",
                format!("{} is out of range, expected 0 to 365 days", shown(n)),
            ),
            None => {}
        }
    }
    if let Some(list) = cx.get(p, "blaming_phrases") {
        let key = "postmortems.blaming_phrases";
        for (i, item) in cx.list(list, key).into_iter().enumerate() {
            let path = format!("{key}[{i}]");
            let (phrase, suggestion) = if item.as_scalar().is_some() {
                (cx.text(item, &path).map(|t| (t, item.pos)), None)
            } else {
                if cx.object(item, &path, &["phrase", "suggestion"]).is_none() {
                    continue;
                }
                let phrase = cx
                    .req(item, &path, "phrase")
                    .and_then(|n| cx.text(n, &format!("{path}.phrase")).map(|t| (t, n.pos)));
                let suggestion = cx
                    .get(item, "suggestion")
                    .and_then(|n| cx.text(n, &format!("{path}.suggestion")));
                (phrase, suggestion)
            };
            let Some((phrase, pos)) = phrase else {
                continue;
            };
            let phrase = phrase.trim().to_string();
            if phrase.chars().count() > MAX_PHRASE_CHARS {
                cx.error(
                    Some(pos),
                    &path,
                    format!(
                        "phrase is longer than {MAX_PHRASE_CHARS} characters, expected a few words"
                    ),
                );
                continue;
            }
            if !phrase
                .replace("{person}", "")
                .chars()
                .any(char::is_alphanumeric)
            {
                cx.error(
                    Some(pos),
                    &path,
                    format!("\"{phrase}\" has no word to look for, expected words such as \"dropped the ball\""),
                );
                continue;
            }
            config
                .blaming_phrases
                .push(BlamingPhrase { phrase, suggestion });
        }
    }
    config
}

/// The `cost:` section; each absent field keeps its default.
fn parse_cost(cx: &mut Ctx, doc: &Node) -> CostConfig {
    let mut c = CostConfig::default();
    let Some(n) = cx.get(doc, "cost") else {
        return c;
    };
    if cx.object(n, "cost", COST_FIELDS).is_none() {
        return c;
    }
    let percent = |cx: &mut Ctx, key: &str, into: &mut f64| {
        if let Some(v) = cx
            .get(n, key)
            .and_then(|v| cx.number(v, &format!("cost.{key}"), 0.0, 100.0))
        {
            *into = v;
        }
    };
    percent(cx, "spot_min_rise_points", &mut c.spot_min_rise_points);
    percent(cx, "spot_max_percent", &mut c.spot_max_percent);
    percent(
        cx,
        "non_production_max_percent",
        &mut c.non_production_max_percent,
    );
    percent(cx, "untagged_max_percent", &mut c.untagged_max_percent);
    if let Some(v) = cx.get(n, "production_environments") {
        let envs = cx.strings(v, "cost.production_environments");
        if envs.is_empty() {
            cx.error(
                Some(v.pos),
                "cost.production_environments",
                "must name at least one environment, such as production",
            );
        } else {
            c.production_environments = envs;
        }
    }
    if let Some(tag) = cx
        .get(n, "environment_tag")
        .and_then(|v| cx.text(v, "cost.environment_tag"))
    {
        c.environment_tag = tag;
    }
    if let Some(v) = cx.get(n, "window_months") {
        match cx.count(v, "cost.window_months") {
            Some(m @ 1..=120) => c.window_months = m as u32,
            Some(m) => cx.error(
                Some(v.pos),
                "cost.window_months",
                format!("{m} is out of range, expected 1 to 120 months"),
            ),
            None => {}
        }
    }
    c
}

/// `gamedays: { months, coverage_days }`.
fn parse_gamedays(cx: &mut Ctx, doc: &Node) -> GamedayConfig {
    let mut config = GamedayConfig::default();
    let Some(g) = cx.get(doc, "gamedays") else {
        return config;
    };
    if cx
        .object(g, "gamedays", &["months", "coverage_days"])
        .is_none()
    {
        return config;
    }
    if let Some(m) = positive(cx, g, "gamedays", "months") {
        config.months = m;
    }
    if let Some(d) = positive(cx, g, "gamedays", "coverage_days") {
        config.coverage_days = d;
    }
    config
}

/// `dr: { warn_days, fail_days }`; a warning comes before a failure.
fn parse_dr(cx: &mut Ctx, doc: &Node) -> DrConfig {
    let mut config = DrConfig::default();
    let Some(d) = cx.get(doc, "dr") else {
        return config;
    };
    if cx.object(d, "dr", &["warn_days", "fail_days"]).is_none() {
        return config;
    }
    let warn = positive(cx, d, "dr", "warn_days");
    let fail = positive(cx, d, "dr", "fail_days");
    let (w, f) = (
        warn.unwrap_or(config.warn_days),
        fail.unwrap_or(config.fail_days),
    );
    if w > f {
        let key = if warn.is_some() {
            "warn_days"
        } else {
            "fail_days"
        };
        cx.error(
            d.get(key).map(|n| n.pos),
            &format!("dr.{key}"),
            format!(
                "warn_days ({w}) is after fail_days ({f}): a playbook should warn before it fails"
            ),
        );
        return config;
    }
    config.warn_days = w;
    config.fail_days = f;
    config
}

fn parse_team(cx: &mut Ctx, t: &Node, path: &str) -> Option<Team> {
    cx.object(t, path, &["name", "okrs"])?;
    let name = cx
        .req(t, path, "name")
        .and_then(|n| cx.text(n, &format!("{path}.name")));
    let mut okrs = Vec::new();
    if let Some(list) = cx.get(t, "okrs") {
        let okrs_path = format!("{path}.okrs");
        for (i, o) in cx.list(list, &okrs_path).into_iter().enumerate() {
            let p = format!("{okrs_path}[{i}]");
            if let Some(okr) = parse_okr(cx, o, &p) {
                okrs.push(okr);
            }
        }
    }
    Some(Team {
        name: name?,
        okrs,
        path: path.to_string(),
    })
}

fn parse_okr(cx: &mut Ctx, o: &Node, path: &str) -> Option<OkrTarget> {
    cx.object(
        o,
        path,
        &["quarter", "category", "min_score", "rule", "min_pass_ratio"],
    )?;
    let quarter = cx.req(o, path, "quarter").and_then(|n| {
        let q = n.as_scalar().filter(|q| time::is_quarter(q));
        if q.is_none() {
            cx.error(
                Some(n.pos),
                &format!("{path}.quarter"),
                format!(
                    "invalid quarter {}, expected YYYY-QN such as 2026-Q4",
                    shown(n)
                ),
            );
        }
        q.map(str::to_string)
    });
    let category = cx.get(o, "category");
    let rule = cx.get(o, "rule");
    let goal = match (category, rule) {
        (Some(c), None) => {
            let category = Category::parse(c.as_scalar().unwrap_or_default());
            if category.is_none() {
                cx.error(
                    Some(c.pos),
                    &format!("{path}.category"),
                    format!(
                        "unknown value {}, expected one of {}",
                        shown(c),
                        Category::slugs()
                    ),
                );
            }
            let min = cx
                .req(o, path, "min_score")
                .and_then(|n| cx.number(n, &format!("{path}.min_score"), 0.0, 1.0));
            OkrGoal::Category {
                category: category?,
                min_score: min?,
            }
        }
        (None, Some(r)) => {
            // Rule ids are checked against the manifesto by the judge, which
            // knows about rules a fleet's manifesto file adds.
            let rule = cx.text(r, &format!("{path}.rule"));
            let min = cx
                .req(o, path, "min_pass_ratio")
                .and_then(|n| cx.number(n, &format!("{path}.min_pass_ratio"), 0.0, 1.0));
            OkrGoal::Rule {
                rule: rule?.to_ascii_uppercase(),
                min_pass_ratio: min?,
            }
        }
        (Some(_), Some(_)) => {
            cx.error(
                Some(o.pos),
                path,
                "give either category (with min_score) or rule (with min_pass_ratio), not both",
            );
            return None;
        }
        (None, None) => {
            cx.error(
                Some(o.pos),
                path,
                "missing target: give category with min_score, or rule with min_pass_ratio",
            );
            return None;
        }
    };
    Some(OkrTarget {
        quarter: quarter?,
        goal,
        path: path.to_string(),
    })
}
