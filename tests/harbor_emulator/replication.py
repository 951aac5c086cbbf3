"""Replication executions that really copy images between registries (API_FACTS section 4).

An execution runs in a background thread: it lists the source's repositories and tags, applies the
policy's filters and destination-namespace rule, then copies each tag as one task, blob by blob and
verified by digest (`distribution.copy_image`). A tag the destination already holds with the same
digest copies nothing. Status goes InProgress, then Succeed, Failed or Stopped.
"""

import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from . import registry as registry_v2
from .distribution import CopyStats, RegistryError, copy_image
from .doublestar import translate
from .errors import READ_ONLY_MESSAGE
from .state import now

WORKERS = 4
_STOPS = {}  # execution id -> threading.Event
_STOPS_LOCK = threading.Lock()


# ----------------------------------------------------------------------------------------------
# filters and names

def doublestar(pattern):
    """A compiled regex for Harbor's doublestar patterns (doublestar.py)."""
    return re.compile('^%s$' % translate(pattern))


def _matches(value, pattern):
    return bool(doublestar(pattern).match(value)) if pattern else True


def repository_selected(policy, repository):
    for item in policy.get('filters') or []:
        if item['type'] == 'name' and not _matches(repository, item.get('value') or ''):
            return False
    return True


def tag_selected(policy, tag, labels=()):
    for item in policy.get('filters') or []:
        excludes = item.get('decoration') == 'excludes'
        if item['type'] == 'tag' and item.get('value'):
            if _matches(tag, item['value']) == excludes:
                return False
        if item['type'] == 'label' and item.get('value'):
            has_all = all(label in labels for label in item['value'])
            if has_all == excludes:
                return False
    return True


def destination_name(repository, namespace, replace_count):
    """Harbor's dest_namespace rule: -1 flattens all, N drops N leading levels, too many is an error."""
    if not namespace:
        return repository
    parts = repository.split('/')
    if replace_count is None or replace_count < 0:
        return '%s/%s' % (namespace, parts[-1])
    if replace_count > len(parts) - 1:
        raise ValueError('the repository %s has only %d namespace levels, cannot replace %d' % (repository, len(parts) - 1, replace_count))
    return '/'.join([namespace] + parts[replace_count:])


# ----------------------------------------------------------------------------------------------
# execution records

def counts(state, execution_id):
    tasks = state.find('replication_tasks', execution_id=execution_id)
    by_status = {}
    for task in tasks:
        by_status[task['status']] = by_status.get(task['status'], 0) + 1
    return {'total': len(tasks), 'succeed': by_status.get('Succeed', 0), 'failed': by_status.get('Failed', 0),
            'stopped': by_status.get('Stopped', 0),
            'in_progress': by_status.get('InProgress', 0) + by_status.get('Pending', 0)}


def start(server, policy, trigger, only=None):
    """Create an execution and run it in the background; returns its id (the caller holds state.lock)."""
    state = server.state
    execution_id = state.add('replication_executions', {'policy_id': policy['id'], 'status': 'InProgress', 'trigger': trigger,
                                                        'status_text': '', 'start_time': now(), 'end_time': None})
    stop = threading.Event()
    with _STOPS_LOCK:
        _STOPS[execution_id] = stop
    thread = threading.Thread(target=_run, args=(server, execution_id, dict(policy), only, stop), daemon=True,
                              name='replication-%d' % execution_id)
    thread.start()
    return execution_id


def stop_execution(execution_id):
    with _STOPS_LOCK:
        event = _STOPS.get(execution_id)
    if event is not None:
        event.set()


def _finish(state, execution_id, status_text=''):
    with state.lock:
        execution = state.collections['replication_executions'].get(execution_id)
        if execution is None:
            return
        tally = counts(state, execution_id)
        stopped = _STOPS.get(execution_id) is not None and _STOPS[execution_id].is_set()
        if status_text or tally['failed']:
            status = 'Failed'
        elif stopped:
            status = 'Stopped'
        else:
            status = 'Succeed'
        execution.update(status=status, status_text=status_text, end_time=now())
    with _STOPS_LOCK:
        _STOPS.pop(execution_id, None)


