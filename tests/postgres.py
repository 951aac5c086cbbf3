"""A throw-away PostgreSQL 15 cluster for tests and benchmarks (Debian's `postgresql` package).

`PostgresServer` (a context manager) runs `initdb` and `pg_ctl` on a cluster under a temporary
directory: TCP on 127.0.0.1 with a private port, scram password auth for the `postgres` superuser,
the Unix socket in the same temporary directory, fsync off (test data only). initdb refuses to run
as root, so under euid 0 both run as the `postgres` system user (`runuser`).

    with PostgresServer() as pg:
        dsn = pg.create_database('registry')   # -> postgresql://postgres:...@127.0.0.1:PORT/registry
        ...
        pg.drop_database('registry')

Pytest: `postgres_server` (session scope) is one cluster for the whole session; create one database
per test with `postgres_server.create_database(name)`. The tests that need it fail with a clear
message when the PostgreSQL binaries are missing (`.ci/run` installs them through bindep).
"""

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

PG_BIN_DIRS = ('/usr/lib/postgresql/15/bin',)
SYSTEM_USER = 'postgres'


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server binaries are not installed, or the cluster did not start."""


def find_bin_dir():
    """The directory holding initdb and pg_ctl ($PG_BIN_DIR first, then Debian's PostgreSQL 15)."""
    candidates = ([os.environ['PG_BIN_DIR']] if os.environ.get('PG_BIN_DIR') else []) + list(PG_BIN_DIRS)
    for directory in candidates:
        if all(os.access(os.path.join(directory, name), os.X_OK) for name in ('initdb', 'pg_ctl', 'postgres')):
            return directory
    raise PostgresUnavailable('PostgreSQL server binaries (initdb, pg_ctl) not found in %s: install the Debian '
                              '`postgresql` package (bindep.txt; `make deps-system` or .ci/run do it)'
                              % ', '.join(candidates))


def _free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One private PostgreSQL cluster: `.host`, `.port`, `.user`, `.password`, `dsn(db)`, `create_database(db)`."""

    def __init__(self, bin_dir=None, port=None):
        self.bin_dir = bin_dir
        self.host = '127.0.0.1'
        self.port = port
        self.user = 'postgres'
        self.password = secrets.token_urlsafe(16)
        self.base_dir = None
        self.data_dir = None
        self.socket_dir = None
        self.startup_seconds = None
        self._as_user = []

    # lifecycle ------------------------------------------------------------------------------
    def start(self):
        started = time.monotonic()
        self.bin_dir = self.bin_dir or find_bin_dir()
        self.base_dir = tempfile.mkdtemp(prefix='harbor-test-pg-')
        self.data_dir = os.path.join(self.base_dir, 'data')
        self.socket_dir = os.path.join(self.base_dir, 'run')
        os.makedirs(self.socket_dir)
        pwfile = os.path.join(self.base_dir, 'pwfile')
        with open(os.open(pwfile, os.O_WRONLY | os.O_CREAT, 0o600), 'w', encoding='utf-8') as handle:
            handle.write(self.password + '\n')
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(SYSTEM_USER)
            except KeyError:
                raise PostgresUnavailable('running as root needs the `%s` system user (the Debian package creates it)'
                                          % SYSTEM_USER) from None
            for path in (self.base_dir, self.socket_dir, pwfile):
                os.chown(path, account.pw_uid, account.pw_gid)
            self._as_user = ['runuser', '-u', SYSTEM_USER, '--']
        self.port = self.port or _free_port()
        try:
            self._run('initdb', '-D', self.data_dir, '-U', self.user, '--pwfile', pwfile, '--auth', 'scram-sha-256',
                      '--encoding', 'UTF8', '--locale', 'C', '--no-sync', '--no-instructions')
            options = ("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off -c synchronous_commit=off "
                       "-c full_page_writes=off -c max_connections=50 -c shared_buffers=32MB" % (self.port, self.socket_dir))
            self._run('pg_ctl', '-D', self.data_dir, '-l', os.path.join(self.base_dir, 'server.log'), '-o', options,
                      '-w', '-t', '30', 'start')
        except PostgresUnavailable:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def _run(self, tool, *args):
        command = self._as_user + [os.path.join(self.bin_dir, tool)] + list(args)
        result = subprocess.run(command, cwd=self.base_dir, capture_output=True, text=True, check=False,
                                stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            log = os.path.join(self.base_dir, 'server.log')
            tail = ''
            if os.path.exists(log):
                with open(log, encoding='utf-8', errors='replace') as handle:
                    tail = handle.read()[-2000:]
            raise PostgresUnavailable('%s failed (%d): %s%s\n%s' % (tool, result.returncode, result.stdout,
                                                                    result.stderr, tail))
        return result.stdout

    def stop(self):
        if self.data_dir and os.path.exists(os.path.join(self.data_dir, 'postmaster.pid')):
            subprocess.run(self._as_user + [os.path.join(self.bin_dir, 'pg_ctl'), '-D', self.data_dir, '-m', 'immediate',
                                            '-w', 'stop'], capture_output=True, check=False, stdin=subprocess.DEVNULL)
        if self.base_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)
        self.base_dir = self.data_dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # databases ------------------------------------------------------------------------------
    def dsn(self, dbname='postgres'):
        return 'postgresql://%s:%s@%s:%d/%s' % (self.user, self.password, self.host, self.port, dbname)

    def env(self):
        """Environment for libpq tools (psql, pg_dump, pg_restore) to reach this cluster."""
        return dict(os.environ, PGHOST=self.host, PGPORT=str(self.port), PGUSER=self.user, PGPASSWORD=self.password)

    def tool(self, name):
        """Path of a client tool of the same PostgreSQL version (pg_dump, pg_restore, psql)."""
        return os.path.join(self.bin_dir, name)

    def _admin(self, statement):
        import psycopg  # pylint: disable=import-outside-toplevel
        from psycopg import sql  # pylint: disable=import-outside-toplevel
        with psycopg.connect(self.dsn('postgres'), autocommit=True) as conn:
            conn.execute(sql.SQL(statement[0]).format(*[sql.Identifier(name) for name in statement[1:]]))

    def create_database(self, name):
        """Create (or re-create, empty) database `name`; return its DSN."""
        self.drop_database(name)
        self._admin(('CREATE DATABASE {}', name))
        return self.dsn(name)

    def drop_database(self, name):
        self._admin(('DROP DATABASE IF EXISTS {} WITH (FORCE)', name))


@pytest.fixture(scope='session')
def postgres_server():
    """One PostgreSQL cluster for the test session (fails with the reason when PostgreSQL is not installed)."""
    try:
        server = PostgresServer().start()
    except PostgresUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()
