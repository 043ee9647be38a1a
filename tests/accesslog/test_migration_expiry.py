"""The migration that adds expiry statements signs one for entries expired before."""

import datetime
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from tests.accesslog.test_migration_leaf import ALIAS, database, migrate
from tests.accesslog.test_migration_segments import create_centre
from vigil.accesslog.expiry_statements import ExpiredRange, open_statement
from vigil.ledger import Ed25519Signer

__all__ = ["database"]

BEFORE = ("accesslog", "0018_tree_node_tiles")
STATEMENTS = ("accesslog", "0019_expiry_statements")
ORIGIN = "vigil.accesslog/0999999922/expiry"
TIMES = (
    datetime.datetime(2015, 3, 2, 10, 15, 30, 250000, tzinfo=datetime.UTC),
    datetime.datetime(2015, 3, 2, 9, 0, tzinfo=datetime.UTC),
    datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC),
)


def fill_log(apps: Any, expired: int, signer: Ed25519Signer) -> None:
    """Store a log of ``TIMES`` whose first ``expired`` entries expired."""
    organisation = create_centre(apps, "expiry")
    apps.get_model("accesslog", "LogKeys").objects.using(ALIAS).create(
        organisation=organisation,
        origin=signer.name,
        signer_key=signer.signer_key(),
        verifier_key=signer.verifier().verifier_key(),
        pseudonym_key=bytes(32),
    )
    entry_model = apps.get_model("accesslog", "AccessEntry")
    for index, time in enumerate(TIMES):
        content: dict[str, Any] = {
            "user_id": "U1",
            "application": "social-file",
            "action": "consult",
            "subject_pseudonym": bytes(32),
            "service": "IdentifyPerson",
        }
        if index < expired:
            content = {name: type(value)() for name, value in content.items()}
        entry_model.objects.using(ALIAS).create(
            organisation=organisation,
            index=index,
            segment=0,
            event_id=f"e-{index}",
            time=time,
            leaf_hash=bytes([index]) * 32,
            expired_at=TIMES[0] if index < expired else None,
            **content,
        )


def statement_rows(database: BaseDatabaseWrapper) -> list[tuple[int, int, str]]:
    with database.cursor() as cursor:
        cursor.execute(
            'SELECT start, "end", note FROM accesslog_expirystatement ORDER BY id'
        )
        return [(int(start), int(end), note) for start, end, note in cursor]


def test_no_statement_without_expiry(database: BaseDatabaseWrapper) -> None:
    fill_log(migrate(database, BEFORE), 0, Ed25519Signer.generate(ORIGIN))
    migrate(database, STATEMENTS)
    assert statement_rows(database) == []


def test_statement_signed_for_earlier_expiry(database: BaseDatabaseWrapper) -> None:
    signer = Ed25519Signer.generate(ORIGIN)
    apps = migrate(database, BEFORE)
    fill_log(apps, 2, signer)

    migrate(database, STATEMENTS)
    rows = statement_rows(database)
    assert [(start, end) for start, end, _ in rows] == [(0, 2)]
    # One millisecond after the later of the two expired entries' times.
    assert open_statement(rows[0][2], signer.verifier(), ORIGIN) == ExpiredRange(
        0, 2, "2015-03-02T10:15:30.251Z"
    )

    migrate(database, BEFORE)
    assert "accesslog_expirystatement" not in database.introspection.table_names()
    migrate(database, STATEMENTS)
    assert [(start, end) for start, end, _ in statement_rows(database)] == [(0, 2)]
