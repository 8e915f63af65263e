//! What a parsed exposition is made of. Every string borrows from the input
//! unless unescaping had to build a new one.

use std::borrow::Cow;

/// The two exposition formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The Prometheus text format, version 0.0.4 (`text/plain; version=0.0.4`).
    Text,
    /// OpenMetrics 1.0 text (`application/openmetrics-text`).
    OpenMetrics,
}

impl Format {
    /// The format a scrape answered with, from its `Content-Type` header:
    /// `application/openmetrics-text` (any parameters, any case) is
    /// OpenMetrics; anything else, including no header at all (`""`), is the
    /// text format, as Prometheus assumes.
    pub fn from_content_type(ct: &str) -> Format {
        let media_type = ct.split(';').next().unwrap_or("").trim();
        if media_type.eq_ignore_ascii_case("application/openmetrics-text") {
            Format::OpenMetrics
        } else {
            Format::Text
        }
    }

    /// The `Content-Type` to serve [`write()`](crate::write())'s output with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain; version=0.0.4; charset=utf-8",
            Format::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

/// A parsed exposition: its metric families in document order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Exposition<'a> {
    pub families: Vec<Family<'a>>,
}

impl<'a> Exposition<'a> {
    /// The first family with this name.
    pub fn family(&self, name: &str) -> Option<&Family<'a>> {
        self.families.iter().find(|f| f.name == name)
    }

    /// Every sample of every family, in family order.
    pub fn samples(&self) -> impl Iterator<Item = &Sample<'a>> {
        self.families.iter().flat_map(|f| f.samples.iter())
    }
}

/// One metric family: its metadata and its samples.
///
/// In OpenMetrics the family name is the name without the type's suffixes
/// (`http_requests` for samples `http_requests_total`); in the text format it
/// is the name given on its `# TYPE` line, which for counters usually ends in
/// `_total` itself. A sample with no metadata before it starts a family of
/// type [`MetricType::Unknown`] named after the sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Family<'a> {
    pub name: &'a str,
    pub kind: MetricType,
    /// The `# HELP` text, unescaped.
    pub help: Option<Cow<'a, str>>,
    /// The `# UNIT` (OpenMetrics only); `Some("")` for an empty `# UNIT` line.
    pub unit: Option<&'a str>,
    pub samples: Vec<Sample<'a>>,
    /// The first line of the family (1-based): its first metadata line or sample.
    pub line: usize,
    pub help_line: Option<usize>,
    pub type_line: Option<usize>,
}

impl<'a> Family<'a> {
    /// A family with no metadata and no samples yet.
    pub fn new(name: &'a str, kind: MetricType, line: usize) -> Family<'a> {
        Family {
            name,
            kind,
            help: None,
            unit: None,
            samples: Vec::new(),
            line,
            help_line: None,
            type_line: None,
        }
    }
}

/// The metric types of OpenMetrics; the text format knows the first five
/// (its `untyped` is [`MetricType::Unknown`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricType {
    Counter,
    Gauge,
    Histogram,
    GaugeHistogram,
    Summary,
    Info,
    StateSet,
    Unknown,
}

impl MetricType {
    /// The OpenMetrics name: `counter`, `gauge`, `histogram`,
    /// `gaugehistogram`, `summary`, `info`, `stateset`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::GaugeHistogram => "gaugehistogram",
            MetricType::Summary => "summary",
            MetricType::Info => "info",
            MetricType::StateSet => "stateset",
            MetricType::Unknown => "unknown",
        }
    }

    /// The name in the text format's `# TYPE` line. Types the text format
    /// does not have are written as `untyped`.
    pub fn text_name(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Summary => "summary",
            MetricType::GaugeHistogram
            | MetricType::Info
            | MetricType::StateSet
            | MetricType::Unknown => "untyped",
        }
    }

    /// Reads an OpenMetrics `# TYPE` word (exact, lower case).
    pub fn from_openmetrics(s: &str) -> Option<MetricType> {
        Some(match s {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "gaugehistogram" => MetricType::GaugeHistogram,
            "summary" => MetricType::Summary,
            "info" => MetricType::Info,
            "stateset" => MetricType::StateSet,
            "unknown" => MetricType::Unknown,
            _ => return None,
        })
    }

    /// Reads a text-format `# TYPE` word, as Prometheus does (exact, lower case).
    pub fn from_text(s: &str) -> Option<MetricType> {
        Some(match s {
            "counter" => MetricType::Counter,
            "gauge" => MetricType::Gauge,
            "histogram" => MetricType::Histogram,
            "summary" => MetricType::Summary,
            "untyped" => MetricType::Unknown,
            _ => return None,
        })
    }

    /// The suffixes a sample name may add to the family name in OpenMetrics.
    pub(crate) fn sample_suffixes(self) -> &'static [&'static str] {
        match self {
            MetricType::Counter => &["_total", "_created"],
            MetricType::Histogram => &["_bucket", "_count", "_sum", "_created"],
            MetricType::GaugeHistogram => &["_bucket", "_gcount", "_gsum"],
            MetricType::Summary => &["", "_count", "_sum", "_created"],
            MetricType::Info => &["_info"],
            MetricType::Gauge | MetricType::StateSet | MetricType::Unknown => &[""],
        }
    }
}

