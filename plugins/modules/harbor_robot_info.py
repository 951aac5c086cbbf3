#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_robot_info
short_description: Read Harbor robot accounts and when they expire
version_added: 0.1.0
description:
  - Lists the robots of one project, or the system robots, page by page; or reads one robot by name.
  - Adds C(days_left) to each robot so that playbooks can alert on robots that expire soon.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  project:
    description:
      - List the robots of this project. Without it, the system robots are listed.
    type: str
  name:
    description:
      - Only the robot with this name (without prefix and project, as in M(harbor_ops.harbor.harbor_robot)).
    type: str
  name_prefix:
    description:
      - Harbor's C(robot_name_prefix) setting.
    type: str
    default: robot$
seealso:
  - module: harbor_ops.harbor.harbor_robot
"""

EXAMPLES = r"""
- name: Robots of a project
  harbor_ops.harbor.harbor_robot_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
  register: release_robots

- name: Robots that expire within 14 days
  ansible.builtin.debug:
    msg: "{{ release_robots.robots | rejectattr('days_left', 'none') | selectattr('days_left', 'lt', 14) | map(attribute='name') }}"
"""

RETURN = r"""
robots:
  description:
    - The robots as Harbor returns them (never with a secret), each with C(days_left) added
      (whole days until it expires, negative once expired, V(null) when it never expires).
    - Empty when the project does not exist.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 7
      name: robot$releases+ci
      level: project
      duration: 90
      disable: false
      expires_at: 1801900364
      days_left: 89
      permissions:
        - kind: project
          namespace: releases
          access:
            - {resource: repository, action: pull}
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import robot_full_name
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.robot import (
    expiry_facts,
    list_robots,
    project_id_of,
)


def gather(module):
    client = module.client
    params = module.params
    project_id = None
    if params["project"]:
        project_id = project_id_of(client, params["project"])
        if project_id is None:
            return {"changed": False, "robots": []}
    robots = list_robots(client, project_id)
    if params["name"]:
        wanted = robot_full_name(params["name"], params["project"], params["name_prefix"])
        robots = [robot for robot in robots if robot.get("name") == wanted]
    for robot in robots:
        robot["days_left"] = expiry_facts(robot)[1]
    return {"changed": False, "robots": robots}


def main():
    module = HarborModule(argument_spec=dict(
        project=dict(type="str"),
        name=dict(type="str"),
        name_prefix=dict(type="str", default="robot$"),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
