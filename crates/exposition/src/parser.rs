//! The one-pass parser for both formats.
//!
//! Most lines of an exposition are sample lines of one shape, written by a
//! client library: `name{a="x",b="y"} value`, single spaces, no escapes.
//! [`quick_sample`] reads those, finding the end of the line as it goes,
//! straight into the family the sample before went to (where it most likely
//! belongs). Anything else, well-formed or not, goes to the format's own
//! reader: the input is cut into lines with `memchr` and each is read byte
//! by byte with a [`Cur`]sor that hands out slices of the input, knowing
//! every form and every error. The two must agree on every line the quick
//! reader takes; a property test compares them on generated expositions.
//!
//! Label values end at the first `"`, `\` or newline (eight bytes at a
//! time, `memchr3` past 64 bytes) and are unescaped only when a `\` was
//! seen. Values of up to seven digits are read eight bytes at a time.
//!
//! Expositions repeat themselves: a sample's metric name and label names are
//! usually those of the sample before, in the same order. Each is compared
//! with its predecessor first (a word compare instead of a byte-by-byte
//! scan), and a sample whose names all matched needs no duplicate-label
//! check; in OpenMetrics, which values changed also tells whether the sample
//! continues the series of the one before, without comparing label sets.
//! Labels live in the sample itself ([`Labels`]), so a sample costs no
//! allocation of its own, and a family's samples get room for the lines
//! that look like its own at once ([`run_length`]), not by doubling.
//!
//! Text-format families are found by name without hashing in the common
//! case: a sample named like the one before goes where it went. In
//! OpenMetrics the histogram rules run series by series as samples come,
//! rather than over the whole family at its end.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use memchr::{memchr, memchr3, memrchr};

use crate::ParseError;
use crate::check::{self, Issue, SeriesCheck, Spot};
use crate::model::{Exemplar, Exposition, Family, Format, Label, Labels, MetricType, Sample};
use crate::number::{parse_ms_timestamp, parse_om_timestamp, parse_value, short_integer};
use crate::text::{LABEL_CHAR, METRIC_CHAR, eq_bytes, eq_str, strip_prefix, unescape};

/// The longest an exemplar's label set may be, in characters of its names
/// and values (OpenMetrics 1.0).
const EXEMPLAR_LABELS_MAX: usize = 128;

pub(crate) struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    om: bool,
    lenient: bool,
    /// Whether sample lines of the usual shape take [`quick_sample`], and
    /// the histogram rules use what was learned while reading; only a test
    /// turns it off, to compare with the long way.
    shortcuts: bool,
    errors: Vec<ParseError>,
    families: Vec<Family<'a>>,
    /// The current line (1-based) and the offset where it starts.
    line: usize,
    line_start: usize,

    // OpenMetrics: the family being read, and what it has seen.
    open: Option<usize>,
    unit_line: Option<usize>,
    has_samples: bool,
    groups: Groups,
    /// Where each sample's value starts, for the open family's messages.
    value_offsets: Vec<usize>,
    /// In an open histogram family: its histogram rules on the series being
    /// read (with the timestamp that its samples share), and what they
    /// found of the series before, to report when the family ends.
    series: Option<(SeriesCheck, Option<f64>)>,
    series_issues: Vec<Issue>,
    /// Every sample name a closed family may use, and that family.
    claimed: HashMap<String, usize>,
    eof: bool,

    // Text format: families by name (Prometheus merges them), the family of
    // the previous sample, and the families whose names end in a histogram
    // or summary suffix (which an exact name match must win over).
    by_name: HashMap<&'a str, usize>,
    suffixed: HashSet<&'a str>,
    last: Option<usize>,
    /// Whether a sample named like the one before belongs to `last` too:
    /// no metadata line came between them.
    same_family: bool,
    /// How many more samples [`Parser::reserve_run`] may reserve room for.
    reserve_budget: usize,
}

/// The series seen in the open OpenMetrics family, to tell that each one's
/// samples come together and that its timestamps do not go back.
#[derive(Default)]
struct Groups {
    /// A sample of the series of the previous sample.
    current: Option<usize>,
    /// Whether the last sample checked started a series.
    started: bool,
    timestamp: Option<f64>,
    seen: HashMap<u64, usize, BuildHasherDefault<IdHasher>>,
    /// Series whose hash collided with an earlier, different series.
    collided: Vec<(u64, usize)>,
}

impl Groups {
    fn clear(&mut self) {
        self.current = None;
        self.started = false;
        self.timestamp = None;
        self.seen.clear();
        self.collided.clear();
    }
}

/// The hashes are already mixed; the map needs no second hash.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A sample line, read.
struct RawSample<'a> {
    name: &'a str,
    value: f64,
    value_at: usize,
    timestamp: Option<f64>,
    timestamp_at: Option<usize>,
    exemplar: Option<Exemplar<'a>>,
    exemplar_at: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Meta {
    Help,
    Type,
    Unit,
}

