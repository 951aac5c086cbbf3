# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_purge_audit with every HTTP call scripted."""

import json

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_purge_audit import main

from .http_script import Call

PATH = "/api/v2.0/system/purgeaudit/schedule"


def stored(hours=720, events="login_user,pull_artifact", kind="Weekly", cron="0 0 0 * * 0"):
    params = {"audit_retention_hour": hours, "include_event_types": events, "dry_run": False}
    return {"id": 4, "job_name": "PURGE_AUDIT_LOG", "job_parameters": json.dumps(params),
            "schedule": {"type": kind, "cron": cron}}


ARGS = {"schedule": "Weekly", "audit_retention_hour": 720, "include_event_types": ["pull_artifact", "LOGIN_USER"]}


def test_create_sends_comma_string(run_module):
    body = {"schedule": {"type": "Weekly", "cron": "0 0 0 * * 0"},
            "parameters": {"audit_retention_hour": 720, "include_event_types": "login_user,pull_artifact", "dry_run": False}}
    calls = [Call("GET", PATH, raw=""), Call("PUT", PATH, body=body), Call("GET", PATH, answer=stored())]
    result, dummy = run_module(main, ARGS, calls)
    assert result["changed"] is True


def test_repeat_compares_event_set(run_module):
    result, http = run_module(main, ARGS, [Call("GET", PATH, answer=stored(events="pull_artifact,login_user"))])
    assert result["changed"] is False and len(http.sent) == 1


def test_none_keeps_required_parameters(run_module):
    body = {"schedule": {"type": "None"},
            "parameters": {"audit_retention_hour": 720, "include_event_types": "login_user,pull_artifact", "dry_run": False}}
    calls = [Call("GET", PATH, answer=stored()), Call("PUT", PATH, body=body), Call("GET", PATH, raw="")]
    result, dummy = run_module(main, {"schedule": "None"}, calls)
    assert result["changed"] is True and result["purge_audit_schedule"] == {}


def test_bad_input_refused_before_any_request(run_module):
    for args, words in (({"schedule": "Daily", "audit_retention_hour": 240001}, "audit_retention_hour=240001"),
                        ({"include_event_types": ["pull_artifact", "teleport"]}, "unknown teleport"),
                        ({"cron": "1 0 0 * * *"}, "seconds")):
        result, http = run_module(main, args, [])
        assert result["failed"] is True and words in result["msg"] and http.sent == [], result


def test_new_schedule_needs_parameters(run_module):
    result, http = run_module(main, {"schedule": "Daily"}, [Call("GET", PATH, raw="")])
    assert result["failed"] is True and "audit_retention_hour and include_event_types" in result["msg"]
    assert len(http.sent) == 1
