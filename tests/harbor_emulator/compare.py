"""Route by route: the emulator's answers beside a real Harbor's, for the endpoints the collection calls (issue 15).

    python -m tests.harbor_emulator.compare --real http://127.0.0.1:8080 [--username admin] [--password ...]
        [--scanner-url http://127.0.0.1:18090] [--out report.json]

Both get the same resources (a project with an image, a user and a member, a label, a robot, a registry, a
replication policy and one execution, a retention policy, an immutable rule, a webhook, a scanner); then every
probe is sent to both and the answers are compared by shape: status code, every field path with its JSON type
(`null` apart from absent), pagination headers (`X-Total-Count`, `Link`) and error bodies. Values are not
compared (ids and times differ). Prints the differences and exits 1 when there are any; what it creates on the
real Harbor is removed at the end. A development tool, not part of the suite: the suite has no real Harbor.
"""

import argparse
import http.cookiejar
import json
import sys
import tempfile
import time
import uuid

import requests

from tests import oci_images
from tests.harbor_emulator.fixture import EmulatorProcess
from tests.scanner_adapter import ScannerAdapter


def shape(value, path='', out=None):
    """{field path: JSON type}; list elements share the path `[]` and their fields are merged."""
    out = {} if out is None else out
    if isinstance(value, dict):
        out.setdefault(path or '.', set()).add('object')
        for key, item in value.items():
            shape(item, '%s.%s' % (path, key), out)
    elif isinstance(value, list):
        out.setdefault(path or '.', set()).add('array')
        for item in value:
            shape(item, path + '[]', out)
    else:
        kind = {type(None): 'null', bool: 'boolean', int: 'number', float: 'number', str: 'string'}[type(value)]
        out.setdefault(path or '.', set()).add(kind)
    return out


class Target(object):
    def __init__(self, name, url, username, password):
        self.name, self.url = name, url.rstrip('/')
        self.api = self.url + '/api/v2.0'
        self.admin = (username, password)
        self.session = requests.Session()
        self.session.auth = self.admin
        self.session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        self.ids = {}

    def call(self, method, path, **kwargs):
        return self.session.request(method, self.api + path, timeout=60, **kwargs)

    def created(self, path, body):
        response = self.call('POST', path, json=body)
        if response.status_code != 201:
            raise RuntimeError('%s: POST %s -> %d %s' % (self.name, path, response.status_code, response.text))
        return response.headers['Location'].rstrip('/').rsplit('/', 1)[-1]


def seed(target, prefix, scanner_url, layout, tag, peer_url=None):
    p = prefix
    target.ids['project'] = target.created('/projects', {'project_name': p, 'metadata': {'public': 'false'}})
    oci_images.push(layout, tag, target, '%s/app' % p)
    target.ids['user'] = target.created('/users', {'username': p + '-u', 'email': p + '@example.com', 'realname': 'x',
                                                   'password': 'Compare-%s-A1' % p, 'comment': ''})
    target.ids['member'] = target.created('/projects/%s/members' % p, {'role_id': 2, 'member_user': {'username': p + '-u'}})
    target.ids['label'] = target.created('/labels', {'name': p + '-l', 'scope': 'g'})
    target.ids['robot'] = target.call('POST', '/robots', json={
        'name': p + '-r', 'level': 'project', 'duration': 30, 'permissions': [{
            'kind': 'project', 'namespace': p, 'access': [{'resource': 'repository', 'action': 'pull'}]}]}).json()['id']
    target.ids['registry'] = target.created('/registries', {
        'name': p + '-reg', 'type': 'harbor', 'url': peer_url or target.url,
        'credential': {'type': 'basic', 'access_key': target.admin[0], 'access_secret': target.admin[1]}})
    target.ids['policy'] = target.created('/replication/policies', {
        'name': p + '-push', 'dest_registry': {'id': int(target.ids['registry'])}, 'dest_namespace': p + '-copy',
        'filters': [{'type': 'name', 'value': p + '/**'}], 'trigger': {'type': 'manual'}, 'enabled': True})
    target.ids['execution'] = target.created('/replication/executions', {'policy_id': int(target.ids['policy'])})
    target.ids['retention'] = target.created('/retentions', {
        'algorithm': 'or', 'scope': {'level': 'project', 'ref': int(target.ids['project'])},
        'trigger': {'kind': 'Schedule', 'settings': {'cron': ''}},
        'rules': [{'action': 'retain', 'template': 'latestPushedK', 'params': {'latestPushedK': 3},
                   'tag_selectors': [{'kind': 'doublestar', 'decoration': 'matches', 'pattern': '**'}],
                   'scope_selectors': {'repository': [{'kind': 'doublestar', 'decoration': 'repoMatches',
                                                       'pattern': '**'}]}}]})
    target.created('/projects/%s/immutabletagrules' % p, {
        'action': 'immutable', 'template': 'immutable_template', 'tag_selectors': [
            {'kind': 'doublestar', 'decoration': 'matches', 'pattern': 'v*'}],
        'scope_selectors': {'repository': [{'kind': 'doublestar', 'decoration': 'repoMatches', 'pattern': '**'}]}})
    target.created('/projects/%s/webhook/policies' % p, {
        'name': 'ci', 'enabled': True, 'event_types': ['PUSH_ARTIFACT'],
        'targets': [{'type': 'http', 'address': 'https://ci.example.com/hook', 'skip_cert_verify': False}]})
    target.ids['scanner'] = target.created('/scanners', {'name': p + '-scan', 'url': scanner_url.replace(
        '127.0.0.1', 'localhost')})
    time.sleep(3)  # the execution runs
    return target


