# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Issue 13: the AWX credential type feeds exactly the collection's HARBOR_* variables, and the execution
environment example builds a context (ansible-builder create) whose introspection finds the collection's needs."""

import os
import subprocess
import sys

import ansible_collections
import jinja2
import yaml

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import harbor_argument_spec

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CREDENTIAL_TYPE = os.path.join(ROOT, "extensions", "awx", "credential_type_harbor.yml")
EE = os.path.join(ROOT, "extensions", "ee", "execution-environment.yml")


def _load(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def _collections_root():
    """The folder that holds ansible_collections/harbor_ops/harbor (this checkout), as the tests import it."""
    for path in ansible_collections.__path__:
        if os.path.isdir(os.path.join(path, "harbor_ops", "harbor")):
            return os.path.dirname(path)
    raise AssertionError("harbor_ops.harbor is not importable as a collection")


def _env_fallbacks():
    """option -> the environment variable the collection's connection options fall back to."""
    found = {}
    for option, spec in harbor_argument_spec().items():
        fallback = spec.get("fallback")
        if fallback:
            found[option] = fallback[1][0]
    return found


def test_the_credential_type_injects_the_collections_own_environment_variables():
    credential = _load(CREDENTIAL_TYPE)
    fallbacks = _env_fallbacks()
    injected = credential["injectors"]["env"]
    assert set(injected) <= set(fallbacks.values()), "injects variables no module reads"
    for option in ("url", "username", "password", "validate_certs", "ca_path"):
        assert fallbacks[option] in injected, option
    fields = {field["id"]: field for field in credential["inputs"]["fields"]}
    assert fields["password"].get("secret") is True
    assert set(credential["inputs"]["required"]) == {"url", "username", "password"}
    # rendered the way AWX renders injectors: the CA goes into a file whose path HARBOR_CA_PATH names
    values = {"url": "https://harbor.example.com", "username": "robot$ci", "password": "S3cret",
              "validate_certs": True, "ca_certificate": "-----BEGIN CERTIFICATE-----",
              "tower": {"filename": {"ca_certificate": "/runner/env/harbor-ca"}}}
    env = dict((k, jinja2.Template(v).render(**values)) for k, v in injected.items())
    assert env == {"HARBOR_URL": "https://harbor.example.com", "HARBOR_USERNAME": "robot$ci", "HARBOR_PASSWORD": "S3cret",
                   "HARBOR_VALIDATE_CERTS": "True", "HARBOR_CA_PATH": "/runner/env/harbor-ca"}
    without_ca = dict(values, ca_certificate="")
    assert jinja2.Template(injected["HARBOR_CA_PATH"]).render(**without_ca) == ""
    assert jinja2.Template(credential["injectors"]["file"]["template.ca_certificate"]).render(**values) == \
        values["ca_certificate"]


def test_the_execution_environment_example_makes_a_build_context(tmp_path):
    definition = _load(EE)
    assert definition["version"] == 3
    requirements = _load(os.path.join(os.path.dirname(EE), definition["dependencies"]["galaxy"]))
    assert "harbor_ops.harbor" in [c["name"] for c in requirements["collections"]]
    context = tmp_path / "context"
    builder = os.path.join(os.path.dirname(sys.executable), "ansible-builder")
    run = subprocess.run([builder, "create", "-f", EE, "--context", str(context)], capture_output=True, text=True,
                         check=False, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    containerfile = next(p for p in (context / "Containerfile", context / "Dockerfile") if p.exists())
    text = containerfile.read_text()
    assert "ansible-galaxy collection install" in text and "introspect" in text
    assert (context / "_build" / "requirements.yml").exists()
    # what the build's introspection step reads from this collection (meta/execution-environment.yml)
    introspect = subprocess.run([sys.executable, str(context / "_build" / "scripts" / "introspect.py"), "introspect",
                                 _collections_root()], capture_output=True, text=True, check=True, timeout=120)
    found = yaml.safe_load(introspect.stdout)
    assert [line.split("#")[0].strip() for line in found["python"]] == ["requests>=2.28"]
    # every system package is for the tests only: an execution environment installs none of them
    assert found["system"] and all("test]" in line for line in found["system"])
