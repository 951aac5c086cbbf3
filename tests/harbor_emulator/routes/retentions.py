"""/retentions (API_FACTS section 5).

Quirks reproduced:
- one policy per project: POST for a project that has one is a 400; POST sets the project's
  `metadata.retention_id` (a string), DELETE removes it;
- minimal validation, as in Harbor's v2 handler: `scope.level` must be "project" and the project
  must exist (400), at most 15 rules (400), identical rules 409, a non-empty cron must parse (400),
  trigger kind "Schedule" or "" only; templates, params, selectors, action and algorithm are
  stored as sent (a bad policy fails only when it runs);
- Harbor adds `id` and `priority` to every rule; GET returns the stored JSON otherwise as sent;
- PUT needs the policy id to be the one in the project's metadata (else 404).
"""

import copy
import json

from .. import auth, retention_run, spec
from ..errors import HarborError, bad_request, conflict, not_found
from ..listing import list_response
from ..routing import created, json_response, ok, route, text_response
from .schedules import valid_cron

MAX_RULES = 15
METADATA = {
    'templates': [
        {'rule_template': 'latestPushedK', 'display_text': 'the most recently pushed # artifacts', 'action': 'retain',
         'params': [{'type': 'int', 'unit': 'count', 'required': True}]},
        {'rule_template': 'latestPulledN', 'display_text': 'the most recently pulled # artifacts', 'action': 'retain',
         'params': [{'type': 'int', 'unit': 'count', 'required': True}]},
        {'rule_template': 'nDaysSinceLastPush', 'display_text': 'pushed within the last # days', 'action': 'retain',
         'params': [{'type': 'int', 'unit': 'days', 'required': True}]},
        {'rule_template': 'nDaysSinceLastPull', 'display_text': 'pulled within the last # days', 'action': 'retain',
         'params': [{'type': 'int', 'unit': 'days', 'required': True}]},
        {'rule_template': 'always', 'display_text': 'always', 'action': 'retain', 'params': []},
    ],
    'scope_selectors': [{'display_text': 'Repositories', 'kind': 'doublestar',
                         'decorations': ['repoMatches', 'repoExcludes']}],
    'tag_selectors': [{'display_text': 'Tags', 'kind': 'doublestar', 'decorations': ['matches', 'excludes']}],
}


def _rule_key(rule):
    return json.dumps({k: v for k, v in rule.items() if k not in ('id', 'priority')}, sort_keys=True)


def _checked(req, body):
    """The policy after Harbor's few checks, and its project. Rules are kept as sent: Harbor adds no id or
    priority (both 0, so left out of its answers; the portal sends its own)."""
    scope = body.get('scope') or {}
    if scope.get('level') != 'project':
        raise bad_request('scope level must be "project"')
    project = req.state.projects.get(scope.get('ref'))
    if project is None:
        raise bad_request('project %s not found' % scope.get('ref'))
    auth.require_project(req, project, 'update')
    rules = copy.deepcopy(body.get('rules') or [])
    if len(rules) > MAX_RULES:
        raise bad_request('only %d retention rules are allowed' % MAX_RULES)
    keys = [_rule_key(rule) for rule in rules]
    if len(set(keys)) != len(keys):
        raise conflict('duplicated rules are not allowed')
    trigger = copy.deepcopy(body.get('trigger') or {})
    if trigger.get('kind') not in (None, '', 'Schedule'):
        raise bad_request('unsupported trigger kind %s' % trigger.get('kind'))
    cron = (trigger.get('settings') or {}).get('cron') or ''
    if cron and not valid_cron(cron):
        raise bad_request('invalid cron %s' % cron)
    policy = {'algorithm': body.get('algorithm', ''), 'rules': rules, 'trigger': trigger,
              'scope': {'level': 'project', 'ref': project['id']}}
    return policy, project


def _policy(req):
    policy = req.state.collections['retentions'].get(req.args['id'])
    if policy is None:
        # GetRetention's "no such Retention policy" is not a typed error: GET answers it as a 500, DELETE wraps it
        # in a 400 (server/v2.0/handler/retention.go)
        if req.method == 'DELETE':
            raise bad_request('bad request: no such Retention policy with id %s' % req.args['id'])
        if req.method == 'GET' and req.route.template == '/retentions/{id}':
            raise HarborError(500, 'internal server error', 'UNKNOWN')
        raise not_found('retention policy %s not found' % req.args['id'])
    project = req.state.projects.get((policy.get('scope') or {}).get('ref'))
    if project is not None:
        auth.require_project(req, project, 'read')
    elif not req.caller.sysadmin:
        raise auth.deny(req.caller)
    return policy, project


