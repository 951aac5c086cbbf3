# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 12: bad input is refused with a message that names the option, before any request."""

import pytest

from ansible_collections.harbor_ops.harbor.plugins.modules import (
    harbor_gc,
    harbor_immutable_tag_rule,
    harbor_project,
    harbor_replication,
    harbor_retention,
    harbor_retention_execution,
    harbor_scanner,
    harbor_webhook,
)

CASES = [
    (harbor_scanner, {"name": "", "endpoint_url": "https://scanner.example.com"}, "name must not be empty"),
    (harbor_scanner, {"name": "  ", "endpoint_url": "https://scanner.example.com"}, "name must not be empty"),
    (harbor_scanner, {"name": "s", "endpoint_url": "scanner.example.com:8080"}, "endpoint_url='scanner.example.com:8080' has no scheme"),
    (harbor_webhook, {"project": "p", "name": "", "event_types": ["PUSH_ARTIFACT"],
                      "targets": [{"address": "https://ci.example.com"}]}, "name must not be empty"),
    (harbor_webhook, {"project": "p", "name": "w", "event_types": ["PUSH_ARTIFACT"],
                      "targets": [{"address": "ci.example.com/hook"}]}, "has no scheme"),
    (harbor_replication, {"name": "", "mode": "push", "registry": "r"}, "name must not be empty"),
    (harbor_retention, {"project": "p", "rules": "latestPushedK"}, "rules"),
    (harbor_immutable_tag_rule, {"project": "p", "rules": "v*"}, "rules"),
    (harbor_gc, {"wait": True, "wait_timeout": -1}, "wait_timeout"),
    (harbor_retention_execution, {"project": "p", "wait_timeout": -1}, "wait_timeout"),
    (harbor_project, {"name": "p", "storage_quota": "-5G"}, "storage_quota"),
    (harbor_project, {"name": "p", "ca_path": "/nonexistent/ca.pem"}, "ca_path /nonexistent/ca.pem: no such file"),
]


@pytest.mark.parametrize("module, args, words", CASES, ids=["%s-%d" % (c[0].__name__.rsplit(".", 1)[-1], i)
                                                            for i, c in enumerate(CASES)])
def test_bad_input_is_refused_before_any_request(run_module, module, args, words):
    result, http = run_module(module.main, args, [])
    assert result["failed"] is True and http.sent == []
    assert words in result["msg"], result["msg"]
