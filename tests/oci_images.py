"""Test images: OCI layouts built in Python, pushed with skopeo, read back through /v2/.

`build_layout(directory, tag, layers=2, layer_size=4096)` writes an OCI image layout with `layers`
gzip tar layers of random content (so every image has its own digests), a config blob, a manifest
and index.json. `push(layout, tag, emulator, "proj/repo")` pushes it with `skopeo copy`.
"""

import gzip
import hashlib
import io
import json
import os
import subprocess
import tarfile
import time

OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'


def _write_blob(directory, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(directory, 'blobs', 'sha256', digest)
    with open(path, 'wb') as handle:
        handle.write(data)
    return 'sha256:' + digest


def _layer(size):
    """A gzip tar holding one file of `size` random bytes (incompressible, so the layer is about that size)."""
    content = os.urandom(size)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode='w') as tar:
        info = tarfile.TarInfo('data/%s.bin' % hashlib.sha256(content[:64]).hexdigest()[:12])
        info.size = size
        info.mtime = 0
        tar.addfile(info, io.BytesIO(content))
    tar_bytes = raw.getvalue()
    return gzip.compress(tar_bytes, compresslevel=1, mtime=0), 'sha256:' + hashlib.sha256(tar_bytes).hexdigest()


def build_layout(directory, tag='latest', layers=2, layer_size=4096):
    """Write (or add a tag to) an OCI layout in `directory`; returns the manifest digest."""
    os.makedirs(os.path.join(directory, 'blobs', 'sha256'), exist_ok=True)
    descriptors, diff_ids = [], []
    for dummy in range(layers):
        blob, diff_id = _layer(layer_size)
        descriptors.append({'mediaType': 'application/vnd.oci.image.layer.v1.tar+gzip', 'digest': _write_blob(directory, blob),
                            'size': len(blob)})
        diff_ids.append(diff_id)
    config = json.dumps({'architecture': 'amd64', 'os': 'linux', 'created': '2026-01-01T00:00:00Z',
                         'config': {'Labels': {'test.tag': tag}},
                         'rootfs': {'type': 'layers', 'diff_ids': diff_ids}}, sort_keys=True).encode()
    manifest = json.dumps({'schemaVersion': 2, 'mediaType': OCI_MANIFEST,
                           'config': {'mediaType': 'application/vnd.oci.image.config.v1+json',
                                      'digest': _write_blob(directory, config), 'size': len(config)},
                           'layers': descriptors}, sort_keys=True).encode()
    digest = _write_blob(directory, manifest)
    index_path = os.path.join(directory, 'index.json')
    index = {'schemaVersion': 2, 'manifests': []}
    if os.path.exists(index_path):
        with open(index_path, encoding='utf-8') as handle:
            index = json.load(handle)
    index['manifests'] = [m for m in index['manifests'] if m.get('annotations', {}).get('org.opencontainers.image.ref.name') != tag]
    index['manifests'].append({'mediaType': OCI_MANIFEST, 'digest': digest, 'size': len(manifest),
                               'annotations': {'org.opencontainers.image.ref.name': tag}})
    with open(index_path, 'w', encoding='utf-8') as handle:
        json.dump(index, handle)
    with open(os.path.join(directory, 'oci-layout'), 'w', encoding='utf-8') as handle:
        json.dump({'imageLayoutVersion': '1.0.0'}, handle)
    return digest


def registry_host(emulator):
    return emulator.url.split('://', 1)[1]


def push(layout, tag, emulator, repository, credentials=None, dest_tag=None):
    """skopeo copy oci:LAYOUT:TAG docker://EMULATOR/REPOSITORY:TAG (admin credentials by default)."""
    username, password = credentials or emulator.admin
    command = ['skopeo', 'copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', '%s:%s' % (username, password),
               'oci:%s:%s' % (layout, tag), 'docker://%s/%s:%s' % (registry_host(emulator), repository, dest_tag or tag)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        raise RuntimeError('skopeo push failed: %s' % result.stderr.strip())


def skopeo_copy(src_emulator, src_repo, dst_emulator, dst_repo, tag):
    """A plain `skopeo copy` between two instances (the benchmark's baseline)."""
    command = ['skopeo', 'copy', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false',
               '--src-creds', '%s:%s' % src_emulator.admin, '--dest-creds', '%s:%s' % dst_emulator.admin,
               'docker://%s/%s:%s' % (registry_host(src_emulator), src_repo, tag),
               'docker://%s/%s:%s' % (registry_host(dst_emulator), dst_repo, tag)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if result.returncode != 0:
        raise RuntimeError('skopeo copy failed: %s' % result.stderr.strip())


def v2_tags(session, emulator, repository):
    """{tag: manifest digest} of a repository, read through the instance's /v2/ (HEAD per tag)."""
    response = session.get('%s/v2/%s/tags/list' % (emulator.url, repository), auth=emulator.admin, timeout=30)
    if response.status_code == 404:
        return {}
    response.raise_for_status()
    digests = {}
    for tag in response.json().get('tags') or []:
        head = session.head('%s/v2/%s/manifests/%s' % (emulator.url, repository, tag), auth=emulator.admin, timeout=30,
                            headers={'Accept': OCI_MANIFEST})
        head.raise_for_status()
        digests[tag] = head.headers['Docker-Content-Digest']
    return digests


def wait_execution(session, emulator, execution_id, timeout=60):
    """Poll an execution until it leaves InProgress; returns it."""
    deadline = time.monotonic() + timeout
    while True:
        execution = session.get('%s/replication/executions/%s' % (emulator.api, execution_id), auth=emulator.admin, timeout=30).json()
        if execution['status'] != 'InProgress' or time.monotonic() > deadline:
            return execution
        time.sleep(0.1)


def push_direct(layout, tag, emulator, repository, credentials=None):
    """Push one tag of an OCI layout through the instance's /v2/ in-process (no skopeo start-up): blobs, then the
    manifest. Much faster than `push` when a test needs dozens of tags; returns the manifest digest."""
    from tests.harbor_emulator.distribution import RegistryClient  # pylint: disable=import-outside-toplevel
    with open(os.path.join(layout, 'index.json'), encoding='utf-8') as handle:
        index = json.load(handle)
    found = [m for m in index['manifests'] if m.get('annotations', {}).get('org.opencontainers.image.ref.name') == tag]
    if not found:
        raise RuntimeError('tag %s is not in the layout %s' % (tag, layout))

    def blob(digest):
        with open(os.path.join(layout, 'blobs', 'sha256', digest.split(':', 1)[1]), 'rb') as handle:
            return handle.read()
    manifest = blob(found[0]['digest'])
    document = json.loads(manifest)
    username, password = credentials or emulator.admin
    client = RegistryClient(emulator.url, username, password, insecure=True)
    try:
        for descriptor in [document['config']] + document['layers']:
            if not client.has_blob(repository, descriptor['digest']):
                client.put_blob(repository, descriptor['digest'], blob(descriptor['digest']))
        return client.put_manifest(repository, tag, OCI_MANIFEST, manifest)
    finally:
        client.close()
