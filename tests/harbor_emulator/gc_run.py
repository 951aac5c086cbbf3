"""A manual GC run over the real registry (Harbor's GarbageCollector job, src/jobservice/job/impl/gc).

What Harbor's job does, and so what this does:
- with `delete_untagged`, every artifact without a tag is deleted (its manifest by digest in the
  registry, its row in the database); a dry run only lists them;
- the blobs nothing references any more are deleted from the storage: here by distribution's own
  `docker-registry garbage-collect` (the registry stopped meanwhile, `--dry-run` for a dry run);
- the job log carries Harbor's lines, among them "N blobs and M manifests eligible for deletion",
  "The GC could free up N MB space, the size is a rough estimation." and, after a real sweep,
  "N blobs and M manifests are actually deleted" and "The GC job actual frees up N MB space."
  (MB = bytes/1024/1024, rounded down, as Harbor's integer division);
- the job checks in {"freed_space": bytes, "purged_blobs": n, "purged_manifests": n}, which Harbor's GC
  check-in processor (src/controller/gc/callback.go gcCheckIn) merges into the execution's extra
  attributes, i.e. into the run's `job_parameters` JSON string.
"""

import json
import os
import re
import threading
import time

from .distribution import RegistryError

_ELIGIBLE = re.compile(r'blob eligible for deletion: (sha256:[0-9a-f]{64})')


class JobLog:
    """Lines in the jobservice logger's format: `2026-11-23T10:12:44Z [INFO] [/jobservice/job/impl/gc/...]: text`."""

    def __init__(self):
        self.lines = []

    def add(self, text, level='INFO'):
        stamp = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
        self.lines.append('%s [%s] [/jobservice/job/impl/gc/garbage_collection.go:0]: %s' % (stamp, level, text))

    def text(self):
        return '\n'.join(self.lines) + '\n'


def start(server, record):
    """Run GC for the exec_history `record` in the background (call with the state lock held)."""
    record['real'] = True
    threading.Thread(target=_run, args=(server, record), daemon=True).start()


def _blob_path(storage, digest):
    hexdigest = digest.split(':', 1)[1]
    return os.path.join(storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hexdigest[:2], hexdigest, 'data')


def _is_manifest(path):
    try:
        with open(path, 'rb') as handle:
            head = handle.read(65536)
        return b'"schemaVersion"' in head and json.loads(head).get('schemaVersion') is not None
    except (OSError, ValueError, AttributeError):
        return False


def _run(server, record):
    state, log = server.state, JobLog()
    parameters = record.get('parameters') or {}
    dry_run, delete_untagged = bool(parameters.get('dry_run')), bool(parameters.get('delete_untagged'))
    log.add('Garbage Collection parameters: [delete_untagged: %s, dry_run: %s, time_window: %s, workers: %s]'
            % (str(delete_untagged).lower(), str(dry_run).lower(), parameters.get('time_window', 2), parameters.get('workers', 1)))
    log.add('start to run gc in job.')
    try:
        freed, blobs, manifests = _collect(server, log, dry_run, delete_untagged)
        status = 'Success'
        log.add('success to run gc in job.')
    except (RegistryError, OSError) as exc:
        freed = blobs = manifests = 0
        status = 'Error'
        log.add('failed to execute GC job at sweep phase, error: %s' % exc, level='ERROR')
    with state.lock:
        record['parameters'] = dict(parameters, freed_space=freed, purged_blobs=blobs, purged_manifests=manifests)
        record['log'] = log.text()
        if record['status'] == 'Running':
            record['status'] = status
        state.touch(record)


def _collect(server, log, dry_run, delete_untagged):
    """The GC itself; returns (freed bytes, blobs, manifests) deleted (or, in a dry run, eligible)."""
    state = server.state
    with state.lock:
        untagged = [dict(a) for a in state.collections['artifacts'].values() if not a['tags']] if delete_untagged else []
    simulated = set()
    if delete_untagged:
        log.add('start to delete untagged artifact (no actually deletion for dry-run mode)')
        from .registry import forget_manifest, local_client  # pylint: disable=import-outside-toplevel
        client = local_client(server) if untagged else None
        try:
            for artifact in untagged:
                if dry_run:
                    simulated.add(artifact['digest'])
                else:
                    client.delete_manifest(artifact['repository_name'], artifact['digest'])
                    forget_manifest(state, artifact['repository_name'], artifact['digest'])
                log.add('delete the untagged artifact: ProjectID:(%d)-RepositoryName(%s)-MediaType:(%s)-Digest:(%s)'
                        % (artifact['project_id'], artifact['repository_name'], artifact['manifest_media_type'], artifact['digest']))
        finally:
            if client is not None:
                client.close()
        log.add('end to delete untagged artifact (no actually deletion for dry-run mode)')
    if server.backend.state_dir is None or not os.path.isdir(server.backend.storage):
        log.add('no need to execute GC as there is no non referenced artifacts.')
        return 0, 0, 0
    storage = server.backend.storage
    output = server.backend.garbage_collect(dry_run=True)
    eligible = set(_ELIGIBLE.findall(output)) | _simulated_blobs(server, simulated)
    sizes = dict((d, os.path.getsize(_blob_path(storage, d))) for d in eligible if os.path.exists(_blob_path(storage, d)))
    manifest_set = set(d for d in sizes if _is_manifest(_blob_path(storage, d)))
    for digest in sorted(sizes):
        log.add('blob eligible for deletion: %s' % digest)
    size = sum(sizes.values())
    log.add('%d blobs and %d manifests eligible for deletion' % (len(sizes) - len(manifest_set), len(manifest_set)))
    log.add('The GC could free up %d MB space, the size is a rough estimation.' % (size // 1024 // 1024))
    if dry_run:
        return size, len(sizes) - len(manifest_set), len(manifest_set)
    server.backend.garbage_collect(dry_run=False)
    gone = set(d for d in sizes if not os.path.exists(_blob_path(storage, d)))
    freed = sum(sizes[d] for d in gone)
    gone_manifests = len(gone & manifest_set)
    log.add('%d blobs and %d manifests are actually deleted' % (len(gone) - gone_manifests, gone_manifests))
    log.add('The GC job actual frees up %d MB space.' % (freed // 1024 // 1024))
    return freed, len(gone) - gone_manifests, gone_manifests


def _simulated_blobs(server, digests):
    """Dry run with delete_untagged: the blobs only the untagged artifacts reference (what deleting them would free)."""
    if not digests:
        return set()
    state = server.state
    from .registry import local_client  # pylint: disable=import-outside-toplevel
    from .distribution import manifest_blobs  # pylint: disable=import-outside-toplevel
    with state.lock:
        artifacts = [dict(a) for a in state.collections['artifacts'].values()]
    client = local_client(server)
    kept, dropped = set(), set()
    try:
        for artifact in artifacts:
            try:
                media_type, body, dummy = client.get_manifest(artifact['repository_name'], artifact['digest'])
            except RegistryError:
                continue
            dummy, blobs = manifest_blobs(media_type, body)
            target = dropped if artifact['digest'] in digests else kept
            target.update(b['digest'] for b in blobs)
            target.add(artifact['digest'])
    finally:
        client.close()
    return dropped - kept
