# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scanner registrations (private to harbor_ops.harbor).

Harbor's rules this definition follows (API_FACTS section 8):
- the id is a UUID; names are unique; the url (option ``endpoint_url``: ``url`` is Harbor's own) is
  normalised (no trailing slash, http:// added);
- Harbor connects to the adapter (``GET {url}/api/v1/metadata``) when a scanner is registered and
  answers a bare 500 when it cannot: the module pings first (``POST /scanners/ping``) to say which
  url did not answer;
- ``auth`` is "", Basic, Bearer or APIKey and needs ``access_credential``, which GET never shows (a
  write-only secret: ``update_secret``); PUT with an empty credential keeps the stored one;
- the first registration becomes the default; ``PATCH {"is_default": true}`` moves it, false is a
  no-op, so a default scanner stops being one only when another becomes the default;
- the built-in Trivy registration is immutable (PUT/DELETE 403) and its name is reserved.
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import HarborError, path_param
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError, http_url, required_text

AUTH_CHOICES = {"none": "", "Basic": "Basic", "Bearer": "Bearer", "APIKey": "APIKey"}
TRIVY = "Trivy"
# option -> Harbor field
FIELDS = {"endpoint_url": "url", "description": "description", "auth": "auth", "skip_cert_verify": "skip_certVerify",
          "use_internal_addr": "use_internal_addr", "disabled": "disabled"}

SCANNER_ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    endpoint_url=dict(type="str", aliases=["scanner_url"]),
    description=dict(type="str"),
    auth=dict(type="str", choices=list(AUTH_CHOICES)),
    access_credential=dict(type="str", no_log=True),
    update_secret=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
    skip_cert_verify=dict(type="bool"),
    use_internal_addr=dict(type="bool"),
    disabled=dict(type="bool"),
    default=dict(type="bool"),
)


def find_scanner(client, name):
    return client.find_by_name("/scanners", name)


class ScannerResource(Resource):
    kind = "scanner"
    secret_keys = ("access_credential",)

    def validate(self, params):
        required_text("name", params.get("name"))
        desired = {}
        if params.get("endpoint_url") is not None:
            desired["endpoint_url"] = http_url("endpoint_url", params["endpoint_url"], "http://trivy-adapter:8080")
        if params.get("auth") is not None:
            desired["auth"] = AUTH_CHOICES[params["auth"]]
        for option in ("description", "skip_cert_verify", "use_internal_addr", "disabled", "default"):
            if params.get(option) is not None:
                desired[option] = params[option]
        if params.get("access_credential"):
            desired["access_credential"] = params["access_credential"]
        return desired

    def find(self, client, params):
        current = find_scanner(client, params["name"])
        if params["state"] == "present":
            if current is None and not params.get("endpoint_url"):
                raise ValidationError("endpoint_url is required to register scanner %r" % params["name"])
            needs_credential = params.get("auth") not in (None, "none") and not params.get("access_credential")
            if needs_credential and not (current or {}).get("auth"):
                # Harbor keeps a stored credential only while the scanner already has an auth type
                raise ValidationError("auth=%s needs access_credential (the value Harbor sends to the adapter)"
                                      % params["auth"])
        return current

    def view(self, client, current, desired):
        view = dict((option, current.get(field) or ("" if field in ("description", "auth") else False))
                    for option, field in FIELDS.items())
        view["endpoint_url"] = current.get("url")
        view["default"] = bool(current.get("is_default"))
        return view if desired is None else dict((k, view.get(k)) for k in desired if k not in self.secret_keys)

    def secret_changes(self, params, current):
        if params["update_secret"] == "always" and params.get("access_credential"):
            return {"access_credential": params["access_credential"]}
        return {}

    def check_update(self, params, current, changes, before):
        if changes.get("default") is False:
            raise ValidationError("default=false: scanner %r is the default, and Harbor stops that only when another "
                                  "scanner becomes the default (set default=true on that one)" % params["name"])
        if current.get("name") == TRIVY and set(changes) - {"default"}:
            raise ValidationError("scanner %r is Harbor's built-in registration and cannot be changed (Harbor answers "
                                  "403); only default=true applies to it" % TRIVY)

    def check_delete(self, params, current):
        if current.get("name") == TRIVY:
            raise ValidationError("scanner %r is Harbor's built-in registration and cannot be removed (Harbor answers 403)"
                                  % TRIVY)

    @staticmethod
    def _body(name, values):
        body = {"name": name}
        for option, field in FIELDS.items():
            if option in values:
                body[field] = values[option]
        if values.get("access_credential"):
            body["access_credential"] = values["access_credential"]
        return body

    @staticmethod
    def ping(client, body):
        settings = dict((k, body[k]) for k in ("name", "url", "auth", "access_credential") if body.get(k))
        try:
            client.post("/scanners/ping", settings)
        except HarborError as exc:
            raise HarborError("Harbor could not reach the scanner adapter at %s (it asks GET %s/api/v1/metadata%s): %s. "
                              "Check the url, that the adapter runs and that Harbor's network reaches it"
                              % (body["url"], body["url"], " with the given auth" if body.get("auth") else "",
                                 exc.harbor_message), "POST", "/scanners/ping", exc.status, exc.code)

    def create(self, client, params, desired):
        body = self._body(params["name"], desired)
        self.ping(client, body)
        uuid, dummy = client.post("/scanners", body)
        created = client.get("/scanners/%s" % path_param(uuid))
        if desired.get("default") and not created.get("is_default"):
            client.patch("/scanners/%s" % path_param(uuid), {"is_default": True})
            created = client.get("/scanners/%s" % path_param(uuid))
        return created

    def update(self, client, params, current, changes):
        uuid = path_param(current["uuid"])
        content = dict((k, v) for k, v in changes.items() if k != "default")
        if content:
            values = self.view(client, current, None)
            values.update(content)
            body = self._body(params["name"], values)
            if "endpoint_url" in content and (not body.get("auth") or body.get("access_credential")):
                self.ping(client, body)
            client.put("/scanners/%s" % uuid, body)
        if changes.get("default"):
            client.patch("/scanners/%s" % uuid, {"is_default": True})
        return client.get("/scanners/%s" % uuid)

    def delete(self, client, params, current):
        client.delete("/scanners/%s" % path_param(current["uuid"]))
