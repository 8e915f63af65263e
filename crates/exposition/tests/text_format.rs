//! The Prometheus text format 0.0.4, read as Prometheus reads it.

use std::borrow::Cow;

use relman_exposition::{
    Format, MetricType, ParseError, check_consistency, parse, parse_bytes, validate,
};

fn text(input: &str) -> relman_exposition::Exposition<'_> {
    parse(input, Format::Text).unwrap_or_else(|e| panic!("{e}\n{input}"))
}

fn text_error(input: &str) -> String {
    match parse(input, Format::Text) {
        Ok(exp) => panic!("parsed, but should not have: {exp:?}"),
        Err(e) => e.to_string(),
    }
}

const NODE_EXPORTER: &str = r#"# HELP go_gc_duration_seconds A summary of the pause duration of garbage collection cycles.
# TYPE go_gc_duration_seconds summary
go_gc_duration_seconds{quantile="0"} 2.6e-05
go_gc_duration_seconds{quantile="0.25"} 4.3101e-05
go_gc_duration_seconds{quantile="0.5"} 5.1e-05
go_gc_duration_seconds{quantile="0.75"} 6.48e-05
go_gc_duration_seconds{quantile="1"} 0.000398301
go_gc_duration_seconds_sum 0.258391463
go_gc_duration_seconds_count 3872
# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 8
# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 1.03418383e+06
node_cpu_seconds_total{cpu="0",mode="iowait"} 137.06
node_cpu_seconds_total{cpu="1",mode="idle"} 1.03561954e+06

# HELP node_filesystem_avail_bytes Filesystem space available to non-root users in bytes.
# TYPE node_filesystem_avail_bytes gauge
node_filesystem_avail_bytes{device="/dev/sda1",fstype="ext4",mountpoint="/"} 3.4181636096e+10
node_filesystem_avail_bytes{device="tmpfs",fstype="tmpfs",mountpoint="/run/user/1000"} 8.2944e+08
# HELP node_scrape_collector_duration_seconds node_exporter: Duration of a collector scrape.
# TYPE node_scrape_collector_duration_seconds gauge
node_scrape_collector_duration_seconds{collector="cpu"} 0.000313772
# HELP prometheus_http_request_duration_seconds Histogram of latencies for HTTP requests.
# TYPE prometheus_http_request_duration_seconds histogram
prometheus_http_request_duration_seconds_bucket{handler="/metrics",le="0.1"} 7
prometheus_http_request_duration_seconds_bucket{handler="/metrics",le="0.2"} 7
prometheus_http_request_duration_seconds_bucket{handler="/metrics",le="+Inf"} 7
prometheus_http_request_duration_seconds_sum{handler="/metrics"} 0.0301
prometheus_http_request_duration_seconds_count{handler="/metrics"} 7
# HELP node_textfile_scrape_error 1 if there was an error opening or reading a file, 0 otherwise
# TYPE node_textfile_scrape_error gauge
node_textfile_scrape_error 0
# HELP process_max_fds Maximum number of open file descriptors.
# TYPE process_max_fds gauge
process_max_fds 1.048576e+06
node_load1 NaN
"#;

#[test]
fn a_node_exporter_scrape() {
    let exp = text(NODE_EXPORTER);
    let names: Vec<(&str, MetricType, usize)> = exp
        .families
        .iter()
        .map(|f| (f.name, f.kind, f.samples.len()))
        .collect();
    assert_eq!(
        names,
        [
            ("go_gc_duration_seconds", MetricType::Summary, 7),
            ("go_goroutines", MetricType::Gauge, 1),
            ("node_cpu_seconds_total", MetricType::Counter, 3),
            ("node_filesystem_avail_bytes", MetricType::Gauge, 2),
            (
                "node_scrape_collector_duration_seconds",
                MetricType::Gauge,
                1
            ),
            (
                "prometheus_http_request_duration_seconds",
                MetricType::Histogram,
                5
            ),
            ("node_textfile_scrape_error", MetricType::Gauge, 1),
            ("process_max_fds", MetricType::Gauge, 1),
            ("node_load1", MetricType::Unknown, 1),
        ]
    );
    let gc = &exp.families[0];
    assert_eq!(gc.line, 1);
    assert_eq!((gc.help_line, gc.type_line), (Some(1), Some(2)));
    assert_eq!(gc.samples[6].name, "go_gc_duration_seconds_count");
    assert_eq!(gc.samples[6].value, 3872.0);
    assert_eq!(gc.samples[6].line, 9);
    let fs = &exp.families[3].samples[1];
    assert_eq!(fs.label("mountpoint"), Some("/run/user/1000"));
    assert_eq!(fs.value, 8.2944e8);
    assert!(exp.families[8].samples[0].value.is_nan());
    assert!(check_consistency(&exp).is_empty());
}

