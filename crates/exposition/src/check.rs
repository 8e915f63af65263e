//! The OpenMetrics consistency rules for samples and histograms.
//!
//! OpenMetrics parsing enforces them as the conformance suite requires;
//! [`check_consistency`](crate::check_consistency) applies the same rules to
//! any [`Exposition`], so a linter can hold text-format expositions to them
//! too (Prometheus's own text parser checks none of them).

use crate::Problem;
use crate::model::{Exposition, Family, Label, MetricType, Sample};
use crate::number::parse_bound;
use crate::text::{eq_str, strip_prefix};
use crate::write::fmt_value;

/// Where in a sample's line an issue points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Spot {
    Name,
    Value,
    Label(usize),
    Exemplar,
}

/// One broken rule: the sample (index into the family's samples), where, why.
#[derive(Debug)]
pub(crate) struct Issue {
    pub sample: usize,
    pub spot: Spot,
    pub message: String,
}

/// Every consistency problem of an exposition, in either format: counter,
/// histogram, summary, info and stateset values; `le` and `quantile` labels;
/// bucket order and cumulative counts; the `+Inf` bucket and `_count`; `_sum`
/// and `_count` together; exemplars only on counters and buckets.
///
/// The rules are OpenMetrics'; `le` and `quantile` values may use any
/// spelling of a number that the text format allows (`+inf`, `Infinity`).
/// Problems are in family order, a family's sample problems before its
/// histogram problems.
pub fn check_consistency(exp: &Exposition<'_>) -> Vec<Problem> {
    let mut problems = Vec::new();
    for fam in &exp.families {
        let mut push = |issue: Issue| {
            let line = fam.samples.get(issue.sample).map_or(fam.line, |s| s.line);
            problems.push(Problem {
                line,
                column: 1,
                message: issue.message,
            });
        };
        for i in 0..fam.samples.len() {
            check_sample(fam, i, false, &mut push);
        }
        check_histogram(fam, false, &mut push);
    }
    problems
}

/// The rules for one sample of a family. `strict` reads `le` and `quantile`
/// the OpenMetrics way. Returns a histogram bucket's `le` label, its index
/// and value, when it has a readable one.
pub(crate) fn check_sample(
    fam: &Family<'_>,
    i: usize,
    strict: bool,
    out: &mut dyn FnMut(Issue),
) -> Option<(usize, f64)> {
    let s = fam.samples.get(i)?;
    let suffix = strip_prefix(s.name, fam.name)?;
    let mut bound = None;
    let mut issue = |spot: Spot, message: String| {
        out(Issue {
            sample: i,
            spot,
            message,
        })
    };
    let v = s.value;
    match fam.kind {
        MetricType::Counter if suffix != "_created" => {
            not_nan_or_negative(s, "counter", &mut issue);
        }
        MetricType::Histogram | MetricType::GaugeHistogram => match suffix {
            "_bucket" => {
                match s.labels.iter().position(|l| l.name == "le") {
                    None => issue(
                        Spot::Name,
                        format!("histogram bucket `{}` has no `le` label", s.name),
                    ),
                    Some(k) => {
                        let le = &s.labels[k].value;
                        bound = parse_bound(le, strict).map(|v| (k, v));
                        if bound.is_none() {
                            issue(
                                Spot::Label(k),
                                format!("`le` label value `{le}` is not a number"),
                            );
                        }
                    }
                }
                not_nan_or_negative(s, "bucket count", &mut issue);
            }
            "_count" | "_gcount" => not_nan_or_negative(s, "count", &mut issue),
            "_sum" => not_nan_or_negative(s, "histogram sum", &mut issue),
            "_gsum" if v.is_nan() => issue(Spot::Value, format!("`{}` is NaN", s.name)),
            _ => {}
        },
        MetricType::Summary => match suffix {
            "" => {
                match s.labels.iter().position(|l| l.name == "quantile") {
                    None => issue(
                        Spot::Name,
                        format!("summary quantile `{}` has no `quantile` label", s.name),
                    ),
                    Some(k) => {
                        let q = &s.labels[k].value;
                        match parse_bound(q, strict) {
                            Some(qv) if (0.0..=1.0).contains(&qv) => {}
                            Some(_) => {
                                issue(Spot::Label(k), format!("quantile `{q}` is outside [0, 1]"))
                            }
                            None => issue(
                                Spot::Label(k),
                                format!("`quantile` label value `{q}` is not a number"),
                            ),
                        }
                    }
                }
                if v < 0.0 {
                    issue(
                        Spot::Value,
                        format!("quantile value {} is negative", fmt_value(v)),
                    );
                }
            }
            "_count" => not_nan_or_negative(s, "count", &mut issue),
            "_sum" => not_nan_or_negative(s, "summary sum", &mut issue),
            _ => {}
        },
        MetricType::Info if v != 1.0 => issue(
            Spot::Value,
            format!("info `{}` has value {}: it must be 1", s.name, fmt_value(v)),
        ),
        MetricType::StateSet => {
            if !s.labels.iter().any(|l| l.name == fam.name) {
                issue(
                    Spot::Name,
                    format!(
                        "stateset sample `{}` has no `{}` label naming its state",
                        s.name, fam.name
                    ),
                );
            }
            if v != 0.0 && v != 1.0 {
                issue(
                    Spot::Value,
                    format!("stateset value {} must be 0 or 1", fmt_value(v)),
                );
            }
        }
        _ => {}
    }
    if s.exemplar.is_some() {
        let allowed = match fam.kind {
            MetricType::Counter => suffix != "_created",
            MetricType::Histogram | MetricType::GaugeHistogram => suffix == "_bucket",
            _ => false,
        };
        if !allowed {
            issue(
                Spot::Exemplar,
                format!(
                    "exemplar on `{}` ({}): only counter totals and histogram buckets may have one",
                    s.name, fam.kind
                ),
            );
        }
    }
    bound
}

