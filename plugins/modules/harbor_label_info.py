#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_label_info
short_description: Read Harbor's global labels or the labels of a project
version_added: 0.1.0
description:
  - Lists the global labels, or the labels of one project, page by page; or reads one label by exact name.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  name:
    description:
      - Exact name of one label. Leave out to list all labels of the scope.
    type: str
  scope:
    description:
      - V(global) lists the labels any project may use, V(project) those of O(project).
    type: str
    choices: [global, project]
    default: global
  project:
    description:
      - The project whose labels O(scope=project) lists. Required with O(scope=project), refused with O(scope=global).
    type: str
seealso:
  - module: harbor_ops.harbor.harbor_label
"""

EXAMPLES = r"""
- name: Global labels
  harbor_ops.harbor.harbor_label_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
  register: global_labels

- name: One label of a project
  harbor_ops.harbor.harbor_label_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    scope: project
    project: releases
    name: qa-passed
  register: qa_label

- name: Its colour
  ansible.builtin.debug:
    msg: "{{ qa_label.labels[0].color if qa_label.labels else 'no such label' }}"
"""

RETURN = r"""
labels:
  description:
    - The labels as Harbor returns them (C(scope) V(g) or V(p), C(project_id) for a project label); one or none when
      O(name) is given.
    - Empty when the project of O(scope=project) does not exist.
    - C(color) and C(description) are always there, empty strings when the label has none (Harbor leaves them out).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 6
      name: qa-passed
      description: Passed the QA suite
      color: "#2E7D32"
      scope: p
      project_id: 12
      creation_time: "2026-11-23T10:12:44.512Z"
      update_time: "2026-11-23T10:12:44.512Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.label import SCOPES
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import get_project


def gather(module):
    client = module.client
    params = module.params
    query = {"scope": SCOPES[params["scope"]]}
    if params["scope"] == "global" and params["project"]:
        raise ValidationError("project=%r goes with scope=project; a global label belongs to no project" % params["project"])
    if params["scope"] == "project":
        project = get_project(client, params["project"])
        if project is None:
            return {"changed": False, "labels": []}
        query["project_id"] = project["project_id"]
    if params["name"]:
        label = client.find_by_name("/labels", params["name"], params=query)
        labels = [label] if label else []
    else:
        labels = client.paginate("/labels", query)
    # Harbor leaves out an empty colour or description (omitempty): present here always, empty when unset
    return {"changed": False, "labels": [dict(label, description=label.get("description") or "",
                                              color=label.get("color") or "") for label in labels]}


def main():
    module = HarborModule(argument_spec=dict(
        name=dict(type="str"),
        scope=dict(type="str", default="global", choices=list(SCOPES)),
        project=dict(type="str"),
    ), required_if=[("scope", "project", ["project"])])
    module.run(gather)


if __name__ == "__main__":
    main()
