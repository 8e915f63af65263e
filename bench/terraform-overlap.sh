#!/usr/bin/env bash
# What relman's S-2 / S-4 / S-5 checks flag in bench/terraform/fixtures,
# against what checkov flags there with the checks that concern the same
# rules: one row per resource and rule, then the counts.
#
#   bench/terraform-overlap.sh            installs checkov in bench/.venv once
#
# relman's side is `relman scan --rule S-2 --rule S-4 --rule S-5 --format json`
# on the fixtures, as a service that is not public.
set -euo pipefail
cd "$(dirname "$0")/.."
fixtures=bench/terraform/fixtures
checkov_version=${CHECKOV_VERSION:-3.3.30}
if [ ! -x bench/.venv/bin/checkov ]; then
  python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q "checkov==$checkov_version"
fi
mkdir -p bench/out
RELMAN=${RELMAN:-target/release/relman}
[ -x "$RELMAN" ] || cargo build -q --release -p relman
"$RELMAN" scan "$fixtures" --rule S-2 --rule S-4 --rule S-5 --format json >bench/out/relman-scan.json || true
# checkov exits 1 when a check fails; the JSON says whether it ran.
# --skip-download: no calls to the vendor's API (this machine has no network).
BC_SKIP_MAPPING=TRUE bench/.venv/bin/checkov -d "$fixtures" -o json --compact --quiet --skip-download \
  >bench/out/checkov.json 2>bench/out/checkov.err || true
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "checkov: $(bench/.venv/bin/checkov --version)"
echo "fixtures: $(ls "$fixtures"/*.tf | wc -l) files"
python3 - bench/out/relman-scan.json bench/out/checkov.json <<'PY'
import json, os, re, sys

# checkov checks that judge what S-2, S-4 and S-5 judge.
RULES = {
    "S-2": {
        "CKV_AWS_17": "RDS publicly accessible",
        "CKV_AWS_20": "S3 ACL public READ",
        "CKV_AWS_57": "S3 ACL public WRITE",
        "CKV2_AWS_43": "S3 ACL authenticated users",
        "CKV_AWS_375": "S3 ACL global view",
        "CKV_AWS_53": "PAB block_public_acls",
        "CKV_AWS_54": "PAB block_public_policy",
        "CKV_AWS_55": "PAB ignore_public_acls",
        "CKV_AWS_56": "PAB restrict_public_buckets",
        "CKV2_AWS_6": "bucket has a PAB",
        "CKV_AWS_70": "S3 policy any principal",
        "CKV_AWS_283": "policy document any principal",
        "CKV_AWS_88": "EC2 public IP",
    },
    "S-4": {
        "CKV_AWS_24": "SG 0.0.0.0/0 to 22",
        "CKV_AWS_25": "SG 0.0.0.0/0 to 3389",
        "CKV_AWS_260": "SG 0.0.0.0/0 to 80",
        "CKV_AWS_277": "SG 0.0.0.0/0 to all ports",
    },
    "S-5": {
        "CKV_AWS_40": "policy attached to a user",
        "CKV_AWS_273": "IAM user instead of SSO",
        "CKV2_AWS_22": "IAM user console access",
        "CKV_AWS_1": "*-* admin (document)",
        "CKV_AWS_62": "*-* admin (policy)",
        "CKV_AWS_49": "Action * (document)",
        "CKV_AWS_63": "Action * (policy)",
        "CKV_AWS_355": "Resource * restrictable (document)",
        "CKV_AWS_290": "write without constraints (policy)",
        "CKV_AWS_111": "write without constraints (document)",
        "CKV_AWS_289": "permissions management (policy)",
        "CKV_AWS_109": "permissions management (document)",
        "CKV_AWS_286": "privilege escalation (policy)",
        "CKV_AWS_110": "privilege escalation (document)",
        "CKV_AWS_287": "credentials exposure (policy)",
        "CKV_AWS_107": "credentials exposure (document)",
        "CKV_AWS_288": "data exfiltration (policy)",
        "CKV_AWS_108": "data exfiltration (document)",
        "CKV2_AWS_40": "full IAM privileges",
        "CKV_AWS_274": "AdministratorAccess attached",
        "CKV_AWS_275": "AdministratorAccess in policy",
    },
}
RULE_OF = {cid: rule for rule, ids in RULES.items() for cid in ids}

def key(resource):
    return resource[len("data."):] if resource.startswith("data.") else resource

relman = {}
# The resource a finding is about: the first Terraform address its message names.
address = re.compile(r"\b((?:data\.)?aws_[a-z0-9_]+\.[A-Za-z0-9_-]+)")
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["status"] == "error":
        print(f"relman could not read {f['path']}:{f.get('line')}: {f['message']}")
        continue
    if f["status"] not in ("fail", "unverified", "warn"):
        continue
    # A policy document is judged where it is written, as checkov does.
    m = re.search(r"\b(data\.aws_iam_policy_document\.[A-Za-z0-9_-]+)", f["message"]) \
        or address.search(f["message"])
    if not m:
        continue
    k = (key(m.group(1)), f["rule"])
    order = {"fail": 3, "unverified": 2, "warn": 1}
    prev = relman.get(k)
    if prev is None or order[f["status"]] > order[prev[0]]:
        relman[k] = (f["status"], os.path.basename(f["path"]))

data = json.load(open(sys.argv[2]))
runs = data if isinstance(data, list) else [data]
checkov = {}
for run in runs:
    if run.get("check_type") != "terraform":
        continue
    for c in run["results"]["failed_checks"]:
        rule = RULE_OF.get(c["check_id"])
        if rule is None:
            continue
        k = (key(c["resource"]), rule)
        checkov.setdefault(k, {"ids": set(), "file": os.path.basename(c["file_path"])})
        checkov[k]["ids"].add(c["check_id"])

rows = sorted(set(relman) | set(checkov), key=lambda k: (k[1], k[0]))
print()
print(f"{'rule':<5} {'resource':<48} {'relman':<11} checkov")
counts = {}
for k in rows:
    r = relman.get(k, ("-", ""))[0]
    c = checkov.get(k)
    ids = ", ".join(sorted(c["ids"], key=lambda i: (len(i), i))) if c else "-"
    print(f"{k[1]:<5} {k[0]:<48} {r:<11} {ids}")
    flagged_r = r in ("fail", "warn")
    side = ("both" if flagged_r and c else
            "relman only" if flagged_r else
            "checkov only" if c else "neither")
    if r == "unverified":
        side = "relman unverified" + (", checkov flags" if c else ", checkov silent")
    counts.setdefault(k[1], {}).setdefault(side, 0)
    counts[k[1]][side] += 1
print()
for rule in sorted(counts):
    parts = ", ".join(f"{n} {s}" for s, n in sorted(counts[rule].items()))
    print(f"{rule}: {parts}")
PY
