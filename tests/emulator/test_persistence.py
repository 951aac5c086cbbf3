"""The emulator with its state in PostgreSQL and a Harbor-like data volume (persistence.py).

One PostgreSQL cluster for the session (tests/postgres.py); one populated emulator for the module,
stopped, then started again in several ways: same database, a pg_dump restored into a fresh database,
a wrong secret key, and as a service through `start` / `stop`.
"""

import http.cookiejar
import os
import shutil
import socket
import subprocess
import sys

import psycopg
import pytest
import requests

from tests import oci_images
from tests.harbor_emulator.cli import running
from tests.harbor_emulator.fixture import EmulatorProcess, REPO_ROOT
from tests.harbor_emulator.persistence import SCHEMA_VERSION, reversible_decrypt, reversible_encrypt
from tests.harbor_emulator.server import EmulatorServer

LDAP_PASSWORD = 'Ldap-Search-1'


def _id(response):
    assert response.status_code == 201, response.text
    return int(response.headers['Location'].rsplit('/', 1)[-1])


def _session(emulator):
    """Admin requests without a cookie jar (a `sid` cookie would arm Harbor's CSRF check)."""
    session = requests.Session()
    session.auth = emulator.admin
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    return session


def answers(emulator):
    """What the API shows of everything a backup must keep."""
    session = _session(emulator)

    def get(path, **params):
        response = session.get(emulator.api + path, params=dict(params, page_size=100), timeout=30)
        assert response.status_code == 200, response.text
        return response.json()
    project_id = get('/projects/demo')['project_id']
    return {
        'projects': get('/projects', sort='name'),
        'robots': get('/robots'),
        'project_robots': get('/robots', q='Level=project,ProjectID=%d' % project_id),
        'registries': get('/registries'),
        'policies': get('/replication/policies'),
        'repositories': get('/projects/library/repositories'),
        'artifacts': get('/projects/library/repositories/app/artifacts', with_tag='true'),
        'users': get('/users'),
        'config': {k: v for k, v in get('/configurations').items() if k in ('ldap_url', 'robot_name_prefix')},
        'v2_tags': oci_images.v2_tags(session, emulator, 'library/app'),
    }


@pytest.fixture(scope='module')
def remote():
    """An in-memory emulator the populated one holds registry credentials for."""
    with EmulatorProcess().start() as emulator:
        yield emulator


@pytest.fixture(scope='module')
def populated(postgres_server, remote, tmp_path_factory):
    """A stopped emulator's database and data volume, and what its API showed before it stopped."""
    base = tmp_path_factory.mktemp('persist')
    data_volume = str(base / 'data')
    dsn = postgres_server.create_database('registry')
    emulator = EmulatorProcess().start(database_dsn=dsn, data_volume=data_volume)
    try:
        session = _session(emulator)
        api = emulator.api
        project = _id(session.post(api + '/projects', json={'project_name': 'demo', 'metadata': {'public': 'false'}}))
        assert session.post(api + '/robots', json={
            'name': 'ci', 'level': 'project', 'duration': 30,
            'permissions': [{'kind': 'project', 'namespace': 'demo',
                             'access': [{'resource': 'repository', 'action': 'pull'}]}]}).status_code == 201
        registry_id = _id(session.post(api + '/registries', json={
            'name': 'remote', 'type': 'harbor', 'url': remote.url,
            'credential': {'type': 'basic', 'access_key': 'admin', 'access_secret': remote.admin[1]}}))
        _id(session.post(api + '/replication/policies', json={
            'name': 'pull-remote', 'src_registry': {'id': registry_id}, 'dest_namespace': 'demo', 'enabled': True,
            'trigger': {'type': 'manual'}}))
        assert session.put(api + '/configurations', json={'ldap_url': 'ldap://ldap.example.com',
                                                          'ldap_search_password': LDAP_PASSWORD,
                                                          'uaa_client_secret': 'uaa-in-clear'}).status_code == 200
        layout = str(base / 'layout')
        digests = {tag: oci_images.build_layout(layout, tag, layers=1, layer_size=2048) for tag in ('v1', 'v2')}
        for tag in digests:
            oci_images.push(layout, tag, emulator, 'library/app')
        before = answers(emulator)
        snapshot = emulator.state()
        port = int(emulator.url.rsplit(':', 1)[1])
    finally:
        emulator.stop()
    assert before['v2_tags'] == digests and len(before['artifacts']) == 2
    dump = str(base / 'registry.dump')  # taken now, before the tests change the database
    subprocess.run([postgres_server.tool('pg_dump'), '--format=custom', '--file', dump, '--dbname', dsn],
                   check=True, env=postgres_server.env(), capture_output=True)
    return {'dsn': dsn, 'data_volume': data_volume, 'answers': before, 'state': snapshot, 'port': port, 'project_id': project,
            'registry_id': registry_id, 'dump': dump}


def _ping(emulator, registry_id):
    return _session(emulator).post(emulator.api + '/registries/ping', json={'id': registry_id}, timeout=30).status_code


