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
    # each by name: a real Harbor may hold more projects than one page lists
    found = dict((name, requests.get(harbor_target.url + "/api/v2.0/projects/" + name, auth=auth, timeout=30,
                                     headers={"X-Is-Resource-Name": "true"}))
                 for name in ("platform", "base-images", "team-web", "sandbox"))
    assert dict((name, answer.status_code) for name, answer in found.items()) == dict.fromkeys(found, 200)
    platform = found["platform"].json()
    policy = requests.get(harbor_target.url + "/api/v2.0/retentions/%s" % platform["metadata"]["retention_id"],
                          auth=auth, timeout=30).json()
    assert [r["template"] for r in policy["rules"]] == ["latestPushedK", "nDaysSinceLastPush"]


SECRET_ITEMS = {
    "harbor_users": [{"name": "vvv-user", "email": "vvv@example.com", "realname": "V", "user_password": "Vvv-Passw0rd-1"}],
    "harbor_registries": [{"name": "vvv-reg", "type": "harbor", "endpoint_url": "https://r.example.com",
                           "access_key": "k", "access_secret": "Vvv-Reg-S3cret-2"}],
    "harbor_scanners": [{"name": "vvv-scan", "endpoint_url": "https://s.example.com", "auth": "Bearer",
                         "access_credential": "Vvv-Scan-Cred-3"}],
    "harbor_webhooks": [{"project": "vvv", "name": "w", "event_types": ["PUSH_ARTIFACT"],
                         "targets": [{"address": "https://ci.example.com", "auth_header": "Bearer Vvv-H00k-4"}]}],
}


def test_a_failing_configure_run_at_vvv_prints_no_declared_secret(harbor_target):
    """issue 12: an invalid item made harbor_reconcile print every declared secret in invocation.module_args."""
    connection = {"harbor_url": harbor_target.url, "harbor_username": harbor_target.username,
                  "harbor_password": harbor_target.password}
    start = harbor_target.access_log.last_seq()
    failing = dict(connection, harbor_projects=[{"name": "vvv", "pubic": True}], **SECRET_ITEMS)
    run = run_playbook(PLAYBOOK, failing, args=["-vvv"])
    assert not run.succeeded and "pubic" in run.output
    assert "module_args" in run.output  # -vvv shows the invocation: the secrets must be masked in it
    leaked = [s for s in ("Vvv-Passw0rd-1", "Vvv-Reg-S3cret-2", "Vvv-Scan-Cred-3", "Vvv-H00k-4", harbor_target.password)
              if s in run.output]
    assert leaked == []
    assert _writes(harbor_target.access_log, start) == []
