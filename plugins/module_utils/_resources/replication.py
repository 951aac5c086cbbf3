# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Harbor replication policies (private to harbor_ops.harbor).

Harbor's rules this definition follows (API_FACTS section 4):
- look-up by exact name; the remote registry is given by name and resolved to its id before any write;
- push sends ``dest_registry: {id}``, pull ``src_registry: {id}``; the other side is the local Harbor;
- PUT is a full replace (what it leaves out is reset), so an update sends the whole merged policy;
- the handler reads ``deletion``, not ``replicate_deletion``: both are sent with the same value;
- crons have six fields with seconds 0 and a minutes field other than ``*``;
- ``single_active_replication`` with an event-based trigger is a 500 in Harbor: refused here first;
- filters: name and tag take a string, label a list of label names, resource ``image``/``artifact``;
  only tag and label take ``matches``/``excludes``.
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError, normalize_cron, required_text

FILTER_TYPES = ("name", "tag", "label", "resource")
DECORATED = ("tag", "label")
TRIGGER_TYPES = ("manual", "event_based", "scheduled")
REPLICATION_ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    description=dict(type="str"),
    mode=dict(type="str", choices=["push", "pull"]),
    registry=dict(type="str"),
    dest_namespace=dict(type="str"),
    dest_namespace_replace_count=dict(type="int"),
    filters=dict(type="list", elements="dict", options=dict(
        type=dict(type="str", required=True, choices=list(FILTER_TYPES)),
        value=dict(type="raw", required=True),
        decoration=dict(type="str", choices=["matches", "excludes"]),
    )),
    trigger=dict(type="dict", options=dict(
        type=dict(type="str", required=True, choices=list(TRIGGER_TYPES)),
        cron=dict(type="str"),
    )),
    override=dict(type="bool"),
    replicate_deletion=dict(type="bool"),
    enabled=dict(type="bool"),
    speed=dict(type="int"),
    copy_by_chunk=dict(type="bool"),
    single_active_replication=dict(type="bool"),
)
SIMPLE_OPTIONS = ("description", "dest_namespace", "dest_namespace_replace_count", "override", "replicate_deletion",
                  "enabled", "speed", "copy_by_chunk", "single_active_replication")
OWNED_OPTIONS = ("mode", "registry", "filters", "trigger") + SIMPLE_OPTIONS


def check_filters(filters):
    """Normalised filters (``decoration`` made explicit on tag and label), sorted for comparison."""
    normalised = []
    for index, item in enumerate(filters or []):
        where = "filters[%d]" % index
        kind, value, decoration = item["type"], item["value"], item.get("decoration")
        if kind == "label":
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise ValidationError("%s.value: a label filter takes a list of label names, e.g. [prod, signed]; got %r"
                                      % (where, value))
            value = sorted(value)
        elif kind == "resource":
            if value not in ("image", "artifact"):
                raise ValidationError("%s.value: a resource filter takes image or artifact; got %r" % (where, value))
        elif not isinstance(value, str) or not value:
            raise ValidationError("%s.value: a %s filter takes a pattern string such as library/** or v1.*; got %r"
                                  % (where, kind, value))
        if decoration and kind not in DECORATED:
            raise ValidationError("%s.decoration: only tag and label filters take matches/excludes, not %s" % (where, kind))
        entry = {"type": kind, "value": value}
        if kind in DECORATED:
            entry["decoration"] = decoration or "matches"
        normalised.append(entry)
    return sort_filters(normalised)


def sort_filters(filters):
    return sorted(filters, key=lambda f: (f["type"], repr(f["value"]), f.get("decoration") or ""))


def filters_view(filters):
    """Harbor's filters in the normalised shape."""
    view = []
    for item in filters or []:
        entry = {"type": item.get("type"), "value": item.get("value")}
        if entry["type"] == "label" and isinstance(entry["value"], list):
            entry["value"] = sorted(entry["value"])
        if entry["type"] in DECORATED:
            entry["decoration"] = item.get("decoration") or "matches"
        view.append(entry)
    return sort_filters(view)


def check_trigger(trigger):
    if trigger is None:
        return None
    kind, cron = trigger["type"], trigger.get("cron")
    if kind != "scheduled":
        if cron:
            raise ValidationError("trigger.cron is only used with trigger.type=scheduled, not %s" % kind)
        return {"type": kind, "cron": None}
    if not cron:
        raise ValidationError("trigger.cron is required with trigger.type=scheduled, e.g. '0 2 * * *' (five fields) "
                              "or Harbor's '0 0 2 * * *'")
    cron = normalize_cron("trigger.cron", cron)
    if cron.split()[1] == "*":
        raise ValidationError("trigger.cron=%r: Harbor refuses a minutes field of '*' for replication (it would run "
                              "every minute); give a minute, e.g. %r" % (trigger["cron"], " ".join(["0", "0"] + cron.split()[2:])))
    return {"type": kind, "cron": cron}


def trigger_view(trigger):
    trigger = trigger or {}
    kind = trigger.get("type") or "manual"
    cron = (trigger.get("trigger_settings") or {}).get("cron") if kind == "scheduled" else None
    return {"type": kind, "cron": cron or None}


def remote_side(policy):
    """('push'|'pull', remote registry) of a policy as Harbor returns it."""
    dest = policy.get("dest_registry") or {}
    if dest.get("id"):
        return "push", dest
    return "pull", policy.get("src_registry") or {}


