# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Two emulator instances (primary and DR) with real registries: images really move.

The modules run through ansible-playbook; the images are pushed with skopeo and read back through
each instance's /v2/ to compare digests.
"""

import http.cookiejar
import os
import uuid

import pytest
import requests
import yaml

from tests import oci_images
from tests.harbor_emulator.recording_proxy import RecordingProxy

from .ansible_runner import run_playbook

# a real pair: HARBOR_URL is the DR site, HARBOR_PEER_URL the primary it pulls from (a second Harbor sharing nothing)
TWO_REAL = bool(os.environ.get("HARBOR_URL") and os.environ.get("HARBOR_PEER_URL"))
emulators_only = pytest.mark.skipif(bool(os.environ.get("HARBOR_URL")),
                                    reason="needs two emulators: fault injection on the primary's /v2/, a proxy cache")


class RealSite(object):
    """A real Harbor of a DR pair (HARBOR_URL and HARBOR_PEER_URL), shaped like an EmulatorProcess for these tests."""

    def __init__(self, url, password):
        self.url = url.rstrip("/")
        self.api = self.url + "/api/v2.0"
        self.admin = ("admin", password)


def _session():
    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


def _play(tmp_path, emulator, tasks, name="play"):
    """Run tasks against `emulator` in one play; returns the run."""
    connection = {"url": emulator.url, "username": "admin", "password": emulator.admin[1]}
    play = [{"name": name, "hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/harbor_ops.harbor.harbor": connection}, "tasks": tasks}]
    path = tmp_path / ("%s.yml" % name)
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    return run_playbook(str(path), {})


@pytest.fixture
def pair(request):
    """(primary, DR, source project): two emulators, or the real Harbors of HARBOR_PEER_URL (primary) and
    HARBOR_URL (DR); no state shared, names carry a random prefix since real Harbors are not fresh."""
    if TWO_REAL:
        prefix = "dr%s" % uuid.uuid4().hex[:6]
        dr = RealSite(os.environ["HARBOR_URL"], os.environ.get("HARBOR_PASSWORD", ""))
        primary = RealSite(os.environ["HARBOR_PEER_URL"], os.environ.get("HARBOR_PEER_PASSWORD") or dr.admin[1])
        created = _session().post(primary.api + "/projects", auth=primary.admin, json={"project_name": prefix + "src"})
        assert created.status_code == 201, created.text
        return primary, dr, prefix
    if os.environ.get("HARBOR_URL"):
        pytest.skip("a real DR pair needs HARBOR_PEER_URL (and HARBOR_PEER_PASSWORD): the primary HARBOR_URL pulls from")
    factory = request.getfixturevalue("harbor_emulator_factory")
    return factory(), factory(), ""


@pytest.fixture
def sites(pair, tmp_path):
    """(primary, DR, digests, names) with SRC/app:{v1,v2,dev} and SRC/tools:v1 pushed to the primary;
    SRC is ``library`` on emulators."""
    primary, dr, prefix = pair
    names = {"src": prefix + "src" if prefix else "library", "mirror": prefix + "mirror",
             "registry": prefix + "primary", "policy": prefix + "from-primary"}
    layout = str(tmp_path / "layout")
    digests = {}
    for tag in ("v1", "v2", "dev"):
        digests["app:" + tag] = oci_images.build_layout(layout, tag, layers=2, layer_size=8192)
        oci_images.push(layout, tag, primary, names["src"] + "/app")
    oci_images.push(layout, "v1", primary, names["src"] + "/tools")
    digests["tools:v1"] = digests["app:v1"]
    return primary, dr, digests, names


def test_pull_policy_copies_exactly_the_matching_tags(sites, tmp_path):
    primary, dr, digests, names = sites
    mirror = names["mirror"]
    tasks_expected = 1  # one task per repository (controller/replication/flow/stage.go), on both
    tasks = [
        {"name": "The primary as an endpoint of the DR site", "harbor_ops.harbor.harbor_registry": {
            "name": names["registry"], "type": "harbor", "endpoint_url": primary.url, "access_key": "admin",
            "access_secret": primary.admin[1], "update_secret": "on_create"}},
        {"name": "The mirror project", "harbor_ops.harbor.harbor_project": {"name": mirror}},
        {"name": "Pull v* tags of SRC/app, not dev", "harbor_ops.harbor.harbor_replication": {
            "name": names["policy"], "mode": "pull", "registry": names["registry"], "dest_namespace": mirror,
            "dest_namespace_replace_count": 1,
            "filters": [{"type": "name", "value": names["src"] + "/app"}, {"type": "tag", "value": "v*"}]}},
        {"name": "Run it and wait", "harbor_ops.harbor.harbor_replication_execution": {
            "policy": names["policy"], "wait": True, "wait_timeout": 300}, "register": "first"},
        {"name": "Run it again", "harbor_ops.harbor.harbor_replication_execution": {
            "policy": names["policy"], "wait": True, "wait_timeout": 300}, "register": "second"},
        {"name": "Both succeeded", "ansible.builtin.assert": {"that": [
            # Harbor runs one task per repository (controller/replication/flow/stage.go), the emulator too
            "first.execution.status == 'Succeed'", "first.execution.total == %d" % tasks_expected,
            "first.execution.succeed == first.execution.total",
            "first.failed_tasks == []", "second.execution.status == 'Succeed'"]}},
    ]
    run = _play(tmp_path, dr, tasks)
    assert run.succeeded, run.output
    session = _session()
    assert oci_images.v2_tags(session, dr, mirror + "/app") == {"v1": digests["app:v1"], "v2": digests["app:v2"]}
    assert oci_images.v2_tags(session, dr, mirror + "/tools") == {}
    # the second execution moved nothing: each task's log says the artifact was there already
    # (real Harbor: controller/replication/transfer/image/transfer.go; the emulator: "nothing copied")
    policy_id = [p for p in session.get(dr.api + "/replication/policies", auth=dr.admin, params={"page_size": 100}).json()
                 if p["name"] == names["policy"]][0]["id"]
    executions = session.get(dr.api + "/replication/executions", auth=dr.admin,
                             params={"sort": "-id", "policy_id": policy_id}).json()
    second = executions[0]
    tasks = session.get("%s/replication/executions/%d/tasks" % (dr.api, second["id"]), auth=dr.admin).json()
    logs = [session.get("%s/replication/executions/%d/tasks/%d/log" % (dr.api, second["id"], t["id"]), auth=dr.admin,
                        headers={"Accept": "text/plain"}).text for t in tasks]
    skipped = ("nothing copied", "already exists on the destination registry, skip")
    assert len(logs) == tasks_expected and all(any(s in log for s in skipped) for log in logs), logs
    # the API shows what the registry holds
    artifacts = session.get(dr.api + "/projects/%s/repositories/app/artifacts" % mirror, auth=dr.admin).json()
    assert sorted(t["name"] for a in artifacts for t in a["tags"]) == ["v1", "v2"]
    assert sorted(a["digest"] for a in artifacts) == sorted([digests["app:v1"], digests["app:v2"]])


@pytest.fixture
def faulty_primary(sites):
    """The primary as the DR site reaches it, able to fail on purpose: the emulator itself, or on a real pair the
    recording proxy in front of HARBOR_PEER_URL (the DR Harbor's registry endpoint is then the proxy's URL)."""
    primary, dr, digests, names = sites
    if not TWO_REAL:
        yield primary, primary
        return
    proxy = RecordingProxy(primary.url).start()
    try:
        yield proxy, RealSite(proxy.url, primary.admin[1])
    finally:
        proxy.stop()


def test_failed_task_is_reported_with_its_log(sites, faulty_primary, tmp_path):
    primary, dr, digests, names = sites
    faults, endpoint = faulty_primary
    src = names["src"]
    faults.fault(path_regex="^/v2/%s/app/manifests/v2$" % src, method="GET", status=500, count=None)
    tasks = [
        {"harbor_ops.harbor.harbor_registry": {"name": names["registry"], "type": "harbor", "endpoint_url": endpoint.url,
                                               "access_key": "admin", "access_secret": primary.admin[1]}},
        {"harbor_ops.harbor.harbor_replication": {"name": names["policy"], "mode": "pull", "registry": names["registry"],
                                                  "dest_namespace": names["mirror"], "dest_namespace_replace_count": 1,
                                                  "filters": [{"type": "name", "value": src + "/app"},
                                                              {"type": "tag", "value": "dev", "decoration": "excludes"}]}},
        {"harbor_ops.harbor.harbor_replication_execution": {"policy": names["policy"], "wait": True, "wait_timeout": 300},
         "register": "run", "ignore_errors": True},
        {"ansible.builtin.assert": {"that": [
            # one task for the repository: v1 is copied, v2 fails, and so the task fails (transfer/image/transfer.go)
            "run is failed", "run.execution.status == 'Failed'", "run.execution.failed == 1", "run.execution.succeed == 0",
            "run.failed_tasks | length == 1",
            "run.failed_tasks[0].src_resource == '%s/app [2 item(s) in total]'" % src,
            "'500' in run.failed_tasks[0].log", "'mark the job failure' in run.failed_tasks[0].log",
            "'%s/app [2 item(s) in total]' in run.msg" % src]}},
    ]
    try:
        run = _play(tmp_path, dr, tasks)
    finally:
        faults.clear_faults()
    assert run.succeeded, run.output
    assert oci_images.v2_tags(_session(), dr, names["mirror"] + "/app") == {"v1": digests["app:v1"]}


@emulators_only
def test_event_based_push_policy_and_proxy_cache(sites, tmp_path):
    primary, dr, digests, dummy = sites
    tasks = [
        {"harbor_ops.harbor.harbor_registry": {"name": "dr", "type": "harbor", "endpoint_url": dr.url,
                                               "access_key": "admin", "access_secret": dr.admin[1]}},
        {"harbor_ops.harbor.harbor_replication": {"name": "to-dr", "mode": "push", "registry": "dr",
                                                  "trigger": {"type": "event_based"},
                                                  "filters": [{"type": "name", "value": "library/**"}]}},
    ]
    run = _play(tmp_path, primary, tasks)
    assert run.succeeded, run.output
    layout = str(tmp_path / "layout2")
    digest = oci_images.build_layout(layout, "v9", layers=1, layer_size=4096)
    oci_images.push(layout, "v9", primary, "library/fresh")
    session = _session()
    executions = session.get(primary.api + "/replication/executions", auth=primary.admin).json()
    assert [e["trigger"] for e in executions] == ["event_based"]
    assert oci_images.wait_execution(session, primary, executions[0]["id"])["status"] == "Succeed"
    assert oci_images.v2_tags(session, dr, "library/fresh") == {"v9": digest}

    # proxy cache on the DR site: pulling cache/library/app:v1 fetches it from the primary
    tasks = [
        {"harbor_ops.harbor.harbor_registry": {"name": "primary", "type": "harbor", "endpoint_url": primary.url,
                                               "access_key": "admin", "access_secret": primary.admin[1]}},
        {"harbor_ops.harbor.harbor_project": {"name": "cache", "proxy_cache_registry": "primary"}, "register": "cache"},
        {"ansible.builtin.assert": {"that": ["cache is changed", "cache.project.registry_id > 0"]}},
        {"name": "The registry is in use by the proxy-cache project", "harbor_ops.harbor.harbor_registry": {
            "name": "primary", "state": "absent"}, "register": "refused", "ignore_errors": True},
        {"ansible.builtin.assert": {"that": ["refused is failed", "'proxy-cache projects cache' in refused.msg"]}},
    ]
    run = _play(tmp_path, dr, tasks, name="proxy")
    assert run.succeeded, run.output
    head = session.head("%s/v2/cache/library/app/manifests/v1" % dr.url, auth=dr.admin,
                        headers={"Accept": oci_images.OCI_MANIFEST})
    assert head.status_code == 200
    assert head.headers["Docker-Content-Digest"] == digests["app:v1"]
    repos = session.get(dr.api + "/projects/cache/repositories", auth=dr.admin).json()
    assert [r["name"] for r in repos] == ["cache/library/app"]
