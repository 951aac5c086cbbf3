# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every playbook in targets/ runs once with ansible-playbook -vvv and must finish with failed=0.

The playbooks assert behaviour themselves (create, repeat without a write, update, check mode,
diff, delete twice, bad input); this file runs them, shows their output when one fails, and checks
that no secret appears anywhere in the verbose output: the Harbor password, ``chosen_secret`` (the
secret a target chooses for a resource) and every secret a target kept in a file under ``secret_dir``
(the secrets Harbor generated during the run, such as robot secrets).
"""

import glob
import os
import re
import uuid

import pytest

from .ansible_runner import run_playbook

# secrets that targets hand to modules, derived from the run's random prefix
PREFIXED_SECRETS = {
    "harbor_user.yml": ("First-Passw0rd-{p}", "Second-Passw0rd-{p}"),
    "harbor_project_member.yml": ("Member-Passw0rd-{p}",),
    "harbor_config.yml": ("Oidc-Client-Secret-{p}", "Ldap-Bind-Passw0rd-{p}", "Config-Passw0rd-{p}"),
}
# warnings a target expects ansible-core to print; any other warning fails the run
EXPECTED_WARNINGS = {
    "harbor_gc.yml": ("dry_run=False was not compared",),  # GET /system/gc/schedule never shows dry_run
    "harbor_user.yml": ("so it is not compared",),  # check mode cannot compare a password Harbor never returns
}
WARNING = re.compile(r"^\[WARNING\]: (.*)$", re.MULTILINE)
TARGETS = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "targets", "*.yml")))


@pytest.mark.parametrize("playbook", TARGETS, ids=[os.path.basename(t)[:-4] for t in TARGETS])
def test_target(playbook, harbor_target, tmp_path):
    secret_dir = tmp_path / "secrets"
    secret_dir.mkdir()
    chosen = "Chosen-%s-Secret9" % uuid.uuid4().hex[:10]
    variables = harbor_target.playbook_vars(secret_dir=str(secret_dir), chosen_secret=chosen)
    run = run_playbook(playbook, variables, args=["-vvv"])
    assert run.succeeded, run.output[-20000:]
    assert run.recap["ok"] > 0
    assert "ESTABLISH LOCAL CONNECTION" in run.stdout  # the run really was -vvv
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in run.stdout  # the password was passed to modules, and masked
    secrets = {harbor_target.password, chosen}
    secrets.update(s.format(p=variables["prefix"]) for s in PREFIXED_SECRETS.get(os.path.basename(playbook), ()))
    secrets.update(path.read_text().strip() for path in secret_dir.iterdir())
    output = run.stdout + run.stderr
    leaked = sorted(secret[:4] + "..." for secret in secrets if secret and secret in output)
    assert leaked == [], "secrets in the -vvv output: %s" % leaked
    expected = EXPECTED_WARNINGS.get(os.path.basename(playbook), ())
    unexpected = [w for w in WARNING.findall(output) if not any(e in w for e in expected)]
    assert unexpected == [], "warnings the target does not expect: %s" % unexpected
