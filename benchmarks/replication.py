# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: replicate N tags (about 200 MB) between two emulator instances with real registries.

Reports, never asserts:
- the pull execution on the DR instance: wall time, MB/s, blobs moved;
- the same tags copied with plain `skopeo copy` (one process per tag, into a fresh instance): wall time, MB/s;
- the no-op second execution: wall time and the requests it sent to the primary's /v2/;
- emulator startup with the registry not yet started, and the lazy start of `docker-registry` on first /v2/ use.

    python benchmarks/replication.py [--tags 50] [--repos 5] [--mb 200] [--out benchmarks/results/replication.json]
"""

import argparse
import http.cookiejar
import json
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import requests  # noqa: E402  pylint: disable=wrong-import-position
from tests import oci_images  # noqa: E402  pylint: disable=wrong-import-position
from tests.harbor_emulator.fixture import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position

LAYERS_PER_TAG = 2


def session():
    bare = requests.Session()
    bare.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return bare


def created_id(response):
    response.raise_for_status()
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def run_execution(http, dr, policy_id):
    started = time.monotonic()
    execution_id = created_id(http.post(dr.api + "/replication/executions", json={"policy_id": policy_id}, auth=dr.admin))
    execution = oci_images.wait_execution(http, dr, execution_id, timeout=1800)
    return execution, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=50)
    parser.add_argument("--repos", type=int, default=5)
    parser.add_argument("--mb", type=float, default=200.0, help="total image size in MB")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "replication.json"))
    args = parser.parse_args()
    http = session()
    layer_size = int(args.mb * 1024 * 1024 / args.tags / LAYERS_PER_TAG)
    work = tempfile.mkdtemp(prefix="bench-replication-")
    instances = []
    try:
        started = time.monotonic()
        primary = EmulatorProcess().start()
        startup = time.monotonic() - started
        dr, baseline = EmulatorProcess().start(), EmulatorProcess().start()
        instances = [primary, dr, baseline]
        started = time.monotonic()
        http.get(primary.url + "/v2/", auth=primary.admin).raise_for_status()
        lazy_start = time.monotonic() - started

        layout = os.path.join(work, "layout")
        tags = []
        started = time.monotonic()
        for index in range(args.tags):
            repo, tag = "library/bench-%d" % (index % args.repos), "t%03d" % index
            oci_images.build_layout(layout, tag, layers=LAYERS_PER_TAG, layer_size=layer_size)
            oci_images.push(layout, tag, primary, repo)
            tags.append((repo, tag))
        push_seconds = time.monotonic() - started
        repositories = http.get(primary.api + "/projects/library/repositories", auth=primary.admin,
                                params={"page_size": 100}).json()
        total_bytes = 0
        for repository in repositories:
            artifacts = http.get("%s/projects/library/repositories/%s/artifacts" % (primary.api, repository["name"].split("/", 1)[1]),
                                 auth=primary.admin, params={"page_size": 100}).json()
            total_bytes += sum(a["size"] for a in artifacts)

        registry_id = created_id(http.post(dr.api + "/registries", auth=dr.admin, json={
            "name": "primary", "type": "harbor", "url": primary.url,
            "credential": {"type": "basic", "access_key": "admin", "access_secret": primary.admin[1]}}))
        policy_id = created_id(http.post(dr.api + "/replication/policies", auth=dr.admin, json={
            "name": "bench", "src_registry": {"id": registry_id}, "enabled": True, "override": True,
            "filters": [{"type": "name", "value": "library/bench-*"}]}))
        first, first_seconds = run_execution(http, dr, policy_id)
        primary.clear_log()
        second, second_seconds = run_execution(http, dr, policy_id)
        noop_requests = [e for e in primary.log() if e["path"].startswith("/v2")]

        started = time.monotonic()
        for repo, tag in tags:
            oci_images.skopeo_copy(primary, repo, baseline, repo, tag)
        skopeo_seconds = time.monotonic() - started

        megabytes = total_bytes / 1024.0 / 1024.0
        results = {
            "tags": args.tags, "repositories": args.repos, "total_mb": round(megabytes, 1),
            "emulator_startup_s": round(startup, 3), "registry_lazy_start_s": round(lazy_start, 3),
            "push_with_skopeo_s": round(push_seconds, 2),
            "replication": {"status": first["status"], "tasks": first["total"], "succeed": first["succeed"],
                            "seconds": round(first_seconds, 2), "mb_per_s": round(megabytes / first_seconds, 1)},
            "skopeo_copy": {"seconds": round(skopeo_seconds, 2), "mb_per_s": round(megabytes / skopeo_seconds, 1)},
            "noop_execution": {"status": second["status"], "tasks": second["total"], "seconds": round(second_seconds, 2),
                               "primary_v2_requests": len(noop_requests),
                               "primary_v2_methods": sorted({e["method"] for e in noop_requests})},
        }
    finally:
        for instance in instances:
            instance.stop()
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=2)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
