#!/usr/bin/env bash
# Secret-scanning throughput: `relman scan` against Kingfisher, detect-secrets and
# ripgrep (searching for the same prefilter literals), in one run, on
#   - a generated source tree with planted fake secrets (bench/gen_secret_tree.py),
#   - a sample of the same generator's output for detect-secrets (it is slow),
#   - a real tree: the Python standard library.
# Prints wall time, MB/s (10^6 bytes), peak RSS and CPU from GNU time -v, the
# recall of the planted secrets, and the speed ratios relman/kingfisher and
# relman/ripgrep.
#
#   bench/secrets-throughput.sh [SIZE_MB] [SEED]      default 1024 and 1
#
#   RELMAN=path        the relman binary (default target/release/relman, built here)
#   DS_SAMPLE_MB=n     size of the generated tree detect-secrets runs on (default 25)
#   REAL_TREE=dir      the real tree (default /usr/lib/python3.11, else the pyenv 3.11.7 one)
#   RUNS=n             rounds of relman, Kingfisher and ripgrep, best wall time kept (default 3)
#
# Every tool run is bounded by `timeout 900`. The page cache is warmed first (one
# untimed read of each tree), and one untimed Kingfisher run compiles its rule
# cache, so neither is in the timings. The tools run offline: Kingfisher with
# --no-validate --no-update-check, detect-secrets without network plugins.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
size=${1:-1024}
seed=${2:-1}
sample=${DS_SAMPLE_MB:-25}
runs=${RUNS:-3}
limit=900

die() { echo "secrets-throughput: $*" >&2; exit 2; }
apt_updated=0
need_apt() { # command package
  command -v "$1" >/dev/null && return
  echo "installing $2 (apt)"
  if [ "$apt_updated" = 0 ]; then apt-get update -qq || die "apt-get update failed"; apt_updated=1; fi
  apt-get install -y -qq "$2" >/dev/null || die "needs $1: apt-get install -y $2"
}
need_apt jq jq
need_apt python3 python3
need_apt rg ripgrep
need_apt timeout coreutils
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; } || die "needs GNU time: apt-get install -y time"

venv=$root/bench/.venv
if [ ! -x "$venv/bin/detect-secrets" ] || [ ! -x "$venv/bin/kingfisher" ]; then
  echo "installing detect-secrets and kingfisher-bin into bench/.venv (pip)"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; } || die "needs python3 -m venv: apt-get install -y python3-venv"
    rm -rf "$venv"; python3 -m venv "$venv" || die "python3 -m venv $venv failed"
  fi
  "$venv/bin/pip" install -q detect-secrets kingfisher-bin || die "pip install detect-secrets kingfisher-bin into bench/.venv failed"
fi
ds=$venv/bin/detect-secrets
kf=$venv/bin/kingfisher

if [ -z "${RELMAN:-}" ]; then
  RELMAN=$root/target/release/relman
  command -v cargo >/dev/null || die "needs cargo to build relman (or set RELMAN)"
  cargo build --release -q -p relman
fi
relman_ok=1
"$RELMAN" scan --help >/dev/null 2>&1 || relman_ok=0

if [ -n "${REAL_TREE:-}" ]; then real=$REAL_TREE
elif [ -d /usr/lib/python3.11 ]; then real=/usr/lib/python3.11
elif [ -d /root/.pyenv/versions/3.11.7/lib/python3.11 ]; then real=/root/.pyenv/versions/3.11.7/lib/python3.11
else die "no Python 3.11 standard library found (set REAL_TREE=dir)"
fi

