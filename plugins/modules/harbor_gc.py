#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_gc
short_description: Schedule Harbor's garbage collection, and run it now
version_added: 0.1.0
description:
  - Sets the schedule of Harbor's garbage collection (GC) and its parameters, and optionally starts a run now.
  - The schedule and its parameters are read back from Harbor (its C(job_parameters) JSON string) and compared;
    a second run with the same options sends no write.
  - Harbor deletes and recreates the schedule on every change, so a change sends the whole schedule with all
    its parameters (the unchanged ones as Harbor holds them).
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  schedule:
    description:
      - V(None) removes the schedule. V(Hourly), V(Daily) and V(Weekly) use the crons Harbor's UI uses
        (C(0 0 * * * *), C(0 0 0 * * *), C(0 0 0 * * 0)) unless O(cron) is given; V(Custom) needs O(cron).
      - Left out, the current schedule type stays (V(Custom) when only O(cron) is given).
    type: str
    choices: [None, Hourly, Daily, Weekly, Custom]
  cron:
    description:
      - When GC runs. Five fields (C(minute hour day-of-month month day-of-week)) get a C(0) seconds field in front;
        six fields must have C(0) seconds, since Harbor schedules at most once a minute.
    type: str
  delete_untagged:
    description:
      - Also delete untagged artifacts. Harbor's default is V(false).
      - Parameters are compared only while a schedule exists or is declared.
    type: bool
  workers:
    description:
      - Number of parallel GC workers, 1 to 10. Harbor's default is 1.
    type: int
  dry_run:
    description:
      - Only report what GC would free. Harbor's default is V(false).
      - For a schedule, Harbor stores O(dry_run) but C(GET /system/gc/schedule) never shows it. The module reads it
        from the newest run the schedule started; until one has run it cannot tell, does not compare O(dry_run) and
        warns (RV(schedule_dry_run) is V(null)).
    type: bool
  run_now:
    description:
      - Start a GC run after the schedule is in place, with the parameters of the task (else the schedule's).
      - Without O(schedule) and O(cron), the parameters are for this run only and the schedule is left as it is.
        It always reports C(changed); in check mode nothing is started.
    type: bool
    default: false
  wait:
    description:
      - With O(run_now), wait until the run finishes and fail when it does not succeed; then return
        RV(freed_bytes) and RV(log_tail).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the run with O(wait).
    type: int
    default: 600
notes:
  - Needs a Harbor system administrator.
seealso:
  - module: harbor_ops.harbor.harbor_gc_info
"""

EXAMPLES = r"""
- name: GC every Saturday at 02:00, untagged artifacts included, 4 workers
  harbor_ops.harbor.harbor_gc:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    schedule: Custom
    cron: "0 2 * * 6"
    delete_untagged: true
    workers: 4

- name: No scheduled GC, but run one now and wait for it
  harbor_ops.harbor.harbor_gc:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    schedule: None
    run_now: true
    delete_untagged: true
  register: gc

- name: Show how the run ended
  ansible.builtin.debug:
    msg: "{{ gc.gc_run.job_status }}"
"""

RETURN = r"""
gc_schedule:
  description:
    - The GC schedule as Harbor returns it after the change (C(GET /system/gc/schedule)); V({}) when none.
    - C(job_parameters) is a JSON string, as Harbor sends it, and C(job_kind) holds the cron.
    - Harbor never shows the schedule's C(dry_run) here, although it stores it and applies it to every scheduled
      run; see RV(schedule_dry_run).
  returned: always
  type: dict
  sample:
    id: 3
    job_kind: "0 0 2 * * 6"
    job_parameters: '{"delete_tag":false,"delete_untagged":true,"workers":4}'
    job_status: Running
    schedule:
      type: Custom
      cron: "0 0 2 * * 6"
      next_scheduled_time: "2026-11-28T02:00:00.000Z"
    creation_time: "2026-11-23T10:12:44.512Z"
    update_time: "2026-11-23T10:12:44.512Z"
schedule_dry_run:
  description:
    - Whether the GC schedule is a dry run, as recorded by the newest run the schedule started (C(GET /system/gc),
      C(job_kind=SCHEDULE), created after the schedule).
    - V(null) when no scheduled run since the schedule was set tells. O(dry_run) is then not compared (a warning
      says so), and a schedule this task writes for another reason is sent with O(dry_run), else with V(false).
  returned: always
  type: bool
  sample: false
gc_run:
  description: The GC run started by O(run_now) (C(GET /system/gc/{id})).
  returned: when O(run_now) is true and not in check mode
  type: dict
  sample:
    id: 12
    job_name: GARBAGE_COLLECTION
    job_kind: MANUAL
    job_parameters: "{\"delete_tag\":false,\"delete_untagged\":true,\"dry_run\":false,\"freed_space\":35651584,\
      \"purged_blobs\":28,\"purged_manifests\":14,\"time_window\":2,\"workers\":1}"
    job_status: Success
    schedule:
      type: Manual
      next_scheduled_time: "0001-01-01T00:00:00.000Z"
freed_bytes:
  description:
    - Bytes the run freed (a dry run, would free), from the C(freed_space) that Harbor's GC job records in the run's
      C(job_parameters). A Harbor that does not record it only logs whole megabytes
      (C(The GC job actual frees up N MB space.)); the value is then N * 1048576 and RV(freed_bytes_source) is V(log).
    - V(null) when neither is there.
  returned: when O(run_now) and O(wait) are true and not in check mode
  type: int
  sample: 35651584
freed_bytes_source:
  description: Where RV(freed_bytes) came from, V(job_parameters) or V(log).
  returned: when O(run_now) and O(wait) are true and not in check mode
  type: str
  sample: job_parameters
log_tail:
  description: The last 20 lines of the run's job log (C(GET /system/gc/{id}/log)).
  returned: when O(run_now) and O(wait) are true and not in check mode
  type: list
  elements: str
  sample:
    - "2026-11-23T10:12:45Z [INFO] [/jobservice/job/impl/gc/garbage_collection.go:374]: 28 blobs and 14 manifests are actually deleted"
    - "2026-11-23T10:12:45Z [INFO] [/jobservice/job/impl/gc/garbage_collection.go:375]: The GC job actual frees up 34 MB space."
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import check_wait_timeout
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.gc import (
    GC_ARGUMENT_SPEC,
    GcScheduleResource,
    run_gc,
    run_report,
)


def apply(module):
    resource = GcScheduleResource()
    params = module.params
    check_wait_timeout(params)
    if params["run_now"] and params["schedule"] is None and params["cron"] is None:
        # parameters without a schedule option are for this run only: the schedule is left alone
        resource.validate(params)  # refuses bad parameters before the run
        result = {"changed": False, "gc_schedule": resource.find(module.client, params)}
    else:
        result = ensure(module, resource)
    for warning in resource.warnings:
        module.warn(warning)
    result["schedule_dry_run"] = resource.schedule_dry_run
    if params["run_now"]:
        result["changed"] = True
        if not module.check_mode:
            result["gc_run"] = run_gc(module.client, module.params, resource, result["gc_schedule"] or {})
            if params["wait"]:
                result.update(run_report(module.client, result["gc_run"]))
    return result


def main():
    module = HarborModule(argument_spec=GC_ARGUMENT_SPEC)
    module.run(apply)


if __name__ == "__main__":
    main()
