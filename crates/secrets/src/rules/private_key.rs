use crate::rule::{Candidate, Example, Rule, Scope, ex, ex_at};

/// A PEM-armoured private key: PKCS#1 (`RSA`), SEC1 (`EC`), `DSA`, PKCS#8
/// (plain and `ENCRYPTED`), OpenSSH's format and PGP key blocks. The
/// secret is the key's body; the finding points at the `BEGIN` line.
/// Public keys and certificates are other blocks, never matched.
pub static RULE: Rule = Rule {
    id: "private-key",
    description: "Private key",
    keywords: &["PRIVATE KEY"],
    case_sensitive: true,
    regex: r"-----BEGIN[ A-Z0-9]{0,24}PRIVATE KEY(?: BLOCK)?-----((?:[^-]|-[^-])*?)-----END[ A-Z0-9]{0,24}PRIVATE KEY(?: BLOCK)?-----",
    scope: Scope::Block {
        max: 64 * 1024,
        until: b"-----END",
    },
    check: Some(check),
    examples: EXAMPLES,
    counter_examples: COUNTER_EXAMPLES,
    ..Rule::BASE
};

/// A key's body is lines of base64: runs of 16+ base64 characters must
/// hold at least 64 characters and four fifths of the text (spaces,
/// quotes and backslashes aside, so keys written as string literals with
/// `\n` escapes count). A marker in code with a placeholder or code
/// between `BEGIN` and `END` does not.
fn check(c: &Candidate<'_>) -> bool {
    let body = c.secret();
    let base64 = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
    let long: usize = body
        .split(|b| !base64(b))
        .filter(|run| run.len() >= 16)
        .map(<[u8]>::len)
        .sum();
    let text = body
        .iter()
        .filter(|b| !b.is_ascii_whitespace() && !matches!(b, b'"' | b'\'' | b'\\'))
        .count();
    long >= 64 && long * 5 >= text * 4
}

const EXAMPLES: &[Example] = &[
    ex_at(
        ".ssh/id_rsa",
        concat!(
            "-----BEGIN RSA PRIVATE",
            " KEY-----\n",
            "MIIEogIBAAKCAQEAt1x8Rz0ZK2lW9mH4bQy6cJf3vN8aPq0sTd5uVw7XyZ1A2B3C\n",
            "4D5E6F7G8H9I0J1K2L3M4N5O6P7Q8R9S0T1U2V3W4X5Y6Z7a8b9c0d1e2f3g4h5i\n",
            "6j7k8l9m0n1o2p3q4r5s6t7u8v9w0x1y2z3+4/5A6B7C8D9E0F1G2H3I4J5K6L7M\n",
            "-----END RSA PRIVATE",
            " KEY-----\n"
        ),
    ),
    ex_at(
        "deploy/key.pem",
        concat!(
            "-----BEGIN OPENSSH PRIVATE",
            " KEY-----\r\n",
            "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\r\n",
            "QyNTUxOQAAACDk3Gq8Zr2Yx5pQ7wT1nV0bL4mF6sJ9hK3cR8eA2uD5yAAAAJgQ2a7FENmu\r\n",
            "-----END OPENSSH PRIVATE",
            " KEY-----\r\n"
        ),
    ),
    ex_at(
        "src/tls.rs",
        concat!(
            "const KEY: &str = \"-----BEGIN ENCRYPTED PRIVATE",
            " KEY-----\\n",
            "MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQIx7Rz0ZK2lW9mH4bQy6cJf3vN8aPq0sTd5uVw7XyZ1A2B3C\\n",
            "-----END ENCRYPTED PRIVATE",
            " KEY-----\";"
        ),
    ),
    ex(concat!(
        "-----BEGIN EC PRIVATE",
        " KEY-----\n",
        "MHcCAQEEIBq8Zr2Yx5pQ7wT1nV0bL4mF6sJ9hK3cR8eA2uD5yAAAoAoGCCqGSM49AwEHoUQDQgAE\n",
        "-----END EC PRIVATE",
        " KEY-----"
    )),
];

const COUNTER_EXAMPLES: &[Example] = &[
    ex_at(
        "tls.py",
        "_BEGIN = \"-----BEGIN RSA PRIVATE KEY-----\"\n_END = \"-----END RSA PRIVATE KEY-----\"",
    ),
    ex("-----BEGIN PRIVATE KEY-----\n<your key here>\n-----END PRIVATE KEY-----"),
    ex("-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----"),
    ex_at(
        "cert.pem",
        concat!(
            "-----BEGIN CERTIFICATE-----\n",
            "MIIEogIBAAKCAQEAt1x8Rz0ZK2lW9mH4bQy6cJf3vN8aPq0sTd5uVw7XyZ1A2B3C\n",
            "-----END CERTIFICATE-----"
        ),
    ),
    ex_at(
        "key.pub",
        concat!(
            "-----BEGIN PUBLIC KEY-----\n",
            "MIIEogIBAAKCAQEAt1x8Rz0ZK2lW9mH4bQy6cJf3vN8aPq0sTd5uVw7XyZ1A2B3C\n",
            "-----END PUBLIC KEY-----"
        ),
    ),
];

#[cfg(test)]
mod tests {

    const BODY: &str = concat!(
        "MIIEogIBAAKCAQEAt1x8Rz0ZK2lW9mH4bQy6cJf3vN8aPq0sTd5uVw7XyZ1A2B3C\n",
        "4D5E6F7G8H9I0J1K2L3M4N5O6P7Q8R9S0T1U2V3W4X5Y6Z7a8b9c0d1e2f3g4h5i\n",
        "6j7k8l9m0n1o2p3q4r5s6t7u8v9w0x1y2z3+4/5A6B7C8D9E0F1G2H3I4J5K6L7M\n",
    );

    #[test]
    fn the_finding_points_at_the_begin_line_and_hashes_the_body() {
        let text = format!(
            "# deploy key\n-----BEGIN RSA PRIVATE{}KEY-----\n{}-----END RSA PRIVATE KEY-----\n",
            " ", BODY
        );
        let found = crate::test_scanner().scan("id_rsa", text.as_bytes());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].line, found[0].column), (2, 1));
        assert_eq!(
            found[0].hash,
            crate::redact::hash(BODY.trim_ascii().as_bytes())
        );
    }
}
