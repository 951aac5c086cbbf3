#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_scan_all
short_description: Schedule Harbor's scan of all artifacts
version_added: 0.1.0
description:
  - Sets or removes the schedule on which Harbor scans every artifact with the default scanner.
  - Harbor needs a default scanner for this (see M(harbor_ops.harbor.harbor_scanner)); without one the module fails
    and says so.
  - The schedule is written with PUT, the only request Harbor lets replace an existing scan-all schedule.
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
      - When the scan runs. Five fields get a C(0) seconds field in front; six fields must have C(0) seconds.
    type: str
notes:
  - Needs a Harbor system administrator.
"""

EXAMPLES = r"""
- name: Scan everything every night at 01:00
  harbor_ops.harbor.harbor_scan_all:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    cron: "0 1 * * *"
"""

RETURN = r"""
scan_all_schedule:
  description: The schedule as Harbor returns it after the change; V({}) when none.
  returned: always
  type: dict
  sample:
    id: 2
    status: Scheduled
    schedule: {type: Custom, cron: "0 0 1 * * *"}
    creation_time: "2026-11-23T10:12:44.512Z"
    update_time: "2026-11-23T10:12:44.512Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.scan_all import ScanAllScheduleResource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.schedule import SCHEDULE_ARGUMENT_SPEC


def main():
    module = HarborModule(argument_spec=SCHEDULE_ARGUMENT_SPEC)
    module.run(lambda m: ensure(m, ScanAllScheduleResource()))


if __name__ == "__main__":
    main()
