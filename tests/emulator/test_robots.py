"""Robot accounts (API_FACTS section 2): create rules, prefixed names, strict PUT, secrets, robot logins."""

import time

import requests

from tests.harbor_emulator.routes.robots import age

PULL = [{'resource': 'repository', 'action': 'pull'}]


def project_robot(project, name='ci', access=None, duration=30, **extra):
    body = {'name': name, 'level': 'project', 'duration': duration,
            'permissions': [{'kind': 'project', 'namespace': project, 'access': access or PULL}]}
    body.update(extra)
    return body


def system_robot(name='ops', access=None, duration=30, projects=None):
    permissions = [{'kind': 'system', 'namespace': '/', 'access': access or [{'resource': 'project', 'action': 'create'}]}]
    for project, project_access in (projects or {}).items():
        permissions.append({'kind': 'project', 'namespace': project, 'access': project_access})
    return {'name': name, 'level': 'system', 'duration': duration, 'permissions': permissions}


def create(api, body):
    response = api.post('/robots', json=body)
    assert response.status_code == 201, response.text
    return response


def test_create_returns_body_with_secret_and_prefixed_name(api):
    pid = api.create_project('alpha')
    response = create(api, project_robot('alpha', description='pulls', secret='Ignored-Secret1', disable=True))
    created = response.json()
    assert response.headers['Location'] == '/api/v2.0/robots/%d' % created['id']
    assert set(created) == {'id', 'name', 'secret', 'creation_time', 'expires_at'}
    assert created['name'] == 'robot$alpha+ci'
    assert len(created['secret']) == 32 and created['secret'] != 'Ignored-Secret1'
    assert abs(created['expires_at'] - (time.time() + 30 * 86400)) < 5
    robot = api.get('/robots/%d' % created['id']).json()
    assert robot['disable'] is False and robot['editable'] is True  # disable is ignored on create
    assert 'secret' not in robot and robot['level'] == 'project' and robot['duration'] == 30
    assert robot['permissions'] == [{'kind': 'project', 'namespace': 'alpha', 'access': PULL}]
    listed = api.get('/robots', params={'q': 'Level=project,ProjectID=%d' % pid}).json()
    assert [r['name'] for r in listed] == ['robot$alpha+ci']
    assert api.get('/robots').json() == []  # without q: system robots only
    assert api.post('/robots', json=project_robot('alpha')).status_code == 409


def test_create_validation(api):
    api.create_project('alpha')
    cases = [
        (dict(project_robot('alpha'), name='Bad+Name'), 'robot name is not in lower case or contains illegal characters'),
        (dict(project_robot('alpha'), duration=0), 'bad request error duration input: 0'),
        ({k: v for k, v in project_robot('alpha').items() if k != 'duration'}, 'bad request error duration input: 0'),
        (dict(project_robot('alpha'), duration=-2), 'bad request error duration input: -2'),
        (dict(project_robot('alpha'), level='global'), 'bad request error level input: global'),
        (dict(project_robot('alpha'), permissions=[]), 'bad request empty permission'),
        (project_robot('alpha', access=[{'resource': 'repository', 'action': 'fly'}]), 'bad request permission: repository:fly'),
        (system_robot(access=[{'resource': 'repository', 'action': 'pull'}]), 'bad request permission: repository:pull'),
        (dict(project_robot('alpha'), permissions=project_robot('alpha')['permissions'] * 2), 'bad request permission'),
        (system_robot(projects={'alpha': []}), 'bad request empty access'),
    ]
    for body, message in cases:
        response = api.post('/robots', json=body)
        assert response.status_code == 400, body
        assert api.error(response)[1].startswith(message), (body, response.text)
    assert api.post('/robots', json=project_robot('nope')).status_code == 404
    bad_ns = system_robot()
    bad_ns['permissions'][0]['namespace'] = 'x'
    assert api.error(api.post('/robots', json=bad_ns))[1] == 'unknown namespace'
    assert api.get('/robots').json() == [] and api.get('/robots', params={'q': 'Level=project,ProjectID=2'}).json() == []


