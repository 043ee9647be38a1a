"""Give every entry its segment and index only keys that grow with the log.

The indexes on pseudonym and user id start with the segment (the leaf index
divided by 4,096), and duplicates are found by time and event id, as
``AccessEntry`` explains. On SQLite, Django rebuilds the table to add the
column and to change the unique constraints, which drops the append-only
triggers of the entries: the last operation creates them again, and the first
one does so when the migration is reversed. The reverse fails while two
entries of an organisation share an event id, which the unique constraint on
(organisation, event id) that it restores rejects.
"""

import importlib

from django.db import migrations, models

ENTRY_TABLE = "accesslog_accessentry"
SEGMENT_SIZE = 4096
EXPIRY_TRIGGER = "accesslog_entry_only_expiry"
FILL = f'UPDATE {ENTRY_TABLE} SET segment = "index" / {SEGMENT_SIZE}'  # noqa: S608

_triggers = importlib.import_module("vigil.accesslog.migrations.0004_append_only_triggers")


def fill_segments(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {ENTRY_TABLE} DISABLE TRIGGER {EXPIRY_TRIGGER}")
        schema_editor.execute(FILL)
        schema_editor.execute(f"ALTER TABLE {ENTRY_TABLE} ENABLE TRIGGER {EXPIRY_TRIGGER}")
        return
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {EXPIRY_TRIGGER}")
    schema_editor.execute(FILL)


def restore_sqlite_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _triggers._sqlite_reverse():
        schema_editor.execute(statement)
    for statement in _triggers._sqlite_statements():
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0006_drop_lower_tree_levels")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_sqlite_triggers),
        migrations.AddField(
            model_name="accessentry",
            name="segment",
            field=models.IntegerField(default=0, verbose_name="segment"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_segments, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="accessentry", name="accesslog_a_organis_c26b96_idx"
        ),
        migrations.RemoveIndex(
            model_name="accessentry", name="accesslog_a_organis_a1426f_idx"
        ),
        migrations.RemoveIndex(
            model_name="accessentry", name="accesslog_a_organis_fcd039_idx"
        ),
        migrations.RemoveConstraint(
            model_name="accessentry", name="access_entry_event_unique"
        ),
        migrations.AddConstraint(
            model_name="accessentry",
            constraint=models.UniqueConstraint(
                fields=("organisation", "time", "event_id"),
                name="access_entry_time_event_unique",
            ),
        ),
        migrations.AddIndex(
            model_name="accessentry",
            index=models.Index(
                fields=["organisation", "segment", "subject_pseudonym", "time"],
                name="access_entry_subject_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="accessentry",
            index=models.Index(
                fields=["organisation", "segment", "user_id", "time"],
                name="access_entry_user_idx",
            ),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
