# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Harbor's garbage collection schedule and runs (private to harbor_ops.harbor).

API_FACTS section 7: ``/system/gc/schedule`` answers an empty body when nothing is scheduled and a
``GCHistory`` whose ``job_parameters`` is a JSON string otherwise; ``workers`` must be 1..10 (Harbor
answers 400 otherwise, checked here first); a ``Manual`` schedule POSTed starts a run and answers its
Location ``/api/v2.0/system/gc/{id}``.
"""

import re

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import HarborError, poll
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError, job_parameters
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.schedule import (
    SCHEDULE_ARGUMENT_SPEC,
    ScheduleResource,
)

GC_PATH = "/system/gc/schedule"
GC_HISTORY_PATH = "/system/gc"
MIN_WORKERS, MAX_WORKERS = 1, 10
FINISHED = ("Success", "Error", "Stopped")
LOG_TAIL_LINES = 20
# the GC job's own log lines (src/jobservice/job/impl/gc/garbage_collection.go), in MB rounded down
FREED_LINES = (re.compile(r"The GC job actual frees up (\d+) MB space"),
               re.compile(r"The GC could free up (\d+) MB space"))
GC_ARGUMENT_SPEC = dict(
    SCHEDULE_ARGUMENT_SPEC,
    delete_untagged=dict(type="bool"),
    workers=dict(type="int"),
    dry_run=dict(type="bool"),
    run_now=dict(type="bool", default=False),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=600),
)


DRY_RUN_UNKNOWN = (
    "dry_run=%s was not compared: GET /system/gc/schedule never shows whether the GC schedule is a dry run "
    "(Harbor stores it with the schedule's callback, not in the parameters it returns), and no scheduled run since "
    "the schedule was set records it yet. Change the schedule (or set it with schedule and cron) to send dry_run "
    "again; harbor_gc_info shows the dry_run of every run.")


def scheduled_dry_run(client, schedule):
    """The ``dry_run`` of the GC schedule, read from the newest run it started, or None when none has run yet.

    Harbor's scheduler hands the stored policy to every run (``controller/gc/callback.go``), and a run records
    ``dry_run`` in its ``job_parameters``; the schedule itself is replaced on every change, so only runs created
    after the schedule's ``creation_time`` tell.
    """
    since = schedule.get("creation_time") or ""
    runs = client.get(GC_HISTORY_PATH, params={"page": 1, "page_size": 10, "sort": "-creation_time"}) or []
    for run in runs:
        if run.get("job_kind") == "SCHEDULE" and (run.get("creation_time") or "") >= since:
            stored = job_parameters(run.get("job_parameters"))
            if isinstance(stored.get("dry_run"), bool):
                return stored["dry_run"]
    return None


class GcScheduleResource(ScheduleResource):
    kind = "gc_schedule"
    path = GC_PATH
    parameters = {
        "delete_untagged": ("delete_untagged", False, bool, bool),
        "workers": ("workers", 1, int, int),
        "dry_run": ("dry_run", False, bool, bool),
    }

    def __init__(self):
        self.warnings = []
        self.schedule_dry_run = None  # what the newest scheduled run shows, None while unknown

    def find(self, client, params):
        current = client.get(self.path) or {}
        self.schedule_dry_run = scheduled_dry_run(client, current) if current.get("schedule") else None
        return current

    def current_parameters(self, current):
        values = super(GcScheduleResource, self).current_parameters(current)
        if "job_parameters" in current and "dry_run" not in job_parameters(current["job_parameters"]):
            values["dry_run"] = self.schedule_dry_run  # Harbor's schedule never shows it (see scheduled_dry_run)
        return values

    def view(self, client, current, desired):
        view = super(GcScheduleResource, self).view(client, current, desired)
        if desired is not None and "dry_run" in view and view["dry_run"] is None:
            if any(view.get(k) != v for k, v in self.comparable(desired).items() if k != "dry_run"):
                return view  # the schedule is written anyway, with the dry_run asked for
            view["dry_run"] = desired["dry_run"]  # cannot be compared: taken as it is asked for
            self.warnings.append(DRY_RUN_UNKNOWN % desired["dry_run"])
        return view

    def body(self, current, changes):
        body = super(GcScheduleResource, self).body(current, changes)
        parameters = body.get("parameters")
        if parameters is not None and parameters.get("dry_run") is None:
            parameters["dry_run"] = False  # unknown and not asked for: Harbor's default, a GC that frees space
        return body

    def check_parameter(self, option, value):
        if option == "workers" and not MIN_WORKERS <= value <= MAX_WORKERS:
            raise ValidationError("workers=%r: Harbor runs GC with %d to %d workers" % (value, MIN_WORKERS, MAX_WORKERS))
        return value

    def manual_body(self, params, current):
        """Parameters of a run now: the task's, else the schedule's, else Harbor's defaults."""
        values = self.current_parameters(current)
        values.update(dict((o, params[o]) for o in self.parameters if params.get(o) is not None))
        return {"schedule": {"type": "Manual"},
                "parameters": dict((key, conv(values[o])) for o, (key, dummy, conv, dummy2) in self.parameters.items())}


def run_gc(client, params, resource, current):
    """Start a GC run; with ``wait``, poll it until it finishes. Returns the GCHistory record of the run."""
    run_id, dummy = client.post(GC_PATH, resource.manual_body(params, current))
    if run_id is None:
        raise HarborError("Harbor started a GC run but gave no Location to follow", "POST", GC_PATH)
    path = "/system/gc/%s" % run_id
    if not params["wait"]:
        return client.get(path)
    run = poll(lambda: client.get(path), lambda r: (r or {}).get("job_status") in FINISHED, params["wait_timeout"],
               lambda r: HarborError("GC run %s did not finish within wait_timeout=%ss (status %s)"
                                     % (run_id, params["wait_timeout"], r.get("job_status")), "GET", path))
    if run.get("job_status") != "Success":
        raise HarborError("GC run %s ended with status %s; see GET /system/gc/%s/log"
                          % (run_id, run.get("job_status"), run_id), "GET", path)
    return run


def run_report(client, run):
    """``freed_bytes`` and ``log_tail`` of a finished run.

    Harbor's GC job checks in ``{"freed_space": bytes, "purged_blobs", "purged_manifests"}`` and its check-in
    processor merges that into the run's ``job_parameters``; a Harbor without that only writes
    "The GC job actual frees up N MB space." (a dry run: "The GC could free up N MB space") in the job log,
    so the log line is the fallback (N MB, a lower bound).
    """
    log = client.get_text("/system/gc/%s/log" % run["id"])
    report = {"log_tail": log.splitlines()[-LOG_TAIL_LINES:], "freed_bytes": None, "freed_bytes_source": None}
    freed = job_parameters(run.get("job_parameters")).get("freed_space")
    if isinstance(freed, int) and not isinstance(freed, bool):
        report.update(freed_bytes=freed, freed_bytes_source="job_parameters")
        return report
    for pattern in FREED_LINES:
        found = pattern.search(log)
        if found:
            report.update(freed_bytes=int(found.group(1)) * 1024 * 1024, freed_bytes_source="log")
            break
    return report
