"""Signed expiry statements: the log key vouches for what expiry emptied.

An expired entry keeps its time, but its leaf hash can no longer show that
time, because the rest of its leaf bytes are gone. Before expiry empties
entries ``[start, end)``, it checks that each still matches its leaf hash,
so that its time is the one its leaf holds, and that those leaf hashes
give the root of the latest signed checkpoint. It also checks that the
time lies before the cut-off (the run's time minus the retention period).
In the same transaction it signs a statement with the log's key, as a
C2SP signed note whose body has five lines:

    vigil.accesslog/expiry/v2
    <origin>
    <start> <end>
    <cut-off, YYYY-MM-DDTHH:MM:SS.mmmZ>
    <digest of the entries' keys, base64>

The digest is the SHA-256 of one line per entry, in index order: the index,
the time in the leaf's form and the event id, separated by a space and
ended by a newline (``expired_keys_digest``). A time and an event id never
contain a space or a newline, so each list of keys gives its own text.

The verification requires every expired entry to lie in the range of a
statement that verifies with the log key, and the stored keys of a
statement's entries to give its digest. Someone may empty an entry outside
expiry, with or without moving its time back, or change the time or event
id that an expired entry keeps. To pass, they then have to sign a statement
with the log key, as they would have to sign new checkpoints to change any
other entry. The upgrade that introduced statements signed one of version 1
for the entries that had expired before. Those have no digest, so the keys
of their entries are not checked.
"""

import base64
import datetime
import hashlib
import re
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.accesslog.encoding import canonical_time
from vigil.accesslog.keys import signer_for, verifier_for
from vigil.accesslog.leaves import LogDamaged, stored_time, verify_command
from vigil.accesslog.models import ExpiryStatement, LogKeys
from vigil.accesslog.verification_sql import (
    ScanStatements,
    catalog_only,
    entry_table_schema,
)
from vigil.ledger import Ed25519Verifier, LedgerError, open_note, sign_note

STATEMENT_HEADER = "vigil.accesslog/expiry/v2"
# The first version, without the digest line, which the upgrade that
# introduced statements signed. It is still read.
STATEMENT_HEADER_V1 = "vigil.accesslog/expiry/v1"
_RANGE = re.compile(r"(0|[1-9][0-9]*) ([1-9][0-9]*)")
_CUTOFF = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z"
)
# The base64 text of a SHA-256 digest: 43 characters and one "=".
_DIGEST = re.compile(r"[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=")
_BODY_LINES = {STATEMENT_HEADER: 5, STATEMENT_HEADER_V1: 4}
# The text of a time as SQLite stores it (``MillisecondTimeField``).
_SQLITE_TIME_TEXT = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}"
)
# The event ids that ingestion accepts (``vigil.accesslog.events``).
_VALID_EVENT_ID = re.compile(r"[!-~]{1,128}")
# Entries read per query of ``expired_keys_digest``.
_KEYS_CHUNK = 10_000


@dataclass(frozen=True)
class ExpiredRange:
    """A statement's entries ``[start, end)``, emptied with times before ``cutoff``.

    ``keys_digest`` is the digest of their keys, None for a version-1 statement.
    """

    start: int
    end: int
    cutoff: str
    keys_digest: str | None = None


def statement_body(
    origin: str, start: int, end: int, cutoff: datetime.datetime, keys_digest: str
) -> str:
    """Return the body of the statement that entries ``[start, end)`` expired."""
    if not 0 <= start < end:
        raise ValueError(f"expired range [{start}, {end}) is empty or negative")
    if _DIGEST.fullmatch(keys_digest) is None:
        raise ValueError(f"{keys_digest!r} is not the base64 text of a SHA-256 digest")
    lines = (
        STATEMENT_HEADER,
        origin,
        f"{start} {end}",
        canonical_time(cutoff),
        keys_digest,
    )
    return "".join(line + "\n" for line in lines)


