"""/scanners and /projects/{p}/scanner (API_FACTS section 8).

Quirks reproduced:
- the id is a UUID string; POST answers its Location `/api/v2.0/scanners/{uuid}`;
- POST (and /scanners/ping) really connect to the adapter: `GET {url}/api/v1/metadata` with the
  registration's auth (Basic/Bearer: `Authorization`, APIKey: `X-ScannerAdapter-API-Key`); an
  adapter that does not answer is Harbor's plain-error 500;
- the url is normalised like Harbor's ValidateHTTPURL (trimmed, no trailing slash, http:// added);
  `auth` must be "", Basic, Bearer or APIKey and needs `access_credential` (400);
- the first registration becomes the default; duplicate name or url is a 409; the name "Trivy" is
  reserved (400); the built-in Trivy registration (PUT /_emulator/config {"with_trivy": true}) is
  immutable: PUT and DELETE answer 403;
- GET never shows `access_credential`; a PUT with an empty credential and an auth type keeps it;
- PATCH {"is_default": true} makes it the default, false is a no-op; DELETE answers the deleted
  registration as its body;
- GET /projects/{p}/scanner answers the project's scanner or the system default; PUT sets the
  raw project metadata key `projectScanner` (visible in /metadatas/, not in the project's metadata).
"""

import copy
import json
import urllib.error
import urllib.request
import uuid as uuidlib

from .. import artifact_events, auth, spec
from ..errors import HarborError, bad_request, conflict, not_found
from ..listing import list_response
from ..routing import created, json_response, ok, route
from .projects import path_project

AUTH_TYPES = ('', 'Basic', 'Bearer', 'APIKey')
TRIVY = 'Trivy'
METADATA_TYPE = 'application/vnd.scanner.adapter.metadata+json; version=1.0'
PING_TIMEOUT = 5


def normalize_url(url):
    url = (url or '').strip().rstrip('/')
    if not url:
        raise bad_request('scanner registration validate: empty url')
    if '://' not in url:
        url = 'http://' + url
    if url.split('://', 1)[0] not in ('http', 'https'):
        raise bad_request('scanner registration validate: invalid http url %s' % url)
    return url


def _ensure_trivy(state):
    """The built-in registration a Harbor installed with Trivy has (immutable)."""
    if state.config.get('with_trivy') and state.find_one('scanners', name=TRIVY) is None:
        state.add('scanners', {'uuid': str(uuidlib.uuid4()), 'name': TRIVY, 'url': 'http://trivy-adapter:8080',
                               'description': '', 'auth': '', 'access_credential': '', 'disabled': False,
                               'is_default': state.find_one('scanners', is_default=True) is None,
                               'skip_certVerify': False, 'use_internal_addr': True, 'immutable': True,
                               'adapter': 'Trivy', 'vendor': 'Aqua Security', 'version': 'v0.65.0'})


def ping(registration):
    """GET {url}/api/v1/metadata like Harbor's adapter client; the metadata, or Harbor's 500."""
    request, context = artifact_events.adapter_request(registration, '/api/v1/metadata', accept=METADATA_TYPE)
    try:
        with urllib.request.urlopen(request, timeout=PING_TIMEOUT, context=context) as response:
            metadata = json.loads(response.read().decode() or '{}')
    except (urllib.error.URLError, OSError, ValueError) as exc:
        # Harbor wraps the adapter client's error in a plain error: the caller sees a 500
        raise HarborError(500, 'scanner controller: ping: %s' % exc)
    scanner = metadata.get('scanner') or {}
    if not scanner.get('name') or not metadata.get('capabilities'):
        raise HarborError(500, 'scanner controller: ping: invalid scanner adapter metadata')
    return metadata


def _registration(req):
    _ensure_trivy(req.state)
    found = req.state.find_one('scanners', uuid=req.args['registration_id'])
    if found is None:
        raise not_found('scanner %s not found' % req.args['registration_id'])
    return found


