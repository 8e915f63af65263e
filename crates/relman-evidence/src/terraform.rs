//! Terraform in a repo: the resources relman judges, read with `hcl-edit`
//! (which keeps byte spans, so findings can name the line).
//!
//! Values are taken literally; a `var.x` is resolved from the `default` of
//! `variable "x"` in the same repo, and anything else that cannot be known
//! without running Terraform stays unresolved, named as written.

use std::collections::HashMap;
use std::path::Path;

use hcl_edit::Span;
use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use relman_core::evidence::{RetentionDays, RetentionKind, RetentionSource};

/// A .tf file above this size is not hand-written configuration.
const MAX_TF_BYTES: u64 = 1024 * 1024;
const MAX_FILES: usize = 2_000;

/// One parsed file.
pub(crate) struct TfFile {
    pub shown: String,
    text: String,
    pub body: Body,
}

impl TfFile {
    /// 1-based line and column of a byte offset.
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() as u32 + 1;
        let col = before
            .rfind('\n')
            .map_or(before.len(), |i| before.len() - i - 1) as u32
            + 1;
        (line, col)
    }
}

/// Every .tf file of the repo, parsed; and the files that could not be.
pub(crate) fn read_all(root: &Path, location: &str) -> (Vec<TfFile>, Vec<(String, String)>) {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for (path, shown) in crate::repo_files(root, location, &["tf"], MAX_TF_BYTES) {
        if files.len() + unreadable.len() >= MAX_FILES {
            break;
        }
        let text = match crate::read_text(&path, MAX_TF_BYTES) {
            Ok(t) => t,
            Err(e) => {
                unreadable.push((shown, e));
                continue;
            }
        };
        match hcl_edit::parser::parse_body(&text) {
            Ok(body) => files.push(TfFile { shown, text, body }),
            Err(e) => {
                let msg = e.to_string();
                let first = msg.lines().next().unwrap_or("invalid HCL").to_string();
                unreadable.push((shown, format!("invalid HCL: {first}")));
            }
        }
    }
    (files, unreadable)
}

/// `resource "TYPE" "NAME" { … }` blocks of a type, with their names.
pub(crate) fn resources<'a>(
    body: &'a Body,
    kind: &'a str,
) -> impl Iterator<Item = (&'a str, &'a Block)> + 'a {
    body.blocks().filter_map(move |b| {
        if b.ident.as_str() != "resource" || b.labels.len() != 2 || b.labels[0].as_str() != kind {
            return None;
        }
        Some((b.labels[1].as_str(), b))
    })
}

/// `variable "x" { default = … }` numbers, across files.
pub(crate) fn variable_numbers(files: &[TfFile]) -> HashMap<String, f64> {
    let mut out = HashMap::new();
    for f in files {
        for b in f.body.blocks().filter(|b| b.ident.as_str() == "variable") {
            let Some(name) = b.labels.first().map(|l| l.as_str().to_string()) else {
                continue;
            };
            if let Some(n) = b
                .body
                .get_attribute("default")
                .and_then(|a| a.value.as_number())
                .and_then(|n| n.as_f64())
            {
                out.insert(name, n);
            }
        }
    }
    out
}

/// A number, or `var.x` resolved from the variables; else the expression text.
pub(crate) fn number(expr: &Expression, vars: &HashMap<String, f64>) -> Result<f64, String> {
    if let Some(n) = expr.as_number().and_then(|n| n.as_f64()) {
        return Ok(n);
    }
    if let Some(t) = expr.as_traversal() {
        if t.expr.as_variable().map(|v| v.as_str()) == Some("var") {
            if let [op] = t.operators.as_slice() {
                if let TraversalOperator::GetAttr(name) = op.value() {
                    return vars
                        .get(name.as_str())
                        .copied()
                        .ok_or_else(|| format!("var.{}", name.as_str()));
                }
            }
        }
    }
    Err(expr.to_string().trim().to_string())
}

fn source(
    file: &TfFile,
    offset: usize,
    kind: RetentionKind,
    days: RetentionDays,
    detail: String,
) -> RetentionSource {
    let (line, column) = file.position(offset);
    RetentionSource {
        kind,
        days,
        detail,
        file: file.shown.clone(),
        line,
        column,
    }
}

fn days_of(v: Result<f64, String>) -> RetentionDays {
    match v {
        Ok(d) if d <= 0.0 => RetentionDays::Forever,
        Ok(d) => RetentionDays::Days(d.min(f64::from(u32::MAX)) as u32),
        Err(text) => RetentionDays::Unresolved(text),
    }
}

