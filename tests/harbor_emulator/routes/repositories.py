"""Repositories of a project (seeded through the control API until a real registry is wired in)."""

from .. import registry, spec
from ..errors import not_found
from ..listing import list_response
from ..routing import json_response, ok, route
from .projects import path_project

REPOSITORY_FIELDS = {
    'id': lambda r: r['id'],
    'name': lambda r: r['name'],
    'project_id': lambda r: r['project_id'],
    'creation_time': lambda r: r['creation_time'],
    'update_time': lambda r: r['update_time'],
    'pull_count': lambda r: r['pull_count'],
    'artifact_count': lambda r: r['artifact_count'],
}


def present(repository):
    return spec.render('Repository', repository)


def path_repository(req, action):
    """{project_name}/{repository_name}: the name arrives decoded twice (a%252Fb -> a/b)."""
    project = path_project(req, action)
    full_name = '%s/%s' % (project['name'], req.args['repository_name'])
    repository = req.state.find_one('repositories', name=full_name)
    if repository is None:
        raise not_found('repository %s not found' % full_name)
    return repository


@route('GET', '/projects/{project_name}/repositories')
def list_repositories(req):
    project = path_project(req, 'repository:list')
    records = req.state.find('repositories', project_id=project['id'])
    return list_response(req, records, REPOSITORY_FIELDS, '-creation_time,-id', present)


@route('GET', '/projects/{project_name}/repositories/{repository_name}')
def get_repository(req):
    return json_response(present(path_repository(req, 'repository:read')))


@route('DELETE', '/projects/{project_name}/repositories/{repository_name}')
def delete_repository(req):
    repository = path_repository(req, 'repository:delete')
    registry.delete_repository_content(req.server, repository)
    del req.state.collections['repositories'][repository['id']]
    return ok()
