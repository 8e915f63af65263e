use crate::rule::{Rule, ex};

/// A Google API key (`AIza…`): Maps, Firebase, YouTube and other Google
/// Cloud APIs bill to its project.
pub static RULE: Rule = Rule {
    id: "google-api-key",
    description: "Google API key",
    keywords: &["AIza"],
    case_sensitive: true,
    regex: r"\b(AIza[0-9A-Za-z_\-]{35})(?:[^0-9A-Za-z_\-]|$)",
    min_entropy: Some(3.5),
    examples: &[ex(concat!(
        "firebase_api_key: AIza",
        "Hz5r1pY4OjE2jBMptUsGr7CmY_uCu3ZR1zT"
    ))],
    counter_examples: &[
        ex("apiKey: AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
        ex("keys look like AIza..."),
    ],
    ..Rule::BASE
};
