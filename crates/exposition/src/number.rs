//! Numbers as the two formats spell them.
//!
//! Both formats take the same values: a decimal floating-point number
//! (`1`, `-1.5`, `.5`, `1.`, `1e-3`, `0001`), or `NaN`, `Inf`, `+Inf`,
//! `-Inf`, `Infinity`, matched without regard to case, with no sign on NaN.
//! That is the OpenMetrics ABNF, and what Go's `strconv.ParseFloat` accepts
//! once the Prometheus parsers have ruled out hexadecimal and `_`.

/// A sample or exemplar value.
#[inline]
pub(crate) fn parse_value(s: &str) -> Option<f64> {
    simple_decimal(s.as_bytes()).or_else(|| parse_value_slow(s))
}

#[cold]
fn parse_value_slow(s: &str) -> Option<f64> {
    if is_decimal(s.as_bytes()) {
        return s.parse().ok();
    }
    special(s)
}

/// Powers of ten that are exact in an `f64`.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The value of `[+-]? digits [. digits]` (or `. digits`) when it converts
/// exactly the way `str::parse` does: at most 19 digits, a mantissa of at
/// most 2^53 and at most 22 digits after the point. Then the mantissa and
/// the power of ten are both exact in an `f64`, and one correctly rounded
/// division gives the correctly rounded result (Clinger's fast path, which
/// `str::parse` takes too). Anything else is `None`, for the general parser.
#[inline(always)]
pub(crate) fn simple_decimal(b: &[u8]) -> Option<f64> {
    let (negative, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let n = digits.len();
    if n > 20 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut i = 0;
    while i < n {
        let d = digits[i].wrapping_sub(b'0');
        if d >= 10 {
            break;
        }
        // Twenty digits may wrap; they are refused below.
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
        i += 1;
    }
    let mut fraction = 0;
    if i < n {
        if digits[i] != b'.' {
            return None;
        }
        i += 1;
        while i < n {
            let d = digits[i].wrapping_sub(b'0');
            if d >= 10 {
                return None;
            }
            // At most 19 digits in 20 bytes with the point: no wrapping.
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
            i += 1;
            fraction += 1;
        }
        if n == 1 {
            return None; // a lone `.`
        }
    } else if n > 19 {
        return None; // twenty digits, which may have wrapped
    }
    if n == 0 || mantissa > 1 << 53 || fraction >= POW10.len() {
        return None;
    }
    let v = mantissa as f64;
    let v = if fraction == 0 {
        v
    } else {
        v / POW10[fraction]
    };
    Some(if negative { -v } else { v })
}

/// A value of one to seven digits at the start of `b`, ended by a space
/// or a newline, and its length: what most counter and bucket values look
/// like. Eight bytes are read at once (`b` must have them) and converted
/// without a loop (the digit-combining multiplications of `simdjson` and
/// `fast_float`). Anything else is `None`, for [`parse_value`].
#[inline(always)]
pub(crate) fn short_integer(b: &[u8]) -> Option<(f64, usize)> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    let word: [u8; 8] = b.get(..8)?.try_into().ok()?;
    let w = u64::from_le_bytes(word);
    // A byte is a digit when its high nibble is 3 and adding 6 keeps it so.
    // (A carry out of a byte of 0xfa or more can only spoil the bytes after
    // it, which come after the first non-digit.)
    let nibbles = (w & (0xf0 * LOW)) | ((w.wrapping_add(6 * LOW) & (0xf0 * LOW)) >> 4);
    let other = nibbles ^ (0x33 * LOW);
    // The high bit of each byte of `other` that is not zero: a non-digit.
    let flagged = (((other & (0x7f * LOW)) + 0x7f * LOW) | other) & (0x80 * LOW);
    let n = (flagged.trailing_zeros() / 8) as usize;
    if n == 0 || n == 8 || !matches!(b[n], b' ' | b'\n') {
        return None;
    }
    // The digits to the top of the word, behind `0`s; then pairs, fours
    // and eights of digits combined.
    let shift = 8 * (8 - n as u32);
    let digits = (w << shift) | (u64::from_le_bytes(*b"00000000") >> (64 - shift));
    let v = (digits & (0x0f * LOW)).wrapping_mul(2561) >> 8;
    let v = (v & 0x00ff_00ff_00ff_00ff).wrapping_mul(6_553_601) >> 16;
    let v = (v & 0x0000_ffff_0000_ffff).wrapping_mul(42_949_672_960_001) >> 32;
    Some((v as f64, n))
}

