"""/ping, /health, /systeminfo, /statistics (API_FACTS section 12)."""

from .. import auth, spec
from ..routing import json_response, route, text_response
from ..state import now

HARBOR_VERSION = 'v2.15.2-emulator'


@route('GET', '/ping', anonymous=True)
def ping(req):
    return text_response(req, 'Pong')


@route('GET', '/health', anonymous=True)
def health(req):
    components = [{'name': name, 'status': 'unhealthy' if error else 'healthy', 'error': error}
                  for name, error in sorted(req.state.health.items())]
    overall = 'unhealthy' if any(c['error'] for c in components) else 'healthy'
    return json_response(spec.render('OverallHealthStatus', {'status': overall, 'components': components}))


@route('GET', '/systeminfo', anonymous=True)
def systeminfo(req):
    config = req.server.config()
    info = {'auth_mode': config['auth_mode'], 'primary_auth_mode': False,
            'self_registration': config['self_registration'], 'banner_message': config.get('banner_message') or '',
            # always sent (a pointer), the provider's name only under OIDC (controller/systeminfo/controller.go)
            'oidc_provider_name': config.get('oidc_name') or '' if config['auth_mode'] == 'oidc_auth' else ''}
    if req.caller.authenticated:
        info.update({
            'harbor_version': HARBOR_VERSION,
            'external_url': req.base_url,
            'registry_url': req.base_url.split('://', 1)[1],
            'has_ca_root': req.base_url.startswith('https'),
            'project_creation_restriction': config['project_creation_restriction'],
            'read_only': config['read_only'],
            'registry_storage_provider_name': 'filesystem',
            'notification_enable': config['notification_enable'],
            'current_time': now(),
        })
    return json_response(spec.render('GeneralInfo', info))


@route('GET', '/statistics')
def statistics(req):
    """Public counts for everyone, private counts of the caller's projects, totals for sysadmins only."""
    state, caller = req.state, req.caller
    stats = dict.fromkeys(('private_project_count', 'private_repo_count', 'public_project_count', 'public_repo_count',
                           'total_project_count', 'total_repo_count', 'total_storage_consumption'), 0)
    for project in state.projects.values():
        repos = len(state.find('repositories', project_id=project['id']))
        if auth.is_public(project):
            kind = 'public'
        elif auth.can(state, caller, project, 'read'):
            kind = 'private'
        else:
            continue
        stats[kind + '_project_count'] += 1
        stats[kind + '_repo_count'] += repos
    if caller.sysadmin:
        stats['total_project_count'] = len(state.projects)
        stats['total_repo_count'] = len(state.collections['repositories'])
        stats['total_storage_consumption'] = sum(r.get('size', 0) for r in state.collections['repositories'].values())
    return json_response(spec.render('Statistic', stats))
