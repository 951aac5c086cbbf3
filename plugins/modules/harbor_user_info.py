#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_user_info
short_description: Read Harbor's local users
version_added: 0.1.0
description:
  - Returns one user by exact name, or every user page by page, the built-in admin (id 1) included although
    Harbor's user list leaves it out.
  - Never returns a password field, nor the CLI secret of an OIDC user.
  - Needs a Harbor system administrator.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  name:
    description:
      - Exact username of one user, V(admin) included. Leave out to list all users.
    type: str
    aliases: [login]
seealso:
  - module: harbor_ops.harbor.harbor_user
"""

EXAMPLES = r"""
- name: Read one user
  harbor_ops.harbor.harbor_user_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: alice
  register: alice

- name: List every user
  harbor_ops.harbor.harbor_user_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
  register: all_users

- name: Names of the system administrators
  ansible.builtin.debug:
    msg: "{{ all_users.users | selectattr('sysadmin_flag') | map(attribute='username') }}"
"""

RETURN = r"""
users:
  description:
    - The users as Harbor returns them, without any password field or OIDC CLI secret; one or none when O(name)
      is given.
    - C(sysadmin_flag) is always there (Harbor leaves it out when false).
  returned: always
  type: list
  elements: dict
  sample:
    - user_id: 3
      username: alice
      email: alice@example.com
      realname: Alice Example
      comment: release manager
      sysadmin_flag: false
      admin_role_in_auth: false
      creation_time: "2026-11-23T10:12:44.512Z"
      update_time: "2026-11-23T10:12:44.512Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, strip_secrets
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.user import find_user

ADMIN_ID = 1
PASSWORD_KEYS = ("password", "password_version", "salt")


def public_user(user):
    """A user without its password fields and without the CLI secret of an OIDC user."""
    user = strip_secrets(user, PASSWORD_KEYS)
    if isinstance(user.get("oidc_user_meta"), dict):
        user["oidc_user_meta"] = strip_secrets(user["oidc_user_meta"], ("secret",))
    user["sysadmin_flag"] = bool(user.get("sysadmin_flag"))
    return user


def all_users(client):
    """Every user: Harbor's list, and the built-in admin (id 1) that the list leaves out, first."""
    users = client.paginate("/users")
    if not any(user.get("user_id") == ADMIN_ID for user in users):
        admin = client.get_or_none("/users/%d" % ADMIN_ID)
        if admin:
            users.insert(0, admin)
    return users


def gather(module):
    client = module.client
    if module.params["name"]:
        user = find_user(client, module.params["name"])
        users = [user] if user else []
    else:
        users = all_users(client)
    return {"changed": False, "users": [public_user(user) for user in users]}


def main():
    module = HarborModule(argument_spec=dict(
        name=dict(type="str", aliases=["login"]),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
