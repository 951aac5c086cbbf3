"""/projects, /projects/{p}, _deletable, summary and metadatas (API_FACTS section 1)."""

import re

from .. import auth, spec
from ..errors import HarborError, bad_request, conflict, not_found
from ..listing import list_response
from ..routing import created, json_response, ok, route
from ..state import ADMIN_ID, PROJECT_ADMIN_ROLE
from ..validation import parse_int64

NAME_RE = re.compile(r'^[a-z0-9]+(?:[._-][a-z0-9]+)*$')
BOOL_METADATA = ('public', 'enable_content_trust', 'enable_content_trust_cosign', 'prevent_vul', 'auto_scan',
                 'auto_sbom_generation', 'reuse_sys_cve_allowlist')
PROXY_ONLY_METADATA = ('proxy_speed_kb', 'max_upstream_conn')
PROXY_REGISTRY_TYPES = ('docker-hub', 'harbor', 'azure-acr', 'ali-acr', 'aws-ecr', 'google-gcr', 'docker-registry',
                        'github-ghcr', 'jfrog-artifactory')
SEVERITIES = {'none': 'none', 'negligible': 'none', 'unknown': 'unknown', 'low': 'low', 'medium': 'medium',
              'high': 'high', 'critical': 'critical'}
GO_BOOLS = {'1': 'true', 't': 'true', 'T': 'true', 'TRUE': 'true', 'true': 'true', 'True': 'true',
            '0': 'false', 'f': 'false', 'F': 'false', 'FALSE': 'false', 'false': 'false', 'False': 'false'}
MAX_STORAGE = 1125899906842624  # 1024 TiB
INT32 = (-2 ** 31, 2 ** 31 - 1)
ROLE_PRIORITY = (1, 4, 2, 3, 5)  # projectAdmin > maintainer > developer > guest > limitedGuest
NOT_DELETABLE_REPOSITORIES = 'the project contains repositories, can not be deleted'


# ----------------------------------------------------------------------------------------------
# lookups shared with other route modules

def find_project(req, name_or_id, by_name=False):
    """Harbor's name-or-id rule: an int64 is an id unless X-Is-Resource-Name: true was sent.

    A missing project is a 404 for sysadmins only; others get 403 (401 when anonymous), as in Harbor 2.12+.
    """
    state = req.state
    project_id = None if by_name or req.args.get('X-Is-Resource-Name') else parse_int64(name_or_id)
    project = state.projects.get(project_id) if project_id is not None else state.project_by_name(name_or_id)
    if project is None:
        # Harbor checks permissions first: only a sysadmin learns that the project does not exist
        if not req.caller.sysadmin:
            raise auth.deny(req.caller)
        raise not_found('project %s not found' % name_or_id)
    return project


def path_project(req, action):
    """The project of the {project_name_or_id} / {project_name} path parameter, after a permission check."""
    if 'project_name' in req.args:
        project = find_project(req, req.args['project_name'], by_name=True)
    else:
        project = find_project(req, req.args['project_name_or_id'])
    auth.require_project(req, project, action)
    return project


def owner_name(state, project):
    owner = state.users.get(project['owner_id'])
    return owner['username'] if owner else ''


def repo_count(state, project):
    return len(state.find('repositories', project_id=project['id']))


def deletable_reason(state, project):
    """'' when the project may be deleted, else Harbor's message."""
    if repo_count(state, project):
        return NOT_DELETABLE_REPOSITORIES
    return ''


# ----------------------------------------------------------------------------------------------
# presentation

def _visible_metadata(metadata):
    shown = dict(metadata)
    if 'severity' in shown:
        shown['severity'] = SEVERITIES.get(shown['severity'].lower(), 'unknown')
    return shown


def present(req, project, detail=True):
    state = req.state
    roles = sorted(auth.project_roles(state, req.caller, project['id']), key=ROLE_PRIORITY.index)
    view = dict(project, metadata=_visible_metadata(project['metadata']), repo_count=repo_count(state, project),
                current_user_role_id=roles[0] if roles else 0, current_user_role_ids=roles or None)
    if detail:
        view['owner_name'] = owner_name(state, project)
    else:
        view.pop('cve_allowlist', None)
    return spec.render('Project', view)


