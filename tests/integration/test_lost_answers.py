# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 12: a create whose answer is lost (Harbor did it, the answer never came) must not leave anything
unusable. Every create of every kind loses its answer once (the ``lost_answer`` fault of the emulator, or of the
recording proxy in front of a real Harbor); re-runs converge with no duplicate, then a run writes nothing, and the
robots' secrets work: the one Harbor generated is in its file, the chosen one is the robot's.
"""

import os
import threading
import uuid

import requests

from .ansible_runner import run_playbook

PLAYBOOK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks", "lost_answers.yml")
CREATES = tuple("^/api/v2.0" + path for path in (
    "/users$", "/registries$", "/projects$", "/projects/[^/]+/members$", "/labels$", "/projects/[^/]+/webhook/policies$",
    "/retentions$", "/replication/policies$", "/robots$"))


def _writes(log, after_seq):
    return [e for e in log.log() if e["seq"] > after_seq and e["method"] not in ("GET", "HEAD")]


def _token_status(harbor_target, username, secret):
    return requests.get(harbor_target.url + "/service/token", params={"service": "harbor-registry"},
                        auth=(username, secret), timeout=30, verify=harbor_target.ca_path or True).status_code


def test_every_create_that_loses_its_answer_converges_on_a_re_run(harbor_target, tmp_path):
    log = harbor_target.access_log
    variables = harbor_target.playbook_vars(secret_dir=str(tmp_path), chosen_secret="Lost-%s-A1" % uuid.uuid4().hex[:8])
    prefix = variables["prefix"]
    log.clear_faults()
    for regex in CREATES:
        log.fault(path_regex=regex, method="POST", action="lost_answer", count=1)
    failures = []
    try:
        for dummy in range(len(CREATES) + 2):
            run = run_playbook(PLAYBOOK, variables)
            if run.succeeded:
                break
            failures.append(run.output)
    finally:
        log.clear_faults()
    assert run.succeeded, run.output[-4000:]
    assert len(failures) >= 8  # each lost answer failed one run (a kind's failure stops the run)
    assert all("no answer from Harbor" in f or "cannot reach Harbor" in f or "Connection aborted" in f
               for f in failures), failures[-1][-2000:]
    mark = log.last_seq()
    again = run_playbook(PLAYBOOK, variables)
    assert again.succeeded and again.recap["changed"] == 0, again.output[-4000:]
    assert _writes(log, mark) == []

    auth = (harbor_target.username, harbor_target.password)
    api = harbor_target.url + "/api/v2.0"

    def named(path, key, value, **params):
        listed = requests.get(api + path, params=dict(params, page_size=100), auth=auth, timeout=30).json() or []
        return [item for item in listed if item.get(key) == value]

    assert len(named("/users", "username", prefix + "-user", q="username=" + prefix + "-user")) == 1
    assert len(named("/registries", "name", prefix + "-reg")) == 1
    projects = named("/projects", "name", prefix, name=prefix)
    assert len(projects) == 1
    assert len(named("/labels", "name", prefix + "-label", scope="g")) == 1
    assert len(named("/replication/policies", "name", prefix + "-push")) == 1
    assert len(named("/projects/%s/webhook/policies" % prefix, "name", "ci")) == 1
    robots = requests.get(api + "/robots", params={"q": "Level=project,ProjectID=%d" % projects[0]["project_id"],
                                                   "page_size": 100}, auth=auth, timeout=30).json()
    assert sorted(r["name"] for r in robots) == ["robot$%s+chosen" % prefix, "robot$%s+generated" % prefix]
    # usable: the generated secret is in its file, the chosen secret is the robot's
    generated = (tmp_path / "generated.secret").read_text()
    assert _token_status(harbor_target, "robot$%s+generated" % prefix, generated) == 200
    assert _token_status(harbor_target, "robot$%s+chosen" % prefix, variables["chosen_secret"]) == 200
    for path in ("/replication/policies", "/registries"):
        for item in named(path, "name", prefix + ("-push" if "policies" in path else "-reg")):
            requests.delete("%s%s/%s" % (api, path, item["id"]), auth=auth, timeout=30)


def test_two_runs_at_once_both_converge(harbor_target, tmp_path):
    """Two identical runs at once: the one that loses a create race meets HTTP 409, re-reads and converges.
    The first create of each kind is held back 1.5 s so that both runs have looked everything up before it lands."""
    log = harbor_target.access_log
    variables = harbor_target.playbook_vars(secret_dir=str(tmp_path), chosen_secret="Pair-%s-A1" % uuid.uuid4().hex[:8])
    log.clear_faults()
    for regex in CREATES:
        log.fault(path_regex=regex, method="POST", latency_ms=1500, count=1)
    runs = [None, None]

    def run(index, secret_dir):
        os.makedirs(secret_dir, exist_ok=True)
        runs[index] = run_playbook(PLAYBOOK, dict(variables, secret_dir=secret_dir))

    threads = [threading.Thread(target=run, args=(i, str(tmp_path / ("run%d" % i)))) for i in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        log.clear_faults()
    for outcome in runs:
        assert outcome.succeeded, outcome.output[-4000:]
    conflicts = [e for e in log.log() if e["method"] == "POST" and e["status"] == 409]
    assert conflicts, "no create race happened: the test did not exercise the 409 path"
    mark = log.last_seq()
    again = run_playbook(PLAYBOOK, dict(variables, secret_dir=str(tmp_path / "run0")))
    assert again.succeeded, again.output[-4000:]
    auth = (harbor_target.username, harbor_target.password)
    listed = requests.get(harbor_target.url + "/api/v2.0/projects", params={"name": variables["prefix"]}, auth=auth,
                          timeout=30).json()
    assert [p["name"] for p in listed].count(variables["prefix"]) == 1
    assert [e for e in log.log() if e["seq"] > mark and e["method"] not in ("GET", "HEAD")] == []
