//! Collecting evidence: the only step of the pipeline that does I/O.
//!
//! Each collector reads one kind of source (a repository checkout today;
//! metrics endpoints, logs and the Prometheus API as their checks arrive)
//! and turns it into plain values from `relman_core::evidence`. Collection
//! is concurrent and bounded: at most [`Limits::concurrency`] services are
//! collected at once, every read has a timeout, and a source that cannot be
//! read becomes a value saying so (with the path or URL and the error). A
//! collector never panics and never stops the collection of other services.

mod helm;
mod iam;
mod logs;
mod manifests;
pub mod metrics;
mod prometheus;
mod repo;
pub use repo::RepoParts;
pub mod sarif;
pub mod secrets;
mod terraform;

pub use terraform::scan_cloud;

use std::time::Duration;

use futures::StreamExt;
use relman_core::evidence::{FleetEvidence, RepoEvidence, ServiceEvidence};
use relman_core::fleet::{Fleet, Service};

/// Bounds on collection.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Services collected at once (and so scrapes in flight).
    pub concurrency: usize,
    /// The longest a single read (a whole scrape, a file) may take.
    pub timeout: Duration,
    /// The longest a TCP connection may take to open.
    pub connect_timeout: Duration,
    /// The largest body or capture read; beyond it the read stops.
    pub max_body_bytes: u64,
    /// Redirects followed by a scrape.
    pub max_redirects: usize,
    /// The longest a repo scan (files, secrets, manifests, Terraform) may take.
    pub repo_scan_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            concurrency: 64,
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(3),
            max_body_bytes: 32 * 1024 * 1024,
            max_redirects: 5,
            repo_scan_timeout: Duration::from_secs(300),
        }
    }
}

/// Collect the evidence of every service, in the order given.
pub async fn collect_services(
    fleet: &Fleet,
    services: &[&Service],
    limits: &Limits,
) -> Vec<ServiceEvidence> {
    let scraper = match metrics::Scraper::new(limits) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::error!(error = %e, "no HTTP client: live metrics cannot be scraped");
            None
        }
    };
    futures::stream::iter(services.iter())
        .map(|s| collect_service(fleet, s, scraper.as_ref(), limits))
        .buffered(limits.concurrency.max(1))
        .collect()
        .await
}

/// Collect one service's evidence.
pub async fn collect_service(
    _fleet: &Fleet,
    service: &Service,
    scraper: Option<&metrics::Scraper>,
    limits: &Limits,
) -> ServiceEvidence {
    let (repo, metrics, logs, security_reports) = futures::join!(
        repo::collect(service, limits),
        metrics::collect(service, scraper, limits),
        logs::collect(_fleet, service),
        sarif::collect(service, limits)
    );
    ServiceEvidence {
        repo,
        metrics,
        logs,
        security_reports,
    }
}

/// Collect a service's repo alone (`relman scan`).
pub async fn collect_repo(service: &Service, limits: &Limits, parts: RepoParts) -> RepoEvidence {
    repo::collect_parts(service, limits, parts).await
}

/// Collect what is observed about the fleet as a whole.
pub async fn collect_fleet(fleet: &Fleet, limits: &Limits) -> FleetEvidence {
    FleetEvidence {
        prometheus: prometheus::collect(fleet, limits).await,
    }
}

/// The files of a repo with one of `exts`, walked the way users expect
/// (what Git ignores and hidden folders are skipped), each at most
/// `max_bytes`, with how each is shown in messages (`location/rel/path`).
pub(crate) fn repo_files<'a>(
    root: &'a std::path::Path,
    location: &'a str,
    exts: &'a [&'a str],
    max_bytes: u64,
) -> impl Iterator<Item = (std::path::PathBuf, String)> + 'a {
    // `.gitignore` files are read as custom ignore files, from the repo
    // down: ignore files above the repo and the user's global excludes are
    // not read, so the same checkout gives the same answer on every
    // machine; and the `ignore` crate's Git mode, which compiles a matcher
    // for every folder above the repo on every walk, is not needed.
    ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(false)
        .git_global(false)
        .git_exclude(false)
        .ignore(false)
        .add_custom_ignore_filename(".gitignore")
        .parents(false)
        .require_git(false)
        .follow_links(false)
        .max_filesize(Some(max_bytes))
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .filter(move |p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
        })
        .map(move |p| {
            let rel = p.strip_prefix(root).unwrap_or(&p);
            let shown = format!("{location}/{}", rel.to_string_lossy().replace('\\', "/"));
            (p, shown)
        })
}

/// A path as text with `.` and `..` folded, for stripping from messages.
pub(crate) fn normalize_display(p: &std::path::Path) -> String {
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out.to_string_lossy().replace('\\', "/")
}

/// Read a small text file with a size cap (blocking: call from a blocking
/// task). The error is a short reason, without the path.
pub(crate) fn read_text(path: &std::path::Path, cap: u64) -> Result<String, String> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| metrics::io_message(&e))?;
    let mut buf = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| metrics::io_message(&e))?;
    if buf.len() as u64 > cap {
        return Err(format!("larger than {} bytes", cap));
    }
    String::from_utf8(buf).map_err(|_| "not UTF-8 text".to_string())
}
