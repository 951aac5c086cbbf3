"""Registries, replication policies and executions (API_FACTS sections 3 and 4), and /v2/ in front of a real registry."""

import http.cookiejar

import pytest
import requests

from tests import oci_images
from tests.harbor_emulator.replication import destination_name, doublestar


def _id(response):
    assert response.status_code == 201, response.text
    return int(response.headers['Location'].rsplit('/', 1)[-1])


def registry_body(emulator, **extra):
    return dict({'name': 'self', 'type': 'harbor', 'url': emulator.url + '/',
                 'credential': {'type': 'basic', 'access_key': 'admin', 'access_secret': emulator.admin[1]}}, **extra)


@pytest.fixture
def registry_id(api, harbor_emulator):
    return _id(api.post('/registries', json=registry_body(harbor_emulator)))


def policy_body(registry_id, **extra):
    return dict({'name': 'p1', 'src_registry': {'id': registry_id}, 'enabled': True}, **extra)


# ----------------------------------------------------------------------------------------------
# registries

def test_registry_create_normalises_url_masks_secret_and_pings(api, harbor_emulator, registry_id):
    registry = api.get('/registries/%d' % registry_id).json()
    assert registry['url'] == harbor_emulator.url
    assert registry['credential'] == {'type': 'basic', 'access_key': 'admin', 'access_secret': '*****'}
    assert registry['status'] == 'healthy'
    unreachable = api.post('/registries', json=registry_body(harbor_emulator, name='gone', url='http://127.0.0.1:1'))
    assert unreachable.status_code == 400 and api.error(unreachable)[1] == 'the registry is unhealthy'
    bad_creds = registry_body(harbor_emulator, name='badcreds')
    bad_creds['credential']['access_secret'] = 'wrong'
    assert api.post('/registries', json=bad_creds).status_code == 400
    assert api.post('/registries', json=registry_body(harbor_emulator)).status_code == 409
    assert api.get('/registries', params={'q': 'name=gone'}).json() == []


def test_registry_type_follows_the_reported_adapters(api, harbor_emulator):
    assert 'docker-registry' in api.get('/replication/adapters').json()
    harbor_emulator.set_config(replication_adapter_whitelist='harbor')
    assert api.get('/replication/adapters').json() == ['harbor']
    refused = api.post('/registries', json=registry_body(harbor_emulator, type='docker-registry'))
    assert refused.status_code == 400 and 'adapter factory for docker-registry not found' in api.error(refused)[1]


def test_registry_put_is_flat_and_partial_and_pings(api, harbor_emulator, registry_id):
    assert api.put('/registries/%d' % registry_id, json={'description': 'changed'}).status_code == 200
    registry = api.get('/registries/%d' % registry_id).json()
    assert registry['description'] == 'changed' and registry['credential']['access_key'] == 'admin'
    nested = api.put('/registries/%d' % registry_id, json={'credential': {'access_key': 'x'}})
    assert nested.status_code == 400  # RegistryUpdate has no nested credential
    wrong = api.put('/registries/%d' % registry_id, json={'access_secret': 'wrong'})
    assert wrong.status_code == 400 and api.error(wrong)[1] == 'the registry is unhealthy'
    assert api.get('/registries/%d' % registry_id).json()['description'] == 'changed'


def test_registry_ping(api, harbor_emulator, registry_id):
    assert api.post('/registries/ping', json={'id': registry_id}).status_code == 200
    assert api.post('/registries/ping', json={'type': 'harbor', 'url': 'http://127.0.0.1:1'}).status_code == 400
    empty = api.post('/registries/ping', json={'url': harbor_emulator.url})
    assert empty.status_code == 400 and api.error(empty)[1] == 'type or url cannot be empty'


def test_registry_in_use_cannot_be_deleted(api, harbor_emulator, registry_id):
    policy_id = _id(api.post('/replication/policies', json=policy_body(registry_id)))
    assert api.delete('/registries/%d' % registry_id).status_code == 412
    api.delete('/replication/policies/%d' % policy_id)
    api.create_project('cache', registry_id=registry_id)
    assert api.delete('/registries/%d' % registry_id).status_code == 412
    api.delete('/projects/cache')
    assert api.delete('/registries/%d' % registry_id).status_code == 200


# ----------------------------------------------------------------------------------------------
# policies

def test_policy_needs_exactly_one_remote_registry(api, registry_id):
    both = policy_body(registry_id, dest_registry={'id': registry_id})
    assert api.post('/replication/policies', json=both).status_code == 400
    assert api.post('/replication/policies', json={'name': 'none'}).status_code == 400
    assert api.post('/replication/policies', json=policy_body(999)).status_code == 400


