use super::keyword;
use crate::rule::{Class, Rule, ex_at};

/// A password passed as a string literal to a login call:
/// `conn.login('user', 'password')`, `smtp.login(…)`, `authenticate(…)`.
pub static RULE: Rule = Rule {
    id: "login-call-password",
    description: "Password passed to a login call",
    keywords: &[
        "login",
        "log_in",
        "logon",
        "authenticate",
        "signin",
        "sign_in",
    ],
    regex: r#"(?i)\b(?:login|log_in|logon|authenticate|sign_?in)[ \t]*\([ \t]*(?:[A-Za-z_]+[ \t]*=[ \t]*)?("[^"\r\n]+"|'[^'\r\n]+')[ \t]*,[ \t]*(?:[A-Za-z_]+[ \t]*=[ \t]*)?("[^"\r\n]*"|'[^'\r\n]*')"#,
    secret_group: &[2],
    class: Class::Generic,
    applies: Some(super::free_text),
    check: Some(|c| keyword::password_value(c.secret())),
    examples: &[
        ex_at(
            "web/js/salesforce.js",
            "    conn.login('username@corp.io', 'salesforcepassword', function(err, res) {", // relman:allow
        ),
        ex_at("mail.py", "server.login(\"alerts@corp.io\", \"Qm7xP2k!9\")"),
    ],
    counter_examples: &[
        ex_at("mail.py", "server.login(user, password)"),
        ex_at("mail.py", "server.login('user', 'password')"),
        ex_at("mail.py", "server.login('user', '%s')"),
    ],
    ..Rule::BASE
};