def probes(target, prefix, digest):
    """(name, method, path, params, body) for every endpoint the collection reads, and the errors it meets."""
    p, ids = prefix, target.ids
    return [
        ('systeminfo', 'GET', '/systeminfo', None, None),
        ('health', 'GET', '/health', None, None),
        ('configurations', 'GET', '/configurations', None, None),
        ('project', 'GET', '/projects/' + p, None, None),
        ('projects by name', 'GET', '/projects', {'name': p, 'page_size': 1}, None),
        ('project summary', 'GET', '/projects/%s/summary' % p, None, None),
        ('project metadata', 'GET', '/projects/%s/metadatas/' % p, None, None),
        ('project scanner', 'GET', '/projects/%s/scanner' % p, None, None),
        ('members', 'GET', '/projects/%s/members' % p, {'page_size': 10}, None),
        ('member', 'GET', '/projects/%s/members/%s' % (p, ids['member']), None, None),
        ('users by name', 'GET', '/users', {'q': 'username=%s-u' % p}, None),
        ('user', 'GET', '/users/' + ids['user'], None, None),
        ('usergroups', 'GET', '/usergroups', None, None),
        ('labels', 'GET', '/labels', {'scope': 'g', 'name': p + '-l'}, None),
        ('label', 'GET', '/labels/' + ids['label'], None, None),
        ('robots of project', 'GET', '/robots', {'q': 'Level=project,ProjectID=%s' % ids['project']}, None),
        ('robot', 'GET', '/robots/%s' % ids['robot'], None, None),
        ('registries', 'GET', '/registries', {'name': p + '-reg'}, None),
        ('registry', 'GET', '/registries/' + ids['registry'], None, None),
        ('adapters', 'GET', '/replication/adapters', None, None),
        ('policies', 'GET', '/replication/policies', {'name': p + '-push'}, None),
        ('policy', 'GET', '/replication/policies/' + ids['policy'], None, None),
        ('executions', 'GET', '/replication/executions', {'policy_id': ids['policy']}, None),
        ('execution', 'GET', '/replication/executions/' + ids['execution'], None, None),
        ('execution tasks', 'GET', '/replication/executions/%s/tasks' % ids['execution'], None, None),
        ('retention', 'GET', '/retentions/' + ids['retention'], None, None),
        ('retention metadatas', 'GET', '/retentions/metadatas', None, None),
        ('retention executions', 'GET', '/retentions/%s/executions' % ids['retention'], None, None),
        ('immutable rules', 'GET', '/projects/%s/immutabletagrules' % p, None, None),
        ('webhooks', 'GET', '/projects/%s/webhook/policies' % p, None, None),
        ('webhook events', 'GET', '/projects/%s/webhook/events' % p, None, None),
        ('scanners', 'GET', '/scanners', None, None),
        ('scanner', 'GET', '/scanners/' + ids['scanner'], None, None),
        ('repositories', 'GET', '/projects/%s/repositories' % p, None, None),
        ('artifacts', 'GET', '/projects/%s/repositories/app/artifacts' % p,
         {'with_tag': 'true', 'with_scan_overview': 'true', 'with_label': 'true', 'with_accessory': 'true'}, None),
        ('artifact', 'GET', '/projects/%s/repositories/app/artifacts/%s' % (p, digest), {'with_tag': 'true'}, None),
        ('quotas', 'GET', '/quotas', {'reference': 'project', 'reference_id': ids['project']}, None),
        ('gc history', 'GET', '/system/gc', {'page_size': 3}, None),
        ('gc schedule', 'GET', '/system/gc/schedule', None, None),
        ('scan-all schedule', 'GET', '/system/scanAll/schedule', None, None),
        ('purge-audit schedule', 'GET', '/system/purgeaudit/schedule', None, None),
        ('system allowlist', 'GET', '/system/CVEAllowlist', None, None),
        ('permissions', 'GET', '/permissions', None, None),
        ('audit logs', 'GET', '/audit-logs', {'page_size': 2}, None),
        ('error: unknown project', 'GET', '/projects/%s-none' % p, None, None),
        ('error: duplicate project', 'POST', '/projects', None, {'project_name': p}),
        ('error: bad robot duration', 'POST', '/robots', None,
         {'name': 'x', 'level': 'system', 'duration': -5, 'permissions': []}),
        ('error: unknown registry', 'GET', '/registries/999999', None, None),
        ('error: unknown retention', 'GET', '/retentions/999999', None, None),
    ]


