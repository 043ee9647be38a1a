"""The per-entry part of ``verification``: leaf hashes and the trees of chunks.

A scan reads the entries of an index range in chunks of ``2**chunk_level``
aligned to multiples of that size. For every chunk it checks the indices,
the expiry order and each entry's leaf hash, rebuilds the complete subtrees
inside the chunk and compares them with the stored ``TreeNode`` levels. It
returns a ``ChunkSummary`` per chunk, which is all that the rest of the
verification (the tree above the chunks and the checkpoints) needs. A scan
stops after the first chunk with a failure.

Scans use a DB-API connection and no ORM, so that a worker process can run
one on a connection of its own (``verification_pool``).

The leaf of an entry that has not expired is built in SQL, behind the leaf
hash prefix 0x00, so that Python hashes the column as it comes. Suppose its
hash equals the stored leaf hash and the bytes contain no backslash. The
bytes are then canonical leaf bytes, in which a quotation mark only
delimits a string and a backslash or control character only occurs inside
an escape. So no column contains a character that JSON escapes,
``encode_leaf`` gives the same bytes, and the entry is verified. Every
other entry is read again and checked with ``encode_leaf``, as the
reference, and so is an expired entry whose content columns are not empty.

PostgreSQL fills the leaf template with format(), without JSON escaping.
NOTE: format() writes NULL as empty text, so an empty text column that the
administrator made nullable and set to NULL passes, although
``encode_leaf`` rejects its type. SQLite builds the leaf with
json_object() instead, because its columns keep any type: a NUL character,
which printf() would stop at, is escaped, NULL is written as null, and a
BLOB, which printf() would write as its bytes, raises an error (see
``_SQLITE_LEAF`` and ``scan_chunks``).
"""

import datetime
import hashlib
import re
import sqlite3
from collections.abc import Generator
from dataclasses import dataclass, replace
from json.encoder import encode_basestring
from typing import Any

from vigil.accesslog import verification_messages as messages
from vigil.accesslog.encoding import LeafFields, canonical_time, encode_leaf
from vigil.accesslog.leaves import stored_address, stored_time
from vigil.accesslog.models import AccessEntry, LogCheckpoint, TreeNode
from vigil.accesslog.retention import EMPTIED_CONTENT
from vigil.accesslog.verification_messages import Reason
from vigil.accesslog.verification_types import (
    Description,
    first_wrong_leaf_hash,
    first_wrong_node_hash,
    first_wrong_node_index,
    shown_repr,
    undecodable_entry_column,
)
from vigil.ledger import HASH_SIZE, complete_subtree_levels
from vigil.ledger.merkle import LEAF_HASH_PREFIX, fold_subtree_hashes

ENTRY_TABLE = AccessEntry._meta.db_table
# The leaf's form of a time, as canonical_time writes it.
LEAF_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z"
)
NODE_TABLE = TreeNode._meta.db_table
CHECKPOINT_TABLE = LogCheckpoint._meta.db_table

