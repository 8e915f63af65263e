//! What the two keyword rules (`password-assignment`,
//! `secret-assignment`) share: the shape of an assignment, and how a key's
//! name and a value are judged.
//!
//! An assignment is one of
//! - a quoted key: `"password": "…"`, `"token" => "…"`;
//! - a quoted key and a quoted value as a call's first two arguments:
//!   `define('DB_PASSWORD', '…')`, `setenv("TOKEN", "…")`;
//! - a bare key: `password = …`, `DB_PASSWORD=…`, `password: …`,
//!   `$dbpasswd = '…'`, `spring.datasource.password=…`, `--password=…`;
//! - an XML element: `<Pass>…</Pass>`, `<password>…</password>`.
//!
//! The regexes only find the shape; the key's words and the value decide.

use crate::base64;
use crate::entropy;
use crate::file::FileKind;
use crate::filter;
use crate::rule::Candidate;

/// The regex of a keyword rule for the keyword alternation `kw`.
/// Groups: 1/2 quoted key and value, 3/4 call arguments, 5/6 bare key
/// and value, 7/8 XML element.
macro_rules! assignment_regex {
    ($kw:literal) => {
        concat!(
            r#"(?i)["']([A-Za-z0-9_.\-$@]*"#,
            $kw,
            r#"[A-Za-z0-9_.\-]*)["'][ \t]*(?:=>|:=|=|:)[ \t]*("[^"\r\n]*"|'[^'\r\n]*'|[^\s"'`,;&<>]+)"#,
            r#"|\([ \t]*["']([A-Za-z0-9_.\-$@]*"#,
            $kw,
            r#"[A-Za-z0-9_.\-]*)["'][ \t]*,[ \t]*("[^"\r\n]*"|'[^'\r\n]*')"#,
            r#"|(?:^|[^A-Za-z0-9_.\-$@"'])([A-Za-z0-9_.\-$@]*"#,
            $kw,
            r#"[A-Za-z0-9_.\-]*)[ \t]*(?:=>|:=|\?=|=|:)[ \t]*("[^"\r\n]*"|'[^'\r\n]*'|`[^`\r\n]*`|[^\s"'`,;&<>]+)"#,
            r#"|<([A-Za-z0-9_:.\-]*"#,
            $kw,
            r#"[A-Za-z0-9_:.\-]*)(?:\s[^>\r\n]*)?>([^<\r\n]+)</"#
        )
    };
}
pub(crate) use assignment_regex;

/// The value groups of [`assignment_regex`], in order.
pub(crate) const VALUE_GROUPS: &[usize] = &[2, 4, 6, 8];
const KEY_GROUPS: &[usize] = &[1, 3, 5, 7];
const XML_VALUE: usize = 8;

/// What a key's name says its value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Password,
    Secret,
}

/// Words that, anywhere in a key, make it about something other than the
/// secret's value: `public_key`, `password_hint`, `token_pattern`.
const NOT_A_VALUE_ANYWHERE: &[&str] = &[
    "public",
    "pub",
    "example",
    "sample",
    "dummy",
    "fake",
    "mock",
    "placeholder",
    "hint",
    "prompt",
    "regex",
    "regexp",
    "pattern",
    "validator",
    "validators",
    "validation",
    "policy",
    "length",
    "hash",
    "hashed",
    "digest",
    "checksum",
    "integrity",
    "fingerprint",
    "sha",
    "sha1",
    "sha256",
    "md5",
    "commit",
    "csrf",
    "xsrf",
    "next",
    "page",
    "cursor",
    "continuation",
    "primary",
    "foreign",
    "partition",
    "sort",
    "cache",
    "lookup",
    "reset",
    "forgot",
    "expiry",
    "expires",
    "expiration",
    "lifetime",
];

