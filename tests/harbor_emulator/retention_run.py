"""Retention executions: Harbor's retention job, evaluated over what was really pushed.

What Harbor does (src/pkg/retention: launcher.go, job.go, policy/alg/or/processor.go, policy/rule/*,
src/lib/selector/selectors/doublestar/selector.go), and so what this does:
- one task per repository of the project that at least one enabled rule's repository selectors select
  (`repoMatches` / `repoExcludes` over the repository name without the project);
- per rule: the tag selector picks candidates (an artifact is picked by `matches` when ANY of its tags
  matches, by `excludes` when ANY of its tags does not match; an untagged artifact is picked when the
  selector's untagged flag says so: `extras` `{"untagged":..}`, default true for `matches`, false for
  `excludes`, and for `excludes` the flag is inverted as in Harbor's `tagSelectExclude`, so with empty extras an
  `excludes` selector picks untagged artifacts too); the
  template then retains some of them; rules are OR-ed; every artifact no rule retains is deleted;
- templates: latestPushedK / latestPulledN (the K most recently pushed / pulled), nDaysSinceLastPush /
  nDaysSinceLastPull (pushed / pulled within N days), always. A parameter that is not an integer >= 0
  falls back to Harbor's default (10 artifacts; 30 days is a guess), so a count of 0 retains nothing;
  an unknown template makes the job fail ("rule evaluator ... is not registered");
- deletion removes the artifact (its manifest by digest in the registry, so every tag goes with it);
  a dry run deletes nothing;
- the task checks in total and retained; the task log is the job's table
  (Digest | Tag | Kind | Labels | PushedTime | PulledTime | CreatedTime | Retention, RETAIN or DEL);
- execution and task statuses are the task manager's: Running, Success, Error, Stopped.
"""

import calendar
import copy
import json
import threading
import time
import uuid

from .distribution import RegistryError
from .doublestar import match
from .state import now

DEFAULT_COUNT = 10
DEFAULT_DAYS = 30  # not confirmed in Harbor's source: an assumption of the emulator
TEMPLATES = ('latestPushedK', 'latestPulledN', 'nDaysSinceLastPush', 'nDaysSinceLastPull', 'always')
RUNNING, SUCCESS, ERROR, STOPPED = 'Running', 'Success', 'Error', 'Stopped'


def _untagged_flag(selector):
    untagged = selector.get('decoration') != 'excludes'
    extras = selector.get('extras') or ''
    if extras:
        try:
            untagged = bool(json.loads(extras).get('untagged'))
        except (ValueError, AttributeError):
            pass
    return untagged


def tag_selected(selector, tags):
    """Does one tag selector pick an artifact with these tags?"""
    pattern, decoration = selector.get('pattern') or '', selector.get('decoration')
    untagged = _untagged_flag(selector)
    if decoration == 'excludes':
        if tags:
            return any(not match(pattern, tag) for tag in tags)
        return not untagged
    if tags:
        return any(match(pattern, tag) for tag in tags)
    return untagged


def repository_selected(rule, repository):
    """Do the rule's repository selectors (all of them) pick this repository (name without the project)?"""
    for selector in (rule.get('scope_selectors') or {}).get('repository') or []:
        matched = match(selector.get('pattern') or '', repository)
        if matched == (selector.get('decoration') == 'repoExcludes'):
            return False
    return True


# ----------------------------------------------------------------------------------------------
# templates

def epoch(stamp):
    """Harbor's '2026-11-23T10:12:44.512Z' (or a number) -> seconds; 0 for never."""
    if not stamp:
        return 0
    if isinstance(stamp, (int, float)):
        return float(stamp)
    if stamp.startswith('0001-'):
        return 0
    base, dummy, fraction = stamp.rstrip('Z').partition('.')
    seconds = calendar.timegm(time.strptime(base, '%Y-%m-%dT%H:%M:%S'))
    return seconds + (float('0.' + fraction) if fraction.isdigit() else 0)


def _parameter(rule, default):
    value = (rule.get('params') or {}).get(rule.get('template'))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or int(value) != value:
        return default
    return int(value)


def evaluate(rule, candidates, at=None):
    """The candidates (already picked by the tag selectors) the rule's template retains."""
    template = rule.get('template')
    at = time.time() if at is None else at
    if template == 'always':
        return list(candidates)
    if template == 'latestPushedK':
        return sorted(candidates, key=lambda a: epoch(a.get('push_time')), reverse=True)[:_parameter(rule, DEFAULT_COUNT)]
    if template == 'latestPulledN':
        return sorted(candidates, key=lambda a: epoch(a.get('pull_time')), reverse=True)[:_parameter(rule, DEFAULT_COUNT)]
    if template in ('nDaysSinceLastPush', 'nDaysSinceLastPull'):
        field = 'push_time' if template == 'nDaysSinceLastPush' else 'pull_time'
        since = at - _parameter(rule, DEFAULT_DAYS) * 86400
        return [a for a in candidates if epoch(a.get(field)) and epoch(a.get(field)) >= since]
    raise ValueError('rule evaluator %s is not registered' % template)


def plan(rules, artifacts, at=None):
    """(retained, deleted) artifacts of one repository under the rules that apply to it."""
    retained = {}
    for rule in rules:
        picked = [a for a in artifacts
                  if all(tag_selected(s, [t['name'] for t in a['tags']]) for s in rule.get('tag_selectors') or [])]
        for artifact in evaluate(rule, picked, at):
            retained[artifact['digest']] = artifact
    deleted = [a for a in artifacts if a['digest'] not in retained]
    return [a for a in artifacts if a['digest'] in retained], deleted


