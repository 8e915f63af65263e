//! The terminal table: what a service team reads after `relman audit`.
//!
//! Fleet rules first, then each service; within a group the worst rules
//! come first, and rules that pass or do not apply are folded into one
//! "hidden" line unless `show_all` is set. Every finding of a shown rule is
//! listed with where it was seen and how to fix it. The output ends with a
//! summary line and each team's OKR progress.
//!
//! Colour is plain ANSI SGR, written only when asked for; text that comes
//! from the audited fleet (messages, paths) has its control characters made
//! visible, so a log line cannot rewrite the terminal.

use std::fmt::Write as _;

use relman_core::Status;
use relman_core::finding::Finding;
use relman_core::report::{OkrProgress, Report, RuleResult, TeamReport, WaiverRef};

use crate::{
    RenderOptions, WORST_FIRST, cost_trend, fmt_score, incidents, needs_action, worst_first,
};

pub(crate) fn render(report: &Report, opts: &RenderOptions) -> String {
    let shown = |r: &RuleResult| opts.show_all || !hidden_by_default(r.status);
    let shown_rules = report.all_rules().filter(|r| shown(r));
    let (status_w, id_w) = shown_rules.fold((0, 0), |(s, i), r| {
        (
            s.max(r.status.as_str().len()),
            i.max(r.rule.chars().count()),
        )
    });
    let t = Table {
        paint: Paint(opts.color),
        show_all: opts.show_all,
        status_w,
        id_w,
    };

    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        t.paint.bold(&format!("fleet {}", clean(&report.fleet))),
        t.paint.dim(&format!("· {}", clean(&report.now)))
    );
    if report.fleet_rules.is_empty() {
        out.clear();
    } else {
        t.group(&mut out, &report.fleet_rules);
    }

    for s in &report.services {
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{}  team {} · tier {} · score {}",
            t.paint.bold(&format!("service {}", clean(&s.name))),
            clean(&s.team),
            clean(&s.tier),
            fmt_score(s.score)
        );
        t.group(&mut out, &s.rules);
    }

    out.push('\n');
    t.summary(&mut out, report);
    for team in &report.teams {
        t.team(&mut out, team);
    }
    t.cost_trend(&mut out, report);
    incidents_section(&mut out, report, t.paint);
    out
}

/// The incident figures as two aligned tables: the services that had
/// incidents in the window, then every team and the fleet.
fn incidents_section(out: &mut String, report: &Report, paint: Paint) {
    let Some(section) = incidents::section(report) else {
        return;
    };
    let _ = writeln!(
        out,
        "\n{} {}",
        paint.bold("incidents"),
        paint.dim(&format!(
            "· started {} to {}",
            clean(&section.since),
            clean(&section.until)
        ))
    );
    let header = |first: &str, second: &str| {
        let mut h = vec![first.to_string(), second.to_string()];
        h.extend(incidents::FIGURE_HEADERS.iter().map(|s| s.to_string()));
        h
    };
    let table = |head: Vec<String>, rows: &[incidents::Row], right_names: bool| {
        let mut cells = vec![head];
        for r in rows {
            let mut row: Vec<String> = r.names.iter().map(|n| clean(n)).collect();
            row.extend(r.figures.iter().cloned());
            cells.push(row);
        }
        let mut right = vec![false, right_names];
        right.extend([true, true, true, true, true, false]);
        incidents::align(&cells, &right)
    };
    if section.services.is_empty() {
        let _ = writeln!(out, "  {}", paint.dim("no service had an incident"));
    } else {
        for (i, line) in table(header("service", "team"), &section.services, false)
            .into_iter()
            .enumerate()
        {
            let line = if i == 0 { paint.dim(&line) } else { line };
            let _ = writeln!(out, "  {line}");
        }
        out.push('\n');
    }
    for (i, line) in table(header("team", "services"), &section.teams, true)
        .into_iter()
        .enumerate()
    {
        let line = if i == 0 { paint.dim(&line) } else { line };
        let _ = writeln!(out, "  {line}");
    }
}

/// A rule reported `unverified` only because no check exists for it yet.
fn not_implemented(r: &RuleResult) -> bool {
    r.status == Status::Unverified
        && !r.findings.is_empty()
        && r.findings.iter().all(|f| f.check == "not-implemented")
}

/// Pass and not-applicable rules are folded away unless `--all` is given.
fn hidden_by_default(status: Status) -> bool {
    matches!(status, Status::Pass | Status::NotApplicable)
}

struct Table {
    paint: Paint,
    show_all: bool,
    /// Width of the status column.
    status_w: usize,
    /// Width of the rule id column.
    id_w: usize,
}

