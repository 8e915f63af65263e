//! What a scan gathers: bounded counters and tallies, merged across files,
//! and the ratios the log rules are judged on.

use rustc_hash::FxHashMap;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::fields::Field;
use crate::flags::FlagKind;
use crate::level::Severity;
use crate::plain::PlainLayout;

/// The most distinct values a tally keeps (service values, prefixes, raw
/// key names, level spellings, key sets); the rest are counted as `other`.
pub const MAX_DISTINCT: usize = 64;
/// The most key names kept for one key set.
pub const MAX_KEYS_PER_SET: usize = 64;
/// The most issues kept; the rest are counted in `issues_other`.
pub const MAX_ISSUES: usize = 64;
/// The most characters kept of a tallied value (a service name, a key).
pub const MAX_VALUE_CHARS: usize = 64;
/// The most characters of an example's excerpt and message.
pub const EXCERPT_CHARS: usize = 160;

/// How a line is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A JSON object.
    Json,
    /// `key=value` pairs only, at least two.
    Logfmt,
    /// Anything else; see [`PlainLayout`].
    Plain,
}

impl Format {
    /// Every format, in a fixed order.
    pub const ALL: [Format; 3] = [Format::Json, Format::Logfmt, Format::Plain];

    /// `json`, `logfmt` or `plain`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Logfmt => "logfmt",
            Format::Plain => "plain",
        }
    }

    /// JSON and logfmt are structured; plain text is not.
    pub fn is_structured(self) -> bool {
        self != Format::Plain
    }
}

/// `count / total`, or `None` when there is nothing to divide by: a ratio
/// over no lines says nothing, and must not read as a pass.
pub(crate) fn ratio(count: u64, total: u64) -> Option<f64> {
    (total > 0).then(|| count as f64 / total as f64)
}

/// Cuts `s` to at most `max` characters, marking a cut with `…`.
pub(crate) fn excerpt(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => {
            let mut out = String::with_capacity(at + 3);
            out.push_str(&s[..at]);
            out.push('…');
            out
        }
        None => s.to_string(),
    }
}

fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    match s.char_indices().nth(max) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

/// A value and how many lines had it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub value: String,
    pub count: u64,
}

/// Counts of distinct values, at most [`MAX_DISTINCT`] of them (values cut
/// to [`MAX_VALUE_CHARS`] characters); values past the cap are counted in
/// `other`. After a scan, entries are sorted by count, highest first, then
/// by value.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tallies {
    pub entries: Vec<Tally>,
    pub other: u64,
    #[serde(skip)]
    hint: usize,
}

impl Tallies {
    /// All lines counted, `other` included.
    pub fn total(&self) -> u64 {
        self.entries.iter().map(|t| t.count).sum::<u64>() + self.other
    }

    /// The count of one value (exact spelling).
    pub fn get(&self, value: &str) -> Option<u64> {
        self.entries
            .iter()
            .find(|t| t.value == value)
            .map(|t| t.count)
    }

    /// The most frequent value.
    pub fn top(&self) -> Option<&Tally> {
        self.entries
            .iter()
            .max_by(|a, b| a.count.cmp(&b.count).then_with(|| b.value.cmp(&a.value)))
    }

    /// The number of distinct values kept (not counting `other`).
    pub fn distinct(&self) -> usize {
        self.entries.len()
    }

    /// Counts `n` more of `value`; returns its entry's index, or `None`
    /// when it went to `other`.
    pub(crate) fn add(&mut self, value: &str, n: u64) -> Option<usize> {
        let value = clip(value, MAX_VALUE_CHARS);
        if let Some(t) = self.entries.get_mut(self.hint) {
            if t.value == value {
                t.count += n;
                return Some(self.hint);
            }
        }
        if let Some(i) = self.entries.iter().position(|t| t.value == value) {
            self.entries[i].count += n;
            self.hint = i;
            Some(i)
        } else if self.entries.len() < MAX_DISTINCT {
            self.hint = self.entries.len();
            self.entries.push(Tally {
                value: value.to_string(),
                count: n,
            });
            Some(self.hint)
        } else {
            self.other += n;
            None
        }
    }

