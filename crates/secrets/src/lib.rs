//! Secrets committed to a repository, found without ever exposing one.
//!
//! Manifesto rule S-3 says secrets belong in a secret manager (Vault, AWS
//! Secrets Manager), not in Git. Judging that needs a scan of the
//! repository's files for what looks like a credential: provider tokens
//! (`ghp_…`, `AKIA…`, `xoxb-…`), private keys, passwords in URLs and
//! connection strings, credential files (`.netrc`, `.pgpass`, Docker's
//! `config.json`, `.npmrc`), Kubernetes Secret manifests, password hashes,
//! and any key named like a secret that is assigned a literal value. This
//! crate does that scan; it depends on no other relman crate.
//!
//! # What it does
//!
//! - [`Scanner::scan`] reads one file's bytes (UTF-8 or not). One pass of
//!   a SIMD multi-literal search over every rule's keywords (ASCII case
//!   ignored) finds the lines where a secret may be; only the rules whose
//!   keywords occur there run their regex (`regex::bytes`), on that line
//!   (or the block that follows, for multi-line keys). Each match then passes the [`filter`]s of what is not a
//!   secret: documentation examples (`AKIAIOSFODNN7EXAMPLE`, `your_token`,
//!   `<password>`), placeholders (`${VAR}`, `{{ .Values.x }}`),
//!   references (`os.environ[…]`, `secretKeyRef`, `vault:…`, ARNs),
//!   digests (`sha256:…`, lockfile hashes) and public keys.
//! - [`scan_tree`] walks a directory in parallel the way Git sees it
//!   (`.gitignore` honoured, dotfiles read, `.git` skipped, symlinks not
//!   followed, binaries and oversized files skipped).
//! - [`rules()`] lists the rules, with their descriptions and examples,
//!   for listings such as `relman explain`.
//!
//! Rules come in three [`Class`]es, and when two find the same bytes the
//! more specific wins: provider token formats and key files; known
//! credential formats (URLs with a password, `.netrc`, `.pgpass`,
//! `.npmrc`, Docker `auth`, connection strings, password hashes, Secret
//! manifests, `Authorization` headers); and the keyword rules, which
//! find `password`-like keys assigned a literal, and `secret`/`token`/
//! `key`-like keys assigned a value that passes an entropy test
//! calibrated on real text ([`entropy`]). In program source only quoted
//! literals are values; in lockfiles and public keys the keyword rules do
//! not run. Each rule lives in its own file under `src/rules/`, with its
//! examples and counter-examples, which the tests run through the whole
//! scanner; `src/rules/mod.rs` lists them.
//!
//! Positions are 1-based; columns count bytes. A finding points at the
//! start of the secret, except for a private key or PuTTY key, where it
//! points at the `BEGIN` (or `PuTTY-User-Key-File`) line and the secret
//! is the key's body.
//!
//! A line holding `relman:allow`, `gitleaks:allow` or `pragma: allowlist
//! secret` reports nothing; `relman:allow` also silences the line below
//! it, for lines that cannot hold a comment.
//!
//! # What it must not do
//!
//! It must never expose a secret it found. A [`Match`] holds the rule, the
//! position, a redacted form (at most 4 leading and 2 trailing characters,
//! never more than a quarter of the secret) and a short SHA-256 hash; no
//! public field, `Debug` output or error message holds the secret itself.
//! It never panics on input, never follows a symlink out of the tree, and
//! reads each file once into a buffer capped at
//! [`TreeOptions::max_file_bytes`]. It never talks to the network: a
//! token is reported because of its shape, never checked against its
//! provider.

mod base64;
pub mod entropy;
mod file;
pub mod filter;
mod redact;
mod rule;
mod rules;
mod scan;
mod tree;

pub use file::{FileInfo, FileKind};
pub use rule::{Candidate, Class, Example, Expand, Rule, Scope};
pub use scan::{RuleError, Scanner};
pub use tree::{FileMatch, TreeOptions, TreeScan, scan_tree};

/// One secret found in a file. It never holds the secret itself: only
/// where it is, a redacted form and a hash, so `Debug` is safe to print.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Match {
    /// The rule's id, e.g. `aws-access-key-id`.
    pub rule: &'static str,
    /// The rule's description, e.g. `AWS access key ID`.
    pub description: &'static str,
    /// 1-based line of the secret (of the `BEGIN` line for a key block).
    pub line: u32,
    /// 1-based column, in bytes.
    pub column: u32,
    /// e.g. `AKIA…ML`: at most 4 leading and 2 trailing characters, and
    /// never more than a quarter of the secret.
    pub redacted: String,
    /// `sha256:` and the first 16 hex digits of the SHA-256 of the
    /// secret's bytes: the same secret gives the same hash in every file.
    pub hash: String,
}

/// One built-in scanner for all tests (building one takes a while in
/// debug builds).
#[cfg(test)]
pub(crate) fn test_scanner() -> &'static Scanner {
    static SCANNER: std::sync::OnceLock<Scanner> = std::sync::OnceLock::new();
    SCANNER.get_or_init(Scanner::builtin)
}

/// Every built-in rule, in the order the scanner tries them.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    rules::RULES.iter().copied()
}
