# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Harbor's system schedules: GC, audit-log purge, scan-all (private to harbor_ops.harbor).

They share one shape (API_FACTS sections 7 and 8): a singleton at ``.../schedule`` that answers an
empty body when nothing is scheduled, ``{"schedule": {"type", "cron"}, "parameters": {...}}`` to
write, and (GC, purge) the parameters read back as a JSON string in ``job_parameters``. Harbor does
not derive a cron from the type, so ``Hourly``/``Daily``/``Weekly`` get the UI's crons here; every
write sends the whole schedule and every parameter, since Harbor deletes and recreates the schedule.
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import (
    ValidationError,
    job_parameters,
    normalize_cron,
)

SCHEDULE_TYPES = ("None", "Hourly", "Daily", "Weekly", "Custom")
# what Harbor's UI sends for the fixed types
DEFAULT_CRONS = {"Hourly": "0 0 * * * *", "Daily": "0 0 0 * * *", "Weekly": "0 0 0 * * 0"}

SCHEDULE_ARGUMENT_SPEC = dict(
    schedule=dict(type="str", choices=list(SCHEDULE_TYPES)),
    cron=dict(type="str"),
)


def desired_schedule(params):
    """``{"schedule": type, "cron": cron}`` from the options, or {} when neither was given."""
    kind, cron = params.get("schedule"), params.get("cron")
    if kind is None and cron is None:
        return {}
    if kind is None:
        kind = "Custom"
    if kind == "None":
        if cron:
            raise ValidationError("cron=%r cannot go with schedule=None (no schedule); leave cron out" % cron)
        return {"schedule": "None", "cron": None}
    cron = normalize_cron("cron", cron) if cron else DEFAULT_CRONS.get(kind)
    if not cron:
        raise ValidationError("schedule=Custom needs cron, e.g. cron='0 3 * * *' (5 fields) or '0 0 3 * * *' (6 fields)")
    return {"schedule": kind, "cron": cron}


def current_schedule(current):
    """The schedule part of Harbor's answer in the desired shape (``None`` type when nothing is scheduled)."""
    schedule = (current or {}).get("schedule") or {}
    kind = schedule.get("type") or "None"
    if kind == "None":
        return {"schedule": "None", "cron": None}
    cron = schedule.get("cron") or None
    return {"schedule": kind, "cron": normalize_or_raw(cron)}


def normalize_or_raw(cron):
    """A stored cron in canonical form, or as stored when it is not one this module would write."""
    try:
        return normalize_cron("cron", cron)
    except ValidationError:
        return cron


class ScheduleResource(Resource):
    """A system schedule. Subclasses set ``path`` and ``parameters``:
    ``{option: (harbor_key, default, to_harbor, from_harbor)}``."""

    kind = "schedule"
    path = None
    parameters = {}
    send_parameters_always = False

    def validate(self, params):
        desired = desired_schedule(params)
        for option in self.parameters:
            if params.get(option) is not None:
                desired[option] = self.check_parameter(option, params[option])
        return desired

    def check_parameter(self, option, value):
        """Validate one parameter option (subclasses raise ValidationError); returns the normalised value."""
        return value

    def find(self, client, params):
        return client.get(self.path) or {}

    def current_parameters(self, current):
        stored = job_parameters(current.get("job_parameters")) if "job_parameters" in current else (current.get("parameters") or {})
        values = {}
        for option, (key, default, dummy, from_harbor) in self.parameters.items():
            values[option] = from_harbor(stored[key]) if key in stored else default
        return values

    def view(self, client, current, desired):
        view = current_schedule(current)
        scheduled = view["schedule"] != "None"
        if scheduled:
            view.update(self.current_parameters(current))
        if desired is None:
            return view
        wanted = dict(desired)
        if (desired.get("schedule") or view["schedule"]) == "None":
            # parameters of a schedule that is not there (or being removed) are not compared
            for option in self.parameters:
                wanted.pop(option, None)
                view.pop(option, None)
        return dict((k, view.get(k)) for k in wanted)

    def comparable(self, desired):
        if desired.get("schedule") == "None":
            return {"schedule": "None"}
        return desired

    def body(self, current, changes):
        """The whole schedule: the current values with the changes applied."""
        merged = current_schedule(current)
        merged.update(self.current_parameters(current))
        merged.update(changes)
        if merged["schedule"] == "None":
            merged["cron"] = None
        body = {"schedule": {"type": merged["schedule"]}}
        if merged["cron"]:
            body["schedule"]["cron"] = merged["cron"]
        if self.parameters and (merged["schedule"] != "None" or self.send_parameters_always):
            body["parameters"] = dict((key, to_harbor(merged[option]))
                                      for option, (key, dummy, to_harbor, dummy2) in self.parameters.items())
        return body

    def update(self, client, params, current, changes):
        client.put(self.path, self.body(current, changes))
        return client.get(self.path) or {}