/// Words that, last in a key, make it name something about the secret
/// rather than hold it: `password_file`, `token_url`, `api_key_id`.
const NOT_A_VALUE_LAST: &[&str] = &[
    "id",
    "ids",
    "name",
    "names",
    "field",
    "fields",
    "label",
    "file",
    "files",
    "filename",
    "path",
    "paths",
    "dir",
    "url",
    "uri",
    "urls",
    "endpoint",
    "host",
    "type",
    "types",
    "kind",
    "format",
    "fmt",
    "mode",
    "method",
    "methods",
    "enabled",
    "enable",
    "disabled",
    "required",
    "count",
    "timeout",
    "ttl",
    "env",
    "var",
    "vars",
    "header",
    "headers",
    "param",
    "params",
    "class",
    "module",
    "handler",
    "backend",
    "algorithm",
    "alg",
    "version",
    "style",
    "location",
    "ref",
    "store",
    "manager",
    "provider",
    "service",
    "source",
    "usage",
    "help",
    "description",
    "desc",
    "message",
    "msg",
    "text",
    "title",
    "input",
    "button",
    "btn",
    "check",
    "checker",
    "valid",
    "error",
    "errors",
    "visible",
    "hidden",
    "len",
    "size",
    "min",
    "max",
    "index",
    "idx",
    "attr",
    "attribute",
    "property",
    "prop",
    "option",
    "options",
    "arn",
    "region",
    "user",
    "username",
    "login",
    "email",
    "account",
    "prefix",
    "suffix",
    "separator",
    "delimiter",
    "char",
    "chars",
    "list",
    "map",
    "dict",
    "set",
    "bits",
    "command",
    "cmd",
    "script",
    "callback",
    "policy",
    "rotation",
    "status",
    "state",
    "level",
    "changed",
    "changes",
    "entered",
];

/// The words of a key: split on punctuation and camelCase, lower-cased.
fn words(key: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let bytes: Vec<u8> = key.to_vec();
    for (i, &b) in bytes.iter().enumerate() {
        if !b.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| bytes[j]);
        let next = bytes.get(i + 1).copied();
        let boundary = b.is_ascii_uppercase()
            && !cur.is_empty()
            && (prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(|p| p.is_ascii_uppercase())
                    && next.is_some_and(|n| n.is_ascii_lowercase())));
        if boundary {
            out.push(std::mem::take(&mut cur));
        }
        cur.push(char::from(b.to_ascii_lowercase()));
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Which kind of secret a key's name says it holds, if any.
pub(crate) fn key_kind(key: &[u8]) -> Option<KeyKind> {
    let words = words(key);
    let last = words.last()?;
    if words
        .iter()
        .any(|w| NOT_A_VALUE_ANYWHERE.contains(&w.as_str()))
        || NOT_A_VALUE_LAST.contains(&last.as_str())
    {
        return None;
    }
    let password = |w: &str| {
        ["password", "passwd", "passphrase", "passcode", "pwd"]
            .iter()
            .any(|p| w.contains(p))
            || (w.ends_with("pass") && !["bypass", "compass", "surpass", "trespass"].contains(&w))
    };
    let secret = |w: &str| {
        [
            "secret",
            "token",
            "credential",
            "apikey",
            "privatekey",
            "accesskey",
            "authkey",
        ]
        .iter()
        .any(|p| w.contains(p))
            || ["auth", "key", "salt", "pat"].contains(&w)
    };
    // `pass` and `pw` alone are common words (`needless_pass_by_value`,
    // `compile-pass.rs`): they name a password only last (`IRC_PASS`).
    let short = |w: &str| w == "pass" || w == "pw";
    if words.iter().any(|w| password(w) && !short(w)) || short(last) {
        Some(KeyKind::Password)
    } else if words.iter().any(|w| secret(w)) {
        Some(KeyKind::Secret)
    } else {
        None
    }
}

/// The checks both keyword rules make before judging the value by the
/// key's kind: returns the key's kind when the match may be a secret.
pub(crate) fn assignment(c: &Candidate<'_>) -> Option<KeyKind> {
    let key = c.first_group(KEY_GROUPS)?;
    let kind = key_kind(key)?;
    let value = c.secret();
    let xml = c.group(XML_VALUE).is_some();
    // In program source a bare word after `password =` is code.
    if !c.quoted() && !xml && c.file().kind == FileKind::Source {
        return None;
    }
    // A bare value is the whole rest of the line (or a comment follows):
    // `password: the one you chose` is prose. Command-line flags
    // (`--password=…`) are followed by more arguments.
    if !c.quoted() && !xml && !key.starts_with(b"-") {
        let rest = c.after(VALUE_GROUPS).trim_ascii_start();
        let ends = rest.is_empty()
            || rest.starts_with(b"#")
            || rest.starts_with(b"//")
            || [b';', b',', b'}', b']', b')', b'&'].contains(&rest[0]);
        if !ends {
            return None;
        }
    }
    let trimmed = value.trim_ascii();
    let key_name = bare_name(key);
    if trimmed.is_empty()
        || filter::common_word(trimmed)
        || trimmed.eq_ignore_ascii_case(key_name)
        || looks_like_path(trimmed)
        || memchr::memmem::find(trimmed, b"://").is_some()
    {
        return None;
    }
    Some(kind)
}

