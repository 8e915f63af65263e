//! Markdown for a pull-request comment: a heading, one summary table, each
//! team's OKR progress, then one collapsible block per service (and one for
//! the fleet rules) listing the rules that do not pass. Blocks with a
//! failure or an error start open.
//!
//! Text from the fleet goes into table cells, so it is escaped for GitHub
//! Flavored Markdown: pipes, newlines, HTML and emphasis characters cannot
//! break the table or the page. Backtick spans in messages stay code.

use std::fmt::Write as _;

use relman_core::Status;
use relman_core::finding::{EvidenceRef, Finding};
use relman_core::report::{OkrProgress, Report, RuleResult, TeamReport, mean_score};

use crate::{WORST_FIRST, cost_trend, count, fmt_score, incidents, needs_action, worst_first};

pub(crate) fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## relman: {}\n", cell(&report.fleet));

    let counts = status_counts(|s| {
        report
            .summary
            .statuses
            .get(s.as_str())
            .copied()
            .unwrap_or(0)
    });
    let n = report.summary.services;
    let _ = writeln!(
        out,
        "**score {}** · {n} {} · audited {}{}\n",
        fmt_score(report.summary.score),
        if n == 1 { "service" } else { "services" },
        cell(&report.now),
        if counts.is_empty() {
            String::new()
        } else {
            format!(" · {counts}")
        }
    );

    summary_table(&mut out, report);
    okr_table(&mut out, &report.teams);
    cost_trend_table(&mut out, report);
    incidents_tables(&mut out, report);

    let mut blocks = 0;
    let fleet_label = format!("<b>fleet rules</b> · {}", html(&report.fleet));
    blocks += usize::from(details(&mut out, &fleet_label, &report.fleet_rules));
    for s in &report.services {
        let label = format!(
            "<b>{}</b> · {} · score {}",
            html(&s.name),
            html(&s.team),
            fmt_score(s.score)
        );
        blocks += usize::from(details(&mut out, &label, &s.rules));
    }
    if blocks == 0 {
        out.push_str("Every rule passes or does not apply.\n");
    }
    out
}

