"""Store the entries' pseudonyms as their 32 bytes instead of 64 hex digits.

The leaf bytes keep the hex form, so leaf hashes, the tree and checkpoints do
not change. The expiry trigger, which requires an empty pseudonym, compares
its length instead of text. On SQLite the column change rebuilds the table,
which drops the append-only triggers, so they are created again afterwards.
"""

import importlib
from typing import Any

from django.db import migrations, models

ENTRY_TABLE = "accesslog_accessentry"
TEXT_CONDITION = "NEW.subject_pseudonym = ''"

_previous = importlib.import_module("vigil.accesslog.migrations.0008_drop_entry_leaf")


def _triggers(vendor: str, *, binary: bool) -> list[str]:
    statements = _previous._create_triggers(vendor, with_leaf=False)
    if not binary:
        return statements
    length = "length" if vendor == "sqlite" else "octet_length"
    binary_condition = f"{length}(NEW.subject_pseudonym) = 0"
    assert any(TEXT_CONDITION in statement for statement in statements)
    return [
        statement.replace(TEXT_CONDITION, binary_condition) for statement in statements
    ]


def _convert(apps: Any, schema_editor: Any, *, binary: bool) -> None:
    """Change the column type and convert every stored pseudonym."""
    vendor = schema_editor.connection.vendor
    for statement in _previous._drop_triggers(vendor):
        schema_editor.execute(statement)
    if vendor == "postgresql":
        if binary:
            change = "TYPE bytea USING decode(subject_pseudonym, 'hex')"
        else:
            change = "TYPE varchar(64) USING encode(subject_pseudonym, 'hex')"
        schema_editor.execute(
            f"ALTER TABLE {ENTRY_TABLE} ALTER COLUMN subject_pseudonym {change}"
        )
    else:
        model = apps.get_model("accesslog", "AccessEntry")
        text: models.Field[Any, Any] = models.CharField(max_length=64)
        blob: models.Field[Any, Any] = models.BinaryField(max_length=32)
        for field in (text, blob):
            field.set_attributes_from_name("subject_pseudonym")
        if binary:
            schema_editor.alter_field(model, text, blob)
        else:
            schema_editor.alter_field(model, blob, text)
        # SQLite keeps each value's type, so the rebuilt table still holds
        # the old form until this statement converts it.
        sqlite = schema_editor.connection.connection
        sqlite.create_function("vigil_unhex", 1, _unhex, deterministic=True)
        sqlite.create_function("vigil_hex", 1, _hex, deterministic=True)
        function = "vigil_unhex" if binary else "vigil_hex"
        schema_editor.execute(
            f"UPDATE {ENTRY_TABLE} SET subject_pseudonym = "  # noqa: S608
            f"{function}(subject_pseudonym)"
        )
    for statement in _triggers(vendor, binary=binary):
        schema_editor.execute(statement)


def _unhex(value: object) -> object:
    return bytes.fromhex(value) if isinstance(value, str) else value


def _hex(value: object) -> object:
    return value.hex() if isinstance(value, bytes) else value


def to_binary(apps: Any, schema_editor: Any) -> None:
    _convert(apps, schema_editor, binary=True)


def to_text(apps: Any, schema_editor: Any) -> None:
    _convert(apps, schema_editor, binary=False)


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0008_drop_entry_leaf")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(to_binary, to_text)],
            state_operations=[
                migrations.AlterField(
                    model_name="accessentry",
                    name="subject_pseudonym",
                    field=models.BinaryField(
                        max_length=32, verbose_name="data subject (pseudonym)"
                    ),
                )
            ],
        )
    ]
