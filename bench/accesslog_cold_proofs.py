"""Time inclusion proofs on an SQLite log whose pages are not in memory.

Run it on the log that ``accesslog_ingest.py --work-dir DIR`` left in DIR:

    .venv/bin/python bench/accesslog_ingest.py --engine sqlite --work-dir DIR
    .venv/bin/python bench/accesslog_cold_proofs.py --work-dir DIR

A proof at a random index of a large log reads pages that no earlier proof
read, and where the operating system no longer caches them, each one costs
a read from the disk. Each round first empties the operating system's page
cache (``/proc/sys/vm/drop_caches``, which needs root, and the script stops
without it), then opens a new connection and times ``--proofs`` proofs at
random indices. It prints their median, p99 and the kilobytes read from the
disk (``pgpgin`` of ``/proc/vmstat``), then times the same proofs again with
the pages cached. Emptying the page cache slows every other program on the
machine for a while, so run it on a machine that does nothing else.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

# The scripts run as files, so the folder above this one is not on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.ingested_log import (
    CENTRE,
    add_work_dir_argument,
    configure_django,
    require_log,
)

DROP_CACHES = Path("/proc/sys/vm/drop_caches")
VMSTAT = Path("/proc/vmstat")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_work_dir_argument(parser)
    parser.add_argument(
        "--proofs", type=int, default=1000, help="proofs per round (default: 1000)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default: 3)")
    parser.add_argument("--seed", type=int, default=4436, help="random seed")
    arguments = parser.parse_args(argv)
    arguments.work_dir = require_log(parser, arguments.work_dir)
    if arguments.proofs < 100 or arguments.rounds < 1:
        parser.error("--proofs must be at least 100 and --rounds at least 1")
    if not os.access(DROP_CACHES, os.W_OK):
        parser.error(
            f"{DROP_CACHES} is not writable: run the script as root, which may "
            "empty the page cache"
        )
    return arguments


def kilobytes_read() -> int:
    """Return the kilobytes that the machine has read from its disks since boot."""
    for line in VMSTAT.read_text().splitlines():
        name, value = line.split()
        if name == "pgpgin":
            return int(value)
    raise SystemExit(f"{VMSTAT} has no pgpgin line")


def empty_page_cache() -> None:
    os.sync()
    DROP_CACHES.write_text("3\n")


def time_proofs(organisation_id: int, indices: list[int], size: int) -> list[float]:
    """Return the milliseconds of each proof, with a new store and connection."""
    from django.db import connection

    from vigil.accesslog.store import DatabaseHashStore
    from vigil.ledger import inclusion_proof

    store = DatabaseHashStore(organisation_id)
    connection.ensure_connection()
    times = []
    for index in indices:
        started = time.perf_counter()
        inclusion_proof(index, size, store)
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def report(label: str, times: list[float], read: int) -> str:
    p99 = times[round(len(times) * 0.99) - 1]
    return (
        f"{label}: median {statistics.median(times):.3f} ms, p99 {p99:.3f} ms, "
        f"{read:,} kB read ({read / len(times):.1f} kB per proof)"
    )


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    configure_django(Path(arguments.work_dir))
    from django.db import connection

    from vigil.accesslog.store import DatabaseHashStore
    from vigil.organisations.models import Organisation

    organisation = Organisation.objects.get(slug=CENTRE)
    size = DatabaseHashStore(organisation.pk).leaf_count()
    print(f"{size:,} entries in {arguments.work_dir}")
    generator = random.Random(arguments.seed)
    for number in range(1, arguments.rounds + 1):
        indices = [generator.randrange(size) for _ in range(arguments.proofs)]
        connection.close()
        empty_page_cache()
        before = kilobytes_read()
        cold = time_proofs(organisation.pk, indices, size)
        print(
            report(
                f"round {number}, page cache emptied", cold, kilobytes_read() - before
            )
        )
        before = kilobytes_read()
        warm = time_proofs(organisation.pk, indices, size)
        print(
            report(
                f"round {number}, same proofs again", warm, kilobytes_read() - before
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