class ReplicationResource(Resource):
    kind = "policy"

    def __init__(self):
        self._registry_id = None

    def validate(self, params):
        required_text("name", params.get("name"))
        desired = {}
        for option in SIMPLE_OPTIONS + ("mode", "registry"):
            if params.get(option) is not None:
                desired[option] = params[option]
        if params.get("filters") is not None:
            desired["filters"] = check_filters(params["filters"])
        if params.get("trigger") is not None:
            desired["trigger"] = check_trigger(params["trigger"])
        count = desired.get("dest_namespace_replace_count")
        if count is not None and not -1 <= count <= 127:
            raise ValidationError("dest_namespace_replace_count must be -1 (keep only the last name component) or "
                                  "0..127 (levels to drop); got %d" % count)
        if desired.get("speed") is not None and desired["speed"] < 0:
            raise ValidationError("speed is in KB/s per task, 0 for unlimited; got %d" % desired["speed"])
        trigger_type = (desired.get("trigger") or {}).get("type")
        if desired.get("single_active_replication") and trigger_type == "event_based":
            raise ValidationError("single_active_replication=true cannot be used with trigger.type=event_based: Harbor "
                                  "refuses the combination (HTTP 500). Use a manual or scheduled trigger, or drop it.")
        return desired

    def find(self, client, params):
        if params.get("state") == "present" and params.get("registry"):
            registry = client.find_by_name("/registries", params["registry"])
            if registry is None:
                raise ValidationError("registry=%r: no registry endpoint of that name exists in Harbor; create it first "
                                      "(harbor_registry)" % params["registry"])
            self._registry_id = registry["id"]
        return client.find_by_name("/replication/policies", params["name"])

    def view(self, client, current, desired):
        wanted = OWNED_OPTIONS if desired is None else tuple(desired)
        mode, remote = remote_side(current)
        view = {}
        for option in wanted:
            if option == "mode":
                view[option] = mode
            elif option == "registry":
                view[option] = remote.get("name")
            elif option == "filters":
                view[option] = filters_view(current.get("filters"))
            elif option == "trigger":
                view[option] = trigger_view(current.get("trigger"))
            elif option == "replicate_deletion":
                view[option] = bool(current.get("deletion", current.get("replicate_deletion")))
            elif option == "dest_namespace_replace_count":
                count = current.get("dest_namespace_replace_count")
                view[option] = -1 if count is None else count
            elif option == "speed":
                view[option] = current.get("speed") or 0
            elif option in ("description", "dest_namespace"):
                view[option] = current.get(option) or ""
            else:
                view[option] = bool(current.get(option))
        return view

    def check_update(self, params, current, changes, before):
        trigger = changes.get("trigger") or trigger_view(current.get("trigger"))
        single = changes.get("single_active_replication", current.get("single_active_replication"))
        if single and trigger["type"] == "event_based":
            raise ValidationError("single_active_replication=true cannot be used with an event_based trigger: Harbor "
                                  "refuses the combination (HTTP 500)")

    @staticmethod
    def _body(name, state):
        """A full ReplicationPolicy body from a normalised state."""
        registry = {"id": state["registry_id"]}
        body = {
            "name": name,
            "description": state.get("description") or "",
            "src_registry": registry if state["mode"] == "pull" else {"id": 0},
            "dest_registry": registry if state["mode"] == "push" else {"id": 0},
            "dest_namespace": state.get("dest_namespace") or "",
            "dest_namespace_replace_count": state.get("dest_namespace_replace_count", -1),
            "filters": [dict(f) for f in state.get("filters") or []],
            "override": bool(state.get("override")),
            # Harbor's handler reads `deletion`; `replicate_deletion` is what its API documents: send both
            "deletion": bool(state.get("replicate_deletion")),
            "replicate_deletion": bool(state.get("replicate_deletion")),
            "enabled": bool(state.get("enabled")),
            "speed": state.get("speed") or 0,
        }
        for option in ("copy_by_chunk", "single_active_replication"):
            if state.get(option) is not None:
                body[option] = bool(state[option])
        trigger = state.get("trigger") or {"type": "manual", "cron": None}
        body["trigger"] = {"type": trigger["type"]}
        if trigger.get("cron"):
            body["trigger"]["trigger_settings"] = {"cron": trigger["cron"]}
        return body

    def create(self, client, params, desired):
        if not desired.get("mode") or not desired.get("registry"):
            raise ValidationError("mode (push or pull) and registry are required to create replication policy %r" % params["name"])
        state = dict(desired, registry_id=self._registry_id)
        state.setdefault("enabled", True)
        state.setdefault("override", True)
        policy_id, dummy = client.post("/replication/policies", self._body(params["name"], state))
        return client.get("/replication/policies/%s" % policy_id)

    def update(self, client, params, current, changes):
        state = self.view(client, current, None)
        mode, remote = remote_side(current)
        state["registry_id"] = remote.get("id")
        for option in ("copy_by_chunk", "single_active_replication"):
            state[option] = current.get(option)
        state.update(changes)
        if "registry" in changes:
            state["registry_id"] = self._registry_id
        client.put("/replication/policies/%s" % current["id"], self._body(params["name"], state))
        return client.get("/replication/policies/%s" % current["id"])

    def delete(self, client, params, current):
        client.delete("/replication/policies/%s" % current["id"])
