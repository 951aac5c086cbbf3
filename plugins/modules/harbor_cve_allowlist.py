#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_cve_allowlist
short_description: Manage Harbor's system-wide CVE allowlist
version_added: 0.1.0
description:
  - Sets the system CVE allowlist, which every project uses unless it has its own
    (see O(harbor_ops.harbor.harbor_project#module:reuse_sys_cve_allowlist)).
  - The list is replaced as a whole; O(items) are compared as a set, so order and duplicates do not count as a change.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  items:
    description:
      - The CVE ids to allow, for example V(CVE-2024-3094). V([]) empties the list.
    type: list
    elements: str
    required: true
  expires_at:
    description:
      - When the allowlist expires, in seconds since the Unix epoch. Left out means no expiry
        (the whole list is replaced, so an expiry set before is removed).
    type: int
notes:
  - Changing the system allowlist needs a system administrator.
"""

EXAMPLES = r"""
- name: Allow two CVEs until the end of 2026
  harbor_ops.harbor.harbor_cve_allowlist:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    items:
      - CVE-2024-3094
      - CVE-2023-44487
    expires_at: 1798761600

- name: Empty the system allowlist
  harbor_ops.harbor.harbor_cve_allowlist:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    items: []
"""

RETURN = r"""
cve_allowlist:
  description: The system CVE allowlist as Harbor returns it after the change.
  returned: always
  type: dict
  sample:
    id: 1
    expires_at: 1798761600
    items:
      - cve_id: CVE-2024-3094
      - cve_id: CVE-2023-44487
    creation_time: "2026-11-23T10:12:44.512Z"
    update_time: "2026-11-23T10:12:44.512Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.cve_allowlist import (
    CVE_ALLOWLIST_ARGUMENT_SPEC,
    SystemCveAllowlistResource,
)


def main():
    module = HarborModule(argument_spec=CVE_ALLOWLIST_ARGUMENT_SPEC)
    module.run(lambda m: ensure(m, SystemCveAllowlistResource()))


if __name__ == "__main__":
    main()
