use relman_core::fleet::{IncidentSeverity, Postmortem};
use relman_core::{EvidenceRef, Severity};

use super::blame::Linter;
use super::{
    count, incidents_of, is_serious, no_incident, postmortem_of, rejected_incidents_of,
    report_rejected,
};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// C-4: postmortems describe how the system let a mistake through, not who
/// made it.
pub struct BlamelessPostmortems;

static META: CheckMeta = CheckMeta {
    rule: "C-4",
    id: "blameless-postmortems",
    severity: Severity::Medium,
    title: "Postmortems are blameless",
    what: "The text of every postmortem of an incident naming the service (the Markdown after the front matter) is read for blaming language: \"human error\", \"<person> forgot to\", \"careless\", \"should have known\", \"the fault of\", \"<person> caused the outage\", \"negligence\", \"failed to notice\", \"blame\" and the others of the built-in list, plus `postmortems.blaming_phrases` from relman.yaml; and a person named as the root cause. Matching is case-insensitive on word boundaries and skips code, links, quoted text and negated phrases (\"not human error\"). Each hit fails, with its line and column, the phrase and a rewording: the manifesto calls blameless culture key. A service whose major or critical incidents have no postmortem is unverified (C-2 fails them); one with only minor incidents and no postmortem, not applicable.",
    why: "People stop telling what really happened when postmortems name culprits, and \"human error\" ends the analysis where it should start: what let the mistake through, and what would have caught it.",
    fix: "Describe the conditions and the missing safeguards instead of the person: what made the mistake easy, and what would have caught it.",
};

/// `"Dave forgot to" (<person> forgot to)`, or just the words when they are
/// the phrase.
fn shown(text: &str, phrase: &str) -> String {
    if text.eq_ignore_ascii_case(phrase) {
        format!("\"{text}\"")
    } else {
        format!("\"{text}\" ({phrase})")
    }
}

fn lint(linter: &Linter, id: &str, pm: &Postmortem, out: &mut Findings) {
    let file = &pm.origin.file;
    let hits = linter.lint(&pm.body);
    if hits.is_empty() {
        out.pass(format!(
            "the postmortem of {id} ({file}) uses no blaming language ({} read)",
            count(pm.body.lines().count(), "line")
        ))
        .at(EvidenceRef::new("records", file.clone()));
        return;
    }
    for h in hits {
        let line = pm.body_line.saturating_add(h.line).saturating_sub(1);
        out.fail(format!(
            "blaming language in the postmortem of {id}: {} at {file}:{line}:{}",
            shown(&h.text, &h.phrase),
            h.column
        ))
        .at(EvidenceRef::new("records", file.clone()).at(line, h.column))
        .fix(format!(
            "Say what the system lacked, not who slipped; for example: \"{}\".",
            h.suggestion.trim_end_matches('.')
        ));
    }
}

impl ServiceCheck for BlamelessPostmortems {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let records = &cx.fleet.records;
        let linter = Linter::new(&cx.fleet.config.postmortems.blaming_phrases);
        for p in linter.problems() {
            out.error(p.clone())
                .at(cx
                    .fleet
                    .config
                    .origin
                    .at("fleet", "postmortems.blaming_phrases"))
                .fix("Correct the phrase in relman.yaml.");
        }

        // The incidents naming the service, loaded or set aside.
        let incidents = incidents_of(cx, out);
        let rejected: Vec<_> = rejected_incidents_of(records, &cx.service.name).collect();
        let ids: Vec<&str> = incidents
            .iter()
            .map(|i| i.id.as_str())
            .chain(rejected.iter().filter_map(|r| r.id.as_deref()))
            .collect();

        // Their postmortems, each once.
        let mut postmortems: Vec<(&str, &Postmortem)> = Vec::new();
        for inc in &incidents {
            if let Some(pm) = postmortem_of(records, inc) {
                postmortems.push((&inc.id, pm));
            }
        }
        for pm in &records.postmortems {
            if ids.contains(&pm.incident.as_str()) {
                postmortems.push((&pm.incident, pm));
            }
        }
        let mut seen: Vec<&str> = Vec::new();
        postmortems.retain(|(_, pm)| {
            let new = !seen.contains(&pm.origin.file.as_str());
            seen.push(&pm.origin.file);
            new
        });
        for r in records.rejected.iter().filter(|r| {
            r.kind == "Postmortem"
                && (r.id.as_deref().is_some_and(|id| ids.contains(&id))
                    || incidents
                        .iter()
                        .any(|i| i.postmortem.as_ref().is_some_and(|p| p.display == r.file)))
        }) {
            report_rejected(r, "its text is not checked for blaming language", out);
        }

        for (id, pm) in &postmortems {
            lint(&linter, id, pm, out);
        }
        if !out.list.is_empty() {
            return;
        }

