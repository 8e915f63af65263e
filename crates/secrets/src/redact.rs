//! The only two forms in which a secret leaves the scanner: a redacted
//! string a person can recognise, and a hash that tells two findings of
//! the same secret apart from two different ones.

use sha2::{Digest, Sha256};

/// At most 4 leading characters, `…`, at most 2 trailing characters, and
/// never more than a quarter of the secret's characters in all: a 40-char
/// key shows `AKIA…LE`, a 16-char one `AKIA…`, an 8-char password `hu…`,
/// anything under 4 chars only `…`. Bytes that are not UTF-8 count as one
/// character each and show as `�`.
pub fn redact(secret: &[u8]) -> String {
    let text = String::from_utf8_lossy(secret);
    let chars: Vec<char> = text.chars().collect();
    let budget = chars.len() / 4;
    let lead = budget.min(4);
    let trail = (budget - lead).min(2);
    let mut out = String::with_capacity(lead + trail + 3);
    out.extend(&chars[..lead]);
    out.push('…');
    out.extend(&chars[chars.len() - trail..]);
    out
}

/// `sha256:` and the first 16 hex digits of the SHA-256 of the secret's
/// bytes: the same secret in two files has the same hash.
pub fn hash(secret: &[u8]) -> String {
    let digest = Sha256::digest(secret);
    let mut out = String::with_capacity(7 + 16);
    out.push_str("sha256:");
    for b in &digest[..8] {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_at_most_a_quarter() {
        assert_eq!(redact(b"abc"), "…");
        assert_eq!(redact(b"abcdefg"), "a…");
        assert_eq!(redact(b"hunter22"), "hu…");
        assert_eq!(redact(b"0123456789ab"), "012…");
        assert_eq!(redact(b"0123456789abcdef"), "0123…");
        assert_eq!(redact(b"0123456789abcdefghij"), "0123…j");
        assert_eq!(
            redact(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzzzz"),
            "wJal…zz"
        );
        assert_eq!(redact(b""), "…");
        for len in 0..80 {
            let secret: String = (0..len)
                .map(|i| char::from(b'a' + (i % 26) as u8))
                .collect();
            let shown = redact(secret.as_bytes()).chars().count() - 1;
            assert!(shown * 4 <= len, "{len} chars, {shown} shown");
            assert!(shown <= 6);
        }
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert_eq!(redact("ééééééééé".as_bytes()), "éé…");
        assert_eq!(redact(b"\xff\xfeabcdef"), "\u{fffd}\u{fffd}…");
    }

    #[test]
    fn hash_is_stable_and_short() {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a3...
        assert_eq!(hash(b"abc"), "sha256:ba7816bf8f01cfea");
        assert_eq!(hash(b"abc"), hash(b"abc"));
        assert_ne!(hash(b"abc"), hash(b"abd"));
        assert_eq!(hash(b"").len(), "sha256:".len() + 16);
    }
}
