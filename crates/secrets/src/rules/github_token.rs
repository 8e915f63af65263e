use crate::rule::{Rule, ex, ex_at};

/// A GitHub token: personal access (`ghp_`), OAuth (`gho_`), user-to-server
/// (`ghu_`), server-to-server (`ghs_`) or refresh (`ghr_`).
pub static RULE: Rule = Rule {
    id: "github-token",
    description: "GitHub token",
    keywords: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    case_sensitive: true,
    regex: r"\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})\b",
    min_entropy: Some(3.5),
    examples: &[
        ex(concat!(
            "GITHUB_TOKEN=ghp",
            "_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d"
        )),
        ex_at(
            "ci.py",
            concat!("token = \"gho", "_KLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFR\""),
        ),
        ex(concat!("ghs", "_IBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj7")),
    ],
    counter_examples: &[
        ex("GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ex("tokens start with ghp_ or gho_"),
        ex("ghp_123"),
    ],
    ..Rule::BASE
};
