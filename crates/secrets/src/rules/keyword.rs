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

/// The regex of a keyword rule for the keyword alternation `kw`. A bare
/// (unquoted) value holds no brackets and must end its line, or be
/// followed by a comment or a separator (`,` `;` `&` `)` `]` `}`):
/// `password: the one you chose` is prose, `key = items.get(k)` and
/// `pwd.o: $(srcdir)/pwd.c` are code.
///
/// Groups: quoted key 1, value 2 (quoted) or 3 (bare); call arguments:
/// key 4, value 5; bare key 6, value 7 (quoted) or 8 (bare); XML element
/// 9, 10 (never bare); command-line flag (`--password=…`, any value) 11, 12.
macro_rules! assignment_regex {
    ($kw:literal) => {
        concat!(
            r#"(?i)["']([A-Za-z0-9_.\-$@]*"#,
            $kw,
            r#"[A-Za-z0-9_.\-]*)["'][ \t]*(?:=>|:=|=|:)[ \t]*(?:("[^"\r\n]*"|'[^'\r\n]*')|([^\s"'`,;&<>(){}\[\]]+)[ \t]*(?:$|\r|#|//|[,;&)\]}]))"#,
            r#"|\([ \t]*["']([A-Za-z0-9_.\-$@]*"#,
            $kw,
            r#"[A-Za-z0-9_.\-]*)["'][ \t]*,[ \t]*("[^"\r\n]*"|'[^'\r\n]*')"#,
            r#"|(?:^|[^A-Za-z0-9_.\-$@"'])([A-Za-z0-9_.$@][A-Za-z0-9_.\-$@]*"#,
            $kw,
            r#"[A-Za-z0-9_.\-]*|"#,
            $kw,
            r#"[A-Za-z0-9_.\-]*)[ \t]*(?:=>|:=|\?=|=|:)[ \t]*(?:("[^"\r\n]*"|'[^'\r\n]*'|`[^`\r\n]*`)|([^\s"'`,;&<>(){}\[\]]+)[ \t]*(?:$|\r|#|//|[,;&)\]}]))"#,
            r#"|<([A-Za-z0-9_:.\-]*"#,
            $kw,
            r#"[A-Za-z0-9_:.\-]*)(?:\s[^>\r\n]*)?>([^<\r\n]+)</"#,
            r#"|(?:^|\s)(--?[A-Za-z0-9_.\-]*"#,
            $kw,
            r#"[A-Za-z0-9_.\-]*)=("[^"\r\n]*"|'[^'\r\n]*'|[^\s"'`]+)"#
        )
    };
}
pub(crate) use assignment_regex;

/// The value groups of [`assignment_regex`], in order.
pub(crate) const VALUE_GROUPS: &[usize] = &[2, 3, 5, 7, 8, 10, 12];
const KEY_GROUPS: &[usize] = &[1, 4, 6, 9, 11];
const BARE_VALUES: &[usize] = &[3, 8];
const FLAG_VALUE: usize = 12;

/// What a key's name says its value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Password,
    Secret,
}

/// Words that (sorted), anywhere in a key, make it about something other than the
/// secret's value: `public_key`, `password_hint`, `token_pattern`.
const NOT_A_VALUE_ANYWHERE: &[&str] = &[
    "cache",
    "checksum",
    "commit",
    "continuation",
    "csrf",
    "cursor",
    "digest",
    "dummy",
    "example",
    "expiration",
    "expires",
    "expiry",
    "fake",
    "fingerprint",
    "foreign",
    "forgot",
    "hash",
    "hashed",
    "hint",
    "integrity",
    "length",
    "lifetime",
    "lookup",
    "md5",
    "mock",
    "next",
    "page",
    "partition",
    "pattern",
    "placeholder",
    "policy",
    "primary",
    "prompt",
    "pub",
    "public",
    "regex",
    "regexp",
    "reset",
    "sample",
    "sha",
    "sha1",
    "sha256",
    "sort",
    "validation",
    "validator",
    "validators",
    "xsrf",
];

