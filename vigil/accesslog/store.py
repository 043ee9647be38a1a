"""The ledger's ``HashStore`` over one organisation's entries and ``TreeNode`` rows.

Each read is one SQL statement on the connection of the current transaction,
which fetches the stored nodes and the leaf hashes of the blocks it needs
together. Memory
use does not grow with the log: the store keeps at most one block of leaf
hashes, and a root or proof reads O(log n) nodes plus at most one block of
leaf hashes per leaf it concerns. ``put_many`` relies on the unique constraint
on (organisation, level, index) to reject a node that is already stored.
"""

from collections.abc import Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from vigil.accesslog.models import AccessEntry, TreeNode
from vigil.ledger import NodeKey, complete_subtree_levels

# Keys per SELECT. A proof needs about 2 log2(n) keys, far below this, so
# proofs always take one query. With three parameters per key it stays below
# SQLite's default limit of 32766 parameters (SQLITE_MAX_VARIABLE_NUMBER, 3.32+).
MAX_KEYS_PER_QUERY = 2000
NODE_COLUMNS = ("organisation_id", "level", "index", "tile", "hash")
# The lowest tree level with rows in TreeNode. A batch of 1,000 entries then
# writes about 125 node rows instead of about 2,000. A proof computes its lower
# part from at most 16 leaf hashes of adjacent entries, because blocks of 64
# made proofs twice as slow for little gain in ingestion. Changing it needs a
# migration that adds or removes the stored nodes of the levels between.
LOWEST_STORED_LEVEL = 4
# The levels of a tile. The nodes of levels 4k to 4k + 3 under one node of
# level 4k + 4 form a tile of 30 nodes, about 1.5 KB of the node index. A
# proof needs the sibling of its leaf's ancestor at every level, and the
# siblings of levels 4k to 4k + 3 all lie in the tile of the leaf's
# ancestor at level 4k + 4. A proof at 10,000,000 entries thus reads about
# 5 tiles instead of 20 nodes spread over as many index pages. Changing it
# needs a migration that computes the tile of every stored node again.
TILE_HEIGHT = 4
# tile_of() in SQL, for a query on the node table.
TILE_SQL = f'"index" >> ({TILE_HEIGHT} * (level / {TILE_HEIGHT} + 1) - level)'