def expired_keys_digest(organisation_id: int, start: int, end: int) -> str:
    """Return the base64 SHA-256 of the keys of entries ``[start, end)``, as stored.

    The keys are the lines that the module documentation describes. A stored
    value that ingestion cannot write gives a line with a space of its own,
    such as an event id with a space, a time with six fraction digits or a
    value of another type, so its digest differs. So does a missing entry,
    whose line is not there. The entries are read ``_KEYS_CHUNK`` at a time,
    one query each, so that memory stays flat however long the range. On
    PostgreSQL the queries see only pg_catalog's functions and operators, as
    the verification's scan does (``catalog_only``).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        schema = None
        trusted: AbstractContextManager[None] = nullcontext()
        if connection.vendor == "postgresql":
            schema = entry_table_schema(cursor)
            trusted = catalog_only(cursor)
        statement = ScanStatements(connection.vendor, "", schema).entry_keys
        with trusted:
            for first in range(start, end, _KEYS_CHUNK):
                last = min(end, first + _KEYS_CHUNK)
                cursor.execute(statement, [organisation_id, first, last])
                lines = [_key_line(*row) for row in cursor.fetchall()]
                digest.update("".join(lines).encode())
    return base64.b64encode(digest.digest()).decode("ascii")


def _key_line(index: Any, time: Any, event_id: Any) -> str:
    return f"{index} {_key_time(time)} {_key_event_id(event_id)}\n"


# How ``ScanStatements.entry_keys`` gives the stored values. SQLite gives a
# text as its bytes, so that text that is not valid UTF-8 gives a line too,
# and any other value as "sql " and its SQL literal, such as "sql X'41'" for
# a BLOB. PostgreSQL gives a naive UTC datetime or None for the time and the
# text of the event id. A value that ingestion cannot write gives a form with
# a space and without a newline. A valid time and event id contain neither,
# so such a line never equals the line of the keys that expiry signed, and
# the lines of one list of keys never read as those of another.


def _key_time(value: Any) -> str:
    """Return a stored time in the leaf's form, or a form with a space."""
    if isinstance(value, datetime.datetime):
        return stored_time(value)
    if isinstance(value, bytes):
        try:
            text = value.decode()
        except UnicodeDecodeError:
            return f"bytes {value.hex()}"
        if _SQLITE_TIME_TEXT.fullmatch(text):
            return f"{text[:10]}T{text[11:]}Z"
        return f"text {text!r}"
    return f"value {value!r}"


def _key_event_id(value: Any) -> str:
    """Return a stored event id, or a form with a space if it is no valid id."""
    if isinstance(value, bytes):
        try:
            value = value.decode()
        except UnicodeDecodeError:
            return f"bytes {value.hex()}"
    if isinstance(value, str) and _VALID_EVENT_ID.fullmatch(value):
        return value
    return f"value {value!r}"


def sign_statement(
    keys: LogKeys, start: int, end: int, cutoff: datetime.datetime
) -> ExpiryStatement:
    """Sign and store the statement that entries ``[start, end)`` expired.

    Call it in the transaction that empties them, which holds the lock of
    ``lock_log_keys``, after checking that the entries match their leaves,
    so that the digest covers the keys their leaves contain.
    """
    digest = expired_keys_digest(keys.organisation_id, start, end)
    body = statement_body(keys.origin, start, end, cutoff, digest)
    note = sign_note(body, signer_for(keys))
    return ExpiryStatement.objects.create(
        organisation_id=keys.organisation_id, start=start, end=end, note=note
    )


def open_statement(note: str, verifier: Ed25519Verifier, origin: str) -> ExpiredRange:
    """Verify a statement signed by ``verifier`` for the log ``origin``.

    Raises the errors of ``vigil.ledger.open_note`` for a note without a
    valid signature by ``verifier``, and ValueError, naming the line, for a
    body that is not a statement of this log of version 2 or 1.
    """
    body = open_note(note, [verifier]).text
    lines = body[:-1].split("\n") if body.endswith("\n") else []
    header = lines[0] if lines else ""
    if header not in _BODY_LINES:
        raise ValueError(
            f"the statement's first line is {header!r}, expected {STATEMENT_HEADER!r} "
            f"or {STATEMENT_HEADER_V1!r}"
        )
    expected = _BODY_LINES[header]
    if len(lines) != expected:
        digest_line = ", digest" if expected == _BODY_LINES[STATEMENT_HEADER] else ""
        raise ValueError(
            f"the statement body has {len(lines)} complete lines, expected "
            f"{expected}: {header}, origin, range, cut-off{digest_line}"
        )
    statement_origin, range_text, cutoff = lines[1:4]
    if statement_origin != origin:
        raise ValueError(
            f"the statement is for the log {statement_origin!r}, expected {origin!r}"
        )
    matched = _RANGE.fullmatch(range_text)
    if matched is None or int(matched[1]) >= int(matched[2]):
        raise ValueError(
            f"the statement's range line {range_text!r} is not two decimal "
            "numbers, start and end, with start below end"
        )
    if _CUTOFF.fullmatch(cutoff) is None:
        raise ValueError(
            f"the statement's cut-off {cutoff!r} is not a UTC time of the form "
            "YYYY-MM-DDTHH:MM:SS.mmmZ"
        )
    keys_digest = lines[4] if len(lines) > 4 else None
    if keys_digest is not None and _DIGEST.fullmatch(keys_digest) is None:
        raise ValueError(
            f"the statement's digest line {keys_digest!r} is not the base64 text "
            "of a SHA-256 digest"
        )
    return ExpiredRange(int(matched[1]), int(matched[2]), cutoff, keys_digest)


