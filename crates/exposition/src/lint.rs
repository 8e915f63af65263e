//! Linting an exposition: Prometheus's `promlint` rules (the ones
//! `promtool check metrics` applies, with the same meaning and wording),
//! plus histogram and summary consistency, duplicate series and per-metric
//! cardinality with a budget.

use std::hash::{Hash, Hasher};

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};

use crate::{Exposition, Family, Label, MetricType, Sample};

/// How bad a lint problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One problem with one metric.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LintProblem {
    pub metric: String,
    pub line: usize,
    /// Stable kebab-case code.
    pub code: &'static str,
    pub level: Level,
    /// For promlint's rules, promlint's own text.
    pub message: String,
}

/// The series count of one metric family and its labels' distinct values.
#[derive(Debug, Clone, PartialEq)]
pub struct Cardinality {
    pub metric: String,
    pub line: usize,
    pub series: usize,
    /// Label names by distinct values, most first.
    pub labels: Vec<(String, usize)>,
}

#[derive(Debug, Clone)]
pub struct LintOptions {
    /// A family with more series than this is flagged (`cardinality-budget`).
    pub series_budget: usize,
    /// How many labels to report per family.
    pub top_labels: usize,
}

impl Default for LintOptions {
    fn default() -> LintOptions {
        LintOptions {
            series_budget: 1_000,
            top_labels: 3,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Lint {
    /// Sorted by metric, then line, then message.
    pub problems: Vec<LintProblem>,
    /// Every family, most series first.
    pub cardinality: Vec<Cardinality>,
}

/// Every lint code, for documentation and for a test that keeps them stable.
pub const CODES: &[(&str, &str)] = &[
    ("no-help", "the metric has no HELP text"),
    (
        "base-unit",
        "a unit other than the base unit (milliseconds, not seconds)",
    ),
    (
        "counter-total-suffix",
        "a counter without the _total suffix",
    ),
    (
        "non-counter-total-suffix",
        "a non-counter with the _total suffix",
    ),
    (
        "reserved-suffix",
        "_bucket, _count or _sum on a metric that is not a histogram or summary",
    ),
    (
        "reserved-label",
        "le or quantile on a metric that is not a histogram or summary",
    ),
    ("type-in-name", "the metric type in the metric name"),
    (
        "reserved-chars",
        "a colon in the metric name (reserved for recording rules)",
    ),
    ("camel-case", "camelCase metric or label names"),
    (
        "unit-abbreviation",
        "abbreviated units in the metric name (_ms, _sec, _kb...)",
    ),
    (
        "duplicate-series",
        "the same series (name and labels) twice",
    ),
    (
        "histogram-consistency",
        "histogram or summary buckets and counts that do not add up",
    ),
    (
        "cardinality-budget",
        "a metric with more series than the budget",
    ),
];

/// Units and their base unit, as promlint knows them.
const UNITS: &[(&str, &str)] = &[
    ("amperes", "amperes"),
    ("bytes", "bytes"),
    ("celsius", "celsius"),
    ("grams", "grams"),
    ("joules", "joules"),
    ("kelvin", "kelvin"),
    ("meters", "meters"),
    ("metres", "metres"),
    ("seconds", "seconds"),
    ("volts", "volts"),
    ("minutes", "seconds"),
    ("hours", "seconds"),
    ("days", "seconds"),
    ("weeks", "seconds"),
    ("kelvins", "kelvin"),
    ("fahrenheit", "celsius"),
    ("rankine", "celsius"),
    ("inches", "meters"),
    ("yards", "meters"),
    ("miles", "meters"),
    ("bits", "bytes"),
    ("calories", "joules"),
    ("pounds", "grams"),
    ("ounces", "grams"),
];

const UNIT_PREFIXES: &[&str] = &[
    "pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo", "kibi", "mega",
    "mibi", "giga", "gibi", "tera", "tebi", "peta", "pebi",
];

const UNIT_ABBREVIATIONS: &[&str] = &[
    "s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d",
];

/// The type names promlint looks for in metric names.
const TYPE_NAMES: &[&str] = &[
    "counter",
    "gauge",
    "summary",
    "histogram",
    "gauge_histogram",
];

fn has_camel_case(s: &str) -> bool {
    s.as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
}

fn contains_part(name: &str, part: &str) -> bool {
    name.ends_with(&format!("_{part}")) || name.contains(&format!("_{part}_"))
}

/// The first known unit in the name, with its base (promlint's metricUnits).
fn metric_unit(name: &str) -> Option<(String, &'static str)> {
    for part in name.split('_') {
        for (unit, base) in UNITS {
            if part == *unit {
                return Some((part.to_string(), base));
            }
            for p in UNIT_PREFIXES {
                if part.strip_prefix(p) == Some(unit) {
                    return Some((part.to_string(), base));
                }
            }
        }
    }
    None
}

/// promlint's rules for one family; problems are pushed in promlint's order.
fn promlint(f: &Family<'_>, out: &mut Vec<LintProblem>) {
    let name = f.name;
    let mut push = |code: &'static str, message: String| {
        out.push(LintProblem {
            metric: name.to_string(),
            line: f.line,
            code,
            level: Level::Warning,
            message,
        });
    };
    if f.help.is_none() {
        push("no-help", "no help text".into());
    }
    if let Some((unit, base)) = metric_unit(name) {
        if unit != base {
            push(
                "base-unit",
                format!("use base unit \"{base}\" instead of \"{unit}\""),
            );
        }
    }
    let untyped = f.kind == MetricType::Unknown;
    let counter = f.kind == MetricType::Counter;
    let has_total = name.ends_with("_total");
    // In OpenMetrics the family name of a counter has no _total (the samples do).
    let counter_has_total =
        has_total || f.samples.iter().all(|s| s.name.ends_with("_total")) && !f.samples.is_empty();
    if counter && !counter_has_total {
        push(
            "counter-total-suffix",
            "counter metrics should have \"_total\" suffix".into(),
        );
    } else if !untyped && !counter && has_total {
        push(
            "non-counter-total-suffix",
            "non-counter metrics should not have \"_total\" suffix".into(),
        );
    }
    if !untyped {
        let histogram = f.kind == MetricType::Histogram;
        let summary = f.kind == MetricType::Summary;
        if !histogram && name.ends_with("_bucket") {
            push(
                "reserved-suffix",
                "non-histogram metrics should not have \"_bucket\" suffix".into(),
            );
        }
        if !histogram && !summary && name.ends_with("_count") {
            push(
                "reserved-suffix",
                "non-histogram and non-summary metrics should not have \"_count\" suffix".into(),
            );
        }
        if !histogram && !summary && name.ends_with("_sum") {
            push(
                "reserved-suffix",
                "non-histogram and non-summary metrics should not have \"_sum\" suffix".into(),
            );
        }
        for s in &f.samples {
            for l in &s.labels {
                if !histogram && l.name == "le" {
                    push(
                        "reserved-label",
                        "non-histogram metrics should not have \"le\" label".into(),
                    );
                }
                if !summary && l.name == "quantile" {
                    push(
                        "reserved-label",
                        "non-summary metrics should not have \"quantile\" label".into(),
                    );
                }
            }
        }
    }
    let lower = name.to_ascii_lowercase();
    for t in TYPE_NAMES {
        if contains_part(&lower, t) {
            push(
                "type-in-name",
                format!("metric name should not include type '{t}'"),
            );
        }
    }
    if name.contains(':') {
        push(
            "reserved-chars",
            "metric names should not contain ':'".into(),
        );
    }
    if has_camel_case(name) {
        push(
            "camel-case",
            "metric names should be written in 'snake_case' not 'camelCase'".into(),
        );
    }
    for s in &f.samples {
        for l in &s.labels {
            if has_camel_case(l.name) {
                push(
                    "camel-case",
                    "label names should be written in 'snake_case' not 'camelCase'".into(),
                );
            }
        }
    }
    for a in UNIT_ABBREVIATIONS {
        if contains_part(&lower, a) {
            push(
                "unit-abbreviation",
                "metric names should not contain abbreviated units".into(),
            );
        }
    }
}

/// splitmix64's finaliser: spreads a hash so that sums of them do not cancel.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn hash_str(s: &str) -> u64 {
    let mut h = FxHasher::default();
    s.hash(&mut h);
    h.finish()
}

/// 64-bit fingerprints of a sample's series, whatever the order of its
/// labels (a sum of mixed per-label hashes, so no sorting): with all labels
/// (for duplicates), and without `le` and `quantile` (for cardinality).
fn fingerprints(name: &str, labels: &[Label<'_>]) -> (u64, u64) {
    let base = mix(hash_str(name));
    let (mut all, mut skip) = (base, base);
    for l in labels {
        let mut h = FxHasher::default();
        l.name.hash(&mut h);
        l.value.as_ref().hash(&mut h);
        let v = mix(h.finish());
        all = all.wrapping_add(v);
        if !matches!(l.name, "le" | "quantile") {
            skip = skip.wrapping_add(v);
        }
    }
    (all, skip)
}

fn same_series(a: &Sample<'_>, b: &Sample<'_>) -> bool {
    a.name == b.name
        && a.labels.len() == b.labels.len()
        && a.labels.iter().all(|l| {
            b.labels
                .iter()
                .any(|m| m.name == l.name && m.value == l.value)
        })
}

/// Lint a parsed exposition.
pub fn lint(exp: &Exposition<'_>, opts: &LintOptions) -> Lint {
    let mut problems = Vec::new();
    let mut cardinality = Vec::new();
    // Every sample by fingerprint; a shared fingerprint is compared in full,
    // so a hash collision never reports a false duplicate.
    let mut seen: FxHashMap<u64, &Sample<'_>> = FxHashMap::default();
    // Samples whose fingerprint another, different series already holds.
    let mut collided: Vec<&Sample<'_>> = Vec::new();
    for f in &exp.families {
        promlint(f, &mut problems);
        // Cardinality: series that are not a histogram's or summary's parts.
        // Counting by 64-bit fingerprint: a collision among a family's series
        // is vanishingly unlikely and would only undercount by one.
        let mut series: FxHashSet<u64> = FxHashSet::default();
        let family = mix(hash_str(f.name));
        for s in &f.samples {
            let (key, part) = fingerprints(s.name, &s.labels);
            // The family's name stands for its samples' in the series count.
            series.insert(
                part.wrapping_sub(mix(hash_str(s.name)))
                    .wrapping_add(family),
            );
            let first = match seen.entry(key) {
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(s);
                    None
                }
                std::collections::hash_map::Entry::Occupied(o) if same_series(o.get(), s) => {
                    Some(*o.get())
                }
                std::collections::hash_map::Entry::Occupied(_) => {
                    let earlier = collided.iter().find(|o| same_series(o, s)).copied();
                    if earlier.is_none() {
                        collided.push(s);
                    }
                    earlier
                }
            };
            if let Some(first) = first {
                let mut labels: Vec<(String, String)> = s
                    .labels
                    .iter()
                    .map(|l| (l.name.to_string(), l.value.to_string()))
                    .collect();
                labels.sort();
                problems.push(LintProblem {
                    metric: f.name.to_string(),
                    line: s.line,
                    code: "duplicate-series",
                    level: Level::Error,
                    message: format!(
                        "series {} is duplicated (first at line {})",
                        render_series(s.name, &labels),
                        first.line
                    ),
                });
            }
        }
        let mut values: FxHashMap<&str, FxHashSet<&str>> = FxHashMap::default();
        for s in &f.samples {
            for l in &s.labels {
                if !matches!(l.name, "le" | "quantile") {
                    values.entry(l.name).or_default().insert(l.value.as_ref());
                }
            }
        }
        let mut labels: Vec<(String, usize)> = values
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.len()))
            .collect();
        labels.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        labels.truncate(opts.top_labels);
        if series.len() > opts.series_budget {
            let top = labels
                .iter()
                .map(|(k, n)| format!("{k}: {n}"))
                .collect::<Vec<_>>()
                .join(", ");
            problems.push(LintProblem {
                metric: f.name.to_string(),
                line: f.line,
                code: "cardinality-budget",
                level: Level::Warning,
                message: format!(
                    "{} series, over the budget of {} (distinct values: {top})",
                    series.len(),
                    opts.series_budget
                ),
            });
        }
        cardinality.push(Cardinality {
            metric: f.name.to_string(),
            line: f.line,
            series: series.len(),
            labels,
        });
    }
    for p in crate::check_consistency(exp) {
        let metric = exp
            .families
            .iter()
            .rev()
            .find(|f| f.line <= p.line)
            .map_or(String::new(), |f| f.name.to_string());
        problems.push(LintProblem {
            metric,
            line: p.line,
            code: "histogram-consistency",
            level: Level::Error,
            message: p.message.clone(),
        });
    }
    problems.sort_by(|a, b| {
        a.metric
            .cmp(&b.metric)
            .then(a.line.cmp(&b.line))
            .then(a.message.cmp(&b.message))
    });
    problems.dedup();
    cardinality.sort_by(|a, b| {
        b.series
            .cmp(&a.series)
            .then_with(|| a.metric.cmp(&b.metric))
    });
    Lint {
        problems,
        cardinality,
    }
}

