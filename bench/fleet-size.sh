#!/usr/bin/env bash
# Audit synthetic fleets of growing size; report wall time and peak memory.
#
#   bench/fleet-size.sh [SIZES...]      default: 1000 10000
#
# Builds relman in release mode, generates each fleet with gen_fleet.py under
# bench/out/, runs `relman audit --format json` three times per size with GNU
# time, and prints the best wall time and its peak RSS, and the growth ratio
# between consecutive sizes (time ratio divided by size ratio: 1.0 is linear).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install -y time" >&2; exit 2; }

cargo build --release -q -p relman
bin=target/release/relman
mkdir -p bench/out

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "relman: $($bin --version)"
printf '%8s  %10s  %12s  %14s\n' services seconds "peak MiB" "report bytes"
prev_n=""; prev_t=""
for n in "${sizes[@]}"; do
  dir="bench/out/fleet-$n"
  python3 bench/gen_fleet.py "$n" "$dir"
  best=""; best_rss=""
  for _ in 1 2 3; do
    # Exit 1 means findings: expected. Anything else is a failure.
    set +e
    /usr/bin/time -f '%e %M' -o bench/out/time.txt "$bin" audit "$dir" --format json >bench/out/report.json
    code=$?
    set -e
    [ "$code" -le 1 ] || { echo "relman audit exited $code on $dir" >&2; exit 1; }
    read -r t rss < <(tail -n 1 bench/out/time.txt)
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; best_rss=$rss; fi
  done
  printf '%8d  %10.2f  %12.1f  %14d\n' "$n" "$best" "$(awk -v k="$best_rss" 'BEGIN{print k/1024}')" "$(stat -c %s bench/out/report.json)"
  if [ -n "$prev_n" ]; then
    awk -v t1="$prev_t" -v t2="$best" -v n1="$prev_n" -v n2="$n" \
      'BEGIN { printf "growth %d -> %d services: time x%.2f for size x%.1f (ratio %.2f; 1.00 is linear)\n", n1, n2, t2/t1, n2/n1, (t2/t1)/(n2/n1) }'
  fi
  prev_n=$n; prev_t=$best
done
