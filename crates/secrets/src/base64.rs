//! A small, forgiving base64 decoder (standard or URL-safe alphabet,
//! padding optional) for the rules that look inside encoded values: JWT
//! headers, Docker `auth` fields, Kubernetes Secret `data:`.

/// The decoded bytes, or `None` when `v` is not base64.
pub fn decode(v: &[u8]) -> Option<Vec<u8>> {
    let v = v.trim_ascii();
    let v = v
        .strip_suffix(b"==")
        .or_else(|| v.strip_suffix(b"="))
        .unwrap_or(v);
    if v.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(v.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in v {
        let d = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(d);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_both_alphabets_with_or_without_padding() {
        assert_eq!(
            decode(b"YWRtaW46YWRtaW4=").as_deref(),
            Some(&b"admin:admin"[..])
        );
        assert_eq!(
            decode(b"YWRtaW46YWRtaW4").as_deref(),
            Some(&b"admin:admin"[..])
        );
        assert_eq!(
            decode(b"eyJhbGciOiJIUzI1NiJ9").as_deref(),
            Some(&br#"{"alg":"HS256"}"#[..])
        );
        assert_eq!(decode(b"-_8").as_deref(), Some(&[0xfb, 0xff][..]));
        assert_eq!(decode(b"").as_deref(), Some(&[][..]));
        assert_eq!(decode(b"not base64!"), None);
        assert_eq!(decode(b"abcde"), None);
    }
}
