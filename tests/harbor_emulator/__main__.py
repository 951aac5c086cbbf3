"""`python -m tests.harbor_emulator` (from the repository root) or `python tests/harbor_emulator`."""

import os
import sys

if not __package__:
    # run as a directory: make the repository root importable instead of this package's own directory
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from tests.harbor_emulator.cli import main  # pylint: disable=import-error
else:
    from .cli import main

sys.exit(main())
