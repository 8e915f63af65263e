use crate::rule::{Rule, ex};

/// A HashiCorp Vault token in the format before Vault 1.10 (`s.` and 24
/// characters), assigned to a name that says Vault: the bare form is too
/// short to tell from other text.
pub static RULE: Rule = Rule {
    id: "vault-legacy-token",
    description: "Vault token (legacy format)",
    keywords: &["vault"],
    requires: Some(b"s."),
    regex: r#"(?i:vault)[A-Za-z0-9_.\-]{0,30}["']?[ \t]*(?:=>|:=|=|:|,)[ \t]*["']?(s\.[A-Za-z0-9]{24})\b"#,
    min_entropy: Some(3.5),
    examples: &[ex(concat!("VAULT_TOKEN=s.", "oqW4sg8NFNl5oFA6Qd8Mj7zd"))],
    counter_examples: &[
        ex("vault_path: s.secret.data.app.credentials"),
        ex("VAULT_TOKEN=s.xxxxxxxxxxxxxxxxxxxxxxxx"),
    ],
    ..Rule::BASE
};
