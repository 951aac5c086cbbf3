#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_replication_info
short_description: List Harbor replication policies and when each last succeeded
version_added: 0.1.0
description:
  - Lists replication policies, optionally only one by name, only push or pull policies, or only those using one
    remote registry endpoint.
  - With O(last_success), adds each policy's most recent successful execution and its age in seconds
    (a recovery point, how old the newest complete copy is).
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  name:
    description:
      - Exact name of one policy.
    type: str
  mode:
    description:
      - Only V(push) or only V(pull) policies.
    type: str
    choices: [push, pull]
  registry:
    description:
      - Only the policies that use the remote registry endpoint of this name. A name that does not exist is an error.
    type: str
  registry_url:
    description:
      - Only the policies whose remote registry endpoint has this URL (a trailing V(/) does not matter).
    type: str
  last_success:
    description:
      - Add C(last_success) (the newest execution whose status is V(Succeed), or V(null)) and
        C(last_success_age_seconds) (seconds since its end, or V(null)) to every policy.
    type: bool
    default: false
seealso:
  - module: harbor_ops.harbor.harbor_replication
  - module: harbor_ops.harbor.harbor_replication_execution
"""

EXAMPLES = r"""
- name: The pull policies that copy from the primary site, with their last successful run
  harbor_ops.harbor.harbor_replication_info:
    url: https://harbor-dr.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    mode: pull
    registry: primary
    last_success: true
  register: pulls

- name: How old the newest complete copy is
  ansible.builtin.debug:
    msg: "{{ pulls.policies | map(attribute='last_success_age_seconds') | list }}"
"""

RETURN = r"""
policies:
  description:
    - The policies as Harbor returns them, sorted by name, each with C(mode) (V(push) or V(pull)) and C(registry)
      (the name of its remote endpoint) added, and C(enabled) and C(override) always present (Harbor leaves them out
      when false).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 4
      name: from-primary
      mode: pull
      registry: primary
      enabled: true
      src_registry:
        id: 2
        name: primary
        url: https://harbor.example.com
      dest_namespace: ""
      filters:
        - type: name
          value: library/**
      last_success:
        id: 17
        status: Succeed
        end_time: "2026-11-23T10:13:02.118Z"
      last_success_age_seconds: 3605.2
"""

import datetime
import re

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.registry import get_registry
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.replication import remote_side

TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$")


def parse_time(value):
    """Harbor's timestamps (RFC 3339, any number of fraction digits, Z or an offset) as an aware UTC datetime."""
    match = TIMESTAMP.match(value or "")
    if not match:
        return None
    stamp = datetime.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S")
    micro = int((match.group(2) or "0")[:6].ljust(6, "0"))
    offset = match.group(3) or "Z"
    delta = datetime.timedelta(0)
    if offset != "Z":
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        delta = sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return stamp.replace(microsecond=micro, tzinfo=datetime.timezone.utc) - delta


def age_seconds(value, now=None):
    stamp = parse_time(value)
    if stamp is None:
        return None
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return round((now - stamp).total_seconds(), 3)


def last_success(client, policy_id):
    found = client.paginate("/replication/executions", {"policy_id": policy_id, "status": "Succeed", "sort": "-id"}, limit=1)
    return found[0] if found else None


def gather(module):
    client = module.client
    params = module.params
    registry_id = None
    if params["registry"]:
        registry = get_registry(client, params["registry"])
        if registry is None:
            raise ValidationError("registry=%r: no registry endpoint of that name exists" % params["registry"])
        registry_id = registry["id"]
    if params["name"]:
        policy = client.find_by_name("/replication/policies", params["name"])
        found = [policy] if policy else []
    else:
        found = client.paginate("/replication/policies")
    policies = []
    for policy in sorted(found, key=lambda p: p.get("name") or ""):
        mode, remote = remote_side(policy)
        if params["mode"] and mode != params["mode"]:
            continue
        if registry_id is not None and remote.get("id") != registry_id:
            continue
        if params["registry_url"] and (remote.get("url") or "").rstrip("/") != params["registry_url"].rstrip("/"):
            continue
        # Harbor leaves false booleans out of its answer (go-swagger omitempty)
        policy.update(mode=mode, registry=remote.get("name"), enabled=bool(policy.get("enabled")),
                      override=bool(policy.get("override")))
        if params["last_success"]:
            execution = last_success(client, policy["id"])
            policy["last_success"] = execution
            policy["last_success_age_seconds"] = age_seconds(execution.get("end_time")) if execution else None
        policies.append(policy)
    return {"changed": False, "policies": policies}


def main():
    module = HarborModule(argument_spec=dict(
        name=dict(type="str"),
        mode=dict(type="str", choices=["push", "pull"]),
        registry=dict(type="str"),
        registry_url=dict(type="str"),
        last_success=dict(type="bool", default=False),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
