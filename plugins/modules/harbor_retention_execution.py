#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_retention_execution
short_description: Run a project's Harbor tag retention policy now, or as a dry run
version_added: 0.1.0
description:
  - Starts an execution of the tag retention policy of a project (the one M(harbor_ops.harbor.harbor_retention)
    manages), optionally as a dry run, waits for it, and returns per repository what was (or, in a dry run,
    would be) retained and deleted.
  - Harbor reports only counts per repository; the retained and deleted artifacts come from each task's log
    (Harbor's result table, one row per artifact with its digest, tags and V(RETAIN) or V(DEL)).
  - Harbor stores retention policies without checking their rules and fails only when they run, so a stored rule
    with an unknown template, or a count or days below 1, is refused here before anything is started.
  - This is an action, not a state; it is not idempotent. Every run starts a new execution and reports C(changed),
    a dry run too (Harbor records it). In check mode nothing is started; the result predicts the run (C(changed)).
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying Harbor.
    support: full
    details: Reads the project and its policy, checks the policy, starts nothing.
  diff_mode:
    description: Returns no diff; an execution is an action, not a setting.
    support: none
  action_group:
    description: Use C(group/harbor_ops.harbor.harbor) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - harbor_ops.harbor.harbor
options:
  project:
    description:
      - Name of the project whose retention policy runs.
    type: str
    required: true
  dry_run:
    description:
      - Only evaluate the rules; delete nothing. The result lists what would be deleted.
    type: bool
    default: false
  wait:
    description:
      - Wait until the execution ends and return what each repository retained and deleted.
      - Without it, the execution is returned as started (status V(Running)).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait with O(wait) before failing.
    type: int
    default: 600
  fail_on_error:
    description:
      - With O(wait), fail when the execution ends V(Error) or V(Stopped), naming the repositories that did not finish.
    type: bool
    default: true
notes:
  - Needs the project's maintainer or administrator role, or a system administrator.
seealso:
  - module: harbor_ops.harbor.harbor_retention
  - module: harbor_ops.harbor.harbor_gc
"""

EXAMPLES = r"""
- name: See what the retention policy of project app would delete
  harbor_ops.harbor.harbor_retention_execution:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: app
    dry_run: true
  register: preview

- name: Show the tags that would go
  ansible.builtin.debug:
    msg: "{{ preview.repositories | map(attribute='deleted') | flatten | map(attribute='tags') | flatten }}"

- name: Apply the retention policy now, then reclaim the space
  harbor_ops.harbor.harbor_retention_execution:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: app

- name: Garbage-collect the deleted artifacts' blobs
  harbor_ops.harbor.harbor_gc:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    run_now: true
"""

RETURN = r"""
policy_id:
  description: Id of the retention policy that ran.
  returned: always
  type: int
  sample: 7
dry_run:
  description: Whether the execution was a dry run.
  returned: always
  type: bool
  sample: false
execution:
  description:
    - The execution as Harbor lists it (C(GET /retentions/{id}/executions)); after it ended with O(wait).
    - V(null) in check mode.
  returned: always
  type: dict
  sample:
    id: 31
    policy_id: 7
    status: Success
    trigger: MANUAL
    dry_run: false
    start_time: "2026-11-23T10:12:44.512Z"
    end_time: "2026-11-23T10:12:46.020Z"
repositories:
  description:
    - One entry per repository the policy's rules selected (Harbor's tasks), with what was retained and deleted
      (in a dry run, what would be deleted). Empty in check mode and without O(wait).
  returned: always
  type: list
  elements: dict
  sample:
    - repository: app
      task_id: 90
      status: Success
      total: 30
      retained_count: 16
      retained:
        - digest: "sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"
          tags: [v20]
      deleted:
        - digest: "sha256:e4b315ad03a1d1d9ff0c111e648a1a91066c09ead8352d3d6a48fa971a82922c"
          tags: [v1]
deleted_count:
  description: Artifacts deleted (or, in a dry run, to delete) in all repositories.
  returned: when O(wait) is true and not in check mode
  type: int
  sample: 14
retained_count:
  description: Artifacts retained in all repositories.
  returned: when O(wait) is true and not in check mode
  type: int
  sample: 16
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.retention_execution import (
    RETENTION_EXECUTION_ARGUMENT_SPEC,
    run,
)


def main():
    module = HarborModule(argument_spec=RETENTION_EXECUTION_ARGUMENT_SPEC)
    module.run(run)


if __name__ == "__main__":
    main()
