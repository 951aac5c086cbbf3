# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: the registry-storage part of harbor_backup / harbor_restore on a synthetic 2 GB store.

Builds a distribution filesystem store (`docker/registry/v2/blobs/sha256/xx/<digest>/data` plus one
repository's layer links) of N random, incompressible blobs, then reports, never asserts:

- full backup: the role's own commands (`restic backup --compression auto --pack-size 64` of the registry into a
  new repository, `harbor_backup_tool.py manifest`, which lists every registry file, and `restic backup` of the
  set's own files, which the role then removes) against `tar -cf` of the same directory on the same disk;
- a second backup after adding 1% new blobs: time and the bytes restic added;
- restore with verification: `harbor_backup_tool.py open` (the set out of the repository) and `verify` (restic
  restore of the registry into a staging directory, every file's size and sha256 checked against the manifest)
  against `sha256sum` of the same files.

The database dump and the API inventory are left out (they do not grow with the store); a set around them is
made up so that `verify` runs as the role runs it.

    python benchmarks/backup.py [--blobs 5000] [--mb 2048] [--compression auto] [--pack-size 64] [--dir DIR] [--out FILE]
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOL = os.path.join(ROOT, "roles", "harbor_backup", "files", "harbor_backup_tool.py")


def write_blobs(store, count, size, seed):
    repo = os.path.join(store, "docker", "registry", "v2", "repositories", "bench", "app", "_layers", "sha256")
    for index in range(count):
        data = os.urandom(size - 64) + hashlib.sha512(("%s-%d" % (seed, index)).encode()).digest()
        digest = hashlib.sha256(data).hexdigest()
        blob_dir = os.path.join(store, "docker", "registry", "v2", "blobs", "sha256", digest[:2], digest)
        os.makedirs(blob_dir, exist_ok=True)
        with open(os.path.join(blob_dir, "data"), "wb") as handle:
            handle.write(data)
        os.makedirs(os.path.join(repo, digest), exist_ok=True)
        with open(os.path.join(repo, digest, "link"), "w") as handle:
            handle.write("sha256:" + digest)


def timed(command, **kwargs):
    started = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if proc.returncode != 0:
        raise RuntimeError("%s failed: %s" % (command[:3], proc.stderr[-2000:] or proc.stdout[-2000:]))
    return time.monotonic() - started, proc.stdout


def du(path):
    return int(subprocess.run(["du", "-sb", path], capture_output=True, text=True, check=True).stdout.split()[0])


def summary_of(out):
    return [json.loads(line) for line in out.splitlines() if '"summary"' in line][-1]


def backup(work, store, repo, password, name, meta, args):
    restic = ["restic", "--repo", repo, "--password-file", password, "--no-cache"]
    started = time.monotonic()
    timed(restic + ["unlock"])
    seconds, out = timed(restic + ["backup", "--json", "--quiet", "--compression", args.compression,
                                   "--pack-size", str(args.pack_size), "--tag", "harbor-backup", "--tag", "registry",
                                   "--tag", "set-" + name, "--exclude", "_uploads", store])
    summary = summary_of(out)
    set_dir = os.path.join(work, "backups", ".staging", name)
    os.makedirs(os.path.join(set_dir, "database"))
    os.makedirs(os.path.join(set_dir, "secret", "keys"))
    with open(os.path.join(set_dir, "database", "registry.sql"), "w") as handle:
        handle.write("-- made up\n-- PostgreSQL database dump complete\n")
    with open(os.path.join(set_dir, "secret", "keys", "secretkey"), "w") as handle:
        handle.write("0123456789abcdef")
    meta = dict(meta, set=name, restic={"repository": repo, "snapshot_id": summary["snapshot_id"], "registry_root": store})
    meta_path = os.path.join(work, "meta.json")
    with open(meta_path, "w") as handle:
        json.dump(meta, handle)
    manifest_seconds, _out = timed([sys.executable, TOOL, "manifest", "--set-dir", set_dir, "--meta", meta_path,
                                    "--registry-root", store])
    set_seconds, _out = timed(restic + ["backup", "--json", "--quiet", "--tag", "harbor-backup", "--tag", "set",
                                        "--tag", "set-" + name, set_dir])
    shutil.rmtree(os.path.join(work, "backups", ".staging"))
    total = time.monotonic() - started
    return {"restic_registry_seconds": round(seconds, 2), "manifest_seconds": round(manifest_seconds, 2),
            "restic_set_seconds": round(set_seconds, 2), "total_seconds": round(total, 2),
            "data_added_bytes": summary["data_added"], "files_new": summary["files_new"],
            "files_unmodified": summary["files_unmodified"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--blobs", type=int, default=5000)
    parser.add_argument("--mb", type=int, default=2048)
    parser.add_argument("--compression", default="auto", choices=["auto", "max", "off"])
    parser.add_argument("--pack-size", type=int, default=64, help="MiB, restic --pack-size (the role's default)")
    parser.add_argument("--dir", default=None, help="work directory (default: a temporary one on the same disk as /work)")
    parser.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "backup.json"))
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="harbor-backup-bench-", dir=args.dir or os.path.dirname(ROOT))
    try:
        store = os.path.join(work, "data", "registry")
        size = args.mb * 1024 * 1024 // args.blobs
        started = time.monotonic()
        write_blobs(store, args.blobs, size, "base")
        result = {"blobs": args.blobs, "blob_bytes": size, "store_bytes": du(store),
                  "generate_seconds": round(time.monotonic() - started, 2), "load_before": os.getloadavg()[0]}
        os.makedirs(os.path.join(work, "backups"))
        password = os.path.join(work, "backups", "restic-password")
        with open(os.open(password, os.O_WRONLY | os.O_CREAT, 0o600), "w") as handle:
            handle.write(os.urandom(24).hex())
        repo = os.path.join(work, "backups", "restic")
        timed(["restic", "--repo", repo, "--password-file", password, "init", "--repository-version", "2"])
        meta = {"created": "", "harbor_version": "v2.15.2", "schema_version": 180, "storage_type": "filesystem",
                "data_volume": os.path.dirname(store), "config_path": "", "config_files": [], "optional": [],
                "database": {"mode": "external", "name": "registry", "dump": "database/registry.sql"}}

        os.sync()
        tar_seconds, _out = timed(["tar", "-cf", os.path.join(work, "store.tar"), "-C", os.path.dirname(store), "registry"])
        result["tar"] = {"seconds": round(tar_seconds, 2), "bytes": os.path.getsize(os.path.join(work, "store.tar"))}
        os.unlink(os.path.join(work, "store.tar"))

        os.sync()
        result.update(compression=args.compression, pack_size_mib=args.pack_size)
        result["full_backup"] = backup(work, store, repo, password, "20260101T000000Z", meta, args)
        result["repository_bytes_after_full"] = du(repo)

        extra = max(1, args.blobs // 100)
        write_blobs(store, extra, size, "extra")
        os.sync()
        result["second_backup_1pct"] = backup(work, store, repo, password, "20260101T000100Z", meta, args)
        result["second_backup_1pct"]["new_blobs"] = extra
        result["repository_bytes_after_second"] = du(repo)
        result["full_backup"]["tar_ratio"] = round(result["tar"]["seconds"] / result["full_backup"]["total_seconds"], 3)
        result["second_backup_1pct"]["of_full"] = round(
            result["second_backup_1pct"]["total_seconds"] / result["full_backup"]["total_seconds"], 3)

        staging = os.path.join(work, "staging")
        os.sync()
        restic_args = ["--repo", repo, "--password-file", password]
        started = time.monotonic()
        _seconds, opened = timed([sys.executable, TOOL, "open", "--set", "latest", "--backup-dir",
                                  os.path.join(work, "backups"), "--staging", staging + "-set"] + restic_args)
        _seconds, out = timed([sys.executable, TOOL, "verify", "--set-dir", json.loads(opened)["set_dir"],
                               "--staging", staging, "--target-version", "2.15.2"] + restic_args)
        verify_seconds = time.monotonic() - started
        shutil.rmtree(staging + "-set")
        result["restore_with_verification"] = {"seconds": round(verify_seconds, 2),
                                               "registry_files_checked": json.loads(out)["registry_files"]}
        shutil.rmtree(staging)
        files = [os.path.join(d, f) for d, _dirs, names in os.walk(store) for f in names]
        os.sync()
        started = time.monotonic()
        for start in range(0, len(files), 500):
            subprocess.run(["sha256sum"] + files[start:start + 500], capture_output=True, check=True)
        result["sha256sum"] = {"seconds": round(time.monotonic() - started, 2), "files": len(files)}
        result["load_after"] = os.getloadavg()[0]
        result["cpus"] = os.cpu_count()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=1))
    if args.out:
        os.makedirs(os.path.dirname(args.out), exist_ok=True)
        with open(args.out, "w") as handle:
            json.dump(result, handle, indent=1)
            handle.write("\n")


if __name__ == "__main__":
    main()
