"""Optional durable state: a Harbor-like data volume and a PostgreSQL `registry` database.

`DataVolume` lays out what Harbor keeps under `data_volume` (INSTALL_FACTS section 4): `registry/`
(the distribution registry's root directory), `secret/keys/secretkey` (the 16-character AES key that
encrypts secrets stored in the database, generated when absent like Harbor's `prepare` does),
`secret/core/private_key.pem` + `secret/registry/root.crt` (a token-signing pair) and `job_logs/`.

`Store` keeps the emulator's `State` in PostgreSQL (psycopg 3, a test-only dependency): one table per
collection `(id bigint, data jsonb)`, `sequences`, `properties` (the configuration) and Harbor's own
`schema_migrations(version, dirty)` holding 180, v2.15.2's last migration. Writes are diffs against
what was last written, in one transaction. Like Harbor, registry credentials (`access_secret`) and
password-type settings (`ldap_search_password`, `oidc_client_secret`) are stored encrypted with the secret key (`utils.ReversibleEncrypt`: AES-CFB,
random IV in front, base64, `<enc-v1>` prefix; src/common/utils/encrypt.go) and decrypted when loaded.
A different key decrypts to garbage without an error, as in Harbor, so those credentials stop working.
"""

import base64
import copy
import datetime
import json
import os
import secrets
import string

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.x509.oid import NameOID

try:  # Go's cipher.NewCFBEncrypter is CFB-128; cryptography moved CFB to `decrepit` in 43.0
    from cryptography.hazmat.decrepit.ciphers.modes import CFB
except ImportError:  # pragma: no cover - cryptography < 43
    from cryptography.hazmat.primitives.ciphers.modes import CFB

SCHEMA_VERSION = 180  # the numeric prefix of Harbor v2.15.2's last migration file (INSTALL_FACTS section 5)
ENCRYPT_HEADER = '<enc-v1>'
# the settings of type PasswordType in src/lib/config/metadata/metadatalist.go, which src/pkg/config/db/db.go encrypts
# (uaa_client_secret is a StringType there: Harbor stores it in clear, and so does the emulator)
ENCRYPTED_CONFIG = frozenset(('ldap_search_password', 'oidc_client_secret'))
SECRET_KEY_ALPHABET = string.ascii_letters + string.digits


class PersistenceError(RuntimeError):
    """The data volume or the database cannot be used."""


# Harbor's reversible encryption -------------------------------------------------------------
def reversible_encrypt(text, key):
    """utils.ReversibleEncrypt: `<enc-v1>` + base64(iv + AES-CFB(text)) with a random 16-byte IV."""
    iv = secrets.token_bytes(16)
    encryptor = Cipher(algorithms.AES(key.encode()), CFB(iv)).encryptor()
    body = encryptor.update(text.encode()) + encryptor.finalize()
    return ENCRYPT_HEADER + base64.b64encode(iv + body).decode()


def reversible_decrypt(text, key):
    """utils.ReversibleDecrypt: AES-CFB after the header, plain base64 without it. A wrong key gives garbage."""
    if not text.startswith(ENCRYPT_HEADER):
        return base64.b64decode(text).decode(errors='replace')
    raw = base64.b64decode(text[len(ENCRYPT_HEADER):])
    if len(raw) < 16:
        raise ValueError('cipherText too short')
    decryptor = Cipher(algorithms.AES(key.encode()), CFB(raw[:16])).decryptor()
    plain = decryptor.update(raw[16:]) + decryptor.finalize()
    return plain.decode(errors='replace').replace('\x00', '\ufffd')  # jsonb refuses NUL