def capabilities(record):
    """What Harbor's RetrieveCap adds to a registration it lists or gets: it pings the adapter every time
    (controller/scanner/base_controller.go) and converts the metadata (ConvertCapability in
    pkg/scan/rest/v1/models.go). None when the ping fails (Harbor logs a warning and answers without them)."""
    if record.get('immutable'):
        return {'support_vulnerability': True, 'support_sbom': True}  # the built-in Trivy adapter
    try:
        metadata = ping(record)
    except HarborError:
        return None
    types = [c.get('type') for c in metadata.get('capabilities') or []]
    if not any(types):  # an older adapter, without capability types
        return {'support_vulnerability': True, 'support_sbom': False}
    found = {}
    if 'vulnerability' in types:
        found['support_vulnerability'] = True
    if 'sbom' in types:
        found['support_sbom'] = True
    return found


def _unlocked(func):
    func.unlocked = True  # it calls the adapters over HTTP: the state is read under the lock, the pings outside
    return func


def _present(record, pinged=False, capabilities_=None):
    """A registration as Harbor answers it. ``adapter``, ``vendor``, ``version`` and ``health`` are not stored
    (``orm:"-"`` in ``pkg/scan/dao/scanner/model.go``): only the project's scanner, which Harbor pings
    (``GetRegistrationByProject`` in ``controller/scanner/base_controller.go``), fills them in."""
    view = dict(record, access_credential='', create_time=record['creation_time'], update_time=record['update_time'],
                capabilities=capabilities_)
    if pinged:
        view['health'] = 'healthy'
    else:
        for key in ('adapter', 'vendor', 'version'):
            view.pop(key, None)
    return spec.render('ScannerRegistration', view)


def _validated(body, stored=None):
    name = (body.get('name') or '').strip()
    if not name:
        raise bad_request('missing registration name')
    kind = body.get('auth') or ''
    if kind not in AUTH_TYPES:
        raise bad_request('auth type %s is not supported' % kind)
    credential = body.get('access_credential') or ''
    if stored is not None and not credential and kind:
        credential = stored.get('access_credential') or ''  # an empty credential on update keeps the stored one
    if kind and not credential:
        raise bad_request('access_credential is required for auth type %s' % kind)
    return {'name': name, 'url': normalize_url(body.get('url')), 'description': body.get('description') or '',
            'auth': kind, 'access_credential': credential if kind else '',
            'skip_certVerify': bool(body.get('skip_certVerify')), 'use_internal_addr': bool(body.get('use_internal_addr')),
            'disabled': bool(body.get('disabled'))}


def _check_unique(state, record, own=None):
    for other in state.collections['scanners'].values():
        if other is own:
            continue
        if other['name'] == record['name'] or other['url'] == record['url']:
            raise conflict('scanner registration with the same name or url already exists')


@route('GET', '/scanners')
@_unlocked
def list_scanners(req):
    auth.require_sysadmin(req)
    state = req.state
    with state.lock:
        _ensure_trivy(state)
        records = copy.deepcopy(list(state.collections['scanners'].values()))
    for key in ('name', 'description', 'url'):  # undocumented fuzzy filters
        value = req.query.get(key, [''])[0]
        if value:
            records = [r for r in records if value.lower() in (r.get(key) or '').lower()]
    for key in ('ex_name', 'ex_url'):  # undocumented exact filters
        value = req.query.get(key, [''])[0]
        if value:
            records = [r for r in records if r.get(key[3:]) == value]
    fields = {k: (lambda r, k=k: r.get(k)) for k in ('name', 'description', 'url', 'uuid', 'is_default', 'disabled')}
    fields['creation_time'] = lambda r: r['creation_time']
    failed = []

    def present(record):
        # ListRegistrations pings them in turn and stops at the first that fails: those after it have none either
        found = None if failed else capabilities(record)
        if found is None:
            failed.append(record['uuid'])
        return _present(record, capabilities_=found)
    return list_response(req, records, fields, 'creation_time', present)


