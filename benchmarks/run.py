# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmarks: measured and reported, never asserted.

projects_noop: 200 projects declared in one playbook, a first run that creates them, then a second
run that should change nothing, done two ways:
- reconcile: playbooks/configure.yml, one harbor_reconcile task for all projects;
- loop: benchmarks/projects_loop.yml, one harbor_project task per project (a module start-up each).
Reports the requests per project of the no-op run (target: 1 GET, 0 writes), the wall time of both
runs, and as the lower bound the same 200 look-ups done directly with one requests.Session.

    python benchmarks/run.py [--projects 200] [--modes reconcile,loop] [--out benchmarks/results/projects_noop.json]
"""

import argparse
import collections
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
PLAYBOOKS = {"reconcile": os.path.join(ROOT, "playbooks", "configure.yml"),
             "loop": os.path.join(ROOT, "benchmarks", "projects_loop.yml")}
INVENTORY = os.path.join(ROOT, "playbooks", "inventory.ini")


def declared_projects(count):
    return [{"name": "bench-%03d" % i, "public": i % 5 == 0, "auto_scan": True, "prevent_vulnerable": i % 2 == 0,
             "severity": "high"} for i in range(count)]


def timed_run(emulator, playbook, projects):
    emulator.clear_log()
    started = time.monotonic()
    run = run_playbook(playbook, {"harbor_url": emulator.url, "harbor_username": "admin", "harbor_password": PASSWORD,
                                  "harbor_projects": projects}, inventory=INVENTORY, timeout=1800)
    wall = time.monotonic() - started
    if not run.succeeded:
        raise SystemExit("playbook failed:\n" + run.output[-4000:])
    log = emulator.log()
    return wall, run.recap, log


def direct_lookups(url, names):
    session = requests.Session()
    session.auth = ("admin", PASSWORD)
    started = time.monotonic()
    for name in names:
        response = session.get("%s/api/v2.0/projects/%s" % (url, name), headers={"X-Is-Resource-Name": "true"})
        response.raise_for_status()
    return time.monotonic() - started


def per_method(log, prefix="/api/v2.0/projects/"):
    counts = collections.Counter(entry["method"] for entry in log if entry["path"].startswith(prefix))
    return dict(counts)


def measure(mode, projects):
    """First and no-op run of one mode against a fresh emulator."""
    emulator = EmulatorProcess()
    emulator.start(admin_password=PASSWORD)
    try:
        first_wall, first_recap, first_log = timed_run(emulator, PLAYBOOKS[mode], projects)
        second_wall, second_recap, second_log = timed_run(emulator, PLAYBOOKS[mode], projects)
        direct = direct_lookups(emulator.url, [p["name"] for p in projects])
    finally:
        emulator.stop()
    writes = [e for e in second_log if e["method"] not in ("GET", "HEAD")]
    project_requests = per_method(second_log)
    count = len(projects)
    return {
        "first_run": {"wall_s": round(first_wall, 2), "changed_tasks": first_recap["changed"], "requests": len(first_log)},
        "noop_run": {
            "wall_s": round(second_wall, 2), "changed_tasks": second_recap["changed"], "requests": len(second_log),
            "writes": len(writes), "project_requests_by_method": project_requests,
            "requests_per_project": round(sum(project_requests.values()) / float(count), 3),
            "ms_per_project": round(1000 * second_wall / count, 1),
        },
        "direct_requests_session": {"wall_s": round(direct, 3), "ms_per_lookup": round(1000 * direct / count, 2)},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--modes", default="reconcile,loop")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "projects_noop.json"))
    args = parser.parse_args()
    projects = declared_projects(args.projects)
    result = {"projects": args.projects, "cpus": os.cpu_count()}
    for mode in args.modes.split(","):
        result[mode] = measure(mode, projects)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
