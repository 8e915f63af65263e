use crate::file::FileInfo;
use crate::rule::{Class, Rule, ex_at};

/// The password field of a PostgreSQL password file (`.pgpass`,
/// `pgpass.conf`): `host:port:database:user:password`.
pub static RULE: Rule = Rule {
    id: "pgpass-password",
    description: "Password in a .pgpass file",
    regex: r"(?m)^[^#:\r\n][^:\r\n]*:(?:[0-9]+|\*):[^:\r\n]*:[^:\r\n]*:([^\r\n]+)$",
    class: Class::Format,
    applies: Some(pgpass),
    examples: &[ex_at(
        "db/.pgpass",
        "#hostname:port:database:username:password\nlocalhost:5432:database:root:password\n",
    )],
    counter_examples: &[
        ex_at("db/.pgpass", "#hostname:port:database:username:password\n"),
        ex_at("notes.txt", "localhost:5432:database:root:Zq9xT4mW"),
    ],
    ..Rule::BASE
};

fn pgpass(f: &FileInfo<'_>) -> bool {
    f.named(&[".pgpass", "pgpass.conf"])
}
