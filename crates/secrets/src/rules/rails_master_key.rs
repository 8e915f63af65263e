use crate::file::FileInfo;
use crate::rule::{Class, Rule, ex_at};

/// A Rails master key (`config/master.key`, `config/credentials/*.key`):
/// it decrypts every credential of the app's encrypted credentials file.
pub static RULE: Rule = Rule {
    id: "rails-master-key",
    description: "Rails master key",
    regex: r"\A\s*([0-9a-f]{32})\s*\z",
    class: Class::Format,
    applies: Some(key_file),
    examples: &[ex_at(
        "web/config/master.key",
        "3ebf21f8e5d1ab86b27a720842c3bb56\n",
    )],
    counter_examples: &[
        ex_at("web/config/master.key", "<paste the key here>\n"),
        ex_at("notes.txt", "3ebf21f8e5d1ab86b27a720842c3bb56\n"),
    ],
    ..Rule::BASE
};

fn key_file(f: &FileInfo<'_>) -> bool {
    f.named(&["master.key"])
        || (f.name.ends_with(".key") && f.path.replace('\\', "/").contains("config/credentials/"))
}
