# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The base of every harbor_ops.harbor module (private to the collection).

``HarborModule`` owns ``AnsibleModule``: it merges the shared connection options (each with a
``HARBOR_*`` environment fallback), builds the one client, and turns a ``HarborError`` into one
failure message. ``ensure`` is the present/absent engine: validate and normalise the desired state,
look the resource up, compare only the options the user gave, write only what changed (nothing in
check mode), and report ``diff`` without secrets.
"""

import copy

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    Conflict,
    HarborClient,
    HarborError,
)
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError

CONNECTION_ARGUMENT_SPEC = dict(
    url=dict(type="str", required=True, aliases=["harbor_url"], fallback=(env_fallback, ["HARBOR_URL"])),
    username=dict(type="str", aliases=["user"], fallback=(env_fallback, ["HARBOR_USERNAME"])),
    password=dict(type="str", no_log=True, fallback=(env_fallback, ["HARBOR_PASSWORD"])),
    validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["HARBOR_VALIDATE_CERTS"])),
    ca_path=dict(type="path", fallback=(env_fallback, ["HARBOR_CA_PATH"])),
    timeout=dict(type="int", default=30, fallback=(env_fallback, ["HARBOR_TIMEOUT"])),
    auth_method=dict(type="str", default="auto", choices=["auto", "session", "basic"],
                     fallback=(env_fallback, ["HARBOR_AUTH_METHOD"])),
)
CONNECTION_OPTIONS = tuple(CONNECTION_ARGUMENT_SPEC)


def harbor_argument_spec(**options):
    """The shared connection options plus a module's own."""
    spec = copy.deepcopy(CONNECTION_ARGUMENT_SPEC)
    spec.update(options)
    return spec


