"""The real registry behind /v2/: Debian's `docker-registry` (distribution 2.8), and a small client for its API.

`Backend` starts one `docker-registry serve` per emulator instance the first time something needs
/v2/ (startup stays fast for tests that never push), with its storage under the state directory.
`RegistryClient` speaks the registry HTTP API (Basic auth or Harbor's bearer-token flow) and is what
replication and proxy-cache use to copy images blob by blob, each verified by its sha256 digest.
"""

import base64
import hashlib
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.parse

MANIFEST_TYPES = (
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
)
INDEX_TYPES = MANIFEST_TYPES[2:]
CHUNK_SIZE = 1024 * 1024
CONFIG_TEMPLATE = """version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %(root)s
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:%(port)d
"""


class RegistryError(Exception):
    """A registry call failed: status (None for a connection failure) and a message."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def stop_process(process, timeout=10):
    """Terminate a child process that may still run, and kill it when it does not end within `timeout`."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Backend:
    """One `docker-registry serve` process, started lazily, with filesystem storage in `root`.

    `storage_root` (Harbor's `<data_volume>/registry`) is the registry's root directory when given;
    otherwise the storage is `<state_dir>/registry/data`.
    """

    def __init__(self, state_dir=None, storage_root=None):
        self._own_dir = state_dir is None
        self.state_dir = state_dir
        self.storage_root = storage_root
        self._lock = threading.Lock()
        self._process = None
        self.port = None
        self.url = None
        self.startup_seconds = None

    @property
    def root(self):
        return self.storage_root or os.path.join(self.state_dir, 'registry')

    def ensure(self):
        """The backend's base URL, starting the registry the first time it is needed."""
        with self._lock:
            if self._process is not None and self._process.poll() is None:
                return self.url
            started = time.monotonic()
            if self.state_dir is None:
                self.state_dir = tempfile.mkdtemp(prefix='harbor-emulator-registry-')
            os.makedirs(self.root, exist_ok=True)
            port = self.port = self.port or _free_port()  # a restart (after GC) keeps the URL
            config = os.path.join(self.state_dir, 'registry.yml')
            with open(config, 'w', encoding='utf-8') as handle:
                handle.write(CONFIG_TEMPLATE % {'root': self.storage_root or os.path.join(self.root, 'data'), 'port': port})
            log = open(os.path.join(self.state_dir, 'registry.log'), 'ab')  # pylint: disable=consider-using-with
            self._process = subprocess.Popen(['docker-registry', 'serve', config],  # pylint: disable=consider-using-with
                                             stdout=log, stderr=log, stdin=subprocess.DEVNULL)
            log.close()
            self.url = 'http://127.0.0.1:%d' % port
            deadline = time.monotonic() + 10
            while True:
                try:
                    with socket.create_connection(('127.0.0.1', port), timeout=0.2):
                        break
                except OSError:
                    if self._process.poll() is not None or time.monotonic() > deadline:
                        raise RegistryError(None, 'docker-registry did not start; see %s/registry.log' % self.state_dir)
                    time.sleep(0.01)
            self.startup_seconds = time.monotonic() - started
            return self.url

    @property
    def running(self):
        return self._process is not None and self._process.poll() is None

    def stop(self):
        with self._lock:
            self._stop_process()

    @property
    def storage(self):
        """The registry's filesystem root (`storage.filesystem.rootdirectory`): Harbor's <data_volume>/registry
        when there is a data volume."""
        return self.storage_root or os.path.join(self.root, 'data')

    def garbage_collect(self, dry_run=False):
        """`docker-registry garbage-collect` over the storage; returns its output.

        Distribution's GC must not run beside a serving registry, so the registry is stopped, collected
        and started again on the same port; /v2/ requests arriving meanwhile wait for the lock in ensure().
        """
        self.ensure()
        with self._lock:
            self._stop_process()
            command = ['docker-registry', 'garbage-collect'] + (['--dry-run'] if dry_run else []) + [
                os.path.join(self.state_dir, 'registry.yml')]
            result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        self.ensure()
        if result.returncode != 0:
            raise RegistryError(None, 'docker-registry garbage-collect failed: %s' % (result.stderr or result.stdout)[-2000:])
        return result.stdout + result.stderr

    def _stop_process(self):
        stop_process(self._process)
        self._process = None

    def reset(self):
        """Back to an empty registry (the emulator's reset)."""
        self.stop()
        if self.state_dir:
            shutil.rmtree(self.root, ignore_errors=True)

    def close(self):
        self.stop()
        if self._own_dir and self.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)


