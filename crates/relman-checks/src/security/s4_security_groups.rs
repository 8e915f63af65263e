use relman_core::Severity;
use relman_core::cloud::{IngressRule, TfValue};

use super::s2_cloud_exposure::{at, cloud_facts, has_terraform, shown};
use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// S-4: security groups open only the ports and sources that are needed,
/// and every machine has one.
pub struct SecurityGroupIngress;

static META: CheckMeta = CheckMeta {
    rule: "S-4",
    id: "security-group-ingress",
    severity: Severity::High,
    title: "Security groups limit ports and sources",
    what: "Reads every ingress rule of the repo's Terraform (inline `ingress` blocks of `aws_security_group`, `aws_security_group_rule` with `type = \"ingress\"`, `aws_vpc_security_group_ingress_rule`). A rule open to the world (0.0.0.0/0 or ::/0) fails unless it opens only ports 80 and/or 443 and the descriptor says `public: true`; all protocols (`-1`) or any range that holds another port fails; ICMP open to the world warns. An `aws_instance` or `aws_launch_template` that names no security group fails (it falls back to the VPC's default group). A source or port from a variable without a default is unverified, naming the variable.",
    why: "A port open to the whole internet is found by scanners within minutes: SSH, RDP and database ports open to 0.0.0.0/0 are among the most exploited cloud misconfigurations. A machine without its own group gets the default group, whose rules nobody reviewed for it.",
    fix: "Allow only the ports the service serves, from the sources that need them: the load balancer's security group, the VPC's CIDR, a VPN range. Reach machines through SSM Session Manager or a bastion rather than opening SSH. Give every instance and launch template `vpc_security_group_ids`.",
};

const WORLD: &[&str] = &["0.0.0.0/0", "::/0"];

fn ports(r: &IngressRule) -> String {
    if r.all_protocols() {
        return "all ports and protocols".to_string();
    }
    let proto = match &r.protocol {
        TfValue::Known(p) => p.clone(),
        TfValue::Unresolved(t) => t.clone(),
    };
    match (&r.from_port, &r.to_port) {
        (TfValue::Known(a), TfValue::Known(b)) if a == b => format!("port {a}/{proto}"),
        (TfValue::Known(a), TfValue::Known(b)) => format!("ports {a}-{b}/{proto}"),
        _ => format!("ports of {proto}"),
    }
}

/// `an ingress block of aws_security_group.web`, or
/// `aws_security_group_rule.ssh (aws_security_group.web)`.
fn rule_name(r: &IngressRule) -> String {
    if r.address == r.group {
        format!("an ingress block of {}", r.address)
    } else {
        format!("{} ({})", r.address, r.group)
    }
}

fn is_icmp(p: &str) -> bool {
    matches!(p, "icmp" | "icmpv6" | "1" | "58")
}

