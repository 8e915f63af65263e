#!/usr/bin/env bash
# Scrape fan-out: N services, each with a live /metrics on its own loopback
# port, audited in one `relman audit` run (scrape, parse, O-6..O-9).
#
#   bench/scrape-fanout.sh [N] [FIRST_PORT]     default 1000 services from port 20000
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
first=${2:-20000}
ulimit -n 8192 2>/dev/null || ulimit -n 4096 2>/dev/null || true
cargo build --release -q -p relman
mkdir -p bench/out
fleet=bench/out/fanout-fleet
rm -rf "$fleet"; mkdir -p "$fleet/services"
printf 'name: fanout\nnow: 2026-11-24\n' >"$fleet/relman.yaml"
for ((i = 0; i < n; i++)); do
  printf 'name: svc-%d\nteam: bench\ntier: critical\nmetrics:\n  url: http://127.0.0.1:%d/metrics\n' "$i" $((first + i)) >"$fleet/services/svc-$i.yaml"
done
python3 bench/fanout_server.py "$n" "$first" --seconds 300 >bench/out/fanout-server.txt &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s bench/out/fanout-server.txt ] && break; sleep 0.1; done
[ -s bench/out/fanout-server.txt ] || { echo "the fan-out server did not start" >&2; exit 1; }

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
for run in 1 2 3; do
  /usr/bin/time -f '%e %M' -o bench/out/t.txt target/release/relman audit "$fleet" \
    --format json --rule O-6 --rule O-7 --rule O-8 --rule O-9 >bench/out/fanout.json || true
  read -r t m < <(tail -n 1 bench/out/t.txt)
  ok=$(python3 -c "import json; r=json.load(open('bench/out/fanout.json')); print(sum(1 for s in r['services'] for x in s['rules'] if x['rule']=='O-6' and x['status']=='pass'))")
  echo "run $run: $n endpoints scraped and checked in ${t}s, peak $(awk -v k="$m" 'BEGIN{printf "%.1f", k/1024}') MiB; O-6 passed for $ok of $n"
done
