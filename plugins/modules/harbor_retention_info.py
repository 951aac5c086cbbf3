#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_retention_info
short_description: Read the tag retention policy of a Harbor project
version_added: 0.1.0
description:
  - Reads the tag retention policy of one project (the project's C(metadata.retention_id), then
    C(GET /retentions/{id})).
  - Also returns the policy's rules and cron in the shape of the options of M(harbor_ops.harbor.harbor_retention).
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
  - module: harbor_ops.harbor.harbor_retention
"""

EXAMPLES = r"""
- name: Retention policy of a project
  harbor_ops.harbor.harbor_retention_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
  register: retention

- name: Templates of its rules
  ansible.builtin.debug:
    msg: "{{ retention.rules | map(attribute='template') }}"
"""

RETURN = r"""
retention:
  description:
    - The policy as Harbor returns it (C(GET /retentions/{id})).
    - V(null) when the project has no retention policy or does not exist.
  returned: always
  type: dict
  sample:
    id: 4
    algorithm: or
    rules:
      - id: 1
        priority: 1
        action: retain
        template: latestPushedK
        params: {latestPushedK: 10}
        tag_selectors:
          - {kind: doublestar, decoration: matches, pattern: "v*", extras: '{"untagged":false}'}
        scope_selectors:
          repository:
            - {kind: doublestar, decoration: repoMatches, pattern: "**"}
    trigger:
      kind: Schedule
      settings: {cron: "0 0 3 * * *"}
    scope: {level: project, ref: 12}
rules:
  description:
    - The rules of RV(retention) in order, in the shape of the O(harbor_ops.harbor.harbor_retention#module:rules)
      option; a rule that has no such shape is returned as Harbor stores it, without C(id) and C(priority).
    - Empty when there is no policy.
  returned: always
  type: list
  elements: dict
  sample:
    - template: latestPushedK
      count: 10
      tag_pattern: "v*"
      tag_decoration: matches
      repository_pattern: "**"
      repository_decoration: repoMatches
      untagged: false
      disabled: false
cron:
  description:
    - The schedule of RV(retention) in the shape of the O(harbor_ops.harbor.harbor_retention#module:cron) option;
      V("") when the policy runs only by hand, V(null) when there is no policy.
  returned: always
  type: str
  sample: "0 0 3 * * *"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import path_param
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import get_project
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.retention import RetentionResource


def gather(module):
    client = module.client
    result = {"changed": False, "retention": None, "rules": [], "cron": None}
    project = get_project(client, module.params["project"])
    if project is None:
        return result
    retention_id = (project.get("metadata") or {}).get("retention_id")
    if not retention_id:
        return result
    policy = client.get_or_none("/retentions/%s" % path_param(retention_id))
    if policy is None:
        return result
    result["retention"] = policy
    result.update(RetentionResource().view(client, policy, None))
    return result


def main():
    module = HarborModule(argument_spec=dict(
        project=dict(type="str", required=True),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
