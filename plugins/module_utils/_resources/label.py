# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Global and project labels (private to harbor_ops.harbor).

Harbor's rules this definition follows (API_FACTS section 11): ``GET /labels`` needs ``scope``
(``g`` or ``p``, and ``project_id`` with ``p``); a label is unique by name, scope and project; PUT
replaces name, description and colour together, so all three are sent; the colour is not checked
by Harbor, so it is checked here against the ``#RRGGBB`` form Harbor's UI uses.
"""

import re

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import Resource
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import existing_project

SCOPES = {"global": "g", "project": "p"}
MAX_NAME = 128
COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
LABEL_ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    scope=dict(type="str", default="global", choices=list(SCOPES)),
    project=dict(type="str"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    description=dict(type="str"),
    color=dict(type="str"),
)


class LabelResource(Resource):
    kind = "label"

    def __init__(self):
        self._project_id = 0

    def validate(self, params):
        name = params["name"]
        if not name or len(name) > MAX_NAME:
            raise ValidationError("name must be 1 to %d characters; got %r" % (MAX_NAME, name))
        if params["scope"] == "project" and not params.get("project"):
            raise ValidationError("scope=project needs project (the project the label belongs to)")
        if params["scope"] == "global" and params.get("project"):
            raise ValidationError("project=%r goes with scope=project; a global label belongs to no project" % params["project"])
        desired = {}
        if params.get("description") is not None:
            desired["description"] = params["description"]
        if params.get("color") is not None:
            color = params["color"].strip()
            if color and not COLOR.match(color):
                raise ValidationError("color=%r: use #RRGGBB, e.g. #2E7D32 (or an empty string for none)" % params["color"])
            desired["color"] = color.upper()
        return desired

    def find(self, client, params):
        query = {"scope": SCOPES[params["scope"]]}
        if params["scope"] == "project":
            project = existing_project(client, params)
            if project is None:
                return None
            self._project_id = project["project_id"]
            query["project_id"] = self._project_id
        return client.find_by_name("/labels", params["name"], params=query)

    def view(self, client, current, desired):
        view = {"description": current.get("description") or "", "color": (current.get("color") or "").upper()}
        return view if desired is None else dict((k, view[k]) for k in desired)

    def create(self, client, params, desired):
        body = {"name": params["name"], "scope": SCOPES[params["scope"]], "description": desired.get("description", ""),
                "color": desired.get("color", "")}
        if self._project_id:
            body["project_id"] = self._project_id
        label_id, dummy = client.post("/labels", body)
        return client.get("/labels/%s" % label_id)

    def update(self, client, params, current, changes):
        values = self.view(client, current, None)
        values.update(changes)
        client.put("/labels/%s" % current["id"], dict(values, name=params["name"]))
        return client.get("/labels/%s" % current["id"])

    def delete(self, client, params, current):
        client.delete("/labels/%s" % current["id"])
