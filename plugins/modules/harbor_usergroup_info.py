#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_usergroup_info
short_description: Read Harbor's user groups
version_added: 0.1.0
description:
  - Returns every user group page by page, or only those with an exact name, of one type, or with one LDAP DN.
  - Harbor's own name filter is fuzzy, so the module checks the name again; DNs compare without regard to case.
  - Under C(ldap_auth) Harbor lists only LDAP groups, under C(http_auth) only HTTP groups.
  - Needs a Harbor system administrator.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  name:
    description:
      - Only the groups with this exact name. Leave out to list all groups.
    type: str
    aliases: [group_name]
  type:
    description:
      - Only the groups of this type, V(ldap), V(http) or V(oidc).
    type: str
    choices: [ldap, http, oidc]
    aliases: [group_type]
  ldap_dn:
    description:
      - Only the LDAP group with this DN, compared without regard to case and to spaces after commas.
    type: str
    aliases: [ldap_group_dn]
seealso:
  - module: harbor_ops.harbor.harbor_usergroup
"""

EXAMPLES = r"""
- name: Read the OIDC group of the auditors
  harbor_ops.harbor.harbor_usergroup_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: auditors
    type: oidc
  register: auditors

- name: List every LDAP group
  harbor_ops.harbor.harbor_usergroup_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    type: ldap
  register: ldap_groups

- name: Their DNs
  ansible.builtin.debug:
    msg: "{{ ldap_groups.usergroups | map(attribute='ldap_group_dn') }}"
"""

RETURN = r"""
usergroups:
  description:
    - The user groups as Harbor lists them, each with C(type) added (V(ldap), V(http) or V(oidc), the name of
      C(group_type) as O(type) takes it).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 4
      group_name: devs
      group_type: 1
      type: ldap
      ldap_group_dn: cn=devs,ou=groups,dc=example,dc=com
    - id: 7
      group_name: auditors
      group_type: 3
      type: oidc
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.usergroup import (
    GROUP_TYPE_NAMES,
    GROUP_TYPES,
    same_dn,
)


def wanted(group, params):
    """Whether a listed group passes the name, type and DN filters the user gave."""
    if params["name"] and group.get("group_name") != params["name"]:
        return False
    if params["type"] and group.get("group_type") != GROUP_TYPES[params["type"]]:
        return False
    return not params["ldap_dn"] or bool(group.get("ldap_group_dn") and same_dn(group["ldap_group_dn"], params["ldap_dn"]))


def gather(module):
    params = module.params
    query = {"group_name": params["name"]} if params["name"] else {}  # fuzzy: narrows the list only
    groups = [dict(group, type=GROUP_TYPE_NAMES.get(group.get("group_type")))
              for group in module.client.paginate("/usergroups", query) if wanted(group, params)]
    return {"changed": False, "usergroups": groups}


def main():
    module = HarborModule(argument_spec=dict(
        name=dict(type="str", aliases=["group_name"]),
        type=dict(type="str", choices=list(GROUP_TYPES), aliases=["group_type"]),
        ldap_dn=dict(type="str", aliases=["ldap_group_dn"]),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
