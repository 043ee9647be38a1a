"""Full verification of an organisation's access log from what is stored.

``verify_log`` reads every entry in index order, in chunks, and checks:

1. the indices run from 0 without a gap;
2. the leaf bytes encoded from each entry's columns (``encoding``) give its
   stored leaf hash. An expired entry has no columns left to encode, so only
   its stored leaf hash counts;
3. expired entries come first, because expiry empties the oldest entries
   first, their time lies before the retention period as the run starts,
   because expiry empties no entry that the period keeps, and each lies in
   the range of an expiry statement signed with the log key
   (``expiry_statements``), which expiry signs for the entries it empties;
4. the tree rebuilt from the leaf hashes, level by level, equals every stored
   ``TreeNode`` (the levels from ``LOWEST_STORED_LEVEL`` up), and no node is
   missing or lies beyond the entries or outside the tree;
5. every checkpoint row has a size that is an integer of 0 or more (and on
   SQLite a root hash of bytes and a note of text), without which the run
   could not place the checkpoint in the tree and would skip it;
6. every checkpoint has a valid signature by the log key and the log's
   origin and names the root of the rebuilt tree at its size. Two
   checkpoints that pass are therefore roots of the same sequence of leaves
   at two sizes, which is what an RFC 9162 consistency proof between them
   would show, so no such proof is checked;
7. no checkpoint names a larger tree than the log has, which is how a log
   cut back to an earlier size shows.

A stored hash of another type than bytes, which SQLite keeps, fails the run
at its entry or node, and so does an entry's text column that is not valid
UTF-8. A checkpoint row with such text, or a tree node whose index is a real
number, fails the run without an index (``verification_types``).

``verification_scan`` checks the chunks (points 1 to 3 and the tree inside
each chunk), in this process or in worker processes (``verification_pool``).
This module applies the chunk summaries in index order and checks the tree
above the chunks and the checkpoints. It stops at the first failure as a
scan of one chunk after the other would. The first divergent index and the
message therefore do not depend on the number of workers.

The check covers the entries that exist when it starts, and entries
appended meanwhile wait for the next run. It keeps only the right edge of
the tree above the chunks. With workers, it also keeps the summaries of up
to two parts per worker: about 100 bytes per chunk and per checkpoint.
The first failure stops it and gives the first index that cannot be shown to
be unchanged, stored in a ``VerificationRun``.
"""

import datetime
import threading
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction
from django.utils import timezone

from vigil.accesslog import store as hash_store
from vigil.accesslog import verification_messages as messages
from vigil.accesslog import verification_pool, verification_types
from vigil.accesslog.models import (
    AccessEntry,
    LogCheckpoint,
    LogKeys,
    TreeNode,
    VerificationRun,
)
from vigil.accesslog.retention import retention_period
from vigil.accesslog.store import DatabaseHashStore
from vigil.accesslog.verification_expiry import ExpiryCheck, StatementsFailed
from vigil.accesslog.verification_keys import given_verifier, key_label
from vigil.accesslog.verification_messages import Reason
from vigil.accesslog.verification_scan import (
    ChunkSummary,
    ScanFailure,
    ScanJob,
    absent_node_failure,
    node_failure,
    scan_chunks,
)
from vigil.accesslog.verification_sql import put_catalog_first
from vigil.audit.services import record
from vigil.ledger import (
    EMPTY_ROOT,
    HASH_SIZE,
    Ed25519Verifier,
    LedgerError,
    MerkleLog,
    UnverifiedNoteError,
    node_hash,
    open_checkpoint,
)
from vigil.ledger.encoding import encode_base64
from vigil.ledger.merkle import fold_subtree_hashes
from vigil.organisations.models import Organisation

# Entries per chunk, a power of two: the chunk's tree has levels 0 to 12.
CHUNK_LEVEL = 12
CHUNK = 1 << CHUNK_LEVEL
UPPER_NODE_CHUNK = 1000
CHECKPOINT_CHUNK = 1000


