"""Measure access-log ingestion, proofs and verification at scale.

The script creates its own database (an SQLite file in a temporary folder, or
a PostgreSQL database that it creates and drops), migrates it and creates one
centre. It then measures, in one run:

1. ingestion: N synthetic events through ``ingest_events`` in batches, each
   batch its own durable transaction (SQLite ``synchronous=FULL`` in WAL
   mode; PostgreSQL's default ``synchronous_commit=on``). With ``--senders``
   above 1, that many processes send batches at the same time, as several
   clients of the REST API would. With ``--from-file``, the events are
   written to a JSON lines file, and ``vigil accesslog ingest --batch-size``
   ingests it, reading and checking each batch in a second process;
2. inclusion proofs: median and p99 over random indices at the final size,
   both the bare RFC 9162 proof (one query) and the document that
   ``inclusion_proof_for`` returns (checkpoint lookup included);
3. a full ``verify_log`` run, in entries per second;
4. the floor: the same stored entry rows (read back from the log) inserted
   with plain ``executemany`` into an empty table without indexes, in the
   same batches and with the same durability;
5. the peak resident memory of the process.

With one sender only the ``ingest_events`` calls are timed for ingestion,
not building the synthetic records. With several, ingestion is timed from
the start of the senders to the end of the last one, and each sender builds
its records while the others send, so that time counts too. Run
``.venv/bin/python bench/accesslog_ingest.py --help`` for the options. The
script exits with status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from vigil.organisations.models import Organisation

DEFAULT_EVENTS = 1_000_000
DEFAULT_BATCH = 1000
DEFAULT_PROOFS = 1000
DEFAULT_POSTGRESQL_URL = "postgresql://postgres@127.0.0.1:5432/vigil_bench_accesslog"
DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,50}$")

# Targets on a 2-core machine.
INGEST_TARGET = 50_000.0  # events per second
PROOF_P99_TARGET_MS = 1.0
VERIFY_TARGET = 500_000.0  # entries per second

# The synthetic centre: this many clients, staff, applications and services.
SUBJECTS = 20_000
USERS = 300
APPLICATIONS = ("social-file", "budget-guidance", "debt-mediation", "housing", "mail")
SERVICES = 25
START_TIME = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC)
FLOOR_COLUMNS = (
    "organisation_id",
    "idx",
    "event_id",
    "time",
    "user_id",
    "application",
    "action",
    "subject_pseudonym",
    "service",
    "case_ref",
    "source_ip",
    "outcome",
    "leaf_hash",
    "received_at",
)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time access-log ingestion against a plain-insert floor, "
        "then inclusion proofs and a full verification."
    )
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--events",
        type=int,
        default=DEFAULT_EVENTS,
        help=f"events to ingest (default: {DEFAULT_EVENTS})",
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=DEFAULT_BATCH,
        help=f"events per batch and transaction (default: {DEFAULT_BATCH})",
    )
    parser.add_argument(
        "--senders",
        type=int,
        default=1,
        help="processes that send batches at the same time (default: 1)",
    )
    parser.add_argument(
        "--from-file",
        action="store_true",
        help="write the events to a JSON lines file first, then time `vigil "
        "accesslog ingest --batch-size BATCH` on it, whose second process reads "
        "and checks the next batch while the current one is stored",
    )
    parser.add_argument(
        "--proofs",
        type=int,
        default=DEFAULT_PROOFS,
        help=f"random indices whose proof is timed (default: {DEFAULT_PROOFS})",
    )
    parser.add_argument(
        "--postgresql-url",
        default=DEFAULT_POSTGRESQL_URL,
        help="server and database for --engine postgresql. The script creates "
        f"the database and drops it at the end (default: {DEFAULT_POSTGRESQL_URL})",
    )
    parser.add_argument(
        "--work-dir",
        help="folder for the SQLite files and the secret key (default: a new "
        "temporary folder, removed at the end)",
    )
    parser.add_argument("--seed", type=int, default=4435, help="random seed")
    arguments = parser.parse_args(argv)
    for name in ("events", "batch", "senders", "proofs"):
        if getattr(arguments, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if arguments.from_file and arguments.senders != 1:
        parser.error("--from-file reads one file: leave out --senders")
    return arguments


# Databases


@dataclass
class Database:
    """The benchmark's own database, created empty and removed at the end."""

    engine: str
    url: str
    name: str

    @classmethod
    def choose(cls, arguments: argparse.Namespace, work_dir: Path) -> Database:
        if arguments.engine == "sqlite":
            path = work_dir / "accesslog.sqlite3"
            return cls("sqlite", f"sqlite:///{path}", str(path))
        parts = urlsplit(arguments.postgresql_url)
        name = parts.path.lstrip("/")
        if parts.scheme not in {"postgres", "postgresql"} or not DATABASE_NAME.match(
            name
        ):
            raise SystemExit(
                f"--postgresql-url {arguments.postgresql_url!r} must be "
                "postgresql://user@host:port/name with a lower-case name"
            )
        return cls("postgresql", arguments.postgresql_url, name)

    def _server(self) -> str:
        return urlunsplit(urlsplit(self.url)._replace(path="/postgres"))

    def create(self) -> None:
        if self.engine == "sqlite":
            return
        import psycopg
        from psycopg import sql

        with psycopg.connect(self._server(), autocommit=True) as connection:
            found = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.name]
            ).fetchone()
            if found:
                raise SystemExit(
                    f"database {self.name} exists, maybe from an interrupted run. "
                    f"Drop it (dropdb {self.name}) or pass another --postgresql-url"
                )
            connection.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name))
            )

    def drop(self) -> None:
        if self.engine == "sqlite":
            return
        from django.db import connections

        connections.close_all()
        import psycopg
        from psycopg import sql

        with psycopg.connect(self._server(), autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(self.name))
            )


