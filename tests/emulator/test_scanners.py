"""Scanner registration, project scanner and scan-all quirks (API_FACTS section 8)."""

import socket

import pytest

from tests.scanner_adapter import ScannerAdapter


@pytest.fixture
def keyed_adapter():
    server = ScannerAdapter(api_key='s3cr3t-key').start()
    yield server
    server.stop()


def dead_url():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    return 'http://127.0.0.1:%d' % port  # nothing listens there any more


def register(api, name, url, **extra):
    response = api.post('/scanners', json=dict({'name': name, 'url': url}, **extra))
    assert response.status_code == 201, response.text
    return response.headers['Location'].rsplit('/', 1)[-1]


def test_registration_pings_adapter_and_first_becomes_default(api, adapter, keyed_adapter):
    first = register(api, 'one', adapter.url + '/')
    assert adapter.requests and adapter.requests[-1][0] == '/api/v1/metadata'
    second = register(api, 'two', keyed_adapter.url, auth='APIKey', access_credential='s3cr3t-key')
    assert keyed_adapter.requests[-1][1].get('x-scanneradapter-api-key') == 's3cr3t-key'
    one, two = api.get('/scanners/' + first).json(), api.get('/scanners/' + second).json()
    assert one['is_default'] is True and two['is_default'] is False
    assert one['url'] == adapter.url  # trailing slash normalised away
    assert two['access_credential'] == '' and two['auth'] == 'APIKey'  # never shown
    # real v2.15.2: adapter/vendor/version are not stored, so a registration does not name its adapter ...
    assert not {'adapter', 'vendor', 'version', 'health'} & set(one)
    assert not {'adapter', 'vendor', 'version'} & set(api.get('/scanners').json()[0])
    # ... its metadata does, and so does a project's scanner, which Harbor pings
    assert api.get('/scanners/%s/metadata' % first).json()['scanner']['name'] == 'FakeScan'
    project_scanner = api.get('/projects/library/scanner').json()
    assert project_scanner['adapter'] == 'FakeScan' and project_scanner['vendor'] == 'harbor_ops tests'
    assert project_scanner['health'] == 'healthy'
    assert api.request('PATCH', '/scanners/' + second, json={'is_default': True}).status_code == 200
    assert api.get('/scanners/' + first).json()['is_default'] is False
    assert api.request('PATCH', '/scanners/' + first, json={'is_default': False}).status_code == 200  # a no-op
    assert api.get('/scanners/' + second).json()['is_default'] is True


def test_unreachable_or_unauthorized_adapter_is_a_500(api, keyed_adapter):
    response = api.post('/scanners', json={'name': 'gone', 'url': dead_url()})
    assert response.status_code == 500 and api.error(response) == ('UNKNOWN', 'internal server error')
    wrong = api.post('/scanners', json={'name': 'k', 'url': keyed_adapter.url, 'auth': 'Bearer', 'access_credential': 'no'})
    assert wrong.status_code == 500
    assert api.post('/scanners/ping', json={'name': 'gone', 'url': dead_url()}).status_code == 500
    assert api.get('/scanners').json() == []


def test_validation_and_conflicts(api, adapter):
    assert api.post('/scanners', json={'name': 'x', 'url': adapter.url, 'auth': 'basic', 'access_credential': 'a'}).status_code == 400
    assert api.post('/scanners', json={'name': 'x', 'url': adapter.url, 'auth': 'Basic'}).status_code == 400
    assert api.post('/scanners', json={'name': 'Trivy', 'url': adapter.url}).status_code == 400
    register(api, 'x', adapter.url)
    assert api.post('/scanners', json={'name': 'x', 'url': adapter.url + '/other'}).status_code == 409
    assert api.post('/scanners', json={'name': 'y', 'url': adapter.url}).status_code == 409


def test_put_with_empty_credential_keeps_it(api, keyed_adapter):
    uuid = register(api, 'k', keyed_adapter.url, auth='APIKey', access_credential='s3cr3t-key')
    body = {'name': 'k', 'url': keyed_adapter.url, 'auth': 'APIKey', 'description': 'kept', 'access_credential': ''}
    assert api.put('/scanners/' + uuid, json=body).status_code == 200
    assert api.get('/scanners/%s/metadata' % uuid).status_code == 200  # still authenticates with the stored key