impl ServiceCheck for SecurityGroupIngress {
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
        if facts.ingress.is_empty() && facts.security_groups.is_empty() && facts.compute.is_empty()
        {
            if facts.terraform_files > 0 {
                out.not_applicable(format!(
                    "the Terraform in {location} declares no security group, instance or launch template"
                ));
            }
            return;
        }
        let public = cx.service.public == Some(true);
        let mut bad = false;
        for r in &facts.ingress {
            let world: Vec<&str> = r
                .cidrs
                .iter()
                .filter_map(|c| c.known().map(String::as_str))
                .filter(|c| WORLD.contains(c))
                .collect();
            let unknown: Vec<&str> = r.cidrs.iter().filter_map(|c| c.unresolved()).collect();
            let where_ = shown(&r.at);
            if world.is_empty() {
                if let Some(var) = unknown.first() {
                    out.unverified(format!(
                        "{} allows {} from {var}, which has no literal value ({where_})",
                        rule_name(r),
                        ports(r)
                    ))
                    .at(at(&r.at))
                    .fix(format!("Give `{var}` a default in the repo, or write the source range literally, so that it can be checked."));
                }
                continue;
            }
            let sources = world.join(" and ");
            if r.all_protocols() {
                bad = true;
                out.fail(format!(
                    "{} opens all ports and protocols to {sources} ({where_})",
                    rule_name(r)
                ))
                .at(at(&r.at));
                continue;
            }
            let protocol = match &r.protocol {
                TfValue::Known(p) => p.to_ascii_lowercase(),
                TfValue::Unresolved(var) => {
                    out.unverified(format!(
                        "{} is open to {sources} with protocol {var}, which has no literal value ({where_})",
                        rule_name(r)
                    ))
                    .at(at(&r.at))
                    .fix(format!("Give `{var}` a default in the repo, or write the protocol literally."));
                    continue;
                }
            };
            if is_icmp(&protocol) {
                out.warn(format!(
                    "{} lets {sources} send ICMP ({where_})",
                    rule_name(r)
                ))
                .at(at(&r.at))
                .fix("Allow ICMP only from the networks that need to ping or trace the machines.");
                continue;
            }
            let (from, to) = match (&r.from_port, &r.to_port) {
                (TfValue::Known(a), TfValue::Known(b)) => (*a, *b),
                (TfValue::Unresolved(var), _) | (_, TfValue::Unresolved(var)) => {
                    out.unverified(format!(
                        "{} is open to {sources} on a port from {var}, which has no literal value ({where_})",
                        rule_name(r)
                    ))
                    .at(at(&r.at))
                    .fix(format!("Give `{var}` a default in the repo, or write the port literally."));
                    continue;
                }
            };
            let web_only = from <= to && (from..=to).all(|p| p == 80 || p == 443);
            if web_only && public {
                out.pass(format!(
                    "{} opens {} to {sources} for a public service ({where_})",
                    rule_name(r),
                    ports(r)
                ))
                .at(at(&r.at));
            } else if web_only {
                bad = true;
                out.fail(format!(
                    "{} opens {} to {sources}, but the service is not declared public ({where_})",
                    rule_name(r),
                    ports(r)
                ))
                .at(at(&r.at))
                .fix("Allow HTTP(S) only from the load balancer's security group or the networks that call the service; or declare `public: true` if it is meant to be reached from the internet.");
            } else {
                bad = true;
                out.fail(format!(
                    "{} opens {} to {sources} ({where_})",
                    rule_name(r),
                    ports(r)
                ))
                .at(at(&r.at));
            }
        }
        for c in facts.compute.iter().filter(|c| !c.has_security_groups) {
            bad = true;
            out.fail(format!(
                "{} names no security group, so it gets the VPC's default group ({})",
                c.resource.address(),
                shown(&c.resource.at)
            ))
            .at(at(&c.resource.at))
            .fix("Set `vpc_security_group_ids` (or `security_groups` in `network_interfaces` of a launch template) to a group made for the machine.");
        }
        if bad {
            return;
        }
        let mut groups: Vec<String> = facts.security_groups.iter().map(|g| g.address()).collect();
        for r in &facts.ingress {
            if !groups.contains(&r.group) {
                groups.push(r.group.clone());
            }
        }
        let shown_groups = if groups.len() > 8 {
            format!("{} and {} more", groups[..8].join(", "), groups.len() - 8)
        } else {
            groups.join(", ")
        };
        let guarded = facts.compute.len();
        out.pass(format!(
            "{} ingress rules of {} security groups checked in {location}, none open beyond what the service serves{}{}",
            facts.ingress.len(),
            groups.len(),
            if groups.is_empty() { String::new() } else { format!(": {shown_groups}") },
            if guarded > 0 {
                format!("; {guarded} instances and launch templates all name a security group")
            } else {
                String::new()
            }
        ));
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::cloud::{CloudFacts, Compute, Place, Resource};
    use relman_core::evidence::{RepoEvidence, RepoFacts, ServiceEvidence};

    use super::*;
    use crate::testing::*;

    fn place(line: u32) -> Place {
        Place {
            file: "repos/a/sg.tf".into(),
            line,
            column: 3,
        }
    }

    fn rule(protocol: &str, from: i64, to: i64, cidrs: &[&str]) -> IngressRule {
        IngressRule {
            address: "aws_security_group.web".into(),
            group: "aws_security_group.web".into(),
            protocol: TfValue::Known(protocol.into()),
            from_port: TfValue::Known(from),
            to_port: TfValue::Known(to),
            cidrs: cidrs
                .iter()
                .map(|c| {
                    if c.starts_with("var.") {
                        TfValue::Unresolved(c.to_string())
                    } else {
                        TfValue::Known(c.to_string())
                    }
                })
                .collect(),
            at: place(12),
        }
    }

    fn judge(
        public: bool,
        ingress: Vec<IngressRule>,
        compute: Vec<Compute>,
    ) -> Vec<relman_core::Finding> {
        let mut s = service("a");
        s.public = Some(public);
        let facts = CloudFacts {
            terraform_files: 1,
            security_groups: vec![Resource {
                kind: "aws_security_group".into(),
                name: "web".into(),
                at: place(1),
            }],
            ingress,
            compute,
            ..CloudFacts::default()
        };
        let ev = ServiceEvidence {
            repo: RepoEvidence::Present(RepoFacts {
                location: "repos/a".into(),
                cloud: facts,
                ..RepoFacts::default()
            }),
            ..ServiceEvidence::default()
        };
        run_service(&SecurityGroupIngress, &s, &ev)
    }

