# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 15: every module's EXAMPLES, run as written (connection given once by module_defaults) against the
emulator or the real Harbor HARBOR_URL names, twice: the first run must succeed, the second must change nothing
but the tasks that act by nature (a GC or retention run, a forced scan or rotation, a password set always).

What the examples name that does not exist here is set up first (the projects, an image, a registry to pull from,
a scanner) and endpoints are pointed at what Harbor can reach (`harbor-dr.example.com` and Docker Hub are this
Harbor, the Grype adapter is the test scanner). Only examples that need what no test Harbor has are left out, each with its reason.
Everything the examples create is removed afterwards, and the global settings they change are put back.
"""

import ast
import http.cookiejar
import os
import re
import time
import uuid

import pytest
import requests
import yaml

from tests import oci_images
from tests.scanner_adapter import ScannerAdapter

from .ansible_runner import run_playbook

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONNECTION = ("url", "username", "password", "validate_certs", "ca_path")
# module order: what an example refers to is created by an earlier one
ORDER = ("harbor_info", "harbor_config_info", "harbor_config", "harbor_user", "harbor_user_info", "harbor_usergroup",
         "harbor_usergroup_info", "harbor_registry", "harbor_registry_info", "harbor_project", "harbor_project_info",
         "harbor_project_member", "harbor_project_member_info", "harbor_label", "harbor_label_info", "harbor_robot",
         "harbor_robot_info", "harbor_immutable_tag_rule", "harbor_immutable_tag_rule_info", "harbor_retention_info",
         "harbor_retention", "harbor_webhook", "harbor_webhook_info", "harbor_cve_allowlist",
         "harbor_cve_allowlist_info", "harbor_scan", "harbor_scan_all", "harbor_scanner_info", "harbor_scanner",
         "harbor_gc", "harbor_gc_info", "harbor_purge_audit", "harbor_purge_audit_info", "harbor_retention_execution",
         "harbor_replication", "harbor_replication_execution", "harbor_replication_info", "harbor_inventory_info",
         "harbor_reconcile")
# (module, argument, value) of the examples that need what no test Harbor has
LEFT_OUT = {
    ("harbor_config", "auth_mode", "oidc_auth"): "switches the auth mode, which Harbor allows only before other users exist",
    ("harbor_project_member", "ldap_group_dn", None): "needs an LDAP server",
    ("harbor_usergroup", "type", "ldap"): "needs an LDAP server",
}
# endpoints and paths the examples name, and what stands in for them here
STAND_INS = (
    ("https://harbor-dr.example.com", "{{ harbor_url }}"),
    ("robot$replicator", "{{ harbor_username }}"),
    ("/etc/ci/", "{{ secret_dir }}/"),
    ("http://grype-adapter.scanning.svc:8080", "{{ scanner_url | replace('127.0.0.1', 'localhost') }}"),
    ("sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945", "{{ frontend_digest }}"),
)
PROJECTS = ("releases", "base-images", "dockerhub-cache", "dockerhub-mirror", "scratch", "apps", "app", "mirror", "platform", "team-web",
            "old-team")
REGISTRIES = ("dr-site", "docker-hub", "dockerhub", "primary")
POLICIES = ("nightly-from-primary", "to-dr", "releases-to-dr")
USERS = ("alice", "bob", "release-bot")
SETTINGS = ("project_creation_restriction", "robot_token_duration", "session_timeout", "storage_per_project",
            "banner_message")


def examples(module):
    with open(os.path.join(ROOT, "plugins", "modules", module + ".py")) as handle:
        tree = ast.parse(handle.read())
    text = next(node.value.value for node in tree.body
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "EXAMPLES")
    return _stand_in(yaml.safe_load(text) or [])


def _stand_in(value):
    if isinstance(value, dict):
        if value.get("type") == "docker-hub" and "endpoint_url" in value:
            # Docker Hub is out of reach here: this Harbor stands in as the upstream (a Harbor-type registry)
            value = dict(value, type="harbor", endpoint_url="{{ harbor_url }}")
        return {key: _stand_in(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_stand_in(item) for item in value]
    if isinstance(value, str):
        for example, stand_in in STAND_INS:
            value = value.replace(example, stand_in)
    return value


def _module_of(task):
    return next((key for key in task if key.startswith("harbor_ops.harbor.")), None)


def left_out(module, task):
    """The reason an example task is not run here, or None."""
    name = _module_of(task)
    args = task.get(name) or {} if name else {}
    for (kind, key, value), reason in LEFT_OUT.items():
        if name == "harbor_ops.harbor." + kind and key in args and value in (None, args[key]):
            return reason
    return None


def acts_by_nature(task):
    """A task that changes something every time it runs, by what it is asked to do."""
    name = _module_of(task)
    args = task.get(name) or {} if name else {}
    short = name.rsplit(".", 1)[-1] if name else ""
    return bool(args.get("run_now") or args.get("force") or args.get("update_password") == "always"
                or short == "harbor_retention_execution"  # a dry run too starts an execution
                or (short == "harbor_replication_execution" and args.get("action", "start") == "start"))


def _strip(task):
    task = dict(task)
    task.pop("module_defaults", None)
    if "block" in task:
        task["block"] = [_strip(t) for t in task["block"]]
    name = _module_of(task)
    if name and isinstance(task[name], dict):
        task[name] = {k: v for k, v in task[name].items() if k not in CONNECTION}
    return task


AGAIN = " (again)"


def _twice(module, tasks):
    """Each example task of a module named after it, and each harbor task once more right after itself: the copy is
    the second identical run, which must change nothing unless the task acts by nature."""
    out, acting = [], []
    for task in tasks:
        if "block" in task:
            inner, more = _twice(module, task["block"])
            out.append(dict(task, name="%s: %s" % (module, task.get("name")), block=inner))
            acting += more
            continue
        task = dict(task, name="%s: %s" % (module, task.get("name", "unnamed")))
        out.append(task)
        if _module_of(task):
            out.append(dict(task, name=task["name"] + AGAIN))
            if acts_by_nature(task):
                acting.append(task["name"] + AGAIN)
    return out, acting


def build(module):
    """The module's examples as tasks to run here, the repeats that may change (they act by nature), and what was
    left out."""
    tasks, skipped = [], []
    for task in examples(module):
        reason = left_out(module, task)
        if reason:
            skipped.append((task.get("name"), reason))
            continue
        tasks.append(_strip(task))
    tasks, acting = _twice(module, tasks)
    return tasks, acting, skipped


def playbook(path, harbor_target):
    tasks, acting, skipped = [], [], []
    for module in ORDER:
        more, act, skip = build(module)
        tasks += more
        acting += act
        skipped += [(module, name, reason) for name, reason in skip]
    connection = {"url": "{{ harbor_url }}", "username": "{{ harbor_username }}", "password": "{{ harbor_password }}"}
    if harbor_target.ca_path and harbor_target.proxy is None:
        connection["ca_path"] = harbor_target.ca_path
    context = [{"name": "context: a retention policy in project app, for harbor_retention_execution",
                "harbor_ops.harbor.harbor_retention": {"project": "app", "rules": [
                    {"template": "latestPushedK", "count": 3}]}}]
    plays = [{"name": "Every module's EXAMPLES", "hosts": "localhost", "gather_facts": False,
              "module_defaults": {"group/harbor_ops.harbor.harbor": connection}, "tasks": context + tasks}]
    with open(path, "w") as handle:
        yaml.safe_dump(plays, handle, sort_keys=False)
    return acting, skipped


class Admin(object):
    def __init__(self, harbor_target):
        self.api = harbor_target.url + "/api/v2.0"
        self.session = requests.Session()
        self.session.auth = (harbor_target.username, harbor_target.password)
        self.session.verify = harbor_target.ca_path or True
        self.session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))

    def call(self, method, path, expect=(200, 201), **kwargs):
        response = self.session.request(method, self.api + path, timeout=60, **kwargs)
        assert response.status_code in expect, (method, path, response.status_code, response.text)
        return response

    def get(self, path, **params):
        return self.call("GET", path, params=dict(params, page_size=100)).json()

    def named(self, path, key, value, **params):
        return [item for item in self.get(path, **params) or [] if item.get(key) == value]


def _delete_policy(admin, policy_id):
    """Harbor refuses to delete a policy while an execution of it runs (412): stop them, then retry a while."""
    for execution in admin.get("/replication/executions", policy_id=policy_id):
        if execution["status"] == "InProgress":
            admin.call("PUT", "/replication/executions/%d" % execution["id"], expect=(200, 404, 412))
    deadline = time.monotonic() + 60
    while admin.call("DELETE", "/replication/policies/%d" % policy_id, expect=(200, 404, 412)).status_code == 412:
        assert time.monotonic() < deadline, "replication policy %d still has a running execution" % policy_id
        time.sleep(2)


def _cleanup(admin):
    for name in POLICIES:
        for policy in admin.named("/replication/policies", "name", name, name=name):
            _delete_policy(admin, policy["id"])
    for robot in admin.named("/robots", "name", "provisioner", q="Level=system"):
        admin.call("DELETE", "/robots/%d" % robot["id"], expect=(200, 404))
    for name in PROJECTS:
        if admin.call("HEAD", "/projects", expect=(200, 404), params={"project_name": name}).status_code != 200:
            continue
        for repository in admin.get("/projects/%s/repositories" % name):
            admin.call("DELETE", "/projects/%s/repositories/%s" % (
                name, requests.utils.quote(requests.utils.quote(repository["name"].split("/", 1)[1], safe=""), safe="")),
                expect=(200, 404))
        for label in admin.get("/labels", scope="p", project_id=admin.get("/projects/" + name)["project_id"]):
            admin.call("DELETE", "/labels/%d" % label["id"], expect=(200, 404))
        admin.call("DELETE", "/projects/" + name, expect=(200, 404))
    for name in REGISTRIES:
        for registry in admin.named("/registries", "name", name):
            admin.call("DELETE", "/registries/%d" % registry["id"], expect=(200, 404, 412))
    for name in USERS:
        for user in admin.named("/users", "username", name, q="username=" + name):
            admin.call("DELETE", "/users/%d" % user["user_id"], expect=(200, 404))
    for group in admin.get("/usergroups"):
        if group["group_name"] in ("platform-team", "auditors"):
            admin.call("DELETE", "/usergroups/%d" % group["id"], expect=(200, 404))
    for label in admin.named("/labels", "name", "production", scope="g"):
        admin.call("DELETE", "/labels/%d" % label["id"], expect=(200, 404))
    for scanner in admin.get("/scanners"):
        if scanner["name"] in ("grype", "examples-scanner"):
            admin.call("DELETE", "/scanners/" + scanner["uuid"], expect=(200, 404))


@pytest.fixture
def examples_harbor(harbor_target, tmp_path):
    """The context the examples assume, and everything put back afterwards."""
    admin = Admin(harbor_target)
    _cleanup(admin)
    settings = {k: v["value"] for k, v in admin.get("/configurations").items() if k in SETTINGS}
    allowlist = admin.get("/system/CVEAllowlist")
    answer = admin.call("GET", "/system/gc/schedule")
    gc_schedule = answer.json() if answer.content else {}
    scanners = admin.get("/scanners")
    default_scanner = next((s["uuid"] for s in scanners if s.get("is_default")), None)
    # an adapter of its own on loopback (a real Harbor there reaches it): the other targets register theirs
    adapter = ScannerAdapter().start()
    admin.call("POST", "/scanners", json={"name": "examples-scanner", "url": adapter.url})
    scanners = admin.get("/scanners")
    # harbor_scan's examples need a default scanner, and harbor_scanner's (run later) make Grype the default and
    # then delete it: the test scanner is made the default before each run
    test_scanner = [s["uuid"] for s in scanners if s["url"] == adapter.url][0]
    for name in ("apps", "app", "mirror"):
        admin.call("POST", "/projects", json={"project_name": name, "metadata": {"public": "false"}})
    admin.call("POST", "/registries", json={"name": "primary", "type": "harbor", "url": harbor_target.url, "credential": {
        "type": "basic", "access_key": harbor_target.username, "access_secret": harbor_target.password}})
    layout = str(tmp_path / "layout")
    digest = oci_images.build_layout(layout, "1.4.2", layers=1, layer_size=4096)
    pusher = type("Target", (), {"url": harbor_target.url, "admin": (harbor_target.username, harbor_target.password)})
    oci_images.push(layout, "1.4.2", pusher, "apps/shop/frontend")
    secret_dir = tmp_path / "secrets"
    secret_dir.mkdir()
    vault = {name: "Ex-%s-A1" % uuid.uuid4().hex[:12] for name in (
        "vault_oidc_client_secret", "vault_provisioner_secret", "vault_alice_password", "vault_alice_new_password",
        "vault_release_bot_password", "vault_grype_api_key", "vault_ci_token", "vault_harbor_ci_password")}
    vault.update(vault_harbor_admin_password=harbor_target.password, vault_harbor_dr_password=harbor_target.password,
                 vault_replicator_secret=harbor_target.password, vault_dr_robot_secret=harbor_target.password)
    variables = harbor_target.playbook_vars(secret_dir=str(secret_dir), frontend_digest=digest,
                                            scanner_url=adapter.url, **vault)
    try:
        yield variables, lambda: admin.call("PATCH", "/scanners/" + test_scanner, json={"is_default": True})
    finally:
        _cleanup(admin)
        if default_scanner is not None and any(s["uuid"] == default_scanner for s in admin.get("/scanners")):
            admin.call("PATCH", "/scanners/" + default_scanner, json={"is_default": True})
        admin.call("DELETE", "/scanners/" + test_scanner, expect=(200, 404))
        adapter.stop()
        admin.call("PUT", "/configurations", json=settings)
        admin.call("PUT", "/system/CVEAllowlist", json={"items": allowlist.get("items") or [],
                                                        "expires_at": allowlist.get("expires_at")})
        schedule = (gc_schedule or {}).get("schedule") or {"type": "None"}
        admin.call("PUT", "/system/gc/schedule", json={"schedule": {"type": schedule.get("type") or "None",
                                                                    "cron": schedule.get("cron") or ""},
                                                       "parameters": (gc_schedule or {}).get("parameters") or {}})


def _task_outcomes(run):
    """(task name, first word of its outcome line) from the default callback's output."""
    outcomes, task = [], None
    for line in run.stdout.splitlines():
        found = re.match(r"TASK \[(.*)\] \**$", line)
        if found:
            task = found.group(1)
        elif task and re.match(r"(ok|changed|skipping|fatal|failed): \[", line):
            outcomes.append((task, line.split(":", 1)[0], line))
    return outcomes


def _changed_tasks(run):
    return [task for task, outcome, dummy in _task_outcomes(run) if outcome == "changed"]


def _failures(run):
    failed = ["%s: %s" % (task, line[:1500]) for task, outcome, line in _task_outcomes(run)
              if outcome in ("fatal", "failed")]
    return "\n".join(failed) or run.output[-4000:]


def test_every_example_runs_and_a_second_run_changes_only_what_acts(harbor_target, examples_harbor, tmp_path):
    path = str(tmp_path / "examples.yml")
    acting, skipped = playbook(path, harbor_target)
    assert [module for module, dummy, dummy in skipped] == ["harbor_config", "harbor_usergroup",
                                                            "harbor_project_member"], skipped
    variables, default_scanner = examples_harbor
    for dummy in range(2):  # the examples undo each other (present, then absent): a second run must succeed too
        default_scanner()
        run = run_playbook(path, variables)
        assert run.succeeded, _failures(run)
        repeats = [name for name in _changed_tasks(run) if name.endswith(AGAIN)]
        assert [name for name in repeats if name not in acting] == []
