//! Secrets found in a repository (S-3). Only the redacted form and a hash
//! of a secret ever leave the scanner: nothing here holds the secret itself.

/// The outcome of the repo's secret scan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SecretFacts {
    /// Set when the scan could not run to its end (a timeout): the reason.
    pub error: Option<String>,
    /// Every secret found, in path then line order.
    pub found: Vec<SecretFound>,
    /// How many files were read, and their bytes.
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// Files not read (too large, unreadable), with the reason.
    pub skipped: Vec<(String, String)>,
    /// Problems with the baseline file, as `file:line:col: message`.
    pub baseline_problems: Vec<String>,
    /// The baseline file read, when there is one.
    pub baseline: Option<String>,
    /// Baseline entries that match no secret any more, as messages.
    pub stale_baseline: Vec<String>,
}

/// One secret.
#[derive(Debug, Clone, PartialEq)]
pub struct SecretFound {
    /// The detection rule, e.g. `aws-access-key-id`.
    pub kind: String,
    /// What it is, e.g. `AWS access key ID`.
    pub description: String,
    /// As shown in messages (the repo location joined with the path).
    pub file: String,
    /// Relative to the repo root, `/`-separated: what baselines key on.
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// e.g. `AKIA…MPLE`: never the whole secret.
    pub redacted: String,
    /// `sha256:` and the first 16 hex digits of the secret's SHA-256.
    pub hash: String,
    /// Set when a baseline entry covers this secret.
    pub baselined: Option<BaselineCover>,
}

/// The baseline entry that covers a secret.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineCover {
    pub reason: String,
    pub expires: chrono::NaiveDate,
    /// `file:line` of the entry.
    pub at: String,
}
