use relman_core::Severity;
use relman_core::cloud::{Breadth, Policy, Statement, TfValue};

use super::s2_cloud_exposure::{at, cloud_facts, shown};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// S-5: IAM policies grant least privilege.
pub struct IamLeastPrivilege;

static META: CheckMeta = CheckMeta {
    rule: "S-5",
    id: "iam-least-privilege",
    severity: Severity::High,
    title: "IAM policies grant least privilege",
    what: "Reads every IAM policy document of the repo: Terraform `aws_iam_policy`, `aws_iam_role_policy`, `aws_iam_group_policy`, `aws_iam_user_policy`, `aws_s3_bucket_policy` and role `inline_policy` (as inline JSON, `jsonencode`, heredoc or `data.aws_iam_policy_document`), and `*.json` files holding `Version` and `Statement`. For each `Allow` statement: `Action: \"*\"` fails; a whole-service wildcard (`s3:*`, `iam:*`) fails; a wildcard that can match write actions (`s3:Put*`, `iam:Create*`, `dynamodb:*Item`) on `Resource: \"*\"` fails; a wildcard of data reads (`s3:Get*`) on `Resource: \"*\"` warns; `NotAction` with `Allow` warns. Metadata wildcards (`ec2:Describe*`, `s3:List*`) on `*` pass: many such actions take no resource at all. Actions are classed as writes or reads by their verb (Put, Create, Delete, PassRole… versus Get, List, Describe…); a verb in neither table counts as a write. An action or resource from a variable without a default is unverified, naming it.",
    why: "A policy is what an attacker gets when a credential leaks or a service is compromised. `*` on `*` turns one bug into an account takeover; a service-wide wildcard grants the actions nobody thought about (`s3:DeleteBucket`, `iam:PassRole`).",
    fix: "List the actions the service calls (IAM Access Analyzer can generate them from CloudTrail) and scope `Resource` to the ARNs it uses.",
};

fn values(v: &[TfValue<String>]) -> String {
    let items: Vec<String> = v
        .iter()
        .map(|x| match x {
            TfValue::Known(s) => format!("{s:?}"),
            TfValue::Unresolved(t) => t.clone(),
        })
        .collect();
    match items.len() {
        0 => "no resource".to_string(),
        1 => items[0].clone(),
        _ => format!("[{}]", items.join(", ")),
    }
}

fn resources(s: &Statement) -> String {
    if !s.not_resources.is_empty() {
        return format!("every resource except {}", values(&s.not_resources));
    }
    values(&s.resources)
}

fn name(p: &Policy) -> String {
    if p.name == p.at.file {
        format!("the policy {}", p.name)
    } else {
        format!("the policy {} ({})", p.name, p.form.as_str())
    }
}

