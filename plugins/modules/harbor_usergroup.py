#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_usergroup
short_description: Manage Harbor user groups (LDAP, HTTP auth proxy and OIDC groups)
version_added: 0.1.0
description:
  - Create, rename or delete a Harbor user group.
  - An LDAP group is identified by its DN (compared case-insensitively); HTTP and OIDC groups by name and type.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  name:
    description:
      - The group name. Required for V(http) and V(oidc) groups, where it is the identity.
      - For an LDAP group it is the display name; Harbor takes it from the directory when left out,
        and a different name renames the group.
    type: str
    aliases: [group_name]
  type:
    description:
      - The kind of group.
    type: str
    required: true
    choices: [ldap, http, oidc]
    aliases: [group_type]
  ldap_dn:
    description:
      - The LDAP group's DN, required for O(type=ldap). Harbor looks it up in the directory when the group is created.
    type: str
    aliases: [ldap_group_dn]
  state:
    description:
      - V(present) creates or renames the group, V(absent) deletes it (and its project memberships).
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: harbor_ops.harbor.harbor_project_member
"""

EXAMPLES = r"""
- name: An LDAP group
  harbor_ops.harbor.harbor_usergroup:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    type: ldap
    ldap_dn: cn=developers,ou=groups,dc=example,dc=com
    name: developers

- name: An OIDC group
  harbor_ops.harbor.harbor_usergroup:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    type: oidc
    name: platform-team
"""

RETURN = r"""
usergroup:
  description:
    - The user group as Harbor returns it; V(null) after deletion and when it would be created in check mode.
    - C(group_type) is 1 for LDAP, 2 for HTTP, 3 for OIDC.
  returned: always
  type: dict
  sample:
    id: 4
    group_name: developers
    group_type: 1
    ldap_group_dn: cn=developers,ou=groups,dc=example,dc=com
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.usergroup import (
    USERGROUP_ARGUMENT_SPEC,
    UserGroupResource,
)


def main():
    module = HarborModule(argument_spec=USERGROUP_ARGUMENT_SPEC)
    module.run(lambda m: ensure(m, UserGroupResource()))


if __name__ == "__main__":
    main()
