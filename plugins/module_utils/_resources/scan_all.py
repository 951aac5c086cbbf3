# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scan-all schedule (private to harbor_ops.harbor).

API_FACTS section 8: only PUT manages the schedule idempotently (POST of a periodic type is a 412
when one exists), and every scan-all endpoint, GET included, answers 412 while no default scanner
exists; that 412 is reported as the missing scanner it means.
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import PreconditionFailed
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.schedule import ScheduleResource

SCAN_ALL_PATH = "/system/scanAll/schedule"


class NoScanner(PreconditionFailed):
    """Harbor has no default scanner, so it has no scan-all schedule either."""


class ScanAllScheduleResource(ScheduleResource):
    kind = "scan_all_schedule"
    path = SCAN_ALL_PATH

    def find(self, client, params):
        try:
            return client.get(self.path) or {}
        except PreconditionFailed as exc:
            raise NoScanner("Harbor has no default scanner, so it cannot scan all artifacts (%s); register one with "
                            "harbor_ops.harbor.harbor_scanner first" % exc.harbor_message, exc.method, exc.path,
                            exc.status, exc.code)
