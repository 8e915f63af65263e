//! What a repository's Terraform and IAM policy files declare, as the
//! security checks read it (S-2, S-4, S-5).
//!
//! Values are what the files say, never guesses: a `var.x` with a default
//! is resolved, anything else that Terraform would compute stays
//! [`TfValue::Unresolved`] with its text, so a check can say which variable
//! kept it from deciding.

/// Facts from the repo's Terraform and IAM policy JSON.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CloudFacts {
    /// How many `.tf` files were parsed.
    pub terraform_files: usize,
    /// How many `*.json` IAM policy documents (top-level `Version` and
    /// `Statement`) were read.
    pub policy_files: usize,
    /// Every security group resource, for messages naming what was checked.
    pub security_groups: Vec<Resource>,
    /// Every ingress rule: inline `ingress` blocks, `aws_security_group_rule`
    /// with `type = "ingress"`, `aws_vpc_security_group_ingress_rule`.
    pub ingress: Vec<IngressRule>,
    /// `aws_instance` and `aws_launch_template` resources.
    pub compute: Vec<Compute>,
    /// What may be reached from the internet (S-2): buckets, databases,
    /// public IPs, load balancers. Candidates that are not exposed are kept
    /// too (with `exposed = Known(false)`), so a pass can say what it checked.
    pub exposures: Vec<Exposure>,
    /// IAM users and what hangs off them (`aws_iam_user`,
    /// `aws_iam_access_key`, user policies, attachments, group memberships).
    pub iam_users: Vec<Resource>,
    /// How many `aws_iam_role` resources were seen.
    pub iam_roles: usize,
    /// Every policy document: Terraform policies (inline JSON, `jsonencode`,
    /// heredoc, `aws_iam_policy_document`) and JSON files.
    pub policies: Vec<Policy>,
    /// Files that could not be read or parsed.
    pub problems: Vec<Problem>,
}

/// Where something is written: a file as shown in messages (relative to the
/// fleet directory), with a 1-based line and column (0 when not known).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// A value as written in Terraform: a literal (or a variable with a literal
/// default), or an expression relman does not evaluate, kept as its text
/// (`var.allowed_cidr`, `local.ports`, `module.vpc.cidr`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TfValue<T> {
    Known(T),
    Unresolved(String),
}

impl<T> TfValue<T> {
    pub fn known(&self) -> Option<&T> {
        match self {
            TfValue::Known(v) => Some(v),
            TfValue::Unresolved(_) => None,
        }
    }

    /// The expression text, when the value is not known.
    pub fn unresolved(&self) -> Option<&str> {
        match self {
            TfValue::Known(_) => None,
            TfValue::Unresolved(t) => Some(t),
        }
    }
}

/// A Terraform resource, by type and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// `aws_iam_user`, `aws_security_group`...
    pub kind: String,
    pub name: String,
    pub at: Place,
}

impl Resource {
    /// `aws_iam_user.deploy`.
    pub fn address(&self) -> String {
        format!("{}.{}", self.kind, self.name)
    }
}

/// One ingress rule of a security group.
#[derive(Debug, Clone, PartialEq)]
pub struct IngressRule {
    /// The resource that declares it: `aws_security_group.web` (inline
    /// block) or `aws_security_group_rule.ssh`.
    pub address: String,
    /// The group the rule belongs to: the same address for inline blocks,
    /// the `security_group_id` reference for separate rules
    /// (`aws_security_group.web`), or its text when not a reference.
    pub group: String,
    /// `-1` (or `all`) means every protocol and every port.
    pub protocol: TfValue<String>,
    pub from_port: TfValue<i64>,
    pub to_port: TfValue<i64>,
    /// IPv4 and IPv6 source ranges; empty when the rule only names other
    /// security groups, prefix lists or `self`.
    pub cidrs: Vec<TfValue<String>>,
    pub at: Place,
}

impl IngressRule {
    /// Whether every protocol is allowed (`-1`, `all`): then the ports do
    /// not matter.
    pub fn all_protocols(&self) -> bool {
        matches!(
            self.protocol.known().map(String::as_str),
            Some("-1" | "all")
        )
    }
}

/// An `aws_instance` or `aws_launch_template`.
#[derive(Debug, Clone, PartialEq)]
pub struct Compute {
    pub resource: Resource,
    /// Whether it names security groups (`vpc_security_group_ids`,
    /// `security_groups`, or `security_groups` in a `network_interfaces` block).
    pub has_security_groups: bool,
}

/// What kind of internet exposure an [`Exposure`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExposureKind {
    /// `aws_s3_bucket.acl` or `aws_s3_bucket_acl.acl`: `public-read`,
    /// `public-read-write` or `authenticated-read`.
    BucketAcl,
    /// `aws_s3_bucket_public_access_block` with a flag `false` or missing
    /// (each missing flag defaults to `false`).
    BucketPublicAccessBlock,
    /// A bucket policy statement allowing `Principal: "*"` without a
    /// restrictive `Condition`.
    BucketPolicy,
    /// `aws_s3_bucket_website_configuration` (or a `website` block).
    BucketWebsite,
    /// `aws_db_instance` / `aws_rds_cluster_instance` `publicly_accessible`.
    Database,
    /// `aws_instance` / `aws_launch_template` `associate_public_ip_address`.
    InstancePublicIp,
    /// `aws_eip` attached to an instance or network interface.
    ElasticIp,
    /// `aws_lb` / `aws_alb` / `aws_elb` not `internal` (internet-facing).
    LoadBalancer,
}

