# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_harden in check mode is an audit: against a fresh Harbor it reports what is not compliant,
writes its report, and changes nothing (no write in the emulator's access log, host files untouched).

One ansible-playbook run of playbooks/harden.yml --check; the tests below read its outcome. The fresh
emulator has no scanner (Harbor installed without Trivy), so scan-all is reported, not fixable. The
converge/idempotence/verify path is the molecule scenario `harden` (test_molecule.py).
"""

import json
import os
import stat

import pytest

from tests.harbor_emulator.fixture import EmulatorProcess
from tests.integration.ansible_runner import run_playbook

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(REPO_ROOT, "playbooks", "harden.yml")
ADMIN_PASSWORD = "Audit-Admin-Passw0rd"
HOST_SECRET = "Host-File-Secret-42"
HARBOR_YML = """hostname: harbor.audit.test
https:
  port: 443
  certificate: /etc/harbor/tls/harbor.crt
  private_key: /etc/harbor/tls/harbor.key
harbor_admin_password: %s
""" % HOST_SECRET

# (control, target) -> (status, found); found None: not checked
EXPECTED = {
    ("identity.self_registration", "system"): ("compliant", False),
    ("identity.project_creation_restriction", "system"): ("non_compliant", "everyone"),
    ("identity.robot_token_duration", "system"): ("compliant", 30),
    ("identity.token_expiration", "system"): ("compliant", 30),
    ("identity.session_timeout", "system"): ("skipped", 60),
    ("identity.auth", "system"): ("compliant", "db_auth"),
    ("operations.audit_log_forward", "system"): ("non_compliant", ""),
    ("project.auto_scan", "library"): ("non_compliant", False),
    ("project.prevent_vulnerable", "library"): ("non_compliant", "prevent_vulnerable false, severity unset"),
    ("project.immutable_tags", "library"): ("non_compliant", []),
    ("project.auto_scan", "missing"): ("non_compliant", "project not found"),
    ("project.prevent_vulnerable", "missing"): ("non_compliant", "project not found"),
    ("project.content_trust_cosign", "missing"): ("non_compliant", "project not found"),
    ("project.immutable_tags", "missing"): ("non_compliant", "project not found"),
    ("supply_chain.scan_all", "system"): ("non_compliant", "no default scanner (Harbor answers 412)"),
    ("supply_chain.cve_allowlist", "system"): ("compliant", {"items": [], "expires_at": None}),
    ("operations.gc", "system"): ("non_compliant", {"schedule": "None", "delete_untagged": None, "cron": None}),
    ("operations.purge_audit", "system"): ("non_compliant", None),
    ("host.https", "localhost"): ("compliant", "https configured"),
    ("host.strong_ssl_ciphers", "localhost"): ("non_compliant", False),
    ("host.harbor_yml_mode", "localhost"): ("non_compliant", "0644"),
    ("host.secret_dir_mode", "localhost"): ("non_compliant", "0755"),
}


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    base = tmp_path_factory.mktemp("harden_audit")
    host = base / "host"
    (host / "data" / "secret").mkdir(parents=True)
    os.chmod(host / "data" / "secret", 0o755)
    (host / "harbor.yml").write_text(HARBOR_YML)
    os.chmod(host / "harbor.yml", 0o644)
    variables = {
        "harbor_harden_projects": [{"name": "library"}, {"name": "missing", "production": True}],
        "harbor_harden_audit_log_forward_endpoint": "syslog.audit.test:514",
        "harbor_harden_skip_controls": ["identity.session_timeout"],
        "harbor_harden_report_path": str(base / "report" / "audit"),
        "harbor_harden_host": True,
        "harbor_harden_host_harbor_yml": str(host / "harbor.yml"),
        "harbor_harden_host_data_volume": str(host / "data"),
        "harbor_harden_host_fix_harbor_yml": True,  # still nothing written: check mode
    }
    with EmulatorProcess().start(admin_password=ADMIN_PASSWORD) as emulator:
        env = {"HARBOR_URL": emulator.url, "HARBOR_USERNAME": "admin", "HARBOR_PASSWORD": ADMIN_PASSWORD}
        run = run_playbook(PLAYBOOK, variables, args=["--check", "-v"], env=env)
        log = emulator.log()
    report = {}
    if os.path.exists(str(base / "report" / "audit.json")):
        report = json.loads((base / "report" / "audit.json").read_text())
        report["markdown"] = (base / "report" / "audit.md").read_text()
    return {"run": run, "log": log, "report": report, "host": host}


def test_audit_succeeds_and_writes_nothing_to_harbor(audit):
    assert audit["run"].succeeded, audit["run"].output[-20000:]
    assert audit["log"], "the audit did not reach Harbor"
    writes = [(e["method"], e["path"]) for e in audit["log"] if e["method"] not in ("GET", "HEAD")]
    assert writes == []


def test_audit_leaves_the_host_files_alone(audit):
    host = audit["host"]
    assert stat.S_IMODE(os.stat(host / "harbor.yml").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(host / "data" / "secret").st_mode) == 0o755
    assert (host / "harbor.yml").read_text() == HARBOR_YML


def test_audit_report_lists_every_control_with_its_status(audit):
    report = audit["report"]
    assert report["mode"] == "audit"
    found = {(c["control"], c["target"]): (c["status"], c["found"]) for c in report["controls"]}
    assert sorted(found) == sorted(EXPECTED)
    for key, (status, value) in EXPECTED.items():
        assert found[key][0] == status, (key, found[key])
        if value is not None:
            assert found[key][1] == value, (key, found[key])
    assert report["summary"] == {"compliant": 6, "fixed": 0, "non_compliant": 15, "skipped": 1}
    assert all(set(c) == {"control", "category", "target", "expected", "found", "status"} for c in report["controls"])


def test_audit_markdown_report_and_no_secret_anywhere(audit):
    markdown = audit["report"]["markdown"]
    assert "| Control | Target | Expected | Found | Status |" in markdown
    assert "| identity.project_creation_restriction | system | adminonly | everyone | non_compliant |" in markdown
    assert markdown.count("\n| ") == len(EXPECTED) + 1  # header and one row per control
    everything = json.dumps(audit["report"]) + audit["run"].stdout + audit["run"].stderr
    assert HOST_SECRET not in everything and ADMIN_PASSWORD not in everything
