# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_project with every HTTP call scripted: what is read, what is written, and when nothing is."""

import json

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_project import main

from .http_script import Call, error

BASE = "/api/v2.0"
NAME = {"X-Is-Resource-Name": "true"}


def project(**metadata):
    return {"project_id": 7, "name": "releases", "repo_count": 0, "owner_name": "admin",
            "metadata": dict({"public": "false"}, **metadata),
            "cve_allowlist": {"id": 3, "project_id": 7, "items": []}}


def lookup(answer=None, status=200):
    if answer is None:
        return Call("GET", BASE + "/projects/releases", status=404, answer=error(404, "project releases not found", "NOT_FOUND"),
                    request_headers=NAME)
    return Call("GET", BASE + "/projects/releases", answer=answer, status=status, request_headers=NAME)


def test_create_sends_metadata_as_strings_then_sets_allowlist(run_module):
    calls = [
        lookup(),
        Call("POST", BASE + "/projects", status=201, headers={"Location": "/api/v2.0/projects/7"},
             body={"project_name": "releases", "storage_limit": 10 * 1024 ** 3,
                   "metadata": {"public": "false", "auto_scan": "true", "prevent_vul": "true", "severity": "high"}}),
        Call("PUT", BASE + "/projects/7", body={"cve_allowlist": {"items": [{"cve_id": "CVE-2024-1"}], "expires_at": None}}),
        Call("GET", BASE + "/projects/7", answer=project(auto_scan="true")),
    ]
    result, dummy = run_module(main, {"name": "releases", "public": False, "auto_scan": True, "prevent_vulnerable": True,
                                      "severity": "high", "storage_quota": "10G",
                                      "cve_allowlist": {"items": ["CVE-2024-1"]}}, calls)
    assert result["changed"] is True
    assert result["project"]["project_id"] == 7


def test_second_run_is_one_get_and_no_write(run_module):
    current = project(auto_scan="true", prevent_vul="true", severity="high")
    result, http = run_module(main, {"name": "releases", "public": False, "auto_scan": True,
                                     "prevent_vulnerable": True, "severity": "high"}, [lookup(current)])
    assert result["changed"] is False
    assert len(http.sent) == 1
    assert result["project"] == current


def test_absent_boolean_key_counts_as_false(run_module):
    result, dummy = run_module(main, {"name": "releases", "auto_scan": False, "content_trust_cosign": False},
                               [lookup(project())])
    assert result["changed"] is False


def test_update_sends_only_the_changed_key(run_module):
    calls = [
        lookup(project(auto_scan="true", severity="low")),
        Call("PUT", BASE + "/projects/7", body={"metadata": {"severity": "critical"}}),
        Call("GET", BASE + "/projects/7", answer=project(auto_scan="true", severity="critical")),
    ]
    result, dummy = run_module(main, {"name": "releases", "auto_scan": True, "severity": "critical"}, calls, diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"severity": "low"}, "after": {"severity": "critical"}}


def test_check_mode_reads_only(run_module):
    result, http = run_module(main, {"name": "releases", "public": True}, [lookup(project())], check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"public": False}, "after": {"public": True}}
    assert [s.split()[0] for s in http.sent] == ["GET"]


def test_check_mode_create_reads_only(run_module):
    result, http = run_module(main, {"name": "releases"}, [lookup()], check_mode=True)
    assert result["changed"] is True and result["project"] is None
    assert len(http.sent) == 1


def test_storage_quota_changes_through_quotas_api(run_module):
    quota = {"id": 31, "ref": {"id": 7, "name": "releases"}, "hard": {"storage": 1024}, "used": {"storage": 0}}
    quota_list = Call("GET", BASE + "/quotas", query={"reference": "project", "reference_id": "7", "page": "1",
                                                      "page_size": "100"}, answer=[quota])
    calls = [
        lookup(project()), quota_list,
        Call("PUT", BASE + "/quotas/31", body={"hard": {"storage": 500 * 1024 ** 2}}),
        Call("GET", BASE + "/projects/7", answer=project()),
    ]
    result, dummy = run_module(main, {"name": "releases", "storage_quota": "500M"}, calls, diff=True)
    assert result["diff"] == {"before": {"storage_quota": 1024}, "after": {"storage_quota": 524288000}}


