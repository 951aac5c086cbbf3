# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: failover RTO on loopback, two emulator instances with real registries (not part of the test suite).

Reports, never asserts:
- primary up: `dr_failover.yml` wall time and the RTO it reports (start of the run to the DR site verified by digest),
  with --tags tags pushed to the primary after the last sync, so the final sync copies them;
- primary killed (SIGKILL) after a `dr_sync.yml` run: the same, verified against the saved inventory;
- the idempotent second run (already failed over) and the load average while measuring.

    python benchmarks/dr_failover.py [--tags 20] [--layer-kb 256] [--out benchmarks/results/dr_failover.json]
"""

import argparse
import json
import os
import re
import signal
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.abspath(os.path.dirname(__file__)))
sys.path.insert(0, ROOT)

# conftest sets HARBOR_OPS_COLLECTIONS_ROOT, which ansible-playbook needs
import conftest  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
from tests import oci_images  # noqa: E402  pylint: disable=wrong-import-position
from tests.harbor_emulator.fixture import EmulatorProcess  # noqa: E402  pylint: disable=wrong-import-position
from tests.integration.test_dr_playbooks import DR  # noqa: E402  pylint: disable=wrong-import-position

REPORT = re.compile(r"RTO ([0-9.]+) s, RPO ([0-9.]+|unknown)")


class Factory(object):
    def __init__(self):
        self.started = []

    def __call__(self, **kwargs):
        self.started.append(EmulatorProcess().start(**kwargs))
        return self.started[-1]

    def stop(self):
        for emulator in self.started:
            emulator.stop()


def push_tags(dr, count, layer_kb):
    for index in range(count):
        tag = "b%d" % index
        repository = "library/bench%d" % (index % 4)
        dr.digests["%s:%s" % (repository, tag)] = oci_images.build_layout(dr.layout, tag, layers=2, layer_size=layer_kb * 1024)
        oci_images.push(dr.layout, tag, dr.primary, repository)


def timed(dr, playbook):
    started = time.monotonic()
    run = dr.playbook(playbook)
    wall = time.monotonic() - started
    if not run.succeeded:
        raise RuntimeError(run.output[-4000:])
    match = REPORT.search(run.stdout)
    return {"wall_seconds": round(wall, 2), "rto_seconds": float(match.group(1)) if match else None,
            "rpo_seconds": float(match.group(2)) if match and match.group(2) != "unknown" else None,
            "changed": run.recap["changed"]}


def scenario(args, killed):
    factory = Factory()
    with tempfile.TemporaryDirectory(prefix="dr-bench-") as tmp:
        try:
            dr = DR(factory, _Path(tmp))
            push_tags(dr, args.tags, args.layer_kb)
            result = {"tags_on_primary": len(dr.digests), "tags_for_the_final_sync": 0 if killed else args.tags}
            if killed:
                result["dr_sync"] = timed(dr, "dr_sync.yml")
                os.kill(dr.primary.pid, signal.SIGKILL)
            result["failover"] = timed(dr, "dr_failover.yml")
            served = dr.serves(dr.site, dr.digests)
            result["dr_serves_every_tag_by_digest"] = served == dr.digests
            result["second_run"] = timed(dr, "dr_failover.yml")
            return result
        finally:
            factory.stop()


class _Path(str):
    """The bits of pathlib.Path that DR uses, on a plain directory name."""

    def __truediv__(self, name):
        return _File(os.path.join(self, name))


class _File(_Path):
    def write_text(self, text):
        with open(self, "w", encoding="utf-8") as handle:
            handle.write(text)

    def read_text(self):
        with open(self, encoding="utf-8") as handle:
            return handle.read()

    def exists(self):
        return os.path.exists(self)

    def unlink(self):
        os.unlink(self)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=20)
    parser.add_argument("--layer-kb", type=int, default=256)
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "dr_failover.json"))
    args = parser.parse_args()
    report = {"tags": args.tags, "layer_kb": args.layer_kb, "load_average_before": os.getloadavg()[0],
              "primary_up": scenario(args, killed=False), "primary_killed": scenario(args, killed=True),
              "load_average_after": os.getloadavg()[0]}
    print(json.dumps(report, indent=2))
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2)
        handle.write("\n")


if __name__ == "__main__":
    main()
