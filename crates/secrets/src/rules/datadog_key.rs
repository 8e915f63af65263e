use crate::rule::{Rule, ex, ex_at};

/// A Datadog API key (32 hex digits) or application key (40), assigned to
/// a name that says Datadog (`DD_API_KEY`, `datadog_app_key`…).
pub static RULE: Rule = Rule {
    id: "datadog-key",
    description: "Datadog API or application key",
    // Every match holds `datadog` or one of the `…key` names.
    keywords: &[
        "datadog",
        "api_key",
        "api-key",
        "apikey",
        "app_key",
        "app-key",
        "appkey",
        "application_key",
        "application-key",
        "applicationkey",
    ],
    regex: r#"(?i)(?:datadog|\bdd)[A-Za-z0-9_.\-]{0,20}?(?:api|app(?:lication)?)[_\-]?key["']?[ \t]*(?:=>|:=|=|:|,)[ \t]*["']?([a-f0-9]{40}|[a-f0-9]{32})\b"#,
    min_entropy: Some(3.0),
    examples: &[
        ex("DD_API_KEY=bd818319478da6bd0c621de49f145fda"), // relman:allow
        ex_at(
            "datadog.yaml",
            "datadog_app_key: \"9988c79fc35526f7eaed46725a2a7b860dcd6c8a\"",
        ),
    ],
    counter_examples: &[
        ex("DD_API_KEY=<DATADOG_API_KEY>"),
        ex("DD_API_KEY=00000000000000000000000000000000"),
    ],
    ..Rule::BASE
};