# the data volume ----------------------------------------------------------------------------
class DataVolume:
    """Harbor's `data_volume` directory, created and completed on first start."""

    def __init__(self, root):
        self.root = os.path.abspath(root)
        for sub in ('registry', 'secret/keys', 'secret/core', 'secret/registry', 'job_logs'):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)
        self.secret_key = self._secret_key()
        self._token_pair()

    @property
    def registry_root(self):
        return os.path.join(self.root, 'registry')

    @property
    def secret_key_path(self):
        return os.path.join(self.root, 'secret', 'keys', 'secretkey')

    def _secret_key(self):
        path = self.secret_key_path
        if not os.path.exists(path):
            key = ''.join(secrets.choice(SECRET_KEY_ALPHABET) for dummy in range(16))
            with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), 'w', encoding='utf-8') as handle:
                handle.write(key)
        with open(path, encoding='utf-8') as handle:
            key = handle.read()  # used as is, like core's FileKeyProvider: no stripping
        if len(key.encode()) not in (16, 24, 32):
            raise PersistenceError('%s must hold a 16-character AES key (found %d bytes)' % (path, len(key.encode())))
        return key

    def _token_pair(self):
        key_path = os.path.join(self.root, 'secret', 'core', 'private_key.pem')
        crt_path = os.path.join(self.root, 'secret', 'registry', 'root.crt')
        if os.path.exists(key_path) and os.path.exists(crt_path):
            return
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'harbor-token-issuer')])
        start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(start)
                .not_valid_after(start + datetime.timedelta(days=3650)).sign(key, hashes.SHA256()))
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
        with open(os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'wb') as handle:
            handle.write(pem)
        with open(crt_path, 'wb') as handle:
            handle.write(cert.public_bytes(serialization.Encoding.PEM))


# the database -------------------------------------------------------------------------------
def _dump(value):
    return json.dumps(value, sort_keys=True, separators=(',', ':'))


