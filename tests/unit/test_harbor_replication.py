# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_replication and harbor_replication_execution with every HTTP call scripted."""

import pytest

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_replication import main
from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_replication_execution import main as execution_main

from .http_script import Call

BASE = "/api/v2.0"
PAGE = {"page": "1", "page_size": "100"}
REMOTE = {"id": 2, "name": "primary", "type": "harbor", "url": "https://harbor.example.com"}
LOCAL = {"id": 0, "name": "Local", "type": "harbor"}
ARGS = {"name": "nightly", "mode": "pull", "registry": "primary", "dest_namespace": "mirror",
        "dest_namespace_replace_count": 0,
        "filters": [{"type": "tag", "value": "*-rc*", "decoration": "excludes"}, {"type": "name", "value": "library/**"},
                    {"type": "label", "value": ["signed", "approved"]}],
        "trigger": {"type": "scheduled", "cron": "0 2 * * *"}}
SENT_FILTERS = [{"type": "label", "value": ["approved", "signed"], "decoration": "matches"},
                {"type": "name", "value": "library/**"},
                {"type": "tag", "value": "*-rc*", "decoration": "excludes"}]


def policy(**extra):
    return dict({"id": 4, "name": "nightly", "src_registry": REMOTE, "dest_registry": LOCAL, "dest_namespace": "mirror",
                 "dest_namespace_replace_count": 0, "enabled": True, "override": True, "deletion": False,
                 "replicate_deletion": False, "speed": 0,
                 "filters": [{"type": "name", "value": "library/**"},
                             {"type": "tag", "value": "*-rc*", "decoration": "excludes"},
                             {"type": "label", "value": ["signed", "approved"], "decoration": "matches"}],
                 "trigger": {"type": "scheduled", "trigger_settings": {"cron": "0 0 2 * * *"}}}, **extra)


def registry_lookup(found=True):
    return Call("GET", BASE + "/registries", query=dict(PAGE, q="name=primary"), answer=[REMOTE] if found else [])


def lookup(*found):
    return Call("GET", BASE + "/replication/policies", query=dict(PAGE, q="name=nightly"), answer=list(found))


def full_body(**extra):
    return dict({"name": "nightly", "description": "", "src_registry": {"id": 2}, "dest_registry": {"id": 0},
                 "dest_namespace": "mirror", "dest_namespace_replace_count": 0, "filters": SENT_FILTERS,
                 "override": True, "deletion": False, "replicate_deletion": False, "enabled": True, "speed": 0,
                 "trigger": {"type": "scheduled", "trigger_settings": {"cron": "0 0 2 * * *"}}}, **extra)


def test_create_sends_the_registry_id_the_six_field_cron_and_both_deletion_fields(run_module):
    calls = [registry_lookup(), lookup(),
             Call("POST", BASE + "/replication/policies", status=201, headers={"Location": "/api/v2.0/replication/policies/4"},
                  body=full_body()),
             Call("GET", BASE + "/replication/policies/4", answer=policy())]
    result, dummy = run_module(main, ARGS, calls)
    assert result["changed"] is True and result["policy"]["id"] == 4


def test_repeat_is_reads_only(run_module):
    result, http = run_module(main, ARGS, [registry_lookup(), lookup(policy())])
    assert result["changed"] is False
    assert len(http.sent) == 2


def test_update_sends_the_whole_merged_policy(run_module):
    current = policy(copy_by_chunk=True, description="keep me")
    calls = [registry_lookup(), lookup(current),
             Call("PUT", BASE + "/replication/policies/4",
                  body=full_body(dest_namespace_replace_count=-1, deletion=True, replicate_deletion=True,
                                 description="keep me", copy_by_chunk=True)),
             Call("GET", BASE + "/replication/policies/4", answer=current)]
    args = dict(ARGS, dest_namespace_replace_count=-1, replicate_deletion=True)
    result, dummy = run_module(main, args, calls, diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"dest_namespace_replace_count": 0, "replicate_deletion": False},
                              "after": {"dest_namespace_replace_count": -1, "replicate_deletion": True}}


def test_check_mode_reads_only(run_module):
    result, http = run_module(main, dict(ARGS, enabled=False), [registry_lookup(), lookup(policy())], check_mode=True)
    assert result["changed"] is True
    assert all(s.startswith("GET") for s in http.sent)


def test_missing_registry_is_refused_before_any_write(run_module):
    result, http = run_module(main, ARGS, [registry_lookup(found=False)])
    assert result["failed"] is True and "registry='primary'" in result["msg"]
    assert len(http.sent) == 1


