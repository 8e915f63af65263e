use crate::file::FileInfo;
use crate::rule::{Candidate, Class, Rule, ex, ex_at};

/// The `password` of a `.netrc`-style file (`.netrc`, `_netrc`,
/// `.authinfo`, and the mail clients' `.esmtprc`, `.msmtprc`,
/// `.fetchmailrc`), or of a netrc line anywhere (`machine … password …`).
/// These files are read by programs as they are: a word there is the
/// password itself, never a placeholder.
pub static RULE: Rule = Rule {
    id: "netrc-password",
    description: "Password in a netrc-style file",
    keywords: &["password", "passwd"],
    regex: r#"(?i)(?:^|\s)(?:password|passwd)[ \t]+("[^"\r\n]*"|'[^'\r\n]*'|[^\s"']+)"#,
    class: Class::Format,
    check: Some(check),
    examples: &[
        ex_at(
            ".netrc",
            "machine imap.gmail.com login ada@corp.io password pass123",
        ),
        ex_at(
            ".esmtprc",
            "hostname smtp.gmail.com:587\nusername \"ada@corp.io\"\npassword \"password\"",
        ),
        ex("machine api.heroku.com login ada@corp.io password 7a2f9a4289e530be"),
    ],
    counter_examples: &[
        ex("the password is read from the vault"),
        ex_at("notes.txt", "Enter password twice"),
    ],
    ..Rule::BASE
};

const FILES: &[&str] = &[
    ".netrc",
    "_netrc",
    ".authinfo",
    ".esmtprc",
    ".msmtprc",
    ".fetchmailrc",
    "netrc",
];

fn check(c: &Candidate<'_>) -> bool {
    let netrc_line = {
        let line = c.text().trim_ascii_start();
        line.starts_with(b"machine ") || line.starts_with(b"default ")
    };
    named(c.file()) || netrc_line
}

fn named(f: &FileInfo<'_>) -> bool {
    f.named(FILES)
}
