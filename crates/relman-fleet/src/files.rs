//! Reading fleet files safely, and resolving the paths they name.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use relman_core::fleet::FleetPath;
use relman_core::yaml::{self, Node};

use crate::diag::Diagnostic;

/// Fleet files are small; anything bigger is a mistake (or an attack).
pub(crate) const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The path as shown in messages: relative to the fleet directory.
pub(crate) fn display(root: &Path, path: &Path) -> String {
    let p = path.strip_prefix(root).unwrap_or(path);
    p.to_string_lossy().replace('\\', "/")
}

fn file_problem(file: String, message: String) -> Diagnostic {
    Diagnostic {
        file,
        pos: None,
        field: String::new(),
        message,
    }
}

/// Read a text file with a size cap, refusing binary and non-UTF-8 content.
pub(crate) fn read(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let shown = display(root, path);
    let f = std::fs::File::open(path)
        .map_err(|e| file_problem(shown.clone(), format!("cannot read: {e}")))?;
    let mut bytes = Vec::new();
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| file_problem(shown.clone(), format!("cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(file_problem(
            shown,
            format!(
                "file is larger than {} MiB; fleet files are small text files",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    if bytes.contains(&0) {
        return Err(file_problem(
            shown,
            "binary file (it contains NUL bytes), expected text".into(),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        file_problem(
            shown,
            format!(
                "not valid UTF-8 (at byte {}), expected text",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Read and parse a one-document YAML file; `Ok(None)` when it is empty.
pub(crate) fn read_yaml(root: &Path, path: &Path) -> Result<Option<Node>, Diagnostic> {
    let text = read(root, path)?;
    parse_yaml(display(root, path), &text)
}

pub(crate) fn parse_yaml(file: String, text: &str) -> Result<Option<Node>, Diagnostic> {
    yaml::parse_document(text).map_err(|e| Diagnostic {
        file,
        pos: Some(e.pos),
        field: String::new(),
        message: format!("invalid YAML: {}", e.message),
    })
}

/// The files of `root/sub` with one of `exts`, sorted; an absent folder is
/// empty. Unreadable folders are reported.
pub(crate) fn list(
    root: &Path,
    sub: &str,
    exts: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Vec<PathBuf> {
    let dir = root.join(sub);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            diags.push(file_problem(sub.to_string(), format!("cannot list: {e}")));
            return Vec::new();
        }
    };
    let mut out: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| exts.contains(&e))
        })
        .collect();
    out.sort();
    out
}

/// Normalise `.` and `..` lexically (the path need not exist).
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

/// Resolve `written`, named in `naming_file` (relative to root), against that
/// file's folder.
pub(crate) fn resolve(root: &Path, naming_file: &str, written: &str) -> FleetPath {
    let base = root.join(naming_file);
    let dir = base.parent().unwrap_or(root);
    let resolved = normalize(&dir.join(written));
    let root_n = normalize(root);
    let display = match resolved.strip_prefix(&root_n) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().replace('\\', "/"),
        Ok(_) => ".".to_string(),
        Err(_) => resolved.to_string_lossy().replace('\\', "/"),
    };
    FleetPath {
        written: written.to_string(),
        resolved,
        display,
    }
}

/// Split a Markdown file into its YAML front matter (with blank lines in
/// place of the opening fence, so YAML line numbers are the file's) and
/// its body (with the line the body starts on).
pub(crate) fn front_matter(text: &str) -> Option<(String, &str, u32)> {
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for (line, l) in (2u32..).zip(rest.split_inclusive('\n')) {
        if l.trim_end() == "---" {
            let yaml = format!("\n{}", &rest[..offset]);
            let body = &rest[offset + l.len()..];
            return Some((yaml, body, line + 1));
        }
        offset += l.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_against_the_naming_file() {
        let p = resolve(Path::new("fleet"), "services/a.yaml", "../repos/a");
        assert_eq!(p.resolved, PathBuf::from("fleet/repos/a"));
        assert_eq!(p.display, "repos/a");
        let outside = resolve(Path::new("fleet"), "services/a.yaml", "../../other");
        assert_eq!(outside.resolved, PathBuf::from("other"));
    }

    #[test]
    fn front_matter_keeps_line_numbers() {
        let (yaml, body, body_line) =
            front_matter("---\nkind: Incident\nid: INC-1\n---\n# Title\n").expect("fm");
        assert_eq!(yaml, "\nkind: Incident\nid: INC-1\n");
        assert_eq!(body, "# Title\n");
        assert_eq!(body_line, 5);
        let doc = yaml::parse_document(&yaml).expect("yaml").expect("doc");
        assert_eq!(doc.get("id").expect("id").pos.line, 3);
        assert!(front_matter("# no front matter\n").is_none());
        assert!(front_matter("---\nkind: x\n").is_none());
    }
}
