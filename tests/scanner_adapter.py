"""A minimal scanner adapter for tests: Harbor's pluggable scanner API, metadata endpoint only.

Harbor pings a scanner adapter when it is registered (``GET {url}/api/v1/metadata``), so the
emulator really connects to this server. Run it in-process (``ScannerAdapter().start()``) or as
``python -m tests.scanner_adapter --port 0 [--api-key KEY]``, which prints ``{"url": ...}``.
With ``api_key`` set it answers 401 unless the request carries that credential
(``X-ScannerAdapter-API-Key``, ``Authorization: Bearer`` or ``Authorization: Basic``).
"""

import argparse
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

METADATA_TYPE = 'application/vnd.scanner.adapter.metadata+json; version=1.0'
METADATA = {
    'scanner': {'name': 'FakeScan', 'vendor': 'harbor_ops tests', 'version': '1.0.0'},
    'capabilities': [{
        'consumes_mime_types': ['application/vnd.oci.image.manifest.v1+json',
                                'application/vnd.docker.distribution.manifest.v2+json'],
        'produces_mime_types': ['application/vnd.security.vulnerability.report; version=1.1'],
    }],
    'properties': {'harbor.scanner-adapter/scanner-type': 'os-package-vulnerability'},
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):  # quiet
        return

    def _send(self, status, body, content_type='application/json'):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorized(self):
        key = self.server.api_key
        if not key:
            return True
        offered = (self.headers.get('X-ScannerAdapter-API-Key'), self.headers.get('Authorization'))
        return key in offered or ('Bearer ' + key) in offered or ('Basic ' + key) in offered

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        if self.path.rstrip('/') != '/api/v1/metadata':
            self._send(404, {'error': {'message': 'not found'}})
        elif not self._authorized():
            self._send(401, {'error': {'message': 'unauthorized'}})
        else:
            self._send(200, METADATA, METADATA_TYPE)


class ScannerAdapter:
    """A scanner adapter on 127.0.0.1 in a thread; ``.url`` once started, ``.requests`` seen as (path, {lower-cased header: value})."""

    def __init__(self, api_key=None):
        self.api_key = api_key
        self.server = None
        self.thread = None

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server.server_address[1]

    @property
    def requests(self):
        return self.server.requests

    def start(self, port=0):
        self.server = ThreadingHTTPServer(('127.0.0.1', port), _Handler)
        self.server.daemon_threads = True
        self.server.api_key = self.api_key
        self.server.requests = []
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.1}, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--api-key')
    args = parser.parse_args(argv)
    adapter = ScannerAdapter(args.api_key).start(args.port)
    print(json.dumps({'url': adapter.url}), flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    adapter.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
