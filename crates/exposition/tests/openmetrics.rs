//! OpenMetrics specifics beyond the conformance suite: what is read, and
//! where errors point.

use std::borrow::Cow;

use relman_exposition::{Format, MetricType, parse, parse_lenient, validate, write};

fn om(input: &str) -> relman_exposition::Exposition<'_> {
    parse(input, Format::OpenMetrics).unwrap_or_else(|e| panic!("{e}\n{input}"))
}

fn om_error(input: &str) -> String {
    match parse(input, Format::OpenMetrics) {
        Ok(exp) => panic!("parsed, but should not have: {exp:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn families_metadata_and_samples() {
    let exp = om(concat!(
        "# HELP http_request_duration_seconds Latency \\\"of\\\" requests.\n",
        "# TYPE http_request_duration_seconds histogram\n",
        "# UNIT http_request_duration_seconds seconds\n",
        "http_request_duration_seconds_bucket{le=\"0.1\"} 1 1700000000.5 # {trace_id=\"abc\"} 0.05 1700000000.25\n",
        "http_request_duration_seconds_bucket{le=\"+Inf\"} 2 1700000000.5\n",
        "http_request_duration_seconds_count 2 1700000000.5\n",
        "http_request_duration_seconds_sum 0.3 1700000000.5\n",
        "# TYPE requests counter\n",
        "requests_total{path=\"/\"} 5\n",
        "requests_created{path=\"/\"} 1.7e9\n",
        "build_info{version=\"1.2.3\"} 1\n",
        "# EOF",
    ));
    let h = &exp.families[0];
    assert_eq!(h.name, "http_request_duration_seconds");
    assert_eq!(h.kind, MetricType::Histogram);
    assert_eq!(h.help.as_deref(), Some("Latency \"of\" requests."));
    assert_eq!(h.unit, Some("seconds"));
    assert_eq!((h.line, h.help_line, h.type_line), (1, Some(1), Some(2)));
    let bucket = &h.samples[0];
    assert_eq!(bucket.timestamp, Some(1_700_000_000.5));
    let ex = bucket.exemplar.as_ref().expect("an exemplar");
    assert_eq!(ex.labels[0].name, "trace_id");
    assert_eq!((ex.value, ex.timestamp), (0.05, Some(1_700_000_000.25)));
    let c = &exp.families[1];
    assert_eq!(
        (c.name, c.kind, c.samples.len()),
        ("requests", MetricType::Counter, 2)
    );
    assert!(matches!(c.samples[0].labels[0].value, Cow::Borrowed("/")));
    let unknown = &exp.families[2];
    assert_eq!(
        (unknown.name, unknown.kind, unknown.line),
        ("build_info", MetricType::Unknown, 11)
    );
}

#[test]
fn eof_rules() {
    assert!(parse("# EOF", Format::OpenMetrics).is_ok());
    assert!(parse("# EOF\n", Format::OpenMetrics).is_ok());
    assert_eq!(
        om_error(""),
        "1:1: missing `# EOF` at the end: OpenMetrics requires it"
    );
    assert_eq!(
        om_error("a 1\n"),
        "2:1: missing `# EOF` at the end: OpenMetrics requires it"
    );
    assert_eq!(
        om_error("a 1"),
        "1:4: missing `# EOF` at the end: OpenMetrics requires it"
    );
    assert_eq!(
        om_error("# EOF\n\n"),
        "2:1: text after `# EOF`: it must be the last line"
    );
    assert_eq!(
        om_error("# EOF \n"),
        "1:6: `# EOF` must be alone on its line"
    );
}

#[test]
fn errors_point_at_the_offending_text() {
    for (input, expected) in [
        (
            "# TYPE a counter\na_total -1\n# EOF\n",
            "2:9: counter `a_total` is negative (-1)",
        ),
        (
            "# TYPE a summary\na{x=\"é\",quantile=\"2\"} 1\n# EOF\n",
            "2:9: quantile `2` is outside [0, 1]",
        ),
        (
            "# TYPE a histogram\na_bucket{le=\"1\"} 2\na_bucket{le=\"+Inf\"} 1\n# EOF\n",
            "3:21: bucket le=\"+Inf\" counts 1, less than the 2 of the bucket before: bucket counts are cumulative",
        ),
        (
            "# TYPE a gauge\na 1 # {x=\"y\"} 1\n# EOF\n",
            "2:5: exemplar on `a` (gauge): only counter totals and histogram buckets may have one",
        ),
        (
            "a{b=\"c\"}  1\n# EOF\n",
            "1:10: expected a value, found a second space: OpenMetrics separates with one space",
        ),
        (
            "a 1\na 2\nb 1\na 3\n# EOF\n",
            "4:1: metric family `a` appears again (first on line 1): a family's lines must be together",
        ),
        (
            "a{x=\"1\"} 1\na{x=\"2\"} 1\na{x=\"1\"} 1\n# EOF\n",
            "3:1: this series of `a` already had samples on line 1, with other series in between: a series' samples must be together",
        ),
        (
            "# TYPE a_seconds gauge\n# UNIT a_seconds ms\n# EOF\n",
            "2:18: unit `ms` is not a suffix of the metric name `a_seconds`: the name must end in `_ms`",
        ),
        (
            "a{x=\"1\",}\n# EOF\n",
            "1:9: trailing comma in the label set: OpenMetrics allows none",
        ),
        (
            "a\t1\n# EOF\n",
            "1:2: expected a space or `{` after the metric name `a`, found a tab",
        ),
        (
            "# some comment\n# EOF\n",
            "1:1: not a metadata line: OpenMetrics allows only `# HELP`, `# TYPE`, `# UNIT` and `# EOF`",
        ),
    ] {
        assert_eq!(om_error(input), expected, "{input:?}");
    }
}

#[test]
fn lenient_parsing_reports_everything_and_keeps_the_rest() {
    let input = "a 1\nb{ 2\n\n# TYPE c counter\nc_total NaN\n";
    let (exp, errors) = parse_lenient(input, Format::OpenMetrics);
    let found: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "2:3: expected a label name, found a space",
            "3:1: blank line: OpenMetrics allows none",
            "5:9: counter `c_total` is NaN",
            "6:1: missing `# EOF` at the end: OpenMetrics requires it",
        ]
    );
    let names: Vec<&str> = exp.families.iter().map(|f| f.name).collect();
    assert_eq!(names, ["a", "c"]);
    assert_eq!(validate(input, Format::OpenMetrics), errors);
}

#[test]
fn the_writer_converts_timestamps_between_formats() {
    let exp = om("a 1 1700000000.123\n# EOF\n");
    assert_eq!(
        write(&exp, Format::Text),
        "# TYPE a untyped\na 1 1700000000123\n"
    );
    assert_eq!(
        write(&exp, Format::OpenMetrics),
        "# TYPE a unknown\na 1 1700000000.123\n# EOF\n"
    );
}

#[test]
fn a_sample_named_like_its_family_but_not_one_of_its_samples() {
    assert_eq!(
        om_error("# TYPE a counter\na 1\n# EOF\n"),
        "2:1: `a` is not a sample name of the counter `a`, whose samples are `a_total`, `a_created`"
    );
    assert_eq!(
        om_error("# TYPE a_total counter\na_total 1\n# EOF\n"),
        "2:1: `a_total` is not a sample name of the counter `a_total`, whose samples are \
         `a_total_total`, `a_total_created` (an OpenMetrics counter family is named without \
         `_total`: `# TYPE a counter`)"
    );
}
