use crate::rule::{Rule, ex};

/// A DigitalOcean personal access (`dop_v1_`), OAuth (`doo_v1_`) or
/// refresh (`dor_v1_`) token.
pub static RULE: Rule = Rule {
    id: "digitalocean-token",
    description: "DigitalOcean token",
    keywords: &["_v1_"],
    case_sensitive: true,
    regex: r"\b(do[opr]_v1_[a-f0-9]{64})\b",
    min_entropy: Some(3.0),
    examples: &[ex(concat!(
        "DIGITALOCEAN_TOKEN=dop_v1_",
        "54014c2b54b95523cf6941fa1c257c6f561c5cb347611a3ce9d97dcbee500fe7"
    ))],
    counter_examples: &[ex("DIGITALOCEAN_TOKEN=dop_v1_xxxx")],
    ..Rule::BASE
};
