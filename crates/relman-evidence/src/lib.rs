//! Collecting evidence: the only step of the pipeline that does I/O.
//!
//! Each collector reads one kind of source (a repository checkout today;
//! metrics endpoints, logs and the Prometheus API as their checks arrive)
//! and turns it into plain values from `relman_core::evidence`. Collection
//! is concurrent and bounded: at most [`Limits::concurrency`] services are
//! collected at once, every read has a timeout, and a source that cannot be
//! read becomes a value saying so (with the path or URL and the error). A
//! collector never panics and never stops the collection of other services.

mod repo;

use std::time::Duration;

use futures::StreamExt;
use relman_core::evidence::{FleetEvidence, ServiceEvidence};
use relman_core::fleet::{Fleet, Service};

/// Bounds on collection.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Services collected at once.
    pub concurrency: usize,
    /// The longest a single read may take.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            concurrency: 64,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Collect the evidence of every service, in the order given.
pub async fn collect_services(
    fleet: &Fleet,
    services: &[&Service],
    limits: &Limits,
) -> Vec<ServiceEvidence> {
    futures::stream::iter(services.iter())
        .map(|s| collect_service(fleet, s, limits))
        .buffered(limits.concurrency.max(1))
        .collect()
        .await
}

/// Collect one service's evidence.
pub async fn collect_service(fleet: &Fleet, service: &Service, limits: &Limits) -> ServiceEvidence {
    let _ = fleet;
    ServiceEvidence {
        repo: repo::collect(service, limits).await,
    }
}

/// Collect what is observed about the fleet as a whole.
pub async fn collect_fleet(_fleet: &Fleet, _limits: &Limits) -> FleetEvidence {
    FleetEvidence::default()
}