def test_list_query_rules_and_pagination(api):
    api.create_project('alpha')
    for index in range(12):
        create(api, system_robot(name='sys%02d' % index))
    first = api.get('/robots', params={'q': 'Level=system'})
    assert len(first.json()) == 10 and first.headers['X-Total-Count'] == '12' and 'rel="next"' in first.headers['Link']
    assert len(api.get('/robots', params={'page': 2}).json()) == 2
    assert api.get('/robots', params={'q': 'Level=project'}).status_code == 400
    assert api.get('/robots', params={'q': 'Level=project,ProjectID=abc'}).status_code == 400
    assert api.get('/robots', params={'q': 'Level=nope'}).status_code == 400


def test_put_is_strict_full_replace(api):
    api.create_project('alpha')
    api.create_project('beta')
    created = create(api, project_robot('alpha', description='first')).json()
    path = '/robots/%d' % created['id']
    robot = api.get(path).json()
    body = {'name': robot['name'], 'level': 'project', 'permissions': robot['permissions']}
    assert api.put(path, json=dict(body, name='ci')).status_code == 400
    assert api.error(api.put(path, json=dict(body, name='ci')))[1] == 'cannot update the level or name of robot'
    assert api.put(path, json={'name': robot['name'], 'level': 'project'}).status_code == 400  # permissions required
    other = [{'kind': 'project', 'namespace': 'beta', 'access': PULL}]
    assert api.error(api.put(path, json=dict(body, permissions=other)))[1] == 'cannot update the project id of robot'
    assert api.put(path, json=body).status_code == 200
    after = api.get(path).json()
    assert 'description' not in after and after['duration'] == 30  # omitted description is cleared, duration kept
    assert after['expires_at'] == created['expires_at']
    assert api.put(path, json=dict(body, disable=True, duration=60)).status_code == 200
    changed = api.get(path).json()
    assert changed['disable'] is True and changed['duration'] == 60
    assert changed['expires_at'] == created['expires_at'] + 30 * 86400  # counted from creation_time
    assert api.put(path, json=dict(body, duration=-1)).status_code == 200
    assert api.get(path).json()['expires_at'] == -1


def test_patch_secret_rules_and_robot_login(api, client_for):
    api.create_project('alpha')
    created = create(api, project_robot('alpha', access=[{'resource': 'repository', 'action': 'list'}])).json()
    path = '/robots/%d' % created['id']
    robot = client_for(('robot$alpha+ci', created['secret']))
    assert robot.get('/projects/alpha/repositories').status_code == 200
    assert client_for(('robot$alpha+ci', 'Wrong-Secret1')).get('/projects/alpha/repositories').status_code == 401
    for weak in ('short1A', 'alllowercase1', 'ALLUPPER123', 'NoDigitsHere', 'A1' + 'b' * 127):
        response = api.request('PATCH', path, json={'secret': weak})
        assert response.status_code == 400 and 'at least 1 uppercase letter' in api.error(response)[1], weak
    chosen = api.request('PATCH', path, json={'secret': 'Chosen-Secret-42'})
    assert chosen.status_code == 200 and chosen.json() == {}
    assert robot.get('/projects/alpha/repositories').status_code == 401  # the old secret stopped working
    assert client_for(('robot$alpha+ci', 'Chosen-Secret-42')).get('/projects/alpha/repositories').status_code == 200
    refreshed = api.request('PATCH', path, json={}).json()
    assert len(refreshed['secret']) == 32
    assert client_for(('robot$alpha+ci', refreshed['secret'])).get('/projects/alpha/repositories').status_code == 200


def test_disabled_and_expired_robots_are_anonymous(in_process):
    api, state = in_process
    api.create_project('alpha')
    created = create(api, project_robot('alpha', access=[{'resource': 'repository', 'action': 'list'}])).json()
    robot = requests.Session()
    robot.auth = ('robot$alpha+ci', created['secret'])
    repositories = api.base + '/projects/alpha/repositories'
    assert robot.get(repositories).status_code == 200
    path = '/robots/%d' % created['id']
    current = api.get(path).json()
    api.put(path, json={'name': current['name'], 'level': 'project', 'permissions': current['permissions'], 'disable': True})
    assert robot.get(repositories).status_code == 401
    api.put(path, json={'name': current['name'], 'level': 'project', 'permissions': current['permissions']})
    assert robot.get(repositories).status_code == 200
    age(state, created['id'], 31)
    assert robot.get(repositories).status_code == 401
    assert api.get(path).json()['expires_at'] < time.time()


