use crate::rule::{Rule, ex};

/// A Slack incoming webhook or workflow URL: whoever holds it can post to
/// the channel.
pub static RULE: Rule = Rule {
    id: "slack-webhook",
    description: "Slack webhook URL",
    keywords: &["hooks.slack.com"],
    regex: r"(?i)(https?://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_\-]{20,})",
    examples: &[ex(concat!(
        "webhook: https://hooks.slack",
        ".com/services/TGO4MVN4A/B4WFHYM4L1V/fZ8UzDzV8fUkkibjL5DZPjN0"
    ))],
    counter_examples: &[
        ex(
            "webhook: https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        ),
        ex("see https://hooks.slack.com/ for details"),
    ],
    ..Rule::BASE
};
