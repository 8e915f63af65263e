use super::keyword::{self, KeyKind, VALUE_GROUPS, assignment_regex};
use crate::rule::{Candidate, Class, Rule, ex, ex_at};

/// A random-looking value assigned to a key whose name says secret, token,
/// key, salt, credential or auth (`SECRET_KEY`, `api_key`, `oauth_token`,
/// `AUTH_SALT`, `client_secret`). The value must pass the entropy test
/// calibrated in `entropy.rs`: identifiers, words and sentences do not.
pub static RULE: Rule = Rule {
    id: "secret-assignment",
    description: "Secret assigned in a file",
    keywords: &["secret", "token", "key", "auth", "credential", "salt"],
    regex: assignment_regex!("(?:secret|token|key|auth|credential|salt)"),
    secret_group: VALUE_GROUPS,
    class: Class::Generic,
    applies: Some(super::free_text),
    screen: Some(|m| keyword::screen(m) == Some(KeyKind::Secret)),
    check: Some(check),
    examples: &[
        ex_at(
            "settings.py",
            "SECRET_KEY = 'zh!=!gq(w^_t[sBR29954x)HI+$ehwss*xYNQeu([xcWMhdzzr'",
        ),
        ex_at(
            "hub",
            "  oauth_token: \"7f9cc25de23d1a255720b0ae4551f4044d600f46\"",
        ),
        ex_at(
            "cloud/heroku.json",
            "      \"HEROKU_API_KEY\": \"7a2f9a4289e530bef6dbf31f4cbf63d5\"",
        ),
        ex_at(
            "wp-config.php",
            "define('NONCE_SALT',       ':9URM*n56|I|Rf$|ud0cFJ<KAA<1h_w]A!/?])<q+!qK>+Lq&j9^-!{%%pW. ,Z=');", // relman:allow
        ),
        ex_at(
            ".env",
            "APP_KEY=base64:4StV8PVvCLC6gkJXgGdkYdlWW0suqjb2sj0QvDHx3Hsn",
        ),
        ex_at(
            "secrets.yml",
            "  secret_key_base: e0ec946fcefea5ce0d4d924f3c8db11dffeb7d10b320a69133c47a9641ab7d20",
        ),
        ex_at("app.js", "const apiKey = \"Hq7Zk2Lm9Xw4Tr8Np3Vb6Yc1\";"),
    ],
    counter_examples: &[
        ex("secret_key: my_secret_key"),
        ex("api_key: ${API_KEY}"),
        ex("token: none"),
        ex_at("app.py", "token = tokenize.generate_tokens(readline)"),
        ex_at("app.py", "key = 'HKEY_LOCAL_MACHINE'"),
        ex_at("app.py", "sort_key = \"created_at_desc_then_name\""),
        ex("public_key: AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"),
        ex("AWS_ACCESS_KEY_ID=yLryKGwcGc3ez9G8YAnjeYMQOc"),
        ex("integrity: sha512-Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4"),
        ex("cache_key = 4f9a8c7e6d5b4a39281706f5e4d3c2b1"),
        ex_at("main.tf", "    key    = \"platform/k8s-prod.tfstate\""),
        ex("next_token: AQICAHhJ2pQ0mYx8fKzLv3R7tW9bN1cE5sG6"),
        ex("secret_message = \"Meet me at the usual place tomorrow\""),
        ex_at(
            "Cargo.lock",
            "checksum = \"b3bd2d7e5f4e2ac3c6a2d1b5c8a9e0f7d6c5b4a3928170f6e5d4c3b2a1908f7e\"",
        ),
    ],
    ..Rule::BASE
};

fn check(c: &Candidate<'_>) -> bool {
    keyword::assignment(c) == Some(KeyKind::Secret) && keyword::secret_value(c.secret())
}