class HarborModule(AnsibleModule):
    """AnsibleModule with Harbor's connection options, one client, and Harbor's errors reported once."""

    def __init__(self, argument_spec=None, supports_check_mode=True, nested_secrets=None, **kwargs):
        # nested_secrets(raw_params) -> the secret values inside options Ansible does not know the shape of (the
        # item lists of harbor_reconcile): masked from the moment the parameters are read, so that no failure,
        # Ansible's own validation included, can print them (invocation.module_args at -vvv)
        self._nested_secrets = nested_secrets
        super(HarborModule, self).__init__(argument_spec=harbor_argument_spec(**(argument_spec or {})),
                                           supports_check_mode=supports_check_mode, **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self._client = None
        self._harbor_ready = True

    def fail_json(self, msg, **kwargs):
        if not getattr(self, "_harbor_ready", False):
            msg = self._name_the_option(msg)
        super(HarborModule, self).fail_json(msg=msg, **kwargs)

    def _name_the_option(self, msg):
        """Ansible's own refusal of a list of mappings given as text does not say which option it was
        ("dictionary requested, could not parse JSON or key=value"): name it."""
        if "dictionary requested" not in str(msg):
            return msg
        wrong = []
        raw_types, raw_elements = getattr(self, "_raw_types", {}), getattr(self, "_raw_elements", {})
        for name, opts in sorted((self.argument_spec or {}).items()):
            given = raw_types.get(name)
            if given is None or given is type(None):
                continue
            if opts.get("type") == "list" and opts.get("elements") == "dict":
                if given is not list or any(t is not dict for t in raw_elements.get(name, ())):
                    wrong.append("%s must be a list of mappings (one per item, each a set of options)" % name)
            elif opts.get("type") == "dict" and given is not dict:
                wrong.append("%s must be a mapping of options" % name)
        return "%s, got text (%s)" % ("; ".join(wrong), msg) if wrong else msg

    def _load_params(self):
        super(HarborModule, self)._load_params()
        self._raw_types = dict((k, type(v)) for k, v in self.params.items())  # for _name_the_option
        self._raw_elements = dict((k, [type(e) for e in v]) for k, v in self.params.items() if isinstance(v, list))
        if self._nested_secrets is not None:
            self.no_log_values.update(self._nested_secrets(self.params))

    @property
    def client(self):
        if self._client is None:
            params = self.params
            try:
                self._client = HarborClient(params["url"], params["username"], params["password"],
                                            validate_certs=params["validate_certs"], ca_path=params["ca_path"],
                                            timeout=params["timeout"], auth_method=params["auth_method"])
            except ValueError as exc:  # the message names the option (url, ca_path)
                self.fail_json(msg=str(exc))
        return self._client

    def fail_harbor(self, exc, **result):
        """Report a HarborError: method, path, status and Harbor's own message."""
        result.update(status=getattr(exc, "status", None), harbor_code=getattr(exc, "code", None))
        self.fail_json(msg=str(exc), **result)

    def run(self, work):
        """Call ``work(self)`` and exit with its result dict; typed errors become one clear failure.
        The session, if the client opened one, is logged out however the run ends."""
        try:
            try:
                result = work(self)
            except ValidationError as exc:
                self.fail_json(msg=str(exc))
            except HarborError as exc:
                self.fail_harbor(exc)
            self.exit_json(**result)
        finally:
            if self._client is not None:
                self._client.close()


def strip_secrets(data, secret_keys):
    """A copy of a mapping with the named secret keys removed."""
    if not isinstance(data, dict):
        return data
    return dict((k, v) for k, v in data.items() if k not in secret_keys)


def changed_keys(desired, before):
    """The desired values that differ from the current ones, compared key by key."""
    return dict((k, v) for k, v in desired.items() if before.get(k) != v)


def ensure(module, resource):
    """Drive one resource to ``state`` (present/absent) and return the module result."""
    result = apply_state(module.client, resource, module.params, module.check_mode, module._diff)
    result.pop("action")
    return result


def apply_state(client, resource, params, check_mode=False, want_diff=False):
    """The present/absent engine, shared by the single-resource modules and harbor_reconcile.

    ``params`` are validated module options. Nothing is written in check mode; ``diff`` holds only
    the changed options, without secrets. ``action`` says what was (or would be) done:
    created, updated, deleted or unchanged.
    """
    desired = resource.validate(params)  # raises ValidationError before any request
    current = resource.find(client, params)
    kind = resource.kind
    result = {"changed": False, "action": "unchanged", kind: current}

    if params.get("state") == "absent":
        if current is None:
            return result
        resource.check_delete(params, current)
        if not check_mode:
            resource.delete(client, params, current)
        result.update(changed=True, action="deleted")
        result[kind] = None
        if want_diff:
            result["diff"] = {"before": strip_secrets(resource.view(client, current, None), resource.secret_keys),
                              "after": {}}
        return result

    if current is None:
        try:
            after = None if check_mode else resource.create(client, params, desired)
        except Conflict:
            # another run created it between our look-up and our create: converge on what it made
            current = resource.find(client, params)
            if current is None:
                raise
        else:
            result.update(changed=True, action="created")
            result[kind] = after
            if want_diff:
                result["diff"] = {"before": {}, "after": strip_secrets(desired, resource.secret_keys)}
            return result
        result[kind] = current
        resource.after_conflict(client, params, current)

    before = resource.view(client, current, desired)
    changes = changed_keys(resource.comparable(desired), before)
    changes.update(resource.secret_changes(params, current))
    if not changes:
        return result
    resource.check_update(params, current, changes, before)
    if not check_mode:
        result[kind] = resource.update(client, params, current, changes)
    result.update(changed=True, action="updated")
    if want_diff:
        shown = [k for k in changes if k not in resource.secret_keys]
        result["diff"] = {"before": dict((k, before.get(k)) for k in shown),
                          "after": dict((k, changes[k]) for k in shown)}
    return result


class Resource(object):
    """One kind of Harbor resource: how to find it, which options it owns, how to write it.

    Subclasses live in ``_resources/``; modules and any later bulk reconcile call them the same way.
    """

    kind = "resource"
    secret_keys = ()

    def validate(self, params):
        """The desired state: the options the user gave, normalised; raise ValidationError on bad input."""
        raise NotImplementedError

    def comparable(self, desired):
        """The desired values that decide ``changed`` (write-only secrets do not)."""
        return strip_secrets(desired, self.secret_keys)

    def secret_changes(self, params, current):
        """Secret values to send although they cannot be compared (``update_secret: always``)."""
        return {}

    def after_conflict(self, client, params, current):
        """Called when a create met 409 because another run created the resource first, with what the other run
        made; the update path then follows. Resources with write-only secrets decide here whether to send them
        (this run cannot know what the other run set)."""

    def find(self, client, params):
        raise NotImplementedError

    def view(self, client, current, desired):
        """The current state in the shape of ``desired`` (all owned options when ``desired`` is None)."""
        raise NotImplementedError

    def check_update(self, params, current, changes, before):
        """Raise ValidationError for a change Harbor cannot make, before anything is written."""

    def check_delete(self, params, current):
        """Raise ValidationError when a delete cannot succeed, before anything is written."""

    def create(self, client, params, desired):
        raise NotImplementedError

    def update(self, client, params, current, changes):
        raise NotImplementedError

    def delete(self, client, params, current):
        raise NotImplementedError