impl Meta {
    fn keyword(self) -> &'static str {
        match self {
            Meta::Help => "HELP",
            Meta::Type => "TYPE",
            Meta::Unit => "UNIT",
        }
    }
}

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str, format: Format, lenient: bool) -> Parser<'a> {
        Parser {
            src,
            b: src.as_bytes(),
            om: format == Format::OpenMetrics,
            lenient,
            shortcuts: true,
            errors: Vec::new(),
            families: Vec::new(),
            line: 0,
            line_start: 0,
            open: None,
            unit_line: None,
            has_samples: false,
            groups: Groups::default(),
            value_offsets: Vec::new(),
            series: None,
            series_issues: Vec::new(),
            claimed: HashMap::new(),
            eof: false,
            by_name: HashMap::new(),
            suffixed: HashSet::new(),
            last: None,
            same_family: false,
            // A sample line takes more than 16 bytes but in tests.
            reserve_budget: src.len() / 16,
        }
    }

    /// Parses the whole input. Strict: the first error. Lenient: what could
    /// be read and every error (a line with a syntax error is skipped).
    pub(crate) fn run(mut self) -> (Exposition<'a>, Vec<ParseError>) {
        let result = self.lines();
        if let Err(e) = result {
            self.errors.push(e);
        }
        // What `reserve_run` reserved beyond what came.
        for fam in &mut self.families {
            let (len, capacity) = (fam.samples.len(), fam.samples.capacity());
            if capacity - len > len / 8 + 8 {
                fam.samples.shrink_to_fit();
            }
        }
        (
            Exposition {
                families: self.families,
            },
            self.errors,
        )
    }

    fn lines(&mut self) -> Result<(), ParseError> {
        let len = self.b.len();
        let mut pos = 0;
        while pos < len {
            if self.eof {
                let e = ParseError::new(
                    self.line + 1,
                    1,
                    "text after `# EOF`: it must be the last line",
                );
                self.emit(e)?;
                break;
            }
            self.line += 1;
            self.line_start = pos;
            if let Some((end, result)) = self.quick_line(pos) {
                if let Err(e) = result {
                    self.emit(e)?;
                }
                pos = end + 1;
                continue;
            }
            let end = memchr(b'\n', &self.b[pos..]).map_or(len, |i| pos + i);
            let result = if self.om {
                self.om_line(pos, end)
            } else {
                self.text_line(pos, end)
            };
            if let Err(e) = result {
                self.emit(e)?;
            }
            pos = end + 1;
        }
        if self.om {
            self.close_open()?;
            if !self.eof {
                let (line, column) = if len == 0 {
                    (1, 1)
                } else if self.b[len - 1] == b'\n' {
                    (self.line + 1, 1)
                } else {
                    (self.line, self.column(len))
                };
                self.emit(ParseError::new(
                    line,
                    column,
                    "missing `# EOF` at the end: OpenMetrics requires it",
                ))?;
            }
        }
        Ok(())
    }

    /// Strict: stop with this error. Lenient: note it and go on.
    fn emit(&mut self, e: ParseError) -> Result<(), ParseError> {
        if self.lenient {
            self.errors.push(e);
            Ok(())
        } else {
            Err(e)
        }
    }

    /// Reads the line at `start` if it is a sample line of the usual shape
    /// (see [`quick_sample`]), into the family the sample before went to,
    /// where it most likely belongs. Returns where the line ends and what
    /// came of the sample; `None` leaves the line to the format's reader.
    #[inline]
    fn quick_line(&mut self, start: usize) -> Option<(usize, Result<(), ParseError>)> {
        if !self.shortcuts || !METRIC_CHAR[usize::from(self.b[start])] {
            return None; // a comment, a blank or an error
        }
        let i = if self.om { self.open } else { self.last }?;
        let line = self.line;
        if self.families[i].samples.len() == self.families[i].samples.capacity() {
            self.reserve_run(i, start);
        }
        let samples = &mut self.families[i].samples;
        samples.push(BLANK_SAMPLE);
        let (last, before) = samples.split_last_mut().expect("a sample was just pushed");
        last.line = line;
        let Some(q) = quick_sample(self.src, start, before.last(), self.om, last) else {
            samples.pop();
            return None;
        };
        if self.om {
            let c = self.cursor(start, q.end);
            let result = self.om_add(&c, None, q.value_at, q.timestamp_at, None, q.changed);
            return Some((q.end, result));
        }
        // The family of the sample before, unless metadata came between.
        if !(q.same_name && self.same_family) {
            let name = last.name;
            let j = self.text_family_of(name);
            if j != i {
                let s = self.families[i].samples.pop();
                self.families[j].samples.extend(s);
            }
        }
        Some((q.end, Ok(())))
    }

    /// Makes room in family `i` for the samples of the lines from `start`
    /// that belong to it (see [`run_length`]), at once rather than by
    /// doubling and copying. A budget keeps crafted input from having much
    /// more reserved than it could fill.
    #[cold]
    fn reserve_run(&mut self, i: usize, start: usize) {
        let fam = &self.families[i];
        let n = run_length(self.b, start, fam, self.om).min(self.reserve_budget);
        self.reserve_budget -= n;
        self.families[i].samples.reserve(n);
        if self.om {
            // As many series at most, for `check_group`.
            self.groups.seen.reserve(n);
            self.value_offsets.reserve(n);
        }
    }

    fn cursor(&self, start: usize, end: usize) -> Cur<'a> {
        Cur {
            src: self.src,
            b: self.b,
            line: self.line,
            line_start: self.line_start,
            pos: start,
            end,
        }
    }

    /// The column of an offset on the current line.
    fn column(&self, offset: usize) -> usize {
        column(self.src, self.line_start, offset)
    }

    /// The column of an offset on any line.
    fn column_anywhere(&self, offset: usize) -> usize {
        let offset = offset.min(self.b.len());
        let start = memrchr(b'\n', &self.b[..offset]).map_or(0, |i| i + 1);
        column(self.src, start, offset)
    }

    /// The error for a consistency issue of a sample of a family.
    fn issue_error(&self, fam: usize, issue: Issue, exemplar_at: Option<usize>) -> ParseError {
        let family = &self.families[fam];
        let Some(s) = family.samples.get(issue.sample) else {
            return ParseError::new(family.line, 1, issue.message);
        };
        let offset = match issue.spot {
            Spot::Name => offset_in(self.src, s.name),
            Spot::Value => self.value_offsets.get(issue.sample).copied(),
            Spot::Label(k) => s.labels.get(k).and_then(|l| offset_in(self.src, l.name)),
            Spot::Exemplar => exemplar_at,
        };
        let column = offset.map_or(1, |o| self.column_anywhere(o));
        ParseError::new(s.line, column, issue.message)
    }

    // ---- OpenMetrics ----

    fn om_line(&mut self, start: usize, end: usize) -> Result<(), ParseError> {
        if start == end {
            return Err(self
                .cursor(start, end)
                .error(start, "blank line: OpenMetrics allows none"));
        }
        if self.b[start] == b'#' {
            self.om_comment(start, end)
        } else {
            self.om_sample(start, end)
        }
    }

    fn om_comment(&mut self, start: usize, end: usize) -> Result<(), ParseError> {
        let line = &self.src[start..end];
        let c = self.cursor(start, end);
        if line == "# EOF" {
            self.eof = true;
            return Ok(());
        }
        let meta = if line.starts_with("# HELP ") {
            Meta::Help
        } else if line.starts_with("# TYPE ") {
            Meta::Type
        } else if line.starts_with("# UNIT ") {
            Meta::Unit
        } else if matches!(line, "# HELP" | "# TYPE" | "# UNIT") {
            return Err(c.error(end, format!("`{line}` needs a metric name")));
        } else if line.starts_with("# EOF") {
            return Err(c.error(start + 5, "`# EOF` must be alone on its line"));
        } else {
            return Err(c.error(
                start,
                "not a metadata line: OpenMetrics allows only `# HELP`, `# TYPE`, `# UNIT` and `# EOF`",
            ));
        };
        let mut c = self.cursor(start + 7, end);
        let keyword = meta.keyword();
        let name_at = c.pos;
        let name = c.take_while(&METRIC_CHAR);
        if name.is_empty() {
            return Err(c.error(
                name_at,
                format!(
                    "expected a metric name after `{keyword}`, found {}",
                    c.found()
                ),
            ));
        }
        check_metric_name(&c, name, name_at)?;
        if !c.eat(b' ') {
            return Err(if c.at_end() {
                let what = match meta {
                    Meta::Help => "help text",
                    Meta::Type => "type",
                    Meta::Unit => "unit",
                };
                c.error(
                    c.pos,
                    format!("expected a space and the {what} after `{name}`"),
                )
            } else {
                c.error(
                    c.pos,
                    format!(
                        "expected a space after the metric name `{name}`, found {}",
                        c.found()
                    ),
                )
            });
        }
        let text_at = c.pos;
        let text = c.rest();
        let mut kind = None;
        match meta {
            Meta::Help => {}
            Meta::Type => {
                kind = Some(MetricType::from_openmetrics(text).ok_or_else(|| {
                    c.error(
                        text_at,
                        if text == "untyped" {
                            "`untyped` is the text format's type; OpenMetrics says `unknown`"
                                .to_string()
                        } else {
                            format!(
                                "unknown metric type `{text}`: expected counter, gauge, histogram, \
                                 gaugehistogram, summary, info, stateset or unknown"
                            )
                        },
                    )
                })?);
            }
            Meta::Unit => {
                if !text.bytes().all(|b| METRIC_CHAR[usize::from(b)]) {
                    return Err(c.error(
                        text_at,
                        format!("invalid unit `{text}`: a unit is letters, digits, `_` and `:`"),
                    ));
                }
                if !text.is_empty() && !has_unit_suffix(name, text) {
                    return Err(c.error(
                        text_at,
                        format!(
                            "unit `{text}` is not a suffix of the metric name `{name}`: the name must end in `_{text}`"
                        ),
                    ));
                }
            }
        }

        if self.open.is_none_or(|i| self.families[i].name != name) {
            self.close_open()?;
            self.open_family(name);
        }
        let i = self.open.expect("a family was just opened");
        if self.has_samples {
            return Err(c.error(
                start,
                format!("`# {keyword}` for `{name}` after its samples: metadata comes first"),
            ));
        }
        let line = self.line;
        let unit_line = self.unit_line;
        let fam = &mut self.families[i];
        let earlier = match meta {
            Meta::Help => fam.help_line,
            Meta::Type => fam.type_line,
            Meta::Unit => unit_line,
        };
        if let Some(first) = earlier {
            return Err(c.error(
                start,
                format!("second `# {keyword}` for `{name}` (the first is on line {first})"),
            ));
        }
        match meta {
            Meta::Help => {
                fam.help = Some(unescape(text, true));
                fam.help_line = Some(line);
            }
            Meta::Type => {
                fam.kind = kind.unwrap_or(MetricType::Unknown);
                fam.type_line = Some(line);
            }
            Meta::Unit => {
                fam.unit = Some(text);
                self.unit_line = Some(line);
            }
        }
        let fam = &self.families[i];
        if fam.unit.is_some_and(|u| !u.is_empty())
            && matches!(fam.kind, MetricType::Info | MetricType::StateSet)
        {
            let at = if meta == Meta::Unit { text_at } else { start };
            return Err(c.error(
                at,
                format!(
                    "`{name}` is {} metric, which cannot have a unit",
                    article(fam.kind)
                ),
            ));
        }
        Ok(())
    }

    fn open_family(&mut self, name: &'a str) {
        self.families
            .push(Family::new(name, MetricType::Unknown, self.line));
        self.open = Some(self.families.len() - 1);
        self.unit_line = None;
        self.has_samples = false;
        self.groups.clear();
        self.value_offsets.clear();
        self.series = None;
        self.series_issues.clear();
    }

    /// Ends the open family: its histogram rules, and no name clashes with
    /// the families before it.
    fn close_open(&mut self) -> Result<(), ParseError> {
        let Some(i) = self.open.take() else {
            return Ok(());
        };
        let mut issues = Vec::new();
        if self.shortcuts {
            if let Some((series, _)) = self.series.take() {
                series.finish(&self.families[i], &mut |issue| {
                    self.series_issues.push(issue)
                });
            }
            issues = std::mem::take(&mut self.series_issues);
        } else {
            check::check_histogram(&self.families[i], true, &mut |issue| issues.push(issue));
        }
        for issue in issues {
            let e = self.issue_error(i, issue, None);
            self.emit(e)?;
        }
        let fam = &self.families[i];
        let suffixes = fam.kind.sample_suffixes();
        let names = std::iter::once("").chain(suffixes.iter().copied().filter(|s| !s.is_empty()));
        let mut clash = None;
        for suffix in names {
            let full = format!("{}{suffix}", fam.name);
            match self.claimed.get(&full) {
                Some(&other) if clash.is_none() => clash = Some((full, other)),
                Some(_) => {}
                None => {
                    self.claimed.insert(full, i);
                }
            }
        }
        if let Some((full, other)) = clash {
            let fam = &self.families[i];
            let o = &self.families[other];
            let column = offset_in(self.src, fam.name).map_or(1, |o| self.column_anywhere(o));
            let message = if o.name == fam.name {
                format!(
                    "metric family `{}` appears again (first on line {}): a family's lines must be together",
                    fam.name, o.line
                )
            } else {
                format!(
                    "metric family `{}` ({}) clashes with family `{}` ({}) on line {}: both would use the name `{full}`",
                    fam.name, fam.kind, o.name, o.kind, o.line
                )
            };
            self.emit(ParseError::new(fam.line, column, message))?;
        }
        Ok(())
    }

    fn om_sample(&mut self, start: usize, end: usize) -> Result<(), ParseError> {
        let mut c = self.cursor(start, end);
        let prev = self.open.and_then(|i| self.families[i].samples.last());
        let mut labels = Labels::new();
        let raw = read_om_sample(&mut c, &mut labels, prev)?;
        let sample = Sample {
            name: raw.name,
            labels,
            value: raw.value,
            timestamp: raw.timestamp,
            exemplar: raw.exemplar,
            line: self.line,
        };
        self.om_add(
            &c,
            Some(sample),
            raw.value_at,
            raw.timestamp_at,
            raw.exemplar_at,
            None,
        )
    }

    /// Adds a sample to its family, opening a new one if it belongs to no
    /// open one, and checks it. The sample is `pending`, or (`None`) the
    /// open family's last sample, read in place; `changed` is what
    /// [`quick_sample`] found of its labels.
    fn om_add(
        &mut self,
        c: &Cur<'a>,
        mut pending: Option<Sample<'a>>,
        value_at: usize,
        timestamp_at: Option<usize>,
        exemplar_at: Option<usize>,
        changed: Option<u64>,
    ) -> Result<(), ParseError> {
        let name = match (&pending, self.open) {
            (Some(s), _) => s.name,
            (None, Some(i)) => self.families[i].samples.last().map_or("", |s| s.name),
            (None, None) => "",
        };
        let belongs = self.open.is_some_and(|i| {
            let fam = &self.families[i];
            strip_prefix(name, fam.name).is_some_and(|suffix| {
                fam.kind
                    .sample_suffixes()
                    .iter()
                    .any(|&known| eq_str(known, suffix))
            })
        });
        if !belongs {
            let sample = match pending.take() {
                Some(s) => s,
                None => self
                    .open
                    .and_then(|i| self.families[i].samples.pop())
                    .expect("a sample read in place is in the open family"),
            };
            if let Some(message) = self
                .open
                .and_then(|i| not_a_sample_of(&self.families[i], name))
            {
                // It would start a family of that same name, which clashes.
                return Err(c.error(c.line_start, message));
            }
            self.close_open()?;
            self.open_family(name);
            pending = Some(sample);
        }
        // Compared with a sample of another family, or none.
        let changed = changed.filter(|_| pending.is_none());
        let i = self.open.expect("a family is open");
        if let Some(s) = pending {
            self.families[i].samples.push(s);
        }
        self.has_samples = true;
        let index = self.families[i].samples.len() - 1;
        if let Err(e) = self.check_group(i, index, timestamp_at, changed, c) {
            self.emit(e)?;
        }
        self.value_offsets.push(value_at);
        let mut issues = Vec::new();
        let bound = check::check_sample(&self.families[i], index, true, &mut |issue| {
            issues.push(issue)
        });
        if self.shortcuts && check::is_histogram(&self.families[i]) {
            self.histogram_rules(i, index, bound);
        }
        for issue in issues {
            let e = self.issue_error(i, issue, exemplar_at);
            self.emit(e)?;
        }
        Ok(())
    }

    /// The histogram rules, series by series as the samples come, on sample
    /// `index` of histogram family `i`, whose `le` is `bound`. What they
    /// find waits for the end of the family, where `check_histogram` would
    /// report it (which they stand in for).
    fn histogram_rules(&mut self, i: usize, index: usize, bound: Option<(usize, f64)>) {
        let fam = &self.families[i];
        let timestamp = fam.samples[index].timestamp;
        let issues = &mut self.series_issues;
        // A series' samples come together, so a series goes on until
        // another starts; a new timestamp starts a new round of it.
        let goes_on =
            !self.groups.started && self.series.as_ref().is_some_and(|s| s.1 == timestamp);
        if !goes_on {
            if let Some((series, _)) = self.series.take() {
                series.finish(fam, &mut |issue| issues.push(issue));
            }
            self.series = Some((SeriesCheck::new(index), timestamp));
        }
        if let Some((series, _)) = &mut self.series {
            series.add(fam, index, bound, &mut |issue| issues.push(issue));
        }
    }

    /// A series' samples come together, with timestamps on all or none, not
    /// going back (except in an info family, whose samples are one series).
    ///
    /// `changed` says which label values differ from the sample before's,
    /// when the name and label names are the same: then that sample's series
    /// (which is the current one) is this one's if no other value differs
    /// than the one that does not count.
    fn check_group(
        &mut self,
        i: usize,
        index: usize,
        timestamp_at: Option<usize>,
        changed: Option<u64>,
        c: &Cur<'a>,
    ) -> Result<(), ParseError> {
        let fam = &self.families[i];
        let s = &fam.samples[index];
        let info = fam.kind == MetricType::Info;
        // The common case, the next sample of the same series, needs no hash.
        let same = match changed {
            Some(changed) if index > 0 && self.groups.current.is_some() => {
                let skip = check::group_skip(fam, s)
                    .and_then(|name| s.labels.iter().position(|l| eq_str(l.name, name)))
                    .map_or(0, |k| 1u64 << (k % 64));
                info || changed & !skip == 0
            }
            _ => self
                .groups
                .current
                .is_some_and(|k| check::same_group(fam, &fam.samples[k], s)),
        };
        let previous = self.groups.timestamp;
        self.groups.timestamp = s.timestamp;
        self.groups.started = !same;
        if same {
            let at = timestamp_at.unwrap_or(c.end);
            match (previous, s.timestamp) {
                (Some(_), None) | (None, Some(_)) => {
                    return Err(c.error(
                        at,
                        format!(
                            "some samples of this `{}` series have a timestamp and some do not",
                            fam.name
                        ),
                    ));
                }
                (Some(p), Some(t)) if t < p && !info => {
                    return Err(c.error(
                        at,
                        format!(
                            "timestamp {} goes back from the {} before it in the same series",
                            crate::write::fmt_value(t),
                            crate::write::fmt_value(p)
                        ),
                    ));
                }
                _ => {}
            }
            return Ok(());
        }
        let hash = if info {
            0
        } else {
            check::group_hash(&s.labels, check::group_skip(fam, s))
        };
        self.groups.current = Some(index);
        let earlier = match self.groups.seen.entry(hash) {
            Entry::Vacant(e) => {
                e.insert(index);
                None
            }
            Entry::Occupied(e) if check::same_group(fam, &fam.samples[*e.get()], s) => {
                Some(*e.get())
            }
            Entry::Occupied(_) => {
                let found = self
                    .groups
                    .collided
                    .iter()
                    .find(|&&(h, k)| h == hash && check::same_group(fam, &fam.samples[k], s))
                    .map(|&(_, k)| k);
                if found.is_none() {
                    self.groups.collided.push((hash, index));
                }
                found
            }
        };
        match earlier {
            Some(k) => Err(c.error(
                c.line_start,
                format!(
                    "this series of `{}` already had samples on line {}, with other series in between: a series' samples must be together",
                    fam.name, fam.samples[k].line
                ),
            )),
            None => Ok(()),
        }
    }

    // ---- Text format 0.0.4 ----

    fn text_line(&mut self, start: usize, end: usize) -> Result<(), ParseError> {
        let mut c = self.cursor(start, end);
        c.skip_blanks();
        match c.peek() {
            None => Ok(()),
            Some(b'#') => self.text_comment(c),
            Some(_) => self.text_sample(c),
        }
    }

    fn text_comment(&mut self, mut c: Cur<'a>) -> Result<(), ParseError> {
        c.pos += 1;
        c.skip_blanks();
        let keyword = c.take_until_blank();
        let help = match keyword {
            "HELP" => true,
            "TYPE" => false,
            _ => return Ok(()), // any other comment
        };
        // Metadata may make a name the sample before had its own family.
        self.same_family = false;
        c.skip_blanks();
        let name_at = c.pos;
        let name = c.take_while(&METRIC_CHAR);
        if name.is_empty() {
            return Err(c.error(
                name_at,
                format!(
                    "expected a metric name after `{keyword}`, found {}",
                    c.found()
                ),
            ));
        }
        check_metric_name(&c, name, name_at)?;
        if !c.at_end() && !c.at_blank() {
            return Err(c.error(
                c.pos,
                format!(
                    "expected a blank after the metric name `{name}`, found {}",
                    c.found()
                ),
            ));
        }
        c.skip_blanks();
        if help {
            let text = unescape(c.rest(), false);
            let i = self.text_family(name);
            let fam = &mut self.families[i];
            if let Some(first) = fam.help_line {
                return Err(c.error(
                    name_at,
                    format!("second HELP line for `{name}` (the first is on line {first})"),
                ));
            }
            fam.help = Some(text);
            fam.help_line = Some(self.line);
            return Ok(());
        }
        let type_at = c.pos;
        let word = c.take_until_blank();
        if word.is_empty() {
            return Err(c.error(type_at, format!("expected a metric type after `{name}`")));
        }
        let kind = MetricType::from_text(word).ok_or_else(|| {
            c.error(
                type_at,
                format!(
                    "unknown metric type `{word}`: the text format has counter, gauge, histogram, summary and untyped"
                ),
            )
        })?;
        c.skip_blanks();
        if !c.at_end() {
            return Err(c.error(c.pos, "unexpected text after the metric type"));
        }
        let i = self.text_family(name);
        let fam = &mut self.families[i];
        if let Some(first) = fam.type_line {
            return Err(c.error(
                name_at,
                format!("second TYPE line for `{name}` (the first is on line {first})"),
            ));
        }
        if let Some(s) = fam.samples.first() {
            return Err(c.error(
                name_at,
                format!(
                    "TYPE line for `{name}` after its samples (from line {}): the type must come first",
                    s.line
                ),
            ));
        }
        fam.kind = kind;
        fam.type_line = Some(self.line);
        Ok(())
    }

    /// The family with this exact name, created if there is none.
    fn text_family(&mut self, name: &'a str) -> usize {
        if let Some(&i) = self.by_name.get(name) {
            return i;
        }
        self.families
            .push(Family::new(name, MetricType::Unknown, self.line));
        let i = self.families.len() - 1;
        self.by_name.insert(name, i);
        if ["_sum", "_count", "_bucket"]
            .iter()
            .any(|s| name.ends_with(s))
        {
            self.suffixed.insert(name);
        }
        i
    }

    fn text_sample(&mut self, mut c: Cur<'a>) -> Result<(), ParseError> {
        let prev = self.last.and_then(|i| self.families[i].samples.last());
        let mut labels = Labels::new();
        let (name, value, timestamp) = read_text_sample(&mut c, &mut labels, prev)?;
        let i = self.text_family_of(name);
        self.families[i].samples.push(Sample {
            name,
            labels,
            value,
            timestamp,
            exemplar: None,
            line: self.line,
        });
        Ok(())
    }

    /// The family a sample belongs to, as Prometheus's text parser decides:
    /// the family of that exact name; else, for `_sum` and `_count`, a
    /// summary or histogram of the base name, and for `_bucket`, a histogram;
    /// else a new untyped family.
    fn text_family_of(&mut self, name: &'a str) -> usize {
        if let Some(i) = self.last {
            let fam = &self.families[i];
            if eq_str(fam.name, name)
                || (text_suffix_of(fam, name)
                    && (self.suffixed.is_empty() || !self.suffixed.contains(name)))
            {
                return i;
            }
        }
        let found = self.by_name.get(name).copied().or_else(|| {
            let (base, histogram_only) = if let Some(b) = name.strip_suffix("_bucket") {
                (b, true)
            } else {
                (
                    name.strip_suffix("_sum")
                        .or_else(|| name.strip_suffix("_count"))?,
                    false,
                )
            };
            let &i = self.by_name.get(base)?;
            let kind = self.families[i].kind;
            (kind == MetricType::Histogram || (kind == MetricType::Summary && !histogram_only))
                .then_some(i)
        });
        let i = found.unwrap_or_else(|| self.text_family(name));
        self.last = Some(i);
        self.same_family = true;
        i
    }
}

