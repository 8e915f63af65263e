//! IAM policy documents: reading them (JSON files of the repo, and the JSON
//! or HCL trees Terraform holds) and the least-privilege analysis of their
//! statements, which is pure.
//!
//! serde_json keeps no positions, so a JSON document is parsed twice: by
//! serde_json for the values, and by [`statement_offsets`], a small scanner
//! that walks the same text (strings and nesting only) to the byte offset
//! where each element of the top-level `Statement` starts. Statement `i` of
//! the value is at offset `i` of the scan.

use std::path::Path;

use relman_core::cloud::{Breadth, Effect, Place, Policy, PolicyForm, Problem, Statement, TfValue};

/// A policy file above this size is not hand-written.
const MAX_JSON_BYTES: u64 = 1024 * 1024;
const MAX_FILES: usize = 5_000;

/// A policy document as a tree, from JSON or from HCL (`jsonencode`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Str(String),
    /// A number, bool or null, as text.
    Other(String),
    /// An expression relman does not evaluate, as written.
    Unresolved(String),
    List(Vec<Node>),
    /// Keys in order; the place where the object starts, when known.
    Object(Vec<(String, Node)>, Option<Place>),
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(fields, _) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn text(&self) -> String {
        match self {
            Node::Str(s) | Node::Other(s) | Node::Unresolved(s) => s.clone(),
            Node::List(_) => "[…]".to_string(),
            Node::Object(..) => "{…}".to_string(),
        }
    }

    /// A string or a list of strings, as IAM allows for `Action` and
    /// `Resource`.
    fn strings(&self) -> Vec<TfValue<String>> {
        match self {
            Node::List(items) => items.iter().flat_map(Node::strings).collect(),
            Node::Str(s) => vec![TfValue::Known(s.clone())],
            Node::Other(s) => vec![TfValue::Known(s.clone())],
            Node::Unresolved(t) => vec![TfValue::Unresolved(t.clone())],
            Node::Object(..) => vec![TfValue::Unresolved(self.text())],
        }
    }
}

/// The fields of one statement, however it was written.
#[derive(Debug, Default)]
pub(crate) struct StatementFields {
    pub sid: Option<String>,
    pub effect: Option<Effect>,
    pub actions: Vec<TfValue<String>>,
    pub not_actions: Vec<TfValue<String>>,
    pub resources: Vec<TfValue<String>>,
    pub not_resources: Vec<TfValue<String>>,
    pub principals: Vec<TfValue<String>>,
    pub condition_keys: Vec<String>,
}

impl StatementFields {
    /// The statement, with its least-privilege analysis.
    pub fn build(self, index: usize, at: Place) -> Statement {
        let mut s = Statement {
            index,
            sid: self.sid,
            effect: self.effect.unwrap_or(Effect::Allow),
            actions: self.actions,
            not_actions: self.not_actions,
            resources: self.resources,
            not_resources: self.not_resources,
            principals: self.principals,
            condition_keys: self.condition_keys,
            at,
            breadth: Vec::new(),
        };
        s.breadth = analyse(&s);
        s
    }
}

/// The statements of a policy document tree. `fallback` places statements
/// whose object carries no place.
pub(crate) fn statements(doc: &Node, fallback: &Place) -> Result<Vec<Statement>, String> {
    let Some(list) = doc.get("Statement") else {
        return match doc {
            Node::Object(..) => Err("the policy has no Statement".to_string()),
            Node::Unresolved(t) => Err(t.clone()),
            other => Err(format!("the policy is not an object: {}", other.text())),
        };
    };
    let items: Vec<&Node> = match list {
        Node::List(items) => items.iter().collect(),
        one => vec![one],
    };
    let mut out = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let at = match item {
            Node::Object(_, Some(p)) => p.clone(),
            _ => fallback.clone(),
        };
        let fields = match item {
            Node::Object(..) => statement_fields(item),
            // A statement that is an expression: nothing is known of it.
            other => StatementFields {
                effect: Some(Effect::Unresolved(other.text())),
                actions: vec![TfValue::Unresolved(other.text())],
                ..StatementFields::default()
            },
        };
        out.push(fields.build(index, at));
    }
    Ok(out)
}

