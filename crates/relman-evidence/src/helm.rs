//! Helm charts: templates read as YAML, with what the chart's `values.yaml`
//! decides filled in and everything else kept as an unknown value.
//!
//! This is not Helm. It renders what the chart declares by default, close
//! enough for the checks, and keeps every template line on its own line so
//! that findings point at the template file's real lines:
//!
//! - `{{ .Values.x.y }}` takes the default from `values.yaml`, through the
//!   pipeline functions that keep a value knowable (`default`, `quote`,
//!   `squote`, `toString`, `int`, `lower`, `upper`, `trim`, `trunc`,
//!   `trimSuffix`, `trimPrefix`, `printf` with `%s`/`%d`/`%v`, `required`,
//!   `coalesce`, `ternary`, `index`); `.Chart.Name`, `.Chart.Version` and
//!   `.Chart.AppVersion` come from `Chart.yaml`. Anything else (`include`,
//!   `tpl`, `.Release.*`, `.Capabilities.*`, variables, a value the chart
//!   does not default) is unknown: the rendered text holds a marker that
//!   [`unknown_text`] turns back into the expression as written.
//! - A line holding only actions is dropped (left empty). When such an
//!   action outputs YAML (`{{- include … | nindent 8 }}`, `{{ toYaml .Values.env
//!   | nindent 12 }}`), what it outputs is attached to the key above it, found
//!   by indentation: a mapping or list from `values.yaml` is spliced in, an
//!   unknown one becomes an unknown entry of that key.
//! - `if`/`else if`/`else` conditions are evaluated against the defaults
//!   (`not`, `and`, `or`, `eq`, `ne`, `empty`, truthiness as Go templates
//!   have it; a value `values.yaml` does not hold is false). A condition that
//!   cannot be decided keeps the `if` body, the default declaration, and
//!   drops the `else` branches. `with` sets `.` to its value; `range`
//!   renders its body once, with `.` the first element; `define` bodies are
//!   not output.
//! - Whitespace trimming (`{{-`, `-}}`) is not applied: it would join lines.
//!   A column after a substituted action is the rendered line's column.

use std::path::Path;

use relman_core::k8s::{HelmChart, Loc, ManifestProblem, Spanned};
use relman_core::yaml::{Node, Pos, Value, parse_document};

/// Opens and closes an unknown value in rendered text.
pub(crate) const OPEN: char = '\u{E000}';
pub(crate) const CLOSE: char = '\u{E001}';

/// A scalar's text, and whether a template left part of it unknown; the
/// unknown parts are shown as the template expressions they came from.
pub(crate) fn unknown_text(text: &str) -> Option<String> {
    if !text.contains(OPEN) {
        return None;
    }
    Some(text.replace([OPEN, CLOSE], ""))
}

/// A chart folder, ready to render its templates.
#[derive(Debug, Clone)]
pub(crate) struct Chart {
    /// The chart folder on disk.
    pub dir: std::path::PathBuf,
    pub info: HelmChart,
    name: Option<String>,
    version: Option<String>,
    app_version: Option<String>,
    /// `values.yaml`, when it exists and parses.
    values: Option<Node>,
    /// For each named template of the chart's helpers, the named templates
    /// it includes on lines of their own (so `api.labels` outputs what
    /// `api.selectorLabels` outputs, and more).
    defines: std::collections::BTreeMap<String, Vec<String>>,
}

/// Helper files read per chart, and their size cap.
const MAX_HELPERS: usize = 100;

/// Read a chart's `Chart.yaml` and `values.yaml` (blocking). Problems with
/// either are returned; the chart is still usable, with unknown values.
pub(crate) fn load(dir: &Path, shown: &str, cap: u64) -> (Chart, Vec<ManifestProblem>) {
    let mut problems = Vec::new();
    let mut read = |file: &str| -> Option<Node> {
        let path = dir.join(file);
        let shown_file = format!("{shown}/{file}");
        if !path.exists() {
            return None;
        }
        let text = match crate::read_text(&path, cap) {
            Ok(t) => t,
            Err(e) => {
                problems.push(problem(&shown_file, None, e));
                return None;
            }
        };
        match parse_document(&text) {
            Ok(doc) => Some(doc.unwrap_or(Node {
                pos: Pos::default(),
                value: Value::Map(Vec::new()),
            })),
            Err(e) => {
                problems.push(problem(&shown_file, Some(e.pos), e.message));
                None
            }
        }
    };
    let meta = read("Chart.yaml");
    let values_file = ["values.yaml", "values.yml"]
        .into_iter()
        .find(|f| dir.join(f).exists());
    let values = values_file.and_then(&mut read);
    let field = |k: &str| {
        meta.as_ref()
            .and_then(|m| m.get(k))
            .and_then(Node::as_scalar)
            .map(str::to_string)
    };
    let name = field("name");
    let chart = Chart {
        dir: dir.to_path_buf(),
        info: HelmChart {
            location: shown.to_string(),
            name: name.clone(),
            values: values
                .as_ref()
                .and(values_file)
                .map(|f| format!("{shown}/{f}")),
            templates: 0,
        },
        name,
        version: field("version"),
        app_version: field("appVersion"),
        values,
        defines: helpers(dir, cap),
    };
    (chart, problems)
}

/// The named templates of `templates/_*` files and what each includes.
fn helpers(dir: &Path, cap: u64) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir.join("templates")) else {
        return out;
    };
    let mut paths: Vec<std::path::PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('_'))
        })
        .take(MAX_HELPERS)
        .collect();
    paths.sort();
    for p in paths {
        if let Ok(text) = crate::read_text(&p, cap) {
            defines_in(&text, &mut out);
        }
    }
    out
}