class Store:
    """The emulator's state in a PostgreSQL database (Harbor's is called `registry`)."""

    def __init__(self, dsn, secret_key):
        try:
            # psycopg is a test-only dependency, needed only with a DSN
            import psycopg  # pylint: disable=import-outside-toplevel
            from psycopg import sql  # pylint: disable=import-outside-toplevel
        except ImportError:
            raise PersistenceError('--database-dsn needs psycopg 3: pip install "psycopg[binary]"') from None
        self._sql = sql
        self.secret_key = secret_key
        try:
            self._conn = psycopg.connect(dsn, autocommit=False, connect_timeout=10)
        except psycopg.Error as exc:
            raise PersistenceError('cannot connect to the database: %s' % exc) from None
        self._tables = {}
        self._collections = {}  # collection -> {id: a copy of the plaintext record as last written}
        self._sequences = {}
        self._config = {}
        self._rewrite = False  # after a failed transaction the caches are unreliable: rewrite everything

    def close(self):
        self._conn.close()

    def _table(self, name):
        if name not in self._tables:
            self._tables[name] = self._sql.Identifier(name)
        return self._tables[name]

    def _ensure_schema(self, cur, collections):
        cur.execute('CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)')
        cur.execute('CREATE TABLE IF NOT EXISTS sequences (name text PRIMARY KEY, value bigint NOT NULL)')
        cur.execute('CREATE TABLE IF NOT EXISTS properties (k text PRIMARY KEY, v jsonb NOT NULL)')
        for name in collections:
            cur.execute(self._sql.SQL('CREATE TABLE IF NOT EXISTS {} (id bigint PRIMARY KEY, data jsonb NOT NULL)')
                        .format(self._table(name)))
        cur.execute('SELECT count(*) FROM schema_migrations')
        if cur.fetchone()[0] == 0:
            cur.execute('INSERT INTO schema_migrations (version, dirty) VALUES (%s, false)', (SCHEMA_VERSION,))

    # secrets ----------------------------------------------------------------------------------
    def _encrypted(self, collection, record):
        if collection == 'registries' and (record.get('credential') or {}).get('access_secret'):
            secret = reversible_encrypt(record['credential']['access_secret'], self.secret_key)
            credential = dict(record['credential'], access_secret=secret)
            return dict(record, credential=credential)
        return record

    def _decrypted(self, collection, record):
        if collection == 'registries' and (record.get('credential') or {}).get('access_secret'):
            record['credential']['access_secret'] = reversible_decrypt(record['credential']['access_secret'],
                                                                       self.secret_key)
        return record

    # load / save ------------------------------------------------------------------------------
    def load(self, state):
        """Fill `state` from the database; an empty database gets the fresh install `state` already holds."""
        with state.lock, self._conn.transaction(), self._conn.cursor() as cur:
            self._ensure_schema(cur, state.collections)
            cur.execute('SELECT count(*) FROM users')
            if cur.fetchone()[0] == 0:
                self._write(cur, state)
                return False
            snapshot = {'collections': {}, 'health': state.health}
            for name in state.collections:
                cur.execute(self._sql.SQL('SELECT data FROM {} ORDER BY id').format(self._table(name)))
                snapshot['collections'][name] = [self._decrypted(name, row[0]) for row in cur.fetchall()]
            cur.execute('SELECT name, value FROM sequences')
            snapshot['sequences'] = dict(cur.fetchall())
            cur.execute('SELECT k, v FROM properties')
            config = dict(state.config)  # defaults for settings added since the database was written
            for key, value in cur.fetchall():
                config[key] = reversible_decrypt(value, self.secret_key) if key in ENCRYPTED_CONFIG and value else value
            snapshot['config'] = config
            state.restore(snapshot)
            self._remember(state)
            return True

    def _remember(self, state):
        self._collections = copy.deepcopy(state.collections)
        self._sequences = dict(state.sequences)
        self._config = copy.deepcopy(state.config)

    def save(self, state):
        """Write what changed since the last save, in one transaction."""
        with state.lock:
            try:
                with self._conn.pipeline(), self._conn.transaction(), self._conn.cursor() as cur:  # one round trip
                    if self._rewrite:
                        for name in set(self._collections) | set(state.collections):
                            cur.execute(self._sql.SQL('DELETE FROM {}').format(self._table(name)))
                        cur.execute('DELETE FROM sequences')
                        cur.execute('DELETE FROM properties')
                        self._collections, self._sequences, self._config = {}, {}, {}
                    self._write(cur, state)
                self._rewrite = False
            except Exception:
                self._rewrite = True
                raise

    def _write(self, cur, state):
        sql = self._sql
        for name, records in state.collections.items():
            known = self._collections.get(name)
            if known is None:
                cur.execute(sql.SQL('CREATE TABLE IF NOT EXISTS {} (id bigint PRIMARY KEY, data jsonb NOT NULL)')
                            .format(self._table(name)))
                known = self._collections[name] = {}
            rows = []
            for rid, record in records.items():
                if known.get(rid) != record:  # dict comparison: far cheaper than serialising every record
                    known[rid] = copy.deepcopy(record)
                    rows.append((rid, _dump(self._encrypted(name, record))))
            gone = [rid for rid in known if rid not in records]
            if rows:
                cur.executemany(sql.SQL('INSERT INTO {} (id, data) VALUES (%s, %s::jsonb) '
                                        'ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data').format(self._table(name)), rows)
            if gone:
                cur.execute(sql.SQL('DELETE FROM {} WHERE id = ANY(%s)').format(self._table(name)), (gone,))
                for rid in gone:
                    del known[rid]
        changed = [(k, v) for k, v in state.sequences.items() if self._sequences.get(k) != v]
        if changed:
            cur.executemany('INSERT INTO sequences (name, value) VALUES (%s, %s) '
                            'ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value', changed)
            self._sequences.update(changed)
        gone = [k for k in self._sequences if k not in state.sequences]
        if gone:
            cur.execute('DELETE FROM sequences WHERE name = ANY(%s)', (gone,))
            for key in gone:
                del self._sequences[key]
        rows = []
        for key, value in state.config.items():
            if key not in self._config or self._config[key] != value:
                self._config[key] = copy.deepcopy(value)
                if key in ENCRYPTED_CONFIG:  # db.go's Save encrypts the value even when it is empty
                    value = reversible_encrypt(str(value), self.secret_key)
                rows.append((key, _dump(value)))
        if rows:
            cur.executemany('INSERT INTO properties (k, v) VALUES (%s, %s::jsonb) '
                            'ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v', rows)
