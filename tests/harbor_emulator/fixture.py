"""Run emulator instances as subprocesses, and the pytest fixtures built on them.

Use as a pytest plugin: `pytest_plugins = ["tests.harbor_emulator.fixture"]`.
"""

import base64
import json
import os
import select
import shutil
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import pytest

from .distribution import stop_process

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
READ_METHODS = frozenset(('GET', 'HEAD'))


class EmulatorError(RuntimeError):
    """The emulator process failed to start or a control call failed."""


class EmulatorProcess:
    """One emulator instance in its own process, driven through the control API."""

    def __init__(self):
        self.url = None
        self.ca_path = None
        self.pid = None
        self.admin = None
        self.state_dir = None
        self.database_dsn = None
        self.data_volume = None
        self._own_state_dir = False
        self._process = None
        self._stderr = None
        self._ssl_context = None

    @property
    def api(self):
        """Base URL of the Harbor API, e.g. http://127.0.0.1:PORT/api/v2.0."""
        return self.url + '/api/v2.0'

    # lifecycle ------------------------------------------------------------------------------
    def start(self, tls=False, admin_password='Harbor12345', state_dir=None, timeout=15, database_dsn=None,
              data_volume=None, port=0, password_hash_cost='free', config_cache_seconds=None):
        """Start the process. With `database_dsn` the state lives in that PostgreSQL database, with
        `data_volume` the registry storage and secret key live in that directory (persistence.py)."""
        self._own_state_dir = state_dir is None
        self.state_dir = state_dir or tempfile.mkdtemp(prefix='harbor-emulator-')
        command = [sys.executable, '-m', 'tests.harbor_emulator', '--port', str(port), '--admin-password', admin_password,
                   '--state-dir', self.state_dir] + (['--tls'] if tls else [])
        command += ['--database-dsn', database_dsn] if database_dsn else []
        command += ['--data-volume', data_volume] if data_volume else []
        command += ['--password-hash-cost', password_hash_cost]
        command += ['--config-cache-seconds', str(config_cache_seconds)] if config_cache_seconds is not None else []
        self.database_dsn, self.data_volume = database_dsn, data_volume
        self._stderr = open(os.path.join(self.state_dir, 'stderr.log'), 'w', encoding='utf-8')  # pylint: disable=consider-using-with
        self._process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE,  # pylint: disable=consider-using-with
                                         stderr=self._stderr, text=True)
        ready = select.select([self._process.stdout], [], [], timeout)[0]
        line = self._process.stdout.readline() if ready else ''
        if not line:
            self.stop()
            raise EmulatorError('the emulator did not start; see %s/stderr.log' % self.state_dir)
        info = json.loads(line)
        self.url, self.ca_path, self.pid = info['url'], info['ca_path'], info['pid']
        self.admin = ('admin', admin_password)
        self._ssl_context = ssl.create_default_context(cafile=self.ca_path) if self.ca_path else None
        return self

    def stop(self):
        stop_process(self._process)
        if self._process is not None:
            self._process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
        if self._own_state_dir and self.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)
        self._process = self._stderr = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()

    # control API ----------------------------------------------------------------------------
    def control(self, method, path, body=None):
        """Call /_emulator/<path> as admin; return the decoded JSON answer (None when empty)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request('%s/_emulator/%s' % (self.url, path), data=data, method=method)
        token = base64.b64encode(('%s:%s' % self.admin).encode()).decode()
        request.add_header('Authorization', 'Basic ' + token)
        request.add_header('Content-Type', 'application/json')
        try:
            with urllib.request.urlopen(request, timeout=30, context=self._ssl_context) as response:  # nosec B310
                payload = response.read()
        except urllib.error.HTTPError as exc:
            raise EmulatorError('%s %s -> %s %s' % (method, path, exc.code, exc.read().decode())) from None
        return json.loads(payload) if payload else None

    def log(self):
        """[{seq, method, path, query, status}] of every /api and /v2 request since the last clear."""
        return self.control('GET', 'log')

    def clear_log(self):
        self.control('DELETE', 'log')

    def auth_report(self):
        """{password_verifications, logins, logouts, sessions} since the last reset (control API calls excluded)."""
        return self.control('GET', 'auth')

    def reset_auth_report(self):
        self.control('DELETE', 'auth')

    def last_seq(self):
        entries = self.log()
        return entries[-1]['seq'] if entries else 0

    def requests_since(self, seq=0):
        return [entry for entry in self.log() if entry['seq'] > seq]

    def writes_since(self, seq=0):
        """Log entries after `seq` whose method is not GET/HEAD (a check-mode run must have none)."""
        return [entry for entry in self.requests_since(seq) if entry['method'] not in READ_METHODS]

    def fault(self, path_regex='', method=None, status=None, latency_ms=None, action=None, count=1, probability=None,
              seed=None):
        """Inject a fault on matching requests: status (e.g. 503), latency_ms, and/or action='reset' (drop the
        request unprocessed) or action='lost_answer' (process it, then drop the connection unanswered); with
        `probability` only on that share of them (count=None: for as long as the fault stays)."""
        spec = {'path_regex': path_regex, 'method': method, 'status': status, 'latency_ms': latency_ms,
                'action': action, 'count': count}
        spec.update({k: v for k, v in (('probability', probability), ('seed', seed)) if v is not None})
        self.control('POST', 'faults', spec)

    def clear_faults(self):
        self.control('DELETE', 'faults')

    def add_user(self, username, password, sysadmin=False):
        """Create a local user; returns its user id."""
        return self.control('POST', 'users', {'username': username, 'password': password, 'sysadmin': sysadmin})['user_id']

    def seed_repository(self, project, name, artifact_count=1, **extra):
        """Create repository `project/name` (extra: pull_count, size, description); returns {id, name}."""
        return self.control('POST', 'repositories', dict(extra, project=project, name=name, artifact_count=artifact_count))

    def set_artifact_times(self, repository, reference, push_time=None, pull_time=None):
        """Set an artifact's push_time/pull_time (epoch seconds or Harbor's time string); `repository` is project/name."""
        body = {'repository': repository, 'reference': reference}
        body.update((k, v) for k, v in (('push_time', push_time), ('pull_time', pull_time)) if v is not None)
        return self.control('POST', 'artifacts/times', body)

    def set_health(self, component, status, error=None):
        body = {'component': component, 'status': status}
        if error:
            body['error'] = error
        self.control('POST', 'health', body)

    def set_config(self, **config):
        """Change emulated Harbor configuration, e.g. project_creation_restriction='adminonly'."""
        self.control('PUT', 'config', config)

    def state(self):
        return self.control('GET', 'state')

    def reset(self):
        """Back to a fresh Harbor: state, faults and access log."""
        self.control('POST', 'reset')


def _session_emulator(tls):
    emulator = EmulatorProcess().start(tls=tls)
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture(scope='session')
def harbor_emulator():
    """A plain HTTP emulator shared by the session (reset before every test that uses it)."""
    yield from _session_emulator(tls=False)


@pytest.fixture(scope='session')
def harbor_emulator_tls():
    """An HTTPS emulator with its own test CA (`.ca_path`), shared by the session, reset per test."""
    yield from _session_emulator(tls=True)


@pytest.fixture
def harbor_emulator_factory():
    """Start extra instances (e.g. a DR site) for one test: factory(tls=False, admin_password=...)."""
    started = []

    def factory(**kwargs):
        started.append(EmulatorProcess().start(**kwargs))
        return started[-1]
    yield factory
    for emulator in started:
        emulator.stop()


@pytest.fixture(autouse=True)
def _harbor_emulator_clean(request):
    """Give each test a fresh emulator: reset whichever session emulators the test uses."""
    for name in ('harbor_emulator', 'harbor_emulator_tls'):
        if name in request.fixturenames:
            request.getfixturevalue(name).reset()
