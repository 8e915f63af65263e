//! records/: Markdown files with YAML front matter, one record each.

use std::path::Path;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use relman_core::fleet::{
    ActionItem, DrPlaybook, Gameday, Incident, IncidentSeverity, Origin, Postmortem, Records,
    RejectedRecord, Review, ReviewType, Runbook,
};
use relman_core::yaml::Node;

use crate::diag::{Diagnostic, did_you_mean};
use crate::fields::{Ctx, shown};
use crate::files;

/// The folders of records/ and the kind each holds.
const FOLDERS: &[(&str, &str)] = &[
    ("incidents", "Incident"),
    ("postmortems", "Postmortem"),
    ("gamedays", "Gameday"),
    ("dr", "DrPlaybook"),
    ("reviews", "Review"),
];

const KINDS: &[&str] = &["Incident", "Postmortem", "Gameday", "DrPlaybook", "Review"];

/// An incident's severities, as written and as loaded.
const SEVERITIES: &[&str] = &["minor", "major", "critical"];
const SEVERITY_VALUES: [IncidentSeverity; 3] = [
    IncidentSeverity::Minor,
    IncidentSeverity::Major,
    IncidentSeverity::Critical,
];

/// Load every record; `now` is the fleet's today when relman.yaml sets it
/// (incident and postmortem dates after it are problems; without it, or
/// with an audit's `--now`, the checks judge such dates against their
/// today), and `services` the declared service names (incidents may only
/// name those).
///
/// An incident or postmortem with any problem is set aside in
/// `records.rejected` with what could be read of it, so that the checks
/// that would have read it say so; the other records are used.
pub(crate) fn load(
    root: &Path,
    now: Option<NaiveDate>,
    services: &[&str],
    records: &mut Records,
    diags: &mut Vec<Diagnostic>,
) {
    let mut incidents = Vec::new();
    let mut postmortems = Vec::new();
    for (folder, folder_kind) in FOLDERS {
        for path in files::list(
            root,
            &format!("records/{folder}"),
            &["md", "markdown"],
            diags,
        ) {
            let file = files::display(root, &path);
            let rejected = |problem: &Diagnostic| RejectedRecord {
                file: file.clone(),
                kind: (*folder_kind).to_string(),
                id: None,
                services: Vec::new(),
                severity: None,
                problems: vec![problem.to_string()],
            };
            let text = match files::read(root, &path) {
                Ok(t) => t,
                Err(d) => {
                    records.rejected.push(rejected(&d));
                    diags.push(d);
                    continue;
                }
            };
            let Some((yaml, body, body_line)) = files::front_matter(&text) else {
                let d = Diagnostic {
                    file: file.clone(),
                    pos: Some(relman_core::yaml::Pos { line: 1, col: 1 }),
                    field: String::new(),
                    message: "no YAML front matter: a record starts with a line `---`, its fields, and a closing `---`".into(),
                };
                records.rejected.push(rejected(&d));
                diags.push(d);
                continue;
            };
            let doc = match files::parse_yaml(file.clone(), &yaml) {
                Ok(Some(doc)) => doc,
                Ok(None) => {
                    let d = Diagnostic {
                        file: file.clone(),
                        pos: None,
                        field: String::new(),
                        message: "empty front matter".into(),
                    };
                    records.rejected.push(rejected(&d));
                    diags.push(d);
                    continue;
                }
                Err(d) => {
                    records.rejected.push(rejected(&d));
                    diags.push(d);
                    continue;
                }
            };
            let mut cx = Ctx::new(file.clone());
            let kind = match cx.get(&doc, "kind") {
                Some(k) => cx.choice(k, "kind", KINDS).map(|i| KINDS[i]),
                None => Some(*folder_kind),
            };
            let loaded = match kind {
                // Kept with their own problems until the links between
                // records are checked, so that a file's problems are all
                // reported at once.
                Some("Incident") => incident(root, &mut cx, &doc, services)
                    .map(|r| incidents.push((r, problems(&cx))))
                    .is_some(),
                Some("Postmortem") => postmortem(root, &mut cx, &doc, body, body_line)
                    .map(|r| postmortems.push((r, problems(&cx))))
                    .is_some(),
                Some("Gameday") => gameday(&mut cx, &doc)
                    .map(|r| records.gamedays.push(r))
                    .is_some(),
                Some("DrPlaybook") => dr(&mut cx, &doc)
                    .map(|r| records.dr_playbooks.push(r))
                    .is_some(),
                Some("Review") => review(&mut cx, &doc)
                    .map(|r| records.reviews.push(r))
                    .is_some(),
                _ => false,
            };
            if !loaded {
                records
                    .rejected
                    .push(set_aside(&cx, &doc, kind.unwrap_or(folder_kind)));
            }
            diags.append(&mut cx.diags);
        }
    }
    link(now, incidents, postmortems, records, diags);
}