/// About how many of the lines from `start` hold samples of `fam`, when
/// its samples come together (as OpenMetrics requires and the text format
/// has in practice): lines at doubling distances are probed while they
/// still belong to the family, then the gap is halved down to a few lines;
/// the span up to the first line that does not belong, over the shortest
/// line probed, is the guess. Only a guess at how much room to make, never
/// a reason to accept or refuse a line.
fn run_length(b: &[u8], start: usize, fam: &Family<'_>, om: bool) -> usize {
    let belongs = |at: usize| family_line(&b[at..], fam, om);
    if !belongs(start) {
        return 0;
    }
    // The length of the line at `at`, with its newline.
    let length = |at: usize| memchr(b'\n', &b[at..]).map_or(b.len() - at, |k| k + 1);
    // The start of the line that `p` is in.
    let line_start = |p: usize| memrchr(b'\n', &b[start..p]).map_or(start, |k| start + k + 1);
    let first = length(start);
    let mut shortest = first;
    let (mut lo, mut hi) = (start, b.len());
    let mut step = first;
    while lo + step < b.len() {
        let at = line_start(lo + step);
        if at <= lo {
            step *= 2;
        } else if belongs(at) {
            lo = at;
            shortest = shortest.min(length(at));
            step *= 2;
        } else {
            hi = at;
            break;
        }
    }
    while hi - lo > 4 * first {
        let at = line_start(lo + (hi - lo) / 2);
        if at <= lo {
            break;
        }
        if belongs(at) {
            lo = at;
            shortest = shortest.min(length(at));
        } else {
            hi = at;
        }
    }
    (hi - start) / shortest + 1
}

