#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_registry_info
short_description: Read Harbor registry endpoints and their health
version_added: 0.1.0
description:
  - Returns one registry endpoint by exact name, or all of them, with the health status Harbor keeps.
  - With O(ping=true) Harbor connects to each endpoint now (C(POST /registries/ping)) and C(health) tells the result.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  name:
    description:
      - Exact name of one registry. Leave out to list all.
    type: str
  ping:
    description:
      - Ask Harbor to connect to each endpoint now; the answer is in C(health) (V(healthy) or V(unhealthy)).
    type: bool
    default: false
seealso:
  - module: harbor_ops.harbor.harbor_registry
"""

EXAMPLES = r"""
- name: Is the DR site reachable from Harbor?
  harbor_ops.harbor.harbor_registry_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: dr-site
    ping: true
  register: dr

- name: Stop when it is not
  ansible.builtin.assert:
    that: dr.registries[0].health == 'healthy'
"""

RETURN = r"""
registries:
  description:
    - The registries as Harbor returns them (secrets masked); one or none when O(name) is given.
    - With O(ping), each has C(health) (V(healthy) or V(unhealthy)) and C(health_message).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 3
      name: dr-site
      type: harbor
      url: https://harbor-dr.example.com
      status: healthy
      health: healthy
      health_message: ""
      credential:
        type: basic
        access_key: robot$replicator
        access_secret: "*****"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import BadRequest
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.registry import get_registry


def gather(module):
    client = module.client
    params = module.params
    if params["name"]:
        registry = get_registry(client, params["name"])
        registries = [registry] if registry else []
    else:
        registries = client.paginate("/registries")
    if params["ping"]:
        for registry in registries:
            try:
                client.post("/registries/ping", {"id": registry["id"]})
                registry.update(health="healthy", health_message="")
            except BadRequest as exc:
                registry.update(health="unhealthy", health_message=exc.harbor_message)
    return {"changed": False, "registries": registries}


def main():
    module = HarborModule(argument_spec=dict(
        name=dict(type="str"),
        ping=dict(type="bool", default=False),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
