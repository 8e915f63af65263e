//! Values that look like secrets but are not: documentation examples,
//! placeholders, references to where the real secret is kept, digests and
//! public keys. Every rule's matches pass through [`not_a_secret`]; the
//! keyword rules also drop [`common_word`]s.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

/// Markers of a documentation example or a value to be filled in (ASCII
/// case ignored), anywhere in the value.
const EXAMPLE_MARKERS: &[&[u8]] = &[
    b"example",
    b"sample",
    b"dummy",
    b"changeme",
    b"change_me",
    b"change-me",
    b"changeit",
    b"xxxx",
    b"your_",
    b"your-",
    b"yourpass",
    b"yoursecret",
    b"yourtoken",
    b"yourkey",
    b"placeholder",
    b"redacted",
    b"replace_me",
    b"replace-me",
    b"replaceme",
    b"insert_",
    b"insert-",
    b"fake",
    b"****",
    b"...",
    "\u{2026}".as_bytes(),
];

/// Prefixes (ASCII case ignored) of a reference to a secret kept
/// elsewhere: environment lookups, secret managers, Kubernetes refs.
const REFERENCE_PREFIXES: &[&[u8]] = &[
    b"os.environ",
    b"os.getenv",
    b"getenv(",
    b"env(",
    b"env[",
    b"env.",
    b"process.env",
    b"import.meta.env",
    b"system.getenv",
    b"environment.getenvironmentvariable",
    b"std::env",
    b"secretkeyref",
    b"valuefrom",
    b"vault:",
    b"vault(",
    b"!vault",
    b"arn:aws:secretsmanager:",
    b"arn:aws:ssm:",
    b"arn:aws:kms:",
    b"secretsmanager:",
    b"ssm:",
    b"sm://",
    b"ref+",
    b"!ref",
    b"!sub",
    b"!getatt",
    b"!importvalue",
    b"file:",
    b"keyring:",
    b"op://",
    b"akv://",
    b"gcp-secret:",
    b"projects/",
    b"secrets.",
    b"credentials(",
    b"var.",
    b"local.",
    b"module.",
    b"data.",
];

/// Prefixes (ASCII case ignored) of a digest: a hash of public content.
const DIGEST_PREFIXES: &[&[u8]] = &[
    b"sha1:",
    b"sha1-",
    b"sha224:",
    b"sha256:",
    b"sha256-",
    b"sha384:",
    b"sha384-",
    b"sha512:",
    b"sha512-",
    b"md5:",
    b"md5-",
    b"blake2b:",
    b"blake3:",
    b"h1:",
];

/// Prefixes of a public key or certificate.
const PUBLIC_KEY_PREFIXES: &[&[u8]] = &[
    b"ssh-rsa ",
    b"ssh-dss ",
    b"ssh-ed25519 ",
    b"ssh-ed448 ",
    b"ecdsa-sha2-",
    b"sk-ssh-",
    b"sk-ecdsa-",
    b"-----BEGIN PUBLIC KEY",
    b"-----BEGIN RSA PUBLIC KEY",
    b"-----BEGIN CERTIFICATE",
    b"-----BEGIN PGP PUBLIC",
    b"-----BEGIN SSH2 PUBLIC",
    b"AAAAB3NzaC1",
    b"AAAAC3NzaC1",
    b"AAAAE2VjZHNh",
];

/// Whole values that are a word, not a secret: what keyword rules find
/// in documentation and tests (`password: password`, `token: none`).
const COMMON_WORDS: &[&[u8]] = &[
    b"password",
    b"passwd",
    b"pass",
    b"pwd",
    b"passphrase",
    b"secret",
    b"secrets",
    b"token",
    b"apikey",
    b"api_key",
    b"api-key",
    b"key",
    b"auth",
    b"credential",
    b"credentials",
    b"none",
    b"null",
    b"nil",
    b"undefined",
    b"true",
    b"false",
    b"yes",
    b"no",
    b"on",
    b"off",
    b"required",
    b"optional",
    b"empty",
    b"blank",
    b"default",
    b"string",
    b"str",
    b"text",
    b"value",
    b"hidden",
    b"masked",
    b"unknown",
    b"unset",
    b"n/a",
    b"tbd",
    b"todo",
    b"fixme",
    b"user",
    b"username",
    b"test",
    b"testing",
    b"foo",
    b"bar",
    b"baz",
    b"foobar",
    b"abc",
    b"abcd",
    b"1234",
    b"12345",
    b"123456",
    b"bearer",
    b"basic",
    b"oauth",
    b"private",
    b"public",
    b"env",
    b"prompt",
    // RFC 7617's example user's password.
    b"opensesame",
];

/// Secrets published on purpose, for local development and documentation:
/// the Azure storage emulator's account key, Stripe's documentation test
/// key, the JWT on jwt.io.
const PUBLISHED: &[&[u8]] = &[
    b"Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
    b"sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
];