/// Whether a line (given with the rest of the input) starts with the name
/// of a sample of `fam`.
fn family_line(line: &[u8], fam: &Family<'_>, om: bool) -> bool {
    let Some(rest) = line.strip_prefix(fam.name.as_bytes()) else {
        return false;
    };
    let suffixes: &[&str] = match (om, fam.kind) {
        (true, kind) => kind.sample_suffixes(),
        (false, MetricType::Histogram) => &["", "_bucket", "_sum", "_count"],
        (false, MetricType::Summary) => &["", "_sum", "_count"],
        (false, _) => &[""],
    };
    suffixes.iter().any(|suffix| {
        rest.strip_prefix(suffix.as_bytes())
            .is_some_and(|r| matches!(r.first(), Some(b'{' | b' ' | b'\t')))
    })
}

/// Why a sample named like an OpenMetrics family, but not one of its sample
/// names, cannot follow it (`a 1` after `# TYPE a counter`).
fn not_a_sample_of(fam: &Family<'_>, name: &str) -> Option<String> {
    if name != fam.name {
        return None;
    }
    let names: Vec<String> = fam
        .kind
        .sample_suffixes()
        .iter()
        .map(|suffix| format!("`{}{suffix}`", fam.name))
        .collect();
    let hint = if fam.kind == MetricType::Counter && fam.name.ends_with("_total") {
        format!(
            " (an OpenMetrics counter family is named without `_total`: `# TYPE {} counter`)",
            &fam.name[..fam.name.len() - "_total".len()]
        )
    } else {
        String::new()
    };
    Some(format!(
        "`{name}` is not a sample name of the {} `{}`, whose samples are {}{hint}",
        fam.kind,
        fam.name,
        names.join(", ")
    ))
}

