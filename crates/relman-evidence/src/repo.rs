//! The repository checkout named by a descriptor's `repo`.

use std::path::Path;

use relman_core::cloud::{CloudFacts, Place, Problem};
use relman_core::evidence::{
    FileFact, FileState, LogRetentionFacts, MetricsPortFacts, RepoEvidence, RepoFacts,
};
use relman_core::fleet::Service;
use relman_core::k8s::{K8sFacts, ManifestProblem};
use relman_core::secrets::SecretFacts;
use tokio::time::timeout;

use crate::Limits;

/// Which readers of a repo to run: all of them for an audit; `relman scan
/// --rule` runs only those its rules need.
#[derive(Debug, Clone, Copy)]
pub struct RepoParts {
    /// Every file, for secrets (S-3).
    pub secrets: bool,
    /// YAML: Kubernetes manifests, Helm charts, Loki (S-2, S-4, D-5, O-5, O-7).
    pub manifests: bool,
    /// Terraform and IAM policy JSON (S-2, S-4, S-5, O-5).
    pub terraform: bool,
}

impl RepoParts {
    pub const ALL: RepoParts = RepoParts {
        secrets: true,
        manifests: true,
        terraform: true,
    };
}

pub(crate) async fn collect(service: &Service, limits: &Limits) -> RepoEvidence {
    collect_parts(service, limits, RepoParts::ALL).await
}

pub(crate) async fn collect_parts(
    service: &Service,
    limits: &Limits,
    parts: RepoParts,
) -> RepoEvidence {
    let Some(repo) = &service.repo else {
        return RepoEvidence::NotGiven;
    };
    let location = repo.display.clone();
    match timeout(limits.timeout, tokio::fs::metadata(&repo.resolved)).await {
        Err(_) => {
            return RepoEvidence::Unreadable {
                location,
                error: format!("timed out after {:?}", limits.timeout),
            };
        }
        Ok(Err(e)) => {
            tracing::debug!(service = %service.name, repo = %location, error = %e, "repo unreadable");
            return RepoEvidence::Unreadable {
                location,
                error: io_message(&e),
            };
        }
        Ok(Ok(meta)) if !meta.is_dir() => {
            return RepoEvidence::Unreadable {
                location,
                error: "not a directory".into(),
            };
        }
        Ok(Ok(_)) => {}
    }
    let architecture_doc = match &service.docs.architecture {
        Some(p) => Some(fact(&repo.resolved, &location, p, limits).await),
        None => None,
    };
    let runbooks = match &service.docs.runbooks {
        Some(p) => Some(fact(&repo.resolved, &location, p, limits).await),
        None => None,
    };
    let root = repo.resolved.clone();
    let shown = location.clone();
    let name = service.name.clone();
    let baseline = service.secrets_baseline.clone();
    // Walking and parsing the repo's files is blocking work.
    let scan = tokio::task::spawn_blocking(move || {
        scan_files(&root, &shown, &name, baseline.as_deref(), parts)
    });
    let scanned = match timeout(limits.repo_scan_timeout, scan).await {
        Ok(Ok(facts)) => facts,
        Ok(Err(e)) => Scanned::failed(&location, format!("the repo scan failed: {e}")),
        Err(_) => Scanned::failed(
            &location,
            format!(
                "the repo scan timed out after {:?}",
                limits.repo_scan_timeout
            ),
        ),
    };
    RepoEvidence::Present(RepoFacts {
        location,
        architecture_doc,
        runbooks,
        metrics_ports: scanned.metrics_ports,
        log_retention: scanned.log_retention,
        k8s: scanned.k8s,
        cloud: scanned.cloud,
        secrets: scanned.secrets,
    })
}

/// What one pass over the repo's files found.
struct Scanned {
    metrics_ports: MetricsPortFacts,
    log_retention: LogRetentionFacts,
    k8s: K8sFacts,
    cloud: CloudFacts,
    secrets: SecretFacts,
}

