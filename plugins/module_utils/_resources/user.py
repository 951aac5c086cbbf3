# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Harbor local users (private to harbor_ops.harbor).

Harbor's rules this definition follows (API_FACTS section 11):
- look-up with ``q=username=<exact>`` and an exact check; users exist only under ``auth_mode=db_auth``;
- ``PUT /users/{id}`` replaces email, realname and comment together (email and realname required),
  so an update sends all three, merged from the current values;
- the admin flag has its own endpoint, ``PUT /users/{id}/sysadmin``;
- the password is never readable. ``PUT /users/{id}/password`` answers 400 "New password is identical to
  old password" when nothing would change: with ``update_password=always`` that answer is the no-change
  probe. In check mode nothing may be sent, so the password is not compared there.
"""

import re

from ansible.module_utils.common.warnings import warn

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import BadRequest, path_param
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError, check_password

IDENTICAL_PASSWORD = "identical to old password"
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
USERNAME_ILLEGAL = ',~#$%"\''
PROFILE = ("email", "realname", "comment")
OWNED_OPTIONS = PROFILE + ("admin",)

USER_ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True, aliases=["login"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    email=dict(type="str"),
    realname=dict(type="str", aliases=["full_name"]),
    comment=dict(type="str"),
    admin=dict(type="bool"),
    user_password=dict(type="str", no_log=True),
    update_password=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
)


def find_user(client, username):
    """A user by exact username, or None (Harbor's ``q=username=`` then an exact check).

    Harbor's user list leaves out the built-in admin (id 1), so a name not in the list is checked against it.
    """
    found = client.find_by_name("/users", username, key="username")
    if found is None:
        admin = client.get_or_none("/users/1")
        if admin and admin.get("username") == username:
            return admin
    return found


class UserResource(Resource):
    kind = "user"
    secret_keys = ("user_password",)

    def __init__(self):
        self.current = None
        self.password_changed = False

    def validate(self, params):
        username = params["name"]
        if not username or len(username) > 255 or any(c in USERNAME_ILLEGAL for c in username):
            raise ValidationError("name=%r is not valid: 1-255 characters without any of %s"
                                  % (username, USERNAME_ILLEGAL))
        desired = {}
        if params.get("email") is not None:
            if not EMAIL_PATTERN.match(params["email"]):
                raise ValidationError("email=%r is not an email address" % params["email"])
            desired["email"] = params["email"]
        if params.get("realname") is not None:
            if not 1 <= len(params["realname"]) <= 255:
                raise ValidationError("realname must be 1-255 characters")
            desired["realname"] = params["realname"]
        if params.get("comment") is not None:
            if len(params["comment"]) > 30:
                raise ValidationError("comment must be at most 30 characters (Harbor's limit), got %d"
                                      % len(params["comment"]))
            desired["comment"] = params["comment"]
        if params.get("admin") is not None:
            desired["admin"] = params["admin"]
        if params.get("user_password") is not None:
            desired["user_password"] = check_password("user_password", params["user_password"])
        return desired

    def find(self, client, params):
        self.current = find_user(client, params["name"])
        if self.current is None and params.get("state") == "present":
            missing = [o for o in ("email", "realname", "user_password") if not params.get(o)]
            if missing:
                raise ValidationError("user %r does not exist yet and Harbor needs %s to create it"
                                      % (params["name"], ", ".join(missing)))
        return self.current

    def view(self, client, current, desired):
        wanted = OWNED_OPTIONS if desired is None else [k for k in desired if k in OWNED_OPTIONS]
        view = {}
        for option in wanted:
            if option == "admin":
                view[option] = bool(current.get("sysadmin_flag"))
            else:
                view[option] = current.get(option) or ""
        return view

    def check_delete(self, params, current):
        if current["user_id"] == 1:
            raise ValidationError("user %r (id 1) is Harbor's built-in admin and cannot be deleted" % params["name"])

    def create(self, client, params, desired):
        body = {"username": params["name"], "email": desired["email"], "realname": desired["realname"],
                "password": desired["user_password"], "comment": desired.get("comment", "")}
        user_id, dummy = client.post("/users", body)
        if desired.get("admin"):
            client.put("/users/%s/sysadmin" % path_param(user_id), {"sysadmin_flag": True})
        return client.get("/users/%s" % path_param(user_id))

    def update(self, client, params, current, changes):
        user_id = path_param(current["user_id"])
        if any(k in changes for k in PROFILE):
            body = dict((k, changes.get(k, current.get(k) or "")) for k in PROFILE)
            client.put("/users/%s" % user_id, body)
        if "admin" in changes:
            client.put("/users/%s/sysadmin" % user_id, {"sysadmin_flag": changes["admin"]})
        return client.get("/users/%s" % user_id)

    def delete(self, client, params, current):
        client.delete("/users/%s" % path_param(current["user_id"]))

    def set_password(self, client, params):
        """The identical-password probe: True when Harbor changed the password, False when it was the same."""
        body = {"new_password": params["user_password"]}
        if params.get("username") == self.current["username"]:
            body["old_password"] = params.get("password") or ""  # Harbor wants it for your own password
        try:
            client.put("/users/%s/password" % path_param(self.current["user_id"]), body)
        except BadRequest as exc:
            if IDENTICAL_PASSWORD in exc.harbor_message:
                return False
            raise
        return True


def rotate_password(client, resource, params, check_mode, caller=(None, None)):
    """``update_password: always`` for a user that existed: True when Harbor changed the password.

    Run after the present/absent engine. Check mode cannot tell (Harbor never returns a password), so
    it says so in a warning and returns False. ``caller`` is the (username, password) of the connection:
    Harbor wants the old password when users change their own.
    """
    if not (params["state"] == "present" and resource.current is not None and params.get("user_password")
            and params["update_password"] == "always"):
        return False
    if check_mode:
        warn("check mode cannot tell whether user_password of %r differs from the current password "
             "(Harbor never returns it), so it is not compared" % params["name"])
        return False
    return resource.set_password(client, dict(params, username=caller[0], password=caller[1]))


def ensure_user(module, resource=None):
    """The generic present/absent engine, then the password probe for an existing user (update_password=always)."""
    resource = resource or UserResource()
    result = ensure(module, resource)
    caller = (module.params.get("username"), module.params.get("password"))
    if rotate_password(module.client, resource, module.params, module.check_mode, caller):
        result["changed"] = True
        result["password_changed"] = True
        result["user"] = module.client.get("/users/%s" % path_param(resource.current["user_id"]))
    return result
