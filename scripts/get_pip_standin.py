"""Stand-in for the get-pip.py script that ansible-test downloads to bootstrap pip.

ansible-test creates one virtual environment per sanity test and bootstraps pip in
it by running ``get-pip-<version>.py`` from a download host that machines limited to
package registries cannot reach. It runs a cached copy first, from
``~/.ansible/test/cache/get_pip_<version>.py``; scripts/ansible-test-sanity.sh
installs this file there.

It bootstraps the bundled pip with ensurepip, then installs the requested packages
(``pip==24.2`` ...) from the index pip is configured to use. ensurepip clears every
``PIP_*`` variable and sets ``PIP_CONFIG_FILE=/dev/null``, which would hide the
machine's index and certificate settings, so the environment is saved before it runs.
"""

from __future__ import annotations

import ensurepip
import os
import subprocess
import sys

# Options real get-pip.py understands but pip install does not.
GET_PIP_ONLY_OPTIONS = frozenset(('--no-setuptools', '--no-wheel'))


def main() -> int:
    """Bootstrap pip, then install the packages given on the command line."""
    env = os.environ.copy()
    ensurepip.bootstrap(upgrade=True)
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    return subprocess.call([sys.executable, '-m', 'pip', 'install'] + args, env=env)


if __name__ == '__main__':
    sys.exit(main())
