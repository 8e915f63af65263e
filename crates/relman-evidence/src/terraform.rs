//! Terraform in a repo: the resources relman judges, read with `hcl-edit`
//! (which keeps byte spans, so findings can name the line).
//!
//! Values are taken literally; a `var.x` is resolved from the `default` of
//! `variable "x"` in the same repo, and anything else that cannot be known
//! without running Terraform stays unresolved, named as written.

use std::collections::HashMap;
use std::path::Path;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::Element;
use hcl_edit::{Decorate, Span};
use relman_core::cloud::{
    CloudFacts, Compute, Effect, Exposure, ExposureKind, IngressRule, Place, Policy, PolicyForm,
    Problem, Resource, Statement, TfValue,
};
use relman_core::evidence::{RetentionDays, RetentionKind, RetentionSource};

use crate::iam::{self, Node, StatementFields};

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

/// A .tf file that could not be read or parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TfProblem {
    pub shown: String,
    /// 1-based, where the parser stopped; 0 when the file could not be read.
    pub line: u32,
    pub column: u32,
    pub message: String,
}

impl TfProblem {
    /// `(file, reason)`, the reason naming the line and column when known.
    pub fn as_pair(&self) -> (String, String) {
        let why = if self.line == 0 {
            self.message.clone()
        } else {
            format!(
                "{} (line {}, column {})",
                self.message, self.line, self.column
            )
        };
        (self.shown.clone(), why)
    }
}

/// Every .tf file of the repo, parsed; and the files that could not be,
/// with where the parser stopped.
pub(crate) fn read_all(root: &Path, location: &str) -> (Vec<TfFile>, Vec<TfProblem>) {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    // Sorted, so that findings come in the same order on every machine.
    let mut paths: Vec<_> = crate::repo_files(root, location, &["tf"], MAX_TF_BYTES).collect();
    paths.sort_by(|a, b| a.1.cmp(&b.1));
    for (path, shown) in paths {
        if files.len() + unreadable.len() >= MAX_FILES {
            break;
        }
        let text = match crate::read_text(&path, MAX_TF_BYTES) {
            Ok(t) => t,
            Err(e) => {
                unreadable.push(TfProblem {
                    shown,
                    line: 0,
                    column: 0,
                    message: e,
                });
                continue;
            }
        };
        match parse(shown, text) {
            Ok(f) => files.push(f),
            Err(p) => unreadable.push(p),
        }
    }
    (files, unreadable)
}

/// Parse one file's text.
pub(crate) fn parse(shown: String, text: String) -> Result<TfFile, TfProblem> {
    match hcl_edit::parser::parse_body(&text) {
        Ok(body) => Ok(TfFile { shown, text, body }),
        Err(e) => {
            let loc = e.location();
            let message = e.message().lines().next().unwrap_or("").trim().to_string();
            let message = if message.is_empty() {
                "invalid HCL".to_string()
            } else {
                format!("invalid HCL: {message}")
            };
            Err(TfProblem {
                shown,
                line: loc.line() as u32,
                column: loc.column() as u32,
                message,
            })
        }
    }
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

// ---------------------------------------------------------------- values

/// A value Terraform knows before planning: a literal, or a variable or
/// local whose definition is a literal.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lit {
    Str(String),
    Num(f64),
    Bool(bool),
    List(Vec<Lit>),
}

impl Lit {
    fn as_text(&self) -> Option<String> {
        match self {
            Lit::Str(s) => Some(s.clone()),
            Lit::Num(n) => Some(format!("{n}")),
            Lit::Bool(b) => Some(b.to_string()),
            Lit::List(_) => None,
        }
    }
}

/// An expression as written, for messages, without the comments around it.
pub(crate) fn text(expr: &Expression) -> String {
    let mut bare = expr.clone();
    bare.decor_mut().clear();
    bare.to_string().trim().to_string()
}

/// Variable defaults and locals, to resolve `var.x` and `local.x`.
#[derive(Debug, Default)]
pub(crate) struct Scope {
    vars: HashMap<String, Lit>,
    locals: HashMap<String, Lit>,
}

impl Scope {
    /// The literal defaults of every `variable`, and the `locals` that are
    /// literals or name them (two passes, so a local may name a later one).
    pub fn new(files: &[TfFile]) -> Scope {
        let mut scope = Scope::default();
        for f in files {
            for b in f.body.blocks().filter(|b| b.ident.as_str() == "variable") {
                let Some(name) = b.labels.first().map(|l| l.as_str().to_string()) else {
                    continue;
                };
                if let Some(Ok(v)) = b
                    .body
                    .get_attribute("default")
                    .map(|a| scope.eval(&a.value))
                {
                    scope.vars.insert(name, v);
                }
            }
        }
        for _ in 0..2 {
            for f in files {
                for b in f.body.blocks().filter(|b| b.ident.as_str() == "locals") {
                    for a in b.body.attributes() {
                        if let Ok(v) = scope.eval(&a.value) {
                            scope.locals.insert(a.key.as_str().to_string(), v);
                        }
                    }
                }
            }
        }
        scope
    }

    /// The value, or the text of the (innermost) part that is not known.
    pub fn eval(&self, expr: &Expression) -> Result<Lit, String> {
        match expr {
            Expression::String(s) => Ok(Lit::Str(s.value().clone())),
            Expression::Number(n) => n.value().as_f64().map(Lit::Num).ok_or_else(|| text(expr)),
            Expression::Bool(b) => Ok(Lit::Bool(*b.value())),
            Expression::Array(a) => a
                .iter()
                .map(|e| self.eval(e))
                .collect::<Result<_, _>>()
                .map(Lit::List),
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::UnaryOp(u) if *u.operator.value() == UnaryOperator::Neg => {
                match self.eval(&u.expr)? {
                    Lit::Num(n) => Ok(Lit::Num(-n)),
                    _ => Err(text(expr)),
                }
            }
            Expression::Traversal(t) => {
                let root = t.expr.as_variable().map(|v| v.as_str());
                let table = match root {
                    Some("var") => &self.vars,
                    Some("local") => &self.locals,
                    _ => return Err(text(expr)),
                };
                match t.operators.as_slice() {
                    [op] => match op.value() {
                        TraversalOperator::GetAttr(name) => {
                            table.get(name.as_str()).cloned().ok_or_else(|| text(expr))
                        }
                        _ => Err(text(expr)),
                    },
                    _ => Err(text(expr)),
                }
            }
            Expression::StringTemplate(t) => {
                let mut out = String::new();
                for el in t.iter() {
                    match el {
                        Element::Literal(s) => out.push_str(s.value()),
                        Element::Interpolation(i) => {
                            let v = self.eval(&i.expr)?;
                            out.push_str(&v.as_text().ok_or_else(|| text(&i.expr))?);
                        }
                        Element::Directive(_) => return Err(text(expr)),
                    }
                }
                Ok(Lit::Str(out))
            }
            _ => Err(text(expr)),
        }
    }

