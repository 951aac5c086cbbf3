"""The control API: access log, fault injection, reset; TLS and several instances."""

import time

import pytest
import requests

from tests.harbor_emulator.fixture import EmulatorError


def test_access_log_and_writes_since(api, harbor_emulator):
    api.get('/projects', params={'page_size': 5})
    seq = harbor_emulator.last_seq()
    api.create_project('logged')
    api.get('/projects/logged', headers={'X-Is-Resource-Name': 'true'})
    entries = harbor_emulator.log()
    assert entries[0] == {'seq': 1, 'method': 'GET', 'path': '/api/v2.0/projects', 'query': 'page_size=5', 'status': 200,
                          'body': None}
    writes = harbor_emulator.writes_since(seq)
    assert [(e['method'], e['status']) for e in writes] == [('POST', 201)]
    assert writes[0]['body']['project_name'] == 'logged'
    harbor_emulator.clear_log()
    harbor_emulator.state()  # control calls are not logged
    assert harbor_emulator.log() == []


def test_control_api_needs_admin(harbor_emulator):
    response = requests.get(harbor_emulator.url + '/_emulator/log', auth=('admin', 'nope'), timeout=10)
    assert response.status_code == 401
    with pytest.raises(EmulatorError):
        harbor_emulator.control('POST', 'faults', {'status': 503, 'bogus': 1})


def test_fault_status_count(api, harbor_emulator):
    harbor_emulator.fault(path_regex='^/api/v2.0/projects', method='GET', status=503, count=2)
    assert api.get('/projects').status_code == 503
    assert api.post('/projects', json={'project_name': 'unaffected'}).status_code == 201
    second = api.get('/projects/1')
    assert second.status_code == 503
    assert second.json()['errors'][0] == {'code': 'UNKNOWN', 'message': 'internal server error'}
    assert api.get('/projects').status_code == 200
    assert [e['status'] for e in harbor_emulator.log()] == [503, 201, 503, 200]


def test_fault_probability_hits_a_seeded_share_of_the_requests(api, harbor_emulator):
    """A fault campaign: 20% of the matching requests, the same draws for the same seed."""
    outcomes = []
    for dummy in range(2):
        harbor_emulator.fault(path_regex='^/api/v2.0/projects$', method='GET', status=503, count=None,
                              probability=0.2, seed=12)
        outcomes.append([api.get('/projects').status_code for dummy in range(300)])
        harbor_emulator.clear_faults()
    assert outcomes[0] == outcomes[1]
    assert set(outcomes[0]) == {200, 503} and 40 <= outcomes[0].count(503) <= 80
    assert api.get('/projects').status_code == 200
    for bad in (0, 1.5, 'often'):
        with pytest.raises(EmulatorError):
            harbor_emulator.control('POST', 'faults', {'status': 503, 'probability': bad})


def test_fault_latency_and_forever(api, harbor_emulator):
    harbor_emulator.fault(path_regex='/ping$', latency_ms=300, count=None)
    for dummy in range(2):
        start = time.monotonic()
        assert api.get('/ping').status_code == 200
        assert time.monotonic() - start >= 0.3
    harbor_emulator.clear_faults()
    start = time.monotonic()
    api.get('/ping')
    assert time.monotonic() - start < 0.3


def test_fault_reset_drops_the_connection(api, harbor_emulator):
    harbor_emulator.fault(path_regex='/ping$', action='reset', count=1)
    with pytest.raises(requests.ConnectionError):
        api.get('/ping')
    assert api.get('/ping').status_code == 200
    assert [e['status'] for e in harbor_emulator.log()] == [None, 200]


def test_fault_lost_answer_does_the_work_and_drops_the_answer(api, harbor_emulator):
    harbor_emulator.fault(path_regex='^/api/v2.0/projects$', method='POST', action='lost_answer', count=1)
    with pytest.raises(requests.ConnectionError):
        api.post('/projects', json={'project_name': 'made-anyway'})
    assert api.get('/projects/made-anyway', headers={'X-Is-Resource-Name': 'true'}).status_code == 200
    again = api.post('/projects', json={'project_name': 'made-anyway'})
    assert again.status_code == 409  # the work was done: a blind retry meets the resource
    assert [(e['method'], e['status']) for e in harbor_emulator.log()] == [('POST', 201), ('GET', 200), ('POST', 409)]


def test_reset_restores_a_fresh_instance(api, harbor_emulator):
    api.create_project('gone')
    harbor_emulator.add_user('bob', 'Bob12345')
    harbor_emulator.fault(status=500, count=None, path_regex='^/api/v2.0/users')
    harbor_emulator.reset()
    assert [p['name'] for p in api.get('/projects').json()] == ['library']
    assert harbor_emulator.control('GET', 'faults') == []
    assert [u['username'] for u in harbor_emulator.state()['collections']['users']] == ['admin']
    assert harbor_emulator.log() == [{'seq': 1, 'method': 'GET', 'path': '/api/v2.0/projects', 'query': '', 'status': 200, 'body': None}]


def test_tls_with_generated_ca(harbor_emulator_tls):
    url = harbor_emulator_tls.api + '/systeminfo'
    assert url.startswith('https://127.0.0.1:')
    response = requests.get(url, verify=harbor_emulator_tls.ca_path, auth=harbor_emulator_tls.admin, timeout=10)
    assert response.json()['has_ca_root'] is True
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(url, timeout=10)
    assert requests.get(harbor_emulator_tls.url.replace('127.0.0.1', 'localhost') + '/api/v2.0/ping',
                        verify=harbor_emulator_tls.ca_path, timeout=10).text == 'Pong'


def test_two_instances_are_independent(harbor_emulator, harbor_emulator_factory):
    dr_site = harbor_emulator_factory(admin_password='Dr-Pass123')
    assert dr_site.url != harbor_emulator.url
    auth = dr_site.admin
    created = requests.post(dr_site.api + '/projects', json={'project_name': 'dr-only'}, auth=auth, timeout=10)
    assert created.status_code == 201
    primary = requests.get(harbor_emulator.api + '/projects', params={'name': 'dr-only'}, auth=harbor_emulator.admin, timeout=10)
    assert primary.json() == []
    assert requests.get(dr_site.api + '/statistics', auth=harbor_emulator.admin, timeout=10).status_code == 401
    assert dr_site.log()[0]['method'] == 'POST'