PROJECT_FIELDS = {
    'name': lambda p: p['name'],
    'project_id': lambda p: p['id'],
    'owner_id': lambda p: p['owner_id'],
    'registry_id': lambda p: p.get('registry_id') or 0,
    'creation_time': lambda p: p['creation_time'],
    'update_time': lambda p: p['update_time'],
    'public': lambda p: p['metadata'].get('public'),
}


# ----------------------------------------------------------------------------------------------
# validation helpers

def _parse_int32(name, value):
    number = parse_int64(value)
    if number is None or not INT32[0] <= number <= INT32[1]:
        raise bad_request('invalid %s: %s' % (name, value))
    return number


def _validate_proxy(req, body, metadata):
    """registry_id rules of a proxy-cache project; returns the registry id (or None)."""
    registry_id = body.get('registry_id')
    if not registry_id:
        for key in PROXY_ONLY_METADATA:
            metadata.pop(key, None)
        return None
    if not req.caller.sysadmin:
        raise HarborError(403, 'Only system admin can create proxy cache project')
    registry = req.state.collections['registries'].get(registry_id)
    if registry is None:
        raise bad_request('registry %d not found' % registry_id)
    if registry.get('type') not in PROXY_REGISTRY_TYPES:
        raise bad_request('unsupported registry type %s' % registry.get('type'))
    if 'proxy_speed_kb' in metadata:
        _parse_int32('proxy_speed_kb', metadata['proxy_speed_kb'])
    if 'max_upstream_conn' in metadata:
        conn = _parse_int32('max_upstream_conn', metadata['max_upstream_conn'])
        if conn != -1 and conn <= 0:
            raise bad_request('max_upstream_conn must be -1 or greater than 0')
    metadata.pop('enable_content_trust', None)
    return registry_id


def _storage_limit(req, body):
    limit = body.get('storage_limit')
    if limit is not None and (limit < -1 or limit > MAX_STORAGE):
        raise bad_request('invalid storage_limit %d: -1 or 0..%d expected' % (limit, MAX_STORAGE))
    if not limit or not req.caller.sysadmin:
        return req.state.config['storage_per_project']
    return limit


def _sent_metadata(body):
    """Metadata fields actually sent: null pointers and an empty `public` (non-pointer) count as absent."""
    metadata = body.get('metadata') or {}
    return {k: v for k, v in metadata.items() if v is not None and not (k == 'public' and v == '')}


def _auto_retention(state, project_id):
    """Proxy-cache projects get a retention policy: keep artifacts pulled in the last 7 days."""
    return state.add('retentions', {
        'algorithm': 'or',
        'rules': [{'action': 'retain', 'template': 'nDaysSinceLastPull', 'params': {'nDaysSinceLastPull': 7},
                   'tag_selectors': [{'kind': 'doublestar', 'decoration': 'matches', 'pattern': '**'}],
                   'scope_selectors': {'repository': [{'kind': 'doublestar', 'decoration': 'repoMatches', 'pattern': '**'}]}}],
        'trigger': {'kind': 'Schedule', 'settings': {'cron': '0 0 0 * * *'}},
        'scope': {'level': 'project', 'ref': project_id},
    })


# ----------------------------------------------------------------------------------------------
# /projects

@route('GET', '/projects', anonymous=True)
def list_projects(req):
    state, caller, args = req.state, req.caller, req.args
    records = [p for p in state.projects.values() if auth.can(state, caller, p, 'read')]
    if args.get('name'):
        records = [p for p in records if args['name'].lower() in p['name'].lower()]
    if args.get('public') is not None:
        records = [p for p in records if auth.is_public(p) == args['public']]
    if args.get('owner'):
        records = [p for p in records if owner_name(state, p) == args['owner']]
    fields = dict(PROJECT_FIELDS, owner=lambda p: owner_name(state, p))
    return list_response(req, records, fields, 'name', lambda p: present(req, p, detail=args['with_detail']))