# The resolution of the cut-off that a statement states.
STATED_CUTOFF_RESOLUTION = datetime.timedelta(milliseconds=1)


def expired_in_time_before(
    organisation_id: int,
    verifier: Ed25519Verifier,
    origin: str,
    retained_from: datetime.datetime,
    opened: dict[str, ExpiredRange] | None = None,
) -> datetime.datetime:
    """Return the time before which every expired entry must lie.

    That is the later of ``retained_from``, the start of the retention
    period, and the latest cut-off of the statements that verify, which
    admits the cut-off's own millisecond. Expiry
    emptied the entries of each statement because their times lay before
    its cut-off, under the retention period of that run. So entries that
    expired under a shorter period still count as expired in time once the
    period is made longer. Statements that do not verify, or rows that
    cannot be read, count for nothing here, and ``vouched_prefix`` and
    ``check_vouched`` report them. ``opened`` keeps the statements opened,
    by note, as ``open_cached`` does.
    """
    rows = ExpiryStatement.objects.filter(organisation_id=organisation_id)
    try:
        notes = list(rows.values_list("note", flat=True))
    except (OperationalError, UnicodeDecodeError):
        # SQLite keeps text that is not valid UTF-8, which sqlite3 cannot read.
        return retained_from
    latest = retained_from
    now = timezone.now()
    for note in notes:
        try:
            statement = open_cached(note, verifier, origin, opened)
        except (LedgerError, ValueError):
            continue
        cutoff = datetime.datetime.fromisoformat(statement.cutoff)
        # Expiry's cut-off lies in the past, so a later one vouches for nothing.
        if cutoff > now:
            continue
        # The statement writes its cut-off in whole milliseconds. Expiry once
        # compared entry times with the cut-off's microseconds, so an entry
        # of the cut-off's own millisecond may have been emptied under it.
        bound = cutoff + STATED_CUTOFF_RESOLUTION
        if latest < bound:
            latest = bound
    return latest


def open_cached(
    note: str,
    verifier: Ed25519Verifier,
    origin: str,
    opened: dict[str, ExpiredRange] | None,
) -> ExpiredRange:
    """Open a statement as ``open_statement`` does, once per note text in ``opened``.

    Within one run the verifier and the origin stay the same, so a note text
    that verified once verifies again. A cache of a run spares a log with a
    statement for each day of ten years thousands of signature checks.
    """
    if opened is None:
        return open_statement(note, verifier, origin)
    statement = opened.get(note)
    if statement is None:
        statement = open_statement(note, verifier, origin)
        opened[note] = statement
    return statement


def covered_prefix(ranges: Iterable[tuple[int, int]]) -> int:
    """Return ``n`` such that the (start, end) ranges together cover ``[0, n)``."""
    covered = 0
    for start, end in sorted(ranges):
        if start > covered:
            break
        covered = max(covered, end)
    return covered


class StatementRejected(ValueError):
    """A stored expiry statement that does not verify, or rows that cannot be read.

    ``statement_id`` is the statement's id, None when the rows cannot be read.
    """

    def __init__(self, statement_id: int | None, message: str) -> None:
        super().__init__(message)
        self.statement_id = statement_id


class ChangedKeys(NamedTuple):
    """A statement whose entries ``[start, end)`` no longer give its digest."""

    statement_id: int
    start: int
    end: int