/// Whether a value assigned to a password key reads as a password: not a
/// word from documentation, no spaces (prose), at least 4 characters.
pub(crate) fn password_value(v: &[u8]) -> bool {
    let v = v.trim_ascii();
    v.len() >= 4
        && v.iter().any(u8::is_ascii_alphanumeric)
        && !v.iter().any(u8::is_ascii_whitespace)
        && !filter::common_word(v)
        && !filter::not_a_secret(v)
        && !encodes_a_word(v)
}

/// Whether `v` is base64 for a word or placeholder (`cGFzc3dvcmQ=` is
/// `password`), as in Kubernetes Secret templates.
fn encodes_a_word(v: &[u8]) -> bool {
    v.len() >= 8
        && base64::decode(v).is_some_and(|d| {
            let d = d.trim_ascii();
            d.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
                && (filter::common_word(d) || filter::not_a_secret(d))
        })
}

/// Whether a value assigned to a secret key reads as a machine-made
/// secret: long enough, random-looking, not a sentence.
pub(crate) fn secret_value(v: &[u8]) -> bool {
    let v = v.trim_ascii();
    let spaces = v.iter().filter(|b| b.is_ascii_whitespace()).count();
    v.len() >= 8 && spaces * 20 <= v.len() && entropy::looks_random(v) && !encodes_a_word(v)
}

/// `/etc/x`, `./x`, `~/x`, `C:\x`.
fn looks_like_path(v: &[u8]) -> bool {
    v.starts_with(b"/")
        || v.starts_with(b"./")
        || v.starts_with(b"../")
        || v.starts_with(b"~/")
        || (v.len() > 2 && v[0].is_ascii_alphabetic() && v[1] == b':' && v[2] == b'\\')
}

/// A key without `$`, `@` or `-` in front (`$dbpasswd`, `--password`).
fn bare_name(key: &[u8]) -> &[u8] {
    let start = key
        .iter()
        .position(|b| !matches!(b, b'$' | b'@' | b'-'))
        .unwrap_or(key.len());
    &key[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_keys_into_words() {
        assert_eq!(words(b"DB_PASSWORD"), ["db", "password"]);
        assert_eq!(words(b"encryptedPassword"), ["encrypted", "password"]);
        assert_eq!(words(b"APIKey"), ["api", "key"]);
        assert_eq!(
            words(b"spring.datasource.password"),
            ["spring", "datasource", "password"]
        );
        assert_eq!(words(b"$dbpasswd"), ["dbpasswd"]);
        assert_eq!(words(b"sshUserPassword"), ["ssh", "user", "password"]);
    }

    #[test]
    fn key_kinds() {
        use KeyKind::*;
        for (key, kind) in [
            ("password", Some(Password)),
            ("DB_PASSWORD", Some(Password)),
            ("$dbpasswd", Some(Password)),
            ("IRC_PASS", Some(Password)),
            ("sshPassphrase", Some(Password)),
            ("AUTH_KEY", Some(Secret)),
            ("NONCE_SALT", Some(Secret)),
            ("oauth_token", Some(Secret)),
            ("HEROKU_API_KEY", Some(Secret)),
            ("secret_key_base", Some(Secret)),
            ("apiKey", Some(Secret)),
            ("bypass", None),
            ("needless_pass_by_value", None),
            ("late-compile-pass.rs", None),
            ("db_pass", Some(Password)),
            ("author", None),
            ("passwordField", None),
            ("password_file", None),
            ("api_key_id", None),
            ("AWS_ACCESS_KEY_ID", None),
            ("public_key", None),
            ("token_url", None),
            ("next_token", None),
            ("keyboard", None),
            ("monkey", None),
        ] {
            assert_eq!(key_kind(key.as_bytes()), kind, "{key}");
        }
    }
}
