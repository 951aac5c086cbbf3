# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_retention with every HTTP call scripted."""

import pytest

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_retention import main

from .http_script import Call

BASE = "/api/v2.0"
NAME = {"X-Is-Resource-Name": "true"}


def project(retention_id=None):
    metadata = {"public": "false"}
    if retention_id:
        metadata["retention_id"] = str(retention_id)
    return Call("GET", BASE + "/projects/keep", answer={"project_id": 12, "name": "keep", "metadata": metadata},
                request_headers=NAME)


def harbor_rule(template="latestPushedK", value=10, pattern="v*", untagged='{"untagged":false}', **extra):
    rule = {"disabled": False, "action": "retain", "template": template,
            "params": {template: value} if value is not None else {},
            "tag_selectors": [{"kind": "doublestar", "decoration": "matches", "pattern": pattern, "extras": untagged}],
            "scope_selectors": {"repository": [{"kind": "doublestar", "decoration": "repoMatches", "pattern": "**"}]}}
    rule.update(extra)
    return rule


def stored(rules, cron="0 0 3 * * *"):
    # Harbor adds ids and priorities, and go-swagger leaves out disabled=false
    shown = []
    for number, rule in enumerate(rules, 1):
        rule = dict(rule, id=number, priority=number)
        rule.pop("disabled")
        shown.append(rule)
    return {"id": 4, "algorithm": "or", "rules": shown, "trigger": {"kind": "Schedule", "settings": {"cron": cron}},
            "scope": {"level": "project", "ref": 12}}


RULES = [{"template": "latestPushedK", "count": 10, "tag_pattern": "v*", "untagged": False},
         {"template": "nDaysSinceLastPull", "days": "30"}]
HARBOR_RULES = [harbor_rule(), harbor_rule("nDaysSinceLastPull", 30, "**", '{"untagged":true}')]


def test_create_posts_whole_policy_with_project_ref(run_module):
    body = {"algorithm": "or", "rules": HARBOR_RULES,
            "trigger": {"kind": "Schedule", "settings": {"cron": "0 0 3 * * *"}, "references": {}},
            "scope": {"level": "project", "ref": 12}}
    calls = [project(), Call("POST", BASE + "/retentions", status=201, headers={"Location": "/api/v2.0/retentions/4"},
                             body=body),
             Call("GET", BASE + "/retentions/4", answer=stored(HARBOR_RULES))]
    result, dummy = run_module(main, {"project": "keep", "rules": RULES, "cron": "0 3 * * *"}, calls)
    assert result["changed"] is True and result["retention"]["id"] == 4


def test_second_run_ignores_ids_priorities_and_sends_nothing(run_module):
    calls = [project(4), Call("GET", BASE + "/retentions/4", answer=stored(HARBOR_RULES))]
    result, http = run_module(main, {"project": "keep", "rules": RULES, "cron": "0 0 3 * * *"}, calls)
    assert result["changed"] is False and len(http.sent) == 2


def test_empty_extras_means_harbors_default(run_module):
    rules = [harbor_rule(untagged=""), harbor_rule("always", None, "**", "")]
    rules[1]["tag_selectors"][0]["decoration"] = "excludes"
    calls = [project(4), Call("GET", BASE + "/retentions/4", answer=stored(rules))]
    result, dummy = run_module(main, {"project": "keep", "rules": [
        {"template": "latestPushedK", "count": 10, "tag_pattern": "v*", "untagged": True},
        {"template": "always", "tag_decoration": "excludes", "untagged": "false"}]}, calls)
    assert result["changed"] is False


def test_cron_change_puts_whole_policy_with_stored_rules(run_module):
    current = stored(HARBOR_RULES)
    body = {"id": 4, "algorithm": "or", "rules": current["rules"],
            "trigger": {"kind": "Schedule", "settings": {"cron": "0 30 1 * * *"}, "references": {}},
            "scope": {"level": "project", "ref": 12}}
    calls = [project(4), Call("GET", BASE + "/retentions/4", answer=current), Call("PUT", BASE + "/retentions/4", body=body),
             Call("GET", BASE + "/retentions/4", answer=stored(HARBOR_RULES, "0 30 1 * * *"))]
    result, dummy = run_module(main, {"project": "keep", "cron": "30 1 * * *"}, calls, diff=True)
    assert result["diff"] == {"before": {"cron": "0 0 3 * * *"}, "after": {"cron": "0 30 1 * * *"}}