fn scan_files(
    root: &Path,
    shown: &str,
    name: &str,
    baseline: Option<&str>,
    parts: RepoParts,
) -> Scanned {
    let secrets = if parts.secrets {
        crate::secrets::scan_repo(root, shown, baseline)
    } else {
        SecretFacts::default()
    };
    let yaml = if parts.manifests {
        crate::manifests::scan(root, shown, name)
    } else {
        crate::manifests::YamlFacts::default()
    };
    let (tf, tf_unreadable) = if parts.terraform {
        crate::terraform::read_all(root, shown)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut sources = crate::terraform::log_retention(&tf);
    sources.extend(yaml.loki);
    let cloud = if parts.terraform {
        crate::terraform::cloud_facts(root, shown, &tf, &tf_unreadable)
    } else {
        CloudFacts::default()
    };
    Scanned {
        metrics_ports: yaml.metrics_ports,
        log_retention: LogRetentionFacts {
            sources,
            unreadable: tf_unreadable.iter().map(|p| p.as_pair()).collect(),
        },
        k8s: yaml.k8s,
        cloud,
        secrets,
    }
}

impl Scanned {
    /// The scan did not finish: every fact says why, so no check passes.
    fn failed(location: &str, why: String) -> Scanned {
        Scanned {
            metrics_ports: MetricsPortFacts {
                unreadable: vec![(location.to_string(), why.clone())],
                ..MetricsPortFacts::default()
            },
            log_retention: LogRetentionFacts {
                unreadable: vec![(location.to_string(), why.clone())],
                ..LogRetentionFacts::default()
            },
            k8s: K8sFacts {
                problems: vec![ManifestProblem {
                    file: location.to_string(),
                    line: None,
                    column: None,
                    message: why.clone(),
                    template: false,
                }],
                ..K8sFacts::default()
            },
            cloud: CloudFacts {
                problems: vec![Problem {
                    at: Place {
                        file: location.to_string(),
                        line: 0,
                        column: 0,
                    },
                    message: why.clone(),
                }],
                ..CloudFacts::default()
            },
            secrets: SecretFacts {
                error: Some(format!("{location}: {why}")),
                ..SecretFacts::default()
            },
        }
    }
}

/// `No such file or directory`, without the `(os error 2)` noise.
fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

async fn fact(root: &Path, location: &str, rel: &str, limits: &Limits) -> FileFact {
    let shown = format!("{location}/{}", rel.trim_start_matches("./"));
    // A descriptor path must stay inside the repo.
    if Path::new(rel).is_absolute() || rel.split(['/', '\\']).any(|c| c == "..") {
        return FileFact {
            location: shown,
            state: FileState::Unreadable("the path leaves the repo".into()),
        };
    }
    let path = root.join(rel);
    let state = match timeout(limits.timeout, tokio::fs::metadata(&path)).await {
        Err(_) => FileState::Unreadable(format!("timed out after {:?}", limits.timeout)),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => FileState::Missing,
        Ok(Err(e)) => FileState::Unreadable(io_message(&e)),
        Ok(Ok(m)) if m.is_dir() => match count_entries(&path, limits).await {
            Ok(n) => FileState::Dir { entries: n },
            Err(e) => FileState::Unreadable(e),
        },
        Ok(Ok(m)) => FileState::File { bytes: m.len() },
    };
    FileFact {
        location: shown,
        state,
    }
}

async fn count_entries(path: &Path, limits: &Limits) -> Result<u64, String> {
    let work = async {
        let mut rd = tokio::fs::read_dir(path)
            .await
            .map_err(|e| io_message(&e))?;
        let mut n = 0u64;
        // Bounded: a folder of docs has a few entries; stop counting early.
        while let Some(_entry) = rd.next_entry().await.map_err(|e| io_message(&e))? {
            n += 1;
            if n >= 10_000 {
                break;
            }
        }
        Ok(n)
    };
    timeout(limits.timeout, work)
        .await
        .unwrap_or_else(|_| Err(format!("timed out after {:?}", limits.timeout)))
}

#[cfg(test)]
mod tests {
    use relman_core::fleet::{Docs, FleetPath, Lifecycle, Origin, Tier};

    use super::*;

    fn service(repo: &Path, arch: &str) -> Service {
        Service {
            name: "a".into(),
            team: "t".into(),
            tier: Tier::Critical,
            lifecycle: Lifecycle::Production,
            public: None,
            repo: Some(FleetPath {
                written: "../repos/a".into(),
                resolved: repo.to_path_buf(),
                display: "repos/a".into(),
            }),
            metrics: None,
            logs: Vec::new(),
            log_retention_days: None,
            slo: None,
            database: None,
            docs: Docs {
                architecture: Some(arch.into()),
                runbooks: Some("docs/runbooks".into()),
            },
            open_source: None,
            security_reports: Vec::new(),
            secrets_baseline: None,
            origin: Origin::new("services/a.yaml"),
        }
    }

    #[tokio::test]
    async fn finds_docs_and_reports_missing_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("docs/runbooks")).expect("mkdir");
        std::fs::write(dir.path().join("docs/arch.md"), "# Arch\n").expect("write");
        std::fs::write(dir.path().join("docs/runbooks/db.md"), "x").expect("write");
        let ev = collect(&service(dir.path(), "docs/arch.md"), &Limits::default()).await;
        let RepoEvidence::Present(facts) = ev else {
            panic!("repo should be present: {ev:?}");
        };
        assert_eq!(
            facts.architecture_doc.map(|f| f.state),
            Some(FileState::File { bytes: 7 })
        );
        assert_eq!(
            facts.runbooks.map(|f| f.state),
            Some(FileState::Dir { entries: 1 })
        );

        let ev = collect(&service(dir.path(), "docs/missing.md"), &Limits::default()).await;
        let RepoEvidence::Present(facts) = ev else {
            panic!("repo should be present");
        };
        assert_eq!(
            facts.architecture_doc.map(|f| f.state),
            Some(FileState::Missing)
        );
    }

    #[tokio::test]
    async fn missing_repo_is_unreadable_with_the_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ev = collect(
            &service(&dir.path().join("nope"), "a.md"),
            &Limits::default(),
        )
        .await;
        match ev {
            RepoEvidence::Unreadable { location, error } => {
                assert_eq!(location, "repos/a");
                assert_eq!(error, "No such file or directory");
            }
            other => panic!("expected unreadable, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn paths_may_not_leave_the_repo() {
        let dir = tempfile::tempdir().expect("tempdir");
        let ev = collect(&service(dir.path(), "../../etc/passwd"), &Limits::default()).await;
        let RepoEvidence::Present(facts) = ev else {
            panic!("repo should be present");
        };
        assert!(matches!(
            facts.architecture_doc.map(|f| f.state),
            Some(FileState::Unreadable(_))
        ));
    }
}
