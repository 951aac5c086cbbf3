#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_purge_audit
short_description: Schedule the purge of Harbor's audit log
version_added: 0.1.0
description:
  - Sets or removes the schedule on which Harbor deletes old audit-log entries, with how old and which kinds.
  - The schedule and its parameters are read back from Harbor's C(job_parameters) JSON string and compared;
    a change sends the whole schedule.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  schedule:
    description:
      - V(None) removes the schedule. V(Hourly), V(Daily) and V(Weekly) use the crons Harbor's UI uses unless O(cron)
        is given; V(Custom) needs O(cron). Left out with O(cron) given, V(Custom).
    type: str
    choices: [None, Hourly, Daily, Weekly, Custom]
  cron:
    description:
      - When the purge runs. Five fields get a C(0) seconds field in front; six fields must have C(0) seconds.
    type: str
  audit_retention_hour:
    description:
      - Entries older than this many hours are purged, up to 240000. V(0) and V(-1) purge nothing.
      - Required to create a schedule.
    type: int
  include_event_types:
    description:
      - Which entries are purged, compared as a set. Harbor's types are C(create_artifact), C(delete_artifact),
        C(pull_artifact), C(create_project), C(delete_project), C(update_project), C(delete_repository),
        C(login_user), C(logout_user), C(create_user), C(delete_user), C(update_user), C(create_robot),
        C(delete_robot), C(update_configuration), C(create_member), C(delete_member), C(update_member) and C(other).
      - Required to create a schedule.
    type: list
    elements: str
  dry_run:
    description:
      - Only count what would be purged.
    type: bool
notes:
  - Needs a Harbor system administrator.
"""

EXAMPLES = r"""
- name: Every Sunday, purge pulls and logins older than 30 days
  harbor_ops.harbor.harbor_purge_audit:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    schedule: Weekly
    audit_retention_hour: 720
    include_event_types: [pull_artifact, login_user, logout_user]
"""

RETURN = r"""
purge_audit_schedule:
  description: The schedule as Harbor returns it after the change; V({}) when none. C(job_parameters) is a JSON string.
  returned: always
  type: dict
  sample:
    id: 4
    job_name: PURGE_AUDIT_LOG
    job_kind: SCHEDULE
    job_parameters: '{"audit_retention_hour":720,"dry_run":false,"include_event_types":"login_user,logout_user,pull_artifact"}'
    schedule: {type: Weekly, cron: "0 0 0 * * 0"}
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.purge_audit import (
    PURGE_ARGUMENT_SPEC,
    PurgeAuditScheduleResource,
)


def main():
    module = HarborModule(argument_spec=PURGE_ARGUMENT_SPEC)
    module.run(lambda m: ensure(m, PurgeAuditScheduleResource()))


if __name__ == "__main__":
    main()
