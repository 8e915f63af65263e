//! Scanning speed on generated text shaped like a repository's files.
//!
//! - `scan/source`: 4 MiB of Python-like source (imports, functions,
//!   calls, comments, URLs), one line in 12 holding a keyword
//!   (`key`, `token`, `password`, `auth`) that is not a secret; the
//!   Python standard library has one in 30. A secret every 2,000 lines.
//! - `scan/config`: 4 MiB of YAML-like configuration, one line in 3 a
//!   `key: value` pair whose name has a keyword (`api_key`, `password`,
//!   `token_url`), most values not secrets.
//!
//! `cargo bench -p relman-secrets --bench scan`. Criterion reports bytes
//! per second; one thread, the file already in memory.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use relman_secrets::Scanner;

const SOURCE: [&str; 24] = [
    "import os, sys, json",
    "from collections import defaultdict",
    "def handle_request(request, *, timeout=30):",
    "    \"\"\"Return the response for one request.\"\"\"",
    "    cache_key = f\"{request.path}:{request.method}\"",
    "    if not user.check_password(form['password']):",
    "        raise PermissionError('bad credentials')",
    "    url = 'https://docs.python.org/3/library/index.html'",
    "    settings = {'retries': 3, 'backoff': 1.5, 'verbose': False}",
    "    for name, value in sorted(items.items(), reverse=True):",
    "        total += value * weights[name]",
    "    log.info('served %s in %.3fs', request.path, elapsed)",
    "    return Response(status=200, body=json.dumps(result))",
    "",
    "class Handler(BaseHandler):",
    "    # Retry with exponential backoff, at most five times.",
    "    def __init__(self, pool, limit=None):",
    "        self.pool = pool",
    "        self.limit = limit or DEFAULT_LIMIT",
    "        self._seen = set()",
    "    @property",
    "    def size(self):",
    "        return len(self._seen) + sum(x.count for x in self.pool)",
    "",
];

const CONFIG: [&str; 12] = [
    "service:",
    "  name: checkout",
    "  api_key: ${CHECKOUT_API_KEY}",
    "  replicas: 3",
    "  token_url: https://auth.internal/oauth/token",
    "  image: registry.internal/checkout:1.42.0",
    "database:",
    "  password: \"{{ .Values.db.password }}\"",
    "  host: db.internal",
    "  pool_size: 20",
    "  secret_name: checkout-db",
    "  timeout: 30s",
];

/// About `bytes` of generated text, deterministic.
fn corpus(lines: &[&str], bytes: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes + 256);
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut n = 0u64;
    while out.len() < bytes {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        n += 1;
        if n % 2000 == 0 {
            // A made-up token, assembled so this file holds none.
            out.extend_from_slice(b"GITHUB_TOKEN = 'ghp_");
            out.extend_from_slice(format!("{:036x}", u128::from(state) * 0x9e37).as_bytes());
            out.extend_from_slice(b"'\n");
            continue;
        }
        out.extend_from_slice(lines[(state % lines.len() as u64) as usize].as_bytes());
        out.push(b'\n');
    }
    out
}

fn bench(c: &mut Criterion) {
    let scanner = Scanner::builtin();
    let mut group = c.benchmark_group("scan");
    group.sample_size(20);
    let source = corpus(&SOURCE, 4 << 20);
    group.throughput(Throughput::Bytes(source.len() as u64));
    group.bench_function("source", |b| {
        b.iter(|| black_box(scanner.scan("app.py", black_box(&source))))
    });
    let config = corpus(&CONFIG, 4 << 20);
    group.throughput(Throughput::Bytes(config.len() as u64));
    group.bench_function("config", |b| {
        b.iter(|| black_box(scanner.scan("values.yaml", black_box(&config))))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
