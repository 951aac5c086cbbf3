#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_config_info
short_description: Read Harbor's system configuration
version_added: 0.1.0
description:
  - Returns Harbor's C(/configurations) as plain values, and which settings Harbor does not let you edit.
  - Password-type settings (LDAP search password, OIDC client secret) are never returned by Harbor.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options: {}
notes:
  - Needs a system administrator.
seealso:
  - module: harbor_ops.harbor.harbor_config
"""

EXAMPLES = r"""
- name: Read the configuration
  harbor_ops.harbor.harbor_config_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
  register: harbor_cfg

- name: Can the auth mode still change?
  ansible.builtin.debug:
    msg: "{{ 'auth_mode' not in harbor_cfg.not_editable }}"
"""

RETURN = r"""
config:
  description: Every setting Harbor returns, each key with its plain value.
  returned: always
  type: dict
  sample:
    auth_mode: db_auth
    project_creation_restriction: everyone
    robot_token_duration: 30
    self_registration: false
not_editable:
  description: The settings Harbor marks not editable, sorted.
  returned: always
  type: list
  elements: str
  sample: [auth_mode]
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.config import config_values


def gather(module):
    raw = module.client.get("/configurations") or {}
    locked = sorted(k for k, v in raw.items() if isinstance(v, dict) and v.get("editable") is False)
    return {"changed": False, "config": config_values(raw), "not_editable": locked}


def main():
    module = HarborModule(argument_spec={})
    module.run(gather)


if __name__ == "__main__":
    main()