def test_state_survives_a_stop_and_start_on_the_same_port(populated):
    with EmulatorProcess().start(database_dsn=populated['dsn'], data_volume=populated['data_volume'],
                                 port=populated['port']) as emulator:
        assert emulator.state() == populated['state']  # every collection, sequence and setting
        assert answers(emulator) == populated['answers']
        assert _ping(emulator, populated['registry_id']) == 200  # the stored credential decrypts with the same key
        # still written through: a change after the restart is there after the next one
        session = _session(emulator)
        assert session.delete(emulator.api + '/projects/demo', timeout=30).status_code == 200
    with EmulatorProcess().start(database_dsn=populated['dsn'], data_volume=populated['data_volume']) as emulator:
        assert _session(emulator).get(emulator.api + '/projects/demo', timeout=30).status_code == 404
        _id(_session(emulator).post(emulator.api + '/projects', json={'project_name': 'demo'}))


def test_database_holds_schema_version_and_encrypted_secrets(populated):
    with open(os.path.join(populated['data_volume'], 'secret', 'keys', 'secretkey'), encoding='utf-8') as handle:
        key = handle.read()
    assert len(key) == 16
    assert os.stat(os.path.join(populated['data_volume'], 'secret', 'keys', 'secretkey')).st_mode & 0o777 == 0o600
    for path in ('secret/core/private_key.pem', 'secret/registry/root.crt', 'job_logs', 'registry/docker/registry/v2'):
        assert os.path.exists(os.path.join(populated['data_volume'], path)), path
    with psycopg.connect(populated['dsn']) as conn:
        assert conn.execute('SELECT version, dirty FROM schema_migrations').fetchall() == [(SCHEMA_VERSION, False)]
        credential = conn.execute('SELECT data FROM registries').fetchone()[0]['credential']
        ldap = conn.execute("SELECT v FROM properties WHERE k = 'ldap_search_password'").fetchone()[0]
        oidc = conn.execute("SELECT v FROM properties WHERE k = 'oidc_client_secret'").fetchone()[0]
        uaa = conn.execute("SELECT v FROM properties WHERE k = 'uaa_client_secret'").fetchone()[0]
    assert credential['access_secret'].startswith('<enc-v1>') and ldap.startswith('<enc-v1>')
    assert reversible_decrypt(oidc, key) == ''  # a PasswordType setting is encrypted even when empty
    assert uaa == 'uaa-in-clear'  # a StringType in Harbor's metadata list: stored in clear
    assert reversible_decrypt(ldap, key) == LDAP_PASSWORD
    assert reversible_decrypt(credential['access_secret'], 'X' * 16) != reversible_decrypt(credential['access_secret'], key)
    assert reversible_decrypt(reversible_encrypt('s3cret', key), key) == 's3cret'


def _restore(postgres_server, populated, name):
    """The fixture's pg_dump restored into a fresh database `name`; returns its DSN."""
    dsn = postgres_server.create_database(name)
    subprocess.run([postgres_server.tool('pg_restore'), '--no-owner', '--dbname', dsn, populated['dump']],
                   check=True, env=postgres_server.env(), capture_output=True)
    return dsn


def test_a_pg_dump_restored_into_a_fresh_database_gives_the_same_answers(postgres_server, populated):
    dsn = _restore(postgres_server, populated, 'restored')
    with EmulatorProcess().start(database_dsn=dsn, data_volume=populated['data_volume']) as emulator:
        assert answers(emulator) == populated['answers']
        assert _ping(emulator, populated['registry_id']) == 200


def test_a_wrong_secret_key_makes_stored_credentials_unusable(postgres_server, populated, tmp_path):
    dsn = _restore(postgres_server, populated, 'wrongkey')
    volume = str(tmp_path / 'data')
    shutil.copytree(populated['data_volume'], volume, ignore=shutil.ignore_patterns('registry'))
    os.unlink(os.path.join(volume, 'secret', 'keys', 'secretkey'))  # Harbor's prepare generates a new one
    with EmulatorProcess().start(database_dsn=dsn, data_volume=volume) as emulator:
        session = _session(emulator)
        registry = session.get(emulator.api + '/registries/%d' % populated['registry_id'], timeout=30).json()
        assert registry['credential']['access_key'] == 'admin'  # the record is there, its secret is garbage
        assert _ping(emulator, populated['registry_id']) == 400
        policy = session.get(emulator.api + '/replication/policies', timeout=30).json()[0]
        execution_id = _id(session.post(emulator.api + '/replication/executions', json={'policy_id': policy['id']}))
        execution = oci_images.wait_execution(session, emulator, execution_id)
        assert execution['status'] == 'Failed'
    with open(os.path.join(volume, 'secret', 'keys', 'secretkey'), encoding='utf-8') as handle:
        assert len(handle.read()) == 16


