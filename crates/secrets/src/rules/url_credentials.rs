use super::url_password;
use crate::rule::{Class, Rule, ex, ex_at};

/// A password in any other URL (`https://user:password@host`): basic
/// auth for HTTP, FTP, Git remotes, SMTP, LDAP… including the lines of a
/// `.git-credentials` file, whose user name may itself hold an `@`.
pub static RULE: Rule = Rule {
    id: "url-credentials",
    description: "Password in a URL",
    keywords: &["://"],
    requires: Some(b"@"),
    regex: r#"(?i)\b[a-z][a-z0-9+.\-]{1,30}://([^:/\s'"<>@]+(?:@[^:/\s'"<>@]+)?):([^\s'"<>/]+)@([A-Za-z0-9\[][^\s'"<>/@:,]*)"#,
    secret_group: &[2],
    class: Class::Format,
    check: Some(url_password::check),
    examples: &[
        ex_at(
            ".git-credentials",
            "https://user@example.com:password!#@498@github.com", // relman:allow
        ),
        ex("proxy = http://svc-build:Pr0xyPa55@proxy.corp.internal:3128"), // relman:allow
        ex_at(
            "deploy.sh",
            "git clone https://ci:8d2f0a1b9c3e@git.corp.internal/team/app.git", // relman:allow
        ),
    ],
    counter_examples: &[
        ex("https://user:password@host/path"),
        ex("https://user:pass@proxy.corp.internal"),
        ex("http://localhost:8080/path"),
        ex("https://api.github.com/repos/x"),
        ex("https://deploy:Kq8sT2vL@ci.example.org/x"),
        ex("http://$USER:$PASSWORD@host/"),
    ],
    ..Rule::BASE
};
