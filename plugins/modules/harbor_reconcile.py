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
  - Items to be present are applied kind by kind in the order the options are listed here (users, user groups,
    registries, scanners, projects, members, labels, webhooks, retention policies, replication policies), so
    that what an item refers to exists first; items whose C(state) is V(absent) are removed
    afterwards in the reverse order. Within a kind, items are applied in the order given.
  - If Harbor refuses one item, the task fails naming it; the items before it stay applied, and running the
    task again completes the rest.
  - In check mode an item that refers to something this run would create (a member of a new project, a
    replication policy of a new registry) is reported as created without being looked up.
  - Robot accounts are not handled here, because Harbor shows a new robot's secret only once; use
    M(harbor_ops.harbor.harbor_robot) with O(harbor_ops.harbor.harbor_robot#module:secret_file).
  - Much faster than a loop of single-resource tasks for large configurations; a converged item costs its
    look-up (one GET for a project), with no module start-up per item.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  parallelism:
    description:
      - How many items of one kind are looked up (and written) at the same time, 1 to 32, over the module's one
        session. Kinds are applied one after another in the order above, so what an item refers to exists first.
      - On a real Harbor each request costs Harbor CPU; the default keeps 8 in flight.
    type: int
    default: 8
  users:
    description:
      - Local users (database authentication), for example C(name), C(email), C(realname), C(user_password), C(admin).
      - Each item takes the options of M(harbor_ops.harbor.harbor_user), validated and compared the same way;
        only the options given for an item are compared and changed.
    type: list
    elements: dict
    default: []
  usergroups:
    description:
      - User groups, for example C(name), C(type) and C(ldap_dn).
      - Each item takes the options of M(harbor_ops.harbor.harbor_usergroup), validated and compared the same way;
        only the options given for an item are compared and changed.
    type: list
    elements: dict
    default: []
  registries:
    description:
      - Registry endpoints for replication and proxy cache, for example C(name), C(type), C(endpoint_url), C(access_key), C(access_secret).
      - Each item takes the options of M(harbor_ops.harbor.harbor_registry), validated and compared the same way;
        only the options given for an item are compared and changed.
    type: list
    elements: dict
    default: []
  scanners:
    description:
      - Scanner registrations, for example C(name), C(endpoint_url), C(auth), C(access_credential), C(default).
      - Each item takes the options of M(harbor_ops.harbor.harbor_scanner), validated and compared the same way;
        only the options given for an item are compared and changed.
    type: list
    elements: dict
    default: []
  projects:
    description:
      - Projects, for example C(name), C(state), C(public), C(auto_scan), C(storage_quota), C(proxy_cache_registry), C(scanner).
      - Each item takes the options of M(harbor_ops.harbor.harbor_project), validated and compared the same way;
        only the options given for an item are compared and changed.
    type: list
    elements: dict
    default: []
  members:
    description:
      - Project members, for example C(project), C(user_name) or C(group_name), C(role).
      - Each item takes the options of M(harbor_ops.harbor.harbor_project_member), validated and compared the same way;
        only the options given for an item are compared and changed.
    type: list
    elements: dict
    default: []
  labels:
    description:
      - Labels, for example C(name), C(scope), C(project), C(color).
      - Each item takes the options of M(harbor_ops.harbor.harbor_label), validated and compared the same way;
        only the options given for an item are compared and changed.
    type: list
    elements: dict
    default: []
  webhooks:
    description:
      - Project webhook policies, for example C(project), C(name), C(event_types), C(targets).
      - Each item takes the options of M(harbor_ops.harbor.harbor_webhook), validated and compared the same way;
        only the options given for an item are compared and changed.
    type: list
    elements: dict
    default: []
  retentions:
    description:
      - Tag retention policies, one per project, for example C(project), C(rules), C(cron).
      - Each item takes the options of M(harbor_ops.harbor.harbor_retention), validated and compared the same way;
        only the options given for an item are compared and changed.
    type: list
    elements: dict
    default: []
  replication_policies:
    description:
      - Replication policies, for example C(name), C(mode), C(registry), C(filters), C(trigger).
      - Each item takes the options of M(harbor_ops.harbor.harbor_replication), validated and compared the same way;
        only the options given for an item are compared and changed.
    type: list
    elements: dict
    default: []
seealso:
  - module: harbor_ops.harbor.harbor_user
  - module: harbor_ops.harbor.harbor_usergroup
  - module: harbor_ops.harbor.harbor_registry
  - module: harbor_ops.harbor.harbor_scanner
  - module: harbor_ops.harbor.harbor_project
  - module: harbor_ops.harbor.harbor_project_member
  - module: harbor_ops.harbor.harbor_label
  - module: harbor_ops.harbor.harbor_webhook
  - module: harbor_ops.harbor.harbor_retention
  - module: harbor_ops.harbor.harbor_replication
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

- name: Declare a replication set-up, its users and its retention in one task
  harbor_ops.harbor.harbor_reconcile:
    users:
      - name: release-bot
        email: release-bot@example.com
        realname: Release bot
        user_password: "{{ vault_release_bot_password }}"
    registries:
      - name: dockerhub
        type: docker-hub
        endpoint_url: https://hub.docker.com
      - name: dr-site
        type: harbor
        endpoint_url: https://harbor-dr.example.com
        access_key: robot$replicator
        access_secret: "{{ vault_dr_robot_secret }}"
        update_secret: on_create  # the secret cannot be read back: sent on every run otherwise (changed)
    projects:
      - name: dockerhub-mirror
        proxy_cache_registry: dockerhub
      - name: releases
        auto_scan: true
    members:
      - project: releases
        user_name: release-bot
        role: developer
    retentions:
      - project: releases
        rules:
          - template: latestPushedK
            count: 10
            tag_pattern: "v*"
        cron: "0 3 * * *"
    replication_policies:
      - name: releases-to-dr
        mode: push
        registry: dr-site
        filters:
          - type: name
            value: releases/**
        trigger:
          type: event_based

- name: Show what changed
  ansible.builtin.debug:
    msg: "{{ applied.results | selectattr('changed') | map(attribute='name') }}"
"""

RETURN = r"""
results:
  description:
    - One entry per declared item, in the order applied.
    - Also when the run fails, with the items applied before the failure, the failed ones with their error, and
      the items not reached (V(skipped)); the module's C(changed) then tells whether anything was written before the failure.
  returned: always
  type: list
  elements: dict
  contains:
    kind:
      description: The option the item was declared under.
      type: str
      sample: projects
    name:
      description: The item's identifying options joined with C(/), for example C(releases/release-bot) for a member.
      type: str
      sample: platform
    action:
      description: What was done, or would be done in check mode; V(failed) or V(skipped) when the run failed.
      type: str
      choices: [created, updated, deleted, unchanged, failed, skipped]
      sample: updated
    changed:
      description: Whether the item changed.
      type: bool
      sample: true
    outcome:
      description: V(ok) when the item was applied, V(failed) when Harbor or a check refused it, V(skipped) when
        the run failed before reaching it.
      type: str
      choices: [ok, failed, skipped]
      sample: ok
    error:
      description: Why the item failed (the request, status and Harbor's message), never a secret.
      type: str
      returned: when RV(results[].outcome) is V(failed)
      sample: "POST /projects failed: HTTP 409: The project named team-web already exists"
    diff:
      description: The changed options before and after, without secrets, when run with C(--diff).
      type: dict
      returned: when the item changed and diff mode is on
      sample: {"before": {"severity": "low"}, "after": {"severity": "high"}}
summary:
  description: Per declared option, how many items were created, updated, deleted and left unchanged.
  returned: always
  type: dict
  sample: {"projects": {"created": 2, "updated": 1, "deleted": 0, "unchanged": 197}}
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._reconcile import (
    OPTIONS,
    ReconcileFailed,
    check_parallelism,
    reconcile,
    secret_values,
    validate_declared,
)


def main():
    spec = dict((option, dict(type="list", elements="dict", default=[])) for option in OPTIONS)
    spec["parallelism"] = dict(type="int", default=8)
    module = HarborModule(argument_spec=spec, nested_secrets=secret_values)

    def work(m):
        parallelism = check_parallelism(m.params["parallelism"])
        validated = validate_declared(m.params)
        m.no_log_values.update(secret_values(validated))  # and as validated (a converted value, an alias)
        try:
            return reconcile(m.client, validated, m.check_mode, m._diff, (m.params["username"], m.params["password"]),
                             parallelism)
        except ReconcileFailed as exc:
            m.fail_json(msg=str(exc), status=exc.status, harbor_code=exc.code, **exc.result)

    module.run(work)


if __name__ == "__main__":
    main()