def test_policy_reads_deletion_not_replicate_deletion_and_defaults(api, registry_id):
    policy_id = _id(api.post('/replication/policies', json=policy_body(registry_id, replicate_deletion=True)))
    policy = api.get('/replication/policies/%d' % policy_id).json()
    assert policy.get('deletion', False) is False and policy.get('replicate_deletion', False) is False
    assert policy['dest_namespace_replace_count'] == -1
    assert policy['dest_registry']['id'] == 0 and policy['dest_registry']['name'] == 'Local'
    assert policy['src_registry']['credential']['access_secret'] == '*****'
    # real v2.15.2 always answers these two, false when unset, and the local registry is insecure without
    # internal TLS
    assert policy['copy_by_chunk'] is False and policy['single_active_replication'] is False
    assert policy['dest_registry']['insecure'] is True
    api.put('/replication/policies/%d' % policy_id, json=policy_body(registry_id, deletion=True))
    assert api.get('/replication/policies/%d' % policy_id).json()['replicate_deletion'] is True


def test_policy_put_is_a_full_replace(api, registry_id):
    body = policy_body(registry_id, filters=[{'type': 'name', 'value': 'library/**'}], override=True,
                       trigger={'type': 'scheduled', 'trigger_settings': {'cron': '0 0 2 * * *'}})
    policy_id = _id(api.post('/replication/policies', json=body))
    api.put('/replication/policies/%d' % policy_id, json=policy_body(registry_id))
    policy = api.get('/replication/policies/%d' % policy_id).json()
    assert policy['filters'] == [] and 'trigger' not in policy and policy.get('override', False) is False


@pytest.mark.parametrize('cron, message', [('0 2 * * *', 'invalid cron'), ('5 0 2 * * *', '1st field'),
                                           ('0 * 2 * * *', '2nd field')])
def test_policy_cron_rules(api, registry_id, cron, message):
    body = policy_body(registry_id, trigger={'type': 'scheduled', 'trigger_settings': {'cron': cron}})
    response = api.post('/replication/policies', json=body)
    assert response.status_code == 400 and message in api.error(response)[1]


def test_policy_filter_rules(api, registry_id):
    for filters in ([{'type': 'label', 'value': 'prod'}], [{'type': 'name', 'value': 'a', 'decoration': 'excludes'}],
                    [{'type': 'size', 'value': '1'}], [{'type': 'resource', 'value': 'chart'}]):
        assert api.post('/replication/policies', json=policy_body(registry_id, filters=filters)).status_code == 400, filters
    good = [{'type': 'label', 'value': ['prod'], 'decoration': 'excludes'}, {'type': 'tag', 'value': 'v*'}]
    policy_id = _id(api.post('/replication/policies', json=policy_body(registry_id, filters=good)))
    assert api.get('/replication/policies/%d' % policy_id).json()['filters'] == good


def test_single_active_with_event_based_is_a_500(api, harbor_emulator, registry_id):
    body = {'name': 'ev', 'dest_registry': {'id': registry_id}, 'single_active_replication': True,
            'trigger': {'type': 'event_based'}}
    response = api.post('/replication/policies', json=body)
    assert response.status_code == 500 and api.error(response) == ('UNKNOWN', 'internal server error')


def test_disabled_policy_cannot_start(api, registry_id):
    policy_id = _id(api.post('/replication/policies', json=policy_body(registry_id, enabled=False)))
    assert api.post('/replication/executions', json={'policy_id': policy_id}).status_code == 412
    assert api.post('/replication/executions', json={'policy_id': 999}).status_code == 404


def test_destination_names_and_patterns():
    assert destination_name('a/b/c/image', 'n', -1) == 'n/image'
    assert destination_name('a/b/c/image', 'n', 0) == 'n/a/b/c/image'
    assert destination_name('a/b/c/image', 'n', 1) == 'n/b/c/image'
    assert destination_name('a/b/c/image', 'n', 3) == 'n/image'
    assert destination_name('a/b/c/image', '', 2) == 'a/b/c/image'
    with pytest.raises(ValueError):
        destination_name('a/b/c/image', 'n', 4)
    assert doublestar('library/**').match('library/a/b') and not doublestar('library/*').match('library/a/b')
    assert doublestar('v{1,2}.*').match('v2.0') and not doublestar('v{1,2}.*').match('v3.0')


# ----------------------------------------------------------------------------------------------
# /v2/ and executions with real images

@pytest.fixture
def pushed(harbor_emulator, tmp_path):
    layout = str(tmp_path / 'layout')
    digests = {tag: oci_images.build_layout(layout, tag, layers=1, layer_size=2048) for tag in ('v1', 'v2')}
    for tag in digests:
        oci_images.push(layout, tag, harbor_emulator, 'library/app')
    return layout, digests


def _bare():
    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


