//! The list of every check. Adding a check is one file and one line here.

use crate::{CheckMeta, FleetCheck, ServiceCheck};
use crate::{design, foundation, improvement, observability, performance, resilience, security};

/// Checks judged once for the fleet.
pub static FLEET_CHECKS: &[&dyn FleetCheck] = &[
    &foundation::f1_waivers::Waivers,
    &foundation::f2_okrs::QuarterlyOkrs,
    &foundation::f3_manifesto_review::ManifestoReview,
    &observability::o10_metric_retention::MetricRetention,
    &performance::p1_cost_growth::CostVsLoad,
    &performance::p2_cost_per_customer::CostPerCustomer,
    &performance::p3_spot_share::SpotShare,
    &performance::p4_non_production_cost::NonProductionCost,
    &resilience::r3_gamedays::MonthlyGamedays,
    &resilience::r4_disaster_recovery::DisasterRecovery,
];

/// Checks judged for every service.
pub static SERVICE_CHECKS: &[&dyn ServiceCheck] = &[
    &improvement::c1_incident_tracking::IncidentTracking,
    &improvement::c2_postmortems::Postmortems,
    &improvement::c3_separation_of_duties::SeparationOfDuties,
    &improvement::c4_blameless::BlamelessPostmortems,
    &design::d1_prr_review::PrrReview,
    &design::d2_poc_review::PocReview,
    &design::d3_open_source::OpenSourceDecision,
    &design::d4_architecture_doc::ArchitectureDoc,
    &design::d5_connection_budget::ConnectionBudget,
    &observability::o1_log_messages::LogMessages,
    &observability::o2_log_service::LogService,
    &observability::o3_log_levels::LogLevels,
    &observability::o4_log_format::LogFormat,
    &observability::o5_log_retention::LogRetention,
    &observability::o6_metrics_exported::MetricsExported,
    &observability::o7_metrics_port::MetricsPort,
    &observability::o8_build_info::BuildInfo,
    &observability::o9_availability_latency::AvailabilityLatency,
    &resilience::r1_slo_margin::SloMargin,
    &resilience::r2_internal_slo::InternalSlo,
    &security::s1_security_review::SecurityReview,
    &security::s2_cloud_exposure::CloudPublicExposure,
    &security::s2_k8s_exposure::K8sPublicExposure,
    &security::s3_secrets::SecretsInRepo,
    &security::s4_network_policy::NetworkPolicyCoverage,
    &security::s4_security_groups::SecurityGroupIngress,
    &security::s5_iam_users::IamUsers,
    &security::s5_least_privilege::IamLeastPrivilege,
    &security::s6_security_tools::SecurityToolFindings,
];

/// Every check's metadata, fleet checks first.
pub fn all() -> impl Iterator<Item = &'static CheckMeta> {
    FLEET_CHECKS
        .iter()
        .map(|c| c.meta())
        .chain(SERVICE_CHECKS.iter().map(|c| c.meta()))
}

/// The checks that give evidence for a rule.
pub fn for_rule(rule: &str) -> impl Iterator<Item = &'static CheckMeta> + '_ {
    all().filter(move |m| m.rule.eq_ignore_ascii_case(rule))
}

#[cfg(test)]
mod tests {
    use relman_core::rules::{Manifesto, Scope};

    use super::*;

    /// Check ids are a public interface (reports, baselines, waivers quote
    /// them): this list changes only on purpose.
    #[test]
    fn check_ids_are_stable() {
        let ids: Vec<String> = all().map(|m| format!("{} {}", m.rule, m.id)).collect();
        assert_eq!(
            ids,
            [
                "F-1 waiver-hygiene",
                "F-2 quarterly-okrs",
                "F-3 manifesto-review",
                "O-10 metric-retention",
                "P-1 cost-vs-load",
                "P-2 cost-per-customer",
                "P-3 spot-share",
                "P-4 non-production-cost",
                "R-3 monthly-gamedays",
                "R-4 disaster-recovery",
                "C-1 incident-tracking",
                "C-2 postmortems",
                "C-3 separation-of-duties",
                "C-4 blameless-postmortems",
                "D-1 prr-review",
                "D-2 poc-review",
                "D-3 open-source-decision",
                "D-4 architecture-doc",
                "D-5 connection-budget",
                "O-1 log-messages",
                "O-2 log-service-field",
                "O-3 log-levels",
                "O-4 log-format",
                "O-5 log-retention",
                "O-6 metrics-exported",
                "O-7 metrics-port",
                "O-8 build-info",
                "O-9 availability-latency",
                "R-1 slo-margin",
                "R-2 internal-slo",
                "S-1 security-review",
                "S-2 cloud-public-exposure",
                "S-2 k8s-public-exposure",
                "S-3 secrets-in-repo",
                "S-4 network-policy",
                "S-4 security-group-ingress",
                "S-5 iam-users",
                "S-5 iam-least-privilege",
                "S-6 security-tool-findings",
            ]
        );
    }

    #[test]
    fn checks_match_their_rule_scope() {
        let m = Manifesto::builtin();
        for c in FLEET_CHECKS {
            assert_eq!(
                m.get(c.meta().rule).map(|r| r.scope),
                Some(Scope::Fleet),
                "{}",
                c.meta().id
            );
        }
        for c in SERVICE_CHECKS {
            assert_eq!(
                m.get(c.meta().rule).map(|r| r.scope),
                Some(Scope::Service),
                "{}",
                c.meta().id
            );
        }
    }

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for m in all() {
            assert!(seen.insert(m.id), "duplicate id {}", m.id);
            assert!(
                m.id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                m.id
            );
            for text in [m.title, m.what, m.why, m.fix] {
                assert!(!text.is_empty(), "{} has empty docs", m.id);
            }
        }
    }
}
