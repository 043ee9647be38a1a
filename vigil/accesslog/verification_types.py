"""Stored values of the wrong type or range, found for ``verification``.

A SQLite column keeps a value of any type, so someone who controls the
database can store text in a hash column or a real number in a size column.
Python's sqlite3 cannot even return text that is not valid UTF-8. The
queries here therefore read ``typeof()`` and ``hex()`` of a value, which
SQLite returns for a value of any type, and ``describe`` turns them into
a description for a failure message, itself a ``Reason`` of
``verification_messages``. On PostgreSQL the column types are enforced, so
only the ranges are checked.

The scan runs the queries of entries, tree nodes and checkpoint text only
after reading a value failed, so they cost nothing while the log is intact.
"""

from typing import Any

from vigil.accesslog import verification_messages as messages
from vigil.accesslog.models import AccessEntry, LogCheckpoint, TreeNode
from vigil.accesslog.verification_messages import Reason

ENTRY_TABLE = AccessEntry._meta.db_table
NODE_TABLE = TreeNode._meta.db_table
CHECKPOINT_TABLE = LogCheckpoint._meta.db_table

# The highest level of the tree: the index columns are signed 64-bit
# integers, so a log has at most 2**63 leaves.
MAX_TREE_LEVEL = 63
# Bytes of a wrong value that a message shows.
MAX_SHOWN_BYTES = 40
# A description of a stored value: NULL, or what ``describe`` found.
Description = str | Reason
# The columns that the reference check of an entry reads as text.
ENTRY_TEXT_COLUMNS = (
    "event_id",
    "time",
    "user_id",
    "application",
    "action",
    "service",
    "case_ref",
    "source_ip",
    "outcome",
)
# The columns of a checkpoint row that Django reads as text.
CHECKPOINT_TEXT_COLUMNS = ("note", "created_at")


def shown_repr(value: object) -> str:
    """Return ``repr(value)`` cut to about MAX_SHOWN_BYTES characters.

    repr() quotes a text and escapes its control characters, so a tampered
    value can neither rewrite the terminal line of a message nor make it
    long.
    """
    text = repr(value)
    if len(text) <= MAX_SHOWN_BYTES + 2:
        return text
    return text[: MAX_SHOWN_BYTES + 1] + "..."


