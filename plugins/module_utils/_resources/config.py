# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Harbor's system configuration, ``/configurations`` (private to harbor_ops.harbor).

Harbor's rules (API_FACTS section 9):
- GET answers ``{key: {"value": v, "editable": bool}}``; PUT takes a flat, partial ``{key: value}``;
- password-type settings (``ldap_search_password``, ``oidc_client_secret``) are never returned, so they
  cannot be compared: ``update_secrets`` decides when they are sent (see ``secret_changes``);
- ``auth_mode`` is not editable once a user other than admin exists (400 "the auth mode cannot be modified
  as new users have been inserted into database"); with ``CONFIG_OVERWRITE_JSON`` nothing is editable (403).
  Both are refused here, before any write, with the reason.
"""

import json
import re

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError, http_url, parse_size

AUTH_MODES = ("db_auth", "ldap_auth", "uaa_auth", "http_auth", "oidc_auth")
LDAP_SCOPES = {"base": 0, "onelevel": 1, "subtree": 2}
BANNER_TYPES = ("success", "info", "warning", "danger")

# option group -> {suboption: Harbor key}
OIDC_KEYS = dict((k, "oidc_" + k) for k in (
    "name", "endpoint", "client_id", "client_secret", "scope", "groups_claim", "admin_group", "group_filter",
    "user_claim", "verify_cert", "auto_onboard", "logout"))
LDAP_KEYS = dict((k, "ldap_" + k) for k in (
    "url", "base_dn", "search_dn", "search_password", "filter", "uid", "scope", "timeout", "verify_cert",
    "group_base_dn", "group_search_filter", "group_attribute_name", "group_search_scope", "group_admin_dn",
    "group_membership_attribute"))
AUDIT_KEYS = {"forward_endpoint": "audit_log_forward_endpoint", "skip_database": "skip_audit_log_database"}
SYSTEM_KEYS = ("project_creation_restriction", "self_registration", "robot_token_duration", "robot_name_prefix",
               "token_expiration", "session_timeout", "read_only", "quota_per_project_enable", "storage_per_project")
POSITIVE_KEYS = ("robot_token_duration", "token_expiration", "session_timeout", "ldap_timeout")
SECRETS = {"oidc_client_secret": "oidc", "ldap_search_password": "ldap"}
GROUP_AUTH_MODE = {"oidc": "oidc_auth", "ldap": "ldap_auth"}

CONFIG_ARGUMENT_SPEC = dict(
    auth_mode=dict(type="str", choices=list(AUTH_MODES)),
    oidc=dict(type="dict", options=dict(
        name=dict(type="str"),
        endpoint=dict(type="str"),
        client_id=dict(type="str"),
        client_secret=dict(type="str", no_log=True),
        scope=dict(type="str"),
        groups_claim=dict(type="str"),
        admin_group=dict(type="str"),
        group_filter=dict(type="str"),
        user_claim=dict(type="str"),
        verify_cert=dict(type="bool"),
        auto_onboard=dict(type="bool"),
        logout=dict(type="bool"),
    )),
    ldap=dict(type="dict", options=dict(
        url=dict(type="str"),
        base_dn=dict(type="str"),
        search_dn=dict(type="str"),
        search_password=dict(type="str", no_log=True),
        filter=dict(type="str"),
        uid=dict(type="str"),
        scope=dict(type="str", choices=list(LDAP_SCOPES)),
        timeout=dict(type="int"),
        verify_cert=dict(type="bool"),
        group_base_dn=dict(type="str"),
        group_search_filter=dict(type="str"),
        group_attribute_name=dict(type="str"),
        group_search_scope=dict(type="str", choices=list(LDAP_SCOPES)),
        group_admin_dn=dict(type="str"),
        group_membership_attribute=dict(type="str"),
    )),
    project_creation_restriction=dict(type="str", choices=["everyone", "adminonly"]),
    self_registration=dict(type="bool"),
    robot_token_duration=dict(type="int", no_log=False),
    robot_name_prefix=dict(type="str"),
    token_expiration=dict(type="int", no_log=False),
    session_timeout=dict(type="int"),
    read_only=dict(type="bool"),
    quota_per_project_enable=dict(type="bool"),
    storage_per_project=dict(type="raw"),
    audit_log=dict(type="dict", options=dict(
        forward_endpoint=dict(type="str"),
        skip_database=dict(type="bool"),
    )),
    banner=dict(type="dict", options=dict(
        text=dict(type="str", required=True),
        type=dict(type="str", choices=list(BANNER_TYPES), default="info"),
        closable=dict(type="bool", default=True),
        from_date=dict(type="str", default=""),
        to_date=dict(type="str", default=""),
    )),
    update_secrets=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
)


def config_values(response):
    """``{key: value}`` from Harbor's ``{key: {value, editable}}``."""
    # scan_all_policy is not such an item (always {}, the scan-all schedule lives elsewhere): left out
    return dict((k, v.get("value") if isinstance(v, dict) else v) for k, v in (response or {}).items()
                if not isinstance(v, dict) or "value" in v)


def banner_view(value):
    """Harbor's banner_message (a JSON string, '' for none) as a dict for comparison."""
    if not value:
        return None
    try:
        banner = json.loads(value)
    except ValueError:
        return {"message": value}
    if not isinstance(banner, dict) or not banner.get("message"):
        return None
    return {"message": banner.get("message"), "type": banner.get("type"), "closable": banner.get("closable"),
            "fromDate": banner.get("fromDate", ""), "toDate": banner.get("toDate", "")}


def _editable(current, key):
    item = current.get(key)
    return not isinstance(item, dict) or item.get("editable", True) is not False


def _group_of(key):
    for prefix in ("oidc", "ldap"):
        if key.startswith(prefix + "_"):
            return prefix
    return None


class ConfigResource(Resource):
    kind = "config"
    secret_keys = tuple(SECRETS)

    def __init__(self):
        self.before = {}
        self.desired = {}

    def validate(self, params):
        desired = {}
        if params.get("auth_mode"):
            desired["auth_mode"] = params["auth_mode"]
        for group, keys in (("oidc", OIDC_KEYS), ("ldap", LDAP_KEYS), ("audit_log", AUDIT_KEYS)):
            for option, key in keys.items():
                value = (params.get(group) or {}).get(option)
                if value is None:
                    continue
                if key in ("ldap_scope", "ldap_group_search_scope"):
                    value = LDAP_SCOPES[value]
                desired[key] = value
        for key in SYSTEM_KEYS:
            if params.get(key) is not None:
                desired[key] = params[key]
        if "storage_per_project" in desired:
            desired["storage_per_project"] = parse_size("storage_per_project", desired["storage_per_project"])
        for key in POSITIVE_KEYS:
            if key in desired and desired[key] <= 0:
                raise ValidationError("%s must be greater than 0, got %s" % (self.option_name(key), desired[key]))
        if desired.get("robot_name_prefix") == "":
            raise ValidationError("robot_name_prefix cannot be empty (Harbor's default is robot$)")
        for key in ("ldap_url", "ldap_base_dn", "ldap_uid", "oidc_name", "oidc_endpoint", "oidc_client_id"):
            if key in desired and not str(desired[key]).strip():
                raise ValidationError("%s cannot be empty" % self.option_name(key))
        if desired.get("oidc_endpoint"):
            desired["oidc_endpoint"] = http_url("oidc.endpoint", desired["oidc_endpoint"],
                                                "https://login.example.com/realms/harbor", keep_query=False)
        if desired.get("ldap_url") and not re.match(r"^ldaps?://[^/\s]+", desired["ldap_url"].strip()):
            raise ValidationError("ldap.url=%r must be an ldap:// or ldaps:// URL such as ldaps://ldap.example.com:636"
                                  % desired["ldap_url"])
        banner = params.get("banner")
        if banner is not None:
            desired["banner_message"] = None if not banner["text"] else {
                "message": banner["text"], "type": banner["type"], "closable": banner["closable"],
                "fromDate": banner["from_date"], "toDate": banner["to_date"]}
        self.desired = desired
        return desired

    @staticmethod
    def option_name(key):
        """The task option for a Harbor key, for messages (ldap_url -> ldap.url)."""
        for group, keys in (("oidc", OIDC_KEYS), ("ldap", LDAP_KEYS), ("audit_log", AUDIT_KEYS)):
            for option, harbor_key in keys.items():
                if harbor_key == key:
                    return "%s.%s" % (group, option)
        return "banner" if key == "banner_message" else key

    def find(self, client, params):
        return client.get("/configurations")

    def view(self, client, current, desired):
        values = config_values(current)
        wanted = list(values) if desired is None else list(desired)
        view = {}
        for key in wanted:
            if key in SECRETS:
                continue
            view[key] = banner_view(values.get(key)) if key == "banner_message" else values.get(key)
        self.before = view
        return view

    def secret_changes(self, params, current):
        """Password-type settings cannot be read back. V(always): send them every run. V(on_create): send them
        only when the auth settings they belong to are being set or changed in this run (another key of the
        same group differs, or auth_mode switches to that mode): a first setup sends them, a repeat does not."""
        secrets = dict((k, v) for k, v in self.desired.items() if k in SECRETS)
        if not secrets or params["update_secrets"] == "always":
            return secrets
        changed_groups = set()
        for key, value in self.desired.items():
            if key in SECRETS or self.before.get(key) == value:
                continue
            if key == "auth_mode":
                changed_groups.update(g for g, mode in GROUP_AUTH_MODE.items() if mode == value)
            elif _group_of(key):
                changed_groups.add(_group_of(key))
        return dict((k, v) for k, v in secrets.items() if SECRETS[k] in changed_groups)

    def check_update(self, params, current, changes, before):
        values = config_values(current)
        # auth_mode alone not editable: users exist; other settings not editable: CONFIG_OVERWRITE_JSON
        overwritten = any(not _editable(current, k) for k in current if k != "auth_mode")
        for key in sorted(changes):
            if (not overwritten) if key in SECRETS else _editable(current, key):
                continue
            if key == "auth_mode" and not overwritten:
                raise ValidationError(
                    "auth_mode cannot change from %s to %s: Harbor marks auth_mode not editable because users other "
                    "than admin exist in its database (it allows changing the auth mode only before any other user "
                    "is created). Nothing was changed." % (values.get("auth_mode"), changes[key]))
            raise ValidationError(
                "%s cannot be changed: Harbor marks it not editable, which means this Harbor takes its configuration "
                "from CONFIG_OVERWRITE_JSON; change it there. Nothing was changed." % self.option_name(key))
        mode = changes.get("auth_mode", values.get("auth_mode"))
        for group, wanted_mode in GROUP_AUTH_MODE.items():
            keys = [k for k in changes if _group_of(k) == group]
            if keys and mode != wanted_mode:
                locked = not (current.get("auth_mode") or {}).get("editable", True)
                raise ValidationError(
                    "%s: %s settings apply only with auth_mode=%s, and Harbor's auth_mode is %s%s. Nothing was changed."
                    % (", ".join(self.option_name(k) for k in sorted(keys)), group, wanted_mode, mode,
                       " and cannot change because users other than admin exist (Harbor marks auth_mode not editable)"
                       if locked else "; set auth_mode: %s in the same task" % wanted_mode))
        if changes.get("skip_audit_log_database") and not changes.get(
                "audit_log_forward_endpoint", values.get("audit_log_forward_endpoint")):
            raise ValidationError("audit_log.skip_database=true needs audit_log.forward_endpoint: Harbor refuses to "
                                  "skip the database without a forward endpoint")

    def update(self, client, params, current, changes):
        body = dict(changes)
        if "banner_message" in body:
            body["banner_message"] = json.dumps(body["banner_message"], sort_keys=True) if body["banner_message"] else ""
        client.put("/configurations", body)
        return client.get("/configurations")
