# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later


class ModuleDocFragment(object):

    # Connection options shared by every module
    DOCUMENTATION = r"""
options:
  url:
    description:
      - Address of Harbor, for example V(https://harbor.example.com). A trailing C(/api/v2.0) is accepted.
      - Without a scheme, C(https://) is assumed.
      - If not set, the value of the E(HARBOR_URL) environment variable is used.
    type: str
    required: true
    aliases: [harbor_url]
  username:
    description:
      - User to authenticate as with HTTP Basic auth, a local, LDAP or OIDC user (with its CLI secret as
        O(password)), or a robot account such as V(robot$ci).
      - If not set, the value of the E(HARBOR_USERNAME) environment variable is used.
    type: str
    aliases: [user]
  password:
    description:
      - Password or secret for O(username).
      - If not set, the value of the E(HARBOR_PASSWORD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Whether to verify Harbor's TLS certificate. Only turn this off for throwaway labs.
      - If not set, the value of the E(HARBOR_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file of the CA that signed Harbor's certificate, when it is not in the system trust store.
      - If not set, the value of the E(HARBOR_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer from Harbor.
      - If not set, the value of the E(HARBOR_TIMEOUT) environment variable is used.
    type: int
    default: 30
  auth_method:
    description:
      - How the module authenticates. Harbor v2.15 re-hashes a user's password (PBKDF2-SHA256, 600,000 iterations,
        about 130 ms of Harbor CPU) on every basic-auth request, so a user account logs in once per module run.
      - V(auto) logs a user in once (C(POST /c/login)), keeps the session cookie in memory only, sends Harbor's CSRF
        token on writes and logs out when the module ends, also on failure. Robot accounts (a name with C($),
        which Harbor refuses in user names, as in C(robot$ci)) use basic auth, which is cheap for them, and so
        does a user whose login Harbor refuses (an OIDC user with a CLI secret). Robots of a custom
        C(robot_name_prefix) without C($) should set V(basic).
      - After a failed login Harbor refuses every login of that name for 1.5 s. A refusal that comes at once
        (the lock, not a wrong password, which Harbor answers only after that pause) is sent once more when the
        lock ends.
      - V(session) always logs in and fails when Harbor refuses the login; V(basic) authenticates every request.
      - If not set, the value of the E(HARBOR_AUTH_METHOD) environment variable is used.
    type: str
    choices: [auto, session, basic]
    default: auto
notes:
  - Every module talks to Harbor's C(/api/v2.0) through one keep-alive HTTP session. It keeps no cookie but
    Harbor's session and CSRF cookies of its own login (O(auth_method)), in memory, never on disk.
  - Requests that are safe to repeat (GET, HEAD, PUT, DELETE) are retried with backoff on HTTP 502, 503, 504
    and on connection errors; a POST is never repeated once it was sent.
  - Set the connection once for many tasks with C(module_defaults) and the action group
    C(group/harbor_ops.harbor.harbor).
  - Give E(HARBOR_PASSWORD) through the controller's environment (an AWX credential, an exported variable),
    not through a task's C(environment) keyword, which C(-vvv) output shows in clear.
requirements:
  - requests >= 2.28
"""

    # Attributes of modules that change Harbor
    ATTRIBUTES = r"""
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying Harbor.
    support: full
  diff_mode:
    description: Will return details on what has changed (or would change in check mode) when in diff mode, without secrets.
    support: full
  action_group:
    description: Use C(group/harbor_ops.harbor.harbor) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - harbor_ops.harbor.harbor
"""

    # Attributes of read-only (info) modules
    INFO_ATTRIBUTES = r"""
attributes:
  check_mode:
    description: This module only reads from Harbor and runs normally in check mode.
    support: full
    details: This action does not modify state.
  diff_mode:
    description: This module reads only, so there is never a diff.
    support: N/A
    details: This action does not modify state.
  action_group:
    description: Use C(group/harbor_ops.harbor.harbor) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - harbor_ops.harbor.harbor
"""
