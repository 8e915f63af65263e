//! Print what S-2, S-4 and S-5 would flag in a folder of Terraform and IAM
//! policy JSON, one JSON object per line, for comparing relman with other
//! scanners (`bench/terraform-overlap.sh`).
//!
//!     cargo run -q -p relman-evidence --example cloud_facts -- DIR [public]
//!
//! Each line is `{"rule", "check", "resource", "file", "line", "status",
//! "what"}`, judged as the checks judge a service that is not public (or a
//! public one with `public`). Resources that pass are not printed.

// A command-line tool: its output is the point.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use relman_core::cloud::{Breadth, CloudFacts, ExposureKind, Place, PolicyForm, TfValue};
use serde_json::json;

fn line(rule: &str, check: &str, resource: &str, at: &Place, status: &str, what: String) {
    let v = json!({
        "rule": rule,
        "check": check,
        "resource": resource,
        "file": at.file,
        "line": at.line,
        "status": status,
        "what": what,
    });
    println!("{v}");
}

fn exposure(facts: &CloudFacts, public: bool) {
    for e in &facts.exposures {
        let status = match &e.exposed {
            TfValue::Known(false) => continue,
            TfValue::Unresolved(_) => "unverified",
            TfValue::Known(true) if e.kind == ExposureKind::Database || e.writable => "fail",
            TfValue::Known(true) if !public => "fail",
            TfValue::Known(true)
                if matches!(
                    e.kind,
                    ExposureKind::InstancePublicIp | ExposureKind::ElasticIp
                ) =>
            {
                "warn"
            }
            TfValue::Known(true) => continue,
        };
        line(
            "S-2",
            "cloud-public-exposure",
            &e.address,
            &e.at,
            status,
            format!("{}: {}", e.kind.as_str(), e.detail),
        );
    }
}

fn ingress(facts: &CloudFacts, public: bool) {
    for r in &facts.ingress {
        let world = r
            .cidrs
            .iter()
            .any(|c| matches!(c.known().map(String::as_str), Some("0.0.0.0/0" | "::/0")));
        let unknown = r.cidrs.iter().find_map(|c| c.unresolved());
        let ports = format!(
            "{}-{}/{}",
            show(&r.from_port),
            show(&r.to_port),
            show(&r.protocol)
        );
        let status = if !world {
            match unknown {
                Some(_) => "unverified",
                None => continue,
            }
        } else if r.all_protocols() {
            "fail"
        } else if matches!(
            r.protocol.known().map(String::as_str),
            Some("icmp" | "icmpv6" | "1" | "58")
        ) {
            "warn"
        } else {
            match (r.from_port.known(), r.to_port.known(), r.protocol.known()) {
                (Some(a), Some(b), Some(_)) => {
                    let web = a <= b && (*a..=*b).all(|p| p == 80 || p == 443);
                    if web && public {
                        continue;
                    }
                    "fail"
                }
                _ => "unverified",
            }
        };
        let what = match (world, unknown) {
            (false, Some(var)) => format!("{ports} from {var}"),
            _ => format!("{ports} open to the world"),
        };
        line(
            "S-4",
            "security-group-ingress",
            &r.address,
            &r.at,
            status,
            what,
        );
    }
    for c in facts.compute.iter().filter(|c| !c.has_security_groups) {
        line(
            "S-4",
            "security-group-ingress",
            &c.resource.address(),
            &c.resource.at,
            "fail",
            "no security group".to_string(),
        );
    }
}

fn show<T: std::fmt::Display>(v: &TfValue<T>) -> String {
    match v {
        TfValue::Known(x) => x.to_string(),
        TfValue::Unresolved(t) => t.clone(),
    }
}

fn iam(facts: &CloudFacts) {
    for u in &facts.iam_users {
        line(
            "S-5",
            "iam-users",
            &u.address(),
            &u.at,
            "fail",
            u.kind.clone(),
        );
    }
    for p in &facts.policies {
        // A policy written as a data source is reported where it is written.
        let resource = match (p.form, p.name.find("(data.")) {
            (PolicyForm::PolicyDocument, Some(i)) => p.name[i + 1..p.name.len() - 1].to_string(),
            _ => p.name.clone(),
        };
        if let Some(t) = &p.unresolved {
            line(
                "S-5",
                "iam-least-privilege",
                &resource,
                &p.at,
                "unverified",
                t.clone(),
            );
        }
        for s in &p.statements {
            let mut worst: Option<(&str, String)> = None;
            for b in &s.breadth {
                let (status, what) = match b {
                    Breadth::AllActions => ("fail", "Action \"*\"".to_string()),
                    Breadth::ServiceWildcard(a) | Breadth::WriteWildcardOnAnyResource(a) => {
                        ("fail", a.clone())
                    }
                    Breadth::ReadWildcardOnAnyResource(a) => ("warn", a.clone()),
                    Breadth::AllowNotAction(_) => ("warn", "Allow with NotAction".to_string()),
                    Breadth::Unresolved(t) => ("unverified", t.clone()),
                };
                let rank = |s: &str| match s {
                    "fail" => 3,
                    "unverified" => 2,
                    _ => 1,
                };
                if worst.as_ref().is_none_or(|(w, _)| rank(status) > rank(w)) {
                    worst = Some((status, what));
                }
            }
            if let Some((status, what)) = worst {
                line(
                    "S-5",
                    "iam-least-privilege",
                    &resource,
                    &s.at,
                    status,
                    format!("{}: {what}", s.label()),
                );
            }
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: cloud_facts DIR [public]");
        std::process::exit(2);
    };
    let public = args.next().as_deref() == Some("public");
    let facts = relman_evidence::scan_cloud(std::path::Path::new(&dir), &dir);
    for p in &facts.problems {
        line("-", "-", "-", &p.at, "error", p.message.clone());
    }
    exposure(&facts, public);
    ingress(&facts, public);
    iam(&facts);
}
