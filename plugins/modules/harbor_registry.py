#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_registry
short_description: Manage Harbor registry endpoints (replication targets and proxy-cache upstreams)
version_added: 0.1.0
description:
  - Create, update or delete a registry endpoint by name.
  - Only the options given in the task are compared and changed. The URL is compared after Harbor's normalisation
    (trimmed, V(http://) added when no scheme is given, no query, no trailing slash).
  - Harbor connects to the endpoint when it is created or changed; an endpoint it cannot reach, or that refuses the
    credentials, is an error and nothing is stored.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  name:
    description:
      - Registry name, 1 to 64 characters, unique in Harbor.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the registry, V(absent) deletes it.
      - Deleting a registry that a replication policy or a proxy-cache project still uses fails, naming them, before
        anything is deleted.
    type: str
    choices: [present, absent]
    default: present
  type:
    description:
      - The adapter type, for example V(harbor), V(docker-registry), V(docker-hub), V(github-ghcr).
      - Checked against the types this Harbor reports (C(GET /replication/adapters)). Required to create; it cannot change.
    type: str
  endpoint_url:
    description:
      - Endpoint URL, for example V(https://registry.example.com). Required to create.
      - Called C(url) in Harbor's API; the module's O(url) is the Harbor it talks to.
    type: str
    aliases: [registry_url]
  description:
    description:
      - Free text.
    type: str
  insecure:
    description:
      - Do not verify the endpoint's TLS certificate.
    type: bool
  ca_certificate:
    description:
      - PEM CA certificate that signed the endpoint's certificate. An empty string removes it.
    type: str
  access_key:
    description:
      - User name (access key) Harbor uses at the endpoint.
    type: str
  access_secret:
    description:
      - Password (access secret) Harbor uses at the endpoint. Harbor never returns it, so it cannot be compared; see O(update_secret).
    type: str
  update_secret:
    description:
      - V(always) sends O(access_secret) on every run (the task then reports C(changed)); V(on_create) sends it only
        when the registry is created.
    type: str
    choices: [always, on_create]
    default: always
seealso:
  - module: harbor_ops.harbor.harbor_registry_info
  - module: harbor_ops.harbor.harbor_replication
  - module: harbor_ops.harbor.harbor_project
"""

EXAMPLES = r"""
- name: The DR site as a replication endpoint
  harbor_ops.harbor.harbor_registry:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: dr-site
    type: harbor
    endpoint_url: https://harbor-dr.example.com
    access_key: robot$replicator
    access_secret: "{{ vault_replicator_secret }}"
    update_secret: on_create

- name: Docker Hub as a proxy-cache upstream
  module_defaults:
    group/harbor_ops.harbor.harbor:
      url: https://harbor.example.com
      username: admin
      password: "{{ vault_harbor_admin_password }}"
  block:
    - name: Register the upstream
      harbor_ops.harbor.harbor_registry:
        name: docker-hub
        type: docker-hub
        endpoint_url: https://hub.docker.com
        description: Docker Hub, anonymous pulls
"""

RETURN = r"""
registry:
  description:
    - The registry as Harbor returns it after the change (the secret masked as C(*****)).
    - V(null) after deletion, and when a registry would be created in check mode.
  returned: always
  type: dict
  sample:
    id: 3
    name: dr-site
    type: harbor
    url: https://harbor-dr.example.com
    insecure: false
    status: healthy
    credential:
      type: basic
      access_key: robot$replicator
      access_secret: "*****"
    creation_time: "2026-11-23T10:12:44.512Z"
    update_time: "2026-11-23T10:12:44.512Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.registry import (
    REGISTRY_ARGUMENT_SPEC,
    RegistryResource,
)


def main():
    module = HarborModule(argument_spec=REGISTRY_ARGUMENT_SPEC)
    module.run(lambda m: ensure(m, RegistryResource()))


if __name__ == "__main__":
    main()
