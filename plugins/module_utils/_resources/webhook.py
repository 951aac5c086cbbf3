# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Project webhook policies (private to harbor_ops.harbor).

Harbor's rules this definition follows (API_FACTS section 10):
- a policy is found by project and exact name (``q=name=<n>``, checked again here);
- ``enabled`` is false when omitted: the module creates policies enabled unless told otherwise;
- event types are checked against what this Harbor supports (``GET .../webhook/events``) before
  any write; http targets get payload format ``Default`` when none is given, slack targets take none;
- the address is stored as ``scheme://host/path`` (spaces and trailing slashes trimmed, http://
  added, query dropped), so it is compared that way;
- ``auth_header`` comes back in clear: it is compared, but only as a fingerprint in diffs and the result;
- PUT replaces the whole policy.
"""

import hashlib
from urllib.parse import urlsplit

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError, http_url, required_text
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import existing_project

NOTIFY_TYPES = ("http", "slack")
WEBHOOK_TARGET_OPTIONS = dict(
    address=dict(type="str", required=True),
    type=dict(type="str", default="http", choices=list(NOTIFY_TYPES)),
    auth_header=dict(type="str", no_log=True),
    skip_cert_verify=dict(type="bool", default=False),
    payload_format=dict(type="str"),
)
WEBHOOK_ARGUMENT_SPEC = dict(
    project=dict(type="str", required=True),
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    description=dict(type="str"),
    enabled=dict(type="bool"),
    event_types=dict(type="list", elements="str"),
    targets=dict(type="list", elements="dict", options=WEBHOOK_TARGET_OPTIONS),
)
MASK = "********"


def normalize_address(option, address):
    """Harbor keeps a webhook address as scheme://host/path: the query string is dropped."""
    parts = urlsplit(http_url(option, address, "https://ci.example.com/hooks/harbor"))
    return "%s://%s%s" % (parts.scheme, parts.netloc, parts.path)


def fingerprint(secret):
    """What diffs show of an auth header: whether it is set and whether it changed, not its value."""
    if not secret:
        return ""
    return "sha256:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:12]


def target_view(target):
    kind = target.get("type") or "http"
    return {"type": kind, "address": target.get("address"), "auth_header": fingerprint(target.get("auth_header")),
            "skip_cert_verify": bool(target.get("skip_cert_verify")),
            "payload_format": target.get("payload_format") or ("Default" if kind == "http" else "")}


def masked(policy):
    """A policy for the module result: auth headers replaced by a mask."""
    if not policy:
        return policy
    policy = dict(policy)
    policy["targets"] = [dict(t, auth_header=MASK) if t.get("auth_header") else t for t in policy.get("targets") or []]
    return policy


def _sorted_targets(targets):
    return sorted(targets, key=lambda t: (t["address"], t["type"]))


def unsupported_events(event_types, events):
    """The declared event types that a Harbor listing ``events`` does not support, said, or None."""
    unknown = [e for e in event_types or [] if e.strip() not in events]
    if not unknown:
        return None
    return "%s not supported by this Harbor; it supports %s" % (", ".join(unknown), ", ".join(events))


class WebhookResource(Resource):
    kind = "webhook"

    def __init__(self):
        self._project = None
        self._targets = None  # the targets to send, with their real auth headers

    def validate(self, params):
        required_text("name", params.get("name"))
        desired = {}
        for option in ("description", "enabled"):
            if params.get(option) is not None:
                desired[option] = params[option]
        if params.get("event_types") is not None:
            events = sorted(set(e.strip() for e in params["event_types"]))
            if not events or "" in events:
                raise ValidationError("event_types must list at least one event type, e.g. PUSH_ARTIFACT")
            desired["event_types"] = events
        if params.get("targets") is not None:
            if not params["targets"]:
                raise ValidationError("targets must hold at least one target: Harbor refuses a policy without one")
            sent = []
            for index, target in enumerate(params["targets"]):
                where = "targets[%d]" % index
                body = {"type": target["type"], "address": normalize_address(where + ".address", target["address"]),
                        "skip_cert_verify": target["skip_cert_verify"]}
                if target.get("auth_header"):
                    body["auth_header"] = target["auth_header"]
                payload = target.get("payload_format")
                if target["type"] == "slack" and payload:
                    raise ValidationError("%s.payload_format=%r: slack targets take no payload format" % (where, payload))
                if target["type"] == "http":
                    body["payload_format"] = payload or "Default"
                sent.append(body)
            self._targets = _sorted_targets(sent)
            desired["targets"] = [target_view(t) for t in self._targets]
        return desired

    def find(self, client, params):
        self._project = existing_project(client, params)
        if self._project is None:
            return None
        current = client.find_by_name(self._path(), params["name"])
        if params["state"] == "present":
            if current is None and not (params.get("event_types") and params.get("targets")):
                raise ValidationError("event_types and targets are required to create webhook %r" % params["name"])
            self._check_supported(client, params)
        return current

    def _path(self):
        return "/projects/%s/webhook/policies" % self._project["project_id"]

    def _check_supported(self, client, params):
        """Event types and payload formats against what this Harbor lists, before any write."""
        if params.get("event_types") is None and params.get("targets") is None:
            return
        supported = client.get("/projects/%s/webhook/events" % self._project["project_id"]) or {}
        problem = unsupported_events(params.get("event_types"), supported.get("event_type") or [])
        if problem:
            raise ValidationError("event_types: " + problem)
        formats = dict((f.get("notify_type"), f.get("formats") or []) for f in supported.get("payload_formats") or [])
        for index, target in enumerate(self._targets or []):
            if target.get("payload_format") and target["payload_format"] not in formats.get(target["type"], []):
                raise ValidationError("targets[%d].payload_format=%r: this Harbor supports %s for %s targets"
                                      % (index, target["payload_format"], ", ".join(formats.get(target["type"], [])) or "none",
                                         target["type"]))

    def view(self, client, current, desired):
        view = {"description": current.get("description") or "", "enabled": bool(current.get("enabled")),
                "event_types": sorted(current.get("event_types") or []),
                "targets": _sorted_targets([target_view(t) for t in current.get("targets") or []])}
        return view if desired is None else dict((k, view[k]) for k in desired)

    def _body(self, params, values, current_targets):
        return {"name": params["name"], "description": values.get("description") or "",
                "enabled": values["enabled"], "event_types": values["event_types"],
                "targets": self._targets if self._targets is not None else current_targets}

    def create(self, client, params, desired):
        values = dict(desired)
        values.setdefault("enabled", True)
        policy_id, dummy = client.post(self._path(), self._body(params, values, []))
        return masked(client.get("%s/%s" % (self._path(), policy_id)))

    def update(self, client, params, current, changes):
        values = self.view(client, current, None)
        values.update(changes)
        client.put("%s/%s" % (self._path(), current["id"]), self._body(params, values, current.get("targets") or []))
        return masked(client.get("%s/%s" % (self._path(), current["id"])))

    def delete(self, client, params, current):
        client.delete("%s/%s" % (self._path(), current["id"]))
