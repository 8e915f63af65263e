//! Numbers as the two formats spell them.
//!
//! Both formats take the same values: a decimal floating-point number
//! (`1`, `-1.5`, `.5`, `1.`, `1e-3`, `0001`), or `NaN`, `Inf`, `+Inf`,
//! `-Inf`, `Infinity`, matched without regard to case, with no sign on NaN.
//! That is the OpenMetrics ABNF, and what Go's `strconv.ParseFloat` accepts
//! once the Prometheus parsers have ruled out hexadecimal and `_`.

/// A sample or exemplar value.
pub(crate) fn parse_value(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    // Fast path: a plain integer of up to 18 digits converts exactly.
    if !b.is_empty() && b.len() <= 18 && b.iter().all(u8::is_ascii_digit) {
        let n = b.iter().fold(0u64, |n, &d| n * 10 + u64::from(d - b'0'));
        return Some(n as f64);
    }
    if is_decimal(b) {
        return s.parse().ok();
    }
    special(s)
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
        match s {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            _ if is_decimal(s.as_bytes()) => s.parse().ok()?,
            _ => return None,
        }
    } else {
        parse_value(s)?
    };
    (!v.is_nan()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

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
