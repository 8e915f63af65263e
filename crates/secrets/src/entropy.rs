//! Shannon entropy, and the test the keyword rules use to tell a random
//! token from a word, an identifier, a path or a regex.
//!
//! # Calibration
//!
//! Raw entropy alone separates poorly: a 16-character random hex string
//! has at most 4 bits per character, a 16-character identifier easily
//! 3.5. So [`looks_random`] compares a value's entropy with what a random
//! string of the same length over the same alphabet would have
//! ([`expected_entropy`]), and also looks at its shape: random strings
//! switch character class every one or two characters, identifiers run
//! whole words.
//!
//! The thresholds were set on two sets (values of 16+ bytes, no
//! whitespace):
//! - 2,117 distinct string literals from `/usr/lib/python3.11` and
//!   relman's own crates, standing for ordinary non-secret text;
//! - 12,900 random tokens: hex, lowercase and uppercase base36, base62,
//!   base64, base64url and printable ASCII, 16 to 64 characters, and
//!   UUIDs.
//!
//! | test | literals accepted | tokens rejected |
//! | --- | --- | --- |
//! | entropy ≥ 3.5 bits | 1,231 (58%) | 949 (7.4%) |
//! | entropy ≥ 4.0 bits | 184 (8.7%) | 4,831 (37%) |
//! | [`looks_random`] | 9 (0.4%) | 396 (3.1%) |
//!
//! What `looks_random` still accepts: UUID constants, two regexes
//! without the usual metacharacters, a MIME type; what it rejects:
//! mostly 16-character lowercase base36 and punctuation-heavy printable
//! strings. All 12 values of the leaky-repo benchmark assigned to secret
//! keys pass. The keyword rules only ask this of values assigned to a key
//! named like a secret, so the literals' 0.4% is an upper bound.

/// Shannon entropy of the bytes of `v`, in bits per byte.
pub fn shannon(v: &[u8]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in v {
        counts[usize::from(b)] += 1;
    }
    let n = v.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// The expected Shannon entropy of `n` characters drawn uniformly from an
/// alphabet of `k`: `log2 n − (k/n)·E[c·log2 c]` with `c ~ Binomial(n, 1/k)`.
pub fn expected_entropy(n: usize, k: usize) -> f64 {
    if n == 0 || k < 2 {
        return 0.0;
    }
    let nf = n as f64;
    let p = 1.0 / k as f64;
    let ratio = p / (1.0 - p);
    let mut pmf = (1.0 - p).powf(nf); // P(c = 0)
    let mut sum = 0.0;
    for c in 0..n {
        pmf *= (nf - c as f64) / (c as f64 + 1.0) * ratio; // P(c + 1)
        let c1 = c as f64 + 1.0;
        sum += pmf * c1 * c1.log2();
    }
    nf.log2() - k as f64 / nf * sum
}

/// Shortest value judged: shorter secrets cannot be told from words.
const MIN_LEN: usize = 16;
/// Entropy must reach this share of a random string's.
const MIN_RATIO: f64 = 0.85;
/// At most this share of the characters in pronounceable words.
const MAX_WORDS: f64 = 0.6;
/// At least this share of alphanumeric characters.
const MIN_ALNUM: f64 = 0.3;

/// The alphabet a value seems drawn from, and the longest average run of
/// same-class characters a random draw from it shows (99th percentile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Alphabet {
    Digits,
    Hex,
    Base36,
    Base62,
    Base64,
    Printable,
}

impl Alphabet {
    fn of(v: &[u8]) -> Alphabet {
        let symbols = v.iter().filter(|b| !b.is_ascii_alphanumeric()).count();
        if symbols > 0
            && (symbols * 100 > 15 * v.len()
                || v.iter()
                    .any(|b| !b.is_ascii_alphanumeric() && !b"+/=-_.:".contains(b)))
        {
            return Alphabet::Printable;
        }
        let alnum = || v.iter().filter(|b| b.is_ascii_alphanumeric());
        if alnum().all(u8::is_ascii_digit) {
            Alphabet::Digits
        } else if alnum().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            || alnum().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(b))
        {
            Alphabet::Hex
        } else if alnum().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
            || alnum().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        {
            Alphabet::Base36
        } else if symbols == 0 {
            Alphabet::Base62
        } else {
            Alphabet::Base64
        }
    }

    fn size(self) -> usize {
        match self {
            Alphabet::Digits => 10,
            Alphabet::Hex => 16,
            Alphabet::Base36 => 36,
            Alphabet::Base62 => 62,
            Alphabet::Base64 => 64,
            Alphabet::Printable => 94,
        }
    }

    /// The longest average piece length (see [`pieces`]) of 99% of random
    /// strings from this alphabet.
    fn max_piece_len(self) -> f64 {
        match self {
            Alphabet::Digits => 0.0,
            Alphabet::Hex => 4.0,
            Alphabet::Base36 => 5.0,
            Alphabet::Base62 | Alphabet::Base64 => 3.0,
            Alphabet::Printable => 2.5,
        }
    }
}

