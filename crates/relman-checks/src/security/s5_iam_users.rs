use relman_core::Severity;

use super::s2_cloud_exposure::{at, cloud_facts, has_terraform, shown};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// S-5: the service's Terraform uses IAM roles, not IAM users.
pub struct IamUsers;

static META: CheckMeta = CheckMeta {
    rule: "S-5",
    id: "iam-users",
    severity: Severity::Medium,
    title: "IAM roles, not IAM users",
    what: "Fails for every IAM user the repo's Terraform declares or equips: `aws_iam_user`, `aws_iam_access_key`, `aws_iam_user_policy`, `aws_iam_user_policy_attachment`, `aws_iam_user_group_membership`, `aws_iam_user_login_profile`, `aws_iam_user_ssh_key`, and `aws_iam_policy_attachment` / `aws_iam_group_membership` that list `users`. Terraform with roles only passes.",
    why: "An IAM user has long-lived credentials: access keys end up in CI variables, laptops and repositories, and keep working until someone rotates them. A role hands out short-lived credentials to whatever assumes it (an instance, a pod through IRSA, CI through OIDC), so there is nothing to leak for long.",
    fix: "Use an IAM role: an instance profile for EC2, IRSA for Kubernetes pods, an OIDC identity provider for CI (GitHub Actions, GitLab). Remove the user, its access keys and its policies.",
};

fn what(kind: &str) -> &'static str {
    match kind {
        "aws_iam_user" => "declares the IAM user",
        "aws_iam_access_key" => "creates a long-lived access key for an IAM user in",
        "aws_iam_user_policy" => "grants an inline policy to an IAM user in",
        "aws_iam_user_policy_attachment" => "attaches a policy to an IAM user in",
        "aws_iam_user_group_membership" => "puts an IAM user in groups in",
        "aws_iam_user_login_profile" => "gives an IAM user a console password in",
        "aws_iam_user_ssh_key" => "gives an IAM user an SSH key in",
        "aws_iam_policy_attachment" => "attaches a policy to IAM users in",
        "aws_iam_group_membership" => "puts IAM users in a group in",
        _ => "equips an IAM user in",
    }
}

impl ServiceCheck for IamUsers {
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
        for u in &facts.iam_users {
            out.fail(format!(
                "the Terraform {} {} ({}): use an IAM role",
                what(&u.kind),
                u.address(),
                shown(&u.at)
            ))
            .at(at(&u.at));
        }
        if facts.iam_users.is_empty() && facts.terraform_files > 0 {
            out.pass(format!(
                "no IAM user in the Terraform of {location} ({} files); {} IAM roles",
                facts.terraform_files, facts.iam_roles
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::cloud::{CloudFacts, Place, Resource};
    use relman_core::evidence::{RepoEvidence, RepoFacts, ServiceEvidence};

    use super::*;
    use crate::testing::*;

    fn judge(facts: CloudFacts) -> Vec<relman_core::Finding> {
        let ev = ServiceEvidence {
            repo: RepoEvidence::Present(RepoFacts {
                location: "repos/a".into(),
                cloud: facts,
                ..RepoFacts::default()
            }),
            ..ServiceEvidence::default()
        };
        run_service(&IamUsers, &service("a"), &ev)
    }

    #[test]
    fn users_and_keys_fail() {
        let r = |kind: &str, line: u32| Resource {
            kind: kind.into(),
            name: "ci".into(),
            at: Place {
                file: "repos/a/iam.tf".into(),
                line,
                column: 1,
            },
        };
        let out = judge(CloudFacts {
            terraform_files: 1,
            iam_users: vec![r("aws_iam_user", 1), r("aws_iam_access_key", 5)],
            ..CloudFacts::default()
        });
        assert_eq!(
            render(&out),
            "fail: the Terraform declares the IAM user aws_iam_user.ci (repos/a/iam.tf:1): use an IAM role [repos/a/iam.tf:1:1]\n\
             fail: the Terraform creates a long-lived access key for an IAM user in aws_iam_access_key.ci (repos/a/iam.tf:5): use an IAM role [repos/a/iam.tf:5:1]"
        );
    }

    #[test]
    fn roles_only_pass() {
        let out = judge(CloudFacts {
            terraform_files: 2,
            iam_roles: 3,
            ..CloudFacts::default()
        });
        assert_eq!(
            render(&out),
            "pass: no IAM user in the Terraform of repos/a (2 files); 3 IAM roles []"
        );
        let out = judge(CloudFacts::default());
        assert_eq!(statuses(&out), [Status::NotApplicable]);
        let out = run_service(&IamUsers, &service("a"), &ServiceEvidence::default());
        assert_eq!(statuses(&out), [Status::Unverified]);
    }
}