fn summary_table(out: &mut String, report: &Report) {
    out.push_str("| service | team | tier | score | fail | error | unverified | warn |\n");
    out.push_str("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
    let fleet_score = mean_score(report.fleet_rules.iter().map(|r| r.status));
    row(
        out,
        "*fleet rules*",
        "",
        "",
        fleet_score.map_or_else(|| "—".to_string(), fmt_score),
        &report.fleet_rules,
    );
    for s in &report.services {
        row(
            out,
            &cell(&s.name),
            &cell(&s.team),
            &cell(&s.tier),
            fmt_score(s.score),
            &s.rules,
        );
    }
    out.push('\n');
}

fn row(out: &mut String, name: &str, team: &str, tier: &str, score: String, rules: &[RuleResult]) {
    let _ = writeln!(
        out,
        "| {name} | {team} | {tier} | {score} | {} | {} | {} | {} |",
        count(rules, Status::Fail),
        count(rules, Status::Error),
        count(rules, Status::Unverified),
        count(rules, Status::Warn),
    );
}

fn okr_table(out: &mut String, teams: &[TeamReport]) {
    if teams.is_empty() {
        return;
    }
    out.push_str("| team | score | quarter | target | actual | status |\n");
    out.push_str("| --- | ---: | --- | --- | ---: | --- |\n");
    for t in teams {
        let name = cell(&t.name);
        let score = fmt_score(t.score);
        if t.okrs.is_empty() {
            let _ = writeln!(out, "| {name} | {score} | | no OKRs | | |");
        }
        for o in &t.okrs {
            let _ = writeln!(
                out,
                "| {name} | {score} | {} | {} | {} | {} |",
                cell(&o.quarter),
                okr_target(o),
                o.actual.map_or_else(|| "—".to_string(), fmt_score),
                if o.met { "met" } else { "**not met**" }
            );
        }
    }
    out.push('\n');
}

/// The incident figures: services with incidents in the window, then every
/// team and the fleet.
fn incidents_tables(out: &mut String, report: &Report) {
    let Some(section) = incidents::section(report) else {
        return;
    };
    let _ = writeln!(
        out,
        "**Incidents** started {} to {}\n",
        cell(&section.since),
        cell(&section.until)
    );
    let figures_header = incidents::FIGURE_HEADERS.join(" | ");
    if section.services.is_empty() {
        out.push_str("No service had an incident in this window.\n\n");
    } else {
        let _ = writeln!(out, "| service | team | {figures_header} |");
        out.push_str("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for r in &section.services {
            let names: Vec<String> = r.names.iter().map(|n| cell(n)).collect();
            let _ = writeln!(out, "| {} | {} |", names.join(" | "), r.figures.join(" | "));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "| team | services | {figures_header} |");
    out.push_str("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for r in &section.teams {
        let mut names: Vec<String> = r.names.iter().map(|n| cell(n)).collect();
        if r.fleet {
            names[0] = "*fleet*".to_string();
        }
        let _ = writeln!(out, "| {} | {} |", names.join(" | "), r.figures.join(" | "));
    }
    out.push('\n');
}

/// The cost trend (P-1..P-4) month by month, when the fleet gave cost data.
fn cost_trend_table(out: &mut String, report: &Report) {
    let Some(trend) = &report.cost else { return };
    if trend.months.is_empty() {
        return;
    }
    out.push_str("**Cost trend**\n\n");
    let header = cost_trend::header(trend);
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let align: Vec<&str> = (0..header.len())
        .map(|i| if i == 0 { "---" } else { "---:" })
        .collect();
    let _ = writeln!(out, "| {} |", align.join(" | "));
    for row in cost_trend::rows(trend) {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

/// "observability score ≥ 0.90", "S-3 pass ratio ≥ 1.00".
fn okr_target(o: &OkrProgress) -> String {
    let what = match (&o.category, &o.rule) {
        (Some(c), _) => c.slug().to_string(),
        (None, Some(r)) => cell(r),
        (None, None) => "all rules".to_string(),
    };
    match (o.min_score, o.min_pass_ratio) {
        (Some(m), _) => format!("{what} score ≥ {}", fmt_score(m)),
        (None, Some(m)) => format!("{what} pass ratio ≥ {}", fmt_score(m)),
        (None, None) => what,
    }
}

/// One collapsible block with the rules of a group that do not pass;
/// nothing when every rule passes or does not apply.
fn details(out: &mut String, label: &str, rules: &[RuleResult]) -> bool {
    let shown: Vec<&RuleResult> = worst_first(rules)
        .into_iter()
        .filter(|r| needs_action(r.status))
        .collect();
    if shown.is_empty() {
        return false;
    }
    let open = shown
        .iter()
        .any(|r| matches!(r.status, Status::Fail | Status::Error));
    let counts = status_counts(|s| count(rules, s));
    let _ = writeln!(
        out,
        "<details{}>\n<summary>{label} · {counts}</summary>\n",
        if open { " open" } else { "" }
    );
    out.push_str("| status | rule | findings |\n| --- | --- | --- |\n");
    for r in shown {
        let _ = writeln!(
            out,
            "| {} | {} {} | {} |",
            status_word(r.status),
            cell(&r.rule),
            cell(&r.title),
            findings_cell(r)
        );
    }
    out.push_str("\n</details>\n\n");
    true
}

/// The findings of a rule in one table cell: what is wrong, where, the fix.
/// Passing findings are left out when others ask for action.
fn findings_cell(r: &RuleResult) -> String {
    let mut parts = Vec::new();
    if let Some(w) = &r.waiver {
        parts.push(format!(
            "waived: {} (approved by {}, expires {}, {})",
            cell(&w.reason),
            cell(&w.approved_by),
            cell(&w.expires),
            location(&EvidenceRef::new("waivers", w.discussion.clone()))
        ));
    }
    let acting: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| needs_action(f.status))
        .collect();
    let findings = if acting.is_empty() {
        r.findings.iter().collect()
    } else {
        acting
    };
    for f in findings {
        let mut s = String::new();
        if f.status != r.status {
            let _ = write!(s, "{} ", status_word(f.status));
        }
        let _ = write!(s, "{}: {}", cell(&f.check), cell(&f.message));
        if !f.evidence.is_empty() {
            let at: Vec<String> = f.evidence.iter().map(location).collect();
            let _ = write!(s, "<br>at {}", at.join(", "));
        }
        if let Some(fix) = f.remediation.as_deref().filter(|_| needs_action(f.status)) {
            let _ = write!(s, "<br>fix: {}", cell(fix));
        }
        parts.push(s);
    }
    parts.join("<br><br>")
}

/// Fail and error stand out; the other statuses are plain words.
fn status_word(s: Status) -> String {
    match s {
        Status::Fail | Status::Error => format!("**{s}**"),
        _ => s.to_string(),
    }
}

/// "2 fail, 1 unverified": non-zero counts, worst first.
fn status_counts(n: impl Fn(Status) -> usize) -> String {
    WORST_FIRST
        .iter()
        .filter_map(|&s| {
            let c = n(s);
            (c > 0).then(|| format!("{c} {s}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A file location as code, a URL as a link.
fn location(e: &EvidenceRef) -> String {
    if e.is_file() {
        code(&e.display())
    } else {
        let mut url = String::new();
        for c in e.location.chars() {
            match c {
                '|' => url.push_str("%7C"),
                '<' => url.push_str("%3C"),
                '>' => url.push_str("%3E"),
                ' ' => url.push_str("%20"),
                c if c.is_control() => {}
                c => url.push(c),
            }
        }
        format!("<{url}>")
    }
}

/// A code span that holds any text inside a table cell.
fn code(s: &str) -> String {
    let body = code_body(s);
    if body.contains('`') {
        format!("`` {body} ``")
    } else {
        format!("`{body}`")
    }
}

/// Code-span content in a table: a pipe still needs its backslash there,
/// and a newline cannot appear.
fn code_body(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '|' => "\\|".to_string(),
            c if c.is_control() => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Fleet text for a table cell. Backtick pairs stay code spans; outside
/// them, Markdown and HTML characters are escaped and newlines become
/// `<br>`.
fn cell(s: &str) -> String {
    let parts: Vec<&str> = s.split('`').collect();
    let unpaired = parts.len() % 2 == 0;
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i % 2 == 0 {
            text(&mut out, part);
        } else if unpaired && i == parts.len() - 1 {
            out.push_str("\\`");
            text(&mut out, part);
        } else if part.is_empty() {
            out.push_str("\\`\\`");
        } else {
            out.push('`');
            out.push_str(&code_body(part));
            out.push('`');
        }
    }
    out
}

fn text(out: &mut String, s: &str) {
    let s = s.trim_end_matches(['\n', '\r']);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("<br>"),
            '&' => out.push_str("&amp;"),
            '\\' | '|' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// Text inside an HTML element (`<summary>`).
fn html(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '&' => "&amp;".to_string(),
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            c if c.is_control() => " ".to_string(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc"), "a\\|b<br>c");
        assert_eq!(cell("<script>"), "\\<script\\>");
        assert_eq!(cell("*_build_info"), "\\*\\_build\\_info");
        assert_eq!(cell("the `a|b` field"), "the `a\\|b` field");
        assert_eq!(cell("one ` tick"), "one \\` tick");
        assert_eq!(cell("x\u{1b}[31m"), "x\\[31m");
        assert_eq!(code("a`b"), "`` a`b ``");
    }

    /// Each table's rows have as many cells as its header.
    #[test]
    fn every_table_row_has_its_columns() {
        let out = render(&testing::report());
        let cells = |line: &str| {
            let b = line.as_bytes();
            (0..b.len())
                .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
                .count()
        };
        let mut tables = 0;
        let mut header = None;
        for line in out.lines() {
            match (line.starts_with('|'), header) {
                (true, None) => {
                    header = Some(cells(line));
                    tables += 1;
                }
                (true, Some(n)) => assert_eq!(cells(line), n, "{line}"),
                (false, _) => header = None,
            }
        }
        assert_eq!(tables, 8);
    }

    #[test]
    fn failing_groups_start_open() {
        let out = render(&testing::report());
        assert!(out.contains("<details open>\n<summary><b>ldap</b>"));
        assert!(out.contains("<details open>\n<summary><b>playbooks</b>"));
        // Rules that pass or do not apply are not listed.
        assert!(!out.contains("| D-3 "));
        assert!(!out.contains("| O-1 "));
        assert!(out.contains("| waived | S-3 No secrets in repositories | waived: "));
    }

    #[test]
    fn the_cost_trend_is_a_table() {
        let out = render(&testing::report());
        assert!(out.contains(
            "**Cost trend**\n\n| month | total | non-production | untagged | spot (cost) | customers | cost per customer |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n| 2026-09 | $170,500.00 | 35.95% | 0.00% | 15.78% | 1,502 | $113.52 |\n"
        ));
        assert!(
            out.contains("| 2026-11 (partial) | $52,000.00 | 30.77% | 11.54% | 16.00% | — | — |\n")
        );
        let mut report = testing::report();
        report.cost = None;
        assert!(!render(&report).contains("Cost trend"));
    }

    #[test]
    fn a_clean_group_has_no_block() {
        let mut report = testing::report();
        for r in &mut report.services[0].rules {
            r.status = Status::Pass;
        }
        let out = render(&report);
        assert!(!out.contains("<b>ldap</b>"));
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&testing::report()));
    }
}
