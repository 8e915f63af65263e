use crate::filter;
use crate::rule::{Candidate, Class, Rule, ex, ex_at};

/// The password of an ADO.NET, ODBC or JDBC-style connection string
/// (`Server=…;User Id=…;Password=…;`), in any file, including a string
/// literal in program source.
pub static RULE: Rule = Rule {
    id: "connection-string-password",
    description: "Password in a connection string",
    keywords: &["password", "pwd"],
    regex: r#"(?i)(?:server|data source|address|uid|user id|host)[ \t]*=[^;"'\r\n]*;(?:[^;"'\r\n]*;)*?[ \t]*(?:password|pwd)[ \t]*=[ \t]*([^;"'\r\n]+)"#,
    class: Class::Format,
    check: Some(check),
    examples: &[
        ex_at(
            "Data/Db.cs",
            "var cs = \"Server=sql01;Database=app;User Id=sa;Password=Passw0rd!2024;\";", // relman:allow
        ),
        ex("ConnectionStrings__Main=Data Source=db;Initial Catalog=app;UID=app;PWD=k2Jx9qLm;"), // relman:allow
    ],
    counter_examples: &[
        ex_at(
            "Data/Db.cs",
            "var cs = $\"Server={host};User Id={user};Password={password};\";",
        ),
        ex("Server=db;User Id=app;Password=;"),
    ],
    ..Rule::BASE
};

fn check(c: &Candidate<'_>) -> bool {
    let v = c.secret().trim_ascii();
    !v.is_empty() && !filter::common_word(v) && !filter::not_a_secret(v)
}