def test_builtin_trivy_is_immutable(api, harbor_emulator):
    harbor_emulator.set_config(with_trivy=True)
    trivy = api.get('/scanners').json()[0]
    assert trivy['name'] == 'Trivy' and trivy['is_default'] is True
    assert api.put('/scanners/' + trivy['uuid'], json={'name': 'Trivy', 'url': trivy['url']}).status_code == 403
    assert api.delete('/scanners/' + trivy['uuid']).status_code == 403


def test_project_scanner_and_raw_metadata_key(api, adapter, keyed_adapter):
    project_id = api.create_project('scanned')
    default = register(api, 'one', adapter.url)
    other = register(api, 'two', keyed_adapter.url, auth='Bearer', access_credential='s3cr3t-key')
    assert api.get('/projects/%d/scanner' % project_id).json()['uuid'] == default  # the default: cannot tell
    assert 'projectScanner' not in api.get('/projects/%d/metadatas/' % project_id).json()
    assert api.put('/projects/%d/scanner' % project_id, json={'uuid': other}).status_code == 200
    assert api.get('/projects/%d/metadatas/' % project_id).json()['projectScanner'] == other
    assert 'projectScanner' not in api.get('/projects/%d' % project_id).json()['metadata']
    assert api.put('/projects/%d/scanner' % project_id, json={'uuid': 'nope'}).status_code == 400


def test_scan_all_post_and_put_semantics(api, adapter):
    register(api, 'one', adapter.url)
    daily = {'schedule': {'type': 'Daily', 'cron': '0 0 0 * * *'}}
    assert api.get('/system/scanAll/schedule').content == b''
    assert api.post('/system/scanAll/schedule', json=daily).status_code == 201
    assert api.post('/system/scanAll/schedule', json=daily).status_code == 412  # POST cannot replace
    assert api.put('/system/scanAll/schedule', json={'schedule': {'type': 'Custom', 'cron': '0 0 4 * * *'}}).status_code == 200
    assert api.get('/system/scanAll/schedule').json()['schedule']['cron'] == '0 0 4 * * *'
    assert api.put('/system/scanAll/schedule', json={'schedule': {'type': 'Manual'}}).status_code == 400
    assert api.post('/system/scanAll/schedule', json={'schedule': {'type': 'None'}}).status_code == 201  # no-op
    assert api.get('/system/scanAll/schedule').json()['schedule']['type'] == 'Custom'
    assert api.put('/system/scanAll/schedule', json={'schedule': {'type': 'None'}}).status_code == 200
    assert api.get('/system/scanAll/schedule').content == b''


def test_listing_and_getting_ping_every_adapter_for_its_capabilities(api, adapter, keyed_adapter):
    """Real v2.15.2 pings an adapter on every GET of a registration and on every listing (RetrieveCap), and
    answers its capabilities; the first adapter that fails stops the pings: it and those after it have none."""
    first = register(api, 'caps-one', adapter.url)
    second = register(api, 'caps-two', keyed_adapter.url, auth='APIKey', access_credential='s3cr3t-key')
    before = len(adapter.requests)
    one = api.get('/scanners/' + first).json()
    assert len(adapter.requests) == before + 1 and adapter.requests[-1][0] == '/api/v1/metadata'
    # the test adapter's capabilities name no type, like an older adapter: Harbor assumes vulnerabilities only
    assert one['capabilities'] == {'support_vulnerability': True, 'support_sbom': False}
    listed = {s['name']: s for s in api.get('/scanners').json()}
    assert listed['caps-one']['capabilities'] == listed['caps-two']['capabilities'] == one['capabilities']
    adapter.stop()
    listed = {s['name']: s for s in api.get('/scanners').json()}
    assert 'capabilities' not in listed['caps-one'] and 'capabilities' not in listed['caps-two']
    assert 'capabilities' in api.get('/scanners/' + second).json()
