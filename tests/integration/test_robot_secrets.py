# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""No robot secret reaches Ansible's output, even at -vvv.

The robot playbook creates, rotates, renews and chooses secrets and logs in with them; it keeps every secret
Harbor generated in ``secret_dir``, and the chosen one comes from here. The whole -vvv output of the run
must hold none of them.
"""

import os

from .ansible_runner import run_playbook

PLAYBOOK = os.path.join(os.path.dirname(__file__), "targets", "harbor_robot.yml")
CHOSEN = "Chosen-Grep-Secret-7Q"


def test_no_secret_in_verbose_output(harbor_target, tmp_path):
    secret_dir = tmp_path / "secrets"
    secret_dir.mkdir()
    run = run_playbook(PLAYBOOK, harbor_target.playbook_vars(secret_dir=str(secret_dir), chosen_secret=CHOSEN),
                       args=["-vvv"])
    assert run.succeeded, run.output
    secrets = {CHOSEN}
    for path in secret_dir.iterdir():
        secrets.add(path.read_text())
    # created, rotated, the two expiring robots, the renewed one and the system robot's, plus the chosen one
    assert len(secrets) >= 7, sorted(p.name for p in secret_dir.iterdir())
    assert all(len(secret) >= 8 for secret in secrets)
    assert "ESTABLISH LOCAL CONNECTION" in run.output  # the run really was -vvv
    leaked = [secret[:4] + "..." for secret in secrets if secret in run.output]
    assert leaked == [], "secrets in the -vvv output: %s" % leaked
