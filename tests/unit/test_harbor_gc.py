# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_gc and harbor_gc_info with every HTTP call scripted."""

import json

from ansible_collections.harbor_ops.harbor.plugins.modules import harbor_gc, harbor_gc_info

from .http_script import Call

BASE = "/api/v2.0"
SCHEDULE = BASE + "/system/gc/schedule"


CREATED = "2026-11-23T10:12:44.512Z"


def stored(kind="Custom", cron="0 0 2 * * 6", **parameters):
    """A schedule as real Harbor v2.15.2 shows it: job_kind holds the cron, no dry_run, no time_window."""
    params = dict({"delete_tag": False, "delete_untagged": False, "workers": 1}, **parameters)
    return {"id": 3, "job_kind": cron, "job_parameters": json.dumps(params), "job_status": "Running",
            "schedule": {"type": kind, "cron": cron, "next_scheduled_time": "2026-11-28T02:00:00.000Z"},
            "creation_time": CREATED, "update_time": CREATED}


def scheduled_run(dry_run, created="2026-11-28T02:00:01.100Z", kind="SCHEDULE"):
    return {"id": 40, "job_name": "GARBAGE_COLLECTION", "job_kind": kind, "job_status": "Success",
            "job_parameters": json.dumps({"delete_tag": False, "delete_untagged": True, "dry_run": dry_run,
                                          "time_window": 2, "workers": 4}),
            "creation_time": created}


def history(*runs):
    """The look-up of the newest runs, which tells the schedule's dry_run."""
    return Call("GET", BASE + "/system/gc", query={"page": "1", "page_size": "10", "sort": "-creation_time"},
                answer=list(runs))


def empty():
    return Call("GET", SCHEDULE, raw="")


def test_create_schedule_from_empty_body(run_module):
    body = {"schedule": {"type": "Custom", "cron": "0 0 2 * * 6"},
            "parameters": {"delete_untagged": True, "workers": 4, "dry_run": False}}
    calls = [empty(), Call("PUT", SCHEDULE, body=body),
             Call("GET", SCHEDULE, answer=stored(delete_untagged=True, workers=4))]
    result, dummy = run_module(harbor_gc.main, {"schedule": "Custom", "cron": "0 2 * * 6", "delete_untagged": True,
                                                "workers": 4}, calls, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"] == {"schedule": "None", "cron": None, "delete_untagged": None, "workers": None}
    assert result["diff"]["after"] == {"schedule": "Custom", "cron": "0 0 2 * * 6", "delete_untagged": True, "workers": 4}
    assert result["gc_schedule"]["schedule"]["type"] == "Custom"


def test_second_run_compares_job_parameters_and_sends_nothing(run_module):
    result, http = run_module(harbor_gc.main, {"schedule": "Custom", "cron": "0 2 * * 6", "delete_untagged": True,
                                               "workers": 4, "dry_run": False},
                              [Call("GET", SCHEDULE, answer=stored(delete_untagged=True, workers=4)),
                               history(scheduled_run(False))])
    assert result["changed"] is False and len(http.sent) == 2
    assert result["schedule_dry_run"] is False and not result.get("warnings")


def test_a_hidden_dry_run_schedule_is_found_by_its_last_run_and_corrected(run_module):
    body = {"schedule": {"type": "Custom", "cron": "0 0 2 * * 6"},
            "parameters": {"delete_untagged": True, "workers": 4, "dry_run": False}}
    calls = [Call("GET", SCHEDULE, answer=stored(delete_untagged=True, workers=4)),
             history(scheduled_run(True), scheduled_run(False, created="2026-11-20T02:00:00.000Z")),
             Call("PUT", SCHEDULE, body=body), Call("GET", SCHEDULE, answer=stored(delete_untagged=True, workers=4))]
    result, dummy = run_module(harbor_gc.main, {"schedule": "Custom", "cron": "0 2 * * 6", "delete_untagged": True,
                                                "workers": 4, "dry_run": False}, calls, diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"dry_run": True}, "after": {"dry_run": False}}


