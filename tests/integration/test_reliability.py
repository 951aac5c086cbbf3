# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a module does when Harbor misbehaves (emulator faults), and connection through the environment."""

import os
import tempfile

import pytest

from .ansible_runner import run_playbook

PLAYBOOK = """---
- name: One project task
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Declare the project
      harbor_ops.harbor.harbor_project:
        url: "{{ harbor_url }}"
        username: "{{ harbor_username }}"
        password: "{{ harbor_password }}"
        name: "{{ prefix }}-rel"
        auto_scan: true
"""

ENV_ONLY_PLAYBOOK = """---
- name: Connection from the environment only
  hosts: localhost
  gather_facts: false
  tasks:
    - name: List projects with no connection options
      harbor_ops.harbor.harbor_project_info:
      register: listed

    - name: The environment was used
      ansible.builtin.assert:
        that:
          - "'library' in (listed.projects | map(attribute='name'))"
"""


def write_playbook(text):
    fd, path = tempfile.mkstemp(prefix="harbor_ops_rel_", suffix=".yml")
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    return path


@pytest.fixture(scope="module")
def playbook():
    path = write_playbook(PLAYBOOK)
    yield path
    os.unlink(path)


def test_connection_from_harbor_environment_variables(harbor_target):
    """As AWX injects a credential: HARBOR_* in the controller's environment, no options in the playbook."""
    path = write_playbook(ENV_ONLY_PLAYBOOK)
    try:
        run = run_playbook(path, {}, args=["-vvv"], env={
            "HARBOR_URL": harbor_target.url, "HARBOR_USERNAME": harbor_target.username,
            "HARBOR_PASSWORD": harbor_target.password, "HARBOR_CA_PATH": harbor_target.ca_path or ""})
    finally:
        os.unlink(path)
    assert run.succeeded, run.output
    assert harbor_target.password not in run.stdout + run.stderr


def project_calls(emulator, method):
    return [e for e in emulator.log() if e["method"] == method and e["path"].startswith("/api/v2.0/projects")]


def test_a_get_that_meets_503_is_retried(playbook, harbor_target, faulty_harbor):
    faulty_harbor.clear_log()
    faulty_harbor.fault(path_regex="^/api/v2.0/projects/", method="GET", status=503, count=2)
    run = run_playbook(playbook, harbor_target.playbook_vars())
    assert run.succeeded, run.output
    gets = project_calls(faulty_harbor, "GET")
    assert [g["status"] for g in gets[:3]] == [503, 503, 404]
    assert len(project_calls(faulty_harbor, "POST")) == 1


def test_a_reset_connection_on_get_is_retried(playbook, harbor_target, faulty_harbor):
    faulty_harbor.clear_log()
    faulty_harbor.fault(path_regex="^/api/v2.0/projects/", method="GET", action="reset", count=1)
    run = run_playbook(playbook, harbor_target.playbook_vars())
    assert run.succeeded, run.output
    assert [g["status"] for g in project_calls(faulty_harbor, "GET")][:2] == [None, 404]


def test_a_post_that_meets_503_is_not_repeated(playbook, harbor_target, faulty_harbor):
    faulty_harbor.clear_log()
    faulty_harbor.fault(path_regex="^/api/v2.0/projects$", method="POST", status=503, count=1)
    variables = harbor_target.playbook_vars()
    run = run_playbook(playbook, variables)
    assert not run.succeeded
    assert "POST /projects failed: HTTP 503: internal server error" in run.stdout
    assert [p["status"] for p in project_calls(faulty_harbor, "POST")] == [503]
    # nothing half-applied: the same task run again completes
    run = run_playbook(playbook, variables)
    assert run.succeeded, run.output
    assert [p["status"] for p in project_calls(faulty_harbor, "POST")] == [503, 201]


def test_slow_harbor_meets_the_timeout(playbook, harbor_target, faulty_harbor):
    faulty_harbor.fault(path_regex="^/api/v2.0/projects/", method="GET", latency_ms=3000, count=None)
    try:
        run = run_playbook(playbook, harbor_target.playbook_vars(), env={"HARBOR_TIMEOUT": "1"})
    finally:
        faulty_harbor.clear_faults()
    assert not run.succeeded
    assert "no answer from Harbor" in run.stdout or "timed out" in run.stdout.lower()
