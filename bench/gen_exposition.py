#!/usr/bin/env python3
"""Generate a large, realistic Prometheus text exposition for benchmarks.

    bench/gen_exposition.py OUT [SERIES]

HTTP request counters and latency histograms (10 buckets) labelled by
service, method, handler and code, plus build info and a few gauges, until
at least SERIES series (default 50,000; about 8 MB). Deterministic.
"""

import random
import sys


def main():
    out = sys.argv[1]
    target = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000
    rnd = random.Random(42)
    methods = ["GET", "POST", "PUT", "DELETE"]
    codes = ["200", "201", "204", "400", "404", "429", "500", "503"]
    buckets = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"]
    series = 0
    lines = []
    lines.append("# HELP checkout_build_info Build information.")
    lines.append("# TYPE checkout_build_info gauge")
    lines.append('checkout_build_info{service="checkout",version="2.7.1",revision="9f1c2ab"} 1')
    series += 1
    handlers = []
    h = 0
    # Roughly: each handler gives 4 methods x 8 codes counters, and
    # 4 methods x (10 buckets + 2) histogram series.
    per_handler = len(methods) * len(codes) + len(methods) * (len(buckets) + 2)
    n_handlers = max(1, target // per_handler + 1)
    handlers = [f"/api/v1/resource{h}/{{id}}" for h in range(n_handlers)]
    lines.append("# HELP http_requests_total Requests handled, by handler, method and status code.")
    lines.append("# TYPE http_requests_total counter")
    for handler in handlers:
        for m in methods:
            for c in codes:
                v = rnd.randint(0, 10_000_000)
                lines.append(f'http_requests_total{{service="checkout",pod="checkout-7d9f8c6b5-x2k4q",region="eu-west-1",handler="{handler}",method="{m}",code="{c}"}} {v}')
                series += 1
    lines.append("# HELP http_request_duration_seconds Request latency.")
    lines.append("# TYPE http_request_duration_seconds histogram")
    for handler in handlers:
        for m in methods:
            total = 0
            for b in buckets:
                total += rnd.randint(0, 1000)
                lines.append(f'http_request_duration_seconds_bucket{{service="checkout",pod="checkout-7d9f8c6b5-x2k4q",region="eu-west-1",handler="{handler}",method="{m}",le="{b}"}} {total}')
            lines.append(f'http_request_duration_seconds_sum{{service="checkout",pod="checkout-7d9f8c6b5-x2k4q",region="eu-west-1",handler="{handler}",method="{m}"}} {total * 0.042:.3f}')
            lines.append(f'http_request_duration_seconds_count{{service="checkout",pod="checkout-7d9f8c6b5-x2k4q",region="eu-west-1",handler="{handler}",method="{m}"}} {total}')
            series += len(buckets) + 2
    lines.append("# HELP process_resident_memory_bytes Resident memory size in bytes.")
    lines.append("# TYPE process_resident_memory_bytes gauge")
    lines.append("process_resident_memory_bytes 1.23456789e+08")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"{out}: {series + 1} series")


if __name__ == "__main__":
    main()
