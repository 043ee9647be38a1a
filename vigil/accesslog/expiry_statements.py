"""Signed expiry statements: the log key vouches for what expiry emptied.

An expired entry keeps its time, but its leaf hash can no longer show that
time, because the rest of its leaf bytes are gone. Before expiry empties
entries ``[start, end)``, it checks that each still matches its leaf hash,
so that its time is the one its leaf holds, and that those leaf hashes
give the root of the latest signed checkpoint. It also checks that the
time lies before the cut-off (the run's time minus the retention period).
In the same transaction it signs a statement with the log's key, as a
C2SP signed note whose body has four lines:

    vigil.accesslog/expiry/v1
    <origin>
    <start> <end>
    <cut-off, YYYY-MM-DDTHH:MM:SS.mmmZ>

The verification requires every expired entry to lie in the range of a
statement that verifies with the log key. Someone who empties an entry
outside expiry, with or without moving its time back, then has to sign a
statement with the log key, as they would have to sign new checkpoints to
change any other entry.
"""

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import OperationalError
from django.utils.translation import gettext as _

from vigil.accesslog.encoding import canonical_time
from vigil.accesslog.keys import signer_for, verifier_for
from vigil.accesslog.leaves import LogDamaged, verify_command
from vigil.accesslog.models import ExpiryStatement, LogKeys
from vigil.ledger import Ed25519Verifier, LedgerError, open_note, sign_note

STATEMENT_HEADER = "vigil.accesslog/expiry/v1"
_RANGE = re.compile(r"(0|[1-9][0-9]*) ([1-9][0-9]*)")
_CUTOFF = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z"
)
BODY_LINES = 4


@dataclass(frozen=True)
class ExpiredRange:
    """A statement's entries ``[start, end)``, emptied with times before ``cutoff``."""

    start: int
    end: int
    cutoff: str


def statement_body(origin: str, start: int, end: int, cutoff: datetime.datetime) -> str:
    """Return the body of the statement that entries ``[start, end)`` expired."""
    if not 0 <= start < end:
        raise ValueError(f"expired range [{start}, {end}) is empty or negative")
    lines = (STATEMENT_HEADER, origin, f"{start} {end}", canonical_time(cutoff))
    return "".join(line + "\n" for line in lines)


def sign_statement(
    keys: LogKeys, start: int, end: int, cutoff: datetime.datetime
) -> ExpiryStatement:
    """Sign and store the statement that entries ``[start, end)`` expired.

    Call it in the transaction that empties them, which holds the lock of
    ``lock_log_keys``.
    """
    note = sign_note(statement_body(keys.origin, start, end, cutoff), signer_for(keys))
    return ExpiryStatement.objects.create(
        organisation_id=keys.organisation_id, start=start, end=end, note=note
    )


def open_statement(note: str, verifier: Ed25519Verifier, origin: str) -> ExpiredRange:
    """Verify a statement signed by ``verifier`` for the log ``origin``.

    Raises the errors of ``vigil.ledger.open_note`` for a note without a
    valid signature by ``verifier``, and ValueError, naming the line, for a
    body that is not a version-1 statement of this log.
    """
    body = open_note(note, [verifier]).text
    lines = body[:-1].split("\n") if body.endswith("\n") else []
    if len(lines) != BODY_LINES:
        raise ValueError(
            f"the statement body has {len(lines)} complete lines, expected "
            f"{BODY_LINES}: {STATEMENT_HEADER}, origin, range and cut-off"
        )
    header, statement_origin, range_text, cutoff = lines
    if header != STATEMENT_HEADER:
        raise ValueError(
            f"the statement's first line is {header!r}, expected {STATEMENT_HEADER!r}"
        )
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
    return ExpiredRange(int(matched[1]), int(matched[2]), cutoff)


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


def vouched_prefix(organisation_id: int, verifier: Ed25519Verifier, origin: str) -> int:
    """Return ``n`` such that the organisation's statements cover entries ``[0, n)``.

    Every stored statement must verify with ``verifier`` for the log
    ``origin``, otherwise StatementRejected is raised, because a statement
    that does not verify was changed or written without the log key.
    """
    rows = ExpiryStatement.objects.filter(organisation_id=organisation_id)
    try:
        statements = list(rows.order_by("start", "pk").values_list("pk", "note"))
    except (OperationalError, UnicodeDecodeError):
        # SQLite keeps text that is not valid UTF-8, which sqlite3 cannot read.
        raise StatementRejected(
            None, "a statement row contains text that is not valid UTF-8"
        ) from None
    ranges = []
    for statement_id, note in statements:
        try:
            opened = open_statement(note, verifier, origin)
        except (LedgerError, ValueError) as error:
            raise StatementRejected(statement_id, str(error)) from None
        ranges.append((opened.start, opened.end))
    return covered_prefix(ranges)


def check_vouched(keys: LogKeys, start: int, end: int, slug: str) -> None:
    """Raise LogDamaged unless valid expiry statements cover entries ``[start, end)``.

    The start and end columns only select the statements to open, and the
    signed range decides. A statement changed in those columns therefore
    fails this check, as a deleted one does. Each step opens the statements
    that contain the first entry not yet covered, so the cost grows with the
    number of statements needed. ``slug`` names the organisation in the
    message.
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
