# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: fault campaigns over a 31-item declaration (issue 12). Measured and reported, never asserted.

Each campaign injects one kind of fault into 20% of the matching requests (the emulator's `probability` faults,
seeded) and runs `playbooks/configure.yml` with the same declaration until a run succeeds; then, with the faults
gone, one more run (it must change nothing and send no write) and a count of every declared item on Harbor (a
duplicate is a second item of the same name). The declaration: 4 users, 6 projects, 6 members, 5 labels,
2 registries (`update_secret: on_create`: a secret sent always is a write on every run, by design),
2 replication policies, 3 webhooks, 3 retention policies (31 items over 8 kinds).

Campaigns (each on a fresh emulator): 503 on any request; connection reset (request never processed) on any
request; lost answer (processed, then the connection dropped) on any write; the three mixed (about 7% each,
20% in all). Per campaign: runs until one succeeded, failed runs, requests sent, faults that fired, duplicates,
and the clean run's changed count and writes.

    python benchmarks/fault_campaign.py [--share 0.2] [--seeds 1,2,3] [--max-runs 25]
        [--out benchmarks/results/fault_campaign.json]
"""

import argparse
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# conftest makes this checkout importable as the collection
import conftest  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
import requests  # noqa: E402  pylint: disable=wrong-import-position
from tests.harbor_emulator.fixture import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from tests.integration.ansible_runner import run_playbook  # noqa: E402  pylint: disable=wrong-import-position

PASSWORD = "Harbor12345"
PLAYBOOK = os.path.join(ROOT, "playbooks", "configure.yml")
INVENTORY = os.path.join(ROOT, "playbooks", "inventory.ini")
EVERY_REQUEST = "^/api/v2.0/"
WRITES = ("POST", "PUT", "DELETE", "PATCH")


def declaration(url):
    """31 items over 8 kinds, references between them (members -> users and projects, policies -> registries)."""
    users = [{"name": "fc-user%d" % i, "email": "fc-user%d@example.com" % i, "realname": "Fault campaign %d" % i,
              "user_password": "Fault-Campaign-%d-pw" % i} for i in range(4)]
    projects = [{"name": "fc-p%d" % i, "public": i % 2 == 0, "auto_scan": True, "storage_quota": "%dG" % (i + 1)}
                for i in range(6)]
    members = [{"project": "fc-p%d" % i, "user_name": "fc-user%d" % (i % 4),
                "role": ("developer", "maintainer", "guest")[i % 3]} for i in range(6)]
    labels = [{"name": "fc-l%d" % i, "description": "label %d" % i} for i in range(3)]
    labels += [{"name": "fc-pl%d" % i, "scope": "project", "project": "fc-p%d" % i} for i in range(2)]
    registries = [{"name": "fc-reg%d" % i, "type": "harbor", "endpoint_url": url, "access_key": "admin",
                   "access_secret": PASSWORD, "update_secret": "on_create"} for i in range(2)]
    policies = [{"name": "fc-push%d" % i, "mode": "push", "registry": "fc-reg%d" % i,
                 "filters": [{"type": "name", "value": "fc-p%d/**" % i}], "trigger": {"type": "manual"}}
                for i in range(2)]
    webhooks = [{"project": "fc-p%d" % i, "name": "ci", "event_types": ["PUSH_ARTIFACT"],
                 "targets": [{"address": "https://ci.example.com/hooks/%d" % i}]} for i in range(3)]
    retentions = [{"project": "fc-p%d" % i, "rules": [{"template": "latestPushedK", "count": 5 + i}]}
                  for i in range(3)]
    return {"harbor_users": users, "harbor_projects": projects, "harbor_members": members, "harbor_labels": labels,
            "harbor_registries": registries, "harbor_replication_policies": policies, "harbor_webhooks": webhooks,
            "harbor_retentions": retentions}


def campaigns(share):
    third = 1 - (1 - share) ** (1.0 / 3)  # three faults drawn one after another: `share` of the requests in all
    return {
        "503_any_request": [{"path_regex": EVERY_REQUEST, "status": 503, "probability": share}],
        "reset_any_request": [{"path_regex": EVERY_REQUEST, "action": "reset", "probability": share}],
        "lost_answer_any_write": [{"path_regex": EVERY_REQUEST, "method": m, "action": "lost_answer",
                                   "probability": share} for m in WRITES],
        "mixed_503_reset_lost_answer": (
            [{"path_regex": EVERY_REQUEST, "status": 503, "probability": third},
             {"path_regex": EVERY_REQUEST, "action": "reset", "probability": third}]
            + [{"path_regex": EVERY_REQUEST, "method": m, "action": "lost_answer", "probability": third}
               for m in WRITES]),
    }


def duplicates(url, declared):
    """Names declared once that Harbor holds more than once, per kind."""
    session = requests.Session()
    session.auth = ("admin", PASSWORD)
    api = url + "/api/v2.0"

    def names(path, key, **params):
        listed = session.get(api + path, params=dict(params, page_size=100), timeout=30).json() or []
        return [item[key] for item in listed]
    found = {
        "users": names("/users", "username"),
        "projects": names("/projects", "name"),
        "labels": names("/labels", "name", scope="g"),
        "registries": names("/registries", "name"),
        "replication_policies": names("/replication/policies", "name"),
    }
    for label in declared["harbor_labels"]:
        if label.get("scope") == "project":
            project_id = session.get(api + "/projects/" + label["project"], timeout=30).json()["project_id"]
            found["labels"] += names("/labels", "name", scope="p", project_id=project_id)
    for webhook in declared["harbor_webhooks"]:
        found.setdefault("webhooks", []).extend(
            "%s/%s" % (webhook["project"], n) for n in names("/projects/%s/webhook/policies" % webhook["project"], "name"))
    for member in declared["harbor_members"]:
        found.setdefault("members", []).extend(
            "%s/%s" % (member["project"], n)
            for n in names("/projects/%s/members" % member["project"], "entity_name") if n == member["user_name"])
    for retention in declared["harbor_retentions"]:
        project = session.get(api + "/projects/" + retention["project"], timeout=30).json()
        found.setdefault("retentions", []).append(project["name"] if project["metadata"].get("retention_id") else None)
    return {kind: sorted({n for n in items if n and items.count(n) > 1}) for kind, items in found.items()
            if any(n and items.count(n) > 1 for n in items)}


def run_campaign(name, faults, seed, max_runs):
    emulator = EmulatorProcess().start(admin_password=PASSWORD)
    try:
        declared = declaration(emulator.url)
        variables = dict(declared, harbor_url=emulator.url, harbor_username="admin", harbor_password=PASSWORD)
        for index, fault in enumerate(faults):
            emulator.control("POST", "faults", dict(fault, count=None, seed=seed * 100 + index))
        started = time.monotonic()
        failed, runs = 0, 0
        while runs < max_runs:
            runs += 1
            if run_playbook(PLAYBOOK, variables, inventory=INVENTORY).succeeded:
                break
            failed += 1
        wall = time.monotonic() - started
        faulted_log = emulator.log()
        fired = sum(f.get("fired", 0) for f in emulator.control("GET", "faults"))
        emulator.clear_faults()
        mark = emulator.last_seq()
        clean = run_playbook(PLAYBOOK, variables, inventory=INVENTORY)
        clean_writes = [e for e in emulator.log() if e["seq"] > mark and e["method"] not in ("GET", "HEAD")]
        return {"campaign": name, "seed": seed, "converged": failed < runs, "runs": runs, "failed_runs": failed,
                "wall_s": round(wall, 1), "requests": len(faulted_log), "faults_fired": fired,
                "clean_run": {"succeeded": clean.succeeded, "changed": clean.recap.get("changed"),
                              "writes": len(clean_writes),
                              "written": sorted({"%s %s" % (e["method"], e["path"]) for e in clean_writes})},
                "duplicates": duplicates(emulator.url, declared)}
    finally:
        emulator.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, default=0.2)
    parser.add_argument("--seeds", default="1,2,3")
    parser.add_argument("--max-runs", type=int, default=25)
    parser.add_argument("--campaigns", default=",".join(campaigns(0.2)))
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "fault_campaign.json"))
    args = parser.parse_args()
    chosen = campaigns(args.share)
    results = []
    for name in args.campaigns.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            results.append(run_campaign(name, chosen[name], seed, args.max_runs))
            print(json.dumps(results[-1]), flush=True)
    report = {"share": args.share, "items": 31, "cpus": os.cpu_count(), "load_avg": os.getloadavg(),
              "results": results}
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as handle:
        json.dump(report, handle, indent=2)


if __name__ == "__main__":
    main()