/// NaN and the infinities.
fn special(s: &str) -> Option<f64> {
    if s.eq_ignore_ascii_case("nan") {
        return Some(f64::NAN);
    }
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    if rest.eq_ignore_ascii_case("inf") || rest.eq_ignore_ascii_case("infinity") {
        Some(if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        })
    } else {
        None
    }
}

/// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
fn is_decimal(b: &[u8]) -> bool {
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i = 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// An OpenMetrics timestamp: a finite decimal number of seconds.
pub(crate) fn parse_om_timestamp(s: &str) -> Option<f64> {
    if !is_decimal(s.as_bytes()) {
        return None;
    }
    s.parse::<f64>().ok().filter(|t| t.is_finite())
}

/// A text-format timestamp: integer milliseconds (a signed 64-bit integer,
/// as Prometheus reads it), returned in seconds.
pub(crate) fn parse_ms_timestamp(s: &str) -> Option<f64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<i64>().ok().map(|ms| ms as f64 / 1000.0)
}

/// An `le` or `quantile` label value. OpenMetrics (`strict`) takes a decimal
/// number or exactly `+Inf` / `-Inf`; otherwise any spelling of a value is
/// read, as Prometheus does. NaN is never a bound.
pub(crate) fn parse_bound(s: &str, strict: bool) -> Option<f64> {
    let v = if strict {
        match simple_decimal(s.as_bytes()) {
            Some(v) => v,
            None if s == "+Inf" => f64::INFINITY,
            None if s == "-Inf" => f64::NEG_INFINITY,
            None if is_decimal(s.as_bytes()) => s.parse().ok()?,
            None => return None,
        }
    } else {
        parse_value(s)?
    };
    (!v.is_nan()).then_some(v)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// `parse_value` must give exactly what `str::parse` gives, bit for bit,
    /// whichever path it takes.
    fn assert_as_std(s: &str) {
        let expected = s.parse::<f64>().ok().map(f64::to_bits);
        if is_decimal(s.as_bytes()) {
            assert_eq!(parse_value(s).map(f64::to_bits), expected, "{s:?}");
        }
        if let Some(v) = simple_decimal(s.as_bytes()) {
            assert_eq!(Some(v.to_bits()), expected, "{s:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 20_000,
            // A failure is kept as a unit test, not in a regressions file.
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn decimals_read_as_std_does(s in "[+-]?[0-9]{0,22}(\\.[0-9]{0,22})?") {
            assert_as_std(&s);
        }

        #[test]
        fn written_floats_read_back_as_std_does(bits in any::<u64>(), digits in 0usize..20) {
            let v = f64::from_bits(bits);
            for s in [v.to_string(), format!("{v:.digits$}"), format!("{v:e}")] {
                assert_as_std(&s);
            }
        }

        #[test]
        fn integers_read_as_std_does(n in any::<i64>(), zeros in 0usize..4) {
            let s = format!("{n}{}", "0".repeat(zeros));
            assert_as_std(&s);
            assert_as_std(&format!("{s}."));
            assert_as_std(&format!("{s}.{}", "0".repeat(zeros)));
        }
    }

    #[test]
    fn short_integers() {
        for (s, expected) in [
            ("1 xxxxxx", Some((1.0, 1))),
            ("0\nxxxxxx", Some((0.0, 1))),
            ("1234567 1", Some((1_234_567.0, 7))),
            ("0000001\n", Some((1.0, 7))),
            ("9999999 ", Some((9_999_999.0, 7))),
            ("12\nabcdef", Some((12.0, 2))),
            ("12345678 ", None), // eight digits: not short
            ("12.5 xxxx", None),
            ("12e3 xxxx", None),
            ("-1 xxxxxx", None),
            ("1\txxxxxx", None),
            ("1\n", None), // fewer than eight bytes to read
            (" 1 xxxxxx", None),
            ("1/ xxxxxx", None),
            ("1: xxxxxx", None),
            ("\u{ff}1 xxxxxx", None),
        ] {
            assert_eq!(short_integer(s.as_bytes()), expected, "{s:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn short_integers_read_as_std_does(bytes in prop::collection::vec(any::<u8>(), 8..12)) {
            if let Some((v, n)) = short_integer(&bytes) {
                let text = std::str::from_utf8(&bytes[..n]).expect("digits");
                prop_assert_eq!(Some(v.to_bits()), text.parse::<f64>().ok().map(f64::to_bits));
                prop_assert!(bytes[..n].iter().all(u8::is_ascii_digit));
                prop_assert!(matches!(bytes[n], b' ' | b'\n'));
            }
        }

        #[test]
        fn short_integers_are_found(n in 0u32..10_000_000, zeros in 0usize..7, end in prop::sample::select(vec![b' ', b'\n'])) {
            let text = format!("{}{n}", "0".repeat(zeros));
            let mut bytes = text.clone().into_bytes();
            bytes.push(end);
            bytes.extend_from_slice(b"abcdefgh");
            let expected = (text.len() < 8).then_some((f64::from(n), text.len()));
            prop_assert_eq!(short_integer(&bytes), expected);
        }
    }

    #[test]
    fn the_fast_path_edges() {
        for s in [
            "9007199254740992", // 2^53
            "9007199254740993", // 2^53 + 1, not exact
            "900719925474099.3",
            "0.9007199254740993",
            "1.0000000000000000000001",
            "12345678901234567890", // 20 digits
            "1234567890123456789",
            "0.0000000000000000000001",
            "0.00000000000000000000001",
            "-0",
            "-0.0",
            "+0.",
            "0.1",
            "0.3",
            "2.675",
            "1e22",
            "4.35",
            "9000.3507031204963",
            "29760369798726550",
            "2976036979872655.0",
        ] {
            assert_as_std(s);
        }
        assert_eq!(
            simple_decimal(b"-0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        for s in [
            "",
            ".",
            "-",
            "+",
            "-.",
            "1.2.3",
            "1e3",
            "0x1",
            "1_0",
            "12345678901234567890",
        ] {
            assert_eq!(simple_decimal(s.as_bytes()), None, "{s:?}");
        }
    }

    #[test]
    fn values() {
        for (s, v) in [
            ("0", 0.0),
            ("1", 1.0),
            ("-1", -1.0),
            ("+1", 1.0),
            ("1.5", 1.5),
            (".5", 0.5),
            ("5.", 5.0),
            ("1e3", 1000.0),
            ("1E-3", 0.001),
            ("1.5e+3", 1500.0),
            ("0000000000000000000000000000000000000000001", 1.0),
            ("9223372036854775808", 9_223_372_036_854_775_808.0),
            ("+Inf", f64::INFINITY),
            ("Inf", f64::INFINITY),
            ("-Inf", f64::NEG_INFINITY),
            ("inf", f64::INFINITY),
            ("+infinity", f64::INFINITY),
            ("-INFINITY", f64::NEG_INFINITY),
        ] {
            assert_eq!(parse_value(s), Some(v), "{s}");
        }
        for s in ["NaN", "nan", "NAN"] {
            assert!(parse_value(s).is_some_and(f64::is_nan), "{s}");
        }
    }

    #[test]
    fn not_values() {
        for s in [
            "", "+", "-", ".", "e3", "1e", "1e+", "1.1.1", "0x1", "0x1p-3", "0b1", "0o1", "1_2",
            "-NaN", "+NaN", "Infinit", "1 ", " 1", "1#", "inf1", "1f",
        ] {
            assert_eq!(parse_value(s), None, "{s:?}");
        }
    }

    #[test]
    fn timestamps() {
        assert_eq!(parse_om_timestamp("1.5e3"), Some(1500.0));
        assert_eq!(parse_om_timestamp("000"), Some(0.0));
        assert!(parse_om_timestamp("12345678901234567890.1234567890").is_some());
        for s in ["NaN", "Inf", "-Inf", "1e999", "0x1p-3", "1z", "1_2", ""] {
            assert_eq!(parse_om_timestamp(s), None, "{s}");
        }
        assert_eq!(parse_ms_timestamp("1500"), Some(1.5));
        assert_eq!(parse_ms_timestamp("-1500"), Some(-1.5));
        for s in ["1.5", "1e3", "", "-", "99999999999999999999", "NaN"] {
            assert_eq!(parse_ms_timestamp(s), None, "{s}");
        }
    }

    #[test]
    fn bounds() {
        assert_eq!(parse_bound("+Inf", true), Some(f64::INFINITY));
        assert_eq!(parse_bound("+INF", true), None);
        assert_eq!(parse_bound("+INF", false), Some(f64::INFINITY));
        assert_eq!(parse_bound("NaN", false), None);
        assert_eq!(parse_bound("1e-04", true), Some(1e-4));
    }
}
