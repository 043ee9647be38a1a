"""Time one expiry run, which checks each entry's leaf and signs a statement.

Run it on the log that ``accesslog_ingest.py --work-dir DIR`` left in DIR:

    .venv/bin/python bench/accesslog_ingest.py --engine sqlite --work-dir DIR
    .venv/bin/python bench/accesslog_expire.py --work-dir DIR --entries 200000

It copies the SQLite database to a temporary folder, so that DIR keeps its
log, migrates the copy and runs ``expire_entries`` at the time at which the
first ``--entries`` entries are due. The benchmark's events lie 7 ms apart
from its start time.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

# The start time and spacing of the events of accesslog_ingest.py.
START_TIME = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC)
EVENT_SPACING = datetime.timedelta(milliseconds=7)
CENTRE = "bench-centre"


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--work-dir",
        required=True,
        help="folder of an accesslog_ingest.py run with --engine sqlite, which "
        "contains accesslog.sqlite3 and secret_key",
    )
    parser.add_argument(
        "--entries",
        type=int,
        default=200_000,
        help="entries that the run empties (default: 200000)",
    )
    arguments = parser.parse_args(argv)
    database = Path(arguments.work_dir) / "accesslog.sqlite3"
    if not database.is_file():
        parser.error(
            f"--work-dir {arguments.work_dir!r} has no accesslog.sqlite3; run "
            "accesslog_ingest.py --engine sqlite --work-dir with that folder first"
        )
    if arguments.entries < 1:
        parser.error(f"--entries {arguments.entries} must be at least 1")
    return arguments


def configure_django(work_dir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{work_dir / 'accesslog.sqlite3'}"
    os.environ["VIGIL_DATA_DIR"] = str(work_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
    os.environ.setdefault("VIGIL_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    with tempfile.TemporaryDirectory(prefix="vigil-expire-") as folder:
        copy = Path(folder)
        source = Path(arguments.work_dir)
        shutil.copy2(source / "accesslog.sqlite3", copy / "accesslog.sqlite3")
        shutil.copy2(source / "secret_key", copy / "secret_key")
        configure_django(copy)
        from vigil.accesslog.retention import expire_entries, retention_period
        from vigil.organisations.models import Organisation

        organisation = Organisation.objects.get(slug=CENTRE)
        due_until = START_TIME + EVENT_SPACING * arguments.entries
        started = time.perf_counter()
        result = expire_entries(
            organisation, due_until + retention_period(), actor=None
        )
        seconds = time.perf_counter() - started
    print(
        f"expiry of {result.expired:,} entries: {seconds:.2f} s, "
        f"{result.expired / seconds:,.0f} entries/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
