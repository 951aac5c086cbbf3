# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_scan with every HTTP call scripted."""

import pytest

from ansible_collections.harbor_ops.harbor.plugins.module_utils import _client
from ansible_collections.harbor_ops.harbor.plugins.modules import harbor_scan

from .http_script import Call

BASE = "/api/v2.0"
ARTIFACT = BASE + "/projects/apps/repositories/shop%252Ffrontend/artifacts/1.4.2"
MIME = "application/vnd.security.vulnerability.report; version=1.1"
DIGEST = "sha256:" + "ab" * 32
ARGS = {"project": "apps", "repository": "shop/frontend", "tag": "1.4.2"}
QUERY = {"with_scan_overview": "true", "with_tag": "true"}


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    monkeypatch.setattr(_client.time, "sleep", lambda seconds: None)  # the time module itself


def artifact(status=None, report_id="r1", **summary):
    body = {"id": 7, "digest": DIGEST, "tags": [{"name": "1.4.2"}]}
    if status is not None:
        overview = dict({"report_id": report_id, "scan_status": status, "complete_percent": 100 if status == "Success" else 0,
                         "scanner": {"name": "Trivy", "vendor": "Aqua Security", "version": "v0.65.0"}}, **summary)
        body["scan_overview"] = {MIME: overview}
    return body


def found(status=None, **summary):
    return Call("GET", ARTIFACT, query=QUERY, answer=artifact(status, **summary))


CRITICAL = {"severity": "Critical", "summary": {"total": 3, "fixable": 1, "summary": {"Critical": 1, "Low": 2}}}


def test_scan_and_wait_returns_summary_by_severity(run_module):
    calls = [found(), Call("POST", ARTIFACT + "/scan", body={"scan_type": "vulnerability"}, status=202),
             found("Pending", report_id="r2"), found("Running", report_id="r2"),
             found("Success", report_id="r2", **CRITICAL)]
    result, dummy = run_module(harbor_scan.main, ARGS, calls, diff=True)
    assert result["changed"] is True
    scan = result["scan"]
    assert scan["scan_status"] == "Success" and scan["severity"] == "Critical"
    assert scan["summary"] == {"Critical": 1, "Low": 2} and scan["total"] == 3 and scan["fixable"] == 1
    assert scan["digest"] == DIGEST and scan["tags"] == ["1.4.2"] and scan["report_mime_type"] == MIME
    assert result["diff"] == {"before": {"scan_status": None, "report_id": None},
                              "after": {"scan_status": "Success", "report_id": "r2"}}


def test_existing_successful_report_is_reused_without_write(run_module):
    result, http = run_module(harbor_scan.main, ARGS, [found("Success", **CRITICAL)])
    assert result["changed"] is False and len(http.sent) == 1
    assert result["scan"]["summary"] == {"Critical": 1, "Low": 2}


def test_force_rescans_and_waits_for_a_new_report(run_module):
    calls = [found("Success", **CRITICAL), Call("POST", ARTIFACT + "/scan", status=202),
             found("Success", **CRITICAL),  # still the old report: keep waiting
             found("Success", report_id="r9", severity="None", summary={"total": 0, "fixable": 0, "summary": {}})]
    result, dummy = run_module(harbor_scan.main, dict(ARGS, force=True), calls)
    assert result["changed"] is True and result["scan"]["report_id"] == "r9" and result["scan"]["summary"] == {}


def test_running_scan_is_waited_for_not_restarted(run_module):
    calls = [found("Running"), found("Success", **CRITICAL)]
    result, dummy = run_module(harbor_scan.main, ARGS, calls)
    assert result["changed"] is False and result["scan"]["severity"] == "Critical"


def test_failed_report_is_rescanned_and_a_failed_scan_fails(run_module):
    calls = [found("Error"), Call("POST", ARTIFACT + "/scan", status=202), found("Error", report_id="r3")]
    result, dummy = run_module(harbor_scan.main, ARGS, calls)
    assert result["failed"] is True and "ended with scan_status Error" in result["msg"]