# The leaf template of vigil.accesslog.encoding for PostgreSQL's format(),
# without JSON quoting: "log" is a parameter that is JSON-quoted already,
# and the other strings get no escaping. The arguments follow in
# _LEAF_ARGUMENTS. format() writes NULL as empty text.
_SQL_TEMPLATE = (
    '{"action":"%s","application":"%s","case_ref":"%s","event_id":"%s",'
    '"index":%s,"log":%s,"outcome":"%s","service":"%s","source_ip":"%s",'
    '"subject_pseudonym":"%s","time":"%s","user_id":"%s","v":1}'
)
_LEAF_ARGUMENTS = (
    'action, application, case_ref, event_id, "index", {origin}, outcome, '
    "service, {address}, {pseudonym}, {time}, user_id"
)
_POSTGRESQL_PSEUDONYM = "encode(subject_pseudonym, 'hex')"
# The leaf's time text from Django's SQLite text of the time. It is built
# for exactly the two forms that ingestion writes, with the space between
# date and time turned into "T". One form has six fraction digits that end
# in "000" and are not all zero, the other, for a whole second, none.
# substr() stops at a NUL character, so the text must equal its first 19
# characters, or its first 23 and "000", which "=" compares by all of their
# bytes. The space is the text's only one, so the date and the time of day
# are copied, and different digits give different bytes. Any other value
# gives NULL and thus the reference path, which fails it as
# leaves.stored_time describes. Such values are another text of the same
# instant, such as "T" between date and time, three fraction digits or an
# offset, text after a NUL, and a BLOB, which equals no text. This took as
# long as the printf() that it replaced, which stopped at a NUL: 1.27 to
# 1.32 against 1.30 to 1.33 us per entry, with the index and the leaf hash.
_SQLITE_TIME = (
    "CASE WHEN substr(\"time\", 11, 1) = ' ' THEN "
    'CASE WHEN "time" = substr("time", 1, 23) || \'000\' '
    "AND substr(\"time\", 20, 4) != '.000' "
    "THEN replace(substr(\"time\", 1, 23), ' ', 'T') || 'Z' "
    'WHEN "time" = substr("time", 1, 19) '
    "THEN replace(\"time\", ' ', 'T') || '.000Z' "
    "END END"
)
# The pseudonym's 32 bytes as lowercase hex digits, or NULL for a value of
# another type, such as a text of the same bytes, which searches by
# pseudonym would not find.
_SQLITE_PSEUDONYM = (
    "CASE WHEN typeof(subject_pseudonym) = 'blob' "
    "THEN lower(hex(subject_pseudonym)) END"
)
# The leaf members in their canonical order, with the SQLite value of each.
# json_object() writes them without spaces and escapes text as
# encode_basestring does, so the bytes equal encode_leaf's for every text
# that ingestion accepts. The origin is a parameter. json_object() took
# about 0.4 us per entry more than printf() with the same members: 2.7
# against 2.3 us of SQL (60 chunks of 4,096 entries, three runs each). That
# is the price of catching a NUL or a BLOB that printf() would hide.
_SQLITE_MEMBERS = (
    ("action", "action"),
    ("application", "application"),
    ("case_ref", "case_ref"),
    ("event_id", "event_id"),
    ("index", '"index"'),
    ("log", "%s"),
    ("outcome", "outcome"),
    ("service", "service"),
    ("source_ip", "ifnull(source_ip, '')"),
    ("subject_pseudonym", _SQLITE_PSEUDONYM),
    ("time", _SQLITE_TIME),
    ("user_id", "user_id"),
    ("v", "1"),
)
# The members of text columns, which json_object() rejects as a BLOB.
_SQLITE_TEXT_MEMBERS = frozenset(
    {
        "action",
        "application",
        "case_ref",
        "event_id",
        "outcome",
        "service",
        "source_ip",
        "user_id",
    }
)


def _sqlite_leaf(*, blobs_as_null: bool) -> str:
    """Return SQLite's expression of an entry's prefixed leaf bytes.

    With ``blobs_as_null``, a text column that contains a BLOB gives null
    instead of an error, at the price of a type check per column, so the
    entry fails its leaf hash.
    """
    members = []
    for name, value in _SQLITE_MEMBERS:
        if blobs_as_null and name in _SQLITE_TEXT_MEMBERS:
            value = f"CASE WHEN typeof({value}) != 'blob' THEN {value} END"
        members.append(f"'{name}', {value}")
    return f"CAST(X'00' || json_object({', '.join(members)}) AS BLOB)"