fn not_nan_or_negative(s: &Sample<'_>, what: &str, issue: &mut impl FnMut(Spot, String)) {
    if s.value.is_nan() {
        issue(Spot::Value, format!("{what} `{}` is NaN", s.name));
    } else if s.value < 0.0 {
        issue(
            Spot::Value,
            format!("{what} `{}` is negative ({})", s.name, fmt_value(s.value)),
        );
    }
}

/// The rules across a histogram's samples, one series (labels other than
/// `le`, and timestamp) at a time: `le` ascending, counts cumulative, a
/// `+Inf` bucket equal to `_count`, `_sum` and `_count` together, no `_sum`
/// with negative buckets, no negative `_gsum` without them.
pub(crate) fn check_histogram(fam: &Family<'_>, strict: bool, out: &mut dyn FnMut(Issue)) {
    if !is_histogram(fam) {
        return;
    }
    let samples = &fam.samples;
    let mut start = 0;
    while start < samples.len() {
        let mut series = SeriesCheck::new(start);
        let mut end = start;
        while end < samples.len()
            && (end == start
                || samples[end].timestamp == samples[start].timestamp
                    && same_group(fam, &samples[start], &samples[end]))
        {
            series.add(fam, end, bucket_bound(fam, end, strict), out);
            end += 1;
        }
        series.finish(fam, out);
        start = end;
    }
}

pub(crate) fn is_histogram(fam: &Family<'_>) -> bool {
    matches!(fam.kind, MetricType::Histogram | MetricType::GaugeHistogram)
}

/// A histogram bucket's `le` label, its index and value, if readable.
fn bucket_bound(fam: &Family<'_>, i: usize, strict: bool) -> Option<(usize, f64)> {
    let s = &fam.samples[i];
    if strip_prefix(s.name, fam.name).is_none_or(|suffix| !eq_str(suffix, "_bucket")) {
        return None;
    }
    let k = s.labels.iter().position(|l| eq_str(l.name, "le"))?;
    Some((k, parse_bound(&s.labels[k].value, strict)?))
}

/// The histogram rules for one series, given its samples in order: those
/// that look at a sample and the one before as they come ([`add`]), the
/// rest at the end ([`finish`]).
///
/// [`add`]: SeriesCheck::add
/// [`finish`]: SeriesCheck::finish
pub(crate) struct SeriesCheck {
    /// The series' first sample.
    start: usize,
    /// The `le` and sample of the bucket before.
    prev: Option<(f64, usize)>,
    prev_count: f64,
    inf: Option<f64>,
    count: Option<(f64, usize)>,
    sum: Option<(f64, usize)>,
    negative_buckets: bool,
}

impl SeriesCheck {
    pub(crate) fn new(start: usize) -> SeriesCheck {
        SeriesCheck {
            start,
            prev: None,
            prev_count: 0.0,
            inf: None,
            count: None,
            sum: None,
            negative_buckets: false,
        }
    }

