"""Count the WAL frames that a batch writes, per table and index of the log.

Run it on the log that ``accesslog_ingest.py --work-dir DIR`` left in DIR:

    .venv/bin/python bench/accesslog_ingest.py --engine sqlite --work-dir DIR
    .venv/bin/python bench/accesslog_wal_frames.py --work-dir DIR

It copies the log to DIR/wal-frames, checkpoints the copy and turns its
automatic checkpoint off, so that the WAL keeps every frame that the next
commits write. It then ingests ``--batches`` batches of 1,000 synthetic
events through ``ingest_events``, each its own durable transaction. It
reads the page number of each frame from the WAL file and finds the table
or index that owns the page in SQLite's ``dbstat`` table. It prints the
frames per batch of each, their sum and the distinct pages per batch, and
removes the copy. Each frame is one page, so the frames are what a commit
writes and what a later checkpoint copies into the database file.
"""

from __future__ import annotations

import argparse
import collections
import random
import shutil
import sqlite3
import struct
import sys
from pathlib import Path

# The scripts run as files, so the folder above this one is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.ingested_log import (
    CENTRE,
    DATABASE,
    KEY_FILE,
    add_work_dir_argument,
    configure_django,
    require_log,
)

COPY_FOLDER = "wal-frames"
BATCH = 1000
# The WAL file format, as the comment "WRITE-AHEAD LOG (WAL) FILE FORMAT" of
# SQLite's src/wal.c describes it: a 32-byte header whose bytes 8 to 11 give
# the page size, then frames of a 24-byte header and one page. The frame
# header starts with the page number, a big-endian 32-bit integer.
WAL_HEADER_BYTES = 32
FRAME_HEADER_BYTES = 24
PAGE_SIZE_OFFSET = 8


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_work_dir_argument(parser)
    parser.add_argument(
        "--batches", type=int, default=8, help="batches to ingest (default: 8)"
    )
    parser.add_argument("--seed", type=int, default=9162, help="random seed")
    arguments = parser.parse_args(argv)
    arguments.work_dir = require_log(parser, arguments.work_dir)
    if arguments.batches < 1:
        parser.error("--batches must be at least 1")
    return arguments


def copy_log(work_dir: Path) -> Path:
    """Copy the log and its secret key to a fresh folder in ``work_dir``."""
    copy = work_dir / COPY_FOLDER
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir()
    source = sqlite3.connect(work_dir / DATABASE)
    target = sqlite3.connect(copy / DATABASE)
    with target:
        source.backup(target)
    source.close()
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    shutil.copy(work_dir / KEY_FILE, copy / KEY_FILE)
    return copy


def page_numbers(wal: Path) -> list[int]:
    """Return the page number of each frame of the WAL file ``wal``, in order."""
    data = wal.read_bytes()
    (page_size,) = struct.unpack_from(">I", data, PAGE_SIZE_OFFSET)
    frame = FRAME_HEADER_BYTES + page_size
    return [
        struct.unpack_from(">I", data, offset)[0]
        for offset in range(WAL_HEADER_BYTES, len(data) - frame + 1, frame)
    ]


def owners(database: Path) -> dict[int, str]:
    """Return the table or index that owns each page of ``database``."""
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute("SELECT pageno, name FROM dbstat").fetchall()
    except sqlite3.OperationalError as error:
        raise SystemExit(
            f"SQLite {sqlite3.sqlite_version} has no dbstat table ({error}); "
            "it needs a library built with SQLITE_ENABLE_DBSTAT_VTAB"
        ) from None
    finally:
        connection.close()
    return dict(rows)


def ingest_batches(batches: int, seed: int) -> None:
    """Ingest ``batches`` batches with the automatic checkpoint off."""
    from django.db import connection

    from bench.accesslog_ingest import EventSource
    from vigil.accesslog import ingestion
    from vigil.accesslog.models import AccessEntry
    from vigil.organisations.models import Organisation

    organisation = Organisation.objects.get(slug=CENTRE)
    # The settings of SQLITE_INGEST_PRAGMAS, but with the automatic checkpoint
    # off, which stays so because ingestion sets them on each batch.
    ingestion.SQLITE_INGEST_PRAGMAS = tuple(
        "PRAGMA wal_autocheckpoint=0" if "wal_autocheckpoint" in pragma else pragma
        for pragma in ingestion.SQLITE_INGEST_PRAGMAS
    )
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    source = EventSource(random.Random(seed))
    # Times go on after the log's last entry, as a sender's would.
    source.count = AccessEntry.objects.filter(organisation=organisation).count()
    for _ in range(batches):
        ingestion.ingest_events(organisation, source.batch(BATCH), source="bench")


def report(pages: list[int], owner: dict[int, str], batches: int) -> None:
    counts = collections.Counter(owner.get(page, "(freed page)") for page in pages)
    width = max(len(name) for name in counts)
    print(f"WAL frames per batch of {BATCH:,} events, over {batches} batches")
    for name, count in counts.most_common():
        print(f"  {name:<{width}} {count / batches:7.1f}")
    print(f"  {'all':<{width}} {len(pages) / batches:7.1f}")
    print(f"  {'distinct pages':<{width}} {len(set(pages)) / batches:7.1f}")


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    copy = copy_log(arguments.work_dir)
    try:
        configure_django(copy)
        ingest_batches(arguments.batches, arguments.seed)
        # While Django's connection is open, the WAL keeps its frames: the
        # last connection to close checkpoints it and removes it.
        pages = page_numbers(copy / f"{DATABASE}-wal")
        report(pages, owners(copy / DATABASE), arguments.batches)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(copy, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