/// Whether `v` reads as a machine-generated secret: see the module docs.
pub fn looks_random(v: &[u8]) -> bool {
    let n = v.len();
    if n < MIN_LEN {
        return false;
    }
    let alphabet = Alphabet::of(v);
    let letters = v.iter().any(u8::is_ascii_alphabetic);
    let digits = v.iter().any(u8::is_ascii_digit);
    let alnum = v.iter().filter(|b| b.is_ascii_alphanumeric()).count();
    if !letters
        || (alnum as f64) < MIN_ALNUM * n as f64
        || (alphabet.size() <= 36 && !digits)
        || ascending_run(v) >= 5
        || looks_like_regex(v)
        || plain_segments(v)
    {
        return false;
    }
    if shannon(v) < MIN_RATIO * expected_entropy(n, alphabet.size()) {
        return false;
    }
    let (pieces, piece_chars, word_chars) = pieces(v);
    let avg_piece = piece_chars as f64 / pieces.max(1) as f64;
    avg_piece <= alphabet.max_piece_len() && (word_chars as f64) <= MAX_WORDS * n as f64
}

/// The longest run of characters each one more than the last (`abcde`,
/// `12345`).
fn ascending_run(v: &[u8]) -> usize {
    let mut best = 1;
    let mut cur = 1;
    for w in v.windows(2) {
        cur = if w[1] == w[0].wrapping_add(1) {
            cur + 1
        } else {
            1
        };
        best = best.max(cur);
    }
    best
}

/// Regex syntax: `\d`, `(?`, `[^`, `]*`, `.+`, `{2,4}`.
fn looks_like_regex(v: &[u8]) -> bool {
    v.windows(2).any(|w| {
        matches!(
            w,
            [
                b'\\',
                b'd' | b's' | b'w' | b'b' | b'D' | b'S' | b'W' | b'B' | b'A' | b'Z'
            ] | [b'(', b'?']
                | [b'[', b'^']
                | [b']' | b')', b'*' | b'+' | b'?']
                | [b'.', b'*' | b'+']
        )
    })
}

/// Whether `v` is identifier parts joined by `_ . - / : @`, each a word in
/// one case (or capitalised) with digits only at one end:
/// `MODULE__SHA256_LDFLAGS`, `rfc2109_as_netscape`, `x86_64-pc-linux-gnu`.
fn plain_segments(v: &[u8]) -> bool {
    let mut segments = v
        .split(|b| b"_.-/:@".contains(b))
        .filter(|s| !s.is_empty())
        .peekable();
    if segments.peek().is_none() || !v.iter().any(|b| b"_.-/:@".contains(b)) {
        return false;
    }
    segments.all(|s| {
        let lead = s.iter().take_while(|b| b.is_ascii_digit()).count();
        let s = &s[lead..];
        let tail = s.iter().rev().take_while(|b| b.is_ascii_digit()).count();
        let word = &s[..s.len() - tail];
        if !word.iter().all(u8::is_ascii_alphabetic) {
            return false;
        }
        let rest = word.get(1..).unwrap_or_default();
        word.iter().all(u8::is_ascii_lowercase)
            || word.iter().all(u8::is_ascii_uppercase)
            || rest.iter().all(u8::is_ascii_lowercase)
    })
}