impl Table {
    /// Where a rule's findings start: under its title.
    fn indent(&self) -> usize {
        2 + self.status_w + 2 + self.id_w + 2
    }

    fn group(&self, out: &mut String, rules: &[RuleResult]) {
        if rules.is_empty() {
            let _ = writeln!(out, "  {}", self.paint.dim("no rules"));
            return;
        }
        let (shown, hidden): (Vec<&RuleResult>, Vec<&RuleResult>) = worst_first(rules)
            .into_iter()
            .partition(|r| self.show_all || !hidden_by_default(r.status));
        // Rules that have no check yet are one line, unless --all: they all
        // say the same thing.
        let (pending, shown): (Vec<&RuleResult>, Vec<&RuleResult>) = shown
            .into_iter()
            .partition(|r| !self.show_all && not_implemented(r));
        for r in shown {
            self.rule(out, r);
        }
        if !pending.is_empty() {
            let ids: Vec<&str> = pending.iter().map(|r| r.rule.as_str()).collect();
            let _ = writeln!(
                out,
                "  {}  {}",
                self.paint.status_padded(Status::Unverified, self.status_w),
                self.paint.dim(&format!(
                    "{} {} no check yet: {}",
                    ids.len(),
                    plural(ids.len(), "rule has", "rules have"),
                    clean(&ids.join(" "))
                ))
            );
        }
        if !hidden.is_empty() {
            let _ = writeln!(out, "  {}", self.paint.dim(&hidden_line(&hidden)));
        }
    }

    fn rule(&self, out: &mut String, r: &RuleResult) {
        let _ = writeln!(
            out,
            "  {}  {}  {}",
            self.paint.status_padded(r.status, self.status_w),
            pad(&clean(&r.rule), self.id_w),
            clean(&r.title)
        );
        let indent = self.indent();
        if let Some(w) = &r.waiver {
            self.waiver(out, indent, w);
        }
        // A finding's own status is shown when it could not be read from
        // the rule's: findings that disagree, or the findings of a waived rule.
        let mixed = r.findings.iter().any(|f| f.status != r.status);
        let fs_w = r
            .findings
            .iter()
            .map(|f| f.status.as_str().len())
            .max()
            .unwrap_or(0);
        for f in &r.findings {
            self.finding(out, indent, f, mixed.then_some(fs_w));
        }
    }

    fn waiver(&self, out: &mut String, indent: usize, w: &WaiverRef) {
        lines(
            out,
            indent,
            &self.paint.cyan("waiver: "),
            8,
            &clean(&w.reason),
        );
        let _ = writeln!(
            out,
            "{}approved by {}, expires {}, {}",
            spaces(indent + 2),
            clean(&w.approved_by),
            clean(&w.expires),
            clean(&w.discussion)
        );
        if !w.location.is_empty() {
            let _ = writeln!(out, "{}at {}", spaces(indent + 2), clean(&w.location));
        }
    }

    fn finding(&self, out: &mut String, indent: usize, f: &Finding, status_w: Option<usize>) {
        let mut head = String::new();
        let mut head_w = 0;
        if let Some(w) = status_w {
            head.push_str(&self.paint.status_padded(f.status, w));
            head.push(' ');
            head_w += w + 1;
        }
        let check = clean(&f.check);
        head_w += check.chars().count() + 2;
        head.push_str(&self.paint.dim(&check));
        head.push_str(": ");
        lines(out, indent, &head, head_w, &clean(&f.message));

        let sub = indent + 2;
        for e in &f.evidence {
            let _ = writeln!(out, "{}at {}", spaces(sub), clean(&e.display()));
        }
        if let Some(fix) = f.remediation.as_deref().filter(|_| needs_action(f.status)) {
            lines(out, sub, "fix: ", 5, &clean(fix));
        }
    }

    fn summary(&self, out: &mut String, report: &Report) {
        let n = report.summary.services;
        let counts: Vec<String> = WORST_FIRST
            .iter()
            .filter_map(|&s| {
                let c = *report.summary.statuses.get(s.as_str())?;
                (c > 0).then(|| self.paint.status_text(s, &format!("{c} {s}")))
            })
            .collect();
        let _ = writeln!(
            out,
            "{}: {n} {}, score {} — {}",
            self.paint.bold("relman"),
            plural(n, "service", "services"),
            fmt_score(report.summary.score),
            if counts.is_empty() {
                "no rules judged".to_string()
            } else {
                counts.join(", ")
            }
        );
    }

