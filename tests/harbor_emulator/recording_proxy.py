"""A recording proxy in front of a real Harbor, so the suite's request counts hold there too.

The integration targets count what a module sent through the emulator's access log
(``GET /_emulator/log``). A real Harbor has no such log, so when ``HARBOR_URL`` names one the suite puts
this proxy in front of it: every request is forwarded unchanged (headers, cookies and bodies both ways;
the proxy keeps no cookie and no state of its own), and each ``/api`` and ``/v2`` request is
logged in the emulator's format (``seq, method, path, query, status, body`` with secrets redacted).
The control routes are the emulator's access log (``GET``/``DELETE /_emulator/log``) and fault injection
(``GET``/``POST``/``DELETE /_emulator/faults``: a status, latency or reset on matching requests, which the
proxy answers itself instead of forwarding, so real Harbor never sees a faulted request); every other
``/_emulator/`` path answers 404.

It listens on 127.0.0.1 (plain HTTP); the upstream may be HTTP or HTTPS (``ca_path`` for a private CA).
Run it alone: ``python -m tests.harbor_emulator.recording_proxy https://harbor.example.com [--ca-path CA]``.
"""

import argparse
import http.client
import json
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .errors import HarborError, error_body
from .server import AccessLog, Faults, _logged_body, drop_connection

HOP_BY_HOP = frozenset(('connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
                        'transfer-encoding', 'upgrade', 'host', 'content-length'))
LOGGED_PREFIXES = ('/api/', '/v2/')  # as the emulator's access log


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'harbor-recording-proxy'
    # headers and body go out in separate writes: without this every answer waited ~40 ms for a delayed ACK,
    # which made a sequential run through the proxy 7x slower than the same requests sent to Harbor directly
    disable_nagle_algorithm = True

    def log_message(self, *args):  # quiet: the access log is the record
        pass

    def _body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def _reply(self, status, body=b'', content_type='application/json'):
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(body)

    def _control(self, path, body):
        log, faults = self.server.access_log, self.server.faults
        if path == '/_emulator/log' and self.command == 'GET':
            return self._reply(200, json.dumps(log.entries()).encode())
        if path == '/_emulator/log' and self.command == 'DELETE':
            log.clear()
            return self._reply(200)
        if path == '/_emulator/faults' and self.command == 'GET':
            return self._reply(200, json.dumps(faults.listing()).encode())
        if path == '/_emulator/faults' and self.command == 'POST':
            try:
                faults.add(json.loads(body or b'{}'))
            except (ValueError, HarborError) as exc:
                return self._reply(400, error_body(400, str(exc)))
            return self._reply(201)
        if path == '/_emulator/faults' and self.command == 'DELETE':
            faults.clear()
            return self._reply(200)
        return self._reply(404, json.dumps({'errors': [{'code': 'NOT_FOUND', 'message':
                                                        'a recording proxy in front of a real Harbor has no %s'
                                                        % path}]}).encode())

    def _forward(self):
        split = urllib.parse.urlsplit(self.path)
        path, query = split.path, split.query
        body = self._body()
        if path.startswith('/_emulator/'):
            return self._control(path, body)
        logged = path.startswith(LOGGED_PREFIXES) or path == '/v2'
        fault = self.server.faults.take(self.command, path) if logged else None
        if fault and fault.get('latency_ms'):
            time.sleep(fault['latency_ms'] / 1000.0)
        if fault and fault.get('action') == 'reset':
            self._log(path, query, None, body)
            return drop_connection(self)
        if fault and fault.get('status'):
            self._log(path, query, fault['status'], body)
            return self._reply(fault['status'], error_body(fault['status'], 'injected fault'))
        # a list, not a dict: clients repeat headers (a registry client sends one Accept per manifest type)
        headers = [(k, v) for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP]
        headers.append(('Host', self.server.upstream_netloc))
        if body or self.command in ('POST', 'PUT', 'PATCH'):
            headers.append(('Content-Length', str(len(body))))
        connection = self.server.connect()
        try:
            connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for key, value in headers:
                connection.putheader(key, value)
            connection.endheaders(body or None)
            answer = connection.getresponse()
            payload = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            self._log(path, query, None, body)
            return self._reply(502, json.dumps({'errors': [{'code': 'BAD_GATEWAY', 'message': str(exc)}]}).encode())
        finally:
            connection.close()
        self._log(path, query, answer.status, body)
        if fault and fault.get('action') == 'lost_answer':
            return drop_connection(self)  # Harbor did it; the caller never hears of it
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in HOP_BY_HOP:
                self.send_header(key, value)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(payload)

    def _log(self, path, query, status, body):
        if path.startswith(LOGGED_PREFIXES) or path == '/v2':
            self.server.access_log.add(self.command, path, query, status,
                                       _logged_body(path, body))

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _forward


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], OSError):
            return  # a client that gave up (the timeout tests do), not a proxy failure
        ThreadingHTTPServer.handle_error(self, request, client_address)


class RecordingProxy(object):
    """``RecordingProxy(upstream_url, ca_path=None).start()``; ``.url``, ``.log()``, ``.clear_log()``, ``.stop()``."""

    def __init__(self, upstream, ca_path=None, validate_certs=True):
        parts = urllib.parse.urlsplit(upstream.rstrip('/'))
        if parts.scheme not in ('http', 'https') or not parts.netloc:
            raise ValueError('upstream must be an http:// or https:// URL, got %r' % upstream)
        self.upstream = parts
        self.context = None
        if parts.scheme == 'https':
            self.context = ssl.create_default_context(cafile=ca_path) if validate_certs else ssl._create_unverified_context()
        self.httpd = None
        self.thread = None
        self.url = None

    def start(self):
        httpd = _Server(('127.0.0.1', 0), _Handler)
        httpd.access_log = AccessLog()
        httpd.faults = Faults()
        httpd.upstream_netloc = self.upstream.netloc
        if self.upstream.scheme == 'https':
            httpd.connect = lambda: http.client.HTTPSConnection(self.upstream.netloc, timeout=120, context=self.context)
        else:
            httpd.connect = lambda: http.client.HTTPConnection(self.upstream.netloc, timeout=120)
        self.httpd = httpd
        self.thread = threading.Thread(target=httpd.serve_forever, name='recording-proxy', daemon=True)
        self.thread.start()
        self.url = 'http://127.0.0.1:%d' % httpd.server_address[1]
        return self

    def log(self):
        return self.httpd.access_log.entries()

    def clear_log(self):
        self.httpd.access_log.clear()

    def last_seq(self):
        entries = self.log()
        return entries[-1]['seq'] if entries else 0

    def fault(self, path_regex='', method=None, status=None, latency_ms=None, action=None, count=1):
        """Answer matching requests with a fault instead of forwarding them (the emulator's ``fault``)."""
        self.httpd.faults.add({'path_regex': path_regex, 'method': method, 'status': status,
                               'latency_ms': latency_ms, 'action': action, 'count': count})

    def clear_faults(self):
        self.httpd.faults.clear()

    def stop(self):
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('upstream')
    parser.add_argument('--ca-path')
    args = parser.parse_args(argv)
    proxy = RecordingProxy(args.upstream, args.ca_path).start()
    print(json.dumps({'url': proxy.url}), flush=True)
    try:
        proxy.thread.join()
    except KeyboardInterrupt:
        proxy.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
