"""Immutable tag rule quirks (API_FACTS section 6)."""


def rule(pattern='v*', **extra):
    body = {'action': 'immutable', 'template': 'immutable_template', 'params': {},
            'tag_selectors': [{'kind': 'doublestar', 'decoration': 'matches', 'pattern': pattern}],
            'scope_selectors': {'repository': [{'kind': 'doublestar', 'decoration': 'repoMatches', 'pattern': '**'}]}}
    body.update(extra)
    return body


def create(api, project_id, body):
    response = api.post('/projects/%d/immutabletagrules' % project_id, json=body)
    assert response.status_code == 201, response.text
    return int(response.headers['Location'].rsplit('/', 1)[-1])


def listed(api, project_id):
    return api.get('/projects/%d/immutabletagrules' % project_id).json()


def test_create_ignores_disabled_and_refuses_duplicates(api):
    project_id = api.create_project('frozen')
    create(api, project_id, rule(disabled=True))
    assert listed(api, project_id)[0].get('disabled', False) is False
    assert api.post('/projects/%d/immutabletagrules' % project_id, json=rule()).status_code == 409


def test_put_toggle_ignores_other_changes(api):
    project_id = api.create_project('frozen')
    rule_id = create(api, project_id, rule())
    path = '/projects/%d/immutabletagrules/%d' % (project_id, rule_id)
    assert api.put(path, json=rule('other*', disabled=True)).status_code == 400  # no id in the body
    assert api.put(path, json=rule('other*', id=rule_id, disabled=True)).status_code == 200
    stored = listed(api, project_id)[0]
    assert stored['disabled'] is True and stored['tag_selectors'][0]['pattern'] == 'v*'  # pattern change ignored
    assert api.put(path, json=rule('other*', id=rule_id, disabled=True)).status_code == 200
    assert listed(api, project_id)[0]['tag_selectors'][0]['pattern'] == 'other*'  # same flag: content applied


def test_delete(api):
    project_id = api.create_project('frozen')
    rule_id = create(api, project_id, rule())
    assert api.delete('/projects/%d/immutabletagrules/%d' % (project_id, rule_id)).status_code == 200
    assert listed(api, project_id) == []
    assert api.delete('/projects/%d/immutabletagrules/%d' % (project_id, rule_id)).status_code == 404