    fn team(&self, out: &mut String, team: &TeamReport) {
        let met = team.okrs.iter().filter(|o| o.met).count();
        let okrs = match team.okrs.len() {
            0 => "no OKRs".to_string(),
            total => format!("{met} of {total} OKRs met"),
        };
        let n = team.services.len();
        let _ = writeln!(
            out,
            "team {} ({n} {}): score {}, {okrs}",
            self.paint.bold(&clean(&team.name)),
            plural(n, "service", "services"),
            fmt_score(team.score),
        );
        let target_w = team
            .okrs
            .iter()
            .map(|o| okr_target(o).chars().count())
            .max()
            .unwrap_or(0);
        for o in &team.okrs {
            let verdict = if o.met {
                self.paint.green("met    ")
            } else {
                self.paint.red("not met")
            };
            let _ = writeln!(
                out,
                "  {verdict}  {}  {}  {}",
                clean(&o.quarter),
                pad(&okr_target(o), target_w),
                okr_progress(o)
            );
        }
    }
}

impl Table {
    /// The cost trend (P-1..P-4) as aligned columns, when the fleet gave
    /// cost data.
    fn cost_trend(&self, out: &mut String, report: &Report) {
        let Some(trend) = &report.cost else { return };
        if trend.months.is_empty() {
            return;
        }
        let header = cost_trend::header(trend);
        let rows = cost_trend::rows(trend);
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain([header[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, w))| {
                    let c = clean(c);
                    if i == 0 {
                        pad(&c, *w)
                    } else {
                        format!("{c:>w$}")
                    }
                })
                .collect();
            format!("  {}", padded.join("  ").trim_end())
        };
        let _ = writeln!(out, "\n{}", self.paint.bold("cost trend"));
        let _ = writeln!(out, "{}", self.paint.dim(&line(&header)));
        for r in &rows {
            let _ = writeln!(out, "{}", line(r));
        }
    }
}

/// "… 4 passing rules hidden (--all shows them)", or with the mix of
/// statuses when not all of them pass.
fn hidden_line(hidden: &[&RuleResult]) -> String {
    let n = hidden.len();
    let pass = hidden.iter().filter(|r| r.status == Status::Pass).count();
    let what = if pass == n {
        format!("{n} passing {}", plural(n, "rule", "rules"))
    } else if pass == 0 {
        format!("{n} {} that do not apply", plural(n, "rule", "rules"))
    } else {
        return format!(
            "… {n} rules hidden: {pass} pass, {} not_applicable (--all shows them)",
            n - pass
        );
    };
    format!("… {what} hidden (--all shows them)")
}

/// What an OKR is about: a category or a rule.
fn okr_target(o: &OkrProgress) -> String {
    match (&o.category, &o.rule) {
        (Some(c), _) => c.slug().to_string(),
        (None, Some(r)) => clean(r),
        (None, None) => "all rules".to_string(),
    }
}

/// "score 0.33, needs ≥ 0.90".
fn okr_progress(o: &OkrProgress) -> String {
    let (metric, min) = match (o.min_score, o.min_pass_ratio) {
        (Some(m), _) => ("score", m),
        (None, Some(m)) => ("pass ratio", m),
        (None, None) => {
            return match o.actual {
                Some(a) => format!("score {}", fmt_score(a)),
                None => "no applicable rule".to_string(),
            };
        }
    };
    match o.actual {
        Some(a) => format!("{metric} {}, needs ≥ {}", fmt_score(a), fmt_score(min)),
        None => format!(
            "{metric} unknown (no applicable rule), needs ≥ {}",
            fmt_score(min)
        ),
    }
}

/// Write `text` after `head` at `indent`; its further lines align under the
/// first (`head_w` is the printed width of `head`).
fn lines(out: &mut String, indent: usize, head: &str, head_w: usize, text: &str) {
    let mut it = text.split('\n');
    let first = it.next().unwrap_or_default();
    let _ = writeln!(out, "{}{head}{first}", spaces(indent));
    for line in it {
        let _ = writeln!(out, "{}{line}", spaces(indent + head_w));
    }
}

/// Text from the fleet, safe for a terminal: control characters other than
/// newlines are shown escaped, tabs become spaces, trailing newlines go.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim_end_matches(['\n', '\r']).chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            '\r' => {}
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

fn pad(s: &str, width: usize) -> String {
    format!("{s:<width$}")
}

