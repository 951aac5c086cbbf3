"""Harbor core's policies around an artifact's life: immutable tags, prevent_vulnerable, scanning, webhooks.

`registry.handle_v2` calls `before_manifest` (which may refuse the request) and `after_manifest` (which
fires what a stored or pulled manifest triggers); the API routes (`routes/scans.py`, scan-all) call
`start_scan`. Everything runs as Harbor does it, from its Go source:

- immutable tags (src/server/middleware/immutable/pushmf.go, deletemf.go; src/controller/tag/controller.go):
  a manifest PUT to a tag that already exists and is matched by an enabled immutable rule is refused with
  412 ``PRECONDITION`` "Failed to process request due to '<repo>:<tag>' configured as immutable." (the
  repository without its project), even when the digest is the same; a new tag, or a tag no enabled rule
  matches, goes through. Deleting a manifest that carries such a tag is refused the same way; deleting the
  tag through the API is 412 "the tag <tag> configured as immutable, cannot be deleted".
- prevent_vulnerable (src/server/middleware/vulnerable/vulnerable.go, src/controller/scan GetVulnerable,
  src/pkg/scan/vuln/severity.go): a manifest GET (HEAD is not checked) in a project with ``prevent_vul``
  "true" is refused with 412 ``PROJECTPOLICYVIOLATION`` when the artifact has no report, a report that is
  not Success, or a vulnerability, not in the effective CVE allowlist, whose severity code is at or above
  the project's ``severity`` (title-cased; negligible counts as None, anything unknown as Unknown, code 0).
  An image index that has a report is not judged.
  The effective allowlist is the system one unless the project's ``reuse_sys_cve_allowlist`` is "false";
  an expired allowlist allows nothing. Every caller is checked, system admins too (only Harbor's own scanner
  robot and cosign bypass it).
- scanning: the project's scanner (or the default) is called over HTTP like Harbor's scan job: POST
  ``{url}/api/v1/scan`` with a ScanRequest, then GET ``{url}/api/v1/scan/{id}/report`` until it is no longer
  302. The report is kept on the artifact (``scan``): its overview is shown with ``with_scan_overview=true``
  and in full under ``additions/vulnerabilities``. A push into an ``auto_scan`` project is scanned.
- webhooks: every enabled policy of the project that lists the event gets Harbor's payload POSTed to its
  http targets in the background (Default: src/pkg/notifier/model Payload; CloudEvents:
  src/pkg/notifier/formats/cloudevents.go), with ``Authorization: <auth_header>``; each delivery is
  recorded in ``webhook_executions``.
"""

import calendar
import json
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from .distribution import INDEX_TYPES
from .replication import doublestar
from .routing import Response
from .state import now

REPORT_TYPE = 'application/vnd.security.vulnerability.report; version=1.1'
SCAN_REQUEST_TYPE = 'application/vnd.scanner.adapter.scan.request+json; version=1.0'
SCAN_RESPONSE_TYPE = 'application/vnd.scanner.adapter.scan.response+json; version=1.0'
SEVERITY_CODES = {'None': 0, 'Unknown': 0, 'Negligible': 1, 'Low': 2, 'Medium': 3, 'High': 4, 'Critical': 5}
SCAN_TIMEOUT = 60
POLL_SECONDS = 0.1
DELIVERY_TIMEOUT = 10
CLOUD_EVENT_TYPES = {
    'DELETE_ARTIFACT': 'harbor.artifact.deleted', 'PULL_ARTIFACT': 'harbor.artifact.pulled',
    'PUSH_ARTIFACT': 'harbor.artifact.pushed', 'QUOTA_EXCEED': 'harbor.quota.exceeded',
    'QUOTA_WARNING': 'harbor.quota.warned', 'REPLICATION': 'harbor.replication.status.changed',
    'SCANNING_FAILED': 'harbor.scan.failed', 'SCANNING_COMPLETED': 'harbor.scan.completed',
    'SCANNING_STOPPED': 'harbor.scan.stopped', 'TAG_RETENTION': 'harbor.tag_retention.finished',
}


def _v2_error(status, code, message):
    """Harbor core's error body on /v2/ (serror.SendError): no `detail`."""
    body = json.dumps({'errors': [{'code': code, 'message': message}]}).encode()
    return Response(status, body, content_type='application/json; charset=utf-8',
                    headers={'Docker-Distribution-Api-Version': 'registry/2.0'})


def operator_name(state, caller):
    if caller.robot is not None:
        return state.config['robot_name_prefix'] + caller.robot['name']
    return caller.username or ''


