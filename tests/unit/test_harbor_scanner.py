# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_scanner, harbor_scan_all and harbor_project's scanner option with every HTTP call scripted."""

from ansible_collections.harbor_ops.harbor.plugins.modules import harbor_project, harbor_scan_all, harbor_scanner

from .http_script import Call, error

BASE = "/api/v2.0"
UUID = "6f1b1a1e-8a8c-4d38-9d1e-2f1c9f0b7c11"
SECRET = "api-key-Xy7"


def registration(**extra):
    record = {"uuid": UUID, "name": "grype", "url": "http://grype:8080", "description": "", "auth": "APIKey",
              "access_credential": "", "disabled": False, "is_default": True, "skip_certVerify": False,
              "use_internal_addr": False}
    record.update(extra)
    return record


def lookup(*found):
    return Call("GET", BASE + "/scanners", query={"q": "name=grype", "page": "1", "page_size": "100"}, answer=list(found))


ARGS = {"name": "grype", "endpoint_url": "http://grype:8080/", "auth": "APIKey", "access_credential": SECRET}


def test_register_pings_then_posts(run_module):
    body = {"name": "grype", "url": "http://grype:8080", "auth": "APIKey", "access_credential": SECRET}
    calls = [lookup(), Call("POST", BASE + "/scanners/ping", body=body),
             Call("POST", BASE + "/scanners", status=201, headers={"Location": "/api/v2.0/scanners/" + UUID},
                  body=dict(body, description="x")),
             Call("GET", BASE + "/scanners/" + UUID, answer=registration(is_default=False)),
             Call("PATCH", BASE + "/scanners/" + UUID, body={"is_default": True}),
             Call("GET", BASE + "/scanners/" + UUID, answer=registration())]
    result, dummy = run_module(harbor_scanner.main, dict(ARGS, description="x", default=True), calls, diff=True)
    assert result["changed"] is True and result["scanner"]["is_default"] is True
    assert SECRET not in str(result["diff"])


def test_unreachable_adapter_is_a_clear_error_and_nothing_registered(run_module):
    calls = [lookup(), Call("POST", BASE + "/scanners/ping", status=500, answer=error(500, "internal server error", "UNKNOWN"))]
    result, http = run_module(harbor_scanner.main, {"name": "grype", "endpoint_url": "http://nowhere:9"}, calls)
    assert result["failed"] is True
    assert "could not reach the scanner adapter at http://nowhere:9" in result["msg"]
    assert "/api/v1/metadata" in result["msg"]
    assert not [s for s in http.sent if s.startswith("POST /api/v2.0/scanners?")]


def test_second_run_is_one_get(run_module):
    result, http = run_module(harbor_scanner.main, dict(ARGS, default=True), [lookup(registration())])
    assert result["changed"] is False and len(http.sent) == 1


def test_update_secret_always_sends_credential(run_module):
    body = {"name": "grype", "url": "http://grype:8080", "description": "", "auth": "APIKey", "skip_certVerify": False,
            "use_internal_addr": False, "disabled": False, "access_credential": SECRET}
    calls = [lookup(registration()), Call("PUT", BASE + "/scanners/" + UUID, body=body),
             Call("GET", BASE + "/scanners/" + UUID, answer=registration())]
    result, dummy = run_module(harbor_scanner.main, dict(ARGS, update_secret="always"), calls, diff=True)
    assert result["changed"] is True and result["diff"] == {"before": {}, "after": {}}


def test_update_puts_whole_registration_without_credential(run_module):
    body = {"name": "grype", "url": "http://grype:8080", "description": "", "auth": "APIKey", "skip_certVerify": False,
            "use_internal_addr": False, "disabled": True}
    calls = [lookup(registration()), Call("PUT", BASE + "/scanners/" + UUID, body=body),
             Call("GET", BASE + "/scanners/" + UUID, answer=registration(disabled=True))]
    result, dummy = run_module(harbor_scanner.main, {"name": "grype", "disabled": True}, calls, diff=True)
    assert result["diff"] == {"before": {"disabled": False}, "after": {"disabled": True}}


def test_default_false_on_default_is_refused(run_module):
    result, http = run_module(harbor_scanner.main, {"name": "grype", "default": False}, [lookup(registration())])
    assert result["failed"] is True and "default=false" in result["msg"] and len(http.sent) == 1


