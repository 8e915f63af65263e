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
/// the OpenMetrics way.
pub(crate) fn check_sample(fam: &Family<'_>, i: usize, strict: bool, out: &mut dyn FnMut(Issue)) {
    let Some(s) = fam.samples.get(i) else {
        return;
    };
    let Some(suffix) = s.name.strip_prefix(fam.name) else {
        return;
    };
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
                        if parse_bound(le, strict).is_none() {
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
    if !matches!(fam.kind, MetricType::Histogram | MetricType::GaugeHistogram) {
        return;
    }
    let samples = &fam.samples;
    let mut start = 0;
    while start < samples.len() {
        let mut end = start + 1;
        while end < samples.len()
            && samples[end].timestamp == samples[start].timestamp
            && same_group(fam, &samples[start], &samples[end])
        {
            end += 1;
        }
        check_series(fam, start, end, strict, out);
        start = end;
    }
}

fn check_series(
    fam: &Family<'_>,
    start: usize,
    end: usize,
    strict: bool,
    out: &mut dyn FnMut(Issue),
) {
    let gauge = fam.kind == MetricType::GaugeHistogram;
    let (count_suffix, sum_suffix) = if gauge {
        ("_gcount", "_gsum")
    } else {
        ("_count", "_sum")
    };
    let mut prev: Option<(f64, usize)> = None; // (le, sample) of the bucket before
    let mut prev_count = 0.0;
    let mut inf: Option<f64> = None;
    let mut count: Option<(f64, usize)> = None;
    let mut sum: Option<(f64, usize)> = None;
    let mut negative_buckets = false;
    for i in start..end {
        let s = &fam.samples[i];
        let suffix = s.name.strip_prefix(fam.name).unwrap_or("");
        if suffix == "_bucket" {
            let Some((k, le)) = s
                .labels
                .iter()
                .enumerate()
                .find(|(_, l)| l.name == "le")
                .and_then(|(k, l)| Some((k, parse_bound(&l.value, strict)?)))
            else {
                continue; // reported by check_sample
            };
            negative_buckets |= le < 0.0;
            if let Some((p, _)) = prev.filter(|&(p, _)| le <= p) {
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
            if s.value < prev_count {
                out(Issue {
                    sample: i,
                    spot: Spot::Value,
                    message: format!(
                        "bucket le=\"{}\" counts {}, less than the {} of the bucket before: bucket counts are cumulative",
                        fmt_value(le),
                        fmt_value(s.value),
                        fmt_value(prev_count)
                    ),
                });
            }
            prev = Some((le, i));
            prev_count = s.value;
            if le == f64::INFINITY {
                inf = Some(s.value);
            }
        } else if suffix == count_suffix {
            count = Some((s.value, i));
        } else if suffix == sum_suffix {
            sum = Some((s.value, i));
        }
    }
    let series = series_name(fam, &fam.samples[start]);
    match (inf, count) {
        (None, _) => out(Issue {
            sample: start,
            spot: Spot::Name,
            message: format!("histogram {series} has no le=\"+Inf\" bucket"),
        }),
        (Some(inf), Some((c, ci))) if c != inf && !c.is_nan() && !inf.is_nan() => out(Issue {
            sample: ci,
            spot: Spot::Value,
            message: format!(
                "`{}{count_suffix}` is {} but the +Inf bucket of {series} counts {}: they must be equal",
                fam.name,
                fmt_value(c),
                fmt_value(inf)
            ),
        }),
        _ => {}
    }
    match (count, sum) {
        (Some(_), Some(_)) | (None, None) => {}
        (Some((_, i)), None) => out(Issue {
            sample: i,
            spot: Spot::Name,
            message: format!(
                "{series} has `{}{count_suffix}` but no `{}{sum_suffix}`: give both or neither",
                fam.name, fam.name
            ),
        }),
        (None, Some((_, i))) => out(Issue {
            sample: i,
            spot: Spot::Name,
            message: format!(
                "{series} has `{}{sum_suffix}` but no `{}{count_suffix}`: give both or neither",
                fam.name, fam.name
            ),
        }),
    }
    if let Some((v, i)) = sum {
        if !gauge && negative_buckets {
            out(Issue {
                sample: i,
                spot: Spot::Name,
                message: format!(
                    "histogram {series} has buckets with a negative `le`, so it may not have `{}_sum`",
                    fam.name
                ),
            });
        }
        if gauge && v < 0.0 && !negative_buckets {
            out(Issue {
                sample: i,
                spot: Spot::Value,
                message: format!(
                    "`{}_gsum` is negative ({}) but no bucket of {series} has a negative `le`",
                    fam.name,
                    fmt_value(v)
                ),
            });
        }
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
            (Some(x), Some(y)) if eq_str(x.name, y.name) && eq_str(&x.value, &y.value) => {
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
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    (h.rotate_left(5) ^ b.len() as u64).wrapping_mul(K)
}

fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}
