//! Security (S-1..S-6): what the repo, its manifests, its Terraform and the
//! security tools' reports say about exposure, secrets and privileges.

pub mod s2_k8s_exposure;
pub mod s4_network_policy;
