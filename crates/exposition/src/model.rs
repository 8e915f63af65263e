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
    pub labels: Vec<Label<'a>>,
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

/// An OpenMetrics exemplar: `# {trace_id="…"} 0.42 1700000000.123`.
#[derive(Debug, Clone, PartialEq)]
pub struct Exemplar<'a> {
    pub labels: Vec<Label<'a>>,
    pub value: f64,
    /// Seconds since the epoch.
    pub timestamp: Option<f64>,
}
