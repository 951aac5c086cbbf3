"""/v2/ and /service/token: Harbor core in front of its registry.

Like Harbor core, the emulator authenticates registry clients (HTTP Basic, or a bearer token from
GET /service/token), checks project permissions, then reverse-proxies to the real distribution
registry (`distribution.Backend`). A manifest pushed through it becomes an artifact (with its tag) in
the API; proxy-cache projects fetch a missing manifest from their upstream registry first; a push
fires the event-based replication policies that match it.
"""

import http.client
import json
import os
import secrets
import threading
import time
import urllib.parse

from . import artifact_events, auth
from .distribution import INDEX_TYPES, RegistryClient, RegistryError, copy_image, manifest_blobs
from .errors import READ_ONLY_MESSAGE
from .routing import Response
from .state import now

SERVICE = 'harbor-registry'
TOKEN_TTL = 1800
FORWARDED_REQUEST_HEADERS = ('Accept', 'Content-Type', 'Content-Range', 'Range', 'If-None-Match')
FORWARDED_RESPONSE_HEADERS = ('Content-Type', 'Docker-Content-Digest', 'Location', 'Range', 'Docker-Upload-UUID',
                              'Docker-Distribution-Api-Version', 'Link', 'Etag', 'Content-Length')
# registry action -> the project permission it needs (robots extend `registry_access_allowed`)
REGISTRY_ACTIONS = {'pull': 'repository:pull', 'push': 'repository:push', 'delete': 'repository:delete'}


class Tokens:
    """Bearer tokens handed out by /service/token: token -> (user id or None, expiry)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._tokens = {}

    def issue(self, caller):
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[token] = (caller.user_id, time.time() + TOKEN_TTL)
        return token

    def caller(self, state, token):
        with self._lock:
            found = self._tokens.get(token)
        if not found or found[1] < time.time():
            return auth.Caller()
        user = state.users.get(found[0]) if found[0] else None
        return auth.Caller(user)

    def clear(self):
        with self._lock:
            self._tokens = {}


def registry_access_allowed(state, caller, project, action):
    """May `caller` do registry `action` (pull, push, delete) on `project`? The one place to extend (robots)."""
    return auth.can(state, caller, project, REGISTRY_ACTIONS[action])


def _error(status, code, message, server, headers=None, scope=None):
    body = json.dumps({'errors': [{'code': code, 'message': message, 'detail': None}]}).encode()
    headers = dict(headers or {})
    if status == 401:
        # Harbor names the scope the request needs (src/server/middleware/v2auth/auth.go)
        headers['WWW-Authenticate'] = 'Bearer realm="%s/service/token",service="%s"%s' % (
            server.url, SERVICE, ',scope="%s"' % scope if scope else '')
    headers['Docker-Distribution-Api-Version'] = 'registry/2.0'
    return Response(status, body, headers=headers)


def _caller(server, headers):
    authorization = headers.get('Authorization') or ''
    if authorization.lower().startswith('bearer '):
        return server.tokens.caller(server.state, authorization[7:].strip())
    return auth.authenticate(server.state, authorization, server.password_checks)  # takes the lock itself


def handle_token(server, query, headers, session_caller=None):
    """GET /service/token: a bearer token for the caller (anonymous callers get one too, as in Harbor).

    Unlike /v2/, /service/token honours a logged-in session's cookie (``session_caller``): real v2.15.2 answers a
    session with a token carrying the user's access, without a password check."""
    caller = session_caller or _caller(server, headers)
    if (headers.get('Authorization') or '').lower().startswith('basic ') and not caller.authenticated:
        return _error(401, 'UNAUTHORIZED', 'invalid credentials', server)
    token = server.tokens.issue(caller)
    body = {'token': token, 'access_token': token, 'expires_in': TOKEN_TTL, 'issued_at': now()}
    return Response(200, json.dumps(body).encode())


def _split(path):
    """('/v2/a/b/manifests/x') -> ('a/b', 'manifests', 'x'); kind is manifests, blobs, tags or None."""
    rest = path[len('/v2/'):]
    for kind in ('/manifests/', '/blobs/', '/tags/'):
        if kind in rest:
            name, dummy, reference = rest.rpartition(kind)
            return name, kind.strip('/'), reference
    return rest, None, None


def _action(method):
    if method in ('GET', 'HEAD'):
        return 'pull'
    if method == 'DELETE':
        return 'delete'
    return 'push'