    /// Counts one more of the entry at `index` (from [`Tallies::add`]);
    /// false when there is no such entry.
    pub(crate) fn bump(&mut self, index: usize) -> bool {
        match self.entries.get_mut(index) {
            Some(t) => {
                t.count += 1;
                true
            }
            None => false,
        }
    }

    fn merge(&mut self, other: Tallies) {
        for t in other.entries {
            self.add(&t.value, t.count);
        }
        self.other += other.other;
    }

    fn sort(&mut self) {
        self.entries
            .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        self.hint = 0;
    }
}

/// Lines per format.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FormatCounts {
    pub json: u64,
    pub logfmt: u64,
    pub plain: u64,
}

impl FormatCounts {
    pub fn get(&self, format: Format) -> u64 {
        match format {
            Format::Json => self.json,
            Format::Logfmt => self.logfmt,
            Format::Plain => self.plain,
        }
    }

    pub(crate) fn add(&mut self, format: Format, n: u64) {
        match format {
            Format::Json => self.json += n,
            Format::Logfmt => self.logfmt += n,
            Format::Plain => self.plain += n,
        }
    }

    /// All lines of any format.
    pub fn total(&self) -> u64 {
        self.json + self.logfmt + self.plain
    }
}

/// Plain lines per layout; serialised as a map from layout name to count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlainLayouts([u64; PlainLayout::ALL.len()]);

impl PlainLayouts {
    pub fn get(&self, layout: PlainLayout) -> u64 {
        self.0[layout.index()]
    }

    pub(crate) fn add(&mut self, layout: PlainLayout, n: u64) {
        self.0[layout.index()] += n;
    }

    /// Layouts with at least one line, most frequent first.
    pub fn used(&self) -> Vec<(PlainLayout, u64)> {
        let mut v: Vec<_> = PlainLayout::ALL
            .into_iter()
            .map(|l| (l, self.get(l)))
            .filter(|&(_, n)| n > 0)
            .collect();
        v.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        v
    }
}

impl Serialize for PlainLayouts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for l in PlainLayout::ALL {
            if self.get(l) > 0 {
                m.serialize_entry(l.as_str(), &self.get(l))?;
            }
        }
        m.end()
    }
}

/// Lines that came wrapped by a container runtime, and were read through
/// the wrapper.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Wrapped {
    /// CRI (containerd, CRI-O) lines: `2026-10-03T10:12:00.1Z stdout F …`.
    pub cri: u64,
    /// Docker's json-file lines: `{"log":"…\n","stream":"stdout","time":"…"}`.
    pub docker: u64,
}

/// A distinct set of key names used by structured lines.
#[derive(Debug, Clone, Serialize)]
pub struct KeySet {
    pub format: Format,
    /// The top-level key names, sorted, without repeats; at most
    /// [`MAX_KEYS_PER_SET`] of them.
    pub keys: Vec<String>,
    /// The set had more keys than were kept.
    pub truncated: bool,
    pub count: u64,
    #[serde(skip)]
    pub(crate) hash: u64,
}

/// The distinct key sets of structured lines, at most [`MAX_DISTINCT`];
/// lines with further sets are counted in `other`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KeySets {
    pub sets: Vec<KeySet>,
    pub other: u64,
    #[serde(skip)]
    index: FxHashMap<u64, usize>,
}

impl KeySets {
    /// All structured lines counted.
    pub fn total(&self) -> u64 {
        self.sets.iter().map(|s| s.count).sum::<u64>() + self.other
    }

    /// The number of distinct sets (those past the cap not counted).
    pub fn distinct(&self) -> usize {
        self.sets.len()
    }

    /// The most frequent set.
    pub fn top(&self) -> Option<&KeySet> {
        self.sets.iter().max_by_key(|s| s.count)
    }