fn problems(cx: &Ctx) -> Vec<String> {
    cx.diags.iter().map(ToString::to_string).collect()
}

/// What can still be read of a record with problems.
fn set_aside(cx: &Ctx, doc: &Node, kind: &str) -> RejectedRecord {
    let peek = |key: &str| {
        doc.get(key)
            .and_then(Node::as_scalar)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let services = match doc.get("services") {
        Some(n) => match (n.as_seq(), n.as_scalar()) {
            (Some(items), _) => items
                .iter()
                .filter_map(Node::as_scalar)
                .map(str::to_string)
                .collect(),
            (None, Some(one)) => vec![one.to_string()],
            _ => Vec::new(),
        },
        None => Vec::new(),
    };
    let id = if kind == "Postmortem" {
        peek("incident")
    } else {
        peek("id")
    };
    RejectedRecord {
        file: cx.file.clone(),
        kind: kind.to_string(),
        id,
        services,
        severity: peek("severity").and_then(|s| severity_of(&s)),
        problems: cx.diags.iter().map(ToString::to_string).collect(),
    }
}

fn severity_of(s: &str) -> Option<IncidentSeverity> {
    SEVERITIES
        .iter()
        .position(|v| *v == s)
        .map(|i| SEVERITY_VALUES[i])
}

/// An ISO 8601 timestamp as it is usually written: `2026-10-03T10:12:00Z`.
fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The checks that need more than one record: incidents and the
/// postmortems they link, and dates after the fleet's today. Then every
/// incident and postmortem with a problem, of its own or found here, is
/// set aside. Each record comes with its own problems, already reported.
fn link(
    now: Option<NaiveDate>,
    incidents: Vec<(Incident, Vec<String>)>,
    postmortems: Vec<(Postmortem, Vec<String>)>,
    records: &mut Records,
    diags: &mut Vec<Diagnostic>,
) {
    let problem = |origin: &Origin, field: &str, message: String| Diagnostic {
        file: origin.file.clone(),
        pos: origin.fields.get(field).copied(),
        field: field.to_string(),
        message,
    };
    let today = |d: NaiveDate| {
        format!("after today ({d}, relman.yaml: now): a record cannot be dated in the future")
    };
    let mut incident_problems: Vec<Vec<Diagnostic>> = vec![Vec::new(); incidents.len()];
    let mut postmortem_problems: Vec<Vec<Diagnostic>> = vec![Vec::new(); postmortems.len()];
    let (incidents, incidents_own): (Vec<Incident>, Vec<Vec<String>>) =
        incidents.into_iter().unzip();
    let (postmortems, postmortems_own): (Vec<Postmortem>, Vec<Vec<String>>) =
        postmortems.into_iter().unzip();

    // Every incident id relman has seen, set aside or not.
    let mut ids: Vec<&str> = records
        .rejected
        .iter()
        .filter(|r| r.kind == "Incident")
        .filter_map(|r| r.id.as_deref())
        .collect();
    for (i, inc) in incidents.iter().enumerate() {
        let out = &mut incident_problems[i];
        if let Some(first) = incidents[..i].iter().find(|o| o.id == inc.id) {
            out.push(problem(
                &inc.origin,
                "id",
                format!(
                    "incident id \"{}\" is also used by {}",
                    inc.id, first.origin.file
                ),
            ));
        }
        ids.push(&inc.id);
        if let Some(now) = now {
            for (field, t) in [("started", inc.started), ("resolved", inc.resolved)] {
                if let Some(t) = t.filter(|t| t.date_naive() > now) {
                    out.push(problem(
                        &inc.origin,
                        field,
                        format!("{field} {} is {}", iso(t), today(now)),
                    ));
                }
            }
        }
        let Some(pm_path) = &inc.postmortem else {
            continue;
        };
        let linked = postmortems
            .iter()
            .find(|p| p.origin.file == pm_path.display);
        let set_aside = records
            .rejected
            .iter()
            .any(|r| r.kind == "Postmortem" && r.file == pm_path.display);
        match linked {
            Some(pm) if pm.incident != inc.id => out.push(problem(
                &inc.origin,
                "postmortem",
                format!(
                    "{} is the postmortem of {}, not of {}",
                    pm_path.display, pm.incident, inc.id
                ),
            )),
            Some(_) => {}
            // Its own problems are reported with it.
            None if set_aside => {}
            None if !pm_path.resolved.exists() => out.push(problem(
                &inc.origin,
                "postmortem",
                format!("{} does not exist", pm_path.display),
            )),
            None => out.push(problem(
                &inc.origin,
                "postmortem",
                format!(
                    "{} is not a postmortem record: keep postmortems in records/postmortems/ with `kind: Postmortem` front matter",
                    pm_path.display
                ),
            )),
        }
    }

    for (i, pm) in postmortems.iter().enumerate() {
        let out = &mut postmortem_problems[i];
        if !ids.contains(&pm.incident.as_str()) {
            let hint = match did_you_mean(&pm.incident, &ids) {
                Some(s) => format!(", did you mean \"{s}\"?"),
                None => ": no incident record has this id".to_string(),
            };
            out.push(problem(
                &pm.origin,
                "incident",
                format!("unknown incident \"{}\"{hint}", pm.incident),
            ));
        }
        if let Some(date) = pm.date {
            if let Some(now) = now.filter(|now| date > *now) {
                out.push(problem(
                    &pm.origin,
                    "date",
                    format!("date {date} is {}", today(now)),
                ));
            }
            let started = incidents
                .iter()
                .find(|inc| inc.id == pm.incident)
                .and_then(|inc| inc.started);
            if let Some(started) = started.filter(|s| date < s.date_naive()) {
                out.push(problem(
                    &pm.origin,
                    "date",
                    format!(
                        "date {date} is before {} started ({})",
                        pm.incident,
                        iso(started)
                    ),
                ));
            }
        }
    }

    for ((inc, own), new) in incidents
        .into_iter()
        .zip(incidents_own)
        .zip(incident_problems)
    {
        if own.is_empty() && new.is_empty() {
            records.incidents.push(inc);
            continue;
        }
        let mut problems = own;
        problems.extend(new.iter().map(ToString::to_string));
        diags.extend(new);
        records.rejected.push(RejectedRecord {
            file: inc.origin.file.clone(),
            kind: "Incident".into(),
            id: Some(inc.id),
            services: inc.services,
            severity: Some(inc.severity),
            problems,
        });
    }
    for ((pm, own), new) in postmortems
        .into_iter()
        .zip(postmortems_own)
        .zip(postmortem_problems)
    {
        if own.is_empty() && new.is_empty() {
            records.postmortems.push(pm);
            continue;
        }
        let mut problems = own;
        problems.extend(new.iter().map(ToString::to_string));
        diags.extend(new);
        records.rejected.push(RejectedRecord {
            file: pm.origin.file.clone(),
            kind: "Postmortem".into(),
            id: Some(pm.incident),
            services: Vec::new(),
            severity: None,
            problems,
        });
    }
    records.rejected.sort_by(|a, b| a.file.cmp(&b.file));
}

fn opt_text(cx: &mut Ctx, doc: &Node, key: &str) -> Option<String> {
    cx.get(doc, key).and_then(|n| cx.text(n, key))
}

fn req_text(cx: &mut Ctx, doc: &Node, key: &str) -> Option<String> {
    cx.req(doc, "", key).and_then(|n| cx.text(n, key))
}

fn opt_url(cx: &mut Ctx, doc: &Node, key: &str) -> Option<String> {
    let n = cx.get(doc, key)?;
    let u = cx.text(n, key)?;
    if !u.contains("://") {
        cx.error(
            Some(n.pos),
            key,
            format!("invalid URL {}, expected an http(s) link", shown(n)),
        );
        return None;
    }
    Some(u)
}

fn incident(root: &Path, cx: &mut Ctx, doc: &Node, known: &[&str]) -> Option<Incident> {
    cx.object(
        doc,
        "",
        &[
            "kind",
            "id",
            "title",
            "severity",
            "services",
            "started",
            "resolved",
            "statuspage",
            "playbook_run",
            "postmortem",
        ],
    )?;
    let id = req_text(cx, doc, "id");
    let severity = cx
        .req(doc, "", "severity")
        .and_then(|n| cx.choice(n, "severity", SEVERITIES))
        .map(|i| SEVERITY_VALUES[i]);
    let services = cx
        .req(doc, "", "services")
        .map(|n| cx.strings(n, "services"))
        .unwrap_or_default();
    if cx.get(doc, "services").is_some() && services.is_empty() {
        let pos = doc.get("services").map(|n| n.pos);
        cx.error(
            pos,
            "services",
            "no service named: an incident concerns at least one service",
        );
    }
    for (i, name) in services.iter().enumerate() {
        if !known.contains(&name.as_str()) {
            let field = format!("services[{i}]");
            let hint = match did_you_mean(name, known) {
                Some(s) => format!(", did you mean \"{s}\"?"),
                None => ": no descriptor in services/ has this name".to_string(),
            };
            let pos = cx.origin.fields.get(&field).copied();
            cx.error(pos, &field, format!("unknown service \"{name}\"{hint}"));
        }
    }
    let started = cx
        .req(doc, "", "started")
        .and_then(|n| cx.timestamp(n, "started"));
    let resolved = cx
        .get(doc, "resolved")
        .and_then(|n| cx.timestamp(n, "resolved"));
    if let (Some(s), Some(r)) = (started, resolved) {
        if r < s {
            let pos = doc.get("resolved").map(|n| n.pos);
            cx.error(
                pos,
                "resolved",
                format!("resolved {} is before started {}", iso(r), iso(s)),
            );
        }
    }
    let statuspage = opt_url(cx, doc, "statuspage");
    let playbook_run = opt_url(cx, doc, "playbook_run");
    let file = cx.file.clone();
    let postmortem = opt_text(cx, doc, "postmortem").map(|p| files::resolve(root, &file, &p));
    Some(Incident {
        id: id?,
        severity: severity?,
        services,
        started,
        resolved,
        statuspage,
        playbook_run,
        postmortem,
        origin: cx.origin.clone(),
    })
}

fn action_items(cx: &mut Ctx, doc: &Node, key: &str) -> Vec<ActionItem> {
    let Some(list) = cx.get(doc, key) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, item) in cx.list(list, key).into_iter().enumerate() {
        let p = format!("{key}[{i}]");
        if item.as_scalar().is_some() {
            // A bare string is an action item with no owner or date.
            if let Some(title) = cx.text(item, &p) {
                out.push(ActionItem {
                    title,
                    owner: None,
                    due: None,
                    done: false,
                });
            }
            continue;
        }
        if cx
            .object(item, &p, &["title", "owner", "due", "done", "link"])
            .is_none()
        {
            continue;
        }
        let title = cx
            .req(item, &p, "title")
            .and_then(|n| cx.text(n, &format!("{p}.title")));
        let owner = cx
            .get(item, "owner")
            .and_then(|n| cx.text(n, &format!("{p}.owner")));
        let due = cx
            .get(item, "due")
            .and_then(|n| cx.date(n, &format!("{p}.due")));
        let done = cx
            .get(item, "done")
            .and_then(|n| cx.boolean(n, &format!("{p}.done")))
            .unwrap_or(false);
        if let Some(title) = title {
            out.push(ActionItem {
                title,
                owner,
                due,
                done,
            });
        }
    }
    out
}