/// Whether `name` is a `_sum`, `_count` or `_bucket` sample of a text
/// summary or histogram family.
fn text_suffix_of(fam: &Family<'_>, name: &str) -> bool {
    matches!(
        (fam.kind, strip_prefix(name, fam.name)),
        (MetricType::Histogram, Some("_sum" | "_count" | "_bucket"))
            | (MetricType::Summary, Some("_sum" | "_count"))
    )
}

fn has_unit_suffix(name: &str, unit: &str) -> bool {
    name.len() > unit.len()
        && name.ends_with(unit)
        && name.as_bytes()[name.len() - unit.len() - 1] == b'_'
}

fn article(kind: MetricType) -> &'static str {
    match kind {
        MetricType::Info => "an info",
        MetricType::StateSet => "a stateset",
        _ => "a",
    }
}

fn check_metric_name(c: &Cur<'_>, name: &str, at: usize) -> Result<(), ParseError> {
    if name.as_bytes()[0].is_ascii_digit() {
        return Err(c.error(
            at,
            format!("metric name `{name}` must not start with a digit"),
        ));
    }
    Ok(())
}

/// A sample's metric name; usually the one of the sample before.
fn read_sample_name<'a>(c: &mut Cur<'a>, prev: Option<&Sample<'_>>) -> Result<&'a str, ParseError> {
    if let Some(p) = prev.filter(|p| c.at_word(p.name, &METRIC_CHAR)) {
        return Ok(c.take(p.name.len()));
    }
    let at = c.pos;
    let name = c.take_while(&METRIC_CHAR);
    if name.is_empty() {
        return Err(c.error(at, format!("expected a metric name, found {}", c.found())));
    }
    check_metric_name(c, name, at)?;
    Ok(name)
}

/// `name[{labels}] value[ timestamp][ # {labels} value[ timestamp]]`, with
/// single spaces, as OpenMetrics writes it.
fn read_om_sample<'a>(
    c: &mut Cur<'a>,
    labels: &mut Labels<'a>,
    prev: Option<&Sample<'a>>,
) -> Result<RawSample<'a>, ParseError> {
    let name = read_sample_name(c, prev)?;
    let braces = c.eat(b'{');
    if braces {
        let known = read_labels(c, labels, true, prev.map_or(&[], |p| &p.labels))?;
        if !known {
            check_duplicates(c, labels)?;
        }
    }
    if !c.eat(b' ') {
        return Err(if c.at_end() {
            c.error(c.pos, format!("missing value after `{name}`"))
        } else if braces {
            c.error(
                c.pos,
                format!("expected a space after the labels, found {}", c.found()),
            )
        } else {
            c.error(
                c.pos,
                format!(
                    "expected a space or `{{` after the metric name `{name}`, found {}",
                    c.found()
                ),
            )
        });
    }
    let value_at = c.pos;
    let token = c.take_until(b' ');
    if token.is_empty() {
        return Err(c.error(
            value_at,
            if c.at_end() {
                format!("missing value after `{name}`")
            } else {
                "expected a value, found a second space: OpenMetrics separates with one space"
                    .to_string()
            },
        ));
    }
    let value =
        parse_value(token).ok_or_else(|| c.error(value_at, format!("invalid value `{token}`")))?;
    let mut raw = RawSample {
        name,
        value,
        value_at,
        timestamp: None,
        timestamp_at: None,
        exemplar: None,
        exemplar_at: None,
    };
    if !c.eat(b' ') {
        return Ok(raw);
    }
    if c.peek() != Some(b'#') {
        let at = c.pos;
        let token = c.take_until(b' ');
        if token.is_empty() {
            return Err(c.error(
                at,
                if c.at_end() {
                    "trailing space after the value"
                } else {
                    "expected a timestamp, found a second space: OpenMetrics separates with one space"
                },
            ));
        }
        raw.timestamp = Some(parse_om_timestamp(token).ok_or_else(|| {
            c.error(
                at,
                format!("invalid timestamp `{token}`: OpenMetrics takes seconds as a finite decimal number"),
            )
        })?);
        raw.timestamp_at = Some(at);
        if !c.eat(b' ') {
            return Ok(raw);
        }
        if c.peek() != Some(b'#') {
            return Err(if c.at_end() {
                c.error(c.pos, "trailing space after the timestamp")
            } else {
                c.error(
                    c.pos,
                    format!("expected `# {{` to start an exemplar, found {}", c.found()),
                )
            });
        }
    }
    raw.exemplar_at = Some(c.pos);
    raw.exemplar = Some(read_exemplar(c)?);
    Ok(raw)
}

/// `# {labels} value[ timestamp]`, at the `#`.
fn read_exemplar<'a>(c: &mut Cur<'a>) -> Result<Exemplar<'a>, ParseError> {
    let hash_at = c.pos;
    c.pos += 1;
    if !c.eat(b' ') {
        return Err(c.error(
            c.pos,
            format!("expected a space after `#`, found {}", c.found()),
        ));
    }
    if !c.eat(b'{') {
        return Err(c.error(
            c.pos,
            format!(
                "expected `{{` to start the exemplar's labels, found {}",
                c.found()
            ),
        ));
    }
    let mut labels = Labels::new();
    read_labels(c, &mut labels, true, &[])?;
    check_duplicates(c, &labels)?;
    let labels = labels.into_vec();
    let length: usize = labels
        .iter()
        .map(|l| l.name.len() + l.value.chars().count())
        .sum();
    if length > EXEMPLAR_LABELS_MAX {
        return Err(c.error(
            hash_at,
            format!(
                "the exemplar's labels are {length} characters long; OpenMetrics allows at most {EXEMPLAR_LABELS_MAX}"
            ),
        ));
    }
    if !c.eat(b' ') {
        return Err(c.error(
            c.pos,
            format!(
                "expected a space and a value after the exemplar's labels, found {}",
                c.found()
            ),
        ));
    }
    let value_at = c.pos;
    let token = c.take_until(b' ');
    if token.is_empty() {
        return Err(c.error(value_at, "missing exemplar value"));
    }
    let value = parse_value(token)
        .ok_or_else(|| c.error(value_at, format!("invalid exemplar value `{token}`")))?;
    let mut timestamp = None;
    if c.eat(b' ') {
        let at = c.pos;
        let token = c.take_until(b' ');
        if token.is_empty() {
            return Err(c.error(at, "trailing space after the exemplar value"));
        }
        timestamp = Some(parse_om_timestamp(token).ok_or_else(|| {
            c.error(
                at,
                format!("invalid exemplar timestamp `{token}`: OpenMetrics takes seconds as a finite decimal number"),
            )
        })?);
    }
    if !c.at_end() {
        return Err(c.error(
            c.pos,
            format!(
                "expected the end of the line after the exemplar, found {}",
                c.found()
            ),
        ));
    }
    Ok(Exemplar {
        labels,
        value,
        timestamp,
    })
}

/// A sample with nothing read into it yet.
const BLANK_SAMPLE: Sample<'static> = Sample {
    name: "",
    labels: Labels::new(),
    value: 0.0,
    timestamp: None,
    exemplar: None,
    line: 0,
};

/// What [`quick_sample`] found besides the sample.
struct QuickAt {
    value_at: usize,
    timestamp_at: Option<usize>,
    /// The end of the line: its `\n` or the end of the input.
    end: usize,
    /// Whether the name is the sample before's.
    same_name: bool,
    /// In OpenMetrics, when the name and the label names are the sample
    /// before's, in its order: which labels' values differ from its (bit
    /// `k` for label `k`).
    changed: Option<u64>,
}

