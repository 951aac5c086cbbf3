"""/replication/policies and /replication/executions (API_FACTS section 4)."""

import re

from .. import replication, spec
from ..auth import require_sysadmin
from ..errors import HarborError, bad_request, conflict, not_found
from ..listing import list_response
from ..routing import created, json_response, ok, route, text_response
from .registries import LOCAL_REGISTRY, find_record, named_records, present as present_registry

NAMESPACE_RE = re.compile(r'^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$')
FILTER_TYPES = ('name', 'tag', 'label', 'resource')
TRIGGER_TYPES = ('manual', 'event_based', 'scheduled')
POLICY_FIELDS = {
    'id': lambda p: p['id'],
    'name': lambda p: p['name'],
    'enabled': lambda p: p['enabled'],
    'creation_time': lambda p: p['creation_time'],
    'update_time': lambda p: p['update_time'],
}
EXECUTION_FIELDS = {
    'id': lambda e: e['id'],
    'policy_id': lambda e: e['policy_id'],
    'status': lambda e: e['status'],
    'trigger': lambda e: e['trigger'],
    'start_time': lambda e: e['start_time'],
    'end_time': lambda e: e['end_time'] or '',
}
TASK_FIELDS = {
    'id': lambda t: t['id'],
    'status': lambda t: t['status'],
    'resource_type': lambda t: t['resource_type'],
    'start_time': lambda t: t['start_time'] or '',
}


# ----------------------------------------------------------------------------------------------
# policies

def check_cron(cron):
    """Harbor's replication cron: six fields, seconds must be 0, minutes must not be '*'."""
    fields = (cron or '').split()
    if len(fields) != 6:
        raise bad_request('invalid cron string for scheduled trigger: %s' % cron)
    if fields[0] != '0':
        raise bad_request('the 1st field (indicating Seconds of time) of the cron setting must be 0')
    if fields[1] == '*':
        raise bad_request('the 2nd field (indicating Minutes of time) of the cron setting must not be \'*\'')


def _check_filters(filters):
    for item in filters:
        kind, value, decoration = item.get('type'), item.get('value'), item.get('decoration')
        if kind not in FILTER_TYPES:
            raise bad_request('invalid filter type: %s' % kind)
        if decoration and kind not in ('tag', 'label'):
            raise bad_request('the decoration is only supported by tag and label filters')
        if decoration not in (None, '', 'matches', 'excludes'):
            raise bad_request('invalid decoration: %s' % decoration)
        if kind == 'label' and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise bad_request('the value of a label filter must be a list of strings')
        if kind in ('name', 'tag') and not isinstance(value, str):
            raise bad_request('the value of a %s filter must be a string' % kind)
        if kind == 'resource' and value not in ('image', 'artifact'):
            raise bad_request('invalid resource filter value: %s' % value)


def _policy_record(state, body, policy_id=None):
    """Validate a full policy body (create or PUT: a full replace) and return the record to store."""
    name = body.get('name') or ''
    if not name:
        raise bad_request('name is required')
    src_id = (body.get('src_registry') or {}).get('id') or 0
    dest_id = (body.get('dest_registry') or {}).get('id') or 0
    if bool(src_id) == bool(dest_id):
        raise bad_request('either src_registry or dest_registry should be empty and the other one shouldn\'t be empty')
    for registry_id in (src_id, dest_id):
        if registry_id and registry_id not in state.collections['registries']:
            raise bad_request('registry %d not found' % registry_id)
    namespace = body.get('dest_namespace') or ''
    if namespace and not NAMESPACE_RE.match(namespace):
        raise bad_request('invalid destination namespace: %s' % namespace)
    count = body.get('dest_namespace_replace_count')
    filters = body.get('filters') or []
    _check_filters(filters)
    trigger = body.get('trigger')
    if trigger:
        if trigger.get('type') not in TRIGGER_TYPES:
            raise bad_request('invalid trigger type: %s' % trigger.get('type'))
        if trigger['type'] == 'scheduled':
            check_cron((trigger.get('trigger_settings') or {}).get('cron'))
        if trigger['type'] == 'event_based' and body.get('single_active_replication'):
            # Harbor returns a plain Go error here: the client sees 500
            raise HarborError(500, 'single active replication is not supported for event based triggers')
    other = state.find_one('replication_policies', name=name)
    if other is not None and other['id'] != policy_id:
        raise conflict('policy %s already exists' % name)
    speed = body.get('speed') or 0
    return {'name': name, 'description': body.get('description') or '', 'src_registry_id': src_id, 'dest_registry_id': dest_id,
            'dest_namespace': namespace, 'dest_namespace_replace_count': -1 if count is None else count,
            'trigger': trigger, 'filters': filters, 'deletion': bool(body.get('deletion')),
            'override': bool(body.get('override')), 'enabled': bool(body.get('enabled')), 'speed': max(speed, 0),
            'copy_by_chunk': bool(body.get('copy_by_chunk')),
            'single_active_replication': bool(body.get('single_active_replication'))}