    pub fn string(&self, expr: &Expression) -> TfValue<String> {
        match self.eval(expr) {
            Ok(v) => match v.as_text() {
                Some(s) => TfValue::Known(s),
                None => TfValue::Unresolved(text(expr)),
            },
            Err(t) => TfValue::Unresolved(t),
        }
    }

    pub fn int(&self, expr: &Expression) -> TfValue<i64> {
        match self.eval(expr) {
            Ok(Lit::Num(n)) if n.fract() == 0.0 => TfValue::Known(n as i64),
            Ok(Lit::Str(s)) => match s.trim().parse::<i64>() {
                Ok(n) => TfValue::Known(n),
                Err(_) => TfValue::Unresolved(text(expr)),
            },
            Ok(_) => TfValue::Unresolved(text(expr)),
            Err(t) => TfValue::Unresolved(t),
        }
    }

    pub fn bool(&self, expr: &Expression) -> TfValue<bool> {
        match self.eval(expr) {
            Ok(Lit::Bool(b)) => TfValue::Known(b),
            Ok(Lit::Str(s)) if s == "true" || s == "false" => TfValue::Known(s == "true"),
            Ok(_) => TfValue::Unresolved(text(expr)),
            Err(t) => TfValue::Unresolved(t),
        }
    }

    /// A list of strings; each element that is not known stays an
    /// expression, and a whole list that is not known is one.
    pub fn strings(&self, expr: &Expression) -> Vec<TfValue<String>> {
        if let Some(a) = expr.as_array() {
            return a.iter().flat_map(|e| self.strings(e)).collect();
        }
        match self.eval(expr) {
            Ok(Lit::List(items)) => items
                .iter()
                .map(|l| match l.as_text() {
                    Some(s) => TfValue::Known(s),
                    None => TfValue::Unresolved(text(expr)),
                })
                .collect(),
            Ok(l) => match l.as_text() {
                Some(s) => vec![TfValue::Known(s)],
                None => vec![TfValue::Unresolved(text(expr))],
            },
            Err(t) => vec![TfValue::Unresolved(t)],
        }
    }

    /// An HCL expression as a policy tree (`jsonencode({...})`).
    fn node(&self, f: &TfFile, expr: &Expression) -> Node {
        match expr {
            Expression::Object(o) => {
                let fields = o
                    .iter()
                    .map(|(k, v)| {
                        let key = match k {
                            ObjectKey::Ident(i) => i.as_str().to_string(),
                            ObjectKey::Expression(e) => match self.string(e) {
                                TfValue::Known(s) => s,
                                TfValue::Unresolved(t) => t,
                            },
                        };
                        (key, self.node(f, v.expr()))
                    })
                    .collect();
                Node::Object(fields, o.span().map(|s| f.place(s.start)))
            }
            Expression::Array(a) => Node::List(a.iter().map(|e| self.node(f, e)).collect()),
            Expression::Parenthesis(p) => self.node(f, p.inner()),
            Expression::StringTemplate(t) => match self.eval(expr) {
                Ok(Lit::Str(s)) => Node::Str(s),
                // `"${var.arn}"` alone is unknown; `"${aws_s3_bucket.b.arn}/*"`
                // names something specific: keep it as written.
                _ => match t.iter().collect::<Vec<_>>().as_slice() {
                    [Element::Interpolation(i)] => Node::Unresolved(text(&i.expr)),
                    _ => {
                        let t = text(expr);
                        Node::Str(t.trim_matches('"').to_string())
                    }
                },
            },
            _ => match self.eval(expr) {
                Ok(Lit::Str(s)) => Node::Str(s),
                Ok(Lit::List(items)) => Node::List(
                    items
                        .into_iter()
                        .map(|l| match l.as_text() {
                            Some(s) => Node::Str(s),
                            None => Node::Unresolved(text(expr)),
                        })
                        .collect(),
                ),
                Ok(other) => Node::Other(other.as_text().unwrap_or_default()),
                Err(t) => Node::Unresolved(t),
            },
        }
    }
}

// ---------------------------------------------------------------- cloud

/// What an `aws_s3_bucket(_acl).acl` value grants to the world.
const PUBLIC_ACLS: &[&str] = &["public-read", "public-read-write", "authenticated-read"];

const IAM_USER_KINDS: &[&str] = &[
    "aws_iam_user",
    "aws_iam_access_key",
    "aws_iam_user_policy",
    "aws_iam_user_policy_attachment",
    "aws_iam_user_group_membership",
    "aws_iam_user_login_profile",
    "aws_iam_user_ssh_key",
];

/// Resources whose `policy` attribute is an IAM policy document.
const POLICY_KINDS: &[&str] = &[
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_group_policy",
    "aws_iam_user_policy",
    "aws_s3_bucket_policy",
];

impl TfFile {
    pub fn place(&self, offset: usize) -> Place {
        let (line, column) = self.position(offset);
        Place {
            file: self.shown.clone(),
            line,
            column,
        }
    }

    fn place_of(&self, span: Option<std::ops::Range<usize>>) -> Place {
        self.place(span.map_or(0, |s| s.start))
    }

    fn resource(&self, kind: &str, name: &str, block: &Block) -> Resource {
        Resource {
            kind: kind.to_string(),
            name: name.to_string(),
            at: self.place_of(block.span()),
        }
    }
}

/// Every resource of the files, as `(file, type, name, block)`.
fn all_resources(files: &[TfFile]) -> impl Iterator<Item = (&TfFile, &str, &str, &Block)> {
    files.iter().flat_map(|f| {
        f.body.blocks().filter_map(move |b| {
            if b.ident.as_str() != "resource" || b.labels.len() != 2 {
                return None;
            }
            Some((f, b.labels[0].as_str(), b.labels[1].as_str(), b))
        })
    })
}

/// Nested blocks named `ident`, and the `content` of `dynamic "ident"` ones.
fn nested<'a>(body: &'a Body, ident: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
    body.blocks().flat_map(move |b| {
        if b.ident.as_str() == ident {
            vec![b]
        } else if b.ident.as_str() == "dynamic"
            && b.labels.first().map(|l| l.as_str()) == Some(ident)
        {
            b.body
                .blocks()
                .filter(|c| c.ident.as_str() == "content")
                .collect()
        } else {
            Vec::new()
        }
    })
}

/// `aws_security_group.web.id` → `aws_security_group.web`.
fn reference(expr: &Expression) -> String {
    if let Some(t) = expr.as_traversal() {
        if let Some(root) = t.expr.as_variable() {
            if let Some(TraversalOperator::GetAttr(name)) = t.operators.first().map(|o| o.value()) {
                return format!("{}.{}", root.as_str(), name.as_str());
            }
        }
    }
    text(expr)
}

