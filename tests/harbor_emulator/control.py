"""The emulator's own control API under /_emulator/ (admin Basic auth; never in the access log)."""

import datetime
import json

from . import auth
from .errors import HarborError, error_body
from .routing import Response, json_response
from .state import DEFAULT_CONFIG, HEALTH_COMPONENTS

CONTROL = {}


def control(method, path):
    def decorator(func):
        CONTROL[(method, '/_emulator/' + path)] = func
        return func
    return decorator


def _fields(body, required, optional=()):
    unknown = set(body) - set(required) - set(optional)
    missing = [name for name in required if body.get(name) in (None, '')]
    if unknown or missing:
        raise HarborError(400, 'unknown fields %s, missing fields %s' % (sorted(unknown), missing))
    return body


@control('GET', 'log')
def get_log(server, _body):
    return json_response(server.access_log.entries())


@control('DELETE', 'log')
def clear_log(server, _body):
    server.access_log.clear()
    return Response(200)


@control('GET', 'faults')
def list_faults(server, _body):
    return json_response(server.faults.listing())


@control('POST', 'faults')
def add_fault(server, body):
    server.faults.add(body)
    return Response(201)


@control('DELETE', 'faults')
def clear_faults(server, _body):
    server.faults.clear()
    return Response(200)


@control('POST', 'users')
def add_user(server, body):
    _fields(body, ('username', 'password'), ('sysadmin', 'email', 'realname'))
    state = server.state
    with state.lock:
        if state.find_one('users', username=body['username']):
            raise HarborError(409, 'user %s already exists' % body['username'])
        user_id = state.add('users', {'username': body['username'], 'password': body['password'],
                                      'sysadmin_flag': bool(body.get('sysadmin')),
                                      'email': body.get('email') or '%s@example.com' % body['username'],
                                      'realname': body.get('realname') or body['username'], 'comment': ''})
    return json_response({'user_id': user_id}, status=201)


@control('POST', 'repositories')
def seed_repository(server, body):
    _fields(body, ('project', 'name'), ('artifact_count', 'pull_count', 'size', 'description'))
    state = server.state
    with state.lock:
        project = state.project_by_name(str(body['project']))
        if project is None and str(body['project']).isdigit():
            project = state.projects.get(int(body['project']))
        if project is None:
            raise HarborError(404, 'project %s not found' % body['project'])
        full_name = '%s/%s' % (project['name'], body['name'])
        if state.find_one('repositories', name=full_name):
            raise HarborError(409, 'repository %s already exists' % full_name)
        repo_id = state.add('repositories', {'project_id': project['id'], 'name': full_name,
                                             'description': body.get('description', ''),
                                             'artifact_count': int(body.get('artifact_count') or 0),
                                             'pull_count': int(body.get('pull_count') or 0),
                                             'size': int(body.get('size') or 0)})
    return json_response({'id': repo_id, 'name': full_name}, status=201)


def _stamp(value):
    """A time for an artifact: Harbor's string as is, or epoch seconds turned into Harbor's format."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise HarborError(400, 'times are epoch seconds or strings like 2026-11-23T10:12:44.512Z')
    if isinstance(value, str):
        return value
    stamp = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    return stamp.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (stamp.microsecond // 1000)


@control('POST', 'artifacts/times')
def set_artifact_times(server, body):
    """Set the push_time and/or pull_time of an artifact (by tag or digest) that was really pushed."""
    _fields(body, ('repository', 'reference'), ('push_time', 'pull_time'))
    state = server.state
    with state.lock:
        repository = state.find_one('repositories', name=body['repository'])
        artifact = None
        for candidate in state.find('artifacts', repository_id=repository['id']) if repository else []:
            if candidate['digest'] == body['reference'] or any(t['name'] == body['reference'] for t in candidate['tags']):
                artifact = candidate
        if artifact is None:
            raise HarborError(404, 'artifact %s:%s not found' % (body['repository'], body['reference']))
        if body.get('push_time') is not None:
            artifact['push_time'] = _stamp(body['push_time'])
            for tag in artifact['tags']:
                tag['push_time'] = artifact['push_time']
        if body.get('pull_time') is not None:
            artifact['pull_time'] = _stamp(body['pull_time'])
        return json_response({'digest': artifact['digest'], 'push_time': artifact['push_time'],
                              'pull_time': artifact.get('pull_time')})


@control('POST', 'health')
def set_health(server, body):
    _fields(body, ('component', 'status'), ('error',))
    if body['component'] not in HEALTH_COMPONENTS or body['status'] not in ('healthy', 'unhealthy'):
        raise HarborError(400, 'component must be one of %s, status healthy|unhealthy' % (HEALTH_COMPONENTS,))
    with server.state.lock:
        unhealthy = body['status'] == 'unhealthy'
        server.state.health[body['component']] = (body.get('error') or 'unhealthy') if unhealthy else ''
    return Response(200)


@control('PUT', 'config')
def set_config(server, body):
    _fields(body, (), DEFAULT_CONFIG)
    with server.state.lock:
        server.state.config.update(body)
        server.config_cache.invalidate()
    return Response(200)


@control('GET', 'state')
def get_state(server, _body):
    return json_response(server.state.snapshot())


@control('POST', 'reset')
def reset(server, _body):
    server.reset()
    return Response(200)


@control('GET', 'auth')
def auth_report(server, _body):
    """What authentication cost: password verifications (each one PBKDF2 in Harbor), logins, logouts, sessions."""
    return json_response(server.auth_report())


@control('DELETE', 'auth')
def reset_auth_report(server, _body):
    server.reset_auth_stats()
    return Response(200)


def dispatch(server, method, path, raw_body, headers):
    """Run one control request; only the built-in admin may use the control API."""
    try:
        caller = auth.authenticate(server.state, headers.get('Authorization'))
        if caller.user_id != 1:
            raise HarborError(401, 'the control API needs the admin user')
        handler = CONTROL.get((method, path.rstrip('/')))
        if handler is None:
            raise HarborError(404, 'no control endpoint %s %s' % (method, path))
        try:
            body = json.loads(raw_body) if raw_body.strip() else {}
        except ValueError as exc:
            raise HarborError(400, 'invalid JSON: %s' % exc) from None
        if not isinstance(body, dict):
            raise HarborError(400, 'the body must be a JSON object')
        return handler(server, body)
    except HarborError as exc:
        return Response(exc.status, error_body(exc.status, exc.message))