class Vouched(NamedTuple):
    """The statements' cover of entries ``[0, prefix)``.

    ``changed`` is the statement with the lowest start among those whose
    entries' stored keys differ from the keys it signed, or None.
    """

    prefix: int
    changed: ChangedKeys | None


def vouched_prefix(
    organisation_id: int,
    verifier: Ed25519Verifier,
    origin: str,
    checked: set[tuple[int, str]] | None = None,
    opened: dict[str, ExpiredRange] | None = None,
) -> Vouched:
    """Return what the organisation's statements vouch for.

    Every stored statement must verify with ``verifier`` for the log
    ``origin``, otherwise StatementRejected is raised, because a statement
    that does not verify was changed or written without the log key. The
    keys of the entries of each statement with a digest are read and
    compared with it, except for the (id, note) pairs in ``checked``, to
    which the statements that match are added. ``opened`` is the cache of
    ``open_cached``.
    """
    rows = ExpiryStatement.objects.filter(organisation_id=organisation_id)
    try:
        statements = list(rows.order_by("start", "pk").values_list("pk", "note"))
    except (OperationalError, UnicodeDecodeError):
        # SQLite keeps text that is not valid UTF-8, which sqlite3 cannot read.
        raise StatementRejected(
            None, "a statement row contains text that is not valid UTF-8"
        ) from None
    checked = set() if checked is None else checked
    ranges = []
    changed: ChangedKeys | None = None
    for statement_id, note in statements:
        try:
            statement = open_cached(note, verifier, origin, opened)
        except (LedgerError, ValueError) as error:
            raise StatementRejected(statement_id, str(error)) from None
        ranges.append((statement.start, statement.end))
        if statement.keys_digest is None or (statement_id, note) in checked:
            continue
        if _keys_match(organisation_id, statement):
            checked.add((statement_id, note))
        elif changed is None or statement.start < changed.start:
            changed = ChangedKeys(statement_id, statement.start, statement.end)
    return Vouched(covered_prefix(ranges), changed)


def _keys_changed(opened: ExpiredRange, slug: str) -> LogDamaged:
    return LogDamaged(
        opened.start,
        _(
            "the time or event id that one or more of entries %(start)d to "
            "%(last)d kept when they expired differs from the keys that their "
            "expiry statement signed, so an expired entry was changed. Run "
            "'%(command)s' to check the whole log"
        )
        % {
            "start": opened.start,
            "last": opened.end - 1,
            "command": verify_command(slug),
        },
    )


def _keys_match(organisation_id: int, opened: ExpiredRange) -> bool:
    found = expired_keys_digest(organisation_id, opened.start, opened.end)
    return found == opened.keys_digest


def check_vouched(keys: LogKeys, start: int, end: int, slug: str) -> None:
    """Raise LogDamaged unless valid expiry statements cover entries ``[start, end)``.

    The start and end columns only select the statements to open, and the
    signed range decides. A statement changed in those columns therefore
    fails this check, as a deleted one does. Each step opens the statements
    that contain the first entry not yet covered, so the cost grows with the
    number of statements needed. The stored keys of each statement's entries
    must give its digest, which reads all of its entries. ``slug`` names the
    organisation in the message.
    """
    verifier = verifier_for(keys)
    position = start
    while position < end:
        rows = ExpiryStatement.objects.filter(
            organisation_id=keys.organisation_id, start__lte=position, end__gt=position
        ).order_by("-end", "pk")
        reach = position
        try:
            notes = list(rows.values_list("note", flat=True))
        except (OperationalError, UnicodeDecodeError):
            # SQLite keeps text that is not valid UTF-8, which sqlite3 cannot read.
            notes = []
        for note in notes:
            try:
                opened = open_statement(note, verifier, keys.origin)
            except (LedgerError, ValueError):
                continue
            if opened.start <= position < opened.end:
                if opened.keys_digest is not None and not _keys_match(
                    keys.organisation_id, opened
                ):
                    raise _keys_changed(opened, slug)
                reach = opened.end
                break
        if reach == position:
            raise LogDamaged(
                position,
                _(
                    "entry %(index)d was emptied as expired, but no expiry "
                    "statement signed with the log key covers it, so its content "
                    "was removed outside expiry. Run '%(command)s' to check the "
                    "whole log"
                )
                % {"index": position, "command": verify_command(slug)},
            )
        position = reach