def find_artifact(state, repo_name, reference):
    repository = state.find_one('repositories', name=repo_name)
    if repository is None:
        return None
    for artifact in state.find('artifacts', repository_id=repository['id']):
        if artifact['digest'] == reference or any(t['name'] == reference for t in artifact['tags']):
            return artifact
    return None


# ----------------------------------------------------------------------------------------------
# immutable tags

def _selected(selectors, value, include, exclude):
    """Harbor's doublestar selectors: any `include` pattern matches (or none given), no `exclude` one does."""
    included = [s['pattern'] for s in selectors if s.get('decoration') == include]
    excluded = [s['pattern'] for s in selectors if s.get('decoration') == exclude]
    if included and not any(doublestar(p).match(value) for p in included):
        return False
    return not any(doublestar(p).match(value) for p in excluded)


def tag_immutable(state, project_id, repo_name, tag):
    """Does an enabled immutable rule of the project match this tag (repository without the project)?"""
    short = repo_name.split('/', 1)[1] if '/' in repo_name else repo_name
    for rule in state.find('immutable_rules', project_id=project_id):
        if rule.get('disabled'):
            continue
        repositories = (rule.get('scope_selectors') or {}).get('repository') or []
        if _selected(repositories, short, 'repoMatches', 'repoExcludes') and \
                _selected(rule.get('tag_selectors') or [], tag, 'matches', 'excludes'):
            return True
    return False


def immutable_message(repo_name, tag):
    short = repo_name.split('/', 1)[1] if '/' in repo_name else repo_name
    return "Failed to process request due to '%s:%s' configured as immutable." % (short, tag)


# ----------------------------------------------------------------------------------------------
# prevent_vulnerable

def parse_severity(value):
    """vuln.ParseSeverityVersion3: title-case; negligible -> None; anything unknown -> Unknown."""
    severity = (value or '').strip().title()
    if severity == 'Negligible':
        return 'None'
    return severity if severity in ('None', 'Low', 'Medium', 'High', 'Critical') else 'Unknown'


def severity_code(severity):
    return SEVERITY_CODES.get(severity, 99)


def effective_allowlist(state, project):
    """The CVE ids that are allowed: the system list unless the project says reuse_sys_cve_allowlist=false."""
    if project['metadata'].get('reuse_sys_cve_allowlist', 'true') == 'false':
        allowlist = project.get('cve_allowlist') or {}
    else:
        records = state.collections['system_cve_allowlist']
        allowlist = next(iter(records.values())) if records else {}
    expires = allowlist.get('expires_at')
    if expires is not None and expires < time.time():
        return set()
    return {item.get('cve_id') for item in allowlist.get('items') or []}


def vulnerable_refusal(state, project, artifact):
    """None when the pull may go on, else Harbor's PROJECTPOLICYVIOLATION message."""
    threshold = parse_severity(project['metadata'].get('severity'))
    policy = ("configured policy in 'Prevent images with vulnerability severity of \"%s\" or higher from running.' "
              % threshold)
    scan = artifact.get('scan')
    if not scan:
        return ('current image without vulnerability scanning cannot be pulled due to %s'
                'To continue with pull, please contact your project administrator for help.' % policy)
    if artifact['manifest_media_type'] in INDEX_TYPES and artifact.get('type') in ('IMAGE', 'CNAB'):
        return None  # an image index with a report is not judged (its children are, when pulled)
    if scan['status'] != 'Success':
        return ('current image with "%s" status of vulnerability scanning cannot be pulled due to %s'
                'To continue with pull, please contact your project administrator for help.' % (scan['status'], policy))
    allowed = effective_allowlist(state, project)
    counted = [v for v in scan.get('vulnerabilities') or [] if v.get('id') not in allowed]
    if not counted:
        return None
    worst = max((v.get('severity') or 'Unknown' for v in counted), key=severity_code)
    if severity_code(worst) < severity_code(threshold):
        return None
    return ('current image with %d %s cannot be pulled due to %sTo continue with pull, please contact your project '
            'administrator to exempt matched vulnerabilities through configuring the CVE allowlist.'
            % (len(counted), 'vulnerabilities' if len(counted) > 1 else 'vulnerability', policy))


# ----------------------------------------------------------------------------------------------
# the /v2/ hooks

_deleting = threading.local()  # the DELETE_ARTIFACT data of the manifest DELETE this thread is serving


