"""Full verification of an organisation's access log from what is stored.

``verify_log`` reads every entry in index order, in chunks, and checks:

1. the indices run from 0 without a gap;
2. the leaf bytes encoded from each entry's columns (``encoding``) give its
   stored leaf hash. An expired entry has no columns left to encode, so only
   its stored leaf hash counts;
3. expired entries come first, because expiry empties the oldest entries
   first;
4. the tree rebuilt from the leaf hashes, level by level, equals every stored
   ``TreeNode`` (the levels from ``LOWEST_STORED_LEVEL`` up), and no node is
   missing or lies beyond the entries;
5. every checkpoint has a valid signature by the log key and the log's
   origin, names the root of the rebuilt tree at its size, and is consistent
   (RFC 9162 consistency proof) with the checkpoint before it;
6. no checkpoint names a larger tree than the log has, which is how a log
   cut back to an earlier size shows.

The check runs in constant memory: the rebuilt tree keeps only its right
edge, and rows come in chunks by keyset pagination. It covers the entries
that exist when it starts; entries appended meanwhile wait for the next run.
The first failure stops it and gives the first index that cannot be shown to
be unchanged, stored in a ``VerificationRun``.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from vigil.accesslog import store as hash_store
from vigil.accesslog.encoding import LeafFields, encode_leaf
from vigil.accesslog.leaves import stored_address, stored_time
from vigil.accesslog.models import (
    AccessEntry,
    LogCheckpoint,
    LogKeys,
    TreeNode,
    VerificationRun,
)
from vigil.accesslog.store import DatabaseHashStore
from vigil.audit.services import record
from vigil.ledger import (
    EMPTY_ROOT,
    HASH_SIZE,
    Ed25519Verifier,
    LedgerError,
    complete_subtree_levels,
    consistency_proof,
    leaf_hash,
    node_hash,
    open_checkpoint,
    verify_consistency,
)
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
    log verifies (or when the failure concerns no entry, such as an invalid
    verifier key).
    """

    ok: bool
    size: int
    first_divergent_index: int | None
    message: str
    expired_entries: int
    checkpoints_checked: int


class _Divergence(Exception):
    def __init__(self, index: int | None, message: str) -> None:
        super().__init__(message)
        self.index = index
        self.message = message


def verify_log(
    organisation: Organisation,
    *,
    actor: Any = None,
    verifier_key: str | None = None,
) -> VerificationResult:
    """Recompute the organisation's log from storage and record the outcome.

    ``verifier_key`` checks the checkpoints against a key obtained elsewhere
    (for example the one an auditor keeps) instead of the stored one.
    """
    started = timezone.now()
    keys = LogKeys.objects.filter(organisation=organisation).first()
    check = _LogCheck(organisation, keys)
    try:
        if keys is not None:
            check.verifier = _load_verifier(verifier_key or keys.verifier_key)
        check.run()
        result = check.result(ok=True, index=None, message=check.summary())
    except _Divergence as divergence:
        result = check.result(
            ok=False, index=divergence.index, message=divergence.message
        )
    _store_run(organisation, result, started, verifier_key, actor)
    return result


def _load_verifier(verifier_key: str) -> Ed25519Verifier:
    try:
        return Ed25519Verifier.from_verifier_key(verifier_key.strip())
    except LedgerError as error:
        raise _Divergence(None, f"the verifier key is invalid: {error}") from None


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
        },
    )


