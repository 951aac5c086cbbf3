# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/dr_failover.yml, dr_failback.yml and dr_sync.yml against two emulators with real registries.

The DR site pulls library/** from the primary. Content is checked through each instance's /v2/ by digest;
check mode and second runs are checked through both access logs (no write at all).
"""

import json
import os
import re
import signal

import pytest

from tests import oci_images

from .ansible_runner import run_playbook
from .test_replication_dr import _session

pytestmark = pytest.mark.skipif(bool(os.environ.get("HARBOR_URL")), reason="needs two emulator instances")

PLAYBOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "playbooks")
SWITCH_TASKS = """---
- name: Point the service name at the new site (a file stands for DNS here)
  ansible.builtin.copy:
    content: "{{ harbor_dr_switch_to }} {{ harbor_dr_switch_to_url }}\\n"
    dest: "%s"
    mode: "0644"
"""


class DR(object):
    """Two sites, the DR site pulling library/** from the primary, and the variables of the DR playbooks."""

    def __init__(self, factory, tmp_path):
        self.tmp_path = tmp_path
        self.primary, self.site = factory(), factory()
        self.layout = str(tmp_path / "layout")
        self.digests = {}
        for tag in ("v1", "v2"):
            self.push(self.primary, "library/app", tag)
        self.push(self.primary, "library/tools", "v1")
        self.state_dir = tmp_path / "state"
        self.dns = tmp_path / "dns"
        switch = tmp_path / "switch.yml"
        switch.write_text(SWITCH_TASKS % self.dns)
        self.vars = {
            "harbor_dr_primary_url": self.primary.url, "harbor_dr_primary_password": self.primary.admin[1],
            "harbor_dr_primary_timeout": 3,
            "harbor_dr_site_url": self.site.url, "harbor_dr_site_password": self.site.admin[1],
            "harbor_dr_state_dir": str(self.state_dir), "harbor_dr_switch_tasks": str(switch),
            "harbor_dr_wait_timeout": 60,
        }
        # the DR site pulls library/** from the primary, and has run once (set up through the API: faster than a play)
        session = _session()
        api, auth = self.site.api, self.site.admin
        response = session.post(api + "/registries", auth=auth, json={
            "name": "primary", "type": "harbor", "url": self.primary.url, "insecure": True,
            "credential": {"type": "basic", "access_key": "admin", "access_secret": self.primary.admin[1]}})
        assert response.status_code == 201, response.text
        registry_id = int(response.headers["Location"].rsplit("/", 1)[1])
        response = session.post(api + "/replication/policies", auth=auth, json={
            "name": "from-primary", "src_registry": {"id": registry_id}, "dest_registry": {"id": 0},
            "filters": [{"type": "name", "value": "library/**"}], "trigger": {"type": "manual"},
            "enabled": True, "override": True, "deletion": False, "replicate_deletion": False})
        assert response.status_code == 201, response.text
        policy_id = int(response.headers["Location"].rsplit("/", 1)[1])
        response = session.post(api + "/replication/executions", auth=auth, json={"policy_id": policy_id})
        assert response.status_code == 201, response.text
        execution = oci_images.wait_execution(session, self.site, response.headers["Location"].rsplit("/", 1)[1])
        assert execution["status"] == "Succeed", execution

    def push(self, emulator, repository, tag):
        self.digests["%s:%s" % (repository, tag)] = oci_images.build_layout(self.layout, tag, layers=1, layer_size=4096)
        oci_images.push(self.layout, tag, emulator, repository)

    def playbook(self, name, check=False, **extra):
        args = ["--check"] if check else []
        return run_playbook(os.path.join(PLAYBOOKS, name), dict(self.vars, **extra), args=args)

    def marks(self):
        return [site.last_seq() for site in (self.primary, self.site)]

    def writes_since(self, marks):
        return [entry for site, mark in zip((self.primary, self.site), marks) for entry in site.writes_since(mark)]

    def serves(self, emulator, expected_keys):
        """{repo:tag: digest} that `emulator` serves through /v2/ for the repositories of `expected_keys`."""
        session = _session()
        served = {}
        for repository in sorted(set(key.rsplit(":", 1)[0] for key in expected_keys)):
            for tag, digest in oci_images.v2_tags(session, emulator, repository).items():
                served["%s:%s" % (repository, tag)] = digest
        return served

    def read_only(self, emulator):
        return _session().get(emulator.api + "/configurations", auth=emulator.admin).json()["read_only"]["value"]

    def policy(self, emulator, name):
        policies = _session().get(emulator.api + "/replication/policies", auth=emulator.admin).json()
        return dict({"enabled": False}, **[p for p in policies if p["name"] == name][0])

    def state(self):
        return json.loads((self.state_dir / "state.json").read_text())


def _result(run):
    """The harbor_dr_result fact is not printed; the report line carries RTO and RPO."""
    match = re.search(r"RTO ([0-9.]+) s, RPO ([0-9.]+|unknown)", run.stdout)
    assert match, run.output[-6000:]
    return match.group(1), match.group(2)


@pytest.fixture
def dr(harbor_emulator_factory, tmp_path):
    return DR(harbor_emulator_factory, tmp_path)


def test_failover_with_the_primary_up_then_failback(dr):
    dr.push(dr.primary, "library/app", "v3")  # after the last replication: only the final sync brings it
    everything = dict(dr.digests)
    assert "library/app:v3" not in dr.serves(dr.site, everything)

    marks = dr.marks()
    run = dr.playbook("dr_failover.yml", check=True)
    assert run.succeeded, run.output
    assert dr.writes_since(marks) == []
    assert "Would verify" in run.stdout and "lacks 1: library/app:v3@" in run.stdout
    assert not dr.dns.exists() and not (dr.state_dir / "state.json").exists()
    assert dr.policy(dr.site, "from-primary")["enabled"] is True and dr.read_only(dr.primary) is False

    run = dr.playbook("dr_failover.yml")
    assert run.succeeded, run.output
    assert dr.serves(dr.site, everything) == everything
    rto, rpo = _result(run)
    assert float(rto) > 0 and float(rpo) < 60
    assert dr.read_only(dr.primary) is True and dr.read_only(dr.site) is False
    assert dr.policy(dr.site, "from-primary")["enabled"] is False
    assert dr.dns.read_text() == "dr %s\n" % dr.site.url
    state = dr.state()
    assert state["state"] == "failed_over" and state["policies"] == ["from-primary"]
    inventory = json.loads((dr.state_dir / "inventory.json").read_text())
    assert inventory["inventory"]["library/app"]["v3"] == everything["library/app:v3"]

    dr.dns.unlink()
    marks = dr.marks()
    run = dr.playbook("dr_failover.yml")
    assert run.succeeded and run.recap["changed"] == 0, run.output
    assert "Already failed over" in run.stdout
    assert dr.writes_since(marks) == [] and not dr.dns.exists()

    # clients now write to the DR site
    dr.push(dr.site, "library/app", "v4")
    dr.push(dr.site, "library/newrepo", "v1")
    everything = dict(dr.digests)

    marks = dr.marks()
    run = dr.playbook("dr_failback.yml", check=True)
    assert run.succeeded, run.output
    assert dr.writes_since(marks) == []
    assert "Would run pull policy harbor-dr-failback on the primary" in run.stdout
    assert "library/app:v4" not in dr.serves(dr.primary, everything) and not dr.dns.exists()

    run = dr.playbook("dr_failback.yml")
    assert run.succeeded, run.output
    assert dr.serves(dr.primary, everything) == everything
    assert dr.read_only(dr.primary) is False and dr.read_only(dr.site) is False
    assert dr.policy(dr.site, "from-primary")["enabled"] is True
    # the copy ran on the primary: the frozen (read-only) DR site refuses to start executions and to take pushes
    assert dr.policy(dr.primary, "harbor-dr-failback")["enabled"] is False
    assert dr.dns.read_text() == "primary %s\n" % dr.primary.url
    assert dr.state()["state"] == "primary"

    dr.dns.unlink()
    marks = dr.marks()
    run = dr.playbook("dr_failback.yml")
    assert run.succeeded and run.recap["changed"] == 0, run.output
    assert "Already failed back" in run.stdout
    assert dr.writes_since(marks) == [] and not dr.dns.exists()


def test_failover_with_the_primary_killed(dr):
    dr.push(dr.primary, "library/app", "v3")
    run = dr.playbook("dr_sync.yml")  # the scheduled sync: replicates v3 and saves the primary's inventory
    assert run.succeeded, run.output
    synced = dict(dr.digests)
    dr.push(dr.primary, "library/app", "v5")  # never replicated: lost with the primary, and not expected
    os.kill(dr.primary.pid, signal.SIGKILL)

    # without a saved inventory there is nothing to verify against: refused before any write
    mark = dr.site.last_seq()
    run = dr.playbook("dr_failover.yml", harbor_dr_state_dir=str(dr.tmp_path / "empty"))
    assert not run.succeeded
    assert "inventory.json does not exist" in run.stdout
    assert dr.site.writes_since(mark) == []

    run = dr.playbook("dr_failover.yml")
    assert run.succeeded, run.output
    assert dr.serves(dr.site, synced) == synced
    rto, rpo = _result(run)
    assert float(rto) > 0 and float(rpo) >= 0
    assert "does not answer" in run.stdout
    assert dr.policy(dr.site, "from-primary")["enabled"] is False
    assert dr.state()["state"] == "failed_over" and dr.dns.read_text() == "dr %s\n" % dr.site.url

    mark = dr.site.last_seq()
    run = dr.playbook("dr_failover.yml")
    assert run.succeeded and run.recap["changed"] == 0, run.output
    assert "Already failed over" in run.stdout and dr.site.writes_since(mark) == []
