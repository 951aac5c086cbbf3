# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Harbor's system CVE allowlist (private to harbor_ops.harbor).

API_FACTS section 8: ``GET /system/CVEAllowlist``, ``PUT`` replaces the whole list (items and expiry);
empty or duplicate CVE ids are refused. Items compare as a set (the shared ``cve_allowlist_view``).
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import (
    check_cve_allowlist,
    cve_allowlist_body,
    cve_allowlist_view,
)

PATH = "/system/CVEAllowlist"

CVE_ALLOWLIST_ARGUMENT_SPEC = dict(
    items=dict(type="list", elements="str", required=True),
    expires_at=dict(type="int"),
)


class SystemCveAllowlistResource(Resource):
    kind = "cve_allowlist"

    def validate(self, params):
        # a full replace: expires_at left out means "no expiry", not "keep the current one"
        return check_cve_allowlist("", {"items": params["items"], "expires_at": params["expires_at"]})

    def find(self, client, params):
        return client.get(PATH) or {}

    def view(self, client, current, desired):
        return cve_allowlist_view(current)

    def update(self, client, params, current, changes):
        wanted = cve_allowlist_view(current)
        wanted.update(changes)
        client.put(PATH, cve_allowlist_body(wanted))
        return client.get(PATH)