fn statement_fields(obj: &Node) -> StatementFields {
    let effect = obj.get("Effect").map(|e| match e {
        Node::Str(s) if s.eq_ignore_ascii_case("allow") => Effect::Allow,
        Node::Str(s) if s.eq_ignore_ascii_case("deny") => Effect::Deny,
        other => Effect::Unresolved(other.text()),
    });
    let list = |k: &str| obj.get(k).map(Node::strings).unwrap_or_default();
    let principals = match obj.get("Principal") {
        None => Vec::new(),
        Some(Node::Object(fields, _)) => fields
            .iter()
            .flat_map(|(kind, v)| {
                v.strings().into_iter().map(move |id| match id {
                    TfValue::Known(id) => TfValue::Known(format!("{kind}:{id}")),
                    u => u,
                })
            })
            .collect(),
        Some(other) => other.strings(),
    };
    let condition_keys = match obj.get("Condition") {
        Some(Node::Object(ops, _)) => ops
            .iter()
            .flat_map(|(_, keys)| match keys {
                Node::Object(keys, _) => keys.iter().map(|(k, _)| k.clone()).collect(),
                other => vec![other.text()],
            })
            .collect(),
        Some(other) => vec![other.text()],
        None => Vec::new(),
    };
    StatementFields {
        sid: obj.get("Sid").map(Node::text),
        effect,
        actions: list("Action"),
        not_actions: list("NotAction"),
        resources: list("Resource"),
        not_resources: list("NotResource"),
        principals,
        condition_keys,
    }
}

// ---------------------------------------------------------------- analysis

/// Verbs that begin actions which change something. An action (or the
/// literal start of a wildcard) is a write when its name after `service:`
/// begins with one of these, compared without case.
const WRITE_VERBS: &[&str] = &[
    "Put",
    "Create",
    "Delete",
    "Update",
    "Attach",
    "Detach",
    "Modify",
    "Set",
    "Add",
    "Remove",
    "Tag",
    "Untag",
    "Pass",
    "Run",
    "Start",
    "Stop",
    "Terminate",
    "Invoke",
    "Publish",
    "Send",
    "Write",
    "Upload",
    "Replace",
    "Restore",
    "Associate",
    "Disassociate",
    "Enable",
    "Disable",
    "Reboot",
    "Import",
    "Copy",
    "Change",
    "Reset",
    "Revoke",
    "Authorize",
    "Register",
    "Deregister",
    "Execute",
    "Abort",
    "Complete",
    "Restart",
    "Apply",
    "Cancel",
    "Deploy",
    "Purge",
    "Batch",
    "Assume",
    "Encrypt",
    "Decrypt",
    "GenerateDataKey",
    "Sign",
    "Rotate",
    "Schedule",
    "Request",
    "Accept",
    "Reject",
    "Allocate",
    "Release",
    "Merge",
    "Post",
    "Admin",
    "Force",
    "Confirm",
    "Increase",
    "Decrease",
    "Move",
    "Rename",
];

/// Verbs that begin actions which only read. `Batch` alone is a write verb
/// (`BatchWriteItem`), `BatchGet` a read one: the longest verb decides.
const READ_VERBS: &[&str] = &[
    "Get", "List", "Describe", "Head", "Lookup", "Search", "Select", "Scan", "Query", "BatchGet",
    "View", "Check", "Download", "Filter", "Preview", "Validate", "Estimate", "Simulate",
];

/// Read verbs that return only metadata (names, settings, states), not the
/// data itself. Many such actions take no resource ARN at all, so a
/// wildcard of them on `Resource: "*"` is how they are granted.
const METADATA_VERBS: &[&str] = &["List", "Describe"];

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// How an action name (after `service:`) reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Only reads.
    Read,
    /// Changes something.
    Write,
    /// A verb in neither table (`ReceiveMessage`): treated as a write,
    /// since only what is known to read is read-only.
    Other,
}

