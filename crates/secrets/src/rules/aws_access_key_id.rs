use crate::rule::{Rule, ex, ex_at};

/// An AWS access key ID (`AKIA…` long-term, `ASIA…` temporary). Alone it
/// grants nothing, but it names the key pair and is rarely far from the
/// secret half.
pub static RULE: Rule = Rule {
    id: "aws-access-key-id",
    description: "AWS access key ID",
    keywords: &["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
    case_sensitive: true,
    regex: r"\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b",
    min_entropy: Some(3.0),
    examples: &[
        ex(concat!("aws_access_key_id = AKIA", "NBJ2DDLZ4UHFKVML")),
        ex_at(
            "deploy.sh",
            concat!("export AWS_ACCESS_KEY_ID=\"ASIA", "Q3EGRBMPH7XK2WNT\""),
        ),
    ],
    counter_examples: &[
        ex("aws_access_key_id = AKIAIOSFODNN7EXAMPLE"),
        ex("AKIAAAAAAAAAAAAAAAAA"),
        ex("the AKIA prefix marks long-term keys"),
    ],
    ..Rule::BASE
};
