#!/usr/bin/env python3
"""Generate a synthetic relman fleet of N services for benchmarks.

    bench/gen_fleet.py N OUT_DIR

Every service gets a descriptor in the shape of the contract, a small repo
with an architecture document (most of them), and the fleet gets teams with
OKRs, waivers, incident/postmortem/gameday/DR/review records, a deployments
log and a cost export, in proportion to N. The output is deterministic for a
given N, so runs can be compared.
"""

import os
import random
import shutil
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_fleet.py N OUT_DIR")
    n = int(sys.argv[1])
    out = sys.argv[2]
    rnd = random.Random(n)
    if os.path.exists(out):
        shutil.rmtree(out)
    for d in ["services", "repos", "records/incidents", "records/postmortems",
              "records/gamedays", "records/dr", "records/reviews", "cost"]:
        os.makedirs(os.path.join(out, d), exist_ok=True)

    teams = [f"team-{i:03d}" for i in range(max(1, n // 25))]
    with open(os.path.join(out, "relman.yaml"), "w") as f:
        f.write("apiVersion: relman/v1\nkind: Fleet\nname: synthetic\nnow: 2026-11-24\n")
        f.write("manifesto:\n  last_reviewed: 2026-09-01\nteams:\n")
        for i, t in enumerate(teams):
            f.write(f"  - name: {t}\n    okrs:\n")
            q = "2026-Q4" if i % 7 else "2026-Q3"
            f.write(f"      - {{ quarter: {q}, category: observability, min_score: 0.8 }}\n")
            f.write(f"      - {{ quarter: {q}, rule: R-2, min_pass_ratio: 1.0 }}\n")
        f.write("key_components:\n  - { name: k8s-prod, kind: kubernetes-cluster }\n"
                "  - { name: db-main, kind: database-cluster }\n  - { name: dns, kind: dns }\n")

    names = [f"svc-{i:05d}" for i in range(n)]
    for i, name in enumerate(names):
        team = teams[i % len(teams)]
        critical = i % 3 == 0
        ext = rnd.choice([99.0, 99.5, 99.9])
        internal = ext + rnd.choice([-0.05, 0.0, 0.02, 0.05, 0.09])
        window_i = "30d" if i % 11 else "28d"
        with open(os.path.join(out, "services", f"{name}.yaml"), "w") as f:
            f.write(f"""apiVersion: relman/v1
kind: Service
name: {name}
team: {team}
tier: {"critical" if critical else "non-critical"}
lifecycle: {"poc" if i % 17 == 0 else "production"}
public: {"true" if i % 13 == 0 else "false"}
repo: ../repos/{name}
metrics:
  file: ../captures/{name}.prom
logs:
  - ../logs/{name}/*.log
log_retention_days: {rnd.choice([3, 7, 14, 30, 90])}
slo:
  external: {{ objective: {ext}, window: 30d }}
  internal: {{ objective: {round(internal, 3)}, window: {window_i} }}
database:
  max_connections: 200
  pool_size: {rnd.choice([5, 10, 20, 50])}
docs:
  architecture: docs/architecture.md
  runbooks: docs/runbooks
open_source: {rnd.choice(["true", "false", '"holds customer data"'])}
""")
        repo = os.path.join(out, "repos", name)
        os.makedirs(os.path.join(repo, "docs", "runbooks"), exist_ok=True)
        if i % 5:
            with open(os.path.join(repo, "docs", "architecture.md"), "w") as f:
                f.write(f"# {name}\n\nclient -> {name} -> postgres\n")

    with open(os.path.join(out, "waivers.yaml"), "w") as f:
        for i in range(0, n, 20):
            f.write(f"- rule: O-5\n  service: {names[i]}\n  reason: retention moves to S3 in Q1\n")
            if i % 40 == 0:
                f.write(f"  discussion: https://example.com/issues/{i}\n")
            f.write("  approved_by: sre\n")
            f.write(f"  expires: {'2027-01-31' if i % 60 else '2026-10-31'}\n")

    for i in range(n // 10):
        svc = names[(i * 7) % n]
        sev = ["minor", "major", "critical"][i % 3]
        with open(os.path.join(out, "records", "incidents", f"inc-{i:05d}.md"), "w") as f:
            f.write(f"---\nkind: Incident\nid: INC-{i}\nseverity: {sev}\nservices: [{svc}]\n"
                    f"started: 2026-10-{1 + i % 28:02d}T10:00:00Z\nresolved: 2026-10-{1 + i % 28:02d}T11:30:00Z\n"
                    f"playbook_run: https://chat.example.com/playbooks/runs/{i}\n")
            if sev != "minor":
                f.write(f"statuspage: https://status.example.com/incidents/{i}\n"
                        f"postmortem: ../postmortems/pm-{i:05d}.md\n")
            f.write("---\n\nThe service returned errors for 90 minutes.\n")
        if sev != "minor":
            with open(os.path.join(out, "records", "postmortems", f"pm-{i:05d}.md"), "w") as f:
                f.write(f"---\nkind: Postmortem\nincident: INC-{i}\ndate: 2026-10-{3 + i % 28:02d}\n"
                        "action_items:\n  - { title: Add an alert, owner: alice, due: 2026-12-01, done: false }\n"
                        "runbooks: [docs/runbooks/restart.md]\n---\n\n"
                        "The deploy pipeline let a bad config through.\n")
    for m in range(1, 11):
        with open(os.path.join(out, "records", "gamedays", f"2026-{m:02d}.md"), "w") as f:
            f.write(f"---\nkind: Gameday\ndate: 2026-{m:02d}-15\nservices: [{names[m % n]}]\n"
                    "hypothesis: losing a zone keeps p99 under 500ms\nimpact: p99 rose to 420ms\n"
                    "actions:\n  - { title: tune retries, owner: bob, due: 2026-12-15 }\n---\n")
    for comp in ["k8s-prod", "db-main"]:
        with open(os.path.join(out, "records", "dr", f"{comp}.md"), "w") as f:
            f.write(f"---\nkind: DrPlaybook\ncomponent: {comp}\nlast_tested: 2026-06-01\n---\n")
    for i in range(0, n, 3):
        for kind in ["prr", "poc", "security"]:
            with open(os.path.join(out, "records", "reviews", f"{names[i]}-{kind}.md"), "w") as f:
                f.write(f"---\nkind: Review\ntype: {kind}\nservice: {names[i]}\ndate: 2026-03-01\n"
                        f"outcome: approved\nlink: https://docs.example.com/reviews/{i}-{kind}\n---\n")
    with open(os.path.join(out, "records", "deployments.csv"), "w") as f:
        f.write("service,environment,deployer,at\n")
        for i, name in enumerate(names):
            for j, env in enumerate(["dev", "staging", "production"]):
                who = "alice" if i % 4 == 0 else ["alice", "bob", "carol"][j]
                f.write(f"{name},{env},{who},2026-0{1 + j}-10T09:00:00Z\n")
    with open(os.path.join(out, "cost", "2026.csv"), "w") as f:
        f.write("month,environment,pricing,cost_usd,customers\n")
        for m in range(1, 11):
            for env in ["production", "staging", "dev"]:
                for pricing in ["spot", "on_demand", "reserved"]:
                    f.write(f"2026-{m:02d},{env},{pricing},{rnd.randint(100, 10000) * max(1, n // 100)},{1000 + 50 * m}\n")


if __name__ == "__main__":
    main()
