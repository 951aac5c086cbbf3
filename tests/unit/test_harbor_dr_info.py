# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_inventory_info and harbor_replication_info with every HTTP call scripted."""

import datetime

from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_inventory_info import main as inventory_main
from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_replication_info import age_seconds, parse_time
from ansible_collections.harbor_ops.harbor.plugins.modules.harbor_replication_info import main as replication_main

from .http_script import Call

BASE = "/api/v2.0"
D1 = "sha256:" + "1" * 64
D2 = "sha256:" + "2" * 64
D3 = "sha256:" + "3" * 64
PAGE = {"page": "1", "page_size": "100"}
BY_NAME = {"X-Is-Resource-Name": "true"}


def artifacts(path, answer):
    return Call("GET", BASE + path, query=dict(PAGE, with_tag="true"), answer=answer, request_headers=BY_NAME)


def test_inventory_of_every_project_but_proxy_caches(run_module):
    calls = [
        Call("GET", BASE + "/projects", answer=[{"name": "library", "registry_id": 0}, {"name": "cache", "registry_id": 3}]),
        Call("GET", BASE + "/projects/library/repositories", answer=[{"name": "library/app"}, {"name": "library/team/tool"}],
             request_headers=BY_NAME),
        artifacts("/projects/library/repositories/app/artifacts", [
            {"digest": D1, "tags": [{"name": "v1"}, {"name": "latest"}]}, {"digest": D2}]),
        # a nested repository name travels encoded twice
        artifacts("/projects/library/repositories/team%252Ftool/artifacts", [{"digest": D3, "tags": [{"name": "1.0"}]}]),
    ]
    result, dummy = run_module(inventory_main, {}, calls)
    assert result["changed"] is False
    assert result["inventory"] == {"library/app": {"v1": D1, "latest": D1}, "library/team/tool": {"1.0": D3}}
    assert result["references"] == ["library/app:latest@" + D1, "library/app:v1@" + D1, "library/team/tool:1.0@" + D3]
    assert result["untagged"] == ["library/app@" + D2]
    assert (result["projects"], result["repository_count"], result["tag_count"]) == (["library"], 2, 3)
    assert "unserved" not in result


def test_unknown_project_is_named(run_module):
    calls = [Call("GET", BASE + "/projects/nope", status=404, answer={"errors": [{"code": "NOT_FOUND", "message": "x"}]})]
    result, dummy = run_module(inventory_main, {"projects": ["nope"]}, calls)
    assert result["failed"] is True and result["msg"] == "projects: no project named 'nope' exists"


def test_verify_manifests_reports_what_the_registry_does_not_serve(run_module):
    calls = [
        Call("GET", BASE + "/projects/library", answer={"name": "library"}),
        Call("GET", BASE + "/projects/library/repositories", answer=[{"name": "library/app"}]),
        artifacts("/projects/library/repositories/app/artifacts", [
            {"digest": D1, "tags": [{"name": "v1"}]}, {"digest": D2, "tags": [{"name": "v2"}]},
            {"digest": D3, "tags": [{"name": "v3"}]}]),
        Call("HEAD", "/v2/library/app/manifests/v1", headers={"Docker-Content-Digest": D1}),
        Call("HEAD", "/v2/library/app/manifests/v2", status=404),
        Call("HEAD", "/v2/library/app/manifests/v3", headers={"Docker-Content-Digest": D1}),
    ]
    result, dummy = run_module(inventory_main, {"projects": ["library"], "verify_manifests": True}, calls)
    assert result["unserved"] == [
        {"reference": "library/app:v2@" + D2, "status": 404, "served_digest": ""},
        {"reference": "library/app:v3@" + D3, "status": 200, "served_digest": D1},
    ]


def policy(policy_id, name, src_id=0, dest_id=0, **extra):
    registries = {2: {"id": 2, "name": "primary", "url": "https://primary.example.com/"}, 0: {"id": 0, "name": "Local"},
                  5: {"id": 5, "name": "other", "url": "https://other.example.com"}}
    return dict({"id": policy_id, "name": name, "src_registry": registries[src_id], "dest_registry": registries[dest_id]},
                **extra)


def test_pull_policies_by_endpoint_url_with_their_last_success(run_module):
    calls = [
        Call("GET", BASE + "/replication/policies", answer=[
            policy(1, "zz-pull", src_id=2, enabled=True), policy(2, "push", dest_id=2, enabled=True),
            policy(3, "aa-pull", src_id=2), policy(4, "other-pull", src_id=5, enabled=True)]),
        Call("GET", BASE + "/replication/executions", query=dict(PAGE, policy_id="3", status="Succeed", sort="-id"), answer=[]),
        Call("GET", BASE + "/replication/executions", query=dict(PAGE, policy_id="1", status="Succeed", sort="-id"),
             answer=[{"id": 9, "status": "Succeed", "end_time": "2000-01-01T00:00:00.5Z"}]),
    ]
    result, dummy = run_module(replication_main, {"mode": "pull", "registry_url": "https://primary.example.com",
                                                  "last_success": True}, calls)
    names = [(p["name"], p["mode"], p["registry"], p["enabled"]) for p in result["policies"]]
    # Harbor leaves enabled=false out of its answer; the module puts it back
    assert names == [("aa-pull", "pull", "primary", False), ("zz-pull", "pull", "primary", True)]
    assert result["policies"][0]["last_success"] is None and result["policies"][0]["last_success_age_seconds"] is None
    assert result["policies"][1]["last_success"]["id"] == 9
    assert result["policies"][1]["last_success_age_seconds"] > 365 * 24 * 3600


