# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_robot and harbor_robot_info with every HTTP call scripted."""

import base64
import json
import os
import time

from ansible_collections.harbor_ops.harbor.plugins.modules import harbor_robot, harbor_robot_info

from .http_script import Call, error


def basic(username, password):
    return "Basic " + base64.b64encode(("%s:%s" % (username, password)).encode()).decode()


BASE = "/api/v2.0"
NAME = {"X-Is-Resource-Name": "true"}
DAY = 86400
LIST_QUERY = {"q": "Level=project,ProjectID=7", "page": "1", "page_size": "100"}
PULL_PUSH = [{"resource": "repository", "action": "pull"}, {"resource": "repository", "action": "push"}]
GENERATED = "Gen3ratedSecretFromHarbor0123456"


def stamp(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(epoch))


def robot(robot_id=5, access=None, duration=30, age_days=0.0, expires_at=None, **extra):
    created = time.time() - age_days * DAY
    data = {"id": robot_id, "name": "robot$releases+ci", "level": "project", "duration": duration,
            "disable": False, "editable": True, "description": "ci",
            "expires_at": int(created + duration * DAY) if expires_at is None else expires_at,
            "creation_time": stamp(created), "update_time": stamp(created),
            "permissions": [{"kind": "project", "namespace": "releases", "access": access or PULL_PUSH}]}
    data.update(extra)
    return data


def project_lookup(found=True):
    if not found:
        return Call("GET", BASE + "/projects/releases", status=404, answer=error(404, "not found", "NOT_FOUND"),
                    request_headers=NAME)
    return Call("GET", BASE + "/projects/releases", answer={"project_id": 7, "name": "releases"}, request_headers=NAME)


def robot_list(*robots):
    return Call("GET", BASE + "/robots", query=LIST_QUERY, answer=list(robots))


def permissions(status=200):
    if status != 200:
        return Call("GET", BASE + "/permissions", status=status, answer=error(status, "only admins", "FORBIDDEN"))
    return Call("GET", BASE + "/permissions", answer={
        "system": [{"resource": "project", "action": "create"}],
        "project": [{"resource": "repository", "action": a} for a in ("pull", "push", "list")]})


ARGS = {"name": "ci", "project": "releases", "duration": 30, "description": "ci",
        "permissions": [{"resource": "repository", "action": "push"}, {"resource": "repository", "action": "pull"}]}


def test_create_posts_robot_and_returns_secret_once(run_module):
    calls = [
        project_lookup(), robot_list(), permissions(),
        Call("POST", BASE + "/robots", status=201, headers={"Location": "/api/v2.0/robots/5"},
             body={"name": "ci", "level": "project", "duration": 30, "description": "ci",
                   "permissions": [{"kind": "project", "namespace": "releases", "access": PULL_PUSH}]},
             answer={"id": 5, "name": "robot$releases+ci", "secret": GENERATED}),
        Call("GET", BASE + "/robots/5", answer=robot()),
    ]
    result, dummy = run_module(harbor_robot.main, ARGS, calls, diff=True)
    assert result["changed"] is True
    assert result["secret"] == GENERATED
    assert result["robot"]["name"] == "robot$releases+ci" and "secret" not in result["robot"]
    assert result["days_left"] in (29, 30) and result["expires_at"] == result["robot"]["expires_at"]
    assert "secret" not in str(result["diff"])


def test_second_run_reads_twice_and_writes_nothing(run_module):
    current = robot(access=[{"resource": "repository", "action": "push", "effect": "allow"},
                            {"resource": "repository", "action": "pull"}])
    result, http = run_module(harbor_robot.main, ARGS, [project_lookup(), robot_list(robot(robot_id=4, name="robot$releases+ci2"), current)])
    assert result["changed"] is False and "secret" not in result
    assert len(http.sent) == 2


def test_check_mode_create_reads_only(run_module):
    result, http = run_module(harbor_robot.main, ARGS, [project_lookup(), robot_list(), permissions()], check_mode=True)
    assert result["changed"] is True and result["robot"] is None and result["days_left"] is None
    assert [s.split()[0] for s in http.sent] == ["GET", "GET", "GET"]


