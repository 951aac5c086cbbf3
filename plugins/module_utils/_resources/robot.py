# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Harbor robot accounts (private to harbor_ops.harbor).

Harbor's rules this definition follows (API_FACTS section 2):
- look-up by listing (``q=Level=project,ProjectID=<id>`` or ``q=Level=system``, paginated) and matching the
  full prefixed name client-side: the ``name`` filter cannot match a literal ``+``;
- create answers the only copy of the secret; ``secret`` and ``disable`` in the create body are ignored, so a
  chosen secret is set with PATCH and a disabled robot is disabled with a PUT right after;
- PUT is a full, strict replace: the prefixed name and the level as they are, every permission, the description
  and the disable flag (omitted ones are cleared), so the whole merged robot is sent;
- a changed ``duration`` makes Harbor recompute ``expires_at`` from the **creation time**, never from now. To
  renew a robot for ``duration`` days from today (``rotate_before_days``) the module sends the days since its
  creation plus ``duration``. Such a renewed robot keeps a stored duration longer than the task's; it still
  counts as matching while it expires no later than ``duration`` days (plus one) from now.
"""

import math
import os
import re
import time
from datetime import datetime

from ansible_collections.harbor_ops.harbor.plugins.module_utils import _robot_permissions as table
from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import (
    NAME_HEADER,
    Forbidden,
    HarborError,
    NotFound,
    Unauthorized,
    path_param,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import (
    PERMISSION_EFFECTS,
    ROBOT_PREFIX,
    ValidationError,
    check_name,
    robot_full_name,
    robot_permission_set,
    robot_permissions_body,
)

DAY = 86400
MAX_DURATION = 2 ** 31 - 2
LEVELS = ("project", "system")
SECRET_RULE = "8 to 128 characters with at least one uppercase letter, one lowercase letter and one digit"

ROBOT_ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    level=dict(type="str", default="project", choices=list(LEVELS)),
    project=dict(type="str"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    description=dict(type="str"),
    duration=dict(type="int", default=90),
    disabled=dict(type="bool"),
    permissions=dict(type="list", elements="dict"),
    secret=dict(type="str", no_log=True),
    update_secret=dict(type="str", default="on_create", choices=["always", "on_create"]),
    rotate=dict(type="bool", default=False),
    rotate_before_days=dict(type="int"),
    secret_file=dict(type="path"),
    force=dict(type="bool", default=False),
    name_prefix=dict(type="str", default=ROBOT_PREFIX),
)


# ----------------------------------------------------------------------------------------------
# look-up, shared with harbor_robot_info

def project_id_of(client, project):
    """The id of a project by exact name, or None."""
    found = client.get_or_none("/projects/%s" % path_param(project), headers=NAME_HEADER)
    return found["project_id"] if found else None


def list_robots(client, project_id=None):
    """Every robot of one project, or every system robot (Harbor lists system robots without a project id)."""
    query = "Level=project,ProjectID=%d" % project_id if project_id is not None else "Level=system"
    return client.paginate("/robots", {"q": query})


def expiry_facts(robot, now=None):
    """``(expires_at, days_left)``: -1 and None for a robot that never expires; days_left < 0 once expired."""
    if not robot:
        return None, None
    expires_at = robot.get("expires_at", 0)
    if expires_at == -1:
        return -1, None
    return expires_at, int(math.floor((expires_at - (now or time.time())) / float(DAY)))


def _created_epoch(robot):
    stamp = re.sub(r"\.\d+", "", robot.get("creation_time") or "").rstrip("Z")
    if not stamp:
        return time.time()
    return (datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S") - datetime(1970, 1, 1)).total_seconds()


# ----------------------------------------------------------------------------------------------
# validation of what the task declares

def _check_secret(value):
    if not (8 <= len(value) <= 128 and re.search("[a-z]", value) and re.search("[A-Z]", value)
            and re.search("[0-9]", value)):
        raise ValidationError("secret: Harbor refuses this secret (given %d characters); use %s"
                              % (len(value), SECRET_RULE))


def _access(option, item):
    unknown = set(item) - {"resource", "action", "effect"}
    if unknown:
        raise ValidationError("%s: unknown keys %s; an access has resource, action and optionally effect"
                              % (option, ", ".join(sorted(unknown))))
    if not item.get("resource") or not item.get("action"):
        raise ValidationError("%s needs both resource and action, got %r" % (option, item))
    effect = item.get("effect") or "allow"
    if effect not in PERMISSION_EFFECTS:
        raise ValidationError("%s.effect=%r: use allow or deny" % (option, effect))
    return str(item["resource"]), str(item["action"]), effect


def normalise_permissions(level, project, permissions):
    """The task's permissions as Harbor's flat permission set.

    Project robots: ``[{resource, action[, effect]}]`` in their own project. System robots:
    ``[{kind: system|project, namespace, access: [{resource, action[, effect]}]}]``.
    """
    entries = []
    for index, item in enumerate(permissions):
        option = "permissions[%d]" % index
        if not isinstance(item, dict):
            raise ValidationError("%s must be a dict, got %r" % (option, item))
        if level == "project":
            if set(item) & {"kind", "namespace", "access"}:
                raise ValidationError(
                    "%s: a project robot's permissions are a list of {resource, action}; kind, namespace and access "
                    "are for level=system" % option)
            resource, action, effect = _access(option, item)
            entries.append(("project", project, resource, action, effect))
            continue
        unknown = set(item) - {"kind", "namespace", "access"}
        if unknown:
            raise ValidationError("%s: unknown keys %s; a system robot's permission has kind, namespace and access"
                                  % (option, ", ".join(sorted(unknown))))
        kind = item.get("kind") or "project"
        if kind not in LEVELS:
            raise ValidationError("%s.kind=%r: use system or project" % (option, kind))
        namespace = item.get("namespace") or ("/" if kind == "system" else None)
        if kind == "system" and namespace != "/":
            raise ValidationError("%s.namespace must be '/' for kind=system, got %r" % (option, namespace))
        if kind == "project" and not namespace:
            raise ValidationError("%s.namespace is required for kind=project: a project name, or '*' for all projects"
                                  % option)
        access = item.get("access")
        if not access or not isinstance(access, list):
            raise ValidationError("%s.access must be a non-empty list of {resource, action}" % option)
        for number, one in enumerate(access):
            if not isinstance(one, dict):
                raise ValidationError("%s.access[%d] must be a dict, got %r" % (option, number, one))
            entries.append((kind, str(namespace)) + _access("%s.access[%d]" % (option, number), one))
    return [dict(zip(("kind", "namespace", "resource", "action", "effect"), entry)) for entry in sorted(set(entries))]


def allowed_permissions(client):
    """``{"system": set, "project": set}`` of (resource, action): Harbor's GET /permissions where the account
    may read it (system admins see both scopes, project admins the project scope), else Harbor's own table."""
    answer = {}
    try:
        answer = client.get("/permissions") or {}
    except (Forbidden, Unauthorized, NotFound):
        pass
    result = {}
    for scope, fallback in (("system", table.SYSTEM), ("project", table.PROJECT)):
        listed = answer.get(scope) or []
        pairs = set((p.get("resource"), p.get("action")) for p in listed if isinstance(p, dict))
        result[scope] = pairs or set(table.allowed(fallback))
    return result


