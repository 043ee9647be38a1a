"""Scanning a log's chunks in worker processes, for ``verification``.

The index range is split into contiguous parts of whole chunks, two per
worker, so that the caller can check the first parts' checkpoints while the
workers scan the last ones. Each part is scanned by ``scan_chunks`` in a
process of a ``ProcessPoolExecutor``. The workers are forked from the calling
process, which has Django set up already, and each opens a connection of its
own with the settings of the caller's connection. They read only what was
committed, which is why the caller uses them only outside a transaction.
SQLite in WAL mode and PostgreSQL let the readers work side by side.
"""

import multiprocessing
import os
from collections.abc import Generator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.db.utils import load_backend

from vigil.accesslog.verification_scan import ChunkSummary, ScanJob, scan_chunks

# Below this many entries the verification stays in one process by default:
# forking and connecting the workers takes some tens of milliseconds, about
# as long as scanning this many entries in one process.
PARALLEL_MIN_ENTRIES = 1 << 15
PARTS_PER_WORKER = 2


def available_workers() -> int:
    """Return the number of CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def workers_possible(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Tell whether worker processes could read what the connection ``using`` reads.

    They cannot see a transaction's uncommitted rows or an in-memory SQLite
    database, and they need the fork start method, which Windows lacks.
    """
    connection = connections[using]
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    if connection.in_atomic_block:
        return False
    if isinstance(connection, SQLiteWrapper) and connection.is_in_memory_db():
        return False
    return "fork" in multiprocessing.get_all_start_methods()


def split_parts(limit: int, chunk_level: int, count: int) -> list[tuple[int, int]]:
    """Split ``[0, limit)`` into at most ``count`` ranges of whole chunks."""
    width = 1 << chunk_level
    chunks = -(-limit // width)
    per_part = max(1, -(-chunks // count))
    step = per_part * width
    return [(start, min(start + step, limit)) for start in range(0, limit, step)]


def scan_in_workers(
    job: ScanJob, workers: int, using: str = DEFAULT_DB_ALIAS
) -> Generator[ChunkSummary]:
    """Yield the chunk summaries of the whole log in order, scanned by ``workers``.

    Stops after the first chunk with a failure and cancels the parts not
    started yet. Closing the iterator early does the same.
    """
    connection = connections[using]
    settings = dict(connection.settings_dict)
    parts = split_parts(job.limit, job.chunk_level, workers * PARTS_PER_WORKER)
    pool = ProcessPoolExecutor(
        max_workers=min(workers, len(parts)),
        mp_context=multiprocessing.get_context("fork"),
    )
    try:
        futures: list[Future[list[ChunkSummary]]] = [
            pool.submit(_scan_part, settings, using, job, start, end)
            for start, end in parts
        ]
        for future in futures:
            summaries = future.result()
            yield from summaries
            if summaries and summaries[-1].failure is not None:
                return
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _scan_part(
    settings: dict[str, Any], alias: str, job: ScanJob, start: int, end: int
) -> list[ChunkSummary]:
    """Scan ``[start, end)`` in a worker on a connection of its own."""
    backend = load_backend(settings["ENGINE"])
    wrapper: BaseDatabaseWrapper = backend.DatabaseWrapper(settings, alias)
    wrapper.connect()
    try:
        return list(scan_chunks(wrapper.connection, wrapper.vendor, job, start, end))
    finally:
        wrapper.close()
