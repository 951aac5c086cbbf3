"""Scanning through the real adapter, prevent_vulnerable, immutable-push refusal and webhook delivery.

Images are pushed with skopeo through the emulator's /v2/ (the real distribution registry behind it);
the scanner adapter (tests/scanner_adapter.py) and the webhook receiver (tests/webhook_receiver.py)
run in this process, so the emulator really calls them over HTTP.
"""

import subprocess
import time

import pytest
import requests

from tests.oci_images import OCI_MANIFEST, build_layout, push, registry_host
from tests.scanner_adapter import REPORT_TYPE
from tests.webhook_receiver import WebhookReceiver

CRITICAL = {'id': 'CVE-2026-0001', 'package': 'openssl', 'version': '3.0.1', 'fix_version': '3.0.9',
            'severity': 'Critical', 'description': 'remote code execution'}
LOW = {'id': 'CVE-2026-0002', 'package': 'zlib', 'version': '1.2', 'severity': 'Low'}


@pytest.fixture
def receiver():
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture(scope='module')
def layout(tmp_path_factory):
    directory = str(tmp_path_factory.mktemp('oci'))
    digests = {tag: build_layout(directory, tag, layers=1, layer_size=512) for tag in ('v1', 'v2')}
    return directory, digests


def register(api, adapter):
    response = api.post('/scanners', json={'name': 'fake', 'url': adapter.url})
    assert response.status_code == 201, response.text


def scanned(api, project, repo, reference, timeout=20):
    """The artifact (with its scan overview) once its report is no longer Pending/Running."""
    deadline = time.monotonic() + timeout
    while True:
        artifact = api.get('/projects/%s/repositories/%s/artifacts/%s' % (project, repo, reference),
                           params={'with_scan_overview': 'true'}).json()
        summary = (artifact.get('scan_overview') or {}).get(REPORT_TYPE) or {}
        if summary.get('scan_status') in ('Success', 'Error') or time.monotonic() > deadline:
            return artifact, summary
        time.sleep(0.05)


def pull(emulator, repository, reference, auth=None):
    return requests.get('%s/v2/%s/manifests/%s' % (emulator.url, repository, reference), auth=auth or emulator.admin,
                        headers={'Accept': OCI_MANIFEST}, timeout=30)


def test_scan_on_push_gives_a_summary_from_the_adapter(api, harbor_emulator, adapter, layout):
    directory, digests = layout
    register(api, adapter)
    api.create_project('scanned', metadata={'auto_scan': 'true'})
    adapter.findings['scanned/app'] = [CRITICAL, LOW]
    push(directory, 'v1', harbor_emulator, 'scanned/app')
    artifact, summary = scanned(api, 'scanned', 'app', 'v1')
    assert summary['scan_status'] == 'Success' and summary['complete_percent'] == 100
    assert summary['severity'] == 'Critical'
    assert summary['summary'] == {'total': 2, 'fixable': 1, 'summary': {'Critical': 1, 'Low': 1}}
    assert summary['scanner'] == {'name': 'FakeScan', 'vendor': 'harbor_ops tests', 'version': '1.0.0'}
    # the emulator really called the adapter with Harbor's ScanRequest
    request = adapter.scan_requests[-1]
    assert request['artifact']['digest'] == digests['v1'] == artifact['digest']
    assert request['artifact']['repository'] == 'scanned/app' and request['artifact']['tag'] == 'v1'
    assert request['registry']['url'] == harbor_emulator.url and request['registry']['authorization'].startswith('Bearer ')
    # without with_scan_overview there is no overview; the full report is an addition
    assert 'scan_overview' not in api.get('/projects/scanned/repositories/app/artifacts/v1').json()
    report = api.get('/projects/scanned/repositories/app/artifacts/v1/additions/vulnerabilities').json()
    assert [v['id'] for v in report[REPORT_TYPE]['vulnerabilities']] == ['CVE-2026-0001', 'CVE-2026-0002']