/// The usual shape of a sample line, the same in both formats:
/// `name{a="x",b="y"} value` and maybe ` timestamp`, with single spaces, no
/// escapes in label values, no trailing comma and no exemplar.
///
/// Anything else is `None`, well-formed or not, and the line is read again
/// by the format's own reader, which knows every form and every error. So
/// whatever this accepts it must read exactly as those readers do; the
/// `quick_and_general_readers_agree` test holds it to that.
///
/// It reads from `start` to the end of the line, which it finds, into
/// `out`, a [`BLANK_SAMPLE`]; the timestamp in OpenMetrics (`om`) seconds or
/// text-format milliseconds. Names are compared with the sample before's
/// first, as `read_labels` does.
#[inline(always)]
fn quick_sample<'a>(
    src: &'a str,
    start: usize,
    prev: Option<&Sample<'a>>,
    om: bool,
    out: &mut Sample<'a>,
) -> Option<QuickAt> {
    let b = src.as_bytes();
    let mut i = start;
    let same_name = match prev {
        Some(p) if at_word(b, i, p.name, |c| c == b'{' || c == b' ') => {
            i += p.name.len();
            true
        }
        _ => {
            i += skip(&b[i..], &METRIC_CHAR);
            if i == start || b[start].is_ascii_digit() {
                return None;
            }
            false
        }
    };
    out.name = src.get(start..i)?;
    let mut changed_labels = None;
    if b.get(i) == Some(&b'{') {
        i += 1;
        let prev_labels: &[Label<'_>] = prev.map_or(&[], |p| &p.labels);
        let mut known = true;
        let mut k = 0;
        let mut changed = 0u64;
        if b.get(i) == Some(&b'}') {
            i += 1;
        } else {
            loop {
                let name_at = i;
                match prev_labels.get(k) {
                    Some(p) if known && at_word(b, i, p.name, |c| c == b'=') => i += p.name.len(),
                    _ => {
                        known = false;
                        i += skip(&b[i..], &LABEL_CHAR);
                        if i == name_at || b[name_at].is_ascii_digit() || b.get(i) != Some(&b'=') {
                            return None;
                        }
                    }
                }
                // At `=`.
                if b.get(i + 1) != Some(&b'"') {
                    return None;
                }
                let value_at = i + 2;
                let value_end = value_at + find_value_end(&b[value_at..])?;
                if b[value_end] != b'"' {
                    return None;
                }
                let value = src.get(value_at..value_end)?;
                if om && known {
                    let before = prev_labels[k].value.as_bytes();
                    changed |= u64::from(!eq_bytes(value.as_bytes(), before)) << (k % 64);
                }
                out.labels.push(Label {
                    name: src.get(name_at..i)?,
                    value: Cow::Borrowed(value),
                });
                k += 1;
                i = value_end + 1;
                match b.get(i) {
                    Some(b',') if b.get(i + 1) != Some(&b'}') => i += 1,
                    Some(b'}') => {
                        i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        // The names of the sample before, in its order, have no duplicates.
        let known = known && k == prev_labels.len();
        if !known && duplicate(&out.labels).is_some() {
            return None;
        }
        changed_labels = (known && same_name && k <= 64).then_some(changed);
    } else if same_name && prev.is_some_and(|p| p.labels.is_empty()) {
        changed_labels = Some(0);
    }
    if b.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    let value_at = i;
    if let Some((v, n)) = short_integer(&b[i..]) {
        out.value = v;
        i += n;
    } else {
        i += token(&b[i..]);
        out.value = parse_value(src.get(value_at..i)?)?;
    }
    let mut timestamp_at = None;
    if b.get(i) == Some(&b' ') {
        // The timestamp, to the end of the line.
        i += 1;
        let at = i;
        i += token(&b[i..]);
        if i == at || b[at] == b'#' || b.get(i) == Some(&b' ') {
            return None;
        }
        let t = src.get(at..i)?;
        out.timestamp = Some(if om {
            parse_om_timestamp(t)?
        } else {
            parse_ms_timestamp(t)?
        });
        timestamp_at = Some(at);
    }
    // At the end of the line (what else stops a token is a space).
    Some(QuickAt {
        value_at,
        timestamp_at,
        end: i,
        same_name,
        changed: changed_labels.filter(|_| om),
    })
}

/// Whether `b` has `word` at `at`, followed by a byte that `after` accepts.
#[inline(always)]
fn at_word(b: &[u8], at: usize, word: &str, after: impl Fn(u8) -> bool) -> bool {
    let n = word.len();
    b.get(at + n).is_some_and(|&c| after(c)) && eq_bytes(&b[at..at + n], word.as_bytes())
}

/// How many bytes of `b` the table accepts, from the start.
#[inline(always)]
fn skip(b: &[u8], table: &[bool; 256]) -> usize {
    b.iter()
        .position(|&c| !table[usize::from(c)])
        .unwrap_or(b.len())
}

/// The length of a value or timestamp: up to a space, a newline or the end.
#[inline(always)]
fn token(b: &[u8]) -> usize {
    b.iter()
        .position(|&c| c == b' ' || c == b'\n')
        .unwrap_or(b.len())
}

/// `name [{labels}] value [timestamp]`, separated by any blanks, as
/// Prometheus's text parser reads it. Returns name, value, timestamp.
fn read_text_sample<'a>(
    c: &mut Cur<'a>,
    labels: &mut Labels<'a>,
    prev: Option<&Sample<'a>>,
) -> Result<(&'a str, f64, Option<f64>), ParseError> {
    let name = read_sample_name(c, prev)?;
    let after_name = c.pos;
    c.skip_blanks();
    if c.eat(b'{') {
        let known = read_labels(c, labels, false, prev.map_or(&[], |p| &p.labels))?;
        if !known {
            check_duplicates(c, labels)?;
        }
        c.skip_blanks();
    } else if c.pos == after_name && !c.at_end() {
        return Err(c.error(
            c.pos,
            format!(
                "expected a blank or `{{` after the metric name `{name}`, found {}",
                c.found()
            ),
        ));
    }
    let value_at = c.pos;
    let token = c.take_until_blank();
    if token.is_empty() {
        return Err(c.error(value_at, format!("missing value after `{name}`")));
    }
    let value =
        parse_value(token).ok_or_else(|| c.error(value_at, format!("invalid value `{token}`")))?;
    c.skip_blanks();
    if c.at_end() {
        return Ok((name, value, None));
    }
    let at = c.pos;
    let token = c.take_until_blank();
    let timestamp = parse_ms_timestamp(token).ok_or_else(|| {
        c.error(
            at,
            format!("invalid timestamp `{token}`: the text format takes integer milliseconds"),
        )
    })?;
    c.skip_blanks();
    if !c.at_end() {
        return Err(c.error(c.pos, "unexpected text after the timestamp"));
    }
    Ok((name, value, Some(timestamp)))
}

/// The labels after `{`, through `}`. OpenMetrics (`om`) allows no blanks
/// and no trailing comma; the text format allows both, as Prometheus does.
///
/// `prev` are the labels of the sample before, whose names are usually the
/// same ones in the same order: each is tried first. Returns whether all the
/// names were those, which (as that sample had no duplicates) means these
/// have none either.
fn read_labels<'a>(
    c: &mut Cur<'a>,
    out: &mut Labels<'a>,
    om: bool,
    prev: &[Label<'_>],
) -> Result<bool, ParseError> {
    if !om {
        c.skip_blanks();
    }
    if c.eat(b'}') {
        return Ok(prev.is_empty());
    }
    // Most samples have as many labels as the one before: an exact
    // allocation when they do not fit in the sample.
    out.reserve(prev.len());
    let mut known = true;
    loop {
        let at = c.pos;
        let name = match prev.get(out.len()) {
            Some(p) if known && c.at_word(p.name, &LABEL_CHAR) => c.take(p.name.len()),
            _ => {
                known = false;
                c.take_while(&LABEL_CHAR)
            }
        };
        if name.is_empty() {
            return Err(c.error(
                at,
                if c.peek() == Some(b'}') {
                    "trailing comma in the label set: OpenMetrics allows none".to_string()
                } else {
                    format!("expected a label name, found {}", c.found())
                },
            ));
        }
        if name.as_bytes()[0].is_ascii_digit() {
            return Err(c.error(
                at,
                format!("label name `{name}` must not start with a digit"),
            ));
        }
        if !om {
            c.skip_blanks();
        }
        if !c.eat(b'=') {
            return Err(c.error(
                c.pos,
                format!(
                    "expected `=` after label name `{name}`, found {}",
                    c.found()
                ),
            ));
        }
        if !om {
            c.skip_blanks();
        }
        if !c.eat(b'"') {
            return Err(c.error(
                c.pos,
                format!(
                    "expected `\"` to open the value of label `{name}`, found {}",
                    c.found()
                ),
            ));
        }
        let value = read_label_value(c)?;
        out.push(Label { name, value });
        if !om {
            c.skip_blanks();
        }
        let at = c.pos;
        match c.bump() {
            Some(b',') => {
                if !om {
                    c.skip_blanks();
                    if c.eat(b'}') {
                        return Ok(known && out.len() == prev.len());
                    }
                }
            }
            Some(b'}') => return Ok(known && out.len() == prev.len()),
            _ => {
                return Err(c.error(
                    at,
                    format!(
                        "expected `,` or `}}` after the value of label `{name}`, found {}",
                        c.found_at(at)
                    ),
                ));
            }
        }
    }
}

/// A label value after its opening `"`, through the closing one.
#[inline]
fn read_label_value<'a>(c: &mut Cur<'a>) -> Result<Cow<'a, str>, ParseError> {
    let start = c.pos;
    let mut i = start;
    let mut escaped = false;
    loop {
        let found = find_value_end(&c.b[i..c.end]);
        let Some(k) = found else {
            return Err(c.error(
                start - 1,
                "unterminated label value: missing the closing `\"`",
            ));
        };
        let j = i + k;
        if c.b[j] == b'"' {
            c.pos = j + 1;
            let raw = &c.src[start..j];
            return Ok(if escaped {
                unescape(raw, true)
            } else {
                Cow::Borrowed(raw)
            });
        }
        escaped = true;
        i = j + 2;
        if i > c.end {
            return Err(c.error(
                start - 1,
                "unterminated label value: missing the closing `\"`",
            ));
        }
    }
}

/// The first `"`, `\\` or newline in `b`: where a label value ends, or
/// needs a closer look. Most label values are short, where eight bytes at a
/// time in a register beat a vectorised search's setup; past 64 bytes the
/// vectorised search takes over.
#[inline(always)]
fn find_value_end(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const QUOTES: u64 = ONES * b'"' as u64;
    const BACKSLASHES: u64 = ONES * b'\\' as u64;
    const NEWLINES: u64 = ONES * b'\n' as u64;
    let head = b.len().min(64);
    let mut i = 0;
    while i + 8 <= head {
        let mut word = [0u8; 8];
        word.copy_from_slice(&b[i..i + 8]);
        let w = u64::from_le_bytes(word);
        let (q, s, n) = (w ^ QUOTES, w ^ BACKSLASHES, w ^ NEWLINES);
        // A byte of `q`, `s` or `n` is zero where `w` has one of the three;
        // the lowest flagged byte is the first such one.
        let zero =
            (q.wrapping_sub(ONES) & !q | s.wrapping_sub(ONES) & !s | n.wrapping_sub(ONES) & !n)
                & HIGHS;
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    if head < b.len() {
        return memchr3(b'"', b'\\', b'\n', &b[i..]).map(|k| i + k);
    }
    b[i..]
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c == b'\n')
        .map(|k| i + k)
}

fn check_duplicates(c: &Cur<'_>, labels: &[Label<'_>]) -> Result<(), ParseError> {
    match duplicate(labels) {
        None => Ok(()),
        Some(i) => {
            let name = labels[i].name;
            let at = offset_in(c.src, name).unwrap_or(c.line_start);
            Err(c.error(at, format!("duplicate label `{name}`")))
        }
    }
}

/// The first label whose name an earlier one has.
fn duplicate(labels: &[Label<'_>]) -> Option<usize> {
    if labels.len() <= 16 {
        // Names mostly differ in length or first byte: compare those first.
        let key = |l: &Label<'_>| (l.name.len(), l.name.as_bytes().first().copied());
        (1..labels.len()).find(|&i| {
            let k = key(&labels[i]);
            labels[..i]
                .iter()
                .any(|l| key(l) == k && l.name == labels[i].name)
        })
    } else {
        let mut names: Vec<(&str, usize)> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| (l.name, i))
            .collect();
        names.sort_unstable();
        names
            .windows(2)
            .filter(|w| w[0].0 == w[1].0)
            .map(|w| w[1].1)
            .min()
    }
}

/// Where a slice of the input starts in it.
fn offset_in(src: &str, s: &str) -> Option<usize> {
    let offset = (s.as_ptr() as usize).checked_sub(src.as_ptr() as usize)?;
    (offset <= src.len()).then_some(offset)
}

/// The 1-based column, in characters, of `offset` on the line at `line_start`.
fn column(src: &str, line_start: usize, offset: usize) -> usize {
    let chars = src
        .get(line_start..offset)
        .map_or(offset.saturating_sub(line_start), |s| s.chars().count());
    chars + 1
}

/// A cursor over one line of the input.
struct Cur<'a> {
    src: &'a str,
    b: &'a [u8],
    line: usize,
    line_start: usize,
    pos: usize,
    end: usize,
}