def test_unchanged_quota_costs_one_more_get(run_module):
    quota = {"id": 31, "ref": {"id": 7}, "hard": {"storage": -1}}
    result, http = run_module(main, {"name": "releases", "storage_quota": -1},
                              [lookup(project()), Call("GET", BASE + "/quotas", answer=[quota])])
    assert result["changed"] is False and len(http.sent) == 2


def test_cve_allowlist_compared_as_a_set(run_module):
    current = project()
    current["cve_allowlist"]["items"] = [{"cve_id": "CVE-2"}, {"cve_id": "CVE-1"}]
    result, dummy = run_module(main, {"name": "releases", "cve_allowlist": {"items": ["CVE-1", "CVE-2", "CVE-1"]}},
                               [lookup(current)])
    assert result["changed"] is False


def test_bad_name_fails_before_any_request(run_module):
    result, http = run_module(main, {"name": "My Project"}, [])
    assert result["failed"] is True
    assert "name='My Project'" in result["msg"] and "lowercase" in result["msg"]
    assert http.sent == []


def test_malformed_quota_fails_before_any_request(run_module):
    result, http = run_module(main, {"name": "releases", "storage_quota": "ten gigs"}, [])
    assert result["failed"] is True and "storage_quota" in result["msg"] and "-1 for unlimited" in result["msg"]
    assert http.sent == []


def test_unknown_severity_is_refused_with_choices(run_module):
    result, http = run_module(main, {"name": "releases", "severity": "urgent"}, [])
    assert result["failed"] is True
    assert "severity" in result["msg"] and "critical" in result["msg"]
    assert http.sent == []


def test_delete_with_repositories_needs_force(run_module):
    current = project()
    current["repo_count"] = 2
    result, http = run_module(main, {"name": "releases", "state": "absent"}, [lookup(current)])
    assert result["failed"] is True and "force=true" in result["msg"] and "2 repositories" in result["msg"]
    assert len(http.sent) == 1


def test_delete_with_force_removes_repositories_first(run_module):
    current = project()
    current["repo_count"] = 2
    calls = [
        lookup(current),
        Call("GET", BASE + "/projects/releases/repositories", answer=[{"name": "releases/app"}, {"name": "releases/team/web"}]),
        Call("DELETE", BASE + "/projects/releases/repositories/app"),
        Call("DELETE", BASE + "/projects/releases/repositories/team%252Fweb"),
        Call("DELETE", BASE + "/projects/7"),
    ]
    result, dummy = run_module(main, {"name": "releases", "state": "absent", "force": True}, calls)
    assert result["changed"] is True and result["project"] is None


def test_delete_twice_is_not_changed(run_module):
    result, http = run_module(main, {"name": "releases", "state": "absent"}, [lookup()])
    assert result["changed"] is False and len(http.sent) == 1


def test_proxy_cache_registry_cannot_change(run_module):
    calls = [lookup(project()), ]
    result, http = run_module(main, {"name": "releases", "proxy_cache_registry": "hub"}, calls)
    assert result["failed"] is True
    assert "proxy_cache_registry cannot change" in result["msg"] and "not a proxy cache" in result["msg"]
    assert len(http.sent) == 1


def test_proxy_cache_project_created_with_registry_id(run_module):
    calls = [
        lookup(),
        Call("GET", BASE + "/registries", query={"q": "name=hub", "page": "1", "page_size": "100"},
             answer=[{"id": 4, "name": "hub-mirror"}, {"id": 5, "name": "hub"}]),
        Call("POST", BASE + "/projects", status=201, headers={"Location": "/api/v2.0/projects/9"},
             body={"project_name": "releases", "metadata": {}, "registry_id": 5}),
        Call("GET", BASE + "/projects/9", answer=dict(project(), registry_id=5)),
    ]
    result, dummy = run_module(main, {"name": "releases", "proxy_cache_registry": "hub"}, calls)
    assert result["changed"] is True