def test_manual_scan_and_its_refusals(api, harbor_emulator, adapter, layout):
    directory, dummy = layout
    api.create_project('manual')
    push(directory, 'v1', harbor_emulator, 'manual/app')
    path = '/projects/manual/repositories/app/artifacts/v1'
    assert api.get(path + '/additions/vulnerabilities').json() == {}
    response = api.post(path + '/scan')
    assert response.status_code == 412
    assert api.error(response)[1].startswith('no available scanner for project: ')
    register(api, adapter)
    assert api.get(path, params={'with_scan_overview': 'true'}).json().get('scan_overview') is None  # no auto scan
    response = api.post(path + '/scan')
    assert response.status_code == 202 and response.text == ''
    dummy, summary = scanned(api, 'manual', 'app', 'v1')
    assert summary['scan_status'] == 'Success' and summary['severity'] == 'None'
    assert summary['summary'] == {'total': 0, 'fixable': 0, 'summary': {}}
    adapter.failing.add('manual/app')
    api.post(path + '/scan')
    dummy, summary = scanned(api, 'manual', 'app', 'v1')
    assert summary['scan_status'] == 'Error' and 'severity' not in summary


def test_scan_all_really_scans(api, harbor_emulator, adapter, layout):
    directory, dummy = layout
    api.create_project('everything')
    push(directory, 'v1', harbor_emulator, 'everything/one')
    push(directory, 'v2', harbor_emulator, 'everything/two')
    register(api, adapter)
    adapter.findings['everything/two'] = [LOW]
    assert api.post('/system/scanAll/schedule', json={'schedule': {'type': 'Manual'}}).status_code == 201
    assert scanned(api, 'everything', 'one', 'v1')[1]['severity'] == 'None'
    assert scanned(api, 'everything', 'two', 'v2')[1]['severity'] == 'Low'


def prevent_policy(severity):
    return ("configured policy in 'Prevent images with vulnerability severity of \"%s\" or higher from running.' "
            % severity)


