use crate::rule::{Rule, ex};

/// An npm access token (`npm_…`).
pub static RULE: Rule = Rule {
    id: "npm-token",
    description: "npm access token",
    keywords: &["npm_"],
    case_sensitive: true,
    regex: r"\b(npm_[A-Za-z0-9]{36})\b",
    min_entropy: Some(3.5),
    examples: &[ex(concat!(
        "NPM_TOKEN=npm",
        "_8bOfZqfM2oeq3hDavJA76rNicHTp8hkqdlm7"
    ))],
    counter_examples: &[
        ex("npm_config_registry=https://registry.npmjs.org/"),
        ex("NPM_TOKEN=npm_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    ],
    ..Rule::BASE
};
