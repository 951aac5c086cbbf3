# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run a module's ``main()`` in-process with scripted HTTP and return its real JSON result."""

import json

import pytest
from ansible.module_utils.testing import patch_module_args

from ansible_collections.harbor_ops.harbor.plugins.module_utils import _client

from .http_script import ScriptedHTTP

# unit tests script basic-auth requests; the session login (auth_method=auto) is tested against the emulator
CONNECTION = {"url": "https://harbor.example.com", "username": "admin", "password": "S3cret-Passw0rd", "auth_method": "basic"}


@pytest.fixture
def run_module(monkeypatch, capsys):
    """``run_module(main, args, calls, check_mode=False, diff=False)`` -> (result dict, ScriptedHTTP)."""

    def run(main, args, calls, check_mode=False, diff=False, ordered=True):
        http = ScriptedHTTP(calls, ordered)
        original_init = _client.HarborClient.__init__

        def init(self, *a, **kw):
            original_init(self, *a, **kw)
            self.session.mount("https://", http)
            self.session.mount("http://", http)

        def mount(self, session, pool_size):  # set_pool_size (parallel reconcile) must not unmount the script
            session.mount("https://", http)
            session.mount("http://", http)

        monkeypatch.setattr(_client.HarborClient, "__init__", init)
        monkeypatch.setattr(_client.HarborClient, "_mount", mount)
        module_args = dict(CONNECTION, **args)
        module_args["_ansible_check_mode"] = check_mode
        module_args["_ansible_diff"] = diff
        with patch_module_args(module_args):
            with pytest.raises(SystemExit):
                main()
        out = capsys.readouterr().out
        result = json.loads(out)
        http.assert_done()
        return result, http

    return run
