# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The file-heavy steps of roles/harbor_backup and roles/harbor_restore, run on the Harbor host.

Ansible runs it with ``ansible.builtin.script``; it needs only the Python standard library.
Every sub-command prints one JSON object on stdout; a failure exits 1 with ``{"failed": true, "msg": ...}``.

  manifest   write <set>/manifest.json: every file of the set (size, sha256), every registry file
             (size, sha256 -- a blob's sha256 is its content-addressed path, the small link files are hashed),
             the restic snapshot, versions and the API inventory (projects, repositories, tags, digests)
  retention  keep the last N sets and those younger than D days, delete the others, then
             ``restic forget`` the snapshots no kept set references and ``restic prune``
  verify     check a set against its manifest before a restore touches anything: files, dump
             completeness, secret key, versions, and ``restic restore`` into a staging directory with
             every registry file hashed
  live       after a restore: the manifest's projects, repositories and tags through the API and
             ``/v2/`` (manifests by tag with their digests, every blob by digest)

Credentials never appear on the command line: the API password is read from a file (mode 0600) that the
role writes and removes, restic reads its own password file.
"""

import argparse
import base64
import calendar
import hashlib
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

MANIFEST = "manifest.json"
FORMAT = 1
SET_NAME = re.compile(r"^\d{8}T\d{6}Z$")
BLOB_DATA = re.compile(r"(?:^|/)blobs/sha256/[0-9a-f]{2}/([0-9a-f]{64})/data$")
DUMP_END = b"-- PostgreSQL database dump complete"
SECRET_KEY = "secret/keys/secretkey"
CHUNK = 1024 * 1024
MANIFEST_TYPES = ", ".join((
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
))


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


# --- Harbor API and /v2/ --------------------------------------------------------------------
class Harbor(object):
    def __init__(self, url, username, password, ca_path=None, insecure=False, timeout=60):
        self.url = url.rstrip("/")
        self.basic = "Basic " + base64.b64encode(("%s:%s" % (username, password)).encode()).decode()
        if insecure:
            self.context = ssl.create_default_context()
            self.context.check_hostname = False
            self.context.verify_mode = ssl.CERT_NONE
        else:
            self.context = ssl.create_default_context(cafile=ca_path or None)
        self.timeout = timeout
        self.tokens = {}

    def request(self, method, path, headers=None, auth=None):
        request = urllib.request.Request(self.url + path, method=method)
        request.add_header("Authorization", auth or self.basic)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout, context=self.context)  # nosec B310
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()
        except (urllib.error.URLError, OSError) as exc:
            raise ToolError("%s %s failed: %s" % (method, path, exc))
        with response:
            return response.status, dict(response.headers), response.read()

    def api(self, path):
        status, headers, body = self.request("GET", "/api/v2.0" + path, {"Accept": "application/json"})
        if status == 404:
            return None, headers
        if status != 200:
            raise ToolError("GET /api/v2.0%s answered HTTP %s: %s" % (path, status, body[:300].decode("utf-8", "replace")))
        return json.loads(body or b"null"), headers

    def paginate(self, path):
        items, page = [], 1
        joiner = "&" if "?" in path else "?"
        while True:
            batch, headers = self.api("%s%spage=%d&page_size=100" % (path, joiner, page))
            batch = batch or []
            items.extend(batch)
            link = headers.get("Link") or headers.get("link") or ""
            if 'rel="next"' not in link or not batch:
                return items
            page += 1

    def registry(self, method, repository, kind, reference, accept=None):
        """GET/HEAD /v2/<repository>/<kind>/<reference>, with Basic auth or Harbor's bearer-token flow."""
        path = "/v2/%s/%s/%s" % (repository, kind, reference)
        headers = {"Accept": accept} if accept else {}
        auth = self.tokens.get(repository)
        status, answer, body = self.request(method, path, headers, auth)
        if status == 401:
            challenge = answer.get("WWW-Authenticate") or answer.get("Www-Authenticate") or ""
            if challenge.startswith("Bearer "):
                self.tokens[repository] = self.bearer(challenge, repository)
                status, answer, body = self.request(method, path, headers, self.tokens[repository])
        return status, answer, body

    def bearer(self, challenge, repository):
        fields = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
        query = urllib.parse.urlencode({"service": fields.get("service", ""), "scope": "repository:%s:pull" % repository})
        request = urllib.request.Request("%s?%s" % (fields["realm"], query))
        request.add_header("Authorization", self.basic)
        with urllib.request.urlopen(request, timeout=self.timeout, context=self.context) as response:  # nosec B310
            data = json.loads(response.read())
        return "Bearer " + (data.get("token") or data.get("access_token"))


def quote_twice(name):
    return urllib.parse.quote(urllib.parse.quote(name, safe=""), safe="")


def inventory(harbor):
    """Projects, repositories and their artifacts (digest, tags) as Harbor's API shows them."""
    projects, repositories = [], []
    for project in harbor.paginate("/projects"):
        name = project["name"]
        projects.append({"name": name, "project_id": project.get("project_id"),
                         "public": (project.get("metadata") or {}).get("public") == "true"})
        quoted = urllib.parse.quote(name, safe="")
        for repo in harbor.paginate("/projects/%s/repositories" % quoted):
            short = repo["name"][len(name) + 1:]
            artifacts = harbor.paginate("/projects/%s/repositories/%s/artifacts?with_tag=true"
                                        % (quoted, quote_twice(short)))
            repositories.append({"name": repo["name"], "project": name, "artifacts": sorted(
                ({"digest": art["digest"], "tags": sorted(tag["name"] for tag in (art.get("tags") or []))}
                 for art in artifacts), key=lambda a: a["digest"])})
    return {"projects": sorted(projects, key=lambda p: p["name"]),
            "repositories": sorted(repositories, key=lambda r: r["name"])}


def harbor_from(args):
    with open(args.auth_file) as handle:
        auth = json.load(handle)
    return Harbor(args.url, auth["username"], auth["password"], args.ca_path, args.insecure)


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
    if args.url:
        manifest["inventory"] = inventory(harbor_from(args))
    manifest["totals"] = {"files": len(files), "bytes": sum(f["size"] for f in files),
                          "registry_files": len(manifest["registry_files"]),
                          "registry_bytes": sum(f["size"] for f in manifest["registry_files"])}
    with open(os.path.join(set_dir, MANIFEST + ".tmp"), "w") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.rename(os.path.join(set_dir, MANIFEST + ".tmp"), os.path.join(set_dir, MANIFEST))
    return {"changed": True, "totals": manifest["totals"],
            "inventory": {"projects": len((manifest["inventory"] or {}).get("projects", [])),
                          "repositories": len((manifest["inventory"] or {}).get("repositories", []))}}


def set_time(name):
    return calendar.timegm(time.strptime(name, "%Y%m%dT%H%M%SZ"))


def restic(args, *command):
    argv = [args.restic, "--repo", args.repo, "--password-file", args.password_file, "--no-cache"] + list(command)
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise ToolError("restic %s failed: %s" % (command[0], proc.stderr.strip()[-2000:]))
    return proc.stdout


def cmd_retention(args):
    sets_dir = os.path.join(args.backup_dir, "sets")
    names = sorted((n for n in os.listdir(sets_dir) if SET_NAME.match(n)), reverse=True) if os.path.isdir(sets_dir) else []
    now = time.time()
    keep = set(names[:args.keep_last])
    keep.update(n for n in names if now - set_time(n) < args.keep_days * 86400)
    remove = sorted(n for n in names if n not in keep)
    referenced = set()
    for name in keep:
        try:
            with open(os.path.join(sets_dir, name, MANIFEST)) as handle:
                snapshot = (json.load(handle).get("restic") or {}).get("snapshot_id")
        except (OSError, ValueError):
            snapshot = None
        if snapshot:
            referenced.add(snapshot)
    snapshots = json.loads(restic(args, "snapshots", "--json", "--tag", "harbor-backup") or "[]") \
        if os.path.isdir(args.repo) else []
    forget = sorted(s["id"] for s in snapshots
                    if not any(s["id"].startswith(ref) or ref.startswith(s["id"]) for ref in referenced))
    if not args.dry_run:
        for name in remove:
            shutil.rmtree(os.path.join(sets_dir, name))
        if forget:
            restic(args, "forget", *forget)
            restic(args, "prune")
    return {"changed": bool(remove or forget), "kept": sorted(keep, reverse=True), "removed": remove,
            "forgotten_snapshots": forget}


def version_tuple(version):
    """v2.15.2-6b0d4d4 -> (2, 15, 2)."""
    numbers = re.match(r"v?(\d+(?:\.\d+)*)", str(version or "").strip())
    return tuple(int(n) for n in numbers.group(1).split(".")) if numbers else None


def cmd_verify(args):
    set_dir = args.set_dir
    name = os.path.basename(os.path.normpath(set_dir))
    if not SET_NAME.match(name):
        raise ToolError("%s is not a finished backup set (an interrupted backup stays .partial-<time>)" % set_dir)
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


def cmd_live(args):
    with open(args.manifest) as handle:
        manifest = json.load(handle)
    harbor = harbor_from(args)
    recorded = manifest.get("inventory") or {"projects": [], "repositories": []}
    problems, blobs_checked, tags_checked = [], set(), 0
    for project in recorded["projects"]:
        if harbor.api("/projects/%s" % urllib.parse.quote(project["name"], safe=""))[0] is None:
            problems.append("project %s is missing" % project["name"])
    for repo in recorded["repositories"]:
        for artifact in repo["artifacts"]:
            for reference in artifact["tags"] or [artifact["digest"]]:
                status, headers, body = harbor.registry("GET", repo["name"], "manifests", reference, MANIFEST_TYPES)
                digest = headers.get("Docker-Content-Digest") or headers.get("docker-content-digest")
                actual = "sha256:" + hashlib.sha256(body).hexdigest()
                if status != 200:
                    problems.append("%s:%s answered HTTP %s" % (repo["name"], reference, status))
                    continue
                if actual != artifact["digest"] or (digest and digest != artifact["digest"]):
                    problems.append("%s:%s has digest %s, the backup recorded %s"
                                    % (repo["name"], reference, actual, artifact["digest"]))
                    continue
                tags_checked += 1
                problems.extend(check_blobs(harbor, repo["name"], json.loads(body), blobs_checked, args.blob_content))
    if problems:
        shown = problems[:20] + (["... and %d more" % (len(problems) - 20)] if len(problems) > 20 else [])
        raise ToolError("Harbor does not serve what the backup holds: %s" % "; ".join(shown))
    return {"changed": False, "projects": len(recorded["projects"]), "repositories": len(recorded["repositories"]),
            "references": tags_checked, "blobs": len(blobs_checked)}


def check_blobs(harbor, repository, manifest, seen, content):
    problems = []
    for child in manifest.get("manifests") or []:
        status, _headers, body = harbor.registry("GET", repository, "manifests", child["digest"], MANIFEST_TYPES)
        if status != 200 or "sha256:" + hashlib.sha256(body).hexdigest() != child["digest"]:
            problems.append("%s@%s: manifest missing or corrupt (HTTP %s)" % (repository, child["digest"], status))
        else:
            problems.extend(check_blobs(harbor, repository, json.loads(body), seen, content))
    for blob in ([manifest["config"]] if manifest.get("config") else []) + (manifest.get("layers") or []):
        key = (repository, blob["digest"])
        if key in seen:
            continue
        status, _headers, body = harbor.registry("GET" if content else "HEAD", repository, "blobs", blob["digest"])
        if status != 200:
            problems.append("%s@%s: blob answered HTTP %s" % (repository, blob["digest"], status))
        elif content and "sha256:" + hashlib.sha256(body).hexdigest() != blob["digest"]:
            problems.append("%s@%s: blob content does not match its digest" % (repository, blob["digest"]))
        seen.add(key)
    return problems


def parser():
    top = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    sub = top.add_subparsers(dest="command", required=True)

    def api_options(cmd):
        cmd.add_argument("--url", default="")
        cmd.add_argument("--auth-file", help="JSON {username, password}, mode 0600")
        cmd.add_argument("--ca-path", default="")
        cmd.add_argument("--insecure", action="store_true")

    def restic_options(cmd):
        cmd.add_argument("--restic", default="restic")
        cmd.add_argument("--repo", required=True)
        cmd.add_argument("--password-file", required=True)

    cmd = sub.add_parser("manifest")
    cmd.add_argument("--set-dir", required=True)
    cmd.add_argument("--meta", required=True, help="JSON written by the role: versions, database, restic, config")
    cmd.add_argument("--registry-root", default="")
    api_options(cmd)
    cmd = sub.add_parser("retention")
    cmd.add_argument("--backup-dir", required=True)
    cmd.add_argument("--keep-last", type=int, required=True)
    cmd.add_argument("--keep-days", type=float, required=True)
    cmd.add_argument("--dry-run", action="store_true")
    restic_options(cmd)
    cmd = sub.add_parser("verify")
    cmd.add_argument("--set-dir", required=True)
    cmd.add_argument("--staging", required=True)
    cmd.add_argument("--target-version", default="")
    cmd.add_argument("--target-schema", type=int, default=None)
    restic_options(cmd)
    cmd = sub.add_parser("live")
    cmd.add_argument("--manifest", required=True)
    cmd.add_argument("--blob-content", action="store_true", help="download every blob and check its sha256")
    api_options(cmd)
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
