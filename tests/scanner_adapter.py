"""A small scanner adapter for tests: Harbor's pluggable scanner API v1.1.

- ``GET /api/v1/metadata``: the adapter's metadata (Harbor pings it when a scanner is registered);
- ``POST /api/v1/scan``: a ScanRequest ``{registry: {url, authorization}, artifact: {repository, digest,
  tag, mime_type}}`` -> 202 ``{"id": <scan request id>}``;
- ``GET /api/v1/scan/{id}/report`` (Accept ``application/vnd.security.vulnerability.report; version=1.1``):
  ``302`` with ``Retry-After`` while the report is pending (``pending_polls`` times), then 200 with the
  report ``{generated_at, artifact, scanner, severity, vulnerabilities: [...]}``; 404 for an unknown id.

The vulnerabilities come from a fixture the tests control: ``adapter.findings[key] = [vulnerability, ...]``
where ``key`` is a manifest digest or a repository (``project/repo``), the digest winning; anything else
has no vulnerabilities. A key in ``adapter.failing`` makes its report answer 500 (a failed scan).
Playbooks, which cannot reach the object, use ``PUT /_fixture/findings`` (a JSON object merged into
``findings``) and ``DELETE /_fixture/findings``. A vulnerability is ``{"id", "package", "version",
"fix_version", "severity", "description", "links"}``; only ``id`` and ``severity`` are needed.

Run it in-process (``ScannerAdapter().start()``) or as ``python -m tests.scanner_adapter --port 0
[--api-key KEY]``, which prints ``{"url": ...}``. With ``api_key`` set it answers 401 unless the request
carries that credential (``X-ScannerAdapter-API-Key``, ``Authorization: Bearer`` or ``Authorization: Basic``).
"""

import argparse
import json
import signal
import sys
import threading
import time
import uuid
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
REPORT_TYPE = 'application/vnd.security.vulnerability.report; version=1.1'
SCAN_RESPONSE_TYPE = 'application/vnd.scanner.adapter.scan.response+json; version=1.0'
SEVERITY_ORDER = ('Unknown', 'Negligible', 'Low', 'Medium', 'High', 'Critical')


def overall_severity(vulnerabilities):
    """The highest severity of a report ("None" when it has no vulnerability), as adapters report it."""
    found = [v.get('severity') or 'Unknown' for v in vulnerabilities]
    if not found:
        return 'None'
    return max(found, key=lambda s: SEVERITY_ORDER.index(s) if s in SEVERITY_ORDER else len(SEVERITY_ORDER))


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

    def _read_json(self):
        length = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(length) if length else b''
        try:
            return json.loads(raw.decode() or '{}')
        except ValueError:
            return None

    def _record(self, body=None):
        self.server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        if body is not None:
            self.server.scan_requests.append(body)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self._record()
        path = self.path.split('?', 1)[0].rstrip('/')
        if not self._authorized():
            self._send(401, {'error': {'message': 'unauthorized'}})
        elif path == '/api/v1/metadata':
            self._send(200, METADATA, METADATA_TYPE)
        elif path.startswith('/api/v1/scan/') and path.endswith('/report'):
            self._report(path[len('/api/v1/scan/'):-len('/report')])
        else:
            self._send(404, {'error': {'message': 'not found'}})

    def _report(self, scan_id):
        adapter = self.server.adapter
        with adapter.lock:
            scan = adapter.scans.get(scan_id)
            if scan is not None and scan['polls'] < adapter.pending_polls:
                scan['polls'] += 1
                pending = True
            else:
                pending = False
        if scan is None:
            self._send(404, {'error': {'message': 'scan request %s not found' % scan_id}})
        elif pending:
            self.send_response(302)
            self.send_header('Retry-After', '1')
            self.send_header('Content-Length', '0')
            self.end_headers()
        elif adapter.failed(scan['artifact']):
            self._send(500, {'error': {'message': 'scan failed: fixture says so'}})
        else:
            vulnerabilities = adapter.vulnerabilities_of(scan['artifact'])
            report = {'generated_at': scan['created'], 'artifact': scan['artifact'], 'scanner': METADATA['scanner'],
                      'severity': overall_severity(vulnerabilities), 'vulnerabilities': vulnerabilities}
            self._send(200, report, REPORT_TYPE)

    def do_POST(self):  # noqa: N802
        body = self._read_json()
        self._record(body if self.path.rstrip('/') == '/api/v1/scan' else None)
        if self.path.rstrip('/') != '/api/v1/scan':
            self._send(404, {'error': {'message': 'not found'}})
        elif not self._authorized():
            self._send(401, {'error': {'message': 'unauthorized'}})
        elif not isinstance(body, dict) or not (body.get('artifact') or {}).get('digest') \
                or not (body.get('registry') or {}).get('url'):
            self._send(422, {'error': {'message': 'invalid scan request: registry.url and artifact.digest are required'}})
        else:
            scan_id = str(uuid.uuid4())
            with self.server.adapter.lock:
                self.server.adapter.scans[scan_id] = {'artifact': body['artifact'], 'polls': 0,
                                                      'created': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}
            self._send(202, {'id': scan_id}, SCAN_RESPONSE_TYPE)

    def do_PUT(self):  # noqa: N802
        body = self._read_json()
        if self.path.rstrip('/') != '/_fixture/findings' or not isinstance(body, dict):
            self._send(404 if isinstance(body, dict) else 400, {'error': {'message': 'PUT /_fixture/findings {key: [...]}'}})
            return
        with self.server.adapter.lock:
            self.server.adapter.findings.update(body)
        self._send(200, {'keys': sorted(self.server.adapter.findings)})

    def do_DELETE(self):  # noqa: N802
        if self.path.rstrip('/') != '/_fixture/findings':
            self._send(404, {'error': {'message': 'not found'}})
            return
        with self.server.adapter.lock:
            self.server.adapter.findings.clear()
        self._send(200, {'keys': []})


class ScannerAdapter:
    """A scanner adapter on 127.0.0.1 in a thread; ``.url`` once started, ``.requests`` seen as (path, {lower-cased header: value})."""

    def __init__(self, api_key=None, pending_polls=1):
        self.api_key = api_key
        self.server = None
        self.thread = None
        self.lock = threading.Lock()
        self.findings = {}       # digest or "project/repo" -> [vulnerability, ...]
        self.failing = set()     # digests or repositories whose report answers 500
        self.scans = {}          # scan request id -> {artifact, polls, created}
        self.pending_polls = pending_polls  # 302 answers before a report is ready

    def _key(self, artifact, keys):
        for key in (artifact.get('digest'), artifact.get('repository')):
            if key in keys:
                return key
        return None

    def vulnerabilities_of(self, artifact):
        with self.lock:
            key = self._key(artifact, self.findings)
            return [dict(v) for v in self.findings.get(key) or []] if key else []

    def failed(self, artifact):
        with self.lock:
            return self._key(artifact, self.failing) is not None

    @property
    def scan_requests(self):
        """The ScanRequest bodies POSTed to /api/v1/scan, in order."""
        return self.server.scan_requests

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
        self.server.scan_requests = []
        self.server.adapter = self
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
