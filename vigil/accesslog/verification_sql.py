"""The SQL with which a verification scan reads entries and builds their leaves.

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
json_object() instead, because its columns keep any type. json_object()
escapes a NUL character, which printf() would stop at, and writes NULL as
null. A BLOB, which printf() would write as its bytes, makes it raise an
error (see ``_sqlite_leaf`` and ``verification_scan.scan_chunks``).
"""

import datetime
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from json.encoder import encode_basestring
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from vigil.accesslog.models import (
    EMPTIED_CONTENT,
    SEGMENT_SIZE,
    AccessEntry,
    LogCheckpoint,
    TreeNode,
    millisecond_text,
)
from vigil.accesslog.store import TILE_SQL

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
# The leaf's time text from the SQLite text of the time, which
# MillisecondTimeField writes as the leaf's text with a space for its "T" and
# without its "Z". Only that space turns into "T": a space or "T" anywhere
# else would put a "T" where the leaf has none. So one text gives each time
# of a leaf. Every other value, such as six fraction digits, an offset or "T"
# between date and time, gives bytes that no leaf contains. replace() and
# "||" keep the bytes after a NUL character, which json_object() escapes.
# A BLOB makes json_object() raise. The form that Django writes itself took
# a CASE of five substr() calls that cost 0.47 us per entry more (3.43
# against 2.96 us for the scan's query, best of ten passes over 64 chunks).
_SQLITE_TIME = (
    "CASE WHEN substr(\"time\", 11, 1) = ' ' "
    "THEN replace(\"time\", ' ', 'T') || 'Z' END"
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
# The leaf column of an entry whose segment is not its index divided by
# SEGMENT_SIZE. WRONG_SEGMENT is that value as Python reads it.
_SQLITE_WRONG_SEGMENT = "X'03'"
_POSTGRESQL_WRONG_SEGMENT = "'\\x03'::bytea"
WRONG_SEGMENT = b"\x03"
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


class ScanStatements:
    """The SQL of a scan for one database vendor."""

    def __init__(self, vendor: str, origin: str, schema: str | None = None) -> None:
        self.placeholder = "?" if vendor == "sqlite" else "%s"
        self.vendor = vendor
        self.schema = schema
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
            wrong_segment = _POSTGRESQL_WRONG_SEGMENT
        else:
            pseudonym = _SQLITE_PSEUDONYM
            leaf = _sqlite_leaf(blobs_as_null=False)
            self.leaf_parameters = [origin]
            # As for the pseudonym, a time of another type than text fails.
            raw_time = 'CASE WHEN typeof("time") = \'text\' THEN "time" END'
            with_content = _SQLITE_EXPIRED_WITH_CONTENT
            early = _SQLITE_EXPIRED_EARLY
            wrong_segment = _SQLITE_WRONG_SEGMENT
        # The leaf column is the RFC 9162 leaf prefix 0x00 and the leaf
        # bytes, ready to hash, or NULL for an expired entry whose content
        # columns are empty. An expired entry that keeps content, or whose
        # time is not before the parameter ``retained_from``, gets a value
        # that is no leaf, and so does an entry outside its segment, which
        # the leaf does not cover but searches by subject and user rely on.
        entry_table = self.table(ENTRY_TABLE)
        entries = (
            f'SELECT "index", CASE WHEN segment = "index" / {SEGMENT_SIZE} THEN '  # noqa: S608
            "CASE WHEN expired_at IS NULL THEN {leaf} "
            f"WHEN {_emptied_condition()} THEN "
            f'CASE WHEN "time" < %s THEN NULL ELSE {early} END '
            f"ELSE {with_content} END ELSE {wrong_segment} END, "
            f"leaf_hash FROM {entry_table} "
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
            f'FROM {entry_table} WHERE organisation_id = %s AND "index" = %s'
        )
        self.entry_segment = self._sql(
            f"SELECT segment FROM {entry_table} "  # noqa: S608
            'WHERE organisation_id = %s AND "index" = %s'
        )
        # The keys of the entries that an expiry statement's digest covers,
        # in the forms that ``expiry_statements`` describes.
        key_time, key_event_id = raw_time, "event_id"
        if vendor == "sqlite":
            key_time, key_event_id = (
                f"CASE WHEN typeof({column}) = 'text' THEN CAST({column} AS BLOB) "
                f"ELSE 'sql ' || quote({column}) END"
                for column in ('"time"', "event_id")
            )
        self.entry_keys = self._sql(
            f'SELECT "index", {key_time}, {key_event_id} FROM {entry_table} '  # noqa: S608
            'WHERE organisation_id = %s AND "index" >= %s AND "index" < %s '
            'ORDER BY "index"'
        )
        self.entry_time = self._sql(
            f"SELECT {raw_time} FROM {entry_table} "  # noqa: S608
            'WHERE organisation_id = %s AND "index" = %s'
        )
        self.checkpoint_sizes = self._sql(
            f"SELECT size FROM {self.table(CHECKPOINT_TABLE)} "  # noqa: S608
            "WHERE organisation_id = %s AND size > %s AND size <= %s ORDER BY size"
        )
        # Proofs cannot find a node stored under another tile than its own,
        # so it counts as missing. ``node_tile`` reads its tile for the message.
        self.nodes = self._sql(
            f'SELECT "index", hash FROM {self.table(NODE_TABLE)} '  # noqa: S608
            'WHERE organisation_id = %s AND level = %s AND "index" >= %s '
            f'AND "index" < %s AND tile = {TILE_SQL} ORDER BY "index"'
        )
        self.node_tile = self._sql(
            f"SELECT tile FROM {self.table(NODE_TABLE)} "  # noqa: S608
            'WHERE organisation_id = %s AND level = %s AND "index" = %s'
        )

    def _sql(self, statement: str) -> str:
        return statement.replace("%s", self.placeholder)

    def table(self, name: str) -> str:
        """Return the table ``name``, in ``schema`` if one was given."""
        if self.schema is None:
            return name
        return f"{_quote(self.schema)}.{_quote(name)}"

    def time_parameter(self, moment: datetime.datetime) -> Any:
        """Return an aware time as the parameter that compares with "time".

        On SQLite that is the text of the naive UTC time that the column
        contains (``millisecond_text``) and compares as text.
        """
        if self.vendor == "postgresql":
            return moment
        return millisecond_text(
            str(moment.astimezone(datetime.UTC).replace(tzinfo=None))
        )


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

    The verification's own process compares integer and bytea columns. The
    built-in operators for these take exactly the columns' types, and
    between two exact matches the order of the search path decides. Someone
    who can change a role's search path could otherwise put an operator of
    their own before pg_catalog. The scan's leaf SQL also calls functions
    without an exact built-in match, so it runs in ``catalog_only`` instead.
    The session keeps the setting, which changes nothing else, because
    pg_catalog normally comes first anyway.
    """
    cursor.execute("SHOW search_path")
    (path,) = cursor.fetchone()
    schemas = [name.strip() for name in path.split(",") if name.strip() != '""']
    if schemas[:1] != ["pg_catalog"]:
        cursor.execute(f"SET search_path TO {', '.join(['pg_catalog', *schemas])}")


def entry_table_schema(cursor: Any) -> str:
    """Return the schema of the entry table as the session's search path finds it.

    That is the table that Django reads and writes, which the scan then
    names with its schema, because ``catalog_only`` leaves only pg_catalog
    in the search path.
    """
    cursor.execute(
        "SELECT namespace.nspname FROM pg_catalog.pg_class AS relation "
        "JOIN pg_catalog.pg_namespace AS namespace "
        "ON namespace.oid OPERATOR(pg_catalog.=) relation.relnamespace "
        "WHERE relation.oid OPERATOR(pg_catalog.=) pg_catalog.to_regclass(%s)",
        [_quote(ENTRY_TABLE)],
    )
    row = cursor.fetchone()
    if row is None:
        raise RuntimeError(
            f"table {ENTRY_TABLE} not found in the search path: run vigil setup"
        )
    schema: str = row[0]
    return schema


@contextmanager
def catalog_only(cursor: Any) -> Iterator[None]:
    """Leave only pg_catalog in the session's search path while the block runs.

    The scan's SQL names functions and operators such as format() and =
    without a schema. PostgreSQL takes a function or operator of any schema
    in the search path whose argument types match better than the built-in
    one, whatever the order of the path. A function public.format() with
    the exact types of the leaf's columns would thus take the place of
    pg_catalog.format(text, VARIADIC "any") and could write the stored
    leaf from changed columns. With pg_catalog alone, no other schema's
    functions and operators are visible, and pg_temp is never searched for
    them. The tables are named with their schema (``entry_table_schema``).
    The previous search path is set again afterwards, because the scan may
    run on the connection that Django uses between two chunks. If the block
    raised inside a transaction, PostgreSQL undoes the setting with the
    transaction, and the error of the block is the one raised.
    """
    cursor.execute("SELECT pg_catalog.current_setting('search_path')")
    (previous,) = cursor.fetchone()
    # Inside a transaction the settings end with it, as SET LOCAL's do, so
    # that a search path set for the transaction only stays so.
    local = cursor.connection.info.transaction_status == TransactionStatus.INTRANS
    _set_search_path(cursor, "pg_catalog", local=local)
    try:
        yield
    except BaseException:
        with suppress(psycopg.Error):
            _set_search_path(cursor, previous, local=local)
        raise
    _set_search_path(cursor, previous, local=local)


def _set_search_path(cursor: Any, path: str, *, local: bool) -> None:
    cursor.execute("SELECT pg_catalog.set_config('search_path', %s, %s)", [path, local])


def _quote(name: str) -> str:
    """Return a PostgreSQL identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'
