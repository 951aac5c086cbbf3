#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_scan
short_description: Scan one Harbor artifact for vulnerabilities and return its summary
version_added: 0.1.0
description:
  - Asks Harbor to scan one artifact, found by project, repository and O(tag) or O(digest), with the project's
    scanner (or the system default), optionally waits for the report, and returns the vulnerability summary by
    severity.
  - An artifact that already has a successful report is not scanned again unless O(force=true), so a second run
    reports C(changed=false) and sends no write. A scan that is already running is waited for, not restarted.
  - Harbor answers 412 when the project has no scanner; the module then says to register one with
    M(harbor_ops.harbor.harbor_scanner).
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  project:
    description:
      - Name of the project that holds the artifact.
    type: str
    required: true
  repository:
    description:
      - Repository name inside the project, without the project (V(app) or V(team/app) for C(library/team/app)).
    type: str
    required: true
  tag:
    description:
      - Tag of the artifact. Exactly one of O(tag) and O(digest) is needed.
    type: str
  digest:
    description:
      - Digest of the artifact, for example V(sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945).
    type: str
  force:
    description:
      - Scan again even when the artifact already has a successful report.
    type: bool
    default: false
  wait:
    description:
      - Wait until the report is finished and fail when its status is not C(Success).
      - Without it the module returns right after Harbor accepted the scan, with the report still C(Pending) or
        C(Running).
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the report with O(wait).
    type: int
    default: 300
notes:
  - In check mode nothing is POSTed; C(changed) says whether a scan would be started.
  - With C(--diff) a started scan shows the report's C(scan_status) and C(report_id) before and after.
  - Needs a user who may scan in the project (project admin, maintainer or developer) or a system administrator.
seealso:
  - module: harbor_ops.harbor.harbor_scanner
  - module: harbor_ops.harbor.harbor_scan_all
"""

EXAMPLES = r"""
- name: Scan the release image and wait for the report
  harbor_ops.harbor.harbor_scan:
    url: https://harbor.example.com
    username: ci
    password: "{{ vault_harbor_ci_password }}"
    project: apps
    repository: shop/frontend
    tag: "1.4.2"
  register: scan

- name: Stop the pipeline on critical vulnerabilities
  ansible.builtin.assert:
    that: scan.scan.summary.Critical | default(0) == 0

- name: Scan an artifact by digest again, even if it has a report
  harbor_ops.harbor.harbor_scan:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project: apps
    repository: shop/frontend
    digest: sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
    force: true
"""

RETURN = r"""
scan:
  description: The artifact and the summary of its vulnerability report (after the scan with O(wait)).
  returned: always
  type: dict
  contains:
    project: {description: The project., type: str}
    repository: {description: The repository without the project., type: str}
    digest: {description: The artifact's digest., type: str}
    tags: {description: The artifact's tags., type: list, elements: str}
    scan_status:
      description: C(Pending), C(Running), C(Success), C(Error) or C(Stopped); null before any scan.
      type: str
    severity: {description: The highest severity found (C(None) when nothing was found)., type: str}
    summary: {description: Number of vulnerabilities by severity., type: dict}
    total: {description: Number of vulnerabilities., type: int}
    fixable: {description: Number of vulnerabilities with a fixed version., type: int}
    complete_percent: {description: Progress of the scan., type: int}
    report_id: {description: Harbor's id of the report., type: str}
    report_mime_type: {description: The report's mime type., type: str}
    scanner: {description: "Name, vendor and version of the scanner.", type: dict}
    start_time: {description: When the scan started., type: str}
    end_time: {description: When the scan ended., type: str}
  sample:
    project: apps
    repository: shop/frontend
    digest: sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
    tags: ["1.4.2"]
    scan_status: Success
    severity: Critical
    summary: {Critical: 1, Low: 3}
    total: 4
    fixable: 2
    complete_percent: 100
    report_id: 5f62c830-f996-11e9-957f-0242c0a89008
    report_mime_type: application/vnd.security.vulnerability.report; version=1.1
    scanner: {name: Trivy, vendor: Aqua Security, version: v0.65.0}
    start_time: "2026-11-23T10:12:44.512Z"
    end_time: "2026-11-23T10:12:47.001Z"
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.scan import (
    SCAN_ARGUMENT_SPEC,
    SCAN_MUTUALLY_EXCLUSIVE,
    SCAN_REQUIRED_ONE_OF,
    run_scan,
)


def main():
    module = HarborModule(argument_spec=SCAN_ARGUMENT_SPEC, mutually_exclusive=SCAN_MUTUALLY_EXCLUSIVE,
                          required_one_of=SCAN_REQUIRED_ONE_OF)
    module.run(lambda m: run_scan(m.client, m.params, m.check_mode, m._diff))


if __name__ == "__main__":
    main()