def test_reset_brings_the_database_back_to_a_fresh_install(postgres_server, tmp_path):
    dsn = postgres_server.create_database('resettable')
    with EmulatorProcess().start(database_dsn=dsn, data_volume=str(tmp_path / 'data')) as emulator:
        emulator.fault(path_regex='^/api/v2.0/projects$', method='POST', latency_ms=1)  # a slow write is still stored
        _id(_session(emulator).post(emulator.api + '/projects', json={'project_name': 'gone'}))
        with psycopg.connect(dsn) as conn:
            assert len(conn.execute('SELECT id FROM projects').fetchall()) == 2
        emulator.reset()
    with psycopg.connect(dsn) as conn:
        names = [row[0]['name'] for row in conn.execute('SELECT data FROM projects')]
        users = conn.execute('SELECT count(*) FROM users').fetchone()[0]
    assert names == ['library'] and users == 1


def _service(*args):
    return subprocess.run([sys.executable, '-m', 'tests.harbor_emulator'] + list(args), cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60, check=False)


def test_service_start_and_stop_release_the_port_and_keep_the_state(postgres_server, tmp_path):
    dsn = postgres_server.create_database('service')
    pidfile, volume = str(tmp_path / 'harbor.pid'), str(tmp_path / 'data')
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    options = ['--pidfile', pidfile, '--port', str(port), '--data-volume', volume, '--database-dsn', dsn,
               '--state-dir', str(tmp_path / 'state')]
    started = _service('start', *options)
    assert started.returncode == 0, started.stderr
    url = 'http://127.0.0.1:%d' % port
    assert requests.post(url + '/api/v2.0/projects', json={'project_name': 'kept'}, auth=('admin', 'Harbor12345'),
                         timeout=30).status_code == 201
    assert _service('start', *options).returncode == 1  # already running
    pid = int(open(pidfile, encoding='utf-8').read())  # pylint: disable=consider-using-with
    assert _service('stop', '--pidfile', pidfile).returncode == 0
    assert not os.path.exists(pidfile) and not running(pid)
    with pytest.raises(requests.ConnectionError):
        requests.get(url + '/api/v2.0/health', timeout=5)
    restarted = _service('start', *options)
    assert restarted.returncode == 0, restarted.stderr
    try:
        assert requests.get(url + '/api/v2.0/projects/kept', auth=('admin', 'Harbor12345'), timeout=30).status_code == 200
    finally:
        assert _service('stop', '--pidfile', pidfile).returncode == 0


def test_without_a_database_the_emulator_stays_in_memory(tmp_path):
    server = EmulatorServer(0, state_dir=str(tmp_path))
    try:
        assert server.store is None and server.data_volume is None
        assert server.backend.root == str(tmp_path / 'registry')
        assert [p['name'] for p in server.state.projects.values()] == ['library']
        server.persist()  # a no-op
        assert os.listdir(str(tmp_path)) == []
    finally:
        server.server_close()


def test_settings_restored_under_a_running_cache_are_answered_stale_until_a_put(postgres_server, tmp_path):
    """core caches its settings in Redis for a minute (src/pkg/config/db/cache.go) and Redis outlives core: a
    database restored underneath answers the old settings, read_only included, until the cache expires or a
    PUT /configurations deletes it. A restore that reads read_only back to decide whether to write it is fooled."""
    dsn = postgres_server.create_database('cached')
    volume = str(tmp_path / 'data')
    with EmulatorProcess().start(database_dsn=dsn, data_volume=volume, config_cache_seconds=600) as emulator:
        session = _session(emulator)
        assert session.get(emulator.api + '/configurations', timeout=30).json()['read_only']['value'] is False
    with psycopg.connect(dsn) as conn:  # the restored dump was taken read-only
        conn.execute("UPDATE properties SET v = 'true'::jsonb WHERE k = 'read_only'")
    with EmulatorProcess().start(database_dsn=dsn, data_volume=volume, config_cache_seconds=600) as emulator:
        session = _session(emulator)
        assert emulator.state()['config']['read_only'] is True  # what the database holds
        assert session.get(emulator.api + '/configurations', timeout=30).json()['read_only']['value'] is False
        assert session.get(emulator.api + '/systeminfo', timeout=30).json()['read_only'] is False
        assert session.post(emulator.api + '/projects', json={'project_name': 'still-writable'},
                            timeout=30).status_code == 201  # the read-only check reads the same cache
        assert session.put(emulator.api + '/configurations', json={'read_only': True}, timeout=30).status_code == 200
        assert session.get(emulator.api + '/configurations', timeout=30).json()['read_only']['value'] is True
        assert session.post(emulator.api + '/projects', json={'project_name': 'refused'}, timeout=30).status_code == 403
    with EmulatorProcess().start(database_dsn=dsn, data_volume=volume, config_cache_seconds=0) as emulator:
        # without the cache (or once it expired) the database's settings are answered
        assert _session(emulator).get(emulator.api + '/configurations', timeout=30).json()['read_only']['value'] is True
