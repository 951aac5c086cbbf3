# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Harbor user groups (private to harbor_ops.harbor), also used by project members.

Harbor's rules (API_FACTS section 11): ``group_type`` 1 LDAP, 2 HTTP, 3 OIDC; an LDAP group is known by its
DN, the others by name and type. ``PUT /usergroups/{id}`` changes only ``group_name``. The list's
``ldap_group_dn`` filter works only under ldap_auth and its ``group_name`` filter is fuzzy, so groups are
listed and matched here: DNs case-insensitively (LDAP compares DNs that way), names exactly.
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import HarborError, path_param
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError

GROUP_TYPES = {"ldap": 1, "http": 2, "oidc": 3}
GROUP_TYPE_NAMES = dict((v, k) for k, v in GROUP_TYPES.items())

USERGROUP_ARGUMENT_SPEC = dict(
    name=dict(type="str", aliases=["group_name"]),
    type=dict(type="str", required=True, choices=list(GROUP_TYPES), aliases=["group_type"]),
    ldap_dn=dict(type="str", aliases=["ldap_group_dn"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


def same_dn(left, right):
    """LDAP DNs compare case-insensitively, ignoring spaces after commas."""
    def norm(dn):
        return ",".join(part.strip() for part in (dn or "").split(",")).lower()
    return norm(left) == norm(right)


def find_group(client, group_type, name=None, ldap_dn=None):
    """The user group of this type with this DN (LDAP) or exact name (HTTP/OIDC), or None."""
    query = {"group_name": name} if name and group_type != GROUP_TYPES["ldap"] else {}
    matches = []
    for group in client.paginate("/usergroups", query):
        if group.get("group_type") != group_type:
            continue
        if group_type == GROUP_TYPES["ldap"]:
            if same_dn(group.get("ldap_group_dn"), ldap_dn):
                matches.append(group)
        elif group.get("group_name") == name:
            matches.append(group)
    return matches[0] if matches else None


def check_group_options(group_type, name, ldap_dn, name_option="name", dn_option="ldap_dn"):
    """The options that identify a group of this type are there; raise ValidationError naming the option."""
    if group_type == "ldap":
        if not ldap_dn or "=" not in ldap_dn:
            raise ValidationError("%s is required for an LDAP group and must be a DN such as "
                                  "cn=devs,ou=groups,dc=example,dc=com; got %r" % (dn_option, ldap_dn))
    else:
        if ldap_dn:
            raise ValidationError("%s applies only to LDAP groups, not %s" % (dn_option, group_type))
        if not name:
            raise ValidationError("%s is required for a group of type %s" % (name_option, group_type))


def create_group(client, group_type, name, ldap_dn):
    body = {"group_type": GROUP_TYPES[group_type]}
    if name:
        body["group_name"] = name
    if group_type == "ldap":
        body["ldap_group_dn"] = ldap_dn
    group_id, dummy = client.post("/usergroups", body)
    if group_id is None:
        raise HarborError("Harbor created the user group but gave no Location to read it back", "POST", "/usergroups")
    return read_group(client, group_id)


def read_group(client, group_id):
    """``GET /usergroups/{id}``, with the id: Harbor's answer leaves it out (only the listing has it)."""
    group = client.get("/usergroups/%s" % path_param(group_id)) or {}
    group["id"] = group_id
    return group


class UserGroupResource(Resource):
    kind = "usergroup"

    def validate(self, params):
        check_group_options(params["type"], params.get("name"), params.get("ldap_dn"))
        return {"name": params["name"]} if params.get("name") else {}

    def find(self, client, params):
        return find_group(client, GROUP_TYPES[params["type"]], params.get("name"), params.get("ldap_dn"))

    def view(self, client, current, desired):
        view = {"name": current.get("group_name")}
        if desired is None:
            view.update(type=GROUP_TYPE_NAMES.get(current.get("group_type")), ldap_dn=current.get("ldap_group_dn") or None)
        return view

    def create(self, client, params, desired):
        return create_group(client, params["type"], params.get("name"), params.get("ldap_dn"))

    def update(self, client, params, current, changes):
        client.put("/usergroups/%s" % path_param(current["id"]), {"group_name": changes["name"]})
        return read_group(client, current["id"])

    def delete(self, client, params, current):
        client.delete("/usergroups/%s" % path_param(current["id"]))
