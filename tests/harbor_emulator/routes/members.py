"""/projects/{p}/members (API_FACTS section 11): users and groups with a role, entityname exact, LDAP on-boarding."""

from .. import auth, spec
from ..errors import bad_request, conflict, not_found
from ..listing import paginate
from ..routing import created, json_response, ok, route
from .projects import path_project
from .users import onboard_group

MEMBER_MANAGERS = frozenset((1,))  # only projectAdmin (and sysadmins) may add, change or remove members


def entity_name(state, member):
    if member['entity_type'] == 'u':
        user = state.users.get(member['entity_id'])
        return user['username'] if user else ''
    group = state.collections['usergroups'].get(member['entity_id'])
    return group['group_name'] if group else ''


def present(state, member):
    return spec.render('ProjectMemberEntity', dict(member, entity_name=entity_name(state, member),
                                                   role_name=auth.ROLE_NAMES.get(member['role_id'], '')))


def _require_manager(req, project):
    if req.caller.sysadmin:
        return
    if not set(auth.project_roles(req.state, req.caller, project['id'])) & MEMBER_MANAGERS:
        raise auth.deny(req.caller)


def _role(body):
    role_id = (body or {}).get('role_id')
    if role_id not in auth.ROLE_NAMES:
        raise bad_request('Failed to update project member, role is not in 1,2,3,4,5: %s' % role_id)
    return role_id


@route('GET', '/projects/{project_name_or_id}/members')
def list_members(req):
    project = path_project(req, 'member:list')
    state = req.state
    records = sorted(state.find('members', project_id=project['id']), key=lambda m: m['id'])
    wanted = req.args.get('entityname')
    if wanted:
        records = [m for m in records if entity_name(state, m) == wanted]  # exact, case-sensitive
    page, headers = paginate(req, records)
    return json_response([present(state, m) for m in page], headers=headers)


def _member_user(req, member_user):
    state = req.state
    if member_user.get('user_id'):
        user = state.users.get(member_user['user_id'])
    else:
        user = state.find_one('users', username=member_user.get('username') or '')
    if user is None:
        raise not_found('user %s not found' % (member_user.get('user_id') or member_user.get('username')))
    return 'u', user['user_id']


def _member_group(req, member_group):
    """By id, else on-board by DN (LDAP) or by name and type (HTTP/OIDC), as Harbor's AddProjectMember does."""
    state = req.state
    if member_group.get('id'):
        group = state.collections['usergroups'].get(member_group['id'])
        if group is None:
            raise not_found('group %d not found' % member_group['id'])
        return 'g', group['id']
    if member_group.get('ldap_group_dn'):
        if state.config['auth_mode'] != 'ldap_auth':
            raise bad_request('LDAP groups can only be added when the auth mode is ldap_auth')
        spec_ = {'group_type': 1, 'ldap_group_dn': member_group['ldap_group_dn'],
                 'group_name': member_group.get('group_name')}
    else:
        spec_ = {'group_type': member_group.get('group_type') or 0, 'group_name': member_group.get('group_name')}
    group, dummy = onboard_group(state, spec_)  # stays even if adding the member fails below (Harbor's orphan)
    return 'g', group['id']


@route('POST', '/projects/{project_name_or_id}/members')
def add_member(req):
    project = path_project(req, 'member:list')
    _require_manager(req, project)
    body, state = req.body or {}, req.state
    role_id = _role(body)
    if body.get('member_user'):
        entity_type, entity_id = _member_user(req, body['member_user'])
    elif body.get('member_group'):
        entity_type, entity_id = _member_group(req, body['member_group'])
    else:
        raise bad_request('either member_user or member_group is required')
    if state.find_one('members', project_id=project['id'], entity_type=entity_type, entity_id=entity_id):
        raise conflict('The member with id %d already exists in project %d' % (entity_id, project['id']))
    member_id = state.add('members', {'project_id': project['id'], 'entity_type': entity_type,
                                      'entity_id': entity_id, 'role_id': role_id})
    return created('%s/projects/%s/members/%d' % (spec.BASE_PATH, project['id'], member_id))


def _member(req, project):
    member = req.state.collections['members'].get(req.args['mid'])
    if member is None or member['project_id'] != project['id']:
        raise not_found('project member %d not found' % req.args['mid'])
    return member


@route('GET', '/projects/{project_name_or_id}/members/{mid}')
def get_member(req):
    project = path_project(req, 'member:list')
    return json_response(present(req.state, _member(req, project)))


@route('PUT', '/projects/{project_name_or_id}/members/{mid}')
def update_member(req):
    project = path_project(req, 'member:list')
    _require_manager(req, project)
    member = _member(req, project)
    member['role_id'] = _role(req.body)
    req.state.touch(member)
    return ok()


@route('DELETE', '/projects/{project_name_or_id}/members/{mid}')
def delete_member(req):
    project = path_project(req, 'member:list')
    _require_manager(req, project)
    member = req.state.collections['members'].get(req.args['mid'])
    if member is not None and member['project_id'] == project['id']:
        del req.state.collections['members'][member['id']]
    return ok()
