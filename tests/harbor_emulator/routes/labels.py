"""/labels (API_FACTS section 11).

Quirks reproduced: `scope` is mandatory on list ("invalid scope" 400) and `project_id` too when
scope=p; (name, scope, project_id) is unique (409); colour is a free string; PUT replaces
name, description and color (all three; an empty name is a 400); global labels need a sysadmin, project labels the project's admin.
"""

from .. import auth, spec
from ..errors import bad_request, conflict, not_found
from ..listing import list_response
from ..routing import created, json_response, ok, route

FIELDS = {'name': lambda r: r['name'], 'id': lambda r: r['id'], 'scope': lambda r: r['scope'],
          'project_id': lambda r: r.get('project_id', 0), 'creation_time': lambda r: r['creation_time']}
MAX_NAME = 128


def _require(req, scope, project_id):
    if scope == 'g':
        auth.require_sysadmin(req)
        return
    project = req.state.projects.get(project_id)
    if project is None:
        if not req.caller.sysadmin:
            raise auth.deny(req.caller)
        raise not_found('project %s not found' % project_id)
    auth.require_project(req, project, 'update' if req.method != 'GET' else 'read')


def _label(req):
    label = req.state.collections['labels'].get(req.args['label_id'])
    if label is None:
        raise not_found('label %s not found' % req.args['label_id'])
    _require(req, label['scope'], label.get('project_id'))
    return label


def _check_unique(state, name, scope, project_id, own_id=None):
    for other in state.find('labels', name=name, scope=scope):
        if other.get('project_id', 0) == (project_id or 0) and other['id'] != own_id:
            raise conflict('label %s already exists' % name)


def _check_name(name):
    if not name or len(name) > MAX_NAME:
        raise bad_request('label name must be 1 to %d characters' % MAX_NAME)


@route('GET', '/labels')
def list_labels(req):
    scope = req.args.get('scope')
    if scope not in ('g', 'p'):
        raise bad_request('invalid scope: %s' % scope)
    project_id = req.args.get('project_id') or 0
    if scope == 'p' and not project_id:
        raise bad_request('invalid project_id: %s' % project_id)
    auth.require_authenticated(req)
    if scope == 'p':
        _require(req, 'p', project_id)
    records = [label for label in req.state.find('labels', scope=scope) if scope == 'g' or label['project_id'] == project_id]
    if req.args.get('name'):
        records = [r for r in records if req.args['name'].lower() in r['name'].lower()]
    return list_response(req, records, FIELDS, 'name', lambda r: spec.render('Label', r))


@route('POST', '/labels')
def create_label(req):
    body = req.body
    scope = body.get('scope')
    if scope not in ('g', 'p'):
        raise bad_request('invalid scope: %s' % scope)
    name = body.get('name') or ''
    _check_name(name)
    project_id = body.get('project_id') or 0 if scope == 'p' else 0
    if scope == 'p' and not project_id:
        raise bad_request('project_id is required for a project label')
    _require(req, scope, project_id)
    _check_unique(req.state, name, scope, project_id)
    record = {'name': name, 'description': body.get('description') or '', 'color': body.get('color') or '',
              'scope': scope, 'project_id': project_id}
    label_id = req.state.add('labels', record)
    return created('%s/labels/%d' % (spec.BASE_PATH, label_id))


@route('GET', '/labels/{label_id}')
def get_label(req):
    return json_response(spec.render('Label', _label(req)))


@route('PUT', '/labels/{label_id}')
def update_label(req):
    label = _label(req)
    body = req.body
    name = body.get('name') or ''  # all three fields are replaced: a missing name is a 400
    _check_name(name)
    _check_unique(req.state, name, label['scope'], label.get('project_id'), own_id=label['id'])
    label.update(name=name, description=body.get('description') or '', color=body.get('color') or '')
    req.state.touch(label)
    return ok()


@route('DELETE', '/labels/{label_id}')
def delete_label(req):
    label = _label(req)
    del req.state.collections['labels'][label['id']]
    return ok()
