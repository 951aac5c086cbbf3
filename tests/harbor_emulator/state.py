"""The emulator's whole mutable state: plain JSON-able dicts behind one lock."""

import copy
import datetime
import threading

HEALTH_COMPONENTS = ('core', 'database', 'jobservice', 'portal', 'redis', 'registry', 'registryctl', 'trivy')
DEFAULT_CONFIG = {
    'auth_mode': 'db_auth',
    'project_creation_restriction': 'everyone',
    'quota_per_project_enable': True,
    'storage_per_project': -1,
    'read_only': False,
    'self_registration': False,
    'notification_enable': True,
    'robot_name_prefix': 'robot$',
    'replication_adapter_whitelist': '',  # core's REPLICATION_ADAPTER_WHITELIST: empty = every adapter
    # the rest of Harbor's /configurations (routes/configurations.py serves this same dict)
    'primary_auth_mode': False, 'token_expiration': 30, 'robot_token_duration': 30, 'session_timeout': 60,
    'audit_log_forward_endpoint': '', 'skip_audit_log_database': False, 'scanner_skip_update_pulltime': False,
    'banner_message': '', 'disabled_audit_log_event_types': '',
    'ldap_url': '', 'ldap_base_dn': '', 'ldap_search_dn': '', 'ldap_search_password': '', 'ldap_filter': '',
    'ldap_uid': 'cn', 'ldap_scope': 2, 'ldap_timeout': 5, 'ldap_verify_cert': True, 'ldap_group_base_dn': '',
    'ldap_group_search_filter': '', 'ldap_group_attribute_name': '', 'ldap_group_search_scope': 2,
    'ldap_group_admin_dn': '', 'ldap_group_membership_attribute': 'memberof', 'ldap_group_attach_parallel': False,
    'oidc_name': '', 'oidc_endpoint': '', 'oidc_client_id': '', 'oidc_client_secret': '', 'oidc_groups_claim': '',
    'oidc_admin_group': '', 'oidc_group_filter': '', 'oidc_scope': '', 'oidc_user_claim': '', 'oidc_verify_cert': True,
    'oidc_auto_onboard': False, 'oidc_extra_redirect_parms': '{}', 'oidc_logout': False,
    'uaa_client_id': '', 'uaa_client_secret': '', 'uaa_endpoint': '', 'uaa_verify_cert': False,
    'http_authproxy_endpoint': '', 'http_authproxy_tokenreview_endpoint': '', 'http_authproxy_admin_groups': '',
    'http_authproxy_admin_usernames': '', 'http_authproxy_verify_cert': True, 'http_authproxy_skip_search': False,
    'http_authproxy_server_certificate': '',
    'with_trivy': False,  # a built-in, immutable Trivy scanner registration
}
COLLECTIONS = ('users', 'projects', 'members', 'quotas', 'repositories', 'retentions', 'registries', 'robots',
               'artifacts', 'replication_policies', 'replication_executions', 'replication_tasks',
               'usergroups', 'ldap_groups', 'system_cve_allowlist',
               'schedules', 'exec_history', 'immutable_rules', 'scanners', 'webhooks', 'labels',
               'webhook_executions', 'retention_executions', 'retention_tasks')
ADMIN_ID = 1
PROJECT_ADMIN_ROLE = 1
_ID_ALIASES = {'projects': 'project_id', 'users': 'user_id'}  # Harbor's names for the id of these records


def now():
    """Harbor's timestamp format: UTC with milliseconds."""
    stamp = datetime.datetime.now(datetime.timezone.utc)
    return stamp.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (stamp.microsecond // 1000)


class State:
    """In-memory Harbor database. Route modules read and write `collections` while holding `lock`.

    Every record is a dict of JSON types keyed by its integer id, so `snapshot()` / `restore()` can
    later persist the whole state as one JSON document.
    """

    def __init__(self, admin_password):
        self.lock = threading.RLock()
        self.admin_password = admin_password
        self.collections = {}
        self.sequences = {}
        self.config = {}
        self.health = {}
        self.reset()

    def reset(self):
        with self.lock:
            self.collections = {name: {} for name in COLLECTIONS}
            self.sequences = {}
            self.config = dict(DEFAULT_CONFIG)
            self.health = {name: '' for name in HEALTH_COMPONENTS}  # component -> error ('' = healthy)
            self._bootstrap()

    def _bootstrap(self):
        """What a fresh Harbor install contains: admin (id 1, id 2 was anonymous) and the public `library` project."""
        self.add('users', {'username': 'admin', 'password': self.admin_password, 'sysadmin_flag': True,
                           'email': 'admin@example.com', 'realname': 'system admin', 'comment': 'admin user'})
        self.sequences['users'] = 2
        project_id = self.add('projects', {'name': 'library', 'owner_id': ADMIN_ID, 'registry_id': None,
                                           'metadata': {'public': 'true'}})
        self.add('members', {'project_id': project_id, 'entity_id': ADMIN_ID, 'entity_type': 'u', 'role_id': PROJECT_ADMIN_ROLE})
        self.add('quotas', {'reference': 'project', 'reference_id': str(project_id), 'hard': {'storage': -1}})
        self.projects[project_id]['cve_allowlist'] = {'id': self.next_id('cve_allowlists'), 'project_id': project_id, 'items': []}

    # generic storage ------------------------------------------------------------------------
    def next_id(self, kind):
        self.sequences[kind] = self.sequences.get(kind, 0) + 1
        return self.sequences[kind]

    def add(self, collection, record):
        """Store a new record with the next id of its collection and creation/update times; return the id."""
        record_id = self.next_id(collection)
        stamp = now()
        record = dict(record, id=record_id, creation_time=stamp, update_time=stamp)
        if collection in _ID_ALIASES:
            record[_ID_ALIASES[collection]] = record_id
        self.collections[collection][record_id] = record
        return record_id

    def touch(self, record):
        record['update_time'] = now()

    def find(self, collection, **criteria):
        return [r for r in self.collections[collection].values() if all(r.get(k) == v for k, v in criteria.items())]

    def find_one(self, collection, **criteria):
        found = self.find(collection, **criteria)
        return found[0] if found else None

    def remove_where(self, collection, **criteria):
        for record in self.find(collection, **criteria):
            del self.collections[collection][record['id']]

    # shortcuts ------------------------------------------------------------------------------
    @property
    def users(self):
        return self.collections['users']

    @property
    def projects(self):
        return self.collections['projects']

    def project_by_name(self, name):
        return self.find_one('projects', name=name)

    def quota_of_project(self, project_id):
        return self.find_one('quotas', reference='project', reference_id=str(project_id))

    def used_storage(self, project_id):
        return sum(r.get('size', 0) for r in self.find('repositories', project_id=project_id))

    # persistence ----------------------------------------------------------------------------
    def snapshot(self):
        with self.lock:
            return copy.deepcopy({'collections': {name: list(records.values()) for name, records in self.collections.items()},
                                  'sequences': self.sequences, 'config': self.config, 'health': self.health})

    def restore(self, snapshot):
        with self.lock:
            self.collections = {name: {r['id']: r for r in records}
                                for name, records in copy.deepcopy(snapshot['collections']).items()}
            self.sequences = dict(snapshot['sequences'])
            self.config = dict(snapshot['config'])
            self.health = dict(snapshot['health'])
