# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_retention_execution with every HTTP call scripted."""

import pytest

from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.retention_execution import parse_task_log
from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_retention_execution import main

from .http_script import Call

BASE = "/api/v2.0"
NAME = {"X-Is-Resource-Name": "true"}
EXECUTIONS = BASE + "/retentions/4/executions"
PAGE = {"page": "1", "page_size": "100"}
KEEP, DROP = "sha256:" + "a" * 64, "sha256:" + "b" * 64
LOG = """2026-11-23T10:12:44Z [INFO] [/pkg/retention/job.go:83]: Run retention process.
 Repository: keep/app
2026-11-23T10:12:44Z [INFO] [/pkg/retention/job.go:193]:
| Digest | Tag | Kind | Labels | PushedTime | PulledTime | CreatedTime | Retention |
|--------|-----|------|--------|------------|------------|-------------|-----------|
| %s | v2,latest | image |  | 2026/11/22 10:00:00 |  | 2026/11/22 10:00:00 | RETAIN |
| %s | v1 | image |  | 2026/11/01 10:00:00 |  | 2026/11/01 10:00:00 | DEL |
""" % (KEEP, DROP)


def rule(template="latestPushedK", value=1, **extra):
    return dict({"id": 1, "priority": 1, "action": "retain", "template": template,
                 "params": {template: value} if value is not None else {},
                 "tag_selectors": [{"kind": "doublestar", "decoration": "matches", "pattern": "**"}],
                 "scope_selectors": {"repository": [{"kind": "doublestar", "decoration": "repoMatches", "pattern": "**"}]}},
                **extra)


def lookups(rules=None, retention_id=4):
    metadata = {"retention_id": str(retention_id)} if retention_id else {}
    calls = [Call("GET", BASE + "/projects/keep", answer={"project_id": 12, "name": "keep", "metadata": metadata},
                  request_headers=NAME)]
    if retention_id:
        policy = {"id": 4, "algorithm": "or", "rules": rules or [rule()], "scope": {"level": "project", "ref": 12}}
        calls.append(Call("GET", BASE + "/retentions/4", answer=policy))
    return calls


def execution(status, dry_run=False):
    answer = {"id": 9, "policy_id": 4, "status": status, "trigger": "MANUAL", "start_time": "2026-11-23T10:12:44.512Z"}
    if dry_run:
        answer["dry_run"] = True  # go-swagger leaves a false one out
    return answer