@dataclass(frozen=True)
class VerificationResult:
    """Outcome of one verification run.

    ``size`` is the number of entries checked. ``first_divergent_index`` is
    the lowest index that cannot be shown to be unchanged, or None when the
    log verifies (or when the failure concerns no entry, such as a given
    verifier key that is not the log's key). ``reason`` is the counts of a
    run that passed or the cause of its failure. ``message`` is its English
    text, which the run and the audit trail store.
    """

    ok: bool
    size: int
    first_divergent_index: int | None
    reason: Reason
    expired_entries: int
    checkpoints_checked: int

    @property
    def message(self) -> str:
        return self.reason.english()

    def reason_text(self) -> str:
        """Return the counts or the failure reason in the active language."""
        return self.reason.text()


class _Divergence(Exception):
    def __init__(self, index: int | None, reason: Reason) -> None:
        super().__init__(reason.english())
        self.index = index
        self.reason = reason


def verify_log(
    organisation: Organisation,
    *,
    actor: Any = None,
    verifier_key: str | None = None,
    workers: int | None = None,
) -> VerificationResult:
    """Recompute the organisation's log from storage and record the outcome.

    ``verifier_key`` checks the checkpoints against a key obtained elsewhere
    (for example the one an auditor keeps) instead of the stored one. A
    malformed ``verifier_key`` raises InvalidKeyError, and a key whose name
    is not the log's origin KeyOfAnotherLog, before anything is recorded.
    Another key with this log's name gives a failed run, because the log's
    key may have been replaced. That run has a first divergent index only
    when earlier checkpoints verify with the given key.
    ``workers`` is the number of processes that scan the entries. By default
    a log of ``PARALLEL_MIN_ENTRIES`` entries or more gets one per available
    CPU if this process runs no other thread. Inside a transaction, whose
    rows other connections cannot see, and on an in-memory database the scan
    stays in this process.
    """
    keys = LogKeys.objects.filter(organisation=organisation).first()
    given_key_verifier = given_verifier(verifier_key, keys)
    started = timezone.now()
    check = _LogCheck(organisation, keys, workers, started)
    try:
        if keys is not None:
            check.verifier = given_key_verifier or _load_verifier(keys.verifier_key)
            check.key_given = given_key_verifier is not None
        check.run()
        result = check.result(ok=True, index=None, reason=check.summary())
    except _Divergence as divergence:
        result = check.result(
            ok=False, index=divergence.index, reason=divergence.reason
        )
    _store_run(organisation, result, started, verifier_key, actor)
    return result


def _load_verifier(verifier_key: str) -> Ed25519Verifier:
    try:
        return Ed25519Verifier.from_verifier_key(verifier_key.strip())
    except LedgerError as error:
        # NOTE: the ledger's error text stays in English in every language.
        reason = Reason(messages.INVALID_VERIFIER_KEY, {"error": str(error)})
        raise _Divergence(None, reason) from None


@transaction.atomic
def _store_run(
    organisation: Organisation,
    result: VerificationResult,
    started: datetime.datetime,
    verifier_key: str | None,
    actor: Any,
) -> None:
    run = VerificationRun.objects.create(
        organisation=organisation,
        started_at=started,
        finished_at=timezone.now(),
        size=result.size,
        ok=result.ok,
        first_divergent_index=result.first_divergent_index,
        message=result.message,
        reason=result.reason.to_json(),
        expired_entries=result.expired_entries,
        checkpoints_checked=result.checkpoints_checked,
        verifier_key=verifier_key or "",
    )
    record(
        "accesslog.verified",
        actor=actor,
        target=run,
        organisation=organisation,
        new={
            "ok": result.ok,
            "size": result.size,
            "first_divergent_index": result.first_divergent_index,
            "message": result.message,
            "reason": result.reason.to_json(),
        },
    )