def _registry_view(state, registry_id):
    if not registry_id:
        return dict(LOCAL_REGISTRY)
    registry = state.collections['registries'].get(registry_id)
    return present_registry(registry) if registry else {'id': registry_id}


def present_policy(state, policy):
    shown = dict(policy, src_registry=_registry_view(state, policy['src_registry_id']),
                 dest_registry=_registry_view(state, policy['dest_registry_id']), replicate_deletion=policy['deletion'])
    return spec.render('ReplicationPolicy', shown)


def find_policy(state, policy_id):
    return find_record(state, 'replication_policies', policy_id, 'policy')


@route('GET', '/replication/policies')
def list_policies(req):
    require_sysadmin(req)
    return list_response(req, named_records(req, 'replication_policies'), POLICY_FIELDS, '-creation_time,-id', lambda p: present_policy(req.state, p))


@route('POST', '/replication/policies')
def create_policy(req):
    require_sysadmin(req)
    record = _policy_record(req.state, req.body or {})
    policy_id = req.state.add('replication_policies', record)
    return created('%s/replication/policies/%d' % (spec.BASE_PATH, policy_id))


@route('GET', '/replication/policies/{id}')
def get_policy(req):
    require_sysadmin(req)
    return json_response(present_policy(req.state, find_policy(req.state, req.args['id'])))


@route('PUT', '/replication/policies/{id}')
def update_policy(req):
    """A full replace: what the body leaves out goes back to its zero value."""
    require_sysadmin(req)
    policy = find_policy(req.state, req.args['id'])
    policy.update(_policy_record(req.state, req.body or {}, policy['id']))
    req.state.touch(policy)
    return ok()


@route('DELETE', '/replication/policies/{id}')
def delete_policy(req):
    require_sysadmin(req)
    policy = find_policy(req.state, req.args['id'])
    running = req.state.find('replication_executions', policy_id=policy['id'], status='InProgress')
    if running:
        raise HarborError(412, 'the policy %d has running executions, can not be deleted' % policy['id'])
    for execution in req.state.find('replication_executions', policy_id=policy['id']):
        req.state.remove_where('replication_tasks', execution_id=execution['id'])
        del req.state.collections['replication_executions'][execution['id']]
    del req.state.collections['replication_policies'][policy['id']]
    return ok()


# ----------------------------------------------------------------------------------------------
# executions

def present_execution(state, execution):
    return spec.render('ReplicationExecution', dict(execution, **replication.counts(state, execution['id'])))


def find_execution(state, execution_id):
    return find_record(state, 'replication_executions', execution_id, 'execution')


@route('GET', '/replication/executions')
def list_executions(req):
    require_sysadmin(req)
    records = list(req.state.collections['replication_executions'].values())
    for key in ('policy_id', 'status', 'trigger'):
        if req.args.get(key) not in (None, ''):
            records = [e for e in records if e[key] == req.args[key]]
    return list_response(req, records, EXECUTION_FIELDS, '-id', lambda e: present_execution(req.state, e))


@route('POST', '/replication/executions')
def start_execution(req):
    require_sysadmin(req)
    policy_id = (req.body or {}).get('policy_id')
    policy = req.state.collections['replication_policies'].get(policy_id)
    if policy is None:
        raise not_found('policy %s not found' % policy_id)
    if not policy['enabled']:
        raise HarborError(412, 'the policy %d is disabled' % policy_id)
    execution_id = replication.start(req.server, policy, 'manual')
    return created('%s/replication/executions/%d' % (spec.BASE_PATH, execution_id))


@route('GET', '/replication/executions/{id}')
def get_execution(req):
    require_sysadmin(req)
    return json_response(present_execution(req.state, find_execution(req.state, req.args['id'])))


@route('PUT', '/replication/executions/{id}')
def stop_execution(req):
    """Stop: pending tasks become Stopped; an execution that already ended is left as it is."""
    require_sysadmin(req)
    execution = find_execution(req.state, req.args['id'])
    if execution['status'] == 'InProgress':
        replication.stop_execution(execution['id'])
    return ok()


@route('GET', '/replication/executions/{id}/tasks')
def list_tasks(req):
    require_sysadmin(req)
    execution = find_execution(req.state, req.args['id'])
    records = req.state.find('replication_tasks', execution_id=execution['id'])
    for key in ('status', 'resource_type'):
        if req.args.get(key):
            records = [t for t in records if t[key] == req.args[key]]
    return list_response(req, records, TASK_FIELDS, 'id', lambda t: spec.render('ReplicationTask', t))


@route('GET', '/replication/executions/{id}/tasks/{task_id}/log')
def task_log(req):
    require_sysadmin(req)
    execution = find_execution(req.state, req.args['id'])
    task = req.state.collections['replication_tasks'].get(req.args['task_id'])
    if task is None or task['execution_id'] != execution['id']:
        raise not_found('task %s not found' % req.args['task_id'])
    return text_response(req, '\n'.join(task['log']) + '\n')
