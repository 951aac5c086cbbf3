# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every playbook in targets/ runs once with ansible-playbook and must finish with failed=0.

The playbooks assert behaviour themselves (create, repeat without a write, update, check mode,
diff, delete twice, bad input); this file only runs them and shows their output when one fails.
"""

import glob
import os

import pytest

from .ansible_runner import run_playbook

TARGETS = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "targets", "*.yml")))


@pytest.mark.parametrize("playbook", TARGETS, ids=[os.path.basename(t)[:-4] for t in TARGETS])
def test_target(playbook, harbor_target):
    run = run_playbook(playbook, harbor_target.playbook_vars())
    assert run.succeeded, run.output
    assert run.recap["ok"] > 0
