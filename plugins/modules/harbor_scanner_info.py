#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_scanner_info
short_description: Read Harbor's scanner registrations and which one is the default
version_added: 0.1.0
description:
  - Lists the scanner registrations page by page, or reads one by exact name, each saying whether it is the
    default scanner.
  - Never returns C(access_credential), the secret Harbor sends to the adapter.
  - Needs a Harbor system administrator.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  name:
    description:
      - Exact name of one registration, V(Trivy) for Harbor's built-in one. Leave out to list all.
    type: str
seealso:
  - module: harbor_ops.harbor.harbor_scanner
"""

EXAMPLES = r"""
- name: Scanner registrations
  harbor_ops.harbor.harbor_scanner_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
  register: scanners

- name: The default scanner
  ansible.builtin.debug:
    msg: "{{ scanners.scanners | selectattr('is_default') | map(attribute='name') | first | default('none') }}"
"""

RETURN = r"""
scanners:
  description:
    - The registrations as Harbor returns them, without C(access_credential); one or none when O(name) is given.
    - C(is_default) (V(true) for the default scanner) and C(disabled) are always there (Harbor leaves them out
      when false).
  returned: always
  type: list
  elements: dict
  sample:
    - uuid: 6e2c1f3a-5b7d-4c1e-9a0b-2d4f6a8c0e12
      name: trivy-ha
      description: Trivy cluster
      url: http://trivy-ha.example.com:8080
      auth: Bearer
      is_default: true
      disabled: false
      skip_certVerify: false
      use_internal_addr: false
      create_time: "2026-11-23T10:12:44.512Z"
      update_time: "2026-11-23T10:12:44.512Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, strip_secrets
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.scanner import ScannerResource, find_scanner


def public_scanner(scanner):
    """A registration without its credential, with the booleans Harbor omits when false."""
    return dict(strip_secrets(scanner, ScannerResource.secret_keys), is_default=bool(scanner.get("is_default")),
                disabled=bool(scanner.get("disabled")))


def gather(module):
    client = module.client
    if module.params["name"]:
        scanner = find_scanner(client, module.params["name"])
        scanners = [scanner] if scanner else []
    else:
        scanners = client.paginate("/scanners")
    return {"changed": False, "scanners": [public_scanner(scanner) for scanner in scanners]}


def main():
    module = HarborModule(argument_spec=dict(
        name=dict(type="str"),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
