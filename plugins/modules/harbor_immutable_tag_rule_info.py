#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_immutable_tag_rule_info
short_description: Read the immutable tag rules of a Harbor project
version_added: 0.1.0
description:
  - Lists the immutable tag rules of one project page by page (C(GET /projects/{id}/immutabletagrules)).
  - Also returns them in the shape of the O(harbor_ops.harbor.harbor_immutable_tag_rule#module:rules) option.
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
seealso:
  - module: harbor_ops.harbor.harbor_immutable_tag_rule
"""

EXAMPLES = r"""
- name: Immutable tag rules of a project
  harbor_ops.harbor.harbor_immutable_tag_rule_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
  register: immutable

- name: Tag patterns that are protected now
  ansible.builtin.debug:
    msg: "{{ immutable.rules | rejectattr('disabled') | map(attribute='tag_pattern') }}"
"""

RETURN = r"""
immutable_tag_rules:
  description:
    - The rules as Harbor returns them.
    - Empty when the project has none or does not exist.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 7
      priority: 0
      action: immutable
      template: immutable_template
      tag_selectors:
        - {kind: doublestar, decoration: matches, pattern: "v*"}
      scope_selectors:
        repository:
          - {kind: doublestar, decoration: repoMatches, pattern: "**"}
rules:
  description:
    - The rules of RV(immutable_tag_rules) in the same order, in the shape of the
      O(harbor_ops.harbor.harbor_immutable_tag_rule#module:rules) option; a rule that has no such shape (made through
      the API with several selectors) keeps its C(id), C(tag_selectors) and C(scope_selectors) instead.
  returned: always
  type: list
  elements: dict
  sample:
    - tag_pattern: "v*"
      tag_decoration: matches
      repository_pattern: "**"
      repository_decoration: repoMatches
      disabled: false
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.immutable import rules_path, shown
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import get_project


def gather(module):
    client = module.client
    project = get_project(client, module.params["project"])
    if project is None:
        return {"changed": False, "immutable_tag_rules": [], "rules": []}
    rules = client.paginate(rules_path(project))
    return {"changed": False, "immutable_tag_rules": rules, "rules": [shown(rule) for rule in rules]}


def main():
    module = HarborModule(argument_spec=dict(
        project=dict(type="str", required=True),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