/// The access of an action by its verb, or of a wildcard by the literal
/// text before its first `*` or `?`. The longest verb of either table that
/// the text begins with decides (`BatchGetItem` reads, `BatchWriteItem`
/// writes). A wildcard whose literal text is shorter than any verb
/// (`*Item`, `S*`) may write when a write verb begins with that text.
pub(crate) fn access(name: &str) -> Access {
    let literal = name.split(['*', '?']).next().unwrap_or_default();
    let wildcard = literal.len() < name.len();
    let longest = |verbs: &[&str]| {
        verbs
            .iter()
            .filter(|v| starts_with_ci(literal, v))
            .map(|v| v.len())
            .max()
    };
    match (longest(READ_VERBS), longest(WRITE_VERBS)) {
        (Some(r), Some(w)) if r > w => Access::Read,
        (Some(_), None) => Access::Read,
        (_, Some(_)) => Access::Write,
        (None, None) => {
            if wildcard && WRITE_VERBS.iter().any(|v| starts_with_ci(v, literal)) {
                Access::Write
            } else {
                Access::Other
            }
        }
    }
}

/// Whether an action may write (`*`, `s3:*`, `s3:Put*`, `s3:PutObject`).
pub(crate) fn may_write(action: &str) -> bool {
    match action.split_once(':') {
        None => true,
        Some((_, name)) => access(name) != Access::Read,
    }
}

fn is_wildcard(s: &str) -> bool {
    s.contains('*') || s.contains('?')
}

/// `*`, or an ARN whose resource part is `*` in any account and region
/// (`arn:aws:s3:::*`, `arn:aws:dynamodb:*:*:*`).
pub(crate) fn any_resource(r: &str) -> bool {
    if r == "*" {
        return true;
    }
    let parts: Vec<&str> = r.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[3..5].iter().all(|p| p.is_empty() || *p == "*")
        && parts[5] == "*"
}

/// What is over-broad in a statement. Only `Allow` (and unknown effects)
/// are judged; `Deny` narrows and is never over-broad.
pub(crate) fn analyse(s: &Statement) -> Vec<Breadth> {
    let mut out = Vec::new();
    if s.effect == Effect::Deny {
        return out;
    }
    let mut unresolved: Vec<String> = Vec::new();
    if let Effect::Unresolved(t) = &s.effect {
        unresolved.push(format!("Effect {t}"));
    }
    if !s.not_actions.is_empty() {
        let known: Vec<String> = s
            .not_actions
            .iter()
            .filter_map(|a| a.known().cloned())
            .collect();
        out.push(Breadth::AllowNotAction(known));
    }
    // NotResource allows every resource but the listed ones.
    let resource_any = !s.not_resources.is_empty()
        || s.resources
            .iter()
            .any(|r| r.known().is_some_and(|r| any_resource(r)));
    let resource_unknown: Vec<&str> = s.resources.iter().filter_map(|r| r.unresolved()).collect();
    for a in &s.actions {
        let a = match a {
            TfValue::Known(a) => a.trim(),
            TfValue::Unresolved(t) => {
                unresolved.push(t.clone());
                continue;
            }
        };
        if a == "*" || a == "*:*" {
            out.push(Breadth::AllActions);
            continue;
        }
        let Some((_, name)) = a.split_once(':') else {
            continue;
        };
        if name == "*" {
            out.push(Breadth::ServiceWildcard(a.to_string()));
            continue;
        }
        if !is_wildcard(name) {
            continue;
        }
        match access(name) {
            Access::Write | Access::Other if resource_any => {
                out.push(Breadth::WriteWildcardOnAnyResource(a.to_string()));
            }
            Access::Write | Access::Other => {
                unresolved.extend(resource_unknown.iter().map(|t| t.to_string()));
            }
            Access::Read if resource_any => {
                let literal = name.split(['*', '?']).next().unwrap_or_default();
                if !METADATA_VERBS.iter().any(|v| starts_with_ci(literal, v)) {
                    out.push(Breadth::ReadWildcardOnAnyResource(a.to_string()));
                }
            }
            Access::Read => {}
        }
    }
    // An expression is only worth naming when it could make the statement
    // over-broad and nothing already does.
    let decided = out.iter().any(|b| {
        matches!(
            b,
            Breadth::AllActions
                | Breadth::ServiceWildcard(_)
                | Breadth::WriteWildcardOnAnyResource(_)
        )
    });
    if !decided {
        unresolved.dedup();
        out.extend(unresolved.into_iter().map(Breadth::Unresolved));
    }
    out
}

