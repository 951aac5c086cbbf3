# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Whole-instance reconcile (private to harbor_ops.harbor): many resources in one module run.

Each declared item is validated with the same argument spec and the same resource definition as
the single-resource module (``harbor_project`` for ``projects``, ``harbor_registry`` for
``registries``, ...), all of them before the first request, then applied over the one keep-alive
session. A task per item costs a module start-up each; here a converged item costs only its look-up.

Order: items to be present are applied kind by kind in ``KINDS`` order, so that what an item refers
to (the registry of a replication policy, the project of a member) exists first; items to be absent
are removed afterwards in the reverse order, so that what refers to a resource goes before it.
"""

import difflib
import re
from collections import namedtuple
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import HarborError
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import apply_state, strip_secrets
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.label import (
    LABEL_ARGUMENT_SPEC,
    LabelResource,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.member import (
    MEMBER_ARGUMENT_SPEC,
    MemberResource,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import (
    PROJECT_ARGUMENT_SPEC,
    ProjectResource,
    get_project,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.registry import (
    REGISTRY_ARGUMENT_SPEC,
    RegistryResource,
    get_registry,
    unsupported_type,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.replication import (
    REPLICATION_ARGUMENT_SPEC,
    ReplicationResource,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.retention import (
    RETENTION_ARGUMENT_SPEC,
    RetentionResource,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.scanner import (
    SCANNER_ARGUMENT_SPEC,
    ScannerResource,
    find_scanner,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.user import (
    USER_ARGUMENT_SPEC,
    UserResource,
    find_user,
    rotate_password,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.usergroup import (
    USERGROUP_ARGUMENT_SPEC,
    UserGroupResource,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.webhook import (
    WEBHOOK_ARGUMENT_SPEC,
    WebhookResource,
    unsupported_events,
)

# option: the harbor_reconcile option; module: the single-resource module with the same options;
# identity: the options that name one item; refers: option of the item -> the kind it names
Kind = namedtuple("Kind", "option resource spec module identity refers")

KINDS = (
    Kind("users", UserResource, USER_ARGUMENT_SPEC, "harbor_user", ("name",), {}),
    Kind("usergroups", UserGroupResource, USERGROUP_ARGUMENT_SPEC, "harbor_usergroup", ("name", "type"), {}),
    Kind("registries", RegistryResource, REGISTRY_ARGUMENT_SPEC, "harbor_registry", ("name",), {}),
    Kind("scanners", ScannerResource, SCANNER_ARGUMENT_SPEC, "harbor_scanner", ("name",), {}),
    Kind("projects", ProjectResource, PROJECT_ARGUMENT_SPEC, "harbor_project", ("name",),
         {"proxy_cache_registry": "registries", "scanner": "scanners"}),
    Kind("members", MemberResource, MEMBER_ARGUMENT_SPEC, "harbor_project_member",
         ("project", "user_name", "group_name"), {"project": "projects", "user_name": "users", "group_name": "usergroups"}),
    Kind("labels", LabelResource, LABEL_ARGUMENT_SPEC, "harbor_label", ("project", "name"), {"project": "projects"}),
    Kind("webhooks", WebhookResource, WEBHOOK_ARGUMENT_SPEC, "harbor_webhook", ("project", "name"), {"project": "projects"}),
    Kind("retentions", RetentionResource, RETENTION_ARGUMENT_SPEC, "harbor_retention", ("project",), {"project": "projects"}),
    Kind("replication_policies", ReplicationResource, REPLICATION_ARGUMENT_SPEC, "harbor_replication", ("name",),
         {"registry": "registries"}),
)
OPTIONS = tuple(kind.option for kind in KINDS)
ACTIONS = ("created", "updated", "deleted", "unchanged")


def item_name(kind, params):
    """How results name an item: its identifying options joined with '/' (``team-web/alice`` for a member)."""
    return "/".join(str(params[key]) for key in kind.identity if params.get(key) not in (None, ""))


def _label(item, index):
    name = item.get("name") or item.get("project") if isinstance(item, dict) else None
    return "%s" % name if name else "item %d" % (index + 1)


def validate_declared(declared):
    """``{option: [validated params]}`` for every declared item; raise ValidationError naming the item."""
    validated = {}
    for kind in KINDS:
        items = declared.get(kind.option) or []
        validator = ArgumentSpecValidator(kind.spec)
        resource = kind.resource()
        checked = []
        for index, item in enumerate(items):
            where = "%s[%d] (%s)" % (kind.option, index, _label(item, index))
            if not isinstance(item, dict):
                raise ValidationError("%s: each entry must be a mapping of the options of harbor_ops.harbor.%s"
                                      % (where, kind.module))
            outcome = validator.validate(item)
            if outcome.error_messages:
                raise ValidationError("%s: %s" % (where, "; ".join(outcome.error_messages)))
            params = outcome.validated_parameters
            try:
                resource.validate(params)
            except ValidationError as exc:
                raise ValidationError("%s: %s" % (where, exc))
            checked.append(params)
        names = [item_name(kind, p) for p in checked]
        duplicates = sorted(set(n for n in names if names.count(n) > 1))
        if duplicates:
            raise ValidationError("%s: declared more than once: %s" % (kind.option, ", ".join(duplicates)))
        validated[kind.option] = checked
    return validated


SECRET_LIKE = re.compile(r"pass|secret|token|credential|auth_header|private|access_key", re.IGNORECASE)


def _secret_names(spec):
    """The names and aliases of the no_log options of a spec."""
    names = set()
    for name, opts in spec.items():
        if opts.get("no_log"):
            names.add(name)
            names.update(opts.get("aliases") or ())
    return names


def _looks_secret(key, spec):
    """Whether an option the spec does not know may hold a secret: a secret-like name, or a near miss of a
    secret option's name (``pasword`` for ``password``)."""
    key = str(key)
    return bool(SECRET_LIKE.search(key)) or bool(difflib.get_close_matches(key, sorted(_secret_names(spec)), 1, 0.75))


