#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_scanner
short_description: Register vulnerability scanners in Harbor and choose the default one
version_added: 0.1.0
description:
  - Registers, updates or removes a pluggable scanner adapter by name, and makes it the system default.
  - Harbor connects to the adapter when it is registered. The module asks Harbor to ping the adapter first,
    so an adapter that does not answer fails with the url that was tried, and nothing is registered.
  - A project's own scanner is set with the O(harbor_ops.harbor.harbor_project#module:scanner) option of
    M(harbor_ops.harbor.harbor_project).
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  name:
    description:
      - Name of the registration. V(Trivy) is the built-in registration, which Harbor does not let anyone change or remove.
    type: str
    required: true
  state:
    description:
      - V(present) registers or updates the scanner, V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  endpoint_url:
    description:
      - Base URL of the scanner adapter, for example V(http://trivy-adapter:8080). Required to register.
      - O(url) is Harbor's own address.
      - Compared as Harbor stores it (without a trailing slash, C(http://) added when no scheme is given).
    type: str
    aliases: [scanner_url]
  description:
    description:
      - Free text.
    type: str
  auth:
    description:
      - How Harbor authenticates to the adapter. V(Basic) and V(Bearer) send O(access_credential) in the
        C(Authorization) header, V(APIKey) in C(X-ScannerAdapter-API-Key).
    type: str
    choices: [none, Basic, Bearer, APIKey]
  access_credential:
    description:
      - The credential for O(auth). Harbor never shows it, so it is sent when the scanner is registered and then only
        with O(update_secret=always).
    type: str
  update_secret:
    description:
      - V(on_create) sends O(access_credential) only when the scanner is registered; V(always) sends it on every
        run, which then always reports C(changed).
    type: str
    choices: [always, on_create]
    default: on_create
  skip_cert_verify:
    description:
      - Do not verify the adapter's TLS certificate.
    type: bool
  use_internal_addr:
    description:
      - Let the scanner pull artifacts through Harbor's internal registry address.
    type: bool
  disabled:
    description:
      - Keep the registration but do not use it.
    type: bool
  default:
    description:
      - V(true) makes this the system default scanner. Harbor makes the first registered scanner the default by itself.
      - V(false) on the default scanner is an error, since Harbor only moves the default to another scanner.
    type: bool
notes:
  - Needs a Harbor system administrator.
seealso:
  - module: harbor_ops.harbor.harbor_scan_all
  - module: harbor_ops.harbor.harbor_project
"""

EXAMPLES = r"""
- name: Register a scanner adapter behind an API key and make it the default
  harbor_ops.harbor.harbor_scanner:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: grype
    endpoint_url: http://grype-adapter.scanning.svc:8080
    auth: APIKey
    access_credential: "{{ vault_grype_api_key }}"
    default: true

- name: Remove it
  harbor_ops.harbor.harbor_scanner:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: grype
    state: absent
"""

RETURN = r"""
scanner:
  description:
    - The registration as Harbor returns it after the change (C(GET /scanners/{uuid})); Harbor never returns the credential.
    - Harbor fills in the adapter's C(adapter), C(vendor) and C(version) only for a project's scanner
      (C(GET /projects/{name}/scanner)); C(GET /scanners/{uuid}/metadata) names the adapter of any registration.
    - V(null) after removal and when a scanner would be registered in check mode.
  returned: always
  type: dict
  sample:
    uuid: 6f1b1a1e-8a8c-4d38-9d1e-2f1c9f0b7c11
    name: grype
    endpoint_url: http://grype-adapter.scanning.svc:8080
    description: ""
    auth: APIKey
    access_credential: ""
    disabled: false
    is_default: true
    skip_certVerify: false
    use_internal_addr: false
    capabilities: {support_vulnerability: true, support_sbom: false}
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.scanner import (
    SCANNER_ARGUMENT_SPEC,
    ScannerResource,
)


def main():
    module = HarborModule(argument_spec=SCANNER_ARGUMENT_SPEC)
    module.run(lambda m: ensure(m, ScannerResource()))


if __name__ == "__main__":
    main()
