"""/users and /usergroups (API_FACTS section 11): local users, passwords, sysadmin flag, user groups."""

import re

from .. import auth, spec
from ..control import control
from ..errors import HarborError, bad_request, conflict, not_found
from ..listing import list_response
from ..routing import created, json_response, ok, route
from ..state import ADMIN_ID

EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+$')
USERNAME_ILLEGAL = set(',~#$%"\'')
GROUP_TYPES = {1: 'ldap', 2: 'http', 3: 'oidc'}
PASSWORD_POLICY = ('the password must be at least 8 characters long with at least 1 uppercase letter, '
                   '1 lowercase letter and 1 number')
IDENTICAL_PASSWORD = 'New password is identical to old password'


def password_ok(password):
    """Harbor's password policy: 8-128 characters, one upper, one lower, one digit."""
    return bool(8 <= len(password) <= 128 and re.search('[A-Z]', password) and re.search('[a-z]', password)
                and re.search('[0-9]', password))


def present_user(user):
    return spec.render('UserResp', dict(user, admin_role_in_auth=False))


USER_FIELDS = {
    'username': lambda u: u['username'],
    'email': lambda u: u.get('email'),
    'user_id': lambda u: u['user_id'],
    'creation_time': lambda u: u['creation_time'],
}


def _user(req):
    user = req.state.users.get(req.args['user_id'])
    if user is None:
        raise not_found('user %d not found' % req.args['user_id'])
    return user


def _check_profile(body):
    email = body.get('email') or ''
    if not email or not EMAIL_RE.match(email):
        raise bad_request('email with illegal format')
    realname = body.get('realname') or ''
    if not realname or len(realname) > 255:
        raise bad_request('realname with illegal length')
    if len(body.get('comment') or '') > 30:
        raise bad_request('comment with illegal length')


@route('GET', '/users')
def list_users(req):
    auth.require_sysadmin(req)
    # like Harbor's Users page, the list leaves out the built-in admin (id 1)
    records = [u for u in req.state.users.values() if u['user_id'] != ADMIN_ID]
    if req.args.get('username'):  # undocumented, fuzzy
        records = [u for u in records if req.args['username'].lower() in u['username'].lower()]
    return list_response(req, records, USER_FIELDS, 'user_id', present_user)


@route('POST', '/users')
def create_user(req):
    state, body = req.state, req.body
    auth.require_sysadmin(req)
    if state.config['auth_mode'] != 'db_auth':
        raise HarborError(403, 'creating local user is not allowed when the auth mode is %s' % state.config['auth_mode'])
    username = body.get('username') or ''
    if not username or len(username) > 255 or set(username) & USERNAME_ILLEGAL:
        raise bad_request('username contains illegal characters or has an illegal length')
    _check_profile(body)
    if not password_ok(body.get('password') or ''):
        raise bad_request(PASSWORD_POLICY)
    if state.find_one('users', username=username):
        raise conflict('username %s is already used' % username)
    if state.find_one('users', email=body['email']):
        raise conflict('email %s is already used' % body['email'])
    user_id = state.add('users', {'username': username, 'email': body['email'], 'realname': body['realname'],
                                  'comment': body.get('comment') or '', 'password': body['password'],
                                  'sysadmin_flag': False})
    return created('%s/users/%d' % (spec.BASE_PATH, user_id))


@route('GET', '/users/current')
def current_user(req):
    auth.require_authenticated(req)
    return json_response(present_user(req.caller.user))


@route('GET', '/users/search')
def search_users(req):
    auth.require_authenticated(req)
    wanted = (req.args.get('username') or '').lower()
    records = [u for u in req.state.users.values() if wanted in u['username'].lower()]
    return list_response(req, records, USER_FIELDS, 'user_id',
                         lambda u: spec.render('UserSearchRespItem', u))


@route('GET', '/users/{user_id}')
def get_user(req):
    user = _user(req)
    if not req.caller.sysadmin and req.caller.user_id != user['user_id']:
        raise auth.deny(req.caller)
    return json_response(present_user(user))


