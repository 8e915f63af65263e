use crate::rule::{Rule, ex, ex_at};

/// A Twilio auth token: 32 hex digits assigned to a Twilio token, auth
/// or secret setting. With the account SID (`AC…`) it is full access.
pub static RULE: Rule = Rule {
    id: "twilio-auth-token",
    description: "Twilio auth token",
    keywords: &["twilio"],
    regex: r#"(?i)twilio[A-Za-z0-9_.\-]{0,30}(?:auth|token|secret)[A-Za-z0-9_.\-]{0,20}["']?[ \t]*(?:=>|:=|=|:|,)[ \t]*["']?([0-9a-f]{32})\b"#,
    min_entropy: Some(3.0),
    examples: &[
        ex("TWILIO_AUTH_TOKEN=7f80e222f828767efc2f91624a8940f1"), // relman:allow
        ex_at(
            "sms.js",
            "const twilioAuthToken = '7f80e222f828767efc2f91624a8940f1';", // relman:allow
        ),
    ],
    counter_examples: &[
        ex("TWILIO_AUTH_TOKEN=your_auth_token"),
        ex("TWILIO_ACCOUNT_SID=AC7f80e222f828767efc2f91624a8940f1"),
    ],
    ..Rule::BASE
};
