use crate::rule::{Rule, ex};

/// A SendGrid API key (`SG.` and two base64url parts).
pub static RULE: Rule = Rule {
    id: "sendgrid-api-key",
    description: "SendGrid API key",
    keywords: &["SG."],
    case_sensitive: true,
    regex: r"\b(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})(?:[^A-Za-z0-9_\-]|$)",
    min_entropy: Some(4.0),
    examples: &[ex(concat!(
        "SENDGRID_API_KEY=SG.",
        "_ImB_LK777pzNk8cL6j5IX.AAjlsHUqJoUD-_Ydua_5ZMs1SWOpQaPRYpzbLGViYXj"
    ))],
    counter_examples: &[
        ex("msg.send(to, subject)"),
        ex(
            "SENDGRID_API_KEY=SG.xxxxxxxxxxxxxxxxxxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ),
    ],
    ..Rule::BASE
};
