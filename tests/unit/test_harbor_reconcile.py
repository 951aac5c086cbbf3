# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_reconcile: every item validated before the first request, then applied in order."""

import json

import pytest

from ansible_collections.harbor_ops.harbor.plugins.module_utils._reconcile import (
    OPTIONS,
    _plan,
    secret_values,
    validate_declared,
)
from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_reconcile import main

from .http_script import Call, error

BASE = "/api/v2.0"


def found(name, **metadata):
    return Call("GET", BASE + "/projects/" + name, answer={"project_id": 3, "name": name, "repo_count": 0,
                                                           "metadata": dict({"public": "false"}, **metadata)})


def missing(name):
    return Call("GET", BASE + "/projects/" + name, status=404, answer=error(404, "not found", "NOT_FOUND"))


def test_converged_items_cost_one_get_each(run_module):
    projects = [{"name": "p%d" % i, "auto_scan": True} for i in range(5)]
    result, http = run_module(main, {"parallelism": 1, "projects": projects}, [found("p%d" % i, auto_scan="true") for i in range(5)])
    assert result["changed"] is False
    assert result["summary"] == {"projects": {"created": 0, "updated": 0, "deleted": 0, "unchanged": 5}}
    assert len(http.sent) == 5


def test_mixed_actions_and_diffs(run_module):
    calls = [
        missing("new"),
        Call("POST", BASE + "/projects", status=201, headers={"Location": "/api/v2.0/projects/9"},
             body={"project_name": "new", "metadata": {"public": "true"}}),
        Call("GET", BASE + "/projects/9", answer={"project_id": 9, "name": "new"}),
        found("same", auto_scan="true"),
        found("gone"),
        Call("DELETE", BASE + "/projects/3"),
    ]
    result, dummy = run_module(main, {"parallelism": 1,
                                      "projects": [{"name": "new", "public": True}, {"name": "same", "auto_scan": True},
                                                   {"name": "gone", "state": "absent"}]}, calls, diff=True)
    assert result["changed"] is True
    assert [(r["name"], r["action"]) for r in result["results"]] == [("new", "created"), ("same", "unchanged"),
                                                                     ("gone", "deleted")]
    assert [d["before_header"] for d in result["diff"]] == ["projects/new", "projects/gone"]


def test_check_mode_reads_only(run_module):
    result, http = run_module(main, {"parallelism": 1, "projects": [{"name": "new"}, {"name": "same", "public": True}]},
                              [missing("new"), found("same")], check_mode=True)
    assert result["summary"]["projects"]["created"] == 1 and result["summary"]["projects"]["updated"] == 1
    assert all(s.startswith("GET") for s in http.sent)


def test_one_bad_item_fails_before_any_request(run_module):
    projects = [{"name": "ok"}, {"name": "ok2", "severity": "urgent"}, {"name": "Bad Name"}]
    result, http = run_module(main, {"parallelism": 1, "projects": projects}, [])
    assert result["failed"] is True
    assert result["msg"].startswith("projects[1] (ok2): ") and "severity" in result["msg"] and "critical" in result["msg"]
    assert http.sent == []


def test_item_semantic_error_names_the_item(run_module):
    result, http = run_module(main, {"parallelism": 1, "projects": [{"name": "a"}, {"name": "b", "storage_quota": "lots"}]}, [])
    assert result["failed"] and result["msg"].startswith("projects[1] (b): storage_quota=")
    assert http.sent == []


def test_duplicates_and_unknown_options_refused(run_module):
    result, http = run_module(main, {"parallelism": 1, "projects": [{"name": "a"}, {"name": "a"}]}, [])
    assert result["failed"] and "declared more than once: a" in result["msg"]
    result, http = run_module(main, {"parallelism": 1, "projects": [{"name": "a", "pubic": True}]}, [])
    assert result["failed"] and "pubic" in result["msg"]
    assert http.sent == []


def test_a_bad_item_of_a_later_kind_stops_everything_before_any_request(run_module):
    declared = {"projects": [{"name": "ok"}], "replication_policies": [{"name": "r", "mode": "sideways"}]}
    result, http = run_module(main, declared, [])
    assert result["failed"] and result["msg"].startswith("replication_policies[0] (r): ")
    assert "push, pull" in result["msg"]
    assert http.sent == []


