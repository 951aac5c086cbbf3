"""Who is calling and what they may do: HTTP Basic users, project roles, permission checks.

Kept as small functions on a `Caller` so robots and group members can plug in later.
"""

import base64
import binascii
import hashlib
import hmac
import threading
import time

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
    'robot:create': frozenset((1,)),
    'robot:read': frozenset((1, 4)),
    'robot:update': frozenset((1,)),
    'robot:delete': frozenset((1,)),
    'robot:list': frozenset((1, 4)),
    'repository:pull': ALL_ROLES,
    'repository:push': frozenset((1, 2, 4)),
    'scan:create': frozenset((1, 2, 4)),
    'tag:delete': frozenset((1, 4)),
}
# actions anyone (even anonymous) may do on a public project
PUBLIC_ACTIONS = frozenset(('read', 'metadata:read', 'repository:list', 'repository:read', 'repository:pull'))


class Caller:
    """The security context of one request: a user, a robot account, or nobody."""

    def __init__(self, user=None, robot=None):
        self.user = user
        self.robot = robot

    @property
    def authenticated(self):
        return self.user is not None or self.robot is not None

    @property
    def sysadmin(self):
        return bool(self.user and self.user.get('sysadmin_flag'))

    @property
    def user_id(self):
        return self.user['user_id'] if self.user else None

    @property
    def username(self):
        return self.user['username'] if self.user else None


class PasswordChecks:
    """Every verification of a user's password, counted; with ``cost='real'`` each one also spends what
    Harbor v2.15 spends: PBKDF2-HMAC-SHA256 with 600,000 iterations (``src/common/utils/encrypt.go``), which
    Harbor runs on every basic-auth request of a user and on every ``POST /c/login``."""

    ITERATIONS = 600000
    # Harbor's login lock (src/core/auth/authenticator.go, frozenTime): after a failed login of a principal,
    # every login of that name within 1.5 s is refused at once, without a password check, and the failed
    # request itself is answered only after sleeping 1.5 s. For basic auth and POST /c/login alike.
    FREEZE = 1.5

    def __init__(self, cost='free', freeze=FREEZE):
        if cost not in ('free', 'real'):
            raise ValueError("password hash cost must be 'free' or 'real'")
        self.cost = cost
        self.freeze = freeze
        self.count = 0
        self.robot_count = 0
        self.refused = 0
        self._failures = {}
        self._lock = threading.Lock()

    def locked(self, principal):
        with self._lock:
            failed = self._failures.get(principal)
        return failed is not None and time.monotonic() - failed <= self.freeze

    def clear(self):
        with self._lock:
            self.count = self.robot_count = self.refused = 0
            self._failures.clear()

    def fail(self, principal):
        """Lock the principal and pause, as Harbor does after a failed login (call it holding no other lock)."""
        with self._lock:
            self._failures[principal] = time.monotonic()
            self.refused += 1
        time.sleep(self.freeze)

    ROBOT_ITERATIONS = 4096  # robot secrets keep Harbor's legacy PBKDF2 cost

    def verify_robot(self):
        """Count a robot's secret check (every basic-auth request of a robot) and spend its real cost."""
        with self._lock:
            self.robot_count += 1
        if self.cost == 'real':
            hashlib.pbkdf2_hmac('sha256', b'secret', b'salt', self.ROBOT_ITERATIONS)

    def verify(self, user, password):
        with self._lock:
            self.count += 1
        if self.cost == 'real':
            hashlib.pbkdf2_hmac('sha256', password.encode(), user['username'].encode(), self.ITERATIONS)
        return hmac.compare_digest(user['password'].encode(), password.encode())


FREE_CHECKS = PasswordChecks()


def basic_credentials(authorization):
    """(username, password) of a Basic Authorization header, or None."""
    if not authorization or not authorization.lower().startswith('basic '):
        return None
    try:
        username, dummy, password = base64.b64decode(authorization[6:].strip()).decode().partition(':')
    except (binascii.Error, UnicodeDecodeError):
        return None
    return username, password


def login_user(state, username, password, checks=FREE_CHECKS):
    """The local user with this password, or None (what ``POST /c/login`` and basic auth check). A principal
    locked by a recent failure is refused without a check; a failure locks it and pauses (Harbor's frozenTime)."""
    if checks.locked(username):
        return None
    with state.lock:
        user = state.find_one('users', username=username)
    if user and checks.verify(user, password):
        return user
    checks.fail(username)
    return None


def authenticate(state, authorization, checks=FREE_CHECKS):
    """Resolve an Authorization header. Like Harbor, bad credentials just leave the caller anonymous."""
    credentials = basic_credentials(authorization)
    if credentials is None:
        return Caller()
    username, password = credentials
    prefix = state.config['robot_name_prefix']
    if prefix and username.startswith(prefix):
        checks.verify_robot()
        with state.lock:
            return Caller(robot=robot_login(state, username[len(prefix):], password))
    user = login_user(state, username, password, checks)
    return Caller(user) if user else Caller()


# ----------------------------------------------------------------------------------------------
# robot accounts

def hash_secret(secret, salt):
    return hashlib.sha256((salt + secret).encode()).hexdigest()


def robot_expired(robot):
    return robot['expires_at'] != -1 and robot['expires_at'] <= time.time()


def robot_login(state, stored_name, secret):
    """The robot with this stored name (``name`` or ``project+name``) and secret, or None.

    Like Harbor, a disabled or expired robot is not logged in: the caller stays anonymous (401).
    """
    robot = state.find_one('robots', name=stored_name)
    if robot is None or robot['disable'] or robot_expired(robot):
        return None
    if not hmac.compare_digest(robot['secret_hash'], hash_secret(secret, robot['salt'])):
        return None
    return robot


def robot_can(state, robot, kind, namespace_project_id, resource, action):
    """Whether a robot's permissions hold (resource, action) in the system scope or in a project."""
    for permission in robot['permissions']:
        if permission['kind'] != kind:
            continue
        if kind == 'project' and permission['project_id'] not in (None, namespace_project_id):
            continue
        for access in permission['access']:
            if access.get('effect') == 'deny':
                continue
            if access['resource'] in (resource, '*') and access['action'] in (action, '*'):
                return True
    return False


def _robot_in_project(robot, project_id):
    return any(p['kind'] == 'project' and p['project_id'] in (None, project_id) for p in robot['permissions'])


def _robot_pair(action):
    """An emulator project action ('read', 'repository:list') as Harbor's (resource, action)."""
    resource, sep, verb = action.partition(':')
    return (resource, verb) if sep else ('project', resource)


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
    if caller.robot is not None:
        robot = caller.robot
        if action in ('read', 'metadata:read') and _robot_in_project(robot, project['id']):
            return True  # a robot sees the projects its permissions cover
        return robot_can(state, robot, 'project', project['id'], *_robot_pair(action))
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


def require_system(req, resource, action):
    """A system-scope action that every user may do (create a project): robots need it in their permissions."""
    caller = req.caller
    if caller.robot is not None and not robot_can(req.state, caller.robot, 'system', None, resource, action):
        raise deny(caller)
