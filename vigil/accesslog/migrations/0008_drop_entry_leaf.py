"""Drop the ``leaf`` column of entries: their columns and the origin determine it.

The trigger that lets an UPDATE of an entry through only as its expiry named
the column, so it is recreated without it. On SQLite both entry triggers are
dropped around the column change, because SQLite refuses to drop a column
that a trigger names and drops every trigger of a table that it rebuilds.
On PostgreSQL only the expiry trigger and its function change.

The reverse migration adds the column again and fills it with the leaf bytes
encoded from each entry's columns and its log's origin, reading the entries
in chunks, and leaves it empty for expired entries, as expiry did. The
trigger conditions are written out here, so that this migration does not
depend on the code of another one.
"""

from typing import Any

from django.db import migrations, models

from vigil.accesslog.encoding import (
    LeafFields,
    canonical_address,
    canonical_time,
    encode_leaf,
)

ENTRY_TABLE = "accesslog_accessentry"
MESSAGE = "the access log is append-only"
FILL_CHUNK = 2000

# The condition under which an UPDATE of an entry is its expiry.
EXPIRY = """OLD.expired_at IS NULL AND NEW.expired_at IS NOT NULL
    AND NEW.id = OLD.id
    AND NEW.organisation_id = OLD.organisation_id
    AND NEW."index" = OLD."index"
    AND NEW.segment = OLD.segment
    AND NEW.event_id = OLD.event_id
    AND NEW."time" = OLD."time"
    AND NEW.received_at = OLD.received_at
    AND NEW.leaf_hash = OLD.leaf_hash{leaf}
    AND NEW.user_id = '' AND NEW.application = '' AND NEW.action = ''
    AND NEW.subject_pseudonym = '' AND NEW.service = ''
    AND NEW.case_ref = '' AND NEW.source_ip IS NULL AND NEW.outcome = ''"""
# The term of the condition while the column exists: expiry empties it.
LEAF_TERM = "\n    AND {length}(NEW.leaf) = 0"


def _expiry(vendor: str, *, with_leaf: bool) -> str:
    length = "length" if vendor == "sqlite" else "octet_length"
    return EXPIRY.format(leaf=LEAF_TERM.format(length=length) if with_leaf else "")


def _create_triggers(vendor: str, *, with_leaf: bool) -> list[str]:
    condition = _expiry(vendor, with_leaf=with_leaf)
    if vendor == "sqlite":
        return [
            f"""CREATE TRIGGER accesslog_entry_no_delete BEFORE DELETE ON {ENTRY_TABLE}
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
            f"""CREATE TRIGGER accesslog_entry_only_expiry BEFORE UPDATE
                ON {ENTRY_TABLE} WHEN NOT ({condition})
                BEGIN SELECT RAISE(ABORT, '{MESSAGE}: only expiry may change an entry');
                END""",
        ]
    if vendor == "postgresql":
        return [
            f"""CREATE OR REPLACE FUNCTION accesslog_entry_only_expiry() RETURNS trigger
                AS $$ BEGIN
                    IF {condition} THEN RETURN NEW; END IF;
                    RAISE EXCEPTION '{MESSAGE}: only expiry may change an entry';
                END; $$ LANGUAGE plpgsql""",
            f"""CREATE TRIGGER accesslog_entry_only_expiry BEFORE UPDATE ON {ENTRY_TABLE}
                FOR EACH ROW EXECUTE FUNCTION accesslog_entry_only_expiry()""",
        ]
    return []


def _drop_triggers(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            "DROP TRIGGER IF EXISTS accesslog_entry_no_delete",
            "DROP TRIGGER IF EXISTS accesslog_entry_only_expiry",
        ]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS accesslog_entry_only_expiry ON {ENTRY_TABLE}"]
    return []


def drop_entry_triggers(apps: Any, schema_editor: Any) -> None:
    for statement in _drop_triggers(schema_editor.connection.vendor):
        schema_editor.execute(statement)


def create_triggers_with_leaf(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for statement in _create_triggers(vendor, with_leaf=True):
        schema_editor.execute(statement)


def create_triggers_without_leaf(apps: Any, schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for statement in _create_triggers(vendor, with_leaf=False):
        schema_editor.execute(statement)


def drop_leaf_column(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("accesslog", "AccessEntry")
    schema_editor.remove_field(model, model._meta.get_field("leaf"))


def add_leaf_column(apps: Any, schema_editor: Any) -> None:
    """Add the column as 0001 created it, empty in every existing row.

    Django puts the default into the column only to fill the existing rows
    and drops it afterwards, as for any added column with a default.
    """
    model = apps.get_model("accesslog", "AccessEntry")
    field = models.BinaryField(default=b"", verbose_name="canonical leaf bytes")
    field.set_attributes_from_name("leaf")
    schema_editor.add_field(model, field)


def _leaf(origin: str, row: tuple[Any, ...]) -> bytes:
    index, event_id, time, user_id, application, action = row[1:7]
    pseudonym, service, case_ref, source_ip, outcome = row[7:12]
    fields = LeafFields(
        index,
        event_id,
        canonical_time(time),
        user_id,
        application,
        action,
        pseudonym,
        service,
        case_ref,
        canonical_address(source_ip) if source_ip else "",
        outcome,
    )
    return encode_leaf(origin, fields)


def fill_leaf_column(apps: Any, schema_editor: Any) -> None:
    """Encode the leaf bytes of every entry that has not expired into the column.

    Entries of an organisation without log keys keep an empty column: without
    the origin their leaf bytes are unknown, and verification reports them.
    """
    entry_model = apps.get_model("accesslog", "AccessEntry")
    keys_model = apps.get_model("accesslog", "LogKeys")
    columns = (
        "id",
        "index",
        "event_id",
        "time",
        "user_id",
        "application",
        "action",
        "subject_pseudonym",
        "service",
        "case_ref",
        "source_ip",
        "outcome",
    )
    update = f"UPDATE {ENTRY_TABLE} SET leaf = %s WHERE id = %s"  # noqa: S608
    database = schema_editor.connection.alias
    for organisation_id, origin in keys_model.objects.using(database).values_list(
        "organisation_id", "origin"
    ):
        entries = entry_model.objects.using(database).filter(
            organisation_id=organisation_id, expired_at__isnull=True
        ).order_by("index")
        position = -1
        while True:
            rows = list(
                entries.filter(index__gt=position).values_list(*columns)[:FILL_CHUNK]
            )
            if not rows:
                break
            with schema_editor.connection.cursor() as cursor:
                cursor.executemany(update, [(_leaf(origin, row), row[0]) for row in rows])
            position = rows[-1][1]


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0007_entry_segments")]

    operations = [
        migrations.RunPython(drop_entry_triggers, create_triggers_with_leaf),
        migrations.RunPython(migrations.RunPython.noop, fill_leaf_column),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunPython(drop_leaf_column, add_leaf_column)
            ],
            state_operations=[
                migrations.RemoveField(model_name="accessentry", name="leaf")
            ],
        ),
        migrations.RunPython(create_triggers_without_leaf, drop_entry_triggers),
    ]
