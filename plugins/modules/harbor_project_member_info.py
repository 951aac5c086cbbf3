#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_project_member_info
short_description: Read the members of a Harbor project and their roles
version_added: 0.1.0
description:
  - Lists the members of one project (users and user groups) page by page, each with its role by name, or only the
    member user or group of one exact name.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  project:
    description:
      - Name of the project.
    type: str
    required: true
  user_name:
    description:
      - Only the member user with this exact username.
      - Mutually exclusive with O(group_name).
    type: str
    aliases: [member_user]
  group_name:
    description:
      - Only the member group with this exact name (for an LDAP group, the name Harbor took from the directory).
      - Mutually exclusive with O(user_name).
    type: str
    aliases: [group]
seealso:
  - module: harbor_ops.harbor.harbor_project_member
"""

EXAMPLES = r"""
- name: Members of a project
  harbor_ops.harbor.harbor_project_member_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
  register: release_members

- name: Who may administer it
  ansible.builtin.debug:
    msg: "{{ release_members.members | selectattr('role', 'equalto', 'projectAdmin') | map(attribute='entity_name') }}"

- name: The role of one user
  harbor_ops.harbor.harbor_project_member_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
    user_name: alice
  register: alice
"""

RETURN = r"""
members:
  description:
    - The members as Harbor returns them (C(entity_type) V(u) for a user, V(g) for a group), each with C(role) added,
      the role's name as the O(harbor_ops.harbor.harbor_project_member#module:role) option of
      M(harbor_ops.harbor.harbor_project_member) takes it (V(projectAdmin), V(maintainer), V(developer), V(guest)
      or V(limitedGuest)).
    - Empty when the project does not exist.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 14
      project_id: 12
      entity_name: alice
      entity_type: u
      entity_id: 3
      role_id: 2
      role_name: developer
      role: developer
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.member import ROLE_NAMES, project_members
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import get_project


def gather(module):
    client = module.client
    params = module.params
    if get_project(client, params["project"]) is None:
        return {"changed": False, "members": []}
    entity_type, name = ("u", params["user_name"]) if params["user_name"] else ("g", params["group_name"])
    members = project_members(client, params["project"], name)
    if name:  # entityname matches users and groups alike
        members = [m for m in members if m.get("entity_type") == entity_type and m.get("entity_name") == name]
    for member in members:
        member["role"] = ROLE_NAMES.get(member.get("role_id"), member.get("role_name"))
    return {"changed": False, "members": members}


def main():
    module = HarborModule(argument_spec=dict(
        project=dict(type="str", required=True),
        user_name=dict(type="str", aliases=["member_user"]),
        group_name=dict(type="str", aliases=["group"]),
    ), mutually_exclusive=[("user_name", "group_name")])
    module.run(gather)


if __name__ == "__main__":
    main()
