# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_project_member and harbor_usergroup with every HTTP call scripted."""

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_project_member import main
from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_usergroup import main as usergroup_main

from .http_script import Call

BASE = "/api/v2.0"
NAME = {"X-Is-Resource-Name": "true"}
DN = "cn=devs,ou=groups,dc=example,dc=com"


def project():
    return Call("GET", BASE + "/projects/team", answer={"project_id": 3, "name": "team"}, request_headers=NAME)


def members(name, answer, page=1, headers=None):
    return Call("GET", BASE + "/projects/team/members", query={"entityname": name, "page": str(page), "page_size": "100"},
                answer=answer, headers=headers, request_headers=NAME)


def member(mid, name, entity_type="u", entity_id=5, role_id=2):
    return {"id": mid, "project_id": 3, "entity_name": name, "entity_type": entity_type, "entity_id": entity_id,
            "role_id": role_id, "role_name": {1: "projectAdmin", 2: "developer", 3: "guest", 4: "maintainer"}[role_id]}


def groups(answer, query=None):
    return Call("GET", BASE + "/usergroups", query=query or {"page": "1", "page_size": "100"}, answer=answer)


def test_add_user(run_module):
    calls = [project(), members("alice", []),
             Call("POST", BASE + "/projects/team/members", status=201,
                  headers={"Location": "/api/v2.0/projects/3/members/9"},
                  body={"role_id": 4, "member_user": {"username": "alice"}}),
             Call("GET", BASE + "/projects/team/members/9", answer=member(9, "alice", role_id=4))]
    result, dummy = run_module(main, {"project": "team", "user_name": "alice", "role": "maintainer"}, calls)
    assert result["changed"] is True and result["member"]["role_name"] == "maintainer"


def test_lookup_follows_pages_and_matches_exactly(run_module):
    """The entityname filter is paginated: the member is on page 2 (a group of the same name is not it)."""
    link = '</api/v2.0/projects/team/members?entityname=alice&page=2&page_size=100>; rel="next"'
    page1 = [member(100 + i, "alice", entity_type="g", entity_id=i) for i in range(100)]
    calls = [project(), members("alice", page1, headers={"Link": link}),
             Call("GET", BASE + "/projects/team/members", query={"entityname": "alice", "page": "2", "page_size": "100"},
                  answer=[member(7, "alice", role_id=2)])]
    result, http = run_module(main, {"project": "team", "user_name": "alice", "role": "developer"}, calls)
    assert result["changed"] is False and result["member"]["id"] == 7 and len(http.sent) == 3


def test_role_change_sends_only_role(run_module):
    calls = [project(), members("alice", [member(7, "alice")]),
             Call("PUT", BASE + "/projects/team/members/7", body={"role_id": 3}),
             Call("GET", BASE + "/projects/team/members/7", answer=member(7, "alice", role_id=3))]
    result, dummy = run_module(main, {"project": "team", "user_name": "alice", "role": "guest"}, calls, diff=True)
    assert result["diff"] == {"before": {"role": "developer"}, "after": {"role": "guest"}}


def test_check_mode_reads_only(run_module):
    result, http = run_module(main, {"project": "team", "user_name": "alice", "role": "guest"},
                              [project(), members("alice", [member(7, "alice")])], check_mode=True)
    assert result["changed"] is True and all(s.startswith("GET") for s in http.sent)


def test_ldap_group_created_first_then_added_by_id(run_module):
    calls = [project(), groups([{"id": 1, "group_name": "other", "group_type": 1, "ldap_group_dn": "cn=other,dc=x"}]),
             Call("POST", BASE + "/usergroups", status=201, headers={"Location": "/api/v2.0/usergroups/4"},
                  body={"group_type": 1, "ldap_group_dn": DN}),
             Call("GET", BASE + "/usergroups/4", answer={"group_name": "devs", "group_type": 1, "ldap_group_dn": DN}),
             Call("POST", BASE + "/projects/team/members", status=201, headers={"Location": "/api/v2.0/projects/3/members/11"},
                  body={"role_id": 2, "member_group": {"id": 4}}),
             Call("GET", BASE + "/projects/team/members/11", answer=member(11, "devs", "g", 4))]
    result, dummy = run_module(main, {"project": "team", "ldap_group_dn": DN, "role": "developer"}, calls)
    assert result["changed"] is True and result["member"]["entity_id"] == 4


