use crate::base64;
use crate::filter::contains_ci;
use crate::rule::{Candidate, Rule, ex};

/// A signed JSON Web Token: three base64url parts, the first a JSON header
/// naming its algorithm. Session and API tokens are often JWTs, and many
/// live for months.
pub static RULE: Rule = Rule {
    id: "jwt",
    description: "JSON Web Token",
    keywords: &["eyJ"],
    case_sensitive: true,
    regex: r"\b(eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,})",
    check: Some(check),
    examples: &[ex(concat!(
        "Authorization token: eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9",
        ".eyJzdWIiOiAiNDcxMSIsICJuYW1lIjogIkFkYSBMb3ZlbGFjZSIsICJpYXQiOiAxNzAwMDAwMDAwfQ.zesPQTG_EOabVlxFVfX0nQtDv7ewUexGTAC4wZjqzqI"
    ))],
    counter_examples: &[
        // The token shown on jwt.io.
        ex(
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        ),
        // A header that is not JSON.
        ex("eyJub3QganNvbg.eyJzdWIiOiAiNDcxMSJ9.zesPQTG_EOabVlxFVfX0nQ"),
    ],
    ..Rule::BASE
};

/// The header must decode to a JSON object naming `alg`.
fn check(c: &Candidate<'_>) -> bool {
    let secret = c.secret();
    let header = secret.split(|&b| b == b'.').next().unwrap_or_default();
    base64::decode(header)
        .is_some_and(|h| h.trim_ascii_start().starts_with(b"{") && contains_ci(&h, b"\"alg\""))
}