# The leaf column of an expired entry that keeps content, which expiry
# removes: not a leaf, so it never hashes to a leaf hash.
_SQLITE_EXPIRED_WITH_CONTENT = "X''"
_POSTGRESQL_EXPIRED_WITH_CONTENT = "''::bytea"
# The leaf column of an emptied entry that the retention period still keeps,
# which expiry never empties. EXPIRED_EARLY is that value as Python reads it.
_SQLITE_EXPIRED_EARLY = "X'02'"
_POSTGRESQL_EXPIRED_EARLY = "'\\x02'::bytea"
EXPIRED_EARLY = b"\x02"
# The columns that an entry with content never has NULL in. format() writes
# NULL as empty text, so a NULL where the leaf has an empty case reference
# or outcome would give the same bytes, although the column no longer contains
# what the leaf covers. Such a NULL needs a NOT NULL constraint dropped. The
# entry gets a value that is not a leaf instead, and thus the reference
# path, which fails it. The source address is NULL when it is empty.
_POSTGRESQL_NOT_NULL = (
    'event_id, "time", user_id, application, action, subject_pseudonym, '
    "service, case_ref, outcome"
)
_POSTGRESQL_NOT_A_LEAF = "'\\x01'::bytea"
# The times that ingestion can store: the years 1 to 9999 in UTC, which is
# also what Python's datetime reads. to_char() writes a year before the
# common era without its era, so a time moved back to 2026 BC would give the
# text of 2026 AD, and psycopg cannot read a later year or infinity.
_POSTGRESQL_TIME_IN_RANGE = (
    "\"time\" >= '0001-01-01 00:00:00+00' AND \"time\" < '10000-01-01 00:00:00+00'"
)
# PostgreSQL's MS field would drop the digits below the millisecond, which
# ingestion never stores. A time with such digits, or outside the range,
# therefore gives NULL. format() writes it as empty text, so the entry takes
# the reference path, which fails it. The session time zone plays no part.
_POSTGRESQL_TIME = (
    f"CASE WHEN {_POSTGRESQL_TIME_IN_RANGE} "
    'AND date_trunc(\'milliseconds\', "time") = "time" THEN '
    'to_char("time" AT TIME ZONE \'UTC\', \'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"\') END'
)
# The time as the reference path reads it: naive UTC, or NULL outside the
# range, which no leaf matches.
_POSTGRESQL_RAW_TIME = (
    f"CASE WHEN {_POSTGRESQL_TIME_IN_RANGE} THEN \"time\" AT TIME ZONE 'UTC' END"
)
# The address without its netmask, which host() drops. Ingestion stores
# single addresses, so an address with a shorter mask gives NULL. format()
# writes it as empty text, so the entry takes the reference path, which
# fails it.
_POSTGRESQL_ADDRESS = (
    "CASE WHEN masklen(source_ip) = CASE family(source_ip) WHEN 4 THEN 32 "
    "ELSE 128 END THEN host(source_ip) END"
)


@dataclass(frozen=True, slots=True)
class ScanJob:
    """The parameters of a scan, sent to worker processes."""

    organisation_id: int
    origin: str
    limit: int
    chunk_level: int
    lowest_stored_level: int
    # The earliest time that the retention period keeps, as the run started,
    # and the period in days.
    retained_from: datetime.datetime
    retention_days: int


@dataclass(frozen=True, slots=True)
class ScanFailure:
    """The first entry or tree node of a chunk that cannot be shown unchanged.

    ``expired_before`` is set when an expired entry follows a kept one in
    the chunk. It counts the chunk's expired entries before ``index``. The
    reason is then None, and the caller writes it, because it counts the
    expired entries before the chunk.
    """

    index: int | None
    reason: Reason | None
    expired_before: int | None = None


@dataclass(frozen=True, slots=True)
class ChunkSummary:
    """The outcome of one chunk ``[start, start + 2**chunk_level)``.

    ``leaves`` entries were checked before the first bad one, ``expired`` of
    them expired. ``starts_expired`` is whether the first entry expired,
    which is right only if every entry before the chunk expired too. ``root``
    is the chunk's subtree hash if the chunk is complete. ``checkpoint_roots``
    gives, for each checkpoint size in the chunk up to the failure, the tree
    hash (RFC 9162 MTH) of the entries from ``start`` up to that size. The
    root of the whole tree at that size folds the complete subtrees before
    the chunk onto it.
    """

    start: int
    leaves: int
    expired: int
    starts_expired: bool
    root: bytes | None
    failure: ScanFailure | None
    checkpoint_roots: dict[int, bytes]