/// Words that (sorted), last in a key, make it name something about the secret
/// rather than hold it: `password_file`, `token_url`, `api_key_id`.
const NOT_A_VALUE_LAST: &[&str] = &[
    "account",
    "alg",
    "algorithm",
    "arn",
    "attr",
    "attribute",
    "backend",
    "bits",
    "btn",
    "button",
    "callback",
    "changed",
    "changes",
    "char",
    "chars",
    "check",
    "checker",
    "class",
    "cmd",
    "command",
    "count",
    "delimiter",
    "desc",
    "description",
    "dict",
    "dir",
    "disabled",
    "email",
    "enable",
    "enabled",
    "endpoint",
    "entered",
    "env",
    "error",
    "errors",
    "field",
    "fields",
    "file",
    "filename",
    "files",
    "fmt",
    "format",
    "handler",
    "header",
    "headers",
    "help",
    "hidden",
    "host",
    "id",
    "ids",
    "idx",
    "index",
    "input",
    "kind",
    "label",
    "len",
    "level",
    "list",
    "location",
    "login",
    "manager",
    "map",
    "max",
    "message",
    "method",
    "methods",
    "min",
    "mode",
    "module",
    "msg",
    "name",
    "names",
    "option",
    "options",
    "param",
    "params",
    "path",
    "paths",
    "policy",
    "prefix",
    "prop",
    "property",
    "provider",
    "ref",
    "region",
    "required",
    "rotation",
    "script",
    "separator",
    "service",
    "set",
    "size",
    "source",
    "state",
    "status",
    "store",
    "style",
    "suffix",
    "text",
    "timeout",
    "title",
    "ttl",
    "type",
    "types",
    "uri",
    "url",
    "urls",
    "usage",
    "user",
    "username",
    "valid",
    "var",
    "vars",
    "version",
    "visible",
];

/// At most this many words of a key are looked at (the last ones).
const MAX_WORDS: usize = 16;

/// The words of a key, split on punctuation and camelCase, lower-cased
/// into `buf`: the last [`MAX_WORDS`] as ranges of `buf`.
fn words<'b>(key: &[u8], buf: &'b mut [u8; 128]) -> Words<'b> {
    let key = &key[key.len().saturating_sub(buf.len())..];
    let mut ranges = [(0u8, 0u8); MAX_WORDS];
    let mut count = 0usize;
    let mut start: Option<usize> = None;
    let mut push = |s: usize, e: usize, count: &mut usize| {
        ranges[*count % MAX_WORDS] = (s as u8, e as u8);
        *count += 1;
    };
    for (i, &b) in key.iter().enumerate() {
        buf[i] = b.to_ascii_lowercase();
        if !b.is_ascii_alphanumeric() {
            if let Some(s) = start.take() {
                push(s, i, &mut count);
            }
            continue;
        }
        let prev = i.checked_sub(1).map(|j| key[j]);
        let next = key.get(i + 1).copied();
        let boundary = b.is_ascii_uppercase()
            && start.is_some()
            && (prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(|p| p.is_ascii_uppercase())
                    && next.is_some_and(|n| n.is_ascii_lowercase())));
        if boundary && let Some(s) = start.take() {
            push(s, i, &mut count);
        }
        start.get_or_insert(i);
    }
    if let Some(s) = start {
        push(s, key.len(), &mut count);
    }
    // The last MAX_WORDS, oldest first.
    let kept = count.min(MAX_WORDS);
    let first = count - kept;
    let mut ordered = [(0u8, 0u8); MAX_WORDS];
    for (k, slot) in ordered.iter_mut().take(kept).enumerate() {
        *slot = ranges[(first + k) % MAX_WORDS];
    }
    Words {
        buf,
        ranges: ordered,
        len: kept,
    }
}

struct Words<'b> {
    buf: &'b [u8; 128],
    ranges: [(u8, u8); MAX_WORDS],
    len: usize,
}

impl Words<'_> {
    fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.ranges[..self.len].iter().map(|&(s, e)| {
            std::str::from_utf8(&self.buf[usize::from(s)..usize::from(e)]).unwrap_or_default()
        })
    }

    fn last(&self) -> Option<&str> {
        self.iter().last()
    }
}