def test_rule_change_shows_rules_in_diff(run_module):
    calls = [project(4), Call("GET", BASE + "/retentions/4", answer=stored(HARBOR_RULES)),
             Call("PUT", BASE + "/retentions/4"), Call("GET", BASE + "/retentions/4", answer=stored(HARBOR_RULES))]
    new = [dict(RULES[0], count=5), RULES[1]]
    result, dummy = run_module(main, {"project": "keep", "rules": new}, calls, diff=True)
    assert result["diff"]["before"]["rules"][0]["count"] == 10 and result["diff"]["after"]["rules"][0]["count"] == 5


def test_check_mode_reads_only(run_module):
    result, http = run_module(main, {"project": "keep", "rules": RULES}, [project()], check_mode=True)
    assert result["changed"] is True and result["retention"] is None and len(http.sent) == 1


def test_absent_deletes_and_again_is_no_change(run_module):
    calls = [project(4), Call("GET", BASE + "/retentions/4", answer=stored(HARBOR_RULES)),
             Call("DELETE", BASE + "/retentions/4")]
    result, dummy = run_module(main, {"project": "keep", "state": "absent"}, calls)
    assert result["changed"] is True
    result, http = run_module(main, {"project": "keep", "state": "absent"}, [project()])
    assert result["changed"] is False and len(http.sent) == 1


def test_missing_project_is_a_clear_error(run_module):
    calls = [Call("GET", BASE + "/projects/keep", status=404, answer={"errors": [{"code": "NOT_FOUND", "message": "x"}]})]
    result, dummy = run_module(main, {"project": "keep", "rules": RULES}, calls)
    assert result["failed"] is True and "project='keep' does not exist" in result["msg"]


@pytest.mark.parametrize("rule, words", [
    ({"template": "latestPushed", "count": 1}, ["rules[0].template='latestPushed'", "latestPushedK, latestPulledN"]),
    ({"template": "latestPushedK", "count": 0}, ["rules[0].count", "1 or more"]),
    ({"template": "latestPulledN", "count": -3}, ["rules[0].count", "1 or more"]),
    ({"template": "latestPushedK"}, ["rules[0].count", "whole number"]),
    ({"template": "nDaysSinceLastPush", "days": "ten"}, ["rules[0].days", "whole number"]),
    ({"template": "always", "count": 3}, ["rules[0].count does not apply to template always"]),
    ({"template": "nDaysSinceLastPull", "count": 3, "days": 2}, ["rules[0].count does not apply", "takes days"]),
    ({"template": "always", "untagged": "maybe"}, ["rules[0].untagged", "boolean"]),
    ({"template": "always", "untagged": 1}, ["rules[0].untagged", "boolean"]),
    ({"template": "always", "tag_decoration": "match"}, ["rules[0].tag_decoration='match'", "matches, excludes"]),
    ({"template": "always", "repository_decoration": "matches"}, ["repoMatches, repoExcludes"]),
    ({"template": "always", "tag_pattern": " "}, ["rules[0].tag_pattern", "doublestar"]),
])
def test_bad_rules_refused_before_any_request(run_module, rule, words):
    result, http = run_module(main, {"project": "keep", "rules": [rule]}, [])
    assert result["failed"] is True, result
    for word in words:
        assert word in result["msg"]
    assert http.sent == []


def test_bad_cron_and_duplicates_and_too_many(run_module):
    result, http = run_module(main, {"project": "keep", "cron": "5 0 3 * * *"}, [])
    assert result["failed"] is True and "cron" in result["msg"] and "seconds" in result["msg"] and http.sent == []
    result, http = run_module(main, {"project": "keep", "rules": [RULES[1], RULES[1]]}, [])
    assert "rules[1] repeats rules[0]" in result["msg"] and http.sent == []
    many = [{"template": "latestPushedK", "count": n} for n in range(1, 17)]
    result, http = run_module(main, {"project": "keep", "rules": many}, [])
    assert "at most 15" in result["msg"] and http.sent == []
