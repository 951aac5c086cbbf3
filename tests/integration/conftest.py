# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the integration suite runs: the bundled emulator, or a real Harbor named by HARBOR_URL.

With HARBOR_URL, HARBOR_USERNAME and HARBOR_PASSWORD set (and HARBOR_CA_PATH for a private CA) the
same playbooks run against that Harbor, through the project's recording proxy
(``tests/harbor_emulator/recording_proxy.py``): it forwards every request unchanged and keeps the
emulator's access log, so the request and write counts hold on real Harbor too
(``harbor_access_log``), and it injects the same faults as the emulator. Only the checks that need the
emulator's control API (seeded users, directories, artifact times) are skipped there (the playbooks
test ``harbor_emulator``).
"""

import os
import uuid

import pytest

from tests.harbor_emulator.fixture import EmulatorProcess
from tests.harbor_emulator.recording_proxy import RecordingProxy
from tests.scanner_adapter import ScannerAdapter

ADMIN_PASSWORD = "Harbor12345"


class HarborTarget(object):
    def __init__(self, url, username, password, ca_path=None, emulator=None, tls_emulator=None, scanner_url=None,
                 proxy=None):
        self.url = url
        self.proxy = proxy  # the RecordingProxy in front of a real Harbor
        self.username = username
        self.password = password
        self.ca_path = ca_path
        self.emulator = emulator
        self.tls_emulator = tls_emulator
        self.scanner_url = scanner_url  # a scanner adapter Harbor can reach (HARBOR_SCANNER_URL for a real Harbor)

    @property
    def is_emulator(self):
        return self.emulator is not None

    @property
    def access_log(self):
        """What keeps the request log: the emulator, or the recording proxy in front of a real Harbor."""
        return self.emulator if self.emulator is not None else self.proxy

    def playbook_vars(self, **extra):
        data = {"harbor_url": self.url, "harbor_username": self.username, "harbor_password": self.password,
                "harbor_emulator": self.is_emulator, "harbor_access_log": self.access_log is not None,
                "prefix": "it%s" % uuid.uuid4().hex[:8]}
        if self.ca_path and self.proxy is None:
            data["harbor_ca_path"] = self.ca_path
        if self.tls_emulator is not None:
            data["harbor_tls_url"] = self.tls_emulator.url
            data["harbor_tls_ca"] = self.tls_emulator.ca_path
        if self.scanner_url:
            data["scanner_url"] = self.scanner_url
        data.update(extra)
        return data


@pytest.fixture(scope="session")
def harbor_target():
    if os.environ.get("HARBOR_URL"):
        ca_path = os.environ.get("HARBOR_CA_PATH") or None
        proxy = RecordingProxy(os.environ["HARBOR_URL"], ca_path).start()
        try:
            yield HarborTarget(proxy.url, os.environ.get("HARBOR_USERNAME", "admin"),
                               os.environ.get("HARBOR_PASSWORD", ""), ca_path,
                               scanner_url=os.environ.get("HARBOR_SCANNER_URL") or None, proxy=proxy)
        finally:
            proxy.stop()
        return
    plain = EmulatorProcess()
    plain.start(admin_password=ADMIN_PASSWORD)
    tls = EmulatorProcess()
    tls.start(tls=True, admin_password=ADMIN_PASSWORD)
    adapter = ScannerAdapter().start()
    try:
        yield HarborTarget(plain.url, "admin", ADMIN_PASSWORD, emulator=plain, tls_emulator=tls, scanner_url=adapter.url)
    finally:
        plain.stop()
        tls.stop()
        adapter.stop()


@pytest.fixture
def faulty_harbor(harbor_target):
    """What injects faults and keeps the access log: the emulator, or the recording proxy in front of a real
    Harbor (same ``fault``, ``clear_faults``, ``log``, ``clear_log``)."""
    return harbor_target.access_log
