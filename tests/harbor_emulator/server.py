"""The HTTP core: keep-alive server, API dispatch, CSRF trap, access log and fault injection."""

import http.cookies
import json
import http.server
import os
import random
import re
import secrets
import socket
import struct
import sys
import threading
import time
import traceback
import urllib.parse
import uuid

from . import auth, control, registry, routes, spec, validation
from .config_cache import DEFAULT_TTL, ConfigCache
from .distribution import Backend
from .errors import READ_ONLY_MESSAGE, HarborError, error_body
from .persistence import DataVolume, Store
from .routing import Request, Response, match
from .state import State

WRITE_METHODS = frozenset(('POST', 'PUT', 'PATCH', 'DELETE'))
REDACTED = '<redacted>'


class AccessLog:
    """Every /api and /v2 request in arrival order: {seq, method, path, query, status, body}.

    ``body`` is the parsed JSON body of an /api write (None otherwise), so tests can check that a
    module sent only the fields that changed.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._entries = []
        self._seq = 0

    def add(self, method, path, query, status, body=None):
        with self._lock:
            self._seq += 1
            self._entries.append({'seq': self._seq, 'method': method, 'path': path, 'query': query, 'status': status,
                                  'body': body})

    def entries(self):
        with self._lock:
            return list(self._entries)

    def clear(self):
        with self._lock:
            self._entries = []
            self._seq = 0


def _logged_body(path, body):
    """The JSON body of an API request, for the access log; None for /v2 traffic and non-JSON."""
    if not body or not path.startswith('/api/'):
        return None
    try:
        parsed = json.loads(body)
    except ValueError:
        return None
    return _redact(parsed)


SECRET_FIELDS = frozenset(('secret', 'password', 'old_password', 'new_password', 'access_secret', 'access_credential',
                           'auth_header', 'oidc_client_secret', 'ldap_search_password', 'uaa_client_secret'))


def _redact(value):
    """A copy of a JSON body with every secret field's value replaced: tests print the log, secrets stay out of it."""
    if isinstance(value, dict):
        return {k: (REDACTED if k in SECRET_FIELDS and v else _redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return value


class Faults:
    """Injected faults; each fires `count` times (None = forever) and then disappears. With `probability`
    (0 < p <= 1) a fault fires on that share of the matching requests, drawn from a generator seeded with `seed`
    (a fault campaign: the same seed gives the same draws for the same order of requests)."""

    FIELDS = frozenset(('method', 'path_regex', 'status', 'latency_ms', 'action', 'count', 'probability', 'seed'))

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []

    def add(self, spec_):
        unknown = set(spec_) - self.FIELDS
        if unknown:
            raise HarborError(400, 'unknown fault fields: %s' % ', '.join(sorted(unknown)))
        if spec_.get('action') not in (None, 'reset', 'lost_answer'):
            raise HarborError(400, 'action must be "reset" (drop the request unprocessed) or "lost_answer" '
                                   '(process it, then drop the connection without an answer)')
        if not any(spec_.get(k) is not None for k in ('status', 'latency_ms', 'action')):
            raise HarborError(400, 'a fault needs status, latency_ms or action')
        probability = spec_.get('probability')
        if probability is not None and not (isinstance(probability, (int, float)) and 0 < probability <= 1):
            raise HarborError(400, 'probability must be a number in (0, 1]')
        fault = dict(spec_, regex=re.compile(spec_.get('path_regex') or ''), rng=random.Random(spec_.get('seed')))
        with self._lock:
            self._faults.append(fault)

    def take(self, method, path):
        with self._lock:
            for fault in self._faults:
                if fault.get('method') not in (None, method) or not fault['regex'].search(path):
                    continue
                if fault.get('probability') is not None and fault['rng'].random() >= fault['probability']:
                    continue
                fault['fired'] = fault.get('fired', 0) + 1  # reported by the listing
                if fault.get('count') is not None:
                    fault['count'] -= 1
                    if fault['count'] <= 0:
                        self._faults.remove(fault)
                return fault
        return None

    def listing(self):
        with self._lock:
            return [{k: v for k, v in f.items() if k not in ('regex', 'rng')} for f in self._faults]

    def clear(self):
        with self._lock:
            self._faults = []


def drop_connection(handler):
    """Close a handler's connection with RST and no response, like a proxy that dies mid-request."""
    handler.close_connection = True
    try:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    except OSError:
        pass
    handler.connection.close()


def _cookies(headers):
    cookies = http.cookies.SimpleCookie()
    try:
        cookies.load(headers.get('Cookie') or '')
    except http.cookies.CookieError:
        return {}
    return dict((name, morsel.value) for name, morsel in cookies.items())


def _csrf_check(method, headers, token, always=False):
    """Harbor (``src/server/middleware/csrf/csrf.go``) checks the token on every write, and skips it on
    ``/api/``, ``/v2/`` and ``/service/`` only when the request carries no session cookie."""
    if method not in WRITE_METHODS or not (always or 'sid' in _cookies(headers)):
        return
    sent = headers.get('X-Harbor-CSRF-Token')
    if not sent:
        raise HarborError(403, 'CSRF token not found in request')
    if sent != token or (always and '_gorilla_csrf' not in _cookies(headers)):
        raise HarborError(403, 'CSRF token invalid')


def request_caller(server, headers):
    """Who sends this request: the user of a live ``sid`` session, else Basic credentials (each one a password
    verification for a user, as in Harbor), else nobody."""
    username = server.sessions.get(_cookies(headers).get('sid'))
    if username is not None:
        user = server.state.find_one('users', username=username)
        if user is not None:
            return auth.Caller(user)
    return auth.authenticate(server.state, headers.get('Authorization'), server.password_checks)


def handle_session(server, method, path, body, headers):
    """``POST /c/login`` (form ``principal``, ``password``; CSRF always checked) and ``GET /c/log_out``."""
    try:
        if (method, path) == ('GET', '/c/log_out'):
            sid = _cookies(headers).get('sid')
            if server.sessions.pop(sid, None) is not None:
                server.auth_stats['logouts'] += 1
            return Response(200, headers={'Set-Cookie': '_gorilla_csrf=%s; Path=/; HttpOnly' % server.csrf_cookie})
        if (method, path) == ('POST', '/c/login'):
            _csrf_check(method, headers, server.csrf_token, always=True)
            form = urllib.parse.parse_qs(body.decode('utf-8', 'replace'))
            principal, password = (form.get('principal') or [''])[0], (form.get('password') or [''])[0]
            user = auth.login_user(server.state, principal, password, server.password_checks)  # may pause 1.5 s
            if user is None:
                raise HarborError(401, 'Unauthorized')
            sid = secrets.token_hex(16)
            server.sessions[sid] = user['username']
            server.auth_stats['logins'] += 1
            return Response(200, headers={'Set-Cookie': 'sid=%s; Path=/; HttpOnly' % sid})
        raise HarborError(404, 'the path %s is not found' % path)
    except HarborError as exc:
        return Response(exc.status, error_body(exc.status, exc.message, exc.code))


def handle_api(server, method, path, raw_query, headers, body):
    """Route, validate, authenticate and run one /api/v2.0 request; always returns a Response."""
    try:
        if not path.startswith(spec.BASE_PATH + '/'):
            raise HarborError(404, 'the path %s is not found' % path)
        _csrf_check(method, headers, server.csrf_token)
        found, path_args = match(method, path[len(spec.BASE_PATH):])
        req = Request(server.state, method, path, urllib.parse.parse_qs(raw_query, keep_blank_values=True), headers, server.url)
        req.route = found
        req.server = server
        req.args = validation.validate_parameters(spec.operation(method, found.template), path_args, req.query, headers)
        req.body = validation.validate_body(method, found.template, body)
        req.caller = request_caller(server, headers)
        if (method in WRITE_METHODS and server.config().get('read_only')
                and not (method == 'PUT' and found.template == '/configurations')):
            raise HarborError(403, READ_ONLY_MESSAGE, 'DENIED')
        if not found.anonymous:
            auth.require_authenticated(req)
        if getattr(found.handler, 'unlocked', False):
            response = found.handler(req)  # it calls out over HTTP (pings, registries): it takes the lock itself
        else:
            with server.state.lock:
                response = found.handler(req)
        if method == 'GET' and req.caller.user is not None and 'sid' not in _cookies(headers):
            # Harbor hands an authenticated user a session cookie too: a client that sends it back is a
            # session client, whose writes then need the CSRF token
            sid = secrets.token_hex(16)
            server.sessions[sid] = req.caller.username
            response.headers.setdefault('Set-Cookie', 'sid=%s; Path=/; HttpOnly' % sid)
        return response
    except HarborError as exc:
        return Response(exc.status, error_body(exc.status, exc.message, exc.code))
    except Exception:  # pylint: disable=broad-except
        traceback.print_exc(file=sys.stderr)
        return Response(500, error_body(500, ''))


class Handler(http.server.BaseHTTPRequestHandler):
    """One keep-alive connection; every method goes through `_handle`."""

    protocol_version = 'HTTP/1.1'
    server_version = 'harbor-emulator'
    timeout = 300
    disable_nagle_algorithm = True  # headers and body go out in separate writes: no 40 ms delayed-ACK stalls

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            super().log_message(format, *args)

    def _read_body(self):
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b';')[0].strip() or b'0', 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    return b''.join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length > 0 else b''

    def _handle(self):
        body = self._read_body()
        parsed = urllib.parse.urlsplit(self.path)
        path, query = parsed.path, parsed.query
        if path.startswith('/c/'):
            self._send(handle_session(self.server, self.command, path, body, self.headers), api=True)
            return
        if path.startswith('/_emulator/'):
            response = control.dispatch(self.server, self.command, path, body, self.headers)
            self._send(self._written_through(response) if self.command in WRITE_METHODS else response)
            return
        v2 = path == '/v2' or path.startswith('/v2/')
        logged = path.startswith('/api/') or v2
        fault = self.server.faults.take(self.command, path) if logged else None
        if fault and fault.get('latency_ms'):
            time.sleep(fault['latency_ms'] / 1000.0)
        if fault and fault.get('action') == 'reset':
            self.server.access_log.add(self.command, path, query, None)
            self._drop_connection()
            return
        if fault and fault.get('status'):
            response = Response(fault['status'], error_body(fault['status'], 'injected fault'))
        elif v2:
            response = registry.handle_v2(self.server, self.command, path, query, self.headers, body)
        elif path == '/service/token':
            session = self.server.sessions.get(_cookies(self.headers).get('sid'))
            response = registry.handle_token(self.server, query, self.headers,
                                             request_caller(self.server, self.headers) if session else None)
        else:
            response = handle_api(self.server, self.command, path, query, self.headers, body)
        if self.command in WRITE_METHODS and (not v2 or '/manifests/' in path):
            response = self._written_through(response)
        if logged:
            self.server.access_log.add(self.command, path, query, response.status, _logged_body(path, body))
        if fault and fault.get('action') == 'lost_answer':
            self._drop_connection()  # done, but the caller never hears of it (a timeout, a proxy that died)
            return
        self._send(response, api=path.startswith('/api/'))

    def _written_through(self, response):
        """With a database, store what the request changed before answering (a failed write is a 500)."""
        try:
            self.server.persist()
        except Exception:  # pylint: disable=broad-except
            traceback.print_exc(file=sys.stderr)
            return Response(500, error_body(500, ''))
        return response

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

    def _drop_connection(self):
        drop_connection(self)

    def _send(self, response, api=False):
        self.send_response(response.status)
        headers = dict(response.headers)
        headers['X-Request-Id'] = self.headers.get('X-Request-Id') or str(uuid.uuid4())
        if response.body or response.status not in (200, 201):
            headers.setdefault('Content-Type', response.content_type)
        if api:
            headers['X-Harbor-Csrf-Token'] = self.server.csrf_token
            if self.command == 'GET' and 'sid=' not in (self.headers.get('Cookie') or '') and 'Set-Cookie' not in headers:
                headers['Set-Cookie'] = 'sid=%s; Path=/; HttpOnly' % secrets.token_hex(16)
        body = b'' if self.command == 'HEAD' else response.body
        if self.command != 'HEAD' or 'Content-Length' not in headers:  # a registry HEAD tells the blob's size
            headers['Content-Length'] = str(len(body))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(body)


class EmulatorServer(http.server.ThreadingHTTPServer):
    """One Harbor instance: state, faults, access log, optional TLS."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port=0, admin_password='Harbor12345', ssl_context=None, verbose=False, state_dir=None,
                 database_dsn=None, data_volume=None, password_hash_cost='free', config_cache_seconds=DEFAULT_TTL):
        routes.load_all()
        self.state = State(admin_password)
        # persistence (persistence.py): a Harbor-like data volume and the state in a PostgreSQL database
        if database_dsn and not data_volume:
            data_volume = os.path.join(state_dir, 'data') if state_dir else None
        self.data_volume = DataVolume(data_volume) if data_volume else None
        self.store = None
        if database_dsn:
            if self.data_volume is None:
                raise ValueError('database_dsn needs a data_volume or a state_dir (for the secret key)')
            self.store = Store(database_dsn, self.data_volume.secret_key)
            self.store.load(self.state)
        self.config_cache = ConfigCache(self.data_volume.root if self.data_volume else None, config_cache_seconds)
        super().__init__(('127.0.0.1', port), Handler)
        self.faults = Faults()
        self.access_log = AccessLog()
        self.csrf_token = secrets.token_urlsafe(24)
        self.csrf_cookie = secrets.token_urlsafe(24)
        self.sessions = {}  # sid -> username
        self.password_checks = auth.PasswordChecks(password_hash_cost)
        self.auth_stats = {'logins': 0, 'logouts': 0}
        # the real registry behind /v2/, started on first use; Harbor's <data_volume>/registry when there is one
        self.backend = Backend(state_dir, self.data_volume.registry_root if self.data_volume else None)
        self.tokens = registry.Tokens()
        self.verbose = verbose
        self.tls = ssl_context is not None
        if ssl_context is not None:
            # the handshake runs lazily in the connection's own thread, never in the accept loop
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
        self.url = '%s://127.0.0.1:%d' % ('https' if self.tls else 'http', self.server_address[1])

    def auth_report(self):
        """Password verifications, logins and logouts since the last reset, and the live sessions."""
        return dict(self.auth_stats, password_verifications=self.password_checks.count,
                    robot_secret_checks=self.password_checks.robot_count, refused_logins=self.password_checks.refused, sessions=len(self.sessions))

    def reset_auth_stats(self):
        self.auth_stats = {'logins': 0, 'logouts': 0}
        self.password_checks.clear()

    def config(self):
        """The settings as core answers and enforces them (config_cache.py: up to a minute old after a restart)."""
        return self.config_cache.view(self.state)

    def reset(self):
        self.config_cache.invalidate()
        self.sessions.clear()
        self.reset_auth_stats()
        self.state.reset()
        self.faults.clear()
        self.access_log.clear()
        self.tokens.clear()
        self.backend.reset()
        self.persist()

    def persist(self):
        """Write the state's changes to the database (nothing without one)."""
        if self.store is not None:
            self.store.save(self.state)

    def server_close(self):
        super().server_close()
        self.backend.close()
        if self.store is not None:
            try:
                self.persist()  # what background jobs changed since the last request
            finally:
                self.store.close()

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            return  # clients that go away, TLS handshakes a client refused
        super().handle_error(request, client_address)
