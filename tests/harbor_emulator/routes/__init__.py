"""Route handlers, one module per Harbor resource family. Every module here is imported at start."""

import importlib
import pkgutil


def load_all():
    """Import every module of this package so their @route decorators register (idempotent)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module('%s.%s' % (__name__, module.name))
