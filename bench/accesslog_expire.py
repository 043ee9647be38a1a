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
import shutil
import sys
import tempfile
import time
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

# The start time and spacing of the events of accesslog_ingest.py.
START_TIME = datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC)
EVENT_SPACING = datetime.timedelta(milliseconds=7)


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_work_dir_argument(parser)
    parser.add_argument(
        "--entries",
        type=int,
        default=200_000,
        help="entries that the run empties (default: 200000)",
    )
    arguments = parser.parse_args(argv)
    arguments.work_dir = require_log(parser, arguments.work_dir)
    if arguments.entries < 1:
        parser.error(f"--entries {arguments.entries} must be at least 1")
    return arguments


def configure_and_migrate(work_dir: Path) -> None:
    configure_django(work_dir)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    with tempfile.TemporaryDirectory(prefix="vigil-expire-") as folder:
        copy = Path(folder)
        source = Path(arguments.work_dir)
        shutil.copy2(source / DATABASE, copy / DATABASE)
        shutil.copy2(source / KEY_FILE, copy / KEY_FILE)
        configure_and_migrate(copy)
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
