//! Property tests: generated expositions survive `write` then `parse` in
//! both formats, and no input makes the parser panic.

mod common;

use std::borrow::Cow;

use proptest::prelude::*;
use relman_exposition::{
    Exemplar, Exposition, Family, Format, Label, MetricType, Sample, check_consistency, parse,
    parse_bytes, validate, write,
};

// ---- What is generated: owned, then borrowed as an Exposition ----

#[derive(Debug, Clone)]
struct OwnedFamily {
    name: String,
    kind: MetricType,
    help: Option<String>,
    unit: Option<String>,
    samples: Vec<OwnedSample>,
}

/// Labels, value, timestamp in seconds.
type OwnedExemplar = (Vec<(String, String)>, f64, Option<f64>);
/// Labels, value, timestamp in milliseconds.
type ExemplarSpec = (Vec<(String, String)>, f64, Option<i64>);

#[derive(Debug, Clone)]
struct OwnedSample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
    timestamp: Option<f64>,
    exemplar: Option<OwnedExemplar>,
}

fn labels(pairs: &[(String, String)]) -> Vec<Label<'_>> {
    pairs
        .iter()
        .map(|(n, v)| Label {
            name: n,
            value: Cow::Borrowed(v),
        })
        .collect()
}

fn borrow(families: &[OwnedFamily]) -> Exposition<'_> {
    Exposition {
        families: families
            .iter()
            .map(|f| Family {
                help: f.help.as_deref().map(Cow::Borrowed),
                unit: f.unit.as_deref(),
                samples: f
                    .samples
                    .iter()
                    .map(|s| Sample {
                        name: &s.name,
                        labels: labels(&s.labels).into(),
                        value: s.value,
                        timestamp: s.timestamp,
                        exemplar: s.exemplar.as_ref().map(|(l, v, t)| Exemplar {
                            labels: labels(l),
                            value: *v,
                            timestamp: *t,
                        }),
                        line: 0,
                    })
                    .collect(),
                ..Family::new(&f.name, f.kind, 0)
            })
            .collect(),
    }
}

// ---- The raw material: random pieces, shaped into valid families below ----

#[derive(Debug, Clone)]
struct FamilySpec {
    kind: u8,
    suffix: String,
    help: Option<String>,
    unit: Option<String>,
    timestamps: bool,
    series: Vec<SeriesSpec>,
}

#[derive(Debug, Clone)]
struct SeriesSpec {
    labels: Vec<(String, String)>,
    values: Vec<f64>,
    bounds: Vec<f64>,
    counts: Vec<u32>,
    millis: i64,
    flag: bool,
    exemplar: Option<ExemplarSpec>,
}

/// Text with the characters that need escaping, and any others.
fn tricky_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just('\\'),
            Just('"'),
            Just('\n'),
            Just('#'),
            Just('{'),
            Just('}'),
            Just(','),
            Just('='),
            Just(' '),
            Just('n'),
            Just('é'),
            any::<char>(),
        ],
        0..max,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn value() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(0.0),
        Just(-0.0),
        (0u32..100_000).prop_map(f64::from),
        (-1e6..1e6f64),
    ]
}

fn label_pairs(max: usize) -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(("[a-zA-Z_][a-zA-Z0-9_]{0,5}", tricky_text(8)), 0..max).prop_map(
        |pairs| {
            pairs
                .into_iter()
                .enumerate()
                // An index makes the names unique, never `le` or `quantile`.
                .map(|(k, (n, v))| (format!("{n}_{k}"), v))
                .collect()
        },
    )
}

fn series() -> impl Strategy<Value = SeriesSpec> {
    (
        label_pairs(4),
        prop::collection::vec(value(), 1..4),
        prop::collection::vec(-1e3..1e6f64, 0..5),
        prop::collection::vec(0u32..1000, 1..4),
        -1_000_000_000_000i64..10_000_000_000_000,
        any::<bool>(),
        prop::option::of((
            label_pairs(3),
            value(),
            prop::option::of(0i64..10_000_000_000_000),
        )),
    )
        .prop_map(
            |(labels, values, bounds, counts, millis, flag, exemplar)| SeriesSpec {
                labels,
                values,
                bounds,
                counts,
                millis,
                flag,
                exemplar,
            },
        )
}

fn family_spec() -> impl Strategy<Value = FamilySpec> {
    (
        0u8..8,
        "[a-z][a-zA-Z0-9_:]{0,8}",
        prop::option::of(tricky_text(20)),
        prop::option::of("[a-z]{1,6}"),
        any::<bool>(),
        prop::collection::vec(series(), 0..4),
    )
        .prop_map(
            |(kind, suffix, help, unit, timestamps, series)| FamilySpec {
                kind,
                suffix,
                help,
                unit,
                timestamps,
                series,
            },
        )
}