def test_update_sends_the_whole_merged_robot(run_module):
    current = robot(description="old")
    wanted = dict(ARGS, permissions=ARGS["permissions"] + [{"resource": "repository", "action": "list"}])
    wanted.pop("description")
    calls = [
        project_lookup(), robot_list(current), permissions(),
        Call("PUT", BASE + "/robots/5", body={
            "name": "robot$releases+ci", "level": "project", "description": "old", "disable": False, "duration": 30,
            "permissions": [{"kind": "project", "namespace": "releases",
                             "access": [{"resource": "repository", "action": "list"}] + PULL_PUSH}]}),
        Call("GET", BASE + "/robots/5", answer=current),
    ]
    result, dummy = run_module(harbor_robot.main, wanted, calls, diff=True)
    assert result["changed"] is True
    assert [p["action"] for p in result["diff"]["before"]["permissions"]] == ["pull", "push"]
    assert [p["action"] for p in result["diff"]["after"]["permissions"]] == ["list", "pull", "push"]
    assert set(result["diff"]["after"]) == {"permissions"}


def test_unknown_permission_is_refused_from_the_builtin_table_when_permissions_are_hidden(run_module):
    args = dict(ARGS, permissions=[{"resource": "repository", "action": "fly"}])
    result, http = run_module(harbor_robot.main, args, [project_lookup(), robot_list(), permissions(403)])
    assert result["failed"] is True
    assert "repository:fly" in result["msg"] and "pull, push, read, update" in result["msg"]
    assert all(s.startswith("GET") for s in http.sent)


def test_permission_harbor_lists_is_accepted_only_if_listed(run_module):
    args = dict(ARGS, permissions=[{"resource": "artifact", "action": "read"}])
    result, dummy = run_module(harbor_robot.main, args, [project_lookup(), robot_list(), permissions()])
    assert result["failed"] is True and "artifact:read" in result["msg"] and "allowed resources: repository" in result["msg"]


def test_bad_input_fails_before_any_request(run_module):
    cases = [
        ({"name": "ci", "permissions": ARGS["permissions"]}, "project is required when level=project"),
        (dict(ARGS, level="system"), "project is only for level=project"),
        (dict(ARGS, name="robot$ci"), "without the 'robot$' prefix"),
        (dict(ARGS, duration=0), "duration=0"),
        (dict(ARGS, secret="short1A"), "secret: Harbor refuses this secret"),
        (dict(ARGS, secret="alllowercase123"), "uppercase"),
        (dict(ARGS, rotate_before_days=30), "rotate_before_days=30 must be smaller than duration=30"),
        (dict(ARGS, secret="Good-Secret-1", rotate=True), "secret and rotate are mutually exclusive"),
        (dict(ARGS, permissions=[{"resource": "repository"}]), "needs both resource and action"),
        (dict(ARGS, permissions=[{"kind": "project", "namespace": "x", "access": []}]), "level=system"),
        (dict(ARGS, permissions=[{"resource": "repository", "action": "pull", "effect": "maybe"}]), "allow or deny"),
        ({"name": "ops", "level": "system", "permissions": [{"kind": "system", "namespace": "x", "access": PULL_PUSH}]},
         "namespace must be '/'"),
        ({"name": "ops", "level": "system", "permissions": [{"kind": "project", "access": PULL_PUSH}]},
         "namespace is required for kind=project"),
    ]
    for args, message in cases:
        result, http = run_module(harbor_robot.main, args, [])
        assert result["failed"] is True and message in result["msg"], (args, result["msg"])
        assert http.sent == []
        assert "short1A" not in result["msg"] and "Good-Secret-1" not in result["msg"]


def test_missing_project_is_refused_and_absent_is_fine(run_module):
    result, http = run_module(harbor_robot.main, ARGS, [project_lookup(found=False)])
    assert result["failed"] is True and "project='releases' does not exist" in result["msg"]
    result, http = run_module(harbor_robot.main, dict(ARGS, state="absent"), [project_lookup(found=False)])
    assert result["changed"] is False and len(http.sent) == 1


def test_chosen_secret_and_disabled_on_create(run_module):
    calls = [
        project_lookup(), robot_list(), permissions(),
        Call("POST", BASE + "/robots", status=201, answer={"id": 5, "name": "robot$releases+ci", "secret": GENERATED}),
        Call("PATCH", BASE + "/robots/5", body={"secret": "Chosen-Secret-42"}, answer={}),
        Call("GET", BASE + "/robots/5", answer=robot()),
        Call("PUT", BASE + "/robots/5", body={
            "name": "robot$releases+ci", "level": "project", "description": "ci", "disable": True, "duration": 30,
            "permissions": [{"kind": "project", "namespace": "releases", "access": PULL_PUSH}]}),
        Call("GET", BASE + "/robots/5", answer=robot(disable=True)),
    ]
    result, dummy = run_module(harbor_robot.main, dict(ARGS, secret="Chosen-Secret-42", disabled=True), calls)
    assert result["changed"] is True and "secret" not in result and result["robot"]["disable"] is True