class RegistryClient:
    """The registry HTTP API of one endpoint, over one keep-alive connection (one client per thread)."""

    def __init__(self, url, username=None, password=None, insecure=False, ca_certificate=None, timeout=60):
        parsed = urllib.parse.urlsplit(url)
        self.scheme = parsed.scheme or 'http'
        self.host = parsed.hostname
        self.port = parsed.port or (443 if self.scheme == 'https' else 80)
        self.username = username
        self.password = password
        self.timeout = timeout
        self._context = None
        if self.scheme == 'https':
            if insecure:
                self._context = ssl._create_unverified_context()  # nosec B323 - the registry's `insecure` flag
            else:
                self._context = ssl.create_default_context(cadata=ca_certificate or None)
        self._conn = None
        self._tokens = {}  # scope -> bearer token
        self._bearer_realm = None

    # transport ------------------------------------------------------------------------------
    def _connection(self):
        if self._conn is None:
            if self.scheme == 'https':
                self._conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout, context=self._context)
            else:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _raw(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=headers or {})
                response = conn.getresponse()
                data = response.read()
                return response.status, response.headers, data
            except (http.client.HTTPException, OSError) as exc:
                self.close()
                if attempt or isinstance(exc, (socket.timeout, ssl.SSLError)):
                    raise RegistryError(None, 'cannot reach %s://%s:%s: %s' % (self.scheme, self.host, self.port, exc)) from None
        raise AssertionError('unreachable')

    def _basic(self):
        token = base64.b64encode(('%s:%s' % (self.username, self.password)).encode()).decode()
        return 'Basic ' + token

    def _token(self, challenge, scope):
        """Harbor's bearer-token flow: GET realm?service=..&scope=.. with Basic credentials."""
        params = dict(part.split('=', 1) for part in challenge[len('Bearer '):].replace('"', '').split(','))
        realm = urllib.parse.urlsplit(params.pop('realm'))
        query = {'service': params.get('service', '')}
        if scope:
            query['scope'] = scope
        headers = {'Authorization': self._basic()} if self.username else {}
        path = realm.path + '?' + urllib.parse.urlencode(query)
        status, dummy, data = self._raw('GET', path, headers=headers)
        if status != 200:
            raise RegistryError(status, 'token request failed with HTTP %d' % status)
        answer = json.loads(data)
        return answer.get('token') or answer.get('access_token')

    def request(self, method, path, body=None, headers=None, scope=None):
        """(status, headers, body) with authentication handled: Basic first, a bearer token on a Bearer challenge."""
        headers = dict(headers or {})
        if scope in self._tokens:
            headers['Authorization'] = 'Bearer ' + self._tokens[scope]
        elif self.username:
            headers['Authorization'] = self._basic()
        status, resp_headers, data = self._raw(method, path, body, headers)
        challenge = resp_headers.get('WWW-Authenticate') or ''
        if status == 401 and challenge.startswith('Bearer '):
            self._tokens[scope] = self._token(challenge, scope)
            headers['Authorization'] = 'Bearer ' + self._tokens[scope]
            status, resp_headers, data = self._raw(method, path, body, headers)
        return status, resp_headers, data

    # registry API ---------------------------------------------------------------------------
    def ping(self):
        """True when /v2/ answers 200 with these credentials (401 is fine only without credentials)."""
        status, dummy, dummy2 = self.request('GET', '/v2/')
        return status == 200 or (status == 401 and not self.username)

    def catalog(self):
        repositories, path = [], '/v2/_catalog?n=1000'
        while path:
            status, headers, data = self.request('GET', path, scope='registry:catalog:*')
            if status != 200:
                raise RegistryError(status, 'listing repositories failed with HTTP %d' % status)
            repositories.extend(json.loads(data).get('repositories') or [])
            path = _next_link(headers)
        return repositories

    def tags(self, repository):
        status, dummy, data = self.request('GET', '/v2/%s/tags/list' % repository, scope=_scope(repository, 'pull'))
        if status == 404:
            return []
        if status != 200:
            raise RegistryError(status, 'listing tags of %s failed with HTTP %d' % (repository, status))
        return sorted(json.loads(data).get('tags') or [])

    def manifest_digest(self, repository, reference):
        """The digest of a manifest, or None when it does not exist."""
        status, headers, dummy = self.request('HEAD', '/v2/%s/manifests/%s' % (repository, reference),
                                              headers={'Accept': ', '.join(MANIFEST_TYPES)}, scope=_scope(repository, 'pull'))
        if status == 404:
            return None
        if status != 200:
            raise RegistryError(status, 'HEAD manifest %s:%s failed with HTTP %d' % (repository, reference, status))
        return headers.get('Docker-Content-Digest')

    def get_manifest(self, repository, reference):
        """(media_type, body, digest) of a manifest; RegistryError 404 when it does not exist."""
        status, headers, data = self.request('GET', '/v2/%s/manifests/%s' % (repository, reference),
                                             headers={'Accept': ', '.join(MANIFEST_TYPES)}, scope=_scope(repository, 'pull'))
        if status != 200:
            raise RegistryError(status, 'GET manifest %s:%s failed with HTTP %d' % (repository, reference, status))
        digest = 'sha256:' + hashlib.sha256(data).hexdigest()
        return headers.get('Content-Type'), data, digest

    def put_manifest(self, repository, reference, media_type, body):
        status, headers, data = self.request('PUT', '/v2/%s/manifests/%s' % (repository, reference), body=body,
                                             headers={'Content-Type': media_type}, scope=_scope(repository, 'push,pull'))
        if status != 201:
            raise RegistryError(status, 'PUT manifest %s:%s failed with HTTP %d: %s' % (repository, reference, status, data[:300]))
        return headers.get('Docker-Content-Digest')

    def has_blob(self, repository, digest):
        status, dummy, dummy2 = self.request('HEAD', '/v2/%s/blobs/%s' % (repository, digest), scope=_scope(repository, 'push,pull'))
        return status == 200

    def get_blob(self, repository, digest):
        status, dummy, data = self.request('GET', '/v2/%s/blobs/%s' % (repository, digest), scope=_scope(repository, 'pull'))
        if status != 200:
            raise RegistryError(status, 'GET blob %s@%s failed with HTTP %d' % (repository, digest, status))
        return data

    def put_blob(self, repository, digest, data, chunked=False):
        """Upload a blob: one monolithic PUT, or PATCH chunks then a closing PUT."""
        scope = _scope(repository, 'push,pull')
        status, headers, body = self.request('POST', '/v2/%s/blobs/uploads/' % repository, scope=scope, headers={'Content-Length': '0'})
        if status != 202:
            raise RegistryError(status, 'starting an upload to %s failed with HTTP %d: %s' % (repository, status, body[:300]))
        location = headers['Location']
        if chunked:
            for offset in range(0, len(data), CHUNK_SIZE):
                chunk = data[offset:offset + CHUNK_SIZE]
                status, headers, body = self.request('PATCH', _relative(location), body=chunk, scope=scope, headers={
                    'Content-Type': 'application/octet-stream',
                    'Content-Range': '%d-%d' % (offset, offset + len(chunk) - 1)})
                if status != 202:
                    raise RegistryError(status, 'uploading a chunk to %s failed with HTTP %d' % (repository, status))
                location = headers['Location']
            data = b''
        separator = '&' if '?' in location else '?'
        status, dummy, body = self.request('PUT', _relative(location) + separator + urllib.parse.urlencode({'digest': digest}),
                                           body=data, scope=scope, headers={'Content-Type': 'application/octet-stream'})
        if status != 201:
            raise RegistryError(status, 'finishing the upload of %s to %s failed with HTTP %d: %s' % (digest, repository, status, body[:300]))

    def delete_manifest(self, repository, digest):
        status, dummy, dummy2 = self.request('DELETE', '/v2/%s/manifests/%s' % (repository, digest), scope=_scope(repository, 'delete'))
        return status in (202, 404)


