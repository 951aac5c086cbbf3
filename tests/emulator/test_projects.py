"""Project quirks of Harbor v2.15.2 (API_FACTS section 1)."""

import re


def get_project(api, name):
    response = api.get('/projects/' + name, headers={'X-Is-Resource-Name': 'true'})
    assert response.status_code == 200, response.text
    return response.json()


def test_create_returns_201_location_and_no_body(api):
    response = api.post('/projects', json={'project_name': 'alpha'})
    assert response.status_code == 201
    assert re.fullmatch(r'/api/v2\.0/projects/\d+', response.headers['Location'])
    assert response.content == b''
    named = api.post('/projects', json={'project_name': 'beta'}, headers={'X-Resource-Name-In-Location': 'true'})
    assert named.headers['Location'] == '/api/v2.0/projects/beta'


def test_create_conflict_and_invalid_name(api):
    api.create_project('alpha')
    assert api.post('/projects', json={'project_name': 'alpha'}).status_code == 409
    assert api.post('/projects', json={'project_name': 'Alpha'}).status_code == 400
    assert api.post('/projects', json={'project_name': 'a..b'}).status_code == 400


def test_fresh_instance_has_library(api):
    library = get_project(api, 'library')
    assert library['project_id'] == 1
    assert library['metadata'] == {'public': 'true'}


def test_public_defaults_and_string_metadata(api):
    api.create_project('private1')
    api.create_project('legacy', public=True)
    assert get_project(api, 'private1')['metadata'] == {'public': 'false'}
    assert get_project(api, 'legacy')['metadata'] == {'public': 'true'}
    assert api.post('/projects', json={'project_name': 'bad', 'metadata': {'public': 'True'}}).status_code == 400
    assert api.post('/projects', json={'project_name': 'bad', 'metadata': {'auto_scan': True}}).status_code == 400
    api.create_project('verbatim', metadata={'auto_scan': 'True'})
    assert get_project(api, 'verbatim')['metadata']['auto_scan'] == 'True'


def test_zero_values_are_omitted(api):
    project = get_project(api, 'library')
    assert 'registry_id' not in project
    assert 'deleted' not in project and 'togglable' not in project
    assert project['repo_count'] == 0  # x-omitempty: false
    assert project['cve_allowlist']['items'] == []  # arrays are never omitted
    assert 'expires_at' not in project['cve_allowlist']


def test_create_ignores_cve_allowlist_then_put_sets_it(api):
    project_id = api.create_project('cves', cve_allowlist={'items': [{'cve_id': 'CVE-2020-1'}]})
    assert get_project(api, 'cves')['cve_allowlist']['items'] == []
    body = {'cve_allowlist': {'items': [{'cve_id': 'CVE-2020-2'}], 'expires_at': 2000000000}}
    assert api.put('/projects/%d' % project_id, json=body).status_code == 200
    allowlist = get_project(api, 'cves')['cve_allowlist']
    assert allowlist['items'] == [{'cve_id': 'CVE-2020-2'}]
    assert allowlist['expires_at'] == 2000000000
    wrong = {'cve_allowlist': {'project_id': 999, 'items': []}}
    assert api.put('/projects/%d' % project_id, json=wrong).status_code == 400


def test_put_is_a_merge_and_cannot_remove_metadata(api):
    project_id = api.create_project('merge', metadata={'auto_scan': 'true', 'severity': 'high'})
    body = {'project_name': 'renamed', 'storage_limit': 5, 'metadata': {'prevent_vul': 'true'}}
    response = api.put('/projects/%d' % project_id, json=body)
    assert response.status_code == 200 and response.content == b''
    project = get_project(api, 'merge')
    assert project['metadata'] == {'public': 'false', 'auto_scan': 'true', 'severity': 'high', 'prevent_vul': 'true'}
    api.put('/projects/%d' % project_id, json={'metadata': {'public': 'true'}})
    assert get_project(api, 'merge')['metadata']['auto_scan'] == 'true'
    assert api.delete('/projects/%d/metadatas/auto_scan' % project_id).status_code == 200
    assert 'auto_scan' not in get_project(api, 'merge')['metadata']


def test_put_retention_id_must_match(api):
    project_id = api.create_project('ret')
    assert api.put('/projects/%d' % project_id, json={'metadata': {'retention_id': '7'}}).status_code == 400
    assert api.post('/projects', json={'project_name': 'ret2', 'metadata': {'retention_id': '1'}}).status_code == 400