/// Condition keys that tie a public principal to a network, an account or
/// an organisation. `aws:SecureTransport` and `aws:Referer` do not: anyone
/// can use TLS and send any Referer.
const RESTRICTIVE_CONDITION_KEYS: &[&str] = &[
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourceowner",
    "aws:userid",
    "aws:username",
    "aws:principalservicename",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

/// Whether a statement lets anyone in: `Allow` (or unknown) to
/// `Principal: "*"` or `{"AWS": "*"}`, with no restrictive condition.
pub(crate) fn public_statement(s: &Statement) -> bool {
    if s.effect == Effect::Deny {
        return false;
    }
    let anyone = s.principals.iter().any(|p| {
        p.known()
            .is_some_and(|p| matches!(p.as_str(), "*" | "AWS:*" | "*:*"))
    });
    let restricted = s.condition_keys.iter().any(|k| {
        let k = k.to_ascii_lowercase();
        RESTRICTIVE_CONDITION_KEYS.contains(&k.as_str())
    });
    anyone && !restricted
}

// ---------------------------------------------------------------- JSON text

/// A policy document in JSON text: its tree, with each statement object
/// placed by `place(offset)`. An error is `(message, line, column)` within
/// the text.
pub(crate) fn parse_json(
    text: &str,
    place: &dyn Fn(usize) -> Place,
) -> Result<Node, (String, usize, usize)> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        // serde_json appends " at line L column C"; the position is given apart.
        let msg = match msg.find(" at line ") {
            Some(i) => msg[..i].to_string(),
            None => msg,
        };
        (msg, e.line(), e.column())
    })?;
    let mut node = from_json(&value);
    let offsets = statement_offsets(text);
    if let Node::Object(fields, p) = &mut node {
        *p = Some(place(first_non_ws(text, 0)));
        if let Some((_, st)) = fields.iter_mut().find(|(k, _)| k == "Statement") {
            match st {
                Node::List(items) => {
                    for (item, off) in items.iter_mut().zip(&offsets) {
                        if let Node::Object(_, p) = item {
                            *p = Some(place(*off));
                        }
                    }
                }
                Node::Object(_, p) => *p = offsets.first().map(|o| place(*o)),
                _ => {}
            }
        }
    }
    Ok(node)
}

fn from_json(v: &serde_json::Value) -> Node {
    use serde_json::Value;
    match v {
        Value::String(s) => Node::Str(s.clone()),
        Value::Array(items) => Node::List(items.iter().map(from_json).collect()),
        Value::Object(map) => Node::Object(
            map.iter().map(|(k, v)| (k.clone(), from_json(v))).collect(),
            None,
        ),
        other => Node::Other(other.to_string()),
    }
}

fn first_non_ws(text: &str, from: usize) -> usize {
    let b = text.as_bytes();
    let mut i = from;
    while i < b.len() && (b[i].is_ascii_whitespace() || text[i..].starts_with('\u{feff}')) {
        i += if b[i].is_ascii_whitespace() { 1 } else { 3 };
    }
    i
}

/// End of the JSON string starting at `i` (on its opening quote): the
/// offset after the closing quote.
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// End of the JSON value starting at `i`.
fn skip_value(b: &[u8], i: usize) -> usize {
    match b.get(i) {
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            b.len()
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') && !b[j].is_ascii_whitespace()
            {
                j += 1;
            }
            j
        }
    }
}

