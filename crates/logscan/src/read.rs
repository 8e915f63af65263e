//! Reading: files (plain or gzip), any `BufRead`, split into lines with a
//! bounded buffer.

use std::fs::File;
use std::io::{self, BufRead, BufReader, ErrorKind, Read};
use std::path::Path;

use flate2::bufread::MultiGzDecoder;
use memchr::memchr;

use crate::Options;
use crate::line::LineScanner;
use crate::scan::{IssueKind, Scan};

/// The read buffer: large, so that most lines are analysed where they lie.
pub(crate) const READ_BUFFER: usize = 256 * 1024;
/// Lines with NUL bytes after which an input is taken to be binary.
const NUL_LINES_FOR_BINARY: u64 = 3;
/// Invalid UTF-8 lines after which, when they are over three quarters of
/// the lines read, an input is taken to be binary.
const INVALID_LINES_FOR_BINARY: u64 = 8;

pub(crate) fn scan_path(path: &Path, opts: &Options) -> Scan {
    let source = path.display().to_string();
    let mut scan = Scan::new(&source, opts.max_examples);
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            scan.complete = false;
            scan.issue(
                IssueKind::Unreadable,
                0,
                format!("cannot open {source}: {e}"),
            );
            return scan;
        }
    };
    let meta = match file.metadata() {
        Ok(m) => m,
        Err(e) => {
            scan.complete = false;
            scan.issue(
                IssueKind::Unreadable,
                0,
                format!("cannot read {source}: {e}"),
            );
            return scan;
        }
    };
    if meta.is_dir() {
        scan.complete = false;
        scan.issue(
            IssueKind::Unreadable,
            0,
            format!("{source} is a directory, not a log file"),
        );
        return scan;
    }
    // A regular file is read up to the size it had when opened, so that a
    // file still being written cannot keep the scan going for ever. Other
    // files (pipes, devices) are read to their end.
    let limit = if meta.is_file() { meta.len() } else { u64::MAX };
    let raw = BufReader::with_capacity(READ_BUFFER, file.take(limit));
    scan_reader(raw, &source, opts)
}

