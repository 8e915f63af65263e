//! Scanning speed on realistic JSON log lines: timestamp, level, msg,
//! service, caller, request_id, duration_ms, user_id and a nested `http`
//! object, about 260 bytes a line, with a mix of levels and messages
//! (`scan/json_lines`, the headline figure); and the same events as logfmt
//! and as plain text.
//!
//! `cargo bench -p relman-logscan --bench scan`. Criterion reports bytes
//! per second (throughput); the scan runs on one thread.

use std::hint::black_box;
use std::io::BufReader;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use relman_logscan::{Options, scan_reader};

const MESSAGES: [&str; 8] = [
    "request completed",
    "session refreshed",
    "run started",
    "cache miss for item",
    "slow query on runs",
    "webhook failed: connection refused",
    "retrying notification",
    "payment declined",
];
const PATHS: [&str; 5] = [
    "/api/v4/runs",
    "/api/v4/runs/8f3a2c",
    "/api/v4/items",
    "/api/v4/users/me",
    "/api/v0/stats",
];
const METHODS: [&str; 4] = ["GET", "POST", "PUT", "DELETE"];

/// One generated event.
struct Event {
    time: String,
    level: &'static str,
    msg: &'static str,
    line: u64,
    request_id: String,
    duration: String,
    user: u64,
    method: &'static str,
    path: &'static str,
    status: u32,
}

/// `count` events, generated deterministically.
fn events(count: usize) -> Vec<Event> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..count)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Event {
                time: format!(
                    "2026-10-03T10:{:02}:{:02}.{:03}Z",
                    (i / 60) % 60,
                    i % 60,
                    i % 1000
                ),
                level: match x % 100 {
                    0..=69 => "info",
                    70..=84 => "debug",
                    85..=94 => "warn",
                    _ => "error",
                },
                msg: MESSAGES[(x >> 8) as usize % MESSAGES.len()],
                line: 100 + (x % 900),
                request_id: format!("{x:016x}"),
                duration: format!("{}.{}", x % 2000, x % 10),
                user: x % 10_000_000,
                method: METHODS[(x >> 24) as usize % METHODS.len()],
                path: PATHS[(x >> 16) as usize % PATHS.len()],
                status: [200, 201, 204, 400, 404, 500][(x >> 28) as usize % 6],
            }
        })
        .collect()
}

/// JSON lines, about 260 bytes each.
fn json_lines(events: &[Event]) -> Vec<u8> {
    let mut out = String::with_capacity(events.len() * 260);
    for e in events {
        out.push_str(&format!(
            concat!(
                r#"{{"timestamp":"{}","level":"{}","msg":"{}","service":"playbooks","#,
                r#""caller":"app/server.go:{}","request_id":"{}","duration_ms":{},"#,
                r#""user_id":"u{:07}","http":{{"method":"{}","path":"{}","status":{}}}}}"#,
                "\n"
            ),
            e.time,
            e.level,
            e.msg,
            e.line,
            e.request_id,
            e.duration,
            e.user,
            e.method,
            e.path,
            e.status
        ));
    }
    out.into_bytes()
}

/// The same events in logfmt.
fn logfmt_lines(events: &[Event]) -> Vec<u8> {
    let mut out = String::with_capacity(events.len() * 260);
    for e in events {
        out.push_str(&format!(
            concat!(
                r#"ts={} level={} msg="{}" service=playbooks caller=app/server.go:{} "#,
                r#"request_id={} duration_ms={} user_id=u{:07} http.method={} http.path={} http.status={}"#,
                "\n"
            ),
            e.time, e.level, e.msg, e.line, e.request_id, e.duration, e.user, e.method, e.path,
            e.status
        ));
    }
    out.into_bytes()
}

/// The same events as plain text with a timestamp, level and prefix.
fn plain_lines(events: &[Event]) -> Vec<u8> {
    let mut out = String::with_capacity(events.len() * 200);
    for e in events {
        out.push_str(&format!(
            "{} {} [playbooks] {} ({} {} {} in {} ms, request {}, user u{:07})\n",
            e.time,
            e.level.to_ascii_uppercase(),
            e.msg,
            e.method,
            e.path,
            e.status,
            e.duration,
            e.request_id,
            e.user
        ));
    }
    out.into_bytes()
}

fn bench(c: &mut Criterion) {
    let events = events(100_000);
    let opts = Options::default();
    let mut g = c.benchmark_group("scan");
    g.sample_size(20);
    for (name, data) in [
        ("json_lines", json_lines(&events)),
        ("logfmt_lines", logfmt_lines(&events)),
        ("plain_lines", plain_lines(&events)),
    ] {
        g.throughput(Throughput::Bytes(data.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                let reader = BufReader::with_capacity(256 * 1024, black_box(&data[..]));
                black_box(scan_reader(reader, "bench", &opts))
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
