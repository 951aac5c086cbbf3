"""Webhook policy and label quirks (API_FACTS sections 10 and 11)."""

import pytest


def webhook(name='ci', **extra):
    body = {'name': name, 'event_types': ['PUSH_ARTIFACT'],
            'targets': [{'type': 'http', 'address': 'ci.example.com:8443/hook/?token=abc'}]}
    body.update(extra)
    return body


def test_webhook_defaults_and_address_normalisation(api):
    project_id = api.create_project('hooks')
    path = '/projects/%d/webhook/policies' % project_id
    response = api.post(path, json=webhook(targets=[{'type': 'http', 'address': 'ci.example.com:8443/hook/?token=abc',
                                                     'auth_header': 'Bearer s3cret'}]))
    assert response.status_code == 201, response.text
    policy = api.get(path, params={'q': 'name=ci'}).json()[0]
    assert policy['enabled'] is False  # omitted -> false, always shown
    target = policy['targets'][0]
    assert target['address'] == 'http://ci.example.com:8443/hook/'  # query dropped, scheme added (slash trimmed before)
    assert target['payload_format'] == 'Default' and target['auth_header'] == 'Bearer s3cret'
    assert 'creator' not in policy  # Harbor v2.15's create handler never sets it (real Harbor: absent)
    assert api.post(path, json=webhook()).status_code == 409


@pytest.mark.parametrize('body', [
    webhook(event_types=[]),
    webhook(event_types=['PUSH_ARTIFACT', 'TELEPORT']),
    webhook(targets=[]),
    webhook(targets=[{'type': 'slack', 'address': 'https://hooks.slack.com/x', 'payload_format': 'CloudEvents'}]),
    webhook(targets=[{'type': 'email', 'address': 'a@b'}]),
])
def test_webhook_validation(api, body):
    project_id = api.create_project('hooks')
    assert api.post('/projects/%d/webhook/policies' % project_id, json=body).status_code == 400


def test_webhook_put_replaces_and_events_endpoint(api):
    project_id = api.create_project('hooks')
    path = '/projects/%d/webhook/policies' % project_id
    policy_id = int(api.post(path, json=webhook(enabled=True)).headers['Location'].rsplit('/', 1)[-1])
    assert api.put('%s/%d' % (path, policy_id), json=webhook(event_types=['PULL_ARTIFACT'])).status_code == 200
    policy = api.get('%s/%d' % (path, policy_id)).json()
    assert policy['event_types'] == ['PULL_ARTIFACT'] and policy['enabled'] is False
    events = api.get('/projects/%d/webhook/events' % project_id).json()
    assert 'TAG_RETENTION' in events['event_type'] and events['notify_type'] == ['http', 'slack']
    assert events['payload_formats'] == [{'notify_type': 'http', 'formats': ['Default', 'CloudEvents']}]
    assert api.delete('%s/%d' % (path, policy_id)).status_code == 200
    assert api.get('%s/%d' % (path, policy_id)).status_code == 404


def test_label_scope_rules(api):
    project_id = api.create_project('labelled')
    assert api.get('/labels').status_code == 400  # scope is mandatory
    assert api.get('/labels', params={'scope': 'p'}).status_code == 400  # and project_id with scope=p
    assert api.post('/labels', json={'name': 'prod', 'scope': 'g', 'color': 'not-a-colour'}).status_code == 201
    assert api.post('/labels', json={'name': 'prod', 'scope': 'g'}).status_code == 409
    assert api.post('/labels', json={'name': 'prod', 'scope': 'p', 'project_id': project_id}).status_code == 201
    globals_ = api.get('/labels', params={'scope': 'g'}).json()
    locals_ = api.get('/labels', params={'scope': 'p', 'project_id': project_id}).json()
    assert [g['color'] for g in globals_] == ['not-a-colour'] and locals_[0]['project_id'] == project_id
    label_id = globals_[0]['id']
    assert api.put('/labels/%d' % label_id, json={'name': 'prod', 'description': 'd'}).status_code == 200
    assert 'color' not in api.get('/labels/%d' % label_id).json()  # PUT replaced the colour with ""
    assert api.put('/labels/%d' % label_id, json={'description': 'd'}).status_code == 400


def test_global_labels_need_sysadmin(api, harbor_emulator, client_for):
    harbor_emulator.add_user('dev', 'Dev12345pass')
    assert client_for(('dev', 'Dev12345pass')).post('/labels', json={'name': 'x', 'scope': 'g'}).status_code == 403
