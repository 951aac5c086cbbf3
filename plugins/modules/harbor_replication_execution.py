#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_replication_execution
short_description: Start, stop or list executions of a Harbor replication policy
version_added: 0.1.0
description:
  - V(start) runs a replication policy now and can wait until the run ends; V(stop) stops its running executions;
    V(list) returns its most recent executions.
  - Results carry Harbor's status (V(InProgress), V(Succeed), V(Failed), V(Stopped)), the task counts and the failed tasks.
  - In check mode nothing is started or stopped.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying Harbor.
    support: full
    details: V(start) and V(stop) report what they would do and send nothing.
  diff_mode:
    description: Returns no diff; an execution is an action, not a setting.
    support: none
  action_group:
    description: Use C(group/harbor_ops.harbor.harbor) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - harbor_ops.harbor.harbor
options:
  policy:
    description:
      - Name of the replication policy.
    type: str
    required: true
  action:
    description:
      - V(start) a new execution, V(stop) the running ones, or V(list) the recent ones.
    type: str
    choices: [start, stop, list]
    default: start
  wait:
    description:
      - With V(start), wait until the execution ends. With V(stop), wait until the stopped executions have ended.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait before failing.
    type: int
    default: 600
  fail_on_error:
    description:
      - With O(wait), fail the task when the execution ends V(Failed), naming the failed tasks.
    type: bool
    default: true
  limit:
    description:
      - With V(list), how many of the most recent executions to return.
    type: int
    default: 10
seealso:
  - module: harbor_ops.harbor.harbor_replication
"""

EXAMPLES = r"""
- name: Replicate now and wait for the result
  harbor_ops.harbor.harbor_replication_execution:
    url: https://harbor-dr.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    policy: nightly-from-primary
    wait: true
    wait_timeout: 1800
  register: run

- name: Show what was copied
  ansible.builtin.debug:
    msg: "{{ run.execution.succeed }} of {{ run.execution.total }} tasks succeeded"

- name: Stop a run that takes too long
  harbor_ops.harbor.harbor_replication_execution:
    url: https://harbor-dr.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    policy: nightly-from-primary
    action: stop
"""

RETURN = r"""
execution:
  description:
    - With V(start), the execution (after it ended when O(wait)); V(null) in check mode.
  returned: when action is start
  type: dict
  sample:
    id: 17
    policy_id: 4
    status: Succeed
    trigger: manual
    total: 12
    succeed: 12
    failed: 0
    in_progress: 0
    stopped: 0
    start_time: "2026-11-23T10:12:44.512Z"
    end_time: "2026-11-23T10:13:02.118Z"
failed_tasks:
  description: The tasks of the execution that failed, each with its C(log) text.
  returned: when action is start and O(wait) is true
  type: list
  elements: dict
  sample:
    - id: 88
      status: Failed
      src_resource: library/app [2 item(s) in total]
      dst_resource: mirror/app [2 item(s) in total]
      log: "copying library/app:v2 failed: PUT manifest mirror/app:v2 failed with HTTP 500"
executions:
  description:
    - With V(list), the most recent executions, newest first.
    - With V(stop), the executions that were (or in check mode would be) stopped.
  returned: when action is list or stop
  type: list
  elements: dict
  sample:
    - id: 17
      status: Succeed
      total: 12
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import HarborError, poll
from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule
from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError

POLL_SECONDS = 0.5
RUNNING = "InProgress"


def _wait(module, client, execution_ids):
    executions = {}
    pending = list(execution_ids)

    def read():
        for execution_id in list(pending):
            execution = client.get("/replication/executions/%s" % execution_id)
            executions[execution_id] = execution
            if execution.get("status") != RUNNING:
                pending.remove(execution_id)
        return pending

    poll(read, lambda still: not still, module.params["wait_timeout"],
         lambda still: HarborError("execution(s) %s of policy %r still running after wait_timeout=%ss"
                                   % (", ".join(str(i) for i in still), module.params["policy"],
                                      module.params["wait_timeout"])),
         delay=POLL_SECONDS)
    return [executions[i] for i in execution_ids]


def _failed_tasks(client, execution_id):
    tasks = client.paginate("/replication/executions/%s/tasks" % execution_id, {"status": "Failed"})
    for task in tasks:
        try:
            task["log"] = client.get_text("/replication/executions/%s/tasks/%s/log" % (execution_id, task["id"]))
        except HarborError as exc:
            task["log"] = "(log not available: %s)" % exc
    return tasks


def run(module):
    client = module.client
    params = module.params
    policy = client.find_by_name("/replication/policies", params["policy"])
    if policy is None:
        raise ValidationError("policy=%r: no replication policy of that name exists" % params["policy"])
    action = params["action"]
    if action == "list":
        if params["limit"] < 1:
            raise ValidationError("limit must be at least 1; got %d" % params["limit"])
        executions = client.paginate("/replication/executions", {"policy_id": policy["id"], "sort": "-id"}, limit=params["limit"])
        return {"changed": False, "executions": executions}
    if action == "stop":
        running = client.paginate("/replication/executions", {"policy_id": policy["id"], "status": RUNNING})
        if not running or module.check_mode:
            return {"changed": bool(running), "executions": running}
        for execution in running:
            client.put("/replication/executions/%s" % execution["id"])
        ids = [e["id"] for e in running]
        executions = _wait(module, client, ids) if params["wait"] else [client.get("/replication/executions/%s" % i) for i in ids]
        return {"changed": True, "executions": executions}
    if not policy.get("enabled"):
        raise ValidationError("policy %r is disabled and Harbor will not run it; enable it first (harbor_replication "
                              "enabled=true)" % params["policy"])
    if module.check_mode:
        return {"changed": True, "execution": None}
    execution_id, dummy = client.post("/replication/executions", {"policy_id": policy["id"]})
    result = {"changed": True}
    if not params["wait"]:
        result["execution"] = client.get("/replication/executions/%s" % execution_id)
        return result
    execution = _wait(module, client, [execution_id])[0]
    result.update(execution=execution, failed_tasks=_failed_tasks(client, execution_id) if execution.get("failed") else [])
    if execution.get("status") == "Failed" and params["fail_on_error"]:
        names = ", ".join("%s -> %s" % (t.get("src_resource"), t.get("dst_resource")) for t in result["failed_tasks"])
        module.fail_json(msg="replication execution %s of policy %r failed: %s%s" % (
            execution_id, params["policy"], execution.get("status_text") or "%s of %s tasks failed" % (
                execution.get("failed"), execution.get("total")), " (%s)" % names if names else ""), **result)
    return result


def main():
    module = HarborModule(argument_spec=dict(
        policy=dict(type="str", required=True),
        action=dict(type="str", default="start", choices=["start", "stop", "list"]),
        wait=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=600),
        fail_on_error=dict(type="bool", default=True),
        limit=dict(type="int", default=10),
    ))
    module.run(run)


if __name__ == "__main__":
    main()