impl std::fmt::Display for MetricType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One sample line.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample<'a> {
    /// The full sample name (`http_requests_total`, `latency_seconds_bucket`).
    pub name: &'a str,
    /// The labels in the order written.
    pub labels: Labels<'a>,
    pub value: f64,
    /// Seconds since the epoch. The text format's integer milliseconds are
    /// divided by 1000.
    pub timestamp: Option<f64>,
    pub exemplar: Option<Exemplar<'a>>,
    /// The sample's line (1-based).
    pub line: usize,
}

impl Sample<'_> {
    /// The value of the label with this name.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|l| l.name == name)
            .map(|l| l.value.as_ref())
    }
}

/// A label; the value is unescaped (borrowed when it had no escapes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Label<'a> {
    pub name: &'a str,
    pub value: Cow<'a, str>,
}

/// How many labels a [`Sample`] holds without an allocation of its own.
///
/// Most series have four or fewer (a request counter's service, handler,
/// method and status code); each one more would make every sample 40 bytes
/// larger.
pub const INLINE_LABELS: usize = 4;

/// A sample's labels in the order written: up to [`INLINE_LABELS`] of them
/// in the sample itself, more in a `Vec`. It dereferences to `[Label]`.
///
/// Unlike `smallvec::SmallVec`, which has a `Drop` of its own, this is plain
/// fields: an [`Exposition`] may still be dropped after the text it borrows
/// from, as when it held `Vec`s.
///
/// ```
/// use std::borrow::Cow;
/// use relman_exposition::{Label, Labels};
///
/// let mut labels = Labels::new();
/// labels.push(Label { name: "job", value: Cow::Borrowed("api") });
/// assert_eq!(labels.len(), 1);
/// assert_eq!(labels.iter().map(|l| l.name).collect::<Vec<_>>(), ["job"]);
/// ```
#[derive(Clone)]
pub struct Labels<'a>(Repr<'a>);

#[derive(Clone)]
enum Repr<'a> {
    /// The first `len` items; the rest are [`UNUSED`].
    Inline {
        len: u8,
        items: [Label<'a>; INLINE_LABELS],
    },
    Heap(Vec<Label<'a>>),
}

/// What an unused inline place holds.
const UNUSED: Label<'static> = Label {
    name: "",
    value: Cow::Borrowed(""),
};

