#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_retention
short_description: Manage the tag retention policy of a Harbor project
version_added: 0.1.0
description:
  - Sets the one tag retention policy of a project (its rules and schedule), or removes it.
  - Harbor stores a retention policy almost without checking it and fails only when the policy runs,
    so this module checks templates, counts and days, selectors and the cron itself, before anything is written.
  - Rules are compared in order (their order is their priority) without the ids and priorities Harbor adds.
    A change sends the whole policy, as Harbor requires.
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
  state:
    description:
      - V(present) creates or updates the policy, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  rules:
    description:
      - The retention rules, at most 15. Artifacts that match any rule are kept, all others are deleted when the policy runs.
      - Left out, the rules stay as they are (an empty list when a new policy is created).
    type: list
    elements: dict
    suboptions:
      template:
        description:
          - V(latestPushedK) keeps the O(rules[].count) most recently pushed artifacts, V(latestPulledN) the
            O(rules[].count) most recently pulled, V(nDaysSinceLastPush) those pushed in the last O(rules[].days) days,
            V(nDaysSinceLastPull) those pulled in the last O(rules[].days) days, V(always) all of them.
        type: str
        required: true
      count:
        description:
          - How many artifacts V(latestPushedK) and V(latestPulledN) keep, 1 or more.
        type: raw
      days:
        description:
          - How many days V(nDaysSinceLastPush) and V(nDaysSinceLastPull) look back, 1 or more.
        type: raw
      tag_pattern:
        description:
          - Doublestar pattern of the tags the rule applies to, for example V(**), V(release-*) or V({latest,stable}).
        type: str
        default: "**"
      tag_decoration:
        description:
          - V(matches) applies the rule to the tags that match O(rules[].tag_pattern), V(excludes) to all others.
        type: str
        default: matches
      untagged:
        description:
          - Whether the rule also covers untagged artifacts. A boolean.
          - Defaults to V(true) with O(rules[].tag_decoration=matches) and V(false) with V(excludes), as Harbor does.
        type: raw
      repository_pattern:
        description:
          - Doublestar pattern of the repositories (without the project name) the rule applies to.
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
          - Keep the rule but do not apply it.
        type: bool
        default: false
  cron:
    description:
      - When the policy runs. Five fields get a C(0) seconds field in front; six fields must have C(0) seconds.
        An empty string means no schedule (the policy runs only when started by hand).
      - Left out, the schedule stays as it is.
    type: str
notes:
  - Needs the project's administrator or a Harbor system administrator.
  - Running the policy (dry run or real) is not part of this module.
"""

EXAMPLES = r"""
- name: Keep the 10 latest pushes of release tags and everything pulled in the last 30 days, nightly
  harbor_ops.harbor.harbor_retention:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
    cron: "0 3 * * *"
    rules:
      - template: latestPushedK
        count: 10
        tag_pattern: "v*"
        untagged: false
      - template: nDaysSinceLastPull
        days: 30

- name: Remove the policy
  harbor_ops.harbor.harbor_retention:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
    state: absent
"""

RETURN = r"""
retention:
  description:
    - The policy as Harbor returns it after the change (C(GET /retentions/{id})); V(null) after removal
      and when a policy would be created in check mode.
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
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.retention import (
    RETENTION_ARGUMENT_SPEC,
    RetentionResource,
)


def main():
    module = HarborModule(argument_spec=RETENTION_ARGUMENT_SPEC)
    module.run(lambda m: ensure(m, RetentionResource()))


if __name__ == "__main__":
    main()
