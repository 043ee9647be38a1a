"""Give every tree node its tile and index the nodes by tile, for proofs.

A node of level l lies in the tile of its ancestor at the first multiple of
4 above l (``vigil.accesslog.store.tile_of``), and the index that proofs
read keeps the nodes of a tile together. On SQLite, Django rebuilds the
table to add the column, which drops the append-only triggers of the
nodes: the last operation creates them again, and the first one does so
when the migration is reversed. On PostgreSQL the filling UPDATE runs with
the append-only trigger disabled, inside the migration's transaction.
"""

from django.db import migrations, models

NODE_TABLE = "accesslog_treenode"
TILE_HEIGHT = 4
FILL = (
    f'UPDATE {NODE_TABLE} SET tile = "index" >> '  # noqa: S608
    f"({TILE_HEIGHT} * (level / {TILE_HEIGHT} + 1) - level)"
)
MESSAGE = "the access log is append-only"
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER {NODE_TABLE}_no_update BEFORE UPDATE ON {NODE_TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER {NODE_TABLE}_no_delete BEFORE DELETE ON {NODE_TABLE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
)
SQLITE_DROP_TRIGGERS = (
    f"DROP TRIGGER IF EXISTS {NODE_TABLE}_no_update",
    f"DROP TRIGGER IF EXISTS {NODE_TABLE}_no_delete",
)


def fill_tiles(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        trigger = f"{NODE_TABLE}_append_only"
        schema_editor.execute(f"ALTER TABLE {NODE_TABLE} DISABLE TRIGGER {trigger}")
        schema_editor.execute(FILL)
        schema_editor.execute(f"ALTER TABLE {NODE_TABLE} ENABLE TRIGGER {trigger}")
        return
    if vendor == "sqlite":
        for statement in SQLITE_DROP_TRIGGERS:
            schema_editor.execute(statement)
    schema_editor.execute(FILL)


def create_sqlite_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in (*SQLITE_DROP_TRIGGERS, *SQLITE_TRIGGERS):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0017_finding_entry_indexes")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, create_sqlite_triggers),
        migrations.AddField(
            model_name="treenode",
            name="tile",
            field=models.BigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(fill_tiles, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="treenode", name="tree_node_hash_idx"),
        migrations.AddIndex(
            model_name="treenode",
            index=models.Index(
                fields=["organisation", "tile", "level", "index", "hash"],
                name="tree_node_tile_idx",
            ),
        ),
        migrations.RunPython(create_sqlite_triggers, migrations.RunPython.noop),
    ]