def _hidden(spec, value):
    """The values of the no_log options in ``value`` (a mapping of ``spec``, raw or validated), suboptions and
    aliases included, and of unknown options that look like secrets (a typo must not print a password)."""
    found = set()
    if not isinstance(value, dict):
        return found
    by_name = {}
    for name, opts in spec.items():
        for alias in [name] + list(opts.get("aliases") or ()):
            by_name[alias] = opts
    for key, current in value.items():
        if current in (None, ""):
            continue
        opts = by_name.get(key)
        if opts is None:
            if isinstance(current, (dict, list)):
                for element in current if isinstance(current, list) else [current]:
                    found.update(_hidden({}, element))
            elif _looks_secret(key, spec):
                found.add(str(current))
        elif opts.get("no_log"):
            found.add(str(current))
        elif opts.get("options"):
            for element in current if isinstance(current, list) else [current]:
                found.update(_hidden(opts["options"], element))
    return found


def secret_values(declared):
    """The values of the no_log options of every declared item, raw or validated, for the module to mask in
    all its output. Items under an unknown option (``project`` for ``projects``) are read with the spec of the
    kind whose name is closest, or, if none is close, for secret-like names only."""
    secrets = set()
    by_option = dict((kind.option, kind) for kind in KINDS)
    for option, items in (declared or {}).items():
        kind = by_option.get(option)
        if kind is None:
            close = difflib.get_close_matches(str(option), sorted(by_option), 1, 0.6)
            kind = by_option[close[0]] if close else None
        for item in items if isinstance(items, list) else [items]:
            secrets.update(_hidden(kind.spec if kind else {}, item))
    return secrets


def _plan(validated):
    """(kind, params) pairs in the order they are applied: present items forward, absent ones in reverse."""
    present = [(kind, p) for kind in KINDS for p in validated.get(kind.option, []) if p.get("state") != "absent"]
    absent = [(kind, p) for kind in reversed(KINDS) for p in validated.get(kind.option, []) if p.get("state") == "absent"]
    return present + absent


def _waits_for(kind, params, planned):
    """In check mode: the item this one refers to that this run would create first, if any."""
    for option, other in kind.refers.items():
        if params.get(option) and params[option] in planned.get(other, ()):
            return "%s %s" % (other, params[option])
    return None


def _apply(client, kind, params, check_mode, want_diff, caller, planned):
    resource = kind.resource()
    if check_mode and _waits_for(kind, params, planned):
        # Nothing to look up yet: what it refers to does not exist until the real run creates it.
        after = strip_secrets(resource.validate(params), resource.secret_keys)
        return {"changed": True, "action": "created", "diff": {"before": {}, "after": after}}
    outcome = apply_state(client, resource, params, check_mode, want_diff)
    if kind.option == "users" and rotate_password(client, resource, params, check_mode, caller):
        outcome.update(changed=True, action="updated")
        if want_diff:
            outcome["diff"] = {"before": {}, "after": {"user_password": "(changed)"}}
    return outcome


