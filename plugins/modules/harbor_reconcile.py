#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_reconcile
short_description: Apply a whole declared Harbor configuration in one task
version_added: 0.1.0
description:
  - Applies many Harbor resources in one module run over one keep-alive HTTP session, with the same
    options, validation and comparison as the single-resource modules.
  - Every declared item is validated before the first request; a bad item fails the task, naming the item
    and the option, and nothing is written.
  - Items are applied in order. If Harbor refuses one, the task fails naming it; the items before it stay
    applied, and running the task again completes the rest.
  - Much faster than a loop over M(harbor_ops.harbor.harbor_project) for large configurations; a converged
    project costs one GET, with no module start-up per item.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  projects:
    description:
      - Projects, each a mapping of the options of M(harbor_ops.harbor.harbor_project), for example
        C(name), C(state), C(public), C(auto_scan), C(storage_quota).
      - Only the options given for an item are compared and changed.
    type: list
    elements: dict
    default: []
seealso:
  - module: harbor_ops.harbor.harbor_project
"""

EXAMPLES = r"""
- name: Apply every project of the platform in one task
  harbor_ops.harbor.harbor_reconcile:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    projects:
      - name: platform
        auto_scan: true
        prevent_vulnerable: true
        severity: high
        storage_quota: 100G
      - name: team-web
        public: false
        auto_scan: true
      - name: old-team
        state: absent
  register: applied

- name: Show what changed
  ansible.builtin.debug:
    msg: "{{ applied.results | selectattr('changed') | map(attribute='name') }}"
"""

RETURN = r"""
results:
  description: One entry per declared item, in the order applied.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: The option the item was declared under.
      type: str
      sample: projects
    name:
      description: The item's name.
      type: str
      sample: platform
    action:
      description: What was done, or would be done in check mode.
      type: str
      choices: [created, updated, deleted, unchanged]
      sample: updated
    changed:
      description: Whether the item changed.
      type: bool
      sample: true
    diff:
      description: The changed options before and after, without secrets, when run with C(--diff).
      type: dict
      returned: when the item changed and diff mode is on
      sample: {"before": {"severity": "low"}, "after": {"severity": "high"}}
summary:
  description: Per option, how many items were created, updated, deleted and left unchanged.
  returned: always
  type: dict
  sample: {"projects": {"created": 2, "updated": 1, "deleted": 0, "unchanged": 197}}
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._reconcile import (
    reconcile,
    secret_values,
    validate_declared,
)


def main():
    module = HarborModule(argument_spec=dict(
        projects=dict(type="list", elements="dict", default=[]),
    ))

    def work(m):
        validated = validate_declared(m.params)
        m.no_log_values.update(secret_values(validated))  # items are plain dicts: mask their secrets here
        return reconcile(m.client, validated, m.check_mode, m._diff)

    module.run(work)


if __name__ == "__main__":
    main()
