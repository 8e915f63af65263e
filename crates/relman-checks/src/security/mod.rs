//! Security (S-1..S-6): the security review on record (S-1), and what the
//! repo, its manifests, its Terraform and the security tools' reports say
//! about exposure, secrets and privileges.

pub mod s1_security_review;
pub mod s2_cloud_exposure;
pub mod s2_k8s_exposure;
pub mod s3_secrets;
pub mod s4_network_policy;
pub mod s4_security_groups;
pub mod s5_iam_users;
pub mod s5_least_privilege;
pub mod s6_security_tools;
