#!/usr/bin/env bash
# Secret-scanner recall on the leaky repo, relman side by side with detect-secrets
# and Kingfisher, in one run; false positives from the hand labels in
# bench/leaky/labels.tsv.
#
#   bench/secrets-recall.sh
#
#   RELMAN=path   the relman binary (default target/release/relman, built here)
#   LEAKY=dir     the leaky repo (default ../shared/testdata/leaky-repo)
#
# The answer key is the repo's .leaky-meta/secrets.csv (`name,num_risk,num_informative`).
# A tool scores, per file, min(distinct lines it reports there, num_risk); recall is
# the sum over the total risk. The tools scan a temporary copy of the repo without
# .leaky-meta, so the answer key is never scanned. The copy is not made a git
# repository: none of the three tools needs one. Peer tools are installed into
# bench/.venv (PyPI detect-secrets and kingfisher-bin) and run offline.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

die() { echo "secrets-recall: $*" >&2; exit 2; }
need_apt() { # command package
  command -v "$1" >/dev/null && return
  echo "installing $2 (apt)"
  { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; } || die "needs $1: apt-get install -y $2"
}
need_apt jq jq
need_apt python3 python3

venv=$root/bench/.venv
if [ ! -x "$venv/bin/detect-secrets" ] || [ ! -x "$venv/bin/kingfisher" ]; then
  echo "installing detect-secrets and kingfisher-bin into bench/.venv (pip)"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    { apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; } || die "needs python3 -m venv: apt-get install -y python3-venv"
    rm -rf "$venv"; python3 -m venv "$venv" || die "python3 -m venv $venv failed"
  fi
  "$venv/bin/pip" install -q detect-secrets kingfisher-bin || die "pip install detect-secrets kingfisher-bin into bench/.venv failed"
fi

if [ -z "${RELMAN:-}" ]; then
  RELMAN=target/release/relman
  command -v cargo >/dev/null || die "needs cargo to build relman (or set RELMAN)"
  cargo build --release -q -p relman
fi
relman_ok=1
if ! "$RELMAN" scan --help >/dev/null 2>&1; then
  relman_ok=0
fi

leaky=${LEAKY:-../shared/testdata/leaky-repo}
[ -f "$leaky/.leaky-meta/secrets.csv" ] || die "no leaky repo at $leaky (set LEAKY=dir)"
labels=$root/bench/leaky/labels.tsv
[ -f "$labels" ] || die "no $labels"

out=$root/bench/out/secrets-recall
rm -rf "$out"; mkdir -p "$out"
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
copy=$work/leaky-repo
mkdir "$copy"
cp -a "$leaky/." "$copy/"
chmod -R u+w "$copy"
rm -rf "$copy/.leaky-meta"
cp "$leaky/.leaky-meta/secrets.csv" "$out/secrets.csv"

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME")"
if [ "$relman_ok" = 1 ]; then
  echo "relman: $("$RELMAN" --version 2>&1 | head -n 1) ($RELMAN, release build)"
else
  echo "relman: $RELMAN has no 'scan' command yet: its column is n/a"
fi
echo "detect-secrets: $("$venv/bin/detect-secrets" --version)"
echo "kingfisher: $("$venv/bin/kingfisher" --version 2>&1 | head -n 1)"
echo "leaky repo: $leaky, $(find "$copy" -type f | wc -l) files scanned from a copy without .leaky-meta (no git init: no tool needs one)"
echo

# Each tool's report, reduced to distinct "path<TAB>line" rows relative to the copy.
if [ "$relman_ok" = 1 ]; then
  rc=0; "$RELMAN" scan "$copy" --format json >"$out/relman.json" 2>"$out/relman.err" || rc=$?
  if [ "$rc" -le 1 ]; then
    jq -r --arg p "$copy/" '.findings[] | select(.rule == "S-3") | "\(.path | ltrimstr($p) | ltrimstr("./"))\t\(.line)"' \
      "$out/relman.json" | sort -u >"$out/relman.tsv"
  else
    echo "relman scan exited $rc: $(head -c 300 "$out/relman.err")"; relman_ok=0
  fi
