# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_registry and harbor_registry_info with every HTTP call scripted."""

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_registry import main
from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_registry_info import main as info_main

from .http_script import Call, error

BASE = "/api/v2.0"
ADAPTERS = Call("GET", BASE + "/replication/adapters", answer=["docker-hub", "docker-registry", "harbor"])
ARGS = {"name": "dr", "type": "harbor", "endpoint_url": "http://harbor-dr.example.com/", "access_key": "robot$repl",
        "access_secret": "Secr3t", "update_secret": "on_create"}


def registry(**extra):
    return dict({"id": 3, "name": "dr", "type": "harbor", "url": "http://harbor-dr.example.com", "insecure": False,
                 "description": "", "status": "healthy",
                 "credential": {"type": "basic", "access_key": "robot$repl", "access_secret": "*****"}}, **extra)


def lookup(*found):
    return Call("GET", BASE + "/registries", query={"q": "name=dr", "page": "1", "page_size": "100"}, answer=list(found))


def test_create_sends_the_nested_credential_and_normalised_url(run_module):
    calls = [ADAPTERS, lookup(),
             Call("POST", BASE + "/registries", status=201, headers={"Location": "/api/v2.0/registries/3"},
                  body={"name": "dr", "type": "harbor", "url": "http://harbor-dr.example.com", "description": "",
                        "insecure": False, "credential": {"type": "basic", "access_key": "robot$repl", "access_secret": "Secr3t"}}),
             Call("GET", BASE + "/registries/3", answer=registry())]
    result, dummy = run_module(main, ARGS, calls, diff=True)
    assert result["changed"] is True
    assert result["registry"]["id"] == 3
    assert "access_secret" not in result["diff"]["after"]
    assert "Secr3t" not in str(result)


def test_repeat_with_on_create_secret_writes_nothing(run_module):
    result, http = run_module(main, ARGS, [ADAPTERS, lookup(registry())])
    assert result["changed"] is False
    assert [s.split()[0] for s in http.sent] == ["GET", "GET"]


def test_update_sends_flat_fields_and_always_the_secret(run_module):
    calls = [ADAPTERS, lookup(registry()),
             Call("PUT", BASE + "/registries/3", body={"description": "DR site", "access_secret": "Secr3t"}),
             Call("GET", BASE + "/registries/3", answer=registry(description="DR site"))]
    args = dict(ARGS, description="DR site", update_secret="always")
    result, dummy = run_module(main, args, calls, diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"description": ""}, "after": {"description": "DR site"}}


def test_check_mode_reads_only(run_module):
    result, http = run_module(main, dict(ARGS, insecure=True), [ADAPTERS, lookup(registry())], check_mode=True)
    assert result["changed"] is True
    assert all(s.startswith("GET") for s in http.sent)


def test_unknown_type_names_the_reported_adapters(run_module):
    result, http = run_module(main, dict(ARGS, type="quay"), [ADAPTERS])
    assert result["failed"] is True
    assert "type='quay'" in result["msg"] and "docker-hub, docker-registry, harbor" in result["msg"]
    assert len(http.sent) == 1


def test_type_cannot_change(run_module):
    result, dummy = run_module(main, dict(ARGS, type="docker-registry"), [ADAPTERS, lookup(registry())])
    assert result["failed"] is True and "type cannot change" in result["msg"]


def test_unreachable_endpoint_is_a_clear_error(run_module):
    calls = [ADAPTERS, lookup(),
             Call("POST", BASE + "/registries", status=400, answer=error(400, "the registry is unhealthy"))]
    result, dummy = run_module(main, ARGS, calls)
    assert result["failed"] is True
    assert "could not reach the registry endpoint http://harbor-dr.example.com" in result["msg"]


def test_delete_in_use_names_the_users_and_deletes_nothing(run_module):
    policy = {"id": 1, "name": "to-dr", "src_registry": {"id": 0}, "dest_registry": {"id": 3}}
    calls = [lookup(registry()),
             Call("GET", BASE + "/replication/policies", answer=[policy]),
             Call("GET", BASE + "/projects", query={"q": "registry_id=3", "page": "1", "page_size": "100"},
                  answer=[{"project_id": 5, "name": "cache", "registry_id": 3}])]
    result, dummy = run_module(main, {"name": "dr", "state": "absent"}, calls)
    assert result["failed"] is True
    assert "replication policies to-dr and proxy-cache projects cache" in result["msg"]


def test_delete_then_delete_again(run_module):
    calls = [lookup(registry()), Call("GET", BASE + "/replication/policies", answer=[]),
             Call("GET", BASE + "/projects", answer=[]), Call("DELETE", BASE + "/registries/3")]
    result, dummy = run_module(main, {"name": "dr", "state": "absent"}, calls)
    assert result["changed"] is True
    result, dummy = run_module(main, {"name": "dr", "state": "absent"}, [lookup()])
    assert result["changed"] is False


def test_info_pings(run_module):
    calls = [lookup(registry()), Call("POST", BASE + "/registries/ping", body={"id": 3}, status=400,
                                      answer=error(400, "the registry is unhealthy"))]
    result, dummy = run_module(info_main, {"name": "dr", "ping": True}, calls)
    assert result["registries"][0]["health"] == "unhealthy"
    assert result["registries"][0]["health_message"] == "the registry is unhealthy"


def test_endpoint_url_must_be_http_before_any_request(run_module):
    for bad in ("", "ftp://mirror.example.com", "https://"):
        result, http = run_module(main, {"name": "dr", "type": "harbor", "endpoint_url": bad}, [])
        assert result["failed"] is True and http.sent == []
        assert "endpoint_url" in result["msg"] and "https://harbor-dr.example.com" in result["msg"]