def tile_of(level: int, index: int) -> int:
    """Return the tile of node ``(level, index)``: its ancestor's index at the tile top.

    The tile top is the first multiple of ``TILE_HEIGHT`` above ``level``.
    """
    return index >> (TILE_HEIGHT * (level // TILE_HEIGHT + 1) - level)


def insert_rows(
    using: str,
    model: type[Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> None:
    """Insert ``rows`` into the table of ``model`` in one statement on ``using``.

    PostgreSQL gets one binary COPY, several times faster than executemany
    there, and other databases one executemany. The binary format spares
    the server from parsing each time, address and hash from text: for
    batches of 1,000 entries it took a quarter less time than a COPY of
    text, and half the client's processor time (docs/benchmarks.md). It
    needs each value in the Python type of its column, such as an aware
    datetime for a time and ``ipaddress`` objects for an address, as
    Django's adapters of PostgreSQL give them. Constraint violations raise
    Django's IntegrityError either way. ``columns`` are trusted column names
    of ``model``'s fields.
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    if connection.vendor == "postgresql":
        statement = f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"
        types = column_types(connection, model, columns)
        with (
            connection.cursor() as cursor,
            connection.wrap_database_errors,
            cursor.cursor.copy(statement) as copy,
        ):
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608
            rows,
        )


def column_types(
    connection: BaseDatabaseWrapper, model: type[Model], columns: Sequence[str]
) -> list[str]:
    """Return the database type names of ``columns`` without their modifiers.

    ``varchar(128)`` gives ``varchar``, which a binary COPY needs to know.
    """
    types = []
    for column in columns:
        db_type = model._meta.get_field(column).db_type(connection) or ""
        types.append(db_type.split("(", 1)[0].strip())
    return types


class DatabaseHashStore:
    """The tree of one organisation's access log: stored upper levels, leaf hashes.

    Nodes at ``LOWEST_STORED_LEVEL`` and above are rows of ``TreeNode``. The
    levels below are not stored: level 0 is the ``leaf_hash`` column of the
    entries, and a node between is computed from the leaf hashes of its
    block of ``2**LOWEST_STORED_LEVEL`` adjacent entries. ``put_many``
    therefore writes only the upper nodes, and the leaf count is the number
    of entries. Callers append the entries of a batch after its ``put_many``
    and before reading it back.
    """

    def __init__(self, organisation_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
        self.organisation_id = organisation_id
        self.using = using
        # Read when the store is made, so that tests can use a smaller block.
        self.lowest_stored_level = LOWEST_STORED_LEVEL
        connection = connections[using]
        quote = connection.ops.quote_name
        self._table = quote(TreeNode._meta.db_table)
        self._entry_table = quote(AccessEntry._meta.db_table)
        self._index_column = quote("index")
        # The leaf hashes of the last complete block read, which never change.
        self._block: tuple[int, list[bytes]] | None = None

    def leaf_count(self) -> int:
        """Return the number of leaf hashes: the highest entry index plus one."""
        with connections[self.using].cursor() as cursor:
            cursor.execute(
                f"SELECT MAX({self._index_column}) FROM {self._entry_table} "  # noqa: S608
                "WHERE organisation_id = %s",
                [self.organisation_id],
            )
            (highest,) = cursor.fetchone()
        return 0 if highest is None else int(highest) + 1

    def get(self, level: int, index: int) -> bytes:
        """Return the hash of node ``(level, index)`` or raise KeyError."""
        return self.get_many([(level, index)])[0]

    def get_many(self, keys: Sequence[NodeKey]) -> list[bytes]:
        """Return the hashes of ``keys`` in order, or raise KeyError for one missing.

        One statement reads the stored nodes and the leaf hashes of every
        block that a computed node lies in, so a proof takes one query. Only
        more than ``MAX_KEYS_PER_QUERY`` stored keys take more.
        """
        unique = list(dict.fromkeys(keys))
        lowest = self.lowest_stored_level
        stored = [key for key in unique if key[0] >= lowest]
        computed = [key for key in unique if key[0] < lowest]
        blocks = sorted({(index << level) >> lowest for level, index in computed})
        cached = self._block[0] if self._block is not None else None
        found, leaves = self._read(
            stored[:MAX_KEYS_PER_QUERY], [block for block in blocks if block != cached]
        )
        for start in range(MAX_KEYS_PER_QUERY, len(stored), MAX_KEYS_PER_QUERY):
            found.update(self._read(stored[start : start + MAX_KEYS_PER_QUERY], [])[0])
        found.update(self._computed(computed, leaves))
        try:
            return [found[key] for key in keys]
        except KeyError as error:
            raise KeyError(
                f"tree node {error.args[0]} of organisation {self.organisation_id} "
                "is not stored"
            ) from None

    def put_many(self, items: Sequence[tuple[NodeKey, bytes]]) -> None:
        """Insert the nodes of the stored levels in one statement.

        Raises IntegrityError and inserts none if one is stored already; a
        savepoint undoes a partly executed statement. The nodes of lower
        levels are left out: the entries' own unique index rejects a second
        entry at the same leaf index.
        """
        lowest = self.lowest_stored_level
        organisation_id = self.organisation_id
        rows = [
            (organisation_id, level, index, tile_of(level, index), value)
            for (level, index), value in items
            if level >= lowest
        ]
        if not rows:
            return
        with transaction.atomic(using=self.using):
            insert_rows(self.using, TreeNode, NODE_COLUMNS, rows)

    def _computed(
        self, keys: list[NodeKey], leaves: dict[int, bytes]
    ) -> dict[NodeKey, bytes]:
        """Compute nodes below the stored levels from the leaf hashes of their blocks.

        ``leaves`` maps entry indices to leaf hashes; a block missing from it
        is the cached one.
        """
        lowest = self.lowest_stored_level
        found: dict[NodeKey, bytes] = {}
        by_block: dict[int, list[NodeKey]] = {}
        for level, index in keys:
            by_block.setdefault((index << level) >> lowest, []).append((level, index))
        # _block_leaves caches each complete block it reads, so the block that
        # was cached when _read left it out is kept here.
        cached = self._block
        for block, block_keys in by_block.items():
            if cached is not None and cached[0] == block:
                hashes = cached[1]
            else:
                hashes = self._block_leaves(block, leaves)
            levels = complete_subtree_levels(hashes)
            for level, index in block_keys:
                offset = index - (block << (lowest - level))
                if level < len(levels) and offset < len(levels[level]):
                    found[(level, index)] = levels[level][offset]
        return found

    def _block_leaves(self, block: int, leaves: dict[int, bytes]) -> list[bytes]:
        """Return the leaf hashes of a block from its first entry up to a gap."""
        width = 1 << self.lowest_stored_level
        first = block * width
        hashes: list[bytes] = []
        while len(hashes) < width and first + len(hashes) in leaves:
            hashes.append(leaves[first + len(hashes)])
        if len(hashes) == width:
            self._block = (block, hashes)
        return hashes

    def _read(
        self, keys: list[NodeKey], blocks: list[int]
    ) -> tuple[dict[NodeKey, bytes], dict[int, bytes]]:
        """Read stored nodes and the leaf hashes of whole blocks in one statement.

        Leaf rows come back with level -1, which no node has.
        """
        connection = connections[self.using]
        parts: list[str] = []
        parameters: list[Any] = []
        if keys:
            if connection.vendor == "postgresql":
                sql, values = self._select_postgresql(keys)
            else:
                sql, values = self._select_terms(keys)
            parts.append(sql)
            parameters.extend(values)
        width = 1 << self.lowest_stored_level
        for block in blocks:
            parts.append(
                f"SELECT -1, {self._index_column}, leaf_hash "  # noqa: S608
                f"FROM {self._entry_table} WHERE organisation_id = %s "
                f"AND {self._index_column} >= %s AND {self._index_column} < %s"
            )
            parameters.extend(
                (self.organisation_id, block * width, (block + 1) * width)
            )
        nodes: dict[NodeKey, bytes] = {}
        leaves: dict[int, bytes] = {}
        if not parts:
            return nodes, leaves
        rows = _fetch_all(connection, " UNION ALL ".join(parts), parameters)
        for level, index, value in rows:
            if level == -1:
                leaves[int(index)] = bytes(value)
            else:
                nodes[(int(level), int(index))] = bytes(value)
        return nodes, leaves

    def _select_terms(self, keys: list[NodeKey]) -> tuple[str, list[int]]:
        # One lookup per key in the tile index, which contains the hash, so
        # that no table row is read. Without INDEXED BY, SQLite picks the
        # unique index on (organisation, level, index), and with the keys as
        # OR terms it scanned all of the organisation's nodes instead.
        values = ", ".join(["(%s, %s, %s)"] * len(keys))
        parameters = [
            value
            for level, index in keys
            for value in (tile_of(level, index), level, index)
        ]
        sql = (
            f"SELECT * FROM (WITH wanted(tile, level, position) AS (VALUES {values}) "  # noqa: S608
            "SELECT wanted.level, wanted.position, node.hash FROM wanted "
            f"JOIN {self._table} AS node INDEXED BY tree_node_tile_idx "
            "ON node.organisation_id = %s AND node.tile = wanted.tile "
            "AND node.level = wanted.level "
            f"AND node.{self._index_column} = wanted.position)"
        )
        return sql, [*parameters, self.organisation_id]

    def _select_postgresql(self, keys: list[NodeKey]) -> tuple[str, list[Any]]:
        # Array parameters plan and bind faster than one OR term per key.
        # LIMIT 1 keeps the lateral subquery from being merged into a join,
        # which the planner, short of statistics on a young table, ran as a
        # hash join over all of the organisation's nodes. One index lookup per
        # key took the statement of a proof from 2.3 to 0.3 ms (EXPLAIN
        # ANALYZE, PostgreSQL 15, 60,000 entries without ANALYZE, 2-core VM).
        # NOTE: PostgreSQL 15 reads tree_node_tile_idx only once VACUUM has
        # marked the table's pages all-visible. Before that, it reads the
        # unique index and each node's row, so the tiles do not help (EXPLAIN
        # ANALYZE, 100,000 entries, with ANALYZE and with VACUUM ANALYZE).
        sql = (
            f"SELECT wanted.level, wanted.position, node.hash "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::smallint[], %s::bigint[]) "
            "AS wanted(tile, level, position) "
            f"CROSS JOIN LATERAL (SELECT hash FROM {self._table} "
            "WHERE organisation_id = %s AND tile = wanted.tile "
            f"AND level = wanted.level AND {self._index_column} = wanted.position "
            "LIMIT 1) AS node"
        )
        tiles = [tile_of(level, index) for level, index in keys]
        levels = [level for level, _ in keys]
        positions = [index for _, index in keys]
        return sql, [tiles, levels, positions, self.organisation_id]


def _fetch_all(
    connection: BaseDatabaseWrapper, sql: str, parameters: list[Any]
) -> list[tuple[Any, ...]]:
    """Run a query with ``%s`` placeholders and return its rows.

    On SQLite the statement goes to the driver's own connection with ``?``
    placeholders. Django's cursor there rewrites the placeholders with a
    regular expression on every call, which took about 10 of the 170 us of
    an inclusion proof at 1,000,000 entries, and the statements of the store
    contain no other ``%``. While Django records queries (``DEBUG``, or a
    test that counts them), the statement goes through its cursor, which
    records it.
    """
    if connection.vendor != "sqlite" or connection.queries_logged:
        with connection.cursor() as cursor:
            cursor.execute(sql, parameters)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows
    connection.ensure_connection()
    with connection.wrap_database_errors:
        rows = connection.connection.execute(
            sql.replace("%s", "?"), parameters
        ).fetchall()
    return rows