/// Whether `v` contains `needle`, ASCII case ignored.
pub(crate) fn contains_ci(v: &[u8], needle: &[u8]) -> bool {
    needle.len() <= v.len()
        && v.windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
}

fn starts_with_ci(v: &[u8], prefix: &[u8]) -> bool {
    v.len() >= prefix.len() && v[..prefix.len()].eq_ignore_ascii_case(prefix)
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A documentation example: `AKIAIOSFODNN7EXAMPLE`, `your_token_here`,
/// `<password>`, `sk_live_...`, `****`.
pub fn is_example(v: &[u8]) -> bool {
    static MARKERS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(EXAMPLE_MARKERS)
            .expect("a few short literals build")
    });
    if PUBLISHED.contains(&v) || MARKERS.is_match(v) {
        return true;
    }
    // `<password>`, `<your token>`: an angle-bracketed name.
    let mut rest = v;
    while let Some(open) = memchr::memchr(b'<', rest) {
        let after = &rest[open + 1..];
        let name_len = after
            .iter()
            .take_while(|&&b| is_ident_byte(b) || b == b' ' || b == b'-' || b == b'.')
            .count();
        if name_len >= 3
            && after.get(name_len) == Some(&b'>')
            && after[0].is_ascii_alphabetic()
            && after[name_len - 1] != b' '
        {
            return true;
        }
        rest = after;
    }
    false
}

/// A template placeholder: `${VAR}`, `$VAR`, `{{ .Values.x }}`,
/// `%(name)s`, `#{var}`, `<%= x %>`, `{name}`, `@VAR@`, `__VAR__`.
pub fn is_placeholder(v: &[u8]) -> bool {
    // Template expressions anywhere in the value, opener and closer both
    // present with an expression between (not just punctuation that a
    // random string happens to hold).
    let expr = |b: u8| is_ident_byte(b) || b" .:-|'\"()[]/,$=".contains(&b);
    for (open, close) in [
        (&b"${"[..], &b"}"[..]),
        (b"{{", b"}}"),
        (b"#{", b"}"),
        (b"<%", b"%>"),
        (b"%(", b")"),
        (b"$(", b")"),
        (b"((", b"))"),
    ] {
        if enclosed(v, open, close, expr) {
            return true;
        }
    }
    // `$VAR`, `$1`, `@VAR@`, `%VAR%`, `{name}`, `__VAR__` as the whole value.
    let ident = |s: &[u8]| !s.is_empty() && s.iter().all(|&b| is_ident_byte(b));
    if let Some(rest) = v.strip_prefix(b"$")
        && ident(rest)
    {
        return true;
    }
    for (open, close) in [(b'@', b'@'), (b'%', b'%'), (b'{', b'}'), (b'[', b']')] {
        if v.len() >= 3 && v[0] == open && v[v.len() - 1] == close && ident(&v[1..v.len() - 1]) {
            return true;
        }
    }
    if v.len() > 4 && v.starts_with(b"__") && v.ends_with(b"__") && ident(v) {
        return true;
    }
    format_only(v)
}

/// A format string with nothing but conversions and punctuation:
/// `%s`, `%s:%s`, `{}:{}`, `{0}@{1}`, `%(user)s:%(password)s`.
fn format_only(v: &[u8]) -> bool {
    let mut conversions = 0;
    let mut i = 0;
    while i < v.len() {
        match v[i] {
            b'%' => {
                let mut j = i + 1;
                if v.get(j) == Some(&b'(') {
                    match memchr::memchr(b')', &v[j..]) {
                        Some(k) => j += k + 1,
                        None => return false,
                    }
                }
                while j < v.len() && b"-+ #0123456789.".contains(&v[j]) {
                    j += 1;
                }
                if j < v.len() && b"sdifxXrvqeEgGcoubp".contains(&v[j]) {
                    conversions += 1;
                    i = j + 1;
                    continue;
                }
                i += 1;
            }
            b'{' => match memchr::memchr(b'}', &v[i..]) {
                Some(k)
                    if v[i + 1..i + k]
                        .iter()
                        .all(|&b| is_ident_byte(b) || b == b':') =>
                {
                    conversions += 1;
                    i += k + 1;
                }
                _ => return false,
            },
            b if b.is_ascii_alphanumeric() => return false,
            _ => i += 1,
        }
    }
    conversions > 0
}

/// Whether `v` holds `open`, then at least one byte all accepted by `inner`
/// and holding a letter, then `close`.
fn enclosed(v: &[u8], open: &[u8], close: &[u8], inner: impl Fn(u8) -> bool) -> bool {
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&v[from..], open) {
        let body = &v[from + at + open.len()..];
        let len = body
            .iter()
            .take_while(|&&b| inner(b) && !close.starts_with(&[b]))
            .count();
        if len > 0
            && body[len..].starts_with(close)
            && body[..len].iter().any(u8::is_ascii_alphanumeric)
        {
            return true;
        }
        from += at + 1;
    }
    false
}

