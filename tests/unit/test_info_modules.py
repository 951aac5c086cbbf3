# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_user_info, harbor_usergroup_info, harbor_project_member_info, harbor_label_info, harbor_webhook_info and
harbor_scanner_info with every HTTP call scripted: all, one by name, a missing name, only GETs, no secret."""

import json

import pytest

from ansible_collections.harbor_ops.harbor.plugins.modules import (
    harbor_cve_allowlist_info,
    harbor_immutable_tag_rule_info,
    harbor_label_info,
    harbor_project_member_info,
    harbor_purge_audit_info,
    harbor_retention_info,
    harbor_scanner_info,
    harbor_user_info,
    harbor_usergroup_info,
    harbor_webhook_info,
)

from .http_script import Call, error
from .module_runner import CONNECTION

BASE = "/api/v2.0"
NAME = {"X-Is-Resource-Name": "true"}
PAGE = {"page": "1", "page_size": "100"}
USER_PASSWORD = "Alice-Passw0rd-9"
CLI_SECRET = "oidc-cli-secret-4711"
TOKEN = "Bearer hook-token-8c1d"
CREDENTIAL = "Bearer scanner-credential-2b9f"


RESULT_KEYS = {harbor_user_info: "users", harbor_usergroup_info: "usergroups", harbor_project_member_info: "members",
               harbor_label_info: "labels", harbor_webhook_info: "webhooks", harbor_scanner_info: "scanners"}


def page(**query):
    return dict(PAGE, **query)


def assert_read_only(result, http, *secrets):
    """Not changed, at least one request and only GETs, and no secret anywhere in the result."""
    assert result.get("failed") is not True, result.get("msg")
    assert result["changed"] is False
    assert http.sent and all(sent.startswith("GET ") for sent in http.sent), http.sent
    dumped = json.dumps(result)
    for secret in secrets + (CONNECTION["password"],):
        assert secret not in dumped


def assert_empty_answer(run_module, module, args, calls):
    """Something that does not exist is an empty list, not a failure, read with GETs only."""
    result, http = run_module(module.main, args, calls)
    assert_read_only(result, http)
    assert result[RESULT_KEYS[module]] == []


def project_lookup(found=True, project_id=12):
    if not found:
        return Call("GET", BASE + "/projects/releases", status=404, answer=error(404, "not found", "NOT_FOUND"),
                    request_headers=NAME)
    return Call("GET", BASE + "/projects/releases", answer={"project_id": project_id, "name": "releases"},
                request_headers=NAME)


# -- harbor_user_info ------------------------------------------------------------------------------------------

ADMIN = {"user_id": 1, "username": "admin", "email": "admin@example.com", "realname": "system admin",
         "sysadmin_flag": True}


def alice(**extra):
    user = {"user_id": 3, "username": "alice", "email": "alice@example.com", "realname": "Alice", "comment": "qa",
            "password": USER_PASSWORD, "password_version": "sha256", "salt": "pepper",
            "oidc_user_meta": {"id": 1, "user_id": 3, "subiss": "alice@idp", "secret": CLI_SECRET}}
    user.update(extra)
    return user


def test_user_info_lists_all_with_admin_first_and_no_password(run_module):
    bob = {"user_id": 4, "username": "bob", "email": "bob@example.com", "realname": "Bob"}
    calls = [Call("GET", BASE + "/users", query=PAGE, answer=[alice(), bob]),
             Call("GET", BASE + "/users/1", answer=ADMIN)]
    result, http = run_module(harbor_user_info.main, {}, calls)
    assert_read_only(result, http, USER_PASSWORD, CLI_SECRET, "pepper")
    assert [u["username"] for u in result["users"]] == ["admin", "alice", "bob"]
    assert [u["sysadmin_flag"] for u in result["users"]] == [True, False, False]
    assert all("password" not in u and "salt" not in u and "password_version" not in u for u in result["users"])
    assert result["users"][1]["oidc_user_meta"] == {"id": 1, "user_id": 3, "subiss": "alice@idp"}
    assert result["users"][1]["email"] == "alice@example.com"


def test_user_info_follows_pages_and_keeps_a_listed_admin_once(run_module):
    first = [dict(ADMIN)] + [{"user_id": n, "username": "u%d" % n} for n in range(2, 101)]
    calls = [Call("GET", BASE + "/users", query=PAGE, answer=first,
                  headers={"Link": '</api/v2.0/users?page=2&page_size=100>; rel="next"'}),
             Call("GET", BASE + "/users", query={"page": "2", "page_size": "100"}, answer=[alice()])]
    result, http = run_module(harbor_user_info.main, {}, calls)
    assert_read_only(result, http, USER_PASSWORD)
    assert len(result["users"]) == 101
    assert [u["user_id"] for u in result["users"]].count(1) == 1


def test_user_info_one_by_exact_name(run_module):
    calls = [Call("GET", BASE + "/users", query=page(q="username=alice"), answer=[alice(username="alice2"), alice()])]
    result, http = run_module(harbor_user_info.main, {"name": "alice"}, calls)
    assert_read_only(result, http, USER_PASSWORD, CLI_SECRET)
    assert [u["username"] for u in result["users"]] == ["alice"]
    assert len(http.sent) == 1


def test_user_info_admin_by_name(run_module):
    calls = [Call("GET", BASE + "/users", query=page(q="username=admin"), answer=[]),
             Call("GET", BASE + "/users/1", answer=dict(ADMIN, password=USER_PASSWORD))]
    result, http = run_module(harbor_user_info.main, {"name": "admin"}, calls)
    assert_read_only(result, http, USER_PASSWORD)
    assert [u["user_id"] for u in result["users"]] == [1]


def test_user_info_missing_name_is_an_empty_list(run_module):
    calls = [Call("GET", BASE + "/users", query=page(q="username=nobody"), answer=[]),
             Call("GET", BASE + "/users/1", answer=ADMIN)]
    assert_empty_answer(run_module, harbor_user_info, {"name": "nobody"}, calls)


# -- harbor_usergroup_info -------------------------------------------------------------------------------------

LDAP_DEVS = {"id": 4, "group_name": "devs", "group_type": 1, "ldap_group_dn": "cn=devs,ou=groups,dc=example,dc=com"}
OIDC_DEVS = {"id": 7, "group_name": "devs", "group_type": 3}
OIDC_FUZZY = {"id": 8, "group_name": "devs-old", "group_type": 3}
HTTP_OPS = {"id": 9, "group_name": "ops", "group_type": 2}


def test_usergroup_info_lists_all_with_type_names(run_module):
    calls = [Call("GET", BASE + "/usergroups", query=PAGE, answer=[LDAP_DEVS, OIDC_DEVS, HTTP_OPS])]
    result, http = run_module(harbor_usergroup_info.main, {}, calls)
    assert_read_only(result, http)
    assert [(g["id"], g["type"]) for g in result["usergroups"]] == [(4, "ldap"), (7, "oidc"), (9, "http")]
    assert result["usergroups"][0]["ldap_group_dn"] == LDAP_DEVS["ldap_group_dn"]


def test_usergroup_info_exact_name_and_type(run_module):
    listing = [LDAP_DEVS, OIDC_DEVS, OIDC_FUZZY]
    result, http = run_module(harbor_usergroup_info.main, {"name": "devs"},
                              [Call("GET", BASE + "/usergroups", query=page(group_name="devs"), answer=listing)])
    assert_read_only(result, http)
    assert [g["id"] for g in result["usergroups"]] == [4, 7]
    result, http = run_module(harbor_usergroup_info.main, {"name": "devs", "type": "oidc"},
                              [Call("GET", BASE + "/usergroups", query=page(group_name="devs"), answer=listing)])
    assert [g["id"] for g in result["usergroups"]] == [7]


def test_usergroup_info_ldap_dn_compares_without_case(run_module):
    calls = [Call("GET", BASE + "/usergroups", query=PAGE, answer=[LDAP_DEVS, OIDC_DEVS])]
    result, http = run_module(harbor_usergroup_info.main, {"ldap_dn": "CN=Devs, OU=groups, DC=example, DC=com"}, calls)
    assert_read_only(result, http)
    assert [g["id"] for g in result["usergroups"]] == [4]


def test_usergroup_info_missing_name_is_an_empty_list(run_module):
    calls = [Call("GET", BASE + "/usergroups", query=page(group_name="dev"), answer=[LDAP_DEVS, OIDC_DEVS])]
    assert_empty_answer(run_module, harbor_usergroup_info, {"name": "dev"}, calls)


def test_usergroup_info_refuses_an_unknown_type_before_any_request(run_module):
    result, http = run_module(harbor_usergroup_info.main, {"type": "saml"}, [])
    assert result["failed"] is True and "type" in result["msg"] and "oidc" in result["msg"]
    assert http.sent == []


# -- harbor_project_member_info --------------------------------------------------------------------------------

MEMBERS = BASE + "/projects/releases/members"
ALICE_MEMBER = {"id": 14, "project_id": 12, "entity_name": "alice", "entity_type": "u", "entity_id": 3, "role_id": 2,
                "role_name": "developer"}
ALICE_GROUP = {"id": 15, "project_id": 12, "entity_name": "alice", "entity_type": "g", "entity_id": 7, "role_id": 4,
               "role_name": "maintainer"}
ADMIN_MEMBER = {"id": 1, "project_id": 12, "entity_name": "admin", "entity_type": "u", "entity_id": 1, "role_id": 1,
                "role_name": "projectAdmin"}


def test_member_info_lists_all_with_role_names(run_module):
    limited = dict(ALICE_MEMBER, id=16, entity_name="carol", entity_id=5, role_id=5, role_name="limitedGuest")
    calls = [project_lookup(),
             Call("GET", MEMBERS, query=PAGE, answer=[ADMIN_MEMBER, ALICE_MEMBER, ALICE_GROUP, limited],
                  request_headers=NAME)]
    result, http = run_module(harbor_project_member_info.main, {"project": "releases"}, calls)
    assert_read_only(result, http)
    assert [(m["entity_name"], m["entity_type"], m["role"]) for m in result["members"]] == [
        ("admin", "u", "projectAdmin"), ("alice", "u", "developer"), ("alice", "g", "maintainer"),
        ("carol", "u", "limitedGuest")]


def test_member_info_user_and_group_filters(run_module):
    calls = [project_lookup(), Call("GET", MEMBERS, query=page(entityname="alice"), answer=[ALICE_MEMBER, ALICE_GROUP])]
    result, http = run_module(harbor_project_member_info.main, {"project": "releases", "user_name": "alice"}, calls)
    assert_read_only(result, http)
    assert [(m["id"], m["role"]) for m in result["members"]] == [(14, "developer")]
    calls = [project_lookup(), Call("GET", MEMBERS, query=page(entityname="alice"), answer=[ALICE_MEMBER, ALICE_GROUP])]
    result, http = run_module(harbor_project_member_info.main, {"project": "releases", "group_name": "alice"}, calls)
    assert [(m["id"], m["role"]) for m in result["members"]] == [(15, "maintainer")]


def test_member_info_missing_name_is_an_empty_list(run_module):
    calls = [project_lookup(), Call("GET", MEMBERS, query=page(entityname="nobody"), answer=[ALICE_GROUP])]
    assert_empty_answer(run_module, harbor_project_member_info, {"project": "releases", "user_name": "nobody"}, calls)


def test_member_info_user_and_group_together_refused_before_any_request(run_module):
    result, http = run_module(harbor_project_member_info.main,
                              {"project": "releases", "user_name": "alice", "group_name": "devs"}, [])
    assert result["failed"] is True and "user_name" in result["msg"] and "group_name" in result["msg"]
    assert http.sent == []


# -- harbor_label_info -----------------------------------------------------------------------------------------

PRODUCTION = {"id": 5, "name": "production", "description": "ok", "color": "#2E7D32", "scope": "g"}
QA = {"id": 6, "name": "qa", "scope": "p", "project_id": 12}  # Harbor leaves out an empty colour and description
QA_SHOWN = dict(QA, color="", description="")


def test_label_info_lists_global_labels(run_module):
    other = dict(PRODUCTION, id=7, name="deprecated")
    result, http = run_module(harbor_label_info.main, {},
                              [Call("GET", BASE + "/labels", query=page(scope="g"), answer=[PRODUCTION, other])])
    assert_read_only(result, http)
    assert [label["name"] for label in result["labels"]] == ["production", "deprecated"]


def test_label_info_one_global_label_by_exact_name(run_module):
    fuzzy = dict(PRODUCTION, id=8, name="production-old")
    calls = [Call("GET", BASE + "/labels", query=page(scope="g", q="name=production"), answer=[fuzzy, PRODUCTION])]
    result, http = run_module(harbor_label_info.main, {"name": "production"}, calls)
    assert_read_only(result, http)
    assert result["labels"] == [PRODUCTION]


def test_label_info_project_labels_by_project_id(run_module):
    calls = [project_lookup(), Call("GET", BASE + "/labels", query=page(scope="p", project_id="12"), answer=[QA])]
    result, http = run_module(harbor_label_info.main, {"scope": "project", "project": "releases"}, calls)
    assert_read_only(result, http)
    assert result["labels"] == [QA_SHOWN]
    calls = [project_lookup(), Call("GET", BASE + "/labels", query=page(scope="p", project_id="12", q="name=qa"), answer=[QA])]
    result, http = run_module(harbor_label_info.main, {"scope": "project", "project": "releases", "name": "qa"}, calls)
    assert result["labels"] == [QA_SHOWN]


def test_label_info_missing_name_is_an_empty_list(run_module):
    calls = [Call("GET", BASE + "/labels", query=page(scope="g", q="name=nothing"), answer=[])]
    assert_empty_answer(run_module, harbor_label_info, {"name": "nothing"}, calls)


def test_label_info_scope_and_project_checked_before_any_request(run_module):
    for args, words in (({"scope": "project"}, "project"), ({"project": "releases"}, "goes with scope=project")):
        result, http = run_module(harbor_label_info.main, args, [])
        assert result["failed"] is True and words in result["msg"]
        assert http.sent == []


# -- harbor_webhook_info ---------------------------------------------------------------------------------------

POLICIES = BASE + "/projects/12/webhook/policies"


def policy(policy_id=3, name="ci", **extra):
    data = {"id": policy_id, "name": name, "project_id": 12, "enabled": True, "event_types": ["PUSH_ARTIFACT"],
            "targets": [{"type": "http", "address": "https://ci.example.com/hook", "auth_header": TOKEN,
                         "payload_format": "Default"}]}
    data.update(extra)
    return data


def test_webhook_info_lists_all_without_auth_headers(run_module):
    slack = policy(4, "chat", targets=[{"type": "slack", "address": "https://hooks.slack.com/x"}])
    slack.pop("enabled")  # Harbor leaves a false enabled out
    calls = [project_lookup(), Call("GET", POLICIES, query=PAGE, answer=[policy(), slack])]
    result, http = run_module(harbor_webhook_info.main, {"project": "releases"}, calls)
    assert_read_only(result, http, TOKEN, "hook-token")
    hooks = result["webhooks"]
    assert [(h["name"], h["enabled"]) for h in hooks] == [("ci", True), ("chat", False)]
    assert [[t["auth_header_set"] for t in h["targets"]] for h in hooks] == [[True], [False]]
    assert all("auth_header" not in t for h in hooks for t in h["targets"])
    assert hooks[0]["targets"][0]["address"] == "https://ci.example.com/hook"


def test_webhook_info_one_by_exact_name(run_module):
    calls = [project_lookup(), Call("GET", POLICIES, query=page(q="name=ci"), answer=[policy(5, "ci-old"), policy()])]
    result, http = run_module(harbor_webhook_info.main, {"project": "releases", "name": "ci"}, calls)
    assert_read_only(result, http, TOKEN)
    assert [(h["id"], h["targets"][0]["auth_header_set"]) for h in result["webhooks"]] == [(3, True)]


def test_webhook_info_missing_name_is_an_empty_list(run_module):
    calls = [project_lookup(), Call("GET", POLICIES, query=page(q="name=none"), answer=[])]
    assert_empty_answer(run_module, harbor_webhook_info, {"project": "releases", "name": "none"}, calls)


# -- harbor_scanner_info ---------------------------------------------------------------------------------------

TRIVY = {"uuid": "1d4c", "name": "Trivy", "url": "http://trivy-adapter:8080", "is_default": True,
         "use_internal_addr": True}
MINE = {"uuid": "9e2a", "name": "mine", "url": "http://mine:8080", "auth": "Bearer", "access_credential": CREDENTIAL}


def test_scanner_info_lists_all_with_the_default_and_no_credential(run_module):
    result, http = run_module(harbor_scanner_info.main, {},
                              [Call("GET", BASE + "/scanners", query=PAGE, answer=[TRIVY, MINE])])
    assert_read_only(result, http, CREDENTIAL, "scanner-credential")
    assert [(s["name"], s["is_default"], s["disabled"]) for s in result["scanners"]] == [
        ("Trivy", True, False), ("mine", False, False)]
    assert all("access_credential" not in s for s in result["scanners"])
    assert result["scanners"][1]["auth"] == "Bearer"


def test_scanner_info_one_by_exact_name(run_module):
    fuzzy = dict(MINE, uuid="77", name="mine-2")
    calls = [Call("GET", BASE + "/scanners", query=page(q="name=mine"), answer=[fuzzy, dict(MINE, is_default=True)])]
    result, http = run_module(harbor_scanner_info.main, {"name": "mine"}, calls)
    assert_read_only(result, http, CREDENTIAL)
    assert [(s["uuid"], s["is_default"]) for s in result["scanners"]] == [("9e2a", True)]


def test_scanner_info_missing_name_is_an_empty_list(run_module):
    assert_empty_answer(run_module, harbor_scanner_info, {"name": "none"},
                        [Call("GET", BASE + "/scanners", query=page(q="name=none"), answer=[])])


@pytest.mark.parametrize("module, args", [
    (harbor_project_member_info, {"project": "releases"}),
    (harbor_label_info, {"scope": "project", "project": "releases"}),
    (harbor_webhook_info, {"project": "releases"}),
], ids=["harbor_project_member_info", "harbor_label_info", "harbor_webhook_info"])
def test_missing_project_is_an_empty_list_after_one_look_up(run_module, module, args):
    assert_empty_answer(run_module, module, args, [project_lookup(found=False)])


# -- all of them -----------------------------------------------------------------------------------------------

# module -> (args, the calls of listing everything, the secrets those calls answer)
LISTINGS = {
    harbor_user_info: ({}, lambda: [Call("GET", BASE + "/users", query=PAGE, answer=[alice()]),
                                    Call("GET", BASE + "/users/1", answer=ADMIN)], (USER_PASSWORD, CLI_SECRET)),
    harbor_usergroup_info: ({}, lambda: [Call("GET", BASE + "/usergroups", query=PAGE, answer=[LDAP_DEVS])], ()),
    harbor_project_member_info: ({"project": "releases"},
                                 lambda: [project_lookup(), Call("GET", MEMBERS, query=PAGE, answer=[ALICE_MEMBER])], ()),
    harbor_label_info: ({}, lambda: [Call("GET", BASE + "/labels", query=page(scope="g"), answer=[PRODUCTION])], ()),
    harbor_webhook_info: ({"project": "releases"},
                          lambda: [project_lookup(), Call("GET", POLICIES, query=PAGE, answer=[policy()])], (TOKEN,)),
    harbor_scanner_info: ({}, lambda: [Call("GET", BASE + "/scanners", query=PAGE, answer=[MINE])], (CREDENTIAL,)),
}
MODULES = list(LISTINGS)
IDS = [module.__name__.rsplit(".", 1)[-1] for module in MODULES]


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_check_mode_reads_the_same_and_never_diffs(run_module, module):
    args, calls, secrets = LISTINGS[module]
    normal, http = run_module(module.main, args, calls())
    checked, checked_http = run_module(module.main, args, calls(), check_mode=True, diff=True)
    assert_read_only(checked, checked_http, *secrets)
    assert checked_http.sent == http.sent
    assert "diff" not in checked
    key = RESULT_KEYS[module]
    assert len(normal[key]) >= 1 and checked[key] == normal[key]


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_a_refused_read_fails_with_harbors_status(run_module, module):
    args, calls, dummy = LISTINGS[module]
    first = calls()[0]
    refused = [Call("GET", first.path, status=403, answer=error(403, "forbidden", "FORBIDDEN"))]
    if first.path == BASE + "/projects/releases":
        # Harbor answers non-admins 403 for a missing project too: the exact-name HEAD says it exists
        refused.append(Call("HEAD", BASE + "/projects", query={"project_name": "releases"}))
    result, http = run_module(module.main, args, refused)
    assert result["failed"] is True and result["status"] == 403 and "forbidden" in result["msg"]
    assert RESULT_KEYS[module] not in result


# -- harbor_retention_info, harbor_immutable_tag_rule_info, harbor_cve_allowlist_info, harbor_purge_audit_info -------

RETENTION = {"id": 4, "algorithm": "or",
             "rules": [{"id": 1, "priority": 1, "disabled": False, "action": "retain", "template": "latestPushedK",
                        "params": {"latestPushedK": 10},
                        "tag_selectors": [{"kind": "doublestar", "decoration": "matches", "pattern": "v*",
                                           "extras": '{"untagged":false}'}],
                        "scope_selectors": {"repository": [{"kind": "doublestar", "decoration": "repoMatches",
                                                            "pattern": "**"}]}}],
             "trigger": {"kind": "Schedule", "settings": {"cron": "0 0 3 * * *"}, "references": {}},
             "scope": {"level": "project", "ref": 12}}


def retention_project(retention_id="4"):
    metadata = {"public": "false"}
    if retention_id is not None:
        metadata["retention_id"] = retention_id
    return Call("GET", BASE + "/projects/releases", answer={"project_id": 12, "name": "releases", "metadata": metadata},
                request_headers=NAME)


def test_retention_info_reads_the_policy_and_its_rules_in_the_option_shape(run_module):
    calls = [retention_project(), Call("GET", BASE + "/retentions/4", answer=RETENTION)]
    result, http = run_module(harbor_retention_info.main, {"project": "releases"}, calls)
    assert_read_only(result, http)
    assert result["retention"] == RETENTION
    assert result["rules"] == [{"template": "latestPushedK", "count": 10, "tag_pattern": "v*", "tag_decoration": "matches",
                                "repository_pattern": "**", "repository_decoration": "repoMatches", "untagged": False,
                                "disabled": False}]
    assert result["cron"] == "0 0 3 * * *"


def test_retention_info_without_a_schedule_has_an_empty_cron(run_module):
    manual = dict(RETENTION, trigger={"kind": "Schedule", "settings": {"cron": ""}, "references": {}}, rules=[])
    calls = [retention_project(), Call("GET", BASE + "/retentions/4", answer=manual)]
    result, http = run_module(harbor_retention_info.main, {"project": "releases"}, calls)
    assert_read_only(result, http)
    assert (result["rules"], result["cron"]) == ([], "")


@pytest.mark.parametrize("calls", [
    lambda: [project_lookup(found=False)],
    lambda: [retention_project(retention_id=None)],
    lambda: [retention_project(retention_id="")],
    lambda: [retention_project(), Call("GET", BASE + "/retentions/4", status=404, answer=error(404, "not found", "NOT_FOUND"))],
], ids=["no-project", "no-retention-id", "empty-retention-id", "policy-gone"])
def test_retention_info_without_a_policy_is_none(run_module, calls):
    result, http = run_module(harbor_retention_info.main, {"project": "releases"}, calls())
    assert_read_only(result, http)
    assert (result["retention"], result["rules"], result["cron"]) == (None, [], None)


IMMUTABLE_RULES = BASE + "/projects/12/immutabletagrules"
RELEASE_RULE = {"id": 7, "priority": 0, "disabled": False, "action": "immutable", "template": "immutable_template",
                "tag_selectors": [{"kind": "doublestar", "decoration": "matches", "pattern": "v*"}],
                "scope_selectors": {"repository": [{"kind": "doublestar", "decoration": "repoMatches", "pattern": "**"}]}}
TWO_TAGS_RULE = dict(RELEASE_RULE, id=8, disabled=True,
                     tag_selectors=[{"kind": "doublestar", "decoration": "matches", "pattern": "a"},
                                    {"kind": "doublestar", "decoration": "matches", "pattern": "b"}])


def test_immutable_tag_rule_info_lists_the_rules_also_in_the_option_shape(run_module):
    calls = [project_lookup(), Call("GET", IMMUTABLE_RULES, query=PAGE, answer=[RELEASE_RULE, TWO_TAGS_RULE])]
    result, http = run_module(harbor_immutable_tag_rule_info.main, {"project": "releases"}, calls)
    assert_read_only(result, http)
    assert result["immutable_tag_rules"] == [RELEASE_RULE, TWO_TAGS_RULE]
    assert result["rules"][0] == {"tag_pattern": "v*", "tag_decoration": "matches", "repository_pattern": "**",
                                  "repository_decoration": "repoMatches", "disabled": False}
    assert result["rules"][1]["id"] == 8 and result["rules"][1]["disabled"] is True
    assert len(result["rules"][1]["tag_selectors"]) == 2


def test_immutable_tag_rule_info_follows_pages(run_module):
    first = [dict(RELEASE_RULE, id=n) for n in range(1, 101)]
    calls = [project_lookup(),
             Call("GET", IMMUTABLE_RULES, query=PAGE, answer=first,
                  headers={"Link": '</api/v2.0/projects/12/immutabletagrules?page=2&page_size=100>; rel="next"'}),
             Call("GET", IMMUTABLE_RULES, query={"page": "2", "page_size": "100"}, answer=[TWO_TAGS_RULE])]
    result, http = run_module(harbor_immutable_tag_rule_info.main, {"project": "releases"}, calls)
    assert_read_only(result, http)
    assert len(result["immutable_tag_rules"]) == len(result["rules"]) == 101


def test_immutable_tag_rule_info_missing_project_is_an_empty_list(run_module):
    result, http = run_module(harbor_immutable_tag_rule_info.main, {"project": "releases"}, [project_lookup(found=False)])
    assert_read_only(result, http)
    assert (result["immutable_tag_rules"], result["rules"]) == ([], [])


CVE_ALLOWLIST = {"id": 1, "project_id": 0, "expires_at": 1798761600,
                 "items": [{"cve_id": "CVE-2024-3094"}, {"cve_id": "CVE-2023-44487"}, {"cve_id": "CVE-2024-3094"}],
                 "creation_time": "2026-11-23T10:12:44.512Z", "update_time": "2026-11-23T10:12:44.512Z"}


def test_cve_allowlist_info_reads_the_list_with_sorted_ids(run_module):
    result, http = run_module(harbor_cve_allowlist_info.main, {},
                              [Call("GET", BASE + "/system/CVEAllowlist", answer=CVE_ALLOWLIST)])
    assert_read_only(result, http)
    assert result["cve_allowlist"] == CVE_ALLOWLIST
    assert result["cve_ids"] == ["CVE-2023-44487", "CVE-2024-3094"]
    assert result["expires_at"] == 1798761600


@pytest.mark.parametrize("expires_at", [None, 0])
def test_cve_allowlist_info_without_expiry(run_module, expires_at):
    answer = {"id": 1, "project_id": 0, "items": [], "expires_at": expires_at}
    result, http = run_module(harbor_cve_allowlist_info.main, {},
                              [Call("GET", BASE + "/system/CVEAllowlist", answer=answer)])
    assert_read_only(result, http)
    assert (result["cve_ids"], result["expires_at"]) == ([], None)


PURGE_SCHEDULE = BASE + "/system/purgeaudit/schedule"
PURGE_PARAMETERS = '{"audit_retention_hour":720,"dry_run":false,"include_event_types":"login_user,logout_user"}'
PURGE_STORED = {"id": 4, "job_name": "", "job_kind": "0 0 0 * * 0", "job_parameters": PURGE_PARAMETERS,
                "schedule": {"type": "Weekly", "cron": "0 0 0 * * 0"}}
PURGE_RUN = {"id": 12, "job_name": "PURGE_AUDIT_LOG", "job_kind": "SCHEDULE", "job_status": "Success",
             "job_parameters": PURGE_PARAMETERS, "schedule": {"type": "Weekly", "cron": "0 0 0 * * 0"}}


def purge_runs(page_size="5", answer=None):
    return Call("GET", BASE + "/system/purgeaudit", query={"sort": "-creation_time", "page": "1", "page_size": page_size},
                answer=[PURGE_RUN, dict(PURGE_RUN, id=11, job_parameters="")] if answer is None else answer)


def test_purge_audit_info_reads_the_schedule_and_five_runs_with_parameters(run_module):
    result, http = run_module(harbor_purge_audit_info.main, {},
                              [Call("GET", PURGE_SCHEDULE, answer=PURGE_STORED), purge_runs()])
    assert_read_only(result, http)
    parameters = {"audit_retention_hour": 720, "dry_run": False, "include_event_types": "login_user,logout_user"}
    assert result["purge_audit_schedule"] == dict(PURGE_STORED, parameters=parameters)
    assert [(run["id"], run["parameters"]) for run in result["purge_audit_runs"]] == [(12, parameters), (11, {})]
    assert result["purge_audit_runs"][0]["job_parameters"] == PURGE_PARAMETERS


def test_purge_audit_info_nothing_scheduled_and_history(run_module):
    result, http = run_module(harbor_purge_audit_info.main, {"history": 2},
                              [Call("GET", PURGE_SCHEDULE, raw=""), purge_runs("2", answer=[])])
    assert_read_only(result, http)
    assert (result["purge_audit_schedule"], result["purge_audit_runs"]) == ({}, [])
    result, http = run_module(harbor_purge_audit_info.main, {"history": 0}, [Call("GET", PURGE_SCHEDULE, raw="")])
    assert_read_only(result, http)
    assert len(http.sent) == 1 and result["purge_audit_runs"] == []


@pytest.mark.parametrize("history", [-1, 101])
def test_purge_audit_info_refuses_a_history_out_of_range_before_any_request(run_module, history):
    result, http = run_module(harbor_purge_audit_info.main, {"history": history}, [])
    assert result["failed"] is True and "history" in result["msg"] and "0 to 100" in result["msg"]
    assert http.sent == []


# module -> (args, the calls of reading everything, the key of the result)
READS = {
    harbor_retention_info: ({"project": "releases"},
                            lambda: [retention_project(), Call("GET", BASE + "/retentions/4", answer=RETENTION)], "retention"),
    harbor_immutable_tag_rule_info: ({"project": "releases"},
                                     lambda: [project_lookup(), Call("GET", IMMUTABLE_RULES, query=PAGE,
                                                                     answer=[RELEASE_RULE])], "immutable_tag_rules"),
    harbor_cve_allowlist_info: ({}, lambda: [Call("GET", BASE + "/system/CVEAllowlist", answer=CVE_ALLOWLIST)],
                                "cve_allowlist"),
    harbor_purge_audit_info: ({}, lambda: [Call("GET", PURGE_SCHEDULE, answer=PURGE_STORED), purge_runs()],
                              "purge_audit_schedule"),
}
READ_MODULES = list(READS)
READ_IDS = [module.__name__.rsplit(".", 1)[-1] for module in READ_MODULES]


@pytest.mark.parametrize("module", READ_MODULES, ids=READ_IDS)
def test_check_mode_reads_the_same_and_never_diffs_too(run_module, module):
    args, calls, key = READS[module]
    normal, http = run_module(module.main, args, calls())
    checked, checked_http = run_module(module.main, args, calls(), check_mode=True, diff=True)
    assert_read_only(checked, checked_http)
    assert checked_http.sent == http.sent
    assert "diff" not in checked
    assert checked[key] and checked == normal


@pytest.mark.parametrize("module", READ_MODULES, ids=READ_IDS)
def test_a_refused_read_fails_with_harbors_status_too(run_module, module):
    args, calls, key = READS[module]
    first = calls()[0]
    refused = [Call("GET", first.path, status=403, answer=error(403, "forbidden", "FORBIDDEN"))]
    if first.path == BASE + "/projects/releases":
        refused.append(Call("HEAD", BASE + "/projects", query={"project_name": "releases"}))
    result, http = run_module(module.main, args, refused)
    assert result["failed"] is True and result["status"] == 403 and "forbidden" in result["msg"]
    assert key not in result
