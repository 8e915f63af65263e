use relman_core::evidence::{RepoEvidence, RetentionDays, RetentionKind, RetentionSource};
use relman_core::fleet::Tier;
use relman_core::{EvidenceRef, Severity};

use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// O-5: logs are kept as long as the service's tier requires.
pub struct LogRetention;

static META: CheckMeta = CheckMeta {
    rule: "O-5",
    id: "log-retention",
    severity: Severity::Medium,
    title: "Logs are kept long enough for the tier",
    what: "The service's log retention is at least 30 days for a critical service and 7 days for a non-critical one (both tunable). The retention is read, in this order, from Terraform `aws_cloudwatch_log_group.retention_in_days` in the repo, a Loki `retention_stream` naming the service, Loki's `limits_config.retention_period` (when compactor retention is enabled), and `log_retention_days` in the descriptor; the finding says which source decided, and sources that disagree warn. S3 lifecycle rules that archive logs to Glacier are reported, and warn when they keep logs beyond a year.",
    why: "Incidents are often investigated days after they start; logs that are gone by then turn a postmortem into guesswork. Keeping everything forever costs money and widens what a leak exposes.",
    fix: "Keep logs at least 30 days (critical) or 7 days (non-critical): set `retention_in_days` on the log group, or Loki's retention, and record it as `log_retention_days` in the descriptor.",
};

fn shown(days: &RetentionDays) -> String {
    match days {
        RetentionDays::Days(d) => format!("{d} days"),
        RetentionDays::Forever => "forever".to_string(),
        RetentionDays::Unresolved(t) => format!("an unknown time ({t})"),
    }
}

fn at(s: &RetentionSource) -> EvidenceRef {
    EvidenceRef::new("repo", s.file.clone()).at(s.line, s.column)
}

fn meets(days: &RetentionDays, required: u32) -> Option<bool> {
    match days {
        RetentionDays::Days(d) => Some(*d >= required),
        RetentionDays::Forever => Some(true),
        RetentionDays::Unresolved(_) => None,
    }
}

impl ServiceCheck for LogRetention {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let s = cx.service;
        let tuning = &cx.fleet.tuning;
        let required = match s.tier {
            Tier::Critical => tuning.log_retention_critical_days,
            Tier::NonCritical => tuning.log_retention_non_critical_days,
        };
        let tier = s.tier.as_str();
        // Every source, in the order that decides.
        let mut sources: Vec<RetentionSource> = match &cx.evidence.repo {
            RepoEvidence::Present(repo) => repo.log_retention.sources.clone(),
            _ => Vec::new(),
        };
        let archives: Vec<RetentionSource> = sources
            .iter()
            .filter(|x| x.kind == RetentionKind::S3Archive)
            .cloned()
            .collect();
        sources.retain(|x| x.kind != RetentionKind::S3Archive);
        let rank = |k: RetentionKind| match k {
            RetentionKind::CloudWatch => 0,
            RetentionKind::LokiStream => 1,
            RetentionKind::Loki => 2,
            RetentionKind::Descriptor => 3,
            RetentionKind::S3Archive => 4,
        };
        sources.sort_by_key(|x| rank(x.kind));
        if let Some(days) = s.log_retention_days {
            let pos = s
                .origin
                .fields
                .get("log_retention_days")
                .copied()
                .unwrap_or_default();
            sources.push(RetentionSource {
                kind: RetentionKind::Descriptor,
                days: RetentionDays::Days(days),
                detail: format!("{}: log_retention_days: {days}", s.origin.file),
                file: s.origin.file.clone(),
                line: pos.line,
                column: pos.col,
            });
        }
        let is_descriptor = |x: &RetentionSource| x.kind == RetentionKind::Descriptor;
        let name = |x: &RetentionSource| x.kind.as_str();

