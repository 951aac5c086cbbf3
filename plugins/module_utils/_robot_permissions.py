# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The (resource, action) pairs Harbor lets a robot account hold (private to harbor_ops.harbor).

Taken from Harbor's ``src/common/rbac/const.go``: ``PoliciesMap`` for the "System" and "Project"
scopes plus what ``NolimitProvider`` (the default provider since v2.12) appends to each. Harbor
answers ``GET /permissions`` with the same lists; modules ask Harbor first and use this table only
when the account may not read them. This file imports nothing, so the test emulator serves the
same table without a copy.
"""

_CRUDL = ("create", "read", "update", "delete", "list")

SYSTEM = (
    ("audit-log", ("list",)),
    ("preheat-instance", _CRUDL),
    ("project", ("list", "create")),
    ("replication-policy", _CRUDL),
    ("replication", ("read", "create", "list")),
    ("replication-adapter", ("list",)),
    ("registry", _CRUDL),
    ("scan-all", ("read", "update", "stop", "create")),
    ("system-volumes", ("read",)),
    ("garbage-collection", ("read", "create", "list", "update", "stop")),
    ("purge-audit", ("read", "create", "list", "update", "stop")),
    ("jobservice-monitor", ("list", "stop")),
    ("scanner", _CRUDL),
    ("label", ("read", "create", "delete", "update")),
    ("security-hub", ("read", "list")),
    ("catalog", ("read",)),
    ("quota", ("read", "list", "update")),
    # NolimitProvider
    ("robot", _CRUDL),
    ("user", _CRUDL),
    ("user-group", _CRUDL),
    ("ldap-user", ("create", "list")),
    ("export-cve", ("create", "read")),
)

PROJECT = (
    ("log", ("list",)),
    ("project", ("read", "delete", "update")),
    ("metadata", _CRUDL),
    ("repository", ("read", "update", "delete", "list", "pull", "push")),
    ("artifact", ("read", "create", "list", "delete")),
    ("scan", ("create", "read", "stop")),
    ("sbom", ("create", "read", "stop")),
    ("tag", ("create", "list", "delete")),
    ("accessory", ("list",)),
    ("artifact-addition", ("read",)),
    ("artifact-label", ("create", "delete")),
    ("scanner", ("create", "read")),
    ("preheat-policy", _CRUDL),
    ("immutable-tag", ("create", "delete", "list", "update")),
    ("notification-policy", _CRUDL),
    ("tag-retention", _CRUDL),
    ("label", _CRUDL),
    ("quota", ("read",)),
    # NolimitProvider
    ("member", _CRUDL),
    ("robot", _CRUDL),
)


def pairs(table):
    """A table as a list of ``{"resource", "action"}`` dicts, in Harbor's order."""
    return [{"resource": resource, "action": action} for resource, actions in table for action in actions]


def allowed(table):
    """A table as a frozenset of ``(resource, action)``."""
    return frozenset((resource, action) for resource, actions in table for action in actions)