MIN_PARALLELISM, MAX_PARALLELISM = 1, 32


def check_parallelism(value):
    if not MIN_PARALLELISM <= value <= MAX_PARALLELISM:
        raise ValidationError("parallelism=%r: give %d to %d concurrent requests"
                              % (value, MIN_PARALLELISM, MAX_PARALLELISM))
    return value


def _batches(plan):
    """The plan cut into runs of consecutive items of one kind and one direction (kinds refer only to earlier
    kinds; every removal waits until every present item is applied)."""
    batches = []
    for kind, params in plan:
        absent = params.get("state") == "absent"
        if batches and batches[-1][0] is kind and batches[-1][2] == absent:
            batches[-1][1].append(params)
        else:
            batches.append((kind, [params], absent))
    return [(kind, items) for kind, items, dummy in batches]


def _apply_batch(client, kind, items, check_mode, want_diff, caller, planned, parallelism):
    """Outcomes of one kind's items, in order: concurrently with ``parallelism`` > 1 (each item is a
    look-up and at most its own writes; they share the client's one session), else one after another.
    The first error, in declared order, is raised once every started item has finished."""
    def one(params):
        try:
            return _apply(client, kind, params, check_mode, want_diff, caller, planned), None
        except (ValidationError, HarborError) as exc:
            return None, exc
    if parallelism <= 1 or len(items) <= 1:
        outcomes = []
        for params in items:
            outcome, error = one(params)
            outcomes.append((outcome, error))
            if error is not None:
                break
        return outcomes
    with ThreadPoolExecutor(max_workers=min(parallelism, len(items))) as pool:
        return list(pool.map(one, items))


def _present(items):
    return [p for p in items if p.get("state") != "absent"]


def preflight(client, validated):
    """Every reference and every server-dependent value of the declaration, checked read-only before the first
    write: what an item names (a project's registry or scanner, the project of a member, label, webhook or
    retention, a policy's registry, a member's user under database authentication) is declared present or
    exists in Harbor and is not removed by the same declaration; registry types and webhook event types are
    ones this Harbor supports. Raises one ValidationError listing every problem."""
    declared = {}
    for kind in KINDS:
        for params in validated.get(kind.option) or []:
            declared.setdefault(kind.option, {})[params.get(kind.identity[0])] = params.get("state") or "present"
    lookups = {"registries": lambda name: get_registry(client, name), "scanners": lambda name: find_scanner(client, name),
               "projects": lambda name: get_project(client, name), "users": lambda name: find_user(client, name)}
    found = {}
    problems = []
    db_auth = []

    def checks_users():
        if not db_auth:  # under LDAP or OIDC, Harbor onboards a member's user that it does not know yet
            db_auth.append((client.get("/systeminfo") or {}).get("auth_mode") in (None, "db_auth"))
        return db_auth[0]

    for kind in KINDS:
        for params in _present(validated.get(kind.option) or []):
            for option, other in sorted(kind.refers.items()):
                value = params.get(option)
                if value in (None, "") or other not in lookups:
                    continue
                where = "%s %s: %s=%r" % (kind.option, item_name(kind, params), option, value)
                state = declared.get(other, {}).get(value)
                if state == "absent":
                    problems.append("%s, which this declaration removes (%s %s has state=absent)"
                                    % (where, other, value))
                    continue
                if state is not None or (other == "users" and not checks_users()):
                    continue
                if (other, value) not in found:
                    found[(other, value)] = lookups[other](value) is not None
                if not found[(other, value)]:
                    problems.append("%s is neither declared under %s nor in Harbor" % (where, other))
    problems.extend(_unsupported_values(client, validated))
    if problems:
        raise ValidationError("%d problem(s) found before any write: %s" % (len(problems), "; ".join(problems)))


