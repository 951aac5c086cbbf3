# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""No password or client secret in ``ansible-playbook -vvv`` output of the user, member and config targets.

The targets run with ``harbor_emulator=false``: their checks of the emulator's access log read request
bodies back (which hold the passwords on purpose) and would print them at -vvv; what is tested here is what
the modules themselves let through (module arguments, results, diffs, warnings, failure messages).
Against the bundled emulator each playbook gets its own instance and they run at the same time.
"""

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

from .ansible_runner import run_playbook
from .conftest import ADMIN_PASSWORD, HarborTarget

TARGETS = os.path.join(os.path.dirname(__file__), "targets")
# every secret those playbooks hand to a module, as a function of the random prefix
SECRETS = {
    "harbor_user.yml": ("First-Passw0rd-{p}", "Second-Passw0rd-{p}"),
    "harbor_project_member.yml": ("Member-Passw0rd-{p}",),
    "harbor_config.yml": ("Oidc-Client-Secret-{p}", "Ldap-Bind-Passw0rd-{p}", "Config-Passw0rd-{p}"),
}


def _run(playbook, target):
    extra = target.playbook_vars(harbor_emulator=False, prefix="vvv%s" % uuid.uuid4().hex[:8])
    run = run_playbook(os.path.join(TARGETS, playbook), extra, args=["-vvv"])
    secrets = [s.format(p=extra["prefix"]) for s in SECRETS[playbook]] + [target.password]
    return run, secrets


def test_no_secret_in_vvv_output(harbor_target, harbor_emulator_factory):
    if harbor_target.is_emulator:
        targets = dict((name, HarborTarget(emulator.url, "admin", ADMIN_PASSWORD, emulator=emulator))
                       for name, emulator in ((n, harbor_emulator_factory(admin_password=ADMIN_PASSWORD))
                                              for n in sorted(SECRETS)))
        with ThreadPoolExecutor(len(SECRETS)) as pool:
            runs = dict(zip(sorted(SECRETS), pool.map(lambda n: _run(n, targets[n]), sorted(SECRETS))))
    else:
        runs = dict((name, _run(name, harbor_target)) for name in sorted(SECRETS))
    for playbook, (run, secrets) in sorted(runs.items()):
        assert run.succeeded, run.output
        output = run.stdout + run.stderr
        assert "<localhost> EXEC" in output and "AnsiballZ_harbor_" in output  # really -vvv, really our modules
        leaked = [s for s in secrets if s in output]
        assert leaked == [], "secrets in -vvv output of %s: %s" % (playbook, leaked)
