//! Parsing speed on a service-sized exposition: about 50,000 samples of
//! HTTP request counters (service, handler, method, code) and request
//! latency histograms (10 buckets and +Inf), in both formats.
//!
//! `cargo bench -p relman-exposition --bench parse`. The `bytes` group gives
//! throughput in bytes per second; the `samples` group gives samples per
//! second, whose inverse is the time per sample.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use relman_exposition::{Format, check_consistency, parse};

const SERVICES: usize = 28;
const HANDLERS: usize = 25;
const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];
const CODES: [&str; 5] = ["200", "201", "400", "404", "500"];
const BUCKETS: [&str; 10] = [
    "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5",
];

/// The exposition and its number of samples.
fn exposition(format: Format) -> (String, usize) {
    let om = format == Format::OpenMetrics;
    let mut out = String::new();
    let mut samples = 0;
    let counter = if om {
        "http_requests"
    } else {
        "http_requests_total"
    };
    out.push_str(&format!(
        "# HELP {counter} Requests served, by handler, method and status code.\n# TYPE {counter} counter\n"
    ));
    let mut n: u64 = 7;
    for s in 0..SERVICES {
        for h in 0..HANDLERS {
            for m in METHODS {
                for c in CODES {
                    n = n.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    out.push_str(&format!(
                        "http_requests_total{{service=\"svc-{s:02}\",handler=\"/api/v1/resource-{h:02}\",method=\"{m}\",code=\"{c}\"}} {}\n",
                        n >> 44
                    ));
                    samples += 1;
                }
            }
        }
    }
    out.push_str(
        "# HELP http_request_duration_seconds Request latency.\n# TYPE http_request_duration_seconds histogram\n",
    );
    for s in 0..SERVICES {
        for h in 0..HANDLERS {
            for m in METHODS {
                let labels = format!(
                    "service=\"svc-{s:02}\",handler=\"/api/v1/resource-{h:02}\",method=\"{m}\""
                );
                let mut count = 0u64;
                for le in BUCKETS.iter().chain(["+Inf"].iter()) {
                    n = n.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    count += n >> 54;
                    out.push_str(&format!(
                        "http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {count}\n"
                    ));
                }
                out.push_str(&format!(
                    "http_request_duration_seconds_sum{{{labels}}} {}.{:03}\n",
                    count / 7,
                    count % 1000
                ));
                out.push_str(&format!(
                    "http_request_duration_seconds_count{{{labels}}} {count}\n"
                ));
                samples += BUCKETS.len() + 3;
            }
        }
    }
    if om {
        out.push_str("# EOF\n");
    }
    (out, samples)
}

fn bench(c: &mut Criterion) {
    let inputs = [
        ("text", Format::Text, exposition(Format::Text)),
        (
            "openmetrics",
            Format::OpenMetrics,
            exposition(Format::OpenMetrics),
        ),
    ];
    for (name, format, (input, samples)) in &inputs {
        let parsed = parse(input, *format).expect("the generated exposition parses");
        assert_eq!(parsed.samples().count(), *samples, "{name}");
        assert!(check_consistency(&parsed).is_empty(), "{name}");
    }

    let mut group = c.benchmark_group("bytes");
    for (name, format, (input, _)) in &inputs {
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_function(*name, |b| b.iter(|| parse(black_box(input), *format)));
    }
    group.finish();

    let mut group = c.benchmark_group("samples");
    for (name, format, (input, samples)) in &inputs {
        group.throughput(Throughput::Elements(*samples as u64));
        group.bench_function(*name, |b| b.iter(|| parse(black_box(input), *format)));
        let exp = parse(input, *format).expect("parses");
        group.bench_function(format!("{name}+check_consistency"), |b| {
            b.iter(|| check_consistency(black_box(&exp)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