def configure_django(database: Database, work_dir: Path) -> None:
    os.environ["DATABASE_URL"] = database.url
    os.environ["VIGIL_DATA_DIR"] = str(work_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
    os.environ["VIGIL_CHECKPOINT_INTERVAL_SECONDS"] = "0"
    os.environ.setdefault("VIGIL_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def create_centre() -> Organisation:
    from vigil.organisations.services import create_organisation

    return create_organisation(
        slug="bench-centre",
        kind="centre",
        name_nl="OCMW Bench",
        name_fr="CPAS Bench",
        enterprise_number="0999999922",
        actor=None,
    )


# Synthetic events


class EventSource:
    """Synthetic events of one centre, in time order, one batch at a time."""

    def __init__(self, generator: random.Random) -> None:
        self.generator = generator
        from vigil.accesslog.national_numbers import synthetic_national_numbers

        self.subjects = synthetic_national_numbers(SUBJECTS, generator)
        self.users = [f"U{700000 + number}" for number in range(USERS)]
        self.services = [f"Service{number:02d}" for number in range(SERVICES)]
        self.count = 0

    def batch(self, size: int) -> list[tuple[int, dict[str, object]]]:
        choose = self.generator.choice
        records: list[tuple[int, dict[str, object]]] = []
        for line in range(1, size + 1):
            moment = START_TIME + datetime.timedelta(milliseconds=7 * self.count)
            record: dict[str, object] = {
                "event_id": str(uuid.UUID(int=self.generator.getrandbits(128))),
                "time": moment.isoformat(timespec="milliseconds"),
                "user_id": choose(self.users),
                "application": choose(APPLICATIONS),
                "action": "consult" if self.count % 5 else "modify",
                "subject": choose(self.subjects),
                "service": choose(self.services),
            }
            if self.count % 3 == 0:
                record["case_ref"] = f"D-{self.count // 3 % 50000}"
                record["source_ip"] = f"10.12.{self.count % 250}.{self.count % 200 + 1}"
            records.append((line, record))
            self.count += 1
        return records


# Measurements


@dataclass
class Rate:
    count: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else float("inf")


def ingest(
    organisation: Organisation, arguments: argparse.Namespace
) -> tuple[Rate, list[float]]:
    from vigil.accesslog.ingestion import ingest_events

    source = EventSource(random.Random(arguments.seed))
    remaining = arguments.events
    total = 0.0
    batch_seconds: list[float] = []
    report_every = max(1, arguments.events // arguments.batch // 10)
    while remaining:
        size = min(arguments.batch, remaining)
        records = source.batch(size)
        started = time.perf_counter()
        ingest_events(organisation, records, source="bench")
        elapsed = time.perf_counter() - started
        total += elapsed
        batch_seconds.append(elapsed)
        remaining -= size
        if len(batch_seconds) % report_every == 0:
            done = arguments.events - remaining
            print(
                f"  {done} events, {done / total:,.0f} events/s so far",
                file=sys.stderr,
            )
    return Rate(arguments.events, total), batch_seconds


def ingest_from_file(
    organisation: Organisation, arguments: argparse.Namespace, work_dir: Path
) -> Rate:
    """Time the file ingestion of the command on a JSON lines file of the events.

    Writing the file is not timed. The time runs from the call of the
    command's service, whose report is printed, to its return: the file's
    last batch is then committed.
    """
    from vigil.accesslog.file_ingest import ingest_file

    source = EventSource(random.Random(arguments.seed))
    path = work_dir / "events.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        remaining = arguments.events
        while remaining:
            size = min(arguments.batch, remaining)
            for _line, record in source.batch(size):
                stream.write(json.dumps(record) + "\n")
            remaining -= size
    try:
        started = time.perf_counter()
        report_lines = ingest_file(organisation, path, "jsonl", arguments.batch)
        seconds = time.perf_counter() - started
    finally:
        path.unlink()
    print("\n".join(report_lines), file=sys.stderr)
    return Rate(arguments.events, seconds)


def ingest_concurrently(
    organisation: Organisation, arguments: argparse.Namespace
) -> Rate:
    """Ingest with ``--senders`` processes, each sending every n-th batch."""
    import multiprocessing

    from django.db import connections

    # A forked process must not share the parent's database connection.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(arguments.senders + 1)
    batches = -(-arguments.events // arguments.batch)
    senders = [
        context.Process(
            target=_send, args=(organisation, arguments, number, batches, start)
        )
        for number in range(arguments.senders)
    ]
    for sender in senders:
        sender.start()
    start.wait()
    started = time.perf_counter()
    for sender in senders:
        sender.join()
    seconds = time.perf_counter() - started
    failed = [sender.exitcode for sender in senders if sender.exitcode]
    if failed:
        raise SystemExit(f"{len(failed)} senders failed with exit codes {failed}")
    return Rate(arguments.events, seconds)


def _send(
    organisation: Organisation,
    arguments: argparse.Namespace,
    number: int,
    batches: int,
    start: Any,
) -> None:
    from vigil.accesslog.ingestion import ingest_events

    source = EventSource(random.Random(arguments.seed + number))
    start.wait()
    for batch in range(number, batches, arguments.senders):
        size = min(arguments.batch, arguments.events - batch * arguments.batch)
        ingest_events(organisation, source.batch(size), source="bench")


def stored_rows(
    organisation: Organisation, batch: int
) -> Iterator[list[tuple[Any, ...]]]:
    """Yield the stored entry rows in index order, ``batch`` at a time."""
    from django.db import connection

    quote = connection.ops.quote_name
    columns = ", ".join(
        quote("index" if name == "idx" else name) for name in FLOOR_COLUMNS
    )
    index = quote("index")
    start = 0
    while True:
        # A closed range keeps PostgreSQL on an index scan. With an open range
        # and LIMIT, its stale statistics of the young table made it sort all
        # later rows for every batch.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM accesslog_accessentry "  # noqa: S608
                f"WHERE organisation_id = %s AND {index} >= %s AND {index} < %s "
                f"ORDER BY {index}",
                [organisation.pk, start, start + batch],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield [_plain_row(row) for row in rows]
        start = int(rows[-1][1]) + 1


def _plain_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Turn database values into what a plain insert binds: text and bytes."""
    values: list[Any] = []
    for value in row:
        if isinstance(value, datetime.datetime):
            values.append(value.isoformat())
        elif isinstance(value, memoryview):
            values.append(bytes(value))
        elif value is None or isinstance(value, str | int | bytes):
            values.append(value)
        else:
            values.append(str(value))
    return tuple(values)


def floor_sqlite(organisation: Organisation, work_dir: Path, batch: int) -> Rate:
    path = work_dir / "floor.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute(f"CREATE TABLE floor ({', '.join(FLOOR_COLUMNS)})")
    statement = (
        f"INSERT INTO floor ({', '.join(FLOOR_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join('?' * len(FLOOR_COLUMNS))})"
    )
    total = 0.0
    count = 0
    for rows in stored_rows(organisation, batch):
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(statement, rows)
        connection.execute("COMMIT")
        total += time.perf_counter() - started
        count += len(rows)
    connection.close()
    path.unlink()
    return Rate(count, total)


def floor_postgresql(
    organisation: Organisation, database: Database, batch: int
) -> Rate:
    import psycopg

    types = {"organisation_id": "bigint", "idx": "bigint", "leaf_hash": "bytea"}
    columns = ", ".join(f"{name} {types.get(name, 'text')}" for name in FLOOR_COLUMNS)
    statement = (
        f"INSERT INTO bench_floor ({', '.join(FLOOR_COLUMNS)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(FLOOR_COLUMNS))})"
    )
    total = 0.0
    count = 0
    with psycopg.connect(database.url) as connection:
        connection.execute(f"CREATE TABLE bench_floor ({columns})")
        connection.commit()
        for rows in stored_rows(organisation, batch):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.executemany(statement, rows)
            connection.commit()
            total += time.perf_counter() - started
            count += len(rows)
    return Rate(count, total)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(len(ordered) * fraction + 0.5) - 1)]


def time_proofs(
    organisation: Organisation, arguments: argparse.Namespace
) -> tuple[list[float], list[float]]:
    from vigil.accesslog.proofs import inclusion_proof_for
    from vigil.accesslog.store import DatabaseHashStore
    from vigil.ledger import inclusion_proof

    store = DatabaseHashStore(organisation.pk)
    size = store.leaf_count()
    generator = random.Random(arguments.seed + 1)
    indices = [generator.randrange(size) for _ in range(arguments.proofs)]
    bare: list[float] = []
    documents: list[float] = []
    for index in indices:
        started = time.perf_counter()
        inclusion_proof(index, size, store)
        bare.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        inclusion_proof_for(organisation, index)
        documents.append((time.perf_counter() - started) * 1000)
    return bare, documents


def verify(organisation: Organisation) -> Rate:
    from vigil.accesslog.verification import verify_log

    started = time.perf_counter()
    result = verify_log(organisation)
    seconds = time.perf_counter() - started
    if not result.ok:
        raise SystemExit(f"verification of the benchmark log failed: {result.message}")
    return Rate(result.size, seconds)


def peak_memory_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(
    arguments: argparse.Namespace,
    ingested: Rate,
    batch_seconds: list[float],
    floor: Rate,
    proofs: tuple[list[float], list[float]],
    verified: Rate,
) -> bool:
    bare, documents = proofs
    batch_ms = [seconds * 1000 for seconds in batch_seconds]
    batches = (
        f"; batch median {statistics.median(batch_ms):.1f} ms, "
        f"p99 {percentile(batch_ms, 0.99):.1f} ms"
        if batch_ms
        else ""
    )
    sender = (
        "a JSON lines file"
        if arguments.from_file
        else f"{arguments.senders} sender{'s' if arguments.senders != 1 else ''}"
    )
    lines = [
        f"engine {arguments.engine}, {arguments.events} events in batches of "
        f"{arguments.batch} from {sender}, {os.cpu_count()} "
        f"CPUs, load average {os.getloadavg()[0]:.2f}",
        f"ingestion      {ingested.per_second:>12,.0f} events/s "
        f"({ingested.seconds:.1f} s{batches})",
        f"plain insert   {floor.per_second:>12,.0f} rows/s ({floor.seconds:.1f} s)",
        f"ratio          {ingested.per_second / floor.per_second:>12.2f} of the floor",
        f"proof (bare)   median {statistics.median(bare):.3f} ms, "
        f"p99 {percentile(bare, 0.99):.3f} ms over {len(bare)} indices",
        f"proof document median {statistics.median(documents):.3f} ms, "
        f"p99 {percentile(documents, 0.99):.3f} ms",
        f"verification   {verified.per_second:>12,.0f} entries/s "
        f"({verified.seconds:.1f} s for {verified.count} entries)",
        f"peak memory    {peak_memory_mib():>12,.0f} MiB resident",
    ]
    print("\n".join(lines))
    missed = []
    if ingested.per_second < INGEST_TARGET:
        missed.append(f"ingestion below {INGEST_TARGET:,.0f} events/s")
    if percentile(bare, 0.99) >= PROOF_P99_TARGET_MS:
        missed.append(f"proof p99 not below {PROOF_P99_TARGET_MS} ms")
    if verified.per_second < VERIFY_TARGET:
        missed.append(f"verification below {VERIFY_TARGET:,.0f} entries/s")
    for line in missed:
        print(f"target missed: {line}")
    return not missed


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    work_dir = Path(arguments.work_dir or tempfile.mkdtemp(prefix="vigil-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    database = Database.choose(arguments, work_dir)
    database.create()
    try:
        configure_django(database, work_dir)
        organisation = create_centre()
        print("ingesting", file=sys.stderr)
        batch_seconds: list[float] = []
        if arguments.from_file:
            ingested = ingest_from_file(organisation, arguments, work_dir)
        elif arguments.senders == 1:
            ingested, batch_seconds = ingest(organisation, arguments)
        else:
            ingested = ingest_concurrently(organisation, arguments)
        # Proofs and verification come before the floor, whose table would
        # otherwise push the log's pages out of the operating system's page
        # cache when the cache cannot hold both files.
        print("timing proofs and verifying", file=sys.stderr)
        proofs = time_proofs(organisation, arguments)
        verified = verify(organisation)
        print("inserting the floor rows", file=sys.stderr)
        if arguments.engine == "sqlite":
            floor = floor_sqlite(organisation, work_dir, arguments.batch)
        else:
            floor = floor_postgresql(organisation, database, arguments.batch)
        met = report(arguments, ingested, batch_seconds, floor, proofs, verified)
    finally:
        database.drop()
        if not arguments.work_dir:
            shutil.rmtree(work_dir, ignore_errors=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