def test_name_filter_is_fuzzy_and_q_exact(api):
    for name in ('web', 'web-old', 'myweb', 'db'):
        api.create_project(name)
    fuzzy = [p['name'] for p in api.get('/projects', params={'name': 'web'}).json()]
    assert sorted(fuzzy) == ['myweb', 'web', 'web-old']
    exact = [p['name'] for p in api.get('/projects', params={'q': 'name=web'}).json()]
    assert exact == ['web']
    ilike = [p['name'] for p in api.get('/projects', params={'q': 'name=~WEB-'}).json()]
    assert ilike == ['web-old']
    ignored = api.get('/projects', params={'q': 'nonsense=1', 'page_size': 100}).json()
    assert len(ignored) == 5
    assert [p['name'] for p in api.get('/projects', params={'q': 'name={db web}'}).json()] == ['db', 'web']


def test_all_digit_name_needs_x_is_resource_name(api):
    api.create_project('123')
    project = get_project(api, '123')
    assert project['name'] == '123'
    assert api.get('/projects/123').status_code == 404  # read as project id 123
    assert api.get('/projects/%d' % project['project_id']).json()['name'] == '123'


def test_head_checks_exact_name(api):
    api.create_project('exists')
    assert api.head('/projects', params={'project_name': 'exists'}).status_code == 200
    assert api.head('/projects', params={'project_name': 'exist'}).status_code == 404


def test_delete_with_repositories_is_412(api, harbor_emulator):
    project_id = api.create_project('full')
    harbor_emulator.seed_repository('full', 'team/app', artifact_count=2)
    deletable = api.get('/projects/full/_deletable', headers={'X-Is-Resource-Name': 'true'}).json()
    assert 'deletable' not in deletable and 'repositories' in deletable['message']
    response = api.delete('/projects/%d' % project_id)
    assert response.status_code == 412
    assert api.error(response)[0] == 'PRECONDITION'
    assert api.get('/projects/full/summary', headers={'X-Is-Resource-Name': 'true'}).json()['repo_count'] == 1
    assert api.delete('/projects/full/repositories/team%252Fapp').status_code == 200
    assert api.get('/projects/full/_deletable', headers={'X-Is-Resource-Name': 'true'}).json() == {'deletable': True}
    assert api.delete('/projects/%d' % project_id).status_code == 200
    assert api.get('/projects/%d' % project_id).status_code == 404
    assert api.get('/quotas', params={'reference_id': project_id}).json() == []


def test_metadatas_endpoints(api):
    project_id = api.create_project('meta')
    base = '/projects/%d/metadatas/' % project_id
    assert api.post(base, json={'auto_scan': 'TRUE'}).status_code == 200
    assert api.get(base + 'auto_scan').json() == {'auto_scan': 'true'}
    assert api.post(base, json={'auto_scan': 'true'}).status_code == 409
    assert api.post(base, json={'severity': 'Negligible'}).status_code == 200
    assert api.get(base + 'severity').json() == {'severity': 'none'}
    assert api.post(base, json={'a': 'true', 'b': 'true'}).status_code == 400
    assert api.post(base, json={'retention_id': '1'}).status_code == 400
    assert api.post(base, json={'prevent_vul': 'yes'}).status_code == 400
    assert api.put(base + 'auto_scan', json={'auto_scan': 'f'}).status_code == 200
    assert api.put(base + 'auto_scan', json={'prevent_vul': 'f'}).status_code == 400
    assert api.get(base).json() == {'public': 'false', 'auto_scan': 'false', 'severity': 'none'}
    assert api.get(base + 'prevent_vul').status_code == 404


def test_summary_and_quota(api):
    project_id = api.create_project('quota', storage_limit=1024)
    summary = api.get('/projects/%d/summary' % project_id).json()
    assert summary['quota'] == {'hard': {'storage': 1024}, 'used': {'storage': 0}}
    assert summary['project_admin_count'] == 1
    quotas = api.get('/quotas', params={'reference': 'project', 'reference_id': project_id}).json()
    assert len(quotas) == 1 and quotas[0]['ref']['name'] == 'quota'
    quota_id = quotas[0]['id']
    assert api.put('/quotas/%d' % quota_id, json={'hard': {'storage': -1}}).status_code == 200
    assert api.get('/quotas/%d' % quota_id).json()['hard'] == {'storage': -1}
    for bad in ({'hard': {'storage': 0}}, {'hard': {'count': 1}}, {'hard': {}}, {'hard': {'storage': 2 ** 51}}):
        assert api.put('/quotas/%d' % quota_id, json=bad).status_code == 400, bad
    assert api.put('/quotas/%d' % quota_id, json={'hard': {'storage': 'big'}}).status_code == 400
    assert api.put('/quotas/%d' % quota_id, json={'hard': {'storage': 1}, 'used': {}}).status_code == 400
    assert api.get('/quotas/9999').status_code == 404


