# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run every molecule scenario (`molecule test -s <name>`: its whole sequence, idempotence included).

Molecule runs from pytest rather than as a separate stage of scripts/test-all.sh so that each
scenario is a counted test in the one pass/fail summary, `make pytest` covers it, and a failure
shows that scenario's output. Two scenarios run at a time (each is mostly ansible-playbook CPU).
"""

import glob
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.harbor_emulator.fixture import EmulatorProcess
from tests.integration.ansible_runner import ansible_env

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIOS = sorted(os.path.basename(os.path.dirname(path))
                   for path in glob.glob(os.path.join(REPO_ROOT, "molecule", "*", "molecule.yml")))
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _run(scenario):
    env = ansible_env({"NO_COLOR": "1", "PY_COLORS": "0", "MOLECULE_NO_LOG": "false"})
    if not scenario.startswith("harden"):
        return _molecule(scenario, env)
    # harden_* scenarios need a fresh Harbor API: their own emulator, installed with Trivy
    with EmulatorProcess().start() as emulator:
        emulator.set_config(with_trivy=True)
        env.update(HARBOR_URL=emulator.url, HARBOR_USERNAME=emulator.admin[0], HARBOR_PASSWORD=emulator.admin[1])
        return _molecule(scenario, env)


def _molecule(scenario, env):
    proc = subprocess.run(["molecule", "test", "-s", scenario], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    return proc.returncode, ANSI.sub("", proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def molecule_runs():
    """Start every scenario at once (two at a time); each test waits for its own."""
    pool = ThreadPoolExecutor(max_workers=2)
    futures = {scenario: pool.submit(_run, scenario) for scenario in SCENARIOS}
    yield futures
    pool.shutdown(cancel_futures=True)


def test_scenarios_exist():
    assert "install_check" in SCENARIOS
    assert len([s for s in SCENARIOS if s.startswith("install_")]) >= 5
    assert "harden" in SCENARIOS


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario(molecule_runs, scenario):
    returncode, output = molecule_runs[scenario].result()
    assert returncode == 0, output[-20000:]
    assert re.search(r"%s\s*: actions=\d+\s+successful=\d+\s+disabled=0\s+skipped=0\s+missing=0\s+failed=0" % scenario,
                     output), output[-5000:]
    if scenario == "install_check":
        # Check mode shows what harbor.yml would become (through its redacted copy), never a secret.
        assert "+hostname: harbor.check.test" in output, output[-20000:]
        assert "+harbor_admin_password: '********'" in output, output[-20000:]
        assert "check-admin-pw" not in output and "check-db-pw" not in output
    else:
        assert "idempotence: Executed: Successful" in output, output[-5000:]
    if scenario == "harden":
        # the stand-in harbor.yml holds this password: the role reads it without showing it
        assert "Molecule-Admin-Secret-1" not in output