@route('HEAD', '/projects')
def head_project(req):
    if req.state.project_by_name(req.args['project_name']) is None:
        raise not_found('project %s not found' % req.args['project_name'])
    return ok()


@route('POST', '/projects')
def create_project(req):
    state, body = req.state, req.body
    if state.config['project_creation_restriction'] == 'adminonly' and not req.caller.sysadmin:
        raise HarborError(403, 'Only system admin can create project')
    auth.require_system(req, 'project', 'create')
    name = body.get('project_name') or ''
    if not NAME_RE.match(name):
        raise bad_request('project name is not in lower case or contains illegal characters')
    metadata = _sent_metadata(body)
    metadata.setdefault('public', 'true' if body.get('public') else 'false')
    if metadata['public'] not in ('true', 'false'):
        raise bad_request('invalid public value %r: must be "true" or "false"' % metadata['public'])
    if metadata.get('retention_id'):
        raise bad_request('retention_id is not allowed when creating a project')
    metadata.pop('retention_id', None)
    registry_id = _validate_proxy(req, body, metadata)
    limit = _storage_limit(req, body)
    if state.project_by_name(name):
        raise conflict('The project named %s already exists' % name)
    owner_id = req.caller.user_id or ADMIN_ID  # a robot's project is owned by admin
    project_id = state.add('projects', {'name': name, 'owner_id': owner_id, 'registry_id': registry_id,
                                        'metadata': metadata})
    project = state.projects[project_id]
    # Harbor creates an empty allowlist: the cve_allowlist of the request is ignored on create
    project['cve_allowlist'] = {'id': state.next_id('cve_allowlists'), 'project_id': project_id, 'items': []}
    state.add('members', {'project_id': project_id, 'entity_id': owner_id, 'entity_type': 'u',
                          'role_id': PROJECT_ADMIN_ROLE})
    if state.config['quota_per_project_enable']:
        state.add('quotas', {'reference': 'project', 'reference_id': str(project_id), 'hard': {'storage': limit}})
    if registry_id:
        metadata['retention_id'] = str(_auto_retention(state, project_id))
    location = name if req.args.get('X-Resource-Name-In-Location') else project_id
    return created('%s/projects/%s' % (spec.BASE_PATH, location))


@route('GET', '/projects/{project_name_or_id}', anonymous=True)
def get_project(req):
    return json_response(present(req, path_project(req, 'read')))


def _merge_allowlist(project, allowlist):
    if allowlist.get('project_id') not in (None, 0, project['id']):
        raise bad_request('project_id in cve_allowlist does not match the project')
    current = project['cve_allowlist']
    current['items'] = [{'cve_id': item.get('cve_id')} for item in allowlist.get('items') or []]
    current['expires_at'] = allowlist.get('expires_at')
    current['update_time'] = project['update_time']
    current.setdefault('creation_time', project['update_time'])


@route('PUT', '/projects/{project_name_or_id}')
def update_project(req):
    """A merge: only metadata and cve_allowlist are used; metadata keys can be added or changed, never removed."""
    project = path_project(req, 'update')
    metadata = _sent_metadata(req.body)
    if metadata.get('retention_id') and metadata['retention_id'] != project['metadata'].get('retention_id'):
        raise bad_request('the retention_id in the request does not match the project\'s retention policy')
    metadata.pop('retention_id', None)
    if not project.get('registry_id'):
        for key in PROXY_ONLY_METADATA:
            metadata.pop(key, None)
    project['metadata'].update(metadata)
    req.state.touch(project)
    if req.body.get('cve_allowlist') is not None:
        _merge_allowlist(project, req.body['cve_allowlist'])
    return ok()