def test_storage_limit_only_for_sysadmin(api, harbor_emulator, client_for):
    harbor_emulator.add_user('dev', 'Passw0rd1')
    dev = client_for(('dev', 'Passw0rd1'))
    project_id = dev.create_project('devproj', storage_limit=50)
    quota = api.get('/quotas', params={'reference_id': project_id}).json()[0]
    assert quota['hard'] == {'storage': -1}


def test_proxy_cache_rules(in_process):
    api, state = in_process
    response = api.post('/projects', json={'project_name': 'proxy', 'registry_id': 1})
    assert response.status_code == 400  # no such registry
    assert 'registry' in api.error(response)[1]
    with state.lock:
        hub = state.add('registries', {'name': 'hub', 'type': 'docker-hub', 'url': 'https://hub.docker.com'})
        other = state.add('registries', {'name': 'gitlab', 'type': 'gitlab', 'url': 'https://gitlab.example.com'})
    assert api.post('/projects', json={'project_name': 'proxy', 'registry_id': other}).status_code == 400
    bad_speed = {'project_name': 'proxy', 'registry_id': hub, 'metadata': {'proxy_speed_kb': 'fast'}}
    assert api.post('/projects', json=bad_speed).status_code == 400
    body = {'project_name': 'proxy', 'registry_id': hub,
            'metadata': {'enable_content_trust': 'true', 'proxy_speed_kb': '-1', 'max_upstream_conn': '10'}}
    assert api.post('/projects', json=body).status_code == 201
    project = get_project(api, 'proxy')
    assert project['registry_id'] == hub
    assert 'enable_content_trust' not in project['metadata']
    assert project['metadata']['proxy_speed_kb'] == '-1'
    retention = state.collections['retentions'][int(project['metadata']['retention_id'])]
    assert retention['rules'][0]['template'] == 'nDaysSinceLastPull'
    assert retention['trigger']['settings']['cron'] == '0 0 0 * * *'
    summary = api.get('/projects/proxy/summary', headers={'X-Is-Resource-Name': 'true'}).json()
    assert summary['registry']['name'] == 'hub' and 'credential' not in summary['registry']
    plain = {'project_name': 'plain', 'metadata': {'proxy_speed_kb': '5', 'enable_content_trust': 'true'}}
    assert api.post('/projects', json=plain).status_code == 201
    assert get_project(api, 'plain')['metadata'] == {'public': 'false', 'enable_content_trust': 'true'}
    assert api.delete('/projects/%d' % project['project_id']).status_code == 200
    assert not state.collections['retentions']


def test_link_and_total_count_over_250_projects(api):
    for index in range(250):
        api.create_project('p%03d' % index)
    first = api.get('/projects', params={'page_size': 100})
    assert first.headers['X-Total-Count'] == '251'
    assert first.headers['Link'] == '</api/v2.0/projects?page=2&page_size=100>; rel="next"'
    middle = api.get('/projects', params={'page': 2, 'page_size': 100, 'name': 'p'})
    assert middle.headers['Link'] == ('</api/v2.0/projects?name=p&page=1&page_size=100>; rel="prev" , '
                                      '</api/v2.0/projects?name=p&page=3&page_size=100>; rel="next"')
    last = api.get('/projects', params={'page': 3, 'page_size': 100})
    assert last.headers['Link'] == '</api/v2.0/projects?page=2&page_size=100>; rel="prev"'
    assert len(last.json()) == 51
    names = [p['name'] for page in (1, 2, 3) for p in api.get('/projects', params={'page': page, 'page_size': 100}).json()]
    assert len(set(names)) == 251
    default = api.get('/projects')
    assert len(default.json()) == 10 and 'rel="next"' in default.headers['Link']
    assert api.get('/projects', params={'page': 9, 'page_size': 100}).json() == []