fn non_negative(v: f64) -> f64 {
    if v.is_nan() { 0.0 } else { v.abs() }
}

fn le(v: f64) -> String {
    if v == f64::INFINITY {
        "+Inf".to_string()
    } else {
        format!("{v:?}")
    }
}

/// Turns random pieces into a family that is valid in `format`: names that
/// route back to the family, OpenMetrics' value rules, series kept apart.
fn shape(i: usize, spec: &FamilySpec, format: Format) -> OwnedFamily {
    let om = format == Format::OpenMetrics;
    let kinds: &[MetricType] = if om {
        &[
            MetricType::Counter,
            MetricType::Gauge,
            MetricType::Histogram,
            MetricType::GaugeHistogram,
            MetricType::Summary,
            MetricType::Info,
            MetricType::StateSet,
            MetricType::Unknown,
        ]
    } else {
        &[
            MetricType::Counter,
            MetricType::Gauge,
            MetricType::Histogram,
            MetricType::Summary,
            MetricType::Unknown,
        ]
    };
    let kind = kinds[usize::from(spec.kind) % kinds.len()];
    let unit = spec
        .unit
        .clone()
        .filter(|_| om && !matches!(kind, MetricType::Info | MetricType::StateSet));
    // A stateset's name is also a label name, which has no `:`.
    let suffix = if kind == MetricType::StateSet {
        spec.suffix.replace(':', "_")
    } else {
        spec.suffix.clone()
    };
    let name = match &unit {
        Some(u) => format!("f{i}_{suffix}_{u}"),
        None => format!("f{i}_{suffix}"),
    };
    let help = spec.help.as_ref().map(|h| {
        if om {
            h.clone()
        } else {
            // The text format's HELP starts after the blanks that follow the name.
            h.trim_start_matches([' ', '\t']).to_string()
        }
    });
    let several = spec.series.len() > 1;
    let mut samples = Vec::new();
    for (j, series) in spec.series.iter().enumerate() {
        let mut base = series.labels.clone();
        if several {
            base.push(("series".to_string(), j.to_string()));
        }
        let timestamp = spec.timestamps.then(|| series.millis as f64 / 1000.0);
        let exemplar = series
            .exemplar
            .as_ref()
            .filter(|_| om)
            .map(|(l, v, t)| (l.clone(), *v, t.map(|ms| ms as f64 / 1000.0)));
        let mut push = |suffix: &str, extra: Option<(&str, String)>, value: f64, exemplar| {
            let mut labels = base.clone();
            if let Some((n, v)) = extra {
                labels.push((n.to_string(), v));
            }
            samples.push(OwnedSample {
                name: format!("{name}{suffix}"),
                labels,
                value,
                timestamp,
                exemplar,
            });
        };
        let v0 = series.values[0];
        match kind {
            MetricType::Counter => {
                if om {
                    push("_total", None, non_negative(v0), exemplar);
                    if series.flag {
                        push(
                            "_created",
                            None,
                            series.values[series.values.len() - 1],
                            None,
                        );
                    }
                } else {
                    push("", None, v0, None);
                }
            }
            MetricType::Gauge | MetricType::Unknown => {
                for &v in &series.values {
                    push("", None, v, None);
                }
            }
            MetricType::Histogram | MetricType::GaugeHistogram => {
                let gauge = kind == MetricType::GaugeHistogram;
                let mut bounds = series.bounds.clone();
                bounds.sort_by(f64::total_cmp);
                bounds.dedup();
                bounds.push(f64::INFINITY);
                let negative = bounds[0] < 0.0;
                let mut count = 0.0;
                for (k, &b) in bounds.iter().enumerate() {
                    count += f64::from(series.counts[k % series.counts.len()]);
                    let ex = if k == 0 { exemplar.clone() } else { None };
                    push("_bucket", Some(("le", le(b))), count, ex);
                }
                let (count_name, sum_name) = if gauge {
                    ("_gcount", "_gsum")
                } else {
                    ("_count", "_sum")
                };
                // A histogram with negative buckets has no sum, so no count either.
                if series.flag && (gauge || !negative) {
                    let sum = if gauge && negative {
                        -non_negative(v0)
                    } else {
                        non_negative(v0)
                    };
                    push(count_name, None, count, None);
                    push(sum_name, None, sum, None);
                }
                if om && !gauge && series.values.len() > 1 {
                    push("_created", None, series.values[1], None);
                }
            }
            MetricType::Summary => {
                let mut quantiles: Vec<f64> = series
                    .bounds
                    .iter()
                    .map(|b| (b.abs() % 1000.0) / 1000.0)
                    .collect();
                quantiles.sort_by(f64::total_cmp);
                quantiles.dedup();
                for (k, q) in quantiles.iter().enumerate() {
                    let v = series.values[k % series.values.len()];
                    let v = if v.is_nan() { v } else { v.abs() };
                    push("", Some(("quantile", format!("{q:?}"))), v, None);
                }
                if series.flag {
                    push("_count", None, f64::from(series.counts[0]), None);
                    push("_sum", None, non_negative(v0), None);
                }
                if om && series.values.len() > 2 {
                    push("_created", None, series.values[2], None);
                }
            }
            MetricType::Info => push("_info", None, 1.0, None),
            MetricType::StateSet => {
                for (k, c) in series.counts.iter().enumerate() {
                    push(
                        "",
                        Some((name.as_str(), format!("state{k}"))),
                        f64::from(c % 2),
                        None,
                    );
                }
            }
        }
    }
    OwnedFamily {
        name,
        kind,
        help,
        unit,
        samples,
    }
}

