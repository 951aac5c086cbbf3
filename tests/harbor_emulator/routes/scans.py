"""Scanning an artifact, its vulnerability report, tag deletion, webhook executions (API_FACTS sections 6, 8, 10).

Quirks reproduced (src/server/v2.0/handler/scan.go, artifact.go, src/controller/scan, src/controller/tag):
- POST .../artifacts/{reference}/scan answers 202 with no body and scans in the background through the
  project's scanner (or the default) over HTTP; no scanner is 412 "no available scanner for project: <id>",
  a disabled one 412 "scanner <name> is deactivated";
- GET .../additions/vulnerabilities answers `{<report mime type>: report}`, or `{}` when there is no
  successful report; the artifact shows `scan_overview` only with `with_scan_overview=true`;
- DELETE .../tags/{tag_name}: a tag an enabled immutable rule matches is 412 "the tag <tag> configured as
  immutable, cannot be deleted"; an unknown tag is 404 "tag <tag> attached to artifact <id> not found";
- GET /projects/{p}/webhook/policies/{id}/executions lists the deliveries (vendor_type WEBHOOK).
"""

from .. import artifact_events, auth, spec
from ..errors import HarborError, bad_request, not_found
from ..listing import list_response
from ..routing import Response, json_response, ok, route
from .artifacts import path_artifact
from .projects import path_project

EXECUTION_FIELDS = {'id': lambda e: e['id'], 'status': lambda e: e['status'], 'start_time': lambda e: e['start_time']}


def _project_of(req, artifact):
    return req.state.projects[artifact['project_id']]


@route('POST', '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/scan')
def scan_artifact(req):
    artifact = path_artifact(req)
    project = _project_of(req, artifact)
    auth.require_project(req, project, 'scan:create')
    if (req.body or {}).get('scan_type', 'vulnerability') != 'vulnerability':
        raise bad_request('the configured scanner does not support the scan type %s' % req.body['scan_type'])
    registration = artifact_events.registration_for(req.state, project)
    if registration is None:
        raise HarborError(412, 'no available scanner for project: %d' % project['id'])
    if registration.get('disabled'):
        raise HarborError(412, 'scanner %s is deactivated' % registration['name'])
    reference = req.args['reference']
    tag = '' if reference.startswith('sha256:') else reference
    artifact_events.start_scan(req.server, artifact, tag, artifact_events.operator_name(req.state, req.caller))
    return Response(202)


@route('GET', '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/additions/vulnerabilities')
def get_vulnerabilities(req):
    return json_response(artifact_events.vulnerability_report(path_artifact(req)))


@route('DELETE', '/projects/{project_name}/repositories/{repository_name}/artifacts/{reference}/tags/{tag_name}')
def delete_tag(req):
    artifact = path_artifact(req)
    project = _project_of(req, artifact)
    auth.require_project(req, project, 'tag:delete')
    name = req.args['tag_name']
    tag = next((t for t in artifact['tags'] if t['name'] == name), None)
    if tag is None:
        raise not_found('tag %s attached to artifact %d not found' % (name, artifact['id']))
    if artifact_events.tag_immutable(req.state, project['id'], artifact['repository_name'], name):
        raise HarborError(412, 'the tag %s configured as immutable, cannot be deleted' % name)
    artifact['tags'] = [t for t in artifact['tags'] if t['name'] != name]
    return ok()


@route('GET', '/projects/{project_name_or_id}/webhook/policies/{webhook_policy_id}/executions')
def list_webhook_executions(req):
    project = path_project(req, 'update')
    policy = req.state.collections['webhooks'].get(req.args['webhook_policy_id'])
    if policy is None or policy['project_id'] != project['id']:
        raise not_found('webhook policy %s not found' % req.args['webhook_policy_id'])
    records = req.state.find('webhook_executions', policy_id=policy['id'])

    def present(execution):
        return spec.render('Execution', dict(execution, vendor_id=policy['id'],
                                             extra_attrs={'event_type': execution['event_type']}))
    return list_response(req, records, EXECUTION_FIELDS, '-id', present)