    /// Counts `n` lines whose key set hashes to `hash`; `keys` builds the
    /// set the first time it is seen. Past the cap, lines go to `other`.
    pub(crate) fn add_hashed(
        &mut self,
        hash: u64,
        n: u64,
        keys: impl FnOnce() -> (Format, Vec<String>, bool),
    ) {
        if let Some(&i) = self.index.get(&hash) {
            self.sets[i].count += n;
        } else if self.sets.len() < MAX_DISTINCT {
            let (format, keys, truncated) = keys();
            self.index.insert(hash, self.sets.len());
            self.sets.push(KeySet {
                format,
                keys,
                truncated,
                count: n,
                hash,
            });
        } else {
            self.other += n;
        }
    }

    fn merge(&mut self, other: KeySets) {
        for set in other.sets {
            let KeySet {
                format,
                keys,
                truncated,
                count,
                hash,
            } = set;
            self.add_hashed(hash, count, || (format, keys, truncated));
        }
        self.other += other.other;
    }

    fn sort(&mut self) {
        self.sets
            .sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.keys.cmp(&b.keys)));
        self.index = self
            .sets
            .iter()
            .enumerate()
            .map(|(i, s)| (s.hash, i))
            .collect();
    }
}

/// How often a canonical field appeared in structured lines, and under
/// which raw key names.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FieldStats {
    /// Structured lines that carried the field.
    pub lines: u64,
    /// The raw key names used for it, exactly as spelled (`level`,
    /// `Level`, `lvl`, `service.name` for a nested member).
    pub keys: Tallies,
}

impl FieldStats {
    /// The share of the field's lines that used its most common key name;
    /// `None` when no line carried the field.
    pub fn key_consistency(&self) -> Option<f64> {
        ratio(self.keys.top().map_or(0, |t| t.count), self.lines)
    }
}

/// Per canonical field statistics; serialised as a map from field name.
#[derive(Debug, Clone, Default)]
pub struct FieldUsage([FieldStats; Field::ALL.len()]);

impl FieldUsage {
    pub fn get(&self, field: Field) -> &FieldStats {
        &self.0[field.index()]
    }

    pub(crate) fn get_mut(&mut self, field: Field) -> &mut FieldStats {
        &mut self.0[field.index()]
    }

    /// Fields written under more than one key name, with those names.
    pub fn spelling_conflicts(&self) -> Vec<(Field, Vec<&str>)> {
        Field::ALL
            .into_iter()
            .filter_map(|f| {
                let keys = &self.get(f).keys;
                (keys.distinct() > 1 || keys.other > 0)
                    .then(|| (f, keys.entries.iter().map(|t| t.value.as_str()).collect()))
            })
            .collect()
    }
}

impl Serialize for FieldUsage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(Field::ALL.len()))?;
        for f in Field::ALL {
            m.serialize_entry(f.as_str(), self.get(f))?;
        }
        m.end()
    }
}

/// Service coverage (manifesto O-2).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ServiceStats {
    /// Structured lines carrying a non-empty service field.
    pub field_lines: u64,
    /// The values of that field.
    pub values: Tallies,
    /// Plain lines that could carry a prefix (not stack-trace or
    /// continuation lines).
    pub plain_lines: u64,
    /// Plain lines with a prefix that may name the service:
    /// `[playbooks] …`, `playbooks: …`, or a syslog tag `app[123]:`.
    pub prefix_lines: u64,
    /// Those prefixes.
    pub prefixes: Tallies,
}

impl ServiceStats {
    /// The prefix that most plain lines carry, when it is on at least half
    /// of them: then it is taken to name the service.
    pub fn consistent_prefix(&self) -> Option<&Tally> {
        self.prefixes
            .top()
            .filter(|t| self.plain_lines > 0 && t.count * 2 >= self.plain_lines)
    }

    /// Lines naming a service: a service field, or the consistent prefix.
    pub fn lines(&self) -> u64 {
        self.field_lines + self.consistent_prefix().map_or(0, |t| t.count)
    }

