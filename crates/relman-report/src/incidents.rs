//! The incidents section's rows, shared by the Markdown and terminal
//! tables: which services and teams are listed, and how each figure is
//! written. Each format escapes and lays out the cells its own way.

use relman_core::report::{IncidentFigures, Report, round_hours};

/// The column headers after the name columns.
pub(crate) const FIGURE_HEADERS: [&str; 6] = [
    "minor",
    "major",
    "critical",
    "open",
    "MTTR (h)",
    "postmortem coverage",
];

/// A table row: the name cells (raw fleet text), then the figures.
pub(crate) struct Row {
    /// The fleet's totals, not a team's.
    pub fleet: bool,
    pub names: Vec<String>,
    pub figures: [String; 6],
}

/// The section, when the report has incident figures.
pub(crate) struct Section {
    /// First and last day of the window.
    pub since: String,
    pub until: String,
    /// Services with at least one incident in the window: service, team.
    pub services: Vec<Row>,
    /// Every team (team, number of services), then the fleet.
    pub teams: Vec<Row>,
}

pub(crate) fn section(report: &Report) -> Option<Section> {
    let fleet = report.summary.incidents.as_ref()?;
    let services = report
        .services
        .iter()
        .filter_map(|s| {
            let f = s.incidents.as_ref().filter(|f| !f.ids.is_empty())?;
            Some(Row {
                fleet: false,
                names: vec![s.name.clone(), s.team.clone()],
                figures: figures(f),
            })
        })
        .collect();
    let mut teams: Vec<Row> = report
        .teams
        .iter()
        .filter_map(|t| {
            let f = t.incidents.as_ref()?;
            Some(Row {
                fleet: false,
                names: vec![t.name.clone(), t.services.len().to_string()],
                figures: figures(f),
            })
        })
        .collect();
    teams.push(Row {
        fleet: true,
        names: vec!["fleet".to_string(), report.services.len().to_string()],
        figures: figures(&fleet.figures),
    });
    Some(Section {
        since: fleet.since.clone(),
        until: fleet.until.clone(),
        services,
        teams,
    })
}

fn figures(f: &IncidentFigures) -> [String; 6] {
    [
        f.minor.to_string(),
        f.major.to_string(),
        f.critical.to_string(),
        f.open.to_string(),
        hours(f.mttr_hours),
        coverage(f),
    ]
}

/// Hours to two decimals, as in the JSON; "—" when nothing was resolved.
pub(crate) fn hours(h: Option<f64>) -> String {
    h.map_or_else(|| "—".to_string(), |h| format!("{:.2}", round_hours(h)))
}

/// "2/3 (67%)": the count behind the ratio; "—" when no postmortem is due.
pub(crate) fn coverage(f: &IncidentFigures) -> String {
    if f.postmortems_due == 0 {
        return "—".to_string();
    }
    let pct = (f.postmortems as f64 * 100.0 / f.postmortems_due as f64).round();
    format!("{}/{} ({pct}%)", f.postmortems, f.postmortems_due)
}

/// Pad cells into aligned columns: text left, numbers right.
pub(crate) fn align(rows: &[Vec<String>], right: &[bool]) -> Vec<String> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    rows.iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(c, s)| {
                    let w = widths[c];
                    if right.get(c).copied().unwrap_or(false) {
                        format!("{s:>w$}")
                    } else {
                        format!("{s:<w$}")
                    }
                })
                .collect();
            cells.join("  ").trim_end().to_string()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_shows_its_counts() {
        let f = IncidentFigures {
            postmortems: 2,
            postmortems_due: 3,
            ..IncidentFigures::default()
        };
        assert_eq!(coverage(&f), "2/3 (67%)");
        assert_eq!(coverage(&IncidentFigures::default()), "—");
        assert_eq!(hours(Some(205.0 / 60.0)), "3.42");
        assert_eq!(hours(None), "—");
    }

    #[test]
    fn columns_line_up() {
        let rows = vec![
            vec!["service".to_string(), "minor".to_string()],
            vec!["ldap".to_string(), "12".to_string()],
        ];
        assert_eq!(
            align(&rows, &[false, true]),
            ["service  minor", "ldap        12"]
        );
    }
}
