//! Log files read line by line, and the statistics relman's log rules are
//! judged on gathered from them in constant memory.
//!
//! The manifesto asks four things of a service's logs: messages that mean
//! something without a stack trace (O-1), metadata naming the service
//! (O-2), levels used consistently with no false errors (O-3), and one
//! structured format with the same key names throughout (O-4). Judging
//! that needs the logs themselves, which can be gigabytes a day; this
//! crate streams them once and keeps only counts, small tallies and a few
//! examples in a [`Scan`]. The checks then read the scan; they never see a
//! line.
//!
//! # What it does
//!
//! - [`scan_path`] reads a file, plain or gzip (told by its magic bytes,
//!   several members allowed); [`scan_reader`] reads any `BufRead`, such as
//!   standard input; [`scan_paths`] reads several files in parallel;
//!   [`expand_globs`] turns `logs/api/*.log` patterns into paths.
//! - Each line is told apart as JSON, logfmt or plain text
//!   ([`Format`]); plain text by its layout ([`PlainLayout`]: ISO
//!   timestamps, syslog, Go's logger, Python's, klog, a level or a service
//!   prefix first). Lines wrapped by a container runtime (CRI, Docker's
//!   json-file) are read through the wrapper.
//! - Keys are mapped to canonical [`Field`]s whatever their case
//!   (`level`/`severity`/`lvl`/`error_severity`…), levels to OpenTelemetry
//!   severity numbers ([`Severity`], [`severity_number`]), and messages are
//!   checked for the problems [`FlagKind`] lists.
//! - JSON lines are read by a small scanner that walks the top-level
//!   object, skipping nested values by depth and decoding only the few
//!   values it needs; no tree is built and nothing is allocated per line.
//!
//! # What it must not do
//!
//! It reads files and standard input, never the network. It never holds a
//! whole file, nor a whole line longer than [`Options::max_line_bytes`]:
//! memory stays bounded whatever the input, and every collection in a
//! [`Scan`] has a cap ([`MAX_DISTINCT`], [`MAX_ISSUES`]…). It never panics
//! on input: unreadable paths, binary files, invalid UTF-8, overlong lines
//! and truncated gzip become [`Issue`]s naming the line, and the scan keeps
//! what it read. A file that grows while it is read is read up to the size
//! it had when opened. It does not judge: thresholds belong to the checks.

mod fields;
mod flags;
mod glob;
mod json;
mod level;
mod line;
mod logfmt;
mod plain;
mod read;
mod scan;

use std::io::BufRead;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use fields::{Field, canonical_field};
pub use flags::FlagKind;
pub use glob::{MAX_GLOB_FILES, expand_globs};
pub use level::{Severity, severity_number};
pub use plain::PlainLayout;
pub use scan::{
    EXCERPT_CHARS, Example, FieldStats, FieldUsage, FlagStats, Flags, Format, FormatCounts, Issue,
    IssueKind, KeySet, KeySets, LevelSpelling, Levels, MAX_DISTINCT, MAX_ISSUES, MAX_KEYS_PER_SET,
    MAX_VALUE_CHARS, PlainLayouts, Scan, ServiceStats, SeverityCounts, Tallies, Tally, Wrapped,
};

/// How a scan reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Lines longer than this (without the line ending) are counted,
    /// reported with their line number and skipped without being held.
    /// Default 1 MiB.
    pub max_line_bytes: usize,
    /// Examples kept per flag kind. Default 5.
    pub max_examples: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_line_bytes: 1024 * 1024,
            max_examples: 5,
        }
    }
}

/// Scans one file, plain or gzip. Never panics: a path that cannot be read
/// gives a scan holding only an [`IssueKind::Unreadable`] issue.
pub fn scan_path(path: &Path, opts: &Options) -> Scan {
    read::scan_path(path, opts)
}

/// Scans a stream (standard input, a test's bytes); gzip is recognised by
/// its magic bytes here too. `source` names it in issues and examples.
pub fn scan_reader<R: BufRead>(reader: R, source: &str, opts: &Options) -> Scan {
    read::scan_reader(reader, source, opts)
}

/// Scans files in parallel, one scan per path, in the order given.
pub fn scan_paths(paths: &[PathBuf], opts: &Options) -> Vec<Scan> {
    paths.par_iter().map(|p| scan_path(p, opts)).collect()
}
