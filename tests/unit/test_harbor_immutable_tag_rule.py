# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_immutable_tag_rule with every HTTP call scripted."""

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_immutable_tag_rule import main

from .http_script import Call

BASE = "/api/v2.0"
RULES = BASE + "/projects/12/immutabletagrules"
LIST_QUERY = {"page": "1", "page_size": "100"}


def project():
    return Call("GET", BASE + "/projects/frozen", answer={"project_id": 12, "name": "frozen", "metadata": {}},
                request_headers={"X-Is-Resource-Name": "true"})


def harbor(pattern="v*", repo="**", disabled=None, rule_id=None, repo_decoration="repoMatches"):
    rule = {"action": "immutable", "template": "immutable_template", "params": {},
            "tag_selectors": [{"kind": "doublestar", "decoration": "matches", "pattern": pattern}],
            "scope_selectors": {"repository": [{"kind": "doublestar", "decoration": repo_decoration, "pattern": repo}]}}
    if disabled is not None:
        rule["disabled"] = disabled
    if rule_id is not None:
        rule["id"] = rule_id
    return rule


def listing(*rules):
    return Call("GET", RULES, query=LIST_QUERY, answer=list(rules))


def test_create_enabled_then_disabled_in_two_steps(run_module):
    calls = [project(), listing(),
             Call("POST", RULES, status=201, headers={"Location": "/api/v2.0/projects/12/immutabletagrules/7"},
                  body=harbor(disabled=False)),
             Call("POST", RULES, status=201, headers={"Location": "/api/v2.0/projects/12/immutabletagrules/8"},
                  body=harbor("latest", "sandbox/**", False, repo_decoration="repoExcludes")),
             Call("PUT", RULES + "/8", body=harbor("latest", "sandbox/**", True, 8, repo_decoration="repoExcludes")),
             listing(harbor(rule_id=7), harbor("latest", "sandbox/**", True, 8, repo_decoration="repoExcludes"))]
    result, dummy = run_module(main, {"project": "frozen", "rules": [
        {"tag_pattern": "v*"},
        {"tag_pattern": "latest", "repository_pattern": "sandbox/**", "repository_decoration": "repoExcludes",
         "disabled": True}]}, calls)
    assert result["changed"] is True and len(result["immutable_tag_rules"]) == 2


def test_second_run_sends_nothing(run_module):
    calls = [project(), listing(harbor(rule_id=7), harbor("latest", rule_id=8, disabled=True))]
    result, http = run_module(main, {"project": "frozen", "rules": [
        {"tag_pattern": "latest", "disabled": True}, {"tag_pattern": "v*", "disabled": False}]}, calls)
    assert result["changed"] is False and len(http.sent) == 2


def test_toggle_sends_stored_rule_with_flag(run_module):
    calls = [project(), listing(harbor(rule_id=7, disabled=True)),
             Call("PUT", RULES + "/7", body=harbor(rule_id=7, disabled=False)), listing(harbor(rule_id=7))]
    result, dummy = run_module(main, {"project": "frozen", "rules": [{"tag_pattern": "v*"}]}, calls, diff=True)
    assert result["diff"]["before"]["rules"][0]["disabled"] is True
    assert result["diff"]["after"]["rules"][0]["disabled"] is False


def test_exclusive_removes_undeclared_rules(run_module):
    calls = [project(), listing(harbor(rule_id=7), harbor("old*", rule_id=9)),
             Call("DELETE", RULES + "/9"), listing(harbor(rule_id=7))]
    result, dummy = run_module(main, {"project": "frozen", "exclusive": True, "rules": [{"tag_pattern": "v*"}]}, calls)
    assert result["changed"] is True


def test_without_exclusive_other_rules_stay(run_module):
    calls = [project(), listing(harbor(rule_id=7), harbor("old*", rule_id=9))]
    result, dummy = run_module(main, {"project": "frozen", "rules": [{"tag_pattern": "v*"}]}, calls)
    assert result["changed"] is False


def test_absent_deletes_matching_rule_only(run_module):
    calls = [project(), listing(harbor(rule_id=7), harbor("old*", rule_id=9)), Call("DELETE", RULES + "/7"),
             listing(harbor("old*", rule_id=9))]
    result, dummy = run_module(main, {"project": "frozen", "state": "absent", "rules": [{"tag_pattern": "v*"}]}, calls)
    assert result["changed"] is True
    result, http = run_module(main, {"project": "frozen", "state": "absent", "rules": [{"tag_pattern": "v*"}]},
                              [project(), listing(harbor("old*", rule_id=9))])
    assert result["changed"] is False and len(http.sent) == 2


def test_check_mode_reads_only(run_module):
    result, http = run_module(main, {"project": "frozen", "exclusive": True, "rules": [{"tag_pattern": "new*"}]},
                              [project(), listing(harbor(rule_id=7))], check_mode=True, diff=True)
    assert result["changed"] is True
    assert [r["tag_pattern"] for r in result["diff"]["after"]["rules"]] == ["new*"]
    assert [s.split()[0] for s in http.sent] == ["GET", "GET"]


def test_bad_selectors_refused_before_any_request(run_module):
    result, http = run_module(main, {"project": "frozen", "rules": [{"tag_decoration": "exclude"}]}, [])
    assert result["failed"] is True and "rules[0].tag_decoration='exclude'" in result["msg"] and http.sent == []
    twice = [{"tag_pattern": "v*"}, {"tag_pattern": "v*", "disabled": True}]
    result, http = run_module(main, {"project": "frozen", "rules": twice}, [])
    assert "rules[1] has the same selectors as rules[0]" in result["msg"] and http.sent == []
