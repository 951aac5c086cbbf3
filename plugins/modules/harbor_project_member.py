#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_project_member
short_description: Manage who is a member of a Harbor project, and with which role
version_added: 0.1.0
description:
  - Add a user or a user group to a project with a role, change the role, or remove the member.
  - The member is looked up by name (Harbor's exact C(entityname) filter, every page), so projects with hundreds
    of members are handled.
  - A group is resolved as a user group first (an LDAP group by DN, compared case-insensitively) and created when
    missing, then added by id. Posting a DN straight to the members API would leave an orphan group behind in
    Harbor if adding the member failed.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  project:
    description:
      - The project's name.
    type: str
    required: true
  user_name:
    description:
      - A user's name. Harbor on-boards a user it does not know yet from LDAP or OIDC where it can.
      - Give exactly one of O(user_name), O(group_name) or O(ldap_group_dn).
      - Not called C(user) because that is an alias of the connection's O(username).
    type: str
    aliases: [member_user]
  group_name:
    description:
      - The name of an HTTP (auth proxy) or OIDC group; set O(group_type).
    type: str
    aliases: [group]
  group_type:
    description:
      - The type of O(group_name). V(ldap) is implied by O(ldap_group_dn).
    type: str
    choices: [ldap, http, oidc]
  ldap_group_dn:
    description:
      - The DN of an LDAP group (Harbor must use O(harbor_ops.harbor.harbor_config#module:auth_mode=ldap_auth)).
    type: str
  role:
    description:
      - The member's role in the project. Required with O(state=present).
    type: str
    choices: [projectAdmin, maintainer, developer, guest, limitedGuest]
  state:
    description:
      - V(present) adds the member or changes its role, V(absent) removes it from the project.
      - Removing a group member leaves the user group itself; see M(harbor_ops.harbor.harbor_usergroup).
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: harbor_ops.harbor.harbor_usergroup
  - module: harbor_ops.harbor.harbor_user
"""

EXAMPLES = r"""
- name: Alice maintains releases
  harbor_ops.harbor.harbor_project_member:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
    user_name: alice
    role: maintainer

- name: The LDAP developers group may push
  harbor_ops.harbor.harbor_project_member:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
    ldap_group_dn: cn=developers,ou=groups,dc=example,dc=com
    role: developer

- name: An OIDC group reads
  harbor_ops.harbor.harbor_project_member:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
    group_name: auditors
    group_type: oidc
    role: guest
"""

RETURN = r"""
member:
  description:
    - The membership as Harbor returns it; V(null) after removal and when it would be added in check mode.
  returned: always
  type: dict
  sample:
    id: 12
    project_id: 3
    entity_name: alice
    entity_type: u
    entity_id: 5
    role_id: 4
    role_name: maintainer
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.member import (
    MEMBER_ARGUMENT_SPEC,
    MEMBER_MUTUALLY_EXCLUSIVE,
    MemberResource,
)


def main():
    module = HarborModule(argument_spec=MEMBER_ARGUMENT_SPEC, mutually_exclusive=MEMBER_MUTUALLY_EXCLUSIVE)
    module.run(lambda m: ensure(m, MemberResource()))


if __name__ == "__main__":
    main()