        let decided = sources
            .iter()
            .find(|x| !matches!(x.days, RetentionDays::Unresolved(_)));
        match decided {
            None => {
                if let Some(u) = sources.first() {
                    out.unverified(format!(
                        "the log retention is not known: {} ({}:{})",
                        u.detail, u.file, u.line
                    ))
                    .at(at(u))
                    .fix("Give the variable a default in the repo, or declare `log_retention_days` in the descriptor.");
                } else {
                    out.unverified(format!(
                        "the log retention is not known: no Terraform log group or Loki retention in the repo, and {} is not set",
                        s.origin.field("log_retention_days")
                    ))
                    .at(s.origin.at("descriptor", ""));
                }
            }
            Some(d) => {
                let how = if is_descriptor(d) {
                    format!("decided by {}", d.detail)
                } else {
                    format!(
                        "decided by {} at {}:{}: {}",
                        name(d),
                        d.file,
                        d.line,
                        d.detail
                    )
                };
                let evidence = if is_descriptor(d) {
                    s.origin.at("descriptor", "log_retention_days")
                } else {
                    at(d)
                };
                if meets(&d.days, required) == Some(false) {
                    out.fail(format!(
                        "logs are kept {}, less than the {required} days a {tier} service needs ({how})",
                        shown(&d.days)
                    ))
                    .at(evidence)
                    .fix(format!("Keep logs at least {required} days."));
                } else {
                    out.pass(format!(
                        "logs are kept {} (a {tier} service needs {required} days; {how})",
                        shown(&d.days)
                    ))
                    .at(evidence);
                }
                let known = |x: &&RetentionSource| !matches!(x.days, RetentionDays::Unresolved(_));
                for other in sources.iter().filter(|x| *x != d).filter(known) {
                    if other.days != d.days {
                        let f = out.warn(format!(
                            "{} says {} but {} says {}: the sources disagree",
                            name(other),
                            shown(&other.days),
                            name(d),
                            shown(&d.days)
                        ));
                        f.at(if is_descriptor(other) {
                            s.origin.at("descriptor", "log_retention_days")
                        } else {
                            at(other)
                        });
                        f.fix("Make the descriptor and the configuration agree, so that what is promised is what is deployed.");
                    }
                }
            }
        }
        for a in &archives {
            match a.days {
                RetentionDays::Days(d) if d <= 365 => {
                    out.pass(format!(
                        "archived logs are deleted within a year: {}",
                        a.detail
                    ))
                    .at(at(a));
                }
                _ => {
                    out.warn(format!(
                        "archived logs are kept beyond a year ({}): {}",
                        shown(&a.days),
                        a.detail
                    ))
                    .at(at(a))
                    .fix("Expire archived logs after at most 365 days.");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::evidence::{LogRetentionFacts, RepoFacts, ServiceEvidence};

    use super::*;
    use crate::testing::*;

    fn src(kind: RetentionKind, days: RetentionDays) -> RetentionSource {
        RetentionSource {
            kind,
            days,
            detail: format!("{kind:?}"),
            file: "repos/a/terraform/logs.tf".into(),
            line: 7,
            column: 3,
        }
    }

    fn judge(
        tier: Tier,
        declared: Option<u32>,
        sources: Vec<RetentionSource>,
    ) -> Vec<relman_core::Finding> {
        let mut s = service("a");
        s.tier = tier;
        s.log_retention_days = declared;
        let ev = ServiceEvidence {
            repo: RepoEvidence::Present(RepoFacts {
                location: "repos/a".into(),
                log_retention: LogRetentionFacts {
                    sources,
                    unreadable: Vec::new(),
                },
                ..RepoFacts::default()
            }),
            ..ServiceEvidence::default()
        };
        run_service(&LogRetention, &s, &ev)
    }

    #[test]
    fn descriptor_only() {
        assert_eq!(
            statuses(&judge(Tier::Critical, Some(30), vec![])),
            [Status::Pass]
        );
        assert_eq!(
            statuses(&judge(Tier::Critical, Some(14), vec![])),
            [Status::Fail]
        );
        assert_eq!(
            statuses(&judge(Tier::NonCritical, Some(7), vec![])),
            [Status::Pass]
        );
        assert_eq!(
            statuses(&judge(Tier::NonCritical, Some(3), vec![])),
            [Status::Fail]
        );
        assert_eq!(
            statuses(&judge(Tier::Critical, None, vec![])),
            [Status::Unverified]
        );
    }

    #[test]
    fn terraform_decides_and_disagreement_warns() {
        let out = judge(
            Tier::Critical,
            Some(30),
            vec![src(RetentionKind::CloudWatch, RetentionDays::Days(14))],
        );
        assert_eq!(statuses(&out), [Status::Fail, Status::Warn]);
        assert_eq!(
            out[0].message,
            "logs are kept 14 days, less than the 30 days a critical service needs (decided by Terraform CloudWatch log group at repos/a/terraform/logs.tf:7: CloudWatch)"
        );
        assert_eq!(
            out[1].message,
            "the descriptor says 30 days but Terraform CloudWatch log group says 14 days: the sources disagree"
        );
        let out = judge(
            Tier::Critical,
            None,
            vec![src(RetentionKind::Loki, RetentionDays::Days(31))],
        );
        assert_eq!(statuses(&out), [Status::Pass]);
        let out = judge(
            Tier::Critical,
            None,
            vec![src(RetentionKind::CloudWatch, RetentionDays::Forever)],
        );
        assert_eq!(statuses(&out), [Status::Pass]);
    }

    #[test]
    fn unresolved_variables_are_unverified_by_name() {
        let out = judge(
            Tier::Critical,
            None,
            vec![src(
                RetentionKind::CloudWatch,
                RetentionDays::Unresolved("var.days".into()),
            )],
        );
        assert_eq!(statuses(&out), [Status::Unverified]);
        // The descriptor still decides when the repo's value is unknown.
        let out = judge(
            Tier::Critical,
            Some(30),
            vec![src(
                RetentionKind::CloudWatch,
                RetentionDays::Unresolved("var.days".into()),
            )],
        );
        assert_eq!(statuses(&out)[0], Status::Pass);
    }

    #[test]
    fn archives_beyond_a_year_warn() {
        let out = judge(
            Tier::Critical,
            Some(30),
            vec![src(RetentionKind::S3Archive, RetentionDays::Days(400))],
        );
        assert_eq!(statuses(&out), [Status::Pass, Status::Warn]);
        let out = judge(
            Tier::Critical,
            Some(30),
            vec![src(RetentionKind::S3Archive, RetentionDays::Days(365))],
        );
        assert_eq!(statuses(&out), [Status::Pass, Status::Pass]);
    }
}