class _Statements:
    """The SQL of a scan for one database vendor."""

    def __init__(self, vendor: str, origin: str) -> None:
        self.placeholder = "?" if vendor == "sqlite" else "%s"
        self.vendor = vendor
        if vendor == "postgresql":
            pseudonym = _POSTGRESQL_PSEUDONYM
            arguments = _LEAF_ARGUMENTS.format(
                origin="%s::text",
                address=_POSTGRESQL_ADDRESS,
                pseudonym=pseudonym,
                time=_POSTGRESQL_TIME,
            )
            leaf = (
                f"CASE WHEN num_nulls({_POSTGRESQL_NOT_NULL}) = 0 THEN "
                f"'\\x00'::bytea || convert_to(format(%s::text, {arguments}), 'UTF8') "
                f"ELSE {_POSTGRESQL_NOT_A_LEAF} END"
            )
            self.leaf_parameters = [_SQL_TEMPLATE, encode_basestring(origin)]
            raw_time = _POSTGRESQL_RAW_TIME
            with_content = _POSTGRESQL_EXPIRED_WITH_CONTENT
            early = _POSTGRESQL_EXPIRED_EARLY
        else:
            pseudonym = _SQLITE_PSEUDONYM
            leaf = _sqlite_leaf(blobs_as_null=False)
            self.leaf_parameters = [origin]
            # As for the pseudonym, a time of another type than text fails.
            raw_time = 'CASE WHEN typeof("time") = \'text\' THEN "time" END'
            with_content = _SQLITE_EXPIRED_WITH_CONTENT
            early = _SQLITE_EXPIRED_EARLY
        # The leaf column is the RFC 9162 leaf prefix 0x00 and the leaf
        # bytes, ready to hash, or NULL for an expired entry whose content
        # columns are empty. An expired entry that keeps content, or whose
        # time is not before the parameter ``retained_from``, gets a value
        # that is no leaf.
        entries = (
            'SELECT "index", CASE WHEN expired_at IS NULL THEN {leaf} '  # noqa: S608
            f"WHEN {_emptied_condition()} THEN "
            f'CASE WHEN "time" < %s THEN NULL ELSE {early} END '
            f"ELSE {with_content} END, "
            f"leaf_hash FROM {ENTRY_TABLE} "
            'WHERE organisation_id = %s AND "index" >= %s AND "index" < %s '
            'ORDER BY "index"'
        )
        self.entries = self._sql(entries.format(leaf=leaf))
        # For a chunk whose entries raised an error in ``entries`` (SQLite).
        self.checked_entries = self._sql(
            entries.format(leaf=_sqlite_leaf(blobs_as_null=True))
        )
        self.entry = self._sql(
            f'SELECT "index", event_id, {raw_time}, user_id, application, action, '  # noqa: S608
            f"{pseudonym}, service, case_ref, source_ip, outcome "
            f'FROM {ENTRY_TABLE} WHERE organisation_id = %s AND "index" = %s'
        )
        self.entry_time = self._sql(
            f"SELECT {raw_time} FROM {ENTRY_TABLE} "  # noqa: S608
            'WHERE organisation_id = %s AND "index" = %s'
        )
        self.checkpoint_sizes = self._sql(
            f"SELECT size FROM {CHECKPOINT_TABLE} WHERE organisation_id = %s "  # noqa: S608
            "AND size > %s AND size <= %s ORDER BY size"
        )
        self.nodes = self._sql(
            f'SELECT "index", hash FROM {NODE_TABLE} '  # noqa: S608
            'WHERE organisation_id = %s AND level = %s AND "index" >= %s '
            'AND "index" < %s ORDER BY "index"'
        )

    def _sql(self, statement: str) -> str:
        return statement.replace("%s", self.placeholder)

    def time_parameter(self, moment: datetime.datetime) -> Any:
        """Return an aware time as the parameter that compares with "time".

        On SQLite that is Django's text of the naive UTC time, which the
        column contains and compares as text.
        """
        if self.vendor == "postgresql":
            return moment
        return str(moment.astimezone(datetime.UTC).replace(tzinfo=None))


def _emptied_condition() -> str:
    """Return SQL that is true when the content columns are as expiry leaves them."""
    terms = []
    for name, value in EMPTIED_CONTENT.items():
        if value is None:
            terms.append(f"{name} IS NULL")
        elif value == b"":
            terms.append(f"length({name}) = 0")
        else:
            terms.append(f"{name} = ''")
    return "(" + " AND ".join(terms) + ")"