    /// Lines naming `name` (compared without regard to case), by field
    /// value or by prefix.
    pub fn lines_naming(&self, name: &str) -> u64 {
        let count = |t: &Tallies| {
            t.entries
                .iter()
                .filter(|e| e.value.eq_ignore_ascii_case(name))
                .map(|e| e.count)
                .sum::<u64>()
        };
        count(&self.values) + count(&self.prefixes)
    }
}

/// A level as lines spelled it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelSpelling {
    pub spelling: String,
    /// The OpenTelemetry severity number, `None` for an unknown level.
    pub severity: Option<u8>,
    pub count: u64,
}

/// Lines per severity range.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SeverityCounts {
    pub trace: u64,
    pub debug: u64,
    pub info: u64,
    pub warn: u64,
    pub error: u64,
    pub fatal: u64,
}

impl SeverityCounts {
    pub fn get(&self, s: Severity) -> u64 {
        match s {
            Severity::Trace => self.trace,
            Severity::Debug => self.debug,
            Severity::Info => self.info,
            Severity::Warn => self.warn,
            Severity::Error => self.error,
            Severity::Fatal => self.fatal,
        }
    }

    pub(crate) fn add(&mut self, s: Severity, n: u64) {
        match s {
            Severity::Trace => self.trace += n,
            Severity::Debug => self.debug += n,
            Severity::Info => self.info += n,
            Severity::Warn => self.warn += n,
            Severity::Error => self.error += n,
            Severity::Fatal => self.fatal += n,
        }
    }

    fn merge(&mut self, o: &SeverityCounts) {
        for s in Severity::ALL {
            self.add(s, o.get(s));
        }
    }
}

/// Levels (manifesto O-3).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Levels {
    /// Each spelling seen (at most [`MAX_DISTINCT`]), with its severity.
    pub spellings: Vec<LevelSpelling>,
    /// Lines with spellings past the cap.
    pub other: u64,
    pub by_severity: SeverityCounts,
    /// Lines whose level is not a known spelling.
    pub unknown: u64,
    /// Lines with no level at all.
    pub without_level: u64,
    #[serde(skip)]
    hint: usize,
}

impl Levels {
    /// Lines with a level, known or not.
    pub fn with_level(&self) -> u64 {
        self.spellings.iter().map(|s| s.count).sum::<u64>() + self.other
    }

    /// Counts one more line with the spelling at `index` (from
    /// [`Levels::add`]); returns its severity number, or `None` when there
    /// is no such entry.
    pub(crate) fn bump(&mut self, index: usize) -> Option<Option<u8>> {
        let e = self.spellings.get_mut(index)?;
        e.count += 1;
        let severity = e.severity;
        match severity.and_then(Severity::from_number) {
            Some(s) => self.by_severity.add(s, 1),
            None => self.unknown += 1,
        }
        Some(severity)
    }

    /// Counts one line's level; returns its severity number and the
    /// spelling's index (`None` past the cap).
    pub(crate) fn add(&mut self, spelling: &str, n: u64) -> (Option<u8>, Option<usize>) {
        let spelling = clip(spelling, MAX_VALUE_CHARS);
        let idx = if self
            .spellings
            .get(self.hint)
            .is_some_and(|s| s.spelling == spelling)
        {
            Some(self.hint)
        } else {
            self.spellings.iter().position(|s| s.spelling == spelling)
        };
        let (severity, index) = match idx {
            Some(i) => {
                self.hint = i;
                self.spellings[i].count += n;
                (self.spellings[i].severity, Some(i))
            }
            None => {
                let severity = crate::level::severity_number(spelling);
                if self.spellings.len() < MAX_DISTINCT {
                    self.hint = self.spellings.len();
                    self.spellings.push(LevelSpelling {
                        spelling: spelling.to_string(),
                        severity,
                        count: n,
                    });
                    (severity, Some(self.hint))
                } else {
                    self.other += n;
                    (severity, None)
                }
            }
        };
        match severity.and_then(Severity::from_number) {
            Some(s) => self.by_severity.add(s, n),
            None => self.unknown += n,
        }
        (severity, index)
    }

