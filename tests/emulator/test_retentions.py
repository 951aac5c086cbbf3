"""Retention quirks (API_FACTS section 5)."""

import json

RULE = {'action': 'retain', 'template': 'latestPushedK', 'params': {'latestPushedK': 3},
        'tag_selectors': [{'kind': 'doublestar', 'decoration': 'matches', 'pattern': '**',
                           'extras': json.dumps({'untagged': True})}],
        'scope_selectors': {'repository': [{'kind': 'doublestar', 'decoration': 'repoMatches', 'pattern': '**'}]}}


def policy(project_id, rules=None, cron='0 0 0 * * *'):
    return {'algorithm': 'or', 'rules': rules if rules is not None else [RULE],
            'trigger': {'kind': 'Schedule', 'settings': {'cron': cron}}, 'scope': {'level': 'project', 'ref': project_id}}


def metadata(api, project_id):
    return api.get('/projects/%d' % project_id).json()['metadata']


def test_one_policy_per_project_through_retention_id(api):
    project_id = api.create_project('keep')
    response = api.post('/retentions', json=policy(project_id))
    assert response.status_code == 201 and response.content == b''
    retention_id = int(response.headers['Location'].rsplit('/', 1)[-1])
    assert metadata(api, project_id)['retention_id'] == str(retention_id)
    second = api.post('/retentions', json=policy(project_id))
    assert second.status_code == 400 and 'already has retention policy' in api.error(second)[1]
    stored = api.get('/retentions/%d' % retention_id).json()
    assert 'id' not in stored['rules'][0] and 'priority' not in stored['rules'][0]  # real Harbor adds neither
    assert stored['rules'][0]['params'] == {'latestPushedK': 3}  # numbers stay numbers
    assert api.delete('/retentions/%d' % retention_id).status_code == 200
    assert 'retention_id' not in metadata(api, project_id)
    # a policy that does not exist: GetRetention's untyped error, a 500 for GET and a 400 for DELETE (real Harbor)
    missing = api.get('/retentions/%d' % retention_id)
    assert missing.status_code == 500 and api.error(missing) == ('UNKNOWN', 'internal server error')
    gone = api.delete('/retentions/%d' % retention_id)
    assert gone.status_code == 400 and 'no such Retention policy with id %d' % retention_id in api.error(gone)[1]
    stale = api.put('/retentions/%d' % retention_id, json=policy(project_id))
    assert stale.status_code == 404 and 'does not match' in api.error(stale)[1]


def test_minimal_validation_stores_nonsense(api):
    project_id = api.create_project('lax')
    nonsense = dict(RULE, template='keepEverythingForever', params={'latestPushedK': -5}, action='purge')
    assert api.post('/retentions', json=policy(project_id, [nonsense])).status_code == 201


def test_what_harbor_does_check(api):
    project_id = api.create_project('strict')
    assert api.post('/retentions', json=dict(policy(project_id), scope={'level': 'system', 'ref': project_id})).status_code == 400
    assert api.post('/retentions', json=policy(9999)).status_code == 400
    assert api.post('/retentions', json=policy(project_id, [RULE] * 16)).status_code == 400
    assert api.post('/retentions', json=policy(project_id, [RULE, RULE])).status_code == 409
    assert api.post('/retentions', json=policy(project_id, cron='not a cron')).status_code == 400
    assert 'retention_id' not in metadata(api, project_id)
    assert api.post('/retentions', json=policy(project_id, cron='')).status_code == 201  # empty cron: no schedule


def test_put_needs_the_projects_policy(api):
    first, second = api.create_project('one'), api.create_project('two')
    one_id = int(api.post('/retentions', json=policy(first)).headers['Location'].rsplit('/', 1)[-1])
    api.post('/retentions', json=policy(second))
    assert api.put('/retentions/%d' % one_id, json=dict(policy(second), id=one_id)).status_code == 404
    changed = dict(policy(first, cron='0 0 4 * * *'), id=one_id)
    assert api.put('/retentions/%d' % one_id, json=changed).status_code == 200
    assert api.get('/retentions/%d' % one_id).json()['trigger']['settings']['cron'] == '0 0 4 * * *'


def test_metadata_lists_templates(api):
    templates = [t['rule_template'] for t in api.get('/retentions/metadatas').json()['templates']]
    assert templates == ['latestPushedK', 'latestPulledN', 'nDaysSinceLastPush', 'nDaysSinceLastPull', 'always']
