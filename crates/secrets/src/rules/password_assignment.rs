use super::keyword::{self, KeyKind, VALUE_GROUPS, assignment_regex};
use crate::rule::{Candidate, Class, Rule, ex, ex_at};

/// A password assigned to a key whose name says password (`password`,
/// `DB_PASSWORD`, `$dbpasswd`, `sshPassphrase`, `IRC_PASS`, `<Pass>`), in
/// configuration, shell, JSON, YAML, XML, INI, or as a quoted literal in
/// program source. Weak passwords are found too: any literal that is not
/// a placeholder, a reference, a documentation word or a sentence.
pub static RULE: Rule = Rule {
    id: "password-assignment",
    description: "Password assigned in a file",
    keywords: &["pass", "pwd"],
    regex: assignment_regex!("(?:pass|pwd)"),
    secret_group: VALUE_GROUPS,
    class: Class::Generic,
    applies: Some(super::free_text),
    screen: Some(|m| keyword::screen(m) == Some(KeyKind::Password)),
    check: Some(check),
    examples: &[
        ex_at("web/var/www/.env", "DB_PASSWORD=admin123"),
        ex_at("wp-config.php", "define( 'DB_PASSWORD', 'admin' );"), // relman:allow
        ex_at("config.php", "    $dbpasswd = 'pass123';"),           // relman:allow
        ex_at(".vscode/sftp.json", "    \"password\": \"swordfish!23\""),
        ex_at(
            "robomongo.json",
            "      \"sshPassphrase\" : \"SSHPass123\",",
        ),
        ex_at(
            "filezilla.xml",
            "<Pass encoding=\"base64\">NjllNWU5ZWMwZDU0MmU5Y2QwOTY4MWM5YzZhMDdk</Pass>", // relman:allow
        ),
        ex_at("ventrilo_srv.ini", "AdminPassword=AdminPassword123"),
        ex_at(
            "app/settings.py",
            "DATABASES = {'default': {'PASSWORD': 'Zq9!xT4mW'}}", // relman:allow
        ),
        ex_at(
            "application.properties",
            "spring.datasource.password=k2Jx9qLm",
        ),
        ex_at(
            "deploy.sh",
            "mysql -u root --password=Tr0ub4dor3 app < dump.sql",
        ),
    ],
    counter_examples: &[
        ex("password: password"),
        ex("password = ${DB_PASSWORD}"),
        ex("RDS_PASSWORD='dummy-pass'"),
        ex("password: <password>"),
        ex("password: the one you chose at install"),
        ex_at("app.py", "password = os.environ['DB_PASSWORD']"),
        ex_at("app.py", "password = getpass.getpass()"),
        ex_at("app.py", "if password == \"hunter22\":"),
        ex_at("app.js", "const password = process.env.DB_PASSWORD;"),
        ex_at("app.py", "self.password = password"),
        ex("passwordField: \"password\""),
        ex("password_file=/run/secrets/db"),
        ex("bypass_cache = enabledForAll"),
        ex("password:"),
        ex("password: \"\""),
        ex_at("values.yaml", "password: {{ .Values.password }}"),
        ex_at(
            "deploy.yaml",
            "- name: DB_PASSWORD\n  valueFrom:\n    secretKeyRef: {name: db, key: password}",
        ),
    ],
    ..Rule::BASE
};

fn check(c: &Candidate<'_>) -> bool {
    keyword::assignment(c) == Some(KeyKind::Password) && keyword::password_value(c.secret())
}