/// Whether an attribute names a non-empty list (or anything that is not `[]`).
fn names_something(body: &Body, key: &str) -> bool {
    body.get_attribute(key)
        .is_some_and(|a| a.value.as_array().is_none_or(|arr| !arr.is_empty()))
}

struct Extract<'a> {
    scope: Scope,
    files: &'a [TfFile],
    facts: CloudFacts,
    /// `data.aws_iam_policy_document.NAME` → its statements and place.
    docs: HashMap<String, (Vec<Statement>, Place)>,
    used_docs: Vec<String>,
}

/// The S-2, S-4 and S-5 facts of parsed Terraform files; `problems` are the
/// files that could not be parsed.
pub(crate) fn cloud(files: &[TfFile], problems: &[TfProblem]) -> CloudFacts {
    let mut x = Extract {
        scope: Scope::new(files),
        files,
        facts: CloudFacts {
            terraform_files: files.len(),
            problems: problems
                .iter()
                .map(|p| Problem {
                    at: Place {
                        file: p.shown.clone(),
                        line: p.line,
                        column: p.column,
                    },
                    message: p.message.clone(),
                })
                .collect(),
            ..CloudFacts::default()
        },
        docs: HashMap::new(),
        used_docs: Vec::new(),
    };
    x.policy_documents();
    for (f, kind, name, b) in all_resources(files) {
        x.resource(f, kind, name, b);
    }
    // Documents no policy resource names are judged on their own.
    let mut unused: Vec<(&String, &(Vec<Statement>, Place))> = x
        .docs
        .iter()
        .filter(|(n, _)| !x.used_docs.contains(n))
        .collect();
    unused.sort_by(|a, b| (&a.1.1.file, a.1.1.line).cmp(&(&b.1.1.file, b.1.1.line)));
    let standalone: Vec<Policy> = unused
        .into_iter()
        .map(|(name, (statements, at))| Policy {
            name: name.clone(),
            kind: "data.aws_iam_policy_document".to_string(),
            form: PolicyForm::PolicyDocument,
            at: at.clone(),
            statements: statements.clone(),
            unresolved: None,
        })
        .collect();
    x.facts.policies.extend(standalone);
    x.facts
}

