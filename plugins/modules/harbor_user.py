#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_user
short_description: Manage Harbor local users (database authentication)
version_added: 0.1.0
description:
  - Create, update or delete a local Harbor user, its profile, admin flag and password.
  - Harbor keeps local users only while its O(harbor_ops.harbor.harbor_config#module:auth_mode) is C(db_auth);
    under other auth modes it refuses to create users.
  - Only the options given are compared; a second run with the same options sends no write request.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  name:
    description:
      - The user's login name (Harbor's C(username)), 1-255 characters without C(,~#$%"').
      - Named O(name) because O(username) is the account the module connects with.
    type: str
    required: true
    aliases: [login]
  state:
    description:
      - V(present) creates or updates the user, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  email:
    description:
      - Email address, unique in Harbor. Required to create a user.
    type: str
  realname:
    description:
      - Full name, 1-255 characters. Required to create a user.
    type: str
    aliases: [full_name]
  comment:
    description:
      - A comment, at most 30 characters.
    type: str
  admin:
    description:
      - Whether the user is a Harbor system administrator.
    type: bool
  user_password:
    description:
      - The user's password. Required to create a user.
      - Harbor's policy is checked before anything is sent, 8-128 characters with at least one uppercase
        letter, one lowercase letter and one digit.
      - Harbor never returns a password. See O(update_password) for when it is sent.
    type: str
  update_password:
    description:
      - V(on_create) sets O(user_password) only when the user is created.
      - V(always) also sends it to an existing user. Harbor answers C(400 New password is identical to old password)
        when it is unchanged; the module takes that as "no change", so a second run reports C(changed=false).
        That probe is still a write request, so a run with V(always) is not free of writes.
      - In check mode the password is not compared at all, because the only way to compare it is the write above;
        check mode then reports only the other changes and warns.
      - When the user is the connecting account (O(username)), O(password) is sent as the old password, as Harbor requires.
    type: str
    choices: [always, on_create]
    default: on_create
notes:
  - Harbor's C(PUT /users/{id}) replaces email, realname and comment together, so an update of one sends all three,
    the ones not given taken from Harbor.
  - User id 1 is Harbor's built-in admin and cannot be deleted; the module refuses before sending anything.
seealso:
  - module: harbor_ops.harbor.harbor_project_member
"""

EXAMPLES = r"""
- name: A release manager with admin rights
  harbor_ops.harbor.harbor_user:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: alice
    email: alice@example.com
    realname: Alice Doe
    comment: release manager
    admin: true
    user_password: "{{ vault_alice_password }}"

- name: Rotate a password (the user's own password is compared by Harbor)
  harbor_ops.harbor.harbor_user:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: alice
    user_password: "{{ vault_alice_new_password }}"
    update_password: always

- name: Remove a user
  harbor_ops.harbor.harbor_user:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: bob
    state: absent
"""

RETURN = r"""
user:
  description:
    - The user as Harbor returns it after the change (C(GET /users/{id})); never a password.
    - V(null) after deletion and when a user would be created in check mode.
  returned: always
  type: dict
  sample:
    user_id: 3
    username: alice
    email: alice@example.com
    realname: Alice Doe
    comment: release manager
    sysadmin_flag: true
    admin_role_in_auth: false
    creation_time: "2026-11-23T10:12:44.512Z"
    update_time: "2026-11-23T10:12:44.512Z"
password_changed:
  description: V(true) when O(update_password=always) changed the password of an existing user.
  returned: when the password was changed
  type: bool
  sample: true
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.user import USER_ARGUMENT_SPEC, ensure_user


def main():
    module = HarborModule(argument_spec=USER_ARGUMENT_SPEC)
    module.run(ensure_user)


if __name__ == "__main__":
    main()