    /// Sample `i` of the family, the next of the series; `bound` is its
    /// `le` label, index and value, if it is a bucket with a readable one.
    pub(crate) fn add(
        &mut self,
        fam: &Family<'_>,
        i: usize,
        bound: Option<(usize, f64)>,
        out: &mut dyn FnMut(Issue),
    ) {
        let s = &fam.samples[i];
        let suffix = strip_prefix(s.name, fam.name).unwrap_or("");
        let (count_suffix, sum_suffix) = suffixes(fam);
        if eq_str(suffix, "_bucket") {
            let Some((k, le)) = bound else {
                return; // reported by check_sample
            };
            self.negative_buckets |= le < 0.0;
            if let Some((p, _)) = self.prev.filter(|&(p, _)| le <= p) {
                out(Issue {
                    sample: i,
                    spot: Spot::Label(k),
                    message: format!(
                        "bucket le=\"{}\" comes after le=\"{}\": buckets must be in ascending order of `le`",
                        fmt_value(le),
                        fmt_value(p)
                    ),
                });
            }
            if s.value < self.prev_count {
                out(Issue {
                    sample: i,
                    spot: Spot::Value,
                    message: format!(
                        "bucket le=\"{}\" counts {}, less than the {} of the bucket before: bucket counts are cumulative",
                        fmt_value(le),
                        fmt_value(s.value),
                        fmt_value(self.prev_count)
                    ),
                });
            }
            self.prev = Some((le, i));
            self.prev_count = s.value;
            if le == f64::INFINITY {
                self.inf = Some(s.value);
            }
        } else if eq_str(suffix, count_suffix) {
            self.count = Some((s.value, i));
        } else if eq_str(suffix, sum_suffix) {
            self.sum = Some((s.value, i));
        }
    }

    /// The rules on the series as a whole.
    pub(crate) fn finish(self, fam: &Family<'_>, out: &mut dyn FnMut(Issue)) {
        let gauge = fam.kind == MetricType::GaugeHistogram;
        let (count_suffix, sum_suffix) = suffixes(fam);
        // Named only when there is something to say.
        let series = || series_name(fam, &fam.samples[self.start]);
        match (self.inf, self.count) {
            (None, _) => out(Issue {
                sample: self.start,
                spot: Spot::Name,
                message: format!("histogram {} has no le=\"+Inf\" bucket", series()),
            }),
            (Some(inf), Some((c, ci))) if c != inf && !c.is_nan() && !inf.is_nan() => out(Issue {
                sample: ci,
                spot: Spot::Value,
                message: format!(
                    "`{}{count_suffix}` is {} but the +Inf bucket of {} counts {}: they must be equal",
                    fam.name,
                    fmt_value(c),
                    series(),
                    fmt_value(inf)
                ),
            }),
            _ => {}
        }
        match (self.count, self.sum) {
            (Some(_), Some(_)) | (None, None) => {}
            (Some((_, i)), None) => out(Issue {
                sample: i,
                spot: Spot::Name,
                message: format!(
                    "{} has `{}{count_suffix}` but no `{}{sum_suffix}`: give both or neither",
                    series(),
                    fam.name,
                    fam.name
                ),
            }),
            (None, Some((_, i))) => out(Issue {
                sample: i,
                spot: Spot::Name,
                message: format!(
                    "{} has `{}{sum_suffix}` but no `{}{count_suffix}`: give both or neither",
                    series(),
                    fam.name,
                    fam.name
                ),
            }),
        }
        if let Some((v, i)) = self.sum {
            if !gauge && self.negative_buckets {
                out(Issue {
                    sample: i,
                    spot: Spot::Name,
                    message: format!(
                        "histogram {} has buckets with a negative `le`, so it may not have `{}_sum`",
                        series(),
                        fam.name
                    ),
                });
            }
            if gauge && v < 0.0 && !self.negative_buckets {
                out(Issue {
                    sample: i,
                    spot: Spot::Value,
                    message: format!(
                        "`{}_gsum` is negative ({}) but no bucket of {} has a negative `le`",
                        fam.name,
                        fmt_value(v),
                        series()
                    ),
                });
            }
        }
    }
}

/// A histogram's count and sum suffixes.
fn suffixes(fam: &Family<'_>) -> (&'static str, &'static str) {
    if fam.kind == MetricType::GaugeHistogram {
        ("_gcount", "_gsum")
    } else {
        ("_count", "_sum")
    }
}

