"""Blocks of the permission matrix that belong to one app each.

Every module here defines

- ``MATRIX``: rows in the format of ``tests/test_permissions.py``, keyed by
  URL name;
- ``setup(organisation) -> state``: creates the records those URLs name, for
  one centre;
- ``kwargs(name, state) -> dict``: the URL parameters other than ``org``;
- ``post(name, state) -> dict``: the form data of a POST (may return ``{}``).

The matrix test merges every block and runs each row for every persona.
"""

import importlib
import pkgutil
from types import ModuleType


def blocks() -> list[ModuleType]:
    """Return every block module, in name order."""
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
    ]