class _LogCheck:
    """The state of one verification: counters, upper tree edge, checkpoints.

    The chunks of ``CHUNK`` entries (a power of two, aligned to multiples of
    it) come as summaries from ``verification_scan``. Their roots form the
    upper levels of the tree, whose few nodes are compared one by one.
    """

    def __init__(
        self,
        organisation: Organisation,
        keys: LogKeys | None,
        workers: int | None,
        started: datetime.datetime,
    ) -> None:
        self.organisation_id = organisation.pk
        self.started = started
        self.keys = keys
        self.origin = keys.origin if keys is not None else ""
        self.workers = workers
        self.verifier: Ed25519Verifier | None = None
        # Whether ``verifier`` was given by the caller instead of the stored key.
        self.key_given = False
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.limit = 0
        self.size = 0
        self.expired = 0
        self.expiry = ExpiryCheck(self.organisation_id, self.origin)
        self.checkpoints_checked = 0
        # Complete subtrees left of the current chunk, largest first.
        self.upper: list[tuple[int, int, bytes]] = []
        self.upper_streams: dict[int, Iterator[tuple[int, bytes]]] = {}
        self.lowest_stored_level = hash_store.LOWEST_STORED_LEVEL
        self.previous_checkpoint: tuple[int, bytes] | None = None
        self.pending: LogCheckpoint | None = None
        self.checkpoints: Iterator[LogCheckpoint] = iter(())

    def result(
        self, *, ok: bool, index: int | None, reason: Reason
    ) -> VerificationResult:
        return VerificationResult(
            ok, self.size, index, reason, self.expired, self.checkpoints_checked
        )

    def summary(self) -> Reason:
        """Return the counts of a run that passed."""
        return Reason(
            messages.LOG_VERIFIED,
            {
                "size": self.size,
                "expired": self.expired,
                "checkpoints": self.checkpoints_checked,
            },
        )

    def run(self) -> None:
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                put_catalog_first(cursor)
        self._check_checkpoint_rows()
        self.limit = self._entry_count()
        if self.limit and self.keys is None:
            raise _Divergence(0, Reason(messages.NO_KEYS, {}))
        self.checkpoints = self._checkpoints(self.limit)
        self.pending = next(self.checkpoints, None)
        self._check_checkpoints_up_to(0, 0, {})
        if self.limit:
            with closing(self._chunk_summaries()) as summaries:
                for summary in summaries:
                    self._apply_chunk(summary)
        if self.size != self.limit:
            raise _Divergence(
                self.size, Reason(messages.ENTRY_MISSING, {"index": self.size})
            )
        pending = self.expiry.pending_failure()
        if pending is not None:
            raise _Divergence(*pending)
        self._check_no_extra_nodes()
        self._check_no_later_checkpoint()
        self._check_no_entries_outside()

    # Chunks

    def _chunk_summaries(self) -> Generator[ChunkSummary]:
        retained_from = self.started - retention_period()
        job = ScanJob(
            self.organisation_id,
            self.origin,
            self.limit,
            CHUNK_LEVEL,
            self.lowest_stored_level,
            retained_from,
            retention_period().days,
            self.expiry.expired_before(self.verifier, retained_from),
        )
        workers = self.workers
        if workers is None:
            # A fork copies the locks that other threads may hold, so a
            # process with threads (a threaded server) scans by itself.
            alone = threading.active_count() == 1
            enough = self.limit >= verification_pool.PARALLEL_MIN_ENTRIES
            workers = verification_pool.available_workers() if alone and enough else 1
        if workers > 1 and verification_pool.workers_possible():
            return verification_pool.scan_in_workers(job, workers)
        self.connection.ensure_connection()
        connection = self.connection.connection
        return scan_chunks(connection, self.connection.vendor, job, 0, self.limit)

    def _apply_chunk(self, chunk: ChunkSummary) -> None:
        """Take a chunk's outcome as if its entries had been checked here."""
        failure = chunk.failure
        leaves, expired = chunk.leaves, chunk.expired
        if chunk.starts_expired and self.expired != chunk.start:
            failure = ScanFailure(chunk.start, None, expired_before=0)
            leaves = expired = 0
        divergence = None if failure is None else self._divergence(failure)
        self.expired += expired
        chunk_end = chunk.start + (1 << CHUNK_LEVEL)
        divergence = self._first_of(divergence, self._unvouched_expiry(chunk_end))
        end = chunk.start + leaves
        bound = end
        if divergence is not None and divergence.index is not None:
            bound = divergence.index
        self._check_checkpoints_up_to(chunk.start, bound, chunk.checkpoint_roots)
        if divergence is not None:
            raise divergence
        if chunk.root is not None:
            self._push_upper(CHUNK_LEVEL, chunk.start >> CHUNK_LEVEL, chunk.root)
        self.size = end

    def _unvouched_expiry(self, chunk_end: int) -> _Divergence | None:
        """Return the first failure of the expired entries before ``chunk_end``."""
        if self.verifier is None:
            if self.expired == 0:
                return None
            raise _Divergence(None, Reason(messages.NO_KEYS, {}))
        try:
            failure = self.expiry.first_failure(self.verifier, self.expired, chunk_end)
        except StatementsFailed as failed:
            raise _Divergence(None, failed.reason) from None
        return None if failure is None else _Divergence(*failure)

    @staticmethod
    def _first_of(
        found: _Divergence | None, other: _Divergence | None
    ) -> _Divergence | None:
        """Return the failure at the lower index, ``found`` on a tie or without one."""
        if found is None:
            return other
        if other is None or found.index is None or other.index is None:
            return found
        return other if other.index < found.index else found

    def _divergence(self, failure: ScanFailure) -> _Divergence:
        if failure.reason is not None:
            return _Divergence(failure.index, failure.reason)
        # A failure without a reason is an expired entry after a kept one.
        if failure.index is None or failure.expired_before is None:
            raise ValueError(f"a scan failure has no reason: {failure!r}")
        kept_index = self.expired + failure.expired_before
        params: dict[str, int | str | Reason] = {
            "index": failure.index,
            "kept": kept_index,
        }
        return _Divergence(failure.index, Reason(messages.EXPIRED_OUT_OF_ORDER, params))

    # The tree above the chunks

    def _push_upper(self, level: int, index: int, value: bytes) -> None:
        """Add a chunk root to the upper edge, comparing every completed parent."""
        while index & 1:
            _, _, left = self.upper.pop()
            value = node_hash(left, value)
            level += 1
            index >>= 1
            if level >= self.lowest_stored_level:
                self._expect_upper_node(level, index, value)
        self.upper.append((level, index, value))

    def _expect_upper_node(self, level: int, index: int, value: bytes) -> None:
        stream = self.upper_streams.get(level)
        if stream is None:
            stream = self.upper_streams[level] = self._nodes(level)
        stored = next(stream, None)
        if stored is None or stored[0] != index:
            raise self._divergence(self._missing_node(level, index, value))
        if stored[1] != value:
            # bytes() of an integer gives zero bytes, so the hash may not be a blob.
            wrong = self._first_wrong_node_hash(level, index, index + 1)
            if wrong is not None:
                raise self._wrong_node_hash(level, *wrong)
            raise self._divergence(node_failure(level, index, stored[1], value))

    def _nodes(self, level: int) -> Iterator[tuple[int, bytes]]:
        """Stream the stored nodes of ``level`` that lie within the checked size.

        A stored hash that is not a blob, which only SQLite keeps, fails the run
        where the stream reaches its node, so that earlier nodes are compared
        first.
        """
        quote = self.connection.ops.quote_name
        index = quote("index")
        # A node under another tile is one that proofs cannot find.
        sql = (
            f"SELECT {index}, hash FROM {quote(TreeNode._meta.db_table)} "  # noqa: S608
            f"WHERE organisation_id = %s AND level = %s AND {index} >= %s "
            f"AND {index} < %s AND tile = {hash_store.TILE_SQL} "
            f"ORDER BY {index} LIMIT %s"
        )
        start = 0
        end = self.limit >> level
        while True:
            try:
                nodes = self._node_batch(sql, level, start, end)
            except (TypeError, OperationalError):
                wrong = self._first_wrong_node_hash(level, start, end)
                if wrong is None:
                    raise
                yield from self._node_batch(sql, level, start, wrong[0])
                raise self._wrong_node_hash(level, *wrong) from None
            yield from nodes
            if len(nodes) < UPPER_NODE_CHUNK:
                return
            start = nodes[-1][0] + 1

    def _missing_node(self, level: int, index: int, value: bytes) -> ScanFailure:
        """Return the failure of a node that is missing or stored under another tile."""
        quote = self.connection.ops.quote_name
        tile_sql = (
            f"SELECT tile FROM {quote(TreeNode._meta.db_table)} "  # noqa: S608
            f"WHERE organisation_id = %s AND level = %s AND {quote('index')} = %s"
        )
        with self.connection.cursor() as cursor:
            return absent_node_failure(
                cursor, tile_sql, self.organisation_id, (level, index), value
            )

    def _node_batch(
        self, sql: str, level: int, start: int, end: int
    ) -> list[tuple[int, bytes]]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                sql, [self.organisation_id, level, start, end, UPPER_NODE_CHUNK]
            )
            rows = cursor.fetchall()
            if any(type(node_index) is not int for node_index, _ in rows):
                found = verification_types.first_wrong_node_index(
                    cursor, "%s", self.organisation_id, level, start, end
                )
                reason = messages.node_index_outside(
                    level, "None" if found is None else found
                )
                raise _Divergence(None, reason)
        return [(int(node_index), bytes(value)) for node_index, value in rows]

    def _first_wrong_node_hash(
        self, level: int, start: int, end: int
    ) -> tuple[int, verification_types.Description] | None:
        if self.connection.vendor != "sqlite":
            return None
        with self.connection.cursor() as cursor:
            return verification_types.first_wrong_node_hash(
                cursor, "%s", self.organisation_id, level, start, end
            )

    def _wrong_node_hash(
        self, level: int, index: int, found: verification_types.Description
    ) -> _Divergence:
        reason = messages.node_hash_wrong_type(level, index, found, HASH_SIZE)
        return self._divergence(ScanFailure(index << level, reason))

    def _root(self, start: int, size: int, roots: dict[int, bytes]) -> bytes:
        """Return the root of the first ``size`` leaves, inside the current chunk.

        ``roots`` maps sizes to the tree hash of the chunk's entries up to
        them. A checkpoint signed during the run may be missing there. Its
        root then comes from the stored tree, whose nodes up to ``size`` this
        run has compared already.
        """
        hashes = [value for _, _, value in self.upper]
        if size > start and size not in roots:
            return MerkleLog(DatabaseHashStore(self.organisation_id)).root(size)
        if size > start:
            hashes.append(roots[size])
        return fold_subtree_hashes(hashes) if hashes else EMPTY_ROOT

    def _check_no_extra_nodes(self) -> None:
        """Reject stored nodes beyond the entries, as left by deleted entries.

        The nodes are read before the entry count, so an append that commits
        in between cannot look like a removal. A node whose level or index is
        not an integer, or lies outside the tree, is a failure without an index.
        """
        with self.connection.cursor() as cursor:
            extent = verification_types.node_extent(
                cursor, self.connection.vendor, self.organisation_id
            )
        covered = max((_covered_leaves(*item) for item in extent), default=0)
        entry_count = self._entry_count()
        if covered > entry_count:
            raise _Divergence(
                entry_count,
                Reason(
                    messages.ENTRIES_REMOVED,
                    {"covered": covered, "entries": entry_count},
                ),
            )

    def _check_no_entries_outside(self) -> None:
        """Reject entry rows whose index lies below 0 or is not an integer.

        The scan reads the indices from 0 to the highest integer index, so it
        never reads such a row, but the search pages and detection do. SQLite
        sorts text and blobs after all numbers, so the highest index shows
        them. Rows appended since the run started have integer indices.
        """
        quote = self.connection.ops.quote_name
        index = quote("index")
        table = quote(AccessEntry._meta.db_table)
        outside = []
        for order in ("ASC", "DESC"):
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {index} FROM {table} WHERE organisation_id = %s "  # noqa: S608
                    f"ORDER BY {index} {order} LIMIT 1",
                    [self.organisation_id],
                )
                row = cursor.fetchone()
            if row is None:
                return
            value = row[0]
            if type(value) is not int or value < 0:
                outside.append(value)
        if not outside:
            return
        found = verification_types.shown_repr(outside[0])
        if not self.limit:
            raise _Divergence(
                None, Reason(messages.ENTRY_INDEX_OUTSIDE_EMPTY_LOG, {"found": found})
            )
        raise _Divergence(
            None,
            Reason(
                messages.ENTRY_INDEX_OUTSIDE, {"found": found, "last": self.limit - 1}
            ),
        )

    def _entry_count(self) -> int:
        """Return the highest integer entry index plus one.

        SQLite stores any type in the integer column, and sorts text and
        blobs after all numbers. A tampered index of another type is thus
        skipped here, and the scan then reports that entry as missing.
        """
        quote = self.connection.ops.quote_name
        index = quote("index")
        integers_only = ""
        if self.connection.vendor == "sqlite":
            integers_only = f"AND typeof({index}) = 'integer' "
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {index} FROM {quote(AccessEntry._meta.db_table)} "  # noqa: S608
                f"WHERE organisation_id = %s {integers_only}"
                f"ORDER BY {index} DESC LIMIT 1",
                [self.organisation_id],
            )
            row = cursor.fetchone()
        return 0 if row is None else int(row[0]) + 1

    # Checkpoints

    def _check_checkpoint_rows(self) -> None:
        """Reject a checkpoint row whose size or other column cannot be checked.

        A size below 0 or of another type than an integer gives the
        checkpoint no place in the tree, so without this check the run would
        skip it.
        """
        with self.connection.cursor() as cursor:
            wrong = verification_types.first_wrong_checkpoint(
                cursor, self.connection.vendor, self.organisation_id
            )
        if wrong is None:
            return
        row_id, column, found, template = wrong
        raise _Divergence(
            None, Reason(template, {"id": row_id, "column": column, "found": found})
        )

    def _check_checkpoint_text(self) -> None:
        """Reject a checkpoint row with text that is not valid UTF-8.

        Reading such a row fails, so this runs only after a read failed, and
        returns if it finds none.
        """
        if self.connection.vendor != "sqlite":
            return
        with self.connection.cursor() as cursor:
            undecodable = verification_types.undecodable_checkpoint_column(
                cursor, self.organisation_id
            )
        if undecodable is None:
            return
        row_id, column, found = undecodable
        raise _Divergence(
            None,
            Reason(
                messages.CHECKPOINT_TEXT_NOT_UTF8,
                {"id": row_id, "column": column, "found": found},
            ),
        )

    def _checkpoints(self, limit: int) -> Iterator[LogCheckpoint]:
        start = -1
        while True:
            try:
                chunk = list(
                    LogCheckpoint.objects.filter(
                        organisation_id=self.organisation_id,
                        size__gt=start,
                        size__lte=limit,
                    ).order_by("size")[:CHECKPOINT_CHUNK]
                )
            except (OperationalError, UnicodeDecodeError):
                # Django's converter of the time column decodes it itself.
                self._check_checkpoint_text()
                raise
            yield from chunk
            if len(chunk) < CHECKPOINT_CHUNK:
                return
            start = chunk[-1].size

    def _check_checkpoints_up_to(
        self, start: int, bound: int, roots: dict[int, bytes]
    ) -> None:
        """Check the pending checkpoints of sizes up to ``bound`` in this chunk."""
        while self.pending is not None and self.pending.size <= bound:
            root = self._root(start, self.pending.size, roots)
            self._check_checkpoint(self.pending, root)
            self.pending = next(self.checkpoints, None)

    def _check_checkpoint(self, stored: LogCheckpoint, root: bytes) -> None:
        divergent = self.previous_checkpoint[0] if self.previous_checkpoint else 0
        size = stored.size
        if self.keys is None or self.verifier is None:
            raise _Divergence(
                divergent, Reason(messages.CHECKPOINT_WITHOUT_KEYS, {"size": size})
            )
        try:
            opened = open_checkpoint(stored.note, self.verifier, self.keys.origin)
        except UnverifiedNoteError as error:
            if not self.key_given:
                raise _Divergence(divergent, _invalid(size, error)) from None
            raise self._given_key_divergence(size, self.verifier, error) from None
        except LedgerError as error:
            raise _Divergence(divergent, _invalid(size, error)) from None
        if opened.size != stored.size or opened.root_hash != bytes(stored.root_hash):
            params: dict[str, int | str | Reason] = {
                "size": size,
                "note_size": opened.size,
                "note_root": encode_base64(opened.root_hash),
            }
            raise _Divergence(
                divergent, Reason(messages.CHECKPOINT_COLUMNS_DIFFER, params)
            )
        if opened.root_hash != root:
            params = {
                "size": size,
                "signed_root": encode_base64(opened.root_hash),
                "computed_root": encode_base64(root),
                "index": divergent,
            }
            raise _Divergence(
                divergent, Reason(messages.CHECKPOINT_ROOT_DIFFERS, params)
            )
        self.previous_checkpoint = (stored.size, root)
        self.checkpoints_checked += 1

    def _given_key_divergence(
        self, size: int, verifier: Ed25519Verifier, error: UnverifiedNoteError
    ) -> _Divergence:
        """Describe a checkpoint that carries no signature by the given key.

        Until one checkpoint has verified with the given key, no entry is
        shown to differ: the key may simply not be this log's key.
        """
        same_name = any(
            key.rpartition("+")[0] == self.origin for key in error.unknown_keys
        )
        template = (
            messages.CHECKPOINT_NOT_BY_GIVEN_KEY_SAME_NAME
            if same_name
            else messages.CHECKPOINT_NOT_BY_GIVEN_KEY
        )
        params: dict[str, int | str | Reason] = {
            "size": size,
            "key": key_label(verifier),
            "signers": ", ".join(error.unknown_keys),
        }
        index = self.previous_checkpoint[0] if self.previous_checkpoint else None
        return _Divergence(index, Reason(template, params))

    def _check_no_later_checkpoint(self) -> None:
        """Reject a checkpoint larger than the log, as left by a cut-back log."""
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MAX(size) FROM {quote(LogCheckpoint._meta.db_table)} "  # noqa: S608
                "WHERE organisation_id = %s",
                [self.organisation_id],
            )
            (largest,) = cursor.fetchone()
        entry_count = self._entry_count()
        if largest is not None and int(largest) > entry_count:
            raise _Divergence(
                entry_count,
                Reason(
                    messages.LOG_CUT_BACK,
                    {"size": int(largest), "entries": entry_count},
                ),
            )


def _covered_leaves(
    level: int | verification_types.Description,
    lowest: int | verification_types.Description,
    highest: int | verification_types.Description,
) -> int:
    """Return the leaves up to the end of a level's highest node.

    The arguments are an item of ``node_extent``. A level or index that is
    not an integer or lies outside the tree is a failure.
    """
    max_level = verification_types.MAX_TREE_LEVEL
    if not isinstance(level, int) or not 0 <= level <= max_level:
        raise _Divergence(
            None,
            Reason(
                messages.NODE_LEVEL_OUTSIDE, {"level": level, "max_level": max_level}
            ),
        )
    if not isinstance(lowest, int) or lowest < 0:
        raise _node_index_outside(level, lowest)
    if not isinstance(highest, int):
        raise _node_index_outside(level, highest)
    return (highest + 1) << level


def _node_index_outside(
    level: int, index: int | verification_types.Description
) -> _Divergence:
    return _Divergence(None, messages.node_index_outside(level, index))


def _invalid(size: int, error: LedgerError) -> Reason:
    # NOTE: the ledger's error text stays in English in every language.
    return Reason(messages.CHECKPOINT_INVALID, {"size": size, "error": str(error)})