impl<'a> Labels<'a> {
    /// No labels.
    pub const fn new() -> Labels<'a> {
        Labels(Repr::Inline {
            len: 0,
            items: [UNUSED; INLINE_LABELS],
        })
    }

    /// No labels, with room for `n` without allocating again.
    pub fn with_capacity(n: usize) -> Labels<'a> {
        if n <= INLINE_LABELS {
            Labels::new()
        } else {
            Labels(Repr::Heap(Vec::with_capacity(n)))
        }
    }

    #[inline(always)]
    pub fn push(&mut self, label: Label<'a>) {
        match &mut self.0 {
            Repr::Inline { len, items } if usize::from(*len) < INLINE_LABELS => {
                items[usize::from(*len)] = label;
                *len += 1;
            }
            Repr::Inline { .. } => {
                self.spill(INLINE_LABELS * 2);
                self.push(label);
            }
            Repr::Heap(v) => v.push(label),
        }
    }

    /// Room for `additional` more labels.
    pub fn reserve(&mut self, additional: usize) {
        let needed = self.len() + additional;
        match &mut self.0 {
            Repr::Inline { .. } if needed <= INLINE_LABELS => {}
            Repr::Inline { .. } => self.spill(needed),
            Repr::Heap(v) => v.reserve(additional),
        }
    }

    /// Moves the labels into a `Vec` with room for `capacity`.
    #[cold]
    fn spill(&mut self, capacity: usize) {
        if let Repr::Inline { len, items } = &mut self.0 {
            let mut v = Vec::with_capacity(capacity.max(usize::from(*len)));
            v.extend(
                items
                    .iter_mut()
                    .take(usize::from(*len))
                    .map(|l| std::mem::replace(l, UNUSED)),
            );
            self.0 = Repr::Heap(v);
        }
    }

    #[inline(always)]
    pub fn as_slice(&self) -> &[Label<'a>] {
        match &self.0 {
            Repr::Inline { len, items } => &items[..usize::from(*len)],
            Repr::Heap(v) => v,
        }
    }

    #[inline]
    pub fn as_mut_slice(&mut self) -> &mut [Label<'a>] {
        match &mut self.0 {
            Repr::Inline { len, items } => &mut items[..usize::from(*len)],
            Repr::Heap(v) => v,
        }
    }

    pub fn into_vec(self) -> Vec<Label<'a>> {
        match self.0 {
            Repr::Inline { len, items } => items.into_iter().take(usize::from(len)).collect(),
            Repr::Heap(v) => v,
        }
    }
}

impl Default for Labels<'_> {
    fn default() -> Self {
        Labels::new()
    }
}

impl<'a> std::ops::Deref for Labels<'a> {
    type Target = [Label<'a>];
    #[inline]
    fn deref(&self) -> &[Label<'a>] {
        self.as_slice()
    }
}

impl<'a> std::ops::DerefMut for Labels<'a> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [Label<'a>] {
        self.as_mut_slice()
    }
}

impl std::fmt::Debug for Labels<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'b> PartialEq<Labels<'b>> for Labels<'_> {
    fn eq(&self, other: &Labels<'b>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Labels<'_> {}

impl<'b> PartialEq<[Label<'b>]> for Labels<'_> {
    fn eq(&self, other: &[Label<'b>]) -> bool {
        self.as_slice() == other
    }
}

impl<'b> PartialEq<Vec<Label<'b>>> for Labels<'_> {
    fn eq(&self, other: &Vec<Label<'b>>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl std::hash::Hash for Labels<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_slice().hash(state);
    }
}

impl<'a> From<Vec<Label<'a>>> for Labels<'a> {
    fn from(v: Vec<Label<'a>>) -> Labels<'a> {
        if v.len() <= INLINE_LABELS {
            v.into_iter().collect()
        } else {
            Labels(Repr::Heap(v))
        }
    }
}

impl<'a> From<Labels<'a>> for Vec<Label<'a>> {
    fn from(l: Labels<'a>) -> Vec<Label<'a>> {
        l.into_vec()
    }
}

impl<'a> FromIterator<Label<'a>> for Labels<'a> {
    fn from_iter<I: IntoIterator<Item = Label<'a>>>(iter: I) -> Labels<'a> {
        let mut labels = Labels::new();
        labels.extend(iter);
        labels
    }
}

impl<'a> Extend<Label<'a>> for Labels<'a> {
    fn extend<I: IntoIterator<Item = Label<'a>>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.reserve(iter.size_hint().0);
        for l in iter {
            self.push(l);
        }
    }
}

impl<'s, 'a> IntoIterator for &'s Labels<'a> {
    type Item = &'s Label<'a>;
    type IntoIter = std::slice::Iter<'s, Label<'a>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'s, 'a> IntoIterator for &'s mut Labels<'a> {
    type Item = &'s mut Label<'a>;
    type IntoIter = std::slice::IterMut<'s, Label<'a>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<'a> IntoIterator for Labels<'a> {
    type Item = Label<'a>;
    type IntoIter = std::vec::IntoIter<Label<'a>>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

/// An OpenMetrics exemplar: `# {trace_id="…"} 0.42 1700000000.123`.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar<'a> {
    pub labels: Vec<Label<'a>>,
    pub value: f64,
    /// Seconds since the epoch.
    pub timestamp: Option<f64>,
}
