use crate::filter;
use crate::rule::{Candidate, Class, Rule, ex_at};

/// Credentials in an `.npmrc` (or `.yarnrc`): `_authToken=`, `_auth=`
/// (base64 of `user:password`) and `_password=`, for the default
/// registry or a scoped one (`//registry.example/:_authToken=…`).
pub static RULE: Rule = Rule {
    id: "npmrc-auth",
    description: "npm registry credential",
    keywords: &["_authToken", "_auth", "_password"],
    regex: r#"(?i)(?:^|[\s:/])(?:_authToken|_auth|_password)[ \t]*[=:][ \t]*("[^"\r\n]*"|'[^'\r\n]*'|[^\s#;"']+)"#,
    class: Class::Format,
    check: Some(check),
    examples: &[
        ex_at(
            ".npmrc",
            "//registry.npmjs.org/:_authToken=26dfe8d8-889b-4380-92ff-9c3c6ea5d930", // relman:allow
        ),
        ex_at(".npmrc", "_auth = YWRtaW46c2VjcmV0MTIz"),
        ex_at(
            ".yarnrc.yml",
            "npmAuthToken: x\n//npm.corp.local/:_password=\"c2VjcmV0MTIz\"",
        ),
    ],
    counter_examples: &[
        ex_at(".npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}"),
        ex_at(".npmrc", "_auth=<base64 of user:password>"),
        ex_at("README.md", "set _authToken in your .npmrc"),
    ],
    ..Rule::BASE
};

fn check(c: &Candidate<'_>) -> bool {
    !filter::common_word(c.secret()) && c.secret().len() >= 8
}