def test_harbor_error_is_reported_with_method_path_status_and_message(run_module):
    calls = [lookup(), Call("POST", BASE + "/projects", status=409,
                            answer=error(409, "The project named releases already exists", "CONFLICT")),
             lookup()]  # looked up again after the 409: still not visible, so the 409 is the answer
    result, dummy = run_module(main, {"name": "releases"}, calls)
    assert result["failed"] is True
    assert result["msg"] == "POST /projects failed: HTTP 409: The project named releases already exists"
    assert result["status"] == 409
    assert "S3cret-Passw0rd" not in str(result)


def test_connection_comes_from_harbor_environment(run_module, monkeypatch):
    monkeypatch.setenv("HARBOR_URL", "https://env-harbor.example.com")
    monkeypatch.setenv("HARBOR_USERNAME", "robot$ci")
    monkeypatch.setenv("HARBOR_PASSWORD", "Env-Secret-1")
    from ansible_collections.harbor_ops.harbor.plugins.module_utils import _module
    seen = {}
    original = _module.HarborClient

    def spy(url, username, password, **kwargs):
        seen.update(url=url, username=username, password=password, **kwargs)
        return original(url, username, password, **kwargs)

    monkeypatch.setattr(_module, "HarborClient", spy)
    from . import module_runner
    monkeypatch.setattr(module_runner, "CONNECTION", {})
    result, dummy = run_module(main, {"name": "releases", "state": "absent"}, [lookup()])
    assert result["changed"] is False
    assert seen == {"url": "https://env-harbor.example.com", "username": "robot$ci", "password": "Env-Secret-1",
                    "validate_certs": True, "ca_path": None, "timeout": 30, "auth_method": "auto"}
    # auth_method=auto with a robot account: basic auth, no login (the script holds only the look-up)


def test_auth_method_comes_from_harbor_auth_method(run_module, monkeypatch):
    monkeypatch.setenv("HARBOR_AUTH_METHOD", "session")
    from . import module_runner
    monkeypatch.setattr(module_runner, "CONNECTION", {"url": "https://harbor.example.com", "username": "admin",
                                                      "password": "S3cret-Passw0rd"})
    result, http = run_module(main, {"name": "releases", "state": "absent"},
                              [Call("GET", "/c/log_out"), Call("POST", "/c/login", status=401, raw="")])
    assert result["failed"] is True and "auth_method=session" in result["msg"]
    assert "S3cret-Passw0rd" not in json.dumps(result) and "S3cret-Passw0rd" not in " ".join(http.sent)


def test_non_admin_lookup_tells_missing_from_forbidden(run_module):
    forbidden = Call("GET", BASE + "/projects/releases", status=403, answer=error(403, "forbidden", "FORBIDDEN"))
    calls = [
        forbidden,
        Call("HEAD", BASE + "/projects", query={"project_name": "releases"}, status=404),
        Call("POST", BASE + "/projects", status=201, headers={"Location": "/api/v2.0/projects/7"}),
        Call("GET", BASE + "/projects/7", answer=project()),
    ]
    result, dummy = run_module(main, {"name": "releases"}, calls)
    assert result["changed"] is True
    calls = [forbidden, Call("HEAD", BASE + "/projects", query={"project_name": "releases"}, status=200)]
    result, dummy = run_module(main, {"name": "releases"}, calls)
    assert result["failed"] is True and result["status"] == 403


def test_a_create_lost_to_a_concurrent_run_converges_on_what_it_made(run_module):
    conflict = Call("POST", BASE + "/projects", status=409,
                    answer=error(409, "The project named releases already exists", "CONFLICT"))
    # the other run made it as declared: nothing left to do
    result, http = run_module(main, {"name": "releases", "auto_scan": True},
                              [lookup(), conflict, lookup(project(auto_scan="true"))])
    assert result.get("failed") is not True and result["changed"] is False
    assert result["project"]["project_id"] == 7
    # the other run declared something else: this run's declaration is applied on top
    result, http = run_module(main, {"name": "releases", "auto_scan": True},
                              [lookup(), conflict, lookup(project()),
                               Call("PUT", BASE + "/projects/7", body={"metadata": {"auto_scan": "true"}}),
                               Call("GET", BASE + "/projects/7", answer=project(auto_scan="true"))])
    assert result["changed"] is True and http.sent[-2].startswith("PUT")
