# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run ansible-playbook against this checkout of the collection, as a user would."""

import json
import os
import re
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
INVENTORY = os.path.join(HERE, "inventory.ini")
RECAP = re.compile(r"^localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)"
                   r"\s+rescued=(\d+)\s+ignored=(\d+)", re.MULTILINE)


class PlaybookRun(object):
    def __init__(self, command, returncode, stdout, stderr):
        self.command = command
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        match = RECAP.search(stdout)
        keys = ("ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored")
        self.recap = dict(zip(keys, map(int, match.groups()))) if match else None

    @property
    def output(self):
        return "$ %s\n%s\n%s" % (" ".join(self.command), self.stdout, self.stderr)

    @property
    def succeeded(self):
        return self.returncode == 0 and self.recap is not None and self.recap["failed"] == 0


def ansible_env(extra=None):
    """The environment for ansible-playbook: this checkout as the collection, quiet and colourless."""
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": os.environ["HARBOR_OPS_COLLECTIONS_ROOT"],
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ANSIBLE_HOST_KEY_CHECKING": "0",
        "ANSIBLE_STDOUT_CALLBACK": "default",
    })
    env.update(extra or {})
    return env


def run_playbook(playbook, extra_vars=None, args=(), env=None, timeout=900, inventory=INVENTORY):
    """Run one playbook with ``extra_vars`` passed in a private file (they may hold passwords)."""
    fd, vars_file = tempfile.mkstemp(prefix="harbor_ops_vars_", suffix=".json")
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump(extra_vars or {}, handle)
        command = ["ansible-playbook", "-i", inventory, playbook, "-e", "@" + vars_file] + list(args)
        proc = subprocess.run(command, capture_output=True, text=True, env=ansible_env(env), timeout=timeout,
                              cwd=os.path.dirname(os.path.abspath(playbook)), check=False)
    finally:
        os.unlink(vars_file)
    return PlaybookRun(command, proc.returncode, proc.stdout, proc.stderr)
