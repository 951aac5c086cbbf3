# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The README's main job: playbooks/configure.yml with playbooks/vars/example.yml, run twice on a fresh Harbor."""

import os

import requests

from tests.harbor_emulator.fixture import EmulatorProcess

from .ansible_runner import run_playbook

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(ROOT, "playbooks", "configure.yml")
EXAMPLE = os.path.join(ROOT, "playbooks", "vars", "example.yml")


def _log(emulator):
    return requests.get(emulator.url + "/_emulator/log", auth=("admin", "Harbor12345"), timeout=10).json()


def _writes(emulator, after_seq):
    return [e for e in _log(emulator) if e["seq"] > after_seq and e["method"] not in ("GET", "HEAD")]


def test_example_configuration_applies_then_converges():
    emulator = EmulatorProcess()
    emulator.start(admin_password="Harbor12345")
    try:
        connection = {"harbor_url": emulator.url, "harbor_username": "admin", "harbor_password": "Harbor12345"}
        first = run_playbook(PLAYBOOK, connection, args=["-e", "@" + EXAMPLE])
        assert first.succeeded, first.output[-5000:]
        assert first.recap["changed"] == 1
        assert _writes(emulator, 0)
        mark = max(e["seq"] for e in _log(emulator))
        second = run_playbook(PLAYBOOK, connection, args=["-e", "@" + EXAMPLE])
        assert second.succeeded, second.output[-5000:]
        assert second.recap["changed"] == 0
        assert _writes(emulator, mark) == []
        listed = requests.get(emulator.url + "/api/v2.0/projects?page_size=100", auth=("admin", "Harbor12345"),
                              timeout=10).json()
        assert {"platform", "base-images", "team-web", "sandbox"} <= {p["name"] for p in listed}
        policy = requests.get(emulator.url + "/api/v2.0/retentions/%s" % [p for p in listed if p["name"] == "platform"][0]
                              ["metadata"]["retention_id"], auth=("admin", "Harbor12345"), timeout=10).json()
        assert [r["template"] for r in policy["rules"]] == ["latestPushedK", "nDaysSinceLastPush"]
    finally:
        emulator.stop()
