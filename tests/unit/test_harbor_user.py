# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_user with every HTTP call scripted."""

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_user import main

from .http_script import Call, error

BASE = "/api/v2.0"
PW = "Alice-Passw0rd"


def user(**extra):
    return dict({"user_id": 5, "username": "alice", "email": "alice@example.com", "realname": "Alice",
                 "comment": "dev", "sysadmin_flag": False}, **extra)


ADMIN = {"user_id": 1, "username": "admin", "email": "admin@example.com", "realname": "system admin", "sysadmin_flag": True}


def lookup(*found):
    """The list look-up; a name not in it is checked against the built-in admin, which the list leaves out."""
    listing = Call("GET", BASE + "/users", query={"q": "username=alice", "page": "1", "page_size": "100"},
                   answer=list(found) or [])
    if any(u["username"] == "alice" for u in found):
        return [listing]
    return [listing, Call("GET", BASE + "/users/1", answer=ADMIN)]


def test_create_posts_profile_and_password_then_admin_flag(run_module):
    calls = lookup(dict(user(), username="alice2")) + [  # q=username= can be fuzzy: only the exact name counts
        Call("POST", BASE + "/users", status=201, headers={"Location": "/api/v2.0/users/5"},
             body={"username": "alice", "email": "alice@example.com", "realname": "Alice", "password": PW, "comment": ""}),
        Call("PUT", BASE + "/users/5/sysadmin", body={"sysadmin_flag": True}),
        Call("GET", BASE + "/users/5", answer=user(sysadmin_flag=True)),
    ]
    result, dummy = run_module(main, {"name": "alice", "email": "alice@example.com", "realname": "Alice",
                                      "admin": True, "user_password": PW}, calls, diff=True)
    assert result["changed"] is True and result["user"]["sysadmin_flag"] is True
    assert "user_password" not in result["diff"]["after"]
    assert PW not in str(result)


def test_repeat_is_one_get_and_password_not_sent_on_create_only(run_module):
    result, http = run_module(main, {"name": "alice", "email": "alice@example.com", "realname": "Alice",
                                     "comment": "dev", "admin": False, "user_password": PW}, lookup(user()))
    assert result["changed"] is False and len(http.sent) == 1


def test_update_sends_whole_profile_merged(run_module):
    calls = lookup(user()) + [
        Call("PUT", BASE + "/users/5", body={"email": "alice@example.com", "realname": "Alice", "comment": "ops"}),
        Call("GET", BASE + "/users/5", answer=user(comment="ops"))]
    result, dummy = run_module(main, {"name": "alice", "comment": "ops"}, calls, diff=True)
    assert result["diff"] == {"before": {"comment": "dev"}, "after": {"comment": "ops"}}


def test_identical_password_probe_is_no_change(run_module):
    calls = lookup(user()) + [
        Call("PUT", BASE + "/users/5/password", body={"new_password": PW}, status=400,
             answer=error(400, "New password is identical to old password"))]
    result, dummy = run_module(main, {"name": "alice", "user_password": PW, "update_password": "always"}, calls)
    assert result["changed"] is False and "password_changed" not in result


def test_different_password_is_a_change(run_module):
    calls = lookup(user()) + [
        Call("PUT", BASE + "/users/5/password", body={"new_password": PW}),
        Call("GET", BASE + "/users/5", answer=user())]
    result, dummy = run_module(main, {"name": "alice", "user_password": PW, "update_password": "always"}, calls)
    assert result["changed"] is True and result["password_changed"] is True


def test_own_password_sends_old_password(run_module):
    calls = [Call("GET", BASE + "/users", answer=[]), Call("GET", BASE + "/users/1", answer=ADMIN),
             Call("PUT", BASE + "/users/1/password", body={"new_password": PW, "old_password": "S3cret-Passw0rd"}),
             Call("GET", BASE + "/users/1", answer=user(username="admin", user_id=1))]
    result, dummy = run_module(main, {"name": "admin", "user_password": PW, "update_password": "always"}, calls)
    assert result["changed"] is True


def test_other_password_error_is_reported(run_module):
    calls = lookup(user()) + [
        Call("PUT", BASE + "/users/5/password", status=403, answer=error(403, "forbidden", "FORBIDDEN"))]
    result, dummy = run_module(main, {"name": "alice", "user_password": PW, "update_password": "always"}, calls)
    assert result["failed"] is True and result["status"] == 403


def test_check_mode_does_not_probe_password_and_warns(run_module):
    result, http = run_module(main, {"name": "alice", "admin": True, "user_password": PW, "update_password": "always"},
                              lookup(user()), check_mode=True, diff=True)
    assert result["changed"] is True and result["diff"] == {"before": {"admin": False}, "after": {"admin": True}}
    assert [s.split()[0] for s in http.sent] == ["GET"]
    assert "not compared" in str(result["warnings"])


def test_password_policy_checked_before_any_request(run_module):
    for weak in ("short1A", "alllowercase1", "ALLUPPER1", "NoDigitsAtAll", "Aa1" * 43):
        result, http = run_module(main, {"name": "alice", "user_password": weak}, [])
        assert result["failed"] is True and http.sent == []
        assert "user_password" in result["msg"] and "uppercase" in result["msg"] and weak not in result["msg"]


def test_create_needs_email_realname_password_before_any_write(run_module):
    result, http = run_module(main, {"name": "alice", "email": "alice@example.com"}, lookup())
    assert result["failed"] is True and "realname, user_password" in result["msg"]
    assert all(s.startswith("GET") for s in http.sent)


def test_bad_email_and_long_comment(run_module):
    result, http = run_module(main, {"name": "alice", "email": "not-an-email"}, [])
    assert result["failed"] is True and "email='not-an-email'" in result["msg"] and http.sent == []
    result, http = run_module(main, {"name": "alice", "comment": "x" * 31}, [])
    assert result["failed"] is True and "at most 30" in result["msg"] and http.sent == []


def test_delete_and_delete_admin_refused(run_module):
    result, dummy = run_module(main, {"name": "alice", "state": "absent"},
                               lookup(user()) + [Call("DELETE", BASE + "/users/5")])
    assert result["changed"] is True and result["user"] is None
    result, http = run_module(main, {"name": "admin", "state": "absent"},
                              [Call("GET", BASE + "/users", answer=[]), Call("GET", BASE + "/users/1", answer=ADMIN)])
    assert result["failed"] is True and "built-in admin" in result["msg"] and len(http.sent) == 2
    result, http = run_module(main, {"name": "alice", "state": "absent"}, lookup())
    assert result["changed"] is False
