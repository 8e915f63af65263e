//! What a detection rule is made of. Every rule is a `static` of this type
//! in its own file under `rules/`, and `rules/mod.rs` lists them all.

use std::fmt;
use std::ops::Range;

use regex::bytes::CaptureLocations;

use crate::file::FileInfo;

/// One detection rule: how to find a kind of secret, and its own examples.
pub struct Rule {
    /// Stable kebab-case id, e.g. `aws-access-key-id`. Baselines and
    /// reports key on it: renaming one is a breaking change.
    pub id: &'static str,
    /// What the secret is, e.g. `AWS access key ID`.
    pub description: &'static str,
    /// Literals for the prefilter: the regex only runs where one of them
    /// occurs. Empty means the rule reads whole files, and then it must be
    /// limited to some files by [`Rule::applies`].
    pub keywords: &'static [&'static str],
    /// Whether the keywords must occur with this exact case.
    pub case_sensitive: bool,
    /// A literal the text around a keyword must also hold for the regex to
    /// run (`@` for a password in a URL): a cheap test that spares most
    /// regex searches on lines where the keyword is common.
    pub requires: Option<&'static [u8]>,
    /// The pattern, compiled for bytes with Unicode off (`.` and classes
    /// match any byte, `\s` and `\w` are ASCII, `(?i)` is ASCII-only).
    pub regex: &'static str,
    /// The capture groups that hold the secret: the first one that took
    /// part in the match is the secret. Surrounding quotes are dropped.
    pub secret_group: &'static [usize],
    /// Shannon entropy (bits per byte) the secret must reach, if any.
    pub min_entropy: Option<f64>,
    /// Where the regex runs around a keyword.
    pub scope: Scope,
    /// How much the match is trusted when two rules claim the same bytes.
    pub class: Class,
    /// The files the rule reads; `None` is every file.
    pub applies: Option<fn(&FileInfo<'_>) -> bool>,
    /// A quick look at the matched text before its groups are computed
    /// (which costs more than finding the match); `false` drops it.
    pub screen: Option<fn(&[u8]) -> bool>,
    /// A last test of a match the regex found; `false` drops it.
    pub check: Option<fn(&Candidate<'_>) -> bool>,
    /// Turns one regex match into the secrets it points to (absolute byte
    /// ranges in the file), for secrets the regex cannot delimit alone,
    /// such as the values under a Kubernetes Secret's `data:`. Returns the
    /// end of the text it read: the rule's keywords before it are skipped.
    pub expand: Option<Expand>,
    /// Texts the rule must find (each through the whole scanner).
    pub examples: &'static [Example],
    /// Texts no rule may find.
    pub counter_examples: &'static [Example],
}

/// See [`Rule::expand`]: the file, the regex match, and where to put the
/// secrets' byte ranges; returns the end of the text read.
pub type Expand = fn(&[u8], Range<usize>, &mut Vec<Range<usize>>) -> usize;

impl Rule {
    /// The defaults every rule starts from (`..Rule::BASE`).
    pub const BASE: Rule = Rule {
        id: "",
        description: "",
        keywords: &[],
        case_sensitive: false,
        requires: None,
        regex: "",
        secret_group: &[1],
        min_entropy: None,
        scope: Scope::Line,
        class: Class::Provider,
        applies: None,
        screen: None,
        check: None,
        expand: None,
        examples: &[],
        counter_examples: &[],
    };
}

/// Rules hold only their own made-up examples, but `Debug` shows the id
/// and description alone so no listing ever prints a token-shaped string.
impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

/// Where a rule's regex runs once a keyword is seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The line holding the keyword.
    Line,
    /// From the start of the keyword's line to the end of the line holding
    /// the next `until` (at most `max` bytes on; no `until` that close, no
    /// match): for secrets that span lines (PEM blocks, PuTTY keys).
    Block { max: usize, until: &'static [u8] },
}

/// How specific a rule is. When two matches overlap, the more specific
/// class wins, then the rule listed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// A keyword and a value that looks like a secret: the fallback.
    Generic,
    /// A known file or syntax holding a credential (URLs, `.pgpass`, Secret
    /// manifests, password hashes).
    Format,
    /// A provider's token format (`ghp_…`, `AKIA…`, PEM blocks).
    Provider,
}

/// A text a rule is tested on, with the path it is scanned as.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    pub path: &'static str,
    pub text: &'static str,
}

impl Example {
    /// The same text, scanned as `path`.
    pub const fn at(self, path: &'static str) -> Example {
        Example { path, ..self }
    }
}

/// An example scanned as `settings.conf`.
pub const fn ex(text: &'static str) -> Example {
    Example {
        path: "settings.conf",
        text,
    }
}

/// An example scanned as `path`.
pub const fn ex_at(path: &'static str, text: &'static str) -> Example {
    Example { path, text }
}

/// A regex match offered to a rule's [`Rule::check`].
pub struct Candidate<'a> {
    pub(crate) file: &'a FileInfo<'a>,
    pub(crate) hay: &'a [u8],
    pub(crate) locs: &'a CaptureLocations,
    pub(crate) secret: &'a [u8],
    pub(crate) quoted: bool,
}

impl<'a> Candidate<'a> {
    /// The file being scanned.
    pub fn file(&self) -> &FileInfo<'a> {
        self.file
    }

    /// The bytes of capture group `i`, if it took part.
    pub fn group(&self, i: usize) -> Option<&'a [u8]> {
        self.locs.get(i).map(|(s, e)| &self.hay[s..e])
    }

    /// The first of `groups` that took part.
    pub fn first_group(&self, groups: &[usize]) -> Option<&'a [u8]> {
        groups.iter().find_map(|&i| self.group(i))
    }

    /// The text the regex ran on: the keyword's line for line rules.
    pub fn text(&self) -> &'a [u8] {
        self.hay
    }

    /// The secret, without surrounding quotes.
    pub fn secret(&self) -> &'a [u8] {
        self.secret
    }

    /// Whether the secret was written between quotes.
    pub fn quoted(&self) -> bool {
        self.quoted
    }
}
