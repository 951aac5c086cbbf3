# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_label with every HTTP call scripted."""

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_label import main

from .http_script import Call

BASE = "/api/v2.0"


def global_lookup(*found):
    return Call("GET", BASE + "/labels", query={"scope": "g", "q": "name=production", "page": "1", "page_size": "100"},
                answer=list(found))


LABEL = {"id": 5, "name": "production", "description": "ok", "color": "#2e7d32", "scope": "g"}


def test_create_global(run_module):
    calls = [global_lookup(),
             Call("POST", BASE + "/labels", status=201, headers={"Location": "/api/v2.0/labels/5"},
                  body={"name": "production", "scope": "g", "description": "", "color": "#2E7D32"}),
             Call("GET", BASE + "/labels/5", answer=LABEL)]
    result, dummy = run_module(main, {"name": "production", "color": "#2e7d32"}, calls)
    assert result["changed"] is True and result["label"]["id"] == 5


def test_repeat_is_one_get_and_colour_case_ignored(run_module):
    result, http = run_module(main, {"name": "production", "color": "#2E7D32", "description": "ok"}, [global_lookup(LABEL)])
    assert result["changed"] is False and len(http.sent) == 1


def test_update_sends_all_three_fields(run_module):
    calls = [global_lookup(LABEL),
             Call("PUT", BASE + "/labels/5", body={"name": "production", "description": "new", "color": "#2E7D32"}),
             Call("GET", BASE + "/labels/5", answer=dict(LABEL, description="new"))]
    result, dummy = run_module(main, {"name": "production", "description": "new"}, calls, diff=True)
    assert result["diff"] == {"before": {"description": "ok"}, "after": {"description": "new"}}


def test_project_label_uses_project_id(run_module):
    calls = [Call("GET", BASE + "/projects/releases", answer={"project_id": 12, "name": "releases"}),
             Call("GET", BASE + "/labels", query={"scope": "p", "project_id": "12", "q": "name=qa", "page": "1",
                                                  "page_size": "100"}, answer=[]),
             Call("POST", BASE + "/labels", status=201, headers={"Location": "/api/v2.0/labels/6"},
                  body={"name": "qa", "scope": "p", "project_id": 12, "description": "", "color": ""}),
             Call("GET", BASE + "/labels/6", answer={"id": 6, "name": "qa", "scope": "p", "project_id": 12})]
    result, dummy = run_module(main, {"name": "qa", "scope": "project", "project": "releases"}, calls)
    assert result["changed"] is True


def test_bad_input_refused_before_any_request(run_module):
    for args, words in (({"name": "x", "color": "green"}, "#RRGGBB"),
                        ({"name": "x", "scope": "project"}, "scope=project needs project"),
                        ({"name": "x", "project": "p"}, "goes with scope=project"),
                        ({"name": "x" * 129}, "1 to 128")):
        result, http = run_module(main, args, [])
        assert result["failed"] is True and words in result["msg"] and http.sent == []


def test_check_mode_and_delete(run_module):
    result, http = run_module(main, {"name": "production", "description": "x"}, [global_lookup(LABEL)], check_mode=True)
    assert result["changed"] is True and len(http.sent) == 1
    result, dummy = run_module(main, {"name": "production", "state": "absent"},
                               [global_lookup(LABEL), Call("DELETE", BASE + "/labels/5")])
    assert result["changed"] is True and result["label"] is None