def put_catalog_first(cursor: Any) -> None:
    """Put pg_catalog first in the session's search path on PostgreSQL.

    The scan's SQL names functions and operators such as to_char() and ||
    without a schema. pg_catalog comes first unless the search path names it
    later, and someone who can change a role's search path could then put a
    function of their own in its place. The session keeps the setting, which
    changes nothing else, because pg_catalog normally comes first anyway.
    """
    cursor.execute("SHOW search_path")
    (path,) = cursor.fetchone()
    schemas = [name.strip() for name in path.split(",") if name.strip() != '""']
    if schemas[:1] != ["pg_catalog"]:
        cursor.execute(f"SET search_path TO {', '.join(['pg_catalog', *schemas])}")


def scan_chunks(
    connection: Any, vendor: str, job: ScanJob, start: int, end: int
) -> Generator[ChunkSummary]:
    """Scan the chunks of ``[start, end)`` on a DB-API connection, in order.

    ``start`` is a multiple of the chunk size and ``end`` one too or the
    log's size. Stops after the first chunk with a failure.
    """
    statements = _Statements(vendor, job.origin)
    width = 1 << job.chunk_level
    cursor = connection.cursor()
    if vendor == "postgresql":
        put_catalog_first(cursor)
    try:
        for chunk_start in range(start, end, width):
            chunk_end = min(chunk_start + width, job.limit)
            summary = _scan_chunk(cursor, statements, job, chunk_start, chunk_end)
            yield summary
            if summary.failure is not None:
                return
    finally:
        cursor.close()


def _scan_chunk(
    cursor: Any, statements: _Statements, job: ScanJob, start: int, end: int
) -> ChunkSummary:
    """Scan the entries ``[start, end)``, reporting a leaf hash that is not a blob.

    Reading such a value fails: ``bytes()`` rejects text or a real number,
    ``_stored_hash`` an integer, and sqlite3 rejects text that is not valid
    UTF-8. Only then does a query look for the first such entry. The entries
    before it are scanned again, so that an earlier failure still comes
    first.
    """
    try:
        return _scan_entries(cursor, statements, job, start, end)
    except (TypeError, sqlite3.OperationalError):
        wrong = None
        if statements.vendor == "sqlite":
            wrong = first_wrong_leaf_hash(
                cursor, statements.placeholder, job.organisation_id, start, end
            )
        if wrong is None:
            raise
    index, found = wrong
    summary = _scan_entries(cursor, statements, job, start, index)
    if summary.failure is not None:
        return summary
    failure = ScanFailure(
        index,
        Reason(
            messages.LEAF_HASH_WRONG_TYPE,
            {"index": index, "column": "leaf_hash", "found": found, "size": HASH_SIZE},
        ),
    )
    return replace(summary, failure=failure)


def _scan_entries(
    cursor: Any, statements: _Statements, job: ScanJob, start: int, end: int
) -> ChunkSummary:
    parameters = [
        *statements.leaf_parameters,
        statements.time_parameter(job.retained_from),
        job.organisation_id,
        start,
        end,
    ]
    try:
        cursor.execute(statements.entries, parameters)
        rows = cursor.fetchall()
    except sqlite3.Error:
        # json_object() rejects a BLOB in a text column, which only a changed
        # entry holds. Any other error comes again and goes to the caller.
        cursor.execute(statements.checked_entries, parameters)
        rows = cursor.fetchall()
    scan = _ChunkScan(cursor, statements, job, start, end)
    return scan.run(rows, scan.checkpoint_sizes())