        let without: Vec<String> = incidents
            .iter()
            .filter(|i| is_serious(i.severity))
            .map(|i| format!("{} ({})", i.id, i.severity.as_str()))
            .collect();
        if !without.is_empty() {
            out.unverified(format!(
                "no postmortem of {}'s incidents to read: {} {} none (C-2 judges that)",
                cx.service.name,
                without.join(", "),
                if without.len() == 1 { "has" } else { "have" }
            ))
            .fix("Write the postmortems; this check reads them for blaming language.");
            return;
        }
        if incidents.is_empty() && rejected.is_empty() {
            no_incident(cx, "no postmortem to read", out);
            return;
        }
        let minor = incidents
            .iter()
            .filter(|i| i.severity == IncidentSeverity::Minor)
            .count();
        out.not_applicable(format!(
            "no postmortem concerns {}: its {} {} none, and none is required",
            cx.service.name,
            count(minor, "minor incident"),
            if minor == 1 { "has" } else { "have" }
        ));
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::fleet::{BlamingPhrase, Fleet, IncidentSeverity};

    use super::*;
    use crate::improvement::fixtures::{incident, judge, postmortem};
    use crate::testing::*;

    fn run(f: &Fleet, service: &str) -> Vec<relman_core::Finding> {
        judge(&BlamelessPostmortems, f, service)
    }

    /// The demo fleet's LDAP postmortem, from its root cause on.
    const LDAP: &str = "# Postmortem: LDAP certificate expiry (INC-2026-037)

## Summary
The LDAPS certificate expired at 06:00 UTC on a Tuesday. All LDAP binds
failed for 108 minutes.

## Root cause
Root cause: human error. Dave forgot to renew the certificate, even though
the renewal was on his calendar. He should have checked the expiry date
before going on leave; this was careless and is not acceptable for a
critical service.
";

    #[test]
    fn each_blaming_phrase_fails_at_its_line_in_the_file() {
        let mut f = fleet();
        f.records.incidents = vec![incident("INC-1", IncidentSeverity::Critical, &["a", "b"])];
        f.records.postmortems = vec![postmortem("INC-1", LDAP)];
        let found = run(&f, "b");
        assert_eq!(
            render(&found),
            [
                "fail: blaming language in the postmortem of INC-1: \"human error\" at records/postmortems/INC-1.md:19:13 [records/postmortems/INC-1.md:19:13]",
                "fail: blaming language in the postmortem of INC-1: \"Dave forgot to\" (<person> forgot to) at records/postmortems/INC-1.md:19:26 [records/postmortems/INC-1.md:19:26]",
                "fail: blaming language in the postmortem of INC-1: \"He should have checked\" (<person> should have checked/known) at records/postmortems/INC-1.md:20:34 [records/postmortems/INC-1.md:20:34]",
                "fail: blaming language in the postmortem of INC-1: \"careless\" at records/postmortems/INC-1.md:21:33 [records/postmortems/INC-1.md:21:33]",
            ]
            .join("\n")
        );
        assert_eq!(
            found[0].remediation.as_deref(),
            Some(
                "Say what the system lacked, not who slipped; for example: \"the process allowed a manual step to go unchecked\"."
            )
        );
    }

    #[test]
    fn a_blameless_postmortem_passes_and_fleet_phrases_are_used() {
        let mut f = fleet();
        f.records.incidents = vec![incident("INC-1", IncidentSeverity::Major, &["a"])];
        f.records.postmortems = vec![postmortem(
            "INC-1",
            include_str!("testdata/blameless-queue-backlog.md"),
        )];
        assert_eq!(
            render(&run(&f, "a")),
            "pass: the postmortem of INC-1 (records/postmortems/INC-1.md) uses no blaming language (31 lines read) [records/postmortems/INC-1.md]"
        );
        f.config.postmortems.blaming_phrases = vec![BlamingPhrase {
            phrase: "{person} opens an incident".into(),
            suggestion: Some("an incident was opened".into()),
        }];
        let found = run(&f, "a");
        assert_eq!(
            render(&found),
            "fail: blaming language in the postmortem of INC-1: \"Sam opens an incident\" ({person} opens an incident) at records/postmortems/INC-1.md:23:39 [records/postmortems/INC-1.md:23:39]"
        );
        assert_eq!(
            found[0].remediation.as_deref(),
            Some(
                "Say what the system lacked, not who slipped; for example: \"an incident was opened\"."
            )
        );
    }

    #[test]
    fn without_a_postmortem_it_is_unverified_or_not_applicable() {
        let mut f = fleet();
        f.records.incidents = vec![
            incident("INC-1", IncidentSeverity::Major, &["a"]),
            incident("INC-2", IncidentSeverity::Minor, &["b"]),
        ];
        assert_eq!(
            render(&run(&f, "a")),
            "unverified: no postmortem of a's incidents to read: INC-1 (major) has none (C-2 judges that) []"
        );
        assert_eq!(
            render(&run(&f, "b")),
            "not_applicable: no postmortem concerns b: its 1 minor incident has none, and none is required []"
        );
        assert_eq!(
            render(&run(&f, "c")),
            "not_applicable: no incident recorded for c in records/incidents/: no postmortem to read []"
        );
        // A minor incident's postmortem is read too.
        f.records.postmortems = vec![postmortem("INC-2", "It was human error.\n")];
        assert_eq!(statuses(&run(&f, "b")), [Status::Fail]);
    }
}
