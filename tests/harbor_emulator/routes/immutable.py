"""/projects/{p}/immutabletagrules (API_FACTS section 6).

Quirks reproduced:
- create always stores `disabled=false` (the body's value is ignored); an identical rule in the same
  project is a 409; selectors, template and action are stored as sent (no validation);
- PUT needs `id` in the body equal to the path id (400); when `disabled` differs from the stored
  value ONLY the flag is toggled and every other change in the request is ignored.
"""

import copy
import json

from .. import spec
from ..errors import bad_request, conflict, not_found
from ..listing import list_response
from ..routing import created, ok, route
from .projects import path_project

CONTENT_KEYS = ('priority', 'action', 'template', 'params', 'tag_selectors', 'scope_selectors')

FIELDS = {'id': lambda r: r['id'], 'priority': lambda r: r.get('priority', 0),
          'disabled': lambda r: r.get('disabled', False), 'creation_time': lambda r: r['creation_time']}


def _content(rule):
    return json.dumps({k: rule.get(k) for k in CONTENT_KEYS}, sort_keys=True)


def _present(rule):
    return spec.render('ImmutableRule', {k: v for k, v in rule.items() if k != 'project_id'})


def _rule(req, project):
    rule = req.state.collections['immutable_rules'].get(req.args['immutable_rule_id'])
    if rule is None or rule['project_id'] != project['id']:
        raise not_found('immutable rule %s not found' % req.args['immutable_rule_id'])
    return rule


def _check_duplicate(req, project, content, own_id=None):
    for other in req.state.find('immutable_rules', project_id=project['id']):
        if other['id'] != own_id and _content(other) == content:
            raise conflict('the immutable rule already exists in project %s' % project['name'])


@route('GET', '/projects/{project_name_or_id}/immutabletagrules')
def list_rules(req):
    project = path_project(req, 'read')
    return list_response(req, req.state.find('immutable_rules', project_id=project['id']), FIELDS, 'id', _present)


@route('POST', '/projects/{project_name_or_id}/immutabletagrules')
def create_rule(req):
    project = path_project(req, 'update')
    rule = {k: copy.deepcopy(req.body.get(k)) for k in CONTENT_KEYS if req.body.get(k) is not None}
    _check_duplicate(req, project, _content(rule))
    rule.update(project_id=project['id'], disabled=False)  # the body's disabled is ignored
    rule_id = req.state.add('immutable_rules', rule)
    return created('%s/projects/%s/immutabletagrules/%d' % (spec.BASE_PATH, req.args['project_name_or_id'], rule_id))


@route('PUT', '/projects/{project_name_or_id}/immutabletagrules/{immutable_rule_id}')
def update_rule(req):
    project = path_project(req, 'update')
    rule = _rule(req, project)
    if req.body.get('id') != rule['id']:
        raise bad_request('the id in the body must be the immutable rule id %d of the path' % rule['id'])
    disabled = bool(req.body.get('disabled'))
    if disabled != rule.get('disabled', False):
        rule['disabled'] = disabled  # a toggle: everything else in the request is ignored
    else:
        content = {k: copy.deepcopy(req.body.get(k)) for k in CONTENT_KEYS if req.body.get(k) is not None}
        _check_duplicate(req, project, _content(content), own_id=rule['id'])
        for key in CONTENT_KEYS:
            rule.pop(key, None)
        rule.update(content)
    req.state.touch(rule)
    return ok()


@route('DELETE', '/projects/{project_name_or_id}/immutabletagrules/{immutable_rule_id}')
def delete_rule(req):
    project = path_project(req, 'update')
    rule = _rule(req, project)
    del req.state.collections['immutable_rules'][rule['id']]
    return ok()
