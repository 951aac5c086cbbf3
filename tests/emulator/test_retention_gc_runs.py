"""Retention executions and GC over the real registry (issue 5): what they delete, keep and free."""

import json
import tempfile
import time

import pytest

from tests import oci_images
from tests.emulator.conftest import Api
from tests.harbor_emulator import retention_run

DAY = 86400
PROJECT = 'lifecycle'
REPOSITORY = PROJECT + '/app'


def rule(template, value, pattern, untagged=False):
    return {'disabled': False, 'action': 'retain', 'template': template,
            'params': {template: value} if value is not None else {},
            'tag_selectors': [{'kind': 'doublestar', 'decoration': 'matches', 'pattern': pattern,
                               'extras': json.dumps({'untagged': untagged})}],
            'scope_selectors': {'repository': [{'kind': 'doublestar', 'decoration': 'repoMatches', 'pattern': '**'}]}}


def make_policy(api, project_id, rules):
    body = {'algorithm': 'or', 'rules': rules, 'trigger': {'kind': 'Schedule', 'settings': {'cron': ''}},
            'scope': {'level': 'project', 'ref': project_id}}
    response = api.post('/retentions', json=body)
    assert response.status_code == 201, response.text
    return int(response.headers['Location'].rsplit('/', 1)[-1])


def run_execution(api, policy_id, dry_run, timeout=60):
    response = api.post('/retentions/%d/executions' % policy_id, json={'dry_run': dry_run})
    assert response.status_code == 201, response.text
    location = response.headers['Location']
    assert location.startswith('/api/v2.0/retentions/%d/executions/' % policy_id)
    execution_id = int(location.rsplit('/', 1)[-1])
    deadline = time.monotonic() + timeout
    while True:
        executions = api.get('/retentions/%d/executions' % policy_id).json()
        execution = [e for e in executions if e['id'] == execution_id][0]
        if execution['status'] != 'Running' or time.monotonic() > deadline:
            return execution
        time.sleep(0.05)


