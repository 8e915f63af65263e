//! What a file's path says about its content: program source (where only
//! quoted literals are values), lockfiles (full of hashes), public keys, or
//! anything else, read as configuration.

/// The path of the file being scanned, and what kind of file it is.
#[derive(Debug, Clone, Copy)]
pub struct FileInfo<'a> {
    /// As given to the scanner.
    pub path: &'a str,
    /// The last path component.
    pub name: &'a str,
    pub kind: FileKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Program source: a bare word after `password =` is code, not a value.
    Source,
    /// A lockfile or checksum list (`Cargo.lock`, `go.sum`…): its hashes
    /// are not secrets, so the generic rules skip it.
    Lockfile,
    /// Public keys and certificates (`id_rsa.pub`, `known_hosts`, `.crt`).
    PublicKey,
    /// Everything else: configuration, shell, documents, data.
    Config,
}

const SOURCE_EXTENSIONS: &[&str] = &[
    "py", "pyi", "pyx", "js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "java", "kt", "kts",
    "scala", "sc", "groovy", "go", "rs", "c", "h", "cc", "cpp", "cxx", "hh", "hpp", "hxx", "cs",
    "fs", "vb", "rb", "php", "swift", "m", "mm", "pl", "pm", "lua", "dart", "r", "jl", "ex", "exs",
    "erl", "hrl", "hs", "ml", "mli", "clj", "cljs", "elm", "zig", "nim", "v", "sv", "vue",
    "svelte", "coffee", "tf", "tfvars", "hcl", "nomad",
];

const LOCKFILES: &[&str] = &[
    "cargo.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "poetry.lock",
    "pipfile.lock",
    "pdm.lock",
    "uv.lock",
    "go.sum",
    "gemfile.lock",
    "composer.lock",
    "mix.lock",
    "pubspec.lock",
    "packages.lock.json",
    "flake.lock",
    "podfile.lock",
    "package.resolved",
    "gradle.lockfile",
    "sha256sums",
    "sha512sums",
    "md5sums",
];

const PUBLIC_KEY_NAMES: &[&str] = &["authorized_keys", "authorized_keys2", "known_hosts"];
const PUBLIC_KEY_EXTENSIONS: &[&str] = &["pub", "crt", "cer", "csr", "asc", "gpg"];

impl<'a> FileInfo<'a> {
    pub fn new(path: &'a str) -> FileInfo<'a> {
        let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
        let ext = match name.rfind('.') {
            Some(dot) if dot > 0 => &name[dot + 1..],
            _ => "",
        };
        let is = |list: &[&str], s: &str| list.iter().any(|x| x.eq_ignore_ascii_case(s));
        let kind = if is(LOCKFILES, name) || ext.eq_ignore_ascii_case("sum") {
            FileKind::Lockfile
        } else if is(PUBLIC_KEY_NAMES, name) || is(PUBLIC_KEY_EXTENSIONS, ext) {
            FileKind::PublicKey
        } else if is(SOURCE_EXTENSIONS, ext) {
            FileKind::Source
        } else {
            FileKind::Config
        };
        FileInfo { path, name, kind }
    }

    /// Whether the file's name is one of `names` (ASCII case ignored).
    pub fn named(&self, names: &[&str]) -> bool {
        names.iter().any(|n| n.eq_ignore_ascii_case(self.name))
    }

    /// Whether the generic keyword rules read this file.
    pub fn has_free_text(&self) -> bool {
        matches!(self.kind, FileKind::Source | FileKind::Config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_name() {
        assert_eq!(FileInfo::new("src/app.py").kind, FileKind::Source);
        assert_eq!(FileInfo::new("a\\b\\Main.java").kind, FileKind::Source);
        assert_eq!(FileInfo::new("infra/main.tf").kind, FileKind::Source);
        assert_eq!(FileInfo::new("Cargo.lock").kind, FileKind::Lockfile);
        assert_eq!(
            FileInfo::new("web/package-lock.json").kind,
            FileKind::Lockfile
        );
        assert_eq!(FileInfo::new("go.sum").kind, FileKind::Lockfile);
        assert_eq!(FileInfo::new(".ssh/id_rsa.pub").kind, FileKind::PublicKey);
        assert_eq!(FileInfo::new("known_hosts").kind, FileKind::PublicKey);
        assert_eq!(FileInfo::new(".env").kind, FileKind::Config);
        assert_eq!(FileInfo::new("config").kind, FileKind::Config);
        assert_eq!(FileInfo::new("values.yaml").kind, FileKind::Config);
        assert_eq!(FileInfo::new("db/.pgpass").name, ".pgpass");
    }
}