out=$root/bench/out/secrets-throughput
mkdir -p "$out"
rm -f "$out"/*.time "$out"/*.out "$out"/*.err "$out"/*.tsv "$out"/results.txt "$out"/runs.txt

literals=$out/literals.txt
literals_from="bench/secrets-literals.txt"
if [ "$relman_ok" = 1 ] && "$RELMAN" scan --print-prefilter >"$literals" 2>/dev/null && [ -s "$literals" ]; then
  literals_from="relman scan --print-prefilter"
else
  cp bench/secrets-literals.txt "$literals"
fi

# Generated trees, reused when the generator has not changed since.
gen() { # size_mb -> path of the tree
  local t=$root/bench/out/secret-tree-$1-$seed
  if [ ! -f "$t.planted.tsv" ] || [ bench/gen_secret_tree.py -nt "$t.planted.tsv" ]; then
    rm -f "$t.planted.tsv"
    python3 bench/gen_secret_tree.py "$t" "$1" "$seed" >&2
  fi
  echo "$t"
}
big=$(gen "$size")
small=$(gen "$sample")

tree_bytes() { find "$1" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%d", s}'; }
warm() { find "$1" -type f -print0 | xargs -0 cat >/dev/null; }

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME")"
if [ "$relman_ok" = 1 ]; then
  echo "relman: $("$RELMAN" --version 2>&1 | head -n 1) ($RELMAN, release build)"
else
  echo "relman: $RELMAN has no 'scan' command yet: its rows are n/a"
fi
echo "kingfisher: $("$kf" --version 2>&1 | head -n 1) (scan --no-validate --no-update-check --no-dedup --format jsonl)"
echo "detect-secrets: $("$ds" --version) (scan --all-files --no-verify, from inside the tree)"
echo "ripgrep: $(rg --version | head -n 1) (rg -c -F -i -f literals.txt; $(wc -l <"$literals") literals from $literals_from)"
echo "python for the generator: $(python3 --version 2>&1)"
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews wall times; CPU seconds less so)"
echo "generated: $big ($(tree_bytes "$big") bytes, $(find "$big" -type f | wc -l) files, $(grep -vc '^#' "$big.planted.tsv") planted secrets; seed $seed)"
echo "sample for detect-secrets: $small ($(tree_bytes "$small") bytes, $(grep -vc '^#' "$small.planted.tsv") planted; the same generator and seed at ${sample} MB)"
python3 - "$real" <<'PY'
import os, sys
root = sys.argv[1]
text = binary = files = 0
for d, _, names in os.walk(root):
    for n in names:
        p = os.path.join(d, n)
        if os.path.islink(p) or not os.path.isfile(p):
            continue
        files += 1
        with open(p, "rb") as f:
            head = f.read(8192)
        size = os.path.getsize(p)
        if b"\0" in head:
            binary += size
        else:
            text += size
print(f"real tree: {root} ({text + binary} bytes in {files} files: {text} bytes of text, "
      f"{binary} of binary files such as .pyc, .so and .a, which the tools skip or read differently)")
PY
echo

for t in "$big" "$small" "$real"; do warm "$t"; done
# Kingfisher compiles its Vectorscan rule database on first use and caches it.
mkdir -p "$out/warmup" && echo "x = 1" >"$out/warmup/a.py"
"$kf" scan "$out/warmup" --no-validate --no-update-check -q >/dev/null 2>&1 || true

# run LABEL CMD...: one timed run, stdout to $out/LABEL.out; appends
# "label seconds peak_kib cpu% status bytes cpu_seconds" to $out/runs.txt.
run() {
  local label=$1; shift
  local rc=0
  /usr/bin/time -v -o "$out/$label.time" timeout "$limit" "$@" >"$out/$label.out" 2>"$out/$label.err" || rc=$?
  local secs kib cpu cpus
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$out/$label.time")
  kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/$label.time")
  cpu=$(awk -F': ' '/Percent of CPU/ {print $2}' "$out/$label.time")
  cpus=$(awk -F': ' '/(User|System) time/ {s += $2} END {print s}' "$out/$label.time")
  echo "$label $secs $kib $cpu $rc $bytes $cpus" >>"$out/runs.txt"
}

# relman, Kingfisher and ripgrep take turns, $runs rounds, and keep their best wall
# time; detect-secrets runs once.
for input in gen sample real; do
  case $input in gen) tree=$big ;; sample) tree=$small ;; real) tree=$real ;; esac
  bytes=$(tree_bytes "$tree")
  for _ in $(seq "$runs"); do
    if [ "$relman_ok" = 1 ]; then run "$input.relman" "$RELMAN" scan "$tree" --rule S-3 --format json; fi
    run "$input.kingfisher" "$kf" scan "$tree" --no-validate --no-update-check --no-dedup --format jsonl -q
    run "$input.ripgrep" rg -c -F -i -f "$literals" "$tree"
  done
  if [ "$input" != gen ]; then run "$input.detect-secrets" env -C "$tree" "$ds" scan --all-files --no-verify .; fi
done
sort -k1,1 -k2,2g "$out/runs.txt" | awk '!seen[$1]++' >"$out/results.txt"

# Reported lines as "path<TAB>line" relative to the tree, for the recall.
for input in gen sample real; do
  case $input in gen) tree=$big ;; sample) tree=$small ;; real) tree=$real ;; esac
  if [ -s "$out/$input.relman.out" ]; then
    jq -r --arg p "$tree/" '.findings[] | select(.rule == "S-3") | "\(.path | ltrimstr($p) | ltrimstr("./"))\t\(.line)"' \
      "$out/$input.relman.out" >"$out/$input.relman.tsv" || true
  fi
  jq -r --arg p "$tree/" 'select(.finding) | "\(.finding.path | ltrimstr($p))\t\(.finding.line)"' \
    "$out/$input.kingfisher.out" >"$out/$input.kingfisher.tsv" || true
  if [ -s "$out/$input.detect-secrets.out" ]; then
    jq -r '.results | to_entries[] | .key as $f | .value[] | "\($f | ltrimstr("./"))\t\(.line_number)"' \
      "$out/$input.detect-secrets.out" >"$out/$input.detect-secrets.tsv" || true
  fi
  # ripgrep's timed run only counts; its lines come from an untimed run on the files with planted secrets.
  if [ "$input" != real ]; then
    (cd "$tree" && grep -v '^#' "$tree.planted.tsv" | cut -f1 | sort -u | xargs -r -d '\n' rg -n -H --no-heading -F -i -f "$literals") \
      | awk -F: '{print $1 "\t" $2}' >"$out/$input.ripgrep.tsv" || true
  fi
done

python3 - "$out" "$relman_ok" "$big.planted.tsv" "$small.planted.tsv" "$limit" "$runs" <<'PY'
import collections, json, os, sys
out, relman_ok, planted_big, planted_small, limit, runs = sys.argv[1], sys.argv[2] == "1", sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
tools = ["relman", "kingfisher", "ripgrep", "detect-secrets"]
ok_rc = {"relman": (0, 1), "kingfisher": (0, 200, 205), "ripgrep": (0, 1), "detect-secrets": (0,)}
res = {}
for row in open(f"{out}/results.txt"):
    label, secs, kib, cpu, rc, nbytes, cpus = row.split()
    res[label] = (float(secs), int(kib), cpu, int(rc), int(nbytes), float(cpus))

def planted(path):
    rows = []
    for row in open(path):
        if row.startswith("#"):
            continue
        p, a, b, kind, _h = row.rstrip("\n").split("\t")
        rows.append((p, int(a), int(b), kind))
    return rows

def reported_lines(input_, t):
    path = f"{out}/{input_}.{t}.tsv"
    if not os.path.exists(path):
        return None
    lines = collections.defaultdict(set)
    for row in open(path):
        p, _, l = row.rstrip("\n").rpartition("\t")
        if l.isdigit():
            lines[p].add(int(l))
    return lines

def recall(input_, rows):
    """per tool: (found per kind Counter, reported lines, reported lines outside planted ranges)"""
    by_file = collections.defaultdict(list)
    for p, a, b, kind in rows:
        by_file[p].append((a, b))
    result = {}
    for t in tools:
        lines = reported_lines(input_, t)
        if lines is None:
            continue
        found = collections.Counter(kind for p, a, b, kind in rows if any(a <= l <= b for l in lines.get(p, ())))
        total = sum(len(v) for v in lines.values())
        inside = sum(1 for p, ls in lines.items() for l in ls if any(a <= l <= b for a, b in by_file.get(p, ())))
        result[t] = (found, total, total - inside)
    return result

inputs = [("gen", "generated tree", planted(planted_big)), ("sample", "detect-secrets sample", planted(planted_small)),
          ("real", "real tree (Python stdlib)", None)]
for key, title, rows in inputs:
    nbytes = next((v[4] for k, v in res.items() if k.startswith(key + ".")), 0)
    print(f"== {title}: {nbytes / 1e6:.1f} MB" + (f", {len(rows)} planted secrets" if rows else ""))
    rec = recall(key, rows) if rows else {}
    print(f"{'tool':<16} {'seconds':>8} {'MB/s':>8} {'CPU s':>8} {'CPU':>5} {'peak MiB':>9}  {'planted found':>13}  {'other lines':>11}")
    for t in tools:
        label = f"{key}.{t}"
        if label not in res:
            if t == "relman":
                why = "n/a (no scan command in this build)"
            elif t == "detect-secrets" and key == "gen":
                why = "not run on this tree (too slow): see its sample below, MB/s carries over"
            else:
                why = "n/a"
            print(f"{t:<16} {why}")
            continue
        secs, kib, cpu, rc, _, cpus = res[label]
        status = ""
        if rc == 124:
            status = f"  TIMEOUT after {limit} s"
        elif rc not in ok_rc[t]:
            status = f"  exit {rc} (see bench/out/secrets-throughput/{label}.err)"
        f_cell = o_cell = ""
        if t in rec:
            found, total, other = rec[t]
            f_cell = f"{sum(found.values())}/{len(rows)}"
            o_cell = "-" if t == "ripgrep" else str(other)
        elif rows is None and t != "ripgrep":
            lines = reported_lines(key, t)
            o_cell = str(sum(len(v) for v in lines.values())) if lines is not None else ""
        mbs = f"{nbytes / secs / 1e6:.1f}" if secs else "-"
        print(f"{t:<16} {secs:>8.2f} {mbs:>8} {cpus:>8.2f} {cpu:>5} {kib / 1024:>9.1f}  {f_cell:>13}  {o_cell:>11}{status}")
    try:
        with open(f"{out}/{key}.kingfisher.out") as f:
            last = f.read().rstrip("\n").rsplit("\n", 1)[-1]
        st = json.loads(last)["audit"]["repositories"][0]["stats"]
        print(f"kingfisher's own count: {st['bytes_scanned']} bytes in {st['blobs_scanned']} files scanned")
    except (OSError, ValueError, KeyError, IndexError):
        pass
    r = lambda t: res.get(f"{key}.{t}")
    if r("relman"):
        for peer in ("kingfisher", "ripgrep", "detect-secrets"):
            if r(peer):
                (pw, *_, pc), (rw, *_, rc_) = r(peer), r("relman")
                wall = f"{pw / rw:.2f}x" if rw else "-"
                cpu_ratio = f"{pc / rc_:.2f}x" if rc_ else "-"
                print(f"relman/{peer}: {wall} by wall time ({rw:.2f} s against {pw:.2f} s), {cpu_ratio} by CPU time")
    if rows:
        kinds = sorted({k for *_, k in rows})
        have = [t for t in tools if t in rec]
        print("planted found by kind: " + ", ".join(
            f"{k} ({sum(1 for *_, kk in rows if kk == k)}): " + " ".join(f"{t} {rec[t][0][k]}" for t in have) for k in kinds))
    print()
print("planted found: planted secrets with a reported line of their file within their lines (ripgrep:")
print("  a literal on one of those lines, from an untimed rg -n run on the files holding them).")
print("other lines: distinct reported lines outside every planted secret (decoys, hashes, keywords);")
print("  on the real tree, all the lines reported.")
print(f"seconds: best wall time of {runs} rounds in turn for relman, Kingfisher and ripgrep, one run for detect-secrets;")
print("  MB/s: bytes of the tree (10^6) over those seconds. CPU s: user + system seconds of that run;")
print("  CPU: their share of the wall time (200% = both cores). peak MiB: maximum resident set (GNU time).")
print("relman/peer: the peer's seconds over relman's, by wall and by CPU time: above 1 means relman is faster.")
PY
echo "load average after the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw outputs: bench/out/secrets-throughput/"