def test_check_mode_plans_dependants_of_new_items_without_looking_them_up(run_module):
    declared = {"projects": [{"name": "new"}], "members": [{"project": "new", "user_name": "alice", "role": "developer"}],
                "webhooks": [{"project": "new", "name": "ci", "event_types": ["PUSH_ARTIFACT"],
                              "targets": [{"address": "https://ci.example.com/hook", "auth_header": "Bearer T0ken-x"}]}]}
    preflight = [Call("GET", BASE + "/systeminfo", answer={"auth_mode": "db_auth"}),
                 Call("GET", BASE + "/users", answer=[{"user_id": 5, "username": "alice"}]),
                 Call("GET", BASE + "/projects", answer=[{"project_id": 1, "name": "library"}]),
                 Call("GET", BASE + "/projects/1/webhook/events", answer={"event_type": ["PUSH_ARTIFACT"]})]
    result, http = run_module(main, dict(declared, parallelism=1), preflight + [missing("new")], check_mode=True,
                              diff=True)
    assert [(r["kind"], r["name"], r["action"]) for r in result["results"]] == [
        ("projects", "new", "created"), ("members", "new/alice", "created"), ("webhooks", "new/ci", "created")]
    # read-only checks of the references and event types first, then only the new project's look-up
    assert [s.split("?")[0] for s in http.sent] == ["GET %s/%s" % (BASE, path) for path in (
        "systeminfo", "users", "projects", "projects/1/webhook/events", "projects/new")]
    assert "T0ken-x" not in json.dumps(result)


def test_absent_items_go_in_reverse_kind_order_after_present_ones():
    declared = {option: [] for option in OPTIONS}
    declared["registries"] = [{"name": "reg", "state": "absent"}, {"name": "reg2", "state": "present"}]
    declared["projects"] = [{"name": "p", "state": "absent"}]
    declared["replication_policies"] = [{"name": "pol", "state": "absent"}, {"name": "pol2", "state": "present"}]
    order = [(kind.option, params["name"]) for kind, params in _plan(declared)]
    assert order == [("registries", "reg2"), ("replication_policies", "pol2"),
                     ("replication_policies", "pol"), ("projects", "p"), ("registries", "reg")]


def test_nested_secrets_are_masked():
    validated = validate_declared({
        "registries": [{"name": "r", "type": "harbor", "endpoint_url": "https://x.example.com", "access_key": "k",
                        "access_secret": "Reg-S3cret"}],
        "webhooks": [{"project": "p", "name": "w", "event_types": ["PUSH_ARTIFACT"],
                      "targets": [{"address": "https://ci.example.com", "auth_header": "Bearer H00k"}]}],
        "users": [{"name": "u", "user_password": "User-Passw0rd"}]})
    assert secret_values(validated) == {"Reg-S3cret", "Bearer H00k", "User-Passw0rd"}


def test_duplicate_members_are_named_by_project_and_user(run_module):
    member = {"project": "p", "user_name": "alice", "role": "developer"}
    result, http = run_module(main, {"parallelism": 1, "members": [member, dict(member, role="guest")]}, [])
    assert result["failed"] and "members: declared more than once: p/alice" in result["msg"]
    assert http.sent == []


def test_users_password_rotation_runs_inside_reconcile(run_module):
    alice = {"user_id": 5, "username": "alice", "email": "alice@example.com", "realname": "Alice",
             "comment": "", "sysadmin_flag": False}
    calls = [Call("GET", BASE + "/users", query={"q": "username=alice", "page": "1", "page_size": "100"}, answer=[alice]),
             Call("PUT", BASE + "/users/5/password", body={"new_password": "New-Passw0rd"})]
    result, dummy = run_module(main, {"parallelism": 1,
                                      "users": [{"name": "alice", "user_password": "New-Passw0rd",
                                                 "update_password": "always"}]}, calls)
    assert result["changed"] is True and result["results"][0]["action"] == "updated"
    assert "New-Passw0rd" not in json.dumps(result)