/// Collect `define` blocks and the includes standing alone on their lines.
fn defines_in(text: &str, out: &mut std::collections::BTreeMap<String, Vec<String>>) {
    let segs = segments(text);
    let only = action_only_lines(&segs);
    let mut depth = 0usize;
    let mut current: Option<(String, usize)> = None;
    for seg in &segs {
        let Seg::Action { body, line, .. } = seg else {
            continue;
        };
        let (word, rest) = split_word(body);
        match word {
            "define" => {
                depth += 1;
                if current.is_none() {
                    if let Some(name) = quoted(rest) {
                        out.entry(name.clone()).or_default();
                        current = Some((name, depth));
                    }
                }
            }
            "if" | "range" | "with" | "block" => depth += 1,
            "end" => {
                if current.as_ref().is_some_and(|(_, d)| *d == depth) {
                    current = None;
                }
                depth = depth.saturating_sub(1);
            }
            "include" | "template" if only.get(*line as usize).copied().unwrap_or(false) => {
                if let (Some((name, _)), Some(inner)) = (&current, quoted(rest)) {
                    let list = out.entry(name.clone()).or_default();
                    if !list.contains(&inner) {
                        list.push(inner);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The first `"quoted"` word of an action.
fn quoted(s: &str) -> Option<String> {
    let s = s.trim_start().strip_prefix('"')?;
    Some(s[..s.find('"')?].to_string())
}

fn problem(file: &str, pos: Option<Pos>, message: String) -> ManifestProblem {
    ManifestProblem {
        file: file.to_string(),
        line: pos.map(|p| p.line),
        column: pos.map(|p| p.col),
        message,
        template: false,
    }
}

/// A template rendered to YAML text.
#[derive(Debug, Default)]
pub(crate) struct Rendered {
    pub text: String,
    /// The unknown expressions, as written (`{{ include "x" . }}`), by the
    /// index their markers hold in `text`.
    exprs: Vec<String>,
    /// Output of actions that stand alone on their lines.
    injections: Vec<Injection>,
}

/// What a line-only action outputs, and where it goes.
#[derive(Debug, Clone)]
struct Injection {
    at: Pos,
    parent: Parent,
    /// The action as written.
    expr: String,
    /// The mapping or list `values.yaml` gives it; `None` when unknown.
    value: Option<Node>,
}

#[derive(Debug, Clone, PartialEq)]
enum Parent {
    /// A top-level action: it may output whole objects.
    Top,
    /// The value of the key written on this line.
    Key { line: u32, key: String },
    /// The mapping that is the list item starting on this line.
    Item { line: u32 },
    /// Nowhere that makes sense; ignored.
    Lost,
}

impl Rendered {
    /// Put the markers' expressions back and splice the line-only actions'
    /// output into the parsed documents. Returns the top-level actions that
    /// may output whole objects.
    pub(crate) fn finish(&self, docs: &mut [Node], file: &str) -> Vec<Spanned<String>> {
        for d in docs.iter_mut() {
            decode(d, &self.exprs);
        }
        let mut top = Vec::new();
        for inj in &self.injections {
            match &inj.parent {
                Parent::Top => {
                    if inj.value.is_none() {
                        top.push(Spanned {
                            value: inj.expr.clone(),
                            at: Loc {
                                file: file.to_string(),
                                line: inj.at.line,
                                column: inj.at.col,
                            },
                        });
                    }
                }
                Parent::Lost => {}
                parent => {
                    for d in docs.iter_mut() {
                        if splice(d, parent, inj) {
                            break;
                        }
                    }
                }
            }
        }
        top
    }
}

fn decode(node: &mut Node, exprs: &[String]) {
    let fix = |text: &mut String| {
        if !text.contains(OPEN) {
            return;
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(i) = rest.find(OPEN) {
            out.push_str(&rest[..i]);
            let after = &rest[i + OPEN.len_utf8()..];
            let Some(j) = after.find(CLOSE) else {
                out.push_str(&rest[i..]);
                rest = "";
                break;
            };
            match after[..j].parse::<usize>().ok().and_then(|n| exprs.get(n)) {
                Some(e) => {
                    out.push(OPEN);
                    out.push_str(e);
                    out.push(CLOSE);
                }
                None => out.push_str(&after[..j]),
            }
            rest = &after[j + CLOSE.len_utf8()..];
        }
        out.push_str(rest);
        *text = out;
    };
    match &mut node.value {
        Value::Scalar { text, .. } => fix(text),
        Value::Seq(items) => items.iter_mut().for_each(|i| decode(i, exprs)),
        Value::Map(entries) => {
            for (k, v) in entries {
                decode(k, exprs);
                decode(v, exprs);
            }
        }
    }
}

fn marker(expr: &str, at: Pos) -> Node {
    Node {
        pos: at,
        value: Value::Scalar {
            text: format!("{OPEN}{expr}{CLOSE}"),
            quoted: true,
        },
    }
}

fn relocate(node: &mut Node, at: Pos) {
    node.pos = at;
    match &mut node.value {
        Value::Scalar { .. } => {}
        Value::Seq(items) => items.iter_mut().for_each(|i| relocate(i, at)),
        Value::Map(entries) => {
            for (k, v) in entries {
                relocate(k, at);
                relocate(v, at);
            }
        }
    }
}

/// Merge an injection into `target`, the node it belongs to.
fn merge(target: &mut Node, inj: &Injection) {
    let null = target.is_null();
    let Some(value) = &inj.value else {
        let m = marker(&inj.expr, inj.at);
        match &mut target.value {
            Value::Map(entries) => entries.push((m.clone(), m)),
            Value::Seq(items) => items.push(m),
            Value::Scalar { .. } if null => {
                *target = Node {
                    pos: inj.at,
                    value: Value::Map(vec![(m.clone(), m)]),
                };
            }
            Value::Scalar { .. } => {}
        }
        return;
    };
    let mut value = value.clone();
    relocate(&mut value, inj.at);
    match (&mut target.value, value.value) {
        (Value::Map(have), Value::Map(add)) => {
            for (k, v) in add {
                if !have.iter().any(|(h, _)| h.as_scalar() == k.as_scalar()) {
                    have.push((k, v));
                }
            }
        }
        (Value::Seq(have), Value::Seq(add)) => have.extend(add),
        (Value::Scalar { .. }, add) if null => {
            *target = Node {
                pos: inj.at,
                value: add,
            };
        }
        _ => {}
    }
}

fn splice(node: &mut Node, parent: &Parent, inj: &Injection) -> bool {
    match &mut node.value {
        Value::Scalar { .. } => false,
        Value::Seq(items) => {
            for item in items.iter_mut() {
                if let (Parent::Item { line }, Value::Map(_)) = (parent, &item.value) {
                    if item.pos.line == *line {
                        merge(item, inj);
                        return true;
                    }
                }
                if splice(item, parent, inj) {
                    return true;
                }
            }
            false
        }
        Value::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                if let Parent::Key { line, key } = parent {
                    if k.pos.line == *line && k.as_scalar() == Some(key.as_str()) {
                        merge(v, inj);
                        return true;
                    }
                }
                if splice(v, parent, inj) {
                    return true;
                }
            }
            false
        }
    }
}

// ---------------------------------------------------------------------------
// Rendering

/// One piece of template text.
enum Seg<'a> {
    Text(&'a str),
    Action {
        /// Between the delimiters, trim markers removed.
        body: &'a str,
        /// The whole action, as written.
        src: &'a str,
        /// 1-based line and 0-based column of `{{`.
        line: u32,
        col: u32,
    },
}

/// Split a template into text and actions, with each action's position.
fn segments(src: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    let mut rest = src;
    let mut line = 1u32;
    let mut col = 0u32;
    let advance = |s: &str, line: &mut u32, col: &mut u32| {
        for c in s.chars() {
            if c == '\n' {
                *line += 1;
                *col = 0;
            } else {
                *col += 1;
            }
        }
    };
    while let Some(start) = rest.find("{{") {
        let text = &rest[..start];
        if !text.is_empty() {
            out.push(Seg::Text(text));
        }
        advance(text, &mut line, &mut col);
        let Some(len) = action_len(&rest[start..]) else {
            // An unclosed action: the rest is text.
            out.push(Seg::Text(&rest[start..]));
            return out;
        };
        let src_action = &rest[start..start + len];
        let mut body = &src_action[2..len - 2];
        if let Some(b) = body.strip_prefix('-') {
            body = b;
        }
        if let Some(b) = body.strip_suffix('-') {
            body = b;
        }
        out.push(Seg::Action {
            body: body.trim(),
            src: src_action,
            line,
            col,
        });
        advance(src_action, &mut line, &mut col);
        rest = &rest[start + len..];
    }
    if !rest.is_empty() {
        out.push(Seg::Text(rest));
    }
    out
}

/// The length of the action at the start of `s` (which begins with `{{`),
/// through its `}}`: strings and comments may hold braces.
fn action_len(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 2;
    // A comment runs to `*/`.
    let after = s[2..].trim_start_matches('-').trim_start();
    if after.starts_with("/*") {
        let end = s.find("*/")?;
        let close = s[end..].find("}}")?;
        return Some(end + close + 2);
    }
    while i + 1 < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'`' {
                    i += 1;
                }
            }
            b'}' if bytes[i + 1] == b'}' => return Some(i + 2),
            _ => {}
        }
        i += 1;
    }
    None
}

/// What a value is while rendering.
#[derive(Debug, Clone, PartialEq)]
enum V {
    /// `values.yaml` holds nothing under this path: false in conditions,
    /// unknown when output.
    Missing,
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    /// A mapping or list from `values.yaml`.
    Tree(Node),
    Unknown,
}

impl V {
    fn of(node: &Node) -> V {
        match &node.value {
            Value::Map(_) | Value::Seq(_) => V::Tree(node.clone()),
            Value::Scalar { .. } if node.is_null() => V::Null,
            Value::Scalar { text, quoted: true } => V::Str(text.clone()),
            Value::Scalar { text, .. } => match node.as_bool() {
                Some(b) => V::Bool(b),
                None if node.as_f64().is_some() => V::Num(text.clone()),
                None => V::Str(text.clone()),
            },
        }
    }

    fn truthy(&self) -> Option<bool> {
        match self {
            V::Missing | V::Null => Some(false),
            V::Bool(b) => Some(*b),
            V::Num(t) => Some(t.parse::<f64>() != Ok(0.0)),
            V::Str(s) => Some(!s.is_empty()),
            V::Tree(n) => Some(match &n.value {
                Value::Map(m) => !m.is_empty(),
                Value::Seq(s) => !s.is_empty(),
                Value::Scalar { .. } => true,
            }),
            V::Unknown => None,
        }
    }

    /// As an inline action prints it.
    fn text(&self) -> Option<String> {
        match self {
            V::Null => Some(String::new()),
            V::Bool(b) => Some(b.to_string()),
            V::Num(t) | V::Str(t) => Some(t.clone()),
            V::Missing | V::Tree(_) | V::Unknown => None,
        }
    }

    fn known(&self) -> bool {
        !matches!(self, V::Missing | V::Unknown)
    }

    fn field(&self, key: &str) -> V {
        match self {
            V::Tree(n) => match n.get(key) {
                Some(v) => V::of(v),
                None if n.as_map().is_some() => V::Missing,
                None => V::Unknown,
            },
            V::Unknown => V::Unknown,
            _ => V::Missing,
        }
    }
}

/// What `.` is.
#[derive(Debug, Clone)]
enum Dot {
    Root,
    Val(V),
}

/// An open block: `if`, `range`, `with`, `define`.
struct Block {
    /// Whether output was on when the block opened.
    outer: bool,
    /// Whether a branch of this `if` has been taken.
    taken: bool,
    /// Whether the block's current branch outputs.
    active: bool,
    pushed_dot: bool,
    /// A `with`'s value, for its `else` branch (which keeps the outer dot).
    is_with: bool,
}

struct Renderer<'c> {
    chart: &'c Chart,
    dots: Vec<Dot>,
    blocks: Vec<Block>,
    /// Output lines so far; the last is the one being written.
    lines: Vec<String>,
    out: Rendered,
}

/// Render a template of `chart` to YAML text.
pub(crate) fn render(src: &str, chart: &Chart) -> Rendered {
    let segs = segments(src);
    let action_only = action_only_lines(&segs);
    let mut r = Renderer {
        chart,
        dots: vec![Dot::Root],
        blocks: Vec::new(),
        lines: vec![String::new()],
        out: Rendered::default(),
    };
    let mut line = 1u32;
    for seg in &segs {
        match seg {
            Seg::Text(t) => {
                let mut first = true;
                for piece in t.split('\n') {
                    if !first {
                        r.lines.push(String::new());
                        line += 1;
                    }
                    first = false;
                    let only = action_only.get(line as usize).copied().unwrap_or(false);
                    if r.active() && !only {
                        r.current().push_str(piece);
                    }
                }
            }
            Seg::Action {
                body,
                src,
                line: l,
                col,
            } => {
                let only = action_only.get(*l as usize).copied().unwrap_or(false);
                r.action(
                    body,
                    Pos {
                        line: *l,
                        col: col + 1,
                    },
                    only,
                );
                for _ in 0..src.matches('\n').count() {
                    r.lines.push(String::new());
                    line += 1;
                }
            }
        }
    }
    r.out.text = r.lines.join("\n");
    r.out
}

/// Lines (1-based index) holding actions and nothing but whitespace besides.
fn action_only_lines(segs: &[Seg<'_>]) -> Vec<bool> {
    let mut has_action = vec![false; 2];
    let mut has_text = vec![false; 2];
    let mut line = 1usize;
    let mark = |v: &mut Vec<bool>, l: usize| {
        if v.len() <= l {
            v.resize(l + 1, false);
        }
        v[l] = true;
    };
    for seg in segs {
        match seg {
            Seg::Text(t) => {
                for (i, piece) in t.split('\n').enumerate() {
                    if i > 0 {
                        line += 1;
                    }
                    if !piece.trim().is_empty() {
                        mark(&mut has_text, line);
                    }
                }
            }
            Seg::Action { src, .. } => {
                let n = src.matches('\n').count();
                for l in line..=line + n {
                    mark(&mut has_action, l);
                }
                line += n;
            }
        }
    }
    has_action.resize(line + 1, false);
    has_text.resize(line + 1, false);
    has_action
        .iter()
        .zip(&has_text)
        .map(|(a, t)| *a && !*t)
        .collect()
}

impl Renderer<'_> {
    fn active(&self) -> bool {
        self.blocks.last().is_none_or(|b| b.active)
    }

    fn current(&mut self) -> &mut String {
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        let last = self.lines.len() - 1;
        &mut self.lines[last]
    }

    fn open(&mut self, active: bool, dot: Option<V>, is_with: bool) {
        let outer = self.active();
        if let Some(d) = &dot {
            self.dots.push(Dot::Val(d.clone()));
        }
        self.blocks.push(Block {
            outer,
            taken: active,
            active: outer && active,
            pushed_dot: dot.is_some(),
            is_with,
        });
    }

    fn action(&mut self, body: &str, at: Pos, only: bool) {
        let (word, rest) = split_word(body);
        match word {
            _ if body.starts_with("/*") => {}
            "if" => {
                let cond = self.eval(rest).truthy();
                // Undecided: keep the `if` body, the default declaration.
                self.open(cond.unwrap_or(true), None, false);
            }
            "with" => {
                let v = self.eval(rest);
                match v.truthy() {
                    Some(false) => self.open(false, None, true),
                    _ => self.open(true, Some(v), true),
                }
            }
            "range" => {
                let v = self.eval(strip_vars(rest));
                let first = match &v {
                    V::Tree(n) => match &n.value {
                        Value::Seq(items) => items.first().map(V::of),
                        Value::Map(entries) => entries.first().map(|(_, v)| V::of(v)),
                        Value::Scalar { .. } => None,
                    },
                    V::Unknown => Some(V::Unknown),
                    // A number ranges 0..n.
                    V::Num(_) => Some(V::Num("0".into())),
                    _ => None,
                };
                match first {
                    Some(d) => self.open(true, Some(d), false),
                    None => self.open(false, None, false),
                }
            }
            "define" => self.open(false, None, false),
            "block" => self.open(true, None, false),
            "else" => {
                let (cond_word, cond) = split_word(rest);
                let Some(mut b) = self.blocks.pop() else {
                    return;
                };
                if b.pushed_dot && b.is_with {
                    self.dots.pop();
                    b.pushed_dot = false;
                }
                if b.taken {
                    b.active = false;
                } else if cond_word == "if" || cond_word == "with" {
                    let v = self.eval(cond);
                    let go = v.truthy() != Some(false);
                    b.active = b.outer && go;
                    b.taken = go;
                    if go && cond_word == "with" {
                        self.dots.push(Dot::Val(v));
                        b.pushed_dot = true;
                    }
                } else {
                    b.active = b.outer;
                    b.taken = true;
                }
                self.blocks.push(b);
            }
            "end" => {
                if let Some(b) = self.blocks.pop() {
                    if b.pushed_dot {
                        self.dots.pop();
                    }
                }
            }
            "break" | "continue" => {}
            _ if is_assignment(body) => {}
            _ => {
                if self.active() {
                    self.output(body, at, only);
                }
            }
        }
    }

    /// Output an expression's value, inline or as a block.
    fn output(&mut self, body: &str, at: Pos, only: bool) {
        let (value, indent) = self.eval_with_indent(body);
        let shown = format!("{{{{ {} }}}}", without_indent(body));
        let inline_key = !only && indent.is_some() && self.current().trim_end().ends_with(':');
        if only || inline_key {
            let n = indent.unwrap_or(at.col.saturating_sub(1));
            let value = match value {
                V::Tree(node) => Some(node),
                V::Null => return,
                v => match v.text() {
                    Some(t) if !t.contains('\n') => {
                        if only {
                            let pad = " ".repeat(n as usize);
                            self.current().push_str(&pad);
                        } else {
                            self.current().push(' ');
                        }
                        self.current().push_str(&t);
                        return;
                    }
                    _ => None,
                },
            };
            if matches!(&value, Some(n) if n.is_null()) {
                return;
            }
            let parent = if inline_key {
                let l = self.lines.len() as u32;
                let text = self.current().clone();
                Parent::Key {
                    line: l,
                    key: key_of(&text),
                }
            } else {
                self.parent(n)
            };
            // An include of the whole context also outputs what the named
            // template includes in turn: name those, so that a selector's
            // include matches labels from a wider one.
            let mut nested = Vec::new();
            if value.is_none() && matches!(self.dots.last(), None | Some(Dot::Root)) {
                let (word, rest) = split_word(body);
                let context = rest.split_whitespace().nth(1);
                if let ("include" | "template", Some(name), Some("." | "$")) =
                    (word, quoted(rest), context)
                {
                    self.nested(&name, &mut nested);
                }
            }
            self.out.injections.push(Injection {
                at,
                parent: parent.clone(),
                expr: shown,
                value,
            });
            for name in nested {
                self.out.injections.push(Injection {
                    at,
                    parent: parent.clone(),
                    expr: format!("{{{{ include \"{name}\" . }}}}"),
                    value: None,
                });
            }
            return;
        }
        match value.text() {
            Some(t) if !t.contains('\n') => self.current().push_str(&t),
            _ => {
                let idx = self.out.exprs.len();
                self.out.exprs.push(shown);
                self.current().push_str(&format!("{OPEN}{idx}{CLOSE}"));
            }
        }
    }

    /// The named templates `name` includes, transitively, in order.
    fn nested(&self, name: &str, out: &mut Vec<String>) {
        for inner in self.chart.defines.get(name).into_iter().flatten() {
            if !out.contains(inner) && inner != name && out.len() < 32 {
                out.push(inner.clone());
                self.nested(inner, out);
            }
        }
    }

    /// Where output indented by `n` goes: the nearest line above, less
    /// indented, that opens a key or a list item.
    fn parent(&self, n: u32) -> Parent {
        let n = n as usize;
        let done = self.lines.len().saturating_sub(1);
        for (i, text) in self.lines[..done].iter().enumerate().rev() {
            let trimmed = text.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') || trimmed == "---" {
                continue;
            }
            let indent = text.len() - text.trim_start().len();
            if indent >= n {
                continue;
            }
            let line = i as u32 + 1;
            if let Some(item) = trimmed.strip_prefix('-') {
                let content = indent + 1 + (item.len() - item.trim_start().len());
                if n > content && trimmed.ends_with(':') {
                    return Parent::Key {
                        line,
                        key: key_of(item),
                    };
                }
                return Parent::Item { line };
            }
            if trimmed.ends_with(':') {
                return Parent::Key {
                    line,
                    key: key_of(trimmed),
                };
            }
            return Parent::Lost;
        }
        if n == 0 { Parent::Top } else { Parent::Lost }
    }

    fn eval(&self, expr: &str) -> V {
        self.eval_with_indent(expr).0
    }

    /// Evaluate a pipeline; also the indentation asked by `nindent`/`indent`.
    fn eval_with_indent(&self, expr: &str) -> (V, Option<u32>) {
        let Some(tokens) = tokenize(expr) else {
            return (V::Unknown, None);
        };
        let mut pos = 0;
        let pipeline = parse_pipeline(&tokens, &mut pos);
        let mut indent = None;
        for cmd in &pipeline {
            if let Some(Term::Tok(Tok::Word(w))) = cmd.first() {
                if w == "nindent" || w == "indent" {
                    if let Some(Term::Tok(Tok::Num(n))) = cmd.get(1) {
                        indent = n.parse().ok();
                    }
                }
            }
        }
        (self.eval_pipeline(&pipeline), indent)
    }

    fn eval_pipeline(&self, pipeline: &[Vec<Term>]) -> V {
        let mut acc: Option<V> = None;
        for cmd in pipeline {
            acc = Some(self.eval_cmd(cmd, acc));
        }
        acc.unwrap_or(V::Unknown)
    }

    fn eval_cmd(&self, cmd: &[Term], piped: Option<V>) -> V {
        match cmd.first() {
            Some(Term::Tok(Tok::Word(f))) if !matches!(f.as_str(), "true" | "false" | "nil") => {
                let mut args: Vec<V> = cmd[1..].iter().map(|t| self.eval_term(t)).collect();
                if let Some(p) = piped {
                    args.push(p);
                }
                self.call(f, args)
            }
            Some(t) if cmd.len() == 1 && piped.is_none() => self.eval_term(t),
            _ => V::Unknown,
        }
    }

    fn eval_term(&self, t: &Term) -> V {
        match t {
            Term::Group(p) => self.eval_pipeline(p),
            Term::Tok(Tok::Str(s)) => V::Str(s.clone()),
            Term::Tok(Tok::Num(n)) => V::Num(n.clone()),
            Term::Tok(Tok::Word(w)) => match w.as_str() {
                "true" => V::Bool(true),
                "false" => V::Bool(false),
                "nil" => V::Null,
                f => self.call(f, Vec::new()),
            },
            Term::Tok(Tok::Field(path)) => match self.dots.last() {
                None | Some(Dot::Root) => self.lookup_root(path),
                Some(Dot::Val(v)) => walk(v, path),
            },
            Term::Tok(Tok::Root(path)) => self.lookup_root(path),
            _ => V::Unknown,
        }
    }

    fn lookup_root(&self, path: &[String]) -> V {
        let Some((first, rest)) = path.split_first() else {
            return V::Unknown;
        };
        match first.as_str() {
            "Values" => match &self.chart.values {
                Some(v) => walk_node(v, rest),
                None => V::Unknown,
            },
            "Chart" => {
                let got = match rest.first().map(String::as_str) {
                    Some("Name") => self.chart.name.clone(),
                    Some("Version") => self.chart.version.clone(),
                    Some("AppVersion") => self.chart.app_version.clone(),
                    _ => None,
                };
                match (got, rest.len()) {
                    (Some(v), 1) => V::Str(v),
                    _ => V::Unknown,
                }
            }
            // .Release, .Capabilities, .Files, .Template: not known here.
            _ => V::Unknown,
        }
    }

    fn call(&self, f: &str, args: Vec<V>) -> V {
        let last = args.last().cloned().unwrap_or(V::Unknown);
        let text_fn = |g: &dyn Fn(&str) -> String| match last.text() {
            Some(t) if last.known() => V::Str(g(&t)),
            _ => V::Unknown,
        };
        match (f, args.len()) {
            ("default", 2) => match last.truthy() {
                Some(true) => last,
                Some(false) => args[0].clone(),
                None => V::Unknown,
            },
            ("quote", _) => text_fn(&|t| format!("{t:?}")),
            ("squote", _) => text_fn(&|t| format!("'{}'", t.replace('\'', "''"))),
            (
                "toString" | "toYaml" | "nindent" | "indent" | "required" | "int" | "int64"
                | "float64",
                _,
            ) => {
                if f == "toYaml" && matches!(last, V::Null) {
                    return V::Null;
                }
                if f == "toYaml" || f == "nindent" || f == "indent" {
                    return last;
                }
                match (f, &last) {
                    ("int" | "int64", V::Num(n)) => n
                        .parse::<f64>()
                        .map_or(V::Unknown, |x| V::Num(format!("{}", x.trunc() as i64))),
                    ("int" | "int64" | "float64", V::Str(_) | V::Bool(_)) => V::Unknown,
                    (_, v) if v.known() => v.clone(),
                    _ => V::Unknown,
                }
            }
            ("lower", _) => text_fn(&|t| t.to_lowercase()),
            ("upper", _) => text_fn(&|t| t.to_uppercase()),
            ("trim", _) => text_fn(&|t| t.trim().to_string()),
            ("trunc", 2) => match &args[0] {
                V::Num(n) => match n.parse::<usize>() {
                    Ok(n) => text_fn(&|t| t.chars().take(n).collect()),
                    Err(_) => V::Unknown,
                },
                _ => V::Unknown,
            },
            ("trimSuffix" | "trimPrefix", 2) => match &args[0] {
                V::Str(s) => text_fn(&|t| {
                    let r = if f == "trimSuffix" {
                        t.strip_suffix(s.as_str())
                    } else {
                        t.strip_prefix(s.as_str())
                    };
                    r.unwrap_or(t).to_string()
                }),
                _ => V::Unknown,
            },
            ("printf", n) if n >= 1 => printf(&args),
            ("not", 1) => last.truthy().map_or(V::Unknown, |b| V::Bool(!b)),
            ("and", n) if n >= 1 => {
                let mut undecided = false;
                for a in &args {
                    match a.truthy() {
                        Some(false) => return a.clone(),
                        None => undecided = true,
                        Some(true) => {}
                    }
                }
                if undecided { V::Unknown } else { last }
            }
            ("or", n) if n >= 1 => {
                for a in &args {
                    match a.truthy() {
                        Some(true) => return a.clone(),
                        None => return V::Unknown,
                        Some(false) => {}
                    }
                }
                last
            }
            ("coalesce", _) => {
                for a in &args {
                    match a.truthy() {
                        Some(true) => return a.clone(),
                        None => return V::Unknown,
                        Some(false) => {}
                    }
                }
                V::Null
            }
            ("ternary", 3) => match args[2].truthy() {
                Some(true) => args[0].clone(),
                Some(false) => args[1].clone(),
                None => V::Unknown,
            },
            ("empty", 1) => last.truthy().map_or(V::Unknown, |b| V::Bool(!b)),
            ("eq" | "ne", 2) => match (args[0].text(), args[1].text()) {
                (Some(a), Some(b)) if args[0].known() && args[1].known() => {
                    V::Bool((a == b) == (f == "eq"))
                }
                _ => V::Unknown,
            },
            ("index", n) if n >= 2 => args[1..].iter().fold(args[0].clone(), |v, k| match k {
                V::Str(k) | V::Num(k) => match &v {
                    V::Tree(node) if node.as_seq().is_some() => k
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| node.as_seq().and_then(|s| s.get(i)))
                        .map_or(V::Missing, V::of),
                    _ => v.field(k),
                },
                _ => V::Unknown,
            }),
            _ => V::Unknown,
        }
    }
}

