"""/registries, /registries/ping, /registries/{id}/info and /replication/adapters (API_FACTS section 3).

Registries are real: create, update and ping connect to the endpoint's /v2/ (another emulator
instance or any distribution registry) with the stored credential.
"""

import ssl
import urllib.parse

from cryptography import x509

from .. import spec
from ..distribution import RegistryClient, RegistryError
from ..errors import HarborError, bad_request, conflict, not_found
from ..listing import list_response
from ..routing import created, json_response, ok, route
from ..auth import require_sysadmin

ADAPTERS = ('ali-acr', 'aws-ecr', 'azure-acr', 'docker-hub', 'docker-registry', 'dtr', 'github-ghcr', 'gitlab',
            'google-gcr', 'harbor', 'huawei-SWR', 'jfrog-artifactory', 'quay', 'tencent-tcr', 'volcengine-cr')
UNHEALTHY = 'the registry is unhealthy'
MASK = '*****'
REGISTRY_FIELDS = {
    'id': lambda r: r['id'],
    'name': lambda r: r['name'],
    'type': lambda r: r['type'],
    'url': lambda r: r['url'],
    'creation_time': lambda r: r['creation_time'],
    'update_time': lambda r: r['update_time'],
}
# Insecure is !InternalTLSEnabled() (pkg/reg/manager.go): true unless Harbor's internal TLS is on
LOCAL_REGISTRY = {'id': 0, 'name': 'Local', 'type': 'harbor', 'url': 'http://core:8080', 'insecure': True,
                  'credential': {'type': 'secret', 'access_secret': MASK}, 'status': 'healthy'}


def adapters(state):
    """The registered adapter types, filtered by the REPLICATION_ADAPTER_WHITELIST setting when it is set."""
    whitelist = [t.strip() for t in (state.config.get('replication_adapter_whitelist') or '').split(',') if t.strip()]
    return [t for t in ADAPTERS if t in whitelist] if whitelist else list(ADAPTERS)


def normalize_url(url):
    """Harbor's URL normalisation: trimmed, http:// when no scheme, no query/fragment, no trailing slash."""
    url = (url or '').strip()
    if not url:
        return ''
    if '://' not in url:
        url = 'http://' + url
    parsed = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, parsed.path, '', '')).rstrip('/')


def present(registry):
    shown = dict(registry)
    credential = dict(shown.get('credential') or {})
    if credential.get('access_secret'):
        credential['access_secret'] = MASK
    shown['credential'] = credential or None
    return spec.render('Registry', shown)


def find_record(state, collection, record_id, what):
    """A record by id, or Harbor's 404 '<what> <id> not found'."""
    record = state.collections[collection].get(record_id)
    if record is None:
        raise not_found('%s %s not found' % (what, record_id))
    return record


def named_records(req, collection):
    """The records of a list endpoint, narrowed by its fuzzy `name` parameter."""
    records = list(req.state.collections[collection].values())
    if req.args.get('name'):
        records = [r for r in records if req.args['name'] in r['name']]
    return records


def find_registry(state, registry_id):
    return find_record(state, 'registries', registry_id, 'registry')


def healthy(registry):
    """Connect to the endpoint's /v2/ with its credential (Harbor's IsHealthy)."""
    credential = registry.get('credential') or {}
    try:
        client = RegistryClient(registry['url'], credential.get('access_key') or None, credential.get('access_secret') or None,
                                insecure=bool(registry.get('insecure')), ca_certificate=registry.get('ca_certificate'), timeout=10)
        try:
            return client.ping()
        finally:
            client.close()
    except (RegistryError, ssl.SSLError, ValueError, OSError):
        return False


def _check_ca(value):
    if value:
        try:
            x509.load_pem_x509_certificate(value.encode())
        except ValueError:
            raise bad_request('invalid CA certificate') from None


def _check(state, registry, registry_id=None):
    if not registry.get('name') or len(registry['name']) > 64:
        raise bad_request('the length of name should be 1-64')
    if registry.get('type') not in adapters(state):
        raise bad_request('adapter factory for %s not found' % registry.get('type'))
    if not registry.get('url'):
        raise bad_request('invalid url: the URL cannot be empty')
    credential = registry.get('credential') or {}
    if credential.get('type') not in (None, '', 'basic', 'oauth'):
        raise bad_request('invalid credential type %s' % credential.get('type'))
    _check_ca(registry.get('ca_certificate'))
    other = state.find_one('registries', name=registry['name'])
    if other is not None and other['id'] != registry_id:
        raise conflict('registry %s already exists' % registry['name'])


def _unlocked(func):
    func.unlocked = True
    return func


@route('GET', '/registries')
def list_registries(req):
    require_sysadmin(req)
    return list_response(req, named_records(req, 'registries'), REGISTRY_FIELDS, '-creation_time,-id', present)


