"""The recording proxy that stands in front of a real Harbor: it forwards requests unchanged and injects faults."""

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.harbor_emulator.recording_proxy import RecordingProxy


class _Echo(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    seen = []

    def log_message(self, *args):
        pass

    def _answer(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        _Echo.seen.append((self.command, self.path, body))
        payload = json.dumps({'accept': self.headers.get_all('Accept') or [], 'host': self.headers['Host']}).encode()
        self.send_response(201 if self.command == 'POST' else 200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer


@pytest.fixture
def proxied():
    upstream = ThreadingHTTPServer(('127.0.0.1', 0), _Echo)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    _Echo.seen = []
    proxy = RecordingProxy('http://127.0.0.1:%d' % upstream.server_address[1]).start()
    yield proxy, upstream
    proxy.stop()
    upstream.shutdown()


def test_repeated_headers_reach_harbor_unchanged(proxied):
    # Harbor's registry client sends one Accept header per manifest type; the proxy once kept only the last,
    # and Harbor then answered "OCI manifest found, but accept header does not support OCI manifests"
    proxy, upstream = proxied
    connection = http.client.HTTPConnection(proxy.url[len('http://'):])
    connection.putrequest('GET', '/v2/p/app/manifests/v1')
    for media_type in ('application/vnd.oci.image.manifest.v1+json',
                       'application/vnd.docker.distribution.manifest.v2+json'):
        connection.putheader('Accept', media_type)
    connection.endheaders()
    answer = json.loads(connection.getresponse().read())
    assert answer['accept'] == ['application/vnd.oci.image.manifest.v1+json',
                                'application/vnd.docker.distribution.manifest.v2+json']
    assert answer['host'] == '127.0.0.1:%d' % upstream.server_address[1]
    assert [(e['method'], e['path'], e['status']) for e in proxy.log()] == [('GET', '/v2/p/app/manifests/v1', 200)]


def test_a_lost_answer_is_forwarded_then_dropped(proxied):
    proxy, dummy = proxied
    proxy.fault(path_regex='^/api/v2.0/projects$', method='POST', action='lost_answer', count=1)
    with pytest.raises(requests.ConnectionError):
        requests.post(proxy.url + '/api/v2.0/projects', json={'project_name': 'x'}, timeout=10)
    assert _Echo.seen == [('POST', '/api/v2.0/projects', b'{"project_name": "x"}')]  # Harbor got it
    assert [(e['method'], e['status']) for e in proxy.log()] == [('POST', 201)]
    assert requests.post(proxy.url + '/api/v2.0/projects', json={}, timeout=10).status_code == 201