/// Follow a field path from a value, cloning only what it ends at.
fn walk(v: &V, path: &[String]) -> V {
    match (v, path.split_first()) {
        (_, None) => v.clone(),
        (V::Tree(n), _) => walk_node(n, path),
        (other, Some((first, rest))) => rest.iter().fold(other.field(first), |v, k| v.field(k)),
    }
}

/// Follow a field path in a `values.yaml` node, as [`V::field`] would.
fn walk_node(node: &Node, path: &[String]) -> V {
    let mut cur = node;
    for k in path {
        match (cur.get(k), &cur.value) {
            (Some(next), _) => cur = next,
            (None, Value::Seq(_)) => return V::Unknown,
            (None, _) => return V::Missing,
        }
    }
    V::of(cur)
}

fn printf(args: &[V]) -> V {
    let Some(V::Str(fmt)) = args.first() else {
        return V::Unknown;
    };
    let mut out = String::new();
    let mut rest = args[1..].iter();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some('s' | 'd' | 'v') => match rest.next().and_then(|a| a.known().then(|| a.text())) {
                Some(Some(t)) => out.push_str(&t),
                _ => return V::Unknown,
            },
            _ => return V::Unknown,
        }
    }
    V::Str(out)
}

/// An expression without its `nindent`/`indent` steps: the same include
/// at two indentations outputs the same labels.
fn without_indent(body: &str) -> String {
    if !body.contains("indent") {
        return body.to_string();
    }
    let kept: Vec<&str> = body
        .split('|')
        .map(str::trim)
        .filter(|step| !matches!(split_word(step).0, "nindent" | "indent"))
        .collect();
    kept.join(" | ")
}