fn postmortem(
    root: &Path,
    cx: &mut Ctx,
    doc: &Node,
    body: &str,
    body_line: u32,
) -> Option<Postmortem> {
    cx.object(
        doc,
        "",
        &[
            "kind",
            "incident",
            "date",
            "title",
            "action_items",
            "runbooks",
            "authors",
        ],
    )?;
    let incident = req_text(cx, doc, "incident");
    let date = cx.get(doc, "date").and_then(|n| cx.date(n, "date"));
    let action_items = action_items(cx, doc, "action_items");
    let file = cx.file.clone();
    // Runbooks given as paths must exist (C-2): looked at here, since the
    // checks do no I/O.
    let runbooks = cx
        .get(doc, "runbooks")
        .map(|n| cx.strings(n, "runbooks"))
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            if r.contains("://") {
                Runbook::Url(r)
            } else {
                let path = files::resolve(root, &file, &r);
                let exists = path.resolved.exists();
                Runbook::Path { path, exists }
            }
        })
        .collect();
    Some(Postmortem {
        incident: incident?,
        date,
        action_items,
        runbooks,
        body: body.to_string(),
        body_line,
        origin: cx.origin.clone(),
    })
}

fn gameday(cx: &mut Ctx, doc: &Node) -> Option<Gameday> {
    cx.object(
        doc,
        "",
        &[
            "kind",
            "date",
            "title",
            "services",
            "hypothesis",
            "impact",
            "actions",
            "participants",
        ],
    )?;
    let date = cx.req(doc, "", "date").and_then(|n| cx.date(n, "date"));
    let services = cx
        .get(doc, "services")
        .map(|n| cx.strings(n, "services"))
        .unwrap_or_default();
    let hypothesis = opt_text(cx, doc, "hypothesis");
    let impact = opt_text(cx, doc, "impact");
    let actions = action_items(cx, doc, "actions");
    Some(Gameday {
        date: date?,
        services,
        hypothesis,
        impact,
        actions,
        origin: cx.origin.clone(),
    })
}

