# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Harbor projects (private to harbor_ops.harbor).

Harbor's rules this definition follows (API_FACTS section 1):
- look-up by name with ``X-Is-Resource-Name: true`` (a project name may be all digits);
- metadata values are strings ("true"/"false"); a key never set is absent, and Harbor treats an
  absent boolean key as false;
- PUT merges: only ``metadata`` and ``cve_allowlist`` are read, so only changed keys are sent;
- the project's own scanner is read from the raw metadata key ``projectScanner`` of
  ``/projects/{p}/metadatas/`` (``/projects/{p}/scanner`` answers the system default when none is set)
  and set with ``PUT /projects/{p}/scanner {"uuid"}``;
- create ignores ``cve_allowlist`` (a PUT follows) and ``storage_limit`` is read only on create,
  later changes go through ``/quotas/{id}``; ``registry_id`` (proxy cache) is create-only.
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import (
    NAME_HEADER,
    Forbidden,
    HarborError,
    NotFound,
    path_param,
    repository_param,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import (
    ValidationError,
    bool_str,
    check_cve_allowlist,
    check_name,
    cve_allowlist_body,
    cve_allowlist_view,
    harbor_bool,
    parse_size,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.scanner import find_scanner

# option -> Harbor metadata key, for the boolean settings
BOOLEAN_METADATA = {
    "public": "public",
    "auto_scan": "auto_scan",
    "prevent_vulnerable": "prevent_vul",
    "content_trust_cosign": "enable_content_trust_cosign",
    "auto_sbom_generation": "auto_sbom_generation",
    "reuse_sys_cve_allowlist": "reuse_sys_cve_allowlist",
}
SEVERITIES = ("none", "low", "medium", "high", "critical")
OWNED_OPTIONS = tuple(BOOLEAN_METADATA) + ("severity", "cve_allowlist", "storage_quota", "proxy_cache_registry")

PROJECT_ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True, aliases=["project"]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    public=dict(type="bool"),
    auto_scan=dict(type="bool"),
    prevent_vulnerable=dict(type="bool"),
    severity=dict(type="str", choices=list(SEVERITIES)),
    content_trust_cosign=dict(type="bool"),
    auto_sbom_generation=dict(type="bool"),
    reuse_sys_cve_allowlist=dict(type="bool"),
    cve_allowlist=dict(type="dict", options=dict(
        items=dict(type="list", elements="str", default=[]),
        expires_at=dict(type="int"),
    )),
    storage_quota=dict(type="raw"),
    proxy_cache_registry=dict(type="str"),
    force=dict(type="bool", default=False),
    scanner=dict(type="str"),
)


def project_path(project):
    """The path of a project addressed by id (what every write after the look-up uses)."""
    return "/projects/%s" % project["project_id"]


def get_project(client, name):
    """A project by exact name, or None.

    Harbor answers a missing project with 404 only to system admins; other accounts get 403 for a
    project that is missing and for one they may not see. The exact-name HEAD tells the two apart.
    """
    try:
        return client.get_or_none("/projects/%s" % path_param(name), headers=NAME_HEADER)
    except Forbidden:
        try:
            client.request("HEAD", "/projects", params={"project_name": name})
        except NotFound:
            return None
        raise


def existing_project(client, params):
    """The project a project-scoped resource names in ``params["project"]``: None with ``state=absent`` when it
    does not exist (nothing to remove), a ValidationError otherwise, before any write."""
    project = get_project(client, params["project"])
    if project is None and params.get("state") != "absent":
        raise ValidationError("project=%r does not exist in Harbor; create it first (harbor_project)" % params["project"])
    return project


def get_project_quota(client, project_id):
    """The quota record of a project (``{"id":.., "hard": {"storage": N}, ...}``), or None."""
    quotas = client.paginate("/quotas", {"reference": "project", "reference_id": project_id})
    for quota in quotas:
        ref = quota.get("ref") or {}
        if str(ref.get("id", project_id)) == str(project_id):
            return quota
    return None


def find_registry_id(client, name):
    """The id of the registry (replication endpoint / proxy-cache upstream) with this exact name."""
    registry = client.find_by_name("/registries", name)
    if registry is None:
        raise ValidationError("proxy_cache_registry=%r: no registry of that name exists in Harbor; "
                              "create it first (harbor_registry)" % name)
    return registry["id"]


def _metadata_bool(metadata, key):
    try:
        return bool(harbor_bool(metadata.get(key, "false")))
    except ValidationError:
        return metadata.get(key)  # a value Harbor stored verbatim (e.g. "yes please"): differs, gets rewritten


class ProjectResource(Resource):
    kind = "project"

    def __init__(self):
        self._quota = None  # the quota record read by view(), reused by update()
        self._scanner_uuid = None  # the uuid of the desired scanner, resolved before any write

    def validate(self, params):
        check_name("name", params["name"])
        desired = {}
        for option in BOOLEAN_METADATA:
            if params.get(option) is not None:
                desired[option] = params[option]
        if params.get("severity") is not None:
            desired["severity"] = params["severity"]
        if params.get("cve_allowlist") is not None:
            desired["cve_allowlist"] = check_cve_allowlist("cve_allowlist", params["cve_allowlist"])
        if params.get("storage_quota") is not None:
            desired["storage_quota"] = parse_size("storage_quota", params["storage_quota"])
        if params.get("proxy_cache_registry") is not None:
            desired["proxy_cache_registry"] = params["proxy_cache_registry"]
        if params.get("scanner") is not None:
            desired["scanner"] = params["scanner"]
        return desired

    def find(self, client, params):
        return get_project(client, params["name"])

    def view(self, client, current, desired):
        wanted = OWNED_OPTIONS if desired is None else tuple(desired)
        metadata = current.get("metadata") or {}
        view = {}
        for option in wanted:
            if option in BOOLEAN_METADATA:
                view[option] = _metadata_bool(metadata, BOOLEAN_METADATA[option])
            elif option == "severity":
                view[option] = (metadata.get("severity") or "").lower() or None
            elif option == "cve_allowlist":
                view[option] = cve_allowlist_view(current.get("cve_allowlist"))
            elif option == "storage_quota" and desired is not None:
                self._quota = get_project_quota(client, current["project_id"])
                view[option] = ((self._quota or {}).get("hard") or {}).get("storage")
            elif option == "proxy_cache_registry" and desired is not None:
                view[option] = self._registry_name(client, current)
            elif option == "scanner" and desired is not None:
                view[option] = self._scanner_name(client, current, desired[option])
        return view

    def _resolve_scanner(self, client, name):
        scanner = find_scanner(client, name)
        if scanner is None:
            raise ValidationError("scanner=%r: no scanner of that name is registered in Harbor; register it first "
                                  "(harbor_scanner)" % name)
        self._scanner_uuid = scanner["uuid"]
        return scanner

    def _scanner_name(self, client, current, wanted):
        """The project's explicit scanner: the raw metadata key projectScanner (GET /projects/{p}/scanner would
        answer the system default for a project without one)."""
        metadata = client.get("/projects/%s/metadatas/" % current["project_id"]) or {}
        chosen = metadata.get("projectScanner")
        scanner = self._resolve_scanner(client, wanted)
        if chosen == scanner["uuid"]:
            return wanted
        return chosen and "scanner uuid %s" % chosen

    @staticmethod
    def _registry_name(client, current):
        registry_id = current.get("registry_id") or 0
        if not registry_id:
            return None
        registry = client.get_or_none("/registries/%s" % registry_id)
        return registry["name"] if registry else "registry id %s" % registry_id

    def check_update(self, params, current, changes, before):
        if "proxy_cache_registry" in changes:
            raise ValidationError(
                "proxy_cache_registry cannot change once project %r exists (it is %s, the task wants %r): Harbor "
                "sets a proxy-cache upstream only at creation. Delete and recreate the project to change it."
                % (params["name"], "not a proxy cache" if before["proxy_cache_registry"] is None
                   else "proxying %r" % before["proxy_cache_registry"], changes["proxy_cache_registry"]))

    def check_delete(self, params, current):
        repos = current.get("repo_count") or 0
        if repos and not params.get("force"):
            raise ValidationError(
                "project %r still holds %d repositories and Harbor refuses to delete it (HTTP 412); "
                "delete them first or set force=true to delete them with the project" % (params["name"], repos))

    @staticmethod
    def _metadata(desired):
        metadata = {}
        for option, key in BOOLEAN_METADATA.items():
            if option in desired:
                metadata[key] = bool_str(desired[option])
        if "severity" in desired:
            metadata["severity"] = desired["severity"]
        return metadata

    def create(self, client, params, desired):
        body = {"project_name": params["name"], "metadata": self._metadata(desired)}
        if desired.get("storage_quota") is not None:
            body["storage_limit"] = desired["storage_quota"]
        if desired.get("proxy_cache_registry"):
            body["registry_id"] = find_registry_id(client, desired["proxy_cache_registry"])
        if desired.get("scanner") is not None:
            self._resolve_scanner(client, desired["scanner"])
        project_id, dummy = client.post("/projects", body)
        if self._scanner_uuid:
            client.put("/projects/%s/scanner" % project_id, {"uuid": self._scanner_uuid})
        allowlist = desired.get("cve_allowlist")
        if allowlist and (allowlist["items"] or allowlist["expires_at"]):
            # Harbor ignores cve_allowlist on create; a re-run completes this step if it fails
            client.put("/projects/%s" % project_id, {"cve_allowlist": cve_allowlist_body(allowlist)})
        return client.get("/projects/%s" % project_id)

    def update(self, client, params, current, changes):
        body = {}
        metadata = self._metadata(changes)
        if metadata:
            body["metadata"] = metadata
        if "cve_allowlist" in changes:
            body["cve_allowlist"] = cve_allowlist_body(changes["cve_allowlist"])
        if body:
            client.put(project_path(current), body)
        if "scanner" in changes:
            client.put("%s/scanner" % project_path(current), {"uuid": self._scanner_uuid})
        if "storage_quota" in changes:
            quota = self._quota or get_project_quota(client, current["project_id"])
            if quota is None:
                raise HarborError("Harbor keeps no quota for project %r: is quota_per_project_enable off?"
                                  % params["name"], "GET", "/quotas")
            client.put("/quotas/%s" % quota["id"], {"hard": {"storage": changes["storage_quota"]}})
        return client.get(project_path(current))

    def delete(self, client, params, current):
        if current.get("repo_count") and params.get("force"):
            name = current["name"]
            for repo in client.paginate("/projects/%s/repositories" % path_param(name)):
                short = repo["name"][len(name) + 1:] if repo["name"].startswith(name + "/") else repo["name"]
                client.delete("/projects/%s/repositories/%s" % (path_param(name), repository_param(short)))
        client.delete(project_path(current))