/// The key a line opens: `labels:` → `labels`, `- env:` → `env`.
fn key_of(text: &str) -> String {
    let t = text.trim().trim_start_matches('-').trim();
    let t = t.strip_suffix(':').unwrap_or(t).trim();
    // `name: x, key:` does not happen in block YAML; the last `key:` wins.
    let t = t.rsplit(": ").next().unwrap_or(t);
    t.trim_matches(|c| c == '"' || c == '\'').to_string()
}

fn split_word(body: &str) -> (&str, &str) {
    let body = body.trim();
    match body.find(|c: char| c.is_whitespace()) {
        Some(i) => (&body[..i], body[i..].trim()),
        None => (body, ""),
    }
}

fn is_assignment(body: &str) -> bool {
    body.starts_with('$')
        && body
            .split_whitespace()
            .nth(1)
            .is_some_and(|w| w == ":=" || w == "=")
}

/// `$i, $v := .Values.x` → `.Values.x`.
fn strip_vars(expr: &str) -> &str {
    match expr.find(":=") {
        Some(i) if expr.trim_start().starts_with('$') => expr[i + 2..].trim(),
        _ => expr,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    Pipe,
    Str(String),
    Num(String),
    /// `.a.b`, relative to `.`; `.` alone is an empty path.
    Field(Vec<String>),
    /// `$.a.b`.
    Root(Vec<String>),
    /// `$x.a`: a variable, unknown.
    Var,
    Word(String),
}

#[derive(Debug, Clone)]
enum Term {
    Tok(Tok),
    Group(Vec<Vec<Term>>),
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let path = |chars: &[char], i: &mut usize| -> Vec<String> {
        let mut parts = Vec::new();
        while *i < chars.len() && chars[*i] == '.' {
            *i += 1;
            let start = *i;
            while *i < chars.len() && (chars[*i].is_alphanumeric() || chars[*i] == '_') {
                *i += 1;
            }
            if *i > start {
                parts.push(chars[start..*i].iter().collect());
            }
        }
        parts
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() || c == ',' => i += 1,
            '(' => {
                out.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1;
            }
            '|' => {
                out.push(Tok::Pipe);
                i += 1;
            }
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    let c = *chars.get(i)?;
                    i += 1;
                    match c {
                        '"' => break,
                        '\\' => {
                            let e = *chars.get(i)?;
                            i += 1;
                            s.push(match e {
                                'n' => '\n',
                                't' => '\t',
                                other => other,
                            });
                        }
                        c => s.push(c),
                    }
                }
                out.push(Tok::Str(s));
            }
            '`' => {
                let start = i + 1;
                let end = chars[start..].iter().position(|&c| c == '`')? + start;
                out.push(Tok::Str(chars[start..end].iter().collect()));
                i = end + 1;
            }
            '.' => out.push(Tok::Field(path(&chars, &mut i))),
            '$' => {
                i += 1;
                if chars.get(i) == Some(&'.') {
                    out.push(Tok::Root(path(&chars, &mut i)));
                } else if i >= chars.len() || !(chars[i].is_alphanumeric() || chars[i] == '_') {
                    out.push(Tok::Root(Vec::new()));
                } else {
                    while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                        i += 1;
                    }
                    path(&chars, &mut i);
                    out.push(Tok::Var);
                }
            }
            c if c.is_ascii_digit() || c == '-' || c == '+' => {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                out.push(Tok::Num(chars[start..i].iter().collect()));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push(Tok::Word(chars[start..i].iter().collect()));
            }
            _ => return None,
        }
    }
    Some(out)
}

