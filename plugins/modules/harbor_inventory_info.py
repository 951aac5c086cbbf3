#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_inventory_info
short_description: List every repository, tag and manifest digest a Harbor holds
version_added: 0.1.0
description:
  - Reads the projects, repositories and artifacts of a Harbor and returns its content as C(repository -> tag -> digest),
    and as a flat sorted list of references C(repository:tag@digest) that two Harbors can be compared with
    (for example C(expected.references | difference(actual.references))).
  - With O(verify_manifests), also asks the registry (C(/v2/)) for every tag and reports the tags it does not serve
    with the digest the API lists, so a Harbor whose database and storage disagree is caught.
  - Useful to verify a disaster-recovery site, a restore or a migration.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.INFO_ATTRIBUTES
options:
  projects:
    description:
      - Names of the projects to read. Leave out to read every project the account can see.
      - A project named here that does not exist is an error.
    type: list
    elements: str
  include_proxy_cache:
    description:
      - Also read proxy-cache projects when O(projects) is not given. Their content is a cache of another registry,
        so it is left out by default.
    type: bool
    default: false
  verify_manifests:
    description:
      - For every tag, send C(HEAD /v2/<repository>/manifests/<tag>) and compare the C(Docker-Content-Digest) answer
        with the digest the API lists. Costs one request per tag.
    type: bool
    default: false
  verify_blobs:
    description:
      - For every artifact (tagged or not), read its manifest from the registry by digest (C(GET /v2/<repository>/manifests/<digest>),
        following an index to every manifest it lists), check that the manifest hashes to its digest, and check
        every config and layer blob it names.
      - V(none) checks no blob. V(exists) sends C(HEAD /v2/<repository>/blobs/<digest>) for each blob. V(content)
        downloads each blob, streamed in 1 MiB pieces (never whole in memory), and checks its sha256; this reads the
        whole registry once.
      - Each blob is checked once per repository. Layers with external C(urls) (foreign layers) are not stored by
        Harbor and are skipped.
    type: str
    choices: [none, exists, content]
    default: none
notes:
  - Untagged artifacts are listed in RV(untagged) and are not part of RV(references).
seealso:
  - module: harbor_ops.harbor.harbor_project_info
"""

EXAMPLES = r"""
- name: What the primary holds
  harbor_ops.harbor.harbor_inventory_info:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
  register: primary

- name: What the DR site serves
  harbor_ops.harbor.harbor_inventory_info:
    url: https://harbor-dr.example.com
    username: admin
    password: "{{ vault_harbor_dr_password }}"
    verify_manifests: true
  register: dr

- name: The DR site serves every tag of the primary with the same digest
  ansible.builtin.assert:
    that:
      - primary.references | difference(dr.references) == []
      - dr.unserved == []
"""

RETURN = r"""
inventory:
  description: Repository name -> tag -> manifest digest.
  returned: always
  type: dict
  sample:
    library/app:
      v1: sha256:5d2f0b6e8bd9f7b7b1a5c2e2f3c1f0a9d8e7c6b5a4f3e2d1c0b9a8f7e6d5c4b3
      v2: sha256:9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f
references:
  description: Every tag as C(repository:tag@digest), sorted.
  returned: always
  type: list
  elements: str
  sample:
    - library/app:v1@sha256:5d2f0b6e8bd9f7b7b1a5c2e2f3c1f0a9d8e7c6b5a4f3e2d1c0b9a8f7e6d5c4b3
untagged:
  description: Artifacts without a tag, as C(repository@digest), sorted.
  returned: always
  type: list
  elements: str
  sample: []
projects:
  description: Names of the projects read.
  returned: always
  type: list
  elements: str
  sample: [library]
repository_count:
  description: Number of repositories read.
  returned: always
  type: int
  sample: 1
tag_count:
  description: Number of tags read.
  returned: always
  type: int
  sample: 2
unserved:
  description:
    - Tags the registry does not serve with the listed digest, each with C(reference), the C(status) of the C(HEAD)
      and the C(served_digest) (empty when none).
  returned: when O(verify_manifests) is true
  type: list
  elements: dict
  sample:
    - reference: library/app:v2@sha256:9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f
      status: 404
      served_digest: ""
unserved_blobs:
  description:
    - Manifests and blobs the registry does not serve intact, each with C(reference) (C(repository@digest)), C(kind)
      (C(manifest) or C(blob)), the HTTP C(status) and a C(problem) (C(missing) or C(digest mismatch)).
  returned: when O(verify_blobs) is not V(none)
  type: list
  elements: dict
  sample:
    - reference: library/app@sha256:4c1a0b9e8f7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b
      kind: blob
      status: 404
      problem: missing
blob_count:
  description: Number of distinct (repository, blob) pairs checked.
  returned: when O(verify_blobs) is not V(none)
  type: int
  sample: 12