def test_no_wait_returns_after_the_post(run_module):
    calls = [found(), Call("POST", ARTIFACT + "/scan", status=202), found("Pending", report_id="r2")]
    result, dummy = run_module(harbor_scan.main, dict(ARGS, wait=False), calls)
    assert result["changed"] is True and result["scan"]["scan_status"] == "Pending"


def test_check_mode_sends_no_post(run_module):
    result, http = run_module(harbor_scan.main, ARGS, [found()], check_mode=True, diff=True)
    assert result["changed"] is True and [s.split()[0] for s in http.sent] == ["GET"]
    assert result["diff"]["after"] == {"scan_status": "Pending", "report_id": None}
    result, http = run_module(harbor_scan.main, ARGS, [found("Success", **CRITICAL)], check_mode=True)
    assert result["changed"] is False


def test_native_report_mime_type_is_read_too(run_module):
    native = "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0"
    body = artifact()
    body["scan_overview"] = {native: dict(CRITICAL, report_id="n1", scan_status="Success")}
    result, dummy = run_module(harbor_scan.main, ARGS, [Call("GET", ARTIFACT, query=QUERY, answer=body)])
    assert result["changed"] is False and result["scan"]["report_mime_type"] == native
    assert result["scan"]["summary"] == {"Critical": 1, "Low": 2}


def test_by_digest(run_module):
    path = BASE + "/projects/apps/repositories/shop%252Ffrontend/artifacts/sha256%3A" + "ab" * 32
    calls = [Call("GET", path, answer=artifact("Success", **CRITICAL))]
    result, dummy = run_module(harbor_scan.main, {"project": "apps", "repository": "shop/frontend", "digest": DIGEST}, calls)
    assert result["changed"] is False and result["scan"]["severity"] == "Critical"


def test_no_scanner_412_is_explained(run_module):
    error = {"errors": [{"code": "PRECONDITION", "message": "no available scanner for project: 3"}]}
    calls = [found(), Call("POST", ARTIFACT + "/scan", status=412, answer=error)]
    result, dummy = run_module(harbor_scan.main, ARGS, calls)
    assert result["failed"] is True and "no available scanner for project: 3" in result["msg"]
    assert "harbor_ops.harbor.harbor_scanner" in result["msg"]


def test_missing_artifact_fails_clearly(run_module):
    error = {"errors": [{"code": "NOT_FOUND", "message": "artifact apps/shop/frontend:1.4.2 not found"}]}
    result, dummy = run_module(harbor_scan.main, ARGS, [Call("GET", ARTIFACT, status=404, answer=error)])
    assert result["failed"] is True and "artifact apps/shop/frontend@1.4.2 not found" in result["msg"]


def test_wait_timeout(run_module, monkeypatch):
    readings = [0]
    monkeypatch.setattr(_client, "_clock", lambda: readings.pop(0) if readings else 100)
    calls = [found(), Call("POST", ARTIFACT + "/scan", status=202), found("Running", report_id="r2")]
    result, dummy = run_module(harbor_scan.main, dict(ARGS, wait_timeout=15), calls)
    assert result["failed"] is True and "did not finish within wait_timeout=15s" in result["msg"]


@pytest.mark.parametrize("args, message", [
    ({"digest": "latest"}, "digest='latest'"),
    ({"repository": "apps/shop/frontend", "tag": "1"}, "without its project"),
    ({"tag": "1", "wait_timeout": 0}, "wait_timeout=0"),
    ({"tag": " "}, "tag must not be empty"),
])
def test_bad_input_refused_before_any_request(run_module, args, message):
    base = {"project": "apps", "repository": "shop/frontend"}
    result, http = run_module(harbor_scan.main, dict(base, **args), [])
    assert result["failed"] is True and message in result["msg"] and http.sent == []


def test_tag_and_digest_are_exclusive(run_module):
    result, http = run_module(harbor_scan.main, dict(ARGS, digest=DIGEST), [])
    assert result["failed"] is True and "mutually exclusive" in result["msg"] and http.sent == []
