use crate::base64;
use crate::filter;
use crate::rule::{Candidate, Class, Rule, ex, ex_at};

/// A bearer token or basic-auth credential written into an HTTP
/// `Authorization` header: in curl commands, HTTP client configs, request
/// fixtures.
pub static RULE: Rule = Rule {
    id: "authorization-header",
    description: "Credential in an Authorization header",
    keywords: &["authorization"],
    regex: r#"(?i)authorization["']?[ \t]*[:=][ \t]*["']?(bearer|basic|token)[ \t]+([A-Za-z0-9_\-.~+/]{8,}=*)"#,
    secret_group: &[2],
    class: Class::Format,
    min_entropy: Some(3.0),
    check: Some(check),
    examples: &[
        ex_at(
            "scripts/sync.sh",
            "curl -H \"Authorization: Bearer 5misIZHbhS4_FvafhdZxEuhnbzs0z1wNiMg9aW37\" https://api.corp.io", // relman:allow
        ),
        ex_at(
            "client.yaml",
            "headers:\n  Authorization: Basic ZGVwbG95OnNOT0JBR3g1ZGlGb05Q", // relman:allow
        ),
    ],
    counter_examples: &[
        ex("curl -H \"Authorization: Bearer $TOKEN\" https://api.corp.io"),
        ex("Authorization: Bearer <token>"),
        ex("Authorization: Basic dXNlcjpwYXNzd29yZA=="),
    ],
    ..Rule::BASE
};

/// A basic credential must decode to `user:password` with a password
/// that is not a word.
fn check(c: &Candidate<'_>) -> bool {
    if !c.group(1).is_some_and(|s| s.eq_ignore_ascii_case(b"basic")) {
        return c.secret().len() >= 12;
    }
    base64::decode(c.secret()).is_some_and(|d| match memchr::memchr(b':', &d) {
        Some(i) => {
            let pass = &d[i + 1..];
            !pass.is_empty() && !filter::common_word(pass) && !filter::not_a_secret(pass)
        }
        None => false,
    })
}