/// Whether the input starts with gzip's magic number; nothing is consumed.
/// A short first read (from a pipe) is taken as it is.
fn starts_gzip<R: BufRead>(r: &mut R) -> io::Result<bool> {
    loop {
        match r.fill_buf() {
            Ok(head) => return Ok(head.starts_with(&[0x1f, 0x8b])),
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

pub(crate) fn scan_reader<R: BufRead>(mut reader: R, source: &str, opts: &Options) -> Scan {
    let mut scan = Scan::new(source, opts.max_examples);
    let gzip = match starts_gzip(&mut reader) {
        Ok(gzip) => gzip,
        Err(e) => {
            scan.complete = false;
            scan.issue(
                IssueKind::Unreadable,
                0,
                format!("cannot read {source}: {e}"),
            );
            scan.finish();
            return scan;
        }
    };
    if gzip {
        let decoder = BufReader::with_capacity(READ_BUFFER, MultiGzDecoder::new(reader));
        scan_into(decoder, &mut scan, opts, true);
    } else {
        scan_into(reader, &mut scan, opts, false);
    }
    scan.finish();
    scan
}

/// The state of the line splitter.
struct Splitter<'o> {
    opts: &'o Options,
    lines: LineScanner,
    /// Start of a line that began in an earlier chunk.
    carry: Vec<u8>,
    /// Inside a line longer than the limit: its bytes are dropped up to
    /// its newline.
    discarding: bool,
    /// Reading stopped (binary input).
    stop: bool,
}

impl Splitter<'_> {
    fn max(&self) -> usize {
        self.opts.max_line_bytes.max(1)
    }

    /// A whole line, without its `\n`.
    fn line(&mut self, scan: &mut Scan, raw: &[u8]) {
        scan.lines += 1;
        let n = scan.lines;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.len() > self.max() {
            self.too_long(scan, n, raw.len() as u64, memchr(0, raw).is_some());
            return;
        }
        if memchr(0, raw).is_some() {
            scan.nul_lines += 1;
            if scan.nul_lines >= NUL_LINES_FOR_BINARY {
                self.binary(scan, n, "NUL bytes");
            } else {
                scan.issue(
                    IssueKind::NulBytes,
                    n,
                    format!("line {n} holds NUL bytes; skipped"),
                );
            }
            return;
        }
        match std::str::from_utf8(raw) {
            Ok(text) => {
                if text.trim().is_empty() {
                    scan.blank_lines += 1;
                } else {
                    self.lines.line(scan, n, text);
                }
            }
            Err(e) => {
                scan.invalid_utf8_lines += 1;
                let bad = scan.invalid_utf8_lines;
                if bad >= INVALID_LINES_FOR_BINARY && bad * 4 > scan.lines * 3 {
                    self.binary(scan, n, "bytes that are not UTF-8");
                    return;
                }
                scan.issue(
                    IssueKind::InvalidUtf8,
                    n,
                    format!(
                        "line {n} is not valid UTF-8 (at byte {}); read with replacement characters",
                        e.valid_up_to() + 1
                    ),
                );
                let text = String::from_utf8_lossy(raw);
                if text.trim().is_empty() {
                    scan.blank_lines += 1;
                } else {
                    self.lines.line(scan, n, &text);
                }
            }
        }
    }

    fn binary(&mut self, scan: &mut Scan, n: u64, what: &str) {
        scan.complete = false;
        scan.issue(
            IssueKind::Binary,
            n,
            format!("binary file: {what} by line {n}; stopped reading"),
        );
        self.stop = true;
    }

    /// A line over the limit: counted and reported; its bytes are dropped.
    fn too_long(&mut self, scan: &mut Scan, n: u64, seen: u64, nul: bool) {
        scan.too_long_lines += 1;
        if nul {
            scan.nul_lines += 1;
            self.binary(scan, n, "NUL bytes in a line with no end");
            return;
        }
        scan.issue(
            IssueKind::TooLong,
            n,
            format!(
                "line {n} is longer than {} bytes ({seen} bytes or more); skipped",
                self.opts.max_line_bytes
            ),
        );
    }

    /// One chunk of input; returns the number of bytes used: all of them,
    /// unless reading stopped part way.
    fn chunk(&mut self, scan: &mut Scan, chunk: &[u8]) -> usize {
        let mut pos = 0;
        while !self.stop {
            let Some(off) = memchr(b'\n', &chunk[pos..]) else {
                break;
            };
            let end = pos + off;
            if self.discarding {
                self.discarding = false;
                if memchr(0, &chunk[pos..end]).is_some() {
                    scan.nul_lines += 1;
                    let n = scan.lines;
                    self.binary(scan, n, "NUL bytes in a line with no end");
                }
            } else if self.carry.is_empty() {
                self.line(scan, &chunk[pos..end]);
            } else if self.carry.len() + (end - pos) > self.max() + 1 {
                // +1: the line may still end in `\r`, which is not counted.
                let len = (self.carry.len() + end - pos) as u64;
                self.carry.clear();
                scan.lines += 1;
                let n = scan.lines;
                self.too_long(scan, n, len, memchr(0, &chunk[pos..end]).is_some());
            } else {
                let mut carry = std::mem::take(&mut self.carry);
                carry.extend_from_slice(&chunk[pos..end]);
                self.line(scan, &carry);
                carry.clear();
                self.carry = carry;
            }
            pos = end + 1;
        }
        if self.stop {
            return pos;
        }
        let rest = &chunk[pos..];
        if self.discarding {
            if memchr(0, rest).is_some() {
                scan.nul_lines += 1;
                let n = scan.lines;
                self.binary(scan, n, "NUL bytes in a line with no end");
            }
        } else if self.carry.len() + rest.len() > self.max() + 1 {
            let seen = (self.carry.len() + rest.len()) as u64;
            let nul = memchr(0, &self.carry).is_some() || memchr(0, rest).is_some();
            self.carry.clear();
            self.carry.shrink_to(READ_BUFFER);
            scan.lines += 1;
            let n = scan.lines;
            self.too_long(scan, n, seen, nul);
            self.discarding = true;
        } else {
            self.carry.extend_from_slice(rest);
        }
        chunk.len()
    }
}

/// Reads `reader` to its end (or to the first error), line by line.
fn scan_into<R: BufRead>(mut reader: R, scan: &mut Scan, opts: &Options, gzip: bool) {
    let mut sp = Splitter {
        opts,
        lines: LineScanner::default(),
        carry: Vec::new(),
        discarding: false,
        stop: false,
    };
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                read_error(scan, &sp, &e, gzip);
                return;
            }
        };
        if chunk.is_empty() {
            break;
        }
        let len = chunk.len();
        scan.bytes += sp.chunk(scan, chunk) as u64;
        reader.consume(len);
        if sp.stop {
            return;
        }
    }
    // The last line, when the input does not end with a newline.
    if !sp.discarding && !sp.carry.is_empty() {
        let carry = std::mem::take(&mut sp.carry);
        sp.line(scan, &carry);
    }
}

fn read_error(scan: &mut Scan, sp: &Splitter<'_>, e: &io::Error, gzip: bool) {
    scan.complete = false;
    let last = scan.lines;
    let partial = if sp.carry.is_empty() && !sp.discarding {
        String::new()
    } else {
        "; the incomplete line after it was dropped".to_string()
    };
    let at = if last == 0 {
        "before the first line".to_string()
    } else {
        format!("after line {last}, the last one read whole")
    };
    if gzip
        && matches!(
            e.kind(),
            ErrorKind::UnexpectedEof | ErrorKind::InvalidData | ErrorKind::InvalidInput
        )
    {
        scan.issue(
            IssueKind::Truncated,
            last,
            format!("gzip stream is truncated or corrupt {at}: {e}{partial}"),
        );
    } else {
        scan.issue(
            IssueKind::Read,
            last,
            format!("read failed {at}: {e}{partial}"),
        );
    }
}
