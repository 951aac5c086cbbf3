"""/robots and /permissions (API_FACTS section 2): robot accounts, their one-time secrets and strict PUT.

Harbor's rules reproduced here come from its robot handler and controller:
- create validates the name (no '+'), the duration (-1 or 1..2^31-2; 0 or omitted is a 400), the level,
  non-empty permissions and accesses, one permission for a project robot, and every (resource, action)
  against the robot permission table; `secret` and `disable` in the body are ignored;
- the answer is 201 with a Location and, unlike other creates, a `RobotCreated` body holding the only copy of
  the secret and the prefixed name (`robot$name`, `robot$project+name`);
- PUT is a full replace: name (prefixed) and level must not change, permissions are required, description and
  disable are replaced (omitted means "" and false), an omitted duration keeps the current one, and a changed
  duration recomputes expires_at from the creation time;
- PATCH sets a chosen secret (8-128 chars, upper, lower, digit) or generates one when empty.
"""

import importlib.util
import os
import re
import secrets
import string
import time

from .. import auth, spec
from ..errors import HarborError, bad_request, conflict, not_found
from ..listing import list_response, parse_q
from ..routing import json_response, ok, route

from ..validation import parse_int64

NAME_RE = re.compile(r'^[a-z0-9]+(?:[._-][a-z0-9]+)*$')
MAX_DURATION = 2 ** 31 - 1
SECRET_RULE = ('the secret must be 8-128, inclusively, characters long with at least 1 uppercase letter, '
               '1 lowercase letter and 1 number')
_ALPHABET = string.ascii_letters + string.digits
_TABLE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'plugins', 'module_utils',
                           '_robot_permissions.py')


def _load_table():
    """Harbor's robot permission table, kept once in the collection (the file imports nothing)."""
    loader = importlib.util.spec_from_file_location('harbor_robot_permissions', _TABLE_FILE)
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return module


TABLE = _load_table()
ALLOWED = {'system': TABLE.allowed(TABLE.SYSTEM), 'project': TABLE.allowed(TABLE.PROJECT)}


def valid_secret(secret):
    return bool(8 <= len(secret) <= 128 and re.search('[a-z]', secret) and re.search('[A-Z]', secret)
                and re.search('[0-9]', secret))


def generate_secret():
    while True:
        secret = ''.join(secrets.choice(_ALPHABET) for dummy in range(32))
        if valid_secret(secret):
            return secret


def _set_secret(robot, secret):
    robot['salt'] = secrets.token_hex(8)
    robot['secret_hash'] = auth.hash_secret(secret, robot['salt'])


def _expires_at(creation_epoch, duration):
    return -1 if duration == -1 else int(creation_epoch + duration * 86400)


# ----------------------------------------------------------------------------------------------
# validation and presentation

def _validate(duration, level, permissions):
    """Harbor's robotAPI.validate, in its order and with its messages."""
    if duration is None or not (duration == -1 or 0 < duration < MAX_DURATION):
        raise bad_request('bad request error duration input: %s, duration must be either -1(Never) or a positive '
                          'integer' % (0 if duration is None else duration))
    if level not in ('system', 'project'):
        raise bad_request('bad request error level input: %s' % (level or ''))
    if not permissions:
        raise bad_request('bad request empty permission')
    if any(not p.get('access') for p in permissions):
        raise bad_request('bad request empty access')
    if level == 'project' and len(permissions) > 1:
        raise bad_request('bad request permission')
    for permission in permissions:
        kind = permission.get('kind') or ''
        if kind not in ALLOWED:
            raise bad_request('bad request permission level: %s' % kind)
        for access in permission['access']:
            if (access.get('resource'), access.get('action')) not in ALLOWED[kind]:
                raise bad_request('bad request permission: %s:%s' % (access.get('resource') or '', access.get('action') or ''))


def _stored_permissions(state, permissions):
    """Harbor's toScope: system ⇒ namespace "/", project ⇒ "*" or an existing project (kept by id)."""
    stored = []
    for permission in permissions:
        namespace = permission.get('namespace') or ''
        if permission['kind'] == 'system':
            if namespace != '/':
                raise bad_request('unknown namespace')
            project_id = None
        elif namespace == '*':
            project_id = None
        else:
            project = _project_by_namespace(state, namespace)
            if project is None:
                raise not_found('project %s not found' % namespace)
            project_id = project['id']
        access = [dict((k, a[k]) for k in ('resource', 'action', 'effect') if a.get(k)) for a in permission['access']]
        stored.append({'kind': permission['kind'], 'project_id': project_id, 'all': namespace == '*', 'access': access})
    return stored


