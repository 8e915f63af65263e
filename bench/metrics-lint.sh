#!/usr/bin/env bash
# `relman metrics lint` against `promtool check metrics` on the same large
# exposition, in one run.
#
#   bench/metrics-lint.sh [SERIES]     default 50000 (about 8 MB)
#
# Each tool runs 5 times; the best wall time and its peak memory are kept.
# Prints throughput (MB/s) and the speed ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
series=${1:-50000}
command -v promtool >/dev/null || { echo "needs promtool: apt-get install -y prometheus" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
cargo build --release -q -p relman
mkdir -p bench/out
input=bench/out/exposition.prom
python3 bench/gen_exposition.py "$input" "$series" >/dev/null
bytes=$(stat -c %s "$input")

best() { # best wall time and its peak RSS over 5 runs of "$@" < input
  local best="" rss=""
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f '%e %M' -o bench/out/t.txt "$@" <"$input" >/dev/null 2>&1 || true
    read -r t m < <(tail -n 1 bench/out/t.txt)
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; rss=$m; fi
  done
  echo "$best $rss"
}

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "input: $input, $series series, $bytes bytes"
read -r pt pm < <(best promtool check metrics)
read -r rt rm < <(best target/release/relman metrics lint --input-format text -)
awk -v b="$bytes" -v pt="$pt" -v pm="$pm" -v rt="$rt" -v rm="$rm" 'BEGIN {
  printf "%-32s %8s %10s %10s\n", "tool", "seconds", "MB/s", "peak MiB"
  printf "%-32s %8.3f %10.1f %10.1f\n", "promtool check metrics", pt, b/pt/1e6, pm/1024
  printf "%-32s %8.3f %10.1f %10.1f\n", "relman metrics lint", rt, b/rt/1e6, rm/1024
  printf "relman is %.1fx promtool\n", pt/rt
}'