def describe(sql_type: str, hex_value: str) -> Description:
    """Describe a SQLite value by its ``typeof()`` and ``hex()``.

    ``hex()`` gives the bytes of a blob and the UTF-8 bytes of the text form
    of any other value.
    """
    raw = bytes.fromhex(hex_value)
    shown_bytes = raw[:MAX_SHOWN_BYTES]
    cut = "..." if len(raw) > MAX_SHOWN_BYTES else ""
    if sql_type == "null":
        return "NULL"
    if sql_type == "blob":
        return Reason(
            messages.VALUE_BLOB, {"size": len(raw), "bytes": shown_bytes.hex() + cut}
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Reason(messages.VALUE_NOT_UTF8, {"bytes": shown_bytes.hex() + cut})
    if sql_type == "integer":
        return Reason(messages.VALUE_INTEGER, {"value": text})
    if sql_type == "real":
        return Reason(messages.VALUE_REAL, {"value": text})
    return Reason(messages.VALUE_TEXT, {"value": shown_repr(text)})


def undecodable(sql_type: str, hex_value: str) -> bool:
    """Return whether a value is text that is not valid UTF-8.

    Python's sqlite3 raises OperationalError when it reads such a value.
    """
    if sql_type != "text":
        return False
    try:
        bytes.fromhex(hex_value).decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def integer_value(sql_type: str, hex_value: str) -> int | None:
    """Return the integer that ``typeof()`` and ``hex()`` describe, or None."""
    if sql_type != "integer":
        return None
    return int(bytes.fromhex(hex_value).decode("ascii"))


def first_wrong_leaf_hash(
    cursor: Any, placeholder: str, organisation_id: int, start: int, end: int
) -> tuple[int, Description] | None:
    """Return the first entry in ``[start, end)`` whose leaf hash is not a blob.

    Returns its index and a description of the value, or None if there is
    none. Only SQLite can store such a value.
    """
    sql = (
        f'SELECT "index", typeof(leaf_hash), hex(leaf_hash) FROM {ENTRY_TABLE} '  # noqa: S608
        'WHERE organisation_id = %s AND "index" >= %s AND "index" < %s '
        "AND typeof(leaf_hash) <> 'blob' ORDER BY \"index\" LIMIT 1"
    )
    row = _first_row(cursor, placeholder, sql, [organisation_id, start, end])
    if row is None:
        return None
    return int(row[0]), describe(row[1], row[2])


def first_wrong_node_hash(
    cursor: Any,
    placeholder: str,
    organisation_id: int,
    level: int,
    start: int,
    end: int,
) -> tuple[int, Description] | None:
    """Return the first node of ``level`` in ``[start, end)`` whose hash is not a blob.

    Returns its index and a description of the value, or None if there is
    none. Only SQLite can store such a value.
    """
    sql = (
        f'SELECT "index", typeof(hash), hex(hash) FROM {NODE_TABLE} '  # noqa: S608
        'WHERE organisation_id = %s AND level = %s AND "index" >= %s '
        'AND "index" < %s AND typeof(hash) <> \'blob\' ORDER BY "index" LIMIT 1'
    )
    row = _first_row(cursor, placeholder, sql, [organisation_id, level, start, end])
    if row is None:
        return None
    return int(row[0]), describe(row[1], row[2])


def first_wrong_node_index(
    cursor: Any,
    placeholder: str,
    organisation_id: int,
    level: int,
    start: int,
    end: int,
) -> Description | None:
    """Describe the first index of ``level`` in ``[start, end)`` that is not an integer.

    Only a real number lies between two integers, and only SQLite stores one
    in the integer column. Returns None if there is none.
    """
    sql = (
        f'SELECT typeof("index"), hex("index") FROM {NODE_TABLE} '  # noqa: S608
        'WHERE organisation_id = %s AND level = %s AND "index" >= %s '
        'AND "index" < %s AND typeof("index") <> \'integer\' ORDER BY "index" LIMIT 1'
    )
    row = _first_row(cursor, placeholder, sql, [organisation_id, level, start, end])
    if row is None:
        return None
    return describe(row[0], row[1])


def _first_row(
    cursor: Any, placeholder: str, sql: str, parameters: list[Any]
) -> tuple[Any, ...] | None:
    """Run ``sql``, written with ``%s``, with the vendor's placeholder; return a row."""
    cursor.execute(sql.replace("%s", placeholder), parameters)
    row: tuple[Any, ...] | None = cursor.fetchone()
    return row


def undecodable_entry_column(
    cursor: Any, placeholder: str, organisation_id: int, index: int
) -> tuple[str, Description] | None:
    """Return the first text column of entry ``index`` that is not valid UTF-8.

    Returns the column and a description of its value, or None if there is
    none. Only SQLite can store such a value.
    """
    values = ", ".join(
        f'typeof("{column}"), hex("{column}")' for column in ENTRY_TEXT_COLUMNS
    )
    sql = (
        f"SELECT {values} FROM {ENTRY_TABLE} "  # noqa: S608
        'WHERE organisation_id = %s AND "index" = %s'
    )
    row = _first_row(cursor, placeholder, sql, [organisation_id, index])
    if row is None:
        return None
    for position, column in enumerate(ENTRY_TEXT_COLUMNS):
        sql_type, hex_value = row[2 * position], row[2 * position + 1]
        if undecodable(sql_type, hex_value):
            return column, describe(sql_type, hex_value)
    return None


def undecodable_checkpoint_column(
    cursor: Any, organisation_id: int
) -> tuple[int, str, Description] | None:
    """Return the first checkpoint row with a text column that is not valid UTF-8.

    Returns the row's id, the column and a description of its value, or None
    if there is none. The query reads each of the log's checkpoints once, on
    SQLite, the only database that stores such a value.
    """
    values = ", ".join(
        f'typeof("{column}"), hex("{column}")' for column in CHECKPOINT_TEXT_COLUMNS
    )
    cursor.execute(
        f"SELECT id, {values} FROM {CHECKPOINT_TABLE} "  # noqa: S608
        "WHERE organisation_id = %s ORDER BY id",
        [organisation_id],
    )
    while rows := cursor.fetchmany(1000):
        for row in rows:
            for position, column in enumerate(CHECKPOINT_TEXT_COLUMNS):
                sql_type, hex_value = row[2 * position + 1], row[2 * position + 2]
                if undecodable(sql_type, hex_value):
                    return int(row[0]), column, describe(sql_type, hex_value)
    return None


def first_wrong_checkpoint(
    cursor: Any, vendor: str, organisation_id: int
) -> tuple[int, str, Description, str] | None:
    """Return the first checkpoint row whose columns cannot be checked.

    That is a size that is not an integer of 0 or more and, on SQLite, a root
    hash that is not a blob or a note that is not text. Returns the row's id,
    the column, a description of its value and the message template of
    what was expected, or None. The query reads each of the log's
    checkpoints once.
    """
    if vendor != "sqlite":
        cursor.execute(
            f"SELECT id, size FROM {CHECKPOINT_TABLE} "  # noqa: S608
            "WHERE organisation_id = %s AND size < 0 ORDER BY id LIMIT 1",
            [organisation_id],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        return int(row[0]), "size", str(row[1]), messages.CHECKPOINT_SIZE_WRONG
    cursor.execute(
        "SELECT id, typeof(size), hex(size), typeof(root_hash), hex(root_hash), "  # noqa: S608
        f"typeof(note), hex(note) FROM {CHECKPOINT_TABLE} "
        "WHERE organisation_id = %s AND (typeof(size) <> 'integer' OR size < 0 "
        "OR typeof(root_hash) <> 'blob' OR typeof(note) <> 'text') "
        "ORDER BY id LIMIT 1",
        [organisation_id],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    row_id, size_type, size, root_type, root, note_type, note = row
    size_value = integer_value(size_type, size)
    size_wrong = messages.CHECKPOINT_SIZE_WRONG
    if size_value is None:
        return int(row_id), "size", describe(size_type, size), size_wrong
    if size_value < 0:
        return int(row_id), "size", str(size_value), size_wrong
    if root_type != "blob":
        found = describe(root_type, root)
        return int(row_id), "root_hash", found, messages.CHECKPOINT_BYTES_WRONG
    return (
        int(row_id),
        "note",
        describe(note_type, note),
        messages.CHECKPOINT_TEXT_WRONG,
    )


NodeExtent = tuple[int | Description, int | Description, int | Description]


def node_extent(cursor: Any, vendor: str, organisation_id: int) -> list[NodeExtent]:
    """Return the levels of the stored nodes with their lowest and highest index.

    Each item is ``(level, lowest, highest)``, where each value is an int or,
    for a value that is not an integer, a description of it. SQLite sorts text
    and blobs after all numbers, so the highest index shows such an index.
    A real number between two integer indices does not show.
    """
    if vendor != "sqlite":
        cursor.execute(
            f'SELECT level, MIN("index"), MAX("index") FROM {NODE_TABLE} '  # noqa: S608
            "WHERE organisation_id = %s GROUP BY level",
            [organisation_id],
        )
        return [
            (int(level), int(lowest), int(highest))
            for level, lowest, highest in cursor.fetchall()
        ]
    cursor.execute(
        'SELECT typeof(level), hex(level), typeof(MIN("index")), hex(MIN("index")), '  # noqa: S608
        f'typeof(MAX("index")), hex(MAX("index")) FROM {NODE_TABLE} '
        "WHERE organisation_id = %s GROUP BY level",
        [organisation_id],
    )
    return [
        (
            _integer_or_description(row[0], row[1]),
            _integer_or_description(row[2], row[3]),
            _integer_or_description(row[4], row[5]),
        )
        for row in cursor.fetchall()
    ]


def _integer_or_description(sql_type: str, hex_value: str) -> int | Description:
    value = integer_value(sql_type, hex_value)
    return describe(sql_type, hex_value) if value is None else value
