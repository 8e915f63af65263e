#!/usr/bin/env python3
"""Serve one small exposition on N loopback ports, for the scrape fan-out
benchmark. Prints the first port, then serves until killed (or for at most
--seconds). Each port answers as a separate service (its own service label).

    bench/fanout_server.py N FIRST_PORT [--seconds S]
"""

import asyncio
import sys


BODY = """# HELP svc_requests_total Requests handled.
# TYPE svc_requests_total counter
svc_requests_total{{service="svc-{i}",code="200"}} 1027
svc_requests_total{{service="svc-{i}",code="500"}} 3
# HELP svc_request_duration_seconds Request latency.
# TYPE svc_request_duration_seconds histogram
svc_request_duration_seconds_bucket{{service="svc-{i}",le="0.1"}} 900
svc_request_duration_seconds_bucket{{service="svc-{i}",le="1"}} 1020
svc_request_duration_seconds_bucket{{service="svc-{i}",le="+Inf"}} 1030
svc_request_duration_seconds_sum{{service="svc-{i}"}} 51.5
svc_request_duration_seconds_count{{service="svc-{i}"}} 1030
# HELP svc_build_info Build information.
# TYPE svc_build_info gauge
svc_build_info{{service="svc-{i}",version="1.0.{i}"}} 1
"""


def handler_for(i):
    body = BODY.format(i=i).encode()
    head = (
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain; version=0.0.4\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode()

    async def handle(reader, writer):
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(head + body)
            await writer.drain()
        except Exception:
            pass
        finally:
            writer.close()

    return handle


async def main():
    n = int(sys.argv[1])
    first = int(sys.argv[2])
    seconds = 600
    if "--seconds" in sys.argv:
        seconds = int(sys.argv[sys.argv.index("--seconds") + 1])
    servers = []
    for i in range(n):
        servers.append(await asyncio.start_server(handler_for(i), "127.0.0.1", first + i, backlog=64))
    print(first, flush=True)
    await asyncio.sleep(seconds)


if __name__ == "__main__":
    asyncio.run(main())