    /// Groups of spellings that differ only in case (`INFO` and `info`).
    pub fn casing_variants(&self) -> Vec<Vec<&str>> {
        let mut groups: Vec<Vec<&str>> = Vec::new();
        for s in &self.spellings {
            match groups
                .iter_mut()
                .find(|g| g[0].eq_ignore_ascii_case(&s.spelling))
            {
                Some(g) => g.push(&s.spelling),
                None => groups.push(vec![&s.spelling]),
            }
        }
        groups.retain(|g| g.len() > 1);
        groups
    }

    /// Severity ranges written with more than one word, case aside (`warn`
    /// and `warning`; `err` and `error`), with those words in lower case.
    pub fn synonyms(&self) -> Vec<(Severity, Vec<String>)> {
        let mut out = Vec::new();
        for range in Severity::ALL {
            let mut words: Vec<String> = self
                .spellings
                .iter()
                .filter(|s| s.severity.and_then(Severity::from_number) == Some(range))
                .map(|s| s.spelling.to_ascii_lowercase())
                .collect();
            words.sort();
            words.dedup();
            if words.len() > 1 {
                out.push((range, words));
            }
        }
        out
    }

    /// Spellings that are not known levels.
    pub fn unknown_spellings(&self) -> Vec<&LevelSpelling> {
        self.spellings
            .iter()
            .filter(|s| s.severity.is_none())
            .collect()
    }

    fn merge(&mut self, o: Levels) {
        for s in o.spellings {
            match self.spellings.iter().position(|e| e.spelling == s.spelling) {
                Some(i) => self.spellings[i].count += s.count,
                None if self.spellings.len() < MAX_DISTINCT => self.spellings.push(s),
                None => self.other += s.count,
            }
        }
        self.other += o.other;
        self.by_severity.merge(&o.by_severity);
        self.unknown += o.unknown;
        self.without_level += o.without_level;
    }

    fn sort(&mut self) {
        self.spellings.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.spelling.cmp(&b.spelling))
        });
        self.hint = 0;
    }
}

/// A flagged line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    pub source: String,
    /// 1-based line number.
    pub line: u64,
    /// The start of the line, at most [`EXCERPT_CHARS`] characters.
    pub excerpt: String,
    /// The start of its message, at most [`EXCERPT_CHARS`] characters.
    pub message: String,
}

/// One kind of flag: how many lines, and the first few.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FlagStats {
    pub count: u64,
    pub examples: Vec<Example>,
}

/// Message-quality flags by kind; serialised as a map from kind code.
#[derive(Debug, Clone, Default)]
pub struct Flags([FlagStats; FlagKind::ALL.len()]);

impl Flags {
    pub fn get(&self, kind: FlagKind) -> &FlagStats {
        &self.0[kind.index()]
    }

    pub(crate) fn get_mut(&mut self, kind: FlagKind) -> &mut FlagStats {
        &mut self.0[kind.index()]
    }

    /// All flags, every kind.
    pub fn total(&self) -> u64 {
        self.0.iter().map(|f| f.count).sum()
    }

    fn merge(&mut self, o: Flags, max_examples: usize) {
        for (mine, theirs) in self.0.iter_mut().zip(o.0) {
            mine.count += theirs.count;
            let room = max_examples.saturating_sub(mine.examples.len());
            mine.examples.extend(theirs.examples.into_iter().take(room));
        }
    }
}

impl Serialize for Flags {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(FlagKind::ALL.len()))?;
        for k in FlagKind::ALL {
            m.serialize_entry(k.as_str(), self.get(k))?;
        }
        m.end()
    }
}

/// What went wrong while reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IssueKind {
    /// The path could not be opened (missing, a directory, no permission).
    Unreadable,
    /// Reading failed part way.
    Read,
    /// A gzip stream ended early or was corrupt.
    Truncated,
    /// The input is binary, not text; reading stopped.
    Binary,
    /// A line held NUL bytes; it was skipped.
    NulBytes,
    /// A line was not valid UTF-8; it was read with replacement characters.
    InvalidUtf8,
    /// A line was longer than `max_line_bytes`; it was skipped.
    TooLong,
}

