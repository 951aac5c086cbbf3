#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_project_info
short_description: Read one Harbor project or list all of them
version_added: 0.1.0
description:
  - Returns one project by exact name, or every project the account may see, page by page.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  name:
    description:
      - Exact name of one project. Leave out to list all projects.
    type: str
    aliases: [project]
  public:
    description:
      - When listing, only public (V(true)) or only private (V(false)) projects.
    type: bool
  with_quota:
    description:
      - Also return each project's storage quota (C(hard) and C(used)), one more request per project.
    type: bool
    default: false
seealso:
  - module: harbor_ops.harbor.harbor_project
"""

EXAMPLES = r"""
- name: Read one project
  harbor_ops.harbor.harbor_project_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: releases
  register: releases

- name: List every project with its quota
  harbor_ops.harbor.harbor_project_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    with_quota: true
  register: all_projects

- name: Names of the public projects
  ansible.builtin.debug:
    msg: "{{ all_projects.projects | selectattr('metadata.public', 'equalto', 'true') | map(attribute='name') }}"
"""

RETURN = r"""
projects:
  description:
    - The projects as Harbor returns them; one or none when O(name) is given.
    - With O(with_quota), each has a C(quota) key with C(hard) and C(used) storage in bytes.
  returned: always
  type: list
  elements: dict
  sample:
    - project_id: 12
      name: releases
      owner_name: admin
      repo_count: 3
      metadata:
        public: "false"
        auto_scan: "true"
      quota:
        hard:
          storage: 53687091200
        used:
          storage: 1048576
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import get_project, get_project_quota


def gather(module):
    client = module.client
    params = module.params
    if params["name"]:
        project = get_project(client, params["name"])
        projects = [project] if project else []
    else:
        query = {}
        if params["public"] is not None:
            query["public"] = "true" if params["public"] else "false"
        projects = client.paginate("/projects", query)
    if params["with_quota"]:
        for project in projects:
            quota = get_project_quota(client, project["project_id"]) or {}
            project["quota"] = {"hard": quota.get("hard") or {}, "used": quota.get("used") or {}}
    return {"changed": False, "projects": projects}


def main():
    module = HarborModule(argument_spec=dict(
        name=dict(type="str", aliases=["project"]),
        public=dict(type="bool"),
        with_quota=dict(type="bool", default=False),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