def check_permission_pairs(entries, allowed):
    """Refuse a (resource, action) Harbor would refuse, naming it and what the resource allows."""
    for entry in entries:
        pair = (entry["resource"], entry["action"])
        scope = allowed[entry["kind"]]
        if pair in scope:
            continue
        actions = sorted(action for resource, action in scope if resource == entry["resource"])
        if actions:
            hint = "allowed actions on %s: %s" % (entry["resource"], ", ".join(actions))
        else:
            hint = "allowed resources: %s" % ", ".join(sorted(set(resource for resource, dummy in scope)))
        raise ValidationError("permissions: %s:%s is not a %s permission Harbor allows a robot (%s)"
                              % (entry["resource"], entry["action"], entry["kind"], hint))


# ----------------------------------------------------------------------------------------------

class RobotResource(Resource):
    kind = "robot"
    secret_keys = ("secret",)

    def __init__(self):
        self.new_secret = None      # the secret Harbor generated in this run (create or rotation)
        self._renewal = None        # expires_at a rotate_before_days renewal will give
        self._rotate = False
        self._secret_unproven = False  # a chosen secret that Harbor does not accept for the robot (yet)
        self._project_id = None

    # -- desired state --------------------------------------------------------------------------
    def validate(self, params):
        name = params["name"]
        if "$" in name or "+" in name:
            raise ValidationError("name=%r: give the robot's own name without the %r prefix or the project "
                                  "(the module builds robot$project+name)" % (name, params["name_prefix"]))
        check_name("name", name)
        level, project = params["level"], params.get("project")
        if level == "project" and not project:
            raise ValidationError("project is required when level=project: name the project the robot belongs to "
                                  "(or set level=system)")
        if level == "system" and project:
            raise ValidationError("project is only for level=project; a system robot's projects go in its permissions "
                                  "(kind=project, namespace=<project>)")
        if not params.get("name_prefix"):
            raise ValidationError("name_prefix must not be empty (Harbor's default is robot$)")
        if params["state"] == "absent":
            return {}
        duration = params["duration"]
        if duration != -1 and not 1 <= duration <= MAX_DURATION:
            raise ValidationError("duration=%s: use a number of days from 1 to %d, or -1 for a robot that never "
                                  "expires" % (duration, MAX_DURATION))
        secret = params.get("secret")
        if secret is not None:
            _check_secret(secret)
            for option in ("rotate", "rotate_before_days", "secret_file"):
                if params.get(option):
                    raise ValidationError("secret and %s are mutually exclusive: %s is for secrets Harbor generates"
                                          % (option, option))
        days = params.get("rotate_before_days")
        if days is not None:
            if days < 1:
                raise ValidationError("rotate_before_days=%s: use a number of days of at least 1" % days)
            if duration != -1 and days >= duration:
                raise ValidationError("rotate_before_days=%s must be smaller than duration=%s, else every run would "
                                      "rotate the secret" % (days, duration))
        desired = {"duration": duration}
        if params.get("description") is not None:
            desired["description"] = params["description"]
        if params.get("disabled") is not None:
            desired["disabled"] = params["disabled"]
        if params.get("permissions") is not None:
            entries = normalise_permissions(level, project, params["permissions"])
            if not entries:
                raise ValidationError("permissions must not be empty: Harbor needs at least one")
            desired["permissions"] = entries
        return desired

    def full_name(self, params):
        return robot_full_name(params["name"], params.get("project"), params["name_prefix"])

    # -- look-up and the checks that need Harbor, all before any write --------------------------
    def find(self, client, params):
        project_id = None
        if params["level"] == "project":
            project_id = project_id_of(client, params["project"])
            if project_id is None:
                if params["state"] == "absent":
                    return None
                raise ValidationError("project=%r does not exist in Harbor; create it first (harbor_project)"
                                      % params["project"])
        self._project_id = project_id
        wanted = self.full_name(params)
        matches = [r for r in list_robots(client, project_id) if r.get("name") == wanted]
        current = matches[0] if matches else None
        if params["state"] == "present":
            self._prepare(client, params, current)
        return current

    def _prepare(self, client, params, current):
        desired = self.validate(params)  # cheap and local: the desired state again, for the checks below
        entries = desired.get("permissions")
        if current is None and entries is None:
            raise ValidationError("permissions are required to create robot %r: Harbor refuses a robot without any"
                                  % self.full_name(params))
        if entries is not None and (current is None or robot_permission_set(current.get("permissions")) != entries):
            check_permission_pairs(entries, allowed_permissions(client))
        self._rotate = bool(params["rotate"])
        days = params.get("rotate_before_days")
        if current is not None and days is not None:
            expires_at = current.get("expires_at", 0)
            if expires_at != -1 and expires_at - time.time() < days * DAY:
                self._rotate = True
                if params["duration"] != -1:
                    self._renewal = int(time.time()) + params["duration"] * DAY
        path = params.get("secret_file")
        if current is not None:
            self._vouch_for_secret(client, params, current, path)
        generates = (current is None and params.get("secret") is None) or (current is not None and self._rotate)
        if path and generates:
            if os.path.exists(path) and not params["force"]:
                raise ValidationError("secret_file %s exists and the new secret would not fit in it; set force=true to "
                                      "overwrite it" % path)
            if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
                raise ValidationError("secret_file %s: the directory does not exist" % path)

    def _vouch_for_secret(self, client, params, current, path):
        """An existing robot whose secret nobody may hold gets it refreshed: a create whose answer was lost (a
        timeout, a concurrent run that won the create) leaves a robot with a secret Harbor generated and nobody
        saw, or without the chosen secret. So a declared ``secret_file`` that does not exist means a rotation
        (the only way to have a secret to write), and a chosen ``secret`` that Harbor refuses for this robot is
        set again. An enabled, unexpired robot only: a disabled one logs in with no secret."""
        if params.get("secret") is None:
            if path and not os.path.exists(path):
                self._rotate = True
            return
        if params["update_secret"] != "on_create" or current.get("disable"):
            return
        expires_at = current.get("expires_at", -1)
        if expires_at != -1 and expires_at <= time.time():
            return
        self._secret_unproven = not client.accepts_login(current["name"], params["secret"])

    def after_conflict(self, client, params, current):
        """Another run created the robot first: what it holds is its secret, not ours."""
        self._prepare(client, params, current)

    # -- comparison ---------------------------------------------------------------------------------
    def view(self, client, current, desired):
        wanted = ("description", "duration", "disabled", "permissions") if desired is None else tuple(desired)
        view = {}
        for option in wanted:
            if option == "description":
                view[option] = current.get("description") or ""
            elif option == "disabled":
                view[option] = bool(current.get("disable"))
            elif option == "permissions":
                view[option] = robot_permission_set(current.get("permissions"))
            elif option == "duration":
                view[option] = self._duration_view(current, None if desired is None else desired["duration"])
        view["expires_at"] = current.get("expires_at")
        return view

    @staticmethod
    def _duration_view(current, wanted):
        """The stored duration, or the task's when the robot was renewed for it (see the module header)."""
        stored = current.get("duration")
        if wanted is not None and wanted > 0 and stored is not None and stored > wanted:
            expires_at = current.get("expires_at", 0)
            if expires_at != -1 and expires_at <= time.time() + (wanted + 1) * DAY:
                return wanted
        return stored

    def secret_changes(self, params, current):
        changes = {}
        if params.get("secret") is not None and (params["update_secret"] == "always" or self._secret_unproven):
            changes["secret"] = params["secret"]
        elif self._rotate:
            changes["secret"] = None  # Harbor generates it
        if self._renewal is not None:
            changes["expires_at"] = self._renewal
        return changes

    # -- writes -------------------------------------------------------------------------------------
    def _put_body(self, current, changes, duration):
        permissions = changes.get("permissions")
        body = {
            "name": current["name"],
            "level": current["level"],
            "description": changes.get("description", current.get("description") or ""),
            "disable": changes.get("disabled", bool(current.get("disable"))),
            "duration": duration,
            "permissions": (robot_permissions_body(permissions) if permissions is not None else
                            robot_permissions_body(robot_permission_set(current.get("permissions")))),
        }
        return body

    def create(self, client, params, desired):
        body = {"name": params["name"], "level": params["level"], "duration": desired["duration"],
                "permissions": robot_permissions_body(desired["permissions"])}
        if desired.get("description"):
            body["description"] = desired["description"]
        try:
            dummy, created = client.post("/robots", body)
        except HarborError as exc:
            if exc.status == 409:
                exc.harbor_message += (" (no robot named %r was found: if Harbor's robot_name_prefix is not %r, set "
                                       "name_prefix)" % (self.full_name(params), params["name_prefix"]))
            raise
        path = "/robots/%s" % created["id"]
        try:
            if params.get("secret") is not None:
                client.patch(path, {"secret": params["secret"]})
            if desired.get("disabled"):
                # Harbor ignores disable on create: disable it with a PUT of the whole robot
                current = client.get(path)
                client.put(path, self._put_body(current, {"disabled": True}, current["duration"]))
        except HarborError as exc:
            client.delete(path)
            exc.harbor_message += "; the new robot was deleted again so that a re-run starts clean"
            raise
        if params.get("secret") is None:
            self.new_secret = created["secret"]
            self._write_secret(params)
        return client.get(path)

    def update(self, client, params, current, changes):
        path = "/robots/%s" % current["id"]
        if "secret" in changes:
            answer = client.patch(path, {"secret": changes["secret"] or ""}) or {}
            if changes["secret"] is None:
                self.new_secret = answer.get("secret")
                self._write_secret(params)
        rest = [key for key in changes if key != "secret"]
        if rest:
            duration = changes.get("duration", current.get("duration"))
            if "expires_at" in changes:
                elapsed = int(math.ceil((time.time() - _created_epoch(current)) / float(DAY)))
                duration = max(elapsed, 0) + params["duration"]
            client.put(path, self._put_body(current, changes, duration))
        return client.get(path)

    def _write_secret(self, params):
        path = params.get("secret_file")
        if not path or not self.new_secret:
            return
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | (0 if params["force"] else os.O_EXCL)
        handle = os.open(path, flags, 0o600)
        try:
            os.fchmod(handle, 0o600)
            os.write(handle, self.new_secret.encode())
        finally:
            os.close(handle)

    def delete(self, client, params, current):
        client.delete("/robots/%s" % current["id"])
