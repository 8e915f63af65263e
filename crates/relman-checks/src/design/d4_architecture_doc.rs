use relman_core::Severity;
use relman_core::evidence::{FileState, RepoEvidence};

use crate::{CheckMeta, Findings, ServiceCheck, ServiceCx};

/// D-4: the architecture document exists in the repo.
pub struct ArchitectureDoc;

static META: CheckMeta = CheckMeta {
    rule: "D-4",
    id: "architecture-doc",
    severity: Severity::Medium,
    title: "The architecture is documented in the repo",
    what: "`docs.architecture` names a document (relative to the repo) and that document exists and is not empty.",
    why: "Whoever is paged at night, or joins the team next quarter, needs to know how the pieces fit without reading all the code.",
    fix: "Write the architecture document (with a diagram) in the repo and name it in the descriptor as `docs.architecture`.",
};

impl ServiceCheck for ArchitectureDoc {
    fn meta(&self) -> &'static CheckMeta {
        &META
    }

    fn evaluate(&self, cx: &ServiceCx<'_>, out: &mut Findings) {
        let origin = &cx.service.origin;
        let Some(named) = &cx.service.docs.architecture else {
            out.fail(format!(
                "no architecture document is named ({})",
                origin.field("docs.architecture")
            ))
            .at(origin.at("descriptor", "docs"));
            return;
        };
        let repo = match &cx.evidence.repo {
            RepoEvidence::NotGiven => {
                out.unverified(format!(
                    "{named} cannot be looked for: the descriptor names no repo"
                ))
                .at(origin.at("descriptor", "docs.architecture"))
                .fix("Set `repo` in the descriptor to a checkout of the service's repository.");
                return;
            }
            RepoEvidence::Unreadable { location, error } => {
                out.error(format!("cannot read the repo {location}: {error}"))
                    .at(origin.at("descriptor", "repo"))
                    .fix("Point `repo` at an existing checkout of the service's repository.");
                return;
            }
            RepoEvidence::Present(repo) => repo,
        };
        let Some(doc) = &repo.architecture_doc else {
            out.error(format!("{named} was not looked for in {}", repo.location));
            return;
        };
        let at = relman_core::EvidenceRef::new("repo", doc.location.clone());
        match &doc.state {
            FileState::File { bytes: 0 } => {
                out.fail(format!(
                    "the architecture document {} is empty",
                    doc.location
                ))
                .at(at);
            }
            FileState::File { bytes } => {
                out.pass(format!(
                    "the architecture is documented in {} ({bytes} bytes)",
                    doc.location
                ))
                .at(at);
            }
            FileState::Dir { entries: 0 } => {
                out.fail(format!("the architecture folder {} is empty", doc.location))
                    .at(at);
            }
            FileState::Dir { entries } => {
                out.pass(format!(
                    "the architecture is documented in {} ({entries} files)",
                    doc.location
                ))
                .at(at);
            }
            FileState::Missing => {
                out.fail(format!(
                    "the architecture document {} does not exist ({})",
                    doc.location,
                    origin.field("docs.architecture")
                ))
                .at(origin.at("descriptor", "docs.architecture"));
            }
            FileState::Unreadable(e) => {
                out.error(format!("cannot read {}: {e}", doc.location))
                    .at(at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use relman_core::Status;
    use relman_core::evidence::{FileFact, RepoFacts, ServiceEvidence};

    use super::*;
    use crate::testing::*;

    fn judge(named: bool, repo: RepoEvidence) -> Vec<relman_core::Finding> {
        let mut s = service("a");
        if named {
            s.docs.architecture = Some("docs/architecture.md".into());
        }
        run_service(
            &ArchitectureDoc,
            &s,
            &ServiceEvidence {
                repo,
                ..ServiceEvidence::default()
            },
        )
    }

    fn repo(state: FileState) -> RepoEvidence {
        RepoEvidence::Present(RepoFacts {
            location: "repos/a".into(),
            architecture_doc: Some(FileFact {
                location: "repos/a/docs/architecture.md".into(),
                state,
            }),
            runbooks: None,
            ..RepoFacts::default()
        })
    }

    #[test]
    fn verdicts() {
        assert_eq!(
            statuses(&judge(true, repo(FileState::File { bytes: 120 }))),
            [Status::Pass]
        );
        assert_eq!(
            statuses(&judge(true, repo(FileState::File { bytes: 0 }))),
            [Status::Fail]
        );
        assert_eq!(
            statuses(&judge(true, repo(FileState::Missing))),
            [Status::Fail]
        );
        assert_eq!(
            statuses(&judge(false, repo(FileState::Missing))),
            [Status::Fail]
        );
        assert_eq!(
            statuses(&judge(true, RepoEvidence::NotGiven)),
            [Status::Unverified]
        );
        assert_eq!(
            statuses(&judge(
                true,
                RepoEvidence::Unreadable {
                    location: "repos/a".into(),
                    error: "No such file or directory".into()
                }
            )),
            [Status::Error]
        );
    }

    #[test]
    fn missing_doc_names_the_path() {
        let out = judge(true, repo(FileState::Missing));
        assert_eq!(
            render(&out),
            "fail: the architecture document repos/a/docs/architecture.md does not exist (services/a.yaml: docs.architecture) [services/a.yaml]"
        );
    }
}
