//! Importers: records written from the tools teams already use.
//!
//! Each importer is a pure conversion from the tool's export to the
//! records of the fleet directory (Markdown with YAML front matter, as
//! DESIGN.md fixes them). Reading the export and writing the files is the
//! command's job (`relman import`).

pub mod playbooks;

use crate::files;

/// The `id` in a record's front matter, to recognise a record already
/// imported under another file name; `None` when the text is no record.
pub fn record_id(text: &str) -> Option<String> {
    let (yaml, _, _) = files::front_matter(text)?;
    let doc = relman_core::yaml::parse_document(&yaml).ok()??;
    doc.get("id")?.as_scalar().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

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
