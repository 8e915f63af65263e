#!/usr/bin/env bash
# `relman logs lint` against `jq -c .` on the same JSON log file, in one run;
# then the same bytes split in two files (both cores); peak memory at two
# sizes to show it does not grow with the file.
#
#   bench/logs-lint.sh [BIG_MB] [SMALL_MB]     default 1000 and 100
set -euo pipefail
cd "$(dirname "$0")/.."
big=${1:-1000}
small=${2:-100}
command -v jq >/dev/null || { echo "needs jq: apt-get install -y jq" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }
cargo build --release -q -p relman
mkdir -p bench/out
python3 bench/gen_logs.py bench/out/logs-big.json "$big" >/dev/null
python3 bench/gen_logs.py bench/out/logs-small.json "$small" >/dev/null
half=$(( $(wc -l <bench/out/logs-big.json) / 2 ))
split -l "$half" -d bench/out/logs-big.json bench/out/logs-part-
relman=target/release/relman

run() { # label command...: one timed run, prints "seconds peakKiB"
  /usr/bin/time -f '%e %M' -o bench/out/t.txt "$@" >/dev/null 2>&1 || true
  tail -n 1 bench/out/t.txt
}

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
bytes=$(stat -c %s bench/out/logs-big.json)
sbytes=$(stat -c %s bench/out/logs-small.json)
read -r jt jm < <(run jq -c . bench/out/logs-big.json)
read -r rt rm < <(run taskset -c 0 $relman logs lint bench/out/logs-big.json)
read -r pt pm < <(run $relman logs lint bench/out/logs-part-00 bench/out/logs-part-01)
read -r st sm < <(run taskset -c 0 $relman logs lint bench/out/logs-small.json)
awk -v b="$bytes" -v sb="$sbytes" -v jt="$jt" -v jm="$jm" -v rt="$rt" -v rm="$rm" -v pt="$pt" -v pm="$pm" -v st="$st" -v sm="$sm" 'BEGIN {
  printf "%-48s %8s %9s %9s\n", "run", "seconds", "MB/s", "peak MiB"
  printf "%-48s %8.2f %9.1f %9.1f\n", "jq -c . (" b/1e6 " MB)", jt, b/jt/1e6, jm/1024
  printf "%-48s %8.2f %9.1f %9.1f\n", "relman logs lint, one core (" b/1e6 " MB)", rt, b/rt/1e6, rm/1024
  printf "%-48s %8.2f %9.1f %9.1f\n", "relman logs lint, two files, two cores", pt, b/pt/1e6, pm/1024
  printf "%-48s %8.2f %9.1f %9.1f\n", "relman logs lint, one core (" sb/1e6 " MB)", st, sb/st/1e6, sm/1024
  printf "relman is %.1fx jq on one core\n", jt/rt
}'