def before_manifest(server, method, repo_name, kind, reference, caller):
    """A Response refusing a manifest request as Harbor's middlewares do, or None to let it through."""
    if kind != 'manifests' or method not in ('GET', 'PUT', 'DELETE'):
        return None
    state = server.state
    with state.lock:
        project = state.project_by_name(repo_name.split('/')[0])
        artifact = find_artifact(state, repo_name, reference) if project else None
        if artifact is None:
            return None
        if method == 'PUT':
            if not reference.startswith('sha256:') and tag_immutable(state, project['id'], repo_name, reference):
                return _v2_error(412, 'PRECONDITION', immutable_message(repo_name, reference))
            return None
        if method == 'DELETE':
            for tag in artifact['tags']:
                if tag_immutable(state, project['id'], repo_name, tag['name']):
                    return _v2_error(412, 'PRECONDITION', immutable_message(repo_name, tag['name']))
            # what DELETE_ARTIFACT reports, kept until after_manifest (the artifact is gone by then)
            _deleting.event = ([_resource(server, artifact, t['name']) for t in artifact['tags']]
                               or [_resource(server, artifact, '')], _repository_data(state, project, repo_name))
            return None
        if project['metadata'].get('prevent_vul') != 'true':
            return None
        message = vulnerable_refusal(state, project, artifact)
    if message:
        return _v2_error(412, 'PROJECTPOLICYVIOLATION', message)
    return None


def after_manifest(server, method, repo_name, kind, reference, status, caller):
    """A stored manifest: auto scan and PUSH_ARTIFACT; a pulled one: PULL_ARTIFACT; a deleted one: DELETE_ARTIFACT."""
    if kind != 'manifests':
        return
    deleted, _deleting.event = getattr(_deleting, 'event', None), None
    if method == 'DELETE' and status == 202 and deleted is not None:
        with server.state.lock:
            project = server.state.project_by_name(repo_name.split('/')[0])
            if project is not None:
                notify(server, project, 'DELETE_ARTIFACT', operator_name(server.state, caller), *deleted)
        return
    pushed = method == 'PUT' and status == 201
    pulled = method == 'GET' and status == 200
    if not (pushed or pulled):
        return
    state = server.state
    with state.lock:
        project = state.project_by_name(repo_name.split('/')[0])
        artifact = find_artifact(state, repo_name, reference) if project else None
        if artifact is None:
            return
        tag = '' if reference.startswith('sha256:') else reference
        operator = operator_name(state, caller)
        event = 'PUSH_ARTIFACT' if pushed else 'PULL_ARTIFACT'
        notify(server, project, event, operator, [_resource(server, artifact, tag)], _repository_data(state, project, repo_name))
        if pushed and project['metadata'].get('auto_scan') == 'true' and registration_for(state, project) is not None:
            start_scan(server, artifact, tag, operator)


# ----------------------------------------------------------------------------------------------
# scanning

def registration_for(state, project):
    """The project's scanner (raw metadata projectScanner) or the system default; None when there is none."""
    chosen = state.find_one('scanners', uuid=project['metadata'].get('projectScanner'))
    return chosen or state.find_one('scanners', is_default=True)