fi
rc=0; (cd "$copy" && "$venv/bin/detect-secrets" scan --all-files --no-verify .) >"$out/detect-secrets.json" 2>"$out/detect-secrets.err" || rc=$?
[ "$rc" = 0 ] || die "detect-secrets exited $rc: $(head -c 300 "$out/detect-secrets.err")"
jq -r '.results | to_entries[] | .key as $f | .value[] | "\($f)\t\(.line_number)"' "$out/detect-secrets.json" | sed 's#^\./##' | sort -u >"$out/detect-secrets.tsv"
# Kingfisher: exit 0 = nothing found, 200 = findings, 205 = validated findings.
rc=0; "$venv/bin/kingfisher" scan "$copy" --no-validate --no-update-check --no-dedup --format jsonl -q \
  >"$out/kingfisher.jsonl" 2>"$out/kingfisher.err" || rc=$?
case $rc in 0|200|205) ;; *) die "kingfisher exited $rc: $(head -c 300 "$out/kingfisher.err")" ;; esac
jq -r --arg p "$copy/" 'select(.finding) | "\(.finding.path | ltrimstr($p))\t\(.finding.line)"' "$out/kingfisher.jsonl" | sort -u >"$out/kingfisher.tsv"

python3 - "$out" "$labels" "$relman_ok" <<'PY'
import collections, sys
out, labels_path, relman_ok = sys.argv[1], sys.argv[2], sys.argv[3] == "1"

risk = {}
for row in open(f"{out}/secrets.csv"):
    row = row.strip()
    if not row or row.startswith("#"):
        continue
    name, r, _inf = row.split(",")
    risk[name] = int(r)

labels = {}
for row in open(labels_path):
    if row.startswith("#") or not row.strip():
        continue
    f, line, verdict, why = row.rstrip("\n").split("\t")
    assert verdict in ("secret", "not-secret"), row
    labels[(f, int(line))] = (verdict, why)

tools = (["relman"] if relman_ok else []) + ["detect-secrets", "kingfisher"]
reported = {}
for t in tools:
    rows = set()
    for row in open(f"{out}/{t}.tsv"):
        f, line = row.rstrip("\n").split("\t")
        rows.add((f, int(line)))
    reported[t] = rows
cols = ["relman", "detect-secrets", "kingfisher"]

per_file = {t: collections.Counter(f for f, _ in reported[t]) for t in tools}
files = sorted(set(risk) | {f for t in tools for f in per_file[t]})
w = max(len(f) for f in files)
print(f"{'file':<{w}}  {'risk':>4}  " + "  ".join(f"{c:>14}" for c in cols))
for f in files:
    cells = [str(per_file[c][f]) if c in tools else "n/a" for c in cols]
    print(f"{f:<{w}}  {risk.get(f, 0):>4}  " + "  ".join(f"{x:>14}" for x in cells))
total = sum(risk.values())
print()
print("cells: distinct lines the tool reports in the file; score per file = min(lines, risk)")
print(f"{'tool':<16} {'lines':>6} {'score':>6} {'risk':>5} {'recall':>7}")
for c in cols:
    if c not in tools:
        print(f"{c:<16} {'n/a':>6}")
        continue
    score = sum(min(n, risk.get(f, 0)) for f, n in per_file[c].items())
    print(f"{c:<16} {sum(per_file[c].values()):>6} {score:>6} {total:>5} {score / total:>7.1%}")

short = {f: (n, sum(1 for (g, _), (v, _w) in labels.items() if g == f and v == "secret"))
         for f, n in risk.items()}
short = {f: (n, k) for f, (n, k) in short.items() if k < n}
if short:
    reachable = total - sum(n - k for n, k in short.values())
    print("answer key: secrets.csv counts more risk lines than the labels find credentials in "
          + ", ".join(f"{f} ({n} against {k})" for f, (n, k) in sorted(short.items()))
          + f"; reporting only credential lines reaches at most {reachable}/{total} ({reachable / total:.1%}).")

print()
print("hand labels (bench/leaky/labels.tsv) of each reported line:")
print(f"{'tool':<16} {'secret':>6} {'not-secret (FP)':>16} {'unlabelled':>11}")
details = []
for c in cols:
    if c not in tools:
        print(f"{c:<16} {'n/a':>6}")
        continue
    tp, fp, un = [], [], []
    for key in sorted(reported[c]):
        v = labels.get(key)
        (un if v is None else tp if v[0] == "secret" else fp).append(key)
    print(f"{c:<16} {len(tp):>6} {len(fp):>16} {len(un):>11}")
    for f, line in fp:
        details.append(f"  {c} FP: {f}:{line}  ({labels[(f, line)][1]})")
    for f, line in un:
        details.append(f"  {c} unlabelled: {f}:{line}")
print("\n".join(details))
PY
echo
echo "raw reports: bench/out/secrets-recall/"
