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
  ignore_components:
    description:
      - Components whose health O(fail_unhealthy) does not judge, such as V(portal) on a Harbor that runs without
        its web UI (Harbor core then reports the portal, and so Harbor, unhealthy).
      - They are still listed in RV(unhealthy_components).
    type: list
    elements: str
    default: []
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
        components = result["health"].get("components") or []
        unhealthy = [c.get("name") for c in components if c.get("status") != "healthy"]
        result["unhealthy_components"] = unhealthy
        ignored = set(module.params["ignore_components"])
        failing = [name for name in unhealthy if name not in ignored]
        overall = result["health"].get("status") == "healthy" or (unhealthy and not failing)
        if module.params["fail_unhealthy"] and (failing or not overall):
            module.fail_json(msg=_unhealthy_message(components, failing), **result)
    return result


def _unhealthy_message(components, failing):
    """Which components are unhealthy, with Harbor's own error for each, and what to do about the portal."""
    details = ["%s (%s)" % (c.get("name"), c.get("error")) if c.get("error") else str(c.get("name"))
               for c in components if c.get("name") in failing]
    message = "Harbor is not healthy: unhealthy components: %s" % (", ".join(details) or "none listed")
    if "portal" in failing:
        message += (". Harbor core reports the portal unhealthy when nothing answers at its PORTAL_URL, as on a "
                    "Harbor run without its web UI (headless); if that is intended, set ignore_components: [portal] "
                    "(playbooks/configure.yml: harbor_health_ignore)")
    return message


def main():
    module = HarborModule(argument_spec=dict(
        gather=dict(type="list", elements="str", choices=list(PATHS), default=list(PATHS)),
        fail_unhealthy=dict(type="bool", default=False),
        ignore_components=dict(type="list", elements="str", default=[]),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
