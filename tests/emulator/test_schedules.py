"""GC, purge-audit and scan-all schedule quirks (API_FACTS sections 7 and 8)."""

import json
import time


def test_gc_schedule_empty_body_then_job_parameters_json_string(api):
    response = api.get('/system/gc/schedule')
    assert response.status_code == 200 and response.content == b''
    body = {'schedule': {'type': 'Custom', 'cron': '0 0 2 * * 6'}, 'parameters': {'delete_untagged': True, 'workers': 4}}
    assert api.put('/system/gc/schedule', json=body).status_code == 200
    schedule = api.get('/system/gc/schedule').json()
    assert (schedule['schedule']['type'], schedule['schedule']['cron']) == ('Custom', '0 0 2 * * 6')
    assert isinstance(schedule['job_parameters'], str)
    # real v2.15.2: job_kind holds the cron; the parameters are the schedule's extras, never dry_run or time_window
    assert schedule['job_kind'] == '0 0 2 * * 6' and 'job_name' not in schedule
    assert json.loads(schedule['job_parameters']) == {'delete_untagged': True, 'delete_tag': False, 'workers': 4}
    body['parameters']['dry_run'] = True
    assert api.put('/system/gc/schedule', json=body).status_code == 200
    assert 'dry_run' not in json.loads(api.get('/system/gc/schedule').json()['job_parameters'])
    assert api.put('/system/gc/schedule', json={'schedule': {'type': 'None'}}).status_code == 200
    assert api.get('/system/gc/schedule').content == b''


def test_gc_refuses_bad_workers_and_cron_without_type_default(api):
    for workers in (0, 11):
        body = {'schedule': {'type': 'Daily', 'cron': '0 0 0 * * *'}, 'parameters': {'workers': workers}}
        assert api.post('/system/gc/schedule', json=body).status_code == 400
    # the server does not derive a cron from the type
    assert api.put('/system/gc/schedule', json={'schedule': {'type': 'Daily'}}).status_code == 400
    assert api.put('/system/gc/schedule', json={'schedule': {'type': 'Custom', 'cron': '0 3 * * *'}}).status_code == 400
    assert api.get('/system/gc/schedule').content == b''


def test_gc_manual_run_has_location_and_finishes(api):
    response = api.post('/system/gc/schedule', json={'schedule': {'type': 'Manual'}, 'parameters': {'dry_run': True}})
    assert response.status_code == 201
    run_id = int(response.headers['Location'].rsplit('/', 1)[-1])
    assert response.headers['Location'] == '/api/v2.0/system/gc/%d' % run_id
    # the run really collects (test_retention_gc_runs.py); with nothing pushed it ends at once
    deadline = time.monotonic() + 30
    run = api.get('/system/gc/%d' % run_id).json()
    while run['job_status'] == 'Running' and time.monotonic() < deadline:
        time.sleep(0.05)
        run = api.get('/system/gc/%d' % run_id).json()
    assert run['job_status'] == 'Success' and run['schedule']['type'] == 'Manual'
    assert [r['id'] for r in api.get('/system/gc').json()] == [run_id]
    assert api.get('/system/gc/schedule').content == b''  # a manual run is no schedule


def test_purge_requires_parameters_and_known_event_types(api):
    schedule = {'type': 'Daily', 'cron': '0 0 0 * * *'}
    assert api.put('/system/purgeaudit/schedule', json={'schedule': schedule}).status_code == 400
    bad = {'schedule': schedule, 'parameters': {'audit_retention_hour': 24, 'include_event_types': 'create_artifact,teleport'}}
    assert api.put('/system/purgeaudit/schedule', json=bad).status_code == 400
    too_long = {'schedule': schedule, 'parameters': {'audit_retention_hour': 240001, 'include_event_types': 'other'}}
    assert api.put('/system/purgeaudit/schedule', json=too_long).status_code == 400
    good = {'schedule': schedule, 'parameters': {'audit_retention_hour': 24, 'include_event_types': 'create_artifact,other'}}
    assert api.put('/system/purgeaudit/schedule', json=good).status_code == 200
    stored = api.get('/system/purgeaudit/schedule').json()
    assert json.loads(stored['job_parameters']) == good['parameters']


def test_scan_all_412_without_scanner(api):
    for method in ('get', 'put', 'post'):
        kwargs = {} if method == 'get' else {'json': {'schedule': {'type': 'Daily', 'cron': '0 0 0 * * *'}}}
        response = getattr(api, method)('/system/scanAll/schedule', **kwargs)
        assert response.status_code == 412, method
        assert 'no scanner' in api.error(response)[1]


def test_scan_all_works_at_once_with_the_built_in_trivy(harbor_emulator, api):
    # A Harbor installed with Trivy has a default scanner before anyone lists /scanners.
    harbor_emulator.set_config(with_trivy=True)
    assert api.get('/system/scanAll/schedule').status_code == 200
    body = {'schedule': {'type': 'Daily', 'cron': '0 0 0 * * *'}}
    assert api.put('/system/scanAll/schedule', json=body).status_code == 200
    assert api.get('/system/scanAll/schedule').json()['schedule']['type'] == 'Daily'
