#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_project
short_description: Manage Harbor projects, their security settings, CVE allowlist and storage quota
version_added: 0.1.0
description:
  - Create, update or delete a Harbor project by name.
  - Only the options given in the task are compared and changed; settings you leave out stay as they are.
  - A second run with the same options reports C(changed=false) and sends no write request
    (one GET per project when O(storage_quota) and O(proxy_cache_registry) are not given).
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  name:
    description:
      - Project name. Harbor allows lowercase letters, digits and single C(.), C(_) or C(-) between them, up to 255 characters.
    type: str
    required: true
    aliases: [project]
  state:
    description:
      - V(present) creates or updates the project, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  public:
    description:
      - Whether anyone, also anonymous users, may pull from the project.
      - Harbor creates projects private when this is not given.
    type: bool
  auto_scan:
    description:
      - Scan every artifact when it is pushed.
    type: bool
  prevent_vulnerable:
    description:
      - Refuse pulls of artifacts with vulnerabilities at or above O(severity).
    type: bool
  severity:
    description:
      - The vulnerability severity from which O(prevent_vulnerable) refuses pulls.
    type: str
    choices: [none, low, medium, high, critical]
  content_trust_cosign:
    description:
      - Allow pulls only of artifacts signed with cosign.
    type: bool
  auto_sbom_generation:
    description:
      - Generate an SBOM for every artifact when it is pushed.
    type: bool
  reuse_sys_cve_allowlist:
    description:
      - Use the system CVE allowlist instead of the project's own O(cve_allowlist).
    type: bool
  cve_allowlist:
    description:
      - The project's own CVE allowlist. It replaces the whole list; items are compared as a set.
      - Harbor ignores an allowlist sent at creation, so the module sets it right after creating the project.
    type: dict
    suboptions:
      items:
        description: CVE ids, for example V(CVE-2024-3094).
        type: list
        elements: str
        default: []
      expires_at:
        description: When the allowlist expires, in seconds since the Unix epoch. Leave out for no expiry.
        type: int
  storage_quota:
    description:
      - Storage limit of the project, in bytes or with a 1024-based unit (V(500M), V(10G), V(1.5T)); V(-1) is unlimited.
      - Set as the project's storage limit at creation and changed later through Harbor's quota API,
        since Harbor ignores it on project update. Harbor only keeps it while per-project quotas are enabled.
    type: raw
  proxy_cache_registry:
    description:
      - Make this a proxy-cache project for the registry endpoint of this name (see M(harbor_ops.harbor.harbor_registry)).
      - Harbor sets this only at creation. A different value for an existing project is an error; nothing is changed.
    type: str
  scanner:
    description:
      - Name of the scanner registration (see M(harbor_ops.harbor.harbor_scanner)) this project uses instead of the
        system default. It must be registered.
      - Compared with the project's own choice, not with the default Harbor falls back to; costs two more GETs.
    type: str
  force:
    description:
      - With O(state=absent), delete the project's repositories first. Without it, deleting a project that still
        holds repositories fails with a message that says so, before anything is deleted.
    type: bool
    default: false
notes:
  - Harbor stores project settings as strings C("true")/C("false") and leaves out settings that were never set;
    an unset boolean setting counts as V(false), so O(auto_scan=false) on a project that never had it is no change.
seealso:
  - module: harbor_ops.harbor.harbor_project_info
"""

EXAMPLES = r"""
- name: A private project for releases, scanned on push and protected from critical CVEs
  harbor_ops.harbor.harbor_project:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: releases
    public: false
    auto_scan: true
    prevent_vulnerable: true
    severity: critical
    content_trust_cosign: true
    storage_quota: 50G

- name: Set the connection once for many tasks
  module_defaults:
    group/harbor_ops.harbor.harbor:
      url: https://harbor.example.com
      username: admin
      password: "{{ vault_harbor_admin_password }}"
  block:
    - name: A public project with a CVE allowlist that expires
      harbor_ops.harbor.harbor_project:
        name: base-images
        public: true
        cve_allowlist:
          items: [CVE-2024-3094, CVE-2023-44487]
          expires_at: 1798761600

    - name: A Docker Hub proxy cache
      harbor_ops.harbor.harbor_project:
        name: dockerhub-cache
        proxy_cache_registry: docker-hub
        storage_quota: 200G

    - name: Remove a project and the repositories it still holds
      harbor_ops.harbor.harbor_project:
        name: scratch
        state: absent
        force: true
"""

RETURN = r"""
project:
  description:
    - The project as Harbor returns it after the change (C(GET /projects/{id})).
    - V(null) after deletion, and when a project would be created in check mode.
  returned: always
  type: dict
  sample:
    project_id: 12
    name: releases
    owner_id: 1
    owner_name: admin
    repo_count: 3
    creation_time: "2026-11-23T10:12:44.512Z"
    update_time: "2026-11-23T10:12:44.512Z"
    metadata:
      public: "false"
      auto_scan: "true"
      prevent_vul: "true"
      severity: critical
      enable_content_trust_cosign: "true"
    cve_allowlist:
      id: 7
      project_id: 12
      items: []
      creation_time: "2026-11-23T10:12:44.520Z"
      update_time: "2026-11-23T10:12:44.520Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import (
    PROJECT_ARGUMENT_SPEC,
    ProjectResource,
)


def main():
    module = HarborModule(argument_spec=PROJECT_ARGUMENT_SPEC)
    module.run(lambda m: ensure(m, ProjectResource()))


if __name__ == "__main__":
    main()
