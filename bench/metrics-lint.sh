#!/usr/bin/env bash
# `relman metrics lint` against `promtool check metrics` on the same large
# exposition, in one run.
#
#   bench/metrics-lint.sh [SERIES]     default 50000 (about 8 MB)
#
# Each tool runs 10 times; the best wall time is kept, and the peak memory of one run.
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

best() { # best wall time over 10 runs (perf_counter), and the peak RSS of one run
  local t m
  t=$(python3 - "$input" "$@" <<'PY'
import subprocess, sys, time
inp, cmd = sys.argv[1], sys.argv[2:]
best = 1e9
for _ in range(10):
    with open(inp, "rb") as f:
        s = time.perf_counter()
        subprocess.run(cmd, stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - s)
print(f"{best:.4f}")
PY
)
  /usr/bin/time -f '%M' -o bench/out/t.txt "$@" <"$input" >/dev/null 2>&1 || true
  m=$(tail -n 1 bench/out/t.txt)
  echo "$t $m"
}

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "input: $input, $series series, $bytes bytes"
read -r pt pm < <(best promtool check metrics)
read -r rt rm < <(best target/release/relman metrics lint --input-format text -)
awk -v b="$bytes" -v pt="$pt" -v pm="$pm" -v rt="$rt" -v rm="$rm" 'BEGIN {
  printf "%-32s %8s %10s %10s\n", "tool", "seconds", "MB/s", "peak MiB"
  printf "%-32s %8.4f %10.1f %10.1f\n", "promtool check metrics", pt, b/pt/1e6, pm/1024
  printf "%-32s %8.4f %10.1f %10.1f\n", "relman metrics lint", rt, b/rt/1e6, rm/1024
  printf "relman is %.2fx promtool\n", pt/rt
}'
