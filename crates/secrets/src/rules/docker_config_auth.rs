use crate::base64;
use crate::rule::{Candidate, Class, Rule, ex_at};

/// A registry credential in a Docker client config (`config.json`,
/// `.dockercfg`) or Kubernetes `.dockerconfigjson`: `auth` is
/// base64(`user:password`), `identitytoken` a refresh token.
pub static RULE: Rule = Rule {
    id: "docker-config-auth",
    description: "Container registry credential",
    keywords: &["\"auth\"", "\"identitytoken\""],
    regex: r#"(?i)"(auth|identitytoken)"[ \t]*:[ \t]*"([A-Za-z0-9+/=_\-.]{12,})""#,
    secret_group: &[2],
    class: Class::Format,
    check: Some(check),
    examples: &[ex_at(
        ".docker/config.json",
        "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"ZGVwbG95OnNOT0JBR3g1ZGlGb05QY2JkYUt3dGdIdw==\"}}}",
    )],
    counter_examples: &[
        ex_at(
            ".docker/config.json",
            "{\"auths\": {\"ghcr.io\": {\"auth\": \"${REGISTRY_AUTH}\"}}}",
        ),
        ex_at("package.json", "{\"auth\": \"passport-local-strategy\"}"),
    ],
    ..Rule::BASE
};

/// `auth` must decode to `user:password` with a password.
fn check(c: &Candidate<'_>) -> bool {
    if c.group(1)
        .is_some_and(|k| k.eq_ignore_ascii_case(b"identitytoken"))
    {
        return true;
    }
    base64::decode(c.secret())
        .is_some_and(|d| memchr::memchr(b':', &d).is_some_and(|i| i > 0 && i + 1 < d.len()))
}
