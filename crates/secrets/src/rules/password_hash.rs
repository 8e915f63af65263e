use crate::rule::{Class, Rule, ex, ex_at};

/// A password hash in crypt(3) or LDAP form: bcrypt (`$2y$`), SHA-crypt
/// (`$5$`, `$6$`), MD5-crypt (`$1$`, Apache `$apr1$`), Argon2, `{SSHA}`.
/// Lines of `/etc/shadow` and `.htpasswd`, user tables in SQL dumps: a
/// leaked hash can be cracked offline, and weak passwords fall fast.
pub static RULE: Rule = Rule {
    id: "password-hash",
    description: "Password hash",
    keywords: &[
        "$2a$", "$2b$", "$2y$", "$2x$", "$1$", "$5$", "$6$", "$apr1$", "$argon2", "{SSHA", "{SHA}",
    ],
    case_sensitive: true,
    regex: r"(\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}|\$(?:1|apr1)\$[./A-Za-z0-9]{1,8}\$[./A-Za-z0-9]{22}|\$5\$(?:rounds=[0-9]+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43}|\$6\$(?:rounds=[0-9]+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{86}|\$argon2(?:id|i|d)\$v=[0-9]+\$m=[0-9]+,t=[0-9]+,p=[0-9]+\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{16,}|\{SSHA(?:512)?\}[A-Za-z0-9+/]{27,}={0,2}|\{SHA\}[A-Za-z0-9+/]{27}=)",
    class: Class::Format,
    min_entropy: Some(3.0),
    examples: &[
        ex_at(
            "etc/shadow",
            concat!(
                "ubuntu:$6$",
                "LnUhhUi45srUKt9i$4Hp6VRTOB2mxvsYH8mwsCfBryg6hCbm4JJjV26KplN8ewZ7EUVqQDkLKDW.O8XRHx.B76JkwXtyD3wnAXEuZN1:0:99999:7:::"
            ),
        ),
        ex_at(
            ".htpasswd",
            concat!("admin:$apr1$", "tp8glkbm$fjg65tI1eipoBh62aEjIy0"),
        ),
        ex_at(
            "db/dump.sql",
            concat!(
                "(1, 'rogers63', '$2y$",
                "12$s.YfVZdfvAuO/Iz6fte5iO..ZbbEgreZnDcYOGvX4NGJskYQIstcG', 1),"
            ),
        ),
        ex_at(
            "ldap.ldif",
            concat!(
                "userPassword: {SSHA}",
                "dGhpcyBpcyBub3QgYSByZWFsIGhhc2ggYXQgYWxs"
            ),
        ),
    ],
    counter_examples: &[
        ex_at("shadow", "daemon:*:17431:0:99999:7:::"),
        ex_at("fix.pl", "s/(a)(b)/$1$2/g"),
        ex("bcrypt hashes start with $2y$ and a cost"),
    ],
    ..Rule::BASE
};