def test_trivy_cannot_change_or_go(run_module):
    trivy = registration(name="Trivy")
    calls = [Call("GET", BASE + "/scanners", answer=[trivy])]
    result, dummy = run_module(harbor_scanner.main, {"name": "Trivy", "disabled": True}, calls)
    assert result["failed"] is True and "built-in" in result["msg"]
    result, dummy = run_module(harbor_scanner.main, {"name": "Trivy", "state": "absent"},
                               [Call("GET", BASE + "/scanners", answer=[trivy])])
    assert result["failed"] is True and "cannot be removed" in result["msg"]


def test_auth_without_credential_and_missing_url(run_module):
    result, dummy = run_module(harbor_scanner.main, {"name": "grype", "endpoint_url": "http://g", "auth": "Bearer"},
                               [lookup()])
    assert result["failed"] is True and "auth=Bearer needs access_credential" in result["msg"]
    result, dummy = run_module(harbor_scanner.main, {"name": "grype"}, [lookup()])
    assert result["failed"] is True and "endpoint_url is required" in result["msg"]


def test_check_mode_and_delete(run_module):
    result, http = run_module(harbor_scanner.main, ARGS, [lookup()], check_mode=True)
    assert result["changed"] is True and len(http.sent) == 1
    calls = [lookup(registration()), Call("DELETE", BASE + "/scanners/" + UUID, answer=registration())]
    result, dummy = run_module(harbor_scanner.main, {"name": "grype", "state": "absent"}, calls)
    assert result["changed"] is True and result["scanner"] is None


SCAN_ALL = BASE + "/system/scanAll/schedule"


def test_scan_all_puts_and_repeats_without_write(run_module):
    calls = [Call("GET", SCAN_ALL, raw=""), Call("PUT", SCAN_ALL, body={"schedule": {"type": "Custom", "cron": "0 0 1 * * *"}}),
             Call("GET", SCAN_ALL, answer={"schedule": {"type": "Custom", "cron": "0 0 1 * * *"}})]
    result, dummy = run_module(harbor_scan_all.main, {"cron": "0 1 * * *"}, calls)
    assert result["changed"] is True
    result, http = run_module(harbor_scan_all.main, {"cron": "0 1 * * *"},
                              [Call("GET", SCAN_ALL, answer={"schedule": {"type": "Custom", "cron": "0 0 1 * * *"}})])
    assert result["changed"] is False and len(http.sent) == 1


def test_scan_all_without_scanner_says_so(run_module):
    calls = [Call("GET", SCAN_ALL, status=412, answer=error(412, "no scanner is configured", "PRECONDITION"))]
    result, dummy = run_module(harbor_scan_all.main, {"schedule": "Daily"}, calls)
    assert result["failed"] is True and "no default scanner" in result["msg"] and "harbor_scanner" in result["msg"]


PROJECT = {"project_id": 7, "name": "releases", "metadata": {"public": "false"}}


def test_project_scanner_compared_through_raw_metadata(run_module):
    name = {"X-Is-Resource-Name": "true"}
    calls = [Call("GET", BASE + "/projects/releases", answer=PROJECT, request_headers=name),
             Call("GET", BASE + "/projects/7/metadatas/", answer={"public": "false"}),
             lookup(registration()),
             Call("PUT", BASE + "/projects/7/scanner", body={"uuid": UUID}),
             Call("GET", BASE + "/projects/7", answer=PROJECT)]
    result, dummy = run_module(harbor_project.main, {"name": "releases", "scanner": "grype"}, calls, diff=True)
    assert result["diff"] == {"before": {"scanner": None}, "after": {"scanner": "grype"}}
    calls = [Call("GET", BASE + "/projects/releases", answer=PROJECT, request_headers=name),
             Call("GET", BASE + "/projects/7/metadatas/", answer={"projectScanner": UUID}), lookup(registration())]
    result, http = run_module(harbor_project.main, {"name": "releases", "scanner": "grype"}, calls)
    assert result["changed"] is False


def test_project_unknown_scanner_refused_before_write(run_module):
    calls = [Call("GET", BASE + "/projects/releases", answer=PROJECT),
             Call("GET", BASE + "/projects/7/metadatas/", answer={}), lookup()]
    result, http = run_module(harbor_project.main, {"name": "releases", "scanner": "grype", "public": True}, calls)
    assert result["failed"] is True and "scanner='grype'" in result["msg"]
    assert all(s.startswith("GET") for s in http.sent)
