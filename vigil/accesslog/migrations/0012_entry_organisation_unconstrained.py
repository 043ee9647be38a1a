"""Drop the database's foreign-key check on the organisation of an entry.

The check cost every inserted entry a lookup of its organisation: on
PostgreSQL a deferred trigger per row at commit, 3.5 ms per batch of 1,000
entries, and on SQLite 0.35 ms per batch (docs/benchmarks.md).
``AccessEntry.organisation`` says why entries need no such check. On SQLite
the change rebuilds the table, which drops the append-only triggers, so they
are dropped before and created again after. Both directions keep every row.
"""

import importlib
from typing import Any

import django.db.models.deletion
from django.db import migrations, models

_triggers = importlib.import_module("vigil.accesslog.migrations.0009_binary_pseudonyms")


def drop_sqlite_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in _triggers._previous._drop_triggers(vendor):
            schema_editor.execute(statement)


def create_sqlite_triggers(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in _triggers._triggers(vendor, binary=True):
            schema_editor.execute(statement)


def _organisation(*, constrained: bool) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        db_constraint=constrained,
        db_index=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="organisations.organisation",
    )


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0011_tree_node_hash_index")]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.AlterField(
            model_name="accessentry",
            name="organisation",
            field=_organisation(constrained=False),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
