#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

DOCUMENTATION = r"""
module: harbor_robot
short_description: Manage Harbor robot accounts, their permissions, expiry and secrets
version_added: 0.1.0
description:
  - Create, update or delete a project-level or system-level robot account by name.
  - Permissions are compared as a set; Harbor's additions (the C(robot$) prefix, the project in the name,
    an C(effect) of V(allow) that may come back or not) never show up as a change.
  - The secret Harbor generates at creation or rotation is returned once in RV(secret) and can be written to
    O(secret_file). Set the task keyword C(no_log) to V(true), since Ansible prints module results.
  - Reports RV(expires_at) and RV(days_left) so that playbooks can alert on robots that are about to expire.
  - Every (resource, action) is checked before anything is written, against Harbor's C(GET /permissions) when the
    account may read it, else against the table of Harbor's C(src/common/rbac/const.go) in the collection.
author:
  - harbor_ops.harbor contributors (@harbor-ops)
extends_documentation_fragment:
  - harbor_ops.harbor.harbor
  - harbor_ops.harbor.harbor.ATTRIBUTES
options:
  name:
    description:
      - The robot's own name, without the prefix and without the project, for example V(ci).
        Harbor shows and logs it in as C(robot$ci) (system) or C(robot$myproject+ci) (project).
      - Lowercase letters, digits and single C(.), C(_) or C(-) between them.
    type: str
    required: true
  level:
    description:
      - V(project) robots belong to one O(project); V(system) robots may hold system permissions and permissions
        in several projects.
    type: str
    choices: [project, system]
    default: project
  project:
    description:
      - The project of a V(project) robot. Required with O(level=project), refused with O(level=system).
    type: str
  state:
    description:
      - V(present) creates or updates the robot, V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  description:
    description:
      - Free text. Left as it is when not given.
    type: str
  duration:
    description:
      - Days the robot is valid, counted by Harbor from its creation time; V(-1) never expires.
      - The default of 90 days is on purpose; a robot that never expires must be asked for explicitly.
      - Changing it on an existing robot makes Harbor recompute the expiry from the creation time, not from today,
        so a shorter duration can expire the robot at once.
      - A robot renewed by O(rotate_before_days) is stored with a longer duration (days since creation plus
        O(duration)); it counts as matching as long as it expires within O(duration) days (plus one) from now.
    type: int
    default: 90
  disabled:
    description:
      - Whether the robot is disabled. Harbor ignores this at creation, so a robot declared disabled is created
        and then disabled in the same run. Left as it is when not given.
    type: bool
  permissions:
    description:
      - Required to create a robot; replaces the whole set when given; left as it is when not given.
      - For O(level=project), a list of C({resource, action}) in the robot's project, for example
        resource V(repository) with action V(pull).
      - For O(level=system), a list of C({kind, namespace, access}) where C(kind) is V(system)
        (C(namespace) V(/)) or V(project) (C(namespace) a project name, or V(*) for
        every project), and C(access) is a list of C({resource, action}).
      - Each access may carry C(effect) V(allow) (the default) or V(deny).
    type: list
    elements: dict
  secret:
    description:
      - A secret you choose instead of Harbor's generated one, set right after creation (Harbor ignores a secret
        in the create request). 8 to 128 characters with an uppercase letter, a lowercase letter and a digit;
        checked before anything is sent.
      - Harbor never shows a secret, so it cannot be compared; see O(update_secret).
      - Mutually exclusive with O(rotate), O(rotate_before_days) and O(secret_file).
    type: str
  update_secret:
    description:
      - V(on_create) sets O(secret) only when the robot is created, so a re-run reports no change. A re-run asks
        Harbor whether the robot logs in with O(secret) (as C(docker login) does, C(GET /service/token)), and sets it
        again if not, because a create whose answer was lost, or whose secret could not be set, leaves Harbor's
        random one.
      - V(always) sets it on every run, which then always reports a change.
    type: str
    choices: [always, on_create]
    default: on_create
  rotate:
    description:
      - Have Harbor generate a new secret for an existing robot; the old one stops working at once.
    type: bool
    default: false
  rotate_before_days:
    description:
      - Rotate the secret only when the robot expires within this many days (or has expired), and renew it for
        O(duration) days from now in the same run.
      - Harbor counts a duration from the creation time, so the module renews by storing the days since creation
        plus O(duration); the robot then expires O(duration) days from now (rounded up to a whole day).
      - Must be smaller than O(duration), or every run would rotate.
    type: int
  secret_file:
    description:
      - The file that holds the robot's secret. A secret Harbor generates (at creation or rotation) is written to
        it, mode C(0600).
      - An existing file is never overwritten unless O(force=true); that is checked before anything is written.
      - When the robot exists but this file does not, nobody may hold its secret (a create whose answer was lost
        to a timeout, or a run that lost the create to a concurrent one), so the secret is rotated and written
        here. Keep the file where the next run finds it; on a controller whose file system does not persist
        between jobs (an AWX execution environment), store the returned RV(secret) instead.
    type: path
  force:
    description:
      - Allow overwriting an existing O(secret_file).
    type: bool
    default: false
  name_prefix:
    description:
      - Harbor's C(robot_name_prefix) setting, used to find the robot by its full name.
    type: str
    default: robot$
notes:
  - Set the task keyword C(no_log) to V(true) whenever the task may return RV(secret).
  - Harbor recomputes the expiry only when the duration changes; see O(duration) and O(rotate_before_days).
seealso:
  - module: harbor_ops.harbor.harbor_robot_info
"""