def _scope(repository, actions):
    return 'repository:%s:%s' % (repository, actions)


def _relative(location):
    parsed = urllib.parse.urlsplit(location)
    return parsed.path + ('?' + parsed.query if parsed.query else '')


def _next_link(headers):
    link = headers.get('Link') or ''
    if 'rel="next"' not in link:
        return None
    return _relative(link[link.index('<') + 1:link.index('>')])


def manifest_blobs(media_type, manifest):
    """(child manifest digests, blob descriptors) of a manifest body."""
    document = json.loads(manifest)
    media_type = media_type or document.get('mediaType')
    if media_type in INDEX_TYPES or 'manifests' in document:
        return [m['digest'] for m in document.get('manifests') or []], []
    blobs = list(document.get('layers') or [])
    if document.get('config'):
        blobs.append(document['config'])
    return [], blobs


class CopyStats:
    """What one copy moved."""

    def __init__(self):
        self.blobs = 0
        self.bytes = 0
        self.skipped = False


def copy_image(src, src_repo, dst, dst_repo, reference, chunked=False, on_manifest=None, stats=None):
    """Copy `src_repo:reference` to `dst_repo:reference`, blob by blob, each verified by digest.

    Blobs the destination already holds are not sent again. `on_manifest(repo, reference, media_type, body, digest)`
    runs after each manifest is stored (the local side records artifacts there). Returns the digest.
    """
    stats = stats or CopyStats()
    media_type, body, digest = src.get_manifest(src_repo, reference)
    children, blobs = manifest_blobs(media_type, body)
    for child in children:
        copy_image(src, src_repo, dst, dst_repo, child, chunked, on_manifest, stats)
    for blob in blobs:
        blob_digest = blob['digest']
        if dst.has_blob(dst_repo, blob_digest):
            continue
        data = src.get_blob(src_repo, blob_digest)
        algorithm, dummy, expected = blob_digest.partition(':')
        if hashlib.new(algorithm, data).hexdigest() != expected:
            raise RegistryError(None, 'blob %s of %s arrived with a different digest' % (blob_digest, src_repo))
        dst.put_blob(dst_repo, blob_digest, data, chunked=chunked)
        stats.blobs += 1
        stats.bytes += len(data)
    stored = dst.put_manifest(dst_repo, reference, media_type, body)
    if stored and stored != digest and not reference.startswith('sha256:'):
        raise RegistryError(None, 'manifest %s:%s stored with digest %s, expected %s' % (dst_repo, reference, stored, digest))
    if on_manifest is not None:
        on_manifest(dst_repo, reference, media_type, body, digest)
    return digest
