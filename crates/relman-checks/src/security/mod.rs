//! Security (S-1..S-6): what the repo, its manifests, its Terraform and the
//! security tools' reports say about exposure, secrets and privileges.

pub mod s3_secrets;
pub mod s6_security_tools;
