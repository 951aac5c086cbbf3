"""Authentication, permissions, the CSRF trap and the system endpoints (API_FACTS sections 0 and 12)."""

import base64
import http.client

import requests


def test_ping_health_systeminfo_anonymous(anonymous, api, harbor_emulator):
    ping = anonymous.get('/ping')
    assert ping.status_code == 200 and ping.text == 'Pong' and ping.headers['Content-Type'].startswith('text/plain')
    health = anonymous.get('/health').json()
    assert health['status'] == 'healthy'
    assert {c['name'] for c in health['components']} >= {'core', 'database', 'jobservice', 'portal', 'redis', 'registry'}
    assert all(set(c) == {'name', 'status'} for c in health['components'])
    reduced = anonymous.get('/systeminfo').json()
    assert reduced['auth_mode'] == 'db_auth' and 'harbor_version' not in reduced
    full = api.get('/systeminfo').json()
    assert full['harbor_version'] == 'v2.15.2-emulator'
    assert full['external_url'] == harbor_emulator.url
    harbor_emulator.set_health('redis', 'unhealthy', 'dial tcp: connection refused')
    health = anonymous.get('/health').json()
    assert health['status'] == 'unhealthy'
    assert {'name': 'redis', 'status': 'unhealthy', 'error': 'dial tcp: connection refused'} in health['components']


def test_anonymous_and_bad_credentials(anonymous, api, client_for):
    api.create_project('secret')
    assert anonymous.get('/projects/secret', headers={'X-Is-Resource-Name': 'true'}).status_code == 401
    assert anonymous.post('/projects', json={'project_name': 'x'}).status_code == 401
    assert anonymous.get('/statistics').status_code == 401
    assert anonymous.get('/quotas').status_code == 401
    # like Harbor, wrong credentials make the caller anonymous: public data stays readable
    wrong = client_for(('admin', 'wrong'))
    assert [p['name'] for p in wrong.get('/projects').json()] == ['library']
    response = wrong.put('/projects/1', json={'metadata': {'auto_scan': 'true'}})
    assert response.status_code == 401
    assert api.error(response)[0] == 'UNAUTHORIZED'


def test_missing_project_is_404_only_for_sysadmins(api, anonymous, harbor_emulator, client_for):
    harbor_emulator.add_user('carol', 'Carol1234')
    carol = client_for(('carol', 'Carol1234'))
    for path in ('/projects/nope', '/projects/4242', '/projects/nope/repositories'):
        assert api.get(path).status_code == 404, path
        assert carol.get(path).status_code == 403, path
        assert anonymous.get(path).status_code == 401, path


def test_non_admin_visibility_and_permissions(api, harbor_emulator, client_for):
    harbor_emulator.add_user('alice', 'Alice1234')
    alice = client_for(('alice', 'Alice1234'))
    api.create_project('admins-private')
    alice_id = alice.create_project('alices')
    names = sorted(p['name'] for p in alice.get('/projects').json())
    assert names == ['alices', 'library']
    assert alice.get('/projects/alices', headers={'X-Is-Resource-Name': 'true'}).json()['current_user_role_ids'] == [1]
    assert alice.get('/projects/admins-private', headers={'X-Is-Resource-Name': 'true'}).status_code == 403
    assert alice.put('/projects/1', json={'metadata': {'auto_scan': 'true'}}).status_code == 403
    assert alice.put('/projects/%d' % alice_id, json={'metadata': {'auto_scan': 'true'}}).status_code == 200
    assert alice.get('/quotas').status_code == 403
    stats = alice.get('/statistics').json()
    assert stats['private_project_count'] == 1 and stats['total_project_count'] == 0
    harbor_emulator.set_config(project_creation_restriction='adminonly')
    assert alice.post('/projects', json={'project_name': 'more'}).status_code == 403


def test_csrf_trap_with_a_cookie_jar(harbor_emulator):
    session = requests.Session()
    session.auth = harbor_emulator.admin
    first = session.get(harbor_emulator.api + '/projects')
    assert 'sid' in first.cookies
    response = session.post(harbor_emulator.api + '/projects', json={'project_name': 'csrf'})
    assert response.status_code == 403
    assert response.json()['errors'][0]['message'] == 'CSRF token not found in request'  # real v2.15.2's words
    token = first.headers['X-Harbor-Csrf-Token']
    ok = session.post(harbor_emulator.api + '/projects', json={'project_name': 'csrf'}, headers={'X-Harbor-CSRF-Token': token})
    assert ok.status_code == 201


def test_request_id_is_echoed(api):
    assert api.get('/ping', headers={'X-Request-Id': 'abc-123'}).headers['X-Request-Id'] == 'abc-123'
    assert api.get('/ping').headers['X-Request-Id']


def test_keep_alive_reuses_one_connection(harbor_emulator):
    connection = http.client.HTTPConnection(harbor_emulator.url.split('://')[1], timeout=10)
    token = base64.b64encode(('%s:%s' % harbor_emulator.admin).encode()).decode()
    headers = {'Authorization': 'Basic ' + token, 'Content-Type': 'application/json'}
    calls = [('GET', '/api/v2.0/projects/1', None, 200), ('HEAD', '/api/v2.0/projects?project_name=nope', None, 404),
             ('PUT', '/api/v2.0/projects/1', '{"metadata": {"auto_scan": "true"}}', 200),
             ('POST', '/api/v2.0/projects', '{"bogus": 1}', 400), ('GET', '/api/v2.0/nothing', None, 404)]
    local_ports = set()
    for dummy in range(60):
        for method, path, body, status in calls:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            assert response.status == status
            local_ports.add(connection.sock.getsockname()[1])
    connection.close()
    assert len(local_ports) == 1
