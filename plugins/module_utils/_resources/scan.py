# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scanning one artifact and reading its vulnerability summary (private to harbor_ops.harbor).

Harbor keeps one report per artifact and scanner: ``GET .../artifacts/{reference}?with_scan_overview=true``
shows its summary under the report's mime type (``scan_status``, ``severity``, ``summary.summary`` by
severity). ``POST .../artifacts/{reference}/scan`` answers 202 and scans in the background; a project
without a scanner answers 412. A successful report is re-used unless ``force`` is set, so a second run
sends no write.
"""

import re

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import (
    HarborError,
    NotFound,
    PreconditionFailed,
    path_param,
    poll,
    repository_param,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError

REPORT_MIME_MARKS = ("vulnerability.report", "vuln.report")  # Harbor 2.x generic and native report types
FINISHED = ("Success", "Error", "Stopped")
DIGEST = re.compile(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$")
SCAN_ARGUMENT_SPEC = dict(
    project=dict(type="str", required=True),
    repository=dict(type="str", required=True),
    tag=dict(type="str"),
    digest=dict(type="str"),
    force=dict(type="bool", default=False),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=300),
)
SCAN_MUTUALLY_EXCLUSIVE = [("tag", "digest")]
SCAN_REQUIRED_ONE_OF = [("tag", "digest")]


def validate(params):
    """The artifact's path (project, repository, reference); ValidationError before any request."""
    for option in ("project", "repository"):
        if not (params.get(option) or "").strip():
            raise ValidationError("%s must not be empty" % option)
    repository = params["repository"].strip().strip("/")
    project = params["project"].strip()
    if repository.startswith(project + "/"):
        raise ValidationError("repository=%r: give the repository without its project (%r), e.g. %r"
                              % (params["repository"], project, repository[len(project) + 1:]))
    if params.get("digest") is not None and not DIGEST.match(params["digest"]):
        raise ValidationError("digest=%r: expected <algorithm>:<hex>, e.g. sha256:4f53cda18c2b..." % params["digest"])
    if params.get("tag") is not None and not params["tag"].strip():
        raise ValidationError("tag must not be empty")
    if params["wait_timeout"] < 1:
        raise ValidationError("wait_timeout=%r: must be at least 1 second" % params["wait_timeout"])
    reference = params["digest"] if params.get("digest") is not None else params["tag"].strip()
    return project, repository, reference


def artifact_path(project, repository, reference):
    return "/projects/%s/repositories/%s/artifacts/%s" % (path_param(project), repository_param(repository),
                                                          path_param(reference))


def report_summary(artifact):
    """(mime type, NativeReportSummary) of the artifact's vulnerability report, (None, {}) before any scan."""
    for mime, summary in sorted(((artifact or {}).get("scan_overview") or {}).items()):
        if any(mark in mime for mark in REPORT_MIME_MARKS):
            return mime, summary or {}
    return None, {}


def scan_result(project, repository, artifact):
    """What the module returns: the artifact and its vulnerability summary by severity."""
    mime, summary = report_summary(artifact)
    counts = summary.get("summary") or {}
    return {
        "project": project,
        "repository": repository,
        "digest": artifact.get("digest"),
        "tags": sorted(t.get("name") for t in artifact.get("tags") or []),
        "scan_status": summary.get("scan_status"),
        "severity": summary.get("severity"),
        "summary": dict(counts.get("summary") or {}),
        "total": counts.get("total", 0),
        "fixable": counts.get("fixable", 0),
        "complete_percent": summary.get("complete_percent", 0),
        "report_id": summary.get("report_id"),
        "report_mime_type": mime,
        "scanner": summary.get("scanner"),
        "start_time": summary.get("start_time"),
        "end_time": summary.get("end_time"),
    }


def get_artifact(client, project, repository, reference):
    path = artifact_path(project, repository, reference)
    try:
        return client.get(path, params={"with_scan_overview": "true", "with_tag": "true"})
    except NotFound as exc:
        raise HarborError("artifact %s/%s@%s not found: %s" % (project, repository, reference, exc.harbor_message),
                          exc.method, exc.path, exc.status, exc.code)


def wait_for_report(client, project, repository, reference, params, previous_report=None):
    """Poll the artifact until its report is finished (and is not ``previous_report``); returns the artifact."""
    def finished(artifact):
        dummy, summary = report_summary(artifact)
        fresh = previous_report is None or summary.get("report_id") != previous_report
        return fresh and summary.get("scan_status") in FINISHED

    def timed_out(artifact):
        return HarborError("the scan of %s/%s@%s did not finish within wait_timeout=%ss (scan_status %s)"
                           % (project, repository, reference, params["wait_timeout"],
                              report_summary(artifact)[1].get("scan_status")),
                           "GET", artifact_path(project, repository, reference))

    return poll(lambda: get_artifact(client, project, repository, reference), finished, params["wait_timeout"],
                timed_out, delay=0.2, max_delay=2.0)


def run_scan(client, params, check_mode, want_diff=False):
    """Scan unless a usable report exists (or ``force``); with ``wait`` return the finished summary."""
    project, repository, reference = validate(params)
    artifact = get_artifact(client, project, repository, reference)
    dummy, summary = report_summary(artifact)
    status = summary.get("scan_status")
    running = status in ("Pending", "Running", "Scheduled")
    needed = params["force"] or not (status == "Success" or running)
    if needed and not check_mode:
        try:
            client.post(artifact_path(project, repository, reference) + "/scan", {"scan_type": "vulnerability"})
        except PreconditionFailed as exc:
            raise HarborError("Harbor cannot scan %s/%s@%s: %s (register a scanner with harbor_ops.harbor.harbor_scanner "
                              "or choose the project's scanner with harbor_ops.harbor.harbor_project)"
                              % (project, repository, reference, exc.harbor_message),
                              exc.method, exc.path, exc.status, exc.code)
        previous = summary.get("report_id") if params["force"] else None
        if params["wait"]:
            artifact = wait_for_report(client, project, repository, reference, params, previous)
        else:
            artifact = get_artifact(client, project, repository, reference)
    elif running and params["wait"] and not check_mode:
        artifact = wait_for_report(client, project, repository, reference, params)
    result = scan_result(project, repository, artifact)
    if params["wait"] and not check_mode and result["scan_status"] != "Success":
        raise HarborError("the scan of %s/%s@%s ended with scan_status %s"
                          % (project, repository, reference, result["scan_status"]),
                          "GET", artifact_path(project, repository, reference))
    outcome = {"changed": needed, "scan": result}
    if needed and want_diff:
        outcome["diff"] = {"before": {"scan_status": status, "report_id": summary.get("report_id")},
                           "after": {"scan_status": "Pending" if check_mode else result["scan_status"],
                                     "report_id": None if check_mode else result["report_id"]}}
    return outcome
