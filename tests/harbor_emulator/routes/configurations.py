"""/configurations and /system/CVEAllowlist (API_FACTS sections 8 and 9).

GET answers {key: {"value", "editable"}} without the password-type items; PUT is flat and partial.
"""

from .. import auth, spec
from ..control import control
from ..errors import HarborError, bad_request
from ..routing import Response, json_response, ok, route
from ..state import ADMIN_ID, now

HIDDEN = ('ldap_search_password', 'oidc_client_secret')  # password-type items: never returned
AUTH_MODES = ('db_auth', 'ldap_auth', 'uaa_auth', 'http_auth', 'oidc_auth')
AUTH_MODE_LOCKED = 'the auth mode cannot be modified as new users have been inserted into database'
POSITIVE = ('token_expiration', 'robot_token_duration', 'session_timeout')
OVERWRITE_KEY = '_config_overwrite_json'  # set through the control API: core started with CONFIG_OVERWRITE_JSON


def auth_mode_editable(state):
    return not any(user_id != ADMIN_ID for user_id in state.users)


def _editable(state, key):
    if state.config.get(OVERWRITE_KEY):
        return False
    if key == 'auth_mode':
        return auth_mode_editable(state)
    return True


@route('GET', '/configurations')
def get_configurations(req):
    auth.require_sysadmin(req)
    state = req.state
    items = {key: {'value': value, 'editable': _editable(state, key)}
             for key, value in req.server.config().items() if key not in HIDDEN and not key.startswith('_')}
    items['scan_all_policy'] = {}  # a nested model Harbor always sends, empty: the scan-all schedule is elsewhere
    return json_response(spec.render('ConfigurationsResponse', items))


@route('PUT', '/configurations')
def update_configurations(req):
    auth.require_sysadmin(req)
    state = req.state
    body = {k: v for k, v in (req.body or {}).items() if v is not None}
    if state.config.get(OVERWRITE_KEY):
        raise HarborError(403, 'configurations are managed by CONFIG_OVERWRITE_JSON and cannot be changed')
    mode = body.get('auth_mode')
    if mode is not None:
        if mode not in AUTH_MODES:
            raise bad_request('invalid auth_mode %s' % mode)
        if mode != state.config['auth_mode'] and not auth_mode_editable(state):
            raise bad_request(AUTH_MODE_LOCKED)
    for key in POSITIVE:
        if key in body and body[key] <= 0:
            raise bad_request('%s should be greater than 0' % key)
    if 'project_creation_restriction' in body and body['project_creation_restriction'] not in ('everyone', 'adminonly'):
        raise bad_request('invalid project_creation_restriction')
    for key in ('ldap_scope', 'ldap_group_search_scope'):
        if key in body and body[key] not in (0, 1, 2):
            raise bad_request('invalid %s, should be 0, 1 or 2' % key)
    if 'robot_name_prefix' in body and not body['robot_name_prefix']:
        raise bad_request('robot_name_prefix cannot be empty')
    endpoint = body.get('audit_log_forward_endpoint', state.config['audit_log_forward_endpoint'])
    if body.get('skip_audit_log_database') and not endpoint:
        raise bad_request('skip_audit_log_database requires audit_log_forward_endpoint')
    state.config.update(body)
    req.server.config_cache.invalidate()  # core's Save deletes the cached `cfgs` (config_cache.py)
    return ok()


@control('PUT', 'config/overwrite')
def set_overwrite(server, body):
    """{"enabled": true} makes every setting read-only, as CONFIG_OVERWRITE_JSON does."""
    with server.state.lock:
        server.state.config[OVERWRITE_KEY] = bool(body.get('enabled'))
        server.config_cache.invalidate()
    return Response(200)


# ----------------------------------------------------------------------------------------------
# the system CVE allowlist

def _system_allowlist(state):
    records = state.collections['system_cve_allowlist']
    if not records:
        state.add('system_cve_allowlist', {'project_id': 0, 'items': [], 'expires_at': None})
    return next(iter(records.values()))


@route('GET', '/system/CVEAllowlist')
def get_system_allowlist(req):
    auth.require_authenticated(req)
    return json_response(spec.render('CVEAllowlist', _system_allowlist(req.state)))


@route('PUT', '/system/CVEAllowlist')
def put_system_allowlist(req):
    """A full replace; empty or duplicate CVE ids are refused."""
    auth.require_sysadmin(req)
    body = req.body or {}
    seen = set()
    for item in body.get('items') or []:
        cve = (item.get('cve_id') or '').strip()
        if not cve:
            raise bad_request('empty CVE ID in allowlist')
        if cve in seen:
            raise bad_request('duplicate CVE ID in allowlist: %s' % cve)
        seen.add(cve)
    allowlist = _system_allowlist(req.state)
    allowlist['items'] = [{'cve_id': item['cve_id'].strip()} for item in body.get('items') or []]
    allowlist['expires_at'] = body.get('expires_at')
    allowlist['update_time'] = now()
    return ok()
