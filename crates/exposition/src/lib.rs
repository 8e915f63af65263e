//! The metrics exposition formats: the Prometheus text format 0.0.4 and
//! OpenMetrics 1.0 text, parsed and written.
//!
//! relman's rules O-6 to O-9 look at what a service exposes on `/metrics`;
//! the evidence collector scrapes the bytes and this crate turns them into
//! [`Family`]s and [`Sample`]s that checks can read. It stands on its own, so
//! that anything else that needs an exposition read (a linter, a test) can
//! use it.
//!
//! # What it does
//!
//! - [`parse`] reads an exposition in one pass, borrowing names and label
//!   values from the input and unescaping into a new string only when a
//!   value has escapes. It stops at the first error, a [`ParseError`] with a
//!   1-based line and column; [`parse_lenient`] and [`validate`] go on and
//!   return every error. [`parse_bytes`] takes bytes and reports invalid
//!   UTF-8 with its position.
//! - [`Format::OpenMetrics`] is parsed as strictly as the OpenMetrics
//!   conformance suite requires: `# EOF`, metadata before samples and never
//!   repeated, no clashing family names, a series' samples together with
//!   timestamps not going back, exemplars only on counter totals and
//!   histogram buckets (at most 128 characters of labels), units that are a
//!   suffix of the name, and the value rules of every type (see
//!   [`check_consistency`]).
//! - [`Format::Text`] is parsed as Prometheus's text parser does: comments
//!   and blank lines anywhere, HELP and TYPE in either order, `untyped`,
//!   integer millisecond timestamps, no `# EOF`, blanks between tokens,
//!   a trailing comma in label sets, and a family's samples merged when they
//!   come apart. It checks syntax, names and duplicate labels; the
//!   histogram and summary rules, which Prometheus does not enforce, are
//!   [`check_consistency`]'s to report.
//! - [`write()`] renders an exposition canonically in either format; a parsed
//!   exposition written and parsed again is equal to itself.
//!
//! # What it must not do
//!
//! No I/O: it never opens a file or socket, reads the clock or logs. It
//! never panics, whatever the input (random bytes, NUL, very long lines),
//! and has no `unsafe`. It keeps no state between calls.
//!
//! # Why it is written by hand
//!
//! Of the crates on crates.io, `prometheus-parse` (0.2) reads only the text
//! format, by regular expression, into owned strings and hash maps, without
//! positions; `openmetrics-parser` (0.5) is LGPL-3.0, builds owned strings
//! and hash maps from a pest grammar, and its errors carry no line or
//! column. relman needs both formats, errors a person can find in the
//! scraped text, borrowed slices to read large expositions quickly, and the
//! whole OpenMetrics conformance suite passed; a small byte-level parser
//! gives all four.

#![forbid(unsafe_code)]

mod check;
mod error;
pub mod lint;
mod model;
mod number;
mod parser;
mod text;
mod write;

pub use check::check_consistency;
pub use error::{ParseError, Problem};
pub use model::{
    Exemplar, Exposition, Family, Format, INLINE_LABELS, Label, Labels, MetricType, Sample,
};
pub use text::{is_label_name, is_metric_name};
pub use write::write;

/// Parses an exposition; the first error stops it.
///
/// ```
/// use relman_exposition::{parse, Format, MetricType};
///
/// let exp = parse("# TYPE up gauge\nup{job=\"api\"} 1\n", Format::Text).unwrap();
/// assert_eq!(exp.families[0].kind, MetricType::Gauge);
/// assert_eq!(exp.families[0].samples[0].label("job"), Some("api"));
///
/// let err = parse("up{job=api} 1\n# EOF\n", Format::OpenMetrics).unwrap_err();
/// assert_eq!(err.to_string(), "1:8: expected `\"` to open the value of label `job`, found `a`");
/// ```
pub fn parse(input: &str, format: Format) -> Result<Exposition<'_>, ParseError> {
    let (exposition, mut errors) = parser::Parser::new(input, format, false).run();
    match errors.pop() {
        Some(e) => Err(e),
        None => Ok(exposition),
    }
}

/// Parses bytes that should be UTF-8; invalid UTF-8 is an error at the line
/// and column of the first bad byte.
pub fn parse_bytes(input: &[u8], format: Format) -> Result<Exposition<'_>, ParseError> {
    let text = std::str::from_utf8(input).map_err(|e| error::utf8_error(input, e))?;
    parse(text, format)
}

/// Parses as much as it can: every line with a syntax error is left out,
/// and every error is returned, in the order found. With no errors, the
/// exposition is what [`parse`] returns.
pub fn parse_lenient(input: &str, format: Format) -> (Exposition<'_>, Vec<ParseError>) {
    parser::Parser::new(input, format, true).run()
}

/// Every error [`parse`] could stop at, not only the first.
pub fn validate(input: &str, format: Format) -> Vec<ParseError> {
    parse_lenient(input, format).1
}
