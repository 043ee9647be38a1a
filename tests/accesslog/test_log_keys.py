"""Reading an organisation's log keys with one fixed statement."""

from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from vigil.accesslog.keys import (
    ensure_log_keys,
    lock_log_keys,
    pseudonym_key,
    read_log_keys,
)
from vigil.accesslog.models import LogKeys
from vigil.organisations.models import Organisation


def test_read_keys_match_stored_row(centre_a: Organisation) -> None:
    created = ensure_log_keys(centre_a)
    stored = LogKeys.objects.get(organisation=centre_a)
    keys = read_log_keys(centre_a.pk)
    assert keys is not None
    assert keys.pk == stored.pk
    assert keys.organisation_id == centre_a.pk
    assert keys.origin == created.origin == stored.origin
    assert keys.signer_key == stored.signer_key
    assert keys.verifier_key == stored.verifier_key
    assert pseudonym_key(keys) == pseudonym_key(stored)
    assert isinstance(pseudonym_key(keys), bytes)
    assert keys.created_at == stored.created_at


def test_read_keys_of_organisation_without_keys(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    ensure_log_keys(centre_a)
    assert read_log_keys(centre_b.pk) is None
    assert read_log_keys(centre_a.pk) is not None


def test_read_keys_never_of_another_organisation(
    centre_a: Organisation, centre_b: Organisation
) -> None:
    first = ensure_log_keys(centre_a)
    second = ensure_log_keys(centre_b)
    assert first.origin != second.origin
    read_a = read_log_keys(centre_a.pk)
    read_b = read_log_keys(centre_b.pk)
    assert read_a is not None and read_b is not None
    assert (read_a.pk, read_b.pk) == (first.pk, second.pk)


def test_lock_locks_where_database_can(centre_a: Organisation) -> None:
    ensure_log_keys(centre_a)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        keys = lock_log_keys(centre_a)
    assert keys.organisation_id == centre_a.pk
    locking = [query for query in queries if "accesslog_logkeys" in query["sql"]]
    assert len(locking) == 1
    expected = connection.features.has_select_for_update
    assert ("FOR UPDATE" in locking[0]["sql"]) is expected


def test_lock_creates_missing_keys(centre_a: Organisation) -> None:
    assert read_log_keys(centre_a.pk) is None
    with transaction.atomic():
        keys = lock_log_keys(centre_a)
    assert keys == LogKeys.objects.get(organisation=centre_a)
    assert keys.origin.endswith(f"/{centre_a.slug}")


def test_lock_outside_transaction_rejected(centre_a: Organisation) -> None:
    ensure_log_keys(centre_a)
    # Each test runs in a transaction, and the database flush that a test
    # outside one needs fails on the append-only audit trail.
    outside = mock.patch.object(connection, "get_autocommit", return_value=True)
    if not connection.features.has_select_for_update:
        # SQLite has no FOR UPDATE, and its writers serialise in any case.
        with outside:
            assert lock_log_keys(centre_a).organisation_id == centre_a.pk
        return
    with outside, pytest.raises(TransactionManagementError, match=r"atomic"):
        lock_log_keys(centre_a)
