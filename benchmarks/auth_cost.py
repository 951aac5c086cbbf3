# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: what authentication costs a no-op run, basic auth against one session login (issue 11).

Harbor v2.15 re-hashes a user's password (PBKDF2-SHA256, 600,000 iterations) on every basic-auth request.
playbooks/configure.yml declares N projects; a first run creates them, then the no-op run is timed with
HARBOR_AUTH_METHOD=basic and with the default (auto: one login), with ``parallelism`` 8 (the default) and 1,
beside the raw lower bound: the same look-ups (``GET /projects/{name}``) sent by one logged-in client, one at a
time and on 8 threads. With ``--core-pid`` (or a local ``harbor_core`` process found in /proc) it also reports
the CPU seconds Harbor's core spent on each run. Against the emulator started with
``--password-hash-cost real`` (which spends that PBKDF2 on every password check and counts them), or
against the real Harbor that HARBOR_URL names (through the recording proxy, which counts the requests).
Measured and reported, never asserted.

    python benchmarks/auth_cost.py [--projects 200] [--skip-basic] [--out benchmarks/results/auth_cost.json]
    HARBOR_URL=http://127.0.0.1:8081 HARBOR_PASSWORD=... python benchmarks/auth_cost.py --out ...
"""

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import conftest  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from tests.harbor_emulator.fixture import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from tests.harbor_emulator.recording_proxy import RecordingProxy  # noqa: E402  pylint: disable=wrong-import-position
from tests.integration.ansible_runner import run_playbook  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import (  # noqa: E402  pylint: disable=wrong-import-position
    NAME_HEADER, HarborClient, path_param)

PLAYBOOK = os.path.join(ROOT, "playbooks", "configure.yml")
INVENTORY = os.path.join(ROOT, "playbooks", "inventory.ini")


def declared_projects(count, prefix):
    return [{"name": "%s-%03d" % (prefix, i), "public": False, "auto_scan": True} for i in range(count)]


def find_core_pid():
    """The pid of a local process named harbor_core, or None."""
    for pid in os.listdir("/proc"):
        try:
            with open("/proc/%s/comm" % pid) as handle:
                if handle.read().strip() == "harbor_core":
                    return int(pid)
        except (OSError, ValueError):
            continue
    return None


def cpu_seconds(pid):
    """User + system CPU seconds of a process so far (from /proc/<pid>/stat), or None."""
    if not pid:
        return None
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / float(os.sysconf("SC_CLK_TCK"))


def spent(before, pid):
    after = cpu_seconds(pid)
    return None if before is None or after is None else round(after - before, 2)


def run(target, projects, auth_method, parallelism=None):
    env = {"HARBOR_AUTH_METHOD": auth_method} if auth_method else {}
    extra = {"harbor_parallelism": parallelism} if parallelism else {}
    seq = target["log"].last_seq()
    if target.get("emulator"):
        target["emulator"].reset_auth_report()
    cpu = cpu_seconds(target.get("core_pid"))
    started = time.monotonic()
    result = run_playbook(PLAYBOOK, dict(target["vars"], harbor_projects=projects,
                                         harbor_health_ignore=target["health_ignore"], **extra),
                          inventory=INVENTORY, env=env, timeout=3600)
    wall = time.monotonic() - started
    if not result.succeeded:
        raise SystemExit("playbook failed:\n" + result.output[-4000:])
    entries = [e for e in target["log"].log() if e["seq"] > seq]
    figures = {"wall_s": round(wall, 2), "changed_tasks": result.recap["changed"], "api_requests": len(entries),
               "writes": len([e for e in entries if e["method"] not in ("GET", "HEAD")]),
               "ms_per_project": round(1000 * wall / len(projects), 1),
               "parallelism": parallelism or 8, "core_cpu_s": spent(cpu, target.get("core_pid"))}
    if target.get("emulator"):
        figures["auth"] = target["emulator"].auth_report()
    return figures


def _client(target):
    variables = target["vars"]
    return HarborClient(target["direct_url"], variables["harbor_username"], variables["harbor_password"],
                        ca_path=os.environ.get("HARBOR_CA_PATH") or None)


def raw_lookups(target, projects, threads):
    """The lower bound: the playbook's look-ups sent straight to Harbor by one logged-in client."""
    client = _client(target)
    client.set_pool_size(threads)
    cpu = cpu_seconds(target.get("core_pid"))
    started = time.monotonic()
    client.ensure_session()  # the one login is part of the bound
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda p: client.get("/projects/" + path_param(p["name"]), headers=NAME_HEADER), projects))
    wall = time.monotonic() - started
    client.logout()
    return {"wall_s": round(wall, 2), "threads": threads, "core_cpu_s": spent(cpu, target.get("core_pid"))}


def remove(target, projects):
    client = _client(target)
    client.ensure_session()
    client.set_pool_size(8)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda p: client.delete("/projects/" + path_param(p["name"]), headers=NAME_HEADER), projects))
    client.logout()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--skip-basic", action="store_true", help="leave out the no-op run with basic auth")
    parser.add_argument("--keep", action="store_true", help="leave the projects in place afterwards")
    parser.add_argument("--core-pid", type=int, help="pid of Harbor's core (default: a local harbor_core)")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "auth_cost.json"))
    args = parser.parse_args()
    emulator = proxy = None
    if os.environ.get("HARBOR_URL"):
        proxy = RecordingProxy(os.environ["HARBOR_URL"], os.environ.get("HARBOR_CA_PATH") or None).start()
        target = {"log": proxy, "health_ignore": [], "direct_url": os.environ["HARBOR_URL"],
                  "core_pid": args.core_pid or find_core_pid(),
                  "vars": {"harbor_url": proxy.url, "harbor_username": os.environ.get("HARBOR_USERNAME", "admin"),
                           "harbor_password": os.environ.get("HARBOR_PASSWORD", "")}}
        where = "real Harbor at %s (through the recording proxy)" % os.environ["HARBOR_URL"]
    else:
        emulator = EmulatorProcess()
        emulator.start(password_hash_cost="real")
        target = {"log": emulator, "emulator": emulator, "health_ignore": [], "direct_url": emulator.url,
                  "core_pid": emulator.pid,
                  "vars": {"harbor_url": emulator.url, "harbor_username": "admin", "harbor_password": "Harbor12345"}}
        where = "emulator with --password-hash-cost real"
    projects = declared_projects(args.projects, "authbench%d" % int(time.time()))
    try:
        report = {"target": where, "projects": args.projects, "first_run_session": run(target, projects, None)}
        if not args.skip_basic:
            report["noop_basic"] = run(target, projects, "basic")
        report["noop_session"] = run(target, projects, None)
        report["noop_session_parallelism_1"] = run(target, projects, None, parallelism=1)
        report["raw_session_lookups_1_thread"] = raw_lookups(target, projects, 1)
        report["raw_session_lookups_8_threads"] = raw_lookups(target, projects, 8)
        if not args.keep:
            remove(target, projects)
    finally:
        if proxy:
            proxy.stop()
        if emulator:
            emulator.stop()
    noop = report["noop_session"]["wall_s"]
    if "noop_basic" in report:
        report["noop_speedup"] = round(report["noop_basic"]["wall_s"] / noop, 2)
    report["noop_vs_raw_1_thread"] = round(noop / report["raw_session_lookups_1_thread"]["wall_s"], 2)
    report["noop_vs_raw_8_threads"] = round(noop / report["raw_session_lookups_8_threads"]["wall_s"], 2)
    with open(args.out, "w") as handle:
        json.dump(report, handle, indent=2, sort_keys=True)
        handle.write("\n")
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