impl IssueKind {
    /// The kind's stable kebab-case code.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueKind::Unreadable => "unreadable",
            IssueKind::Read => "read",
            IssueKind::Truncated => "truncated",
            IssueKind::Binary => "binary",
            IssueKind::NulBytes => "nul-bytes",
            IssueKind::InvalidUtf8 => "invalid-utf8",
            IssueKind::TooLong => "too-long",
        }
    }
}

/// A problem reading the input, with the line it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub kind: IssueKind,
    pub source: String,
    /// The 1-based line the issue is about; 0 for the whole input (a path
    /// that cannot be opened). For a read error or truncated gzip, the last
    /// line read whole.
    pub line: u64,
    pub message: String,
}

/// Everything one scan gathered. Every collection is bounded, whatever the
/// input's size.
#[derive(Debug, Clone, Serialize)]
pub struct Scan {
    /// The path or name of the input (the first one, after a merge).
    pub source: String,
    /// Inputs folded into this scan.
    pub sources: u64,
    /// Lines read, blank and skipped ones included.
    pub lines: u64,
    /// Bytes read (decompressed), newlines included, up to where reading
    /// stopped.
    pub bytes: u64,
    pub blank_lines: u64,
    /// Analysed lines per format. Blank and skipped lines are in none.
    pub formats: FormatCounts,
    /// Plain lines per layout.
    pub layouts: PlainLayouts,
    /// Lines that began with `{` but were not a well-formed JSON object
    /// (counted as plain).
    pub malformed_json: u64,
    pub wrapped: Wrapped,
    /// Key sets of structured lines (O-4: the same key names throughout).
    pub key_sets: KeySets,
    /// Canonical fields of structured lines and the raw keys naming them.
    pub fields: FieldUsage,
    /// Lines with a timestamp (a field, or a recognised plain layout).
    pub timestamp_lines: u64,
    /// Structured lines with a message field.
    pub message_lines: u64,
    pub service: ServiceStats,
    pub levels: Levels,
    pub flags: Flags,
    /// Lines with at least one flag.
    pub flagged_lines: u64,
    /// Lines longer than `max_line_bytes`, skipped.
    pub too_long_lines: u64,
    /// Lines that were not valid UTF-8.
    pub invalid_utf8_lines: u64,
    /// Lines with NUL bytes, skipped.
    pub nul_lines: u64,
    pub issues: Vec<Issue>,
    /// Issues past [`MAX_ISSUES`].
    pub issues_other: u64,
    /// Every input was read to its end (no unreadable path, read error,
    /// truncated gzip or binary input).
    pub complete: bool,
    #[serde(skip)]
    pub(crate) max_examples: usize,
}

impl Scan {
    /// An empty scan of `source`.
    pub fn new(source: &str, max_examples: usize) -> Scan {
        Scan {
            source: source.to_string(),
            sources: 1,
            lines: 0,
            bytes: 0,
            blank_lines: 0,
            formats: FormatCounts::default(),
            layouts: PlainLayouts::default(),
            malformed_json: 0,
            wrapped: Wrapped::default(),
            key_sets: KeySets::default(),
            fields: FieldUsage::default(),
            timestamp_lines: 0,
            message_lines: 0,
            service: ServiceStats::default(),
            levels: Levels::default(),
            flags: Flags::default(),
            flagged_lines: 0,
            too_long_lines: 0,
            invalid_utf8_lines: 0,
            nul_lines: 0,
            issues: Vec::new(),
            issues_other: 0,
            complete: true,
            max_examples,
        }
    }

    pub(crate) fn issue(&mut self, kind: IssueKind, line: u64, message: String) {
        if self.issues.len() < MAX_ISSUES {
            self.issues.push(Issue {
                kind,
                source: self.source.clone(),
                line,
                message,
            });
        } else {
            self.issues_other += 1;
        }
    }

