use crate::rule::{Rule, ex, ex_at};

/// An AWS secret access key: 40 base64 characters, found where a key pair
/// is written down (`aws_secret_access_key = …`, `"SecretAccessKey": …`,
/// `AWS_SECRET_ACCESS_KEY=…`), since the bare value looks like any other
/// random string.
pub static RULE: Rule = Rule {
    id: "aws-secret-access-key",
    description: "AWS secret access key",
    keywords: &[
        "secret_access_key",
        "secretaccesskey",
        "secret-access-key",
        "aws_secret",
        "aws-secret",
        "awssecret",
    ],
    regex: r#"(?i)(?:secret[_\-]?access[_\-]?key|aws[_\-]?secret(?:[_\-]?key)?)["']?[ \t]*(?:=>|:=|=|:|,)[ \t]*["']?([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
    min_entropy: Some(4.0),
    examples: &[
        ex(concat!(
            "aws_secret_access_key = 7eNWVQ4vnakJkS1pAWTN3",
            "lg8zV5yPU8d0FZfWe7i"
        )),
        ex_at(
            "creds.json",
            concat!(
                r#"{"AccessKeyId": "AKIA"#,
                r#"NBJ2DDLZ4UHFKVML", "SecretAccessKey": "7eNWVQ4vnakJkS1pAWTN3"#, // relman:allow
                r#"lg8zV5yPU8d0FZfWe7i"}"#
            ),
        ),
    ],
    counter_examples: &[
        ex("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ex("aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}"),
        ex_at(
            "app.py",
            "aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY']",
        ),
    ],
    ..Rule::BASE
};
