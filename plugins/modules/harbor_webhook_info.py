#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_webhook_info
short_description: Read the webhook policies of a Harbor project
version_added: 0.1.0
description:
  - Lists the webhook policies of one project page by page, or reads one policy by exact name.
  - Harbor returns each target's C(auth_header) in clear; the module never does, and says with C(auth_header_set)
    whether the target has one.
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
  name:
    description:
      - Exact name of one policy. Leave out to list all policies of O(project).
    type: str
seealso:
  - module: harbor_ops.harbor.harbor_webhook
"""

EXAMPLES = r"""
- name: Webhook policies of a project
  harbor_ops.harbor.harbor_webhook_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
  register: hooks

- name: Addresses that get no Authorization header
  ansible.builtin.debug:
    msg: "{{ hooks.webhooks | map(attribute='targets') | flatten | rejectattr('auth_header_set') | map(attribute='address') }}"
"""

RETURN = r"""
webhooks:
  description:
    - The policies as Harbor returns them, C(enabled) always present (Harbor leaves it out when false); one or none
      when O(name) is given.
    - In each target, C(auth_header) is removed and C(auth_header_set) tells whether the target has one.
    - Empty when the project does not exist.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 3
      name: ci
      project_id: 12
      enabled: true
      event_types:
        - PUSH_ARTIFACT
        - SCANNING_COMPLETED
      targets:
        - type: http
          address: https://ci.example.com/hooks/harbor
          auth_header_set: true
          skip_cert_verify: false
          payload_format: Default
      creation_time: "2026-11-23T10:12:44.512Z"
      update_time: "2026-11-23T10:12:44.512Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, strip_secrets
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import get_project


def without_auth_header(target):
    """A target with its auth header replaced by whether it has one."""
    return dict(strip_secrets(target, ("auth_header",)), auth_header_set=bool(target.get("auth_header")))


def public_policy(policy):
    return dict(policy, enabled=bool(policy.get("enabled")),
                targets=[without_auth_header(target) for target in policy.get("targets") or []])


def gather(module):
    client = module.client
    params = module.params
    project = get_project(client, params["project"])
    if project is None:
        return {"changed": False, "webhooks": []}
    path = "/projects/%s/webhook/policies" % project["project_id"]
    if params["name"]:
        policy = client.find_by_name(path, params["name"])
        policies = [policy] if policy else []
    else:
        policies = client.paginate(path)
    return {"changed": False, "webhooks": [public_policy(policy) for policy in policies]}


def main():
    module = HarborModule(argument_spec=dict(
        project=dict(type="str", required=True),
        name=dict(type="str"),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
