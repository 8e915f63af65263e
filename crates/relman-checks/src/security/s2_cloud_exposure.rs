use relman_core::cloud::{CloudFacts, Exposure, ExposureKind, Place, TfValue};
use relman_core::evidence::RepoEvidence;
use relman_core::{EvidenceRef, Severity};

use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// S-2: the service's Terraform exposes to the internet only what the
/// service declares public.
pub struct CloudPublicExposure;

static META: CheckMeta = CheckMeta {
    rule: "S-2",
    id: "cloud-public-exposure",
    severity: Severity::High,
    title: "Cloud resources are public only when the service is",
    what: "Reads the repo's Terraform for what can be reached from the internet: S3 buckets with a public ACL (`public-read`, `public-read-write`, `authenticated-read`, or grants to AllUsers), a public access block with a flag off, a bucket policy allowing `Principal: \"*\"` without a condition tying it to a network, account or organisation, a website configuration; `aws_db_instance` / `aws_rds_cluster_instance` with `publicly_accessible = true`; instances and launch templates with `associate_public_ip_address = true`, elastic IPs attached to them; load balancers that are not `internal` (internet-facing is the default). Each fails unless the descriptor says `public: true`. For a public service, internet-facing load balancers and read-only public buckets (a website) pass, a public IP on an instance warns (it bypasses the load balancer), and a public database or a bucket anyone can write to fails all the same. A value from a variable without a default is unverified, naming the variable.",
    why: "Every resource reachable from the internet is attack surface: a database with a public endpoint is one leaked password away from a breach, and public buckets are the most common cloud data leak. Only what the service is meant to serve publicly should be reachable.",
    fix: "Keep databases private (`publicly_accessible = false`) and reach them from inside the VPC; keep buckets private with all four public access block flags on, and serve public content through CloudFront with an origin access control; set `internal = true` on load balancers of internal services; give instances no public IP. If the service is meant to be public, declare `public: true` in its descriptor.",
};

/// Evidence at a place of the repo.
pub(crate) fn at(p: &Place) -> EvidenceRef {
    if p.line == 0 {
        EvidenceRef::new("repo", p.file.clone())
    } else {
        EvidenceRef::new("repo", p.file.clone()).at(p.line, p.column)
    }
}

/// `file:line`, for messages.
pub(crate) fn shown(p: &Place) -> String {
    if p.line == 0 {
        p.file.clone()
    } else {
        format!("{}:{}", p.file, p.line)
    }
}

/// The repo's cloud facts, or the finding that says why there are none.
/// Files that could not be parsed are `error` findings (JSON files only
/// when `with_json`: they hold policies and nothing else); the other files
/// are still judged.
pub(crate) fn cloud_facts<'a>(
    cx: &ServiceCx<'a>,
    out: &mut Findings,
    with_json: bool,
) -> Option<(&'a str, &'a CloudFacts)> {
    match &cx.evidence.repo {
        RepoEvidence::NotGiven => {
            out.unverified("no repo is given, so its Terraform cannot be read")
                .at(cx.service.origin.at("descriptor", "repo"))
                .fix("Name the service's repository checkout in `repo` in its descriptor.");
            None
        }
        RepoEvidence::Unreadable { location, error } => {
            out.error(format!("cannot read the repo {location}: {error}"))
                .at(cx.service.origin.at("descriptor", "repo"));
            None
        }
        RepoEvidence::Present(repo) => {
            let facts = &repo.cloud;
            for p in &facts.problems {
                if !with_json && p.at.file.ends_with(".json") {
                    continue;
                }
                out.error(format!("cannot read {}: {}", shown(&p.at), p.message))
                    .at(at(&p.at))
                    .fix(
                        "Fix the file so that it parses (`terraform validate`, or a JSON linter).",
                    );
            }
            Some((repo.location.as_str(), facts))
        }
    }
}

