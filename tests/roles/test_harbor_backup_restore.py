# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/backup.yml and playbooks/restore.yml end to end: an emulator run as a service with its state in
PostgreSQL and a Harbor-like data volume, backed up, corrupted, destroyed and restored.

The tests run in file order on one site (module scope): each step builds on the previous one, as an
operator's day would. The emulator is stopped and started by the roles' stop/start commands.
"""

import glob
import hashlib
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import types

import psycopg
import pytest
import requests
import yaml

from tests import oci_images
from tests.harbor_emulator.cli import running
from tests.harbor_emulator.fixture import EmulatorProcess, REPO_ROOT
from tests.integration.ansible_runner import ansible_env, run_playbook

ADMIN_PASSWORD = "Backup-Admin-Passw0rd"
DB_NAME = "harbor_br"
BACKUP_PLAYBOOK = os.path.join(REPO_ROOT, "playbooks", "backup.yml")
RESTORE_PLAYBOOK = os.path.join(REPO_ROOT, "playbooks", "restore.yml")
EMULATOR_CLI = os.path.join(REPO_ROOT, "tests", "harbor_emulator")
TOOL = os.path.join(REPO_ROOT, "roles", "harbor_backup", "files", "harbor_backup_tool.py")


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session():
    session = requests.Session()
    session.auth = ("admin", ADMIN_PASSWORD)
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


class Site(object):
    """The Harbor host: install dir with harbor.yml, data volume, backup dir, the emulator as a service."""

    def __init__(self, base, postgres):
        self.base = base
        self.postgres = postgres
        self.data = os.path.join(base, "data")
        self.install = os.path.join(base, "harbor")
        self.backups = os.path.join(base, "backups")
        self.pidfile = os.path.join(base, "emulator.pid")
        self.port = _free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.api = self.url + "/api/v2.0"
        self.admin = ("admin", ADMIN_PASSWORD)
        # The password reaches the emulator through a pgpass file, never on a command line.
        self.pgpass = os.path.join(base, "pgpass")
        with open(os.open(self.pgpass, os.O_WRONLY | os.O_CREAT, 0o600), "w") as handle:
            handle.write("%s:%d:*:%s:%s\n" % (postgres.host, postgres.port, postgres.user, postgres.password))
        self.dsn = "postgresql://%s@%s:%d/%s" % (postgres.user, postgres.host, postgres.port, DB_NAME)
        self.env = {"PGPASSFILE": self.pgpass}
        self.stop_command = "%s %s stop --pidfile %s" % (sys.executable, EMULATOR_CLI, self.pidfile)
        # the admin password only seeds an empty database (the first start); a restored one holds its own admin
        # core's cached settings (in Redis, which outlives core) last longer than a whole restore here, so a
        # restore that trusts what Harbor answers about its settings right after the restart is caught
        self.start_command = ("%s %s start --pidfile %s --port %d --data-volume %s --database-dsn %s"
                              " --config-cache-seconds 900"
                              % (sys.executable, EMULATOR_CLI, self.pidfile, self.port, self.data, self.dsn))
        os.makedirs(os.path.join(self.install, "certs"))
        for name in ("harbor.crt", "harbor.key"):
            with open(os.path.join(self.install, "certs", name), "w") as handle:
                handle.write("test %s\n" % name)
        self.config = {
            "hostname": "harbor.example.com", "data_volume": self.data,
            "https": {"port": 443, "certificate": os.path.join(self.install, "certs", "harbor.crt"),
                      "private_key": os.path.join(self.install, "certs", "harbor.key")},
            "harbor_admin_password": ADMIN_PASSWORD,
            "external_database": {"harbor": {"host": postgres.host, "port": postgres.port, "db_name": DB_NAME,
                                             "username": postgres.user, "password": postgres.password,
                                             "ssl_mode": "disable"}},
        }
        with open(os.path.join(self.install, "harbor.yml"), "w") as handle:
            yaml.safe_dump(self.config, handle)

    def service(self, command):
        proc = subprocess.run(command.split(), capture_output=True, text=True, check=False, timeout=60,
                              env=dict(os.environ, **self.env))
        assert proc.returncode == 0, proc.stderr

    def pid(self):
        try:
            with open(self.pidfile) as handle:
                return int(handle.read())
        except OSError:
            return None

    def get(self, path, **params):
        response = _session().get(self.api + path, params=dict(params, page_size=100), timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def read_only(self):
        return self.get("/configurations")["read_only"]["value"]

    def stored_read_only(self):
        """read_only as the database holds it (what Harbor enforces once core's cached settings expire)."""
        with psycopg.connect(self.dsn, passfile=self.pgpass) as conn:
            return conn.execute("SELECT v FROM properties WHERE k = 'read_only'").fetchone()[0]

    def set_read_only(self, value):
        assert _session().put(self.api + "/configurations", json={"read_only": value}, timeout=30).status_code == 200

    def answers(self):
        """What the API and /v2/ show of everything a backup must keep."""
        session = _session()
        demo = self.get("/projects/demo")["project_id"]
        emulator = types.SimpleNamespace(url=self.url, admin=self.admin)
        return {
            "projects": self.get("/projects", sort="name"),
            "robots": self.get("/robots"),
            "project_robots": self.get("/robots", q="Level=project,ProjectID=%d" % demo),
            "registries": self.get("/registries"),
            "policies": self.get("/replication/policies"),
            "repositories": sorted(r["name"] for p in ("library", "demo") for r in self.get("/projects/%s/repositories" % p)),
            "tags": {repo: oci_images.v2_tags(session, emulator, repo) for repo in ("library/app", "demo/team/tool")},
            "config": {k: v["value"] for k, v in self.get("/configurations").items() if k in ("ldap_url", "robot_name_prefix")},
        }

    def registry_files(self):
        root = os.path.join(self.data, "registry")
        return sorted((os.path.relpath(p, root), os.path.getsize(p))
                      for p in glob.glob(os.path.join(root, "**"), recursive=True) if os.path.isfile(p))

    def tool(self, *args, backups=None):
        backups = backups or self.backups
        proc = subprocess.run([sys.executable, TOOL] + list(args) + [
            "--repo", os.path.join(backups, "restic"), "--password-file", os.path.join(backups, "restic-password")],
            capture_output=True, text=True, check=False)
        return proc.returncode, json.loads(proc.stdout)

    def sets(self, backups=None):
        """The finished sets, as the restore finds them: set snapshots in the restic repository."""
        returncode, answer = self.tool("sets", "--backup-dir", backups or self.backups, backups=backups)
        assert returncode == 0, answer
        return [found["name"] for found in answer["sets"]]

    def manifest(self, name, backups=None):
        """The manifest of a set, read out of the repository (its files exist nowhere else)."""
        staging = os.path.join(self.base, "manifest-staging")
        returncode, answer = self.tool("open", "--set", name, "--backup-dir", backups or self.backups,
                                       "--staging", staging, backups=backups)
        assert returncode == 0, answer
        try:
            with open(os.path.join(answer["set_dir"], "manifest.json")) as handle:
                return json.load(handle)
        finally:
            shutil.rmtree(staging)

    def restic(self, *args, backups=None):
        """restic's --json answer: one document, or a list of them when it prints one per line; None for none."""
        backups = backups or self.backups
        out = subprocess.run(
            ["restic", "--repo", os.path.join(backups, "restic"), "--password-file", os.path.join(backups, "restic-password"),
             "--no-cache"] + list(args) + ["--json"], capture_output=True, text=True, check=True).stdout.strip()
        lines = out.splitlines()
        return json.loads(out) if len(lines) == 1 else [json.loads(line) for line in lines] or None

    def backup_vars(self, **extra):
        data = {"harbor_backup_hosts": "localhost", "harbor_backup_become": False, "harbor_backup_url": self.url,
                "harbor_backup_password": ADMIN_PASSWORD, "harbor_backup_config_path": os.path.join(self.install, "harbor.yml"),
                "harbor_backup_dir": self.backups}
        data.update(extra)
        return data

    def restore_vars(self, **extra):
        data = {"harbor_restore_hosts": "localhost", "harbor_restore_become": False, "harbor_restore_url": self.url,
                "harbor_restore_password": ADMIN_PASSWORD, "harbor_restore_backup_dir": self.backups,
                "harbor_restore_config_path": os.path.join(self.install, "harbor.yml"),
                "harbor_restore_stop_commands": [self.stop_command], "harbor_restore_start_commands": [self.start_command],
                "harbor_restore_health_timeout": 60, "harbor_restore_verify_blob_content": True}
        data.update(extra)
        return data

    def play(self, playbook, variables, args=()):
        return run_playbook(playbook, variables, args=list(args), env=self.env)


def _id(response):
    assert response.status_code == 201, response.text
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def _assert_no_secret(run, site):
    output = run.stdout + run.stderr
    for secret in (ADMIN_PASSWORD, site.postgres.password):
        assert secret not in output, "a secret is in the -vvv output"


@pytest.fixture(scope="module")
def remote():
    """An in-memory Harbor the site holds registry credentials for (encrypted with the secret key)."""
    with EmulatorProcess().start() as emulator:
        yield emulator


@pytest.fixture(scope="module")
def site(postgres_server, remote, tmp_path_factory):
    base = str(tmp_path_factory.mktemp("backup_restore"))
    postgres_server.create_database(DB_NAME)
    site = Site(base, postgres_server)
    site.service(site.start_command + " --admin-password " + ADMIN_PASSWORD)
    try:
        session = _session()
        api = site.api
        _id(session.post(api + "/projects", json={"project_name": "demo", "metadata": {"public": "false"}}))
        assert session.post(api + "/robots", json={
            "name": "ci", "level": "project", "duration": 30,
            "permissions": [{"kind": "project", "namespace": "demo",
                             "access": [{"resource": "repository", "action": "pull"}]}]}).status_code == 201
        site.registry_id = _id(session.post(api + "/registries", json={
            "name": "remote", "type": "harbor", "url": remote.url,
            "credential": {"type": "basic", "access_key": "admin", "access_secret": remote.admin[1]}}))
        _id(session.post(api + "/replication/policies", json={
            "name": "pull-remote", "src_registry": {"id": site.registry_id}, "dest_namespace": "demo", "enabled": True,
            "trigger": {"type": "manual"}}))
        assert session.put(api + "/configurations", json={"ldap_url": "ldap://ldap.example.com"}).status_code == 200
        layout = os.path.join(base, "layout")
        emulator = types.SimpleNamespace(url=site.url, admin=site.admin)
        for tag in ("v1", "v2"):
            oci_images.build_layout(layout, tag, layers=3, layer_size=128 * 1024)
            oci_images.push(layout, tag, emulator, "library/app")
        oci_images.build_layout(layout, "1.0", layers=1, layer_size=64 * 1024)
        oci_images.push(layout, "1.0", emulator, "demo/team/tool")
        yield site
    finally:
        site.service(site.stop_command)


def _files_holding(directory, secrets):
    """Every file under directory (recursively) whose bytes contain one of the secrets."""
    found = []
    for root, _dirs, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            if os.path.isfile(path) and not os.path.islink(path):
                with open(path, "rb") as handle:
                    data = handle.read()
                found.extend("%s holds %s" % (path, label) for label, secret in secrets.items() if secret in data)
    return found


def _secrets(site):
    with open(os.path.join(site.data, "secret", "keys", "secretkey"), "rb") as handle:
        secret_key = handle.read()
    with open(os.path.join(site.install, "certs", "harbor.key"), "rb") as handle:
        tls_key = handle.read()
    return {"the admin password": ADMIN_PASSWORD.encode(), "the database password": site.postgres.password.encode(),
            "the secret key": secret_key, "the TLS private key": tls_key}


def test_backup_writes_a_complete_verifiable_set(site):
    before = site.answers()
    run = site.play(BACKUP_PLAYBOOK, site.backup_vars(), args=["-vvv"])
    assert run.succeeded, run.output[-20000:]
    _assert_no_secret(run, site)
    assert len(site.sets()) == 1
    # the set is in the encrypted repository and nowhere else: no file under the backup directory holds a secret
    assert sorted(os.listdir(site.backups)) == ["README-KEY.txt", "restic", "restic-password"]
    assert _files_holding(site.backups, _secrets(site)) == []
    # (the check itself finds them: the data volume holds the key, harbor.yml the passwords)
    assert _files_holding(os.path.join(site.data, "secret", "keys"), _secrets(site))
    assert _files_holding(site.install, _secrets(site))
    manifest = site.manifest(site.sets()[0])
    assert manifest["format"] == 2 and manifest["set"] == site.sets()[0]
    assert manifest["harbor_version"].startswith("v2.15.2")
    assert manifest["schema_version"] == 180
    assert manifest["storage_type"] == "filesystem"
    assert manifest["database"]["mode"] == "external" and manifest["database"]["name"] == DB_NAME
    files = {entry["path"]: entry for entry in manifest["files"]}
    for path in ("database/%s.sql" % DB_NAME, "secret/keys/secretkey", "secret/core/private_key.pem",
                 "secret/registry/root.crt", "config/harbor.yml",
                 "config/files" + os.path.join(site.install, "certs", "harbor.crt")):
        assert path in files, path
    assert files["secret/keys/secretkey"]["sha256"] == hashlib.sha256(_secrets(site)["the secret key"]).hexdigest()
    # every registry file, blobs with the sha256 of their content-addressed path (which is their content's)
    assert sorted((e["path"], e["size"]) for e in manifest["registry_files"]) == site.registry_files()
    blobs = [e for e in manifest["registry_files"] if e.get("from_path")]
    assert len(blobs) >= 10
    for entry in blobs:
        with open(os.path.join(site.data, "registry", entry["path"]), "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == entry["sha256"]
    assert sorted(manifest["inventory"]["projects"]) == ["demo", "library"]
    assert {r.split("@")[0] for r in manifest["inventory"]["references"]} == {
        "library/app:v1", "library/app:v2", "demo/team/tool:1.0"}
    for reference in manifest["inventory"]["references"]:
        name, digest = reference.split("@")
        repository, tag = name.rsplit(":", 1)
        assert before["tags"][repository][tag] == digest
    # two snapshots per set, tagged with its name: the set's files and the registry storage
    snapshots = site.restic("snapshots", "--tag", "set-" + manifest["set"])
    assert sorted(tag for snap in snapshots for tag in snap["tags"] if tag in ("set", "registry")) == ["registry", "set"]
    registry = [snap for snap in snapshots if "registry" in snap["tags"]][0]
    assert registry["id"].startswith(manifest["restic"]["snapshot_id"]) and manifest["read_only_before"] is False
    # restic holds what the manifest lists; the key it generated is noted loudly, mode 0600
    assert os.stat(os.path.join(site.backups, "restic-password")).st_mode & 0o777 == 0o600
    assert "THE RESTIC KEY" in open(os.path.join(site.backups, "README-KEY.txt")).read()
    assert site.read_only() is False
    assert site.answers() == before


def test_a_killed_backup_leaves_no_set_that_passes_verification(site):
    # first a small change, which the next successful backup records (test below): pushed now, because the
    # killed run leaves Harbor read-only, and a read-only Harbor refuses pushes
    emulator = types.SimpleNamespace(url=site.url, admin=site.admin)
    layout = os.path.join(site.base, "layout")
    oci_images.build_layout(layout, "v3", layers=1, layer_size=16 * 1024)
    oci_images.push(layout, "v3", emulator, "library/app")
    sets = site.sets()
    fd, vars_file = _vars_file(site.base, site.backup_vars())
    proc = subprocess.Popen(["ansible-playbook", "-i", os.path.join(REPO_ROOT, "tests", "integration", "inventory.ini"),  # pylint: disable=consider-using-with
                             BACKUP_PLAYBOOK, "-e", "@" + vars_file], env=ansible_env(site.env), cwd=site.base,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    os.close(fd)
    try:
        deadline = time.monotonic() + 300
        while not glob.glob(os.path.join(site.backups, ".staging", "*", "database", "*.sql")):
            assert proc.poll() is None and time.monotonic() < deadline, "the backup ended before it could be killed"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    partial = glob.glob(os.path.join(site.backups, ".staging", "*"))
    assert len(partial) == 1 and site.sets() == sets
    assert site.read_only() is True  # nothing can switch back a SIGKILLed run; the next backup does (below)
    with pytest.raises(RuntimeError, match="read only mode"):
        oci_images.push(layout, "v3", emulator, "library/app", dest_tag="v3-frozen")
    # the restore refuses the staging directory, even named by its path
    returncode, answer = site.tool("open", "--set", partial[0], "--backup-dir", site.backups,
                                   "--staging", os.path.join(site.base, "staging"))
    assert returncode == 1 and "nothing was restored" in answer["msg"], answer
    # and a staging directory that got as far as its manifest is refused too
    meta = os.path.join(partial[0], "manifest.json")
    with open(meta, "w") as handle:
        json.dump({"format": 2, "set": os.path.basename(partial[0])}, handle)
    returncode, answer = site.tool("open", "--set", partial[0], "--backup-dir", site.backups,
                                   "--staging", os.path.join(site.base, "staging"))
    assert returncode == 1 and "did not finish" in answer["msg"], answer


def test_a_second_backup_after_a_small_change_adds_little(site):
    time.sleep(1.1)  # set names have a one-second resolution
    run = site.play(BACKUP_PLAYBOOK, site.backup_vars())
    assert run.succeeded, run.output[-20000:]
    # it removed the killed run's staging directory and put back the read-only state from before that run
    assert not os.path.exists(os.path.join(site.backups, ".staging"))
    assert site.read_only() is False
    first, second = (site.manifest(name) for name in site.sets())
    added = [m["restic"]["summary"]["data_added"] for m in (first, second)]
    assert added[1] < added[0] / 10, added
    assert second["restic"]["summary"]["files_unmodified"] > 0
    assert any(reference.startswith("library/app:v3@") for reference in second["inventory"]["references"])


def test_check_mode_describes_and_changes_nothing(site):
    sets = site.sets()
    run = site.play(BACKUP_PLAYBOOK, site.backup_vars(harbor_backup_keep_last=1, harbor_backup_keep_days=0), args=["--check"])
    assert run.succeeded, run.output[-20000:]
    assert "snapshot %s/registry into the restic repository" % site.data in run.stdout
    assert "Would remove sets ['%s']" % sets[0] in run.stdout
    assert site.sets() == sets
    assert not os.path.exists(os.path.join(site.backups, ".staging"))
    assert site.read_only() is False


def test_read_only_is_switched_back_after_a_failed_backup(site):
    sets = site.sets()
    run = site.play(BACKUP_PLAYBOOK, site.backup_vars(harbor_backup_database_port=1))
    assert not run.succeeded
    assert "The backup failed in \"Dump the external database\"" in run.stdout, run.output[-5000:]
    assert site.read_only() is False
    assert not os.path.exists(os.path.join(site.backups, "read-only-before"))
    assert site.sets() == sets
    assert not os.path.exists(os.path.join(site.backups, ".staging"))


def _vars_file(directory, variables):
    path = os.path.join(directory, "vars-%d.json" % time.monotonic_ns())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, json.dumps(variables).encode())
    return fd, path


CORRUPTIONS = {
    "flipped_blob_byte": "registry file",
    "truncated_dump": "incomplete database dump: database/%s.sql" % DB_NAME,
    "missing_secret_key": "missing file: secret/keys/secretkey",
    "newer_harbor": "newer than the target's 2.14.0",
}


def _rewrite_set(site, backups, name, change):
    """Replace the set snapshot of ``name`` in the repository under ``backups`` with one of a changed copy of its
    files: a set that restic decrypts fine but whose content is not what its manifest says."""
    staging = os.path.join(site.base, "rewrite-staging")
    returncode, answer = site.tool("open", "--set", name, "--backup-dir", backups, "--staging", staging, backups=backups)
    assert returncode == 0, answer
    change(answer["set_dir"])
    site.restic("forget", answer["snapshot"], backups=backups)
    site.restic("backup", "--tag", "harbor-backup", "--tag", "set", "--tag", "set-" + name, answer["set_dir"],
                backups=backups)
    shutil.rmtree(staging)


def _truncate_dump(set_dir):
    dump = os.path.join(set_dir, "database", "%s.sql" % DB_NAME)
    with open(dump, "r+b") as handle:
        handle.truncate(os.path.getsize(dump) // 2)


def _corrupt(site, case, backups, newest):
    if case == "flipped_blob_byte":
        # restic keeps file contents in data packs: flip one byte in the middle of every pack large enough to hold
        # registry layers (the set's own files, compressed, fit in far smaller packs)
        for pack in glob.glob(os.path.join(backups, "restic", "data", "*", "*")):
            if os.path.getsize(pack) > 256 * 1024:
                with open(pack, "r+b") as handle:
                    handle.seek(os.path.getsize(pack) // 2)
                    byte = handle.read(1)
                    handle.seek(-1, 1)
                    handle.write(bytes([byte[0] ^ 0x01]))
    elif case == "truncated_dump":
        _rewrite_set(site, backups, newest, _truncate_dump)
    elif case == "missing_secret_key":
        _rewrite_set(site, backups, newest, lambda set_dir: os.unlink(os.path.join(set_dir, "secret", "keys", "secretkey")))


def test_a_corrupted_set_is_refused_before_anything_is_touched(site):
    """Each corruption on its own copy of the backup directory; one ansible-playbook run tries them all."""
    newest = site.sets()[-1]
    marker = os.path.join(site.base, "harbor-was-stopped")
    before, files, pid = site.answers(), site.registry_files(), site.pid()
    plays = []
    for case in CORRUPTIONS:
        copy = os.path.join(site.base, "corrupt-" + case)
        shutil.copytree(site.backups, copy, symlinks=True)
        _corrupt(site, case, copy, newest)
        role_vars = site.restore_vars(harbor_restore_backup_dir=copy, harbor_restore_restic_repository=copy + "/restic",
                                      harbor_restore_stop_commands=["touch " + marker],
                                      harbor_restore_target_version="2.14.0" if case == "newer_harbor" else "v2.15.2")
        plays.append({"name": case, "block": [{"name": "Restore " + case, "ansible.builtin.include_role": {
            "name": "harbor_ops.harbor.harbor_restore"}, "vars": role_vars}],
            "rescue": [{"name": "Record " + case, "ansible.builtin.copy": {
                "dest": os.path.join(site.base, "refused-%s.txt" % case), "mode": "0600",
                "content": "{{ ansible_failed_result.msg }}"}}]})
    playbook = os.path.join(site.base, "corruptions.yml")
    with open(playbook, "w") as handle:
        yaml.safe_dump([{"name": "Corrupted sets", "hosts": "localhost", "gather_facts": False, "tasks": plays}], handle)
    run = site.play(playbook, {})
    assert run.succeeded, run.output[-20000:]
    for case, words in CORRUPTIONS.items():
        path = os.path.join(site.base, "refused-%s.txt" % case)
        assert os.path.exists(path), "%s was not refused\n%s" % (case, run.output[-10000:])
        with open(path) as handle:
            message = handle.read()
        assert words in message, (case, message)
        if case != "newer_harbor":
            assert "failed verification, nothing was restored" in message
    assert not os.path.exists(marker), "Harbor was stopped for a corrupted set"
    assert site.pid() == pid and running(pid)
    assert site.answers() == before and site.registry_files() == files


def test_restore_after_destroying_everything_brings_it_all_back(site):
    newest = site.sets()[-1]
    before, files = site.answers(), site.registry_files()
    assert before["tags"]["library/app"].keys() == {"v1", "v2", "v3"}
    assert site.read_only() is False  # core has its settings cached now, as any request leaves them
    site.service(site.stop_command)
    site.postgres.drop_database(DB_NAME)
    for name in ("registry", "secret"):
        shutil.rmtree(os.path.join(site.data, name))
    os.unlink(os.path.join(site.install, "harbor.yml"))
    os.unlink(os.path.join(site.install, "certs", "harbor.key"))
    # an off-site copy: only the restic repository and its key; the backup directory itself is gone meanwhile
    offsite = os.path.join(site.base, "offsite")
    shutil.copytree(os.path.join(site.backups, "restic"), os.path.join(offsite, "restic"))
    shutil.copy(os.path.join(site.backups, "restic-password"), os.path.join(offsite, "restic-password"))
    os.rename(site.backups, site.backups + ".away")
    try:
        # Harbor is down: its version cannot be asked, so it is given
        run = site.play(RESTORE_PLAYBOOK, site.restore_vars(harbor_restore_target_version="2.15.2",
                                                            harbor_restore_stop_commands=["true"],
                                                            harbor_restore_backup_dir=offsite), args=["-vvv"])
    finally:
        os.rename(site.backups + ".away", site.backups)
    assert run.succeeded, run.output[-20000:]
    _assert_no_secret(run, site)
    assert "Restored set %s;" % newest in run.stdout
    assert sorted(os.listdir(offsite)) == ["restic", "restic-password"]  # the staging directory is gone
    assert site.answers() == before
    assert site.registry_files() == files
    with open(os.path.join(site.install, "harbor.yml")) as handle:
        assert yaml.safe_load(handle) == site.config
    assert os.path.exists(os.path.join(site.install, "certs", "harbor.key"))
    # the dump was taken read-only (read_only lives in the database): the restore put it back as before the backup,
    # in the database too, not only in core's cached settings that still held the pre-restore value
    assert site.read_only() is False and site.stored_read_only() is False
    # the secret key is back: the registry credential stored encrypted in the database decrypts
    assert _session().post(site.api + "/registries/ping", json={"id": site.registry_id}, timeout=30).status_code == 200
    # every blob through /v2/ by digest
    manifest = site.manifest(newest)
    session = _session()
    checked = 0
    for reference in manifest["inventory"]["references"]:
        repository, digest = reference.split(":", 1)[0], reference.rsplit("@", 1)[1]
        body = session.get("%s/v2/%s/manifests/%s" % (site.url, repository, digest), timeout=30,
                           headers={"Accept": oci_images.OCI_MANIFEST})
        assert "sha256:" + hashlib.sha256(body.content).hexdigest() == digest
        for blob in [body.json()["config"]] + body.json()["layers"]:
            data = session.get("%s/v2/%s/blobs/%s" % (site.url, repository, blob["digest"]), timeout=30).content
            assert "sha256:" + hashlib.sha256(data).hexdigest() == blob["digest"]
            checked += 1
    assert checked >= 12


def test_a_second_restore_leaves_the_same_state(site):
    before, files = site.answers(), site.registry_files()
    run = site.play(RESTORE_PLAYBOOK, site.restore_vars())  # Harbor answers: its version is asked
    assert run.succeeded, run.output[-20000:]
    assert site.answers() == before and site.registry_files() == files


def test_restore_check_mode_describes_and_touches_nothing(site):
    pid = site.pid()
    run = site.play(RESTORE_PLAYBOOK, site.restore_vars(), args=["--check"])
    assert run.succeeded, run.output[-20000:]
    assert "stop Harbor: %s" % site.stop_command in run.stdout
    assert site.pid() == pid and running(pid)
    assert not os.path.exists(os.path.join(site.backups, ".restore-staging"))


def test_retention_keeps_the_last_sets_and_prunes_restic(site):
    time.sleep(1.1)
    run = site.play(BACKUP_PLAYBOOK, site.backup_vars(harbor_backup_keep_last=1, harbor_backup_keep_days=0))
    assert run.succeeded, run.output[-20000:]
    assert len(site.sets()) == 1
    kept = site.sets()[0]
    snapshots = site.restic("snapshots")
    assert sorted(sorted(snap["tags"]) for snap in snapshots) == [
        ["harbor-backup", "registry", "set-" + kept], ["harbor-backup", "set", "set-" + kept]]
    registry = [snap for snap in snapshots if "registry" in snap["tags"]][0]
    assert registry["id"].startswith(site.manifest(kept)["restic"]["snapshot_id"])
