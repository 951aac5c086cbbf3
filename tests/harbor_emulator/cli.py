"""Command line: start one emulator instance and print where it listens as one JSON line."""

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile

from .server import EmulatorServer
from .tlsgen import server_context


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog='python -m tests.harbor_emulator', description='Harbor v2.15.2 API emulator')
    parser.add_argument('--port', type=int, default=0, help='TCP port on 127.0.0.1 (0 = a free one)')
    parser.add_argument('--tls', action='store_true', help='serve HTTPS with a freshly generated test CA')
    parser.add_argument('--admin-password', default='Harbor12345', help='password of the built-in admin user')
    parser.add_argument('--state-dir', help='directory for ca.pem and certificates (default: a temporary one)')
    parser.add_argument('--verbose', action='store_true', help='log every request to stderr')
    return parser.parse_args(argv)


def _stop(_signum, _frame):
    raise SystemExit(0)


def main(argv=None):
    args = parse_args(argv)
    state_dir = args.state_dir or tempfile.mkdtemp(prefix='harbor-emulator-')
    os.makedirs(state_dir, exist_ok=True)
    ssl_context, ca_path = server_context(state_dir) if args.tls else (None, None)
    server = EmulatorServer(args.port, args.admin_password, ssl_context, args.verbose, state_dir)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    print(json.dumps({'url': server.url, 'ca_path': ca_path, 'pid': os.getpid()}), flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if not args.state_dir:
            shutil.rmtree(state_dir, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
