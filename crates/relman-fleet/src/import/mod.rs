//! Importers: records written from the tools teams already use.
//!
//! Each importer is a pure conversion from the tool's export to the
//! records of the fleet directory (Markdown with YAML front matter, as
//! DESIGN.md fixes them). Reading the export and writing the files is the
//! command's job (`relman import`).

pub mod playbooks;

use std::path::{Path, PathBuf};

use crate::files;

/// The records already in `dir` (`*.md`), by their `id`: an import finds
/// there the runs it wrote before, whatever their file names now. Files
/// that cannot be read or hold no id are left out.
pub fn ids_in(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut diags = Vec::new();
    files::list(dir, "", &["md", "markdown"], &mut diags)
        .into_iter()
        .filter_map(|path| {
            let text = files::read(dir, &path).ok()?;
            Some((record_id(&text)?, path))
        })
        .collect()
}

/// The `id` in a record's front matter, to recognise a record already
/// imported under another file name; `None` when the text is no record.
pub fn record_id(text: &str) -> Option<String> {
    let (yaml, _, _) = files::front_matter(text)?;
    let doc = relman_core::yaml::parse_document(&yaml).ok()??;
    doc.get("id")?.as_scalar().map(str::to_string)
}

#[cfg(test)]
mod tests {
    // The test writes its own small files.
    #![allow(clippy::disallowed_methods)]

    use super::*;

    #[test]
    fn finds_the_ids_of_a_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.md"), "---\nid: run-a\n---\n").expect("write");
        std::fs::write(dir.path().join("b.md"), "no front matter\n").expect("write");
        std::fs::write(dir.path().join("c.txt"), "---\nid: run-c\n---\n").expect("write");
        let ids = ids_in(dir.path());
        assert_eq!(ids, [("run-a".to_string(), dir.path().join("a.md"))]);
        assert!(ids_in(&dir.path().join("absent")).is_empty());
    }

    #[test]
    fn reads_the_id_of_a_record() {
        assert_eq!(
            record_id("---\nkind: Incident\nid: \"abc\"\n---\nbody\n").as_deref(),
            Some("abc")
        );
        assert_eq!(record_id("# no front matter\n"), None);
        assert_eq!(record_id("---\nkind: [\n---\n"), None);
        assert_eq!(record_id("---\nkind: Incident\n---\n"), None);
    }
}
