"""Store the bounds of identity periods on SQLite as entry times are stored.

The list of user ids without a person compares each entry's time with the
bounds of the periods in SQL, and SQLite compares their texts. Since entry
times have three fraction digits, a bound with six, such as
``09:15:30.250000``, sorted after an entry at the same millisecond, which
the period then did not cover. The bounds now use ``MillisecondTimeField``
too, changed in the migration state only, as for entries. On SQLite the
migration rewrites the stored bounds: a whole second gets ``.000`` and six
digits that end in ``000`` become three. Other databases keep their
timestamps. The reverse migration writes Django's forms again.
"""

from typing import Any

from django.db import migrations

import vigil.accesslog.models

TABLE = "accesslog_identityperiod"
COLUMNS = ("valid_from", "valid_until")

TO_MILLISECONDS = """CASE WHEN length({column}) = 19 THEN {column} || '.000'
    WHEN length({column}) = 26 AND substr({column}, 24) = '000'
    THEN substr({column}, 1, 23) ELSE {column} END"""

TO_DJANGO = """CASE WHEN length({column}) = 23 AND substr({column}, 20) = '.000'
    THEN substr({column}, 1, 19)
    WHEN length({column}) = 23 THEN {column} || '000' ELSE {column} END"""


def _rewrite(schema_editor: Any, template: str) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    assignments = ", ".join(
        f"{column} = {template.format(column=column)}" for column in COLUMNS
    )
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {assignments}")  # noqa: S608


def to_milliseconds(apps: Any, schema_editor: Any) -> None:
    _rewrite(schema_editor, TO_MILLISECONDS)


def to_django(apps: Any, schema_editor: Any) -> None:
    _rewrite(schema_editor, TO_DJANGO)


class Migration(migrations.Migration):
    dependencies = [
        ("accesslog", "0020_millisecond_times"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="identityperiod",
                    name="valid_from",
                    field=vigil.accesslog.models.MillisecondTimeField(
                        verbose_name="valid from"
                    ),
                ),
                migrations.AlterField(
                    model_name="identityperiod",
                    name="valid_until",
                    field=vigil.accesslog.models.MillisecondTimeField(
                        blank=True, null=True, verbose_name="valid until"
                    ),
                ),
            ],
        ),
        migrations.RunPython(to_milliseconds, to_django),
    ]
