"""Shared pytest configuration: the Harbor emulator fixtures for every test suite."""

import os
import sys

_REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

pytest_plugins = ['tests.harbor_emulator.fixture', 'tests.postgres']
