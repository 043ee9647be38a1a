"""Keep the entries' primary key on SQLite as a plain rowid, without AUTOINCREMENT.

``AUTOINCREMENT`` made SQLite read and write ``sqlite_sequence`` for every
inserted entry (see ``RowIdField``). Other databases do not change. On SQLite
the change rebuilds the table, which drops the append-only triggers, so they
are created again afterwards. Both directions keep every row and its id.
"""

import importlib
from typing import Any

from django.db import migrations, models

import vigil.accesslog.models

_previous = importlib.import_module("vigil.accesslog.migrations.0009_binary_pseudonyms")


def _rebuild(apps: Any, schema_editor: Any, *, rowid: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor != "sqlite":
        return
    model = apps.get_model("accesslog", "AccessEntry")
    plain: models.Field[Any, Any] = vigil.accesslog.models.RowIdField(primary_key=True)
    counted: models.Field[Any, Any] = models.BigAutoField(primary_key=True)
    for field in (plain, counted):
        field.set_attributes_from_name("id")
        field.model = model
    for statement in _previous._previous._drop_triggers(vendor):
        schema_editor.execute(statement)
    if rowid:
        schema_editor.alter_field(model, counted, plain)
    else:
        schema_editor.alter_field(model, plain, counted)
    for statement in _previous._triggers(vendor, binary=True):
        schema_editor.execute(statement)


def to_rowid(apps: Any, schema_editor: Any) -> None:
    _rebuild(apps, schema_editor, rowid=True)


def to_autoincrement(apps: Any, schema_editor: Any) -> None:
    _rebuild(apps, schema_editor, rowid=False)


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0009_binary_pseudonyms")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(to_rowid, to_autoincrement)],
            state_operations=[
                migrations.AlterField(
                    model_name="accessentry",
                    name="id",
                    field=vigil.accesslog.models.RowIdField(
                        primary_key=True, serialize=False
                    ),
                )
            ],
        )
    ]
