"""The secret keys of an organisation's access log, created on first use.

Each organisation gets one ``LogKeys`` row with an Ed25519 key that signs its
checkpoints and 32 random bytes that key the pseudonyms of national numbers.
The checkpoint origin, which is also the key name, is fixed when the keys are
created: ``vigil.accesslog/<enterprise number>/<slug>``.
"""

import secrets
from typing import Any

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.transaction import TransactionManagementError

from vigil.accesslog.models import LogKeys
from vigil.audit.services import record
from vigil.ledger import Ed25519Signer, Ed25519Verifier
from vigil.organisations.models import Organisation

ORIGIN_PREFIX = "vigil.accesslog"
PSEUDONYM_KEY_BYTES = 32


def log_origin(organisation: Organisation) -> str:
    """Return the origin that a new log of ``organisation`` gets."""
    return f"{ORIGIN_PREFIX}/{organisation.enterprise_number}/{organisation.slug}"


# The columns that ``read_log_keys`` reads. ``created_at`` is left out, so
# that no converter runs. Django loads it on first access.
_KEY_COLUMNS = (
    "id",
    "organisation_id",
    "origin",
    "signer_key",
    "verifier_key",
    "pseudonym_key",
)


def read_log_keys(organisation_id: int, *, lock: bool = False) -> LogKeys | None:
    """Return the log keys of the organisation with ``organisation_id``, or None.

    ``lock`` adds ``FOR UPDATE`` where the database has it, and there raises
    TransactionManagementError outside a transaction, as the query set's
    ``select_for_update`` does, because the lock would end with the statement.

    Ingestion reads the keys twice per batch. One plain statement took about
    20 us where the query set took about 400 us (docs/benchmarks.md),
    together about 4 % of a batch of 1,000 events.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    # Column and table names only, from this module and the model.
    columns = ", ".join(map(quote, _KEY_COLUMNS))
    table = quote(LogKeys._meta.db_table)
    statement = f"SELECT {columns} FROM {table} WHERE organisation_id = %s"  # noqa: S608
    if lock and connection.features.has_select_for_update:
        if connection.get_autocommit():
            raise TransactionManagementError(
                "the log keys can be locked only inside transaction.atomic"
            )
        statement += " " + connection.ops.for_update_sql()
    with connection.cursor() as cursor:
        cursor.execute(statement, [organisation_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return LogKeys.from_db(DEFAULT_DB_ALIAS, _KEY_COLUMNS, row)


def ensure_log_keys(organisation: Organisation, *, actor: Any = None) -> LogKeys:
    """Return the organisation's log keys, creating and auditing them if missing.

    Two processes that create the keys at the same time end up with the same
    row: the unique organisation column rejects the second insert, which then
    reads the first.
    """
    keys = read_log_keys(organisation.pk)
    if keys is not None:
        return keys
    origin = log_origin(organisation)
    signer = Ed25519Signer.generate(origin)
    with transaction.atomic():
        try:
            with transaction.atomic():
                keys = LogKeys.objects.create(
                    organisation=organisation,
                    origin=origin,
                    signer_key=signer.signer_key(),
                    verifier_key=signer.verifier().verifier_key(),
                    pseudonym_key=secrets.token_bytes(PSEUDONYM_KEY_BYTES),
                )
        except IntegrityError:
            return LogKeys.objects.get(organisation=organisation)
        record(
            "accesslog.keys_created",
            actor=actor,
            target=keys,
            organisation=organisation,
            new={"origin": origin, "verifier_key": keys.verifier_key},
        )
    return keys


def lock_log_keys(organisation: Organisation) -> LogKeys:
    """Return the log keys locked for this transaction, creating them if missing.

    Appends to one organisation's log serialise on this lock. On SQLite,
    which ignores ``FOR UPDATE``, the IMMEDIATE transactions of the settings
    serialise all writers instead. Call it inside ``transaction.atomic``.
    """
    keys = read_log_keys(organisation.pk, lock=True)
    if keys is None:
        ensure_log_keys(organisation)
        keys = LogKeys.objects.select_for_update().get(organisation=organisation)
    return keys


def signer_for(keys: LogKeys) -> Ed25519Signer:
    """Return the checkpoint signer of ``keys``."""
    return Ed25519Signer.from_signer_key(keys.signer_key)


def verifier_for(keys: LogKeys) -> Ed25519Verifier:
    """Return the checkpoint verifier of ``keys``, derived from the signer key.

    The stored verifier key is a copy for display and for the verification,
    which checks the checkpoints with it. Someone who replaced that column
    with a key of their own could otherwise sign expiry statements that
    expiry, ``prove`` and ``export`` trust.
    """
    return signer_for(keys).verifier()


def pseudonym_key(keys: LogKeys) -> bytes:
    """Return the pseudonym key as bytes (PostgreSQL returns a memoryview)."""
    return bytes(keys.pseudonym_key)
