"""A JSON field whose reading survives a value nested too deeply for Python.

Python's JSON decoder raises RecursionError on a value nested about a
thousand levels deep, and Django's JSONField lets it through, so a page
that reads such a row fails. Only a row changed outside Vigil contains one,
such as an audit entry or a verification run written with SQL. The trail
and the log's status page must still show the rest, so ``DepthSafeJSONField``
reads such a value as ``UNREADABLE``, which they show as one value.
"""

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

UNREADABLE = {"unreadable": "JSON nested deeper than Python reads"}


class DepthSafeJSONField(models.JSONField):
    """A JSONField that reads JSON nested too deeply as ``UNREADABLE``.

    It is the same column as Django's JSONField. ``deconstruct`` names that
    class, so that migrations neither see a change nor rebuild the table,
    which on SQLite would drop the append-only triggers of the audit trail.
    """

    def from_db_value(
        self, value: Any, expression: Any, connection: BaseDatabaseWrapper
    ) -> Any:
        try:
            return super().from_db_value(value, expression, connection)
        except RecursionError:
            return dict(UNREADABLE)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs
