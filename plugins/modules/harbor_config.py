#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_config
short_description: Manage Harbor's system configuration (authentication and system settings)
version_added: 0.1.0
description:
  - Sets Harbor's C(/configurations) from typed options, grouped as a task reads them
    (O(auth_mode) with O(oidc) or O(ldap), then system settings).
  - Only the settings given are compared, as Harbor returns them, and only those that differ are sent in one partial update.
    A second run sends no write.
  - Settings Harbor marks not editable are refused before anything is written, with the reason
    (O(auth_mode) once users other than admin exist; every setting when Harbor runs with C(CONFIG_OVERWRITE_JSON)).
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  auth_mode:
    description:
      - How users log in. Harbor allows changing it only while no user other than admin exists.
      - O(oidc) settings need V(oidc_auth) and O(ldap) settings need V(ldap_auth), current or set in the same task.
    type: str
    choices: [db_auth, ldap_auth, uaa_auth, http_auth, oidc_auth]
  oidc:
    description: OpenID Connect settings (Harbor keys C(oidc_*)).
    type: dict
    suboptions:
      name: {description: The provider name shown on the login page., type: str}
      endpoint: {description: The provider's issuer URL., type: str}
      client_id: {description: The client id registered with the provider., type: str}
      client_secret:
        description:
          - The client secret. Harbor never returns it; see O(update_secrets).
        type: str
      scope: {description: 'Scopes, comma-separated, for example V(openid,offline_access,profile,email,groups).', type: str}
      groups_claim: {description: The claim that holds the user's groups., type: str}
      admin_group: {description: Members of this group are Harbor administrators., type: str}
      group_filter: {description: A regular expression; only matching groups are on-boarded., type: str}
      user_claim: {description: The claim used as the user name., type: str}
      verify_cert: {description: Verify the provider's TLS certificate., type: bool}
      auto_onboard: {description: Create users on first login without asking for a user name., type: bool}
      logout: {description: Also log out of the provider when logging out of Harbor., type: bool}
  ldap:
    description: LDAP settings (Harbor keys C(ldap_*)).
    type: dict
    suboptions:
      url: {description: 'The directory, for example V(ldaps://ldap.example.com).', type: str}
      base_dn: {description: Where users are searched., type: str}
      search_dn: {description: The DN Harbor binds as to search., type: str}
      search_password:
        description:
          - The password of O(ldap.search_dn). Harbor never returns it; see O(update_secrets).
        type: str
      filter: {description: An extra search filter for users., type: str}
      uid: {description: 'The attribute that holds the user name (Harbor default V(cn)).', type: str}
      scope: {description: Search scope for users., type: str, choices: [base, onelevel, subtree]}
      timeout: {description: Seconds to wait for the directory., type: int}
      verify_cert: {description: Verify the directory's TLS certificate., type: bool}
      group_base_dn: {description: Where groups are searched., type: str}
      group_search_filter: {description: The filter for groups., type: str}
      group_attribute_name: {description: 'The attribute that holds the group name, for example V(cn).', type: str}
      group_search_scope: {description: Search scope for groups., type: str, choices: [base, onelevel, subtree]}
      group_admin_dn: {description: Members of this group are Harbor administrators., type: str}
      group_membership_attribute: {description: 'The user attribute that lists groups (Harbor default V(memberof)).', type: str}
  update_secrets:
    description:
      - When O(oidc.client_secret) and O(ldap.search_password) are sent, since Harbor never returns them.
      - V(on_create) sends a secret only when the settings it belongs to are being set or changed in the same run,
        that is another O(oidc) (or O(ldap)) setting differs from Harbor's, or O(auth_mode) switches to
        V(oidc_auth) (or V(ldap_auth)). A first setup sends it, a repeat does not, and rotating a secret alone needs V(always).
      - V(always) sends given secrets on every run, which then always reports a change.
    type: str
    choices: [always, on_create]
    default: on_create
  project_creation_restriction:
    description: Who may create projects.
    type: str
    choices: [everyone, adminonly]
  self_registration:
    description: Let people sign up themselves (database authentication only).
    type: bool
  robot_token_duration:
    description: Default lifetime of robot account tokens, in days (greater than 0).
    type: int
  robot_name_prefix:
    description: 'The prefix of robot account names (Harbor default V(robot$)); not empty.'
    type: str
  token_expiration:
    description: Lifetime of registry tokens, in minutes (greater than 0).
    type: int
  session_timeout:
    description: Web session timeout, in minutes (greater than 0).
    type: int
  read_only:
    description: Put the registry in read-only mode (no pushes, no deletes).
    type: bool
  quota_per_project_enable:
    description: Whether per-project storage quotas are enforced.
    type: bool
  storage_per_project:
    description:
      - Default storage quota of new projects, in bytes or with a 1024-based unit (V(10G)); V(-1) is unlimited.
    type: raw
  audit_log:
    description: Audit log forwarding.
    type: dict
    suboptions:
      forward_endpoint: {description: 'A syslog endpoint, V(host:port); V("") stops forwarding.', type: str}
      skip_database:
        description: Keep audit logs only in the forward endpoint; needs O(audit_log.forward_endpoint).
        type: bool
  banner:
    description:
      - The banner shown to every user. Harbor stores it as a JSON string; it is compared as the parsed message.
    type: dict
    suboptions:
      text: {description: 'The message; V("") removes the banner.', type: str, required: true}
      type: {description: How it looks., type: str, choices: [success, info, warning, danger], default: info}
      closable: {description: Whether users may close it., type: bool, default: true}
      from_date: {description: First day to show it (as the Harbor UI writes it)., type: str, default: ""}
      to_date: {description: Last day to show it., type: str, default: ""}
notes:
  - The result and the diff never contain O(oidc.client_secret) or O(ldap.search_password).
  - O(auth_mode) becomes not editable in Harbor once a user other than admin exists; the module then refuses
    a different O(auth_mode) (and O(oidc) or O(ldap) settings that would need it) before writing anything.
seealso:
  - module: harbor_ops.harbor.harbor_config_info
"""

EXAMPLES = r"""
- name: Log in through OIDC (on a fresh Harbor, before other users exist)
  harbor_ops.harbor.harbor_config:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    auth_mode: oidc_auth
    oidc:
      name: Keycloak
      endpoint: https://sso.example.com/realms/main
      client_id: harbor
      client_secret: "{{ vault_oidc_client_secret }}"
      scope: openid,offline_access,profile,email,groups
      groups_claim: groups
      admin_group: harbor-admins
      user_claim: preferred_username
      verify_cert: true
      auto_onboard: true

- name: System settings
  harbor_ops.harbor.harbor_config:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    project_creation_restriction: adminonly
    robot_token_duration: 90
    session_timeout: 120
    storage_per_project: 100G
    banner:
      text: Maintenance on Saturday 06:00-08:00 UTC
      type: warning
"""

RETURN = r"""
config:
  description:
    - "Harbor's configuration after the change, as C(GET /configurations) returns it: each key maps to C(value) and C(editable).
      Password-type settings are not in it."
  returned: always
  type: dict
  sample:
    auth_mode: {value: oidc_auth, editable: false}
    oidc_endpoint: {value: "https://sso.example.com/realms/main", editable: true}
    project_creation_restriction: {value: adminonly, editable: true}
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.config import (
    CONFIG_ARGUMENT_SPEC,
    ConfigResource,
)


def main():
    module = HarborModule(argument_spec=CONFIG_ARGUMENT_SPEC)
    module.run(lambda m: ensure(m, ConfigResource()))


if __name__ == "__main__":
    main()
