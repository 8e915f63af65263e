#!/usr/bin/env python3
"""Generate realistic JSON log lines for benchmarks.

    bench/gen_logs.py OUT MEGABYTES

Lines look like a Go HTTP service's structured logs: timestamp, level, msg,
service, caller, request and trace ids, duration, user, nested http fields;
about 5% warnings and 1% errors with meaningful messages. Deterministic.
"""

import random
import sys

MESSAGES = [
    ("info", "request served"),
    ("info", "cache refreshed for tenant"),
    ("info", "playbook run started"),
    ("info", "webhook delivered"),
    ("warn", "slow database query exceeded 250ms budget"),
    ("warn", "retrying upstream call after timeout"),
    ("error", "failed to persist run status: connection reset by peer"),
]
ROUTES = ["/api/v1/runs", "/api/v1/playbooks/{id}", "/api/v1/stats", "/healthz", "/api/v1/runs/{id}/status"]
METHODS = ["GET", "POST", "PUT"]


def main():
    out, mb = sys.argv[1], int(sys.argv[2])
    target = mb * 1_000_000
    rnd = random.Random(7)
    written = 0
    with open(out, "w", buffering=1 << 20) as f:
        i = 0
        chunk = []
        while written < target:
            r = rnd.random()
            level, msg = MESSAGES[0 if r < 0.80 else (1 + int(r * 100) % 3 if r < 0.94 else (4 + int(r * 100) % 2 if r < 0.99 else 6))]
            status = 200 if level == "info" else (429 if level == "warn" else 500)
            line = (
                '{"timestamp":"2026-11-23T%02d:%02d:%02d.%03dZ","level":"%s","msg":"%s","service":"playbooks",'
                '"caller":"server/handler.go:%d","request_id":"%016x","trace_id":"%032x","duration_ms":%.2f,'
                '"user_id":"u%06d","http":{"method":"%s","path":"%s","status":%d}}\n'
            ) % (
                (i // 3600000) % 24, (i // 60000) % 60, (i // 1000) % 60, i % 1000, level, msg,
                rnd.randint(20, 400), rnd.getrandbits(64), rnd.getrandbits(128), rnd.random() * 200,
                rnd.randint(0, 999999), rnd.choice(METHODS), rnd.choice(ROUTES), status,
            )
            chunk.append(line)
            written += len(line)
            i += 1
            if len(chunk) >= 10000:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))
    print(f"{out}: {written} bytes, {i} lines")


if __name__ == "__main__":
    main()
