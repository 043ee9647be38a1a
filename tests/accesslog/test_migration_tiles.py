"""The migration that gives every tree node its tile, applied and reversed."""

from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from tests.accesslog.test_migration_leaf import ALIAS, database, migrate, rejected
from tests.accesslog.test_migration_segments import create_centre
from vigil.accesslog.store import DatabaseHashStore, tile_of

__all__ = ["database"]

BEFORE = ("accesslog", "0017_finding_entry_indexes")
TILES = ("accesslog", "0018_tree_node_tiles")
# Nodes on both sides of tile edges, at the lowest stored level, at a tile
# top, high up and with an index above 2**32.
NODES = (
    (4, 0),
    (4, 15),
    (4, 16),
    (5, 7),
    (7, 1),
    (8, 0),
    (8, 16),
    (11, 3),
    (12, 17),
    (4, 2**40 + 17),
    (30, 2**20 + 1),
)


def node_value(level: int, index: int) -> bytes:
    return bytes([level, index % 256]) * 16


def fill_old_nodes(apps: Any) -> int:
    """Store ``NODES`` without their tile and return the organisation's id."""
    organisation = create_centre(apps, "tiles")
    node_model = apps.get_model("accesslog", "TreeNode")
    for level, index in NODES:
        node_model.objects.using(ALIAS).create(
            organisation=organisation,
            level=level,
            index=index,
            hash=node_value(level, index),
        )
    return int(organisation.pk)


def stored_tiles(database: BaseDatabaseWrapper) -> dict[tuple[int, int], int]:
    with database.cursor() as cursor:
        cursor.execute('SELECT level, "index", tile FROM accesslog_treenode')
        return {(int(level), int(index)): int(tile) for level, index, tile in cursor}


def index_names(database: BaseDatabaseWrapper, table: str) -> set[str]:
    with database.cursor() as cursor:
        return set(database.introspection.get_constraints(cursor, table))


def test_tile_migration_both_ways(database: BaseDatabaseWrapper) -> None:
    organisation_id = fill_old_nodes(migrate(database, BEFORE))

    migrate(database, TILES)
    assert "tree_node_tile_idx" in index_names(database, "accesslog_treenode")
    assert "tree_node_hash_idx" not in index_names(database, "accesslog_treenode")
    assert stored_tiles(database) == {node: tile_of(*node) for node in NODES}
    assert stored_tiles(database)[(4, 15)] == 0
    assert stored_tiles(database)[(4, 16)] == 1
    assert stored_tiles(database)[(7, 1)] == 0
    assert stored_tiles(database)[(8, 16)] == 1
    assert stored_tiles(database)[(4, 2**40 + 17)] == 2**36 + 1
    store = DatabaseHashStore(organisation_id, using=ALIAS)
    assert store.get_many(list(NODES)) == [node_value(*node) for node in NODES]
    assert rejected(database, "UPDATE accesslog_treenode SET tile = 5")
    assert rejected(database, "DELETE FROM accesslog_treenode")

    migrate(database, BEFORE)
    assert "tree_node_hash_idx" in index_names(database, "accesslog_treenode")
    with database.cursor() as cursor:
        columns = database.introspection.get_table_description(
            cursor, "accesslog_treenode"
        )
    assert "tile" not in {column.name for column in columns}
    assert rejected(database, "UPDATE accesslog_treenode SET level = 5")
    assert rejected(database, "DELETE FROM accesslog_treenode")

    migrate(database, TILES)
    assert stored_tiles(database) == {node: tile_of(*node) for node in NODES}
    assert store.get_many(list(NODES)) == [node_value(*node) for node in NODES]
    assert rejected(database, "UPDATE accesslog_treenode SET tile = 5")
    assert rejected(database, "DELETE FROM accesslog_treenode")
