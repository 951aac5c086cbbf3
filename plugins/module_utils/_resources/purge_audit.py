# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The audit-log purge schedule (private to harbor_ops.harbor).

API_FACTS section 7: the same schedule shapes as GC; every POST/PUT needs ``parameters`` with
``audit_retention_hour`` (at most 240000; 0 or -1 purge nothing) and ``include_event_types`` (a
comma-separated string of event types), also when the schedule is removed.
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.schedule import (
    SCHEDULE_ARGUMENT_SPEC,
    ScheduleResource,
)

PURGE_PATH = "/system/purgeaudit/schedule"
MAX_RETENTION_HOURS = 240000
AUDIT_EVENT_TYPES = ("create_artifact", "delete_artifact", "pull_artifact", "create_project", "delete_project",
                     "delete_repository", "login_user", "logout_user", "create_user", "delete_user", "update_user",
                     "create_robot", "delete_robot", "update_configuration", "create_member", "delete_member",
                     "update_member", "update_project", "other")
PURGE_ARGUMENT_SPEC = dict(
    SCHEDULE_ARGUMENT_SPEC,
    audit_retention_hour=dict(type="int"),
    include_event_types=dict(type="list", elements="str"),
    dry_run=dict(type="bool"),
)


def _event_list(value):
    return sorted(set(e.strip().lower() for e in value.split(",") if e.strip())) if value else []


class PurgeAuditScheduleResource(ScheduleResource):
    kind = "purge_audit_schedule"
    path = PURGE_PATH
    send_parameters_always = True
    parameters = {
        "audit_retention_hour": ("audit_retention_hour", None, int, int),
        "include_event_types": ("include_event_types", None, ",".join, _event_list),
        "dry_run": ("dry_run", False, bool, bool),
    }

    def check_parameter(self, option, value):
        if option == "audit_retention_hour" and not -1 <= value <= MAX_RETENTION_HOURS:
            raise ValidationError("audit_retention_hour=%r: give 1 to %d hours (0 or -1 purge nothing)"
                                  % (value, MAX_RETENTION_HOURS))
        if option == "include_event_types":
            events = sorted(set(e.strip().lower() for e in value))
            unknown = [e for e in events if e not in AUDIT_EVENT_TYPES]
            if unknown or not events:
                raise ValidationError("include_event_types: %s; use some of %s"
                                      % ("unknown %s" % ", ".join(unknown) if unknown else "give at least one",
                                         ", ".join(AUDIT_EVENT_TYPES)))
            return events
        return value

    def check_update(self, params, current, changes, before):
        if current.get("schedule") is None and changes.get("schedule", "None") != "None":
            missing = [o for o in ("audit_retention_hour", "include_event_types") if params.get(o) is None]
            if missing:
                raise ValidationError("%s: required to schedule the audit-log purge (Harbor refuses a schedule "
                                      "without them)" % " and ".join(missing))
