#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_purge_audit_info
short_description: Read Harbor's audit-log purge schedule and its recent runs
version_added: 0.1.0
description:
  - Reads the audit-log purge schedule (C(GET /system/purgeaudit/schedule)) and the most recent purge runs
    (C(GET /system/purgeaudit)), newest first.
  - Harbor's C(job_parameters) JSON string is also returned parsed, as C(parameters).
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  history:
    description:
      - How many recent runs to return, 0 to 100.
    type: int
    default: 5
notes:
  - Needs a Harbor system administrator.
seealso:
  - module: harbor_ops.harbor.harbor_purge_audit
"""

EXAMPLES = r"""
- name: Read the audit-log purge schedule and the last 3 runs
  harbor_ops.harbor.harbor_purge_audit_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    history: 3
  register: purge

- name: Fail when the audit log is never purged
  ansible.builtin.assert:
    that: purge.purge_audit_schedule.parameters.audit_retention_hour | default(0) > 0
"""

RETURN = r"""
purge_audit_schedule:
  description:
    - The schedule as Harbor returns it, with C(parameters) parsed from C(job_parameters); V({}) when nothing is
      scheduled.
    - C(job_kind) holds the cron.
  returned: always
  type: dict
  sample:
    id: 4
    job_kind: "0 0 0 * * 0"
    job_parameters: '{"audit_retention_hour":720,"dry_run":false,"include_event_types":"login_user,logout_user"}'
    parameters: {audit_retention_hour: 720, dry_run: false, include_event_types: "login_user,logout_user"}
    schedule: {type: Weekly, cron: "0 0 0 * * 0", next_scheduled_time: "2026-11-29T00:00:00.000Z"}
purge_audit_runs:
  description: The most recent purge runs, newest first, each with C(parameters) parsed from C(job_parameters).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 12
      job_name: PURGE_AUDIT_LOG
      job_kind: SCHEDULE
      job_status: Success
      job_parameters: '{"audit_retention_hour":720,"dry_run":false,"include_event_types":"login_user,logout_user"}'
      parameters: {audit_retention_hour: 720, dry_run: false, include_event_types: "login_user,logout_user"}
      schedule: {type: Weekly, cron: "0 0 0 * * 0"}
      creation_time: "2026-11-22T00:00:00.000Z"
      update_time: "2026-11-22T00:00:03.100Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError, with_parameters
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.purge_audit import PURGE_PATH

HISTORY_PATH = "/system/purgeaudit"


def gather(module):
    history = module.params["history"]
    if not 0 <= history <= 100:
        raise ValidationError("history=%r: give 0 to 100 (Harbor's largest page)" % history)
    client = module.client
    result = {"changed": False, "purge_audit_schedule": with_parameters(client.get(PURGE_PATH)),
              "purge_audit_runs": []}
    if history:
        page = client.get(HISTORY_PATH, params={"sort": "-creation_time", "page": 1, "page_size": history}) or []
        result["purge_audit_runs"] = [with_parameters(run) for run in page]
    return result


def main():
    module = HarborModule(argument_spec=dict(history=dict(type="int", default=5)))
    module.run(gather)


if __name__ == "__main__":
    main()
