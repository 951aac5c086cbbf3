# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every role's meta/argument_specs.yml documents exactly its defaults/main.yml, with the same defaults.

Ansible validates a role's variables against argument_specs.yml at the start of the role, and
ansible-doc shows it as the role's documentation; a default that is missing there, or documented
with another value, misleads both.
"""

import glob
import os

import pytest
import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROLES = sorted(os.path.basename(os.path.dirname(os.path.dirname(path)))
               for path in glob.glob(os.path.join(REPO_ROOT, "roles", "*", "meta", "argument_specs.yml")))


def _load(role, *parts):
    with open(os.path.join(REPO_ROOT, "roles", role, *parts)) as handle:
        return yaml.safe_load(handle) or {}


def test_every_role_with_defaults_has_argument_specs():
    with_defaults = sorted(os.path.basename(os.path.dirname(os.path.dirname(path)))
                           for path in glob.glob(os.path.join(REPO_ROOT, "roles", "*", "defaults", "main.yml")))
    assert with_defaults, "no role has defaults/main.yml"
    assert with_defaults == ROLES


@pytest.mark.parametrize("role", ROLES)
def test_argument_specs_match_defaults(role):
    defaults = _load(role, "defaults", "main.yml")
    options = _load(role, "meta", "argument_specs.yml")["argument_specs"]["main"]["options"]

    undocumented = sorted(set(defaults) - set(options))
    assert not undocumented, "defaults not documented in meta/argument_specs.yml: %s" % undocumented
    # A documented option without a default is fine only when it is required.
    phantom = sorted(name for name, spec in options.items() if name not in defaults and not spec.get("required"))
    assert not phantom, "documented but neither defined in defaults/main.yml nor required: %s" % phantom

    different = {name: (defaults[name], options[name].get("default"))
                 for name in defaults if options[name].get("default") != defaults[name]}
    assert not different, "defaults differ (defaults/main.yml, argument_specs.yml): %s" % different


@pytest.mark.parametrize("role", ROLES)
def test_public_variables_carry_the_role_prefix(role):
    options = _load(role, "meta", "argument_specs.yml")["argument_specs"]["main"]["options"]
    for name, spec in options.items():
        assert name.startswith(role + "_"), "%s lacks the prefix %s_" % (name, role)
        assert spec.get("description"), "%s has no description" % name
        assert spec.get("type"), "%s has no type" % name
        if spec["type"] == "list":
            assert spec.get("elements"), "list option %s has no elements" % name