def _project_by_namespace(state, namespace):
    project = state.project_by_name(namespace)
    if project is None and parse_int64(namespace) is not None:
        project = state.projects.get(parse_int64(namespace))
    return project


def _namespace(state, permission):
    if permission['kind'] == 'system':
        return '/'
    if permission['all']:
        return '*'
    project = state.projects.get(permission['project_id'])
    return project['name'] if project else None


def full_name(state, robot):
    return state.config['robot_name_prefix'] + robot['name']


def present(state, robot):
    permissions = []
    for permission in robot['permissions']:
        namespace = _namespace(state, permission)
        if namespace is None:
            continue  # like Harbor: a deleted project's permission is no longer listed
        permissions.append({'kind': permission['kind'], 'namespace': namespace, 'access': permission['access']})
    shown = dict(robot, name=full_name(state, robot), permissions=permissions, editable=True)
    for key in ('secret_hash', 'salt', 'project_id'):
        shown.pop(key, None)
    return spec.render('Robot', shown)


def _creator(req):
    caller = req.caller
    if caller.robot is not None:
        return 'robot', caller.robot['id']
    return 'local', caller.user_id


def _require_access(req, level, project, action):
    """Harbor's requireAccess: robot:<action> in the system scope, or in the robot's project."""
    caller = req.caller
    if level == 'system':
        if caller.sysadmin:
            return
        if caller.robot is not None and auth.robot_can(req.state, caller.robot, 'system', None, 'robot', action):
            return
        raise auth.deny(caller)
    auth.require_project(req, project, 'robot:' + action)


def _within_creator(state, creator, permissions):
    """A robot may only grant a subset of its own permissions (kind, namespace, resource, action, effect)."""
    own = {}
    for permission in creator['permissions']:
        key = (permission['kind'], _namespace(state, permission))
        own.setdefault(key, set()).update((a['resource'], a['action'], a.get('effect', '')) for a in permission['access'])
    for permission in permissions:
        held = own.get((permission['kind'], permission.get('namespace')), set())
        if any((a.get('resource'), a.get('action'), a.get('effect') or '') not in held for a in permission['access']):
            return False
    return True


def _robot(req):
    robot = req.state.collections['robots'].get(req.args['robot_id'])
    if robot is None:
        raise not_found('robot %s not found' % req.args['robot_id'])
    return robot


def _robot_project(req, robot):
    if robot['level'] != 'project':
        return None
    project = req.state.projects.get(robot['project_id'])
    if project is None:
        raise not_found('project %s not found' % robot['project_id'])
    return project


# ----------------------------------------------------------------------------------------------
# routes

@route('POST', '/robots')
def create_robot(req):
    state, body = req.state, req.body
    name = body.get('name') or ''
    if not NAME_RE.match(name):
        raise bad_request('robot name is not in lower case or contains illegal characters')
    permissions = body.get('permissions') or []
    _validate(body.get('duration'), body.get('level'), permissions)
    level = body['level']
    project = None
    if level == 'project':
        namespace = permissions[0].get('namespace') or ''
        project = _project_by_namespace(state, namespace)
        if project is None:
            if not req.caller.sysadmin:
                raise auth.deny(req.caller)
            raise not_found('project %s not found' % namespace)
        if permissions[0]['kind'] != 'project':
            raise bad_request('bad request permission')
    _require_access(req, level, project, 'create')
    if req.caller.robot is not None and not _within_creator(state, req.caller.robot, permissions):
        raise HarborError(403, "permission scope is invalid. It must be equal to or more restrictive than the creator "
                               "robot's permissions: %s" % full_name(state, req.caller.robot))
    stored = _stored_permissions(state, permissions)
    stored_name = '%s+%s' % (project['name'], name) if project else name
    project_id = project['id'] if project else 0
    if state.find_one('robots', name=stored_name, project_id=project_id):
        raise conflict('robot account %s already exists' % stored_name)
    creator_type, creator_ref = _creator(req)
    duration = body['duration']
    robot_id = state.add('robots', {'name': stored_name, 'description': body.get('description') or '', 'level': level,
                                    'project_id': project_id, 'duration': duration,
                                    'expires_at': _expires_at(time.time(), duration), 'disable': False,
                                    'permissions': stored, 'creator_type': creator_type, 'creator_ref': creator_ref})
    robot = state.collections['robots'][robot_id]
    robot['creation_epoch'] = time.time()
    secret = generate_secret()
    _set_secret(robot, secret)
    created = {'id': robot_id, 'name': full_name(state, robot), 'secret': secret,
               'creation_time': robot['creation_time'], 'expires_at': robot['expires_at']}
    return json_response(spec.render('RobotCreated', created), status=201,
                         headers={'Location': '%s/robots/%d' % (spec.BASE_PATH, robot_id)})