#[test]
fn untyped_and_samples_without_type() {
    let exp = text("# TYPE a untyped\na 1\nfoo_bucket{le=\"1\"} 1\nfoo_sum 2\nfoo_count 1\n");
    let kinds: Vec<(&str, MetricType)> = exp.families.iter().map(|f| (f.name, f.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("a", MetricType::Unknown),
            ("foo_bucket", MetricType::Unknown),
            ("foo_sum", MetricType::Unknown),
            ("foo_count", MetricType::Unknown),
        ]
    );
    assert_eq!(
        text_error("# TYPE a unknown\n"),
        "1:10: unknown metric type `unknown`: the text format has counter, gauge, histogram, summary and untyped"
    );
    assert!(parse("# TYPE a info\n", Format::Text).is_err());
}

#[test]
fn timestamps_are_integer_milliseconds() {
    let exp = text("a 1 1500\nb 2 -1500\nc 3 1700000000123\n");
    let ts: Vec<Option<f64>> = exp.samples().map(|s| s.timestamp).collect();
    assert_eq!(ts, [Some(1.5), Some(-1.5), Some(1_700_000_000.123)]);
    assert_eq!(
        text_error("a 1\nb 1 1.5\n"),
        "2:5: invalid timestamp `1.5`: the text format takes integer milliseconds"
    );
    assert_eq!(
        text_error("a 1 NaN\n"),
        "1:5: invalid timestamp `NaN`: the text format takes integer milliseconds"
    );
    assert_eq!(
        text_error("a 1 1 1\n"),
        "1:7: unexpected text after the timestamp"
    );
}

#[test]
fn values_in_every_spelling() {
    let exp = text("a +Inf\nb -Inf\nc Inf\nd inf\ne NaN\nf nan\ng 1e3\nh -0.5\ni .5\n");
    let v: Vec<f64> = exp.samples().map(|s| s.value).collect();
    assert_eq!(
        &v[..4],
        [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::INFINITY
        ]
    );
    assert!(v[4].is_nan() && v[5].is_nan());
    assert_eq!(&v[6..], [1000.0, -0.5, 0.5]);
    assert_eq!(text_error("a 0x1p3\n"), "1:3: invalid value `0x1p3`");
    assert_eq!(text_error("a 1_000\n"), "1:3: invalid value `1_000`");
}

#[test]
fn escaping_in_label_values_and_help() {
    let input = concat!(
        "# HELP a back\\\\slash new\\nline \\\"quoted\\\" \\t\n",
        "a{v=\"q\\\"uote b\\\\ack n\\nl \\z\",plain=\"x y\"} 1\n"
    );
    let exp = text(input);
    let fam = &exp.families[0];
    assert_eq!(
        fam.help.as_deref(),
        Some("back\\slash new\nline \\\"quoted\\\" \\t")
    );
    let s = &fam.samples[0];
    assert_eq!(s.label("v"), Some("q\"uote b\\ack n\nl \\z"));
    assert!(matches!(s.labels[0].value, Cow::Owned(_)));
    // A value without escapes borrows from the input.
    assert!(matches!(s.labels[1].value, Cow::Borrowed("x y")));
}

#[test]
fn blanks_comments_and_label_set_leniency() {
    let exp = text(concat!(
        "\n",
        "   # a free comment\n",
        "#HELP a   Spaced help\n",
        "\t# TYPE a gauge\n",
        "\n",
        "  a { x = \"1\" , y=\"2\", }\t 3 \t 1000 \n",
        "a{} 4\n",
        "# EOF\n",
        "b 5\n",
    ));
    let a = &exp.families[0];
    assert_eq!(a.help.as_deref(), Some("Spaced help"));
    assert_eq!(a.kind, MetricType::Gauge);
    assert_eq!(a.samples[0].label("y"), Some("2"));
    assert_eq!(a.samples[0].timestamp, Some(1.0));
    assert_eq!(a.samples[0].line, 6);
    assert!(a.samples[1].labels.is_empty());
    assert_eq!(exp.families[1].name, "b");
}

#[test]
fn help_and_type_in_either_order_and_families_merged_as_prometheus_does() {
    let exp = text("# TYPE a counter\n# HELP a Help.\na 1\nb 2\na{x=\"1\"} 3\n");
    assert_eq!(exp.families.len(), 2);
    assert_eq!(exp.families[0].samples.len(), 2);
    assert_eq!(exp.families[0].samples[1].line, 5);
    // A histogram's series, and a summary's _sum and _count, join their family.
    let exp = text("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n");
    assert_eq!(exp.families.len(), 1);
    // An exact name wins over a suffix.
    let exp = text("h_count 9\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\n");
    assert_eq!(exp.families[0].name, "h_count");
    assert_eq!(exp.families[0].samples.len(), 2);
    assert_eq!(exp.families[1].samples.len(), 1);
}

#[test]
fn repeated_or_late_metadata() {
    assert_eq!(
        text_error("# HELP a x\n# HELP a y\n"),
        "2:8: second HELP line for `a` (the first is on line 1)"
    );
    assert_eq!(
        text_error("# TYPE a gauge\n# TYPE a counter\n"),
        "2:8: second TYPE line for `a` (the first is on line 1)"
    );
    assert_eq!(
        text_error("a 1\n# TYPE a gauge\n"),
        "2:8: TYPE line for `a` after its samples (from line 1): the type must come first"
    );
    // HELP after the samples is accepted, as Prometheus does.
    assert!(parse("a 1\n# HELP a x\n", Format::Text).is_ok());
}

