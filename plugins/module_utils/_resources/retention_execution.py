# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Running a project's tag retention policy now (private to harbor_ops.harbor).

Harbor's rules followed here (API_FACTS section 5, and Harbor's retention handler and job):
- POST ``/retentions/{id}/executions`` ``{"dry_run": bool}`` answers 201 with the execution's Location;
  there is no GET of one execution, so it is found in ``GET /retentions/{id}/executions``;
- statuses are the task manager's: Running (or Pending) until the end, then Success, Error or Stopped;
- one task per repository the rules select, with ``total`` and ``retained`` counts; which artifacts
  were kept or deleted is only in the task's log, a table with one row per artifact
  (``Digest | Tag | Kind | Labels | PushedTime | PulledTime | CreatedTime | Retention``, RETAIN or DEL);
- Harbor stores a policy without checking its rules and fails (or keeps nothing) only when it runs:
  an unknown template fails the job, a count of 0 retains nothing, a negative count means 10. A stored
  policy with such a rule is refused here before anything is started.
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import HarborError, path_param, poll
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError, check_wait_timeout
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.project import existing_project
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.retention import TEMPLATES

POLL_SECONDS = 0.5
FINISHED = ("Success", "Error", "Stopped")
RETENTION_EXECUTION_ARGUMENT_SPEC = dict(
    project=dict(type="str", required=True),
    dry_run=dict(type="bool", default=False),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=600),
    fail_on_error=dict(type="bool", default=True),
)


def find_policy(client, params):
    """The project's stored retention policy; a ValidationError when the project or its policy is missing."""
    project = existing_project(client, dict(params, state="present"))
    retention_id = (project.get("metadata") or {}).get("retention_id")
    policy = client.get_or_none("/retentions/%s" % path_param(retention_id)) if retention_id else None
    if policy is None:
        raise ValidationError("project=%r has no tag retention policy to run; create one first (harbor_retention)"
                              % params["project"])
    return policy


def check_policy(policy):
    """Refuse a stored policy that Harbor would run wrongly: unknown templates, counts or days below 1."""
    for index, rule in enumerate(policy.get("rules") or []):
        if rule.get("disabled"):
            continue
        where = "rule %d (priority %s)" % (index + 1, rule.get("priority", index + 1))
        template = rule.get("template")
        if template not in TEMPLATES:
            raise ValidationError("the stored retention policy of this project has %s with template %r, which Harbor "
                                  "cannot run (use one of %s); fix it with harbor_retention first"
                                  % (where, template, ", ".join(TEMPLATES)))
        if TEMPLATES[template]:
            value = (rule.get("params") or {}).get(template)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValidationError("the stored retention policy of this project has %s (%s) with %s=%r: Harbor "
                                      "would keep nothing (0) or fall back to 10 (negative, missing); it must be 1 or "
                                      "more; fix it with harbor_retention first" % (where, template, TEMPLATES[template], value))


def parse_task_log(text):
    """[(digest, [tags], action)] from a retention task log's result table."""
    rows, columns = [], None
    for line in (text or "").splitlines():
        line = line.strip()
        if not line.startswith("|") or set(line) <= set("|-+ "):
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if columns is None:
            if "Digest" in cells and "Retention" in cells:
                columns = dict((name, number) for number, name in enumerate(cells))
            continue
        if len(cells) != len(columns):
            continue
        tags = cells[columns["Tag"]] if "Tag" in columns else ""
        rows.append((cells[columns["Digest"]], [t for t in tags.split(",") if t], cells[columns["Retention"]]))
    return rows


def _find_execution(client, policy_id, execution_id):
    for execution in client.paginate("/retentions/%s/executions" % policy_id):
        if str(execution.get("id")) == str(execution_id):
            return execution
    raise HarborError("retention execution %s is not listed by Harbor" % execution_id, "GET",
                      "/retentions/%s/executions" % policy_id)


def wait_for(client, params, policy_id, execution_id):
    return poll(lambda: _find_execution(client, policy_id, execution_id), lambda e: e.get("status") in FINISHED,
                params["wait_timeout"],
                lambda e: HarborError("retention execution %s still %s after wait_timeout=%ss"
                                      % (execution_id, e.get("status"), params["wait_timeout"]),
                                      "GET", "/retentions/%s/executions" % policy_id),
                delay=POLL_SECONDS)


def repositories(client, policy_id, execution_id):
    """Per repository (task): status, counts, and the artifacts retained and deleted (or, dry run, to delete)."""
    found = []
    base = "/retentions/%s/executions/%s/tasks" % (policy_id, execution_id)
    for task in client.paginate(base):
        log = client.get_text("%s/%s" % (base, task["id"]))
        rows = parse_task_log(log)
        entry = {"repository": task.get("repository"), "task_id": task["id"], "status": task.get("status"),
                 "total": task.get("total", 0), "retained_count": task.get("retained", 0),
                 "retained": [{"digest": d, "tags": t} for d, t, action in rows if action != "DEL"],
                 "deleted": [{"digest": d, "tags": t} for d, t, action in rows if action == "DEL"]}
        if task.get("status") == "Error":
            entry["log_tail"] = log.splitlines()[-10:]
        found.append(entry)
    return found


def run(module):
    """harbor_retention_execution: refuse bad input, then (unless check mode) run, wait and report."""
    params, client = module.params, module.client
    check_wait_timeout(params)
    policy = find_policy(client, params)
    check_policy(policy)
    result = {"changed": True, "policy_id": policy["id"], "dry_run": params["dry_run"]}
    if module.check_mode:
        result.update(execution=None, repositories=[], msg="would run the retention policy %s of project %s%s"
                      % (policy["id"], params["project"], " as a dry run" if params["dry_run"] else ""))
        return result
    execution_id, dummy = client.post("/retentions/%s/executions" % policy["id"], {"dry_run": params["dry_run"]})
    if execution_id is None:
        raise HarborError("Harbor started a retention execution but gave no Location to follow", "POST",
                          "/retentions/%s/executions" % policy["id"])
    if not params["wait"]:
        result.update(execution=_find_execution(client, policy["id"], execution_id), repositories=[])
        return result
    execution = wait_for(client, params, policy["id"], execution_id)
    execution.setdefault("dry_run", False)  # go-swagger leaves a false dry_run out
    result.update(execution=execution, repositories=repositories(client, policy["id"], execution_id))
    result["deleted_count"] = sum(len(r["deleted"]) for r in result["repositories"])
    result["retained_count"] = sum(r["retained_count"] for r in result["repositories"])
    if execution.get("status") != "Success" and params["fail_on_error"]:
        failed = [r["repository"] for r in result["repositories"] if r["status"] != "Success"]
        module.fail_json(msg="retention execution %s of project %r ended %s%s" % (
            execution_id, params["project"], execution.get("status"),
            "; repositories not done: %s" % ", ".join(failed) if failed else ""), **result)
    return result
