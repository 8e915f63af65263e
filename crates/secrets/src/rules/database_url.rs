use super::url_password;
use crate::rule::{Class, Rule, ex, ex_at};

/// A database or broker URL with a password in it: PostgreSQL, MySQL,
/// MariaDB, MongoDB (also `+srv`), Redis, AMQP, SQL Server, CockroachDB,
/// ClickHouse, with or without a driver suffix (`postgresql+psycopg2://`).
pub static RULE: Rule = Rule {
    id: "database-url",
    description: "Database URL with a password",
    keywords: &["://"],
    requires: Some(b"@"),
    regex: r#"(?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb|rediss?|amqps?|mssql|sqlserver|cockroachdb|clickhouse)(?:\+[a-z0-9]+)?://([^:@/\s'"<>]*):([^\s'"<>/]+)@([A-Za-z0-9\[][^\s'"<>/@:,]*)"#,
    secret_group: &[2],
    class: Class::Format,
    check: Some(url_password::check),
    examples: &[
        ex_at(
            "db/mongoid.yml",
            r#"      uri: "mongodb://testuser:testpass@ds048537.mongolab.com:48537/main""#, // relman:allow
        ),
        ex("DATABASE_URL=postgres://app:Zq9!xT4@db.internal:5432/app"), // relman:allow
        ex_at(
            "settings.py",
            "SQLALCHEMY_URL = 'postgresql+psycopg2://etl:s3cr3t-Pa55@10.0.4.12/warehouse'", // relman:allow
        ),
        ex("REDIS_URL=redis://:R3d1sPa55w0rd@cache.prod.internal:6379/0"), // relman:allow
        ex("mongodb+srv://svc:Qm7%40xP2k@cluster0.ab1cd.mongodb.net/app?retryWrites=true"), // relman:allow
        ex_at(
            "db.go",
            "dsn := \"mysql://app:zKkbtWqS1OvwWwVeKpGwwp@db.dev.example.com:3306/app\"", // relman:allow
        ),
    ],
    counter_examples: &[
        ex("DATABASE_URL=postgres://user:password@localhost/db"),
        ex("DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app"),
        ex("DATABASE_URL=postgres://app:<password>@db/app"),
        ex("DATABASE_URL=postgres://app@db/app"),
        ex("DATABASE_URL=mysql://root:Xk29fhQ@db.example.com/app"),
    ],
    ..Rule::BASE
};