def wait_gc(api, run_id, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        run = api.get('/system/gc/%d' % run_id).json()
        if run['job_status'] not in ('Running', 'Pending') or time.monotonic() > deadline:
            return run
        time.sleep(0.05)


def start_gc(api, **parameters):
    body = {'schedule': {'type': 'Manual'}, 'parameters': dict({'delete_untagged': False, 'dry_run': False, 'workers': 1},
                                                               **parameters)}
    response = api.post('/system/gc/schedule', json=body)
    assert response.status_code == 201, response.text
    return wait_gc(api, int(response.headers['Location'].rsplit('/', 1)[-1]))


def log_rows(text):
    """{digest: (tags, RETAIN|DEL)} from the retention task log's table."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if len(cells) == 8 and cells[0].startswith('sha256:'):
            rows[cells[0]] = (cells[1], cells[7])
    return rows


@pytest.fixture
def pushed(harbor_emulator):
    """30 tags in lifecycle/app, each its own tiny image, with set push times:
    v1..v20 pushed 20..1 days ago (v20 newest), main-1..main-10 pushed 1.5..10.5 days ago."""
    api = Api(harbor_emulator, harbor_emulator.admin)
    project_id = api.create_project(PROJECT)
    layout = tempfile.mkdtemp(prefix='retention-layout-')
    now = time.time()
    ages = dict(('v%d' % i, (21 - i) * DAY) for i in range(1, 21))
    ages.update(('main-%d' % i, (i + 0.5) * DAY) for i in range(1, 11))
    digests = {}
    for tag, age in ages.items():
        oci_images.build_layout(layout, tag, layers=1, layer_size=1024)
        digests[tag] = oci_images.push_direct(layout, tag, harbor_emulator, REPOSITORY)
        harbor_emulator.set_artifact_times(REPOSITORY, tag, push_time=now - age)
    return api, project_id, digests, layout


def test_thirty_tags_dry_run_then_real_run_then_gc(harbor_emulator, pushed):
    api, project_id, digests, layout = pushed
    policy_id = make_policy(api, project_id, [rule('latestPushedK', 10, 'v*'), rule('nDaysSinceLastPush', 7, 'main-*')])
    kept = set(['v%d' % i for i in range(11, 21)] + ['main-%d' % i for i in range(1, 7)])
    gone = set(digests) - kept
    assert len(kept) == 16 and len(gone) == 14

    dry = run_execution(api, policy_id, dry_run=True)
    assert dry['status'] == 'Success' and dry['dry_run'] is True and dry['trigger'] == 'MANUAL'
    tasks = api.get('/retentions/%d/executions/%d/tasks' % (policy_id, dry['id'])).json()
    assert [(t['repository'], t['total'], t['retained'], t['status']) for t in tasks] == [('app', 30, 16, 'Success')]
    log = api.get('/retentions/%d/executions/%d/tasks/%d' % (policy_id, dry['id'], tasks[0]['id']))
    assert log.status_code == 200 and log.headers['Content-Type'].startswith('text/plain')
    rows = log_rows(log.text)
    assert set(d for d, (tags, action) in rows.items() if action == 'DEL') == set(digests[t] for t in gone)
    assert set(tags for tags, action in rows.values() if action == 'RETAIN') == kept
    assert set(oci_images.v2_tags(api.session, harbor_emulator, REPOSITORY)) == set(digests)  # dry run: nothing deleted

    real = run_execution(api, policy_id, dry_run=False)
    assert real['status'] == 'Success' and 'dry_run' not in real  # go-swagger omits false
    assert sorted(oci_images.v2_tags(api.session, harbor_emulator, REPOSITORY)) == sorted(kept)
    artifacts = api.get('/projects/%s/repositories/app/artifacts' % PROJECT, params={'page_size': 100}).json()
    assert sorted(t['name'] for a in artifacts for t in a['tags']) == sorted(kept)
    assert [e['id'] for e in api.get('/retentions/%d/executions' % policy_id).json()] == [real['id'], dry['id']]

    # the layers of the deleted images are still stored until GC runs
    layer = dict((tag, _layer_digest(layout, tag)) for tag in digests)
    some_gone = sorted(gone)[0]
    assert _blob_status(api, harbor_emulator, layer[some_gone]) == 200
    preview = start_gc(api, dry_run=True)
    assert preview['job_status'] == 'Success' and json.loads(preview['job_parameters'])['freed_space'] > 0
    assert _blob_status(api, harbor_emulator, layer[some_gone]) == 200

    run = start_gc(api)
    parameters = json.loads(run['job_parameters'])
    assert run['job_status'] == 'Success'
    # one layer, one config and one manifest blob per deleted image
    assert parameters['purged_manifests'] == 14 and parameters['purged_blobs'] == 28
    assert parameters['freed_space'] == json.loads(preview['job_parameters'])['freed_space'] > 14 * 1024
    text = api.get('/system/gc/%d/log' % run['id']).text
    assert '28 blobs and 14 manifests are actually deleted' in text
    assert 'The GC job actual frees up 0 MB space.' in text
    # a text/plain operation: asked for JSON, Harbor answers the same text as one JSON string (real v2.15.2)
    as_json = api.get('/system/gc/%d/log' % run['id'], headers={'Accept': 'application/json'})
    assert as_json.headers['Content-Type'].startswith('application/json') and as_json.json() == text
    for accept in ('text/plain', '*/*', 'application/json, text/plain', 'text/*;q=0.9, application/json;q=0.5'):
        plain = api.get('/system/gc/%d/log' % run['id'], headers={'Accept': accept})
        assert plain.headers['Content-Type'].startswith('text/plain') and plain.text == text, accept
    for tag in gone:
        assert _blob_status(api, harbor_emulator, layer[tag]) == 404
    for tag in kept:
        assert _blob_status(api, harbor_emulator, layer[tag]) == 200
    assert sorted(oci_images.v2_tags(api.session, harbor_emulator, REPOSITORY)) == sorted(kept)  # served again


def _layer_digest(layout, tag):
    with open('%s/index.json' % layout, encoding='utf-8') as handle:
        index = json.load(handle)
    digest = [m['digest'] for m in index['manifests'] if m['annotations']['org.opencontainers.image.ref.name'] == tag][0]
    with open('%s/blobs/sha256/%s' % (layout, digest.split(':')[1]), encoding='utf-8') as handle:
        return json.load(handle)['layers'][0]['digest']


def _blob_status(api, emulator, digest):
    return api.session.get('%s/v2/%s/blobs/%s' % (emulator.url, REPOSITORY, digest), timeout=30).status_code


def test_gc_delete_untagged_removes_untagged_artifacts(harbor_emulator):
    api = Api(harbor_emulator, harbor_emulator.admin)
    api.create_project(PROJECT)
    layout = tempfile.mkdtemp(prefix='gc-layout-')
    oci_images.build_layout(layout, 'one', layers=1, layer_size=1024)
    first = oci_images.push_direct(layout, 'one', harbor_emulator, REPOSITORY)
    oci_images.build_layout(layout, 'one', layers=1, layer_size=1024)  # a new image under the same tag
    second = oci_images.push_direct(layout, 'one', harbor_emulator, REPOSITORY)
    digests = sorted(a['digest'] for a in api.get('/projects/%s/repositories/app/artifacts' % PROJECT).json())
    assert digests == sorted([first, second])  # the first is now untagged

    kept_untagged = start_gc(api, delete_untagged=False)
    assert json.loads(kept_untagged['job_parameters'])['purged_manifests'] == 0
    dry = start_gc(api, delete_untagged=True, dry_run=True)
    assert json.loads(dry['job_parameters'])['purged_manifests'] == 1  # eligible, not deleted
    assert len(api.get('/projects/%s/repositories/app/artifacts' % PROJECT).json()) == 2
    run = start_gc(api, delete_untagged=True)
    assert json.loads(run['job_parameters'])['freed_space'] > 1024
    assert 'delete the untagged artifact: ProjectID:' in api.get('/system/gc/%d/log' % run['id']).text
    assert [a['digest'] for a in api.get('/projects/%s/repositories/app/artifacts' % PROJECT).json()] == [second]
    assert api.session.get('%s/v2/%s/manifests/%s' % (harbor_emulator.url, REPOSITORY, first), timeout=30,
                           headers={'Accept': oci_images.OCI_MANIFEST}).status_code == 404


def test_execution_quirks(api):
    project_id = api.create_project(PROJECT)
    missing = api.post('/retentions/999/executions', json={'dry_run': True})
    assert missing.status_code == 400  # Harbor wraps the missing policy as a bad request
    policy_id = make_policy(api, project_id, [rule('latestPushedK', 3, '**')])
    execution = run_execution(api, policy_id, dry_run=False)
    assert execution['status'] == 'Success'  # no repository: no task
    assert api.get('/retentions/%d/executions/%d/tasks' % (policy_id, execution['id'])).json() == []
    bad = api.request('PATCH', '/retentions/%d/executions/%d' % (policy_id, execution['id']), json={'action': 'pause'})
    assert bad.status_code == 400 and "action should be 'stop'" in api.error(bad)[1]
    stop = api.request('PATCH', '/retentions/%d/executions/%d' % (policy_id, execution['id']), json={'action': 'stop'})
    assert stop.status_code == 200


def test_unknown_template_fails_the_job(harbor_emulator):
    api = Api(harbor_emulator, harbor_emulator.admin)
    project_id = api.create_project(PROJECT)
    layout = tempfile.mkdtemp(prefix='retention-layout-')
    oci_images.build_layout(layout, 'v1', layers=1, layer_size=512)
    oci_images.push_direct(layout, 'v1', harbor_emulator, REPOSITORY)
    policy_id = make_policy(api, project_id, [rule('keepEverything', 1, '**')])  # Harbor stores it as sent
    execution = run_execution(api, policy_id, dry_run=False)
    assert execution['status'] == 'Error'
    task = api.get('/retentions/%d/executions/%d/tasks' % (policy_id, execution['id'])).json()[0]
    log = api.get('/retentions/%d/executions/%d/tasks/%d' % (policy_id, execution['id'], task['id'])).text
    assert task['status'] == 'Error' and 'keepEverything' in log
    assert list(oci_images.v2_tags(api.session, harbor_emulator, REPOSITORY)) == ['v1']


def test_pull_time_is_recorded_on_manifest_get(harbor_emulator):
    api = Api(harbor_emulator, harbor_emulator.admin)
    api.create_project(PROJECT)
    layout = tempfile.mkdtemp(prefix='pull-layout-')
    oci_images.build_layout(layout, 'v1', layers=1, layer_size=512)
    oci_images.push_direct(layout, 'v1', harbor_emulator, REPOSITORY)
    before = api.get('/projects/%s/repositories/app/artifacts/v1' % PROJECT).json()
    assert before['pull_time'].startswith('0001-')
    api.session.get('%s/v2/%s/manifests/v1' % (harbor_emulator.url, REPOSITORY), timeout=30,
                    headers={'Accept': oci_images.OCI_MANIFEST}).raise_for_status()
    after = api.get('/projects/%s/repositories/app/artifacts/v1' % PROJECT).json()
    assert retention_run.epoch(after['pull_time']) > time.time() - 60


@pytest.mark.parametrize('pattern, value, expected', [
    ('v*', 'v1.2', True), ('v*', 'x/v1', False), ('**', 'a/b/c', True), ('*', 'a/b', False),
    ('{main,dev}-*', 'dev-3', True), ('{main,dev}-*', 'rel-3', False), ('v?', 'v12', False), ('[0-9]*', '7x', True),
    ('', 'anything', True), ('release-[!0-9]', 'release-a', True)])
def test_doublestar(pattern, value, expected):
    assert retention_run.match(pattern, value) is expected


def test_tag_selector_untagged_handling():
    matches = {'decoration': 'matches', 'pattern': '**'}
    excludes = {'decoration': 'excludes', 'pattern': 'v*'}
    assert retention_run.tag_selected(matches, []) is True  # empty extras: matches keeps untagged
    # excludes: the flag defaults to false and is inverted, so untagged artifacts are picked unless extras say true
    assert retention_run.tag_selected(excludes, []) is True
    assert retention_run.tag_selected(dict(matches, extras='{"untagged":false}'), []) is False
    assert retention_run.tag_selected(dict(excludes, extras='{"untagged":true}'), []) is False
    assert retention_run.tag_selected(excludes, ['v1', 'main']) is True  # any tag that does not match
    assert retention_run.tag_selected(excludes, ['v1']) is False


def test_templates_and_parameters():
    at = 1000 * DAY
    artifacts = [{'digest': 'd%d' % i, 'tags': [], 'push_time': at - i * DAY, 'pull_time': at - (9 - i) * DAY if i % 2 else 0}
                 for i in range(10)]

    def pick(rule_):
        return sorted(a['digest'] for a in retention_run.evaluate(rule_, artifacts, at))
    assert pick({'template': 'latestPushedK', 'params': {'latestPushedK': 2}}) == ['d0', 'd1']
    assert pick({'template': 'latestPushedK', 'params': {'latestPushedK': 0}}) == []  # 0 is valid: keeps nothing
    assert len(pick({'template': 'latestPushedK', 'params': {'latestPushedK': -1}})) == 10  # default 10
    assert pick({'template': 'latestPulledN', 'params': {'latestPulledN': 2}}) == ['d7', 'd9']
    assert pick({'template': 'nDaysSinceLastPush', 'params': {'nDaysSinceLastPush': 2}}) == ['d0', 'd1', 'd2']
    assert pick({'template': 'nDaysSinceLastPull', 'params': {'nDaysSinceLastPull': 3}}) == ['d7', 'd9']
    assert len(pick({'template': 'always', 'params': {}})) == 10
    with pytest.raises(ValueError, match='not registered'):
        retention_run.evaluate({'template': 'lastXDays'}, artifacts)


@pytest.mark.parametrize('count, left', [(0, []), (-1, ['v1', 'v2'])])
def test_stored_counts_harbor_never_checked(harbor_emulator, count, left):
    """Why the modules refuse counts below 1: Harbor keeps nothing for 0, and falls back to 10 for a negative count."""
    api = Api(harbor_emulator, harbor_emulator.admin)
    project_id = api.create_project(PROJECT)
    layout = tempfile.mkdtemp(prefix='retention-layout-')
    for tag in ('v1', 'v2'):
        oci_images.build_layout(layout, tag, layers=1, layer_size=512)
        oci_images.push_direct(layout, tag, harbor_emulator, REPOSITORY)
    policy_id = make_policy(api, project_id, [rule('latestPushedK', count, '**')])
    assert run_execution(api, policy_id, dry_run=False)['status'] == 'Success'
    assert sorted(oci_images.v2_tags(api.session, harbor_emulator, REPOSITORY)) == left