@route('GET', '/robots')
def list_robots(req):
    state = req.state
    keywords = dict((key, value) for key, op, value in parse_q(req.args.get('q')) if op == 'exact')
    level = keywords.get('Level', 'system')
    if level not in ('system', 'project'):
        raise bad_request('bad request error level input')
    project_id = 0
    if level == 'project':
        if 'ProjectID' not in keywords:
            raise bad_request('must with project ID when to query project robots')
        project_id = parse_int64(keywords['ProjectID'])
        if project_id is None:
            raise bad_request('Project ID must be int type.')
        project = state.projects.get(project_id)
        if project is None:
            if not req.caller.sysadmin:
                raise auth.deny(req.caller)
        else:
            _require_access(req, level, project, 'list')
    else:
        _require_access(req, level, None, 'list')
    records = [r for r in state.collections['robots'].values() if r['project_id'] == project_id]
    fields = {'name': lambda r: r['name'], 'description': lambda r: r['description'], 'id': lambda r: r['id'],
              'creation_time': lambda r: r['creation_time'], 'disabled': lambda r: r['disable']}
    return list_response(req, records, fields, 'id', lambda r: present(state, r))


@route('GET', '/robots/{robot_id}')
def get_robot(req):
    robot = _robot(req)
    _require_access(req, robot['level'], _robot_project(req, robot), 'read')
    return json_response(present(req.state, robot))


@route('PUT', '/robots/{robot_id}')
def update_robot(req):
    state, body = req.state, req.body
    robot = _robot(req)
    duration = body.get('duration')
    if duration is None:
        duration = robot['duration']
    permissions = body.get('permissions') or []
    _validate(duration, body.get('level'), permissions)
    project = _robot_project(req, robot)
    if project is not None:
        namespace_project = _project_by_namespace(state, permissions[0].get('namespace') or '')
        if namespace_project is None:
            raise not_found('project %s not found' % permissions[0].get('namespace'))
        if namespace_project['id'] != project['id']:
            raise bad_request('cannot update the project id of robot')
    _require_access(req, robot['level'], project, 'update')
    if body.get('level') != robot['level'] or body.get('name') != full_name(state, robot):
        raise bad_request('cannot update the level or name of robot')
    stored = _stored_permissions(state, permissions)
    if duration != robot['duration']:
        robot['duration'] = duration
        robot['expires_at'] = _expires_at(robot['creation_epoch'], duration)
    robot['description'] = body.get('description') or ''
    robot['disable'] = bool(body.get('disable'))
    robot['permissions'] = stored
    state.touch(robot)
    return ok()


@route('PATCH', '/robots/{robot_id}')
def refresh_secret(req):
    robot = _robot(req)
    _require_access(req, robot['level'], _robot_project(req, robot), 'update')
    chosen = (req.body or {}).get('secret') or ''
    if chosen:
        if not valid_secret(chosen):
            raise bad_request(SECRET_RULE)
        _set_secret(robot, chosen)
        answer = {}
    else:
        generated = generate_secret()
        _set_secret(robot, generated)
        answer = {'secret': generated}
    req.state.touch(robot)
    return json_response(spec.render('RobotSec', answer))


@route('DELETE', '/robots/{robot_id}')
def delete_robot(req):
    robot = _robot(req)
    _require_access(req, robot['level'], _robot_project(req, robot), 'delete')
    del req.state.collections['robots'][robot['id']]
    return ok()


@route('GET', '/permissions')
def list_permissions(req):
    """System admins see both scopes, project admins only the project scope, everyone else 403."""
    state, caller = req.state, req.caller
    if caller.sysadmin:
        answer = {'system': TABLE.pairs(TABLE.SYSTEM), 'project': TABLE.pairs(TABLE.PROJECT)}
    elif caller.user is not None and state.find('members', entity_type='u', entity_id=caller.user_id, role_id=1):
        answer = {'project': TABLE.pairs(TABLE.PROJECT)}
    else:
        raise HarborError(403, 'only admins(system and project) can access permissions')
    return json_response(spec.render('Permissions', answer))


def age(state, robot_id, days):
    """Move a robot's creation (and expiry) `days` into the past: for tests of expiry."""
    robot = state.collections['robots'][robot_id]
    robot['creation_epoch'] -= days * 86400
    if robot['expires_at'] != -1:
        robot['expires_at'] = int(robot['expires_at'] - days * 86400)
    stamp = time.gmtime(robot['creation_epoch'])
    robot['creation_time'] = time.strftime('%Y-%m-%dT%H:%M:%S.000Z', stamp)
    return robot