def _modifiable(req, user):
    """Under a non-db auth mode only admin (id 1) can be modified."""
    if req.state.config['auth_mode'] != 'db_auth' and user['user_id'] != ADMIN_ID:
        raise HarborError(403, 'only the admin user can be modified when the auth mode is %s'
                          % req.state.config['auth_mode'])


@route('PUT', '/users/{user_id}')
def update_user(req):
    user = _user(req)
    if not req.caller.sysadmin and req.caller.user_id != user['user_id']:
        raise auth.deny(req.caller)
    _modifiable(req, user)
    _check_profile(req.body)
    other = req.state.find_one('users', email=req.body['email'])
    if other and other['user_id'] != user['user_id']:
        raise conflict('email %s is already used' % req.body['email'])
    user.update(email=req.body['email'], realname=req.body['realname'], comment=req.body.get('comment') or '')
    req.state.touch(user)
    return ok()


@route('PUT', '/users/{user_id}/password')
def update_password(req):
    user = _user(req)
    own = req.caller.user_id == user['user_id']
    if not req.caller.sysadmin and not own:
        raise auth.deny(req.caller)
    _modifiable(req, user)
    new = req.body.get('new_password') or ''
    if own and req.body.get('old_password') != user['password']:
        raise HarborError(403, 'incorrect old_password')
    if not password_ok(new):
        raise bad_request(PASSWORD_POLICY)
    if new == user['password']:
        raise bad_request(IDENTICAL_PASSWORD)
    user['password'] = new
    req.state.touch(user)
    return ok()


@route('PUT', '/users/{user_id}/sysadmin')
def set_sysadmin(req):
    auth.require_sysadmin(req)
    user = _user(req)
    _modifiable(req, user)
    user['sysadmin_flag'] = bool(req.body.get('sysadmin_flag'))
    req.state.touch(user)
    return ok()


@route('DELETE', '/users/{user_id}')
def delete_user(req):
    auth.require_sysadmin(req)
    user = _user(req)
    if user['user_id'] in (ADMIN_ID, req.caller.user_id):
        raise HarborError(403, 'can not delete the admin user or yourself')
    del req.state.users[user['user_id']]
    req.state.remove_where('members', entity_type='u', entity_id=user['user_id'])
    return ok()


# ----------------------------------------------------------------------------------------------
# /usergroups and the minimal LDAP directory behind them

def ldap_group(state, dn):
    """A group of the emulated LDAP directory by DN (DNs compare case-insensitively, as in LDAP)."""
    for group in state.collections['ldap_groups'].values():
        if group['dn'].lower() == (dn or '').strip().lower():
            return group
    return None


def group_by_dn(state, dn):
    for group in state.collections['usergroups'].values():
        if group['group_type'] == 1 and group['ldap_group_dn'].lower() == (dn or '').strip().lower():
            return group
    return None


def onboard_group(state, group):
    """Create a user group (or return the existing one): Harbor's OnBoardGroup. Raises on bad input."""
    group_type = group.get('group_type') or 0
    if group_type not in GROUP_TYPES:
        raise bad_request('invalid group type %d: 1 (LDAP), 2 (HTTP) or 3 (OIDC)' % group_type)
    if group_type == 1:
        dn = (group.get('ldap_group_dn') or '').strip()
        if not dn:
            raise bad_request('ldap_group_dn is required for an LDAP group')
        entry = ldap_group(state, dn)
        if entry is None:
            raise not_found('LDAP Group DN is not found: DN:%s' % dn)
        existing = group_by_dn(state, dn)
        if existing:
            return existing, False
        name = group.get('group_name') or entry['name']
        record = {'group_name': name, 'group_type': 1, 'ldap_group_dn': dn}
    else:
        name = group.get('group_name') or ''
        if not name:
            raise bad_request('group_name is required')
        existing = state.find_one('usergroups', group_name=name, group_type=group_type)
        if existing:
            return existing, False
        record = {'group_name': name, 'group_type': group_type, 'ldap_group_dn': ''}
    group_id = state.add('usergroups', record)
    return state.collections['usergroups'][group_id], True


USERGROUP_FIELDS = {'id': lambda g: g['id'], 'group_name': lambda g: g['group_name'],
                    'group_type': lambda g: g['group_type']}


