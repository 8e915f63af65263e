use crate::rule::{Rule, ex};

/// A HashiCorp Vault token in the current format: service (`hvs.`), batch
/// (`hvb.`) or recovery (`hvr.`).
pub static RULE: Rule = Rule {
    id: "vault-token",
    description: "Vault token",
    keywords: &["hvs.", "hvb.", "hvr."],
    case_sensitive: true,
    regex: r"\b(hv[sbr]\.[A-Za-z0-9_\-]{24,})",
    min_entropy: Some(3.5),
    examples: &[ex(concat!(
        "VAULT_TOKEN=hvs.",
        "h-JUqBlIFXZ53Ncqe28_ajY75FnCttn6kfaqDeMqG3omjMyXHCabM6JOF8EFd0Nhcy-1kGD2VD-eR1UYzaLiA-zNyD7"
    ))],
    counter_examples: &[
        ex("VAULT_TOKEN=hvs.xxxxxxxxxxxxxxxxxxxxxxxx"),
        ex("vault_addr = vault:secret/data/app"),
    ],
    ..Rule::BASE
};
