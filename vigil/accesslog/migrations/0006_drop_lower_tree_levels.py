"""Keep only the tree levels from 4 up in ``TreeNode``.

The leaf hashes are the entries' own ``leaf_hash`` column, and the nodes of
levels 1 to 3 are computed from at most 16 of them when a proof or root needs
one (``vigil.accesslog.store``). Removing the rows takes the append-only
trigger of ``TreeNode`` out of the way for this one statement. The reverse
migration computes the removed nodes again from the entries.
"""

from django.db import migrations

from vigil.ledger import node_hash

LOWEST_STORED_LEVEL = 4
NODE_TABLE = "accesslog_treenode"
DELETE = f'DELETE FROM {NODE_TABLE} WHERE level < {LOWEST_STORED_LEVEL}'  # noqa: S608
SQLITE_TRIGGER = (
    f"CREATE TRIGGER {NODE_TABLE}_no_delete BEFORE DELETE ON {NODE_TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END"
)


def drop_lower_levels(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {NODE_TABLE}_no_delete")
        schema_editor.execute(DELETE)
        schema_editor.execute(SQLITE_TRIGGER)
    elif vendor == "postgresql":
        trigger = f"{NODE_TABLE}_append_only"
        schema_editor.execute(f"ALTER TABLE {NODE_TABLE} DISABLE TRIGGER {trigger}")
        schema_editor.execute(DELETE)
        schema_editor.execute(f"ALTER TABLE {NODE_TABLE} ENABLE TRIGGER {trigger}")
    else:
        schema_editor.execute(DELETE)


def restore_lower_levels(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Insert the leaf hashes and the nodes of levels 1 to 3 of every complete subtree."""
    entry_model = apps.get_model("accesslog", "AccessEntry")
    node_model = apps.get_model("accesslog", "TreeNode")
    entries = entry_model.objects.order_by("organisation_id", "index")
    rows = entries.values_list("organisation_id", "index", "leaf_hash")
    batch: list[object] = []
    edge: dict[int, list[tuple[int, int, bytes]]] = {}
    for organisation_id, index, value in rows.iterator(chunk_size=2000):
        frontier = edge.setdefault(organisation_id, [])
        level, position, current = 0, index, bytes(value)
        batch.append(node_model(organisation_id=organisation_id, level=0,
                                index=position, hash=current))
        while position & 1 and level + 1 < LOWEST_STORED_LEVEL:
            _, _, left = frontier.pop()
            current = node_hash(left, current)
            level, position = level + 1, position >> 1
            batch.append(node_model(organisation_id=organisation_id, level=level,
                                    index=position, hash=current))
        if position & 1:
            frontier.pop()
        else:
            frontier.append((level, position, current))
        if len(batch) >= 2000:
            node_model.objects.bulk_create(batch)
            batch = []
    node_model.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0005_alter_apitoken_scope")]

    operations = [migrations.RunPython(drop_lower_levels, restore_lower_levels)]