class _LogCheck:
    """The state of one verification: counters, upper tree edge, streams.

    Entries are checked in chunks of ``CHUNK`` (a power of two) aligned to
    multiples of it. Within a chunk the tree is rebuilt level by level with
    list operations and compared with the stored levels as whole lists, so
    the work per entry stays small. The chunk roots then form the upper
    levels of the tree, whose few nodes are compared one by one.
    """

    def __init__(self, organisation: Organisation, keys: LogKeys | None) -> None:
        self.organisation_id = organisation.pk
        self.keys = keys
        self.origin = keys.origin if keys is not None else ""
        self.verifier: Ed25519Verifier | None = None
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.limit = 0
        self.size = 0
        self.expired = 0
        self.checkpoints_checked = 0
        # Complete subtrees left of the current chunk, largest first.
        self.upper: list[tuple[int, int, bytes]] = []
        self.upper_streams: dict[int, Iterator[tuple[int, bytes]]] = {}
        self.lowest_stored_level = hash_store.LOWEST_STORED_LEVEL
        self.previous_checkpoint: tuple[int, bytes] | None = None
        self.pending: LogCheckpoint | None = None
        self.checkpoints: Iterator[LogCheckpoint] = iter(())

    def result(
        self, *, ok: bool, index: int | None, message: str
    ) -> VerificationResult:
        return VerificationResult(
            ok, self.size, index, message, self.expired, self.checkpoints_checked
        )

    def summary(self) -> str:
        return (
            f"entries verified: {self.size} ({self.expired} expired, checked by "
            "leaf hash only), all matching the stored tree, and signed "
            f"checkpoints verified: {self.checkpoints_checked}"
        )

    def run(self) -> None:
        self.limit = self._entry_count()
        if self.limit and self.keys is None:
            raise _Divergence(0, "the log has entries but no keys to check them")
        self.checkpoints = self._checkpoints(self.limit)
        self.pending = next(self.checkpoints, None)
        self._check_checkpoints_up_to(0, 0, [])
        for start in range(0, self.limit, CHUNK):
            rows = self._chunk_rows(start, min(start + CHUNK, self.limit))
            self._check_chunk(start, rows)
        if self.size != self.limit:
            raise _Divergence(self.size, f"entry {self.size} is missing")
        self._check_no_extra_nodes()
        self._check_no_later_checkpoint()

    # Chunks

    def _check_chunk(self, start: int, rows: list[tuple[Any, ...]]) -> None:
        leaves, entry_failure = self._chunk_leaves(start, rows)
        levels, tree_failure = self._chunk_levels(start, leaves)
        failures = [item for item in (entry_failure, tree_failure) if item]
        first = min(failures, key=_index_of) if failures else None
        end = start + len(leaves)
        bound = end if first is None or first.index is None else first.index
        self._check_checkpoints_up_to(start, bound, levels)
        if first is not None:
            raise first
        if len(leaves) == CHUNK:
            self._push_upper(CHUNK_LEVEL, start >> CHUNK_LEVEL, levels[CHUNK_LEVEL][0])
        self.size = end

    def _chunk_rows(self, start: int, end: int) -> list[tuple[Any, ...]]:
        quote = self.connection.ops.quote_name
        index = quote("index")
        time = quote("time")
        if self.connection.vendor == "sqlite":
            # Text avoids Django's datetime converter, the costliest part of a row.
            time = f"CAST({time} AS TEXT)"
        # The leaf writes the pseudonym's bytes as lowercase hex.
        if self.connection.vendor == "sqlite":
            pseudonym = "lower(hex(subject_pseudonym))"
        else:
            pseudonym = "encode(subject_pseudonym, 'hex')"
        columns = (
            f"{index}, event_id, {time}, user_id, application, action, "
            f"{pseudonym}, service, case_ref, source_ip, outcome, "
            "leaf_hash, expired_at IS NOT NULL"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {quote(AccessEntry._meta.db_table)} "  # noqa: S608
                f"WHERE organisation_id = %s AND {index} >= %s AND {index} < %s "
                f"ORDER BY {index}",
                [self.organisation_id, start, end],
            )
            return list(cursor.fetchall())

    def _chunk_leaves(
        self, start: int, rows: list[tuple[Any, ...]]
    ) -> tuple[list[bytes], _Divergence | None]:
        """Return the leaf hashes of the chunk up to the first bad entry, and it."""
        leaves: list[bytes] = []
        expected = start
        try:
            for row in rows:
                if row[0] != expected:
                    raise _Divergence(expected, f"entry {expected} is missing")
                leaves.append(self._entry_leaf_hash(expected, row))
                expected += 1
            end = min(start + CHUNK, self.limit)
            if expected != end:
                raise _Divergence(expected, f"entry {expected} is missing")
        except _Divergence as failure:
            return leaves, failure
        return leaves, None

    def _entry_leaf_hash(self, index: int, row: tuple[Any, ...]) -> bytes:
        stored_hash = bytes(row[11])
        if len(stored_hash) != HASH_SIZE:
            raise _Divergence(
                index,
                f"entry {index} has a leaf hash of {len(stored_hash)} bytes, "
                f"expected {HASH_SIZE}",
            )
        if row[12]:
            if self.expired != index:
                raise _Divergence(
                    index,
                    f"entry {index} was emptied as expired but entry "
                    f"{self.expired} before it was not, although expiry empties "
                    "the oldest entries first",
                )
            self.expired += 1
            return stored_hash
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
            stored_address(row[9]),
            row[10],
        )
        computed = leaf_hash(encode_leaf(self.origin, fields))
        if computed != stored_hash:
            raise _Divergence(
                index,
                f"the columns of entry {index} do not match its stored leaf hash: "
                f"their leaf bytes hash to {computed.hex()}, but the stored leaf "
                f"hash is {stored_hash.hex()}. A column or the leaf hash was changed",
            )
        return computed

    def _chunk_levels(
        self, start: int, leaves: list[bytes]
    ) -> tuple[list[list[bytes]], _Divergence | None]:
        """Rebuild the complete subtrees inside the chunk and compare each level.

        Level ``l`` contains the nodes ``(l, (start >> l) + i)``. Returns the
        levels and the failure with the lowest first leaf. A node that differs
        because a child differs is a consequence, not a failure of its own; a
        missing node always is one.
        """
        levels = complete_subtree_levels(leaves)
        first: _Divergence | None = None
        differing_below: set[int] = set()
        for level, computed in enumerate(levels):
            if level < self.lowest_stored_level:
                continue
            differing: set[int] = set()
            for offset, stored in self._level_mismatches(level, start, computed):
                differing.add(offset)
                children = {2 * offset, 2 * offset + 1}
                if stored is not None and children & differing_below:
                    continue
                failure = _node_divergence(
                    level, (start >> level) + offset, stored, computed[offset]
                )
                if first is None or _index_of(failure) < _index_of(first):
                    first = failure
            differing_below = differing
        return levels, first

    def _level_mismatches(
        self, level: int, start: int, computed: list[bytes]
    ) -> list[tuple[int, bytes | None]]:
        """Return (offset, stored hash or None if missing) of each differing node."""
        if not computed:
            return []
        first = start >> level
        quote = self.connection.ops.quote_name
        index = quote("index")
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {index}, hash FROM {quote(TreeNode._meta.db_table)} "  # noqa: S608
                f"WHERE organisation_id = %s AND level = %s AND {index} >= %s "
                f"AND {index} < %s ORDER BY {index}",
                [self.organisation_id, level, first, first + len(computed)],
            )
            rows = cursor.fetchall()
        stored = [bytes(value) for _, value in rows]
        if stored == computed:
            return []
        by_offset = {
            int(node) - first: value
            for (node, _), value in zip(rows, stored, strict=True)
        }
        return [
            (offset, by_offset.get(offset))
            for offset, value in enumerate(computed)
            if by_offset.get(offset) != value
        ]

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
            raise _node_divergence(level, index, None, value)
        if stored[1] != value:
            raise _node_divergence(level, index, stored[1], value)

    def _nodes(self, level: int) -> Iterator[tuple[int, bytes]]:
        """Stream the stored nodes of ``level`` that lie within the checked size."""
        quote = self.connection.ops.quote_name
        index = quote("index")
        sql = (
            f"SELECT {index}, hash FROM {quote(TreeNode._meta.db_table)} "  # noqa: S608
            f"WHERE organisation_id = %s AND level = %s AND {index} >= %s "
            f"AND {index} < %s ORDER BY {index} LIMIT %s"
        )
        start = 0
        end = self.limit >> level
        while True:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    sql, [self.organisation_id, level, start, end, UPPER_NODE_CHUNK]
                )
                rows = cursor.fetchall()
            for node_index, value in rows:
                yield int(node_index), bytes(value)
            if len(rows) < UPPER_NODE_CHUNK:
                return
            start = int(rows[-1][0]) + 1

    def _root(self, start: int, size: int, levels: list[list[bytes]]) -> bytes:
        """Return the root of the first ``size`` leaves, inside the current chunk."""
        parts = [value for _, _, value in self.upper]
        offset = size - start
        position = 0
        for level in reversed(range(offset.bit_length())):
            if offset >> level & 1:
                parts.append(levels[level][position >> level])
                position += 1 << level
        return fold_subtree_hashes(parts) if parts else EMPTY_ROOT

    def _check_no_extra_nodes(self) -> None:
        """Reject stored nodes beyond the entries, as left by deleted entries.

        The nodes are read before the entry count, so an append that commits
        in between cannot look like a removal.
        """
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT level, MAX({quote('index')}) "  # noqa: S608
                f"FROM {quote(TreeNode._meta.db_table)} "
                "WHERE organisation_id = %s GROUP BY level",
                [self.organisation_id],
            )
            highest = cursor.fetchall()
        covered = max(((int(i) + 1) << int(level) for level, i in highest), default=0)
        entry_count = self._entry_count()
        if covered > entry_count:
            raise _Divergence(
                entry_count,
                f"the tree has nodes over {covered} leaves, but the log has only "
                f"{entry_count} entries: entries were removed",
            )

    def _entry_count(self) -> int:
        highest = (
            AccessEntry.objects.filter(organisation_id=self.organisation_id)
            .order_by("-index")
            .values_list("index", flat=True)
            .first()
        )
        return 0 if highest is None else highest + 1

    # Checkpoints

    def _checkpoints(self, limit: int) -> Iterator[LogCheckpoint]:
        start = -1
        while True:
            chunk = list(
                LogCheckpoint.objects.filter(
                    organisation_id=self.organisation_id,
                    size__gt=start,
                    size__lte=limit,
                ).order_by("size")[:CHECKPOINT_CHUNK]
            )
            yield from chunk
            if len(chunk) < CHECKPOINT_CHUNK:
                return
            start = chunk[-1].size

    def _check_checkpoints_up_to(
        self, start: int, bound: int, levels: list[list[bytes]]
    ) -> None:
        """Check the pending checkpoints of sizes up to ``bound`` in this chunk."""
        while self.pending is not None and self.pending.size <= bound:
            root = self._root(start, self.pending.size, levels)
            self._check_checkpoint(self.pending, root)
            self.pending = next(self.checkpoints, None)

    def _check_checkpoint(self, stored: LogCheckpoint, root: bytes) -> None:
        divergent = self.previous_checkpoint[0] if self.previous_checkpoint else 0
        label = f"checkpoint of size {stored.size}"
        if self.keys is None or self.verifier is None:
            raise _Divergence(divergent, f"{label} exists but the log has no keys")
        try:
            opened = open_checkpoint(stored.note, self.verifier, self.keys.origin)
        except LedgerError as error:
            raise _Divergence(divergent, f"{label} is not valid: {error}") from None
        if opened.size != stored.size or opened.root_hash != bytes(stored.root_hash):
            raise _Divergence(
                divergent,
                f"{label}: its signed note names size {opened.size} and root "
                f"{opened.root_hash.hex()}, unlike its stored columns",
            )
        if opened.root_hash != root:
            raise _Divergence(
                divergent,
                f"{label} signs root {opened.root_hash.hex()}, but the stored "
                f"entries give {root.hex()}: entries from index {divergent} on "
                "are not the ones that were signed",
            )
        self._check_consistency(stored.size, root, divergent)
        self.previous_checkpoint = (stored.size, root)
        self.checkpoints_checked += 1

    def _check_consistency(self, size: int, root: bytes, divergent: int) -> None:
        if self.previous_checkpoint is None or self.previous_checkpoint[0] == 0:
            return
        old_size, old_root = self.previous_checkpoint
        store = DatabaseHashStore(self.organisation_id)
        try:
            proof = consistency_proof(old_size, size, store)
            verify_consistency(old_size, size, old_root, root, proof)
        except (LedgerError, KeyError, ValueError) as error:
            raise _Divergence(
                divergent,
                f"checkpoints of sizes {old_size} and {size} are not consistent: "
                f"{error}",
            ) from None

    def _check_no_later_checkpoint(self) -> None:
        """Reject a checkpoint larger than the log, as left by a cut-back log."""
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MAX(size), (SELECT MAX({quote('index')}) FROM "  # noqa: S608
                f"{quote(AccessEntry._meta.db_table)} WHERE organisation_id = %s) "
                f"FROM {quote(LogCheckpoint._meta.db_table)} "
                "WHERE organisation_id = %s",
                [self.organisation_id, self.organisation_id],
            )
            largest, highest_index = cursor.fetchone()
        entry_count = 0 if highest_index is None else int(highest_index) + 1
        if largest is not None and int(largest) > entry_count:
            raise _Divergence(
                entry_count,
                f"a signed checkpoint of size {largest} exists, but the log has "
                f"only {entry_count} entries: the log was cut back",
            )


def _index_of(divergence: _Divergence) -> int:
    return -1 if divergence.index is None else divergence.index


def _node_divergence(
    level: int, index: int, stored: bytes | None, computed: bytes
) -> _Divergence:
    first_leaf = index << level
    where = f"tree node ({level}, {index}) over the entries from {first_leaf}"
    if stored is None:
        return _Divergence(first_leaf, f"{where} is missing")
    return _Divergence(
        first_leaf,
        f"{where} is {stored.hex()}, but the entries give {computed.hex()}",
    )
