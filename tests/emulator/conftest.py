"""Helpers for the emulator's own tests: a cookie-less requests session per caller."""

import http.cookiejar
import threading

import pytest
import requests

from tests.harbor_emulator.server import EmulatorServer
from tests.scanner_adapter import ScannerAdapter


class Api:
    """requests against <emulator>/api/v2.0 without a cookie jar (like the collection's client)."""

    def __init__(self, emulator, auth=None):
        self.base = emulator.api
        self.session = requests.Session()
        self.session.auth = auth
        self.session.verify = emulator.ca_path or True
        self.session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))

    def request(self, method, path, **kwargs):
        return self.session.request(method, self.base + path, timeout=30, **kwargs)

    def get(self, path, **kwargs):
        return self.request('GET', path, **kwargs)

    def head(self, path, **kwargs):
        return self.request('HEAD', path, **kwargs)

    def post(self, path, **kwargs):
        return self.request('POST', path, **kwargs)

    def put(self, path, **kwargs):
        return self.request('PUT', path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request('DELETE', path, **kwargs)

    @staticmethod
    def error(response):
        """(code, message) of Harbor's error body."""
        body = response.json()
        assert set(body) == {'errors'}
        return body['errors'][0]['code'], body['errors'][0]['message']

    def create_project(self, name, **body):
        response = self.post('/projects', json=dict(body, project_name=name))
        assert response.status_code == 201, response.text
        return int(response.headers['Location'].rsplit('/', 1)[-1])


@pytest.fixture
def api(harbor_emulator):
    return Api(harbor_emulator, harbor_emulator.admin)


@pytest.fixture
def anonymous(harbor_emulator):
    return Api(harbor_emulator)


@pytest.fixture
def client_for(harbor_emulator):
    """client_for(('user', 'password')) -> Api for another caller."""
    return lambda auth: Api(harbor_emulator, auth)


class _Emulated:
    """Just enough of EmulatorProcess for Api: an in-process server for tests that reach into State."""

    def __init__(self, server):
        self.api = server.url + '/api/v2.0'
        self.ca_path = None


@pytest.fixture
def in_process():
    """(Api as admin, State) of an emulator running in a thread of the test process."""
    server = EmulatorServer(0, 'Harbor12345')
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
    thread.start()
    yield Api(_Emulated(server), ('admin', 'Harbor12345')), server.state
    server.shutdown()
    server.server_close()


@pytest.fixture
def adapter():
    """A scanner adapter speaking Harbor's pluggable scanner API, for the scanner and scanning tests."""
    server = ScannerAdapter().start()
    yield server
    server.stop()
