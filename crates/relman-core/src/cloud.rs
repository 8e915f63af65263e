//! What a repository's Terraform and IAM policy files declare, as the
//! security checks read it (S-2, S-4, S-5).

/// Facts from the repo's Terraform and IAM policy JSON.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CloudFacts {}