impl Extract<'_> {
    fn policy_documents(&mut self) {
        for f in self.files {
            for b in f.body.blocks() {
                if b.ident.as_str() != "data"
                    || b.labels.len() != 2
                    || b.labels[0].as_str() != "aws_iam_policy_document"
                {
                    continue;
                }
                let name = format!("data.aws_iam_policy_document.{}", b.labels[1].as_str());
                let statements = nested(&b.body, "statement")
                    .enumerate()
                    .map(|(i, s)| self.doc_statement(f, s).build(i, f.place_of(s.span())))
                    .collect();
                self.docs.insert(name, (statements, f.place_of(b.span())));
            }
        }
    }

    fn doc_statement(&self, _f: &TfFile, s: &Block) -> StatementFields {
        let list = |k: &str| {
            s.body
                .get_attribute(k)
                .map(|a| self.scope.strings(&a.value))
                .unwrap_or_default()
        };
        let effect = s
            .body
            .get_attribute("effect")
            .map(|a| match self.scope.string(&a.value) {
                TfValue::Known(e) if e.eq_ignore_ascii_case("deny") => Effect::Deny,
                TfValue::Known(_) => Effect::Allow,
                TfValue::Unresolved(t) => Effect::Unresolved(t),
            });
        let mut principals = Vec::new();
        for p in nested(&s.body, "principals") {
            let kind = p
                .body
                .get_attribute("type")
                .map(|a| self.scope.string(&a.value));
            let ids = p
                .body
                .get_attribute("identifiers")
                .map(|a| self.scope.strings(&a.value))
                .unwrap_or_default();
            for id in ids {
                principals.push(match (&kind, id) {
                    (Some(TfValue::Known(k)), TfValue::Known(id)) => {
                        TfValue::Known(format!("{k}:{id}"))
                    }
                    (_, TfValue::Unresolved(t)) => TfValue::Unresolved(t),
                    (Some(TfValue::Unresolved(t)), _) => TfValue::Unresolved(t.clone()),
                    (None, TfValue::Known(id)) => TfValue::Known(id),
                });
            }
        }
        let condition_keys = nested(&s.body, "condition")
            .filter_map(|c| c.body.get_attribute("variable"))
            .map(|a| match self.scope.string(&a.value) {
                TfValue::Known(v) => v,
                TfValue::Unresolved(t) => t,
            })
            .collect();
        StatementFields {
            sid: s
                .body
                .get_attribute("sid")
                .map(|a| match self.scope.string(&a.value) {
                    TfValue::Known(v) => v,
                    TfValue::Unresolved(t) => t,
                }),
            effect,
            actions: list("actions"),
            not_actions: list("not_actions"),
            resources: list("resources"),
            not_resources: list("not_resources"),
            principals,
            condition_keys,
        }
    }

    fn resource(&mut self, f: &TfFile, kind: &str, name: &str, b: &Block) {
        let address = format!("{kind}.{name}");
        // `aws_iam_policy_attachment` and `aws_iam_group_membership` equip
        // users when they list some.
        let lists_users = matches!(
            kind,
            "aws_iam_policy_attachment" | "aws_iam_group_membership"
        ) && names_something(&b.body, "users");
        if IAM_USER_KINDS.contains(&kind) || lists_users {
            self.facts.iam_users.push(f.resource(kind, name, b));
        }
        if POLICY_KINDS.contains(&kind) {
            if let Some(attr) = b.body.get_attribute("policy") {
                let policy = self.policy(f, &address, kind, &attr.value, f.place_of(attr.span()));
                if let Some(policy) = policy {
                    if kind == "aws_s3_bucket_policy" {
                        self.bucket_policy_exposure(&address, &policy);
                    }
                    self.facts.policies.push(policy);
                }
            }
        }
        match kind {
            "aws_iam_role" => {
                self.facts.iam_roles += 1;
                for (i, ip) in b
                    .body
                    .blocks()
                    .filter(|ip| ip.ident.as_str() == "inline_policy")
                    .enumerate()
                {
                    if let Some(attr) = ip.body.get_attribute("policy") {
                        let name = format!("{address} inline_policy #{}", i + 1);
                        if let Some(p) =
                            self.policy(f, &name, kind, &attr.value, f.place_of(attr.span()))
                        {
                            self.facts.policies.push(p);
                        }
                    }
                }
            }
            "aws_security_group" => {
                self.facts.security_groups.push(f.resource(kind, name, b));
                for ing in nested(&b.body, "ingress") {
                    let rule =
                        self.ingress(f, &address, &address, &ing.body, "protocol", ing.span());
                    self.facts.ingress.push(rule);
                }
            }
            "aws_security_group_rule" => {
                let ty = b
                    .body
                    .get_attribute("type")
                    .map(|a| self.scope.string(&a.value));
                if ty == Some(TfValue::Known("ingress".to_string())) {
                    let group = b
                        .body
                        .get_attribute("security_group_id")
                        .map_or_else(|| address.clone(), |a| reference(&a.value));
                    let rule = self.ingress(f, &address, &group, &b.body, "protocol", b.span());
                    self.facts.ingress.push(rule);
                }
            }
            "aws_vpc_security_group_ingress_rule" => {
                let group = b
                    .body
                    .get_attribute("security_group_id")
                    .map_or_else(|| address.clone(), |a| reference(&a.value));
                let rule = self.ingress(f, &address, &group, &b.body, "ip_protocol", b.span());
                self.facts.ingress.push(rule);
            }
            "aws_instance" | "aws_launch_template" => self.compute(f, kind, name, b),
            "aws_s3_bucket" => {
                let mut acl_seen = false;
                if let Some(attr) = b.body.get_attribute("acl") {
                    acl_seen = true;
                    self.acl(f, &address, &attr.value, attr.span());
                }
                for w in b.body.blocks().filter(|w| w.ident.as_str() == "website") {
                    self.expose(
                        ExposureKind::BucketWebsite,
                        &address,
                        TfValue::Known(true),
                        false,
                        "a website block serves the bucket over HTTP".to_string(),
                        f.place_of(w.span()),
                    );
                }
                if let Some(attr) = b.body.get_attribute("policy") {
                    let name = format!("{address} policy");
                    if let Some(p) =
                        self.policy(f, &name, kind, &attr.value, f.place_of(attr.span()))
                    {
                        self.bucket_policy_exposure(&address, &p);
                        self.facts.policies.push(p);
                    }
                }
                if !acl_seen {
                    self.expose(
                        ExposureKind::BucketAcl,
                        &address,
                        TfValue::Known(false),
                        false,
                        "no acl (private)".to_string(),
                        f.place_of(b.span()),
                    );
                }
            }
            "aws_s3_bucket_acl" => {
                if let Some(attr) = b.body.get_attribute("acl") {
                    self.acl(f, &address, &attr.value, attr.span());
                } else {
                    // access_control_policy { grant { grantee { uri = ".../AllUsers" } } }
                    let mut public = None;
                    for acp in b
                        .body
                        .blocks()
                        .filter(|x| x.ident.as_str() == "access_control_policy")
                    {
                        for g in nested(&acp.body, "grant") {
                            for ge in g.body.blocks().filter(|x| x.ident.as_str() == "grantee") {
                                if let Some(uri) = ge.body.get_attribute("uri") {
                                    if let TfValue::Known(u) = self.scope.string(&uri.value) {
                                        if u.ends_with("/AllUsers")
                                            || u.ends_with("/AuthenticatedUsers")
                                        {
                                            let perm = g
                                                .body
                                                .get_attribute("permission")
                                                .and_then(|p| {
                                                    self.scope.string(&p.value).known().cloned()
                                                })
                                                .unwrap_or_default();
                                            public = Some((u, perm, uri.span()));
                                        }
                                    }
                                }
                            }
                        }
                    }
                    let (exposed, writable, detail, at) = match public {
                        Some((u, perm, span)) => (
                            true,
                            matches!(perm.as_str(), "WRITE" | "WRITE_ACP" | "FULL_CONTROL"),
                            format!("grants {perm} to {u}"),
                            f.place_of(span),
                        ),
                        None => (
                            false,
                            false,
                            "grants nothing to everyone".to_string(),
                            f.place_of(b.span()),
                        ),
                    };
                    self.expose(
                        ExposureKind::BucketAcl,
                        &address,
                        TfValue::Known(exposed),
                        writable,
                        detail,
                        at,
                    );
                }
            }
            "aws_s3_bucket_public_access_block" => {
                let mut off = Vec::new();
                let mut unknown = Vec::new();
                for flag in [
                    "block_public_acls",
                    "block_public_policy",
                    "ignore_public_acls",
                    "restrict_public_buckets",
                ] {
                    match b
                        .body
                        .get_attribute(flag)
                        .map(|a| self.scope.bool(&a.value))
                    {
                        None => off.push(format!("{flag} is not set (false)")),
                        Some(TfValue::Known(false)) => off.push(format!("{flag} = false")),
                        Some(TfValue::Known(true)) => {}
                        Some(TfValue::Unresolved(t)) => unknown.push(format!("{flag} = {t}")),
                    }
                }
                let (exposed, detail) = if !off.is_empty() {
                    (TfValue::Known(true), off.join(", "))
                } else if let Some(u) = unknown.first() {
                    let var = u.split(" = ").nth(1).unwrap_or(u).to_string();
                    (TfValue::Unresolved(var), unknown.join(", "))
                } else {
                    (TfValue::Known(false), "all four flags are true".to_string())
                };
                self.expose(
                    ExposureKind::BucketPublicAccessBlock,
                    &address,
                    exposed,
                    false,
                    detail,
                    f.place_of(b.span()),
                );
            }
            "aws_s3_bucket_website_configuration" => {
                self.expose(
                    ExposureKind::BucketWebsite,
                    &address,
                    TfValue::Known(true),
                    false,
                    "serves the bucket as a website".to_string(),
                    f.place_of(b.span()),
                );
            }
            "aws_db_instance" | "aws_rds_cluster_instance" => {
                let (exposed, detail, at) = self.bool_setting(
                    f,
                    b,
                    b.body.get_attribute("publicly_accessible"),
                    "publicly_accessible",
                    "publicly_accessible is not set (private)",
                );
                self.expose(ExposureKind::Database, &address, exposed, false, detail, at);
            }
            "aws_eip" => {
                let attached = ["instance", "network_interface"]
                    .iter()
                    .find_map(|k| b.body.get_attribute(k).map(|a| (k, a)));
                if let Some((k, a)) = attached {
                    self.expose(
                        ExposureKind::ElasticIp,
                        &address,
                        TfValue::Known(true),
                        false,
                        format!("{k} = {}", text(&a.value)),
                        f.place_of(a.span()),
                    );
                }
            }
            "aws_eip_association" => {
                let target = ["instance_id", "network_interface_id"]
                    .iter()
                    .find_map(|k| {
                        b.body
                            .get_attribute(k)
                            .map(|a| format!("{k} = {}", text(&a.value)))
                    })
                    .unwrap_or_else(|| "associates an elastic IP".to_string());
                self.expose(
                    ExposureKind::ElasticIp,
                    &address,
                    TfValue::Known(true),
                    false,
                    target,
                    f.place_of(b.span()),
                );
            }
            "aws_lb" | "aws_alb" | "aws_elb" => {
                let (exposed, detail, at) = match b.body.get_attribute("internal") {
                    Some(a) => match self.scope.bool(&a.value) {
                        TfValue::Known(internal) => (
                            TfValue::Known(!internal),
                            format!("internal = {internal}"),
                            f.place_of(a.span()),
                        ),
                        TfValue::Unresolved(t) => (
                            TfValue::Unresolved(t.clone()),
                            format!("internal = {t}"),
                            f.place_of(a.span()),
                        ),
                    },
                    None => (
                        TfValue::Known(true),
                        "internal is not set (internet-facing by default)".to_string(),
                        f.place_of(b.span()),
                    ),
                };
                self.expose(
                    ExposureKind::LoadBalancer,
                    &address,
                    exposed,
                    false,
                    detail,
                    at,
                );
            }
            _ => {}
        }
    }

    fn expose(
        &mut self,
        kind: ExposureKind,
        address: &str,
        exposed: TfValue<bool>,
        writable: bool,
        detail: String,
        at: Place,
    ) {
        self.facts.exposures.push(Exposure {
            kind,
            address: address.to_string(),
            exposed,
            writable,
            detail,
            at,
        });
    }

    fn acl(
        &mut self,
        f: &TfFile,
        address: &str,
        value: &Expression,
        span: Option<std::ops::Range<usize>>,
    ) {
        let (exposed, writable, detail) = match self.scope.string(value) {
            TfValue::Known(acl) => (
                TfValue::Known(PUBLIC_ACLS.contains(&acl.as_str())),
                acl == "public-read-write",
                format!("acl = {acl:?}"),
            ),
            TfValue::Unresolved(t) => (TfValue::Unresolved(t.clone()), false, format!("acl = {t}")),
        };
        self.expose(
            ExposureKind::BucketAcl,
            address,
            exposed,
            writable,
            detail,
            f.place_of(span),
        );
    }

    fn bucket_policy_exposure(&mut self, address: &str, policy: &Policy) {
        if let Some(t) = &policy.unresolved {
            self.expose(
                ExposureKind::BucketPolicy,
                address,
                TfValue::Unresolved(t.clone()),
                false,
                format!("policy = {t}"),
                policy.at.clone(),
            );
            return;
        }
        let mut any = false;
        for s in policy
            .statements
            .iter()
            .filter(|s| iam::public_statement(s))
        {
            any = true;
            let actions: Vec<&str> = s
                .actions
                .iter()
                .filter_map(|a| a.known().map(String::as_str))
                .collect();
            let writable = !s.not_actions.is_empty() || actions.iter().any(|a| iam::may_write(a));
            let shown = if actions.is_empty() {
                "every action but the NotAction list".to_string()
            } else {
                actions.join(", ")
            };
            self.expose(
                ExposureKind::BucketPolicy,
                address,
                TfValue::Known(true),
                writable,
                format!("{} allows Principal \"*\" {shown}", s.label()),
                s.at.clone(),
            );
        }
        if !any {
            self.expose(
                ExposureKind::BucketPolicy,
                address,
                TfValue::Known(false),
                false,
                "no statement allows Principal \"*\" without a condition".to_string(),
                policy.at.clone(),
            );
        }
    }

    fn ingress(
        &self,
        f: &TfFile,
        address: &str,
        group: &str,
        body: &Body,
        protocol_key: &str,
        span: Option<std::ops::Range<usize>>,
    ) -> IngressRule {
        let port = |k: &str, default: i64| {
            body.get_attribute(k)
                .map_or(TfValue::Known(default), |a| self.scope.int(&a.value))
        };
        let protocol = body
            .get_attribute(protocol_key)
            .map_or(TfValue::Known("-1".to_string()), |a| {
                self.scope.string(&a.value)
            });
        // `-1` may be written as a number.
        let protocol = match protocol {
            TfValue::Known(p) if p == "-1.0" || p == "-1" => TfValue::Known("-1".to_string()),
            other => other,
        };
        let mut cidrs = Vec::new();
        for k in ["cidr_blocks", "ipv6_cidr_blocks", "cidr_ipv4", "cidr_ipv6"] {
            if let Some(a) = body.get_attribute(k) {
                cidrs.extend(self.scope.strings(&a.value));
            }
        }
        IngressRule {
            address: address.to_string(),
            group: group.to_string(),
            protocol,
            from_port: port("from_port", 0),
            to_port: port("to_port", 65535),
            cidrs,
            at: f.place_of(span),
        }
    }

    fn compute(&mut self, f: &TfFile, kind: &str, name: &str, b: &Block) {
        let address = format!("{kind}.{name}");
        let interfaces: Vec<&Block> = b
            .body
            .blocks()
            .filter(|x| matches!(x.ident.as_str(), "network_interfaces" | "network_interface"))
            .collect();
        let has_security_groups = names_something(&b.body, "vpc_security_group_ids")
            || names_something(&b.body, "security_groups")
            // An instance attached to an existing interface takes its groups.
            || (kind == "aws_instance" && !interfaces.is_empty())
            || interfaces.iter().any(|i| names_something(&i.body, "security_groups"));
        self.facts.compute.push(Compute {
            resource: f.resource(kind, name, b),
            has_security_groups,
        });
        let public = std::iter::once(&b.body)
            .chain(interfaces.iter().map(|i| &i.body))
            .find_map(|body| body.get_attribute("associate_public_ip_address"));
        let (exposed, detail, at) = self.bool_setting(
            f,
            b,
            public,
            "associate_public_ip_address",
            "associate_public_ip_address is not set",
        );
        self.expose(
            ExposureKind::InstancePublicIp,
            &address,
            exposed,
            false,
            detail,
            at,
        );
    }

    /// A boolean setting of block `b` that makes it exposed: its value (a
    /// variable stays unresolved), what it says, and where. Unset means
    /// false, and `unset` says so at the block.
    fn bool_setting(
        &self,
        f: &TfFile,
        b: &Block,
        attr: Option<&hcl_edit::structure::Attribute>,
        name: &str,
        unset: &str,
    ) -> (TfValue<bool>, String, Place) {
        match attr {
            Some(a) => {
                let v = self.scope.bool(&a.value);
                let shown = match &v {
                    TfValue::Known(x) => x.to_string(),
                    TfValue::Unresolved(t) => t.clone(),
                };
                (v, format!("{name} = {shown}"), f.place_of(a.span()))
            }
            None => (
                TfValue::Known(false),
                unset.to_string(),
                f.place_of(b.span()),
            ),
        }
    }

    /// A `policy = …` value, whichever of the four forms it takes.
    fn policy(
        &mut self,
        f: &TfFile,
        name: &str,
        kind: &str,
        expr: &Expression,
        at: Place,
    ) -> Option<Policy> {
        let mut policy = Policy {
            name: name.to_string(),
            kind: kind.to_string(),
            form: PolicyForm::InlineJson,
            at: at.clone(),
            statements: Vec::new(),
            unresolved: None,
        };
        let tree: Result<Node, String> = match expr {
            Expression::HeredocTemplate(h) => {
                policy.form = PolicyForm::Heredoc;
                let span = h.template.span();
                let (raw, base) = match span
                    .and_then(|r| f.text.get(r.clone()).map(|t| (t.to_string(), r.start)))
                {
                    Some(x) => x,
                    None => (text(expr), 0),
                };
                let place = |off: usize| f.place(base + off);
                match iam::parse_json(&raw, &place) {
                    Ok(n) => Ok(n),
                    Err(_) if raw.contains("${") || raw.contains("%{") => {
                        Err(first_template_part(&raw))
                    }
                    Err((msg, line, column)) => {
                        let start = f.place(base);
                        self.facts.problems.push(Problem {
                            at: Place {
                                file: f.shown.clone(),
                                line: start.line + line.saturating_sub(1) as u32,
                                column: if line <= 1 {
                                    start.column + column.saturating_sub(1) as u32
                                } else {
                                    column as u32
                                },
                            },
                            message: format!("invalid JSON in the policy of {name}: {msg}"),
                        });
                        return None;
                    }
                }
            }
            Expression::FuncCall(call) if call.name.name.as_str() == "jsonencode" => {
                policy.form = PolicyForm::Jsonencode;
                match call.args.iter().next() {
                    Some(arg) => Ok(self.scope.node(f, arg)),
                    None => Err(text(expr)),
                }
            }
            Expression::Traversal(t)
                if t.expr.as_variable().map(|v| v.as_str()) == Some("data") =>
            {
                let parts: Vec<String> = t
                    .operators
                    .iter()
                    .filter_map(|o| match o.value() {
                        TraversalOperator::GetAttr(n) => Some(n.as_str().to_string()),
                        _ => None,
                    })
                    .collect();
                match parts.as_slice() {
                    [ty, doc, attr] if ty == "aws_iam_policy_document" && attr == "json" => {
                        let key = format!("data.aws_iam_policy_document.{doc}");
                        match self.docs.get(&key) {
                            Some((statements, _)) => {
                                policy.form = PolicyForm::PolicyDocument;
                                policy.name = format!("{name} ({key})");
                                policy.statements = statements.clone();
                                self.used_docs.push(key);
                                return Some(policy);
                            }
                            None => Err(text(expr)),
                        }
                    }
                    _ => Err(text(expr)),
                }
            }
            _ => match self.scope.string(expr) {
                // A literal string, or a variable whose default is one.
                TfValue::Known(json) => {
                    let place = |_| at.clone();
                    match iam::parse_json(&json, &place) {
                        Ok(n) => Ok(n),
                        Err((msg, line, column)) => {
                            self.facts.problems.push(Problem {
                                at: at.clone(),
                                message: format!(
                                    "invalid JSON in the policy of {name}: {msg} (line {line}, column {column} of the string)"
                                ),
                            });
                            return None;
                        }
                    }
                }
                TfValue::Unresolved(t) => {
                    // `"…${aws_s3_bucket.b.arn}…"`: read it with the
                    // interpolations as written.
                    let raw = text(expr);
                    if expr.is_string_template() {
                        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default();
                        let unescaped: Result<String, _> =
                            serde_json::from_str(&format!("\"{inner}\""));
                        let place = |_| at.clone();
                        match unescaped.ok().map(|u| iam::parse_json(&u, &place)) {
                            Some(Ok(n)) => Ok(n),
                            _ => Err(t),
                        }
                    } else {
                        Err(t)
                    }
                }
            },
        };
        match tree.and_then(|n| iam::statements(&n, &at)) {
            Ok(s) => policy.statements = s,
            Err(t) => policy.unresolved = Some(t),
        }
        Some(policy)
    }
}