#[test]
fn errors_name_line_and_column() {
    for (input, expected) in [
        (
            "a 1\nb{x=\"1\" 2\n",
            "2:9: expected `,` or `}` after the value of label `x`, found `2`",
        ),
        ("a 1\nb{x=\"1\",x=\"2\"} 2\n", "2:9: duplicate label `x`"),
        (
            "a{1x=\"1\"} 1\n",
            "1:3: label name `1x` must not start with a digit",
        ),
        (
            "a{x=1} 1\n",
            "1:5: expected `\"` to open the value of label `x`, found `1`",
        ),
        (
            "a{x=\"1} 1\n",
            "1:5: unterminated label value: missing the closing `\"`",
        ),
        (
            "0a 1\n",
            "1:1: metric name `0a` must not start with a digit",
        ),
        (
            "a-b 1\n",
            "1:2: expected a blank or `{` after the metric name `a`, found `-`",
        ),
        ("a\n", "1:2: missing value after `a`"),
        ("a{x=\"é\"} é\n", "1:10: invalid value `é`"),
        ("# TYPE a\n", "1:9: expected a metric type after `a`"),
        (
            "# TYPE a gauge extra\n",
            "1:16: unexpected text after the metric type",
        ),
        (
            "# HELP\n",
            "1:7: expected a metric name after `HELP`, found the end of the line",
        ),
        (
            "a 1 # {x=\"1\"} 1\n",
            "1:5: invalid timestamp `#`: the text format takes integer milliseconds",
        ),
    ] {
        assert_eq!(text_error(input), expected, "{input:?}");
    }
    let e = parse("a 1\r\n", Format::Text).expect_err("a carriage return is not a blank");
    assert_eq!(
        e,
        ParseError {
            line: 1,
            column: 3,
            message: "invalid value `1\r`".to_string()
        }
    );
}

#[test]
fn validate_reports_every_error() {
    let errors = validate("a 1\nb{ 2\nc 3\nd x\n# TYPE c gauge\n", Format::Text);
    let lines: Vec<usize> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, [2, 4, 5]);
    assert!(validate(NODE_EXPORTER, Format::Text).is_empty());
}

#[test]
fn invalid_utf8_is_an_error_at_its_place() {
    let e = parse_bytes(b"a 1\nb{x=\"\xff\"} 1\n", Format::Text).expect_err("not UTF-8");
    assert_eq!((e.line, e.column), (2, 6));
    assert!(e.message.contains("UTF-8"), "{e}");
    assert!(parse_bytes(b"a 1\n", Format::Text).is_ok());
}

#[test]
fn content_types() {
    assert_eq!(
        Format::from_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        Format::OpenMetrics
    );
    assert_eq!(
        Format::from_content_type(" Application/OpenMetrics-Text "),
        Format::OpenMetrics
    );
    assert_eq!(
        Format::from_content_type("text/plain; version=0.0.4"),
        Format::Text
    );
    assert_eq!(Format::from_content_type(""), Format::Text);
}

#[test]
fn consistency_of_text_histograms_and_summaries() {
    let exp = text(concat!(
        "# TYPE h histogram\n",
        "h_bucket{le=\"2\"} 5\n",
        "h_bucket{le=\"1\"} 3\n",
        "h_bucket{le=\"+Inf\"} 2\n",
        "h_sum 1\n",
        "h_count 4\n",
        "# TYPE s summary\n",
        "s{quantile=\"1.5\"} 1\n",
        "s_sum NaN\n",
        "s_count 1\n",
        "# TYPE c counter\n",
        "c -1\n",
    ));
    let problems: Vec<String> = check_consistency(&exp)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        problems,
        [
            "3:1: bucket le=\"1\" comes after le=\"2\": buckets must be in ascending order of `le`",
            "3:1: bucket le=\"1\" counts 3, less than the 5 of the bucket before: bucket counts are cumulative",
            "4:1: bucket le=\"+Inf\" counts 2, less than the 3 of the bucket before: bucket counts are cumulative",
            "6:1: `h_count` is 4 but the +Inf bucket of `h` counts 2: they must be equal",
            "8:1: quantile `1.5` is outside [0, 1]",
            "9:1: summary sum `s_sum` is NaN",
            "12:1: counter `c` is negative (-1)",
        ]
    );
}

#[test]
fn nasty_inputs_do_not_panic() {
    let long = "a".repeat(1 << 20);
    for input in [
        "\0",
        "a\0 1",
        "{",
        "a{",
        "a{b",
        "a{b=",
        "a{b=\"",
        "a{b=\"\\",
        "a{b=\"\\\"",
        "#",
        "# HELP",
        "# TYPE a",
        "\u{feff}a 1",
        "a 1 -",
        "é",
        long.as_str(),
    ] {
        for format in [Format::Text, Format::OpenMetrics] {
            let _ = parse(input, format);
            let _ = validate(input, format);
        }
    }
}