"""

import hashlib
import json

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import (
    NAME_HEADER,
    HarborError,
    path_param,
    repository_param,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import get_project

MANIFEST_TYPES = ", ".join([
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
])
CHUNK = 1024 * 1024


def _projects(client, params):
    if params["projects"]:
        missing = [name for name in params["projects"] if get_project(client, name) is None]
        if missing:
            raise ValidationError("projects: no project named %s exists" % ", ".join(repr(n) for n in missing))
        return sorted(set(params["projects"]))
    return sorted(p["name"] for p in client.paginate("/projects")
                  if params["include_proxy_cache"] or not p.get("registry_id"))


def read_inventory(client, projects):
    """({repository: {tag: digest}}, [repository@digest of untagged artifacts], repository count)."""
    inventory, untagged, repositories = {}, [], 0
    for project in projects:
        for repository in client.paginate("/projects/%s/repositories" % path_param(project), headers=NAME_HEADER):
            repositories += 1
            name = repository["name"]
            short = name[len(project) + 1:] if name.startswith(project + "/") else name
            tags = inventory.setdefault(name, {})
            path = "/projects/%s/repositories/%s/artifacts" % (path_param(project), repository_param(short))
            for artifact in client.paginate(path, {"with_tag": "true"}, headers=NAME_HEADER):
                names = [t.get("name") for t in artifact.get("tags") or [] if t.get("name")]
                for tag in names:
                    tags[tag] = artifact["digest"]
                if not names:
                    untagged.append("%s@%s" % (name, artifact["digest"]))
    return inventory, sorted(untagged), repositories


def references(inventory):
    return sorted("%s:%s@%s" % (repo, tag, digest) for repo, tags in inventory.items() for tag, digest in tags.items())


def unserved(client, inventory):
    """Tags that /v2/ does not answer with the digest the API lists."""
    found = []
    for repo in sorted(inventory):
        for tag, digest in sorted(inventory[repo].items()):
            try:
                response = client.registry("HEAD", repo, "manifests", tag, headers={"Accept": MANIFEST_TYPES})
                status, served = response.status_code, response.headers.get("Docker-Content-Digest") or ""
            except HarborError as exc:
                status, served = exc.status, ""
            if served != digest:
                found.append({"reference": "%s:%s@%s" % (repo, tag, digest), "status": status, "served_digest": served})
    return found


class BlobCheck(object):
    """Every manifest and blob that the registry (``/v2/``) serves for the listed artifacts, checked by digest."""

    def __init__(self, client, content):
        self.client = client
        self.content = content
        self.seen = set()
        self.blobs = 0
        self.problems = []

    def _get(self, method, repository, kind, digest, headers=None, stream=False):
        try:
            return self.client.registry(method, repository, kind, digest, headers=headers, stream=stream), None
        except HarborError as exc:
            return None, exc.status

    def _problem(self, repository, digest, kind, status, problem):
        self.problems.append({"reference": "%s@%s" % (repository, digest), "kind": kind, "status": status,
                              "problem": problem})

    def manifest(self, repository, digest):
        if (repository, digest) in self.seen:
            return
        self.seen.add((repository, digest))
        response, status = self._get("GET", repository, "manifests", digest, {"Accept": MANIFEST_TYPES})
        if response is None:
            self._problem(repository, digest, "manifest", status, "missing")
            return
        body = response.content
        if "sha256:" + hashlib.sha256(body).hexdigest() != digest:
            self._problem(repository, digest, "manifest", response.status_code, "digest mismatch")
            return
        try:
            document = json.loads(body)
        except ValueError:
            self._problem(repository, digest, "manifest", response.status_code, "not JSON")
            return
        for child in document.get("manifests") or []:
            self.manifest(repository, child["digest"])
        for blob in ([document["config"]] if document.get("config") else []) + (document.get("layers") or []):
            if not blob.get("urls"):
                self.blob(repository, blob["digest"])

    def blob(self, repository, digest):
        if (repository, digest) in self.seen:
            return
        self.seen.add((repository, digest))
        self.blobs += 1
        response, status = self._get("GET" if self.content else "HEAD", repository, "blobs", digest, stream=True)
        if response is None:
            self._problem(repository, digest, "blob", status, "missing")
            return
        if self.content:
            hashed = hashlib.sha256()
            with response:
                for piece in response.iter_content(CHUNK):
                    hashed.update(piece)
            if "sha256:" + hashed.hexdigest() != digest:
                self._problem(repository, digest, "blob", response.status_code, "digest mismatch")
        else:
            response.close()


def unserved_blobs(client, inventory, untagged, content):
    """(problems, blob count) for every artifact of the inventory, tagged or untagged."""
    check = BlobCheck(client, content)
    for repository in sorted(inventory):
        for digest in sorted(set(inventory[repository].values())):
            check.manifest(repository, digest)
    for reference in untagged:
        repository, digest = reference.rsplit("@", 1)
        check.manifest(repository, digest)
    return check.problems, check.blobs


def gather(module):
    client = module.client
    params = module.params
    projects = _projects(client, params)
    inventory, untagged, repository_count = read_inventory(client, projects)
    refs = references(inventory)
    result = {"changed": False, "inventory": inventory, "references": refs, "untagged": untagged, "projects": projects,
              "repository_count": repository_count, "tag_count": len(refs)}
    if params["verify_manifests"]:
        result["unserved"] = unserved(client, inventory)
    if params["verify_blobs"] != "none":
        result["unserved_blobs"], result["blob_count"] = unserved_blobs(
            client, inventory, untagged, params["verify_blobs"] == "content")
    return result


def main():
    module = HarborModule(argument_spec=dict(
        projects=dict(type="list", elements="str"),
        include_proxy_cache=dict(type="bool", default=False),
        verify_manifests=dict(type="bool", default=False),
        verify_blobs=dict(type="str", choices=["none", "exists", "content"], default="none"),
    ))
    module.run(gather)


if __name__ == "__main__":
    main()