def _table_time(stamp):
    seconds = epoch(stamp)
    return time.strftime('%Y/%m/%d %H:%M:%S', time.gmtime(seconds)) if seconds > 0 else ''


def job_log(repository_path, dry_run, artifacts, deleted_digests):
    """The retention job's log: its opening lines and the result table (tablewriter layout)."""
    rows = [[a['digest'], ','.join(t['name'] for t in a['tags']), 'image', '', _table_time(a.get('push_time')),
             _table_time(a.get('pull_time')), _table_time(a.get('push_time')),
             'DEL' if a['digest'] in deleted_digests else 'RETAIN'] for a in artifacts]
    header = ['Digest', 'Tag', 'Kind', 'Labels', 'PushedTime', 'PulledTime', 'CreatedTime', 'Retention']
    widths = [max([len(header[i])] + [len(r[i]) for r in rows]) for i in range(len(header))]

    def line(cells):
        return '| ' + ' | '.join(c.ljust(w) for c, w in zip(cells, widths)) + ' |'
    table = [line(header), '|' + '|'.join('-' * (w + 2) for w in widths) + '|'] + [line(r) for r in rows]
    stamp = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())
    return ('%s [INFO] [/pkg/retention/job.go:83]: Run retention process.\n Repository: %s \n Rule Algorithm: or \n Dry Run: %s\n'
            '%s [INFO] [/pkg/retention/job.go:98]: Load %d candidates from repository %s\n'
            '%s [INFO] [/pkg/retention/job.go:193]: \n%s\n'
            % (stamp, repository_path, str(bool(dry_run)).lower(), stamp, len(artifacts), repository_path, stamp, '\n'.join(table)))


# ----------------------------------------------------------------------------------------------
# executions

def start(server, policy, dry_run, trigger='MANUAL'):
    """Create an execution of `policy` and run it in the background; returns its id (call with the state lock held)."""
    state = server.state
    execution_id = state.add('retention_executions', {
        'policy_id': policy['id'], 'status': RUNNING, 'trigger': trigger, 'dry_run': bool(dry_run),
        'start_time': now(), 'end_time': '', 'stop': False})
    snapshot = copy.deepcopy(policy)
    threading.Thread(target=_run, args=(server, execution_id, snapshot, bool(dry_run)), daemon=True).start()
    return execution_id


def _run(server, execution_id, policy, dry_run):
    state = server.state
    with state.lock:
        execution = state.collections['retention_executions'].get(execution_id)
        project = state.projects.get((policy.get('scope') or {}).get('ref'))
        rules = [r for r in policy.get('rules') or [] if not r.get('disabled')]
        work = []
        if project is not None and execution is not None:
            for repository in sorted(state.find('repositories', project_id=project['id']), key=lambda r: r['name']):
                short = repository['name'][len(project['name']) + 1:]
                applicable = [r for r in rules if repository_selected(r, short)]
                if applicable:
                    artifacts = copy.deepcopy(state.find('artifacts', repository_id=repository['id']))
                    work.append((repository, short, applicable, artifacts))
    if execution is None:
        return
    statuses = [_task(server, execution, project, repository, short, applicable, artifacts, dry_run)
                for repository, short, applicable, artifacts in work]
    with state.lock:
        if execution['stop'] or STOPPED in statuses:
            execution['status'] = STOPPED
        else:
            execution['status'] = ERROR if ERROR in statuses else SUCCESS
        execution['end_time'] = now()


def _task(server, execution, project, repository, short, rules, artifacts, dry_run):
    """One repository: evaluate, delete what is not retained (unless dry run), record the task; returns its status."""
    state = server.state
    path = '%s/%s' % (project['name'], short)
    with state.lock:
        task_id = state.add('retention_tasks', {
            'execution_id': execution['id'], 'repository': short, 'job_id': uuid.uuid4().hex[:24], 'status': RUNNING,
            'status_code': 2, 'status_revision': int(time.time()), 'start_time': now(), 'end_time': '',
            'total': 0, 'retained': 0, 'log': ''})
        task = state.collections['retention_tasks'][task_id]
        if execution['stop']:
            task.update(status=STOPPED, status_code=3, end_time=now(), log='Retention job is stopped\n')
            return STOPPED
    try:
        retained, deleted = plan(rules, artifacts)
    except ValueError as exc:
        with state.lock:
            task.update(status=ERROR, status_code=3, end_time=now(),
                        log='%s [ERROR] [/pkg/retention/job.go:92]: retention job: %s\n'
                            % (time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), exc))
        return ERROR
    failed = []
    if not dry_run and deleted:
        from .registry import forget_manifest, local_client  # pylint: disable=import-outside-toplevel
        client = local_client(server)
        try:
            for artifact in deleted:
                try:
                    client.delete_manifest(repository['name'], artifact['digest'])
                except RegistryError as exc:
                    failed.append((artifact, str(exc)))
                    continue
                forget_manifest(state, repository['name'], artifact['digest'])
        finally:
            client.close()
    log = job_log(path, dry_run, artifacts, set(a['digest'] for a in deleted))
    for artifact, message in failed:
        log += 'Retention error for artifact image:%s:%s : %s\n' % (path, artifact['digest'], message)
    with state.lock:
        task.update(status=ERROR if failed else SUCCESS, status_code=3, end_time=now(), total=len(artifacts),
                    retained=len(artifacts) - len(deleted) + len(failed), log=log)
    return ERROR if failed else SUCCESS