impl ServiceCheck for IamLeastPrivilege {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let Some((location, facts)) = cloud_facts(cx, out, true) else {
            return;
        };
        if facts.policies.is_empty() {
            if facts.problems.is_empty() {
                out.not_applicable(format!(
                    "no IAM policy in {location} (Terraform or JSON policy files)"
                ));
            }
            return;
        }
        let mut failed = false;
        let mut clean = 0usize;
        let mut statements = 0usize;
        for p in &facts.policies {
            if let Some(text) = &p.unresolved {
                out.unverified(format!(
                    "{} at {} cannot be read without running Terraform: {text}",
                    name(p),
                    shown(&p.at)
                ))
                .at(at(&p.at))
                .fix("Write the policy in the repo (jsonencode, a heredoc, an aws_iam_policy_document or a JSON file), or give the variable a default, so that it can be checked.");
                continue;
            }
            statements += p.statements.len();
            let mut policy_clean = true;
            for s in &p.statements {
                let broad: Vec<String> = s
                    .breadth
                    .iter()
                    .filter_map(|b| match b {
                        Breadth::AllActions => Some("every action (\"*\")".to_string()),
                        Breadth::ServiceWildcard(a) => {
                            Some(format!("every {} action ({a:?})", a.trim_end_matches(":*")))
                        }
                        Breadth::WriteWildcardOnAnyResource(a) => {
                            Some(format!("{a:?}, which matches write actions,"))
                        }
                        _ => None,
                    })
                    .collect();
                let where_ = shown(&s.at);
                if !broad.is_empty() {
                    failed = true;
                    policy_clean = false;
                    out.fail(format!(
                        "{} {} allows {} on {} ({where_})",
                        name(p),
                        s.label(),
                        broad.join(" and "),
                        resources(s)
                    ))
                    .at(at(&s.at));
                    continue;
                }
                for b in &s.breadth {
                    match b {
                        Breadth::ReadWildcardOnAnyResource(a) => {
                            policy_clean = false;
                            out.warn(format!(
                                "{} {} allows {a:?} on {}: it reads the data of every resource ({where_})",
                                name(p),
                                s.label(),
                                resources(s)
                            ))
                            .at(at(&s.at))
                            .fix("Scope `Resource` to the ARNs the service reads.");
                        }
                        Breadth::AllowNotAction(except) => {
                            policy_clean = false;
                            out.warn(format!(
                                "{} {} allows every action except {} on {} ({where_})",
                                name(p),
                                s.label(),
                                if except.is_empty() {
                                    "the NotAction list".to_string()
                                } else {
                                    except.join(", ")
                                },
                                resources(s)
                            ))
                            .at(at(&s.at))
                            .fix("Replace `NotAction` with the list of actions the service needs: everything not excluded is granted, including actions added to AWS later.");
                        }
                        Breadth::Unresolved(var) => {
                            policy_clean = false;
                            out.unverified(format!(
                                "{} {} depends on {var}, which has no literal value ({where_})",
                                name(p),
                                s.label()
                            ))
                            .at(at(&s.at))
                            .fix(format!("Give `{var}` a default in the repo, or write the actions and resources literally."));
                        }
                        _ => {}
                    }
                }
            }
            if policy_clean {
                clean += 1;
            }
        }
        if !failed && clean > 0 {
            out.pass(format!(
                "{clean} of {} IAM policies in {location} ({statements} statements) grant no wildcard beyond metadata reads",
                facts.policies.len()
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::cloud::{CloudFacts, Effect, Place, PolicyForm, Problem};
    use relman_core::evidence::{RepoEvidence, RepoFacts, ServiceEvidence};

    use super::*;
    use crate::testing::*;

    fn place(file: &str, line: u32) -> Place {
        Place {
            file: file.into(),
            line,
            column: 5,
        }
    }

    fn statement(
        sid: Option<&str>,
        actions: &[&str],
        res: &[&str],
        breadth: Vec<Breadth>,
    ) -> Statement {
        let known = |v: &[&str]| v.iter().map(|s| TfValue::Known(s.to_string())).collect();
        Statement {
            index: 0,
            sid: sid.map(str::to_string),
            effect: Effect::Allow,
            actions: known(actions),
            not_actions: Vec::new(),
            resources: known(res),
            not_resources: Vec::new(),
            principals: Vec::new(),
            condition_keys: Vec::new(),
            at: place("repos/a/iam.tf", 14),
            breadth,
        }
    }

    fn policy(name: &str, form: PolicyForm, statements: Vec<Statement>) -> Policy {
        Policy {
            name: name.into(),
            kind: "aws_iam_policy".into(),
            form,
            at: place("repos/a/iam.tf", 10),
            statements,
            unresolved: None,
        }
    }

    fn judge(facts: CloudFacts) -> Vec<relman_core::Finding> {
        let ev = ServiceEvidence {
            repo: RepoEvidence::Present(RepoFacts {
                location: "repos/a".into(),
                cloud: facts,
                ..RepoFacts::default()
            }),
            ..ServiceEvidence::default()
        };
        run_service(&IamLeastPrivilege, &service("a"), &ev)
    }

    fn with(policies: Vec<Policy>) -> CloudFacts {
        CloudFacts {
            terraform_files: 1,
            policies,
            ..CloudFacts::default()
        }
    }

    #[test]
    fn scoped_policies_pass_naming_how_many() {
        let out = judge(with(vec![
            policy(
                "aws_iam_policy.read",
                PolicyForm::Jsonencode,
                vec![statement(
                    None,
                    &["s3:GetObject"],
                    &["arn:aws:s3:::b/*"],
                    vec![],
                )],
            ),
            policy(
                "aws_iam_policy.describe",
                PolicyForm::Heredoc,
                vec![statement(None, &["ec2:Describe*"], &["*"], vec![])],
            ),
        ]));
        assert_eq!(
            render(&out),
            "pass: 2 of 2 IAM policies in repos/a (2 statements) grant no wildcard beyond metadata reads []"
        );
    }

    #[test]
    fn wildcards_fail_naming_policy_statement_action_and_resource() {
        let mut file_policy = policy(
            "repos/a/iam/admin.json",
            PolicyForm::JsonFile,
            vec![statement(
                Some("Admin"),
                &["*"],
                &["*"],
                vec![Breadth::AllActions],
            )],
        );
        file_policy.at = place("repos/a/iam/admin.json", 1);
        file_policy.statements[0].at = place("repos/a/iam/admin.json", 4);
        let out = judge(with(vec![
            file_policy,
            policy(
                "aws_iam_role_policy.app",
                PolicyForm::Jsonencode,
                vec![statement(
                    None,
                    &["s3:*"],
                    &["arn:aws:s3:::b"],
                    vec![Breadth::ServiceWildcard("s3:*".into())],
                )],
            ),
            policy(
                "aws_iam_group_policy.ops (data.aws_iam_policy_document.ops)",
                PolicyForm::PolicyDocument,
                vec![statement(
                    None,
                    &["dynamodb:*Item", "s3:GetObject"],
                    &["*"],
                    vec![Breadth::WriteWildcardOnAnyResource("dynamodb:*Item".into())],
                )],
            ),
        ]));
        assert_eq!(
            render(&out),
            "fail: the policy repos/a/iam/admin.json statement \"Admin\" allows every action (\"*\") on \"*\" (repos/a/iam/admin.json:4) [repos/a/iam/admin.json:4:5]\n\
             fail: the policy aws_iam_role_policy.app (jsonencode) statement #1 allows every s3 action (\"s3:*\") on \"arn:aws:s3:::b\" (repos/a/iam.tf:14) [repos/a/iam.tf:14:5]\n\
             fail: the policy aws_iam_group_policy.ops (data.aws_iam_policy_document.ops) (aws_iam_policy_document) statement #1 allows \"dynamodb:*Item\", which matches write actions, on \"*\" (repos/a/iam.tf:14) [repos/a/iam.tf:14:5]"
        );
    }

    #[test]
    fn read_wildcards_and_not_action_warn() {
        let mut not_action = statement(
            None,
            &[],
            &["*"],
            vec![Breadth::AllowNotAction(vec!["iam:*".into()])],
        );
        not_action.not_actions = vec![TfValue::Known("iam:*".into())];
        let out = judge(with(vec![policy(
            "aws_iam_policy.p",
            PolicyForm::Heredoc,
            vec![
                statement(
                    None,
                    &["s3:Get*"],
                    &["*"],
                    vec![Breadth::ReadWildcardOnAnyResource("s3:Get*".into())],
                ),
                not_action,
            ],
        )]));
        assert_eq!(statuses(&out), [Status::Warn, Status::Warn]);
        assert_eq!(
            out[1].message,
            "the policy aws_iam_policy.p (heredoc) statement #1 allows every action except iam:* on \"*\" (repos/a/iam.tf:14)"
        );
    }

    #[test]
    fn unresolved_policies_and_variables_are_unverified() {
        let mut from_var = policy("aws_iam_policy.v", PolicyForm::InlineJson, vec![]);
        from_var.unresolved = Some("var.policy_json".into());
        let out = judge(with(vec![
            from_var,
            policy(
                "aws_iam_policy.a",
                PolicyForm::Jsonencode,
                vec![statement(
                    None,
                    &[],
                    &["*"],
                    vec![Breadth::Unresolved("var.actions".into())],
                )],
            ),
        ]));
        assert_eq!(statuses(&out), [Status::Unverified, Status::Unverified]);
        assert_eq!(
            out[0].message,
            "the policy aws_iam_policy.v (inline JSON) at repos/a/iam.tf:10 cannot be read without running Terraform: var.policy_json"
        );
        assert!(out[1].message.contains("depends on var.actions"));
    }

    #[test]
    fn no_policies_and_broken_files() {
        let out = judge(CloudFacts::default());
        assert_eq!(
            render(&out),
            "not_applicable: no IAM policy in repos/a (Terraform or JSON policy files) []"
        );
        let mut facts = with(vec![policy(
            "aws_iam_policy.read",
            PolicyForm::Jsonencode,
            vec![statement(None, &["s3:GetObject"], &["*"], vec![])],
        )]);
        facts.problems = vec![Problem {
            at: place("repos/a/iam/bad.json", 4),
            message: "invalid JSON: trailing comma".into(),
        }];
        let out = judge(facts);
        assert_eq!(statuses(&out), [Status::Error, Status::Pass]);
        assert_eq!(
            out[0].message,
            "cannot read repos/a/iam/bad.json:4: invalid JSON: trailing comma"
        );
    }
}
