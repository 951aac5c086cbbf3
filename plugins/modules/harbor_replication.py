#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_replication
short_description: Manage Harbor replication policies
version_added: 0.1.0
description:
  - Create, update or delete a replication policy by name. A policy pushes local images to a remote registry
    endpoint, or pulls them from one, by hand, on every push, or on a schedule.
  - Only the options given in the task are compared. Harbor replaces a policy as a whole on update, so the module
    sends the whole policy with your changes merged in; settings you leave out keep their values.
  - The remote registry is given by name (see M(harbor_ops.harbor.harbor_registry)); a name that does not exist is an
    error before anything is written.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  name:
    description:
      - Policy name, unique in Harbor.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the policy, V(absent) deletes it (with its executions).
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Free text.
    type: str
  mode:
    description:
      - V(push) copies from this Harbor to O(registry); V(pull) copies from O(registry) to this Harbor.
      - Required to create.
    type: str
    choices: [push, pull]
  registry:
    description:
      - Name of the remote registry endpoint. Required to create.
    type: str
  dest_namespace:
    description:
      - Namespace (project) the images land in. Empty keeps the source repository names.
    type: str
  dest_namespace_replace_count:
    description:
      - How many leading levels of the source repository O(dest_namespace) replaces. For C(a/b/c/image) into C(n),
        V(-1) gives C(n/image), V(0) C(n/a/b/c/image), V(1) C(n/b/c/image), V(3) C(n/image).
      - Harbor uses V(-1) when this is not given.
    type: int
  filters:
    description:
      - Which resources to replicate. Compared as a set, so their order does not matter.
    type: list
    elements: dict
    suboptions:
      type:
        description:
          - V(name) (repository pattern, e.g. V(library/**)), V(tag) (tag pattern, e.g. V(v1.*)),
            V(label) (a list of label names), V(resource) (V(image) or V(artifact)).
        type: str
        required: true
        choices: [name, tag, label, resource]
      value:
        description:
          - A pattern string for V(name) and V(tag), a list of strings for V(label), V(image) or V(artifact) for V(resource).
        type: raw
        required: true
      decoration:
        description:
          - For V(tag) and V(label) filters only. Defaults to V(matches).
        type: str
        choices: [matches, excludes]
  trigger:
    description:
      - When the policy runs. Harbor runs a policy without a trigger only by hand.
    type: dict
    suboptions:
      type:
        description:
          - V(manual), V(event_based) (on every push or delete; push policies) or V(scheduled).
        type: str
        required: true
        choices: [manual, event_based, scheduled]
      cron:
        description:
          - For V(scheduled). Harbor's six-field cron (second minute hour day month weekday) whose seconds field is V(0);
            a five-field cron is accepted and converted by prefixing V(0). A non-zero seconds field, or a minutes field
            of V(*), is refused.
        type: str
  override:
    description:
      - Replace images that exist at the destination with another digest. The module sets V(true) when it creates a policy
        without this option.
    type: bool
  replicate_deletion:
    description:
      - Also delete at the destination what is deleted at the source (event-based policies).
    type: bool
  enabled:
    description:
      - Whether the policy runs. The module creates policies enabled unless this says otherwise.
    type: bool
  speed:
    description:
      - Bandwidth limit per task in KB/s; V(0) is unlimited.
    type: int
  copy_by_chunk:
    description:
      - Upload blobs in chunks (for registries that limit request sizes).
    type: bool
  single_active_replication:
    description:
      - Skip a run while the previous one is still running. Not possible with an V(event_based) trigger.
    type: bool
seealso:
  - module: harbor_ops.harbor.harbor_registry
  - module: harbor_ops.harbor.harbor_replication_execution
"""

EXAMPLES = r"""
- name: Pull release tags of the library from the primary site every night at 02:00
  harbor_ops.harbor.harbor_replication:
    url: https://harbor-dr.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: nightly-from-primary
    mode: pull
    registry: primary
    dest_namespace: mirror
    dest_namespace_replace_count: 1
    filters:
      - type: name
        value: library/**
      - type: tag
        value: "v*"
      - type: tag
        value: "*-rc*"
        decoration: excludes
      - type: label
        value: [approved]
    trigger:
      type: scheduled
      cron: "0 2 * * *"

- name: Push every image to the DR site as soon as it is pushed here
  harbor_ops.harbor.harbor_replication:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: to-dr
    mode: push
    registry: dr-site
    trigger:
      type: event_based
    replicate_deletion: true
"""

RETURN = r"""
policy:
  description:
    - The policy as Harbor returns it after the change; both registries are full objects, the local one has C(id) 0.
    - V(null) after deletion, and when a policy would be created in check mode.
  returned: always
  type: dict
  sample:
    id: 4
    name: nightly-from-primary
    enabled: true
    override: true
    deletion: false
    replicate_deletion: false
    dest_namespace: mirror
    dest_namespace_replace_count: 1
    speed: 0
    src_registry:
      id: 2
      name: primary
      type: harbor
      url: https://harbor.example.com
    dest_registry:
      id: 0
      name: Local
    filters:
      - type: name
        value: library/**
    trigger:
      type: scheduled
      trigger_settings:
        cron: 0 0 2 * * *
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.replication import (
    REPLICATION_ARGUMENT_SPEC,
    ReplicationResource,
)


def main():
    module = HarborModule(argument_spec=REPLICATION_ARGUMENT_SPEC)
    module.run(lambda m: ensure(m, ReplicationResource()))


if __name__ == "__main__":
    main()