fn round_trip(specs: &[FamilySpec], format: Format) -> Result<(), TestCaseError> {
    let owned: Vec<OwnedFamily> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| shape(i, s, format))
        .collect();
    let exp = borrow(&owned);
    if format == Format::OpenMetrics {
        prop_assert!(
            check_consistency(&exp).is_empty(),
            "{:?}",
            check_consistency(&exp)
        );
    }
    let written = write(&exp, format);
    let parsed = match parse(&written, format) {
        Ok(p) => p,
        Err(e) => return Err(TestCaseError::fail(format!("{e}\n{written}"))),
    };
    if let Some(diff) = common::difference(&exp, &parsed) {
        return Err(TestCaseError::fail(format!("{diff}\n{written}")));
    }
    // The writer's output is canonical: writing again changes nothing.
    prop_assert_eq!(write(&parsed, format), written);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        // A failure is kept as a unit test, not in a regressions file.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn openmetrics_round_trip(specs in prop::collection::vec(family_spec(), 0..6)) {
        round_trip(&specs, Format::OpenMetrics)?;
    }

    #[test]
    fn text_round_trip(specs in prop::collection::vec(family_spec(), 0..6)) {
        round_trip(&specs, Format::Text)?;
    }

    /// Lines made of the formats' own pieces reach deep into the parser;
    /// whatever parses must also survive a round trip.
    #[test]
    fn exposition_like_input(lines in prop::collection::vec(
        prop::collection::vec(prop_oneof![
            Just("# HELP "), Just("# TYPE "), Just("# UNIT "), Just("# EOF"), Just("#"),
            Just("a"), Just("a_total"), Just("a_bucket"), Just("a_sum"), Just("a_count"),
            Just("a_created"), Just("a_info"), Just("_seconds"), Just(" "), Just("\t"),
            Just("{"), Just("}"), Just("le=\"+Inf\""), Just("le=\"1\""), Just("quantile=\"0.5\""),
            Just("a=\"x\""), Just(","), Just("=\""), Just("\""), Just("\\"), Just("\\\""),
            Just("1"), Just("-1"), Just("1.5"), Just("NaN"), Just("+Inf"), Just("1e3"),
            Just(" # {"), Just("counter"), Just("gauge"), Just("histogram"), Just("summary"),
            Just("gaugehistogram"), Just("info"), Just("stateset"), Just("unknown"),
            Just("untyped"), Just("é"), Just("\0"),
        ], 0..12).prop_map(|pieces| pieces.concat()),
        0..12,
    )) {
        let input = lines.join("\n");
        for format in [Format::Text, Format::OpenMetrics] {
            let errors = validate(&input, format);
            match parse(&input, format) {
                Err(e) => prop_assert_eq!(Some(&e), errors.first()),
                Ok(exp) => {
                    prop_assert!(errors.is_empty());
                    let _ = check_consistency(&exp);
                    let written = write(&exp, format);
                    let again = parse(&written, format)
                        .map_err(|e| TestCaseError::fail(format!("{e}\n{input:?}\n{written}")))?;
                    prop_assert!(common::difference(&exp, &again).is_none(), "{input:?}\n{written}");
                }
            }
        }
    }

    #[test]
    fn any_bytes_are_an_answer_not_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        for format in [Format::Text, Format::OpenMetrics] {
            if let Ok(exp) = parse_bytes(&bytes, format) {
                let _ = check_consistency(&exp);
                let _ = write(&exp, format);
            }
        }
    }

    #[test]
    fn any_text_is_an_answer_not_a_panic(input in any::<String>()) {
        for format in [Format::Text, Format::OpenMetrics] {
            let _ = validate(&input, format);
            let _ = parse(&input, format);
        }
    }
}
