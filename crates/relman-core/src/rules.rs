//! The manifesto as data: every rule's id, category, scope, title and summary.
//!
//! The ids are the manifesto's own; the words are relman's. A fleet may load
//! its own manifesto file on top of this list (see [`RuleDef`] and
//! `relman-fleet`), to retune, retire or add rules.

use serde::Serialize;

/// The seven categories of the manifesto.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    Foundation,
    ContinuousImprovement,
    Design,
    Observability,
    Performance,
    Resilience,
    Security,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Foundation,
        Category::ContinuousImprovement,
        Category::Design,
        Category::Observability,
        Category::Performance,
        Category::Resilience,
        Category::Security,
    ];

    /// The spelling used in files, flags and reports.
    pub fn slug(self) -> &'static str {
        match self {
            Category::Foundation => "foundation",
            Category::ContinuousImprovement => "continuous-improvement",
            Category::Design => "design",
            Category::Observability => "observability",
            Category::Performance => "performance",
            Category::Resilience => "resilience",
            Category::Security => "security",
        }
    }

    /// The manifesto's heading for the category.
    pub fn title(self) -> &'static str {
        match self {
            Category::Foundation => "Foundation",
            Category::ContinuousImprovement => "Continuous Improvement",
            Category::Design => "Design & Architecture",
            Category::Observability => "Observability",
            Category::Performance => "Performance & Cost Efficiency",
            Category::Resilience => "Resilience",
            Category::Security => "Security",
        }
    }

    /// Parse a category from its slug, its rule-id letter or a few natural
    /// spellings (`cost`, `design-architecture`, `ci`).
    pub fn parse(s: &str) -> Option<Category> {
        let s = s
            .to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        Some(match s.as_str() {
            "foundation" | "f" => Category::Foundation,
            "continuous-improvement" | "continuous" | "improvement" | "c" | "ci" => {
                Category::ContinuousImprovement
            }
            "design" | "design-architecture" | "architecture" | "d" => Category::Design,
            "observability" | "o" => Category::Observability,
            "performance" | "cost" | "performance-cost" | "performance-cost-efficiency" | "p" => {
                Category::Performance
            }
            "resilience" | "r" => Category::Resilience,
            "security" | "s" => Category::Security,
            _ => return None,
        })
    }

    pub fn slugs() -> String {
        Category::ALL
            .iter()
            .map(|c| c.slug())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.slug())
    }
}

/// Whether a rule is judged once for the fleet or for every service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Fleet,
    Service,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Fleet => "fleet",
            Scope::Service => "service",
        }
    }
}

/// One rule of the manifesto, as relman applies it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleDef {
    pub id: String,
    pub category: Category,
    pub scope: Scope,
    pub title: String,
    pub summary: String,
    /// Retired by the fleet's manifesto file: reported `not_applicable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired: Option<String>,
}

/// The rule set an audit runs: the built-in manifesto, possibly amended.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifesto {
    pub rules: Vec<RuleDef>,
}

impl Manifesto {
    /// The 37 rules of the Reliability Manifesto.
    pub fn builtin() -> Manifesto {
        Manifesto {
            rules: BUILTIN
                .iter()
                .map(|&(id, category, scope, title, summary)| RuleDef {
                    id: id.to_string(),
                    category,
                    scope,
                    title: title.to_string(),
                    summary: summary.to_string(),
                    retired: None,
                })
                .collect(),
        }
    }

