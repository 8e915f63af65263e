//! What the two URL rules share: the password part of `user:password@host`.

use crate::filter;
use crate::rule::Candidate;

/// Groups of the URL rules' regexes.
pub(crate) const USER: usize = 1;
pub(crate) const HOST: usize = 3;

/// 12 characters or more, of at least three classes (lower case, upper
/// case, digits, symbols): what password generators give, and what
/// documentation (`secret`, `s3cr3t`, `mypassword123`) does not.
fn machine_made(pass: &[u8]) -> bool {
    let classes = [
        pass.iter().any(u8::is_ascii_lowercase),
        pass.iter().any(u8::is_ascii_uppercase),
        pass.iter().any(u8::is_ascii_digit),
        pass.iter().any(|b| !b.is_ascii_alphanumeric()),
    ];
    pass.len() >= 12 && classes.iter().filter(|&&c| c).count() >= 3
}

/// The password must be 4 characters or more, not a word, the user name, a
/// port, or meant for a
/// documentation host (`example.com`, `.test`, `.invalid`).
pub(crate) fn check(c: &Candidate<'_>) -> bool {
    let pass = c.secret();
    let user = c.group(USER).unwrap_or_default();
    let host = c.group(HOST).unwrap_or_default().to_ascii_lowercase();
    let documentation_host = ["example.com", "example.org", "example.net"]
        .iter()
        .any(|d| host == d.as_bytes() || host.ends_with(format!(".{d}").as_bytes()))
        || [".example", ".test", ".invalid"]
            .iter()
            .any(|t| host.ends_with(t.as_bytes()));
    !(pass.len() < 4
        || filter::common_word(pass)
        || pass.eq_ignore_ascii_case(user)
        || (pass.len() <= 5 && pass.iter().all(u8::is_ascii_digit))
        || (documentation_host && !machine_made(pass)))
}