/// The byte offsets where the elements of the top-level `Statement` start
/// (one offset when `Statement` is a single object). The text is expected
/// to be valid JSON (serde_json has accepted it).
pub(crate) fn statement_offsets(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut i = first_non_ws(text, 0);
    if b.get(i) != Some(&b'{') {
        return Vec::new();
    }
    i += 1;
    loop {
        i = first_non_ws(text, i);
        if b.get(i) != Some(&b'"') {
            return Vec::new();
        }
        let key_end = skip_string(b, i);
        let key = text
            .get(i + 1..key_end.saturating_sub(1))
            .unwrap_or_default();
        i = first_non_ws(text, key_end);
        if b.get(i) != Some(&b':') {
            return Vec::new();
        }
        i = first_non_ws(text, i + 1);
        if key == "Statement" {
            return match b.get(i) {
                Some(b'[') => {
                    let mut out = Vec::new();
                    let mut j = first_non_ws(text, i + 1);
                    while j < b.len() && b[j] != b']' {
                        out.push(j);
                        j = first_non_ws(text, skip_value(b, j));
                        if b.get(j) == Some(&b',') {
                            j = first_non_ws(text, j + 1);
                        }
                    }
                    out
                }
                Some(_) => vec![i],
                None => Vec::new(),
            };
        }
        i = first_non_ws(text, skip_value(b, i));
        match b.get(i) {
            Some(b',') => i += 1,
            _ => return Vec::new(),
        }
    }
}

/// 1-based line and column of a byte offset in a text.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1) as u32
        + 1;
    (line, col)
}

// ---------------------------------------------------------------- JSON files

/// The IAM policy documents among the repo's `*.json` files.
#[derive(Debug, Default)]
pub(crate) struct JsonPolicies {
    pub policies: Vec<Policy>,
    pub problems: Vec<Problem>,
}

/// Whether a text looks like a policy document before it is parsed: a
/// `.json` file that does not parse is only reported when it does.
fn looks_like_policy(text: &str) -> bool {
    text.contains("\"Statement\"") && text.contains("\"Version\"")
}