def test_dry_run_unknown_is_not_compared_and_says_so(run_module):
    # only a manual run and a scheduled run from before the schedule was set: neither tells
    calls = [Call("GET", SCHEDULE, answer=stored(workers=4)),
             history(scheduled_run(True, kind="MANUAL"), scheduled_run(True, created="2026-11-01T02:00:00.000Z"))]
    result, http = run_module(harbor_gc.main, {"workers": 4, "dry_run": True}, calls)
    assert result["changed"] is False and result["schedule_dry_run"] is None
    assert [w for w in result["warnings"] if "dry_run=True was not compared" in json.dumps(w)]
    assert [line.split()[0] for line in http.sent] == ["GET", "GET"]


def test_dry_run_unknown_is_sent_when_the_schedule_is_written_anyway(run_module):
    body = {"schedule": {"type": "Custom", "cron": "0 0 2 * * 6"},
            "parameters": {"delete_untagged": False, "workers": 2, "dry_run": True}}
    calls = [Call("GET", SCHEDULE, answer=stored(workers=4)), history(),
             Call("PUT", SCHEDULE, body=body), Call("GET", SCHEDULE, answer=stored(workers=2))]
    result, dummy = run_module(harbor_gc.main, {"workers": 2, "dry_run": True}, calls, diff=True)
    assert result["diff"] == {"before": {"workers": 4, "dry_run": None}, "after": {"workers": 2, "dry_run": True}}


def test_daily_gets_the_ui_cron(run_module):
    result, dummy = run_module(harbor_gc.main, {"schedule": "Daily"},
                               [Call("GET", SCHEDULE, answer=stored("Daily", "0 0 0 * * *")), history()])
    assert result["changed"] is False


def test_update_sends_whole_schedule_diff_shows_only_change(run_module):
    body = {"schedule": {"type": "Custom", "cron": "0 0 2 * * 6"},
            "parameters": {"delete_untagged": True, "workers": 2, "dry_run": False}}
    calls = [Call("GET", SCHEDULE, answer=stored(delete_untagged=True, workers=4)), history(), Call("PUT", SCHEDULE, body=body),
             Call("GET", SCHEDULE, answer=stored(delete_untagged=True, workers=2))]
    result, dummy = run_module(harbor_gc.main, {"workers": 2}, calls, diff=True)
    assert result["diff"] == {"before": {"workers": 4}, "after": {"workers": 2}}


def test_none_removes_schedule_and_is_idempotent(run_module):
    calls = [Call("GET", SCHEDULE, answer=stored()), history(), Call("PUT", SCHEDULE, body={"schedule": {"type": "None"}}),
             empty()]
    result, dummy = run_module(harbor_gc.main, {"schedule": "None", "workers": 3}, calls)
    assert result["changed"] is True and result["gc_schedule"] == {}
    result, http = run_module(harbor_gc.main, {"schedule": "None", "workers": 3}, [empty()])
    assert result["changed"] is False and len(http.sent) == 1


def test_check_mode_reads_only(run_module):
    result, http = run_module(harbor_gc.main, {"schedule": "Hourly", "run_now": True}, [empty()], check_mode=True)
    assert result["changed"] is True and "gc_run" not in result
    assert [s.split()[0] for s in http.sent] == ["GET"]


def test_workers_11_refused_before_any_request(run_module):
    result, http = run_module(harbor_gc.main, {"schedule": "Daily", "workers": 11}, [])
    assert result["failed"] is True and "workers=11" in result["msg"] and "1 to 10" in result["msg"]
    assert http.sent == []


def test_cron_with_seconds_refused_before_any_request(run_module):
    result, http = run_module(harbor_gc.main, {"schedule": "Custom", "cron": "15 0 2 * * 6"}, [])
    assert result["failed"] is True and "cron=" in result["msg"] and "seconds" in result["msg"]
    assert http.sent == []


def test_custom_needs_cron(run_module):
    result, http = run_module(harbor_gc.main, {"schedule": "Custom"}, [])
    assert result["failed"] is True and "schedule=Custom needs cron" in result["msg"] and http.sent == []


