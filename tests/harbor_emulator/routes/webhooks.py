"""/projects/{p}/webhook/policies and /events (API_FACTS section 10).

Quirks reproduced:
- `enabled` defaults to false when omitted (a plain bool in Harbor's model) and is always shown;
- name unique per project (409); `event_types` and `targets` must be non-empty, event types and
  notify types known (400);
- targets: `type` http or slack; http gets payload_format "Default" when empty; slack with a
  payload_format is a 400; the address is normalised to scheme://host/path (query dropped,
  trailing slash removed, http:// added); `auth_header` is returned in clear;
- PUT is a full replace with the same checks; list `q=name=<exact>`.
"""

import urllib.parse

from .. import spec
from ..errors import bad_request, conflict, not_found
from ..listing import list_response
from ..routing import created, json_response, ok, route
from .projects import path_project
from .scanners import normalize_url

EVENT_TYPES = ('DELETE_ARTIFACT', 'PULL_ARTIFACT', 'PUSH_ARTIFACT', 'QUOTA_EXCEED', 'QUOTA_WARNING', 'REPLICATION',
               'SCANNING_FAILED', 'SCANNING_STOPPED', 'SCANNING_COMPLETED', 'TAG_RETENTION')
NOTIFY_TYPES = ('http', 'slack')
PAYLOAD_FORMATS = ('Default', 'CloudEvents')
FIELDS = {'name': lambda r: r['name'], 'id': lambda r: r['id'], 'enabled': lambda r: r.get('enabled'),
          'creation_time': lambda r: r['creation_time']}


def normalize_address(address):
    """Harbor's ParseEndpoint (as for scanner urls), then only scheme://host/path is kept."""
    parts = urllib.parse.urlsplit(normalize_url(address))
    if not parts.netloc:
        raise bad_request('invalid webhook target address %s' % address)
    return '%s://%s%s' % (parts.scheme, parts.netloc, parts.path)


def _checked(req, project, own_id=None):
    body = req.body
    name = (body.get('name') or '').strip()
    if not name:
        raise bad_request('name is required')
    for other in req.state.find('webhooks', project_id=project['id']):
        if other['name'] == name and other['id'] != own_id:
            raise conflict('webhook policy %s already exists in project %s' % (name, project['name']))
    events = body.get('event_types') or []
    if not events:
        raise bad_request('empty event type')
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown:
        raise bad_request('unsupported event type %s' % ','.join(unknown))
    targets = []
    for target in body.get('targets') or []:
        kind = target.get('type') or ''
        if kind not in NOTIFY_TYPES:
            raise bad_request('unsupported target type %s' % kind)
        payload = target.get('payload_format') or ''
        if kind == 'slack' and payload:
            raise bad_request('slack targets do not support payload format %s' % payload)
        if kind == 'http':
            payload = payload or 'Default'
            if payload not in PAYLOAD_FORMATS:
                raise bad_request('unsupported payload format %s' % payload)
        targets.append({'type': kind, 'address': normalize_address(target.get('address')),
                        'auth_header': target.get('auth_header') or '', 'skip_cert_verify': bool(target.get('skip_cert_verify')),
                        'payload_format': payload})
    if not targets:
        raise bad_request('empty notification target')
    return {'name': name, 'description': body.get('description') or '', 'enabled': bool(body.get('enabled')),
            'event_types': list(events), 'targets': targets, 'project_id': project['id']}


def _policy(req, project):
    policy = req.state.collections['webhooks'].get(req.args['webhook_policy_id'])
    if policy is None or policy['project_id'] != project['id']:
        raise not_found('webhook policy %s not found' % req.args['webhook_policy_id'])
    return policy


def _present(policy):
    return spec.render('WebhookPolicy', policy)


@route('GET', '/projects/{project_name_or_id}/webhook/policies')
def list_webhooks(req):
    project = path_project(req, 'update')
    return list_response(req, req.state.find('webhooks', project_id=project['id']), FIELDS, '-creation_time', _present)


@route('POST', '/projects/{project_name_or_id}/webhook/policies')
def create_webhook(req):
    project = path_project(req, 'update')
    policy = _checked(req, project)
    # no creator: v2.15's handler never sets it, so Harbor's answers leave it out
    policy_id = req.state.add('webhooks', policy)
    return created('%s/projects/%s/webhook/policies/%d' % (spec.BASE_PATH, req.args['project_name_or_id'], policy_id))


@route('GET', '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}')
def get_webhook(req):
    project = path_project(req, 'update')
    return json_response(_present(_policy(req, project)))


@route('PUT', '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}')
def update_webhook(req):
    project = path_project(req, 'update')
    policy = _policy(req, project)
    policy.update(_checked(req, project, own_id=policy['id']))
    req.state.touch(policy)
    return ok()


@route('DELETE', '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}')
def delete_webhook(req):
    project = path_project(req, 'update')
    del req.state.collections['webhooks'][_policy(req, project)['id']]
    return ok()


@route('GET', '/projects/{project_name_or_id}/webhook/events')
def webhook_events(req):
    path_project(req, 'update')
    return json_response(spec.render('SupportedWebhookEventTypes', {
        'event_type': list(EVENT_TYPES), 'notify_type': list(NOTIFY_TYPES),
        'payload_formats': [{'notify_type': 'http', 'formats': list(PAYLOAD_FORMATS)}]}))