fn dr(cx: &mut Ctx, doc: &Node) -> Option<DrPlaybook> {
    cx.object(
        doc,
        "",
        &["kind", "component", "title", "last_tested", "owner"],
    )?;
    let component = req_text(cx, doc, "component");
    let last_tested = cx
        .get(doc, "last_tested")
        .and_then(|n| cx.date(n, "last_tested"));
    Some(DrPlaybook {
        component: component?,
        last_tested,
        origin: cx.origin.clone(),
    })
}

fn review(cx: &mut Ctx, doc: &Node) -> Option<Review> {
    cx.object(
        doc,
        "",
        &[
            "kind",
            "type",
            "service",
            "date",
            "outcome",
            "link",
            "reviewers",
        ],
    )?;
    let kind = cx
        .req(doc, "", "type")
        .and_then(|n| cx.choice(n, "type", &["prr", "poc", "security"]))
        .map(|i| [ReviewType::Prr, ReviewType::Poc, ReviewType::Security][i]);
    let service = req_text(cx, doc, "service");
    let date = cx.req(doc, "", "date").and_then(|n| cx.date(n, "date"));
    let outcome = opt_text(cx, doc, "outcome");
    let link = opt_url(cx, doc, "link");
    Some(Review {
        kind: kind?,
        service: service?,
        date: date?,
        outcome,
        link,
        origin: cx.origin.clone(),
    })
}