/// Which kind of secret a key's name says it holds, if any.
pub(crate) fn key_kind(key: &[u8]) -> Option<KeyKind> {
    let mut buf = [0u8; 128];
    let words = words(key, &mut buf);
    let last = words.last()?;
    if words
        .iter()
        .any(|w| NOT_A_VALUE_ANYWHERE.binary_search(&w).is_ok())
        || NOT_A_VALUE_LAST.binary_search(&last).is_ok()
    {
        return None;
    }
    let password = |w: &str| {
        ["password", "passwd", "passphrase", "passcode"]
            .iter()
            .any(|p| w.contains(p))
            || w.ends_with("pwd")
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
    } else if words.iter().any(secret) {
        Some(KeyKind::Secret)
    } else {
        None
    }
}

/// The keyword rules' screen: the key at the start of a match (after a
/// quote, `(`, `<`, a space or the character before the key) must name a
/// password or a secret.
pub(crate) fn screen(matched: &[u8]) -> Option<KeyKind> {
    let key_byte = |b: &u8| b.is_ascii_alphanumeric() || b"_.-$@".contains(b);
    let start = matched.iter().position(key_byte)?;
    let len = matched[start..].iter().take_while(|b| key_byte(b)).count();
    key_kind(&matched[start..start + len])
}

/// The checks both keyword rules make before judging the value by the
/// key's kind: returns the key's kind when the match may be a secret.
pub(crate) fn assignment(c: &Candidate<'_>) -> Option<KeyKind> {
    let key = c.first_group(KEY_GROUPS)?;
    let kind = key_kind(key)?;
    let value = c.secret();
    let bare = BARE_VALUES.iter().any(|&g| c.group(g).is_some())
        || (c.group(FLAG_VALUE).is_some() && !c.quoted());
    // In program source a bare word after `password =` is code.
    if bare && c.file().kind == FileKind::Source {
        return None;
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
    v.len() >= 8
        && spaces * 20 <= v.len()
        && !relative_file_path(v)
        && entropy::looks_random(v)
        && !encodes_a_word(v)
}

/// `platform/k8s-prod.tfstate`, `certs/tls.key`: folders of plain names
/// ending in a file with an extension. Base64 holds `/` too, but not a
/// final segment with a short alphabetic extension after plain names.
fn relative_file_path(v: &[u8]) -> bool {
    let Some(slash) = v.iter().rposition(|&b| b == b'/') else {
        return false;
    };
    let plain = |s: &[u8]| {
        !s.is_empty()
            && s.iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    let file = &v[slash + 1..];
    let ext = file
        .iter()
        .rposition(|&b| b == b'.')
        .map(|i| &file[i + 1..]);
    v[..slash].split(|&b| b == b'/').all(plain)
        && plain(file)
        && ext.is_some_and(|e| (1..=8).contains(&e.len()) && e.iter().all(u8::is_ascii_alphabetic))
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

    fn split(key: &str) -> Vec<String> {
        let mut buf = [0u8; 128];
        words(key.as_bytes(), &mut buf)
            .iter()
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn word_lists_are_sorted_for_binary_search() {
        for list in [NOT_A_VALUE_ANYWHERE, NOT_A_VALUE_LAST] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }

    #[test]
    fn splits_keys_into_words() {
        assert_eq!(split("DB_PASSWORD"), ["db", "password"]);
        assert_eq!(split("encryptedPassword"), ["encrypted", "password"]);
        assert_eq!(split("APIKey"), ["api", "key"]);
        assert_eq!(
            split("spring.datasource.password"),
            ["spring", "datasource", "password"]
        );
        assert_eq!(split("$dbpasswd"), ["dbpasswd"]);
        assert_eq!(split("sshUserPassword"), ["ssh", "user", "password"]);
        assert_eq!(split(""), Vec::<String>::new());
        // Long keys: the last 16 words of the last 128 bytes.
        let long = "a_".repeat(100) + "password";
        let w = split(&long);
        assert_eq!(w.len(), 16);
        assert_eq!(w.last().map(String::as_str), Some("password"));
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
            ("DB_PWD", Some(Password)),
            ("adminpwd", Some(Password)),
            ("pwdmodule.o", None),
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