    #[test]
    fn narrow_sources_pass_naming_the_groups() {
        let out = judge(false, vec![rule("tcp", 22, 22, &["10.0.0.0/8"])], vec![]);
        assert_eq!(
            render(&out),
            "pass: 1 ingress rules of 1 security groups checked in repos/a, none open beyond what the service serves: aws_security_group.web []"
        );
    }

    #[test]
    fn the_world_may_reach_only_web_ports_of_public_services() {
        let web = || rule("tcp", 443, 443, &["0.0.0.0/0", "::/0"]);
        assert_eq!(
            statuses(&judge(true, vec![web()], vec![])),
            [Status::Pass, Status::Pass]
        );
        let out = judge(false, vec![web()], vec![]);
        assert_eq!(
            render(&out),
            "fail: an ingress block of aws_security_group.web opens port 443/tcp to 0.0.0.0/0 and ::/0, but the service is not declared public (repos/a/sg.tf:12) [repos/a/sg.tf:12:3]"
        );
        let out = judge(true, vec![rule("tcp", 22, 22, &["0.0.0.0/0"])], vec![]);
        assert_eq!(
            out[0].message,
            "an ingress block of aws_security_group.web opens port 22/tcp to 0.0.0.0/0 (repos/a/sg.tf:12)"
        );
        assert_eq!(statuses(&out), [Status::Fail]);
        let mut rdp = rule("tcp", 3389, 3389, &["0.0.0.0/0"]);
        rdp.address = "aws_security_group_rule.rdp".into();
        rdp.group = "aws_security_group.app".into();
        let out = judge(true, vec![rdp], vec![]);
        assert_eq!(
            out[0].message,
            "aws_security_group_rule.rdp (aws_security_group.app) opens port 3389/tcp to 0.0.0.0/0 (repos/a/sg.tf:12)"
        );
        // A range holding 80 and 443 holds other ports too.
        let out = judge(true, vec![rule("tcp", 80, 443, &["0.0.0.0/0"])], vec![]);
        assert_eq!(statuses(&out), [Status::Fail]);
        let out = judge(true, vec![rule("-1", 0, 0, &["0.0.0.0/0"])], vec![]);
        assert_eq!(
            out[0].message,
            "an ingress block of aws_security_group.web opens all ports and protocols to 0.0.0.0/0 (repos/a/sg.tf:12)"
        );
        let out = judge(false, vec![rule("icmp", -1, -1, &["0.0.0.0/0"])], vec![]);
        assert_eq!(statuses(&out), [Status::Warn, Status::Pass]);
    }

    #[test]
    fn unresolved_sources_and_ports_are_unverified_by_name() {
        let out = judge(
            false,
            vec![rule("tcp", 22, 22, &["var.allowed_cidr"])],
            vec![],
        );
        assert_eq!(statuses(&out), [Status::Unverified, Status::Pass]);
        assert_eq!(
            out[0].message,
            "an ingress block of aws_security_group.web allows port 22/tcp from var.allowed_cidr, which has no literal value (repos/a/sg.tf:12)"
        );
        let mut r = rule("tcp", 0, 0, &["0.0.0.0/0"]);
        r.from_port = TfValue::Unresolved("var.port".into());
        let out = judge(true, vec![r], vec![]);
        assert_eq!(statuses(&out)[0], Status::Unverified);
        assert!(out[0].message.contains("var.port"), "{}", out[0].message);
    }

    #[test]
    fn machines_without_groups_fail() {
        let c = |name: &str, has: bool| Compute {
            resource: Resource {
                kind: "aws_instance".into(),
                name: name.into(),
                at: place(30),
            },
            has_security_groups: has,
        };
        let out = judge(false, vec![], vec![c("bare", false), c("ok", true)]);
        assert_eq!(
            render(&out),
            "fail: aws_instance.bare names no security group, so it gets the VPC's default group (repos/a/sg.tf:30) [repos/a/sg.tf:30:3]"
        );
        let out = judge(false, vec![], vec![c("ok", true)]);
        assert_eq!(statuses(&out), [Status::Pass]);
        assert!(
            out[0]
                .message
                .ends_with("1 instances and launch templates all name a security group")
        );
    }

    #[test]
    fn nothing_to_judge_is_not_applicable() {
        let s = service("a");
        let ev = ServiceEvidence {
            repo: RepoEvidence::Present(RepoFacts {
                location: "repos/a".into(),
                cloud: CloudFacts {
                    terraform_files: 3,
                    ..CloudFacts::default()
                },
                ..RepoFacts::default()
            }),
            ..ServiceEvidence::default()
        };
        let out = run_service(&SecurityGroupIngress, &s, &ev);
        assert_eq!(
            render(&out),
            "not_applicable: the Terraform in repos/a declares no security group, instance or launch template []"
        );
        let out = run_service(&SecurityGroupIngress, &s, &ServiceEvidence::default());
        assert_eq!(statuses(&out), [Status::Unverified]);
    }
}
