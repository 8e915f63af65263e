//! What a repository's Kubernetes manifests and Helm charts declare, as the
//! security and design checks read it (S-2, S-4, D-5).

/// Facts from the repo's Kubernetes manifests and Helm templates.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct K8sFacts {}
