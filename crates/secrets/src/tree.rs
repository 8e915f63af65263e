//! Scanning a whole directory tree: a parallel walk that honours
//! `.gitignore`, reads dotfiles, never enters `.git`, never follows a
//! symlink, skips binaries and files over a size cap.

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};

use crate::Match;
use crate::scan::{Scanner, Scratch};

/// How a tree is scanned.
#[derive(Debug, Clone)]
pub struct TreeOptions {
    /// Files larger than this are not read, and are listed in
    /// [`TreeScan::skipped`]. Default 8 MiB.
    pub max_file_bytes: u64,
    /// Worker threads; 0 picks one per core. Default 0.
    pub threads: usize,
}

impl Default for TreeOptions {
    fn default() -> TreeOptions {
        TreeOptions {
            max_file_bytes: 8 * 1024 * 1024,
            threads: 0,
        }
    }
}

/// What a tree scan found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeScan {
    /// Every secret, sorted by path, line, column.
    pub found: Vec<FileMatch>,
    /// Text files read, and their bytes.
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// Files not read because they hold a NUL byte in their first 8 KiB.
    pub binary_skipped: u64,
    /// Files or folders not read (too large, unreadable), with the reason,
    /// sorted by path.
    pub skipped: Vec<(String, String)>,
}

/// A secret and the file it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMatch {
    /// Relative to the scanned root, `/`-separated.
    pub path: String,
    pub found: Match,
}

/// How much of a file's start is searched for a NUL byte.
const BINARY_PROBE: usize = 8 * 1024;

/// Scans every file under `root` (or `root` itself when it is a file) in
/// parallel. `.gitignore`, `.ignore` and `.git/info/exclude` are honoured
/// (with or without a Git repository), from `root` down: ignore files
/// above `root` and the user's global excludes are not read, so the same
/// tree gives the same result on every machine. Hidden files are read;
/// `.git` is never entered; symlinks are never followed.
pub fn scan_tree(root: &Path, scanner: &Scanner, opts: &TreeOptions) -> TreeScan {
    let shared = Mutex::new(TreeScan::default());
    let walker = WalkBuilder::new(root)
        .hidden(false)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .parents(false)
        .ignore(true)
        .require_git(false)
        .follow_links(false)
        .threads(opts.threads)
        .filter_entry(|e| e.file_name() != ".git")
        .build_parallel();
    let mut builder = Builder {
        root,
        scanner,
        opts,
        shared: &shared,
    };
    walker.visit(&mut builder);
    let mut scan = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    scan.found.sort_by(|a, b| {
        (&a.path, a.found.line, a.found.column, a.found.rule).cmp(&(
            &b.path,
            b.found.line,
            b.found.column,
            b.found.rule,
        ))
    });
    scan.skipped.sort();
    scan
}

struct Builder<'s> {
    root: &'s Path,
    scanner: &'s Scanner,
    opts: &'s TreeOptions,
    shared: &'s Mutex<TreeScan>,
}

impl<'s> ParallelVisitorBuilder<'s> for Builder<'s> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor {
            root: self.root,
            scanner: self.scanner,
            opts: self.opts,
            shared: self.shared,
            local: TreeScan::default(),
            buf: Vec::new(),
            matches: Vec::new(),
            scratch: Scratch::default(),
        })
    }
}

/// One worker's state: its buffer and scratch are reused from file to
/// file; its results join the shared ones when the walk drops it.
struct Visitor<'s> {
    root: &'s Path,
    scanner: &'s Scanner,
    opts: &'s TreeOptions,
    shared: &'s Mutex<TreeScan>,
    local: TreeScan,
    buf: Vec<u8>,
    matches: Vec<Match>,
    scratch: Scratch,
}

impl ParallelVisitor for Visitor<'_> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(entry) => {
                if entry.file_type().is_some_and(|t| t.is_file()) {
                    self.scan_file(&entry);
                }
            }
            Err(err) => {
                let path = error_path(&err)
                    .map(|p| relative(self.root, p))
                    .unwrap_or_default();
                self.local.skipped.push((path, err.to_string()));
            }
        }
        WalkState::Continue
    }
}

impl Drop for Visitor<'_> {
    fn drop(&mut self) {
        let local = std::mem::take(&mut self.local);
        let mut shared = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        shared.found.extend(local.found);
        shared.files_scanned += local.files_scanned;
        shared.bytes_scanned += local.bytes_scanned;
        shared.binary_skipped += local.binary_skipped;
        shared.skipped.extend(local.skipped);
    }
}

impl Visitor<'_> {
    fn scan_file(&mut self, entry: &DirEntry) {
        let rel = relative(self.root, entry.path());
        let max = self.opts.max_file_bytes;
        if let Ok(meta) = entry.metadata()
            && meta.len() > max
        {
            self.local.skipped.push((
                rel,
                format!("{} bytes, over the {max}-byte limit", meta.len()),
            ));
            return;
        }
        self.buf.clear();
        let read = File::open(entry.path())
            .and_then(|f| f.take(max.saturating_add(1)).read_to_end(&mut self.buf));
        if let Err(err) = read {
            self.local.skipped.push((rel, err.to_string()));
            return;
        }
        if self.buf.len() as u64 > max {
            self.local
                .skipped
                .push((rel, format!("grew over the {max}-byte limit while read")));
            return;
        }
        let probe = &self.buf[..self.buf.len().min(BINARY_PROBE)];
        if memchr::memchr(0, probe).is_some() {
            self.local.binary_skipped += 1;
            return;
        }
        self.local.files_scanned += 1;
        self.local.bytes_scanned += self.buf.len() as u64;
        self.matches.clear();
        self.scanner
            .scan_into(&mut self.scratch, &rel, &self.buf, &mut self.matches);
        for m in self.matches.drain(..) {
            self.local.found.push(FileMatch {
                path: rel.clone(),
                found: m,
            });
        }
    }
}

/// `path` relative to `root`, `/`-separated; the file name when `root`
/// is the file itself.
fn relative(root: &Path, path: &Path) -> String {
    let rel = match path.strip_prefix(root) {
        Ok(r) if !r.as_os_str().is_empty() => r,
        _ => path.file_name().map_or(path, Path::new),
    };
    let mut out = String::new();
    for (i, c) in rel.components().enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(&c.as_os_str().to_string_lossy());
    }
    out
}

/// The path an `ignore` error is about, if it names one.
fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child),
        _ => None,
    }
}
