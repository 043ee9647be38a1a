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

The SQL that reads the entries and builds their leaves is in
``verification_sql``, with why a leaf built there may be trusted.
"""

import datetime
import hashlib
import sqlite3
from collections.abc import Callable, Generator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from typing import Any

import psycopg

from vigil.accesslog import verification_messages as messages
from vigil.accesslog.encoding import LeafFields, canonical_time, encode_leaf
from vigil.accesslog.leaves import stored_address, stored_time
from vigil.accesslog.models import SEGMENT_SIZE
from vigil.accesslog.store import tile_of
from vigil.accesslog.verification_messages import Reason
from vigil.accesslog.verification_sql import (
    EXPIRED_EARLY,
    LEAF_TIME,
    WRONG_SEGMENT,
    ScanStatements,
    catalog_only,
    entry_table_schema,
)
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
    # The time before which every expired entry must lie: the later of
    # ``retained_from`` and the latest cut-off of the expiry statements.
    expired_before: datetime.datetime


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


def scan_chunks(
    connection: Any, vendor: str, job: ScanJob, start: int, end: int
) -> Generator[ChunkSummary]:
    """Scan the chunks of ``[start, end)`` on a DB-API connection, in order.

    ``start`` is a multiple of the chunk size and ``end`` one too or the
    log's size. Stops after the first chunk with a failure.
    """
    width = 1 << job.chunk_level
    cursor = connection.cursor()
    rows_cursor = cursor
    schema = None
    if vendor == "postgresql":
        schema = entry_table_schema(cursor)
        rows_cursor = psycopg.Cursor(connection)
    statements = ScanStatements(vendor, job.origin, schema)
    fetch = _row_fetcher(rows_cursor, binary=vendor == "postgresql")
    try:
        for chunk_start in range(start, end, width):
            chunk_end = min(chunk_start + width, job.limit)
            with _trusted_functions(cursor, vendor):
                summary = _scan_chunk(
                    cursor, fetch, statements, job, chunk_start, chunk_end
                )
            yield summary
            if summary.failure is not None:
                return
    finally:
        rows_cursor.close()
        cursor.close()


def _trusted_functions(cursor: Any, vendor: str) -> AbstractContextManager[None]:
    """Return the context in which the scan's SQL sees only built-in functions.

    That matters on PostgreSQL only: SQLite has no functions that another
    user of the database could add.
    """
    return catalog_only(cursor) if vendor == "postgresql" else nullcontext()


# A function that runs a query and returns all of its rows.
RowFetcher = Callable[[str, list[Any]], list[tuple[Any, ...]]]


def _row_fetcher(cursor: Any, *, binary: bool) -> RowFetcher:
    """Return the function with which a scan reads its entries.

    On PostgreSQL the rows come in the binary format, on a cursor that binds
    the parameters on the server. That format sends a bytea column as its
    bytes instead of hex text, which the server writes and the client reads
    again: on the machine of docs/benchmarks.md it took the client's time
    per entry from 2.6 to 1.6 us. Django's own cursors bind on the client,
    which allows text results only. The statements are not prepared, as
    with Django's cursors, because a connection pooler in transaction mode
    may send each statement over another server connection.
    """
    if binary:

        def fetch_binary(statement: str, parameters: list[Any]) -> list[Any]:
            cursor.execute(statement, parameters, prepare=False, binary=True)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows

        return fetch_binary

    def fetch(statement: str, parameters: list[Any]) -> list[Any]:
        cursor.execute(statement, parameters)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows

    return fetch


def _scan_chunk(
    cursor: Any,
    fetch: RowFetcher,
    statements: ScanStatements,
    job: ScanJob,
    start: int,
    end: int,
) -> ChunkSummary:
    """Scan the entries ``[start, end)``, reporting a leaf hash that is not a blob.

    Reading such a value fails: ``bytes()`` rejects text or a real number,
    ``_stored_hash`` an integer, and sqlite3 rejects text that is not valid
    UTF-8. Only then does a query look for the first such entry. The entries
    before it are scanned again, so that an earlier failure still comes
    first.
    """
    try:
        return _scan_entries(cursor, fetch, statements, job, start, end)
    except (TypeError, sqlite3.OperationalError):
        wrong = None
        if statements.vendor == "sqlite":
            wrong = first_wrong_leaf_hash(
                cursor, statements.placeholder, job.organisation_id, start, end
            )
        if wrong is None:
            raise
    index, found = wrong
    summary = _scan_entries(cursor, fetch, statements, job, start, index)
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
    cursor: Any,
    fetch: RowFetcher,
    statements: ScanStatements,
    job: ScanJob,
    start: int,
    end: int,
) -> ChunkSummary:
    parameters = [
        *statements.leaf_parameters,
        statements.time_parameter(job.expired_before),
        job.organisation_id,
        start,
        end,
    ]
    try:
        rows = fetch(statements.entries, parameters)
    except sqlite3.Error:
        # json_object() rejects a BLOB in a text column, which only a changed
        # entry holds. Any other error comes again and goes to the caller.
        rows = fetch(statements.checked_entries, parameters)
    scan = _ChunkScan(cursor, statements, job, start, end)
    return scan.run(rows, scan.checkpoint_sizes())


class _ChunkScan:
    """The check of one chunk: its entries, then its complete subtrees."""

    def __init__(
        self,
        cursor: Any,
        statements: ScanStatements,
        job: ScanJob,
        start: int,
        end: int,
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
            if leaf == WRONG_SEGMENT:
                return hashes, self._wrong_segment(index)
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

    def _wrong_segment(self, index: int) -> ScanFailure:
        self.cursor.execute(
            self.statements.entry_segment, [self.job.organisation_id, index]
        )
        (found,) = self.cursor.fetchone()
        params: dict[str, int | str | Reason] = {
            "index": index,
            "found": found if type(found) is int else shown_repr(found),
            "segment": index // SEGMENT_SIZE,
        }
        return ScanFailure(index, Reason(messages.WRONG_SEGMENT, params))

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
                failure = self._node_failure(
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

    def _node_failure(
        self, level: int, index: int, stored: bytes | None, computed: bytes
    ) -> ScanFailure:
        """Return the failure of a node that differs, is missing or is misplaced."""
        if stored is None:
            return absent_node_failure(
                self.cursor,
                self.statements.node_tile,
                self.job.organisation_id,
                (level, index),
                computed,
            )
        return node_failure(level, index, stored, computed)

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


def absent_node_failure(
    cursor: Any,
    tile_sql: str,
    organisation_id: int,
    key: tuple[int, int],
    computed: bytes,
) -> ScanFailure:
    """Return the failure of a tree node that proofs cannot find where it belongs.

    ``tile_sql`` reads the tile of node ``key`` (level, index) with the
    parameters organisation, level and index. A node stored under another
    tile than its own is misplaced, and one that is not stored is missing.
    """
    level, index = key
    cursor.execute(tile_sql, [organisation_id, level, index])
    row = cursor.fetchone()
    if row is None:
        return node_failure(level, index, None, computed)
    return ScanFailure(
        index << level,
        messages.node_tile_wrong(level, index, row[0], tile_of(level, index)),
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