impl<'a> Cur<'a> {
    fn error(&self, at: usize, message: impl Into<String>) -> ParseError {
        ParseError::new(self.line, column(self.src, self.line_start, at), message)
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.b[self.pos])
    }

    #[inline]
    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    #[inline]
    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    #[inline]
    fn at_end(&self) -> bool {
        self.pos >= self.end
    }

    #[inline]
    fn at_blank(&self) -> bool {
        matches!(self.peek(), Some(b' ' | b'\t'))
    }
    /// Whether the cursor is at `word` and a byte outside `table` (or the
    /// end of the line) follows it: what `take_while(table)` would read.
    #[inline]
    fn at_word(&self, word: &str, table: &[bool; 256]) -> bool {
        let rest = &self.b[self.pos..self.end];
        rest.len() >= word.len()
            && eq_bytes(&rest[..word.len()], word.as_bytes())
            && rest.get(word.len()).is_none_or(|&b| !table[usize::from(b)])
    }

    /// The next `n` bytes, which `at_word` has seen to be ASCII.
    #[inline]
    fn take(&mut self, n: usize) -> &'a str {
        let start = self.pos;
        self.pos += n;
        &self.src[start..self.pos]
    }

    #[inline]
    fn take_while(&mut self, table: &[bool; 256]) -> &'a str {
        let start = self.pos;
        let rest = &self.b[start..self.end];
        let n = rest
            .iter()
            .position(|&c| !table[usize::from(c)])
            .unwrap_or(rest.len());
        self.pos = start + n;
        &self.src[start..self.pos]
    }

    /// Up to the byte `stop` or the end of the line.
    #[inline]
    fn take_until(&mut self, stop: u8) -> &'a str {
        let start = self.pos;
        let rest = &self.b[start..self.end];
        self.pos = start + rest.iter().position(|&c| c == stop).unwrap_or(rest.len());
        &self.src[start..self.pos]
    }

    #[inline]
    fn take_until_blank(&mut self) -> &'a str {
        let start = self.pos;
        let rest = &self.b[start..self.end];
        let n = rest
            .iter()
            .position(|&c| c == b' ' || c == b'\t')
            .unwrap_or(rest.len());
        self.pos = start + n;
        &self.src[start..self.pos]
    }

    #[inline]
    fn skip_blanks(&mut self) {
        if !self.at_blank() {
            return;
        }
        let rest = &self.b[self.pos..self.end];
        self.pos += rest
            .iter()
            .position(|&c| c != b' ' && c != b'\t')
            .unwrap_or(rest.len());
    }

    fn rest(&mut self) -> &'a str {
        let start = self.pos;
        self.pos = self.end;
        &self.src[start..self.end]
    }

    /// What is at the cursor, for messages: `x`, a space, or end of line.
    fn found(&self) -> String {
        self.found_at(self.pos)
    }

    fn found_at(&self, at: usize) -> String {
        match self.src.get(at..self.end).and_then(|s| s.chars().next()) {
            None => "the end of the line".to_string(),
            Some(' ') => "a space".to_string(),
            Some('\t') => "a tab".to_string(),
            Some(ch) if ch.is_control() => format!("`{}`", ch.escape_default()),
            Some(ch) => format!("`{ch}`"),
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Parser, find_value_end};
    use crate::Format;

    /// Parses with and without shortcuts ([`super::quick_sample`], and the
    /// histogram rules as samples come): the same exposition (compared
    /// through `Debug`, where NaN equals NaN) and the same errors, strict
    /// and lenient.
    fn assert_readers_agree(input: &str) {
        for format in [Format::Text, Format::OpenMetrics] {
            for lenient in [false, true] {
                let quick = Parser::new(input, format, lenient).run();
                let mut general = Parser::new(input, format, lenient);
                general.shortcuts = false;
                let general = general.run();
                assert_eq!(
                    format!("{quick:?}"),
                    format!("{general:?}"),
                    "{format:?}, lenient {lenient}, input:\n{input}"
                );
            }
        }
    }

    /// Pieces of sample lines, usual and not.
    fn line() -> impl Strategy<Value = String> {
        let name = prop::sample::select(vec![
            "a",
            "a_total",
            "a_bucket",
            "a_sum",
            "a_count",
            "a_created",
            "b",
            "b_info",
            "0a",
            "a:b",
            "\u{e9}",
            "",
        ]);
        let label_name = prop::sample::select(vec!["x", "y", "le", "quantile", "b", "_", "1x", ""]);
        let label_value = prop::sample::select(vec![
            "",
            "v",
            "0.5",
            "+Inf",
            "1e3",
            "a\\\"b",
            "a\\\\",
            "a\\nb",
            "\\",
            "\u{e9}\u{1F600}",
            "a\"b",
            "x}",
            "very-long-label-value-that-goes-past-sixty-four-bytes-of-text-0123456789",
        ]);
        let eq = prop::sample::select(vec!["=", "=", "=", " =", "= ", ""]);
        let quote = prop::sample::select(vec!["\"", "\"", "\"", ""]);
        let label = (label_name, eq, quote.clone(), label_value, quote)
            .prop_map(|(n, e, q1, v, q2)| format!("{n}{e}{q1}{v}{q2}"));
        let comma = prop::sample::select(vec![",", ",", ", ", " ,", ""]);
        let labels = prop::collection::vec((label, comma), 0..6).prop_map(|ls| {
            ls.into_iter()
                .enumerate()
                .map(|(i, (l, c))| if i == 0 { l } else { format!("{c}{l}") })
                .collect::<String>()
        });
        let open = prop::sample::select(vec!["", "{", "{", "{", " {"]);
        let close = prop::sample::select(vec!["}", "}", "}", ",}", " }", ""]);
        let gap = prop::sample::select(vec![" ", " ", " ", "", "  ", "\t"]);
        let value = prop::sample::select(vec![
            "1",
            "0",
            "-1.5",
            ".5",
            "5.",
            "NaN",
            "+Inf",
            "-inf",
            "1e3",
            "0x1",
            "",
            "1_0",
            "9007199254740993",
            "1.00000000000000000001",
            "12345678901234567890",
            "-0",
            "+.5",
            ".",
            "17",
            "3.25",
            "1234567",
            "12345678",
            "0000001",
        ]);
        let tail = prop::sample::select(vec![
            "",
            "",
            "",
            " 1",
            " 1.5",
            " -3",
            " 1e3",
            " x",
            "  1",
            " 1 ",
            " # {t=\"1\"} 1",
            " 1 # {t=\"1\"} 2 3",
            "\t1",
            " ",
            "\r",
        ]);
        (name, open, labels, close, gap, value, tail).prop_map(|(n, o, l, c, g, v, t)| {
            if o.is_empty() {
                format!("{n}{g}{v}{t}")
            } else {
                format!("{n}{o}{l}{c}{g}{v}{t}")
            }
        })
    }

    fn document() -> impl Strategy<Value = String> {
        let meta = prop::sample::select(vec![
            "# TYPE a counter",
            "# TYPE a histogram",
            "# TYPE a summary",
            "# TYPE a gauge",
            "# TYPE a_bucket gauge",
            "# TYPE b info",
            "# HELP a text",
            "# a comment",
            "",
            "# EOF",
        ])
        .prop_map(str::to_string);
        let lines = prop::collection::vec(prop_oneof![4 => line(), 1 => meta], 0..12);
        (lines, prop::bool::ANY, prop::bool::ANY).prop_map(|(lines, eof, newline)| {
            let mut doc = lines.join("\n");
            if eof {
                doc.push_str("\n# EOF");
            }
            if newline {
                doc.push('\n');
            }
            doc
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 4000,
            // A failure is kept as a unit test, not in a regressions file.
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        #[test]
        fn quick_and_general_readers_agree(doc in document()) {
            assert_readers_agree(&doc);
        }
    }

    #[test]
    fn quick_and_general_readers_agree_on_usual_lines() {
        for doc in [
            "# TYPE a histogram\na_bucket{x=\"1\",le=\"0.5\"} 1\na_bucket{x=\"1\",le=\"+Inf\"} 2\n\
             a_sum{x=\"1\"} 1.5\na_count{x=\"1\"} 2\n# EOF\n",
            "a{x=\"1\",y=\"2\"} 1 1000\na{x=\"1\",y=\"3\"} 2 1000\na{y=\"1\",x=\"3\"} 2\n",
            "a{x=\"1\",x=\"2\"} 1\n",
            "a{x=\"1\"} 1\na{x=\"1\",x=\"2\"} 1\n",
            "a{x=\"1\",y=\"2\",z=\"3\",w=\"4\",v=\"5\"} 1\na{x=\"1\",y=\"2\",z=\"3\",w=\"4\",v=\"6\"} 1\n",
            "a 1\na 2\nb 3\na 4\n",
            "a 1\na{1x=\"\"} 1",
            "a 1\na 1 1",
            "# TYPE a counter\n0a 1",
            "# TYPE a histogram\na_bucket 1\na_bucket 1 1",
            "a_bucket{le=\"1\"} 1\n# TYPE a_bucket gauge\na_bucket{le=\"1\"} 1\n",
            "# TYPE a histogram\na_bucket{le=\"1\"} 1\n# TYPE a_bucket gauge\na_bucket{le=\"1\"} 1\n",
            // Histogram series: together, apart, with timestamps, out of order.
            "# TYPE a histogram\na_bucket{x=\"1\",le=\"1\"} 1 5\na_bucket{x=\"1\",le=\"+Inf\"} 1 5\n\
             a_bucket{x=\"1\",le=\"1\"} 1 6\na_bucket{x=\"1\",le=\"+Inf\"} 2 6\n\
             a_bucket{x=\"2\",le=\"+Inf\"} 2\na_count{x=\"2\"} 2\na_sum{x=\"2\"} 1\n\
             a_bucket{x=\"1\",le=\"+Inf\"} 2\na_bucket{le=\"2\",x=\"3\"} 2\n\
             a_bucket{x=\"3\",le=\"1\"} 3\na_bucket{x=\"3\",le=\"x\"} 3\n# EOF\n",
            "# TYPE a histogram\na_bucket{le=\"1\"} 1\na_bucket{le=\"0.5\"} 1\na_bucket{le=\"+Inf\"} 0\n\
             a_count 3\na_bucket{le=\"+Inf\"} 0 1\n# TYPE b histogram\nb_sum 1\nb_count 1\n# EOF\n",
        ] {
            assert_readers_agree(doc);
        }
    }

    #[test]
    fn finds_the_first_quote_backslash_or_newline_at_any_length_and_position() {
        for len in 0..150 {
            for at in 0..=len {
                for mark in [b'"', b'\\', b'\n'] {
                    let mut b = vec![b'a'; len];
                    // Bytes that are one bit away from the marks must not match.
                    for (i, x) in b.iter_mut().enumerate() {
                        *x = [b'a', b'#', b'"' ^ 0x80, b'\\' ^ 1, 0xff, b'!', b'\n' ^ 2][i % 7];
                    }
                    let expected = (at < len).then(|| {
                        b[at] = mark;
                        at
                    });
                    if let Some(e) = expected {
                        b[e + 1..].iter_mut().step_by(3).for_each(|x| *x = b'"');
                    }
                    assert_eq!(find_value_end(&b), expected, "len {len} at {at}");
                }
            }
        }
    }
}