@route('DELETE', '/projects/{project_name_or_id}')
def delete_project(req):
    state = req.state
    project = path_project(req, 'delete')
    reason = deletable_reason(state, project)
    if reason:
        raise HarborError(412, reason)
    del state.projects[project['id']]
    state.remove_where('members', project_id=project['id'])
    state.remove_where('robots', project_id=project['id'])  # Harbor deletes the project's robots with it
    state.remove_where('quotas', reference='project', reference_id=str(project['id']))
    retention_id = parse_int64(project['metadata'].get('retention_id', ''))
    state.collections['retentions'].pop(retention_id, None)
    return ok()


@route('GET', '/projects/{project_name_or_id}/_deletable')
def project_deletable(req):
    project = path_project(req, 'delete')
    reason = deletable_reason(req.state, project)
    return json_response(spec.render('ProjectDeletable', {'deletable': not reason, 'message': reason}))


@route('GET', '/projects/{project_name_or_id}/summary')
def project_summary(req):
    state = req.state
    project = path_project(req, 'read')
    summary = {'repo_count': repo_count(state, project)}
    if auth.can(state, req.caller, project, 'member:list'):
        members = state.find('members', project_id=project['id'])
        for role_id, role_name in auth.ROLE_NAMES.items():
            key = {'projectAdmin': 'project_admin_count', 'limitedGuest': 'limited_guest_count'}.get(role_name, role_name + '_count')
            summary[key] = sum(1 for m in members if m['role_id'] == role_id)
    quota = state.quota_of_project(project['id'])
    if quota and state.config['quota_per_project_enable'] and auth.can(state, req.caller, project, 'quota:read'):
        summary['quota'] = {'hard': quota['hard'], 'used': {'storage': state.used_storage(project['id'])}}
    registry = state.collections['registries'].get(project.get('registry_id'))
    if registry:
        summary['registry'] = dict(registry, credential=None)
    return json_response(spec.render('ProjectSummary', summary))


# ----------------------------------------------------------------------------------------------
# /projects/{p}/metadatas

def _validated_metadata(body):
    """The /metadatas endpoints: exactly one known key; booleans via Go's ParseBool, severity lower-cased."""
    body = body or {}
    if len(body) != 1:
        raise bad_request('only allow one key/value pair')
    key, value = next(iter(body.items()))
    if key in BOOL_METADATA:
        if value not in GO_BOOLS:
            raise bad_request('invalid value: %s' % value)
        return key, GO_BOOLS[value]
    if key == 'severity':
        severity = SEVERITIES.get(value.lower())
        if severity in (None, 'unknown'):
            raise bad_request('invalid severity %s' % value)
        return key, severity
    raise bad_request('invalid key: %s' % key)


@route('GET', '/projects/{project_name_or_id}/metadatas/')
def list_metadata(req):
    return json_response(path_project(req, 'metadata:read')['metadata'])


@route('POST', '/projects/{project_name_or_id}/metadatas/')
def add_metadata(req):
    project = path_project(req, 'metadata:update')
    key, value = _validated_metadata(req.body)
    if key in project['metadata']:
        raise conflict('the metadata %s already exists' % key)
    project['metadata'][key] = value
    return ok()


@route('GET', '/projects/{project_name_or_id}/metadatas/{meta_name}')
def get_metadata(req):
    project = path_project(req, 'metadata:read')
    name = req.args['meta_name']
    if name not in project['metadata']:
        raise not_found('metadata %s of project %s not found' % (name, project['name']))
    return json_response({name: project['metadata'][name]})


@route('PUT', '/projects/{project_name_or_id}/metadatas/{meta_name}')
def update_metadata(req):
    """Harbor runs an SQL UPDATE: a key the project does not have yet is silently not added."""
    project = path_project(req, 'metadata:update')
    key, value = _validated_metadata(req.body)
    if key != req.args['meta_name']:
        raise bad_request('the metadata name in the URL and the body do not match')
    if key in project['metadata']:
        project['metadata'][key] = value
    return ok()


@route('DELETE', '/projects/{project_name_or_id}/metadatas/{meta_name}')
def delete_metadata(req):
    project = path_project(req, 'metadata:update')
    project['metadata'].pop(req.args['meta_name'], None)
    return ok()
