# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_webhook with every HTTP call scripted."""

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_webhook import main

from .http_script import Call

BASE = "/api/v2.0"
POLICIES = BASE + "/projects/12/webhook/policies"
TOKEN = "Bearer tok-9f8e7d"
EVENTS = {"event_type": ["PUSH_ARTIFACT", "PULL_ARTIFACT", "SCANNING_COMPLETED"], "notify_type": ["http", "slack"],
          "payload_formats": [{"notify_type": "http", "formats": ["Default", "CloudEvents"]}]}


def project():
    return Call("GET", BASE + "/projects/hooks", answer={"project_id": 12, "name": "hooks", "metadata": {}})


def lookup(*found):
    return Call("GET", POLICIES, query={"q": "name=ci", "page": "1", "page_size": "100"}, answer=list(found))


def events():
    return Call("GET", BASE + "/projects/12/webhook/events", answer=EVENTS)


def stored(**extra):
    policy = {"id": 3, "name": "ci", "project_id": 12, "enabled": True, "event_types": ["SCANNING_COMPLETED", "PUSH_ARTIFACT"],
              "targets": [{"type": "http", "address": "https://ci.example.com/hook", "auth_header": TOKEN,
                           "payload_format": "Default"}]}
    policy.update(extra)
    return policy


ARGS = {"project": "hooks", "name": "ci", "event_types": ["PUSH_ARTIFACT", "SCANNING_COMPLETED"],
        "targets": [{"address": "https://ci.example.com/hook/?token=x", "auth_header": TOKEN}]}


def test_create_enabled_with_normalised_address(run_module):
    body = {"name": "ci", "description": "", "enabled": True, "event_types": ["PUSH_ARTIFACT", "SCANNING_COMPLETED"],
            "targets": [{"type": "http", "address": "https://ci.example.com/hook/", "skip_cert_verify": False,
                         "auth_header": TOKEN, "payload_format": "Default"}]}
    calls = [project(), lookup(), events(),
             Call("POST", POLICIES, status=201, headers={"Location": POLICIES + "/3"}, body=body),
             Call("GET", POLICIES + "/3", answer=stored())]
    result, dummy = run_module(main, ARGS, calls, diff=True)
    assert result["changed"] is True
    assert result["webhook"]["targets"][0]["auth_header"] == "********"
    assert "tok-9f8e7d" not in str(result)


def test_second_run_compares_sets_and_sends_nothing(run_module):
    args = dict(ARGS, targets=[{"address": "https://ci.example.com/hook", "auth_header": TOKEN}])
    result, http = run_module(main, args, [project(), lookup(stored()), events()])
    assert result["changed"] is False and all(s.startswith("GET") for s in http.sent)


def test_auth_header_change_shows_fingerprints_only(run_module):
    args = dict(ARGS, targets=[{"address": "https://ci.example.com/hook", "auth_header": "Bearer new-tok"}])
    calls = [project(), lookup(stored()), events(), Call("PUT", POLICIES + "/3"), Call("GET", POLICIES + "/3", answer=stored())]
    result, dummy = run_module(main, args, calls, diff=True)
    before, after = result["diff"]["before"]["targets"][0], result["diff"]["after"]["targets"][0]
    assert before["auth_header"].startswith("sha256:") and after["auth_header"] != before["auth_header"]
    assert "tok-9f8e7d" not in str(result) and "new-tok" not in str(result["diff"])


def test_disable_puts_whole_policy(run_module):
    body = {"name": "ci", "description": "", "enabled": False, "event_types": ["PUSH_ARTIFACT", "SCANNING_COMPLETED"],
            "targets": stored()["targets"]}
    calls = [project(), lookup(stored()), Call("PUT", POLICIES + "/3", body=body),
             Call("GET", POLICIES + "/3", answer=stored(enabled=False))]
    result, dummy = run_module(main, {"project": "hooks", "name": "ci", "enabled": False}, calls, diff=True)
    assert result["diff"] == {"before": {"enabled": True}, "after": {"enabled": False}}


def test_unknown_event_type_refused_before_write(run_module):
    result, http = run_module(main, dict(ARGS, event_types=["PUSH_ARTIFACT", "TAG_EXPLODED"]), [project(), lookup(), events()])
    assert result["failed"] is True and "TAG_EXPLODED not supported" in result["msg"] and "PULL_ARTIFACT" in result["msg"]
    assert all(s.startswith("GET") for s in http.sent)


def test_slack_with_payload_format_and_missing_fields(run_module):
    args = dict(ARGS, targets=[{"address": "https://hooks.slack.com/x", "type": "slack", "payload_format": "CloudEvents"}])
    result, http = run_module(main, args, [])
    assert result["failed"] is True and "slack targets take no payload format" in result["msg"] and http.sent == []
    result, dummy = run_module(main, {"project": "hooks", "name": "ci"}, [project(), lookup()])
    assert result["failed"] is True and "event_types and targets are required" in result["msg"]


def test_check_mode_and_delete(run_module):
    result, http = run_module(main, ARGS, [project(), lookup(), events()], check_mode=True)
    assert result["changed"] is True and result["webhook"] is None and len(http.sent) == 3
    result, dummy = run_module(main, {"project": "hooks", "name": "ci", "state": "absent"},
                               [project(), lookup(stored()), Call("DELETE", POLICIES + "/3")])
    assert result["changed"] is True and result["webhook"] is None
