use crate::rule::{Rule, ex};

/// An Anthropic API or admin key (`sk-ant-api03-…`, `sk-ant-admin01-…`).
pub static RULE: Rule = Rule {
    id: "anthropic-api-key",
    description: "Anthropic API key",
    keywords: &["sk-ant-"],
    case_sensitive: true,
    regex: r"\b(sk-ant-(?:api|admin|oat)[0-9]{2}-[A-Za-z0-9_\-]{80,120})",
    min_entropy: Some(4.0),
    examples: &[ex(concat!(
        "ANTHROPIC_API_KEY=sk-ant-api03-",
        "z4FxFEtKyPiYGFDm7ena8D5VfLDpgyyjVw5HanSBeVRsfAGeAbP0VxNjAe-9i0mYtluYI0KN1gNT11cUzYZAa3u2olZU6AA"
    ))],
    counter_examples: &[ex("ANTHROPIC_API_KEY=sk-ant-api03-...")],
    ..Rule::BASE
};
