#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_cve_allowlist_info
short_description: Read Harbor's system-wide CVE allowlist
version_added: 0.1.0
description:
  - Reads the system CVE allowlist (C(GET /system/CVEAllowlist)), which every project uses unless it has its own.
  - Also returns its CVE ids and expiry in the shape of the options of M(harbor_ops.harbor.harbor_cve_allowlist).
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options: {}
seealso:
  - module: harbor_ops.harbor.harbor_cve_allowlist
"""

EXAMPLES = r"""
- name: System CVE allowlist
  harbor_ops.harbor.harbor_cve_allowlist_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
  register: allowlist

- name: Fail when the allowlist never expires
  ansible.builtin.assert:
    that: allowlist.cve_ids == [] or allowlist.expires_at is not none
"""

RETURN = r"""
cve_allowlist:
  description: The system CVE allowlist as Harbor returns it.
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
cve_ids:
  description:
    - The CVE ids of RV(cve_allowlist), sorted and without duplicates, as the
      O(harbor_ops.harbor.harbor_cve_allowlist#module:items) option takes them (not named C(items), which is a
      method of every dict in Jinja).
  returned: always
  type: list
  elements: str
  sample:
    - CVE-2023-44487
    - CVE-2024-3094
expires_at:
  description:
    - When the allowlist expires, in seconds since the Unix epoch, as the
      O(harbor_ops.harbor.harbor_cve_allowlist#module:expires_at) option takes it; V(null) for no expiry.
  returned: always
  type: int
  sample: 1798761600
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import cve_allowlist_view
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.cve_allowlist import PATH


def gather(module):
    allowlist = module.client.get(PATH) or {}
    view = cve_allowlist_view(allowlist)
    return {"changed": False, "cve_allowlist": allowlist, "cve_ids": view["items"], "expires_at": view["expires_at"]}


def main():
    module = HarborModule(argument_spec=dict())
    module.run(gather)


if __name__ == "__main__":
    main()
