use crate::rule::{Rule, ex};

/// A GitHub fine-grained personal access token (`github_pat_…`).
pub static RULE: Rule = Rule {
    id: "github-fine-grained-token",
    description: "GitHub fine-grained personal access token",
    keywords: &["github_pat_"],
    case_sensitive: true,
    regex: r"\b(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b",
    min_entropy: Some(3.5),
    examples: &[ex(concat!(
        "GH_TOKEN=github_pat",
        "_FAc9QeWJKY40uvSwMFLZDe_1f8rESQedUStPKR0CsTy4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4i0B3JrTAw"
    ))],
    counter_examples: &[ex("fine-grained tokens start with github_pat_")],
    ..Rule::BASE
};