EXAMPLES = r"""
- name: A project robot for CI that pulls and pushes, with its secret saved for the pipeline
  harbor_ops.harbor.harbor_robot:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: ci
    project: releases
    description: pushes from CI
    duration: 90
    permissions:
      - {resource: repository, action: pull}
      - {resource: repository, action: push}
      - {resource: artifact, action: read}
    secret_file: /etc/ci/harbor-robot.secret
  no_log: true

- name: A system robot that creates projects and pulls from all of them, with a secret from the vault
  harbor_ops.harbor.harbor_robot:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: provisioner
    level: system
    duration: -1
    secret: "{{ vault_provisioner_secret }}"
    permissions:
      - kind: system
        namespace: /
        access:
          - {resource: project, action: create}
      - kind: project
        namespace: "*"
        access:
          - {resource: repository, action: pull}
  no_log: true

- name: Rotate and renew the CI robot when it expires within 14 days
  harbor_ops.harbor.harbor_robot:
    url: https://harbor.example.com
    username: admin
    password: "{{ vault_harbor_admin_password }}"
    name: ci
    project: releases
    duration: 90
    rotate_before_days: 14
    secret_file: /etc/ci/harbor-robot.secret
    force: true
  register: ci_robot
  no_log: true

- name: Warn when it is about to expire
  ansible.builtin.debug:
    msg: "robot$releases+ci expires in {{ ci_robot.days_left }} days"
  when: ci_robot.days_left is not none and ci_robot.days_left < 14
"""

RETURN = r"""
robot:
  description:
    - The robot as Harbor returns it after the change (C(GET /robots/{id})), never with a secret.
    - V(null) after deletion, and when a robot would be created in check mode.
  returned: always
  type: dict
  sample:
    id: 7
    name: robot$releases+ci
    description: pushes from CI
    level: project
    duration: 90
    disable: false
    editable: true
    expires_at: 1801900364
    creator_type: local
    creator_ref: 1
    creation_time: "2026-11-23T10:12:44.512Z"
    update_time: "2026-11-23T10:12:44.512Z"
    permissions:
      - kind: project
        namespace: releases
        access:
          - {resource: repository, action: pull}
          - {resource: repository, action: push}
secret:
  description:
    - The secret Harbor generated in this run, at creation or rotation. Harbor shows it only once.
    - Never a secret you chose with O(secret).
  returned: when Harbor generated a secret
  type: str
  sample: 6eAlqNs4gpM0rbKfGTeB3Ttxqbmk2hGS
expires_at:
  description: When the robot expires, in seconds since the epoch; V(-1) when it never expires.
  returned: when the robot exists
  type: int
  sample: 1801900364
days_left:
  description: Whole days until the robot expires (negative once it has); V(null) when it never expires.
  returned: when the robot exists
  type: int
  sample: 89
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._module import HarborModule, ensure
from ansible_collections.harbor_ops.harbor.plugins.module_utils._resources.robot import (
    ROBOT_ARGUMENT_SPEC,
    RobotResource,
    expiry_facts,
)


def run(module):
    resource = RobotResource()
    result = ensure(module, resource)
    result["expires_at"], result["days_left"] = expiry_facts(result["robot"])
    if resource.new_secret:
        result["secret"] = resource.new_secret
    return result


def main():
    module = HarborModule(argument_spec=ROBOT_ARGUMENT_SPEC)
    module.run(run)


if __name__ == "__main__":
    main()