SECRET_BEARING = {
    "users": [{"name": "u", "email": "u@example.com", "realname": "U", "user_password": "User-Passw0rd-1"}],
    "registries": [{"name": "r", "type": "harbor", "endpoint_url": "https://x.example.com", "access_key": "k",
                    "access_secret": "Reg-S3cret-2"}],
    "scanners": [{"name": "s", "endpoint_url": "https://scan.example.com", "auth": "Bearer",
                  "access_credential": "Scan-Cred-3"}],
    "webhooks": [{"project": "p", "name": "w", "event_types": ["PUSH_ARTIFACT"],
                  "targets": [{"address": "https://ci.example.com", "auth_header": "Bearer H00k-4"}]}],
}
SECRETS = ("User-Passw0rd-1", "Reg-S3cret-2", "Scan-Cred-3", "H00k-4", "Typo-Secret-5", "Alias-Secret-6")


@pytest.mark.parametrize("failure", [
    {"projects": [{"name": "Bad Name"}]},  # an invalid item of another kind
    {"projects": [{"name": "x", "pubic": True}]},  # an unknown option in an item
    {"users": SECRET_BEARING["users"] + [{"name": "v", "user_pasword": "Typo-Secret-5"}]},  # a misspelt secret
    {"projectz": [{"name": "x"}]},  # a misspelt top-level option: Ansible's own validation fails
    {"usres": [{"name": "w", "user_password": "Typo-Secret-5"}]},  # ... holding secrets of its own
    {"parallelism": "many"},  # a wrong type: Ansible's validation again
    {"parallelism": 99},  # out of range: refused by the module
    {"registries": SECRET_BEARING["registries"] + [{"name": "r2", "type": "harbor", "insecure": "maybe",
                                                    "access_secret": "Alias-Secret-6"}]},
], ids=["invalid-item", "unknown-key", "misspelt-secret", "unknown-option", "unknown-option-secrets",
        "wrong-type", "out-of-range", "invalid-secret-item"])
def test_no_declared_secret_reaches_the_output_of_a_failed_run(run_module, failure):
    # invocation.module_args is in every result (ansible-playbook shows it at -vvv)
    declared = dict(SECRET_BEARING, **failure)
    result, http = run_module(main, declared, [])
    assert result["failed"] is True and http.sent == []
    assert "module_args" in result["invocation"]
    output = json.dumps(result)
    assert [secret for secret in SECRETS if secret in output] == []


def test_secret_values_reads_raw_items_aliases_and_near_misses():
    raw = {"users": [{"name": "u", "user_password": "A1"}, {"name": "v", "userpassword": "B2"}, "not a dict"],
           "webhook": [{"targets": [{"auth_header": "C3"}]}],  # closest to webhooks
           "unrelated": [{"password": "D4", "nested": {"token": "E5", "name": "n"}}],  # no kind is close
           "projects": [{"name": "p", "metadata": {"x": "y"}}],
           "url": "https://harbor.example.com", "parallelism": 8}
    assert secret_values(raw) == {"A1", "B2", "C3", "D4", "E5"}


def test_a_failing_run_reports_what_it_wrote_and_names_the_failing_item(run_module):
    calls = [
        missing("new"),
        Call("POST", BASE + "/projects", status=201, headers={"Location": "/api/v2.0/projects/9"}),
        Call("GET", BASE + "/projects/9", answer={"project_id": 9, "name": "new"}),
        missing("clash"),
        Call("POST", BASE + "/projects", status=403, answer=error(403, "quota of projects exceeded", "FORBIDDEN")),
    ]
    declared = {"parallelism": 1, "projects": [{"name": "new"}, {"name": "clash"}, {"name": "later"}],
                "labels": [{"name": "l1"}]}
    result, dummy = run_module(main, declared, calls)
    assert result["failed"] is True and result["changed"] is True  # "new" was created before the failure
    assert result["msg"].startswith("projects clash: POST /projects failed: HTTP 403: quota of projects exceeded")
    assert "1 item(s) were applied before, 1 changed" in result["msg"]
    assert [(r["kind"], r["name"], r["action"], r["outcome"]) for r in result["results"]] == [
        ("projects", "new", "created", "ok"), ("projects", "clash", "failed", "failed"),
        ("projects", "later", "skipped", "skipped"), ("labels", "l1", "skipped", "skipped")]
    assert "quota of projects exceeded" in result["results"][1]["error"]
    assert result["status"] == 403 and result["summary"]["projects"]["created"] == 1


