# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_install refuses bad settings before it installs or writes anything, with a message that says what to fix.

One ansible-playbook run (harbor_install_refusals.yml) tries every case in a block/rescue and saves
how each ended; the tests below check one case each. The good profiles run in molecule (test_molecule.py).
"""

import json
import os

import pytest

from tests.integration.ansible_runner import run_playbook

HERE = os.path.dirname(os.path.abspath(__file__))

# case -> (task that must fail, words its message must hold)
EXPECTED = {
    "placeholder_hostname": ("Check harbor.yml against the rules of Harbor's prepare step",
                             ['hostname "reg.mydomain.com" is a placeholder', "harbor_install_hostname"]),
    "two_storage_drivers": ("Check harbor.yml against the rules of Harbor's prepare step",
                            ["exactly one storage driver, found 2 (filesystem, s3)", "harbor_install_storage_service"]),
    "missing_certificate": ("Check that those files exist and are readable",
                            ["https certificate", "absent/harbor.crt does not exist", "harbor_install_https_certificate",
                             "https private key", "harbor_install_https_private_key"]),
    "https_without_certificate": ("Check harbor.yml against the rules of Harbor's prepare step",
                                  ["https.certificate is missing", "harbor_install_https_certificate",
                                   "harbor_install_tls_self_signed"]),
    "empty_admin_password": ("Check harbor.yml against the rules of Harbor's prepare step",
                             ["harbor_admin_password", "harbor_install_admin_password"]),
    "bad_upload_purging_age": ("Check harbor.yml against the rules of Harbor's prepare step",
                               ['upload_purging.age "1h"', "n >= 2", "harbor_install_upload_purging_age"]),
    "trace_two_exporters": ("Check harbor.yml against the rules of Harbor's prepare step",
                            ["exactly one exporter", "harbor_install_trace"]),
    # Ansible's own argument_specs validation, before any task of the role.
    "bad_job_logger": (None, ["harbor_install_jobservice_job_loggers", "SYSLOG"]),
    "download_without_checksum": ("Check that an installer is given with a checksum",
                                  ["harbor_install_installer_checksum", "sha256:", "harbor_install_installer_src"]),
    # Rendered once, then both passwords changed: Harbor would ignore the admin one and fail on the database one.
    "changed_first_start_password": ("Check that settings Harbor applies only at first start are unchanged",
                                     ["harbor_install_admin_password differs", "harbor_install_database_password differs",
                                      "harbor_install_allow_first_start_changes"]),
}
# The one case that writes (its first, valid render) before the refused run.
FIRST_RENDER = "changed_first_start_password"


@pytest.fixture(scope="module")
def refusals(tmp_path_factory):
    work = tmp_path_factory.mktemp("harbor_install_refusals")
    run = run_playbook(os.path.join(HERE, "harbor_install_refusals.yml"), {"refusal_dir": str(work)})
    assert run.succeeded, run.output
    with open(os.path.join(str(work), "results.json")) as handle:
        results = json.load(handle)
    # Nothing may be left behind by a refused run: not even the install directory.
    written = sorted(name for name in os.listdir(str(work)) if name not in ("results.json", FIRST_RENDER))
    with open(os.path.join(str(work), FIRST_RENDER, "harbor.yml")) as handle:
        first_render = handle.read()
    return results, written, first_render, run.output


def test_every_case_ran(refusals):
    results, written, first_render, output = refusals
    assert sorted(results) == sorted(EXPECTED), output
    assert written == [], "refused runs wrote %s" % written
    # The refused run left the first harbor.yml as it was.
    assert '"refusal-admin-pw"' in first_render and "another-admin-pw" not in first_render


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_refused_with_a_message_that_says_what_to_fix(refusals, case):
    results, _written, _first_render, output = refusals
    result = results[case]
    task, words = EXPECTED[case]
    assert result["failed"], "%s was accepted\n%s" % (case, output)
    if task is not None:
        assert result["task"] == task, result
    for word in words:
        assert word in result["msg"], "%r not in %r" % (word, result["msg"])
    for secret in ("refusal-admin-pw", "refusal-db-pw", "another-admin-pw", "another-db-pw"):
        assert secret not in result["msg"]
