# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from .module_runner import run_module  # noqa: F401  pylint: disable=unused-import

import pytest

from ansible_collections.harbor_ops.harbor.plugins.module_utils import _client


@pytest.fixture(autouse=True)
def _no_login_lock(monkeypatch):
    """Scripted answers come at once, so every scripted 401 would look like Harbor's 1.5 s login lock and be
    sent again; unit tests script what Harbor answers a wrong password instead (the lock's retry has its own
    test in test_client.py and tests/emulator/test_sessions.py)."""
    monkeypatch.setattr(_client, "LOGIN_FREEZE", 0)