def test_robot_permissions_limit_what_it_may_do(api, client_for):
    api.create_project('alpha')
    puller = create(api, project_robot('alpha')).json()
    creator = create(api, system_robot(access=[{'resource': 'project', 'action': 'create'}])).json()
    as_puller = client_for((puller['name'], puller['secret']))
    as_creator = client_for((creator['name'], creator['secret']))
    response = as_puller.post('/projects', json={'project_name': 'from-puller'})
    assert response.status_code == 403
    assert as_creator.post('/projects', json={'project_name': 'from-creator'}).status_code == 201
    assert as_puller.get('/projects/alpha', headers={'X-Is-Resource-Name': 'true'}).status_code == 200
    assert as_puller.put('/projects/alpha', headers={'X-Is-Resource-Name': 'true'},
                         json={'metadata': {'auto_scan': 'true'}}).status_code == 403
    assert as_puller.get('/robots').status_code == 403
    assert as_creator.get('/robots').status_code == 403


def test_robot_may_only_grant_a_subset_of_its_permissions(api, client_for):
    api.create_project('alpha')
    maker = create(api, system_robot(access=[{'resource': 'robot', 'action': 'create'}],
                                     projects={'alpha': [{'resource': 'repository', 'action': 'pull'},
                                                         {'resource': 'robot', 'action': 'create'}]})).json()
    as_maker = client_for((maker['name'], maker['secret']))
    assert as_maker.post('/robots', json=project_robot('alpha', name='child')).status_code == 201
    wider = project_robot('alpha', name='wider', access=[{'resource': 'repository', 'action': 'push'}])
    assert as_maker.post('/robots', json=wider).status_code == 403


def test_permissions_endpoint_and_project_deletion(api, harbor_emulator, client_for):
    everything = api.get('/permissions').json()
    assert {'resource': 'project', 'action': 'create'} in everything['system']
    assert {'resource': 'repository', 'action': 'pull'} in everything['project']
    harbor_emulator.add_user('alice', 'Alice1234')
    alice = client_for(('alice', 'Alice1234'))
    assert alice.get('/permissions').status_code == 403
    alice.create_project('alices')
    project_admin_view = alice.get('/permissions').json()
    assert project_admin_view['system'] is None and len(project_admin_view['project']) == len(everything['project'])
    pid = api.create_project('doomed')
    create(api, project_robot('doomed'))
    create(api, system_robot(projects={'doomed': PULL, '*': [{'resource': 'repository', 'action': 'list'}]}))
    assert api.delete('/projects/%d' % pid).status_code == 200
    assert api.get('/robots', params={'q': 'Level=project,ProjectID=%d' % pid}).json() == []
    system = api.get('/robots').json()[0]
    assert [p['namespace'] for p in system['permissions']] == ['/', '*']


def test_prefix_follows_configuration(api, harbor_emulator, client_for):
    api.create_project('alpha')
    created = create(api, project_robot('alpha', access=[{'resource': 'repository', 'action': 'list'}])).json()
    harbor_emulator.set_config(robot_name_prefix='bot-')
    assert api.get('/robots/%d' % created['id']).json()['name'] == 'bot-alpha+ci'
    assert client_for(('bot-alpha+ci', created['secret'])).get('/projects/alpha/repositories').status_code == 200
    assert client_for(('robot$alpha+ci', created['secret'])).get('/projects/alpha/repositories').status_code == 401


def test_access_log_redacts_secrets(api, harbor_emulator):
    api.create_project('alpha')
    created = create(api, project_robot('alpha')).json()
    mark = harbor_emulator.last_seq()
    api.request('PATCH', '/robots/%d' % created['id'], json={'secret': 'Chosen-Secret-42'})
    api.request('PATCH', '/robots/%d' % created['id'], json={})
    bodies = [entry['body'] for entry in harbor_emulator.writes_since(mark)]
    assert bodies == [{'secret': '<redacted>'}, {}]
