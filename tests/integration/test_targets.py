# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every playbook in targets/ runs once with ansible-playbook -vvv and must finish with failed=0.

The playbooks assert behaviour themselves (create, repeat without a write, update, check mode,
diff, delete twice, bad input); this file runs them, shows their output when one fails, and checks
that the Harbor password appears nowhere in the verbose output.
"""

import glob
import os

import pytest

from .ansible_runner import run_playbook

TARGETS = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "targets", "*.yml")))


@pytest.mark.parametrize("playbook", TARGETS, ids=[os.path.basename(t)[:-4] for t in TARGETS])
def test_target(playbook, harbor_target):
    run = run_playbook(playbook, harbor_target.playbook_vars(), args=["-vvv"])
    assert run.succeeded, run.output[-20000:]
    assert run.recap["ok"] > 0
    assert harbor_target.password not in run.stdout + run.stderr, "the Harbor password leaked into the output"
    assert "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER" in run.stdout  # it was passed to modules, and masked