/// Whether the repo holds Terraform (parsed or not).
pub(crate) fn has_terraform(facts: &CloudFacts) -> bool {
    facts.terraform_files > 0 || facts.problems.iter().any(|p| p.at.file.ends_with(".tf"))
}

fn list(items: &[&Exposure]) -> String {
    const SHOWN: usize = 8;
    let mut names: Vec<String> = items
        .iter()
        .take(SHOWN)
        .map(|e| format!("{} ({})", e.address, e.detail))
        .collect();
    if items.len() > SHOWN {
        names.push(format!("{} more", items.len() - SHOWN));
    }
    names.join(", ")
}

fn is_bucket(kind: ExposureKind) -> bool {
    matches!(
        kind,
        ExposureKind::BucketAcl
            | ExposureKind::BucketPublicAccessBlock
            | ExposureKind::BucketPolicy
            | ExposureKind::BucketWebsite
    )
}

impl ServiceCheck for CloudPublicExposure {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let Some((location, facts)) = cloud_facts(cx, out, false) else {
            return;
        };
        if !has_terraform(facts) {
            out.not_applicable(format!("no Terraform in {location}"));
            return;
        }
        let public = cx.service.public == Some(true);
        let declared = cx.service.origin.field("public");
        let mut private: Vec<&Exposure> = Vec::new();
        let mut failed = false;
        for e in &facts.exposures {
            let kind = e.kind.as_str();
            let where_ = shown(&e.at);
            match &e.exposed {
                TfValue::Known(false) => private.push(e),
                TfValue::Unresolved(var) => {
                    out.unverified(format!(
                        "whether {} is reachable from the internet depends on {var}, which has no literal value ({}: {})",
                        e.address, where_, e.detail
                    ))
                    .at(at(&e.at))
                    .fix(format!("Give `{var}` a default in the repo, or set the value literally, so that the exposure can be checked."));
                }
                TfValue::Known(true) => {
                    if e.kind == ExposureKind::Database {
                        failed = true;
                        out.fail(format!(
                            "the database {} is reachable from the internet ({}) at {where_}; a database is never public, even for a public service",
                            e.address, e.detail
                        ))
                        .at(at(&e.at))
                        .fix("Set `publicly_accessible = false` and reach the database from inside the VPC.");
                    } else if e.writable {
                        failed = true;
                        out.fail(format!(
                            "anyone on the internet may write to the bucket of {} ({}) at {where_}",
                            e.address, e.detail
                        ))
                        .at(at(&e.at))
                        .fix("Remove public write access: no `public-read-write` ACL, no policy allowing write actions to `Principal: \"*\"`.");
                    } else if !public {
                        failed = true;
                        let f = out.fail(format!(
                            "{kind} {} ({}) at {where_}, but the service is not declared public ({declared} is {})",
                            e.address,
                            e.detail,
                            match cx.service.public {
                                Some(_) => "false",
                                None => "not set",
                            }
                        ));
                        f.at(at(&e.at));
                        if is_bucket(e.kind) {
                            f.fix("Keep the bucket private: drop the public ACL or policy, and turn on all four public access block flags.");
                        } else if e.kind == ExposureKind::LoadBalancer {
                            f.fix("Set `internal = true` on the load balancer, or declare `public: true` if the service is meant to be reached from the internet.");
                        } else {
                            f.fix("Give the instance no public IP: reach it through a load balancer or a bastion / SSM session.");
                        }
                    } else if matches!(
                        e.kind,
                        ExposureKind::InstancePublicIp | ExposureKind::ElasticIp
                    ) {
                        out.warn(format!(
                            "{kind} {} ({}) at {where_}: the public service is reachable past its load balancer",
                            e.address, e.detail
                        ))
                        .at(at(&e.at))
                        .fix("Serve a public service through a load balancer and keep its instances without public IPs.");
                    } else {
                        out.pass(format!(
                            "{kind} {} ({}) at {where_}, and the service is declared public",
                            e.address, e.detail
                        ))
                        .at(at(&e.at));
                    }
                }
            }
        }
        if failed || (facts.exposures.is_empty() && facts.terraform_files == 0) {
            return;
        }
        if facts.exposures.is_empty() {
            out.pass(format!(
                "the Terraform in {location} ({} files) declares no bucket, database, instance, elastic IP or load balancer",
                facts.terraform_files
            ));
        } else if !private.is_empty() {
            out.pass(format!(
                "{} of {} resources checked in {location} are not reachable from the internet: {}",
                private.len(),
                facts.exposures.len(),
                list(&private)
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::cloud::{CloudFacts, Problem};
    use relman_core::evidence::{RepoFacts, ServiceEvidence};

    use super::*;
    use crate::testing::*;

    fn place(line: u32) -> Place {
        Place {
            file: "repos/a/main.tf".into(),
            line,
            column: 1,
        }
    }

    fn exposure(
        kind: ExposureKind,
        address: &str,
        exposed: TfValue<bool>,
        detail: &str,
    ) -> Exposure {
        Exposure {
            kind,
            address: address.into(),
            exposed,
            writable: false,
            detail: detail.into(),
            at: place(7),
        }
    }

    fn evidence(facts: CloudFacts) -> ServiceEvidence {
        ServiceEvidence {
            repo: RepoEvidence::Present(RepoFacts {
                location: "repos/a".into(),
                cloud: facts,
                ..RepoFacts::default()
            }),
            ..ServiceEvidence::default()
        }
    }

    fn judge(public: Option<bool>, exposures: Vec<Exposure>) -> Vec<relman_core::Finding> {
        let mut s = service("a");
        s.public = public;
        let facts = CloudFacts {
            terraform_files: 2,
            exposures,
            ..CloudFacts::default()
        };
        run_service(&CloudPublicExposure, &s, &evidence(facts))
    }

    #[test]
    fn private_resources_pass_naming_them() {
        let out = judge(
            Some(false),
            vec![
                exposure(
                    ExposureKind::Database,
                    "aws_db_instance.main",
                    TfValue::Known(false),
                    "publicly_accessible = false",
                ),
                exposure(
                    ExposureKind::LoadBalancer,
                    "aws_lb.inner",
                    TfValue::Known(false),
                    "internal = true",
                ),
            ],
        );
        assert_eq!(
            render(&out),
            "pass: 2 of 2 resources checked in repos/a are not reachable from the internet: aws_db_instance.main (publicly_accessible = false), aws_lb.inner (internal = true) []"
        );
        let out = judge(Some(false), vec![]);
        assert_eq!(statuses(&out), [Status::Pass]);
    }

    #[test]
    fn exposure_of_a_private_service_fails() {
        let out = judge(
            Some(false),
            vec![exposure(
                ExposureKind::LoadBalancer,
                "aws_lb.front",
                TfValue::Known(true),
                "internal is not set (internet-facing by default)",
            )],
        );
        assert_eq!(
            render(&out),
            "fail: internet-facing load balancer aws_lb.front (internal is not set (internet-facing by default)) at repos/a/main.tf:7, but the service is not declared public (services/a.yaml: public is false) [repos/a/main.tf:7:1]"
        );
        let mut s = service("a");
        s.public = None;
        let out = judge(
            None,
            vec![exposure(
                ExposureKind::BucketAcl,
                "aws_s3_bucket.b",
                TfValue::Known(true),
                "acl = \"public-read\"",
            )],
        );
        assert_eq!(statuses(&out), [Status::Fail]);
        assert!(out[0].message.contains("is not set"), "{}", out[0].message);
    }

    #[test]
    fn public_services_may_serve_websites_but_never_databases() {
        let mut writable = exposure(
            ExposureKind::BucketAcl,
            "aws_s3_bucket_acl.drop",
            TfValue::Known(true),
            "acl = \"public-read-write\"",
        );
        writable.writable = true;
        let out = judge(
            Some(true),
            vec![
                exposure(
                    ExposureKind::LoadBalancer,
                    "aws_lb.front",
                    TfValue::Known(true),
                    "internal = false",
                ),
                exposure(
                    ExposureKind::BucketWebsite,
                    "aws_s3_bucket_website_configuration.site",
                    TfValue::Known(true),
                    "serves the bucket as a website",
                ),
                exposure(
                    ExposureKind::InstancePublicIp,
                    "aws_instance.web",
                    TfValue::Known(true),
                    "associate_public_ip_address = true",
                ),
                exposure(
                    ExposureKind::Database,
                    "aws_db_instance.main",
                    TfValue::Known(true),
                    "publicly_accessible = true",
                ),
                writable,
            ],
        );
        assert_eq!(
            statuses(&out),
            [
                Status::Pass,
                Status::Pass,
                Status::Warn,
                Status::Fail,
                Status::Fail
            ]
        );
        assert_eq!(
            out[3].message,
            "the database aws_db_instance.main is reachable from the internet (publicly_accessible = true) at repos/a/main.tf:7; a database is never public, even for a public service"
        );
    }

    #[test]
    fn unresolved_variables_are_unverified_by_name() {
        let out = judge(
            Some(false),
            vec![exposure(
                ExposureKind::Database,
                "aws_db_instance.main",
                TfValue::Unresolved("var.public_db".into()),
                "publicly_accessible = var.public_db",
            )],
        );
        assert_eq!(statuses(&out), [Status::Unverified]);
        assert!(
            out[0].message.contains("depends on var.public_db"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn no_terraform_no_repo_and_bad_files() {
        let s = service("a");
        let out = run_service(&CloudPublicExposure, &s, &evidence(CloudFacts::default()));
        assert_eq!(render(&out), "not_applicable: no Terraform in repos/a []");
        let out = run_service(&CloudPublicExposure, &s, &ServiceEvidence::default());
        assert_eq!(statuses(&out), [Status::Unverified]);
        let out = run_service(
            &CloudPublicExposure,
            &s,
            &ServiceEvidence {
                repo: RepoEvidence::Unreadable {
                    location: "repos/a".into(),
                    error: "No such file or directory".into(),
                },
                ..ServiceEvidence::default()
            },
        );
        assert_eq!(statuses(&out), [Status::Error]);
        // One broken file is an error; the others are still judged.
        let facts = CloudFacts {
            terraform_files: 1,
            exposures: vec![exposure(
                ExposureKind::Database,
                "aws_db_instance.main",
                TfValue::Known(true),
                "publicly_accessible = true",
            )],
            problems: vec![
                Problem {
                    at: Place {
                        file: "repos/a/bad.tf".into(),
                        line: 3,
                        column: 10,
                    },
                    message: "invalid HCL: expected expression".into(),
                },
                Problem {
                    at: Place {
                        file: "repos/a/iam/x.json".into(),
                        line: 2,
                        column: 1,
                    },
                    message: "invalid JSON: trailing comma".into(),
                },
            ],
            ..CloudFacts::default()
        };
        let out = run_service(&CloudPublicExposure, &s, &evidence(facts));
        assert_eq!(statuses(&out), [Status::Error, Status::Fail]);
        assert_eq!(
            out[0].message,
            "cannot read repos/a/bad.tf:3: invalid HCL: expected expression"
        );
        // A repo whose only Terraform file is broken still has Terraform.
        let facts = CloudFacts {
            problems: vec![Problem {
                at: Place {
                    file: "repos/a/bad.tf".into(),
                    line: 3,
                    column: 10,
                },
                message: "invalid HCL: expected expression".into(),
            }],
            ..CloudFacts::default()
        };
        let out = run_service(&CloudPublicExposure, &s, &evidence(facts));
        assert_eq!(statuses(&out), [Status::Error]);
    }
}