/// The cloud facts of parsed Terraform files, with the repo's IAM policy
/// JSON files (blocking).
pub(crate) fn cloud_facts(
    root: &Path,
    location: &str,
    files: &[TfFile],
    problems: &[TfProblem],
) -> CloudFacts {
    let mut facts = cloud(files, problems);
    let json = iam::read_files(root, location);
    facts.policy_files = json.policies.len();
    facts.policies.extend(json.policies);
    facts.problems.extend(json.problems);
    facts
}

/// What S-2, S-4 and S-5 judge in a folder: its Terraform and IAM policy
/// JSON files, shown as `location/path` (blocking). Audits collect the same
/// facts with the rest of a repo; this is for tools that read a folder alone.
pub fn scan_cloud(root: &Path, location: &str) -> CloudFacts {
    let (files, problems) = read_all(root, location);
    cloud_facts(root, location, &files, &problems)
}

/// The first `${…}` or `%{…}` of a template text.
fn first_template_part(raw: &str) -> String {
    let start = raw
        .find("${")
        .into_iter()
        .chain(raw.find("%{"))
        .min()
        .unwrap_or(0);
    let rest = &raw[start..];
    match rest.find('}') {
        Some(end) => rest[..=end].to_string(),
        None => rest.chars().take(40).collect(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::disallowed_methods)]

    use super::*;

    fn parse(text: &str) -> TfFile {
        TfFile {
            shown: "repos/a/terraform/logs.tf".into(),
            text: text.into(),
            body: hcl_edit::parser::parse_body(text).expect("valid HCL"),
        }
    }

    #[test]
    fn parse_errors_keep_line_and_column() {
        let err = super::parse("a.tf".into(), "x = 1\ny = [1,, 2]\n".into())
            .err()
            .expect("invalid");
        assert_eq!((err.line, err.column), (2, 8));
        assert_eq!(
            err.as_pair(),
            (
                "a.tf".to_string(),
                format!("{} (line 2, column 8)", err.message)
            )
        );
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

    fn cloud_of(text: &str) -> CloudFacts {
        cloud(std::slice::from_ref(&parse(text)), &[])
    }

    fn val<T: std::fmt::Display>(v: &TfValue<T>) -> String {
        match v {
            TfValue::Known(x) => x.to_string(),
            TfValue::Unresolved(t) => format!("?{t}"),
        }
    }

    #[test]
    fn security_groups_in_three_forms() {
        let facts = cloud_of(
            r#"variable "allowed_cidr" {}
variable "office" {
  default = ["10.1.0.0/16", "10.2.0.0/16"]
}
locals {
  ssh = 22
}

resource "aws_security_group" "web" {
  name = "web"
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
  ingress {
    from_port   = local.ssh # SSH
    to_port     = /* SSH */ local.ssh
    protocol    = "tcp"
    cidr_blocks = var.office
  }
  dynamic "ingress" {
    for_each = var.rules
    content {
      from_port   = ingress.value.port
      to_port     = ingress.value.port
      protocol    = "tcp"
      cidr_blocks = [
        var.allowed_cidr, # the office
      ]
    }
  }
}

resource "aws_security_group_rule" "all" {
  type              = "ingress"
  from_port         = 0
  to_port           = 0
  protocol          = -1
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.web.id
}

resource "aws_security_group_rule" "out" {
  type        = "egress"
  from_port   = 0
  to_port     = 0
  protocol    = "-1"
  cidr_blocks = ["0.0.0.0/0"]
  security_group_id = aws_security_group.web.id
}

resource "aws_vpc_security_group_ingress_rule" "pg" {
  security_group_id = aws_security_group.web.id
  cidr_ipv4   = "0.0.0.0/0"
  from_port   = 5432
  ip_protocol = "tcp"
  to_port     = 5432
}
"#,
        );
        assert_eq!(
            facts
                .security_groups
                .iter()
                .map(Resource::address)
                .collect::<Vec<_>>(),
            ["aws_security_group.web"]
        );
        let got: Vec<String> = facts
            .ingress
            .iter()
            .map(|r| {
                let cidrs: Vec<String> = r.cidrs.iter().map(val).collect();
                format!(
                    "{} [{}] {} {}-{} {} @{}:{}",
                    r.address,
                    r.group,
                    val(&r.protocol),
                    val(&r.from_port),
                    val(&r.to_port),
                    cidrs.join(","),
                    r.at.line,
                    r.at.column
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "aws_security_group.web [aws_security_group.web] tcp 443-443 0.0.0.0/0,::/0 @11:3",
                "aws_security_group.web [aws_security_group.web] tcp 22-22 10.1.0.0/16,10.2.0.0/16 @18:3",
                "aws_security_group.web [aws_security_group.web] tcp ?ingress.value.port-?ingress.value.port ?var.allowed_cidr @26:5",
                "aws_security_group_rule.all [aws_security_group.web] -1 0-0 0.0.0.0/0 @37:1",
                "aws_vpc_security_group_ingress_rule.pg [aws_security_group.web] tcp 5432-5432 0.0.0.0/0 @55:1",
            ]
        );
        assert!(facts.ingress[3].all_protocols());
        assert!(!facts.ingress[0].all_protocols());
    }

    #[test]
    fn instances_and_exposures() {
        let facts = cloud_of(
            r#"variable "public_db" {}

resource "aws_instance" "bare" {
  ami                         = "ami-1"
  associate_public_ip_address = true
}

resource "aws_instance" "guarded" {
  ami                    = "ami-1"
  vpc_security_group_ids = [aws_security_group.web.id]
}

resource "aws_launch_template" "lt" {
  network_interfaces {
    associate_public_ip_address = false
    security_groups             = [aws_security_group.web.id]
  }
}

resource "aws_launch_template" "empty" {
  vpc_security_group_ids = []
}

resource "aws_eip" "ip" {
  instance = aws_instance.bare.id
}

resource "aws_s3_bucket" "site" {
  bucket = "site"
  acl    = "public-read"
}

resource "aws_s3_bucket" "private" {
  bucket = "private"
}

resource "aws_s3_bucket_acl" "drop" {
  bucket = aws_s3_bucket.private.id
  acl    = "public-read-write"
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket              = aws_s3_bucket.site.id
  block_public_acls   = false
  block_public_policy = true
  ignore_public_acls  = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_website_configuration" "site" {
  bucket = aws_s3_bucket.site.id
}

resource "aws_db_instance" "main" {
  publicly_accessible = var.public_db
}

resource "aws_rds_cluster_instance" "one" {
  publicly_accessible = true
}

resource "aws_lb" "front" {
  name = "front"
}

resource "aws_lb" "inner" {
  internal = true
}
"#,
        );
        let compute: Vec<String> = facts
            .compute
            .iter()
            .map(|c| format!("{} {}", c.resource.address(), c.has_security_groups))
            .collect();
        assert_eq!(
            compute,
            [
                "aws_instance.bare false",
                "aws_instance.guarded true",
                "aws_launch_template.lt true",
                "aws_launch_template.empty false",
            ]
        );
        let got: Vec<String> = facts
            .exposures
            .iter()
            .map(|e| {
                format!(
                    "{:?} {} {}{} {} @{}",
                    e.kind,
                    e.address,
                    val(&e.exposed),
                    if e.writable { " writable" } else { "" },
                    e.detail,
                    e.at.line
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "InstancePublicIp aws_instance.bare true associate_public_ip_address = true @5",
                "InstancePublicIp aws_instance.guarded false associate_public_ip_address is not set @8",
                "InstancePublicIp aws_launch_template.lt false associate_public_ip_address = false @15",
                "InstancePublicIp aws_launch_template.empty false associate_public_ip_address is not set @20",
                "ElasticIp aws_eip.ip true instance = aws_instance.bare.id @25",
                "BucketAcl aws_s3_bucket.site true acl = \"public-read\" @30",
                "BucketAcl aws_s3_bucket.private false no acl (private) @33",
                "BucketAcl aws_s3_bucket_acl.drop true writable acl = \"public-read-write\" @39",
                "BucketPublicAccessBlock aws_s3_bucket_public_access_block.site true block_public_acls = false @42",
                "BucketWebsite aws_s3_bucket_website_configuration.site true serves the bucket as a website @50",
                "Database aws_db_instance.main ?var.public_db publicly_accessible = var.public_db @55",
                "Database aws_rds_cluster_instance.one true publicly_accessible = true @59",
                "LoadBalancer aws_lb.front true internal is not set (internet-facing by default) @62",
                "LoadBalancer aws_lb.inner false internal = true @67",
            ]
        );
    }

    #[test]
    fn iam_users_and_roles() {
        let facts = cloud_of(
            r#"resource "aws_iam_user" "ci" {
  name = "ci"
}
resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}
resource "aws_iam_user_policy_attachment" "ci" {
  user       = aws_iam_user.ci.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
resource "aws_iam_role" "app" {
  name = "app"
}
resource "aws_iam_policy_attachment" "roles_only" {
  roles      = [aws_iam_role.app.name]
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
resource "aws_iam_policy_attachment" "with_users" {
  users      = ["alice"]
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
"#,
        );
        let users: Vec<String> = facts
            .iam_users
            .iter()
            .map(|r| format!("{} @{}", r.address(), r.at.line))
            .collect();
        assert_eq!(
            users,
            [
                "aws_iam_user.ci @1",
                "aws_iam_access_key.ci @4",
                "aws_iam_user_policy_attachment.ci @7",
                "aws_iam_policy_attachment.with_users @18",
            ]
        );
        assert_eq!(facts.iam_roles, 1);
    }

    fn policies(facts: &CloudFacts) -> Vec<String> {
        let mut out = Vec::new();
        for p in &facts.policies {
            out.push(format!(
                "{} ({}) @{}:{}{}",
                p.name,
                p.form.as_str(),
                p.at.line,
                p.at.column,
                p.unresolved
                    .as_ref()
                    .map(|u| format!(" unresolved {u}"))
                    .unwrap_or_default()
            ));
            for s in &p.statements {
                out.push(format!(
                    "  {} @{}:{} {:?}",
                    s.label(),
                    s.at.line,
                    s.at.column,
                    s.breadth
                ));
            }
        }
        out
    }

    #[test]
    fn policies_in_every_form() {
        let facts = cloud_of(
            r#"variable "extra_actions" {}

resource "aws_iam_policy" "inline" {
  policy = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}"
}

resource "aws_iam_role_policy" "encoded" {
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Read"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = "${aws_s3_bucket.b.arn}/*"
      },
      {
        Effect   = "Allow"
        Action   = ["s3:*"]
        Resource = [aws_s3_bucket.b.arn]
      },
      {
        Effect   = "Allow"
        Action   = var.extra_actions
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_group_policy" "heredoc" {
  group  = "ops"
  policy = <<-EOF
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": ["dynamodb:*Item"],
          "Resource": "*"
        }
      ]
    }
  EOF
}

data "aws_iam_policy_document" "app" {
  statement {
    sid       = "Logs"
    actions   = ["logs:PutLogEvents"]
    resources = ["arn:aws:logs:*:*:log-group:/app/*"]
  }
  statement {
    effect      = "Allow"
    not_actions = ["iam:*"]
    resources   = ["*"]
  }
}

resource "aws_iam_role_policy" "doc" {
  role   = aws_iam_role.app.id
  policy = data.aws_iam_policy_document.app.json
}

data "aws_iam_policy_document" "unused" {
  statement {
    actions   = ["ec2:Describe*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "from_file" {
  policy = file("policy.json")
}

resource "aws_iam_policy" "templated" {
  policy = <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ${jsonencode(var.actions)}, "Resource": "*"}]}
EOF
}
"#,
        );
        assert_eq!(
            policies(&facts),
            [
                "aws_iam_policy.inline (inline JSON) @4:3",
                "  statement #1 @4:3 [AllActions]",
                "aws_iam_role_policy.encoded (jsonencode) @9:3",
                "  statement \"Read\" @12:7 []",
                "  statement #2 @18:7 [ServiceWildcard(\"s3:*\")]",
                "  statement #3 @23:7 [Unresolved(\"var.extra_actions\")]",
                "aws_iam_group_policy.heredoc (heredoc) @34:3",
                "  statement #1 @38:9 [WriteWildcardOnAnyResource(\"dynamodb:*Item\")]",
                "aws_iam_role_policy.doc (data.aws_iam_policy_document.app) (aws_iam_policy_document) @63:3",
                "  statement \"Logs\" @49:3 []",
                "  statement #2 @54:3 [AllowNotAction([\"iam:*\"])]",
                "aws_iam_policy.from_file (inline JSON) @74:3 unresolved file(\"policy.json\")",
                "aws_iam_policy.templated (heredoc) @78:3 unresolved ${jsonencode(var.actions)}",
                "data.aws_iam_policy_document.unused (aws_iam_policy_document) @66:1",
                "  statement #1 @67:3 []",
            ]
        );
    }

    #[test]
    fn bucket_policies_open_to_anyone() {
        let facts = cloud_of(
            r#"resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.site.arn}/*"
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.site.arn}/*"
        Condition = { StringEquals = { "aws:SourceVpce" = "vpce-1" } }
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "drop" {
  bucket = aws_s3_bucket.drop.id
  policy = data.aws_iam_policy_document.drop.json
}

data "aws_iam_policy_document" "drop" {
  statement {
    actions   = ["s3:PutObject"]
    resources = ["arn:aws:s3:::drop/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}
"#,
        );
        let got: Vec<String> = facts
            .exposures
            .iter()
            .map(|e| {
                format!(
                    "{} {}{} {} @{}",
                    e.address,
                    val(&e.exposed),
                    if e.writable { " writable" } else { "" },
                    e.detail,
                    e.at.line
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "aws_s3_bucket_policy.site true statement #1 allows Principal \"*\" s3:GetObject @6",
                "aws_s3_bucket_policy.drop true writable statement #1 allows Principal \"*\" s3:PutObject @29",
            ]
        );
    }

    #[test]
    fn bad_hcl_names_line_and_column_and_other_files_are_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("ok.tf"),
            "resource \"aws_iam_user\" \"u\" {\n  name = \"u\"\n}\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("bad.tf"),
            "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"private\"\n  tags = = 1\n}\n",
        )
        .expect("write");
        std::fs::create_dir_all(dir.path().join("iam")).expect("mkdir");
        std::fs::write(
            dir.path().join("iam/deploy.json"),
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]}"#,
        )
        .expect("write");
        std::fs::write(dir.path().join("package.json"), r#"{"name": "x"}"#).expect("write");
        let facts = scan_cloud(dir.path(), "repos/a");
        assert_eq!(facts.terraform_files, 1);
        assert_eq!(facts.policy_files, 1);
        assert_eq!(facts.iam_users.len(), 1);
        assert_eq!(facts.problems.len(), 1);
        let p = &facts.problems[0];
        assert_eq!(p.at.file, "repos/a/bad.tf");
        assert_eq!((p.at.line, p.at.column), (3, 10));
        assert!(p.message.starts_with("invalid HCL: "), "{}", p.message);
        assert_eq!(facts.policies[0].name, "repos/a/iam/deploy.json");
        assert_eq!(
            facts.policies[0].statements[0].breadth,
            [relman_core::cloud::Breadth::ServiceWildcard("iam:*".into())]
        );
    }

    #[test]
    fn invalid_json_in_a_heredoc_is_a_problem_at_its_line() {
        let facts = cloud_of(
            "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [,]\n}\nEOF\n}\n",
        );
        assert!(facts.policies.is_empty());
        assert_eq!(facts.problems.len(), 1);
        assert_eq!(facts.problems[0].at.line, 5);
        assert!(
            facts.problems[0]
                .message
                .starts_with("invalid JSON in the policy of aws_iam_policy.p: "),
            "{}",
            facts.problems[0].message
        );
    }
}
