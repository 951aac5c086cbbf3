"""System schedules: GC, audit-log purge and scan-all (API_FACTS sections 7 and 8).

Quirks reproduced:
- GET .../schedule answers 200 with an EMPTY body when nothing is scheduled;
- GC and purge answer a GCHistory/ExecHistory whose `job_parameters` is a JSON string;
- a manual GC really runs (gc_run.py): untagged artifacts, blobs, freed bytes in job_parameters and the log;
- GC and purge: POST and PUT behave the same; `Manual` starts a run (POST answers its Location);
  periodic types need a valid 6-field cron (the server never derives one from the type);
- GC `workers` must be 1..10 (400); purge requires `audit_retention_hour` (<= 240000) and
  `include_event_types` (known event types) in every POST/PUT;
- scan-all: every endpoint answers 412 while no default scanner exists; POST with a periodic type
  is 412 when a schedule exists, POST `None` is a no-op 201; PUT `Manual` is 400, PUT `None` removes
  the schedule, PUT periodic creates or updates it.
"""

import json
import re
import time

from .. import artifact_events, auth, gc_run, spec
from ..errors import HarborError, bad_request
from ..listing import list_response
from ..routing import Response, created, json_response, ok, route, text_response
from .scanners import _ensure_trivy

GC, PURGE, SCAN_ALL = 'GARBAGE_COLLECTION', 'PURGE_AUDIT_LOG', 'SCAN_ALL'
PERIODIC = ('Hourly', 'Daily', 'Weekly', 'Custom')
RUN_SECONDS = 0.5  # a manual run reports Running for this long, then Success
AUDIT_EVENT_TYPES = ('create_artifact', 'delete_artifact', 'pull_artifact', 'create_project', 'delete_project',
                     'delete_repository', 'login_user', 'logout_user', 'create_user', 'delete_user', 'update_user',
                     'create_robot', 'delete_robot', 'update_configuration', 'create_member', 'delete_member',
                     'update_member', 'update_project', 'other')
MAX_AUDIT_RETENTION_HOURS = 240000
_CRON_FIELD = re.compile(r'^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?)*$')


def valid_cron(cron):
    """robfig/cron with seconds: six fields of numbers, names, ranges, lists and steps."""
    fields = (cron or '').split()
    return len(fields) == 6 and all(_CRON_FIELD.match(f) for f in fields)


def _schedule(state, vendor):
    return state.find_one('schedules', vendor=vendor)


def _history_view(record, vendor, kind):
    return {'id': record['id'], 'job_name': vendor, 'job_kind': kind,
            'job_parameters': json.dumps(record.get('parameters') or {}, sort_keys=True, separators=(',', ':')),
            'schedule': {'type': record['type'], 'cron': record.get('cron') or ''},
            'job_status': record.get('status', ''), 'deleted': False,
            'creation_time': record['creation_time'], 'update_time': record['update_time']}


def _run_status(record):
    if record['status'] == 'Running' and not record.get('real') and time.time() - record['started'] >= RUN_SECONDS:
        record['status'] = 'Success'
    return record


def _kick(req, vendor, body, parameters):
    """GC and purge: Manual runs now, None removes, periodic types replace the schedule."""
    state = req.state
    kind = (body.get('schedule') or {}).get('type')
    cron = (body.get('schedule') or {}).get('cron') or ''
    if kind == 'Manual':
        if vendor == GC:
            parameters = _gc_run_parameters(parameters)
        run_id = state.add('exec_history', {'vendor': vendor, 'type': 'Manual', 'parameters': parameters,
                                            'status': 'Running', 'started': time.time()})
        if vendor == GC:
            gc_run.start(req.server, state.collections['exec_history'][run_id])  # really collects (gc_run.py)
        path = '/system/gc/%d' if vendor == GC else '/system/purgeaudit/%d'
        return run_id, path
    if kind in PERIODIC and not valid_cron(cron):
        raise bad_request('invalid cron expression %r: 6 fields, seconds first' % cron)
    if kind in PERIODIC or kind == 'None':
        state.remove_where('schedules', vendor=vendor)
    if kind in PERIODIC:
        state.add('schedules', {'vendor': vendor, 'type': kind, 'cron': cron, 'parameters': parameters})
    return None, None


def _gc_parameters(body):
    parameters = dict(body.get('parameters') or {})
    workers = parameters.get('workers', 1)
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= 10:
        raise bad_request('Error: Invalid number of workers:%s. Workers must be greater than 0 and less than or equal to 10.'
                          % workers)
    for key in ('delete_untagged', 'dry_run', 'delete_tag'):
        if key in parameters and not isinstance(parameters[key], bool):
            raise bad_request('invalid parameter %s: a boolean is expected' % key)
    return parameters


