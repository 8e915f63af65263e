use crate::rule::{Rule, ex};

/// A Slack token: bot (`xoxb-`), user (`xoxp-`), app (`xoxa-`), refresh
/// (`xoxr-`) or legacy session (`xoxs-`).
pub static RULE: Rule = Rule {
    id: "slack-token",
    description: "Slack token",
    keywords: &["xox"],
    case_sensitive: true,
    regex: r"\b(xox[baprs]-[0-9A-Za-z][0-9A-Za-z\-]{8,250})",
    min_entropy: Some(3.0),
    examples: &[
        ex(concat!(
            "SLACK_BOT_TOKEN=xoxb",
            "-852808414852-5388853933633-HFwUbbYrEqmSM9wCZ7Uw9xfo"
        )),
        ex(concat!(
            "export SLACK_API_TOKEN='xoxp",
            "-858723095049-581481478633-908968721956-f16b85d1f73ef37c02323bf3fd537ea5'"
        )),
    ],
    counter_examples: &[
        ex("SLACK_BOT_TOKEN=xoxb-your-bot-token"),
        ex("SLACK_BOT_TOKEN=xoxb-"),
    ],
    ..Rule::BASE
};
