# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_config, harbor_config_info and harbor_cve_allowlist with every HTTP call scripted."""

import json

import pytest

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_config import main
from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_config_info import main as info_main
from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_cve_allowlist import main as cve_main

from .http_script import Call

BASE = "/api/v2.0"
SECRET = "Client-Secret-42"
OIDC = {"endpoint": "https://sso.example.com", "client_id": "harbor", "client_secret": SECRET}


def config(auth_mode="db_auth", auth_editable=True, everything_editable=True, **values):
    base = {"auth_mode": auth_mode, "project_creation_restriction": "everyone", "session_timeout": 60,
            "robot_token_duration": 30, "read_only": False, "storage_per_project": -1, "oidc_endpoint": "",
            "oidc_client_id": "", "ldap_url": "", "banner_message": "", "robot_name_prefix": "robot$"}
    base.update(values)
    return dict((k, {"value": v, "editable": everything_editable and (auth_editable or k != "auth_mode")})
                for k, v in base.items())


def get(answer):
    return Call("GET", BASE + "/configurations", answer=answer)


def test_changes_only_what_differs_in_one_flat_put(run_module):
    calls = [get(config()), Call("PUT", BASE + "/configurations", body={"session_timeout": 120, "storage_per_project": 10 * 1024 ** 3}),
             get(config(session_timeout=120))]
    result, dummy = run_module(main, {"session_timeout": 120, "project_creation_restriction": "everyone",
                                      "storage_per_project": "10G"}, calls, diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"session_timeout": 60, "storage_per_project": -1},
                              "after": {"session_timeout": 120, "storage_per_project": 10737418240}}


def test_repeat_is_one_get(run_module):
    result, http = run_module(main, {"session_timeout": 60, "read_only": False}, [get(config())])
    assert result["changed"] is False and len(http.sent) == 1


def test_check_mode_reads_only(run_module):
    result, http = run_module(main, {"read_only": True}, [get(config())], check_mode=True)
    assert result["changed"] is True and len(http.sent) == 1


def test_banner_compared_parsed(run_module):
    stored = json.dumps({"toDate": "", "type": "warning", "message": "hi", "fromDate": "", "closable": True})
    result, dummy = run_module(main, {"banner": {"text": "hi", "type": "warning"}}, [get(config(banner_message=stored))])
    assert result["changed"] is False


def test_oidc_setup_sends_secret_with_the_change_but_never_shows_it(run_module):
    body = {"auth_mode": "oidc_auth", "oidc_endpoint": "https://sso.example.com", "oidc_client_id": "harbor",
            "oidc_client_secret": SECRET}
    calls = [get(config()), Call("PUT", BASE + "/configurations", body=body), get(config("oidc_auth"))]
    result, dummy = run_module(main, {"auth_mode": "oidc_auth", "oidc": OIDC}, calls, diff=True)
    assert result["changed"] is True and SECRET not in json.dumps(result)
    assert "oidc_client_secret" not in result["diff"]["after"]


def test_secret_not_sent_on_repeat_with_on_create(run_module):
    current = config("oidc_auth", oidc_endpoint="https://sso.example.com", oidc_client_id="harbor")
    result, http = run_module(main, {"auth_mode": "oidc_auth", "oidc": OIDC}, [get(current)])
    assert result["changed"] is False and len(http.sent) == 1


def test_secret_sent_every_run_with_always(run_module):
    current = config("oidc_auth", oidc_endpoint="https://sso.example.com", oidc_client_id="harbor")
    calls = [get(current), Call("PUT", BASE + "/configurations", body={"oidc_client_secret": SECRET}), get(current)]
    result, dummy = run_module(main, {"oidc": OIDC, "update_secrets": "always"}, calls, diff=True)
    assert result["changed"] is True and result["diff"] == {"before": {}, "after": {}}


def test_auth_mode_locked_is_refused_before_any_write(run_module):
    result, http = run_module(main, {"auth_mode": "oidc_auth", "oidc": OIDC}, [get(config(auth_editable=False))])
    assert result["failed"] is True and len(http.sent) == 1
    assert "auth_mode cannot change from db_auth to oidc_auth" in result["msg"]
    assert "users other than admin exist" in result["msg"] and SECRET not in json.dumps(result)


def test_oidc_setting_in_db_auth_with_users_is_refused(run_module):
    result, http = run_module(main, {"oidc": {"endpoint": "https://sso.example.com"}}, [get(config(auth_editable=False))])
    assert result["failed"] is True and len(http.sent) == 1
    assert "oidc.endpoint" in result["msg"] and "auth_mode=oidc_auth" in result["msg"]
    assert "cannot change because users other than admin exist" in result["msg"]


def test_oidc_setting_in_db_auth_without_users_asks_for_auth_mode(run_module):
    result, dummy = run_module(main, {"oidc": {"endpoint": "https://sso.example.com"}}, [get(config())])
    assert result["failed"] is True and "set auth_mode: oidc_auth in the same task" in result["msg"]


