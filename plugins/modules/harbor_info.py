#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_info
short_description: Read Harbor's version, settings summary, component health and statistics
version_added: 0.1.0
description:
  - Reads C(/systeminfo), C(/health) and C(/statistics) of a Harbor instance.
  - Useful as a first task (is Harbor up, which version) and for monitoring (which component is unhealthy).
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  gather:
    description:
      - Which parts to read.
    type: list
    elements: str
    choices: [systeminfo, health, statistics]
    default: [systeminfo, health, statistics]
  fail_unhealthy:
    description:
      - Fail the task when Harbor reports any component unhealthy, naming the components.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Is Harbor healthy, and which version is it
  harbor_ops.harbor.harbor_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    gather: [systeminfo, health]
    fail_unhealthy: true
  register: harbor

- name: Show the version
  ansible.builtin.debug:
    msg: "{{ harbor.systeminfo.harbor_version }}"
"""

RETURN = r"""
systeminfo:
  description: Harbor's C(/systeminfo); C(harbor_version), C(external_url) and more need an authenticated account.
  returned: when V(systeminfo) is in O(gather)
  type: dict
  sample:
    auth_mode: db_auth
    harbor_version: v2.15.2-6b0d4d4
    external_url: https://harbor.example.com
    project_creation_restriction: adminonly
    read_only: false
    self_registration: false
health:
  description: Overall status and the status of every component.
  returned: when V(health) is in O(gather)
  type: dict
  sample:
    status: healthy
    components:
      - name: core
        status: healthy
      - name: database
        status: healthy
unhealthy_components:
  description: Names of the components that are not healthy.
  returned: when V(health) is in O(gather)
  type: list
  elements: str
  sample: [jobservice]
statistics:
  description: Project and repository counts and, for administrators, the total storage consumption in bytes.
  returned: when V(statistics) is in O(gather)
  type: dict
  sample:
    private_project_count: 4
    public_project_count: 1
    total_project_count: 5
    total_repo_count: 42
    total_storage_consumption: 734003200
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule

PATHS = {"systeminfo": "/systeminfo", "health": "/health", "statistics": "/statistics"}


def gather(module):
    client = module.client
    result = {"changed": False}
    for part in module.params["gather"]:
        result[part] = client.get(PATHS[part]) or {}
    if "health" in result:
        unhealthy = [c.get("name") for c in result["health"].get("components") or [] if c.get("status") != "healthy"]
        result["unhealthy_components"] = unhealthy
        if module.params["fail_unhealthy"] and (unhealthy or result["health"].get("status") != "healthy"):
            module.fail_json(msg="Harbor is not healthy: unhealthy components: %s" % (", ".join(unhealthy) or "none listed"),
                             **result)
    return result


def main():
    module = HarborModule(argument_spec=dict(
        gather=dict(type="list", elements="str", choices=list(PATHS), default=list(PATHS)),
        fail_unhealthy=dict(type="bool", default=False),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