def test_a_failing_parallel_batch_keeps_the_items_that_succeeded(run_module):
    calls = [found("a"), found("b"), Call("GET", BASE + "/projects/c", status=500, answer=error(500, "boom")),
             found("d")]
    # 500 on a GET is retried by urllib3 only for 502-504: one answer each
    result, dummy = run_module(main, {"parallelism": 4, "projects": [{"name": n} for n in "abcd"]}, calls, ordered=False)
    assert result["failed"] is True and result["changed"] is False
    outcomes = [(r["name"], r["outcome"]) for r in result["results"]]
    assert outcomes == [("a", "ok"), ("b", "ok"), ("c", "failed"), ("d", "ok")]
    assert result["msg"].startswith("projects c: GET /projects/c failed: HTTP 500")


def test_every_reference_is_checked_before_the_first_write(run_module):
    declared = {"parallelism": 1,
                "registries": [{"name": "old-dr", "state": "absent"}],
                "projects": [{"name": "new"}, {"name": "mirror", "proxy_cache_registry": "dockerhub"}],
                "members": [{"project": "new", "user_name": "nobody", "role": "developer"}],
                "replication_policies": [{"name": "to-dr", "mode": "push", "registry": "old-dr",
                                          "filters": [{"type": "name", "value": "x/**"}]}]}
    calls = [Call("GET", BASE + "/registries", answer=[]),  # dockerhub: not in Harbor
             Call("GET", BASE + "/systeminfo", answer={"auth_mode": "db_auth"}),
             Call("GET", BASE + "/users", answer=[]), Call("GET", BASE + "/users/1", answer={"username": "admin"})]
    result, http = run_module(main, declared, calls)
    assert result["failed"] is True and not result.get("changed")
    assert all(s.startswith("GET") for s in http.sent)  # nothing was created before the refusal
    msg = result["msg"]
    assert msg.startswith("3 problem(s) found before any write")
    assert "projects mirror: proxy_cache_registry='dockerhub' is neither declared under registries nor in Harbor" in msg
    assert "members new/nobody: user_name='nobody' is neither declared under users nor in Harbor" in msg
    assert "replication_policies to-dr: registry='old-dr', which this declaration removes" in msg


def test_under_ldap_a_members_user_is_left_to_harbor_to_onboard(run_module):
    declared = {"parallelism": 1, "members": [{"project": "p", "user_name": "ldap-user", "role": "guest"}]}
    calls = [found("p"), Call("GET", BASE + "/systeminfo", answer={"auth_mode": "ldap_auth"}),
             found("p"), Call("GET", BASE + "/projects/p/members", answer=[])]
    result, http = run_module(main, declared, calls, check_mode=True)
    assert result["changed"] is True and result["results"][0]["action"] == "created"
    assert "/users" not in " ".join(http.sent)


def test_an_unsupported_event_type_is_found_before_earlier_items_are_created(run_module):
    declared = {"parallelism": 1, "projects": [{"name": "new"}],
                "webhooks": [{"project": "new", "name": "ci", "event_types": ["PUSH_ARTIFACT", "TELEPORT"],
                              "targets": [{"address": "https://ci.example.com/hook"}]}]}
    calls = [Call("GET", BASE + "/projects", answer=[{"project_id": 1, "name": "library"}]),
             Call("GET", BASE + "/projects/1/webhook/events", answer={"event_type": ["PUSH_ARTIFACT", "PULL_ARTIFACT"]})]
    result, http = run_module(main, declared, calls)
    assert result["failed"] is True and len(http.sent) == 2
    assert "webhooks new/ci: event_types TELEPORT not supported by this Harbor; it supports PUSH_ARTIFACT" in result["msg"]