def handle_v2(server, method, path, query, headers, body):
    """One /v2/ request: authenticate, authorise, proxy-cache, forward, record pushes."""
    caller = _caller(server, headers)
    if path in ('/v2', '/v2/'):
        if not caller.authenticated:
            return _error(401, 'UNAUTHORIZED', 'authentication required', server)
        return forward(server, method, '/v2/', query, headers, body)
    if path.rstrip('/') == '/v2/_catalog':
        if not caller.sysadmin:
            return _error(401 if not caller.authenticated else 403, 'UNAUTHORIZED' if not caller.authenticated else 'DENIED',
                          'the catalog needs a system administrator', server)
        return forward(server, method, path, query, headers, body)
    name, kind, reference = _split(path)
    action = _action(method)
    with server.state.lock:
        project = server.state.project_by_name(name.split('/')[0])
        allowed = project is not None and registry_access_allowed(server.state, caller, project, action)
        upstream = server.state.collections['registries'].get(project.get('registry_id')) if project else None
        upstream = dict(upstream) if upstream else None
    if not allowed:
        if not caller.authenticated:
            return _error(401, 'UNAUTHORIZED', 'unauthorized to access repository: %s, action: %s' % (name, action), server,
                          scope='repository:%s:%s' % (name, action))
        if project is None and caller.sysadmin:
            return _error(404, 'NAME_UNKNOWN', 'project %s not found' % name.split('/')[0], server)
        return _error(403, 'DENIED', 'requested access to the resource is denied', server)
    if kind is None or '/' not in name:
        return _error(404, 'NAME_INVALID', 'invalid repository name: %s' % name, server)
    if action in ('push', 'delete') and server.config().get('read_only'):
        return _error(403, 'DENIED', READ_ONLY_MESSAGE, server)  # Harbor's readonly middleware on these routes
    if upstream and kind == 'manifests' and method in ('GET', 'HEAD'):
        failure = _proxy_cache_fetch(server, upstream, name, reference)
        if failure is not None:
            return failure
    refused = artifact_events.before_manifest(server, method, name, kind, reference, caller)
    if refused is not None:
        return refused
    response = forward(server, method, path, query, headers, body)
    if kind == 'manifests' and method == 'PUT' and response.status == 201:
        digest = response.headers.get('Docker-Content-Digest')
        record_manifest(server.state, name, reference, headers.get('Content-Type'), body, digest,
                        server.backend.storage)
        # replication imports this module, so it is imported here
        from . import replication  # pylint: disable=import-outside-toplevel
        replication.on_push(server, name, reference)
    elif kind == 'manifests' and method == 'DELETE' and response.status == 202:
        forget_manifest(server.state, name, reference)
    elif kind == 'manifests' and method == 'GET' and response.status == 200:
        count_pull(server.state, name, reference)
    artifact_events.after_manifest(server, method, name, kind, reference, response.status, caller)
    return response


_local = threading.local()


def _backend_connection(server):
    url = server.backend.ensure()
    conn = getattr(_local, 'conn', None)
    if conn is None or getattr(_local, 'url', None) != url:
        parsed = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=300)
        _local.conn, _local.url = conn, url
    return conn


def forward(server, method, path, query, headers, body):
    """Send the request on to the distribution registry and return its answer."""
    out = {name: headers[name] for name in FORWARDED_REQUEST_HEADERS if headers.get(name)}
    out['Host'] = headers.get('Host') or urllib.parse.urlsplit(server.url).netloc
    out['X-Forwarded-Proto'] = 'https' if server.tls else 'http'
    target = path + ('?' + query if query else '')
    for attempt in (0, 1):
        conn = _backend_connection(server)
        try:
            conn.request(method, target, body=body if method not in ('GET', 'HEAD') else None, headers=out)
            answer = conn.getresponse()
            data = answer.read()
            break
        except (http.client.HTTPException, OSError):
            conn.close()
            _local.conn = None
            if attempt:
                return _error(502, 'UNKNOWN', 'the registry is not reachable', server)
    kept = {name: answer.headers[name] for name in FORWARDED_RESPONSE_HEADERS if answer.headers.get(name)}
    content_type = kept.pop('Content-Type', 'application/json')
    if method != 'HEAD':
        kept.pop('Content-Length', None)
    return Response(answer.status, data, content_type=content_type, headers=kept)


def local_client(server):
    """A client of this instance's own registry (no auth: it is the backend, as Harbor's jobservice sees it)."""
    return RegistryClient(server.backend.ensure())


def upstream_client(registry):
    credential = registry.get('credential') or {}
    return RegistryClient(registry['url'], credential.get('access_key') or None, credential.get('access_secret') or None,
                          insecure=bool(registry.get('insecure')), ca_certificate=registry.get('ca_certificate'))


def _proxy_cache_fetch(server, registry, name, reference):
    """Proxy cache: copy a manifest (and its blobs) the local registry lacks from the upstream; None when done."""
    local = local_client(server)
    try:
        if local.manifest_digest(name, reference) is not None:
            return None
        upstream = upstream_client(registry)
        remote_repo = name.split('/', 1)[1]
        try:
            copy_image(upstream, remote_repo, local, name, reference,
                       on_manifest=lambda repo, ref, media_type, body, digest: record_manifest(
                           server.state, repo, ref, media_type, body, digest, server.backend.storage))
        finally:
            upstream.close()
    except RegistryError as exc:
        if exc.status == 404:
            return _error(404, 'MANIFEST_UNKNOWN', 'manifest unknown: %s:%s not found upstream' % (name, reference), server)
        return _error(502 if exc.status is None else exc.status, 'UNKNOWN', 'proxy cache: %s' % exc, server)
    finally:
        local.close()
    return None