def test_unknown_registry_is_named(run_module):
    calls = [Call("GET", BASE + "/registries", answer=[])]
    result, dummy = run_module(replication_main, {"registry": "nope"}, calls)
    assert result["failed"] is True and "registry='nope'" in result["msg"]


def test_harbor_timestamps():
    utc = datetime.timezone.utc
    assert parse_time("2026-11-23T10:13:02.118Z") == datetime.datetime(2026, 11, 23, 10, 13, 2, 118000, tzinfo=utc)
    assert parse_time("2026-11-23T10:13:02Z") == datetime.datetime(2026, 11, 23, 10, 13, 2, tzinfo=utc)
    assert parse_time("2026-11-23T12:13:02.123456789+02:00") == datetime.datetime(2026, 11, 23, 10, 13, 2, 123456, tzinfo=utc)
    assert parse_time("") is None and parse_time("yesterday") is None
    now = datetime.datetime(2026, 11, 23, 10, 14, 2, 118000, tzinfo=utc)
    assert age_seconds("2026-11-23T10:13:02.118Z", now) == 60.0


def _doc(document):
    """A manifest's bytes and digest."""
    import hashlib
    import json
    raw = json.dumps(document, sort_keys=True)
    return raw, "sha256:" + hashlib.sha256(raw.encode()).hexdigest()


def _blob(text):
    import hashlib
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def test_verify_blobs_content_walks_indexes_and_streams_every_blob_once(run_module):
    config, layer, bad = "config-bytes", "layer-bytes", "bad-layer"
    image_raw, image = _doc({"config": {"digest": _blob(config)}, "layers": [
        {"digest": _blob(layer)}, {"digest": _blob(bad)}, {"digest": D3, "urls": ["https://foreign.example.com/l"]}]})
    index_raw, index = _doc({"manifests": [{"digest": image}]})
    other_raw, other = _doc({"config": {"digest": _blob(config)}, "layers": [{"digest": D2}]})
    calls = [
        Call("GET", BASE + "/projects/library", answer={"name": "library"}),
        Call("GET", BASE + "/projects/library/repositories", answer=[{"name": "library/app"}]),
        artifacts("/projects/library/repositories/app/artifacts", [
            {"digest": index, "tags": [{"name": "v1"}, {"name": "latest"}]}, {"digest": other}]),
        Call("GET", "/v2/library/app/manifests/" + index, raw=index_raw),
        Call("GET", "/v2/library/app/manifests/" + image, raw=image_raw),
        Call("GET", "/v2/library/app/blobs/" + _blob(config), raw=config),
        Call("GET", "/v2/library/app/blobs/" + _blob(layer), raw=layer),
        Call("GET", "/v2/library/app/blobs/" + _blob(bad), raw="tampered"),
        # the untagged artifact: its config is the same blob, checked once; its layer is gone
        Call("GET", "/v2/library/app/manifests/" + other, raw=other_raw),
        Call("GET", "/v2/library/app/blobs/" + D2, status=404),
    ]
    result, dummy = run_module(inventory_main, {"projects": ["library"], "verify_blobs": "content"}, calls)
    assert result["blob_count"] == 4
    assert result["unserved_blobs"] == [
        {"reference": "library/app@" + _blob(bad), "kind": "blob", "status": 200, "problem": "digest mismatch"},
        {"reference": "library/app@" + D2, "kind": "blob", "status": 404, "problem": "missing"},
    ]


def test_verify_blobs_exists_sends_head_and_checks_manifest_digests(run_module):
    image_raw, image = _doc({"config": {"digest": D1}, "layers": [{"digest": D2}]})
    calls = [
        Call("GET", BASE + "/projects/library", answer={"name": "library"}),
        Call("GET", BASE + "/projects/library/repositories", answer=[{"name": "library/app"}]),
        artifacts("/projects/library/repositories/app/artifacts", [
            {"digest": image, "tags": [{"name": "v1"}]}, {"digest": D3, "tags": [{"name": "v2"}]}]),
        Call("GET", "/v2/library/app/manifests/" + image, raw=image_raw),
        Call("HEAD", "/v2/library/app/blobs/" + D1),
        Call("HEAD", "/v2/library/app/blobs/" + D2),
        # the registry answers another manifest for D3
        Call("GET", "/v2/library/app/manifests/" + D3, raw=image_raw),
    ]
    result, dummy = run_module(inventory_main, {"projects": ["library"], "verify_blobs": "exists"}, calls, ordered=False)
    assert result["blob_count"] == 2
    assert result["unserved_blobs"] == [
        {"reference": "library/app@" + D3, "kind": "manifest", "status": 200, "problem": "digest mismatch"}]
