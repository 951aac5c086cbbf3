# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Project members (private to harbor_ops.harbor): a user or a user group with a role.

Harbor's rules (API_FACTS section 11): ``GET /projects/{p}/members?entityname=`` is an exact match on the
user or group name and is paginated; roles 1 projectAdmin, 2 developer, 3 guest, 4 maintainer, 5 limitedGuest.
A group is resolved (or created) as a user group first and added by id: posting an LDAP DN directly makes
Harbor on-board the group even when adding the member then fails, which leaves an orphan group.
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import NAME_HEADER, path_param
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.usergroup import (
    GROUP_TYPES,
    check_group_options,
    create_group,
    find_group,
)

ROLES = {"projectAdmin": 1, "developer": 2, "guest": 3, "maintainer": 4, "limitedGuest": 5}
ROLE_NAMES = dict((v, k) for k, v in ROLES.items())

MEMBER_ARGUMENT_SPEC = dict(
    project=dict(type="str", required=True),
    user_name=dict(type="str", aliases=["member_user"]),
    group_name=dict(type="str", aliases=["group"]),
    group_type=dict(type="str", choices=list(GROUP_TYPES)),
    ldap_group_dn=dict(type="str"),
    role=dict(type="str", choices=list(ROLES)),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)
MEMBER_MUTUALLY_EXCLUSIVE = [("user_name", "group_name"), ("user_name", "ldap_group_dn"), ("user_name", "group_type")]


def project_members(client, project, entity_name=None):
    """Members of a project, all pages; with ``entity_name`` only those of that exact name."""
    query = {"entityname": entity_name} if entity_name else {}
    return client.paginate("/projects/%s/members" % path_param(project), query, headers=NAME_HEADER)


class MemberResource(Resource):
    kind = "member"

    def __init__(self):
        self.group = None  # the user group of a group member, once resolved

    @staticmethod
    def _group_type(params):
        if params.get("ldap_group_dn"):
            return params.get("group_type") or "ldap"
        return params.get("group_type")

    def validate(self, params):
        user, group, dn = params.get("user_name"), params.get("group_name"), params.get("ldap_group_dn")
        if not (user or group or dn):
            raise ValidationError("give one of user_name (a user), group_name with group_type (http or oidc), "
                                  "or ldap_group_dn (an LDAP group)")
        if not user:
            group_type = self._group_type(params)
            if group_type is None:
                raise ValidationError("group_type is required with group_name: one of %s" % ", ".join(GROUP_TYPES))
            check_group_options(group_type, group, dn, name_option="group_name", dn_option="ldap_group_dn")
        if params["state"] == "present" and not params.get("role"):
            raise ValidationError("role is required with state=present: one of %s" % ", ".join(ROLES))
        return {"role": params["role"]} if params.get("role") else {}

    def _entity(self, client, params):
        """(entity_type, name to look up, group id or None); resolves the user group of a group member."""
        if params.get("user_name"):
            return "u", params["user_name"], None
        group_type = self._group_type(params)
        self.group = find_group(client, GROUP_TYPES[group_type], params.get("group_name"), params.get("ldap_group_dn"))
        if self.group is None:
            return "g", None, None
        return "g", self.group["group_name"], self.group["id"]

    def find(self, client, params):
        project = client.get_or_none("/projects/%s" % path_param(params["project"]), headers=NAME_HEADER)
        if project is None:
            raise ValidationError("project %r does not exist" % params["project"])
        entity_type, name, group_id = self._entity(client, params)
        if name is None:
            return None
        for member in project_members(client, params["project"], name):
            if member.get("entity_type") != entity_type:
                continue
            if group_id is not None and member.get("entity_id") != group_id:
                continue
            if group_id is None and member.get("entity_name") != name:
                continue
            return member
        return None

    def view(self, client, current, desired):
        return {"role": ROLE_NAMES.get(current.get("role_id"), current.get("role_name"))}

    def _members_path(self, params):
        return "/projects/%s/members" % path_param(params["project"])

    def create(self, client, params, desired):
        body = {"role_id": ROLES[desired["role"]]}
        if params.get("user_name"):
            body["member_user"] = {"username": params["user_name"]}
        else:
            group = self.group
            if group is None:  # resolve or create the user group first, then add it by id
                group = create_group(client, self._group_type(params), params.get("group_name"), params.get("ldap_group_dn"))
                self.group = group
            body["member_group"] = {"id": group["id"]}
        member_id, dummy = client.post(self._members_path(params), body, headers=NAME_HEADER)
        return client.get("%s/%s" % (self._members_path(params), path_param(member_id)), headers=NAME_HEADER)

    def update(self, client, params, current, changes):
        path = "%s/%s" % (self._members_path(params), path_param(current["id"]))
        client.put(path, {"role_id": ROLES[changes["role"]]}, headers=NAME_HEADER)
        return client.get(path, headers=NAME_HEADER)

    def delete(self, client, params, current):
        client.delete("%s/%s" % (self._members_path(params), path_param(current["id"])), headers=NAME_HEADER)