# ----------------------------------------------------------------------------------------------
# artifacts in the API from what was really pushed

def _artifact_size(media_type, body):
    children, blobs = manifest_blobs(media_type, body)
    size = len(body) + sum(int(b.get('size') or 0) for b in blobs)
    if children:
        size += sum(int(m.get('size') or 0) for m in json.loads(body).get('manifests') or [])
    return size


def _image_config(storage, media_type, body):
    """The image's config blob read from the registry's storage (pushed before its manifest), or None."""
    if storage is None or media_type in INDEX_TYPES:
        return None
    digest = (json.loads(body).get('config') or {}).get('digest') or ''
    if not digest.startswith('sha256:'):
        return None
    hexdigest = digest.split(':', 1)[1]
    path = os.path.join(storage, 'docker', 'registry', 'v2', 'blobs', 'sha256', hexdigest[:2], hexdigest, 'data')
    try:
        with open(path, 'rb') as handle:
            config = json.loads(handle.read().decode())
    except (OSError, ValueError):
        return None
    return config if isinstance(config, dict) else None


def extra_attrs(config):
    """What Harbor's image processor keeps of the config (controller/artifact/processor/image/manifest_v2.go)."""
    inner = config.get('config') or {}
    author = config.get('author') or ''
    labels = inner.get('Labels') or {}
    for key in ('org.opencontainers.image.authors', 'maintainer'):
        if not author and labels.get(key):
            author = labels[key]
    return {'created': config.get('created'), 'architecture': config.get('architecture') or '',
            'os': config.get('os') or '', 'config': inner, 'author': author}


def record_manifest(state, repo_name, reference, media_type, body, digest, storage=None):
    """A manifest stored in the registry: its repository, artifact and tag as Harbor's database would hold them."""
    with state.lock:
        project = state.project_by_name(repo_name.split('/')[0])
        if project is None:
            return
        repository = state.find_one('repositories', name=repo_name)
        if repository is None:
            repo_id = state.add('repositories', {'project_id': project['id'], 'name': repo_name, 'description': '',
                                                 'artifact_count': 0, 'pull_count': 0, 'size': 0})
            repository = state.collections['repositories'][repo_id]
        media_type = media_type or json.loads(body).get('mediaType') or ''
        artifact = state.find_one('artifacts', repository_id=repository['id'], digest=digest)
        if artifact is None:
            artifact_id = state.add('artifacts', {
                'project_id': project['id'], 'repository_id': repository['id'], 'repository_name': repo_name,
                'digest': digest, 'manifest_media_type': media_type, 'media_type': _config_media_type(media_type, body),
                'type': 'IMAGE', 'size': _artifact_size(media_type, body), 'push_time': now(), 'tags': []})
            artifact = state.collections['artifacts'][artifact_id]
            config = _image_config(storage, media_type, body)
            if config is not None:
                artifact['extra_attrs'] = extra_attrs(config)
        if not reference.startswith('sha256:'):
            for other in state.find('artifacts', repository_id=repository['id']):
                other['tags'] = [t for t in other['tags'] if t['name'] != reference]
            artifact['tags'].append({'id': state.next_id('tags'), 'name': reference, 'push_time': now(),
                                     'repository_id': repository['id'], 'artifact_id': artifact['id']})
        _refresh_repository(state, repository)


def _config_media_type(media_type, body):
    if media_type in INDEX_TYPES:
        return media_type
    return (json.loads(body).get('config') or {}).get('mediaType') or media_type


def _refresh_repository(state, repository):
    artifacts = state.find('artifacts', repository_id=repository['id'])
    repository['artifact_count'] = len(artifacts)
    repository['size'] = sum(a['size'] for a in artifacts)
    state.touch(repository)


def forget_manifest(state, repo_name, reference):
    with state.lock:
        repository = state.find_one('repositories', name=repo_name)
        if repository is None:
            return
        for artifact in state.find('artifacts', repository_id=repository['id']):
            if artifact['digest'] == reference or any(t['name'] == reference for t in artifact['tags']):
                del state.collections['artifacts'][artifact['id']]
        _refresh_repository(state, repository)


def count_pull(state, repo_name, reference=None):
    """A manifest GET: the repository's pull count, and the artifact's pull_time (what retention's pull rules read)."""
    with state.lock:
        repository = state.find_one('repositories', name=repo_name)
        if repository is not None:
            repository['pull_count'] = repository.get('pull_count', 0) + 1
            for artifact in state.find('artifacts', repository_id=repository['id']):
                if artifact['digest'] == reference or any(t['name'] == reference for t in artifact['tags']):
                    artifact['pull_time'] = now()


def delete_repository_content(server, repository):
    """Deleting a repository in the API deletes its manifests in the registry too."""
    artifacts = server.state.find('artifacts', repository_id=repository['id'])
    if not artifacts or not server.backend.running:
        return
    client = local_client(server)
    try:
        for artifact in artifacts:
            client.delete_manifest(repository['name'], artifact['digest'])
            del server.state.collections['artifacts'][artifact['id']]
    finally:
        client.close()
