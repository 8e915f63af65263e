//! Evidence: what the collectors observed, handed to the checks.
//!
//! Collectors (crate `relman-evidence`) fill these values; checks read them
//! and never do I/O themselves. A source that was not given is distinct from
//! a source that could not be read: the first makes a check `unverified`, the
//! second `error`, with the message.

/// Everything observed about the fleet as a whole (Prometheus, cost...).
#[derive(Debug, Clone, Default)]
pub struct FleetEvidence {}

/// Everything observed about one service.
#[derive(Debug, Clone, Default)]
pub struct ServiceEvidence {
    pub repo: RepoEvidence,
}

/// The service's repository checkout.
#[derive(Debug, Clone, Default)]
pub enum RepoEvidence {
    /// The descriptor names no repo.
    #[default]
    NotGiven,
    /// The descriptor names a repo that cannot be read.
    Unreadable {
        location: String,
        error: String,
    },
    Present(RepoFacts),
}

#[derive(Debug, Clone, Default)]
pub struct RepoFacts {
    /// The repo as shown in messages (relative to the fleet directory).
    pub location: String,
    /// `docs.architecture`, when the descriptor names it.
    pub architecture_doc: Option<FileFact>,
    /// `docs.runbooks`, when the descriptor names it.
    pub runbooks: Option<FileFact>,
}

/// A file or folder named in a descriptor, and what was found there.
#[derive(Debug, Clone, PartialEq)]
pub struct FileFact {
    /// As shown in messages: the repo location joined with the path.
    pub location: String,
    pub state: FileState,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FileState {
    Missing,
    /// A regular file of this many bytes.
    File {
        bytes: u64,
    },
    /// A folder holding this many entries.
    Dir {
        entries: u64,
    },
    Unreadable(String),
}