fn parse_pipeline(tokens: &[Tok], pos: &mut usize) -> Vec<Vec<Term>> {
    let mut cmds = vec![Vec::new()];
    while *pos < tokens.len() {
        let t = &tokens[*pos];
        *pos += 1;
        match t {
            Tok::RParen => break,
            Tok::Pipe => cmds.push(Vec::new()),
            Tok::LParen => {
                let inner = parse_pipeline(tokens, pos);
                if let Some(c) = cmds.last_mut() {
                    c.push(Term::Group(inner));
                }
            }
            other => {
                if let Some(c) = cmds.last_mut() {
                    c.push(Term::Tok(other.clone()));
                }
            }
        }
    }
    cmds
}

#[cfg(test)]
mod tests {
    use relman_core::yaml::parse_documents;

    use super::*;

    fn chart(values: &str) -> Chart {
        Chart {
            dir: "chart".into(),
            info: HelmChart {
                location: "repo/chart".into(),
                name: Some("api".into()),
                values: Some("repo/chart/values.yaml".into()),
                templates: 0,
            },
            name: Some("api".into()),
            version: Some("1.2.0".into()),
            app_version: Some("2.0".into()),
            defines: Default::default(),
            values: parse_document(values).expect("values").or(Some(Node {
                pos: Pos::default(),
                value: Value::Map(Vec::new()),
            })),
        }
    }