def tls_context(url, skip_verify):
    """An SSL context that skips verification when asked for an https url; None means the default."""
    if not url.startswith('https') or not skip_verify:
        return None
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def adapter_request(registration, path, method='GET', body=None, content_type=None, accept=None):
    """(request, ssl context) for a scanner adapter call with the registration's auth, as Harbor's adapter client."""
    request = urllib.request.Request(registration['url'] + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    if content_type:
        request.add_header('Content-Type', content_type)
    if accept:
        request.add_header('Accept', accept)
    kind, credential = registration.get('auth') or '', registration.get('access_credential') or ''
    if kind in ('Basic', 'Bearer'):
        request.add_header('Authorization', '%s %s' % (kind, credential))
    elif kind == 'APIKey':
        request.add_header('X-ScannerAdapter-API-Key', credential)
    return request, tls_context(registration['url'], registration.get('skip_certVerify'))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 302 from the report endpoint means "not ready yet"
        return None


def _call_adapter(registration, path, **kwargs):
    """(status, headers, parsed body) of one adapter call; 302 is returned, not followed."""
    request, context = adapter_request(registration, path, **kwargs)
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(request, timeout=DELIVERY_TIMEOUT) as response:
            raw = response.read()
            return response.status, response.headers, json.loads(raw.decode() or 'null')
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, None


def start_scan(server, artifact, tag, operator):
    """Mark the artifact's report Pending and run the scan job in the background (caller holds the lock)."""
    state = server.state
    project = state.projects[artifact['project_id']]
    registration = dict(registration_for(state, project))
    artifact['scan'] = {'report_id': str(uuid.uuid4()), 'status': 'Pending', 'start_time': now(), 'end_time': None,
                        'scanner': {'name': registration.get('adapter') or registration['name'],
                                    'vendor': registration.get('vendor', ''),
                                    'version': registration.get('version', '')},
                        'vulnerabilities': [], 'tag': tag, 'operator': operator, 'started': time.time()}
    thread = threading.Thread(target=_scan_job, args=(server, artifact['id'], artifact['scan']['report_id'], registration),
                              daemon=True)
    thread.start()


def _scan_request(server, artifact):
    token = server.tokens.issue(_ScanRobot(server.state))
    return {'registry': {'url': server.url, 'authorization': 'Bearer ' + token},
            'artifact': {'namespace_id': artifact['project_id'], 'repository': artifact['repository_name'],
                         'digest': artifact['digest'], 'tag': artifact['scan']['tag'],
                         'mime_type': artifact['manifest_media_type']}}


class _ScanRobot:
    """Who the scanner pulls as (Harbor makes a project robot with scanner-pull; the emulator uses admin)."""

    def __init__(self, state):
        self.user_id = 1
        self.state = state


def _scan_job(server, artifact_id, report_id, registration):
    state = server.state
    with state.lock:
        artifact = state.collections['artifacts'].get(artifact_id)
        if artifact is None or artifact['scan']['report_id'] != report_id:
            return
        artifact['scan']['status'] = 'Running'
        request = _scan_request(server, artifact)
    status, report = 'Error', None
    try:
        code, dummy, answer = _call_adapter(registration, '/api/v1/scan', method='POST', body=request,
                                            content_type=SCAN_REQUEST_TYPE, accept=SCAN_RESPONSE_TYPE)
        if code == 202 and isinstance(answer, dict) and answer.get('id'):
            report_path = '/api/v1/scan/%s/report' % urllib.parse.quote(str(answer['id']), safe='')
            deadline = time.monotonic() + SCAN_TIMEOUT
            while time.monotonic() < deadline:
                code, dummy, answer = _call_adapter(registration, report_path, accept=REPORT_TYPE)
                if code != 302:
                    break
                time.sleep(POLL_SECONDS)
            if code == 200 and isinstance(answer, dict):
                status, report = 'Success', answer
    except (urllib.error.URLError, OSError, ValueError):
        status = 'Error'
    with state.lock:
        artifact = state.collections['artifacts'].get(artifact_id)
        if artifact is None or artifact['scan']['report_id'] != report_id:
            return
        scan = artifact['scan']
        scan.update(status=status, end_time=now(), duration=max(0, int(time.time() - scan['started'])))
        if report is not None:
            scan['vulnerabilities'] = list(report.get('vulnerabilities') or [])
            scan['severity'] = report.get('severity') or overall_severity(scan['vulnerabilities'])
            scan['generated_at'] = report.get('generated_at')
            scan['scanner'] = report.get('scanner') or scan['scanner']  # the adapter's own name, as in Harbor's summary
        project = state.projects.get(artifact['project_id'])
        if project is not None:
            event = 'SCANNING_COMPLETED' if status == 'Success' else 'SCANNING_FAILED'
            resource = dict(_resource(server, artifact, scan['tag']), scan_overview=scan_overview(artifact))
            notify(server, project, event, scan['operator'], [resource],
                   _repository_data(state, project, artifact['repository_name'], with_date=False))


def overall_severity(vulnerabilities):
    if not vulnerabilities:
        return 'None'
    return max((v.get('severity') or 'Unknown' for v in vulnerabilities), key=severity_code)


def summary_of(scan):
    """Harbor's NativeReportSummary of a stored report."""
    summary = {'report_id': scan['report_id'], 'scan_status': scan['status'], 'start_time': scan['start_time'],
               'scanner': scan['scanner'], 'complete_percent': 100 if scan['status'] in ('Success', 'Error') else 0}
    if scan.get('end_time'):
        summary['end_time'] = scan['end_time']
        summary['duration'] = scan.get('duration', 0)
    if scan['status'] == 'Success':
        counts = {}
        for vulnerability in scan['vulnerabilities']:
            severity = vulnerability.get('severity') or 'Unknown'
            counts[severity] = counts.get(severity, 0) + 1
        summary['severity'] = scan.get('severity') or overall_severity(scan['vulnerabilities'])
        summary['summary'] = {'total': len(scan['vulnerabilities']), 'summary': counts,
                              'fixable': sum(1 for v in scan['vulnerabilities'] if v.get('fix_version'))}
    return summary


def scan_overview(artifact):
    """The artifact's `scan_overview`: {report mime type: NativeReportSummary}, or None before any scan."""
    scan = artifact.get('scan')
    return {REPORT_TYPE: summary_of(scan)} if scan else None


def vulnerability_report(artifact):
    """GET .../additions/vulnerabilities: {mime type: report}, {} when there is no successful report."""
    scan = artifact.get('scan')
    if not scan or scan['status'] != 'Success':
        return {}
    return {REPORT_TYPE: {'generated_at': scan.get('generated_at') or scan['end_time'], 'scanner': scan['scanner'],
                          'severity': summary_of(scan)['severity'], 'vulnerabilities': scan['vulnerabilities']}}


def scan_all(server, operator):
    """A manual scan-all: every artifact of every project with a scanner (caller holds the lock)."""
    state = server.state
    for artifact in list(state.collections['artifacts'].values()):
        project = state.projects.get(artifact['project_id'])
        if project is not None and registration_for(state, project) is not None:
            tags = artifact['tags']
            start_scan(server, artifact, tags[-1]['name'] if tags else '', operator)


# ----------------------------------------------------------------------------------------------
# webhooks

def _epoch(stamp):
    return calendar.timegm(time.strptime(stamp[:19], '%Y-%m-%dT%H:%M:%S'))


def _resource(server, artifact, tag):
    host = urllib.parse.urlsplit(server.url).netloc
    reference = ':%s' % tag if tag else '@%s' % artifact['digest']
    return {'digest': artifact['digest'], 'tag': tag or artifact['digest'],
            'resource_url': '%s/%s%s' % (host, artifact['repository_name'], reference)}


def _repository_data(state, project, repo_name, with_date=True):
    data = {'name': repo_name.split('/', 1)[1], 'namespace': project['name'], 'repo_full_name': repo_name,
            'repo_type': 'public' if project['metadata'].get('public') == 'true' else 'private'}
    repository = state.find_one('repositories', name=repo_name)
    if with_date and repository is not None:
        data['date_created'] = _epoch(repository['creation_time'])
    return data


def payload(event_type, operator, resources, repository):
    """Harbor's Default payload (model.Payload)."""
    return {'type': event_type, 'occur_at': int(time.time()), 'operator': operator,
            'event_data': {'resources': resources, 'repository': repository}}


def cloud_event(body, project_id, policy_id):
    """formats.CloudEvents: the payload's event_data as `data`, operator and requestid as extensions."""
    return {'specversion': '1.0', 'id': str(uuid.uuid4()), 'requestid': str(uuid.uuid4()),
            'source': '/projects/%d/webhook/policies/%d' % (project_id, policy_id),
            'type': CLOUD_EVENT_TYPES[body['type']], 'datacontenttype': 'application/json',
            'time': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(body['occur_at'])),
            'data': body['event_data'], 'operator': body['operator']}