def test_v2_auth_challenge_token_flow_and_permissions(harbor_emulator, api, pushed):
    session = _bare()
    root = session.get(harbor_emulator.url + '/v2/')
    assert root.status_code == 401
    assert root.headers['WWW-Authenticate'] == 'Bearer realm="%s/service/token",service="harbor-registry"' % harbor_emulator.url
    token = session.get(harbor_emulator.url + '/service/token', params={'scope': 'repository:library/app:pull'},
                        auth=harbor_emulator.admin).json()['token']
    assert session.get(harbor_emulator.url + '/v2/', headers={'Authorization': 'Bearer ' + token}).status_code == 200
    # library is public: anonymous pulls work, anonymous pushes are challenged
    assert session.get(harbor_emulator.url + '/v2/library/app/tags/list').json()['tags'] == ['v1', 'v2']
    assert session.post(harbor_emulator.url + '/v2/library/app/blobs/uploads/').status_code == 401
    harbor_emulator.add_user('dev', 'Dev12345')
    api.create_project('private')
    layout = pushed[0]
    with pytest.raises(RuntimeError, match='denied|unauthorized|403'):
        oci_images.push(layout, 'v1', harbor_emulator, 'private/app', credentials=('dev', 'Dev12345'))
    assert session.get(harbor_emulator.url + '/v2/private/app/tags/list', auth=('dev', 'Dev12345')).status_code == 403
    assert session.get(harbor_emulator.url + '/v2/_catalog', auth=('dev', 'Dev12345')).status_code == 403


def test_pushes_show_up_as_repositories_artifacts_and_tags(api, harbor_emulator, pushed):
    dummy, digests = pushed
    repos = api.get('/projects/library/repositories').json()
    assert [(r['name'], r['artifact_count']) for r in repos] == [('library/app', 2)]
    artifact = api.get('/projects/library/repositories/app/artifacts/v1').json()
    assert artifact['digest'] == digests['v1'] and [t['name'] for t in artifact['tags']] == ['v1']
    assert api.get('/projects/library/repositories/app/artifacts/%s/tags' % digests['v2']).json()[0]['name'] == 'v2'
    harbor_emulator.seed_repository('library', 'seeded', artifact_count=3)
    assert {r['name'] for r in api.get('/projects/library/repositories').json()} == {'library/app', 'library/seeded'}
    assert api.delete('/projects/library/repositories/app').status_code == 200
    session = _bare()
    missing = session.head(harbor_emulator.url + '/v2/library/app/manifests/v1', auth=harbor_emulator.admin,
                           headers={'Accept': oci_images.OCI_MANIFEST})
    assert missing.status_code == 404


def test_execution_copies_with_chunks_and_stop_leaves_it_stopped(api, harbor_emulator, registry_id, pushed):
    dummy, digests = pushed
    body = policy_body(registry_id, dest_namespace='copy', dest_namespace_replace_count=1, copy_by_chunk=True,
                       filters=[{'type': 'name', 'value': 'library/app'}])
    policy_id = _id(api.post('/replication/policies', json=body))
    execution_id = _id(api.post('/replication/executions', json={'policy_id': policy_id}))
    execution = oci_images.wait_execution(api.session, harbor_emulator, execution_id)
    # one task per repository, as real Harbor v2.15.2 runs it (controller/replication/flow/stage.go)
    assert (execution['status'], execution['total'], execution['succeed']) == ('Succeed', 1, 1)
    tasks = api.get('/replication/executions/%d/tasks' % execution_id).json()
    assert [(t['src_resource'], t['dst_resource']) for t in tasks] == [
        ('library/app [2 item(s) in total]', 'copy/app [2 item(s) in total]')]
    assert len(tasks[0]['job_id']) == 24  # jobservice's job id, as real Harbor answers it
    log = api.get('/replication/executions/%d/tasks/%d/log' % (execution_id, tasks[0]['id']),
                  headers={'Accept': 'text/plain'}).text
    assert 'copy/app:v1' in log and 'copy/app:v2' in log
    assert oci_images.v2_tags(_bare(), harbor_emulator, 'copy/app') == digests
    assert api.get('/projects/copy').status_code == 200  # pull replication created the destination project
    assert api.put('/replication/executions/%d' % execution_id).status_code == 200  # stopping an ended one: no change
    assert api.get('/replication/executions/%d' % execution_id).json()['status'] == 'Succeed'
    # a slow source: stop while the tasks wait, the rest become Stopped
    harbor_emulator.fault(path_regex='^/v2/library/app/manifests/', method='HEAD', latency_ms=400, count=None)
    api.put('/replication/policies/%d' % policy_id, json=dict(body, dest_namespace='other'))
    execution_id = _id(api.post('/replication/executions', json={'policy_id': policy_id}))
    assert api.put('/replication/executions/%d' % execution_id).status_code == 200
    execution = oci_images.wait_execution(api.session, harbor_emulator, execution_id)
    harbor_emulator.clear_faults()
    assert (execution['status'], execution['stopped'], execution['total']) == ('Stopped', 1, 1)
    assert oci_images.v2_tags(_bare(), harbor_emulator, 'other/app') == {}