@pytest.mark.parametrize("change, message", [
    ({"filters": [{"type": "label", "value": "signed"}]}, "filters[0].value: a label filter takes a list"),
    ({"filters": [{"type": "name", "value": "x", "decoration": "excludes"}]}, "only tag and label filters"),
    ({"filters": [{"type": "resource", "value": "chart"}]}, "image or artifact"),
    ({"trigger": {"type": "scheduled", "cron": "30 0 2 * * *"}}, "the seconds field (first of 6) must be 0"),
    ({"trigger": {"type": "scheduled", "cron": "* 2 * * *"}}, "minutes field of '*'"),
    ({"trigger": {"type": "manual", "cron": "0 2 * * *"}}, "only used with trigger.type=scheduled"),
    ({"trigger": {"type": "event_based"}, "single_active_replication": True}, "cannot be used with trigger.type=event_based"),
    ({"dest_namespace_replace_count": -2}, "dest_namespace_replace_count must be -1"),
    ({"speed": -5}, "speed is in KB/s"),
])
def test_bad_input_is_refused_without_a_request(run_module, change, message):
    result, http = run_module(main, dict(ARGS, **change), [])
    assert result["failed"] is True
    assert message in result["msg"]
    assert http.sent == []


def test_delete_then_delete_again(run_module):
    calls = [lookup(policy()), Call("DELETE", BASE + "/replication/policies/4")]
    result, dummy = run_module(main, {"name": "nightly", "state": "absent"}, calls)
    assert result["changed"] is True
    result, dummy = run_module(main, {"name": "nightly", "state": "absent"}, [lookup()])
    assert result["changed"] is False


# ----------------------------------------------------------------------------------------------
# executions

def execution(status="Succeed", **extra):
    return dict({"id": 9, "policy_id": 4, "status": status, "trigger": "manual", "total": 2, "succeed": 2, "failed": 0,
                 "in_progress": 0, "stopped": 0}, **extra)


def test_start_and_wait_reports_failed_tasks(run_module, monkeypatch):
    monkeypatch.setattr("ansible_collections.harbor_ops.harbor.plugins.modules.harbor_replication_execution.POLL_SECONDS", 0)
    task = {"id": 31, "status": "Failed", "src_resource": "library/app [2 item(s) in total]",
            "dst_resource": "mirror/app [2 item(s) in total]"}
    calls = [lookup(policy()),
             Call("POST", BASE + "/replication/executions", body={"policy_id": 4}, status=201,
                  headers={"Location": "/api/v2.0/replication/executions/9"}),
             Call("GET", BASE + "/replication/executions/9", answer=execution("InProgress")),
             Call("GET", BASE + "/replication/executions/9", answer=execution("Failed", succeed=1, failed=1)),
             Call("GET", BASE + "/replication/executions/9/tasks", query=dict(PAGE, status="Failed"), answer=[task]),
             Call("GET", BASE + "/replication/executions/9/tasks/31/log", raw="copying library/app:v2 failed: HTTP 500\n")]
    result, dummy = run_module(execution_main, {"policy": "nightly", "wait": True}, calls)
    assert result["failed"] is True
    assert "library/app [2 item(s) in total] -> mirror/app [2 item(s) in total]" in result["msg"]
    assert result["failed_tasks"][0]["log"].startswith("copying library/app:v2 failed")


def test_start_in_check_mode_starts_nothing(run_module):
    result, http = run_module(execution_main, {"policy": "nightly"}, [lookup(policy())], check_mode=True)
    assert result["changed"] is True and result["execution"] is None
    assert len(http.sent) == 1


def test_disabled_policy_is_refused(run_module):
    result, dummy = run_module(execution_main, {"policy": "nightly"}, [lookup(policy(enabled=False))])
    assert result["failed"] is True and "is disabled" in result["msg"]


def test_stop_only_what_runs(run_module):
    running = Call("GET", BASE + "/replication/executions", query=dict(PAGE, policy_id="4", status="InProgress"),
                   answer=[execution("InProgress")])
    calls = [lookup(policy()), running, Call("PUT", BASE + "/replication/executions/9"),
             Call("GET", BASE + "/replication/executions/9", answer=execution("Stopped"))]
    result, dummy = run_module(execution_main, {"policy": "nightly", "action": "stop"}, calls)
    assert result["changed"] is True and result["executions"][0]["status"] == "Stopped"
    idle = Call("GET", BASE + "/replication/executions", query=dict(PAGE, policy_id="4", status="InProgress"), answer=[])
    result, dummy = run_module(execution_main, {"policy": "nightly", "action": "stop"}, [lookup(policy()), idle])
    assert result["changed"] is False


def test_list_recent(run_module):
    calls = [lookup(policy()), Call("GET", BASE + "/replication/executions",
                                    query=dict(PAGE, policy_id="4", sort="-id"), answer=[execution(), execution(id=8)])]
    result, dummy = run_module(execution_main, {"policy": "nightly", "action": "list", "limit": 1}, calls)
    assert result["changed"] is False and [e["id"] for e in result["executions"]] == [9]
