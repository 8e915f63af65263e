use crate::rule::{Rule, ex};

/// A Mailchimp API key: 32 hex digits and the data centre (`-us14`).
pub static RULE: Rule = Rule {
    id: "mailchimp-api-key",
    description: "Mailchimp API key",
    keywords: &["-us"],
    case_sensitive: true,
    regex: r"\b([0-9a-f]{32}-us[0-9]{1,2})\b",
    min_entropy: Some(3.0),
    examples: &[ex(concat!(
        "export MAILCHIMP_API_KEY=\"2073fec8df4f50947aaeb26c",
        "57d21fa5-us14\""
    ))],
    counter_examples: &[ex("MAILCHIMP_API_KEY=\"<key>-us14\""), ex("lang: en-us")],
    ..Rule::BASE
};