fn render_series(name: &str, labels: &[(String, String)]) -> String {
    if labels.is_empty() {
        return name.to_string();
    }
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    format!("{name}{{{}}}", inner.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, parse};

    fn problems(text: &str) -> Vec<String> {
        let exp = parse(text, Format::Text).expect("parses");
        lint(&exp, &LintOptions::default())
            .problems
            .iter()
            .map(|p| format!("{} {} [{}]", p.metric, p.message, p.code))
            .collect()
    }

    #[test]
    fn promlint_rules() {
        let text = "# HELP http_requests Requests.
# TYPE http_requests counter
http_requests{code=\"200\"} 1
# TYPE request_latency_milliseconds histogram
request_latency_milliseconds_bucket{le=\"+Inf\"} 1
request_latency_milliseconds_sum 1
request_latency_milliseconds_count 1
# HELP queue_total Queue length.
# TYPE queue_total gauge
queue_total{le=\"1\",httpCode=\"x\"} 1
# HELP disk_usage_kb Disk.
# TYPE disk_usage_kb gauge
disk_usage_kb 1
# HELP rule:ratio A ratio.
# TYPE rule:ratio gauge
rule:ratio 1
# HELP errorCount_counter Errors.
# TYPE errorCount_counter gauge
errorCount_counter 1
";
        let got = problems(text);
        let want = [
            "disk_usage_kb metric names should not contain abbreviated units [unit-abbreviation]",
            "errorCount_counter metric name should not include type 'counter' [type-in-name]",
            "errorCount_counter metric names should be written in 'snake_case' not 'camelCase' [camel-case]",
            "http_requests counter metrics should have \"_total\" suffix [counter-total-suffix]",
            "queue_total label names should be written in 'snake_case' not 'camelCase' [camel-case]",
            "queue_total non-counter metrics should not have \"_total\" suffix [non-counter-total-suffix]",
            "queue_total non-histogram metrics should not have \"le\" label [reserved-label]",
            "request_latency_milliseconds no help text [no-help]",
            "request_latency_milliseconds use base unit \"seconds\" instead of \"milliseconds\" [base-unit]",
            "rule:ratio metric names should not contain ':' [reserved-chars]",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn duplicates_and_cardinality() {
        let mut text = String::from("# HELP x_total X.\n# TYPE x_total counter\n");
        for i in 0..5 {
            text.push_str(&format!("x_total{{id=\"{i}\",zone=\"a\"}} 1\n"));
        }
        text.push_str("x_total{zone=\"a\",id=\"0\"} 2\n");
        let exp = parse(&text, Format::Text).expect("parses");
        let l = lint(
            &exp,
            &LintOptions {
                series_budget: 3,
                top_labels: 2,
            },
        );
        let got: Vec<String> = l
            .problems
            .iter()
            .map(|p| format!("{}: {}", p.line, p.message))
            .collect();
        assert_eq!(
            got,
            [
                "1: 5 series, over the budget of 3 (distinct values: id: 5, zone: 1)",
                "8: series x_total{id=\"0\",zone=\"a\"} is duplicated (first at line 3)",
            ]
        );
        assert_eq!(l.cardinality[0].series, 5);
    }
}
