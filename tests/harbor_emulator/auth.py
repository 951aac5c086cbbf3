"""Who is calling and what they may do: HTTP Basic users, project roles, permission checks.

Kept as small functions on a `Caller` so robots and group members can plug in later.
"""

import base64
import binascii
import hmac

from .errors import HarborError

ROLE_NAMES = {1: 'projectAdmin', 2: 'developer', 3: 'guest', 4: 'maintainer', 5: 'limitedGuest'}
ALL_ROLES = frozenset(ROLE_NAMES)
# project action -> roles allowed to do it (sysadmins may do everything)
PROJECT_PERMISSIONS = {
    'read': ALL_ROLES,
    'update': frozenset((1,)),
    'delete': frozenset((1,)),
    'metadata:read': ALL_ROLES,
    'metadata:update': frozenset((1,)),
    'quota:read': ALL_ROLES,
    'member:list': frozenset((1, 2, 3, 4)),
    'repository:list': ALL_ROLES,
    'repository:read': ALL_ROLES,
    'repository:delete': frozenset((1, 4)),
    'repository:pull': ALL_ROLES,
    'repository:push': frozenset((1, 2, 4)),
}
# actions anyone (even anonymous) may do on a public project
PUBLIC_ACTIONS = frozenset(('read', 'metadata:read', 'repository:list', 'repository:read', 'repository:pull'))


class Caller:
    """The security context of one request."""

    def __init__(self, user=None):
        self.user = user

    @property
    def authenticated(self):
        return self.user is not None

    @property
    def sysadmin(self):
        return bool(self.user and self.user.get('sysadmin_flag'))

    @property
    def user_id(self):
        return self.user['user_id'] if self.user else None

    @property
    def username(self):
        return self.user['username'] if self.user else None


def authenticate(state, authorization):
    """Resolve an Authorization header. Like Harbor, bad credentials just leave the caller anonymous."""
    if not authorization or not authorization.lower().startswith('basic '):
        return Caller()
    try:
        username, dummy, password = base64.b64decode(authorization[6:].strip()).decode().partition(':')
    except (binascii.Error, UnicodeDecodeError):
        return Caller()
    user = state.find_one('users', username=username)
    if user and hmac.compare_digest(user['password'].encode(), password.encode()):
        return Caller(user)
    return Caller()


def project_roles(state, caller, project_id):
    if not caller.authenticated:
        return []
    return sorted(m['role_id'] for m in state.find('members', project_id=project_id, entity_type='u', entity_id=caller.user_id))


def is_public(project):
    return project['metadata'].get('public') == 'true'


def can(state, caller, project, action):
    if caller.sysadmin:
        return True
    if action in PUBLIC_ACTIONS and is_public(project):
        return True
    return bool(set(project_roles(state, caller, project['id'])) & PROJECT_PERMISSIONS[action])


def deny(caller):
    """401 for anonymous callers, 403 for authenticated ones (Harbor's rule)."""
    if not caller.authenticated:
        return HarborError(401, 'UnAuthorized')
    return HarborError(403, 'FORBIDDEN')


def require_project(req, project, action):
    if not can(req.state, req.caller, project, action):
        raise deny(req.caller)


def require_authenticated(req):
    if not req.caller.authenticated:
        raise deny(req.caller)


def require_sysadmin(req):
    if not req.caller.sysadmin:
        raise deny(req.caller)
