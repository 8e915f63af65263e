//! Errors and problems, each with a 1-based line and column.

/// Why an exposition was rejected. `column` counts characters, not bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(line: usize, column: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            line,
            column,
            message: message.into(),
        }
    }
}

/// A consistency problem found by [`check_consistency`](crate::check_consistency).
///
/// An [`Exposition`](crate::Exposition) keeps the line of every sample but
/// not its columns, so `column` is 1: the start of the line named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// The error for bytes that are not UTF-8: where the first bad byte is.
pub(crate) fn utf8_error(input: &[u8], err: std::str::Utf8Error) -> ParseError {
    let valid = &input[..err.valid_up_to()];
    let line_start = memchr::memrchr(b'\n', valid).map_or(0, |i| i + 1);
    let line = 1 + memchr::memchr_iter(b'\n', valid).count();
    // The prefix is valid UTF-8 by definition of `valid_up_to`.
    let column = 1 + std::str::from_utf8(&valid[line_start..]).map_or(0, |s| s.chars().count());
    let byte = input.get(err.valid_up_to()).copied().unwrap_or(0);
    ParseError::new(
        line,
        column,
        format!("invalid UTF-8 (byte 0x{byte:02x}): an exposition must be UTF-8 text"),
    )
}
