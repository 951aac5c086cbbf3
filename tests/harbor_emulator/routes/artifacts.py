"""Artifacts and tags of a repository: what was really pushed through /v2/ (or replicated)."""

from .. import artifact_events, spec
from ..errors import not_found
from ..listing import list_response
from ..routing import json_response, route
from .repositories import path_repository

ARTIFACT_FIELDS = {
    'id': lambda a: a['id'],
    'digest': lambda a: a['digest'],
    'push_time': lambda a: a['push_time'],
    'size': lambda a: a['size'],
    'type': lambda a: a['type'],
    'media_type': lambda a: a['media_type'],
}
TAG_FIELDS = {
    'id': lambda t: t['id'],
    'name': lambda t: t['name'],
    'push_time': lambda t: t['push_time'],
}


def present(artifact, with_tag=True, with_scan_overview=False):
    shown = dict(artifact, tags=artifact['tags'] if with_tag else None,
                 scan_overview=artifact_events.scan_overview(artifact) if with_scan_overview else None)
    return spec.render('Artifact', shown)


def path_artifact(req):
    repository = path_repository(req, 'repository:read')
    reference = req.args['reference']
    for artifact in req.state.find('artifacts', repository_id=repository['id']):
        if artifact['digest'] == reference or any(t['name'] == reference for t in artifact['tags']):
            return artifact
    raise not_found('artifact %s@%s not found' % (repository['name'], reference))


@route('GET', '/projects/{project_name}/repositories/{repository_name}/artifacts')
def list_artifacts(req):
    repository = path_repository(req, 'repository:read')
    records = req.state.find('artifacts', repository_id=repository['id'])
    with_tag = req.args.get('with_tag', True) is not False
    with_scan = req.args.get('with_scan_overview') is True
    return list_response(req, records, ARTIFACT_FIELDS, '-push_time,-id', lambda a: present(a, with_tag, with_scan))


@route('GET', '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}')
def get_artifact(req):
    return json_response(present(path_artifact(req), req.args.get('with_tag', True) is not False,
                                 req.args.get('with_scan_overview') is True))


@route('GET', '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/tags')
def list_tags(req):
    artifact = path_artifact(req)
    return list_response(req, list(artifact['tags']), TAG_FIELDS, '-push_time,-id', lambda t: spec.render('Tag', t))