def _gc_run_parameters(parameters):
    """What a GC run records (``controller/gc/controller.go``, Start): every flag, and ``time_window``, which
    ``kick`` in ``handler/gc.go`` sets to 2 hours whatever the caller sent."""
    return {'delete_untagged': bool(parameters.get('delete_untagged', False)),
            'delete_tag': bool(parameters.get('delete_tag', False)),
            'dry_run': bool(parameters.get('dry_run', False)),
            'workers': parameters.get('workers', 0), 'time_window': 2}


def _purge_parameters(body):
    parameters = dict(body.get('parameters') or {})
    hours = parameters.get('audit_retention_hour')
    if isinstance(hours, bool) or not isinstance(hours, int):
        raise bad_request('audit_retention_hour should be provided and be an integer')
    if hours > MAX_AUDIT_RETENTION_HOURS:
        raise bad_request('audit_retention_hour should be less than or equal to %d' % MAX_AUDIT_RETENTION_HOURS)
    events = parameters.get('include_event_types')
    if not isinstance(events, str):
        raise bad_request('include_event_types should be provided as a comma-separated string')
    unknown = [e for e in events.split(',') if e and e.strip().lower() not in AUDIT_EVENT_TYPES]
    if unknown:
        raise bad_request('unknown event types: %s' % ','.join(unknown))
    return parameters


# ----------------------------------------------------------------------------------------------
# GC

def _schedule_view(record, vendor):
    """A schedule as Harbor renders it (``GCSchedule.ToSwagger`` in ``server/v2.0/handler/model/gc.go``,
    ``GetPurgeSchedule`` in ``handler/purge.go``): no job name, ``job_kind`` holds the cron. GC shows only the
    schedule's extra attributes, ``delete_untagged``, ``delete_tag`` and ``workers``
    (``controller/gc/controller.go``, CreateSchedule): ``dry_run`` is stored and applied to every scheduled run
    but never shown, and ``time_window`` is added only when a run starts. Purge shows the parameters as sent."""
    view = _history_view(record, vendor, record.get('cron') or '')
    view['job_name'] = ''
    parameters = record.get('parameters') or {}
    if vendor == GC:
        parameters = {'delete_untagged': bool(parameters.get('delete_untagged', False)),
                      'delete_tag': bool(parameters.get('delete_tag', False)),
                      'workers': parameters.get('workers', 0)}
    view['job_parameters'] = json.dumps(parameters, sort_keys=True, separators=(',', ':'))
    return view


def _get_schedule(req, vendor, definition):
    """GC and purge: the schedule as a GCHistory/ExecHistory, or 200 with an empty body when there is none."""
    auth.require_sysadmin(req)
    record = _schedule(req.state, vendor)
    if record is None:
        return Response(200, b'')
    return json_response(spec.render(definition, _schedule_view(record, vendor)))


def _write_schedule(req, vendor, parameters, status):
    """GC and purge: POST (201) and PUT (200) do the same; a Manual POST answers the run's Location."""
    auth.require_sysadmin(req)
    run_id, path = _kick(req, vendor, req.body, parameters(req.body))
    if run_id is not None and status == 201:
        return created(spec.BASE_PATH + path % run_id)
    return Response(status)


@route('GET', '/system/gc/schedule')
def get_gc_schedule(req):
    return _get_schedule(req, GC, 'GCHistory')


@route('POST', '/system/gc/schedule')
def create_gc_schedule(req):
    return _write_schedule(req, GC, _gc_parameters, 201)


@route('PUT', '/system/gc/schedule')
def update_gc_schedule(req):
    return _write_schedule(req, GC, _gc_parameters, 200)


HISTORY_FIELDS = {
    'id': lambda r: r['id'],
    'job_status': lambda r: r['status'],
    'creation_time': lambda r: r['creation_time'],
    'update_time': lambda r: r['update_time'],
}


def _history(req, vendor):
    auth.require_sysadmin(req)
    records = [_run_status(r) for r in req.state.find('exec_history', vendor=vendor)]
    return list_response(req, records, HISTORY_FIELDS, '-creation_time,-id',
                         lambda r: spec.render('GCHistory', _history_view(r, vendor, 'MANUAL')))


def _one_run(req, vendor, key):
    auth.require_sysadmin(req)
    record = req.state.collections['exec_history'].get(req.args[key])
    if record is None or record['vendor'] != vendor:
        raise HarborError(404, 'execution %s not found' % req.args[key])
    return _run_status(record)


