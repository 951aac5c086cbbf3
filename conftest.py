# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Makes this checkout importable as ``ansible_collections.harbor_ops.harbor`` for every test.

Ansible finds collections only under an ``ansible_collections/<namespace>/<name>`` path, so a
link to the checkout is made in a temporary folder (outside the tree, so no tool walks into a loop)
and put on ``sys.path``; integration tests hand the same folder to ansible-playbook.
"""

import hashlib
import os
import sys
import tempfile

REPO_ROOT = os.path.dirname(os.path.abspath(__file__))


def collections_root():
    """A folder holding ``ansible_collections/harbor_ops/harbor`` -> this checkout."""
    digest = hashlib.sha256(REPO_ROOT.encode()).hexdigest()[:12]
    root = os.path.join(tempfile.gettempdir(), "harbor_ops_collections_%s_%s" % (os.getuid(), digest))
    namespace = os.path.join(root, "ansible_collections", "harbor_ops")
    link = os.path.join(namespace, "harbor")
    os.makedirs(namespace, exist_ok=True)
    if os.path.realpath(link) != REPO_ROOT:
        if os.path.islink(link):
            os.unlink(link)
        os.symlink(REPO_ROOT, link)
    return root


COLLECTIONS_ROOT = collections_root()
os.environ["HARBOR_OPS_COLLECTIONS_ROOT"] = COLLECTIONS_ROOT
if COLLECTIONS_ROOT not in sys.path:
    sys.path.insert(0, COLLECTIONS_ROOT)
