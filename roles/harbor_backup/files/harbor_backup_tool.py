# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The file-heavy steps of roles/harbor_backup and roles/harbor_restore, run on the Harbor host.

Ansible runs it with ``ansible.builtin.script``; it needs only the Python standard library and restic.
Every sub-command prints one JSON object on stdout; a failure exits 1 with ``{"failed": true, "msg": ...}``.

A backup set lives only in the restic repository, encrypted: one snapshot of the set's files (tags
``harbor-backup``, ``set``, ``set-<time>``: database dump, Harbor's secret directory, harbor.yml, the
certificate files, manifest.json) and one of the registry storage (tags ``harbor-backup``, ``registry``,
``set-<time>``). The set's files exist in clear only in a private staging directory while a backup or a
restore runs. Sets written by 0.1 (format 1, plain directories under ``<backup dir>/sets``) are still read.

  manifest   write <staging set>/manifest.json: every file of the set (size, sha256), every registry file
             (size, sha256 -- a blob's sha256 is its content-addressed path, the small link files are hashed),
             the registry snapshot, versions and the API inventory the role read with harbor_inventory_info
  sets       list the finished sets: set snapshots in the repository, and format-1 directories
  open       fetch one set (latest, a name, or a format-1 directory) into the staging directory and describe it
  retention  keep the last N sets and those younger than D days; ``restic forget`` the snapshots of the
             others (and registry snapshots no set references, left by an interrupted backup), then
             ``restic prune``; remove format-1 directories that are not kept
  verify     check a set against its manifest before a restore touches anything: files, dump
             completeness, secret key, versions, and ``restic restore`` of the registry snapshot into a
             staging directory with every registry file hashed

No credential appears on a command line: restic reads its own password file.
"""

import argparse
import calendar
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time

MANIFEST = "manifest.json"
FORMAT = 2
SET_TAG = "set"
REGISTRY_TAG = "registry"
SET_NAME = re.compile(r"^\d{8}T\d{6}Z$")
BLOB_DATA = re.compile(r"(?:^|/)blobs/sha256/[0-9a-f]{2}/([0-9a-f]{64})/data$")
DUMP_END = b"-- PostgreSQL database dump complete"
SECRET_KEY = "secret/keys/secretkey"
CHUNK = 1024 * 1024


class ToolError(Exception):
    pass


# --- files ----------------------------------------------------------------------------------
def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def walk_files(root):
    """Relative paths of the regular files under root, sorted."""
    found = []
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            path = os.path.join(directory, name)
            if os.path.isfile(path) and not os.path.islink(path):
                found.append(os.path.relpath(path, root))
    return sorted(found)


def describe_set_files(set_dir):
    return [{"path": rel, "size": os.path.getsize(os.path.join(set_dir, rel)),
             "sha256": sha256_file(os.path.join(set_dir, rel))}
            for rel in walk_files(set_dir) if rel != MANIFEST]


def describe_registry(root):
    """Every file of the registry storage. Blob data: sha256 from the content-addressed path."""
    entries = []
    for rel in walk_files(root):
        if "/_uploads/" in "/" + rel:
            continue  # unfinished uploads are not content
        path = os.path.join(root, rel)
        match = BLOB_DATA.search(rel)
        entry = {"path": rel, "size": os.path.getsize(path)}
        if match:
            entry["sha256"] = match.group(1)
            entry["from_path"] = True
        else:
            entry["sha256"] = sha256_file(path)
        entries.append(entry)
    return entries


def dump_complete(path):
    """pg_dump's plain format ends with a line saying so: a truncated dump does not."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 4096))
        return DUMP_END in handle.read()


# --- sub-commands ---------------------------------------------------------------------------
def cmd_manifest(args):
    with open(args.meta) as handle:
        manifest = json.load(handle)
    set_dir = args.set_dir
    files = describe_set_files(set_dir)
    names = set(entry["path"] for entry in files)
    dump = manifest["database"]["dump"]
    if dump not in names or not dump_complete(os.path.join(set_dir, dump)):
        raise ToolError("the database dump %s is missing or incomplete" % dump)
    if SECRET_KEY not in names:
        raise ToolError("%s is missing: without Harbor's secret key the stored credentials cannot be decrypted"
                        % SECRET_KEY)
    manifest.update(format=FORMAT, files=files, registry_files=[], inventory=None)
    if args.registry_root:
        manifest["registry_files"] = describe_registry(args.registry_root)
    if args.inventory:
        with open(args.inventory) as handle:
            found = json.load(handle)
        manifest["inventory"] = {key: found.get(key) or [] for key in ("projects", "references", "untagged")}
    manifest["totals"] = {"files": len(files), "bytes": sum(f["size"] for f in files),
                          "registry_files": len(manifest["registry_files"]),
                          "registry_bytes": sum(f["size"] for f in manifest["registry_files"])}
    with open(os.path.join(set_dir, MANIFEST + ".tmp"), "w") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.rename(os.path.join(set_dir, MANIFEST + ".tmp"), os.path.join(set_dir, MANIFEST))
    inventory = manifest["inventory"] or {}
    return {"changed": True, "totals": manifest["totals"],
            "inventory": {"projects": len(inventory.get("projects", [])), "references": len(inventory.get("references", []))}}


def set_time(name):
    return calendar.timegm(time.strptime(name, "%Y%m%dT%H%M%SZ"))


def restic(args, *command):
    argv = [args.restic, "--repo", args.repo, "--password-file", args.password_file, "--no-cache"] + list(command)
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise ToolError("restic %s failed: %s" % (command[0], proc.stderr.strip()[-2000:]))
    return proc.stdout


def set_of(snapshot):
    """The set name of a snapshot (its ``set-<time>`` tag), or None."""
    for tag in snapshot.get("tags") or []:
        if tag.startswith("set-") and SET_NAME.match(tag[4:]):
            return tag[4:]
    return None


def repository_snapshots(args):
    """Every snapshot the backup role wrote; [] when a local repository does not exist yet."""
    local = args.repo[len("local:"):] if args.repo.startswith("local:") else args.repo
    if ":" not in local.split("/")[0] and not os.path.exists(local):
        return []
    return json.loads(restic(args, "snapshots", "--json", "--tag", "harbor-backup") or "[]") or []


def list_sets(args, snapshots):
    """{name: {"name", "snapshot", "path"} or {"name", "directory"}}: set snapshots, then format-1 directories."""
    found = {}
    for snapshot in snapshots:
        name = set_of(snapshot)
        if name and SET_TAG in (snapshot.get("tags") or []):
            found[name] = {"name": name, "snapshot": snapshot["id"], "path": snapshot["paths"][0]}
    sets_dir = os.path.join(args.backup_dir, "sets")
    for name in (os.listdir(sets_dir) if os.path.isdir(sets_dir) else []):
        if SET_NAME.match(name) and name not in found and os.path.isdir(os.path.join(sets_dir, name)):
            found[name] = {"name": name, "directory": os.path.join(sets_dir, name)}
    return found


def cmd_sets(args):
    found = list_sets(args, repository_snapshots(args))
    return {"changed": False, "sets": [found[name] for name in sorted(found)]}


def legacy_inventory(inventory):
    """A format-1 manifest's inventory ({projects: [{name}], repositories: [{name, artifacts}]}) in format 2's shape."""
    if not inventory or "references" in inventory:
        return inventory
    references, untagged = [], []
    for repo in inventory.get("repositories", []):
        for artifact in repo["artifacts"]:
            references.extend("%s:%s@%s" % (repo["name"], tag, artifact["digest"]) for tag in artifact["tags"])
            if not artifact["tags"]:
                untagged.append("%s@%s" % (repo["name"], artifact["digest"]))
    return {"projects": sorted(p["name"] for p in inventory.get("projects", [])),
            "references": sorted(references), "untagged": sorted(untagged)}


def cmd_open(args):
    """Bring one set into the staging directory (from the repository) or point at its format-1 directory."""
    if "/" in args.set:
        if not os.path.isdir(args.set):
            raise ToolError("harbor_restore_set: %s is not a directory" % args.set)
        chosen = {"name": os.path.basename(os.path.normpath(args.set)), "directory": args.set}
    else:
        found = list_sets(args, repository_snapshots(args))
        if not found:
            raise ToolError("no finished backup set in the restic repository %s (nor under %s/sets)"
                            % (args.repo, args.backup_dir))
        name = max(found) if args.set == "latest" else args.set
        if name not in found:
            raise ToolError("harbor_restore_set: no set named %s; the finished sets are %s"
                            % (name, ", ".join(sorted(found))))
        chosen = found[name]
    if not SET_NAME.match(chosen["name"]):
        raise ToolError("%s is not a finished backup set (a set is named <UTC time> like 20260101T120000Z; "
                        ".partial-<time> and .staging are interrupted backups)" % chosen.get("directory", chosen["name"]))
    if "snapshot" in chosen:
        fetch = os.path.join(args.staging, ".fetch")
        set_dir = os.path.join(args.staging, chosen["name"])
        for path in (fetch, set_dir):
            if os.path.isdir(path):
                shutil.rmtree(path)
        os.makedirs(fetch, mode=0o700)
        restic(args, "restore", chosen["snapshot"], "--target", fetch)
        os.rename(os.path.join(fetch, chosen["path"].lstrip("/")), set_dir)
        shutil.rmtree(fetch)
    else:
        set_dir = chosen["directory"]
    try:
        with open(os.path.join(set_dir, MANIFEST)) as handle:
            manifest = json.load(handle)
    except (OSError, ValueError) as exc:
        raise ToolError("the set %s has no readable %s: %s; nothing was restored" % (chosen["name"], MANIFEST, exc))
    if "directory" in chosen and manifest.get("format", 1) != 1:
        raise ToolError("%s is the staging directory of a backup that did not finish (a finished set of this version "
                        "is read from the restic repository, by name); nothing was restored" % set_dir)
    return {"changed": False, "set": chosen["name"], "set_dir": set_dir, "snapshot": chosen.get("snapshot"),
            "source": "repository" if "snapshot" in chosen else "directory",
            "inventory": legacy_inventory(manifest.get("inventory")) or {"projects": [], "references": [], "untagged": []}}


def cmd_retention(args):
    snapshots = repository_snapshots(args)
    found = list_sets(args, snapshots)
    names = sorted(found, reverse=True)
    now = time.time()
    keep = set(names[:args.keep_last])
    keep.update(n for n in names if now - set_time(n) < args.keep_days * 86400)
    remove = sorted(n for n in names if n not in keep)
    referenced = set()  # registry snapshots that kept format-1 directories name by id
    for name in keep:
        if "directory" in found[name]:
            try:
                with open(os.path.join(found[name]["directory"], MANIFEST)) as handle:
                    snapshot = (json.load(handle).get("restic") or {}).get("snapshot_id")
            except (OSError, ValueError):
                snapshot = None
            if snapshot:
                referenced.add(snapshot)
    forget = sorted(s["id"] for s in snapshots
                    if set_of(s) not in keep and not any(s["id"].startswith(ref) or ref.startswith(s["id"])
                                                         for ref in referenced))
    sets_dir = os.path.join(args.backup_dir, "sets")
    partial = sorted(n for n in (os.listdir(sets_dir) if os.path.isdir(sets_dir) else []) if n.startswith(".partial-"))
    if not args.dry_run:
        for name in partial:  # left by an interrupted backup of version 0.1, in clear
            shutil.rmtree(os.path.join(sets_dir, name))
        for name in remove:
            if "directory" in found[name]:
                shutil.rmtree(found[name]["directory"])
        if forget:
            restic(args, "forget", *forget)
            restic(args, "prune")
    return {"changed": bool(remove or forget or partial), "kept": sorted(keep, reverse=True), "removed": remove,
            "forgotten_snapshots": forget, "removed_partial": partial}


def version_tuple(version):
    """v2.15.2-6b0d4d4 -> (2, 15, 2)."""
    numbers = re.match(r"v?(\d+(?:\.\d+)*)", str(version or "").strip())
    return tuple(int(n) for n in numbers.group(1).split(".")) if numbers else None


def cmd_verify(args):
    set_dir = args.set_dir
    name = os.path.basename(os.path.normpath(set_dir))
    if not SET_NAME.match(name):
        raise ToolError("%s is not a finished backup set (a set is named <UTC time> like 20260101T120000Z)" % set_dir)
    try:
        with open(os.path.join(set_dir, MANIFEST)) as handle:
            manifest = json.load(handle)
    except (OSError, ValueError) as exc:
        raise ToolError("the set %s has no readable %s: %s" % (set_dir, MANIFEST, exc))
    problems = []
    source, target = version_tuple(manifest.get("harbor_version")), version_tuple(args.target_version)
    if source and target and source > target:
        problems.append("the set comes from Harbor %s, newer than the target's %s"
                        % (manifest["harbor_version"], args.target_version))
    if args.target_schema is not None and manifest.get("schema_version") is not None \
            and int(manifest["schema_version"]) > args.target_schema:
        problems.append("the set's database schema version %s is newer than the target's %s"
                        % (manifest["schema_version"], args.target_schema))
    listed = set()
    for entry in manifest.get("files", []):
        listed.add(entry["path"])
        path = os.path.join(set_dir, entry["path"])
        if not os.path.isfile(path):
            problems.append("missing file: %s" % entry["path"])
        elif os.path.getsize(path) != entry["size"] or sha256_file(path) != entry["sha256"]:
            problems.append("corrupt file (size or sha256 differs from the manifest): %s" % entry["path"])
    if SECRET_KEY not in listed:
        problems.append("missing file: %s (not in the manifest)" % SECRET_KEY)
    dump = os.path.join(set_dir, manifest["database"]["dump"])
    if os.path.isfile(dump) and not dump_complete(dump):
        problems.append("incomplete database dump: %s" % manifest["database"]["dump"])
    checked = 0
    snapshot = (manifest.get("restic") or {}).get("snapshot_id")
    if manifest.get("registry_files") and not problems:
        root = (manifest["restic"] or {}).get("registry_root")
        if os.path.isdir(args.staging):
            shutil.rmtree(args.staging)
        os.makedirs(args.staging)
        try:
            restic(args, "restore", snapshot, "--target", args.staging)
        except ToolError as exc:
            problems.append(str(exc))
        staged = os.path.join(args.staging, root.lstrip("/"))
        for entry in manifest["registry_files"]:
            path = os.path.join(staged, entry["path"])
            if not os.path.isfile(path):
                problems.append("missing registry file: %s" % entry["path"])
            elif os.path.getsize(path) != entry["size"] or sha256_file(path) != entry["sha256"]:
                problems.append("corrupt registry file (size or sha256 differs from the manifest): %s" % entry["path"])
            else:
                checked += 1
    if problems:
        if os.path.isdir(args.staging):
            shutil.rmtree(args.staging)
        shown = problems[:20] + (["... and %d more" % (len(problems) - 20)] if len(problems) > 20 else [])
        raise ToolError("the backup set %s failed verification, nothing was restored: %s" % (name, "; ".join(shown)))
    return {"changed": False, "set": name, "files": len(manifest.get("files", [])), "registry_files": checked,
            "harbor_version": manifest.get("harbor_version"), "schema_version": manifest.get("schema_version"),
            "staged": os.path.join(args.staging, (manifest.get("restic") or {}).get("registry_root", "").lstrip("/"))
            if checked else None}


def parser():
    top = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    sub = top.add_subparsers(dest="command", required=True)

    def restic_options(cmd):
        cmd.add_argument("--restic", default="restic")
        cmd.add_argument("--repo", required=True)
        cmd.add_argument("--password-file", required=True)

    cmd = sub.add_parser("manifest")
    cmd.add_argument("--set-dir", required=True)
    cmd.add_argument("--meta", required=True, help="JSON written by the role: versions, database, restic, config")
    cmd.add_argument("--registry-root", default="")
    cmd.add_argument("--inventory", default="", help="JSON answer of harbor_inventory_info")
    for name in ("sets", "open", "retention"):
        cmd = sub.add_parser(name)
        cmd.add_argument("--backup-dir", required=True)
        restic_options(cmd)
        if name == "open":
            cmd.add_argument("--set", default="latest", help="latest, a set name, or a format-1 set directory")
            cmd.add_argument("--staging", required=True)
        if name == "retention":
            cmd.add_argument("--keep-last", type=int, required=True)
            cmd.add_argument("--keep-days", type=float, required=True)
            cmd.add_argument("--dry-run", action="store_true")
    cmd = sub.add_parser("verify")
    cmd.add_argument("--set-dir", required=True)
    cmd.add_argument("--staging", required=True)
    cmd.add_argument("--target-version", default="")
    cmd.add_argument("--target-schema", type=int, default=None)
    restic_options(cmd)
    return top


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        result = globals()["cmd_" + args.command](args)
    except ToolError as exc:
        print(json.dumps({"failed": True, "msg": str(exc)}))
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