def test_failed_step_after_create_deletes_the_robot(run_module):
    calls = [
        project_lookup(), robot_list(), permissions(),
        Call("POST", BASE + "/robots", status=201, answer={"id": 5, "name": "robot$releases+ci", "secret": GENERATED}),
        Call("PATCH", BASE + "/robots/5", status=500, answer=error(500, "internal server error", "UNKNOWN")),
        Call("DELETE", BASE + "/robots/5"),
    ]
    result, dummy = run_module(harbor_robot.main, dict(ARGS, secret="Chosen-Secret-42"), calls)
    assert result["failed"] is True and "deleted again" in result["msg"]
    assert GENERATED not in str(result) and "Chosen-Secret-42" not in str(result)


def test_update_secret_always_patches_without_showing_it(run_module):
    calls = [project_lookup(), robot_list(robot()),
             Call("PATCH", BASE + "/robots/5", body={"secret": "Chosen-Secret-42"}, answer={}),
             Call("GET", BASE + "/robots/5", answer=robot())]
    result, dummy = run_module(harbor_robot.main, dict(ARGS, secret="Chosen-Secret-42", update_secret="always"),
                               calls, diff=True)
    assert result["changed"] is True and result["diff"] == {"before": {}, "after": {}}
    # on_create: the robot exists, and Harbor accepts the chosen secret for it (docker login's question)
    accepted = Call("GET", "/service/token", query={"service": "harbor-registry"}, answer={"token": "t"},
                    request_headers={"Authorization": basic("robot$releases+ci", "Chosen-Secret-42")})
    result, http = run_module(harbor_robot.main, dict(ARGS, secret="Chosen-Secret-42"),
                              [project_lookup(), robot_list(robot()), accepted])
    assert result["changed"] is False and len(http.sent) == 3


def test_a_chosen_secret_harbor_refuses_is_set_again(run_module):
    # a create whose answer was lost (or whose secret PATCH failed) left the robot with Harbor's random secret
    refused = Call("GET", "/service/token", status=401, answer=error(401, "unauthorized", "UNAUTHORIZED"))
    calls = [project_lookup(), robot_list(robot()), refused,
             Call("PATCH", BASE + "/robots/5", body={"secret": "Chosen-Secret-42"}, answer={}),
             Call("GET", BASE + "/robots/5", answer=robot())]
    result, http = run_module(harbor_robot.main, dict(ARGS, secret="Chosen-Secret-42"), calls, diff=True)
    assert result["changed"] is True and "Chosen-Secret-42" not in json.dumps(result)


def test_a_missing_secret_file_of_an_existing_robot_means_a_new_secret(run_module, tmp_path):
    target = tmp_path / "ci.secret"  # the robot exists but nobody holds its secret: the create's answer was lost
    calls = [project_lookup(), robot_list(robot()),
             Call("PATCH", BASE + "/robots/5", body={"secret": ""}, answer={"secret": GENERATED}),
             Call("GET", BASE + "/robots/5", answer=robot())]
    result, dummy = run_module(harbor_robot.main, dict(ARGS, secret_file=str(target)), calls)
    assert result["changed"] is True and target.read_text() == GENERATED
    result, http = run_module(harbor_robot.main, dict(ARGS, secret_file=str(target)),
                              [project_lookup(), robot_list(robot())])
    assert result["changed"] is False and len(http.sent) == 2  # the file is there: nothing to refresh


def test_rotate_writes_the_new_secret_to_a_private_file(run_module, tmp_path):
    target = tmp_path / "ci.secret"
    calls = [project_lookup(), robot_list(robot()),
             Call("PATCH", BASE + "/robots/5", body={"secret": ""}, answer={"secret": GENERATED}),
             Call("GET", BASE + "/robots/5", answer=robot())]
    result, dummy = run_module(harbor_robot.main, dict(ARGS, rotate=True, secret_file=str(target)), calls)
    assert result["changed"] is True and result["secret"] == GENERATED
    assert target.read_text() == GENERATED and oct(os.stat(str(target)).st_mode & 0o777) == "0o600"
    result, http = run_module(harbor_robot.main, dict(ARGS, rotate=True, secret_file=str(target)),
                              [project_lookup(), robot_list(robot())])
    assert result["failed"] is True and "force=true" in result["msg"] and len(http.sent) == 2
    assert target.read_text() == GENERATED


