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

from .. import auth, spec
from ..errors import bad_request, conflict, not_found
from ..routing import created, json_response, ok, route
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
    """The policy after Harbor's few checks, with rule ids and priorities added; and its project."""
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
    for number, rule in enumerate(rules, 1):
        rule['id'] = number
        rule['priority'] = number
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
    stored, dummy = _policy(req)
    policy, project = _checked(req, req.body)
    if project['metadata'].get('retention_id') != str(stored['id']):
        raise not_found('retention policy %s does not belong to project %s' % (stored['id'], project['name']))
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