/// `name` or `name{a="1"}`, without the label that tells samples of one
/// series apart (`le`, `quantile`, a stateset's own label).
fn series_name(fam: &Family<'_>, s: &Sample<'_>) -> String {
    let skip = group_skip(fam, s);
    let mut out = format!("`{}", fam.name);
    let mut first = true;
    for l in s.labels.iter().filter(|l| Some(l.name) != skip) {
        out.push(if first { '{' } else { ',' });
        first = false;
        out.push_str(l.name);
        out.push_str("=\"");
        crate::text::escape_label_value(&mut out, &l.value);
        out.push('"');
    }
    if !first {
        out.push('}');
    }
    out.push('`');
    out
}

/// The label that does not take part in a sample's series identity.
pub(crate) fn group_skip<'f>(fam: &Family<'f>, s: &Sample<'_>) -> Option<&'f str> {
    match fam.kind {
        MetricType::Summary if eq_str(s.name, fam.name) => Some("quantile"),
        MetricType::StateSet => Some(fam.name),
        MetricType::Histogram | MetricType::GaugeHistogram
            if strip_prefix(s.name, fam.name).is_some_and(|suffix| eq_str(suffix, "_bucket")) =>
        {
            Some("le")
        }
        _ => None,
    }
}

/// Whether two samples of a family belong to the same series: equal labels,
/// leaving out each one's [`group_skip`] label, in any order.
pub(crate) fn same_group(fam: &Family<'_>, a: &Sample<'_>, b: &Sample<'_>) -> bool {
    if fam.kind == MetricType::Info {
        return true;
    }
    same_labels_except(&a.labels, group_skip(fam, a), &b.labels, group_skip(fam, b))
}

fn same_labels_except(
    a: &[Label<'_>],
    sa: Option<&str>,
    b: &[Label<'_>],
    sb: Option<&str>,
) -> bool {
    // Labels usually come in the same order: compare them side by side.
    let skipped = |l: &Label<'_>, skip: Option<&str>| skip.is_some_and(|k| eq_str(l.name, k));
    let (mut i, mut j) = (0, 0);
    loop {
        while i < a.len() && skipped(&a[i], sa) {
            i += 1;
        }
        while j < b.len() && skipped(&b[j], sb) {
            j += 1;
        }
        match (a.get(i), b.get(j)) {
            (None, None) => return true,
            (Some(x), Some(y)) if eq_str(x.name, y.name) => {
                if !eq_str(&x.value, &y.value) {
                    // The one label of that name differs.
                    return false;
                }
                i += 1;
                j += 1;
            }
            _ => break,
        }
    }
    // Otherwise as sets (label names are unique within a sample).
    let ka = a.iter().filter(|l| Some(l.name) != sa);
    let kb = b.iter().filter(|l| Some(l.name) != sb);
    ka.clone().count() == kb.clone().count()
        && ka.into_iter().all(|la| kb.clone().any(|lb| lb == la))
}

/// A hash of a sample's series labels that does not depend on their order.
pub(crate) fn group_hash(labels: &[Label<'_>], skip: Option<&str>) -> u64 {
    labels
        .iter()
        .filter(|l| Some(l.name) != skip)
        .fold(0u64, |acc, l| {
            let h = hash_bytes(
                hash_bytes(0x9e37_79b9_7f4a_7c15, l.name.as_bytes()),
                l.value.as_bytes(),
            );
            acc.wrapping_add(fmix64(h))
        })
}

const K: u64 = 0x517c_c1b7_2722_0a95;

fn hash_bytes(mut h: u64, b: &[u8]) -> u64 {
    let n = b.len();
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        h = (h.rotate_left(5) ^ word(c)).wrapping_mul(K);
    }
    let rest = chunks.remainder().len();
    if rest > 0 {
        // The last bytes as one word, read whole rather than copied in
        // (a copy of a varying length, read back at once, stalls).
        let w = if n >= 8 {
            word(&b[n - 8..]) >> (8 * (8 - rest))
        } else if n >= 4 {
            let lo = u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            let hi = u64::from(u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]));
            // Where the two overlap they hold the same bytes.
            lo | hi << (8 * (n - 4))
        } else {
            u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16
        };
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    (h.rotate_left(5) ^ n as u64).wrapping_mul(K)
}

/// Eight bytes as a little-endian word.
fn word(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[..8]);
    u64::from_le_bytes(w)
}

fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}