def answer(target, probe):
    name, method, path, params, body = probe
    response = target.call(method, path, params=params, json=body)
    try:
        data = response.json() if response.content else None
    except ValueError:
        data = '<%s>' % response.headers.get('Content-Type')
    return {'status': response.status_code, 'shape': {k: sorted(v) for k, v in shape(data).items()},
            'total': 'X-Total-Count' in response.headers, 'link': 'Link' in response.headers}


def compare(real, emulator):
    differences = []
    for key in ('status', 'total', 'link'):
        if real[key] != emulator[key]:
            differences.append('%s: real %s, emulator %s' % (key, real[key], emulator[key]))
    for path in sorted(set(real['shape']) | set(emulator['shape'])):
        mine, theirs = emulator['shape'].get(path), real['shape'].get(path)
        if theirs is None:
            differences.append('%s: only the emulator sends it (%s)' % (path, '/'.join(mine)))
        elif mine is None:
            differences.append('%s: only real Harbor sends it (%s)' % (path, '/'.join(theirs)))
        elif mine != theirs:
            differences.append('%s: real %s, emulator %s' % (path, '/'.join(theirs), '/'.join(mine)))
    return differences


def cleanup(target, prefix):
    ids = target.ids
    deadline = time.monotonic() + 60
    while ids.get('policy') and time.monotonic() < deadline:  # refused while its execution runs
        if target.call('DELETE', '/replication/policies/%s' % ids['policy']).status_code in (200, 404):
            break
        time.sleep(2)
    rules = target.call('GET', '/projects/%s/immutabletagrules' % prefix)
    for rule in rules.json() if rules.status_code == 200 else []:  # an immutable tag keeps its repository
        target.call('DELETE', '/projects/%s/immutabletagrules/%d' % (prefix, rule['id']))
    for path in ('/projects/%s/repositories/app' % prefix, '/robots/%s' % ids.get('robot'),
                 '/retentions/%s' % ids.get('retention'), '/projects/' + prefix, '/registries/%s' % ids.get('registry'),
                 '/users/%s' % ids.get('user'), '/labels/%s' % ids.get('label'), '/scanners/%s' % ids.get('scanner')):
        if 'None' not in path:
            target.call('DELETE', path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--real', required=True, help="a real Harbor's URL")
    parser.add_argument('--username', default='admin')
    parser.add_argument('--password', default='Harbor12345')
    parser.add_argument('--scanner-url', help='a scanner adapter the real Harbor reaches')
    parser.add_argument('--peer-url', help="another Harbor the real one replicates to (a registry whose URL is the "
                                           "real Harbor's own CORE_URL takes a different code path there)")
    parser.add_argument('--out', help='write the report as JSON')
    args = parser.parse_args(argv)
    prefix = 'cmp%s' % uuid.uuid4().hex[:6]
    layout = tempfile.mkdtemp(prefix='compare-layout-')
    digest = oci_images.build_layout(layout, 'v1', layers=1, layer_size=2048)
    emulator, adapter = EmulatorProcess().start(admin_password=args.password), ScannerAdapter().start()
    real = Target('real', args.real, args.username, args.password)
    mine = Target('emulator', emulator.url, 'admin', args.password)
    report = {}
    try:
        seed(real, prefix, args.scanner_url or adapter.url, layout, 'v1', args.peer_url)
        seed(mine, prefix, adapter.url, layout, 'v1')
        for real_probe, my_probe in zip(probes(real, prefix, digest), probes(mine, prefix, digest)):
            differences = compare(answer(real, real_probe), answer(mine, my_probe))
            report[real_probe[0]] = differences
            print('%-26s %s' % (real_probe[0], 'same' if not differences else ''))
            for line in differences:
                print('    ' + line)
    finally:
        cleanup(real, prefix)
        emulator.stop()
        adapter.stop()
    if args.out:
        with open(args.out, 'w', encoding='utf-8') as handle:
            json.dump({'real': args.real, 'probes': report}, handle, indent=2, sort_keys=True)
    same = sum(1 for d in report.values() if not d)
    print('%d of %d probes answered alike' % (same, len(report)))
    return 0 if same == len(report) else 1


if __name__ == '__main__':
    sys.exit(main())
