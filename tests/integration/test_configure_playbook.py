# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The README's main job: playbooks/configure.yml with playbooks/vars/example.yml, run twice.

Against the emulator, or against the real Harbor that HARBOR_URL names, through the recording proxy
(the access log counts the writes either way). A real Harbor may hold the example already from an
earlier run: the first run then changes nothing, and the second must still write nothing.
"""

import os

import requests

from .ansible_runner import run_playbook

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "configure.yml")
EXAMPLE = os.path.join(ROOT, "playbooks", "vars", "example.yml")


def _writes(log, after_seq):
    return [e for e in log.log() if e["seq"] > after_seq and e["method"] not in ("GET", "HEAD")]


def test_example_configuration_applies_then_converges(harbor_target):
    log = harbor_target.access_log
    auth = (harbor_target.username, harbor_target.password)
    connection = {"harbor_url": harbor_target.url, "harbor_username": harbor_target.username,
                  "harbor_password": harbor_target.password}
    start = log.last_seq()
    first = run_playbook(PLAYBOOK, connection, args=["-e", "@" + EXAMPLE])
    assert first.succeeded, first.output[-5000:]
    if harbor_target.is_emulator:  # a fresh emulator: the example is created
        assert first.recap["changed"] == 1
    assert bool(_writes(log, start)) == (first.recap["changed"] == 1)
    mark = log.last_seq()
    second = run_playbook(PLAYBOOK, connection, args=["-e", "@" + EXAMPLE])
    assert second.succeeded, second.output[-5000:]
    assert second.recap["changed"] == 0
    assert _writes(log, mark) == []
    listed = requests.get(harbor_target.url + "/api/v2.0/projects?page_size=100", auth=auth, timeout=30).json()
    assert {"platform", "base-images", "team-web", "sandbox"} <= {p["name"] for p in listed}
    platform = [p for p in listed if p["name"] == "platform"][0]
    policy = requests.get(harbor_target.url + "/api/v2.0/retentions/%s" % platform["metadata"]["retention_id"],
                          auth=auth, timeout=30).json()
    assert [r["template"] for r in policy["rules"]] == ["latestPushedK", "nDaysSinceLastPush"]
