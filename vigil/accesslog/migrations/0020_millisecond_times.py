"""Store the times of entries on SQLite with three fraction digits.

``MillisecondTimeField`` writes ``YYYY-MM-DD HH:MM:SS.mmm``, where Django
wrote no fraction for a whole second and six digits otherwise. The column
type stays the same, so the field changes only in the migration state: on
SQLite, Django would otherwise rebuild the table, and with it drop its
triggers.

On SQLite the migration rewrites each entry's time whose text the
verification accepted, one of Django's two forms as ingestion wrote them, so
that its leaf text stays the same. Any other text stays as it is and fails
the verification as before, except the new form itself. The trigger that
lets an UPDATE of an entry through only as its expiry is dropped around the
rewrite and created again from its own SQL. PostgreSQL stores times as
timestamptz, which do not change. The reverse migration writes Django's
forms again. The conditions are written out here, so that this migration
does not depend on the code of another module.
"""

from typing import Any

from django.db import migrations

import vigil.accesslog.models

TRIGGER = "accesslog_entry_only_expiry"

# The entries whose time the verification accepted, and their new text.
TO_MILLISECONDS = """UPDATE accesslog_accessentry SET "time" =
    CASE WHEN "time" = substr("time", 1, 19) THEN "time" || '.000'
    ELSE substr("time", 1, 23) END
WHERE substr("time", 11, 1) = ' ' AND ("time" = substr("time", 1, 19)
    OR ("time" = substr("time", 1, 23) || '000'
        AND substr("time", 20, 4) != '.000'))"""

# The entries whose time has the new form, and Django's text of it.
TO_DJANGO = """UPDATE accesslog_accessentry SET "time" =
    CASE WHEN substr("time", 20, 4) = '.000' THEN substr("time", 1, 19)
    ELSE "time" || '000' END
WHERE substr("time", 11, 1) = ' ' AND substr("time", 20, 1) = '.'
    AND length("time") = 23 AND "time" = substr("time", 1, 23)"""


def _rewrite_times(schema_editor: Any, statement: str) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
            [TRIGGER],
        )
        trigger = cursor.fetchone()
        if trigger is not None:
            cursor.execute(f"DROP TRIGGER {TRIGGER}")
        cursor.execute(statement)
        if trigger is not None:
            cursor.execute(trigger[0])


def to_milliseconds(apps: Any, schema_editor: Any) -> None:
    _rewrite_times(schema_editor, TO_MILLISECONDS)


def to_django(apps: Any, schema_editor: Any) -> None:
    _rewrite_times(schema_editor, TO_DJANGO)


class Migration(migrations.Migration):
    dependencies = [
        ("accesslog", "0019_expiry_statements"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="accessentry",
                    name="time",
                    field=vigil.accesslog.models.MillisecondTimeField(
                        verbose_name="time"
                    ),
                ),
            ],
        ),
        migrations.RunPython(to_milliseconds, to_django),
    ]
