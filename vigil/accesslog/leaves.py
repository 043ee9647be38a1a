"""Leaf bytes of stored entries, encoded again from their columns.

An entry stores no leaf bytes, because its columns and the log's origin
determine them (``vigil.accesslog.encoding``). Bundles, proofs and commands
that hand out leaf bytes encode them here from the columns. An expired entry
has lost the content its leaf covered, so it has no leaf bytes, only its
stored leaf hash.
"""

import datetime

from django.utils.translation import gettext as _

from vigil.accesslog.encoding import (
    LeafFields,
    canonical_address,
    canonical_time,
    encode_leaf,
)
from vigil.accesslog.models import AccessEntry, millisecond_text
from vigil.ledger import leaf_hash


class LogDamaged(ValueError):
    """The stored log contradicts itself from entry ``index`` on.

    The message, in the active language, names the entry and the command
    that checks the whole log.
    """

    def __init__(self, index: int, message: str) -> None:
        super().__init__(message)
        self.index = index


def verify_command(slug: str) -> str:
    """Return the command that recomputes the whole log of organisation ``slug``."""
    return f"vigil accesslog verify --org {slug}"


def stored_address(value: object, *, exact_text: bool = False) -> str:
    """Return a stored source address column in the leaf's form.

    With ``exact_text``, for SQLite, which keeps the text that ingestion
    wrote, another text of the same address is returned as it is, so that it
    fails the leaf hash. PostgreSQL's ``inet`` output may differ from the
    leaf's form, so there any text of the address counts.
    """
    if value is None:
        return ""
    text = str(value)
    try:
        canonical = canonical_address(text)
    except ValueError:
        # A value that is no address cannot match the leaf hash, which shows.
        return text
    return text if exact_text else canonical


def stored_time(value: object) -> str:
    """Return a stored time column as the leaf's time text.

    Through Django's connection SQLite returns a naive datetime in UTC and
    PostgreSQL an aware one. A plain SQLite connection returns the text
    itself. Only what ingestion writes gives the leaf's form: an instant in
    whole milliseconds and, as text, exactly the naive UTC
    ``YYYY-MM-DD HH:MM:SS.mmm`` of ``MillisecondTimeField``. Anything else is
    returned in a form that no leaf contains, so it fails the leaf hash.
    That includes other texts of the same instant, such as ``T`` between date
    and time, six fraction digits, none, or an offset of ``+00:00``. SQLite
    compares the text, so a search between two times of the same day would
    miss such an entry. A resent event would not be recognised as a
    duplicate either.
    """
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = str(value)
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            return text
        if moment.tzinfo is not None or millisecond_text(str(moment)) != text:
            return text
    if moment.microsecond % 1000:
        # Six fraction digits, where every leaf has three.
        return moment.isoformat()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return canonical_time(moment)


def entry_leaf_fields(entry: AccessEntry) -> LeafFields:
    """Return the leaf fields of an entry from its stored columns."""
    return LeafFields(
        entry.index,
        entry.event_id,
        stored_time(entry.time),
        entry.user_id,
        entry.application,
        entry.action,
        bytes(entry.subject_pseudonym).hex(),
        entry.service,
        entry.case_ref,
        stored_address(entry.source_ip),
        entry.outcome,
    )


def entry_leaf(origin: str, entry: AccessEntry) -> bytes | None:
    """Encode the leaf bytes of an entry of the log ``origin``, None if expired."""
    if entry.expired_at is not None:
        return None
    return encode_leaf(origin, entry_leaf_fields(entry))


def checked_entry_leaf(origin: str, entry: AccessEntry, slug: str) -> bytes | None:
    """Encode the leaf bytes of an entry as ``entry_leaf`` does and check them.

    Raises LogDamaged if they do not hash to the stored leaf hash, because a
    column or the leaf hash of the entry was changed. ``slug`` names the
    organisation in the message.
    """
    leaf = entry_leaf(origin, entry)
    if leaf is not None and leaf_hash(leaf) != bytes(entry.leaf_hash):
        raise LogDamaged(
            entry.index,
            _(
                "entry %(index)d does not match its stored leaf hash, so the log "
                "was changed. Run '%(command)s' to check the whole log"
            )
            % {"index": entry.index, "command": verify_command(slug)},
        )
    return leaf