    /// Sorts the tallies (highest count first) so that output is
    /// deterministic.
    pub(crate) fn finish(&mut self) {
        self.key_sets.sort();
        self.service.values.sort();
        self.service.prefixes.sort();
        self.levels.sort();
        for f in Field::ALL {
            self.fields.get_mut(f).keys.sort();
        }
    }

    /// Folds another scan (say, another file of the same service) into this
    /// one. Counts add up; tallies and examples stay within their caps.
    pub fn merge(&mut self, other: Scan) {
        self.sources += other.sources;
        self.lines += other.lines;
        self.bytes += other.bytes;
        self.blank_lines += other.blank_lines;
        for f in Format::ALL {
            self.formats.add(f, other.formats.get(f));
        }
        for l in PlainLayout::ALL {
            self.layouts.add(l, other.layouts.get(l));
        }
        self.malformed_json += other.malformed_json;
        self.wrapped.cri += other.wrapped.cri;
        self.wrapped.docker += other.wrapped.docker;
        self.key_sets.merge(other.key_sets);
        for (mine, theirs) in self.fields.0.iter_mut().zip(other.fields.0) {
            mine.lines += theirs.lines;
            mine.keys.merge(theirs.keys);
        }
        self.timestamp_lines += other.timestamp_lines;
        self.message_lines += other.message_lines;
        let s = other.service;
        self.service.field_lines += s.field_lines;
        self.service.values.merge(s.values);
        self.service.plain_lines += s.plain_lines;
        self.service.prefix_lines += s.prefix_lines;
        self.service.prefixes.merge(s.prefixes);
        self.levels.merge(other.levels);
        self.flags.merge(other.flags, self.max_examples);
        self.flagged_lines += other.flagged_lines;
        self.too_long_lines += other.too_long_lines;
        self.invalid_utf8_lines += other.invalid_utf8_lines;
        self.nul_lines += other.nul_lines;
        let room = MAX_ISSUES.saturating_sub(self.issues.len());
        let extra = other.issues.len().saturating_sub(room) as u64;
        self.issues.extend(other.issues.into_iter().take(room));
        self.issues_other += other.issues_other + extra;
        self.complete &= other.complete;
        self.finish();
    }

    /// Rewrites the source names kept in issues and examples (say, to show
    /// paths relative to a project folder).
    pub fn rename_sources(&mut self, rename: impl Fn(&str) -> String) {
        self.source = rename(&self.source);
        for i in &mut self.issues {
            i.source = rename(&i.source);
        }
        for k in FlagKind::ALL {
            for e in &mut self.flags.get_mut(k).examples {
                e.source = rename(&e.source);
            }
        }
    }

    /// Lines analysed: not blank, not skipped.
    pub fn analysed_lines(&self) -> u64 {
        self.formats.total()
    }

    /// JSON and logfmt lines.
    pub fn structured_lines(&self) -> u64 {
        self.formats.json + self.formats.logfmt
    }

    /// Lines at error severity or above.
    pub fn error_lines(&self) -> u64 {
        self.levels.by_severity.error + self.levels.by_severity.fatal
    }

    /// Share of analysed lines that are JSON or logfmt (O-4).
    pub fn structured_ratio(&self) -> Option<f64> {
        ratio(self.structured_lines(), self.analysed_lines())
    }

    /// The most common format, and its share of analysed lines (O-4: one
    /// format throughout).
    pub fn dominant_format(&self) -> Option<(Format, f64)> {
        let total = self.analysed_lines();
        let f = Format::ALL
            .into_iter()
            .max_by_key(|&f| (self.formats.get(f), std::cmp::Reverse(f)))?;
        ratio(self.formats.get(f), total).map(|r| (f, r))
    }

    /// Share of analysed lines naming a service: a service field, or the
    /// consistent plain prefix (O-2).
    pub fn service_ratio(&self) -> Option<f64> {
        ratio(self.service.lines(), self.analysed_lines())
    }

