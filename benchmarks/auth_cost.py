# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: what authentication costs a no-op run, basic auth against one session login (issue 11).

Harbor v2.15 re-hashes a user's password (PBKDF2-SHA256, 600,000 iterations) on every basic-auth request.
playbooks/configure.yml declares N projects; a first run creates them, then the no-op run is timed with
HARBOR_AUTH_METHOD=basic and with the default (auto: one login). Against the emulator started with
``--password-hash-cost real`` (which spends that PBKDF2 on every password check and counts them), or
against the real Harbor that HARBOR_URL names (through the recording proxy, which counts the requests).
Measured and reported, never asserted.

    python benchmarks/auth_cost.py [--projects 200] [--out benchmarks/results/auth_cost.json]
    HARBOR_URL=http://127.0.0.1:8081 HARBOR_PASSWORD=... python benchmarks/auth_cost.py --out ...
"""

import argparse
import json
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import conftest  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from tests.harbor_emulator.fixture import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from tests.harbor_emulator.recording_proxy import RecordingProxy  # noqa: E402  pylint: disable=wrong-import-position
from tests.integration.ansible_runner import run_playbook  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOK = os.path.join(ROOT, "playbooks", "configure.yml")
INVENTORY = os.path.join(ROOT, "playbooks", "inventory.ini")


def declared_projects(count, prefix):
    return [{"name": "%s-%03d" % (prefix, i), "public": False, "auto_scan": True} for i in range(count)]


def run(target, projects, auth_method):
    env = {"HARBOR_AUTH_METHOD": auth_method} if auth_method else {}
    seq = target["log"].last_seq()
    if target.get("emulator"):
        target["emulator"].reset_auth_report()
    started = time.monotonic()
    result = run_playbook(PLAYBOOK, dict(target["vars"], harbor_projects=projects,
                                         harbor_health_ignore=target["health_ignore"]),
                          inventory=INVENTORY, env=env, timeout=3600)
    wall = time.monotonic() - started
    if not result.succeeded:
        raise SystemExit("playbook failed:\n" + result.output[-4000:])
    entries = [e for e in target["log"].log() if e["seq"] > seq]
    figures = {"wall_s": round(wall, 2), "changed_tasks": result.recap["changed"], "api_requests": len(entries),
               "writes": len([e for e in entries if e["method"] not in ("GET", "HEAD")]),
               "ms_per_project": round(1000 * wall / len(projects), 1)}
    if target.get("emulator"):
        figures["auth"] = target["emulator"].auth_report()
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "auth_cost.json"))
    args = parser.parse_args()
    emulator = proxy = None
    if os.environ.get("HARBOR_URL"):
        proxy = RecordingProxy(os.environ["HARBOR_URL"], os.environ.get("HARBOR_CA_PATH") or None).start()
        target = {"log": proxy, "health_ignore": [],
                  "vars": {"harbor_url": proxy.url, "harbor_username": os.environ.get("HARBOR_USERNAME", "admin"),
                           "harbor_password": os.environ.get("HARBOR_PASSWORD", "")}}
        where = "real Harbor at %s (through the recording proxy)" % os.environ["HARBOR_URL"]
    else:
        emulator = EmulatorProcess()
        emulator.start(password_hash_cost="real")
        target = {"log": emulator, "emulator": emulator, "health_ignore": [],
                  "vars": {"harbor_url": emulator.url, "harbor_username": "admin", "harbor_password": "Harbor12345"}}
        where = "emulator with --password-hash-cost real"
    projects = declared_projects(args.projects, "authbench%d" % int(time.time()))
    try:
        report = {"target": where, "projects": args.projects,
                  "first_run_session": run(target, projects, None),
                  "noop_basic": run(target, projects, "basic"),
                  "noop_session": run(target, projects, None)}
    finally:
        if proxy:
            proxy.stop()
        if emulator:
            emulator.stop()
    report["noop_speedup"] = round(report["noop_basic"]["wall_s"] / report["noop_session"]["wall_s"], 2)
    with open(args.out, "w") as handle:
        json.dump(report, handle, indent=2, sort_keys=True)
        handle.write("\n")
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
