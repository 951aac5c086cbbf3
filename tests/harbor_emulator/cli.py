"""Command line: start one emulator instance and print where it listens as one JSON line.

`start` / `stop` run it as a service (a daemon with a pidfile), so a role can stop and start "Harbor".
"""

import argparse
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request


REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _add_server_options(parser, port_default=0):
    parser.add_argument('--port', type=int, default=port_default, help='TCP port on 127.0.0.1 (0 = a free one)')
    parser.add_argument('--tls', action='store_true', help='serve HTTPS with a freshly generated test CA')
    parser.add_argument('--admin-password', default='Harbor12345',
                        help='password of the built-in admin user (only for a fresh, empty database)')
    parser.add_argument('--state-dir', help='directory for ca.pem and certificates (default: a temporary one)')
    parser.add_argument('--data-volume', help="Harbor's data_volume: registry/ storage, secret/ keys, job_logs/")
    parser.add_argument('--database-dsn', help='keep the state in this PostgreSQL database (Harbor calls it `registry`)')
    parser.add_argument('--verbose', action='store_true', help='log every request to stderr')
    parser.add_argument('--password-hash-cost', choices=('free', 'real'), default='free',
                        help="'real' spends PBKDF2-SHA256 x 600,000 on every password check, as Harbor v2.15 does")
    parser.add_argument('--config-cache-seconds', type=float, default=60.0,
                        help="how long core's cached settings outlive a change made under it (with --data-volume; "
                             "Harbor: 60)")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog='python -m tests.harbor_emulator', description='Harbor v2.15.2 API emulator')
    _add_server_options(parser)
    return parser.parse_args(argv)


def _stop(_signum, _frame):
    raise SystemExit(0)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ('start', 'stop'):
        return service(argv)
    # imported here: `start` / `stop` need only the standard library and stay quick
    from .persistence import PersistenceError  # pylint: disable=import-outside-toplevel
    from .server import EmulatorServer  # pylint: disable=import-outside-toplevel
    from .tlsgen import server_context  # pylint: disable=import-outside-toplevel
    args = parse_args(argv)
    state_dir = args.state_dir or tempfile.mkdtemp(prefix='harbor-emulator-')
    os.makedirs(state_dir, exist_ok=True)
    ssl_context, ca_path = server_context(state_dir) if args.tls else (None, None)
    try:
        server = EmulatorServer(args.port, args.admin_password, ssl_context, args.verbose, state_dir,
                                database_dsn=args.database_dsn, data_volume=args.data_volume,
                                password_hash_cost=args.password_hash_cost,
                                config_cache_seconds=args.config_cache_seconds)
    except (PersistenceError, OSError) as exc:
        print('harbor emulator: %s' % exc, file=sys.stderr)
        if not args.state_dir:
            shutil.rmtree(state_dir, ignore_errors=True)
        return 1
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


# service mode --------------------------------------------------------------------------------
def _service_args(argv):
    parser = argparse.ArgumentParser(prog='python -m tests.harbor_emulator', description='run the emulator as a service')
    sub = parser.add_subparsers(dest='action', required=True)
    start = sub.add_parser('start', help='start in the background and wait until /api/v2.0/health answers')
    start.add_argument('--pidfile', required=True)
    start.add_argument('--timeout', type=float, default=30, help='seconds to wait for health')
    _add_server_options(start)
    stop = sub.add_parser('stop', help='stop the instance of a pidfile (and its docker-registry) and wait')
    stop.add_argument('--pidfile', required=True)
    stop.add_argument('--timeout', type=float, default=20, help='seconds before SIGKILL')
    return parser.parse_args(argv)


def _read_pid(pidfile):
    try:
        with open(pidfile, encoding='utf-8') as handle:
            return int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def running(pid):
    """True while process `pid` runs (a zombie left for a non-reaping init does not count)."""
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is not running
        with open('/proc/%d/stat' % pid, encoding='utf-8') as handle:
            return handle.read().split(')')[-1].split()[0] != 'Z'
    except OSError:
        return True


def _healthy(info):
    context = ssl.create_default_context(cafile=info['ca_path']) if info.get('ca_path') else None
    try:
        with urllib.request.urlopen(info['url'] + '/api/v2.0/health', timeout=2, context=context) as response:  # nosec B310
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def service(argv):
    args = _service_args(argv)
    pidfile = os.path.abspath(args.pidfile)
    if args.action == 'stop':
        return _service_stop(pidfile, args.timeout)
    if running(_read_pid(pidfile)):
        print('harbor emulator: already running (pid %d in %s)' % (_read_pid(pidfile), pidfile), file=sys.stderr)
        return 1
    command = [sys.executable, '-m', 'tests.harbor_emulator', '--port', str(args.port),
               '--admin-password', args.admin_password, '--config-cache-seconds', str(args.config_cache_seconds),
               '--password-hash-cost', args.password_hash_cost]
    for option, value in (('--state-dir', args.state_dir), ('--data-volume', args.data_volume),
                          ('--database-dsn', args.database_dsn)):
        if value:
            command += [option, os.path.abspath(value) if option != '--database-dsn' else value]
    command += ['--tls'] if args.tls else []
    command += ['--verbose'] if args.verbose else []
    out_path, log_path = pidfile + '.json', pidfile + '.log'
    with open(out_path, 'w', encoding='utf-8') as out, open(log_path, 'a', encoding='utf-8') as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=log,  # pylint: disable=consider-using-with
                                   start_new_session=True)
    with open(pidfile, 'w', encoding='utf-8') as handle:
        handle.write('%d\n' % process.pid)
    deadline = time.monotonic() + args.timeout
    info = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print('harbor emulator: exited with %d; see %s' % (process.returncode, log_path), file=sys.stderr)
            os.unlink(pidfile)
            return 1
        if info is None:
            with open(out_path, encoding='utf-8') as handle:
                line = handle.readline()
            info = json.loads(line) if line.endswith('\n') else None
        if info is not None and _healthy(info):
            print(json.dumps(info), flush=True)
            return 0
        time.sleep(0.05)
    print('harbor emulator: not healthy after %ss; see %s' % (args.timeout, log_path), file=sys.stderr)
    return 1


def _service_stop(pidfile, timeout):
    pid = _read_pid(pidfile)
    if not running(pid):
        for path in (pidfile, pidfile + '.json'):
            if os.path.exists(path):
                os.unlink(path)
        print('harbor emulator: not running', file=sys.stderr)
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if running(pid):
        try:
            os.killpg(pid, signal.SIGKILL)  # the emulator and its docker-registry share a session
        except ProcessLookupError:
            pass
        while running(pid):
            time.sleep(0.05)
    for path in (pidfile, pidfile + '.json'):
        if os.path.exists(path):
            os.unlink(path)
    return 0