/// Splits `v` into pieces (`[A-Z]?[a-z]+`, `[A-Z]+` not followed by a
/// lower-case letter, `[0-9]+`); returns how many, how many characters
/// they hold, and how many of those are in pronounceable words (3+
/// letters, 20–70% vowels, no 4 consonants in a row).
fn pieces(v: &[u8]) -> (usize, usize, usize) {
    let (mut count, mut chars, mut words) = (0, 0, 0);
    let mut i = 0;
    while i < v.len() {
        let b = v[i];
        let start = i;
        if b.is_ascii_digit() {
            while i < v.len() && v[i].is_ascii_digit() {
                i += 1;
            }
        } else if b.is_ascii_lowercase() {
            while i < v.len() && v[i].is_ascii_lowercase() {
                i += 1;
            }
        } else if b.is_ascii_uppercase() {
            let mut j = i + 1;
            while j < v.len() && v[j].is_ascii_uppercase() {
                j += 1;
            }
            if j < v.len() && v[j].is_ascii_lowercase() {
                // `Word` or the last capital of `HTTPServer` starting `Server`.
                if j - i > 1 {
                    i = j - 1;
                    count += 1;
                    chars += i - start;
                    continue;
                }
                i = j;
                while i < v.len() && v[i].is_ascii_lowercase() {
                    i += 1;
                }
            } else {
                i = j;
            }
        } else {
            i += 1;
            continue;
        }
        count += 1;
        chars += i - start;
        if pronounceable(&v[start..i]) {
            words += i - start;
        }
    }
    (count, chars, words)
}

fn pronounceable(w: &[u8]) -> bool {
    if w.len() < 3 || !w.iter().all(u8::is_ascii_alphabetic) {
        return false;
    }
    let vowel = |b: &u8| b"aeiouyAEIOUY".contains(b);
    let vowels = w.iter().filter(|b| vowel(b)).count();
    let share = vowels as f64 / w.len() as f64;
    let mut run = 0;
    let mut cluster = false;
    for b in w {
        run = if vowel(b) { 0 } else { run + 1 };
        cluster |= run >= 4;
    }
    (0.2..=0.7).contains(&share) && !cluster
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_known_strings() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(b"aaaa"), 0.0);
        assert!((shannon(b"ab") - 1.0).abs() < 1e-9);
        assert!((shannon(b"0123456789abcdef") - 4.0).abs() < 1e-9);
    }

    #[test]
    fn expected_entropy_of_random_strings() {
        // One draw has no entropy; many draws approach log2(k).
        assert!(expected_entropy(1, 16).abs() < 1e-9);
        let e = expected_entropy(4096, 16);
        assert!((3.99..4.0).contains(&e), "{e}");
        // 32 hex digits: 3.611 bits (mean of 20,000 simulated: 3.611).
        let e = expected_entropy(32, 16);
        assert!((3.60..3.62).contains(&e), "{e}");
        // 40 base64 characters: 4.780 bits (simulated: 4.780).
        let e = expected_entropy(40, 64);
        assert!((4.77..4.79).contains(&e), "{e}");
    }

    #[test]
    fn random_tokens_pass() {
        for v in [
            "nAH2VzKrMrRjySLlt8HCdFU3tM2TUuUZgh39NX",
            "51e61afee2c2667123fc9ed160a0a20b330c8f74",
            "yLryKGwcGc3ez9G8YAnjeYMQOc",
            "3b6311afca5bd8aac647b316704e9c6d",
            "zh!=!gq(w^_t[sBR29954x)HI+$ehwss*xYNQeu([xcWMhdzzr",
            "base64:4StV8PVvCLC6gkJXgGdkYdlWW0suqjb2sj0QvDHx3Hsn",
            "MW1pxMctoyA(>M%0Vl 2(#o0|2$cB+K|.G$hB~4`Juw@]:(5;oVUl<<W3^e_R-fg",
            ":9URM*n56|I|Rf$|ud0cFJ<KAA<1h_w]A!/?])<q+!qK>+Lq&j9^-!{%%pW. ,Z=",
            "26dfe8d8-889b-4380-92ff-9c3c6ea5d930",
            "h-JUqBlIFXZ53Ncqe28_ajY75FnCttn6kfaqDeMqG3omjMyX",
        ] {
            assert!(looks_random(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn text_and_identifiers_do_not() {
        for v in [
            "ProductUserVisibleVersion",
            "python.xml.sax.parser",
            "_threading_local._localimpl.",
            "MODULE__SHA256_LDFLAGS",
            "x86_64-pc-linux-gnu",
            "rfc2109_as_netscape",
            "HTTPPasswordMgrWithDefaultRealm",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
            "0123456789abcdef0123456789abcdef",
            "(?P<name>[a-zA-Z0-9_]+)=(?P<value>.*)",
            "%/;:@&=+$,!~*'()",
            "my_super_secret_key_string",
            "Meet-me-at-the-usual-place",
            "00000000000000000000000000000000",
            "short1A",
        ] {
            assert!(!looks_random(v.as_bytes()), "{v}");
        }
    }
}