class _ChunkScan:
    """The check of one chunk: its entries, then its complete subtrees."""

    def __init__(
        self, cursor: Any, statements: _Statements, job: ScanJob, start: int, end: int
    ) -> None:
        self.cursor = cursor
        self.statements = statements
        self.job = job
        self.start = start
        self.end = end
        self.expired = 0
        self.starts_expired = False

    def checkpoint_sizes(self) -> list[int]:
        """Return the sizes of the checkpoints in ``(start, end]``."""
        self.cursor.execute(
            self.statements.checkpoint_sizes,
            [self.job.organisation_id, self.start, self.end],
        )
        return [int(size) for (size,) in self.cursor.fetchall()]

    def run(self, rows: list[tuple[Any, ...]], sizes: list[int]) -> ChunkSummary:
        leaves, entry_failure = self._leaf_hashes(rows)
        levels, tree_failure = self._levels(leaves)
        failures = [item for item in (entry_failure, tree_failure) if item]
        first = min(failures, key=_index_of) if failures else None
        bound = self.start + len(leaves)
        if first is not None and first.index is not None:
            bound = first.index
        roots = {
            size: fold_subtree_hashes(_subtree_hashes(levels, size - self.start))
            for size in sizes
            if size <= bound
        }
        width = 1 << self.job.chunk_level
        root = levels[self.job.chunk_level][0] if len(leaves) == width else None
        return ChunkSummary(
            self.start,
            len(leaves),
            self.expired,
            self.starts_expired,
            root,
            first,
            roots,
        )

    def _leaf_hashes(
        self, rows: list[tuple[Any, ...]]
    ) -> tuple[list[bytes], ScanFailure | None]:
        """Return the leaf hashes up to the first bad entry, and its failure."""
        hashes = self._matching_leaf_hashes(rows)
        if hashes is not None:
            return hashes, None
        hashes = []
        append = hashes.append
        sha256 = hashlib.sha256
        expected = self.start
        for index, leaf, stored in rows:
            if leaf is not None:
                computed = sha256(leaf).digest()
                if computed == stored and index == expected and b"\\" not in leaf:
                    append(computed)
                    expected += 1
                    continue
            if index != expected:
                return hashes, _missing(expected)
            if leaf == EXPIRED_EARLY:
                return hashes, self._expired_early(index)
            if leaf == b"":
                return hashes, ScanFailure(
                    index, Reason(messages.EXPIRED_WITH_CONTENT, {"index": index})
                )
            result = self._checked_entry(index, _stored_hash(stored), leaf is None)
            if isinstance(result, ScanFailure):
                return hashes, result
            append(result)
            expected += 1
        if expected != self.end:
            return hashes, _missing(expected)
        return hashes, None

    def _expired_early(self, index: int) -> ScanFailure:
        params: dict[str, int | str | Reason] = {
            "index": index,
            "days": self.job.retention_days,
            "retained_from": canonical_time(self.job.retained_from),
        }
        try:
            self.cursor.execute(
                self.statements.entry_time, [self.job.organisation_id, index]
            )
            (stored,) = self.cursor.fetchone()
            time = stored_time(stored)
            # Anything but the leaf's form of a time is a changed value, shown
            # quoted and cut like other changed values.
            params["time"] = time if LEAF_TIME.fullmatch(time) else shown_repr(time)
        except sqlite3.OperationalError:
            # The time is text that is not valid UTF-8.
            return ScanFailure(
                index, Reason(messages.EXPIRED_EARLY_TIME_UNREADABLE, params)
            )
        return ScanFailure(index, Reason(messages.EXPIRED_EARLY, params))

    def _matching_leaf_hashes(self, rows: list[tuple[Any, ...]]) -> list[bytes] | None:
        """Return the leaf hashes of a chunk whose every entry matches, or None.

        This is the common case, checked for the whole chunk at once: every
        index is there in order, no entry expired, every SQL-built leaf
        hashes to the stored leaf hash and none contains a backslash. The
        entry by entry check of ``_leaf_hashes`` then gives the same hashes.
        """
        if not rows:
            return None
        indices, leaves, stored = zip(*rows, strict=True)
        if indices != tuple(range(self.start, self.end)) or None in leaves:
            return None
        sha256 = hashlib.sha256
        computed = [sha256(leaf).digest() for leaf in leaves]
        if computed != list(stored) or b"\\" in b"".join(leaves):
            return None
        return computed

    def _checked_entry(
        self, index: int, stored_hash: bytes, is_expired: bool
    ) -> bytes | ScanFailure:
        """Check one entry as the reference does, from its hash length on."""
        if len(stored_hash) != HASH_SIZE:
            return ScanFailure(
                index,
                Reason(
                    messages.LEAF_HASH_WRONG_SIZE,
                    {"index": index, "found": len(stored_hash), "size": HASH_SIZE},
                ),
            )
        if is_expired:
            if self.expired != index - self.start:
                return ScanFailure(index, None, expired_before=self.expired)
            self.starts_expired = self.starts_expired or index == self.start
            self.expired += 1
            return stored_hash
        computed = self._reference_leaf_hash(index)
        if isinstance(computed, ScanFailure):
            return computed
        if computed is None:
            return ScanFailure(
                index,
                Reason(
                    messages.COLUMNS_WITHOUT_LEAF,
                    {"index": index, "stored": stored_hash.hex()},
                ),
            )
        if computed != stored_hash:
            params: dict[str, int | str | Reason] = {
                "index": index,
                "computed": computed.hex(),
                "stored": stored_hash.hex(),
            }
            return ScanFailure(index, Reason(messages.COLUMNS_DIFFER, params))
        return computed

    def _reference_leaf_hash(self, index: int) -> bytes | ScanFailure | None:
        """Hash the leaf that ``encode_leaf`` makes of the entry's columns.

        Returns None if a column contains a value of another type than its own,
        such as NULL or a BLOB in a text column, which no leaf matches, or if
        the entry is gone. Returns a failure that names the column if sqlite3
        cannot read the entry because a column contains text that is not
        valid UTF-8.
        """
        try:
            self.cursor.execute(
                self.statements.entry, [self.job.organisation_id, index]
            )
            row = self.cursor.fetchone()
        except sqlite3.OperationalError:
            undecodable = None
            if self.statements.vendor == "sqlite":
                undecodable = undecodable_entry_column(
                    self.cursor,
                    self.statements.placeholder,
                    self.job.organisation_id,
                    index,
                )
            if undecodable is None:
                raise
            column, found = undecodable
            return ScanFailure(
                index,
                Reason(
                    messages.ENTRY_COLUMN_NOT_UTF8,
                    {"index": index, "column": column, "found": found},
                ),
            )
        if row is None:
            return None
        fields = LeafFields(
            index,
            row[1],
            stored_time(row[2]),
            row[3],
            row[4],
            row[5],
            row[6],
            row[7],
            row[8],
            stored_address(row[9], exact_text=self.statements.vendor == "sqlite"),
            row[10],
        )
        try:
            leaf = encode_leaf(self.job.origin, fields)
        except TypeError:
            return None
        return hashlib.sha256(LEAF_HASH_PREFIX + leaf).digest()

    def _levels(
        self, leaves: list[bytes]
    ) -> tuple[list[list[bytes]], ScanFailure | None]:
        """Rebuild the complete subtrees inside the chunk and compare each level.

        Level ``l`` contains the nodes ``(l, (start >> l) + i)``. Returns the
        levels and the failure with the lowest first leaf. A node that differs
        because a child differs is a consequence, not a failure of its own; a
        missing node always is one.
        """
        levels = complete_subtree_levels(leaves)
        first: ScanFailure | None = None
        differing_below: set[int] = set()
        for level, computed in enumerate(levels):
            if level < self.job.lowest_stored_level:
                continue
            differing: set[int] = set()
            mismatches, wrong = self._level_mismatches(level, computed)
            if wrong is not None and (
                first is None or _index_of(wrong) < _index_of(first)
            ):
                first = wrong
            for offset, stored in mismatches:
                differing.add(offset)
                children = {2 * offset, 2 * offset + 1}
                if stored is not None and children & differing_below:
                    continue
                failure = node_failure(
                    level, (self.start >> level) + offset, stored, computed[offset]
                )
                if first is None or _index_of(failure) < _index_of(first):
                    first = failure
            differing_below = differing
        return levels, first

    def _level_mismatches(
        self, level: int, computed: list[bytes]
    ) -> tuple[list[tuple[int, bytes | None]], ScanFailure | None]:
        """Return (offset, stored hash or None if missing) of each differing node.

        A stored hash that is not a blob ends the comparison of the level. Its
        failure comes second in the returned pair, and only the nodes before
        it are compared.
        """
        if not computed:
            return [], None
        first = self.start >> level
        end = first + len(computed)
        try:
            rows, stored = self._stored_nodes(level, first, end)
        except (TypeError, sqlite3.OperationalError):
            wrong = self._first_wrong_node_hash(level, first, end)
            if wrong is None:
                raise
        else:
            if stored == computed:
                return [], None
            outside = self._node_index_failure(rows, level, first, end)
            if outside is not None:
                return [], outside
            wrong = self._first_wrong_node_hash(level, first, end)
        failure = None
        if wrong is not None:
            index, found = wrong
            failure = ScanFailure(
                index << level,
                messages.node_hash_wrong_type(level, index, found, HASH_SIZE),
            )
            end = index
            rows, stored = self._stored_nodes(level, first, end)
            outside = self._node_index_failure(rows, level, first, end)
            if outside is not None:
                return [], outside
        by_offset = {
            int(node) - first: value
            for (node, _), value in zip(rows, stored, strict=True)
        }
        mismatches = [
            (offset, by_offset.get(offset))
            for offset, value in enumerate(computed[: end - first])
            if by_offset.get(offset) != value
        ]
        return mismatches, failure

    def _stored_nodes(
        self, level: int, first: int, end: int
    ) -> tuple[list[tuple[Any, ...]], list[bytes]]:
        """Return the stored nodes ``[first, end)`` of ``level`` and their hashes."""
        self.cursor.execute(
            self.statements.nodes, [self.job.organisation_id, level, first, end]
        )
        rows = self.cursor.fetchall()
        return rows, [bytes(value) for _, value in rows]

    def _node_index_failure(
        self, rows: list[tuple[Any, ...]], level: int, first: int, end: int
    ) -> ScanFailure | None:
        """Return the failure of a node among ``rows`` whose index is not an integer.

        Such a node lies between two nodes of the tree, so the failure has
        no first divergent index.
        """
        if all(type(node) is int for node, _ in rows):
            return None
        found: Description | None = None
        if self.statements.vendor == "sqlite":
            found = first_wrong_node_index(
                self.cursor,
                self.statements.placeholder,
                self.job.organisation_id,
                level,
                first,
                end,
            )
        if found is None:
            found = next(repr(node) for node, _ in rows if type(node) is not int)
        return ScanFailure(None, messages.node_index_outside(level, found))

    def _first_wrong_node_hash(
        self, level: int, first: int, end: int
    ) -> tuple[int, Description] | None:
        if self.statements.vendor != "sqlite":
            return None
        return first_wrong_node_hash(
            self.cursor,
            self.statements.placeholder,
            self.job.organisation_id,
            level,
            first,
            end,
        )


def node_failure(
    level: int, index: int, stored: bytes | None, computed: bytes
) -> ScanFailure:
    """Return the failure of tree node ``(level, index)``, missing or differing."""
    return ScanFailure(
        index << level, messages.node_differs(level, index, stored, computed)
    )


def _missing(index: int) -> ScanFailure:
    return ScanFailure(index, Reason(messages.ENTRY_MISSING, {"index": index}))


def _stored_hash(value: Any) -> bytes:
    """Return a stored hash as bytes, raising TypeError for another type.

    ``bytes()`` of an integer n gives n zero bytes instead of failing.
    """
    if isinstance(value, int):
        raise TypeError(f"a stored hash is the integer {value}, not bytes")
    return bytes(value)


def _subtree_hashes(levels: list[list[bytes]], offset: int) -> list[bytes]:
    """Return the complete subtrees of the chunk's first ``offset`` leaves."""
    parts: list[bytes] = []
    position = 0
    for level in reversed(range(offset.bit_length())):
        if offset >> level & 1:
            parts.append(levels[level][position >> level])
            position += 1 << level
    return parts


def _index_of(failure: ScanFailure) -> int:
    return -1 if failure.index is None else failure.index
