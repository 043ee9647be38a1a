"""The triggers that keep an organisation's log keys as they were created."""

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from tests.accesslog.factories import event, tampering
from tests.accesslog.test_migration_leaf import database, execute, migrate, rejected
from tests.accesslog.test_migration_segments import create_centre
from vigil.accesslog.ingestion import ingest_events
from vigil.accesslog.keys import ensure_log_keys
from vigil.accesslog.models import LogKeys
from vigil.accesslog.pseudonyms import pseudonymise
from vigil.accesslog.search import Criteria, matching_entries
from vigil.organisations.models import Organisation

__all__ = ["database"]

BEFORE = ("accesslog", "0015_verification_reason")
TRIGGERS = ("accesslog", "0016_log_keys_triggers")

CHANGES = [
    "pseudonym_key = %s",
    "signer_key = 'PRIVATE+KEY+other'",
    "verifier_key = 'other+00000000+AQ=='",
    "origin = 'vigil.accesslog/0999999922/other'",
    "organisation_id = organisation_id + 1000",
    "created_at = '2000-01-01 00:00:00'",
]


def run(statement: str, parameters: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, parameters or [])


def parameters_of(change: str) -> list[Any]:
    return [b"\x01" * 32] if "%s" in change else []


@pytest.mark.parametrize("change", CHANGES)
def test_key_update_rejected(centre_a: Organisation, change: str) -> None:
    keys = ensure_log_keys(centre_a)
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
        run(
            f"UPDATE accesslog_logkeys SET {change} WHERE id = %s",  # noqa: S608
            [*parameters_of(change), keys.pk],
        )
    assert LogKeys.objects.get(pk=keys.pk).pseudonym_key == keys.pseudonym_key
    assert LogKeys.objects.get(pk=keys.pk).signer_key == keys.signer_key


def test_key_delete_rejected(centre_a: Organisation) -> None:
    keys = ensure_log_keys(centre_a)
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
        run("DELETE FROM accesslog_logkeys WHERE id = %s", [keys.pk])
    assert LogKeys.objects.filter(pk=keys.pk).exists()


def test_key_truncate_rejected(centre_a: Organisation) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    ensure_log_keys(centre_a)
    # TRUNCATE waits for no deferred foreign-key checks of this transaction.
    run("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
        run("TRUNCATE accesslog_logkeys CASCADE")
    assert LogKeys.objects.filter(organisation=centre_a).exists()


def test_unchanged_save_allowed(centre_a: Organisation) -> None:
    keys = ensure_log_keys(centre_a)
    keys.save()
    assert LogKeys.objects.get(pk=keys.pk).origin == keys.origin


def test_search_still_finds_subject(centre_a: Organisation) -> None:
    """The attack that the triggers stop: a new pseudonym key hides every entry."""
    ingest_events(centre_a, [(1, event(1, subject="85073003328"))], source="test")
    keys = ensure_log_keys(centre_a)
    with pytest.raises(DatabaseError):
        run(
            "UPDATE accesslog_logkeys SET pseudonym_key = %s WHERE id = %s",
            [b"\x01" * 32, keys.pk],
        )
    pseudonym = pseudonymise(centre_a, "85073003328")
    criteria = Criteria(subject_pseudonym=pseudonym)
    assert matching_entries(centre_a, criteria).count() == 1


def test_tampering_drops_key_triggers(centre_a: Organisation) -> None:
    """Whoever controls the database can drop the triggers, as for the entries."""
    keys = ensure_log_keys(centre_a)
    with tampering():
        LogKeys.objects.filter(pk=keys.pk).update(pseudonym_key=b"\x01" * 32)
    assert bytes(LogKeys.objects.get(pk=keys.pk).pseudonym_key) == b"\x01" * 32


def create_keys(apps: Any) -> None:
    organisation = create_centre(apps, "keys")
    apps.get_model("accesslog", "LogKeys").objects.using("leaf_migration").create(
        organisation=organisation,
        origin="vigil.accesslog/0999999922/keys",
        signer_key="unused",
        verifier_key="unused",
        pseudonym_key=b"\x00" * 32,
    )


def test_key_triggers_migration_both_ways(database: BaseDatabaseWrapper) -> None:
    create_keys(migrate(database, BEFORE))
    execute(database, "UPDATE accesslog_logkeys SET signer_key = 'before'")

    migrate(database, TRIGGERS)
    assert rejected(database, "UPDATE accesslog_logkeys SET signer_key = 'after'")
    assert rejected(database, "UPDATE accesslog_logkeys SET origin = 'other'")
    assert rejected(database, "DELETE FROM accesslog_logkeys")
    execute(database, "UPDATE accesslog_logkeys SET signer_key = signer_key")

    migrate(database, BEFORE)
    execute(database, "UPDATE accesslog_logkeys SET signer_key = 'reversed'")
    execute(database, "DELETE FROM accesslog_logkeys")
