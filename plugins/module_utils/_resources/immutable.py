# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Immutable tag rules of a project (private to harbor_ops.harbor).

Harbor's rules this definition follows (API_FACTS section 6):
- rules have no name: a rule is identified by its selectors (one tag and one repository selector);
- create always stores ``disabled=false`` whatever the body says, so a disabled rule takes a POST
  and then a PUT;
- a PUT whose ``disabled`` differs from the stored one toggles only that flag and ignores every
  other change (rules are identified by their selectors here, so only ``disabled`` is ever updated);
- PUT needs ``id`` in the body equal to the path id; an identical rule in the project is a 409.
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import path_param
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import existing_project
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.selectors import (
    SELECTOR_OPTIONS,
    flat_selectors,
    harbor_selectors,
    selectors_from_options,
)

IMMUTABLE_RULE_OPTIONS = dict(SELECTOR_OPTIONS, disabled=dict(type="bool", default=False))
IMMUTABLE_ARGUMENT_SPEC = dict(
    project=dict(type="str", required=True),
    rules=dict(type="list", elements="dict", required=True, options=IMMUTABLE_RULE_OPTIONS),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    exclusive=dict(type="bool", default=False),
)
SELECTOR_KEYS = ("tag_pattern", "tag_decoration", "repository_pattern", "repository_decoration")


def identity(flat):
    return tuple(flat[k] for k in SELECTOR_KEYS)


def check_rules(rules):
    """The declared rules, checked, as flat dicts; two rules with the same selectors are refused."""
    flats = []
    for index, rule in enumerate(rules):
        flat = selectors_from_options("rules[%d]" % index, rule)
        flat["disabled"] = bool(rule.get("disabled"))
        for earlier, other in enumerate(flats):
            if identity(other) == identity(flat):
                raise ValidationError("rules[%d] has the same selectors as rules[%d]: a rule is identified by its "
                                      "selectors, so declare each once" % (index, earlier))
        flats.append(flat)
    return flats


def flat_rule(stored):
    flat = flat_selectors(stored)
    if flat is None:
        return None
    flat["disabled"] = bool(stored.get("disabled"))
    return flat


def shown(stored):
    """A stored rule for diffs: flat when it has the usual shape, else Harbor's selectors."""
    return flat_rule(stored) or {"id": stored.get("id"), "tag_selectors": stored.get("tag_selectors"),
                                 "scope_selectors": stored.get("scope_selectors"), "disabled": bool(stored.get("disabled"))}


def rules_path(project):
    return "/projects/%s/immutabletagrules" % project["project_id"]


def harbor_rule(flat):
    tags, scope = harbor_selectors(flat)
    return {"disabled": False, "action": "immutable", "template": "immutable_template", "params": {},
            "tag_selectors": tags, "scope_selectors": scope}


def plan(desired, current, state, exclusive):
    """[(action, stored_rule_or_None, flat)] with action create/toggle/delete."""
    by_identity = {}
    for rule in current:
        flat = flat_rule(rule)
        if flat is not None:
            by_identity.setdefault(identity(flat), rule)
    steps, declared = [], set()
    for flat in desired:
        key = identity(flat)
        declared.add(key)
        stored = by_identity.get(key)
        if state == "absent":
            if stored is not None:
                steps.append(("delete", stored, flat))
        elif stored is None:
            steps.append(("create", None, flat))
        elif bool(stored.get("disabled")) != flat["disabled"]:
            steps.append(("toggle", stored, flat))
    if exclusive and state == "present":
        for rule in current:
            flat = flat_rule(rule)
            if flat is None or identity(flat) not in declared or by_identity.get(identity(flat)) is not rule:
                steps.append(("delete", rule, flat))
    return steps


def apply_rules(module):
    params = module.params
    desired = check_rules(params["rules"])
    client = module.client
    project = existing_project(client, params)
    if project is None:
        return {"changed": False, "immutable_tag_rules": []}
    path = rules_path(project)
    current = client.paginate(path)
    steps = plan(desired, current, params["state"], params["exclusive"])
    result = {"changed": bool(steps), "immutable_tag_rules": current}
    if module._diff and steps:
        before = [shown(rule) for rule in current]
        after = simulate(current, steps)
        result["diff"] = {"before": {"rules": before}, "after": {"rules": after}}
    if not steps or module.check_mode:
        return result
    for action, stored, flat in steps:
        if action == "create":
            rule_id, dummy = client.post(path, harbor_rule(flat))
            if flat["disabled"]:
                # Harbor stores a new rule enabled whatever the body says: disabling it is a second request
                client.put("%s/%s" % (path, path_param(rule_id)), dict(harbor_rule(flat), id=rule_id, disabled=True))
        elif action == "toggle":
            client.put("%s/%s" % (path, stored["id"]), dict(stored, disabled=flat["disabled"]))
        else:
            client.delete("%s/%s" % (path, stored["id"]))
    result["immutable_tag_rules"] = client.paginate(path)
    return result


def simulate(current, steps):
    """The rules as they will be after the steps, for the diff."""
    after = [shown(rule) for rule in current]
    ids = [rule.get("id") for rule in current]
    for action, stored, flat in steps:
        if action == "create":
            after.append(flat)
            ids.append(None)
        elif action == "toggle":
            after[ids.index(stored["id"])] = flat
        else:
            index = ids.index(stored["id"])
            del after[index]
            del ids[index]
    return after