def test_prevent_vulnerable_refuses_pulls_as_harbor(api, harbor_emulator, adapter, layout):
    directory, dummy = layout
    register(api, adapter)
    api.create_project('guarded', metadata={'prevent_vul': 'true', 'severity': 'high'})
    push(directory, 'v1', harbor_emulator, 'guarded/app')  # no auto scan: not scanned yet
    response = pull(harbor_emulator, 'guarded/app', 'v1')
    assert response.status_code == 412
    unscanned = ('current image without vulnerability scanning cannot be pulled due to ' + prevent_policy('High')
                 + 'To continue with pull, please contact your project administrator for help.')
    assert response.json() == {'errors': [{'code': 'PROJECTPOLICYVIOLATION', 'message': unscanned}]}
    # HEAD is not checked (Harbor's vulnerable middleware is on GET only)
    assert requests.head('%s/v2/guarded/app/manifests/v1' % harbor_emulator.url, auth=harbor_emulator.admin,
                         headers={'Accept': OCI_MANIFEST}, timeout=30).status_code == 200
    adapter.findings['guarded/app'] = [CRITICAL, LOW]
    api.post('/projects/guarded/repositories/app/artifacts/v1/scan')
    scanned(api, 'guarded', 'app', 'v1')
    response = pull(harbor_emulator, 'guarded/app', 'v1')
    assert response.status_code == 412
    assert api.error(response) == ('PROJECTPOLICYVIOLATION', 'current image with 2 vulnerabilities cannot be pulled '
                                   'due to ' + prevent_policy('High') + 'To continue with pull, please contact your '
                                   'project administrator to exempt matched vulnerabilities through configuring the '
                                   'CVE allowlist.')
    # skopeo sees the same refusal
    result = subprocess.run(['skopeo', 'inspect', '--raw', '--tls-verify=false', '--creds', '%s:%s' % harbor_emulator.admin,
                             'docker://%s/guarded/app:v1' % registry_host(harbor_emulator)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0 and 'current image with 2 vulnerabilities cannot be pulled' in result.stderr
    # the system allowlist (the project reuses it by default) lets the critical CVE through: only Low is left
    assert api.put('/system/CVEAllowlist', json={'items': [{'cve_id': 'CVE-2026-0001'}]}).status_code == 200
    assert pull(harbor_emulator, 'guarded/app', 'v1').status_code == 200
    # an expired allowlist allows nothing
    api.put('/system/CVEAllowlist', json={'items': [{'cve_id': 'CVE-2026-0001'}], 'expires_at': int(time.time()) - 60})
    assert pull(harbor_emulator, 'guarded/app', 'v1').status_code == 412
    # a project with its own allowlist ignores the system one
    api.put('/projects/guarded', headers={'X-Is-Resource-Name': 'true'},
            json={'metadata': {'reuse_sys_cve_allowlist': 'false'}, 'cve_allowlist': {'items': [{'cve_id': 'CVE-2026-0001'}]}})
    assert pull(harbor_emulator, 'guarded/app', 'v1').status_code == 200
    # a threshold at or below the remaining Low refuses again, with the count of what is not allowlisted
    api.put('/projects/guarded', headers={'X-Is-Resource-Name': 'true'}, json={'metadata': {'severity': 'low'}})
    response = pull(harbor_emulator, 'guarded/app', 'v1')
    assert response.status_code == 412 and 'current image with 1 vulnerability cannot' in api.error(response)[1]


def test_prevent_vulnerable_failed_scan_and_disabled_policy(api, harbor_emulator, adapter, layout):
    directory, dummy = layout
    register(api, adapter)
    adapter.failing.add('strict/app')
    api.create_project('strict', metadata={'prevent_vul': 'true', 'severity': 'critical', 'auto_scan': 'true'})
    push(directory, 'v1', harbor_emulator, 'strict/app')
    scanned(api, 'strict', 'app', 'v1')
    response = pull(harbor_emulator, 'strict/app', 'v1')
    assert response.status_code == 412
    assert api.error(response)[1].startswith('current image with "Error" status of vulnerability scanning cannot be pulled')
    api.put('/projects/strict', headers={'X-Is-Resource-Name': 'true'}, json={'metadata': {'prevent_vul': 'false'}})
    assert pull(harbor_emulator, 'strict/app', 'v1').status_code == 200


def immutable_rule(project_id, pattern):
    return {'action': 'immutable', 'template': 'immutable_template', 'params': {},
            'tag_selectors': [{'kind': 'doublestar', 'decoration': 'matches', 'pattern': pattern}],
            'scope_selectors': {'repository': [{'kind': 'doublestar', 'decoration': 'repoMatches', 'pattern': '**'}]}}


def test_immutable_tag_overwrite_push_is_refused(api, harbor_emulator, layout):
    directory, digests = layout
    project_id = api.create_project('frozen')
    push(directory, 'v1', harbor_emulator, 'frozen/app')
    response = api.post('/projects/frozen/immutabletagrules', headers={'X-Is-Resource-Name': 'true'},
                        json=immutable_rule(project_id, 'v*'))
    assert response.status_code == 201
    with pytest.raises(RuntimeError) as refused:  # v2's manifest over the existing immutable v1
        push(directory, 'v2', harbor_emulator, 'frozen/app', dest_tag='v1')
    assert "Failed to process request due to 'app:v1' configured as immutable." in str(refused.value)
    manifest = api.get('/projects/frozen/repositories/app/artifacts/v1').json()
    assert manifest['digest'] == digests['v1']  # unchanged
    raw = pull(harbor_emulator, 'frozen/app', 'v2').content  # not there yet
    response = requests.put('%s/v2/frozen/app/manifests/v1' % harbor_emulator.url, auth=harbor_emulator.admin,
                            data=pull(harbor_emulator, 'frozen/app', 'v1').content,
                            headers={'Content-Type': OCI_MANIFEST}, timeout=30)
    assert response.status_code == 412  # even the same digest: the tag exists and is immutable
    assert response.json() == {'errors': [{'code': 'PRECONDITION', 'message':
                                           "Failed to process request due to 'app:v1' configured as immutable."}]}
    assert raw  # the 404 body of a missing tag
    push(directory, 'v2', harbor_emulator, 'frozen/app')  # a new tag is fine
    push(directory, 'v2', harbor_emulator, 'frozen/app', dest_tag='main')  # a tag no rule matches
    push(directory, 'v1', harbor_emulator, 'frozen/app', dest_tag='main')  # ... can be overwritten
    # deleting an immutable tag through the API is refused; another tag goes
    response = api.delete('/projects/frozen/repositories/app/artifacts/v1/tags/v1')
    assert response.status_code == 412
    assert api.error(response) == ('PRECONDITION', 'the tag v1 configured as immutable, cannot be deleted')
    assert api.delete('/projects/frozen/repositories/app/artifacts/v1/tags/main').status_code == 200
    response = api.delete('/projects/frozen/repositories/app/artifacts/v1/tags/nope')
    assert response.status_code == 404
    # a disabled rule no longer protects the tag
    rule = api.get('/projects/frozen/immutabletagrules', headers={'X-Is-Resource-Name': 'true'}).json()[0]
    api.put('/projects/frozen/immutabletagrules/%d' % rule['id'], headers={'X-Is-Resource-Name': 'true'},
            json=dict(rule, disabled=True))
    push(directory, 'v2', harbor_emulator, 'frozen/app', dest_tag='v1')
    assert api.get('/projects/frozen/repositories/app/artifacts/v1').json()['digest'] == digests['v2']


def webhook(api, project, receiver, payload_format, events, auth_header='Bearer hook-token'):
    body = {'name': 'hook-%s' % payload_format.lower(), 'enabled': True, 'event_types': events,
            'targets': [{'type': 'http', 'address': receiver.url + '/' + payload_format.lower(),
                         'auth_header': auth_header, 'payload_format': payload_format}]}
    response = api.post('/projects/%s/webhook/policies' % project, headers={'X-Is-Resource-Name': 'true'}, json=body)
    assert response.status_code == 201, response.text
    return int(response.headers['Location'].rsplit('/', 1)[-1])


def test_webhooks_deliver_push_and_scan_events(api, harbor_emulator, adapter, receiver, layout):
    directory, digests = layout
    register(api, adapter)
    project_id = api.create_project('hooked', metadata={'auto_scan': 'true'})
    adapter.findings[digests['v1']] = [CRITICAL]
    default_id = webhook(api, 'hooked', receiver, 'Default', ['PUSH_ARTIFACT', 'SCANNING_COMPLETED'])
    cloud_id = webhook(api, 'hooked', receiver, 'CloudEvents', ['PUSH_ARTIFACT'])
    disabled = {'name': 'off', 'enabled': False, 'event_types': ['PUSH_ARTIFACT'],
                'targets': [{'type': 'http', 'address': receiver.url + '/off'}]}
    api.post('/projects/hooked/webhook/policies', headers={'X-Is-Resource-Name': 'true'}, json=disabled)
    push(directory, 'v1', harbor_emulator, 'hooked/app')
    host = registry_host(harbor_emulator)

    pushed = receiver.wait_for(lambda e: e['path'] == '/default' and e['body']['type'] == 'PUSH_ARTIFACT')
    assert pushed['headers']['authorization'] == 'Bearer hook-token'
    assert pushed['headers']['content-type'] == 'application/json'
    body = pushed['body']
    assert body['operator'] == 'admin' and isinstance(body['occur_at'], int)
    assert body['event_data']['resources'] == [{'digest': digests['v1'], 'tag': 'v1',
                                                'resource_url': '%s/hooked/app:v1' % host}]
    repository = body['event_data']['repository']
    assert {k: repository[k] for k in ('name', 'namespace', 'repo_full_name', 'repo_type')} == {
        'name': 'app', 'namespace': 'hooked', 'repo_full_name': 'hooked/app', 'repo_type': 'private'}
    assert isinstance(repository['date_created'], int)

    completed = receiver.wait_for(lambda e: e['path'] == '/default' and e['body']['type'] == 'SCANNING_COMPLETED')
    resource = completed['body']['event_data']['resources'][0]
    overview = resource['scan_overview'][REPORT_TYPE]
    assert resource['digest'] == digests['v1'] and overview['scan_status'] == 'Success'
    assert overview['severity'] == 'Critical' and overview['summary']['summary'] == {'Critical': 1}

    cloud = receiver.wait_for(lambda e: e['path'] == '/cloudevents')
    assert cloud['headers']['content-type'] == 'application/cloudevents+json'
    event = cloud['body']
    assert event['specversion'] == '1.0' and event['type'] == 'harbor.artifact.pushed'
    assert event['source'] == '/projects/%d/webhook/policies/%d' % (project_id, cloud_id)
    assert event['operator'] == 'admin' and event['datacontenttype'] == 'application/json'
    assert event['data']['resources'][0]['tag'] == 'v1' and event['data']['repository']['repo_full_name'] == 'hooked/app'
    time.sleep(0.2)
    assert not [e for e in receiver.events if e['path'] == '/off']  # disabled policies get nothing
    assert len([e for e in receiver.events if e['path'] == '/cloudevents']) == 1  # not subscribed to scans

    executions = api.get('/projects/hooked/webhook/policies/%d/executions' % default_id,
                         headers={'X-Is-Resource-Name': 'true'}).json()
    assert sorted(e['extra_attrs']['event_type'] for e in executions) == ['PUSH_ARTIFACT', 'SCANNING_COMPLETED']
    assert {e['vendor_type'] for e in executions} == {'WEBHOOK'}


def test_scanner_that_stops_answering_fails_the_scan_and_says_so(api, harbor_emulator, adapter, receiver, layout):
    directory, dummy = layout
    register(api, adapter)
    api.create_project('orphan')
    webhook(api, 'orphan', receiver, 'Default', ['SCANNING_FAILED', 'PULL_ARTIFACT'], auth_header='')
    push(directory, 'v1', harbor_emulator, 'orphan/app')
    assert pull(harbor_emulator, 'orphan/app', 'v1').status_code == 200
    pulled = receiver.wait_for(lambda e: e['body']['type'] == 'PULL_ARTIFACT')
    assert pulled['body']['event_data']['resources'][0]['tag'] == 'v1' and 'authorization' not in pulled['headers']
    adapter.stop()  # the registered url no longer answers
    assert api.post('/projects/orphan/repositories/app/artifacts/v1/scan').status_code == 202
    dummy, summary = scanned(api, 'orphan', 'app', 'v1')
    assert summary['scan_status'] == 'Error'
    failed = receiver.wait_for(lambda e: e['body']['type'] == 'SCANNING_FAILED')
    assert failed['body']['event_data']['resources'][0]['scan_overview'][REPORT_TYPE]['scan_status'] == 'Error'


def test_delete_event_and_anonymous_pull_of_a_guarded_public_project(api, harbor_emulator, adapter, receiver, layout):
    directory, digests = layout
    register(api, adapter)
    api.create_project('open', metadata={'public': 'true', 'prevent_vul': 'true', 'severity': 'critical'})
    webhook(api, 'open', receiver, 'Default', ['DELETE_ARTIFACT'])
    push(directory, 'v1', harbor_emulator, 'open/app')
    # anyone may pull from a public project, and everyone is checked: anonymous callers get the same 412
    token = requests.get('%s/service/token' % harbor_emulator.url, params={'service': 'harbor-registry'}, timeout=30).json()
    response = requests.get('%s/v2/open/app/manifests/v1' % harbor_emulator.url, timeout=30,
                            headers={'Accept': OCI_MANIFEST, 'Authorization': 'Bearer ' + token['token']})
    assert response.status_code == 412 and api.error(response)[0] == 'PROJECTPOLICYVIOLATION'
    response = requests.delete('%s/v2/open/app/manifests/%s' % (harbor_emulator.url, digests['v1']),
                               auth=harbor_emulator.admin, timeout=30)
    assert response.status_code == 202
    deleted = receiver.wait_for(lambda e: e['body']['type'] == 'DELETE_ARTIFACT')
    assert deleted['body']['event_data']['resources'] == [
        {'digest': digests['v1'], 'tag': 'v1', 'resource_url': '%s/open/app:v1' % registry_host(harbor_emulator)}]
    assert deleted['body']['event_data']['repository']['repo_type'] == 'public'


def test_an_image_artifact_has_harbors_extra_attributes_icon_and_addition_links(api, harbor_emulator, layout):
    """What real v2.15.2 answers for a pushed image beyond the stored columns: the config's created, os,
    architecture, author and config (controller/artifact/processor/image), its type, icon and relative links to
    its additions (with the empty-digest SBOM link Harbor gives an image without an SBOM)."""
    directory, digests = layout
    api.create_project('attrs')
    push(directory, 'v1', harbor_emulator, 'attrs/team/app')
    artifact = api.get('/projects/attrs/repositories/team%252Fapp/artifacts/v1').json()
    assert artifact['artifact_type'] == artifact['media_type'] == 'application/vnd.oci.image.config.v1+json'
    assert artifact['icon'] == 'sha256:0048162a053eef4d4ce3fe7518615bef084403614f8bca43b40ae2e762e11e06'
    attrs = artifact['extra_attrs']
    assert attrs['os'] == 'linux' and attrs['architecture'] == 'amd64' and attrs['author'] == ''
    assert attrs['config'] == {'Labels': {'test.tag': 'v1'}} and attrs['created'].startswith('20')
    base = '/api/v2.0/projects/attrs/repositories/team%252Fapp/artifacts/'
    assert artifact['addition_links'] == {
        'build_history': {'absolute': False, 'href': base + digests['v1'] + '/additions/build_history'},
        'vulnerabilities': {'absolute': False, 'href': base + digests['v1'] + '/additions/vulnerabilities'},
        'sboms': {'absolute': False, 'href': base + '/additions/sbom'}}