def test_dry_run_waits_and_reports_per_repository(run_module, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    calls = lookups() + [
        Call("POST", EXECUTIONS, body={"dry_run": True}, status=201, headers={"Location": EXECUTIONS + "/9"}),
        Call("GET", EXECUTIONS, query=PAGE, answer=[execution("Running", True)]),
        Call("GET", EXECUTIONS, query=PAGE, answer=[execution("Success", True)]),
        Call("GET", EXECUTIONS + "/9/tasks", query=PAGE,
             answer=[{"id": 70, "execution_id": 9, "repository": "app", "status": "Success", "total": 2, "retained": 1}]),
        Call("GET", EXECUTIONS + "/9/tasks/70", raw=LOG)]
    result, dummy = run_module(main, {"project": "keep", "dry_run": True}, calls)
    assert result["changed"] is True and result["execution"]["status"] == "Success" and result["dry_run"] is True
    assert result["repositories"] == [{"repository": "app", "task_id": 70, "status": "Success", "total": 2,
                                       "retained_count": 1, "retained": [{"digest": KEEP, "tags": ["v2", "latest"]}],
                                       "deleted": [{"digest": DROP, "tags": ["v1"]}]}]
    assert result["deleted_count"] == 1 and result["retained_count"] == 1


def test_real_run_defaults_dry_run_false_in_the_answer(run_module):
    calls = lookups() + [
        Call("POST", EXECUTIONS, body={"dry_run": False}, status=201, headers={"Location": EXECUTIONS + "/9"}),
        Call("GET", EXECUTIONS, query=PAGE, answer=[execution("Success")]),
        Call("GET", EXECUTIONS + "/9/tasks", query=PAGE, answer=[])]
    result, dummy = run_module(main, {"project": "keep"}, calls)
    assert result["execution"]["dry_run"] is False and result["repositories"] == [] and result["deleted_count"] == 0


def test_no_wait_returns_the_started_execution(run_module):
    calls = lookups() + [
        Call("POST", EXECUTIONS, body={"dry_run": False}, status=201, headers={"Location": EXECUTIONS + "/9"}),
        Call("GET", EXECUTIONS, query=PAGE, answer=[execution("Running")])]
    result, dummy = run_module(main, {"project": "keep", "wait": False}, calls)
    assert result["changed"] is True and result["execution"]["status"] == "Running" and "deleted_count" not in result


def test_check_mode_reads_only(run_module):
    result, http = run_module(main, {"project": "keep"}, lookups(), check_mode=True)
    assert result["changed"] is True and result["execution"] is None and "would run" in result["msg"]
    assert all(line.startswith("GET ") for line in http.sent) and len(http.sent) == 2


def test_failed_execution_fails_with_the_repositories(run_module):
    calls = lookups() + [
        Call("POST", EXECUTIONS, status=201, headers={"Location": EXECUTIONS + "/9"}),
        Call("GET", EXECUTIONS, query=PAGE, answer=[execution("Error")]),
        Call("GET", EXECUTIONS + "/9/tasks", query=PAGE,
             answer=[{"id": 71, "repository": "app", "status": "Error", "total": 0, "retained": 0}]),
        Call("GET", EXECUTIONS + "/9/tasks/71", raw="2026-11-23T10:12:44Z [ERROR] retention job: boom\n")]
    result, dummy = run_module(main, {"project": "keep"}, calls)
    assert result["failed"] is True and "ended Error" in result["msg"] and "app" in result["msg"]
    assert result["repositories"][0]["log_tail"] == ["2026-11-23T10:12:44Z [ERROR] retention job: boom"]


@pytest.mark.parametrize("rules, words", [
    ([rule(template="keepForever")], ["template 'keepForever'", "latestPushedK, latestPulledN"]),
    ([rule(value=0)], ["latestPushedK", "count=0", "1 or more"]),
    ([rule(template="nDaysSinceLastPull", value=-2)], ["days=-2", "1 or more"]),
    ([rule(template="latestPulledN", value=None)], ["count=None"]),
])
def test_bad_stored_policy_refused_before_any_write(run_module, rules, words):
    result, http = run_module(main, {"project": "keep"}, lookups(rules))
    assert result["failed"] is True and "harbor_retention" in result["msg"]
    for word in words:
        assert word in result["msg"]
    assert all(line.startswith("GET ") for line in http.sent)


def test_disabled_bad_rule_is_not_run_so_not_refused(run_module):
    calls = lookups([rule(template="keepForever", disabled=True), dict(rule(), id=2)]) + [
        Call("POST", EXECUTIONS, status=201, headers={"Location": EXECUTIONS + "/9"}),
        Call("GET", EXECUTIONS, query=PAGE, answer=[execution("Running")])]
    result, dummy = run_module(main, {"project": "keep", "wait": False}, calls)
    assert result["changed"] is True


def test_project_without_policy_or_missing(run_module):
    result, http = run_module(main, {"project": "keep"}, lookups(retention_id=None))
    assert result["failed"] is True and "no tag retention policy" in result["msg"] and len(http.sent) == 1
    missing = [Call("GET", BASE + "/projects/keep", status=404, answer={"errors": [{"code": "NOT_FOUND", "message": "x"}]},
                    request_headers=NAME)]
    result, dummy = run_module(main, {"project": "keep"}, missing)
    assert result["failed"] is True and "does not exist" in result["msg"]


def test_bad_wait_timeout_refused_before_any_request(run_module):
    result, http = run_module(main, {"project": "keep", "wait_timeout": 0}, [])
    assert result["failed"] is True and "wait_timeout" in result["msg"] and http.sent == []


def test_parse_task_log_ignores_everything_but_the_table():
    assert parse_task_log(LOG) == [(KEEP, ["v2", "latest"], "RETAIN"), (DROP, ["v1"], "DEL")]
    assert parse_task_log("") == [] and parse_task_log("no table here\n| a | b |\n") == []
