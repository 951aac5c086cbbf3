# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tag retention policy of a project (private to harbor_ops.harbor).

Harbor's rules this definition follows (API_FACTS section 5):
- one policy per project; its id is the project's ``metadata.retention_id`` (a string); POST when
  one exists is a 400, so the look-up goes through the project;
- Harbor validates almost nothing (templates, params, selectors and actions are stored as sent and
  fail only when the policy runs), so every rule is checked here before anything is written;
- Harbor adds ``id`` and ``priority`` to stored rules: rules are compared without them, in order;
- a tag selector's ``extras`` is a JSON string ``{"untagged":true}``; empty extras means untagged
  artifacts are kept for ``matches`` and not for ``excludes``;
- PUT takes the whole policy with ``scope.ref`` = the project id; an empty cron is no schedule.
"""

import json

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import BadRequest, Conflict, path_param
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import (
    ValidationError,
    harbor_bool,
    normalize_cron,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import existing_project
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.selectors import (
    SELECTOR_OPTIONS,
    flat_selectors,
    harbor_selectors,
    selectors_from_options,
)

# template -> the option holding its parameter (None: the template takes none)
TEMPLATES = {
    "latestPushedK": "count",
    "latestPulledN": "count",
    "nDaysSinceLastPush": "days",
    "nDaysSinceLastPull": "days",
    "always": None,
}
MAX_RULES = 15
PARAMETER_OPTIONS = ("count", "days")

RETENTION_RULE_OPTIONS = dict(
    SELECTOR_OPTIONS,
    template=dict(type="str", required=True),
    count=dict(type="raw"),
    days=dict(type="raw"),
    untagged=dict(type="raw"),
    disabled=dict(type="bool", default=False),
)
RETENTION_ARGUMENT_SPEC = dict(
    project=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    rules=dict(type="list", elements="dict", options=RETENTION_RULE_OPTIONS),
    cron=dict(type="str"),
)


def _positive_int(option, value):
    if isinstance(value, bool) or value is None:
        raise ValidationError("%s must be a whole number of 1 or more; got %r" % (option, value))
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError("%s must be a whole number of 1 or more; got %r" % (option, value))
    if number < 1:
        raise ValidationError("%s must be 1 or more (Harbor would store %r and the policy would fail when it runs); "
                              "got %r" % (option, number, value))
    return number


def _untagged(option, value, decoration):
    if value is None:
        return decoration == "matches"
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return harbor_bool(value)
    raise ValidationError("%s must be a boolean (true: the rule also covers untagged artifacts); got %r" % (option, value))


def check_rule(index, rule):
    """One rule from the options, checked, in the flat shape used for comparison."""
    where = "rules[%d]" % index
    template = rule.get("template")
    if template not in TEMPLATES:
        raise ValidationError("%s.template=%r is not a retention template: use one of %s"
                              % (where, template, ", ".join(TEMPLATES)))
    flat = {"template": template}
    wanted = TEMPLATES[template]
    for option in PARAMETER_OPTIONS:
        value = rule.get(option)
        if option == wanted:
            flat[option] = _positive_int("%s.%s" % (where, option), value)
        elif value is not None:
            raise ValidationError("%s.%s does not apply to template %s%s" % (
                where, option, template, " (it takes %s)" % wanted if wanted else " (it takes no parameter)"))
    flat.update(selectors_from_options(where, rule))
    flat["untagged"] = _untagged("%s.untagged" % where, rule.get("untagged"), flat["tag_decoration"])
    flat["disabled"] = bool(rule.get("disabled"))
    return flat


def flat_rule(stored):
    """A stored rule in the flat shape, or the stored rule without id/priority when it has no such shape."""
    template = stored.get("template")
    selectors = flat_selectors(stored)
    params = stored.get("params") or {}
    if template not in TEMPLATES or selectors is None or stored.get("action", "retain") != "retain":
        return dict((k, v) for k, v in stored.items() if k not in ("id", "priority"))
    flat = {"template": template}
    wanted = TEMPLATES[template]
    if wanted:
        flat[wanted] = params.get(template)
    flat.update(selectors)
    extras = stored["tag_selectors"][0].get("extras") or ""
    try:
        untagged = json.loads(extras).get("untagged") if extras else None
    except (ValueError, AttributeError):
        untagged = extras
    flat["untagged"] = (selectors["tag_decoration"] == "matches") if untagged is None else untagged
    flat["disabled"] = bool(stored.get("disabled"))
    return flat


def harbor_rule(flat):
    """A flat rule in Harbor's shape."""
    tags, scope = harbor_selectors(flat, extras=json.dumps({"untagged": flat["untagged"]}, separators=(",", ":")))
    wanted = TEMPLATES[flat["template"]]
    return {"disabled": flat["disabled"], "action": "retain", "template": flat["template"],
            "params": {flat["template"]: flat[wanted]} if wanted else {},
            "tag_selectors": tags, "scope_selectors": scope}


