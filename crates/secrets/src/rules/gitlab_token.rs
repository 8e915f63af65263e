use crate::rule::{Rule, ex};

/// A GitLab token: personal, project or group access (`glpat-`), pipeline
/// trigger (`glptt-`), runner registration (`GR1348941`) and
/// authentication (`glrt-`), deploy (`gldt-`), CI job (`glcbt-`), SCIM
/// (`glsoat-`), feed (`glft-`), incoming mail (`glimt-`), agent
/// (`glagent-`) and OAuth application secrets (`gloas-`).
pub static RULE: Rule = Rule {
    id: "gitlab-token",
    description: "GitLab token",
    keywords: &[
        "glpat-",
        "glptt-",
        "GR1348941",
        "glrt-",
        "gldt-",
        "glcbt-",
        "glsoat-",
        "glft-",
        "glimt-",
        "glagent-",
        "gloas-",
    ],
    case_sensitive: true,
    regex: r"\b(glpat-[A-Za-z0-9_\-]{20,}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?|glptt-[0-9a-f]{40}|GR1348941[A-Za-z0-9_\-]{20}|glrt-[A-Za-z0-9_\-]{20,}|gldt-[A-Za-z0-9_\-]{20,}|glcbt-[0-9a-fA-F]{1,5}_[A-Za-z0-9_\-]{20}|glsoat-[A-Za-z0-9_\-]{20,}|glft-[A-Za-z0-9_\-]{20}|glimt-[A-Za-z0-9_\-]{25}|glagent-[A-Za-z0-9_\-]{50,}|gloas-[A-Za-z0-9_\-]{64})",
    min_entropy: Some(3.0),
    examples: &[
        ex(concat!("GITLAB_TOKEN: glpat", "-R4y9ojfljoQoaF1Llqsa")),
        ex(concat!(
            "trigger = glptt",
            "-4dba41ecccc3fc1626e53a13043b026c48bbf33f"
        )),
        ex(concat!("runner_token: glrt", "-DEEtfjgVvVqE1SkHbn88")),
    ],
    counter_examples: &[
        ex("GITLAB_TOKEN: glpat-xxxxxxxxxxxxxxxxxxxx"),
        ex("prefix glpat- marks a token"),
    ],
    ..Rule::BASE
};