def _present(policy):
    view = {k: v for k, v in policy.items() if k not in ('creation_time', 'update_time')}
    return spec.render('RetentionPolicy', view)


@route('GET', '/retentions/metadatas')
def retention_metadata(req):
    auth.require_authenticated(req)
    return json_response(spec.render('RetentionMetadata', METADATA))


@route('POST', '/retentions')
def create_retention(req):
    policy, project = _checked(req, req.body)
    existing = project['metadata'].get('retention_id')
    if existing:
        raise bad_request('project %s already has retention policy %s' % (project['name'], existing))
    policy_id = req.state.add('retentions', policy)
    project['metadata']['retention_id'] = str(policy_id)
    return created('%s/retentions/%d' % (spec.BASE_PATH, policy_id))


@route('GET', '/retentions/{id}')
def get_retention(req):
    policy, dummy = _policy(req)
    return json_response(_present(policy))


@route('PUT', '/retentions/{id}')
def update_retention(req):
    policy, project = _checked(req, req.body)
    # Harbor checks the id against the project the body names (requirePolicyAccess), not that the policy exists
    if project['metadata'].get('retention_id') != str(req.args['id']):
        raise not_found('resource not found: the retention policy id %s does not match' % req.args['id'])
    stored, dummy = _policy(req)
    stored.update(policy)
    req.state.touch(stored)
    return ok()


@route('DELETE', '/retentions/{id}')
def delete_retention(req):
    policy, project = _policy(req)
    if project is not None:
        auth.require_project(req, project, 'update')
        if project['metadata'].get('retention_id') == str(policy['id']):
            del project['metadata']['retention_id']
    del req.state.collections['retentions'][policy['id']]
    return ok()


# ----------------------------------------------------------------------------------------------
# executions (retention_run.py runs them over what the registry really holds)
#
# Harbor's handler answers 400 (not 404) when the policy does not exist, 201 with the Location
# `<request path>/<execution id>` on POST, and 400 "action should be 'stop'" for any other PATCH action.
# There is no GET of one execution: clients list the executions and pick theirs.

EXECUTION_FIELDS = {'id': lambda e: e['id'], 'start_time': lambda e: e['start_time']}
TASK_FIELDS = {'id': lambda t: t['id']}


def _execution_policy(req, action):
    policy = req.state.collections['retentions'].get(req.args['id'])
    if policy is None:
        raise bad_request('retention policy %s not found' % req.args['id'])
    project = req.state.projects.get((policy.get('scope') or {}).get('ref'))
    if project is not None:
        auth.require_project(req, project, action)
    elif not req.caller.sysadmin:
        raise auth.deny(req.caller)
    return policy


def _execution(req, policy):
    execution = req.state.collections['retention_executions'].get(req.args['eid'])
    if execution is None or execution['policy_id'] != policy['id']:
        raise not_found('retention execution %s not found' % req.args['eid'])
    return execution


@route('POST', '/retentions/{id}/executions')
def trigger_retention_execution(req):
    policy = _execution_policy(req, 'update')
    execution_id = retention_run.start(req.server, policy, (req.body or {}).get('dry_run', False))
    return created('%s/retentions/%d/executions/%d' % (spec.BASE_PATH, policy['id'], execution_id))


@route('GET', '/retentions/{id}/executions')
def list_retention_executions(req):
    policy = _execution_policy(req, 'read')
    records = req.state.find('retention_executions', policy_id=policy['id'])
    return list_response(req, records, EXECUTION_FIELDS, '-id',
                         lambda e: spec.render('RetentionExecution', {k: v for k, v in e.items() if k != 'stop'}))


@route('PATCH', '/retentions/{id}/executions/{eid}')
def operate_retention_execution(req):
    if (req.body or {}).get('action') != 'stop':
        raise bad_request("action should be 'stop'")
    execution = _execution(req, _execution_policy(req, 'update'))
    if execution['status'] == retention_run.RUNNING:
        execution['stop'] = True
    return ok()


@route('GET', '/retentions/{id}/executions/{eid}/tasks')
def list_retention_tasks(req):
    execution = _execution(req, _execution_policy(req, 'read'))
    records = req.state.find('retention_tasks', execution_id=execution['id'])
    return list_response(req, records, TASK_FIELDS, 'id',
                         lambda t: spec.render('RetentionExecutionTask', {k: v for k, v in t.items() if k != 'log'}))


@route('GET', '/retentions/{id}/executions/{eid}/tasks/{tid}')
def get_retention_task_log(req):
    execution = _execution(req, _execution_policy(req, 'read'))
    task = req.state.collections['retention_tasks'].get(req.args['tid'])
    if task is None or task['execution_id'] != execution['id']:
        raise not_found('retention task %s not found' % req.args['tid'])
    return text_response(req, task['log'])
