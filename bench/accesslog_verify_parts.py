"""Split the time of a full access-log verification on SQLite into its parts.

Run it on the log that ``accesslog_ingest.py --work-dir DIR`` left in DIR:

    .venv/bin/python bench/accesslog_ingest.py --engine sqlite --work-dir DIR
    .venv/bin/python bench/accesslog_verify_parts.py --work-dir DIR

It times, per entry and on one core, the parts of what each verification
worker does for a chunk. These are the scan's query of the entries, whose
SQL builds each leaf, the same query with only some of the leaf's columns,
hashing the leaves and rebuilding the subtrees. Each figure is the best of ``--repeat``
passes over ``--chunks`` chunks of 4,096 entries from the start of the log.
``--sqlite-module`` runs the queries through another DB-API module, such as
one that bundles a newer SQLite than Python's; the full verification still
uses Python's.
Last, it runs ``verify_log`` as ``vigil accesslog verify`` does and reports
the wall time and the processor time of the main process and of the workers,
which on 2 cores bounds the run at about half their sum.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import importlib
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

# The scripts run as files, so the folder above this one is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from typing import Any

from bench.ingested_log import (
    DATABASE,
    add_work_dir_argument,
    configure_django,
    require_log,
)

CHUNK = 4096
ENTRY_TABLE = "accesslog_accessentry"


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_work_dir_argument(parser)
    parser.add_argument(
        "--chunks", type=int, default=64, help="chunks to time (default: 64)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="passes per part (default: 3)"
    )
    parser.add_argument(
        "--sqlite-module",
        default="sqlite3",
        help="DB-API module of the timed queries, e.g. pysqlite3.dbapi2 "
        "(default: sqlite3)",
    )
    arguments = parser.parse_args(argv)
    arguments.work_dir = require_log(parser, arguments.work_dir)
    if arguments.chunks < 1 or arguments.repeat < 1:
        parser.error("--chunks and --repeat must be at least 1")
    try:
        arguments.sqlite = importlib.import_module(arguments.sqlite_module)
    except ImportError as error:
        parser.error(
            f"--sqlite-module {arguments.sqlite_module!r} cannot be imported "
            f"({error}); install it in this Python or leave the option out"
        )
    return arguments


def best_microseconds(
    arguments: argparse.Namespace, work: Callable[[int, int], None]
) -> float:
    """Return the best time of ``work`` over the chunks, in us per entry."""
    chunks: int = arguments.chunks
    best = float("inf")
    for _ in range(arguments.repeat):
        started = time.perf_counter()
        for chunk in range(chunks):
            work(chunk * CHUNK, (chunk + 1) * CHUNK)
        best = min(best, time.perf_counter() - started)
    return best / (chunks * CHUNK) * 1e6


def time_parts(arguments: argparse.Namespace, path: Path) -> list[tuple[str, float]]:
    """Time the scan's query and the parts of its leaf, then the hashing."""
    from vigil.accesslog import verification_sql as sql
    from vigil.accesslog.models import LogKeys
    from vigil.ledger import complete_subtree_levels

    keys = LogKeys.objects.get()
    statements = sql.ScanStatements("sqlite", keys.origin)
    # A UTC time before every entry, as SQLite compares it, so none is due.
    retained_from = str(
        datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC).replace(tzinfo=None)
    )
    connection = arguments.sqlite.connect(path)
    cursor = connection.cursor()

    def fetch(sql: str, parameters: list[Any]) -> Callable[[int, int], None]:
        def work(start: int, end: int) -> None:
            cursor.execute(sql, [*parameters, keys.organisation_id, start, end])
            cursor.fetchall()

        return work

    def columns(expression: str) -> str:
        return (
            f'SELECT "index", {expression}, leaf_hash FROM {ENTRY_TABLE} '  # noqa: S608
            'WHERE organisation_id = ? AND "index" >= ? AND "index" < ? '
            'ORDER BY "index"'
        )

    leaves: dict[int, list[bytes]] = {}
    for chunk in range(arguments.chunks):
        start = chunk * CHUNK
        cursor.execute(
            statements.entries,
            [
                *statements.leaf_parameters,
                retained_from,
                keys.organisation_id,
                start,
                start + CHUNK,
            ],
        )
        leaves[start] = [leaf for _index, leaf, _stored in cursor.fetchall()]

    def hash_leaves(start: int, _end: int) -> None:
        sha256 = hashlib.sha256
        [sha256(leaf).digest() for leaf in leaves[start]]

    hashes = {
        start: [hashlib.sha256(leaf).digest() for leaf in chunk]
        for start, chunk in leaves.items()
    }

    def build_levels(start: int, _end: int) -> None:
        complete_subtree_levels(hashes[start])

    leaf_parameters = [*statements.leaf_parameters, retained_from]
    parts = [
        ("scan query, leaf built in SQL", fetch(statements.entries, leaf_parameters)),
        (
            "... with a type check per text column",
            fetch(statements.checked_entries, leaf_parameters),
        ),
        ("index and leaf hash only", fetch(columns("1"), [])),
        ("... and the time of the leaf", fetch(columns(sql._SQLITE_TIME), [])),
        (
            "... and the pseudonym of the leaf",
            fetch(columns(sql._SQLITE_PSEUDONYM), []),
        ),
        ("hashing the leaves (Python)", hash_leaves),
        ("rebuilding the subtrees (Python)", build_levels),
    ]
    return [(name, best_microseconds(arguments, work)) for name, work in parts]


def time_verification() -> tuple[int, float, float, float]:
    """Run verify_log once; return entries, wall, main and worker CPU seconds."""
    from vigil.accesslog.verification import verify_log
    from vigil.organisations.models import Organisation

    organisation = Organisation.objects.get(slug="bench-centre")
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = verify_log(organisation)
    wall = time.perf_counter() - started
    own_after = resource.getrusage(resource.RUSAGE_SELF)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not result.ok:
        raise SystemExit(f"the log does not verify: {result.message}")
    main = own_after.ru_utime + own_after.ru_stime - own.ru_utime - own.ru_stime
    workers = (
        children_after.ru_utime
        + children_after.ru_stime
        - children.ru_utime
        - children.ru_stime
    )
    return result.size, wall, main, workers


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    work_dir = Path(arguments.work_dir)
    configure_django(work_dir)
    entries = arguments.chunks * CHUNK
    print(f"SQLite {arguments.sqlite.sqlite_version} through {arguments.sqlite_module}")
    print(f"| part, {entries:,} entries in chunks of {CHUNK:,} | us per entry |")
    print("|---|---|")
    for name, microseconds in time_parts(arguments, work_dir / DATABASE):
        print(f"| {name} | {microseconds:.2f} |")
    size, wall, main_seconds, worker_seconds = time_verification()
    print()
    print(f"verify_log of {size:,} entries: {wall:.2f} s, {size / wall:,.0f} entries/s")
    print(
        f"processor time: main process {main_seconds:.2f} s, "
        f"workers {worker_seconds:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