    fn rendered_docs(src: &str, values: &str) -> (Vec<Node>, Vec<Spanned<String>>, String) {
        let r = render(src, &chart(values));
        let mut docs = parse_documents(&r.text).unwrap_or_else(|e| {
            panic!("rendered text does not parse: {e:?}\n{}", r.text);
        });
        let top = r.finish(&mut docs, "t.yaml");
        (docs, top, r.text.clone())
    }

    fn at<'a>(n: &'a Node, path: &[&str]) -> &'a Node {
        path.iter().fold(n, |n, k| match k.parse::<usize>() {
            Ok(i) => &n.as_seq().expect("list")[i],
            Err(_) => n.get(k).unwrap_or_else(|| panic!("no {k} in {n:?}")),
        })
    }

    fn text(n: &Node) -> String {
        match &n.value {
            Value::Scalar { text, .. } => text.replace([OPEN, CLOSE], "|"),
            _ => format!("{:?}", n.kind()),
        }
    }

    #[test]
    fn values_resolve_and_unknowns_stay_unknown() {
        let (docs, _, rendered) = rendered_docs(
            "kind: Deployment
metadata:
  name: {{ include \"api.fullname\" . }}
  namespace: {{ .Release.Namespace }}
spec:
  replicas: {{ .Values.replicaCount }}
  template:
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"
          env:
            - name: POOL
              value: {{ .Values.db.pool | quote }}
            - name: MODE
              value: {{ .Values.mode | default \"fast\" | upper }}
            - name: MISSING
              value: {{ .Values.nothing.here }}
",
            "replicaCount: 3\nimage: {repository: reg/api, tag: ''}\ndb: {pool: 20}\n",
        );
        assert_eq!(rendered.lines().count(), 18, "{rendered}");
        let d = &docs[0];
        assert_eq!(
            text(at(d, &["metadata", "name"])),
            "|{{ include \"api.fullname\" . }}|"
        );
        assert_eq!(
            text(at(d, &["metadata", "namespace"])),
            "|{{ .Release.Namespace }}|"
        );
        assert_eq!(text(at(d, &["spec", "replicas"])), "3");
        let c = at(d, &["spec", "template", "spec", "containers", "0"]);
        assert_eq!(text(at(c, &["name"])), "api");
        assert_eq!(text(at(c, &["image"])), "reg/api:2.0");
        assert_eq!(text(at(c, &["env", "0", "value"])), "20");
        assert_eq!(text(at(c, &["env", "1", "value"])), "FAST");
        assert_eq!(
            text(at(c, &["env", "2", "value"])),
            "|{{ .Values.nothing.here }}|"
        );
        // Positions are the template's lines.
        assert_eq!(at(d, &["spec", "replicas"]).pos.line, 6);
        assert_eq!(at(c, &["env", "2", "value"]).pos.line, 18);
    }

    #[test]
    fn conditions_use_the_defaults() {
        let src = "{{- if .Values.ingress.enabled -}}
kind: Ingress
{{- end }}
---
kind: Deployment
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- else }}
  replicas: 99
  {{- end }}
  {{- if .Capabilities.APIVersions.Has \"x/v1\" }}
  a: first
  {{- else }}
  a: second
  {{- end }}
  {{- if .Values.notInValues }}
  b: hidden
  {{- end }}
  {{- with .Values.extra }}
  extra: {{ .name }}
  {{- end }}
  {{- /* a comment
  over lines */}}
  last: {{ .Values.replicaCount }}
";
        let (docs, _, _) = rendered_docs(
            src,
            "ingress: {enabled: false}\nautoscaling: {enabled: false}\nreplicaCount: 2\nextra: {name: x}\n",
        );
        assert_eq!(docs.len(), 1, "the disabled Ingress is not rendered");
        let d = &docs[0];
        assert_eq!(text(at(d, &["spec", "replicas"])), "2");
        assert_eq!(text(at(d, &["spec", "a"])), "first");
        assert!(d.get("spec").and_then(|s| s.get("b")).is_none());
        assert_eq!(text(at(d, &["spec", "extra"])), "x");
        assert_eq!(at(d, &["spec", "last"]).pos.line, 25);
        let (docs, _, _) = rendered_docs(
            src,
            "ingress: {enabled: true}\nautoscaling: {enabled: true}\n",
        );
        assert_eq!(docs.len(), 2);
        assert_eq!(text(at(&docs[1], &["spec", "replicas"])), "99");
    }

    #[test]
    fn line_only_actions_splice_into_the_key_above() {
        let src = "kind: Deployment
metadata:
  labels:
    {{- include \"api.labels\" . | nindent 4 }}
spec:
  template:
    metadata:
      labels:
        app: api
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      containers:
        - name: app
          env:
            {{- toYaml .Values.env | nindent 12 }}
          {{- toYaml .Values.more | nindent 10 }}
          resources: {{- toYaml .Values.resources | nindent 12 }}
";
        let (docs, top, _) = rendered_docs(
            src,
            "podLabels: {team: core}\nenv: [{name: A, value: '1'}]\nmore: {workingDir: /w}\nresources: {}\n",
        );
        assert!(top.is_empty());
        let d = &docs[0];
        let labels = at(d, &["metadata", "labels"]).as_map().expect("map");
        assert_eq!(text(&labels[0].0), "|{{ include \"api.labels\" . }}|");
        let pod = at(d, &["spec", "template", "metadata", "labels"]);
        assert_eq!(text(at(pod, &["app"])), "api");
        assert_eq!(text(at(pod, &["team"])), "core");
        assert_eq!(at(pod, &["team"]).pos.line, 11);
        let c = at(d, &["spec", "template", "spec", "containers", "0"]);
        assert_eq!(text(at(c, &["env", "0", "name"])), "A");
        assert_eq!(text(at(c, &["workingDir"])), "/w");
        assert!(at(c, &["resources"]).as_map().is_some());

        // With no defaults, the env is an unknown entry of `env`.
        let (docs, _, _) = rendered_docs(src, "{}");
        let c = at(&docs[0], &["spec", "template", "spec", "containers", "0"]);
        let env = at(c, &["env"]).as_map().expect("unknown entry");
        assert_eq!(text(&env[0].0), "|{{ toYaml .Values.env }}|");
    }

    #[test]
    fn top_level_includes_may_hide_objects() {
        let (docs, top, _) = rendered_docs(
            "{{- include \"common.deployment\" . }}\n{{/* nothing else */}}\n",
            "{}",
        );
        assert!(docs.is_empty());
        assert_eq!(top.len(), 1);
        assert_eq!(top[0].value, "{{ include \"common.deployment\" . }}");
        assert_eq!(top[0].at.line, 1);
    }

    #[test]
    fn range_renders_the_first_element_and_define_nothing() {
        let (docs, _, _) = rendered_docs(
            "{{- define \"x\" }}
kind: Hidden
{{- end }}
kind: Ingress
spec:
  rules:
    {{- range .Values.hosts }}
    - host: {{ .host | quote }}
    {{- end }}
",
            "hosts: [{host: a.example.com}, {host: b.example.com}]\n",
        );
        assert_eq!(docs.len(), 1);
        assert_eq!(text(at(&docs[0], &["kind"])), "Ingress");
        assert_eq!(
            text(at(&docs[0], &["spec", "rules", "0", "host"])),
            "a.example.com"
        );
    }

    #[test]
    fn expressions() {
        let c = chart("a: {b: 3, s: x, t: true, e: '', l: [1]}\nk-y: v\n");
        let r = Renderer {
            chart: &c,
            dots: vec![Dot::Root],
            blocks: Vec::new(),
            lines: vec![String::new()],
            out: Rendered::default(),
        };
        let cases = [
            (".Values.a.b", V::Num("3".into())),
            ("$.Values.a.s | quote", V::Str("\"x\"".into())),
            ("and .Values.a.t (eq .Values.a.s \"x\")", V::Bool(true)),
            ("or .Values.a.e .Values.a.b", V::Num("3".into())),
            ("not .Values.a.l", V::Bool(false)),
            ("default 5 .Values.a.e", V::Num("5".into())),
            ("index .Values \"k-y\"", V::Str("v".into())),
            (
                "printf \"%s-%d\" .Values.a.s .Values.a.b",
                V::Str("x-3".into()),
            ),
            (
                ".Values.a.s | trunc 63 | trimSuffix \"-\"",
                V::Str("x".into()),
            ),
            ("include \"x\" .", V::Unknown),
            (".Release.Name", V::Unknown),
            ("$x", V::Unknown),
            (".Values.nope", V::Missing),
            ("ternary \"y\" \"n\" .Values.a.t", V::Str("y".into())),
        ];
        for (expr, want) in cases {
            assert_eq!(r.eval(expr), want, "{expr}");
        }
    }
}