/// A reference to where the secret really is: `os.environ["X"]`,
/// `process.env.X`, `vault:secret/data/x`, `arn:aws:secretsmanager:…`,
/// `valueFrom`, or a bare `ALL_CAPS_NAME` naming a variable.
pub fn is_reference(v: &[u8]) -> bool {
    if REFERENCE_PREFIXES.iter().any(|p| starts_with_ci(v, p)) {
        return true;
    }
    if contains_ci(v, b"secretkeyref") || contains_ci(v, b"{{resolve:") {
        return true;
    }
    // `DB_PASSWORD`: upper-case words joined by underscores.
    v.len() >= 3
        && v[0].is_ascii_uppercase()
        && v.contains(&b'_')
        && v.iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// A digest of public content: `sha256:…`, `sha512-…` (lockfile
/// integrity), `h1:…` (go.sum).
pub fn is_digest(v: &[u8]) -> bool {
    DIGEST_PREFIXES.iter().any(|p| starts_with_ci(v, p))
}

/// A public key or certificate.
pub fn is_public_key(v: &[u8]) -> bool {
    PUBLIC_KEY_PREFIXES.iter().any(|p| v.starts_with(p))
}

/// Everything above: a value no rule reports.
pub fn not_a_secret(v: &[u8]) -> bool {
    v.is_empty()
        || is_example(v)
        || is_placeholder(v)
        || is_reference(v)
        || is_digest(v)
        || is_public_key(v)
}

/// A word written where a secret goes in documentation and tests:
/// `password`, `none`, `true`, `test`, `12345`; or one character repeated.
pub fn common_word(v: &[u8]) -> bool {
    COMMON_WORDS.iter().any(|w| w.eq_ignore_ascii_case(v)) || v.iter().all(|&b| b == v[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documentation_examples() {
        for v in [
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "my-sample-token",
            "dummy-pass",
            "changeme",
            "xxxxxxxxxxxxxxxx",
            "your_api_key_here",
            "<password>",
            "<your token>",
            "sk_live_...",
            "ghp_\u{2026}",
            "********",
        ] {
            assert!(is_example(v.as_bytes()), "{v}");
            assert!(not_a_secret(v.as_bytes()), "{v}");
        }
        for v in [
            "hunter22",
            "a<b>c",
            "List<T>",
            "x < y > z",
            "tp8glkbm<<W3^e_R-fg",
        ] {
            assert!(!is_example(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn placeholders() {
        for v in [
            "${DB_PASSWORD}",
            "$DB_PASSWORD",
            "$1",
            "{{ .Values.password }}",
            "{{password}}",
            "%(password)s",
            "#{password}",
            "<%= ENV['X'] %>",
            "{password}",
            "@DB_PASSWORD@",
            "%DB_PASSWORD%",
            "__PASSWORD__",
            "%s",
            "%s:%s",
            "{}:{}",
            "%(user)s:%(password)s",
            "$(cat /run/secrets/db)",
        ] {
            assert!(is_placeholder(v.as_bytes()), "{v}");
        }
        for v in [
            "$apr1$tp8glkbm$fjg65tI1eipoBh62aEjIy0", // relman:allow
            "zh!=!gq(w^_t[sBR2",
            "Ed&1cr+{3T$a+{[8LP~i5-[|Z`x-V>;Di_C/E~UnSg{n[h#{D[-t>yIUZ8YqSu3t",
            "p$ssword",
            "%%",
            "100%sure",
            "{x}y",
        ] {
            assert!(!is_placeholder(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn references() {
        for v in [
            "os.environ['DB_PASSWORD']",
            "os.getenv(\"TOKEN\")",
            "process.env.API_KEY",
            "ENV['SECRET']",
            "ENV.fetch('SECRET')",
            "secretKeyRef",
            "valueFrom:",
            "vault:secret/data/db#password",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf",
            "DB_PASSWORD",
            "System.getenv(\"X\")",
        ] {
            assert!(is_reference(v.as_bytes()), "{v}");
        }
        for v in ["hunter22", "Password1", "A_b", "AB"] {
            assert!(!is_reference(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn digests_and_public_keys() {
        assert!(is_digest(
            b"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        ));
        assert!(is_digest(b"sha512-Zm9vYmFy"));
        assert!(is_digest(b"h1:abc="));
        assert!(!is_digest(b"shadow"));
        assert!(is_public_key(
            b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA user@host"
        ));
        assert!(is_public_key(b"-----BEGIN CERTIFICATE-----"));
        assert!(!is_public_key(b"-----BEGIN RSA PRIVATE KEY-----"));
    }

    #[test]
    fn common_words() {
        for v in ["password", "PASSWORD", "None", "true", "12345", "aaaaaaa"] {
            assert!(common_word(v.as_bytes()), "{v}");
        }
        for v in ["password123", "admin", "hunter22"] {
            assert!(!common_word(v.as_bytes()), "{v}");
        }
    }
}
