//! records/: Markdown files with YAML front matter, one record each.

use std::path::Path;

use relman_core::fleet::{
    ActionItem, DrPlaybook, Gameday, Incident, IncidentSeverity, Postmortem, Records, Review,
    ReviewType,
};
use relman_core::yaml::Node;

use crate::diag::Diagnostic;
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

pub(crate) fn load(root: &Path, records: &mut Records, diags: &mut Vec<Diagnostic>) {
    for (folder, folder_kind) in FOLDERS {
        for path in files::list(
            root,
            &format!("records/{folder}"),
            &["md", "markdown"],
            diags,
        ) {
            let file = files::display(root, &path);
            let text = match files::read(root, &path) {
                Ok(t) => t,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let Some((yaml, body, body_line)) = files::front_matter(&text) else {
                diags.push(Diagnostic {
                    file,
                    pos: Some(relman_core::yaml::Pos { line: 1, col: 1 }),
                    field: String::new(),
                    message: "no YAML front matter: a record starts with a line `---`, its fields, and a closing `---`".into(),
                });
                continue;
            };
            let doc = match files::parse_yaml(file.clone(), &yaml) {
                Ok(Some(doc)) => doc,
                Ok(None) => {
                    diags.push(Diagnostic {
                        file,
                        pos: None,
                        field: String::new(),
                        message: "empty front matter".into(),
                    });
                    continue;
                }
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let mut cx = Ctx::new(file);
            let kind = match cx.get(&doc, "kind") {
                Some(k) => cx.choice(k, "kind", KINDS).map(|i| KINDS[i]),
                None => Some(*folder_kind),
            };
            match kind {
                Some("Incident") => {
                    if let Some(r) = incident(root, &mut cx, &doc) {
                        records.incidents.push(r);
                    }
                }
                Some("Postmortem") => {
                    if let Some(r) = postmortem(&mut cx, &doc, body, body_line) {
                        records.postmortems.push(r);
                    }
                }
                Some("Gameday") => {
                    if let Some(r) = gameday(&mut cx, &doc) {
                        records.gamedays.push(r);
                    }
                }
                Some("DrPlaybook") => {
                    if let Some(r) = dr(&mut cx, &doc) {
                        records.dr_playbooks.push(r);
                    }
                }
                Some("Review") => {
                    if let Some(r) = review(&mut cx, &doc) {
                        records.reviews.push(r);
                    }
                }
                _ => {}
            }
            diags.append(&mut cx.diags);
        }
    }
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

fn incident(root: &Path, cx: &mut Ctx, doc: &Node) -> Option<Incident> {
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
        .and_then(|n| cx.choice(n, "severity", &["minor", "major", "critical"]))
        .map(|i| {
            [
                IncidentSeverity::Minor,
                IncidentSeverity::Major,
                IncidentSeverity::Critical,
            ][i]
        });
    let services = cx
        .req(doc, "", "services")
        .map(|n| cx.strings(n, "services"))
        .unwrap_or_default();
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
                format!("resolved {r} is before started {s}"),
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

fn postmortem(cx: &mut Ctx, doc: &Node, body: &str, body_line: u32) -> Option<Postmortem> {
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
    let runbooks = cx
        .get(doc, "runbooks")
        .map(|n| cx.strings(n, "runbooks"))
        .unwrap_or_default();
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