/// Log retention configured in Terraform: CloudWatch log groups and S3
/// lifecycle rules that archive to Glacier.
pub(crate) fn log_retention(files: &[TfFile]) -> Vec<RetentionSource> {
    let vars = variable_numbers(files);
    let mut out = Vec::new();
    for f in files {
        for (name, block) in resources(&f.body, "aws_cloudwatch_log_group") {
            let start = block.span().map_or(0, |s| s.start);
            match block.body.get_attribute("retention_in_days") {
                Some(attr) => {
                    let v = number(&attr.value, &vars);
                    let shown = match &v {
                        Ok(d) => format!("{d}"),
                        Err(t) => t.clone(),
                    };
                    out.push(source(
                        f,
                        attr.span().map_or(start, |s| s.start),
                        RetentionKind::CloudWatch,
                        days_of(v),
                        format!("aws_cloudwatch_log_group.{name} retention_in_days = {shown}"),
                    ));
                }
                None => out.push(source(
                    f,
                    start,
                    RetentionKind::CloudWatch,
                    RetentionDays::Forever,
                    format!("aws_cloudwatch_log_group.{name} sets no retention_in_days (logs never expire)"),
                )),
            }
        }
        // aws_s3_bucket_lifecycle_configuration { rule { transition { storage_class, days } expiration { days } } }
        // and the older aws_s3_bucket { lifecycle_rule { … } }.
        let lifecycle_rules = resources(&f.body, "aws_s3_bucket_lifecycle_configuration")
            .flat_map(|(name, b)| {
                b.body
                    .blocks()
                    .filter(|r| r.ident.as_str() == "rule")
                    .map(move |r| (name, r))
            })
            .chain(resources(&f.body, "aws_s3_bucket").flat_map(|(name, b)| {
                b.body
                    .blocks()
                    .filter(|r| r.ident.as_str() == "lifecycle_rule")
                    .map(move |r| (name, r))
            }));
        for (name, rule) in lifecycle_rules {
            let archive = rule.body.blocks().find(|t| {
                t.ident.as_str() == "transition"
                    && t.body
                        .get_attribute("storage_class")
                        .and_then(|a| a.value.as_str())
                        .is_some_and(|c| c.contains("GLACIER") || c == "DEEP_ARCHIVE")
            });
            let Some(archive) = archive else { continue };
            let class = archive
                .body
                .get_attribute("storage_class")
                .and_then(|a| a.value.as_str())
                .unwrap_or_default()
                .to_string();
            let after = archive
                .body
                .get_attribute("days")
                .map(|a| number(&a.value, &vars));
            let expiration = rule
                .body
                .blocks()
                .find(|e| e.ident.as_str() == "expiration")
                .and_then(|e| e.body.get_attribute("days"))
                .map(|a| number(&a.value, &vars));
            let after_text = match &after {
                Some(Ok(d)) => format!(" after {d} days"),
                _ => String::new(),
            };
            let (days, exp_text) = match expiration {
                Some(v) => {
                    let t = match &v {
                        Ok(d) => format!("expires them after {d} days"),
                        Err(t) => format!("expires them after {t}"),
                    };
                    (days_of(v), t)
                }
                None => (RetentionDays::Forever, "never expires them".to_string()),
            };
            out.push(source(
                f,
                rule.span().map_or(0, |s| s.start),
                RetentionKind::S3Archive,
                days,
                format!("bucket {name}: moves logs to {class}{after_text} and {exp_text}"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> TfFile {
        TfFile {
            shown: "repos/a/terraform/logs.tf".into(),
            text: text.into(),
            body: hcl_edit::parser::parse_body(text).expect("valid HCL"),
        }
    }

    #[test]
    fn cloudwatch_and_glacier() {
        let f = parse(
            r#"variable "retention" {
  default = 30
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/ecs/app"
  retention_in_days = 14
}

resource "aws_cloudwatch_log_group" "audit" {
  retention_in_days = var.retention
}

resource "aws_cloudwatch_log_group" "forever" {
  name = "x"
}

resource "aws_cloudwatch_log_group" "unknown" {
  retention_in_days = local.days
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = "logs"
  rule {
    id     = "archive"
    status = "Enabled"
    transition {
      days          = 30
      storage_class = "GLACIER"
    }
    expiration {
      days = 400
    }
  }
}
"#,
        );
        let got: Vec<String> = log_retention(std::slice::from_ref(&f))
            .iter()
            .map(|s| {
                format!(
                    "{:?} {:?} {} @{}:{}",
                    s.kind, s.days, s.detail, s.line, s.column
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "CloudWatch Days(14) aws_cloudwatch_log_group.app retention_in_days = 14 @7:3",
                "CloudWatch Days(30) aws_cloudwatch_log_group.audit retention_in_days = 30 @11:3",
                "CloudWatch Forever aws_cloudwatch_log_group.forever sets no retention_in_days (logs never expire) @14:1",
                "CloudWatch Unresolved(\"local.days\") aws_cloudwatch_log_group.unknown retention_in_days = local.days @19:3",
                "S3Archive Days(400) bucket logs: moves logs to GLACIER after 30 days and expires them after 400 days @24:3",
            ]
        );
    }
}
