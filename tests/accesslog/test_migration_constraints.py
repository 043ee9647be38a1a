"""The migration that drops the foreign-key check on entries, applied and reversed."""

from django.db.backends.base.base import BaseDatabaseWrapper

from tests.accesslog.test_migration_leaf import database, migrate, rejected
from tests.accesslog.test_migration_segments import (
    create_centre,
    create_entry,
    expire,
    stored_ids,
)

__all__ = ["database"]

INDEXED_NODES = ("accesslog", "0011_tree_node_hash_index")
UNCONSTRAINED = ("accesslog", "0012_entry_organisation_unconstrained")


def organisation_checked(database: BaseDatabaseWrapper) -> bool:
    """Tell whether the database checks the organisation of each entry."""
    with database.cursor() as cursor:
        constraints = database.introspection.get_constraints(
            cursor, "accesslog_accessentry"
        )
    return any(
        constraint["foreign_key"] and constraint["columns"] == ["organisation_id"]
        for constraint in constraints.values()
    )


def test_organisation_check_dropped_and_restored(
    database: BaseDatabaseWrapper,
) -> None:
    apps = migrate(database, INDEXED_NODES)
    organisation = create_centre(apps, "constraints")
    for index in range(3):
        create_entry(apps, organisation, index)
    expire(database, 0, b"")
    ids = stored_ids(database)
    assert organisation_checked(database)

    apps = migrate(database, UNCONSTRAINED)
    assert not organisation_checked(database)
    assert stored_ids(database) == ids
    assert rejected(database, "UPDATE accesslog_accessentry SET user_id = 'U9'")
    assert rejected(database, "DELETE FROM accesslog_accessentry")
    expire(database, 1, b"")
    added = create_entry(apps, organisation, 3)
    assert added.pk == max(ids.values()) + 1

    migrate(database, INDEXED_NODES)
    assert organisation_checked(database)
    assert stored_ids(database) == {**ids, 3: added.pk}
    assert rejected(database, "UPDATE accesslog_accessentry SET user_id = 'U9'")
    assert rejected(database, "DELETE FROM accesslog_accessentry")
    expire(database, 2, b"")
