# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""harbor_backup_tool.py's set handling with a real restic repository: sets in the repository and version 0.1's
plain directories, retention of both, and registry snapshots an interrupted backup left without their set."""

import json
import os
import subprocess
import sys

import pytest

from tests.harbor_emulator.fixture import REPO_ROOT

TOOL = os.path.join(REPO_ROOT, "roles", "harbor_backup", "files", "harbor_backup_tool.py")
OLD, MIDDLE, NEW = "20200101T000000Z", "20200102T000000Z", "20200103T000000Z"


class Backups(object):
    def __init__(self, base):
        self.base = str(base)
        self.repo = os.path.join(self.base, "restic")
        self.key = os.path.join(self.base, "restic-password")
        with open(self.key, "w") as handle:
            handle.write("test key\n")

    def restic(self, *args):
        return subprocess.run(["restic", "--repo", self.repo, "--password-file", self.key, "--no-cache"] + list(args),
                              capture_output=True, text=True, check=True).stdout

    def tool(self, *args):
        argv = [sys.executable, TOOL] + list(args) + [
            "--backup-dir", self.base, "--repo", self.repo, "--password-file", self.key]
        proc = subprocess.run(argv, capture_output=True, text=True, check=False)
        return proc.returncode, json.loads(proc.stdout)

    def snapshot(self, name, kind, manifest=None):
        """A set (kind 'set', its files with a manifest) or a registry snapshot, tagged as the role tags them."""
        directory = os.path.join(self.base, "src-%s-%s" % (kind, name), name)
        os.makedirs(directory)
        with open(os.path.join(directory, "manifest.json" if kind == "set" else "data"), "w") as handle:
            json.dump(manifest or {"format": 2, "set": name}, handle)
        self.restic("backup", "--tag", "harbor-backup", "--tag", kind, "--tag", "set-" + name, directory)

    def legacy(self, name, manifest):
        directory = os.path.join(self.base, "sets", name)
        os.makedirs(directory)
        with open(os.path.join(directory, "manifest.json"), "w") as handle:
            json.dump(manifest, handle)
        return directory

    def tags(self):
        return sorted(sorted(s["tags"]) for s in json.loads(self.restic("snapshots", "--json")))


@pytest.fixture
def backups(tmp_path):
    found = Backups(tmp_path)
    found.restic("init", "--repository-version", "2")
    return found


def test_sets_come_from_the_repository_and_from_old_directories(backups):
    backups.snapshot(NEW, "set")
    backups.snapshot(NEW, "registry")
    backups.snapshot(MIDDLE, "registry")  # an interrupted backup: no set snapshot
    backups.legacy(OLD, {"format": 1})
    os.makedirs(os.path.join(backups.base, "sets", ".partial-" + MIDDLE))
    returncode, answer = backups.tool("sets")
    assert returncode == 0, answer
    assert [(s["name"], "snapshot" in s) for s in answer["sets"]] == [(OLD, False), (NEW, True)]


def test_open_fetches_the_newest_set_and_converts_an_old_inventory(backups):
    backups.snapshot(NEW, "set", {"format": 2, "set": NEW, "inventory": {
        "projects": ["library"], "references": ["library/app:v1@sha256:" + "1" * 64], "untagged": []}})
    staging = os.path.join(backups.base, "staging")
    returncode, answer = backups.tool("open", "--set", "latest", "--staging", staging)
    assert returncode == 0, answer
    assert answer["set"] == NEW and answer["source"] == "repository"
    assert answer["set_dir"] == os.path.join(staging, NEW) and os.path.isfile(os.path.join(staging, NEW, "manifest.json"))
    assert answer["inventory"]["references"] == ["library/app:v1@sha256:" + "1" * 64]
    old = backups.legacy(OLD, {"format": 1, "inventory": {
        "projects": [{"name": "library", "project_id": 1, "public": True}],
        "repositories": [{"name": "library/app", "project": "library", "artifacts": [
            {"digest": "sha256:" + "2" * 64, "tags": ["v2", "latest"]}, {"digest": "sha256:" + "3" * 64, "tags": []}]}]}})
    returncode, answer = backups.tool("open", "--set", old, "--staging", staging)
    assert returncode == 0, answer
    assert answer["source"] == "directory" and answer["set_dir"] == old
    assert answer["inventory"] == {"projects": ["library"], "untagged": ["library/app@sha256:" + "3" * 64],
                                   "references": ["library/app:latest@sha256:" + "2" * 64,
                                                  "library/app:v2@sha256:" + "2" * 64]}
    returncode, answer = backups.tool("open", "--set", MIDDLE, "--staging", staging)
    assert returncode == 1
    assert answer["msg"] == "harbor_restore_set: no set named %s; the finished sets are %s, %s" % (MIDDLE, OLD, NEW)


def test_retention_forgets_other_sets_and_orphans_and_removes_old_directories(backups):
    for name in (MIDDLE, NEW):
        backups.snapshot(name, "set")
        backups.snapshot(name, "registry")
    backups.snapshot("20200102T120000Z", "registry")  # interrupted between the two snapshots
    backups.legacy(OLD, {"format": 1})
    os.makedirs(os.path.join(backups.base, "sets", ".partial-" + OLD))
    returncode, answer = backups.tool("retention", "--keep-last", "1", "--keep-days", "0", "--dry-run")
    assert returncode == 0 and answer["removed"] == [OLD, MIDDLE] and len(answer["forgotten_snapshots"]) == 3
    assert len(backups.tags()) == 5 and os.path.isdir(os.path.join(backups.base, "sets", OLD))  # a dry run
    returncode, answer = backups.tool("retention", "--keep-last", "1", "--keep-days", "0")
    assert returncode == 0, answer
    assert answer["kept"] == [NEW] and answer["removed_partial"] == [".partial-" + OLD]
    assert backups.tags() == [["harbor-backup", "registry", "set-" + NEW], ["harbor-backup", "set", "set-" + NEW]]
    assert os.listdir(os.path.join(backups.base, "sets")) == []


def test_an_old_directory_keeps_its_registry_snapshot(backups):
    backups.snapshot(OLD, "registry")
    snapshot = json.loads(backups.restic("snapshots", "--json"))[0]["id"]
    # 0.1 tagged the registry snapshot harbor-backup and set-<name> only, and named it in the set's manifest
    backups.legacy(OLD, {"format": 1, "restic": {"snapshot_id": snapshot}})
    backups.snapshot(NEW, "set")
    returncode, answer = backups.tool("retention", "--keep-last", "2", "--keep-days", "0")
    assert returncode == 0 and answer["forgotten_snapshots"] == [] and answer["kept"] == [NEW, OLD]
