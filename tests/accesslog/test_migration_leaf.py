"""The migration that drops the entries' leaf column, applied and reversed.

It runs on a database of its own (an SQLite file, or a new PostgreSQL
database on the test server), because it changes the schema and the
append-only triggers would keep the test database from being emptied.
"""

import datetime
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor

from vigil.accesslog.encoding import LeafFields, encode_leaf

ALIAS = "leaf_migration"
ORIGIN = "vigil.accesslog/0999999922/migration"
TIME = datetime.datetime(2026, 3, 2, 9, 15, 30, 250000, tzinfo=datetime.UTC)
ADDRESSES = ("", "10.1.2.3", "2001:db8::7")

type MigrationKey = tuple[str, str]


@pytest.fixture
def database(django_db_blocker: Any, tmp_path: Path) -> Iterator[BaseDatabaseWrapper]:
    """Yield the connection to a new, empty database with the test's settings."""
    with django_db_blocker.unblock():
        default = connections["default"]
        settings = {**default.settings_dict}
        if default.vendor == "sqlite":
            settings["NAME"] = str(tmp_path / "migration.sqlite3")
        else:
            settings["NAME"] = f"{default.settings_dict['NAME']}_leaf"
            _run_on_server(default, f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
            _run_on_server(default, f'CREATE DATABASE "{settings["NAME"]}"')
        connections.settings[ALIAS] = settings
        try:
            yield connections[ALIAS]
        finally:
            connections[ALIAS].close()
            del connections[ALIAS]
            del connections.settings[ALIAS]
            if default.vendor != "sqlite":
                _run_on_server(default, f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')


def _run_on_server(connection: Any, statement: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(statement)


def migrations_around(
    database: BaseDatabaseWrapper,
) -> tuple[MigrationKey, MigrationKey]:
    """Return the key of the leaf migration and of the access-log one before it."""
    graph = MigrationExecutor(database).loader.graph
    (key,) = [
        node
        for node in graph.nodes
        if node[0] == "accesslog" and node[1].endswith("_drop_entry_leaf")
    ]
    (parent,) = [
        node.key for node in graph.node_map[key].parents if node.key[0] == "accesslog"
    ]
    return key, parent


def migrate(database: BaseDatabaseWrapper, target: MigrationKey) -> Any:
    """Migrate the access log to ``target`` and return the state's apps."""
    executor = MigrationExecutor(database)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def fill_old_log(apps: Any) -> dict[int, bytes]:
    """Store entries 0 to 3 (0 expired) with their leaf column and return it."""
    organisation = (
        apps.get_model("organisations", "Organisation")
        .objects.using(ALIAS)
        .create(
            slug="migration",
            kind="centre",
            name_nl="OCMW Migratie",
            name_fr="CPAS Migration",
            enterprise_number="0999999922",
        )
    )
    apps.get_model("accesslog", "LogKeys").objects.using(ALIAS).create(
        organisation=organisation,
        origin=ORIGIN,
        signer_key="unused",
        verifier_key="unused",
        pseudonym_key=b"unused",
    )
    entry_model = apps.get_model("accesslog", "AccessEntry")
    leaves: dict[int, bytes] = {}
    for index in range(4):
        fields = LeafFields(
            index,
            f"e-{index}",
            TIME.isoformat(timespec="milliseconds")[:23] + "Z",
            "U123456",
            "social-file",
            "consult",
            "ab" * 32,
            "IdentifyPerson",
            "D-7" if index % 2 else "",
            ADDRESSES[index % 3],
            "",
        )
        leaf = encode_leaf(ORIGIN, fields)
        expired = index == 0
        entry_model.objects.using(ALIAS).create(
            organisation=organisation,
            index=index,
            segment=0,
            event_id=fields.event_id,
            time=TIME,
            user_id="" if expired else fields.user_id,
            application="" if expired else fields.application,
            action="" if expired else fields.action,
            subject_pseudonym="" if expired else fields.subject_pseudonym,
            service="" if expired else fields.service,
            case_ref="" if expired else fields.case_ref,
            source_ip=(fields.source_ip or None) if not expired else None,
            outcome="",
            leaf=b"" if expired else leaf,
            leaf_hash=hashlib.sha256(b"\x00" + leaf).digest(),
            expired_at=TIME if expired else None,
        )
        leaves[index] = b"" if expired else leaf
    return leaves


def entry_columns(database: BaseDatabaseWrapper) -> set[str]:
    with database.cursor() as cursor:
        description = database.introspection.get_table_description(
            cursor, "accesslog_accessentry"
        )
    return {column.name for column in description}


def stored_leaves(database: BaseDatabaseWrapper) -> dict[int, bytes]:
    with database.cursor() as cursor:
        cursor.execute('SELECT "index", leaf FROM accesslog_accessentry')
        return {int(index): bytes(leaf) for index, leaf in cursor.fetchall()}


def execute(database: BaseDatabaseWrapper, statement: str) -> None:
    with transaction.atomic(using=ALIAS), database.cursor() as cursor:
        cursor.execute(statement)


def rejected(database: BaseDatabaseWrapper, statement: str) -> bool:
    try:
        execute(database, statement)
    except DatabaseError:
        return True
    return False


EXPIRE = (
    "UPDATE accesslog_accessentry SET user_id = '', application = '', "
    "action = '', subject_pseudonym = '', service = '', case_ref = '', "
    "source_ip = NULL, outcome = '', expired_at = \"time\"{extra} "
    'WHERE "index" = {index}'
)


def test_leaf_migration_both_ways(database: BaseDatabaseWrapper) -> None:
    leaf_key, before = migrations_around(database)
    leaves = fill_old_log(migrate(database, before))
    assert "leaf" in entry_columns(database)

    migrate(database, leaf_key)
    assert "leaf" not in entry_columns(database)
    assert rejected(database, "UPDATE accesslog_accessentry SET user_id = 'U9'")
    assert rejected(database, "DELETE FROM accesslog_accessentry")
    execute(database, EXPIRE.format(extra="", index=1))

    migrate(database, before)
    assert "leaf" in entry_columns(database)
    assert stored_leaves(database) == {**leaves, 1: b""}
    assert rejected(database, "DELETE FROM accesslog_accessentry")
    assert rejected(database, EXPIRE.format(extra="", index=2))
    execute(database, EXPIRE.format(extra=", leaf = ''", index=2))

    migrate(database, leaf_key)
    assert "leaf" not in entry_columns(database)
    assert rejected(database, "UPDATE accesslog_accessentry SET user_id = 'U9'")
