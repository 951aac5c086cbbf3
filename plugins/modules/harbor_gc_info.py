#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_gc_info
short_description: Read Harbor's garbage collection schedule and its recent runs
version_added: 0.1.0
description:
  - Reads the GC schedule (C(GET /system/gc/schedule)) and the most recent GC runs (C(GET /system/gc)), newest first.
  - Harbor's C(job_parameters) JSON string is also returned parsed, as C(parameters).
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  runs:
    description:
      - How many recent runs to return, 0 to 100.
    type: int
    default: 10
notes:
  - Needs a Harbor system administrator.
seealso:
  - module: harbor_ops.harbor.harbor_gc
"""

EXAMPLES = r"""
- name: Read the GC schedule and the last 3 runs
  harbor_ops.harbor.harbor_gc_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    runs: 3
  register: gc

- name: Fail when the last GC run did not succeed
  ansible.builtin.assert:
    that: gc.gc_runs | length == 0 or gc.gc_runs[0].job_status == 'Success'
"""

RETURN = r"""
gc_schedule:
  description:
    - The GC schedule, with C(parameters) parsed from C(job_parameters); V({}) when nothing is scheduled.
    - C(job_kind) holds the cron. Harbor does not show the schedule's C(dry_run) (nor C(time_window), which it
      sets when a run starts); the C(parameters) of the RV(gc_runs) with C(job_kind=SCHEDULE) show what the
      schedule ran with.
  returned: always
  type: dict
  sample:
    id: 3
    job_kind: "0 0 2 * * 6"
    job_parameters: '{"delete_tag":false,"delete_untagged":true,"workers":4}'
    parameters: {delete_tag: false, delete_untagged: true, workers: 4}
    schedule: {type: Custom, cron: "0 0 2 * * 6", next_scheduled_time: "2026-11-28T02:00:00.000Z"}
gc_runs:
  description: The most recent GC runs, newest first, each with C(parameters) parsed from C(job_parameters).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 12
      job_name: GARBAGE_COLLECTION
      job_kind: MANUAL
      job_status: Success
      job_parameters: "{\"delete_tag\":false,\"delete_untagged\":false,\"dry_run\":false,\"freed_space\":0,\
        \"purged_blobs\":0,\"purged_manifests\":0,\"time_window\":2,\"workers\":1}"
      parameters: {delete_tag: false, delete_untagged: false, dry_run: false, freed_space: 0, purged_blobs: 0,
                   purged_manifests: 0, time_window: 2, workers: 1}
      schedule: {type: Manual, next_scheduled_time: "0001-01-01T00:00:00.000Z"}
      creation_time: "2026-11-23T10:12:44.512Z"
      update_time: "2026-11-23T10:13:02.100Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError, with_parameters
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.gc import GC_PATH


def gather(module):
    runs = module.params["runs"]
    if not 0 <= runs <= 100:
        raise ValidationError("runs=%r: give 0 to 100 (Harbor's largest page)" % runs)
    client = module.client
    result = {"changed": False, "gc_schedule": with_parameters(client.get(GC_PATH)), "gc_runs": []}
    if runs:
        page = client.get("/system/gc", params={"sort": "-creation_time", "page": 1, "page_size": runs}) or []
        result["gc_runs"] = [with_parameters(run) for run in page]
    return result


def main():
    module = HarborModule(argument_spec=dict(runs=dict(type="int", default=10)))
    module.run(gather)


if __name__ == "__main__":
    main()
