"""Scanning a log's chunks in worker processes, for ``verification``.

The index range is split into contiguous parts of ``PART_CHUNKS`` chunks.
Each part is scanned by ``scan_chunks`` in a process of a
``ProcessPoolExecutor``, and at most two parts per worker are submitted
ahead of the part that the caller takes next. The caller thus checks the
checkpoints of one part while the workers scan the next ones, and the
summaries waiting for it stay few. The workers are forked from the calling
process, which has Django set up already, and each opens a connection of its
own with the settings of the caller's connection. They read only what was
committed, which is why the caller uses them only outside a transaction.
SQLite in WAL mode and PostgreSQL let the readers work side by side.
"""

import gc
import multiprocessing
import multiprocessing.util
import os
from collections import deque
from collections.abc import Generator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.db.utils import load_backend

from vigil.accesslog.verification_scan import ChunkSummary, ScanJob, scan_chunks

# Below this many entries the verification stays in one process by default.
# Starting two workers and their connections took about 40 ms on the 2-core
# machine of docs/benchmarks.md, while one process scanned 4,096 entries in
# about 35 ms. Smaller logs have too few parts to share that cost.
PARALLEL_MIN_ENTRIES = 1 << 16
# Chunks per part. A part of 4 chunks of 4,096 entries took about 0.1 s to
# scan there, so that a worker's connection for each part costs little.
PART_CHUNKS = 4
PARTS_AHEAD_PER_WORKER = 2


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


def split_parts(limit: int, chunk_level: int) -> list[tuple[int, int]]:
    """Split ``[0, limit)`` into ranges of ``PART_CHUNKS`` whole chunks."""
    step = PART_CHUNKS << chunk_level
    return [(start, min(start + step, limit)) for start in range(0, limit, step)]


def scan_in_workers(
    job: ScanJob, workers: int, using: str = DEFAULT_DB_ALIAS
) -> Generator[ChunkSummary]:
    """Yield the chunk summaries of the whole log in order, scanned by ``workers``.

    Stops after the first chunk with a failure and cancels the parts not
    started yet. Closing the generator early does the same.
    """
    settings = dict(connections[using].settings_dict)
    parts = iter(split_parts(job.limit, job.chunk_level))
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(settings, using),
    )
    pending: deque[Future[list[ChunkSummary]]] = deque()

    def submit_next() -> None:
        part = next(parts, None)
        if part is not None:
            pending.append(pool.submit(_scan_part, job, *part))

    try:
        for _ in range(workers * PARTS_AHEAD_PER_WORKER):
            submit_next()
        while pending:
            summaries = pending.popleft().result()
            submit_next()
            yield from summaries
            if summaries and summaries[-1].failure is not None:
                return
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# The connection of a worker process, opened by _start_worker.
_worker_connection: BaseDatabaseWrapper | None = None


def _start_worker(settings: dict[str, Any], alias: str) -> None:
    """Open the worker's connection, which scans all of its parts.

    One connection per worker instead of one per part saves a connect per
    part and keeps the pages that SQLite has cached. The worker creates no
    reference cycles that need the cyclic garbage collector, which would
    otherwise walk the tens of thousands of row tuples of each chunk
    repeatedly, so it is switched off.
    """
    global _worker_connection
    gc.disable()
    backend = load_backend(settings["ENGINE"])
    wrapper: BaseDatabaseWrapper = backend.DatabaseWrapper(settings, alias)
    wrapper.connect()
    _worker_connection = wrapper
    # Close it when the pool stops the worker, which runs these finalizers
    # but not atexit handlers.
    multiprocessing.util.Finalize(wrapper, wrapper.close, exitpriority=10)


def _scan_part(job: ScanJob, start: int, end: int) -> list[ChunkSummary]:
    """Scan ``[start, end)`` in a worker on its connection."""
    wrapper = _worker_connection
    if wrapper is None:
        raise RuntimeError("the verification worker has no database connection")
    return list(scan_chunks(wrapper.connection, wrapper.vendor, job, start, end))