class RetentionResource(Resource):
    kind = "retention"

    def __init__(self):
        self._project = None

    def validate(self, params):
        desired = {}
        if params.get("rules") is not None:
            rules = [check_rule(i, rule) for i, rule in enumerate(params["rules"])]
            if len(rules) > MAX_RULES:
                raise ValidationError("rules: Harbor allows at most %d rules per policy; got %d" % (MAX_RULES, len(rules)))
            for i, rule in enumerate(rules):
                if rule in rules[:i]:
                    raise ValidationError("rules[%d] repeats rules[%d]: Harbor refuses identical rules (409)"
                                          % (i, rules.index(rule)))
            desired["rules"] = rules
        if params.get("cron") is not None:
            desired["cron"] = normalize_cron("cron", params["cron"])
        return desired

    def find(self, client, params):
        self._project = existing_project(client, params)
        if self._project is None:
            return None
        retention_id = (self._project.get("metadata") or {}).get("retention_id")
        if not retention_id:
            return None
        return client.get_or_none("/retentions/%s" % path_param(retention_id))

    def view(self, client, current, desired):
        view = {"rules": [flat_rule(rule) for rule in current.get("rules") or []],
                "cron": self._cron(current)}
        return view if desired is None else dict((k, view[k]) for k in desired)

    @staticmethod
    def _cron(policy):
        trigger = policy.get("trigger") or {}
        cron = (trigger.get("settings") or {}).get("cron") or ""
        try:
            return normalize_cron("cron", cron)
        except ValidationError:
            return cron

    def _body(self, rules, cron):
        return {"algorithm": "or", "rules": rules,
                "trigger": {"kind": "Schedule", "settings": {"cron": cron or ""}, "references": {}},
                "scope": {"level": "project", "ref": self._project["project_id"]}}

    def create(self, client, params, desired):
        rules = [harbor_rule(rule) for rule in desired.get("rules") or []]
        try:
            policy_id, dummy = client.post("/retentions", self._body(rules, desired.get("cron")))
        except BadRequest as exc:
            if "already has retention policy" not in exc.harbor_message:
                raise
            # Harbor's answer to a second policy for a project is 400, not 409 (handler/retention.go): another
            # run made it between our look-up and our create
            raise Conflict(exc.harbor_message, exc.method, exc.path, exc.status, exc.code)
        return client.get("/retentions/%s" % policy_id)

    def update(self, client, params, current, changes):
        rules = ([harbor_rule(rule) for rule in changes["rules"]] if "rules" in changes
                 else current.get("rules") or [])
        cron = changes["cron"] if "cron" in changes else self._cron(current)
        body = dict(self._body(rules, cron), id=current["id"])
        client.put("/retentions/%s" % current["id"], body)
        return client.get("/retentions/%s" % current["id"])

    def delete(self, client, params, current):
        client.delete("/retentions/%s" % current["id"])