def test_config_overwrite_json_is_refused_with_reason(run_module):
    result, http = run_module(main, {"session_timeout": 5}, [get(config(everything_editable=False))])
    assert result["failed"] is True and "session_timeout cannot be changed" in result["msg"]
    assert "CONFIG_OVERWRITE_JSON" in result["msg"] and len(http.sent) == 1


def test_same_value_of_a_locked_setting_is_fine(run_module):
    result, dummy = run_module(main, {"auth_mode": "db_auth"}, [get(config(auth_editable=False))])
    assert result["changed"] is False


def test_bad_values_fail_before_any_request(run_module):
    for args, text in (({"session_timeout": 0}, "session_timeout must be greater than 0"),
                       ({"robot_name_prefix": ""}, "robot_name_prefix cannot be empty"),
                       ({"ldap": {"timeout": -1}}, "ldap.timeout must be greater than 0"),
                       ({"storage_per_project": "lots"}, "storage_per_project"),
                       ({"auth_mode": "kerberos"}, "auth_mode")):
        result, http = run_module(main, args, [])
        assert result["failed"] is True and text in result["msg"] and http.sent == [], args


def test_skip_audit_database_needs_endpoint(run_module):
    current = config(skip_audit_log_database=False, audit_log_forward_endpoint="")
    result, http = run_module(main, {"audit_log": {"skip_database": True}}, [get(current)])
    assert result["failed"] is True and "audit_log.forward_endpoint" in result["msg"] and len(http.sent) == 1


def test_ldap_scope_names_and_secret(run_module):
    current = config("ldap_auth", ldap_scope=2)
    body = {"ldap_url": "ldaps://ldap.example.com", "ldap_scope": 1, "ldap_search_password": "Bind-Passw0rd"}
    calls = [get(current), Call("PUT", BASE + "/configurations", body=body), get(current)]
    result, dummy = run_module(main, {"ldap": {"url": "ldaps://ldap.example.com", "scope": "onelevel",
                                               "search_password": "Bind-Passw0rd"}}, calls)
    assert result["changed"] is True and "Bind-Passw0rd" not in json.dumps(result)


def test_info_flattens_and_lists_not_editable(run_module):
    result, dummy = run_module(info_main, {}, [get(config(auth_editable=False))])
    assert result["config"]["auth_mode"] == "db_auth" and result["not_editable"] == ["auth_mode"]


# the system CVE allowlist ---------------------------------------------------------------------

def cve(items, expires=None):
    answer = {"id": 1, "items": [{"cve_id": i} for i in items]}
    if expires:
        answer["expires_at"] = expires
    return Call("GET", BASE + "/system/CVEAllowlist", answer=answer)


def test_cve_allowlist_set_semantics(run_module):
    result, http = run_module(cve_main, {"items": ["CVE-2", "CVE-1", "CVE-2"]}, [cve(["CVE-1", "CVE-2"])])
    assert result["changed"] is False and len(http.sent) == 1


def test_cve_allowlist_full_replace(run_module):
    calls = [cve(["CVE-1", "CVE-2"], 4102444800),
             Call("PUT", BASE + "/system/CVEAllowlist", body={"items": [{"cve_id": "CVE-3"}], "expires_at": None}),
             cve(["CVE-3"])]
    result, dummy = run_module(cve_main, {"items": ["CVE-3"]}, calls, diff=True)
    assert result["diff"] == {"before": {"items": ["CVE-1", "CVE-2"], "expires_at": 4102444800},
                              "after": {"items": ["CVE-3"], "expires_at": None}}


def test_cve_allowlist_check_mode_and_bad_input(run_module):
    result, http = run_module(cve_main, {"items": []}, [cve(["CVE-1"])], check_mode=True)
    assert result["changed"] is True and len(http.sent) == 1
    result, http = run_module(cve_main, {"items": ["CVE-1", ""]}, [])
    assert result["failed"] is True and "items must be a list of CVE ids" in result["msg"] and http.sent == []


@pytest.mark.parametrize("oidc, words", [
    ({"endpoint": "sso.example.com"}, ["oidc.endpoint", "no scheme", "https://sso.example.com"]),
    ({"endpoint": "ftp://sso.example.com"}, ["oidc.endpoint", "http:// or https://"]),
    ({"endpoint": "https://sso.example.com", "client_id": ""}, ["oidc.client_id cannot be empty"]),
    ({"endpoint": "https://sso.example.com", "client_id": "  "}, ["oidc.client_id cannot be empty"]),
])
def test_bad_oidc_settings_are_refused_before_any_request(run_module, oidc, words):
    result, http = run_module(main, {"auth_mode": "oidc_auth", "oidc": oidc}, [])
    assert result["failed"] is True and http.sent == []
    assert all(word in result["msg"] for word in words), result["msg"]


def test_a_scheme_less_ldap_url_is_refused_before_any_request(run_module):
    result, http = run_module(main, {"auth_mode": "ldap_auth", "ldap": {"url": "ldap.example.com"}}, [])
    assert result["failed"] is True and http.sent == [] and "ldaps://" in result["msg"]