def _endpoint(server, registry_id):
    """A client for one side of a policy: this instance's own registry (id 0) or a remote one."""
    if not registry_id:
        return registry_v2.local_client(server), None
    with server.state.lock:
        record = dict(server.state.collections['registries'][registry_id])
    return registry_v2.upstream_client(record), record


def _candidates(policy, src, only):
    if only is not None:
        return [(repo, tag) for repo, tag in only if repository_selected(policy, repo) and tag_selected(policy, tag)]
    found = []
    for repo in sorted(src.catalog()):
        if not repository_selected(policy, repo):
            continue
        found.extend((repo, tag) for tag in src.tags(repo) if tag_selected(policy, tag))
    return found


def _ensure_local_project(state, name):
    """Pull replication into this instance creates the destination project when it is missing, as Harbor does."""
    with state.lock:
        if state.project_by_name(name) is None:
            project_id = state.add('projects', {'name': name, 'owner_id': 1, 'registry_id': None, 'metadata': {'public': 'false'}})
            state.projects[project_id]['cve_allowlist'] = {'id': state.next_id('cve_allowlists'), 'project_id': project_id, 'items': []}
            state.add('members', {'project_id': project_id, 'entity_id': 1, 'entity_type': 'u', 'role_id': 1})
            if state.config['quota_per_project_enable']:
                state.add('quotas', {'reference': 'project', 'reference_id': str(project_id),
                                     'hard': {'storage': state.config['storage_per_project']}})


def _ensure_remote_project(record, client, name):
    """Push replication to a Harbor creates the destination project there (through its API) when it is missing."""
    if record.get('type') != 'harbor':
        return
    status, dummy, dummy2 = client.request('HEAD', '/api/v2.0/projects?project_name=%s' % name)
    if status == 200:
        return
    status, dummy, body = client.request('POST', '/api/v2.0/projects', body=('{"project_name": "%s"}' % name).encode(),
                                         headers={'Content-Type': 'application/json'})
    if status not in (201, 409):
        raise RegistryError(status, 'creating project %s on %s failed with HTTP %d: %s' % (name, record['url'], status, body[:200]))


class _Throttle:
    """speed (KB/s per task): sleep so that the bytes moved stay under the limit."""

    def __init__(self, speed_kb):
        self.rate = (speed_kb or 0) * 1024
        self.started = time.monotonic()

    def after(self, moved):
        if self.rate > 0:
            ahead = moved / self.rate - (time.monotonic() - self.started)
            if ahead > 0:
                time.sleep(ahead)