def notify(server, project, event_type, operator, resources, repository):
    """Queue one delivery per http target of every enabled policy of the project listing the event (lock held)."""
    state = server.state
    if not state.config.get('notification_enable', True):
        return
    body = payload(event_type, operator, resources, repository)
    for policy in state.find('webhooks', project_id=project['id']):
        if not policy.get('enabled') or event_type not in policy.get('event_types', []):
            continue
        for target in policy['targets']:
            if target['type'] != 'http':
                continue
            execution_id = state.add('webhook_executions', {
                'policy_id': policy['id'], 'vendor_type': 'WEBHOOK', 'status': 'Running', 'trigger': 'EVENT',
                'start_time': now(), 'event_type': event_type, 'address': target['address'],
                'payload_format': target['payload_format']})
            thread = threading.Thread(target=_deliver, args=(state, execution_id, dict(target), body, project['id'],
                                                             policy['id']), daemon=True)
            thread.start()


def _deliver(state, execution_id, target, body, project_id, policy_id):
    if target.get('payload_format') == 'CloudEvents':
        data, content_type = cloud_event(body, project_id, policy_id), 'application/cloudevents+json'
    else:
        data, content_type = body, 'application/json'
    request = urllib.request.Request(target['address'], data=json.dumps(data).encode(), method='POST',
                                     headers={'Content-Type': content_type})
    if target.get('auth_header'):
        request.add_header('Authorization', target['auth_header'])
    context = tls_context(target['address'], target.get('skip_cert_verify'))
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT, context=context) as response:
            status = 'Success' if 200 <= response.status < 300 else 'Error'
    except (urllib.error.URLError, OSError, ValueError):
        status = 'Error'
    with state.lock:
        execution = state.collections['webhook_executions'].get(execution_id)
        if execution is not None:
            execution.update(status=status, end_time=now())
