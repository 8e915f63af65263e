use crate::rule::{Rule, ex};

/// A Twilio API key SID (`SK` and 32 hex digits) named as Twilio's on its
/// line; the key's secret travels with it.
pub static RULE: Rule = Rule {
    id: "twilio-api-key",
    description: "Twilio API key",
    keywords: &["twilio"],
    regex: r"(?i:twilio)[^\r\n]{0,60}?\b(SK[0-9a-fA-F]{32})\b",
    min_entropy: Some(3.0),
    examples: &[ex(concat!(
        "TWILIO_API_KEY=SK",
        "24c1c099724caf4941d4072014b3ce10"
    ))],
    counter_examples: &[
        ex("TWILIO_API_KEY=SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        ex("twilio keys start with SK"),
    ],
    ..Rule::BASE
};
