"""/quotas (API_FACTS section 1, Quotas)."""

from .. import auth, spec
from ..errors import bad_request, not_found
from ..listing import list_response
from ..routing import json_response, ok, route
from .projects import MAX_STORAGE, owner_name


def present(state, quota):
    project = state.projects.get(int(quota['reference_id']))
    ref = {'id': project['id'], 'name': project['name'], 'owner_name': owner_name(state, project)} if project else {}
    view = dict(quota, ref=ref, used={'storage': state.used_storage(project['id']) if project else 0})
    return spec.render('Quota', view)


QUOTA_FIELDS = {
    'id': lambda q: q['id'],
    'creation_time': lambda q: q['creation_time'],
    'update_time': lambda q: q['update_time'],
    'hard.storage': lambda q: q['hard'].get('storage'),
}


def _quota(req):
    quota = req.state.collections['quotas'].get(req.args['id'])
    if quota is None:
        raise not_found('quota %d not found' % req.args['id'])
    return quota


@route('GET', '/quotas')
def list_quotas(req):
    auth.require_sysadmin(req)
    state, args = req.state, req.args
    records = list(state.collections['quotas'].values())
    for key in ('reference', 'reference_id'):
        if args.get(key):
            records = [q for q in records if q[key] == args[key]]
    fields = dict(QUOTA_FIELDS, **{'used.storage': lambda q: state.used_storage(int(q['reference_id']))})
    return list_response(req, records, fields, 'id', lambda q: present(state, q))


@route('GET', '/quotas/{id}')
def get_quota(req):
    auth.require_sysadmin(req)
    return json_response(present(req.state, _quota(req)))


@route('PUT', '/quotas/{id}')
def update_quota(req):
    auth.require_sysadmin(req)
    quota = _quota(req)
    hard = (req.body or {}).get('hard')
    if not hard:
        raise bad_request('hard is required')
    unknown = set(hard) - {'storage'}
    if unknown:
        raise bad_request('resource %s not support' % ', '.join(sorted(unknown)))
    limit = hard['storage']
    if limit != -1 and not 1 <= limit <= MAX_STORAGE:
        raise bad_request('invalid storage limit %d: -1 or 1..%d expected' % (limit, MAX_STORAGE))
    quota['hard'] = {'storage': limit}
    req.state.touch(quota)
    return ok()