def _unsupported_values(client, validated):
    """Registry types and webhook event types that this Harbor does not support (one request for each list)."""
    problems = []
    registries = [p for p in _present(validated.get("registries") or []) if p.get("type")]
    if registries:
        adapters = client.get("/replication/adapters") or []
        for params in registries:
            problem = unsupported_type(params["type"], adapters)
            if problem:
                problems.append("registries %s: %s" % (params["name"], problem))
    webhooks = [p for p in _present(validated.get("webhooks") or []) if p.get("event_types")]
    if webhooks:
        any_project = client.get("/projects", params={"page": 1, "page_size": 1}) or []
        if any_project:  # the list is Harbor's, the same for every project
            supported = client.get("/projects/%s/webhook/events" % any_project[0]["project_id"]) or {}
            for params in webhooks:
                problem = unsupported_events(params["event_types"], supported.get("event_type") or [])
                if problem:
                    problems.append("webhooks %s/%s: event_types %s" % (params["project"], params["name"], problem))
    return problems


class ReconcileFailed(Exception):
    """An item failed while applying: ``result`` holds what was done before (``changed``, ``results`` with the
    failed and the skipped items, ``summary``), so the module can report it truthfully."""

    def __init__(self, message, result, cause):
        super(ReconcileFailed, self).__init__(message)
        self.result = result
        self.status = getattr(cause, "status", None)
        self.code = getattr(cause, "code", None)


def reconcile(client, validated, check_mode=False, want_diff=False, caller=(None, None), parallelism=1):
    """Apply every validated item; return the module result (per-item results and counts).

    ``caller`` is the (username, password) of the connection, which Harbor asks for when a user's own
    password is changed. Items of one kind are applied ``parallelism`` at a time; kinds one after another.
    On the first failing batch, the items of that batch that succeeded are recorded, the failed ones and every
    item not reached are listed, and ReconcileFailed names the first failing item in declared order.
    """
    results = []
    summary = dict((kind.option, dict((action, 0) for action in ACTIONS)) for kind in KINDS if validated.get(kind.option))
    diffs = []
    planned = {}
    if parallelism > 1:
        client.ensure_session()  # log in once, before the threads share the session
        client.set_pool_size(parallelism)
    preflight(client, validated)
    batches = _batches(_plan(validated))
    for number, (kind, items) in enumerate(batches):
        outcomes = _apply_batch(client, kind, items, check_mode, want_diff, caller, planned, parallelism)
        failures = []
        for index, params in enumerate(items):
            name = item_name(kind, params)
            outcome, error = outcomes[index] if index < len(outcomes) else (None, None)
            if error is not None:
                failures.append((name, error))
                results.append({"kind": kind.option, "name": name, "action": "failed", "changed": False,
                                "outcome": "failed", "error": str(error)})
            elif outcome is None:
                results.append(_skipped(kind, params))
            else:
                _record(kind, params, name, outcome, planned, summary, results, diffs, want_diff)
        if failures:
            for later_kind, later_items in batches[number + 1:]:
                results.extend(_skipped(later_kind, params) for params in later_items)
            raise _failed(kind, failures, _result(results, summary, diffs, want_diff))
    return _result(results, summary, diffs, want_diff)


def _result(results, summary, diffs, want_diff):
    """The module result: changed when any item changed, per-item results, counts, and diffs when asked."""
    result = {"changed": any(r["changed"] for r in results), "results": results, "summary": summary}
    if want_diff:
        result["diff"] = diffs
    return result


def _skipped(kind, params):
    return {"kind": kind.option, "name": item_name(kind, params), "action": "skipped", "changed": False,
            "outcome": "skipped"}


def _failed(kind, failures, result):
    results = result["results"]
    name, error = failures[0]
    message = "%s %s: %s" % (kind.option, name, error)
    if len(failures) > 1:
        others = ", ".join(n for n, dummy in failures[1:])
        message += " (and %d more %s failed: %s)" % (len(failures) - 1, kind.option, others)
    done = [r for r in results if r["outcome"] == "ok"]
    message += "; %d item(s) were applied before, %d changed; the re-run applies the rest" % (
        len(done), len([r for r in done if r["changed"]]))
    return ReconcileFailed(message, result, error)


def _record(kind, params, name, outcome, planned, summary, results, diffs, want_diff):
    if outcome["action"] == "created":
        planned.setdefault(kind.option, set()).add(params.get(kind.identity[0]))
    summary[kind.option][outcome["action"]] += 1
    entry = {"kind": kind.option, "name": name, "action": outcome["action"], "changed": outcome["changed"],
             "outcome": "ok"}
    if want_diff and "diff" in outcome:
        header = "%s/%s" % (kind.option, name)
        diffs.append(dict(outcome["diff"], before_header=header, after_header=header))
        entry["diff"] = outcome["diff"]
    results.append(entry)