@route('POST', '/registries')
@_unlocked
def create_registry(req):
    require_sysadmin(req)
    body = req.body
    credential = body.get('credential') or {}
    record = {'name': body.get('name') or '', 'type': body.get('type'), 'url': normalize_url(body.get('url')),
              'description': body.get('description') or '', 'insecure': bool(body.get('insecure')),
              'ca_certificate': body.get('ca_certificate'),
              'credential': {'type': credential.get('type') or ('basic' if credential.get('access_key') else ''),
                             'access_key': credential.get('access_key') or '',
                             'access_secret': credential.get('access_secret') or ''}}
    with req.state.lock:
        _check(req.state, record)
    if not healthy(record):
        raise bad_request(UNHEALTHY)
    with req.state.lock:
        _check(req.state, record)
        registry_id = req.state.add('registries', dict(record, status='healthy'))
    return created('%s/registries/%d' % (spec.BASE_PATH, registry_id))


@route('GET', '/registries/{id}')
def get_registry(req):
    require_sysadmin(req)
    return json_response(present(find_registry(req.state, req.args['id'])))


@route('PUT', '/registries/{id}')
@_unlocked
def update_registry(req):
    """RegistryUpdate: flat, every field optional (a partial update); the result is pinged before it is stored."""
    require_sysadmin(req)
    body = req.body or {}
    with req.state.lock:
        current = find_registry(req.state, req.args['id'])
        record = dict(current, credential=dict(current.get('credential') or {}))
    for key in ('name', 'description', 'insecure', 'ca_certificate'):
        if body.get(key) is not None:
            record[key] = body[key]
    if body.get('url') is not None:
        record['url'] = normalize_url(body['url'])
    for key, field in (('credential_type', 'type'), ('access_key', 'access_key'), ('access_secret', 'access_secret')):
        if body.get(key) is not None:
            record['credential'][field] = body[key]
    with req.state.lock:
        _check(req.state, record, current['id'])
    if not healthy(record):
        raise bad_request(UNHEALTHY)
    with req.state.lock:
        current = find_registry(req.state, req.args['id'])
        current.update(record, status='healthy')
        req.state.touch(current)
    return ok()


def registry_users(state, registry_id):
    """(policy names, proxy-cache project names) that use the registry."""
    policies = sorted(p['name'] for p in state.collections['replication_policies'].values()
                      if registry_id in (p['src_registry_id'], p['dest_registry_id']))
    projects = sorted(p['name'] for p in state.projects.values() if p.get('registry_id') == registry_id)
    return policies, projects


@route('DELETE', '/registries/{id}')
def delete_registry(req):
    require_sysadmin(req)
    registry = find_registry(req.state, req.args['id'])
    policies, projects = registry_users(req.state, registry['id'])
    if policies:
        raise HarborError(412, 'Can\'t delete registry %d, %d replication policies refer to it' % (registry['id'], len(policies)))
    if projects:
        raise HarborError(412, 'Can\'t delete registry %d, %d proxy cache projects refer to it' % (registry['id'], len(projects)))
    del req.state.collections['registries'][registry['id']]
    return ok()


@route('POST', '/registries/ping')
@_unlocked
def ping_registry(req):
    require_sysadmin(req)
    body = req.body or {}
    if body.get('id'):
        with req.state.lock:
            record = dict(find_registry(req.state, body['id']))
        record['credential'] = dict(record.get('credential') or {})
        for key, field in (('credential_type', 'type'), ('access_key', 'access_key'), ('access_secret', 'access_secret')):
            if body.get(key) is not None:
                record['credential'][field] = body[key]
    else:
        if not body.get('type') or not body.get('url'):
            raise bad_request('type or url cannot be empty')
        with req.state.lock:
            if body['type'] not in adapters(req.state):
                raise bad_request('adapter factory for %s not found' % body['type'])
        record = {'type': body['type'], 'url': normalize_url(body['url']), 'insecure': bool(body.get('insecure')),
                  'ca_certificate': body.get('ca_certificate'),
                  'credential': {'access_key': body.get('access_key'), 'access_secret': body.get('access_secret')}}
    if not healthy(record):
        raise bad_request(UNHEALTHY)
    return ok()


@route('GET', '/registries/{id}/info')
def registry_info(req):
    require_sysadmin(req)
    registry = find_registry(req.state, req.args['id'])
    filters = [{'type': 'name', 'style': 'input'}, {'type': 'tag', 'style': 'input'}]
    if registry['type'] == 'harbor':
        filters += [{'type': 'label', 'style': 'input'}, {'type': 'resource', 'style': 'radio', 'values': ['image', 'artifact']}]
    info = {'type': registry['type'], 'description': registry.get('description', ''), 'supported_resource_filters': filters,
            'supported_triggers': ['manual', 'scheduled', 'event_based'] if registry['type'] == 'harbor' else ['manual', 'scheduled'],
            'supported_copy_by_chunk': registry['type'] in ('harbor', 'docker-registry')}
    return json_response(spec.render('RegistryInfo', info))


@route('GET', '/replication/adapters')
def list_adapters(req):
    require_sysadmin(req)
    return json_response(adapters(req.state))


@route('GET', '/replication/adapterinfos')
def list_adapter_infos(req):
    require_sysadmin(req)
    return json_response({t: {'endpoint_pattern': {'endpoint_type': 'EndpointPatternTypeStandard'},
                              'credential_pattern': None} for t in adapters(req.state)})