/// One JSON file: `Ok(None)` when it is not a policy document.
pub(crate) fn policy_file(shown: &str, text: &str) -> Result<Option<Policy>, Problem> {
    let place = |off: usize| {
        let (line, column) = line_col(text, off);
        Place {
            file: shown.to_string(),
            line,
            column,
        }
    };
    let node = match parse_json(text, &place) {
        Ok(n) => n,
        Err((msg, line, column)) => {
            if !looks_like_policy(text) {
                return Ok(None);
            }
            return Err(Problem {
                at: Place {
                    file: shown.to_string(),
                    line: line as u32,
                    column: column as u32,
                },
                message: format!("invalid JSON: {msg}"),
            });
        }
    };
    if node.get("Version").is_none() || node.get("Statement").is_none() {
        return Ok(None);
    }
    let at = place(first_non_ws(text, 0));
    let (statements, unresolved) = match statements(&node, &at) {
        Ok(s) => (s, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    Ok(Some(Policy {
        name: shown.to_string(),
        kind: "file".to_string(),
        form: PolicyForm::JsonFile,
        at,
        statements,
        unresolved,
    }))
}

/// Every IAM policy JSON file of the repo (blocking).
pub(crate) fn read_files(root: &Path, location: &str) -> JsonPolicies {
    let mut out = JsonPolicies::default();
    let mut paths: Vec<_> = crate::repo_files(root, location, &["json"], MAX_JSON_BYTES).collect();
    paths.sort_by(|a, b| a.1.cmp(&b.1));
    for (n, (path, shown)) in paths.into_iter().enumerate() {
        if n >= MAX_FILES {
            break;
        }
        let text = match crate::read_text(&path, MAX_JSON_BYTES) {
            Ok(t) => t,
            // An unreadable .json file is only a problem when it could be a policy.
            Err(_) => continue,
        };
        if !looks_like_policy(&text) {
            continue;
        }
        match policy_file(&shown, &text) {
            Ok(Some(p)) => out.policies.push(p),
            Ok(None) => {}
            Err(p) => out.problems.push(p),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(list: &[&str], resources: &[&str]) -> Statement {
        StatementFields {
            actions: list.iter().map(|a| TfValue::Known(a.to_string())).collect(),
            resources: resources
                .iter()
                .map(|r| TfValue::Known(r.to_string()))
                .collect(),
            ..StatementFields::default()
        }
        .build(0, Place::default())
    }

    #[test]
    fn verb_table() {
        for (name, want) in [
            ("PutObject", Access::Write),
            ("Put*", Access::Write),
            ("CreateUser", Access::Write),
            ("Create*", Access::Write),
            ("*Item", Access::Write),
            ("*", Access::Write),
            ("PassRole", Access::Write),
            ("RunInstances", Access::Write),
            ("TerminateInstances", Access::Write),
            ("InvokeFunction", Access::Write),
            ("BatchWriteItem", Access::Write),
            ("Batch*", Access::Write),
            ("S*", Access::Write),
            ("ReceiveMessage", Access::Other),
            ("Receive*", Access::Other),
            ("G*", Access::Write),
            ("GetObject", Access::Read),
            ("Get*", Access::Read),
            ("getobject", Access::Read),
            ("List*", Access::Read),
            ("Describe*", Access::Read),
            ("DescribeInst*", Access::Read),
            ("BatchGetItem", Access::Read),
            ("BatchGet*", Access::Read),
            ("Scan", Access::Read),
            ("Query", Access::Read),
            ("HeadObject", Access::Read),
            ("LookupEvents", Access::Read),
        ] {
            assert_eq!(access(name), want, "{name}");
        }
        assert!(may_write("s3:*"));
        assert!(may_write("*"));
        assert!(!may_write("s3:GetObject"));
    }

    #[test]
    fn any_resource_forms() {
        assert!(any_resource("*"));
        assert!(any_resource("arn:aws:s3:::*"));
        assert!(any_resource("arn:aws:dynamodb:*:*:*"));
        assert!(!any_resource("arn:aws:s3:::logs/*"));
        assert!(!any_resource(
            "arn:aws:dynamodb:eu-west-1:123456789012:table/*"
        ));
        assert!(!any_resource("arn:aws:dynamodb:*:*:table/*"));
    }

    #[test]
    fn least_privilege_table() {
        use Breadth::*;
        assert_eq!(analyse(&actions(&["*"], &["*"])), [AllActions]);
        assert_eq!(
            analyse(&actions(&["*:*"], &["arn:aws:s3:::b"])),
            [AllActions]
        );
        assert_eq!(
            analyse(&actions(&["s3:*"], &["arn:aws:s3:::b/*"])),
            [ServiceWildcard("s3:*".into())]
        );
        assert_eq!(
            analyse(&actions(&["s3:Put*"], &["*"])),
            [WriteWildcardOnAnyResource("s3:Put*".into())]
        );
        assert_eq!(
            analyse(&actions(&["dynamodb:*Item"], &["*"])),
            [WriteWildcardOnAnyResource("dynamodb:*Item".into())]
        );
        // Scoped write wildcards are fine.
        assert!(analyse(&actions(&["s3:Put*"], &["arn:aws:s3:::b/*"])).is_empty());
        // Specific actions are fine, on any resource.
        assert!(analyse(&actions(&["s3:GetObject", "s3:PutObject"], &["*"])).is_empty());
        // Metadata reads on * pass; data reads on * are reported.
        assert!(analyse(&actions(&["ec2:Describe*", "s3:List*"], &["*"])).is_empty());
        assert_eq!(
            analyse(&actions(&["s3:Get*"], &["*"])),
            [ReadWildcardOnAnyResource("s3:Get*".into())]
        );
        // Deny is never over-broad.
        let mut deny = actions(&["*"], &["*"]);
        deny.effect = Effect::Deny;
        assert!(analyse(&deny).is_empty());
        // NotAction with Allow.
        let s = StatementFields {
            not_actions: vec![TfValue::Known("iam:*".into())],
            resources: vec![TfValue::Known("*".into())],
            ..StatementFields::default()
        }
        .build(0, Place::default());
        assert_eq!(s.breadth, [AllowNotAction(vec!["iam:*".into()])]);
        // An action from a variable cannot be judged.
        let s = StatementFields {
            actions: vec![TfValue::Unresolved("var.actions".into())],
            resources: vec![TfValue::Known("*".into())],
            ..StatementFields::default()
        }
        .build(0, Place::default());
        assert_eq!(s.breadth, [Unresolved("var.actions".into())]);
        // A write wildcard on a resource from a variable cannot either.
        let s = StatementFields {
            actions: vec![TfValue::Known("s3:Put*".into())],
            resources: vec![TfValue::Unresolved("var.bucket_arn".into())],
            ..StatementFields::default()
        }
        .build(0, Place::default());
        assert_eq!(s.breadth, [Unresolved("var.bucket_arn".into())]);
    }

    #[test]
    fn json_file_with_positions() {
        let text = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": ["s3:GetObject"],
      "Resource": "arn:aws:s3:::b/*"
    },
    {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
  ]
}
"#;
        let p = policy_file("repos/a/iam/admin.json", text)
            .expect("valid")
            .expect("a policy");
        assert_eq!(p.form, PolicyForm::JsonFile);
        assert_eq!((p.at.line, p.at.column), (1, 1));
        let got: Vec<String> = p
            .statements
            .iter()
            .map(|s| {
                format!(
                    "{} {}:{} {:?} {:?}",
                    s.label(),
                    s.at.line,
                    s.at.column,
                    s.breadth,
                    s.condition_keys
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "statement \"Read\" 4:5 [] []",
                "statement #2 10:5 [AllActions] [\"aws:MultiFactorAuthPresent\"]"
            ]
        );
    }

    #[test]
    fn single_statement_object_and_escaped_strings() {
        let text = r#"{"Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*", "Sid": "a\"b{"}, "Version": "2012-10-17"}"#;
        let p = policy_file("p.json", text).expect("valid").expect("policy");
        assert_eq!(p.statements.len(), 1);
        assert_eq!(p.statements[0].at.column, 15);
        assert_eq!(
            p.statements[0].breadth,
            [Breadth::ServiceWildcard("iam:*".into())]
        );
        // Offsets survive strings holding brackets and escaped quotes.
        let text = r#"{"Version": "x\"]}", "Statement": [ {"Sid": "[{"}, {"Sid": "b"} ]}"#;
        let offs = statement_offsets(text);
        assert_eq!(offs.len(), 2);
        assert!(text[offs[1]..].starts_with("{\"Sid\": \"b\""));
    }

    #[test]
    fn other_json_is_ignored_and_broken_policies_are_problems() {
        assert_eq!(policy_file("package.json", r#"{"name": "x"}"#), Ok(None));
        assert_eq!(policy_file("tsconfig.json", "{ // comment\n}"), Ok(None));
        let err = policy_file(
            "iam/bad.json",
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}\n",
        )
        .expect_err("invalid");
        assert_eq!((err.at.line, err.at.column), (4, 24));
        assert!(err.message.starts_with("invalid JSON: "), "{}", err.message);
    }

    #[test]
    fn public_principals() {
        let mut s = actions(&["s3:GetObject"], &["arn:aws:s3:::site/*"]);
        s.principals = vec![TfValue::Known("*".into())];
        assert!(public_statement(&s));
        s.principals = vec![TfValue::Known("AWS:*".into())];
        assert!(public_statement(&s));
        s.condition_keys = vec!["aws:SecureTransport".into()];
        assert!(public_statement(&s));
        s.condition_keys = vec!["aws:SourceVpce".into()];
        assert!(!public_statement(&s));
        s.condition_keys.clear();
        s.principals = vec![TfValue::Known("AWS:arn:aws:iam::123456789012:root".into())];
        assert!(!public_statement(&s));
    }
}