    /// Share of analysed lines with a level, known or not (O-3).
    pub fn level_ratio(&self) -> Option<f64> {
        ratio(self.levels.with_level(), self.analysed_lines())
    }

    /// Share of lines with a level whose level is not a known spelling.
    pub fn unknown_level_ratio(&self) -> Option<f64> {
        ratio(self.levels.unknown, self.levels.with_level())
    }

    /// Share of analysed lines with a timestamp.
    pub fn timestamp_ratio(&self) -> Option<f64> {
        ratio(self.timestamp_lines, self.analysed_lines())
    }

    /// Share of structured lines with a message field.
    pub fn message_ratio(&self) -> Option<f64> {
        ratio(self.message_lines, self.structured_lines())
    }

    /// Share of analysed lines with at least one flag (O-1).
    pub fn flagged_ratio(&self) -> Option<f64> {
        ratio(self.flagged_lines, self.analysed_lines())
    }

    /// Share of analysed lines with one kind of flag.
    pub fn flag_ratio(&self, kind: FlagKind) -> Option<f64> {
        ratio(self.flags.get(kind).count, self.analysed_lines())
    }

    /// Share of error-level lines that report success or a routine event
    /// (O-3: no false errors).
    pub fn false_error_ratio(&self) -> Option<f64> {
        ratio(
            self.flags.get(FlagKind::FalseError).count,
            self.error_lines(),
        )
    }

    /// Share of error-level lines that say nothing about the error (O-1).
    pub fn vague_error_ratio(&self) -> Option<f64> {
        ratio(
            self.flags.get(FlagKind::VagueError).count,
            self.error_lines(),
        )
    }

    /// The share of a canonical field's structured lines that used its
    /// most common key name (O-4: the same key names throughout).
    pub fn key_consistency(&self, field: Field) -> Option<f64> {
        self.fields.get(field).key_consistency()
    }

    /// The share of structured lines with the most common key set.
    pub fn key_set_ratio(&self) -> Option<f64> {
        ratio(
            self.key_sets.top().map_or(0, |s| s.count),
            self.structured_lines(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies_cap_and_sort() {
        let mut t = Tallies::default();
        for i in 0..100 {
            t.add(&format!("v{i}"), 1);
        }
        t.add("v3", 5);
        assert_eq!(t.distinct(), MAX_DISTINCT);
        assert_eq!(t.other, 100 - MAX_DISTINCT as u64);
        assert_eq!(t.total(), 105);
        t.sort();
        assert_eq!(t.entries[0].value, "v3");
        assert_eq!(t.top().map(|t| t.count), Some(6));
        let long = "x".repeat(200);
        let mut t = Tallies::default();
        t.add(&long, 1);
        t.add(&long, 1);
        assert_eq!(t.entries[0].value.chars().count(), MAX_VALUE_CHARS);
        assert_eq!(t.entries[0].count, 2);
    }

    #[test]
    fn excerpts_cut_on_characters() {
        assert_eq!(excerpt("héllo", 3), "hél…");
        assert_eq!(excerpt("hé", 3), "hé");
    }

    #[test]
    fn levels_group_variants() {
        let mut l = Levels::default();
        for s in ["INFO", "info", "warn", "warning", "ERROR", "loud"] {
            let _ = l.add(s, 1);
        }
        assert_eq!(l.casing_variants(), vec![vec!["INFO", "info"]]);
        assert_eq!(
            l.synonyms(),
            vec![(
                Severity::Warn,
                vec!["warn".to_string(), "warning".to_string()]
            )]
        );
        assert_eq!(l.unknown, 1);
        assert_eq!(l.by_severity.info, 2);
        assert_eq!(l.unknown_spellings()[0].spelling, "loud");
    }

    #[test]
    fn ratios_say_none_over_nothing() {
        let s = Scan::new("x", 5);
        assert_eq!(s.structured_ratio(), None);
        assert_eq!(s.service_ratio(), None);
        assert_eq!(s.false_error_ratio(), None);
        assert_eq!(s.dominant_format(), None);
    }
}
