//! Log paths from glob patterns (`logs/api/*.log`, `logs/**/*.gz`),
//! relative to a base directory.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

/// The most files all patterns together expand to.
pub const MAX_GLOB_FILES: usize = 10_000;
/// The most directory entries looked at for one pattern.
const MAX_WALK_ENTRIES: usize = 200_000;
/// How deep `**` goes below the pattern's literal directory.
const MAX_RECURSIVE_DEPTH: usize = 16;

fn has_meta(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// Expands glob patterns relative to `base` (an absolute pattern stands on
/// its own) into regular files, sorted and without repeats, at most
/// [`MAX_GLOB_FILES`]. `*` and `?` stay within one path component; `**`
/// crosses directories. Symbolic links to files are followed; links to
/// directories are not walked into.
///
/// Every problem is returned, not only the first: a pattern that is
/// invalid, matches nothing, names a missing file or a directory, or
/// expands to more files than the cap.
pub fn expand_globs(base: &Path, patterns: &[String]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = BTreeSet::new();
    let mut problems = Vec::new();
    for pattern in patterns {
        if pattern.trim().is_empty() {
            problems.push("an empty log path pattern".to_string());
            continue;
        }
        let full = base.join(pattern);
        let comps: Vec<Component<'_>> = full.components().collect();
        let split = comps
            .iter()
            .position(|c| has_meta(&c.as_os_str().to_string_lossy()));
        let Some(split) = split else {
            if full.is_file() {
                files.insert(full);
            } else if full.is_dir() {
                problems.push(format!(
                    "log path `{pattern}` is a directory; name its files, e.g. `{pattern}/*.log`"
                ));
            } else {
                problems.push(format!("log path `{pattern}` does not exist"));
            }
            continue;
        };
        let root: PathBuf = comps[..split].iter().collect();
        let rest: Vec<String> = comps[split..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let recursive = rest.iter().any(|c| c.contains("**"));
        let depth = if recursive {
            MAX_RECURSIVE_DEPTH
        } else {
            rest.len()
        };
        let glob = match GlobBuilder::new(&rest.join("/"))
            .literal_separator(true)
            .backslash_escape(true)
            .build()
        {
            Ok(g) => g.compile_matcher(),
            Err(e) => {
                problems.push(format!("log path `{pattern}` is not a valid glob: {e}"));
                continue;
            }
        };
        let mut walk = Walk {
            root: &root,
            glob: &glob,
            found: Vec::new(),
            entries: 0,
        };
        walk.dir(&root, depth);
        if walk.entries >= MAX_WALK_ENTRIES {
            problems.push(format!(
                "log path `{pattern}` reaches more than {MAX_WALK_ENTRIES} directory entries; only those were looked at"
            ));
        }
        if walk.found.is_empty() {
            problems.push(format!("log path `{pattern}` matches no file"));
        }
        files.extend(walk.found);
    }
    let mut files: Vec<PathBuf> = files.into_iter().collect();
    if files.len() > MAX_GLOB_FILES {
        problems.push(format!(
            "log paths match {} files; only the first {MAX_GLOB_FILES} (sorted) are read",
            files.len()
        ));
        files.truncate(MAX_GLOB_FILES);
    }
    (files, problems)
}

struct Walk<'a> {
    root: &'a Path,
    glob: &'a GlobMatcher,
    found: Vec<PathBuf>,
    entries: usize,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path, depth: usize) {
        if depth == 0 || self.entries >= MAX_WALK_ENTRIES || self.found.len() > MAX_GLOB_FILES {
            return;
        }
        let Ok(read) = fs::read_dir(dir) else {
            return;
        };
        for entry in read.flatten() {
            self.entries += 1;
            if self.entries >= MAX_WALK_ENTRIES {
                return;
            }
            let path = entry.path();
            let Ok(ft) = entry.file_type() else {
                continue;
            };
            if ft.is_dir() {
                self.dir(&path, depth - 1);
                continue;
            }
            // A symbolic link counts when it leads to a regular file.
            if !(ft.is_file() || (ft.is_symlink() && path.is_file())) {
                continue;
            }
            let Ok(rel) = path.strip_prefix(self.root) else {
                continue;
            };
            if self.glob.is_match(rel) {
                self.found.push(path);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path) {
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, "x\n").expect("write");
    }

    #[test]
    fn expands_sorted_and_reports_problems() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path();
        for f in [
            "logs/api/b.log",
            "logs/api/a.log",
            "logs/api/a.txt",
            "logs/api/old/c.log",
            "logs/api/old/deeper/d.log.gz",
            "logs/web/x.log",
        ] {
            touch(&base.join(f));
        }
        let (files, problems) = expand_globs(
            base,
            &[
                "logs/api/*.log".to_string(),
                "logs/api/a.log".to_string(),
                "logs/**/*.gz".to_string(),
                "logs/none/*.log".to_string(),
                "logs/missing.log".to_string(),
                "logs/web".to_string(),
                "logs/[".to_string(),
            ],
        );
        let rel: Vec<_> = files
            .iter()
            .map(|p| {
                p.strip_prefix(base)
                    .expect("under base")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(
            rel,
            [
                "logs/api/a.log",
                "logs/api/b.log",
                "logs/api/old/deeper/d.log.gz"
            ]
        );
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].contains("`logs/none/*.log` matches no file"));
        assert!(problems[1].contains("does not exist"));
        assert!(problems[2].contains("is a directory"));
        assert!(problems[3].contains("not a valid glob"));
    }

    #[test]
    fn absolute_patterns() {
        let dir = tempfile::tempdir().expect("tempdir");
        touch(&dir.path().join("x/app.log"));
        let pattern = format!("{}/x/*.log", dir.path().display());
        let (files, problems) = expand_globs(Path::new("/nonexistent"), &[pattern]);
        assert_eq!(files.len(), 1);
        assert!(problems.is_empty());
    }
}
