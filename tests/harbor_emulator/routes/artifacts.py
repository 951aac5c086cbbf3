"""Artifacts and tags of a repository: what was really pushed through /v2/ (or replicated)."""

from .. import artifact_events, spec
from ..distribution import INDEX_TYPES
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


IMAGE_ICON = 'sha256:0048162a053eef4d4ce3fe7518615bef084403614f8bca43b40ae2e762e11e06'  # Harbor's built-in image icon


def _addition_links(artifact):
    """Relative links to an image's additions, as Harbor answers them. With no SBOM accessory Harbor still names an
    SBOM link, with an empty digest (`.../artifacts//additions/sbom`)."""
    base = '%s/projects/%s/repositories/%s/artifacts/' % (
        spec.BASE_PATH, artifact['repository_name'].split('/', 1)[0],
        artifact['repository_name'].split('/', 1)[1].replace('/', '%252F'))  # repository.Encode
    links = {'vulnerabilities': {'absolute': False, 'href': base + artifact['digest'] + '/additions/vulnerabilities'},
             'sboms': {'absolute': False, 'href': base + '/additions/sbom'}}
    if artifact['manifest_media_type'] not in INDEX_TYPES:
        links['build_history'] = {'absolute': False, 'href': base + artifact['digest'] + '/additions/build_history'}
    return links


def present(artifact, with_tag=True, with_scan_overview=False):
    shown = dict(artifact, tags=artifact['tags'] if with_tag else None,
                 scan_overview=artifact_events.scan_overview(artifact) if with_scan_overview else None,
                 artifact_type=artifact.get('media_type'), icon=IMAGE_ICON, addition_links=_addition_links(artifact))
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