impl ExposureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExposureKind::BucketAcl => "public bucket ACL",
            ExposureKind::BucketPublicAccessBlock => "bucket public access block",
            ExposureKind::BucketPolicy => "public bucket policy",
            ExposureKind::BucketWebsite => "bucket website",
            ExposureKind::Database => "publicly accessible database",
            ExposureKind::InstancePublicIp => "instance public IP",
            ExposureKind::ElasticIp => "elastic IP",
            ExposureKind::LoadBalancer => "internet-facing load balancer",
        }
    }
}

/// One place where something may be reached from the internet.
#[derive(Debug, Clone, PartialEq)]
pub struct Exposure {
    pub kind: ExposureKind,
    /// The resource: `aws_s3_bucket_acl.site`, `aws_db_instance.main`.
    pub address: String,
    /// Whether it is exposed; unknown when the deciding value is a variable
    /// or expression.
    pub exposed: TfValue<bool>,
    /// Whether anyone may also write (`public-read-write`, a public policy
    /// allowing write actions).
    pub writable: bool,
    /// What was read: `acl = "public-read"`, `publicly_accessible = true`,
    /// `internal is not set (internet-facing by default)`.
    pub detail: String,
    pub at: Place,
}

/// How a policy document is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyForm {
    /// A `*.json` file of the repo.
    JsonFile,
    /// `policy = "{\"Version\": …}"`.
    InlineJson,
    /// `policy = jsonencode({ … })`.
    Jsonencode,
    /// `policy = <<EOF … EOF` (or `<<-EOF`).
    Heredoc,
    /// `data "aws_iam_policy_document"` with `statement` blocks.
    PolicyDocument,
}

impl PolicyForm {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyForm::JsonFile => "JSON file",
            PolicyForm::InlineJson => "inline JSON",
            PolicyForm::Jsonencode => "jsonencode",
            PolicyForm::Heredoc => "heredoc",
            PolicyForm::PolicyDocument => "aws_iam_policy_document",
        }
    }
}

/// One IAM policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The resource address (`aws_iam_policy.admin`), or the JSON file as
    /// shown. A resource whose policy is a `data.aws_iam_policy_document`
    /// is named with it: `aws_iam_role_policy.app (data.aws_iam_policy_document.app)`.
    pub name: String,
    /// The resource type, `data.aws_iam_policy_document`, or `file`.
    pub kind: String,
    pub form: PolicyForm,
    /// The `policy` attribute, the data block or the file.
    pub at: Place,
    /// The statements read, in order.
    pub statements: Vec<Statement>,
    /// Set when the document could not be read from the configuration
    /// (`var.policy`, `file("x.json")`, a template directive): its text.
    pub unresolved: Option<String>,
}

/// `Allow`, `Deny`, or an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
    Unresolved(String),
}

/// One statement of a policy, with what the least-privilege analysis found.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// 0-based position in the policy.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Vec<TfValue<String>>,
    pub not_actions: Vec<TfValue<String>>,
    pub resources: Vec<TfValue<String>>,
    pub not_resources: Vec<TfValue<String>>,
    /// Principals as `TYPE:identifier` (`*` alone for `Principal: "*"`,
    /// `AWS:*`, `Service:ec2.amazonaws.com`).
    pub principals: Vec<TfValue<String>>,
    /// Condition keys (`aws:SourceIp`, `aws:SecureTransport`).
    pub condition_keys: Vec<String>,
    pub at: Place,
    /// What is over-broad in it (empty: nothing).
    pub breadth: Vec<Breadth>,
}

impl Statement {
    /// `Sid "AdminAll"` or `statement #2` (1-based), for messages.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(s) if !s.is_empty() => format!("statement {s:?}"),
            _ => format!("statement #{}", self.index + 1),
        }
    }
}

/// What the least-privilege analysis found in one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Breadth {
    /// `Action: "*"` or `"*:*"`: everything, everywhere.
    AllActions,
    /// `s3:*`, `iam:*`: every action of a service, writes included.
    ServiceWildcard(String),
    /// A wildcard that matches write actions (`s3:Put*`, `iam:Create*`,
    /// `dynamodb:*Item`) on `Resource: "*"`.
    WriteWildcardOnAnyResource(String),
    /// A wildcard that matches only read actions (`s3:Get*`,
    /// `ec2:Describe*`) on `Resource: "*"`: tolerated, reported.
    ReadWildcardOnAnyResource(String),
    /// `Allow` with `NotAction`: everything except the listed actions.
    AllowNotAction(Vec<String>),
    /// An action, resource or effect that is an expression: its text.
    Unresolved(String),
}

/// A file that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where the parser stopped (line 0 when the file could not be read).
    pub at: Place,
    /// `invalid HCL: expected "}"`, `invalid JSON: EOF while parsing`.
    pub message: String,
}
