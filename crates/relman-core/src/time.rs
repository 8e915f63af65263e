//! Dates, timestamps, quarters and Prometheus-style durations.
//!
//! Durations are parsed by hand: the format is Prometheus's (`30d`, `1h30m`,
//! `5m`), which the general duration crates spell differently.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parse an ISO 8601 date (`2026-11-24`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// Parse an ISO 8601 timestamp (`2026-10-03T10:12:00Z`, with an offset, or
/// without a zone as UTC) or a bare date (midnight UTC).
pub fn parse_timestamp(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    parse_date(s)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Utc.from_utc_datetime(&t))
}

/// The quarter a date falls in: `2026-Q4`.
pub fn quarter_of(d: NaiveDate) -> String {
    format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1)
}

/// True for `2026-Q4`-shaped strings.
pub fn is_quarter(s: &str) -> bool {
    let Some((y, q)) = s.split_once("-Q") else {
        return false;
    };
    y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) && matches!(q, "1" | "2" | "3" | "4")
}

/// Parse a Prometheus duration (`30d`, `1w`, `1h30m`, `500ms`) into seconds.
/// Sub-second parts are rounded down.
pub fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total_ms: u128 = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if start == i {
            return None;
        }
        let n: u128 = s[start..i].parse().ok()?;
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let ms: u128 = match &s[unit_start..i] {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 7 * 86_400_000,
            "y" => 365 * 86_400_000,
            _ => return None,
        };
        total_ms = total_ms.checked_add(n.checked_mul(ms)?)?;
    }
    u64::try_from(total_ms / 1000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30d"), Some(30 * 86_400));
        assert_eq!(parse_duration("1w"), Some(7 * 86_400));
        assert_eq!(parse_duration("1h30m"), Some(5_400));
        assert_eq!(parse_duration("1500ms"), Some(1));
        assert_eq!(parse_duration("30"), None);
        assert_eq!(parse_duration("d"), None);
        assert_eq!(parse_duration("3 days"), None);
    }

    #[test]
    fn quarters() {
        let d = parse_date("2026-11-24").expect("date");
        assert_eq!(quarter_of(d), "2026-Q4");
        assert_eq!(
            quarter_of(parse_date("2026-01-01").expect("date")),
            "2026-Q1"
        );
        assert!(is_quarter("2026-Q4"));
        assert!(!is_quarter("2026-Q5"));
        assert!(!is_quarter("Q4-2026"));
    }

    #[test]
    fn timestamps() {
        assert!(parse_timestamp("2026-10-03T10:12:00Z").is_some());
        assert!(parse_timestamp("2026-10-03T10:12:00+02:00").is_some());
        assert!(parse_timestamp("2026-10-03").is_some());
        assert!(parse_timestamp("yesterday").is_none());
    }
}
