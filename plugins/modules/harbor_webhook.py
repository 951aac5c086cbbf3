#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_webhook
short_description: Manage the webhook policies of a Harbor project
version_added: 0.1.0
description:
  - Creates, updates or deletes a project's webhook policy by name.
  - Event types are checked against the ones this Harbor supports before anything is written.
  - Event types and targets are compared as sets; target addresses as Harbor stores them.
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
  name:
    description:
      - Name of the policy, unique in the project.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the policy, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Free text.
    type: str
  enabled:
    description:
      - Whether Harbor sends events. Harbor stores a policy disabled when this is not sent; this module creates
        policies enabled unless O(enabled=false).
    type: bool
  event_types:
    description:
      - Events that trigger the webhook, for example V(PUSH_ARTIFACT), V(PULL_ARTIFACT), V(DELETE_ARTIFACT),
        V(SCANNING_COMPLETED), V(SCANNING_FAILED), V(SCANNING_STOPPED), V(QUOTA_EXCEED), V(QUOTA_WARNING),
        V(REPLICATION), V(TAG_RETENTION). The list this Harbor supports is read from it and enforced.
      - Required to create a policy.
    type: list
    elements: str
  targets:
    description:
      - Where events go. Required to create a policy.
    type: list
    elements: dict
    suboptions:
      address:
        description:
          - URL Harbor posts to. Harbor keeps only C(scheme://host/path), so a query string is dropped, trailing slashes
            are trimmed and C(http://) is added when no scheme is given.
        type: str
        required: true
      type:
        description:
          - V(http) for any endpoint, V(slack) for a Slack incoming webhook.
        type: str
        choices: [http, slack]
        default: http
      auth_header:
        description:
          - Value of the C(Authorization) header Harbor sends. Compared, but shown only as a fingerprint.
        type: str
      skip_cert_verify:
        description:
          - Do not verify the endpoint's TLS certificate.
        type: bool
        default: false
      payload_format:
        description:
          - V(Default) or V(CloudEvents), for V(http) targets only. Harbor uses V(Default) when none is given.
        type: str
notes:
  - Needs the project's administrator or a Harbor system administrator.
"""

EXAMPLES = r"""
- name: Tell CI about every push and finished scan
  harbor_ops.harbor.harbor_webhook:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: releases
    name: ci
    event_types: [PUSH_ARTIFACT, SCANNING_COMPLETED]
    targets:
      - address: https://ci.example.com/hooks/harbor
        auth_header: "Bearer {{ vault_ci_token }}"
        payload_format: CloudEvents
"""

RETURN = r"""
webhook:
  description:
    - The policy as Harbor returns it after the change, auth headers masked. V(null) after deletion and when a
      policy would be created in check mode.
  returned: always
  type: dict
  sample:
    id: 3
    name: ci
    project_id: 12
    enabled: true
    event_types: [PUSH_ARTIFACT, SCANNING_COMPLETED]
    targets:
      - type: http
        address: https://ci.example.com/hooks/harbor
        auth_header: "********"
        payload_format: CloudEvents
    creation_time: "2026-11-23T10:12:44.512Z"
    update_time: "2026-11-23T10:12:44.512Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.webhook import (
    WEBHOOK_ARGUMENT_SPEC,
    WebhookResource,
    masked,
)


def apply(module):
    result = ensure(module, WebhookResource())
    result["webhook"] = masked(result["webhook"])
    return result


def main():
    module = HarborModule(argument_spec=WEBHOOK_ARGUMENT_SPEC)
    module.run(apply)


if __name__ == "__main__":
    main()