@route('GET', '/system/gc')
def list_gc(req):
    return _history(req, GC)


@route('GET', '/system/gc/{gc_id}')
def get_gc(req):
    return json_response(spec.render('GCHistory', _history_view(_one_run(req, GC, 'gc_id'), GC, 'MANUAL')))


@route('GET', '/system/gc/{gc_id}/log')
def get_gc_log(req):
    record = _one_run(req, GC, 'gc_id')
    text = record.get('log') or 'start to run gc in job.\n'
    return text_response(req, text)


@route('PUT', '/system/gc/{gc_id}')
def stop_gc(req):
    record = _one_run(req, GC, 'gc_id')
    if record['status'] == 'Running':
        record['status'] = 'Stopped'
    return ok()


# ----------------------------------------------------------------------------------------------
# audit-log purge

@route('GET', '/system/purgeaudit/schedule')
def get_purge_schedule(req):
    return _get_schedule(req, PURGE, 'ExecHistory')


@route('POST', '/system/purgeaudit/schedule')
def create_purge_schedule(req):
    return _write_schedule(req, PURGE, _purge_parameters, 201)


@route('PUT', '/system/purgeaudit/schedule')
def update_purge_schedule(req):
    return _write_schedule(req, PURGE, _purge_parameters, 200)


@route('GET', '/system/purgeaudit')
def list_purge(req):
    return _history(req, PURGE)


@route('GET', '/system/purgeaudit/{purge_id}')
def get_purge(req):
    return json_response(spec.render('ExecHistory', _history_view(_one_run(req, PURGE, 'purge_id'), PURGE, 'MANUAL')))


# ----------------------------------------------------------------------------------------------
# scan-all

def _require_scanner(req):
    auth.require_sysadmin(req)
    _ensure_trivy(req.state)  # a Harbor installed with Trivy has its default scanner from the start
    if req.state.find_one('scanners', is_default=True) is None:
        raise HarborError(412, 'no scanner is configured, it is not possible to scan')


@route('GET', '/system/scanAll/schedule')
def get_scan_all_schedule(req):
    _require_scanner(req)
    record = _schedule(req.state, SCAN_ALL)
    if record is None:
        return Response(200, b'')
    view = {'id': record['id'], 'status': 'Scheduled', 'schedule': {'type': record['type'], 'cron': record['cron']},
            'parameters': {}, 'creation_time': record['creation_time'], 'update_time': record['update_time']}
    return json_response(spec.render('Schedule', view))


def _scan_all_schedule(req):
    schedule = req.body.get('schedule') or {}
    kind, cron = schedule.get('type'), schedule.get('cron') or ''
    if kind in PERIODIC and not valid_cron(cron):
        raise bad_request('invalid cron expression %r: 6 fields, seconds first' % cron)
    return kind, cron


@route('POST', '/system/scanAll/schedule')
def create_scan_all_schedule(req):
    _require_scanner(req)
    state = req.state
    kind, cron = _scan_all_schedule(req)
    if kind == 'Manual':
        if state.find('exec_history', vendor=SCAN_ALL, status='Running'):
            raise HarborError(409, 'a previous scan all job is running')
        state.add('exec_history', {'vendor': SCAN_ALL, 'type': 'Manual', 'parameters': {}, 'status': 'Running',
                                   'started': time.time()})
        artifact_events.scan_all(req.server, req.caller.username)  # really scans every artifact
    elif kind in PERIODIC:
        if _schedule(state, SCAN_ALL) is not None:
            raise HarborError(412, 'fail to set schedule for scan all as always had one, please delete it firstly '
                                   'then to re-schedule')
        state.add('schedules', {'vendor': SCAN_ALL, 'type': kind, 'cron': cron})
    return Response(201)


@route('PUT', '/system/scanAll/schedule')
def update_scan_all_schedule(req):
    _require_scanner(req)
    state = req.state
    kind, cron = _scan_all_schedule(req)
    if kind == 'Manual':
        raise bad_request('fail to update scan all schedule as wrong schedule type: %s' % kind)
    current = _schedule(state, SCAN_ALL)
    if kind == 'None':
        state.remove_where('schedules', vendor=SCAN_ALL)
    elif kind in PERIODIC and not (current and current['type'] == kind and current['cron'] == cron):
        state.remove_where('schedules', vendor=SCAN_ALL)
        state.add('schedules', {'vendor': SCAN_ALL, 'type': kind, 'cron': cron})
    return ok()
