# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Whole-instance reconcile (private to harbor_ops.harbor): many resources in one module run.

Each declared item is validated with the same argument spec and the same resource definition as
the single-resource module (``harbor_project`` for ``projects``), all of them before the first
request, then applied in order over the one keep-alive session. A task per item costs a module
start-up each; here a converged item costs only its look-up.
"""

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import apply_state
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import (
    PROJECT_ARGUMENT_SPEC,
    ProjectResource,
)

# option of harbor_reconcile -> (resource definition, its argument spec), applied in this order
KINDS = (
    ("projects", ProjectResource, PROJECT_ARGUMENT_SPEC),
)
ACTIONS = ("created", "updated", "deleted", "unchanged")


def _label(item, index):
    name = item.get("name") if isinstance(item, dict) else None
    return "%s" % name if name else "item %d" % (index + 1)


def validate_declared(declared):
    """``{option: [validated params]}`` for every declared item; raise ValidationError naming the item."""
    validated = {}
    for option, resource_class, spec in KINDS:
        items = declared.get(option) or []
        validator = ArgumentSpecValidator(spec)
        resource = resource_class()
        checked = []
        for index, item in enumerate(items):
            where = "%s[%d] (%s)" % (option, index, _label(item, index))
            if not isinstance(item, dict):
                raise ValidationError("%s: each entry must be a mapping of %s options" % (where, option))
            outcome = validator.validate(item)
            if outcome.error_messages:
                raise ValidationError("%s: %s" % (where, "; ".join(outcome.error_messages)))
            params = outcome.validated_parameters
            try:
                resource.validate(params)
            except ValidationError as exc:
                raise ValidationError("%s: %s" % (where, exc))
            checked.append(params)
        names = [p.get("name") for p in checked]
        duplicates = sorted(set(n for n in names if names.count(n) > 1))
        if duplicates:
            raise ValidationError("%s: declared more than once: %s" % (option, ", ".join(duplicates)))
        validated[option] = checked
    return validated


def secret_values(validated):
    """The values of the no_log options of every item, for the module to mask in all its output."""
    secrets = set()
    for option, dummy, spec in KINDS:
        hidden = [name for name, opts in spec.items() if opts.get("no_log")]
        for params in validated.get(option, []):
            secrets.update(str(params[name]) for name in hidden if params.get(name))
    return secrets


def reconcile(client, validated, check_mode=False, want_diff=False):
    """Apply every validated item; return the module result (per-item results and counts)."""
    results = []
    summary = {}
    diffs = []
    for option, resource_class, dummy in KINDS:
        counts = dict((action, 0) for action in ACTIONS)
        for params in validated.get(option, []):
            outcome = apply_state(client, resource_class(), params, check_mode, want_diff)
            counts[outcome["action"]] += 1
            entry = {"kind": option, "name": params["name"], "action": outcome["action"], "changed": outcome["changed"]}
            if "diff" in outcome:
                diff = dict(outcome["diff"], before_header="%s/%s" % (option, params["name"]),
                            after_header="%s/%s" % (option, params["name"]))
                diffs.append(diff)
                entry["diff"] = outcome["diff"]
            results.append(entry)
        summary[option] = counts
    result = {"changed": any(r["changed"] for r in results), "results": results, "summary": summary}
    if want_diff:
        result["diff"] = diffs
    return result
