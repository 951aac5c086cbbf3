# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Harbor registries: replication endpoints and proxy-cache upstreams (private to harbor_ops.harbor).

Harbor's rules this definition follows (API_FACTS section 3):
- look-up by exact name (``q=name=``; the ``name`` parameter is fuzzy);
- ``type`` must be one of the adapters the server reports (``GET /replication/adapters``);
- the URL is stored normalised, so it is compared normalised (option ``endpoint_url``: ``url`` is Harbor's own);
- create sends the nested ``credential``, update sends ``RegistryUpdate``'s flat fields;
- Harbor masks ``access_secret`` on read: it never decides ``changed`` (``update_secret``);
- create and update ping the endpoint: an unreachable one is a 400 "the registry is unhealthy";
- a registry used by a replication policy or a proxy-cache project cannot be deleted (412).
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import BadRequest, HarborError
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError, http_url, normalize_url

REGISTRY_ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    type=dict(type="str"),
    endpoint_url=dict(type="str", aliases=["registry_url"]),
    description=dict(type="str"),
    insecure=dict(type="bool"),
    ca_certificate=dict(type="str"),
    access_key=dict(type="str", no_log=False),
    access_secret=dict(type="str", no_log=True),
    update_secret=dict(type="str", default="always", choices=["always", "on_create"]),
)
OWNED_OPTIONS = ("type", "endpoint_url", "description", "insecure", "ca_certificate", "access_key")
# option -> RegistryUpdate field (PUT is flat)
UPDATE_FIELDS = {"endpoint_url": "url", "description": "description", "insecure": "insecure", "ca_certificate": "ca_certificate",
                 "access_key": "access_key", "access_secret": "access_secret"}


def get_registry(client, name):
    """A registry by exact name, or None."""
    return client.find_by_name("/registries", name)


def unsupported_type(registry_type, adapters):
    """Why ``registry_type`` cannot be used on a Harbor that reports these adapters, or None."""
    if registry_type in adapters:
        return None
    return "type=%r is not a registry type this Harbor supports; it reports: %s" % (
        registry_type, ", ".join(sorted(adapters)))


def registry_users(client, registry_id):
    """(replication policy names, proxy-cache project names) that use a registry."""
    policies = sorted(p["name"] for p in client.paginate("/replication/policies")
                      if registry_id in ((p.get("src_registry") or {}).get("id"), (p.get("dest_registry") or {}).get("id")))
    projects = sorted(p["name"] for p in client.paginate("/projects", {"q": "registry_id=%d" % registry_id})
                      if p.get("registry_id") == registry_id)
    return policies, projects


def _unhealthy(exc, url):
    return HarborError("Harbor could not reach the registry endpoint %s or it refused the credentials (Harbor pings it on "
                       "create and update: %s)" % (url, exc.harbor_message), exc.method, exc.path, exc.status, exc.code)


class RegistryResource(Resource):
    kind = "registry"
    secret_keys = ("access_secret",)

    def __init__(self):
        self._client = None

    def validate(self, params):
        name = params["name"]
        if not name or len(name) > 64:
            raise ValidationError("name must have 1 to 64 characters; got %r" % name)
        desired = {}
        for option in OWNED_OPTIONS + ("access_secret",):
            if params.get(option) is not None:
                desired[option] = params[option]
        if "endpoint_url" in desired:
            desired["endpoint_url"] = http_url("endpoint_url", desired["endpoint_url"], "https://harbor-dr.example.com",
                                               keep_query=False)
        if desired.get("ca_certificate") == "":
            desired["ca_certificate"] = None
        return desired

    def find(self, client, params):
        self._client = client  # check_delete() reads the registry's users before anything is deleted
        if params.get("state") == "present" and params.get("type"):
            problem = unsupported_type(params["type"], client.get("/replication/adapters") or [])
            if problem:
                raise ValidationError(problem)
        return get_registry(client, params["name"])

    def view(self, client, current, desired):
        wanted = OWNED_OPTIONS if desired is None else [k for k in desired if k != "access_secret"]
        credential = current.get("credential") or {}
        view = {}
        for option in wanted:
            if option == "access_key":
                view[option] = credential.get("access_key") or None
            elif option == "insecure":
                view[option] = bool(current.get("insecure"))
            elif option == "description":
                view[option] = current.get("description") or ""
            elif option == "endpoint_url":
                view[option] = normalize_url(current.get("url"))
            else:
                view[option] = current.get(option) or None
        return view

    def secret_changes(self, params, current):
        if params.get("access_secret") is not None and params["update_secret"] == "always":
            return {"access_secret": params["access_secret"]}
        return {}

    def check_update(self, params, current, changes, before):
        if "type" in changes:
            raise ValidationError("type cannot change once registry %r exists (it is %r, the task wants %r): Harbor has no "
                                  "update for it. Delete and recreate the registry." % (params["name"], before["type"], changes["type"]))

    def check_delete(self, params, current):
        policies, projects = registry_users(self._client, current["id"])
        if policies or projects:
            users = []
            if policies:
                users.append("replication policies %s" % ", ".join(policies))
            if projects:
                users.append("proxy-cache projects %s" % ", ".join(projects))
            raise ValidationError("registry %r is still used by %s; Harbor refuses to delete it (HTTP 412). Delete or change "
                                  "those first." % (params["name"], " and ".join(users)))

    def create(self, client, params, desired):
        for option in ("type", "endpoint_url"):
            if not desired.get(option):
                raise ValidationError("%s is required to create registry %r" % (option, params["name"]))
        body = {"name": params["name"], "type": desired["type"], "url": desired["endpoint_url"],
                "description": desired.get("description", ""), "insecure": bool(desired.get("insecure"))}
        if desired.get("ca_certificate"):
            body["ca_certificate"] = desired["ca_certificate"]
        if desired.get("access_key") or desired.get("access_secret"):
            body["credential"] = {"type": "basic", "access_key": desired.get("access_key", ""),
                                  "access_secret": desired.get("access_secret", "")}
        try:
            registry_id, dummy = client.post("/registries", body)
        except BadRequest as exc:
            if "unhealthy" in exc.harbor_message:
                raise _unhealthy(exc, desired["endpoint_url"])
            raise
        return client.get("/registries/%s" % registry_id)

    def update(self, client, params, current, changes):
        body = dict((UPDATE_FIELDS[k], v) for k, v in changes.items() if k in UPDATE_FIELDS)
        if "ca_certificate" in body and body["ca_certificate"] is None:
            body["ca_certificate"] = ""
        if ("access_key" in body or "access_secret" in body) and not (current.get("credential") or {}).get("type"):
            body["credential_type"] = "basic"
        if "url" in body and params.get("access_secret") is not None:
            body["access_secret"] = params["access_secret"]  # Harbor 2.16 clears the secret on a URL change without one
        try:
            client.put("/registries/%s" % current["id"], body)
        except BadRequest as exc:
            if "unhealthy" in exc.harbor_message:
                raise _unhealthy(exc, changes.get("endpoint_url") or current.get("url"))
            raise
        return client.get("/registries/%s" % current["id"])

    def delete(self, client, params, current):
        client.delete("/registries/%s" % current["id"])