def test_rotate_before_days_rotates_and_renews_from_today(run_module):
    near = robot(duration=30, age_days=28.04)  # expires in under 2 days
    calls = [project_lookup(), robot_list(near),
             Call("PATCH", BASE + "/robots/5", body={"secret": ""}, answer={"secret": GENERATED}),
             Call("PUT", BASE + "/robots/5", body={
                 "name": "robot$releases+ci", "level": "project", "description": "ci", "disable": False,
                 "duration": 59, "permissions": [{"kind": "project", "namespace": "releases", "access": PULL_PUSH}]}),
             Call("GET", BASE + "/robots/5", answer=robot(duration=59, age_days=28.04))]
    result, dummy = run_module(harbor_robot.main, dict(ARGS, rotate_before_days=5), calls, diff=True)
    assert result["changed"] is True and result["secret"] == GENERATED
    assert set(result["diff"]["after"]) == {"expires_at"}
    assert result["diff"]["after"]["expires_at"] >= time.time() + 30 * DAY - 60


def test_renewed_robot_matches_its_duration_and_far_robot_is_not_rotated(run_module):
    renewed = robot(duration=59, age_days=28.04)  # expires about 31 days from now
    result, http = run_module(harbor_robot.main, dict(ARGS, rotate_before_days=5), [project_lookup(), robot_list(renewed)])
    assert result["changed"] is False and "secret" not in result and len(http.sent) == 2
    assert result["days_left"] == 30


def test_duration_change_is_sent_when_it_really_differs(run_module):
    calls = [project_lookup(), robot_list(robot(duration=30)),
             Call("PUT", BASE + "/robots/5", body={
                 "name": "robot$releases+ci", "level": "project", "description": "ci", "disable": False,
                 "duration": -1, "permissions": [{"kind": "project", "namespace": "releases", "access": PULL_PUSH}]}),
             Call("GET", BASE + "/robots/5", answer=robot(duration=-1, expires_at=-1))]
    result, dummy = run_module(harbor_robot.main, dict(ARGS, duration=-1), calls, diff=True)
    assert result["diff"] == {"before": {"duration": 30}, "after": {"duration": -1}}
    assert result["expires_at"] == -1 and result["days_left"] is None


def test_system_robot_lookup_create_conflict_and_delete(run_module):
    system = {"name": "ops", "level": "system", "permissions": [
        {"kind": "system", "access": [{"resource": "project", "action": "create"}]},
        {"kind": "project", "namespace": "*", "access": [{"resource": "repository", "action": "pull"}]}]}
    listing = Call("GET", BASE + "/robots", query={"q": "Level=system", "page": "1", "page_size": "100"}, answer=[])
    calls = [listing, permissions(),
             Call("POST", BASE + "/robots", status=409, body={
                 "name": "ops", "level": "system", "duration": 90, "permissions": [
                     {"kind": "project", "namespace": "*", "access": [{"resource": "repository", "action": "pull"}]},
                     {"kind": "system", "namespace": "/", "access": [{"resource": "project", "action": "create"}]}]},
                  answer=error(409, "robot account ops already exists", "CONFLICT")),
             listing, permissions()]  # 409: looked up again (another run may have won the create); not there
    result, dummy = run_module(harbor_robot.main, system, calls)
    assert result["failed"] is True and "set name_prefix" in result["msg"]
    existing = dict(robot(), name="robot$ops", level="system")
    listing = Call("GET", BASE + "/robots", query={"q": "Level=system", "page": "1", "page_size": "100"}, answer=[existing])
    result, dummy = run_module(harbor_robot.main, {"name": "ops", "level": "system", "state": "absent"},
                               [listing, Call("DELETE", BASE + "/robots/5")], diff=True)
    assert result["changed"] is True and result["robot"] is None and result["diff"]["before"]["duration"] == 30


def test_info_lists_with_days_left(run_module):
    never = robot(robot_id=6, name="robot$releases+forever", duration=-1, expires_at=-1)
    result, dummy = run_module(harbor_robot_info.main, {"project": "releases", "name": "forever"},
                               [project_lookup(), robot_list(robot(), never)])
    assert [r["name"] for r in result["robots"]] == ["robot$releases+forever"]
    assert result["robots"][0]["days_left"] is None
    result, dummy = run_module(harbor_robot_info.main, {"project": "releases"}, [project_lookup(found=False)])
    assert result["robots"] == []