def _forced_type(state):
    return {'ldap_auth': 1, 'http_auth': 2}.get(state.config['auth_mode'])


@route('GET', '/usergroups')
def list_usergroups(req):
    auth.require_sysadmin(req)
    state, args = req.state, req.args
    records = list(state.collections['usergroups'].values())
    forced = _forced_type(state)
    if forced:
        records = [g for g in records if g['group_type'] == forced]
    if args.get('group_name'):
        records = [g for g in records if args['group_name'].lower() in g['group_name'].lower()]
    if args.get('ldap_group_dn') and state.config['auth_mode'] == 'ldap_auth':
        records = [g for g in records if g['ldap_group_dn'] == args['ldap_group_dn']]
    return list_response(req, records, USERGROUP_FIELDS, 'id', lambda g: spec.render('UserGroup', g))


@route('GET', '/usergroups/search')
def search_usergroups(req):
    auth.require_authenticated(req)
    wanted = (req.args.get('groupname') or '').lower()
    records = [g for g in req.state.collections['usergroups'].values() if wanted in g['group_name'].lower()]
    return list_response(req, records, USERGROUP_FIELDS, 'id', lambda g: spec.render('UserGroupSearchItem', g))


@route('POST', '/usergroups')
def create_usergroup(req):
    auth.require_sysadmin(req)
    body = req.body or {}
    state = req.state
    if body.get('group_type') == 1 and group_by_dn(state, body.get('ldap_group_dn')):
        raise conflict('Error occurred in add user group, duplicate user group exist')
    same_name = state.find_one('usergroups', group_name=body.get('group_name'), group_type=body.get('group_type'))
    if body.get('group_type') in (2, 3) and same_name:
        raise conflict('Error occurred in add user group, duplicate user group exist')
    group, dummy = onboard_group(state, body)
    return created('%s/usergroups/%d' % (spec.BASE_PATH, group['id']))


def _usergroup(req):
    group = req.state.collections['usergroups'].get(req.args['group_id'])
    if group is None:
        raise not_found('the user group with id %d is not found' % req.args['group_id'])
    return group


@route('GET', '/usergroups/{group_id}')
def get_usergroup(req):
    """Harbor builds this answer from the group's name, type and DN only (``GetUserGroup`` in
    ``server/v2.0/handler/usergroup.go``): no ``id``, unlike the listing."""
    auth.require_sysadmin(req)
    group = _usergroup(req)
    return json_response(spec.render('UserGroup', dict((k, group.get(k)) for k in ('group_name', 'group_type', 'ldap_group_dn'))))


@route('PUT', '/usergroups/{group_id}')
def update_usergroup(req):
    """Only group_name changes; everything else in the body is ignored."""
    auth.require_sysadmin(req)
    group = _usergroup(req)
    name = (req.body or {}).get('group_name') or ''
    if not name:
        raise bad_request('group_name cannot be empty')
    group['group_name'] = name
    req.state.touch(group)
    return ok()


@route('DELETE', '/usergroups/{group_id}')
def delete_usergroup(req):
    auth.require_sysadmin(req)
    group = _usergroup(req)
    del req.state.collections['usergroups'][group['id']]
    req.state.remove_where('members', entity_type='g', entity_id=group['id'])
    return ok()


@control('POST', 'ldap/groups')
def seed_ldap_group(server, body):
    """Add a group to the emulated LDAP directory: {"dn": "cn=devs,ou=groups,dc=example,dc=com", "name": "devs"}."""
    unknown = set(body) - {'dn', 'name'}
    if unknown or not body.get('dn'):
        raise HarborError(400, 'body {"dn": .., "name": ..}; unknown fields %s' % sorted(unknown))
    state = server.state
    with state.lock:
        if ldap_group(state, body['dn']):
            raise HarborError(409, 'LDAP group %s already exists' % body['dn'])
        name = body.get('name') or body['dn'].split(',', 1)[0].split('=', 1)[-1]
        group_id = state.add('ldap_groups', {'dn': body['dn'], 'name': name})
    return json_response({'id': group_id}, status=201)
