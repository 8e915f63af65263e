use crate::rule::{Example, Rule, Scope, ex_at};

/// A PuTTY private key file (`.ppk`, versions 2 and 3, encrypted or not).
/// The secret is the `Private-Lines` block; the finding points at the
/// `PuTTY-User-Key-File` line.
pub static RULE: Rule = Rule {
    id: "putty-private-key",
    description: "PuTTY private key",
    keywords: &["PuTTY-User-Key-File-"],
    case_sensitive: true,
    regex: r"PuTTY-User-Key-File-\d+:(?s:.{0,8192}?)Private-Lines:[ \t]*\d+\r?\n((?:[A-Za-z0-9+/=]+\r?\n)*[A-Za-z0-9+/=]+)(?:\r?\n|$)",
    scope: Scope::Block {
        max: 64 * 1024,
        until: b"Private-MAC",
    },
    examples: &[ex_at(
        "keys/deploy.ppk",
        concat!(
            "PuTTY-User-Key-File-",
            "2: ssh-rsa\nEncryption: none\nComment: deploy\nPublic-Lines: 1\n",
            "AAAAB3NzaC1yc2EAAAABJQAAAQEAm5d5/daeAzNGKouE5k55gfHvpXzosIDIJgrq\n",
            "Private-Lines: 2\n",
            "AAABAQCO+eW40w29wGn9lPaqHpkrTQW6qiHuTNOYlGiZqhhCmIwYVJsX4QX3NwgC\n",
            "V58mWLrNLgl/QKNml8HYHMT3iVxf7HXWFr0/v0gkDQpjya5uPRP2CZuf+rdsSOTm\n",
            "Private-MAC: 6730c52e494d4aba1191485053ca6f47bb619d2b\n",
        ),
    )],
    counter_examples: COUNTER_EXAMPLES,
    ..Rule::BASE
};

const COUNTER_EXAMPLES: &[Example] = &[ex_at(
    "docs/putty.md",
    "A `.ppk` file starts with `PuTTY-User-Key-File-3:` and holds `Private-Lines:`.",
)];