fn spaces(n: usize) -> String {
    " ".repeat(n)
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// ANSI SGR colouring, or none.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn sgr(self, code: &str, text: &str) -> String {
        if self.0 && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn bold(self, text: &str) -> String {
        self.sgr("1", text)
    }

    fn dim(self, text: &str) -> String {
        self.sgr("2", text)
    }

    fn red(self, text: &str) -> String {
        self.sgr("31", text)
    }

    fn green(self, text: &str) -> String {
        self.sgr("32", text)
    }

    fn cyan(self, text: &str) -> String {
        self.sgr("36", text)
    }

    fn status_text(self, status: Status, text: &str) -> String {
        let code = match status {
            Status::Fail => "1;31",
            Status::Error => "1;35",
            Status::Unverified => "2;33",
            Status::Warn => "33",
            Status::Pass => "32",
            Status::Waived => "36",
            Status::NotApplicable => "2",
        };
        self.sgr(code, text)
    }

    /// The status word, coloured, padded to `width` outside the escapes.
    fn status_padded(self, status: Status, width: usize) -> String {
        let word = status.as_str();
        let pad = width.saturating_sub(word.len());
        format!("{}{}", self.status_text(status, word), spaces(pad))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    fn plain(show_all: bool) -> String {
        render(
            &testing::report(),
            &RenderOptions {
                color: false,
                show_all,
            },
        )
    }

    #[test]
    fn failures_come_first_and_passes_are_hidden() {
        let out = plain(false);
        let service = out
            .split("service playbooks")
            .nth(1)
            .expect("playbooks is rendered");
        let pos = |s: &str| service.find(s).unwrap_or_else(|| panic!("{s} in output"));
        assert!(pos("fail        O-5") < pos("error       R-2"));
        assert!(pos("error       R-2") < pos("unverified  R-1"));
        assert!(pos("warn        D-4") < pos("waived      S-3"));
        assert!(!service.contains("D-3"));
        assert!(service.contains("… 2 rules hidden: 1 pass, 1 not_applicable (--all shows them)"));
        assert!(out.contains("… 2 passing rules hidden (--all shows them)"));
    }

    #[test]
    fn show_all_shows_every_rule() {
        let out = plain(true);
        for id in ["D-3", "O-1", "F-1", "R-4"] {
            assert!(out.contains(&format!("  {id}  ")), "{id}");
        }
        assert!(!out.contains("hidden"));
    }

    #[test]
    fn findings_carry_location_and_fix() {
        let out = plain(false);
        assert!(out.contains("at services/playbooks.yaml:12:21\n"));
        assert!(out.contains("at http://127.0.0.1:9090/metrics\n"));
        assert!(out.contains("fix: Keep logs at least 30 days.\n"));
        // Findings that disagree with their rule say their own status; a
        // pass has no fix.
        assert!(out.contains(
            "pass       slo-margin: the internal SLO 99.95 is above the external 99.9\n\
             \x20                     at services/playbooks.yaml:20:3\n\
             \x20                   unverified slo-margin:"
        ));
        assert!(out.contains("fail secrets-in-repo: an AWS access key"));
    }

    #[test]
    fn summary_and_okrs() {
        let out = plain(false);
        assert!(out.contains(
            "relman: 2 services, score 0.43 — 4 fail, 1 error, 2 unverified, 2 warn, 1 waived, 4 pass, 2 not_applicable\n"
        ));
        assert!(out.contains("  not met  2026-Q4  observability  score 0.33, needs ≥ 0.90\n"));
        assert!(out.contains("  met      2026-Q4  S-3            pass ratio 1.00, needs ≥ 1.00\n"));
    }

    #[test]
    fn the_cost_trend_is_a_table() {
        let out = plain(false);
        assert!(out.contains(
            "needs ≥ 0.80\n\ncost trend\n\
             \x20 month                    total  non-production  untagged  spot (cost)  customers  cost per customer\n\
             \x20 2026-09            $170,500.00          35.95%     0.00%       15.78%      1,502            $113.52\n\
             \x20 2026-10            $176,000.00          36.36%     0.00%       15.51%      1,547            $113.77\n\
             \x20 2026-11 (partial)   $52,000.00          30.77%    11.54%       16.00%          —                  —\n"
        ), "{out}");
    }

    #[test]
    fn no_escapes_without_colour_and_fleet_text_is_defused() {
        let out = plain(true);
        assert!(!out.contains('\x1b'));
        assert!(out.contains("\\u{1b}[31m"));
    }

    #[test]
    fn colour_when_asked() {
        let out = render(
            &testing::report(),
            &RenderOptions {
                color: true,
                show_all: false,
            },
        );
        assert!(out.contains("  \x1b[1;31mfail\x1b[0m        O-5   "));
        assert!(out.contains("  \x1b[1;35merror\x1b[0m       R-2   "));
        assert!(out.contains("\x1b[36mwaived\x1b[0m"));
        // Padding stays outside the escapes, so columns line up.
        let plain_out = plain(false);
        let strip = strip_ansi(&out);
        assert_eq!(strip, plain_out);
    }

    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for c in chars.by_ref() {
                    if c == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn snapshot() {
        insta::assert_snapshot!("table", plain(false));
        insta::assert_snapshot!("table_all", plain(true));
    }
}