    pub fn get(&self, id: &str) -> Option<&RuleDef> {
        self.rules.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut RuleDef> {
        self.rules
            .iter_mut()
            .find(|r| r.id.eq_ignore_ascii_case(id))
    }

    pub fn of_scope(&self, scope: Scope) -> impl Iterator<Item = &RuleDef> {
        self.rules.iter().filter(move |r| r.scope == scope)
    }
}

use Category as C;
use Scope::{Fleet, Service};

/// (id, category, scope, title, summary). Fleet rules are exactly the ten the
/// design names: F-1 F-2 F-3 O-10 P-1 P-2 P-3 P-4 R-3 R-4.
#[rustfmt::skip]
const BUILTIN: &[(&str, Category, Scope, &str, &str)] = &[
    ("F-1", C::Foundation, Fleet, "No silent bypass of the rules",
     "Every exception to a rule is a recorded waiver with a discussion link, an approver and an expiry date; an exception without them is a silent bypass."),
    ("F-2", C::Foundation, Fleet, "Rules are measurable quarterly targets",
     "Every team that runs services on the platform carries measurable targets for this quarter, tied to the manifesto's categories or rules."),
    ("F-3", C::Foundation, Fleet, "The manifesto is reassessed twice a year",
     "The rule set is reviewed at least every six months, and the date of the last review is recorded."),
    ("C-1", C::ContinuousImprovement, Service, "Incidents are tracked",
     "Every production incident is tracked through an incident-response playbook run; major and critical ones are also posted on the status page."),
    ("C-2", C::ContinuousImprovement, Service, "Postmortems follow major incidents",
     "Major and critical incidents get a postmortem with owned, dated action items, and the runbooks they produced are kept in the documentation."),
    ("C-3", C::ContinuousImprovement, Service, "No single engineer deploys a new service everywhere",
     "A new service's first deployments across environments are shared between people, so knowledge is shared and the bus factor drops."),
    ("C-4", C::ContinuousImprovement, Service, "Blameless culture",
     "Postmortems describe how the system let a mistake through, not who made it."),
    ("D-1", C::Design, Service, "Infrastructure is involved early",
     "A production readiness review with the infrastructure team happens before a service reaches production."),
    ("D-2", C::Design, Service, "New services start as a reviewed proof of concept",
     "A service goes through a POC phase whose findings, design and rollout plan are presented and recorded."),
    ("D-3", C::Design, Service, "Small services, open by default",
     "Services are designed as focused components and are open-sourced unless they would expose private information, in which case the reason is written down."),
    ("D-4", C::Design, Service, "Architecture is documented",
     "Every service has an architecture diagram and documentation kept with its code."),
    ("D-5", C::Design, Service, "Configuration holds at scale",
     "Settings that are harmless locally, such as database connection pools, are sized for production: the sum over replicas stays within what the backend allows."),
    ("D-6", C::Design, Service, "Services can be switched off and on safely",
     "A service can be stopped and started on demand without disturbing the rest of the platform: it scales to zero cleanly and nothing hard-depends on it being up."),
    ("O-1", C::Observability, Service, "Log messages mean something",
     "A log line explains what happened in words; nobody should need a stack trace to understand it."),
    ("O-2", C::Observability, Service, "Logs name the service",
     "Every log line carries metadata that tells which service wrote it, such as a `service` field."),
    ("O-3", C::Observability, Service, "Log levels are consistent",
     "Services use one set of log levels the same way, and do not log routine events as errors."),
    ("O-4", C::Observability, Service, "Log format is consistent",
     "Logs use one agreed structured format with the same field names across services."),
    ("O-5", C::Observability, Service, "Logs are retained long enough",
     "Production logs are kept 30 days for critical services and 7 days for the rest; longer retention goes to cheap archive storage, up to a year."),
    ("O-6", C::Observability, Service, "Metrics are exported and name the service",
     "Every service exports its key metrics at /metrics, labelled so that each series can be traced to the service."),
    ("O-7", C::Observability, Service, "Metrics are served on port 8067",
     "Application metrics are exposed on port 8067, so that one scrape configuration and one network policy fit every service."),
    ("O-8", C::Observability, Service, "The running version is exported",
     "Each service exports a metric carrying its software version, such as a `*_build_info` gauge with a `version` label."),
    ("O-9", C::Observability, Service, "Availability and latency are exported",
     "Each service exports metrics for its availability (requests by outcome, or health) and its latency (a duration histogram or summary)."),
    ("O-10", C::Observability, Fleet, "Metrics are retained long enough",
     "Raw metrics are kept 7 days, and 5-minute and 1-hour downsampled metrics 365 days, for production systems."),
    ("P-1", C::Performance, Fleet, "Problems are not solved by spending",
     "Cost that keeps rising without matching growth is a signal to fix the system, not to keep paying."),
    ("P-2", C::Performance, Fleet, "Cost per customer falls as the fleet grows",
     "Shared infrastructure is used better as customers are added: the cost per customer goes down."),
    ("P-3", C::Performance, Fleet, "Spot capacity grows, within a cap",
     "The share of spot machines grows by at least 2 points a quarter, and never exceeds half of the fleet."),
    ("P-4", C::Performance, Fleet, "Non-production stays under 30% of cost",
     "Non-production environments cost no more than 30% of the total infrastructure cost."),
    ("R-1", C::Resilience, Service, "Internal SLOs beat customer promises by a margin",
     "A service aims well above what customers are promised, so that the error budget is spent internally long before the external promise is at risk."),
    ("R-2", C::Resilience, Service, "Every service has its own SLO above the external one",
     "Each service declares a dedicated SLO target that is strictly higher than its external SLO, over the same window."),
    ("R-3", C::Resilience, Fleet, "Monthly gamedays",
     "Chaos is injected every month; each gameday measures its impact and ends with actions, with the whole team taking part."),
    ("R-4", C::Resilience, Fleet, "Disaster recovery for key components",
     "Every key component (clusters, databases, DNS) has a disaster-recovery playbook that has been tested."),
    ("S-1", C::Security, Service, "Security approves new deployments",
     "A security review approves each new system before it is deployed to production."),
    ("S-2", C::Security, Service, "Only what must be public is exposed",
     "Nothing is reachable from the internet unless the service is meant to be public."),
    ("S-3", C::Security, Service, "No secrets in repositories",
     "Secrets live in a secret manager such as Vault or AWS Secrets Manager, never in a Git repository."),
    ("S-4", C::Security, Service, "Security groups limit ports and sources",
     "Every machine sits behind security groups that allow only the ports and sources it needs, defined and checked as code."),
    ("S-5", C::Security, Service, "IAM roles and least privilege",
     "Workloads use IAM roles rather than IAM users, and policies grant only the actions and resources needed."),
    ("S-6", C::Security, Service, "High-severity security findings are eliminated",
     "High and critical findings from security scanners are fixed rather than left open."),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_seven_rules_ten_for_the_fleet() {
        let m = Manifesto::builtin();
        assert_eq!(m.rules.len(), 37);
        let fleet: Vec<_> = m.of_scope(Scope::Fleet).map(|r| r.id.as_str()).collect();
        assert_eq!(
            fleet,
            [
                "F-1", "F-2", "F-3", "O-10", "P-1", "P-2", "P-3", "P-4", "R-3", "R-4"
            ]
        );
        assert_eq!(m.of_scope(Scope::Service).count(), 27);
    }

    #[test]
    fn ids_match_their_category_letter() {
        for r in Manifesto::builtin().rules {
            let letter = r.id.split('-').next().expect("id has a dash");
            assert_eq!(Category::parse(letter), Some(r.category), "{}", r.id);
        }
    }

    #[test]
    fn categories_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.slug()), Some(c));
        }
        assert_eq!(
            Category::parse("Design & Architecture"),
            Some(Category::Design)
        );
    }
}