def test_ldap_group_dn_compares_case_insensitively(run_module):
    calls = [project(), groups([{"id": 4, "group_name": "devs", "group_type": 1, "ldap_group_dn": DN}]),
             members("devs", [member(11, "devs", "u", 4), member(12, "devs", "g", 4)])]
    result, dummy = run_module(main, {"project": "team", "ldap_group_dn": "CN=Devs, OU=Groups,DC=example,DC=com",
                                      "role": "developer"}, calls)
    assert result["changed"] is False and result["member"]["id"] == 12


def test_ldap_group_check_mode_creates_nothing(run_module):
    result, http = run_module(main, {"project": "team", "ldap_group_dn": DN, "role": "developer"},
                              [project(), groups([])], check_mode=True)
    assert result["changed"] is True and len(http.sent) == 2


def test_unknown_role_and_missing_options_fail_before_any_request(run_module):
    result, http = run_module(main, {"project": "team", "user_name": "alice", "role": "owner"}, [])
    assert result["failed"] is True and "role" in result["msg"] and "limitedGuest" in result["msg"] and http.sent == []
    result, http = run_module(main, {"project": "team", "group_name": "g", "role": "guest"}, [])
    assert result["failed"] is True and "group_type is required" in result["msg"] and http.sent == []
    result, http = run_module(main, {"project": "team", "role": "guest"}, [])
    assert result["failed"] is True and "user_name" in result["msg"] and http.sent == []
    result, http = run_module(main, {"project": "team", "user_name": "alice"}, [])
    assert result["failed"] is True and "role is required" in result["msg"] and http.sent == []


def test_remove_member_and_again(run_module):
    calls = [project(), members("alice", [member(7, "alice")]), Call("DELETE", BASE + "/projects/team/members/7")]
    result, dummy = run_module(main, {"project": "team", "user_name": "alice", "state": "absent"}, calls)
    assert result["changed"] is True
    result, dummy = run_module(main, {"project": "team", "user_name": "alice", "state": "absent"},
                               [project(), members("alice", [])])
    assert result["changed"] is False


def test_missing_project_is_clear(run_module):
    calls = [Call("GET", BASE + "/projects/team", status=404, answer={"errors": []})]
    result, dummy = run_module(main, {"project": "team", "user_name": "alice", "role": "guest"}, calls)
    assert result["failed"] is True and "project 'team' does not exist" in result["msg"]


def test_usergroup_rename_ldap_and_create_oidc(run_module):
    calls = [groups([{"id": 4, "group_name": "devs", "group_type": 1, "ldap_group_dn": DN}]),
             Call("PUT", BASE + "/usergroups/4", body={"group_name": "developers"}),
             Call("GET", BASE + "/usergroups/4", answer={"group_name": "developers", "group_type": 1})]
    result, dummy = run_module(usergroup_main, {"type": "ldap", "ldap_dn": DN.upper(), "name": "developers"}, calls,
                               diff=True)
    assert result["diff"] == {"before": {"name": "devs"}, "after": {"name": "developers"}}
    calls = [groups([{"id": 2, "group_name": "ops", "group_type": 2}], {"group_name": "ops", "page": "1", "page_size": "100"}),
             Call("POST", BASE + "/usergroups", status=201, headers={"Location": "/api/v2.0/usergroups/5"},
                  body={"group_type": 3, "group_name": "ops"}),
             Call("GET", BASE + "/usergroups/5", answer={"group_name": "ops", "group_type": 3})]
    result, dummy = run_module(usergroup_main, {"type": "oidc", "name": "ops"}, calls)
    assert result["changed"] is True and result["usergroup"]["id"] == 5


def test_usergroup_bad_input(run_module):
    result, http = run_module(usergroup_main, {"type": "ldap", "name": "x"}, [])
    assert result["failed"] is True and "ldap_dn is required" in result["msg"] and http.sent == []
    result, http = run_module(usergroup_main, {"type": "oidc", "ldap_dn": DN, "name": "x"}, [])
    assert result["failed"] is True and "only to LDAP groups" in result["msg"] and http.sent == []
