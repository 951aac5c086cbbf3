#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_label
short_description: Manage Harbor's global and project labels
version_added: 0.1.0
description:
  - Creates, updates or deletes a label by name, either global (any project may use it) or of one project.
  - Deleting a label also removes it from every artifact that carries it.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  name:
    description:
      - Name of the label, up to 128 characters, unique in its scope (and project).
    type: str
    required: true
  scope:
    description:
      - V(global) labels need a Harbor system administrator; V(project) labels belong to O(project).
    type: str
    choices: [global, project]
    default: global
  project:
    description:
      - The project of a label with O(scope=project). It must exist.
    type: str
  state:
    description:
      - V(present) creates or updates the label, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Free text.
    type: str
  color:
    description:
      - Colour as C(#RRGGBB), compared without regard to case. An empty string means no colour.
    type: str
"""

EXAMPLES = r"""
- name: A global label for production-ready artifacts
  harbor_ops.harbor.harbor_label:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: production
    color: "#2E7D32"
    description: Approved for production

- name: A label of one project
  harbor_ops.harbor.harbor_label:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: qa-passed
    scope: project
    project: releases
"""

RETURN = r"""
label:
  description: The label as Harbor returns it after the change; V(null) after deletion and when it would be created in check mode.
  returned: always
  type: dict
  sample:
    id: 5
    name: production
    description: Approved for production
    color: "#2E7D32"
    scope: g
    creation_time: "2026-11-23T10:12:44.512Z"
    update_time: "2026-11-23T10:12:44.512Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.label import LABEL_ARGUMENT_SPEC, LabelResource


def main():
    module = HarborModule(argument_spec=LABEL_ARGUMENT_SPEC)
    module.run(lambda m: ensure(m, LabelResource()))


if __name__ == "__main__":
    main()
