"""An HTTP receiver for webhook deliveries in tests: records every POST (path, lower-cased headers, JSON body, monotonic arrival time).

``WebhookReceiver().start()`` serves on 127.0.0.1 in a thread; ``.url``; ``.events`` is the list of
``{'path', 'headers', 'body', 'received_at'}`` received; ``wait_for(predicate, timeout)`` polls until one event matches.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):  # quiet
        return

    def do_POST(self):  # noqa: N802 (http.server's naming)
        length = int(self.headers.get('Content-Length') or 0)
        raw = self.rfile.read(length) if length else b''
        try:
            body = json.loads(raw.decode() or 'null')
        except ValueError:
            body = raw.decode(errors='replace')
        with self.server.lock:
            self.server.events.append({'path': self.path, 'headers': {k.lower(): v for k, v in self.headers.items()},
                                       'body': body, 'received_at': time.monotonic()})
        self.send_response(200)
        self.send_header('Content-Length', '0')
        self.end_headers()


class WebhookReceiver:
    def __init__(self):
        self.server = None

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server.server_address[1]

    @property
    def events(self):
        with self.server.lock:
            return list(self.server.events)

    def start(self):
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        self.server.daemon_threads = True
        self.server.lock = threading.Lock()
        self.server.events = []
        threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.1}, daemon=True).start()
        return self

    def wait_for(self, predicate, timeout=15):
        """The first recorded event for which predicate(event) is true; None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.events:
                if predicate(event):
                    return event
            time.sleep(0.05)
        return None

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