def _run(server, execution_id, policy, only, stop):
    state = server.state
    local = threading.local()
    clients = []
    clients_lock = threading.Lock()
    try:
        src, src_record = _endpoint(server, policy['src_registry_id'])
        dst_probe, dst_record = _endpoint(server, policy['dest_registry_id'])
        clients.extend([src, dst_probe])
        candidates = _candidates(policy, src, only)
    except (RegistryError, KeyError, OSError) as exc:
        _finish(state, execution_id, 'failed to list the source: %s' % exc)
        server.persist()
        return
    # one task per repository, its tags copied one after another, as Harbor does (controller/replication/flow:
    # copy.go makes a task per resource, stage.go names it "<repo> [N item(s) in total]")
    by_repo = {}
    for repo, tag in candidates:
        by_repo.setdefault(repo, []).append(tag)
    tasks = []
    with state.lock:
        for repo, tags in by_repo.items():
            task = {'execution_id': execution_id, 'status': 'Pending', 'job_id': '', 'operation': 'copy',
                    'resource_type': 'image', 'src_resource': '%s [%d item(s) in total]' % (repo, len(tags)),
                    'dst_resource': '', 'start_time': None, 'end_time': None, 'log': [], 'repository': repo,
                    'tags': tags}
            try:
                task['dest_repository'] = destination_name(repo, policy.get('dest_namespace'),
                                                           policy.get('dest_namespace_replace_count'))
                task['dst_resource'] = '%s [%d item(s) in total]' % (task['dest_repository'], len(tags))
            except ValueError as exc:
                task['error'] = str(exc)
            task_id = state.add('replication_tasks', task)  # stores a copy: the job id goes on the stored task
            state.collections['replication_tasks'][task_id]['job_id'] = uuid.uuid4().hex[:24]  # jobservice's id
            tasks.append(state.collections['replication_tasks'][task_id])

    def clients_for_thread():
        if getattr(local, 'pair', None) is None:
            pair = (_endpoint(server, policy['src_registry_id'])[0], _endpoint(server, policy['dest_registry_id'])[0])
            with clients_lock:
                clients.extend(pair)
            local.pair = pair
        return local.pair

    def record_local(repo, reference, media_type, body, digest):
        registry_v2.record_manifest(state, repo, reference, media_type, body, digest, server.backend.storage)

    def copy_tag(task_src, task_dst, repo, tag, dest_repo):
        """One tag of a task: (ok, log line, stopped)."""
        digest = task_src.manifest_digest(repo, tag)
        existing = task_dst.manifest_digest(dest_repo, tag)
        if stop.is_set():
            return True, 'stopped before copying %s:%s' % (repo, tag), True
        if existing is not None and existing == digest:
            return True, '%s:%s is up to date (%s), nothing copied' % (dest_repo, tag, digest), False
        if existing is not None and not policy.get('override'):
            return True, '%s:%s exists with another digest and override is off: skipped' % (dest_repo, tag), False
        if dst_record is None:
            if state.config.get('read_only'):  # jobservice pushes through core's /v2/, which refuses it
                raise RegistryError(403, READ_ONLY_MESSAGE)
            _ensure_local_project(state, dest_repo.split('/')[0])
        else:
            _ensure_remote_project(dst_record, task_dst, dest_repo.split('/')[0])
        throttle, stats = _Throttle(policy.get('speed')), CopyStats()
        copied = copy_image(task_src, repo, task_dst, dest_repo, tag, chunked=bool(policy.get('copy_by_chunk')),
                            on_manifest=record_local if dst_record is None else None, stats=stats)
        throttle.after(stats.bytes)
        return True, 'copied %s:%s to %s:%s (%s)' % (repo, tag, dest_repo, tag, copied), False

    def run_task(task):
        def update(**fields):
            with state.lock:
                task.update(fields)
        if stop.is_set():
            update(status='Stopped', end_time=now())
            return
        update(status='InProgress', start_time=now())
        if task.get('error'):
            update(status='Failed', end_time=now(), log=[task['error']])
            return
        task_src, task_dst = clients_for_thread()
        repo, dest_repo = task['repository'], task['dest_repository']
        log, failed = [], False
        for tag in task['tags']:  # like Harbor's transfer.copy: every tag is tried, one failure fails the task
            try:
                dummy, line, stopped = copy_tag(task_src, task_dst, repo, tag, dest_repo)
            except (RegistryError, OSError, ValueError, KeyError) as exc:
                line, stopped, failed = 'copying %s:%s failed: %s' % (repo, tag, exc), False, True
            log.append(line)
            if stopped:
                update(status='Stopped', end_time=now(), log=log)
                return
        if failed:
            log.append('got error during the whole transfer period, mark the job failure')
        update(status='Failed' if failed else 'Succeed', end_time=now(), log=log)

    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(run_task, tasks))
    finally:
        for client in clients:
            client.close()
    _finish(state, execution_id)
    server.persist()  # with a database, the finished execution is stored (server.py)


def on_push(server, repository, reference):
    """Event-based push policies fire when an image is pushed through /v2/."""
    if reference.startswith('sha256:'):
        return
    with server.state.lock:
        for policy in list(server.state.collections['replication_policies'].values()):
            trigger = policy.get('trigger') or {}
            if (policy.get('enabled') and trigger.get('type') == 'event_based' and policy['dest_registry_id']
                    and repository_selected(policy, repository) and tag_selected(policy, reference)):
                start(server, policy, 'event_based', only=[(repository, reference)])