def test_run_now_waits_for_success(run_module, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    run = {"id": 12, "job_status": "Running", "schedule": {"type": "Manual"}}
    calls = [Call("GET", SCHEDULE, answer=stored(workers=3)), history(),
             Call("POST", SCHEDULE, status=201, headers={"Location": "/api/v2.0/system/gc/12"},
                  body={"schedule": {"type": "Manual"},
                        "parameters": {"delete_untagged": True, "workers": 3, "dry_run": False}}),
             Call("GET", BASE + "/system/gc/12", answer=run),
             Call("GET", BASE + "/system/gc/12", answer=dict(run, job_status="Success",
                                                             job_parameters='{"freed_space":4096,"purged_blobs":2}')),
             Call("GET", BASE + "/system/gc/12/log", raw="start to run gc in job.\nsuccess to run gc in job.\n")]
    result, dummy = run_module(harbor_gc.main, {"run_now": True, "delete_untagged": True}, calls)
    # no schedule option declared: delete_untagged is for the run only, the schedule is left alone
    assert result["changed"] is True and result["gc_run"]["job_status"] == "Success"
    assert result["freed_bytes"] == 4096 and result["freed_bytes_source"] == "job_parameters"
    assert result["log_tail"] == ["start to run gc in job.", "success to run gc in job."]


def test_freed_bytes_from_the_log_when_job_parameters_lack_it(run_module):
    log = ("2026-11-23T10:12:45Z [INFO] [/jobservice/job/impl/gc/garbage_collection.go:374]: 28 blobs and 14 manifests "
           "are actually deleted\n2026-11-23T10:12:45Z [INFO] [/jobservice/job/impl/gc/garbage_collection.go:375]: "
           "The GC job actual frees up 34 MB space.\n")
    calls = [empty(),
             Call("POST", SCHEDULE, status=201, headers={"Location": "/api/v2.0/system/gc/5"}),
             Call("GET", BASE + "/system/gc/5", answer={"id": 5, "job_status": "Success", "job_parameters": '{"dry_run":false}'}),
             Call("GET", BASE + "/system/gc/5/log", raw=log)]
    result, dummy = run_module(harbor_gc.main, {"run_now": True}, calls)
    assert result["freed_bytes"] == 34 * 1024 * 1024 and result["freed_bytes_source"] == "log"
    assert result["log_tail"][-1].endswith("The GC job actual frees up 34 MB space.")


def test_check_mode_run_now_starts_nothing(run_module):
    result, http = run_module(harbor_gc.main, {"run_now": True}, [empty()], check_mode=True)
    assert result["changed"] is True and "gc_run" not in result and "freed_bytes" not in result
    assert [line.split()[0] for line in http.sent] == ["GET"]


def test_info_parses_job_parameters(run_module):
    calls = [Call("GET", SCHEDULE, answer=stored(workers=5)),
             Call("GET", BASE + "/system/gc", query={"sort": "-creation_time", "page": "1", "page_size": "2"},
                  answer=[{"id": 9, "job_status": "Success", "job_parameters": '{"dry_run":true}'}])]
    result, dummy = run_module(harbor_gc_info.main, {"runs": 2}, calls)
    assert result["gc_schedule"]["parameters"]["workers"] == 5
    assert result["gc_runs"][0]["parameters"] == {"dry_run": True}


def test_info_empty_schedule(run_module):
    result, dummy = run_module(harbor_gc_info.main, {"runs": 0}, [empty()])
    assert result["gc_schedule"] == {} and result["gc_runs"] == []


def test_run_now_without_schedule_uses_defaults(run_module):
    calls = [empty(),
             Call("POST", SCHEDULE, status=201, headers={"Location": "/api/v2.0/system/gc/4"},
                  body={"schedule": {"type": "Manual"}, "parameters": {"delete_untagged": False, "workers": 1, "dry_run": True}}),
             Call("GET", BASE + "/system/gc/4", answer={"id": 4, "job_status": "Running"})]
    result, dummy = run_module(harbor_gc.main, {"run_now": True, "wait": False, "dry_run": True}, calls)
    assert result["changed"] is True and result["gc_schedule"] == {} and result["gc_run"]["id"] == 4
