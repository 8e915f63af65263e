//! `--service`, `--team`, `--category` and `--rule`.

use relman_core::Category;
use relman_core::report::Report;

/// Which part of the fleet an audit reports. Empty lists keep everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub services: Vec<String>,
    pub teams: Vec<String>,
    pub categories: Vec<Category>,
    pub rules: Vec<String>,
}

impl Filter {
    /// A service is kept when it is named (or none is) and its team is named
    /// (or none is). A broken descriptor has no known team: it is kept only
    /// when no team is asked for.
    pub fn keeps_service(&self, name: &str, team: Option<&str>) -> bool {
        let by_name = self.services.is_empty() || self.services.iter().any(|s| s == name);
        let by_team =
            self.teams.is_empty() || team.is_some_and(|t| self.teams.iter().any(|x| x == t));
        by_name && by_team
    }

    fn keeps_rule(&self, rule: &str, category: Category) -> bool {
        (self.rules.is_empty() || self.rules.iter().any(|r| r.eq_ignore_ascii_case(rule)))
            && (self.categories.is_empty() || self.categories.contains(&category))
    }

    /// Fleet rules are reported unless the audit is narrowed to services or teams.
    fn keeps_fleet_rules(&self) -> bool {
        !self.narrows_services()
    }

    /// Whether only some services or teams are reported.
    pub(crate) fn narrows_services(&self) -> bool {
        !(self.services.is_empty() && self.teams.is_empty())
    }

    /// Drop what the filter does not keep (services were filtered before
    /// collection; teams and rules are filtered here, after judging, so
    /// rollups such as OKR progress still see the whole team).
    pub(crate) fn apply(&self, report: &mut Report) {
        if !self.keeps_fleet_rules() {
            report.fleet_rules.clear();
        }
        report
            .fleet_rules
            .retain(|r| self.keeps_rule(&r.rule, r.category));
        // The cost trend goes with the cost rules.
        if !report
            .fleet_rules
            .iter()
            .any(|r| r.category == Category::Performance)
        {
            report.cost = None;
        }
        for s in &mut report.services {
            s.rules.retain(|r| self.keeps_rule(&r.rule, r.category));
        }
        if !self.teams.is_empty() {
            report.teams.retain(|t| self.teams.contains(&t.name));
        }
        if !self.services.is_empty() {
            let names: Vec<&str> = report.services.iter().map(|s| s.team.as_str()).collect();
            report.teams.retain(|t| names.contains(&t.name.as_str()));
        }
    }
}
