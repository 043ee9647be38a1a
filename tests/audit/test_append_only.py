"""Audit entries can be inserted, never changed or deleted, on either engine."""

import pytest
from django.db import DatabaseError, connection, transaction

from vigil.accounts.models import User
from vigil.audit.models import AppendOnlyError, AuditEntry
from vigil.audit.services import record
from vigil.organisations.models import Organisation

pytestmark = pytest.mark.usefixtures("fast_password_hasher")


@pytest.fixture
def entry(centre_a: Organisation) -> AuditEntry:
    return record(
        "organisation.updated",
        actor=None,
        target=centre_a,
        organisation=centre_a,
        old={"street": "Oud"},
        new={"street": "Nieuw"},
    )


def stored(entry: AuditEntry) -> AuditEntry:
    return AuditEntry.objects.get(pk=entry.pk)


def test_save_of_existing_entry_raises(entry: AuditEntry) -> None:
    entry.object_label = "rewritten"

    with pytest.raises(AppendOnlyError):
        entry.save()

    assert stored(entry).object_label != "rewritten"


def test_delete_of_entry_raises(entry: AuditEntry) -> None:
    with pytest.raises(AppendOnlyError):
        entry.delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_queryset_update_raises(entry: AuditEntry) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="user.created")

    assert stored(entry).action == "organisation.updated"


def test_queryset_delete_raises(entry: AuditEntry) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_raw_sql_update_raises(entry: AuditEntry) -> None:
    # The savepoint lets the test go on after PostgreSQL aborts the statement.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE audit_auditentry SET object_label = %s WHERE id = %s",
            ["rewritten", entry.pk],
        )

    assert stored(entry).object_label != "rewritten"


def test_raw_sql_delete_raises(entry: AuditEntry) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_raw_sql_truncate_raises(entry: AuditEntry) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE statement")

    with connection.cursor() as cursor:
        # Run the deferred foreign key checks of the inserts first. PostgreSQL
        # rejects TRUNCATE of a table with pending trigger events, and that
        # error would hide the append-only trigger.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("TRUNCATE audit_auditentry CASCADE")

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_cascade_from_actor_is_blocked(consultant_a: User) -> None:
    record("user.created", actor=consultant_a, target=consultant_a)

    with pytest.raises(DatabaseError), transaction.atomic():
        User.objects.filter(pk=consultant_a.pk).delete()

    assert User.objects.filter(pk=consultant_a.pk).exists()
