#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_immutable_tag_rule
short_description: Manage the immutable tag rules of a Harbor project
version_added: 0.1.0
description:
  - Adds, enables, disables or removes immutable tag rules of a project. Tags that match an enabled rule
    cannot be overwritten or deleted.
  - Harbor gives these rules no name, so a rule is identified by its four selector options; the only thing that
    can change on an existing rule is O(rules[].disabled).
  - Harbor creates every rule enabled, so a rule declared disabled is created and then disabled (two requests).
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  project:
    description:
      - Name of the project. It must exist.
    type: str
    required: true
  rules:
    description:
      - The rules this task is about.
    type: list
    elements: dict
    required: true
    suboptions:
      tag_pattern:
        description:
          - Doublestar pattern of the tags, for example V(**), V(v*) or V({latest,stable}).
        type: str
        default: "**"
      tag_decoration:
        description:
          - V(matches) protects the tags that match O(rules[].tag_pattern), V(excludes) all others.
        type: str
        default: matches
      repository_pattern:
        description:
          - Doublestar pattern of the repositories (without the project name).
        type: str
        default: "**"
      repository_decoration:
        description:
          - V(repoMatches) applies the rule to the repositories that match O(rules[].repository_pattern),
            V(repoExcludes) to all others.
        type: str
        default: repoMatches
      disabled:
        description:
          - Keep the rule but do not enforce it.
        type: bool
        default: false
  state:
    description:
      - V(present) adds the rules that are missing and sets O(rules[].disabled); V(absent) removes the rules.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), also remove the project's rules that O(rules) does not declare.
    type: bool
    default: false
notes:
  - Needs the project's administrator or a Harbor system administrator.
"""

EXAMPLES = r"""
- name: Release tags are immutable in every repository, and these are the only rules
  harbor_ops.harbor.harbor_immutable_tag_rule:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
    exclusive: true
    rules:
      - tag_pattern: "v*"
      - tag_pattern: latest
        repository_pattern: "sandbox/**"
        repository_decoration: repoExcludes
        disabled: true

- name: Remove one rule
  harbor_ops.harbor.harbor_immutable_tag_rule:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
    state: absent
    rules:
      - tag_pattern: "v*"
"""

RETURN = r"""
immutable_tag_rules:
  description: All immutable tag rules of the project after the change, as Harbor returns them (before it, in check mode).
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
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.immutable import (
    IMMUTABLE_ARGUMENT_SPEC,
    apply_rules,
)


def main():
    module = HarborModule(argument_spec=IMMUTABLE_ARGUMENT_SPEC)
    module.run(apply_rules)


if __name__ == "__main__":
    main()
