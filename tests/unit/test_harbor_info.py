# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_info's health verdict, with every HTTP call scripted."""

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_info import main

from .http_script import Call

HEALTH = "/api/v2.0/health"


def health(**statuses):
    components = [{"name": name, "status": status} for name, status in sorted(statuses.items())]
    for component in components:
        if component["status"] != "healthy":
            component["error"] = 'Get "http://portal:8080": dial tcp: connection refused'
    overall = "healthy" if all(c["status"] == "healthy" for c in components) else "unhealthy"
    return Call("GET", HEALTH, answer={"status": overall, "components": components})


def test_a_headless_harbor_fails_with_the_reason_and_the_way_out(run_module):
    result, dummy = run_module(main, {"gather": ["health"], "fail_unhealthy": True},
                               [health(core="healthy", portal="unhealthy")])
    assert result["failed"] is True and result["unhealthy_components"] == ["portal"]
    assert "portal (Get" in result["msg"] and "PORTAL_URL" in result["msg"] and "ignore_components" in result["msg"]


def test_ignored_components_do_not_fail_but_are_listed(run_module):
    result, dummy = run_module(main, {"gather": ["health"], "fail_unhealthy": True, "ignore_components": ["portal"]},
                               [health(core="healthy", portal="unhealthy")])
    assert not result.get("failed") and result["unhealthy_components"] == ["portal"]


def test_an_unhealthy_component_that_is_not_ignored_still_fails(run_module):
    result, dummy = run_module(main, {"gather": ["health"], "fail_unhealthy": True, "ignore_components": ["portal"]},
                               [health(core="healthy", portal="unhealthy", jobservice="unhealthy")])
    assert result["failed"] is True and "jobservice" in result["msg"] and "PORTAL_URL" not in result["msg"]
