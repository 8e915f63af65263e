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
/// parallel. `.gitignore` and `.ignore` files are honoured
/// (with or without a Git repository), from `root` down: ignore files
/// above `root` and the user's global excludes are not read, so the same
/// tree gives the same result on every machine. Hidden files are read;
/// `.git` is never entered; symlinks are never followed.
pub fn scan_tree(root: &Path, scanner: &Scanner, opts: &TreeOptions) -> TreeScan {
    let shared = Mutex::new(TreeScan::default());
    let walker = WalkBuilder::new(root)
        .hidden(false)
        // `.gitignore` as a custom ignore file: the crate's Git mode would
        // compile a matcher for every folder above `root` on every walk.
        .git_ignore(false)
        .git_exclude(false)
        .git_global(false)
        .parents(false)
        .ignore(true)
        .add_custom_ignore_filename(".gitignore")
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
        match self.read(entry.path(), max) {
            Err(err) => {
                self.local.skipped.push((rel, err.to_string()));
                return;
            }
            Ok(Outcome::Binary) => {
                self.local.binary_skipped += 1;
                return;
            }
            Ok(Outcome::TooLarge) => {
                self.local
                    .skipped
                    .push((rel, format!("grew over the {max}-byte limit while read")));
                return;
            }
            Ok(Outcome::Text) => {}
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

/// What reading a file gave.
enum Outcome {
    Text,
    Binary,
    TooLarge,
}

impl Visitor<'_> {
    /// Reads `path` into the buffer: its first 8 KiB, and the rest only if
    /// they hold no NUL byte, up to `max` bytes.
    fn read(&mut self, path: &Path, max: u64) -> std::io::Result<Outcome> {
        let mut file = File::open(path)?;
        if let Ok(meta) = file.metadata() {
            self.buf
                .reserve(usize::try_from(meta.len().min(max)).unwrap_or(0));
        }
        (&mut file)
            .take(BINARY_PROBE as u64)
            .read_to_end(&mut self.buf)?;
        if memchr::memchr(0, &self.buf).is_some() {
            return Ok(Outcome::Binary);
        }
        let rest = (max + 1).saturating_sub(self.buf.len() as u64);
        file.take(rest).read_to_end(&mut self.buf)?;
        Ok(if self.buf.len() as u64 > max {
            Outcome::TooLarge
        } else {
            Outcome::Text
        })
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::fs;

    use super::*;

    fn token() -> String {
        format!("ghp_{}", "u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d")
    }

    fn write(root: &Path, rel: &str, bytes: &[u8]) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    fn scan(root: &Path, opts: &TreeOptions) -> TreeScan {
        scan_tree(root, crate::test_scanner(), opts)
    }

    fn paths(scan: &TreeScan) -> Vec<&str> {
        scan.found.iter().map(|f| f.path.as_str()).collect()
    }

    #[test]
    fn walks_like_git_sees_the_tree() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let line = format!("GITHUB_TOKEN={}\n", token());
        write(root, ".gitignore", b"ignored/\n*.log\n");
        write(root, "src/app.env", line.as_bytes());
        write(root, ".env", line.as_bytes());
        write(root, ".config/deploy/.npmrc", line.as_bytes());
        write(root, "ignored/creds.env", line.as_bytes());
        write(root, "debug.log", line.as_bytes());
        write(root, ".git/config", line.as_bytes());
        write(root, ".git/objects/ab/cdef", line.as_bytes());
        write(root, "sub/.gitignore", b"local.env\n");
        write(root, "sub/local.env", line.as_bytes());
        write(root, "sub/kept.env", line.as_bytes());
        let scan = scan(root, &TreeOptions::default());
        assert_eq!(
            paths(&scan),
            [
                ".config/deploy/.npmrc",
                ".env",
                "src/app.env",
                "sub/kept.env"
            ]
        );
        // The two .gitignore files and the four files with a token.
        assert_eq!(scan.files_scanned, 6);
        let expected_bytes = 4 * line.len() + "ignored/\n*.log\n".len() + "local.env\n".len();
        assert_eq!(scan.bytes_scanned, expected_bytes as u64);
        assert!(scan.skipped.is_empty(), "{:?}", scan.skipped);
    }

    #[test]
    fn oversized_and_binary_files_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let line = format!("GITHUB_TOKEN={}\n", token());
        write(root, "big.env", line.repeat(100).as_bytes());
        let mut binary = line.clone().into_bytes();
        binary.insert(3, 0);
        write(root, "blob.bin", &binary);
        write(root, "small.env", line.as_bytes());
        let opts = TreeOptions {
            max_file_bytes: 1024,
            threads: 1,
        };
        let scan = scan(root, &opts);
        assert_eq!(paths(&scan), ["small.env"]);
        assert_eq!(scan.binary_skipped, 1);
        assert_eq!(scan.files_scanned, 1);
        assert_eq!(scan.skipped.len(), 1);
        assert_eq!(scan.skipped[0].0, "big.env");
        assert!(scan.skipped[0].1.contains("1024"), "{}", scan.skipped[0].1);
    }

    #[test]
    fn a_nul_after_the_probe_is_still_text() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = format!("GITHUB_TOKEN={}\n", token()).into_bytes();
        text.resize(BINARY_PROBE + 10, b'\n');
        text.push(0);
        write(dir.path(), "late-nul.env", &text);
        let scan = scan(dir.path(), &TreeOptions::default());
        assert_eq!(paths(&scan), ["late-nul.env"]);
        assert_eq!(scan.binary_skipped, 0);
    }

    #[test]
    fn non_utf8_files_are_scanned() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = b"# caf\xe9 cr\xe8me\n".to_vec();
        text.extend_from_slice(format!("token: {}\n", token()).as_bytes());
        write(dir.path(), "latin1.yaml", &text);
        let scan = scan(dir.path(), &TreeOptions::default());
        assert_eq!(paths(&scan), ["latin1.yaml"]);
        assert_eq!(scan.found[0].found.line, 2);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_not_followed_and_loops_end() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let line = format!("GITHUB_TOKEN={}\n", token());
        write(root, "a/creds.env", line.as_bytes());
        std::os::unix::fs::symlink(root, root.join("a/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("a/creds.env"), root.join("link.env")).unwrap();
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "secret.env", line.as_bytes());
        std::os::unix::fs::symlink(outside.path(), root.join("out")).unwrap();
        let scan = scan(root, &TreeOptions::default());
        assert_eq!(paths(&scan), ["a/creds.env"]);
        assert_eq!(scan.files_scanned, 1);
    }

    #[test]
    fn results_are_sorted_whatever_the_threads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let line = format!("GITHUB_TOKEN={}\n", token());
        for i in 0..40 {
            write(
                root,
                &format!("d{}/f{}.env", i % 7, i),
                line.repeat(1 + i % 3).as_bytes(),
            );
        }
        let one = scan(
            root,
            &TreeOptions {
                threads: 1,
                ..TreeOptions::default()
            },
        );
        let four = scan(
            root,
            &TreeOptions {
                threads: 4,
                ..TreeOptions::default()
            },
        );
        assert_eq!(one, four);
        let keys: Vec<_> = one
            .found
            .iter()
            .map(|f| (f.path.clone(), f.found.line))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(one.found.len(), (0..40).map(|i| 1 + i % 3).sum::<usize>());
    }

    #[test]
    fn a_file_root_is_scanned_by_name() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "only.env",
            format!("GITHUB_TOKEN={}\n", token()).as_bytes(),
        );
        let scan = scan(&dir.path().join("only.env"), &TreeOptions::default());
        assert_eq!(paths(&scan), ["only.env"]);
    }

    #[test]
    fn a_missing_root_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let scan = scan(&dir.path().join("nope"), &TreeOptions::default());
        assert!(scan.found.is_empty());
        assert_eq!(scan.skipped.len(), 1, "{:?}", scan.skipped);
    }
}