@route('POST', '/scanners')
def create_scanner(req):
    auth.require_sysadmin(req)
    state = req.state
    _ensure_trivy(state)
    record = _validated(req.body)
    if record['name'] == TRIVY:
        raise bad_request('name %s is reserved for the built-in scanner' % TRIVY)
    _check_unique(state, record)
    metadata = ping(record)
    scanner = metadata['scanner']
    record.update(uuid=str(uuidlib.uuid4()), immutable=False, adapter=scanner.get('name', ''),
                  vendor=scanner.get('vendor', ''), version=scanner.get('version', ''),
                  is_default=state.find_one('scanners', is_default=True) is None)  # the first one becomes default
    state.add('scanners', record)
    return created('%s/scanners/%s' % (spec.BASE_PATH, record['uuid']))


@route('POST', '/scanners/ping')
def ping_scanner(req):
    auth.require_sysadmin(req)
    ping(_validated(dict(req.body, description='')))
    return ok()


@route('GET', '/scanners/{registration_id}')
@_unlocked
def get_scanner(req):
    auth.require_sysadmin(req)
    with req.state.lock:
        record = copy.deepcopy(_registration(req))
    return json_response(_present(record, capabilities_=capabilities(record)))


@route('GET', '/scanners/{registration_id}/metadata')
def get_scanner_metadata(req):
    auth.require_sysadmin(req)
    record = _registration(req)
    metadata = ping(record) if not record.get('immutable') else {
        'scanner': {'name': 'Trivy', 'vendor': 'Aqua Security', 'version': record['version']}, 'capabilities': []}
    return json_response(spec.render('ScannerAdapterMetadata', metadata))


@route('PUT', '/scanners/{registration_id}')
def update_scanner(req):
    auth.require_sysadmin(req)
    state = req.state
    stored = _registration(req)
    if stored.get('immutable'):
        raise HarborError(403, 'registration %s is not allowed to update as it is immutable: scanner API: update'
                          % stored['name'])
    record = _validated(req.body, stored)
    _check_unique(state, record, own=stored)
    stored.update(record)
    state.touch(stored)
    return ok()


@route('DELETE', '/scanners/{registration_id}')
def delete_scanner(req):
    auth.require_sysadmin(req)
    stored = _registration(req)
    if stored.get('immutable'):
        raise HarborError(403, 'registration %s is not allowed to delete as it is immutable: scanner API: delete'
                          % stored['name'])
    del req.state.collections['scanners'][stored['id']]
    for project in req.state.projects.values():
        if project['metadata'].get('projectScanner') == stored['uuid']:
            del project['metadata']['projectScanner']
    return json_response(_present(stored))


@route('PATCH', '/scanners/{registration_id}')
def set_default_scanner(req):
    auth.require_sysadmin(req)
    stored = _registration(req)
    if req.body.get('is_default'):
        for other in req.state.collections['scanners'].values():
            other['is_default'] = other is stored
    return ok()


@route('GET', '/projects/{project_name_or_id}/scanner')
@_unlocked
def get_project_scanner(req):
    state = req.state
    with state.lock:
        project = path_project(req, 'read')
        _ensure_trivy(state)
        chosen = state.find_one('scanners', uuid=project['metadata'].get('projectScanner')) or \
            state.find_one('scanners', is_default=True)
        if chosen is None:
            raise not_found('no scanner is configured for project %s' % project['name'])
        chosen = copy.deepcopy(chosen)
    return json_response(_present(chosen, pinged=True, capabilities_=capabilities(chosen)))


@route('PUT', '/projects/{project_name_or_id}/scanner')
def set_project_scanner(req):
    project = path_project(req, 'update')
    state = req.state
    _ensure_trivy(state)
    if state.find_one('scanners', uuid=req.body.get('uuid')) is None:
        raise bad_request('scanner %s not found' % req.body.get('uuid'))
    project['metadata']['projectScanner'] = req.body['uuid']
    return ok()
